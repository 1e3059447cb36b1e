//! The settings file: discovery walking up, `codegen.toml` over `pyproject.toml`,
//! `--config` and `--isolated`, flags over the file, located errors for unknown
//! keys and wrong types, `codegen config` provenance, and the format hook.

use std::fs;
use std::path::Path;

use crate::common::{codegen, repo, stderr, stdout};

const CONTRACT: &str = "node_invoice_total_compute.yaml";

/// A project: one example contract in `contracts/`, and `codegen.toml` holding `config`.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("contracts")).unwrap();
    fs::copy(
        repo().join("contracts").join(CONTRACT),
        dir.path().join("contracts").join(CONTRACT),
    )
    .unwrap();
    if !config.is_empty() {
        fs::write(dir.path().join("codegen.toml"), config).unwrap();
    }
    dir
}

fn has_package(out: &Path) -> bool {
    fs::read_dir(out).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().join("node.py").is_file())
    })
}

fn config_json(cwd: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["config", "--output-format", "json"];
    args.extend_from_slice(extra);
    let output = codegen(cwd, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn setting<'a>(json: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    json["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {json}"))
}

#[test]
fn found_from_a_subdirectory_with_paths_relative_to_the_file() {
    let dir = project("[generate]\noutput = \"pkgs\"\n");
    let sub = dir.path().join("src/deep");
    fs::create_dir_all(&sub).unwrap();
    let output = codegen(&sub, &["generate", "../../contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(has_package(&dir.path().join("pkgs")));
    assert!(!sub.join("pkgs").exists());
    assert!(!sub.join("generated").exists());
}

#[test]
fn codegen_toml_wins_over_pyproject_in_the_same_directory() {
    let dir = project("[generate]\njobs = 3\n");
    fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.codegen.generate]\njobs = 5\n",
    )
    .unwrap();
    let json = config_json(dir.path(), &[]);
    assert!(json["file"].as_str().unwrap().ends_with("codegen.toml"));
    assert_eq!(setting(&json, "generate.jobs")["value"], 3);

    fs::remove_file(dir.path().join("codegen.toml")).unwrap();
    let json = config_json(dir.path(), &[]);
    assert!(json["file"].as_str().unwrap().ends_with("pyproject.toml"));
    assert_eq!(setting(&json, "generate.jobs")["value"], 5);
    assert_eq!(setting(&json, "generate.jobs")["line"], 5);
}

#[test]
fn a_pyproject_without_tool_codegen_is_passed_over() {
    let dir = project("[generate]\njobs = 3\n");
    let sub = dir.path().join("lib");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("pyproject.toml"), "[project]\nname = \"lib\"\n").unwrap();
    let json = config_json(&sub, &[]);
    assert_eq!(setting(&json, "generate.jobs")["value"], 3);
}

