//! `--templates DIR`, `templates list` and `templates eject`: partial
//! overrides, the eject round trip, located template errors, and incremental
//! runs that notice an edited override.

use std::fs;
use std::path::Path;

use crate::common::{codegen, repo, stderr, stdout};

const CONTRACT: &str = "node_invoice_total_compute.yaml";
const PACKAGE: &str = "node_invoice_total_compute";

/// A project with one example contract in `contracts/`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("contracts")).unwrap();
    fs::copy(
        repo().join("contracts").join(CONTRACT),
        dir.path().join("contracts").join(CONTRACT),
    )
    .unwrap();
    dir
}

fn generate(cwd: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["generate", "contracts", "-o", "out"];
    args.extend_from_slice(extra);
    codegen(cwd, &args)
}

fn read(cwd: &Path, rel: &str) -> String {
    fs::read_to_string(cwd.join("out").join(PACKAGE).join(rel)).unwrap()
}

fn template_hash(cwd: &Path) -> String {
    let manifest = read(cwd, ".codegen-manifest.json");
    let value: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    value["template_hash"].as_str().unwrap().to_owned()
}

#[test]
fn an_override_replaces_one_template_and_the_rest_stay_built_in() {
    let dir = project();
    let cwd = dir.path();
    let builtin = generate(cwd, &[]);
    assert!(builtin.status.success(), "{}", stderr(&builtin));
    let node_before = read(cwd, "node.py");

    fs::create_dir(cwd.join("tpl")).unwrap();
    fs::write(
        cwd.join("tpl/tests_init.py.tera"),
        "\"\"\"Our own tests of {{ name }}.\"\"\"\n",
    )
    .unwrap();
    let custom = generate(cwd, &["--templates", "tpl"]);
    assert!(custom.status.success(), "{}", stderr(&custom));
    assert_eq!(
        read(cwd, "tests/__init__.py"),
        format!("\"\"\"Our own tests of {PACKAGE}.\"\"\"\n")
    );
    assert_eq!(read(cwd, "node.py"), node_before);
}

#[test]
fn an_edited_override_regenerates_on_the_next_run() {
    let dir = project();
    let cwd = dir.path();
    fs::create_dir(cwd.join("tpl")).unwrap();
    let template = cwd.join("tpl/tests_init.py.tera");
    fs::write(&template, "\"\"\"First.\"\"\"\n").unwrap();
    assert!(generate(cwd, &["--templates", "tpl"]).status.success());
    let first_hash = template_hash(cwd);
    assert_eq!(read(cwd, "tests/__init__.py"), "\"\"\"First.\"\"\"\n");

    // Same templates: nothing to do.
    let again = generate(cwd, &["--templates", "tpl"]);
    assert!(again.status.success());
    assert!(!stderr(&again).contains("created"), "{}", stderr(&again));

    fs::write(&template, "\"\"\"Second.\"\"\"\n").unwrap();
    let changed = generate(cwd, &["--templates", "tpl"]);
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert_eq!(read(cwd, "tests/__init__.py"), "\"\"\"Second.\"\"\"\n");
    assert_ne!(template_hash(cwd), first_hash);
}

#[test]
fn eject_edit_generate_round_trip() {
    let dir = project();
    let cwd = dir.path();
    assert!(generate(cwd, &[]).status.success());
    let builtin_hash = template_hash(cwd);
    let builtin_init = read(cwd, "tests/__init__.py");

    let eject = codegen(cwd, &["templates", "eject", "tpl"]);
    assert!(eject.status.success(), "{}", stderr(&eject));
    assert!(stdout(&eject).contains("tests_init.py.tera"));
    assert!(cwd.join("tpl/node_compute.py.tera").is_file());

    // The ejected set is the built-in set: same hash, same output.
    let same = generate(cwd, &["--templates", "tpl"]);
    assert!(same.status.success(), "{}", stderr(&same));
    assert_eq!(template_hash(cwd), builtin_hash);

    let path = cwd.join("tpl/tests_init.py.tera");
    let edited = fs::read_to_string(&path).unwrap() + "# Edited by the team.\n";
    fs::write(&path, edited).unwrap();
    let out = generate(cwd, &["--templates", "tpl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        read(cwd, "tests/__init__.py"),
        format!("{builtin_init}# Edited by the team.\n")
    );
}

#[test]
fn eject_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    fs::create_dir(cwd.join("tpl")).unwrap();
    fs::write(cwd.join("tpl/model.py.tera"), "mine\n").unwrap();
    let eject = codegen(cwd, &["templates", "eject", "tpl"]);
    assert!(eject.status.success(), "{}", stderr(&eject));
    assert!(
        stderr(&eject).contains("skipped tpl/model.py.tera"),
        "{}",
        stderr(&eject)
    );
    assert!(!stdout(&eject).contains("model.py.tera"));
    assert_eq!(
        fs::read_to_string(cwd.join("tpl/model.py.tera")).unwrap(),
        "mine\n"
    );

    let forced = codegen(cwd, &["templates", "eject", "tpl", "--force"]);
    assert!(forced.status.success());
    assert!(stdout(&forced).contains("wrote tpl/model.py.tera"));
    assert_ne!(
        fs::read_to_string(cwd.join("tpl/model.py.tera")).unwrap(),
        "mine\n"
    );
}

