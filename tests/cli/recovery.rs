//! What `generate` does about each class of failure, each provoked for real
//! (the io class, with a full file system and a busy mount, is in
//! `recovery_io.rs`; the quorum's network classes in `quorum.rs`): a contract
//! that does not parse is skipped (the run stops with `--fail-fast`),
//! generated code with error findings is skipped, a format command that
//! hangs is stopped; the summary and the JSON report count each.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{codegen, contracts, stderr, stdout};

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(output), stderr(output)))
}

/// The `recovery.classes` entries as `class/strategy times [contract file names]`.
fn classes(report: &Value) -> Vec<String> {
    report["recovery"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let names: Vec<&str> = c["contracts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    Path::new(p.as_str().unwrap())
                        .file_name()
                        .unwrap()
                        .to_str()
                        .unwrap()
                })
                .collect();
            format!(
                "{}/{} {} {names:?}",
                c["class"].as_str().unwrap(),
                c["strategy"].as_str().unwrap(),
                c["times"]
            )
        })
        .collect()
}

#[test]
fn a_contract_that_does_not_parse_is_skipped_or_stops_the_run_with_fail_fast() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("contracts"), 2);
    fs::write(
        dir.path().join("contracts/broken.yaml"),
        "name: [unclosed\n",
    )
    .unwrap();
    let output = codegen(
        dir.path(),
        &[
            "generate",
            "contracts",
            "-o",
            "out",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["generated"], 2);
    assert_eq!(classes(&report), [r#"parse/skip 1 ["broken.yaml"]"#]);
    let text = codegen(dir.path(), &["generate", "contracts", "-o", "text-out"]);
    assert!(
        stderr(&text).contains("recovered:\n  parse (skip): 1 time on 1 contract"),
        "{}",
        stderr(&text)
    );

    let output = codegen(
        dir.path(),
        &[
            "generate",
            "contracts",
            "-o",
            "fast",
            "--fail-fast",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["generated"], 0);
    assert_eq!(classes(&report), [r#"parse/stop 1 ["broken.yaml"]"#]);
}

#[test]
fn generated_code_with_error_findings_is_skipped_and_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("contracts"), 2);
    // Only the first contract's handlers hold an `eval`: its name is in the template.
    let first = fs::read_to_string(dir.path().join("contracts/c0000.yaml")).unwrap();
    let name = first
        .lines()
        .find_map(|l| l.strip_prefix("name: "))
        .unwrap()
        .trim()
        .to_owned();
    fs::create_dir(dir.path().join("tpl")).unwrap();
    fs::write(
        dir.path().join("tpl/package_init.py.tera"),
        format!(
            "{{% if name == \"{name}\" %}}result = eval(input())\n{{% else %}}\"\"\"{{{{ name }}}}.\"\"\"\n{{% endif %}}"
        ),
    )
    .unwrap();
    let output = codegen(
        dir.path(),
        &[
            "generate",
            "contracts",
            "-o",
            "out",
            "--templates",
            "tpl",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["generated"], 1, "{report:#}");
    assert_eq!(classes(&report), [r#"validation/skip 1 ["c0000.yaml"]"#]);
    assert!(!dir.path().join("out").join(&name).exists());
}

#[test]
fn a_format_command_that_hangs_is_stopped_and_no_package_is_written() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("contracts"), 2);
    fs::write(
        dir.path().join("codegen.toml"),
        "[generate]\nformat-command = [\"sh\", \"-c\", \"exec sleep 60\", \"sh\"]\n",
    )
    .unwrap();
    let started = Instant::now();
    let output = codegen(
        dir.path(),
        &[
            "generate",
            "contracts",
            "-o",
            "out",
            "--step-timeout",
            "1",
            "--output-format",
            "json",
        ],
    );
    // Stopped after its second, not left to sleep its minute.
    assert!(
        started.elapsed() < Duration::from_secs(45),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = json(&output);
    let problems = report["problems"].to_string();
    assert!(
        problems.contains("did not finish within 1 s: stopped"),
        "{problems}"
    );
    assert_eq!(
        classes(&report),
        [r#"timeout/stop 2 ["c0000.yaml", "c0001.yaml"]"#]
    );
    let left: Vec<_> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "written: {left:?}");
}
