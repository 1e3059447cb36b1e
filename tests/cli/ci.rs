//! What CI systems read: the GitLab Code Quality report of `validate` and `generate`
//! (`--output-format gitlab`), and `generate --shard auto` taking its share from the
//! parallel-job variables of GitLab, `CircleCI` and Buildkite.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;
use serde_json::Value;

use crate::common::{contracts, repo, stderr, stdout};

/// Every variable a run here could read from the machine's CI.
const CI_VARIABLES: &[&str] = &[
    "CI_PROJECT_DIR",
    "CI_NODE_INDEX",
    "CI_NODE_TOTAL",
    "CIRCLE_NODE_INDEX",
    "CIRCLE_NODE_TOTAL",
    "BUILDKITE_PARALLEL_JOB",
    "BUILDKITE_PARALLEL_JOB_COUNT",
];

/// `codegen args` in `cwd` with exactly the CI variables `vars` set.
fn run(cwd: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(cargo_bin("codegen"));
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    for name in CI_VARIABLES {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    command.output().expect("run codegen")
}

/// The report on standard output: a JSON array of issues, each with every field GitLab reads.
fn issues(output: &Output) -> Vec<Value> {
    let report: Value = serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)));
    let issues = report.as_array().expect("an array").clone();
    for issue in &issues {
        for field in ["description", "check_name", "fingerprint"] {
            assert!(issue[field].as_str().is_some(), "{field}: {issue}");
        }
        assert!(issue["location"]["path"].as_str().is_some(), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"].as_u64().is_some(),
            "{issue}"
        );
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert!(
            !fingerprint.is_empty() && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
            "{issue}"
        );
    }
    issues
}

fn fingerprints(issues: &[Value]) -> Vec<&str> {
    issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const THING: &str = "\"\"\"A model whose name and config break the ONEX conventions.\"\"\"\n\n\
from pydantic import BaseModel\n\n\n\
class Thing(BaseModel):\n    \"\"\"A thing with a count.\"\"\"\n\n    count: int\n";

#[test]
fn validate_writes_a_gitlab_code_quality_report() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("pkg/models/thing.py"), THING);
    write(&dir.path().join("pkg/broken.py"), "def f(:\n");
    let output = run(
        dir.path(),
        &["validate", "pkg", "--output-format", "gitlab"],
        &[],
    );
    // The exit code is the other formats': an error finding fails the run.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let found = issues(&output);
    let summary: Vec<(&str, &str, &str, u64)> = found
        .iter()
        .map(|i| {
            (
                i["location"]["path"].as_str().unwrap(),
                i["check_name"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("pkg/broken.py", "SYN001", "major", 1),
            ("pkg/models/thing.py", "ONX003", "minor", 6),
            ("pkg/models/thing.py", "ONX006", "minor", 6),
        ]
    );
    assert_eq!(
        found[1]["description"],
        "ONX003: model `Thing` is not named `Model*`"
    );
    let distinct: BTreeSet<&str> = fingerprints(&found).into_iter().collect();
    assert_eq!(distinct.len(), found.len());

    // Lines added above the findings move them, not their fingerprints.
    let shifted = format!("# one\n# two\n{THING}");
    write(&dir.path().join("pkg/models/thing.py"), &shifted);
    let again = run(
        dir.path(),
        &["validate", "pkg", "--output-format", "gitlab"],
        &[],
    );
    let moved = issues(&again);
    assert_eq!(fingerprints(&moved), fingerprints(&found));
    assert_eq!(moved[1]["location"]["lines"]["begin"], 8);

    // The same report from a subdirectory of the project, paths still from its root.
    let sub = run(
        &dir.path().join("pkg"),
        &["validate", "models", "--output-format", "gitlab"],
        &[("CI_PROJECT_DIR", dir.path().to_str().unwrap())],
    );
    let from_sub = issues(&sub);
    assert_eq!(from_sub[0]["location"]["path"], "pkg/models/thing.py");
    assert_eq!(from_sub[0]["fingerprint"], moved[1]["fingerprint"]);
}

#[test]
fn identical_findings_get_distinct_gitlab_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let twice = format!("{THING}\n\n{}", THING.split_once("\n\n\n").unwrap().1);
    write(&dir.path().join("models/thing.py"), &twice);
    let output = run(
        dir.path(),
        &[
            "validate",
            "models/thing.py",
            "--select",
            "ONX003",
            "--output-format",
            "gitlab",
        ],
        &[],
    );
    let found = issues(&output);
    assert_eq!(found.len(), 2, "{}", stdout(&output));
    assert_eq!(found[0]["description"], found[1]["description"]);
    assert_ne!(found[0]["fingerprint"], found[1]["fingerprint"]);
    // And the same two on the next run.
    let again = issues(&run(
        dir.path(),
        &[
            "validate",
            "models/thing.py",
            "--select",
            "ONX003",
            "--output-format",
            "gitlab",
        ],
        &[],
    ));
    assert_eq!(fingerprints(&again), fingerprints(&found));
}