#[test]
fn config_flag_names_the_file_and_isolated_ignores_all() {
    let dir = project("[generate]\njobs = 3\n");
    fs::write(dir.path().join("other.toml"), "[generate]\njobs = 7\n").unwrap();
    let json = config_json(dir.path(), &["--config", "other.toml"]);
    assert_eq!(setting(&json, "generate.jobs")["value"], 7);
    let json = config_json(dir.path(), &["--isolated"]);
    assert_eq!(json["file"], serde_json::Value::Null);
    assert_eq!(setting(&json, "generate.jobs")["source"], "default");

    let output = codegen(dir.path(), &["config", "--config", "missing.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn flags_override_the_file() {
    let dir = project("[generate]\noutput = \"from-file\"\n");
    let output = codegen(dir.path(), &["generate", "contracts", "-o", "from-flag"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(has_package(&dir.path().join("from-flag")));
    assert!(!dir.path().join("from-file").exists());

    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(has_package(&dir.path().join("from-file")));
}

#[test]
fn unknown_key_is_located_with_a_suggestion() {
    let dir = project("color = \"never\"\n\n[generate]\noutptu = \"x\"\n");
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("codegen.toml:4:1: error: unknown key `outptu` in [generate]"),
        "{err}"
    );
    assert!(err.contains("did you mean `output`?"), "{err}");
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn a_key_in_the_wrong_section_says_where_it_belongs() {
    let dir = project("[validate]\nstrict = true\n");
    let output = codegen(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("codegen.toml:2:1: error: unknown key `strict`"),
        "{err}"
    );
    assert!(err.contains("belongs in [generate]"), "{err}");
}

#[test]
fn wrong_types_are_located() {
    let dir = project("[generate]\njobs = \"two\"\nfail-fast = 1\n");
    let output = codegen(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("codegen.toml:2:8: error: `jobs`"), "{err}");
    assert!(err.contains("whole number"), "{err}");
    assert!(
        err.contains("codegen.toml:3:13: error: `fail-fast`"),
        "{err}"
    );

    let dir = project("[generate\n");
    let output = codegen(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid TOML"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn config_shows_each_value_and_its_source() {
    let dir = project("color = \"never\"\n[validate]\nselect = [\"SYN\"]\n");
    let output = codegen(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("color = \"never\"  # "), "{text}");
    assert!(text.contains("codegen.toml:1\n"), "{text}");
    assert!(text.contains("select = [\"SYN\"]  # "), "{text}");
    assert!(text.contains("codegen.toml:3\n"), "{text}");
    assert!(text.contains("output = \"generated\"  # default"), "{text}");

    let json = config_json(dir.path(), &["--color", "always"]);
    assert_eq!(setting(&json, "color")["source"], "flag");
    assert_eq!(setting(&json, "color")["value"], "always");
    assert_eq!(setting(&json, "validate.select")["source"], "file");
}

#[test]
fn validate_reads_its_section() {
    let dir = project("[validate]\noutput-format = \"json\"\n");
    fs::write(dir.path().join("ok.py"), "x = 1\n").unwrap();
    let output = codegen(dir.path(), &["validate", "ok.py"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(findings.is_array());
}

#[cfg(unix)]
#[test]
fn format_command_runs_once_and_its_output_counts_as_ours() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = project("");
    let script = dir.path().join("fmt.sh");
    fs::write(
        &script,
        "#!/bin/sh\necho run >> \"$(dirname \"$0\")/runs.log\"\nfor f in \"$@\"; do printf '# formatted\\n' >> \"$f\"; done\n",
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(
        dir.path().join("codegen.toml"),
        "[generate]\nformat-command = [\"./fmt.sh\"]\n",
    )
    .unwrap();

    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let runs = fs::read_to_string(dir.path().join("runs.log")).unwrap();
    assert_eq!(runs.lines().count(), 1);
    let node = fs::read_dir(dir.path().join("generated"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path().join("node.py"))
        .find(|p| p.is_file())
        .unwrap();
    assert!(
        fs::read_to_string(&node)
            .unwrap()
            .ends_with("# formatted\n")
    );

    // The formatted bytes are recorded: nothing is stale, nothing is a hand edit.
    let output = codegen(dir.path(), &["generate", "contracts", "--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let runs = fs::read_to_string(dir.path().join("runs.log")).unwrap();
    assert_eq!(runs.lines().count(), 1, "nothing written, so no second run");

    // A fresh clone (no `.codegen/`) renders again: the manifest knows the
    // formatted files for what they were rendered from, so --check passes
    // and a write changes nothing and runs no formatter.
    let before = crate::common::files_under(&dir.path().join("generated"))
        .into_iter()
        .filter(|p| !p.starts_with(".codegen"))
        .map(|p| {
            let bytes = fs::read(dir.path().join("generated").join(&p)).unwrap();
            (p, bytes)
        })
        .collect::<Vec<_>>();
    fs::remove_dir_all(dir.path().join("generated/.codegen")).unwrap();
    let output = codegen(dir.path(), &["generate", "contracts", "--check"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        crate::common::stdout(&output),
        stderr(&output)
    );
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let runs = fs::read_to_string(dir.path().join("runs.log")).unwrap();
    assert_eq!(
        runs.lines().count(),
        1,
        "a fresh clone formats nothing again"
    );
    for (p, bytes) in before {
        assert_eq!(
            fs::read(dir.path().join("generated").join(&p)).unwrap(),
            bytes,
            "{}",
            p.display()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_failing_format_command_is_reported() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = project("[generate]\nformat-command = [\"./fmt.sh\", \"--style\"]\n");
    let script = dir.path().join("fmt.sh");
    fs::write(
        &script,
        "#!/bin/sh\necho 'cannot format this' >&2\nexit 3\n",
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("fmt.sh --style` failed with status 3"),
        "{err}"
    );
    assert!(err.contains("cannot format this"), "{err}");
}

#[test]
fn a_missing_format_command_is_a_clear_error() {
    let dir = project("[generate]\nformat-command = [\"no-such-formatter-xyz\", \"--fix\"]\n");
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("no-such-formatter-xyz --fix"), "{err}");
    assert!(err.contains("not found"), "{err}");
}

/// A formatter (`python fmt.py LOG FILE...`) that appends `# formatted` to
/// each file it is given and logs, per file, the path it was given and the
/// hash of what the package in the output directory held at that moment.
const RECORDING_FORMATTER: &str = r##"import hashlib, json, os, sys
log, files = sys.argv[1], sys.argv[2:]
with open(log, "a") as out:
    out.write(json.dumps({"run": len(files)}) + "\n")
    for given in files:
        parts = given.split(os.sep)
        at = parts.index(".codegen")
        # <out>/.codegen/staging/<pid>/<package>/<file> -> <out>/<package>/<file>
        final = os.sep.join(parts[:at] + parts[at + 3:])
        try:
            with open(final, "rb") as f:
                held = hashlib.sha256(f.read()).hexdigest()
        except FileNotFoundError:
            held = None
        out.write(json.dumps({"given": given, "final": final, "held": held}) + "\n")
        with open(given, "a") as f:
            f.write("# formatted\n")
"##;

/// A project whose format command is `formatter` (Python source) run as
/// `python fmt.py runs.log`.
fn formatted_project(formatter: &str) -> tempfile::TempDir {
    let dir = project("");
    fs::write(dir.path().join("fmt.py"), formatter).unwrap();
    let command = [
        crate::common::python().display().to_string(),
        dir.path().join("fmt.py").display().to_string(),
        dir.path().join("runs.log").display().to_string(),
    ];
    fs::write(
        dir.path().join("codegen.toml"),
        format!("[generate]\nformat-command = {command:?}\n"),
    )
    .unwrap();
    dir
}

/// The log's entries: one list of `(given, final, held)` per formatter run.
fn formatter_runs(dir: &Path) -> Vec<Vec<(String, String, Option<String>)>> {
    let Ok(text) = fs::read_to_string(dir.join("runs.log")) else {
        return Vec::new();
    };
    let mut runs: Vec<Vec<_>> = Vec::new();
    for line in text.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        if entry.get("run").is_some() {
            runs.push(Vec::new());
        } else {
            runs.last_mut().unwrap().push((
                entry["given"].as_str().unwrap().to_owned(),
                entry["final"].as_str().unwrap().to_owned(),
                entry["held"].as_str().map(str::to_owned),
            ));
        }
    }
    runs
}

/// Every file of the package directory `pkg`, with its bytes.
fn package_bytes(pkg: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    crate::common::files_under(pkg)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(pkg.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    codegen::digest::sha256_hex(bytes)
}

const PACKAGE: &str = "generated/node_invoice_total_compute";

#[test]
fn the_format_command_runs_on_the_staged_package_before_it_is_swapped_in() {
    let dir = formatted_project(RECORDING_FORMATTER);
    let pkg = dir.path().join(PACKAGE);

    // First run: while the formatter runs, the package is not in place yet.
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let runs = formatter_runs(dir.path());
    assert_eq!(runs.len(), 1, "one run for the whole batch");
    assert!(runs[0].iter().any(|(_, f, _)| f.ends_with("node.py")));
    for (given, final_path, held) in &runs[0] {
        assert!(given.contains(".codegen/staging/"), "{given}");
        assert_eq!(held, &None, "{final_path} existed while it was formatted");
    }
    let node = fs::read_to_string(pkg.join("node.py")).unwrap();
    assert!(node.ends_with("# formatted\n"), "{node}");
    // The manifest records the formatted bytes.
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(pkg.join(".codegen-manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["files"]["node.py"]["hash"].as_str().unwrap(),
        sha256(node.as_bytes())
    );
    assert!(
        fs::read_dir(dir.path().join("generated/.codegen/staging"))
            .unwrap()
            .next()
            .is_none(),
        "staging is left empty"
    );

    // Up to date: --check passes, and a second run writes (and formats) nothing.
    let check = codegen(dir.path(), &["generate", "contracts", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let again = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(formatter_runs(dir.path()).len(), 1);

    // A changed contract: while the formatter runs, the old package is
    // still in place, every file with its old bytes.
    let before = package_bytes(&pkg);
    let contract = dir.path().join("contracts").join(CONTRACT);
    let text = fs::read_to_string(&contract).unwrap();
    fs::write(
        &contract,
        text.replacen("Computes line totals", "Computes the line totals", 1),
    )
    .unwrap();
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let runs = formatter_runs(dir.path());
    assert_eq!(runs.len(), 2);
    assert!(!runs[1].is_empty());
    for (given, final_path, held) in &runs[1] {
        assert!(given.contains(".codegen/staging/"), "{given}");
        let rel = Path::new(final_path).strip_prefix(PACKAGE).unwrap();
        let old = sha256(
            before
                .get(rel)
                .unwrap_or_else(|| panic!("{final_path} was not in the old package")),
        );
        assert_eq!(
            held.as_ref(),
            Some(&old),
            "{final_path} changed before the swap"
        );
    }
    let node = fs::read_to_string(pkg.join("node.py")).unwrap();
    assert!(node.contains("Computes the line totals"), "{node}");
    assert_eq!(node.matches("# formatted\n").count(), 1, "{node}");
    let check = codegen(dir.path(), &["generate", "contracts", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let again = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(formatter_runs(dir.path()).len(), 2);
}

#[test]
fn a_failing_format_command_leaves_the_previous_package_byte_identical() {
    // It rewrites what it is given, then fails.
    let failing = "import sys\n\
                   for given in sys.argv[2:]:\n    \
                       open(given, 'a').write('# half done\\n')\n\
                   sys.stderr.write('cannot format this\\n')\n\
                   sys.exit(3)\n";
    let dir = formatted_project(RECORDING_FORMATTER);
    let pkg = dir.path().join(PACKAGE);
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let before = package_bytes(&pkg);

    fs::write(dir.path().join("fmt.py"), failing).unwrap();
    let contract = dir.path().join("contracts").join(CONTRACT);
    let text = fs::read_to_string(&contract).unwrap();
    fs::write(
        &contract,
        text.replacen("Computes line totals", "Computes the line totals", 1),
    )
    .unwrap();
    let output = codegen(dir.path(), &["generate", "contracts"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("failed with status 3"), "{err}");
    assert!(err.contains("cannot format this"), "{err}");
    assert!(
        err.contains(&format!(
            "{PACKAGE}: error: not written: the format command `"
        )),
        "{err}"
    );
    assert_eq!(package_bytes(&pkg), before, "the old package changed");
    assert!(
        crate::common::files_under(&dir.path().join("generated/.codegen/staging")).is_empty(),
        "the staged package was left behind"
    );
    // The package is not what the contract says now: --check says so.
    let check = codegen(dir.path(), &["generate", "contracts", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
}
