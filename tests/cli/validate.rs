//! `codegen validate` and `codegen rules` from the outside: every output format on a fixture
//! tree with findings and on a clean file (`JUnit` checked by an XML parser, SARIF by the
//! official 2.1.0 schema), exit codes, rule selection by code and prefix, directory walking
//! with ignore files and excludes, standard input, statistics and the exit switches.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::cargo_bin;
use serde_json::Value;

use crate::common::{codegen, python, repo, run_ok, stderr, stdout};

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/validate")
}

/// A temporary copy of the fixture tree: `project/pkg/...` and `clean.py`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("project"), &dir.path().join("project"));
    fs::copy(fixtures().join("clean.py"), dir.path().join("clean.py")).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn validate(cwd: &Path, args: &[&str]) -> Output {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    codegen(cwd, &all)
}

/// `codegen validate args` with `input` on standard input.
fn validate_stdin(cwd: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(cargo_bin("codegen"))
        .arg("validate")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(output)))
}

/// The codes of a text-format run, in order.
fn codes(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter_map(|line| line.split(": ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

const TEXT: &str = "\
project/pkg/broken.py:1:9: SYN001 '(' was never closed
project/pkg/handlers/handler_run.py:4:7: CMP003 handler class `HandlerRun` has no `handle` method (nor `execute`, `run` or `run_full_cycle`), so the runtime cannot call it
project/pkg/models/thing.py:6:7: ONX003 model `Thing` is not named `Model*`
project/pkg/models/thing.py:6:7: ONX006 model `Thing` does not forbid extra fields
";

#[test]
fn text_lists_findings_in_path_order_and_counts_on_stderr() {
    let dir = workspace();
    let output = validate(dir.path(), &["project", "clean.py"]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), TEXT);
    assert_eq!(
        stderr(&output),
        "Found 2 errors and 2 warnings in 3 files (5 files checked).\n"
    );

    let quiet = validate(dir.path(), &["-q", "project"]);
    assert_eq!(code(&quiet), Some(1));
    assert_eq!(stdout(&quiet), TEXT);
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn show_source_puts_the_line_and_a_caret_under_each_finding() {
    let dir = workspace();
    let output = validate(dir.path(), &["--show-source", "project/pkg/broken.py"]);
    assert_eq!(
        stdout(&output),
        "project/pkg/broken.py:1:9: SYN001 '(' was never closed\n  |\n1 | value = (1,\n  |         ^\n"
    );
}

#[test]
fn a_clean_file_passes_in_every_format() {
    let dir = workspace();
    let text = validate(dir.path(), &["clean.py"]);
    assert_eq!(code(&text), Some(0));
    assert_eq!(stdout(&text), "");
    assert_eq!(stderr(&text), "All checks passed! (1 file checked)\n");

    let json_out = validate(dir.path(), &["clean.py", "--output-format", "json"]);
    assert_eq!(code(&json_out), Some(0));
    assert_eq!(json(&json_out), Value::Array(Vec::new()));

    let github = validate(dir.path(), &["clean.py", "--output-format", "github"]);
    assert_eq!(code(&github), Some(0));
    assert_eq!(stdout(&github), "");

    let junit = validate(dir.path(), &["clean.py", "--output-format", "junit"]);
    assert_eq!(code(&junit), Some(0));
    let summary = junit_summary(dir.path(), &stdout(&junit));
    assert_eq!(
        summary,
        "suites=1 tests=1 failures=0\nclean.py clean.py pass\n"
    );

    let sarif = validate(dir.path(), &["clean.py", "--output-format", "sarif"]);
    assert_eq!(code(&sarif), Some(0));
    check_sarif_schema(dir.path(), &stdout(&sarif));
    assert_eq!(json(&sarif)["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn json_is_one_array_of_documented_findings() {
    let dir = workspace();
    let output = validate(dir.path(), &["project", "--output-format", "json"]);
    assert_eq!(code(&output), Some(1));
    let findings = json(&output);
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 4);
    assert_eq!(
        findings[0],
        serde_json::json!({
            "code": "SYN001",
            "name": "syntax-error",
            "severity": "error",
            "message": "'(' was never closed",
            "help": null,
            "filename": "project/pkg/broken.py",
            "location": {"row": 1, "column": 9},
            "end_location": null,
            "fix": null,
            "url": null,
        })
    );
    let severities: Vec<&str> = findings
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "error", "warning", "warning"]);
}

#[test]
fn github_prints_workflow_commands() {
    let dir = workspace();
    let output = validate(dir.path(), &["project", "--output-format", "github"]);
    assert_eq!(code(&output), Some(1));
    assert_eq!(
        stdout(&output),
        "::error file=project/pkg/broken.py,line=1,col=9,title=SYN001::'(' was never closed\n\
         ::error file=project/pkg/handlers/handler_run.py,line=4,col=7,title=CMP003::handler class `HandlerRun` has no `handle` method (nor `execute`, `run` or `run_full_cycle`), so the runtime cannot call it\n\
         ::warning file=project/pkg/models/thing.py,line=6,col=7,title=ONX003::model `Thing` is not named `Model*`\n\
         ::warning file=project/pkg/models/thing.py,line=6,col=7,title=ONX006::model `Thing` does not forbid extra fields\n"
    );
}

#[test]
fn github_escapes_properties_and_data() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a,b:c%d.py"), "x = (1,\n");
    let output = validate(dir.path(), &["a,b:c%d.py", "--output-format", "github"]);
    assert_eq!(
        stdout(&output),
        "::error file=a%2Cb%3Ac%25d.py,line=1,col=5,title=SYN001::'(' was never closed\n"
    );
    // Every line is `::command key=value,...::data` with nothing left unescaped.
    let pattern = regex_free_check(&stdout(&output));
    assert!(pattern, "{}", stdout(&output));
}

/// Checks the workflow-command grammar without a regex crate: `::(error|warning) ` then
/// comma-separated `key=value` pairs without `:` or `,` in values, `::`, then data without
/// raw line breaks.
fn regex_free_check(text: &str) -> bool {
    text.lines().all(|line| {
        let Some(rest) = line
            .strip_prefix("::error ")
            .or_else(|| line.strip_prefix("::warning "))
        else {
            return false;
        };
        let Some((properties, data)) = rest.split_once("::") else {
            return false;
        };
        !data.contains('\r')
            && properties.split(',').all(|pair| {
                pair.split_once('=').is_some_and(|(key, value)| {
                    ["file", "line", "col", "title"].contains(&key) && !value.contains(':')
                })
            })
    })
}

/// Parses `JUnit` XML with Python's parser and summarises it: totals, then one line per
/// test case (`suite name verdict`).
fn junit_summary(cwd: &Path, xml: &str) -> String {
    let file = cwd.join("junit.xml");
    fs::write(&file, xml).unwrap();
    let script = "\
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites', root.tag
suites = root.findall('testsuite')
cases = [c for s in suites for c in s.findall('testcase')]
failures = sum(len(c.findall('failure')) for c in cases)
assert int(root.get('tests')) == len(cases)
assert int(root.get('failures')) == failures
for s in suites:
    assert int(s.get('tests')) == len(s.findall('testcase'))
print(f'suites={len(suites)} tests={len(cases)} failures={failures}')
for s in suites:
    for c in s.findall('testcase'):
        f = c.find('failure')
        out = c.find('system-out')
        verdict = 'pass' if f is None else f.get('type') + ' ' + f.get('message')
        if out is not None:
            verdict += ' (output: ' + out.text.split(': ')[1].split(' ')[0] + ')'
        print(s.get('name'), c.get('name'), verdict)
";
    run_ok(cwd, &python(), &["-c", script, file.to_str().unwrap()])
}

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_finding() {
    let dir = workspace();
    let output = validate(dir.path(), &["project", "--output-format", "junit"]);
    assert_eq!(code(&output), Some(1));
    assert_eq!(
        junit_summary(dir.path(), &stdout(&output)),
        // Warnings are passing cases that carry the finding as output: a
        // green job shows no failed tests.
        "suites=4 tests=5 failures=2\n\
         project/pkg/broken.py SYN001:1:9 error '(' was never closed\n\
         project/pkg/clean.py project/pkg/clean.py pass\n\
         project/pkg/handlers/handler_run.py CMP003:4:7 error handler class `HandlerRun` has no `handle` method (nor `execute`, `run` or `run_full_cycle`), so the runtime cannot call it\n\
         project/pkg/models/thing.py ONX003:6:7 pass (output: ONX003)\n\
         project/pkg/models/thing.py ONX006:6:7 pass (output: ONX006)\n"
    );
}

/// Validates `sarif` against the vendored SARIF 2.1.0 schema with Python's `jsonschema`.
fn check_sarif_schema(cwd: &Path, sarif: &str) {
    let file = cwd.join("out.sarif");
    fs::write(&file, sarif).unwrap();
    let schema = fixtures().join("sarif-2.1.0-rtm.5.json");
    let script = "\
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding='utf-8'))
document = json.load(open(sys.argv[2], encoding='utf-8'))
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(document), key=str)
for error in errors:
    print(list(error.absolute_path), error.message)
sys.exit(1 if errors else 0)
";
    run_ok(
        cwd,
        &python(),
        &[
            "-c",
            script,
            schema.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
}

#[test]
fn sarif_validates_against_the_schema_and_locates_results() {
    let dir = workspace();
    let output = validate(dir.path(), &["project", "--output-format", "sarif"]);
    assert_eq!(code(&output), Some(1));
    check_sarif_schema(dir.path(), &stdout(&output));
    let sarif = json(&output);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "SYN001"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let first = &results[0];
    assert_eq!(first["ruleId"], "SYN001");
    assert_eq!(first["level"], "error");
    assert_eq!(
        rules[usize::try_from(first["ruleIndex"].as_u64().unwrap()).unwrap()]["id"],
        "SYN001"
    );
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "project/pkg/broken.py");
    assert_eq!(location["region"]["startLine"], 1);
    assert_eq!(location["region"]["startColumn"], 9);
    assert_eq!(results[2]["level"], "warning");

    // Absolute paths become `file://` URIs, still valid.
    let absolute = dir.path().join("project");
    let output = validate(
        dir.path(),
        &[absolute.to_str().unwrap(), "--output-format", "sarif"],
    );
    check_sarif_schema(dir.path(), &stdout(&output));
    let uri = json(&output)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(uri.ends_with("/project/pkg/broken.py"), "{uri}");
}

#[test]
fn one_job_or_many_give_the_same_report() {
    let dir = workspace();
    let one = validate(dir.path(), &["-j", "1", "project", "clean.py"]);
    let many = validate(dir.path(), &["-j", "4", "project", "clean.py"]);
    assert_eq!(stdout(&one), TEXT);
    assert_eq!(stdout(&many), TEXT);
}

#[test]
fn select_ignore_and_extend_select_work_by_code_and_prefix() {
    let dir = workspace();
    let run = |args: &[&str]| {
        let mut all = vec!["project"];
        all.extend_from_slice(args);
        validate(dir.path(), &all)
    };
    assert_eq!(codes(&run(&["--select", "SYN"])), ["SYN001"]);
    assert_eq!(
        codes(&run(&["--select", "ONX", "--ignore", "ONX006"])),
        ["ONX003"]
    );
    // The more specific selector wins whichever option it comes from.
    assert_eq!(
        codes(&run(&["--ignore", "ONX", "--extend-select", "ONX006"])),
        ["SYN001", "CMP003", "ONX006"]
    );
    assert_eq!(
        codes(&run(&["--select", "ONX00", "--ignore", "ONX"])),
        ["ONX003", "ONX006"]
    );
    assert_eq!(
        codes(&run(&[
            "--select",
            "SYN001,CMP",
            "--extend-select",
            "onx003"
        ])),
        ["SYN001", "CMP003", "ONX003"]
    );
    assert_eq!(
        codes(&run(&["--select", "ALL", "--ignore", "ALL"])),
        Vec::<String>::new()
    );

    // Warnings alone do not fail the run.
    let warnings = run(&["--select", "ONX"]);
    assert_eq!(code(&warnings), Some(0));
    assert_eq!(codes(&warnings), ["ONX003", "ONX006"]);
}

#[test]
fn unknown_selectors_are_usage_errors_with_a_suggestion() {
    let dir = workspace();
    for (args, expected) in [
        (
            ["--select", "SNY001"],
            "unknown rule selector `SNY001` (did you mean `SYN001`?)",
        ),
        (
            ["--ignore", "ONXX"],
            "unknown rule selector `ONXX` (did you mean `ONX`?)",
        ),
        (["--ignore", "ONY"], "unknown rule selector `ONY`\n"),
        (
            ["--extend-select", "ZZZZZZZZ"],
            "unknown rule selector `ZZZZZZZZ`\n",
        ),
    ] {
        let mut all = vec!["project"];
        all.extend_from_slice(&args);
        let output = validate(dir.path(), &all);
        assert_eq!(code(&output), Some(2), "{args:?}");
        assert_eq!(stdout(&output), "");
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
}

#[test]
fn walking_respects_ignore_files_hidden_paths_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let broken = "x = (1,\n";
    write(
        &root.join("src/main.py"),
        "\"\"\"The answer.\"\"\"\n\nANSWER = 42\n",
    );
    write(
        &root.join("src/types.pyi"),
        "\"\"\"Its type.\"\"\"\n\nANSWER: int\n",
    );
    write(&root.join(".gitignore"), "ignored/\n");
    write(&root.join("src/.ignore"), "skipped_too.py\n");
    write(&root.join("ignored/a.py"), broken);
    write(&root.join("src/skipped_too.py"), broken);
    write(&root.join(".hidden/b.py"), broken);
    write(&root.join("build/c.py"), broken);
    write(&root.join("vendor/d.py"), broken);
    write(&root.join("src/notes.txt"), broken);

    let found = |args: &[&str]| {
        let output = validate(root, args);
        (code(&output), stderr(&output))
    };
    let (status, err) = found(&[".", "--extend-exclude", "vendor"]);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(err, "All checks passed! (2 files checked)\n");

    assert_eq!(found(&[".", "--extend-exclude", "vendor/*"]).0, Some(0));
    // With no path, the working directory is walked.
    assert_eq!(found(&["--extend-exclude", "vendor"]).0, Some(0));
    // `--exclude` replaces the defaults: `build/` is walked again.
    let (status, _) = found(&[".", "--exclude", "vendor"]);
    assert_eq!(status, Some(1));
    // Excluded directories are still checked when named.
    assert_eq!(
        found(&["build/c.py", "--extend-exclude", "vendor"]).0,
        Some(1)
    );
    assert_eq!(found(&["vendor", "--extend-exclude", "vendor"]).0, Some(1));
    assert_eq!(
        found(&["vendor/d.py", "--extend-exclude", "vendor"]).0,
        Some(1)
    );
    assert_eq!(found(&["src/notes.txt"]).0, Some(1));

    let output = validate(
        root,
        &[".", "--extend-exclude", "vendor", "--no-respect-gitignore"],
    );
    assert_eq!(
        stdout(&output),
        "ignored/a.py:1:5: SYN001 '(' was never closed\n"
    );

    let bad = validate(root, &[".", "--exclude", "[z-a"]);
    assert_eq!(code(&bad), Some(2));
    assert!(stderr(&bad).contains("invalid exclude pattern"));
}

#[test]
fn standard_input_is_checked_under_its_name() {
    let dir = workspace();
    let output = validate_stdin(dir.path(), &["-"], b"x = (1,\n");
    assert_eq!(code(&output), Some(1));
    assert_eq!(stdout(&output), "-:1:5: SYN001 '(' was never closed\n");

    let model = fs::read(fixtures().join("project/pkg/models/thing.py")).unwrap();
    let named = validate_stdin(
        dir.path(),
        &["--stdin-filename", "pkg/models/thing.py"],
        &model,
    );
    assert_eq!(code(&named), Some(0));
    assert_eq!(codes(&named), ["ONX003", "ONX006"]);
    assert!(stdout(&named).starts_with("pkg/models/thing.py:6:7: ONX003"));

    let clean = validate_stdin(
        dir.path(),
        &["-", "--output-format", "json"],
        b"\"\"\"One.\"\"\"\n\nA = 1\n",
    );
    assert_eq!(code(&clean), Some(0));
    assert_eq!(json(&clean), Value::Array(Vec::new()));
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = workspace();
    write(&dir.path().join("project/pkg/broken_too.py"), "def f(:\n");
    let output = validate(dir.path(), &["project", "--statistics"]);
    assert_eq!(code(&output), Some(1));
    assert_eq!(
        stdout(&output),
        "    2  SYN001  syntax-error\n    1  CMP003  handler-method-missing\n    1  ONX003  model-name\n    1  ONX006  model-not-strict\n"
    );
    let json_out = validate(
        dir.path(),
        &["project", "--statistics", "--output-format", "json"],
    );
    assert_eq!(
        json(&json_out)[0],
        serde_json::json!({"code": "SYN001", "name": "syntax-error", "count": 2})
    );
    let none = validate(
        dir.path(),
        &["clean.py", "--statistics", "--output-format", "json"],
    );
    assert_eq!(json(&none), Value::Array(Vec::new()));
}

#[test]
fn exit_zero_and_warnings_as_errors_change_the_status() {
    let dir = workspace();
    let zero = validate(dir.path(), &["project", "--exit-zero"]);
    assert_eq!(code(&zero), Some(0));
    assert_eq!(stdout(&zero), TEXT);

    let strict = validate(
        dir.path(),
        &[
            "project",
            "--select",
            "ONX",
            "--warnings-as-errors",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(code(&strict), Some(1));
    let findings = json(&strict);
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "error")
    );
}

#[test]
fn unreadable_paths_exit_2_and_the_others_are_still_reported() {
    let dir = workspace();
    let output = validate(dir.path(), &["missing", "project", "--exit-zero"]);
    assert_eq!(code(&output), Some(2));
    assert_eq!(stdout(&output), TEXT);
    assert!(
        stderr(&output).starts_with("missing: error: cannot read: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn binary_and_undecodable_files_are_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("blob.py"), b"\x00\x01\x02\xff\xfe").unwrap();
    fs::write(dir.path().join("latin.py"), b"s = '\xe9'\n").unwrap();
    let output = validate(dir.path(), &[".", "--output-format", "json"]);
    assert_eq!(code(&output), Some(1));
    let findings = json(&output);
    let codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SYN003", "SYN003"]);
}

#[test]
fn rules_lists_the_catalogue_and_explains_one() {
    let dir = tempfile::tempdir().unwrap();
    let table = codegen(dir.path(), &["rules"]);
    assert_eq!(code(&table), Some(0));
    let text = stdout(&table);
    assert!(text.starts_with("CODE "), "{text}");
    for code in ["SYN001", "SYN002", "SYN003", "CMP001", "ONX006"] {
        assert!(text.lines().any(|l| l.starts_with(code)), "{code} missing");
    }

    let listed = codegen(dir.path(), &["rules", "--output-format", "json"]);
    let rules = json(&listed);
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), text.lines().count() - 1);
    assert!(
        rules
            .iter()
            .all(|r| r["code"].is_string() && r["name"].is_string() && r["summary"].is_string())
    );

    let one = codegen(dir.path(), &["rules", "syn001"]);
    assert_eq!(code(&one), Some(0));
    assert!(
        stdout(&one).starts_with("SYN001 (syntax-error, error): ")
            && stdout(&one).contains("Triggers it:")
            && stdout(&one).contains("Fix:"),
        "{}",
        stdout(&one)
    );
    let one_json = codegen(dir.path(), &["rules", "ONX006", "--output-format", "json"]);
    assert_eq!(json(&one_json)["name"], "model-not-strict");
    assert_eq!(json(&one_json)["severity"], "warning");

    let prefix = codegen(dir.path(), &["rules", "SYN"]);
    assert_eq!(stdout(&prefix).lines().count(), 4);

    let unknown = codegen(dir.path(), &["rules", "SNY001"]);
    assert_eq!(code(&unknown), Some(2));
    assert!(
        stderr(&unknown).contains("did you mean `SYN001`?"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn generated_packages_validate_with_only_scaffold_stub_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let examples = repo().join("contracts");
    let fixtures = repo().join("tests/fixtures/contracts/valid");
    let generated = codegen(
        dir.path(),
        &[
            "generate",
            examples.to_str().unwrap(),
            fixtures.to_str().unwrap(),
            "-o",
            "out",
            "-q",
        ],
    );
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let output = codegen(dir.path(), &["validate", "out", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let unexpected: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| {
            !(f["code"] == "STB003"
                && f["filename"]
                    .as_str()
                    .is_some_and(|p| p.contains("/handlers/handler_")))
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert!(
        !findings.is_empty(),
        "the handler scaffolds raise NotImplementedError"
    );
}

/// The precision corpus: `codegen validate` on the hand-written source of
/// omnibase-infra 0.38.76 (3,362 files, from .venv-infra). Every error that
/// remains is listed here with why it is true; a rule change that adds a false
/// error, or loses one of these, fails.
#[test]
fn the_published_omnibase_infra_source_gets_only_true_errors() {
    const REVIEWED: &[(&str, &str)] = &[
        (
            "nodes/node_chain_verify_reducer/handlers/handler_chain_verify.py:43 CMP003",
            "the contract routes chain.verify to it; it has only delta()",
        ),
        (
            "nodes/node_model_health_effect/handlers/handler_probe_health.py:31 CMP003",
            "the contract routes probe_health to it; it has only probe_endpoints()",
        ),
        (
            "nodes/node_routing_orchestrator/handlers/handler_routing_initiate.py:20 CMP003",
            "the contract routes to it; it has only initiate_routing()",
        ),
        (
            "nodes/node_routing_score_reducer/handlers/handler_update_scores.py:54 CMP003",
            "the contract routes to it; it has only apply_outcome()",
        ),
        (
            "nodes/node_topic_migration_projection/handlers/handler_topic_migration_projection.py:22 CMP003",
            "the contract routes to it; it has only project()",
        ),
    ];
    let interpreter = crate::common::infra_python();
    let site = interpreter
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("lib/python3.12/site-packages/omnibase_infra");
    assert!(site.is_dir(), "no omnibase-infra at {}", site.display());
    let output = validate(
        &repo(),
        &[site.to_str().unwrap(), "--output-format", "json"],
    );
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let findings = json(&output);
    let mut errors: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            let file = f["filename"].as_str().unwrap();
            let relative = file.split("omnibase_infra/").nth(1).unwrap_or(file);
            format!(
                "{relative}:{} {}",
                f["location"]["row"],
                f["code"].as_str().unwrap()
            )
        })
        .collect();
    errors.sort();
    let mut expected: Vec<String> = REVIEWED.iter().map(|(e, _)| (*e).to_owned()).collect();
    expected.sort();
    assert_eq!(errors, expected);
}

/// The recall corpus: published files with true problems planted in them (see
/// tests/fixtures/validate/recall/README.md). Each planted line ends with
/// `# planted: CODE`; validate must report exactly those errors, at those lines.
#[test]
fn planted_problems_in_published_files_are_found_at_their_lines() {
    fn copy_renamed(from: &Path, to: &Path, root: &Path, expected: &mut Vec<String>) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            if entry.file_type().unwrap().is_dir() {
                copy_renamed(&entry.path(), &to.join(&name), root, expected);
            } else if let Some(stem) = name.strip_suffix(".py.txt") {
                let target = to.join(format!("{stem}.py"));
                let text = fs::read_to_string(entry.path()).unwrap();
                let relative = target
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                for (index, line) in text.lines().enumerate() {
                    if let Some((_, code)) = line.split_once("# planted: ") {
                        expected.push(format!("{relative}:{} {}", index + 1, code.trim()));
                    }
                }
                fs::write(target, text).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("recall");
    let mut expected = Vec::new();
    copy_renamed(&fixtures().join("recall"), &root, &root, &mut expected);
    assert_eq!(expected.len(), 5, "planted lines: {expected:?}");
    let output = validate(dir.path(), &["recall", "--output-format", "json"]);
    assert_eq!(code(&output), Some(1), "{}", stderr(&output));
    let mut errors: Vec<String> = json(&output)
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            let file = Path::new(f["filename"].as_str().unwrap());
            let relative = file
                .strip_prefix(&root)
                .or_else(|_| file.strip_prefix("recall"))
                .unwrap_or(file);
            format!(
                "{}:{} {}",
                relative.display(),
                f["location"]["row"],
                f["code"].as_str().unwrap()
            )
        })
        .collect();
    errors.sort();
    expected.sort();
    assert_eq!(errors, expected);
}
