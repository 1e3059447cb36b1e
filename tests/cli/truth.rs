//! Counts and messages that tell the truth: a write that fails is not
//! "created", a package blocked by a hand edit is not "updated", an
//! unreadable manifest is said to be one, and `validate` of a path that does
//! not exist does not pass.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{codegen, files_under, repo, stderr, stdout};

const TARGET: &str = "node_invoice_total_compute";

/// `work/c/<TARGET>.yaml` in a fresh directory; returns (tmp, work).
fn work() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    fs::create_dir_all(work.join("c")).unwrap();
    fs::copy(
        repo().join("contracts").join(format!("{TARGET}.yaml")),
        work.join("c").join(format!("{TARGET}.yaml")),
    )
    .unwrap();
    (tmp, work)
}

fn generate(work: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "c", "-o", "out"];
    args.extend_from_slice(extra);
    codegen(work, &args)
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

/// The `summary.files` counts of a JSON report.
fn file_counts(output: &Output) -> serde_json::Map<String, serde_json::Value> {
    json(output)["summary"]["files"]
        .as_object()
        .unwrap()
        .clone()
}

#[test]
fn a_write_that_fails_counts_its_files_as_failed_not_created() {
    let (_tmp, work) = work();
    // A file where the package needs a directory: the package cannot be built.
    let package = work.join("out").join(TARGET);
    fs::create_dir_all(&package).unwrap();
    fs::write(package.join("models"), "in the way\n").unwrap();

    let output = generate(&work, &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(!err.contains("created"), "{err}");
    assert!(err.contains("not written (the write failed)"), "{err}");
    assert!(err.contains("generated 0 packages"), "{err}");
    // What the summary says is what the disk shows: nothing was written.
    assert_eq!(files_under(&package), [PathBuf::from("models")]);

    let output = generate(&work, &["--output-format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let counts = file_counts(&output);
    assert!(!counts.contains_key("created"), "{counts:?}");
    let failed = counts["failed"].as_u64().unwrap();
    let report = json(&output);
    let files = report["contracts"][0]["files"].as_array().unwrap();
    assert_eq!(failed, files.len() as u64, "{report:#}");
    assert!(files.iter().all(|f| f["action"] == "failed"), "{report:#}");
}

#[test]
fn a_package_blocked_by_a_hand_edit_counts_as_blocked_not_updated() {
    let (_tmp, work) = work();
    let first = generate(&work, &["-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let package = work.join("out").join(TARGET);
    // One file edited by hand, one generated file missing.
    let edited = package.join("node.py");
    let text = fs::read_to_string(&edited).unwrap();
    fs::write(&edited, format!("{text}# mine\n")).unwrap();
    let missing = package.join("entry_points.toml");
    fs::remove_file(&missing).unwrap();

    let dry = generate(&work, &["--dry-run"]);
    let listed = stdout(&dry);
    assert!(
        listed.contains(&format!("blocked out/{TARGET}/entry_points.toml")),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("hand-edited out/{TARGET}/node.py")),
        "{listed}"
    );
    assert!(!listed.contains("create "), "{listed}");

    let output = generate(&work, &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("1 hand-edited"), "{err}");
    assert!(
        err.contains("1 not written (blocked by a hand edit)"),
        "{err}"
    );
    assert!(
        !err.contains("created") && !err.contains("updated"),
        "{err}"
    );
    assert!(!missing.exists(), "the blocked package was written");

    let output = generate(&work, &["--output-format", "json"]);
    let counts = file_counts(&output);
    assert_eq!(counts.get("blocked"), Some(&1.into()), "{counts:?}");
    assert_eq!(counts.get("hand-edited"), Some(&1.into()), "{counts:?}");
    assert!(!counts.contains_key("created"), "{counts:?}");
}

#[test]
fn an_unreadable_manifest_is_reported_and_what_was_done_said() {
    let (_tmp, work) = work();
    let first = generate(&work, &["-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let manifest = work.join("out").join(TARGET).join(".codegen-manifest.json");
    fs::write(&manifest, "{\n  \"contract\": oops\n").unwrap();
    let shown = format!("out/{TARGET}/.codegen-manifest.json:2:");

    let check = generate(&work, &["--check"]);
    let err = stderr(&check);
    assert!(err.contains(&shown), "{err}");
    assert!(err.contains("warning: the manifest is unreadable"), "{err}");
    assert_eq!(check.status.code(), Some(1), "{err}");

    let output = generate(&work, &[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains(&shown), "{err}");
    assert!(
        err.contains("read as if the package had none") && err.contains("replaces the manifest"),
        "{err}"
    );
    // And it was replaced: the next run is quiet and finds the package current.
    let bytes = fs::read(&manifest).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
    let again = generate(&work, &[]);
    assert!(!stderr(&again).contains("warning"), "{}", stderr(&again));
    assert!(stderr(&again).contains("1 package unchanged"));
}

#[test]
fn an_orphan_with_an_unreadable_manifest_is_left_alone_with_a_warning() {
    let (_tmp, work) = work();
    let first = generate(&work, &["-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let package = work.join("out").join(TARGET);
    fs::write(package.join(".codegen-manifest.json"), "not json").unwrap();
    // Another contract takes its place, so the run has one to generate.
    fs::remove_file(work.join("c").join(format!("{TARGET}.yaml"))).unwrap();
    fs::copy(
        repo().join("contracts/node_session_state_reducer.yaml"),
        work.join("c/other.yaml"),
    )
    .unwrap();
    let before = files_under(&package);
    let output = codegen(&work, &["generate", "c", "-o", "out", "--prune"]);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "out/{TARGET}/.codegen-manifest.json:1:2: warning: the manifest is unreadable: expected ident;"
        )),
        "{err}"
    );
    assert!(err.contains("left as it is"), "{err}");
    assert_eq!(files_under(&package), before);
}

#[test]
fn validating_a_path_that_does_not_exist_does_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    let output = codegen(dir.path(), &["validate", "/nonexistent.py"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(!err.contains("All checks passed"), "{err}");
    assert!(err.contains("/nonexistent.py"), "{err}");
    assert!(err.contains("1 path could not be checked"), "{err}");
}
