//! `codegen init` and `codegen new`: what they write, that they never
//! overwrite, and that what they write generates cleanly.

use std::fs;
use std::path::Path;

use crate::common::{codegen, python, repo, run_ok, stderr, stdout};

const EXAMPLES: [&str; 4] = [
    "node_invoice_total_compute.yaml",
    "node_order_fulfillment_orchestrator.yaml",
    "node_payment_gateway_effect.yaml",
    "node_session_state_reducer.yaml",
];

fn generate_strict(cwd: &Path) -> std::process::Output {
    codegen(cwd, &["generate", "contracts", "-o", "out", "--strict"])
}

/// `generate` with no PATHS: the contracts the project's `codegen.toml` lists.
fn generate_configured(cwd: &Path) -> std::process::Output {
    codegen(cwd, &["generate", "-o", "out", "--strict"])
}

#[test]
fn init_into_an_empty_directory_writes_config_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    let out = codegen(cwd, &["init", "project"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let project = cwd.join("project");
    assert!(stdout(&out).contains("codegen.toml"));
    for name in EXAMPLES {
        assert_eq!(
            fs::read(project.join("contracts").join(name)).unwrap(),
            fs::read(repo().join("contracts").join(name)).unwrap(),
            "{name}"
        );
    }

    // The config is TOML with the two sections; every key but the contracts is a comment.
    let script = "import sys, tomllib; c = tomllib.load(open(sys.argv[1], 'rb')); \
                  assert c == {'generate': {'contracts': ['contracts']}, 'validate': {}}, c; \
                  print('ok')";
    let checked = run_ok(
        cwd,
        &python(),
        &["-c", script, project.join("codegen.toml").to_str().unwrap()],
    );
    assert!(checked.contains("ok"));
    let config = fs::read_to_string(project.join("codegen.toml")).unwrap();
    for key in [
        "output",
        "jobs",
        "fail-fast",
        "strict",
        "templates",
        "select",
        "ignore",
    ] {
        assert!(config.contains(&format!("# {key} = ")), "{key}");
    }

    let generated = generate_configured(&project);
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert_eq!(fs::read_dir(project.join("out")).unwrap().count(), 5); // 4 + .codegen
    // ... from a subdirectory too: the paths are relative to the file, not the working directory.
    fs::create_dir(project.join("src")).unwrap();
    let check = codegen(
        &project.join("src"),
        &["generate", "-o", "../out", "--check"],
    );
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn generate_without_paths_or_configured_contracts_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = codegen(dir.path(), &["--isolated", "generate", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[generate] contracts"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn init_never_overwrites_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    fs::create_dir(cwd.join("contracts")).unwrap();
    fs::write(cwd.join("codegen.toml"), "# ours\n").unwrap();
    fs::write(cwd.join("contracts").join(EXAMPLES[0]), "ours\n").unwrap();
    fs::write(cwd.join("README.md"), "ours\n").unwrap();

    let out = codegen(cwd, &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("skipped codegen.toml: it exists"), "{err}");
    assert!(
        err.contains(&format!("skipped contracts/{}", EXAMPLES[0])),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(cwd.join("codegen.toml")).unwrap(),
        "# ours\n"
    );
    assert_eq!(
        fs::read_to_string(cwd.join("contracts").join(EXAMPLES[0])).unwrap(),
        "ours\n"
    );
    assert_eq!(fs::read_to_string(cwd.join("README.md")).unwrap(), "ours\n");
    for name in &EXAMPLES[1..] {
        assert!(stdout(&out).contains(name), "{name}");
        assert!(cwd.join("contracts").join(name).is_file());
    }

    // A second run writes nothing at all.
    let again = codegen(cwd, &["init"]);
    assert!(again.status.success());
    assert_eq!(stdout(&again), "");
}

#[test]
fn new_writes_a_contract_of_each_type_that_generates_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    for (raw, kind) in [
        ("auth gate", "compute"),
        ("PaymentLedger", "reducer"),
        ("mail_sender", "effect"),
        ("node_checkout_flow_orchestrator", "orchestrator"),
    ] {
        let out = codegen(cwd, &["new", raw, "--type", kind]);
        assert!(out.status.success(), "{raw}: {}", stderr(&out));
    }
    let mut files: Vec<String> = fs::read_dir(cwd.join("contracts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "node_auth_gate_compute.yaml",
            "node_checkout_flow_orchestrator.yaml",
            "node_mail_sender_effect.yaml",
            "node_payment_ledger_reducer.yaml",
        ]
    );
    let generated = generate_strict(cwd);
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(
        !stderr(&generated).contains("warning"),
        "{}",
        stderr(&generated)
    );
    assert!(
        cwd.join("out/node_payment_ledger_reducer/node.py")
            .is_file()
    );
}

#[test]
fn new_refuses_to_overwrite_and_to_take_unusable_names() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    fs::create_dir(cwd.join("specs")).unwrap();
    let path = cwd.join("specs/node_auth_gate_effect.yaml");
    fs::write(&path, "ours\n").unwrap();
    let out = codegen(cwd, &["new", "AuthGate", "-t", "effect", "-o", "specs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("never overwrites"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "ours\n");

    let bad = codegen(cwd, &["new", "café", "-t", "effect"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("cannot be a node name"),
        "{}",
        stderr(&bad)
    );
}
