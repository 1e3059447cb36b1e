//! Generated packages judged by the real tools: `CPython` 3.12 compiles them,
//! ruff finds nothing and would change nothing, omnibase-core imports,
//! constructs and initialises every node, `ModelYamlContract` accepts every
//! contract copy, `onex validate --strict` passes, and the generated tests pass,
//! under the newest omnibase-core and under the oldest supported one.

use std::fs;
use std::path::Path;

use crate::common::{
    generate_examples_and_fixtures, generate_into, oldest_python, packages, python, repo, run_ok,
    venv_tool,
};

/// Runs the framework check script over `out` and returns its JSON records.
fn framework_check(out: &Path) -> Vec<serde_json::Value> {
    let script = repo().join("tests/python/check_packages.py");
    let text = run_ok(
        out,
        &python(),
        &[script.to_str().unwrap(), out.to_str().unwrap()],
    );
    text.lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("check_packages prints JSON"))
        .collect()
}

#[test]
fn example_and_fixture_contracts_give_packages_the_real_tools_accept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let names = generate_examples_and_fixtures(&out);

    let py = python();
    run_ok(&out, &py, &["-m", "compileall", "-q", "-f", "."]);
    let ruff = venv_tool("ruff");
    run_ok(&out, &ruff, &["check", "--no-cache", "."]);
    run_ok(&out, &ruff, &["format", "--check", "--no-cache", "."]);

    let records = framework_check(&out);
    assert_eq!(records.len(), names.len());
    for record in &records {
        assert_eq!(record["ok"], true, "{record}");
    }

    let onex = venv_tool("onex");
    for name in &names {
        run_ok(&out, &onex, &["validate", "--strict", name]);
    }

    let summary = run_ok(
        &out,
        &py,
        &["-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
    );
    assert!(summary.contains("passed"), "{summary}");
}

/// The support claim's lower end: the example contracts' generated test suites
/// pass under the oldest omnibase-core in requirements-oldest.txt, too.
#[test]
fn example_packages_pass_their_tests_under_the_oldest_supported_framework() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    generate_into(&out, &[repo().join("contracts")]);
    let names = packages(&out);
    assert!(
        names.len() >= 4,
        "expected at least 4 packages, got {names:?}"
    );

    let py = oldest_python();
    let version = run_ok(
        &out,
        &py,
        &[
            "-c",
            "import importlib.metadata as m; print(m.version('omnibase-core'))",
        ],
    );
    // The venv is the pinned one, not a newer framework standing in for it.
    let requirements = fs::read_to_string(repo().join("requirements-oldest.txt")).unwrap();
    let pinned = requirements
        .lines()
        .find_map(|l| l.trim().strip_prefix("omnibase-core=="))
        .expect("requirements-oldest.txt pins omnibase-core");
    assert_eq!(
        version.trim(),
        pinned,
        "{} holds the wrong omnibase-core: run `make venv-oldest`",
        py.display()
    );

    let summary = run_ok(
        &out,
        &py,
        &["-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
    );
    assert!(
        summary.contains("passed"),
        "omnibase-core {pinned}: {summary}"
    );
}

#[test]
fn every_omnibase_infra_contract_generates_a_node_matching_the_hand_written_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let fixtures = repo().join("tests/fixtures/omnibase_infra");
    generate_into(&out, std::slice::from_ref(&fixtures));
    let names = packages(&out);
    assert_eq!(names.len(), 133, "{names:?}");

    let ruff = venv_tool("ruff");
    run_ok(&out, &ruff, &["check", "--no-cache", "."]);
    run_ok(&out, &ruff, &["format", "--check", "--no-cache", "."]);
    run_ok(&out, &python(), &["-m", "compileall", "-q", "-f", "."]);

    let records = framework_check(&out);
    assert_eq!(records.len(), 133);
    let failures: Vec<_> = records.iter().filter(|r| r["ok"] != true).collect();
    assert!(failures.is_empty(), "{failures:#?}");

    // The class and base class agree with the node.py shipped beside each contract.
    let mut agree = 0;
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for record in &records {
        let package = record["package"].as_str().unwrap();
        let Some(hand) = hand_written_class(&fixtures, package) else {
            continue;
        };
        compared += 1;
        let ours = (
            record["class"].as_str().unwrap().to_owned(),
            record["base"].as_str().unwrap().to_owned(),
        );
        if hand == ours {
            agree += 1;
        } else {
            disagreements.push(format!("{package}: ours {ours:?}, hand-written {hand:?}"));
        }
    }
    eprintln!("class and base agree with the hand-written node.py: {agree}/{compared}");
    for line in &disagreements {
        eprintln!("  {line}");
    }
    assert_eq!(compared, 127, "fixtures with a hand-written node.py");
    // The naming rule (docs/contract.md) keeps the acronyms the contract spells in its
    // class names (124 of 127); the three nodes that reorder words stay the user's.
    assert!(
        agree >= 124,
        "only {agree}/{compared} agree:\n{}",
        disagreements.join("\n")
    );
}

/// The `(class, base)` of the hand-written `node.py` kept beside a fixture
/// contract (fixture directories are named after the node), if it ships one.
fn hand_written_class(fixtures: &Path, package: &str) -> Option<(String, String)> {
    let source = fs::read_to_string(fixtures.join(package).join("node.py.txt")).ok()?;
    // `class NodeX(NodeBase)`, or `class NodeX(\n    NodeBase[...],\n)` over several lines.
    let start = source.find("\nclass Node")? + "\nclass ".len();
    let (class, rest) = source[start..].split_once('(')?;
    let base = rest
        .split([')', ',', '['])
        .next()?
        .trim()
        .rsplit('.')
        .next()?
        .to_owned();
    Some((class.trim().to_owned(), base))
}

#[test]
fn typed_defaults_hold_what_pydantic_reads_from_the_contract_value() {
    // Defaults are written as Python values of their type (for the type
    // checkers); each must equal what pydantic makes of the contract's own
    // value, so the rewrite changes no model's behaviour.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let contract = repo().join("tests/fixtures/contracts/valid/typed_defaults.yaml");
    generate_into(&out, std::slice::from_ref(&contract));
    let script = r#"
import sys
import yaml
from pydantic import TypeAdapter
from node_typed_defaults_compute.models import model_typed_defaults_input as m_in
from node_typed_defaults_compute.models import model_typed_defaults_output as m_out

contract = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
checked = 0
for key, module, cls in [
    ("input_model", m_in, "ModelTypedDefaultsInput"),
    ("output_model", m_out, "ModelTypedDefaultsOutput"),
]:
    model = getattr(module, cls)
    built = model()
    for name, spec in contract[key]["fields"].items():
        info = model.model_fields[name]
        read = TypeAdapter(info.annotation).validate_python(spec["default"])
        held = getattr(built, name)
        assert held == read, (name, held, read)
        assert type(held) is type(read), (name, type(held), type(read))
        checked += 1
print(checked)
"#;
    let checked = run_ok(&out, &python(), &["-c", script, contract.to_str().unwrap()]);
    assert_eq!(checked.trim(), "19", "{checked}");
}