#[test]
fn validate_gitlab_report_of_a_clean_file_is_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("ok.py"),
        "\"\"\"Nothing to find.\"\"\"\n\nX = 1\n",
    );
    let output = run(
        dir.path(),
        &["validate", "ok.py", "--output-format", "gitlab"],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "[]\n");
}

/// A contract with warnings, copied into `dir/c/contract.yaml`.
fn warned_contract(dir: &Path) -> PathBuf {
    let source =
        repo().join("tests/fixtures/omnibase_infra/node_service_discovery_effect/contract.yaml");
    let target = dir.join("c/contract.yaml");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::copy(source, &target).unwrap();
    target
}

#[test]
fn generate_writes_a_gitlab_code_quality_report() {
    let dir = tempfile::tempdir().unwrap();
    warned_contract(dir.path());
    let args = ["generate", "c", "-o", "out", "--output-format", "gitlab"];
    let output = run(dir.path(), &args, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let found = issues(&output);
    let hollow = found
        .iter()
        .find(|i| i["check_name"] == "CTR006")
        .unwrap_or_else(|| panic!("no CTR006: {}", stdout(&output)));
    assert_eq!(hollow["location"]["path"], "c/contract.yaml");
    assert_eq!(hollow["severity"], "minor");
    assert!(
        hollow["description"]
            .as_str()
            .unwrap()
            .starts_with("CTR006: model `ModelServiceRegistration`"),
        "{hollow}"
    );
    assert!(hollow["location"]["lines"]["begin"].as_u64().unwrap() > 1);

    // A rerun replays the same findings: the same fingerprints.
    let again = run(dir.path(), &args, &[]);
    assert_eq!(fingerprints(&issues(&again)), fingerprints(&found));

    // With --check, each file out of date is an issue too (an error: the job fails).
    let check = run(
        dir.path(),
        &[
            "generate",
            "c",
            "-o",
            "elsewhere",
            "--check",
            "--output-format",
            "gitlab",
        ],
        &[],
    );
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let stale = issues(&check);
    let missing: Vec<&Value> = stale
        .iter()
        .filter(|i| i["description"] == "missing: run codegen generate")
        .collect();
    assert!(!missing.is_empty(), "{}", stdout(&check));
    for issue in missing {
        assert_eq!(issue["severity"], "major");
        assert_eq!(issue["check_name"], "codegen");
        assert!(
            issue["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("elsewhere/"),
            "{issue}"
        );
    }
}

/// The packages a dry run with `shard` (and the CI variables `vars`) would generate.
fn shard_of(dir: &Path, shard: &str, vars: &[(&str, &str)]) -> BTreeSet<String> {
    let args = [
        "generate",
        "c",
        "-o",
        "out",
        "--dry-run",
        "--shard",
        shard,
        "--output-format",
        "json",
    ];
    let output = run(dir, &args, vars);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: Value = serde_json::from_str(&stdout(&output)).unwrap();
    doc["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "generated")
        .map(|c| c["package"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn shard_auto_reads_each_ci_parallel_job_variables() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 9);
    let mut all = BTreeSet::new();
    for index in 1..=3_u32 {
        let explicit = shard_of(dir.path(), &format!("{index}/3"), &[]);
        let gitlab = index.to_string();
        let zero_based = (index - 1).to_string();
        let cis: [[(&str, &str); 2]; 3] = [
            [("CI_NODE_INDEX", &gitlab), ("CI_NODE_TOTAL", "3")],
            [
                ("CIRCLE_NODE_INDEX", &zero_based),
                ("CIRCLE_NODE_TOTAL", "3"),
            ],
            [
                ("BUILDKITE_PARALLEL_JOB", &zero_based),
                ("BUILDKITE_PARALLEL_JOB_COUNT", "3"),
            ],
        ];
        for vars in cis {
            assert_eq!(
                shard_of(dir.path(), "auto", &vars),
                explicit,
                "shard {index}/3 from {vars:?}"
            );
        }
        all.extend(explicit);
    }
    assert_eq!(all.len(), 9);
    // A GitLab job without `parallel:` sets only CI_NODE_TOTAL=1: every contract.
    assert_eq!(shard_of(dir.path(), "auto", &[("CI_NODE_TOTAL", "1")]), all);
}

#[test]
fn shard_auto_without_ci_variables_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 1);
    let none = run(dir.path(), &["generate", "c", "--shard", "auto"], &[]);
    assert_eq!(none.status.code(), Some(2));
    let text = stderr(&none);
    for name in &CI_VARIABLES[1..] {
        assert!(text.contains(name), "{name}: {text}");
    }
    assert!(!dir.path().join("generated").exists());

    let wrong = run(
        dir.path(),
        &["generate", "c", "--shard", "auto"],
        &[("CIRCLE_NODE_INDEX", "3"), ("CIRCLE_NODE_TOTAL", "3")],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("CIRCLE_NODE_INDEX=3 is outside 0..=2"),
        "{}",
        stderr(&wrong)
    );
    let garbage = run(
        dir.path(),
        &["generate", "c", "--shard", "auto"],
        &[("CI_NODE_INDEX", "first"), ("CI_NODE_TOTAL", "2")],
    );
    assert_eq!(garbage.status.code(), Some(2));
    assert!(
        stderr(&garbage).contains("CI_NODE_INDEX='first'"),
        "{}",
        stderr(&garbage)
    );
}

/// `--check` names each stale file by its path in both CI formats, whatever the words of
/// the reason (`stale: contract changed` has spaces).
#[test]
fn check_reports_stale_files_at_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 1);
    let generated = run(dir.path(), &["generate", "-q", "c", "-o", "out"], &[]);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let contract = dir.path().join("c/c0000.yaml");
    let text = fs::read_to_string(&contract).unwrap();
    let folded = "\ndescription: >\n  ";
    assert!(text.contains(folded), "{text}");
    let changed = text.replacen(folded, &format!("{folded}Changed. "), 1);
    fs::write(&contract, changed).unwrap();
    let check = |format| {
        let args = [
            "generate",
            "c",
            "-o",
            "out",
            "--check",
            "--output-format",
            format,
        ];
        let output = run(dir.path(), &args, &[]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        output
    };
    let github = stdout(&check("github"));
    let lines: Vec<&str> = github
        .lines()
        .filter(|l| l.ends_with("::stale: contract changed: run codegen generate"))
        .collect();
    assert!(!lines.is_empty(), "{github}");
    assert!(
        lines.iter().all(|l| l.starts_with("::error file=out/")),
        "{github}"
    );
    let gitlab = issues(&check("gitlab"));
    let stale: Vec<&Value> = gitlab
        .iter()
        .filter(|i| i["description"] == "stale: contract changed: run codegen generate")
        .collect();
    assert_eq!(stale.len(), lines.len(), "{gitlab:?}");
    for issue in stale {
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(path.starts_with("out/"), "{issue}");
        assert!(dir.path().join(path).is_file(), "{issue}");
    }
}
