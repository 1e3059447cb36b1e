//! `codegen profile`: every operation of the pipeline timed over real runs
//! (the example contracts, and the 1,000 contracts of the benchmark), text
//! and JSON, the scratch directory removed, and `--apply` writing what it
//! recommends into `codegen.toml` so that `codegen config` reads it back.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;
use serde_json::Value;

use crate::common::{repo, stderr, stdout};

/// `codegen profile args` in `cwd`, its scratch directories under `tmp`.
fn profile(cwd: &Path, tmp: &Path, args: &[&str]) -> Output {
    Command::new(cargo_bin("codegen"))
        .arg("profile")
        .args(args)
        .current_dir(cwd)
        .env("TMPDIR", tmp)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run codegen profile")
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(output), stderr(output)))
}

fn ms(op: &Value, key: &str) -> f64 {
    op[key].as_f64().unwrap_or_else(|| panic!("{key} of {op}"))
}

/// What holds of any profile: statistics in order, shares adding up, hot
/// paths exactly the operations over the threshold, recommendations whole.
fn check_profile(doc: &Value, iterations: u64, contracts: u64) {
    assert_eq!(doc["iterations"], iterations);
    let threshold = doc["threshold"].as_f64().unwrap();
    let ops = doc["operations"].as_array().unwrap();
    let op = |name: &str| {
        ops.iter()
            .find(|op| op["name"] == name)
            .unwrap_or_else(|| panic!("no operation {name}: {ops:?}"))
    };
    // Each contract is read and checked once a run.
    for name in [
        "contract file read",
        "yaml read",
        "contract checks",
        "manifest plan",
        "package write",
    ] {
        assert_eq!(op(name)["count"], iterations * contracts, "{name}");
    }
    for name in [
        "hash",
        "quality: parse",
        "quality: tree rules",
        "quality: compile rules",
    ] {
        assert!(
            op(name)["count"].as_u64().unwrap() >= iterations * contracts,
            "{name}"
        );
    }
    assert!(
        ops.iter()
            .any(|op| op["name"].as_str().unwrap().starts_with("render node_"))
    );
    let mut shares = 0.0;
    for op in ops {
        let count = op["count"].as_u64().unwrap();
        if count > 0 {
            let order = ["min_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms"].map(|k| ms(op, k));
            assert!(order.windows(2).all(|w| w[0] <= w[1]), "{op}");
            #[allow(clippy::cast_precision_loss)] // a count of runs' operations
            let mean = ms(op, "total_ms") / count as f64;
            assert!((mean - ms(op, "mean_ms")).abs() < 0.01, "{op}");
        }
        if op["overlapping"] == false {
            shares += op["share"].as_f64().unwrap();
        }
    }
    assert!((shares - 1.0).abs() < 0.01, "shares add up to {shares}");
    let mut hot: Vec<(String, f64)> = ops
        .iter()
        .filter(|op| {
            op["overlapping"] == false && !op["name"].as_str().unwrap().starts_with("other")
        })
        .filter(|op| op["share"].as_f64().unwrap() >= threshold)
        .map(|op| {
            (
                op["name"].as_str().unwrap().to_owned(),
                op["share"].as_f64().unwrap(),
            )
        })
        .collect();
    hot.sort_by(|a, b| b.1.total_cmp(&a.1));
    let listed: Vec<(String, f64)> = doc["hot_paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_owned(),
                h["share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, hot);
    let recommendations = doc["recommendations"].as_array().unwrap();
    assert!(
        recommendations.iter().any(|r| r["setting"]
            .as_str()
            .unwrap()
            .starts_with("[generate] jobs = ")),
        "{recommendations:?}"
    );
    for r in recommendations {
        assert!(
            ["cache", "parallel", "memory", "io", "checks"].contains(&r["area"].as_str().unwrap())
        );
        assert!(["high", "medium", "low"].contains(&r["priority"].as_str().unwrap()));
        assert!(r["measured_impact"].as_f64().unwrap() > 0.0);
        let confidence = r["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence), "{r}");
        assert!(!r["description"].as_str().unwrap().is_empty());
    }
    assert!(doc["overhead"].is_number());
}

#[test]
fn the_examples_are_profiled_in_text_and_json_and_the_scratch_directory_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    fs::create_dir(&tmp).unwrap();
    let contracts = repo().join("contracts");
    let count = fs::read_dir(&contracts).unwrap().count() as u64;
    let output = profile(
        dir.path(),
        &tmp,
        &[
            contracts.to_str().unwrap(),
            "--iterations",
            "3",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_profile(&json(&output), 3, count);
    assert_eq!(
        fs::read_dir(&tmp).unwrap().count(),
        0,
        "scratch left behind"
    );

    let output = profile(
        dir.path(),
        &tmp,
        &[
            contracts.to_str().unwrap(),
            "--iterations",
            "2",
            "--threshold",
            "0.05",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for part in [
        "operation",
        "yaml read",
        "hot paths (share >= 5%):",
        "recommendations:",
        "[generate] jobs = ",
        "instrumentation overhead:",
        "█",
    ] {
        assert!(text.contains(part), "no {part:?} in\n{text}");
    }
    assert_eq!(
        fs::read_dir(&tmp).unwrap().count(),
        0,
        "scratch left behind"
    );
    // Nothing was written where the user is.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn contracts_that_do_not_generate_are_not_profiled() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("broken.yaml"), "name: [unclosed\n").unwrap();
    let output = profile(dir.path(), dir.path(), &["broken.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.yaml:"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
    let output = profile(
        dir.path(),
        dir.path(),
        &["broken.yaml", "--threshold", "1.5"],
    );
    assert_eq!(output.status.code(), Some(2));
}

/// The benchmark's 1,000 contracts (`benches/gen_contracts.py`, a quarter of
/// them real omnibase-infra contracts renamed), one iteration.
#[test]
fn a_thousand_benchmark_contracts_are_profiled() {
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("contracts");
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let made = Command::new("python3")
        .arg(repo().join("benches/gen_contracts.py"))
        .arg("1000")
        .arg(&contracts)
        .arg("--infra")
        .arg(repo().join("tests/fixtures/omnibase_infra"))
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let output = profile(
        dir.path(),
        &tmp,
        &["contracts", "--iterations", "1", "--output-format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    check_profile(&json(&output), 1, 1000);
    assert_eq!(
        fs::read_dir(&tmp).unwrap().count(),
        0,
        "scratch left behind"
    );
}

/// `--apply` from a project whose `codegen.toml` starts at one job: what the
/// profile says it applies is what `codegen config` then reads from the
/// file, and the file's comments and other keys are kept; when nothing
/// applies, the file is left byte for byte.
#[test]
fn apply_writes_what_it_recommends_where_codegen_config_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    crate::common::contracts(&project.join("contracts"), 48);
    let original = "# Our settings.\n[generate]\ncontracts = [\"contracts\"]\n# Start slow.\njobs = 1  # one at a time\n\n[validate]\nselect = [\"SYN\"]\n";
    fs::write(project.join("codegen.toml"), original).unwrap();
    let output = profile(
        &project,
        &tmp,
        &["--iterations", "5", "--apply", "--output-format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc = json(&output);
    check_profile(&doc, 5, 48);
    assert_eq!(
        fs::read_dir(&tmp).unwrap().count(),
        0,
        "scratch left behind"
    );

    let applied: Vec<&Value> = doc["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["applies"] == true)
        .collect();
    let written = fs::read_to_string(project.join("codegen.toml")).unwrap();
    if applied.is_empty() {
        assert_eq!(written, original);
        assert!(
            stderr(&output).contains("nothing changed"),
            "{}",
            stderr(&output)
        );
        return;
    }
    for line in [
        "# Our settings.",
        "# Start slow.",
        "[validate]",
        "select = [\"SYN\"]",
        "contracts = [\"contracts\"]",
    ] {
        assert!(written.contains(line), "{line:?} lost:\n{written}");
    }
    let config = Command::new(cargo_bin("codegen"))
        .args(["config", "--output-format", "json"])
        .current_dir(&project)
        .output()
        .unwrap();
    let config: Value = serde_json::from_slice(&config.stdout).unwrap();
    let text = serde_json::to_string(&config).unwrap();
    for r in applied {
        let setting = r["setting"].as_str().unwrap();
        assert!(
            written.contains(setting.split("] ").nth(1).unwrap()),
            "{setting} not in\n{written}"
        );
        assert!(
            stderr(&output).contains(&format!("applied {setting}")),
            "{}",
            stderr(&output)
        );
        if let Some(jobs) = setting.strip_prefix("[generate] jobs = ") {
            let jobs: u64 = jobs.parse().unwrap();
            let entry = config["settings"]
                .as_array()
                .unwrap_or_else(|| panic!("no settings: {text}"))
                .iter()
                .find(|e| e["key"] == "generate.jobs")
                .unwrap_or_else(|| panic!("no generate.jobs: {text}"));
            assert_eq!(entry["value"], jobs, "{text}");
            assert_eq!(entry["source"], "file", "{text}");
            assert!(
                entry["file"].as_str().unwrap().ends_with("codegen.toml"),
                "{text}"
            );
        }
    }
}