#[test]
fn list_shows_built_in_overridden_added_and_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    let plain = codegen(cwd, &["templates", "list"]);
    assert!(plain.status.success());
    let text = stdout(&plain);
    assert!(text.lines().all(|l| l.ends_with("built-in")), "{text}");
    assert!(text.contains("node_effect.py.tera"));

    fs::create_dir(cwd.join("tpl")).unwrap();
    fs::write(cwd.join("tpl/model.py.tera"), "x\n").unwrap();
    fs::write(cwd.join("tpl/extra.py.tera"), "y\n").unwrap();
    fs::write(cwd.join("tpl/README.md"), "{% not a template %}\n").unwrap();
    let listed = codegen(cwd, &["templates", "list", "--templates", "tpl"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let text = stdout(&listed);
    let origin = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_owned)
    };
    assert_eq!(origin("model.py.tera").as_deref(), Some("overridden"));
    assert_eq!(origin("extra.py.tera").as_deref(), Some("added"));
    assert_eq!(origin("enum.py.tera").as_deref(), Some("built-in"));
    assert_eq!(origin("README.md"), None);
    assert!(
        stderr(&listed).contains("README.md: warning: ignored"),
        "{}",
        stderr(&listed)
    );
}

/// A user template that fails to render gives way to the built-in one of
/// the same name: the package is what the built-ins make, a warning names the
/// template's file, line and variable, and the summary and JSON report say
/// what was recovered. With `--strict` it is an error (exit 2), and the
/// package is not written.
#[test]
fn a_render_error_falls_back_to_the_builtin_and_strict_refuses_it() {
    let dir = project();
    let cwd = dir.path();
    let builtin = codegen(cwd, &["generate", "contracts", "-o", "plain"]);
    assert!(builtin.status.success(), "{}", stderr(&builtin));
    fs::create_dir(cwd.join("tpl")).unwrap();
    fs::write(
        cwd.join("tpl/tests_init.py.tera"),
        "\"\"\"Tests.\"\"\"\nvalue = {{ no_such_variable }}\n",
    )
    .unwrap();

    let strict = generate(cwd, &["--templates", "tpl", "--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    let err = stderr(&strict);
    assert!(err.contains("tpl/tests_init.py.tera:2:"), "{err}");
    assert!(err.contains("no_such_variable"), "{err}");
    assert!(err.contains("error"), "{err}");
    assert!(!cwd.join("out").join(PACKAGE).exists());

    let out = generate(cwd, &["--templates", "tpl", "--output-format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let warning = report["contracts"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["filename"]
                .as_str()
                .unwrap()
                .ends_with("tpl/tests_init.py.tera")
        })
        .unwrap_or_else(|| panic!("no warning on the template: {report}"));
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["location"]["row"], 2, "{warning}");
    let message = warning["message"].as_str().unwrap();
    assert!(message.contains("no_such_variable"), "{message}");
    assert!(
        message.contains("tests/__init__.py was rendered with the built-in"),
        "{message}"
    );
    let classes = &report["recovery"]["classes"];
    assert_eq!(classes[0]["class"], "template", "{report}");
    assert_eq!(classes[0]["strategy"], "fallback");
    assert_eq!(classes[0]["times"], 1);
    assert!(
        classes[0]["contracts"][0]
            .as_str()
            .unwrap()
            .ends_with(CONTRACT)
    );
    assert_eq!(
        read(cwd, "tests/__init__.py"),
        fs::read_to_string(cwd.join("plain").join(PACKAGE).join("tests/__init__.py")).unwrap()
    );

    // The text summary says it too, and a fresh run still warns.
    let again = generate(cwd, &["--templates", "tpl"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stderr(&again).contains("tests_init.py.tera:2:"),
        "{}",
        stderr(&again)
    );
    fs::remove_dir_all(cwd.join("out")).unwrap();
    let text = generate(cwd, &["--templates", "tpl"]);
    assert!(
        stderr(&text).contains("recovered:\n  template (fallback): 1 time on 1 contract"),
        "{}",
        stderr(&text)
    );
}

#[test]
fn a_syntax_error_in_an_override_stops_before_any_output() {
    let dir = project();
    let cwd = dir.path();
    fs::create_dir(cwd.join("tpl")).unwrap();
    fs::write(cwd.join("tpl/model.py.tera"), "ok\n{% if %}\n").unwrap();
    let out = generate(cwd, &["--templates", "tpl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("model.py.tera:2:"), "{err}");
    assert!(err.contains("{% if %}"), "{err}");
    assert!(!cwd.join("out").join(PACKAGE).exists());

    let missing = generate(cwd, &["--templates", "nowhere"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nowhere"), "{}", stderr(&missing));
}
