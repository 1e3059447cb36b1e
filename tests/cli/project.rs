//! Packages that live inside the user's project: `-o src/myproj/nodes` with
//! the package prefix `myproj.nodes` (given, or derived from the
//! `__init__.py` files above the output directory). The contract copy, the
//! dispatch table and the entry point name the packages by that path; the
//! framework's runtime and `process()` run them, and the generated tests
//! pass from the project root (`PYTHONPATH=src pytest src/myproj/nodes`).

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{codegen, python, repo, stderr, stdout};

/// A project: `src/myproj/nodes` is the package `myproj.nodes`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let nodes = dir.path().join("src/myproj/nodes");
    fs::create_dir_all(&nodes).unwrap();
    fs::write(dir.path().join("src/myproj/__init__.py"), "").unwrap();
    fs::write(nodes.join("__init__.py"), "").unwrap();
    dir
}

fn generate(root: &Path, extra: &[&str]) -> std::process::Output {
    let contracts = repo().join("contracts");
    let trim = repo().join("tests/fixtures/runtime/node_text_trim_compute.yaml");
    let mut args = vec![
        "generate",
        "-q",
        contracts.to_str().unwrap(),
        trim.to_str().unwrap(),
        "-o",
        "src/myproj/nodes",
    ];
    args.extend_from_slice(extra);
    codegen(root, &args)
}

/// The fixture implementations copied over the scaffolds.
fn implement(nodes: &Path) {
    let handlers = repo().join("tests/fixtures/runtime/handlers");
    for package in fs::read_dir(&handlers).unwrap() {
        let package = package.unwrap().path();
        let target = nodes.join(package.file_name().unwrap()).join("handlers");
        if !target.is_dir() {
            continue;
        }
        for file in fs::read_dir(&package).unwrap() {
            let file = file.unwrap().path();
            fs::copy(&file, target.join(file.file_name().unwrap())).unwrap();
        }
    }
}

fn run_python(root: &Path, args: &[&str]) -> String {
    let output = Command::new(python())
        .args(args)
        .current_dir(root)
        .env("PYTHONPATH", "src")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(output.status.success(), "{args:?} failed:\n{text}");
    text
}

#[test]
fn a_derived_prefix_names_every_module_path_and_the_nodes_run() {
    let dir = project();
    let root = dir.path();
    let run = generate(root, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let nodes = root.join("src/myproj/nodes");
    let copy = fs::read_to_string(nodes.join("node_text_trim_compute/contract.yaml")).unwrap();
    let modules: Vec<&str> = copy
        .lines()
        .filter_map(|l| l.trim().strip_prefix("module: "))
        .collect();
    assert!(!modules.is_empty(), "{copy}");
    assert!(
        modules
            .iter()
            .all(|m| m.starts_with("myproj.nodes.node_text_trim_compute.")),
        "{modules:?}"
    );
    let dispatch =
        fs::read_to_string(nodes.join("node_invoice_total_compute/dispatch.py")).unwrap();
    assert!(
        dispatch.contains("\"myproj.nodes.node_invoice_total_compute.handlers."),
        "{dispatch}"
    );
    let entry =
        fs::read_to_string(nodes.join("node_invoice_total_compute/entry_points.toml")).unwrap();
    assert!(
        entry.contains("node_invoice_total_compute = \"myproj.nodes.node_invoice_total_compute\""),
        "{entry}"
    );

    // The generated suite is green from the project root, scaffolds and all,
    // and again once the handlers are implemented.
    let pytest = [
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "src/myproj/nodes",
    ];
    let skipped = |summary: &str| -> usize {
        let words: Vec<&str> = summary.split_whitespace().collect();
        words
            .windows(2)
            .find(|w| w[1].starts_with("skipped"))
            .and_then(|w| w[0].parse().ok())
            .unwrap_or(0)
    };
    let scaffolds = skipped(&run_python(root, &pytest));
    implement(&nodes);
    let summary = run_python(root, &pytest);
    // The fixtures implement every handler but one (the orchestrator's
    // compensation step): its test alone still skips.
    assert!(
        scaffolds > 1 && skipped(&summary) == 1,
        "{scaffolds} skipped, then: {summary}"
    );

    // The framework's runtime (on the contract copy) and process() reach the
    // implemented handlers through the prefixed module paths.
    let cases = json!([
        {"package": "node_text_trim_compute", "input": {"text": "  padded  "}, "operation": "text.trim_left", "process": true},
        {"package": "node_invoice_total_compute", "input": {
            "invoice_id": "6f1c7a4e-0d5b-4a57-9d0e-2f1a3b4c5d6e",
            "lines": [{"sku": "a", "quantity": 2, "unit_price": "1.50"}],
            "tax_rate": "0.1", "rounding": "half_up"}, "operation": null, "process": true},
    ]);
    let file = root.join("cases.json");
    fs::write(&file, serde_json::to_vec(&cases).unwrap()).unwrap();
    let script = repo().join("tests/python/run_nodes.py");
    let text = run_python(
        root,
        &[
            script.to_str().unwrap(),
            nodes.to_str().unwrap(),
            file.to_str().unwrap(),
            "myproj.nodes",
        ],
    );
    let records: Vec<Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{text}");
    for r in &records {
        assert!(r.get("crash").is_none(), "{r:#}");
        assert_eq!(r["runtime"]["result"], "COMPLETED", "{r:#}");
        assert!(
            r["process"]["exceptions"].as_array().unwrap().is_empty(),
            "{r:#}"
        );
    }
    assert_eq!(
        records[0]["process"]["result"],
        json!({"text": "padded  ", "side": "left"})
    );
    assert_eq!(
        records[1]["process"]["result"]["total"], "3.30",
        "{:#}",
        records[1]
    );
}

#[test]
fn a_given_prefix_is_the_derived_one_and_a_contract_already_there_keeps_its_paths() {
    let dir = project();
    let root = dir.path();
    let run = generate(root, &["--package-prefix", "myproj.nodes"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let derived = project();
    assert_eq!(generate(derived.path(), &[]).status.code(), Some(0));
    let copy = |r: &Path| {
        fs::read(r.join("src/myproj/nodes/node_text_trim_compute/contract.yaml")).unwrap()
    };
    assert_eq!(
        copy(root),
        copy(derived.path()),
        "the flag and the derived prefix agree"
    );

    // A contract that already names the package's place keeps its paths.
    let placed =
        fs::read_to_string(repo().join("tests/fixtures/runtime/node_text_trim_compute.yaml"))
            .unwrap()
            .replace(
                "module: node_text_trim_compute.",
                "module: myproj.nodes.node_text_trim_compute.",
            );
    fs::write(root.join("placed.yaml"), &placed).unwrap();
    let out = root.join("src/myproj/nodes");
    let run = codegen(
        root,
        &[
            "generate",
            "-q",
            "placed.yaml",
            "-o",
            "src/myproj/nodes",
            "--force",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = fs::read_to_string(out.join("node_text_trim_compute/contract.yaml")).unwrap();
    assert!(
        text.contains("module: myproj.nodes.node_text_trim_compute.handlers.handler_trim"),
        "{text}"
    );
    assert!(!text.contains("module: myproj.nodes.myproj."), "{text}");
}

#[test]
fn a_prefix_python_would_not_see_is_warned_about_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let contract = repo().join("tests/fixtures/runtime/node_text_trim_compute.yaml");
    let run = codegen(
        root,
        &[
            "generate",
            contract.to_str().unwrap(),
            "-o",
            "out",
            "--package-prefix",
            "myproj.nodes",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("Python sees this directory as no package"),
        "{err}"
    );
    let bad = codegen(
        root,
        &[
            "generate",
            contract.to_str().unwrap(),
            "-o",
            "out",
            "--package-prefix",
            "my-proj.nodes",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a dotted Python module path"),
        "{}",
        stderr(&bad)
    );
    fs::write(
        root.join("codegen.toml"),
        "[generate]\npackage-prefix = \"1bad\"\n",
    )
    .unwrap();
    let bad = codegen(root, &["generate", contract.to_str().unwrap(), "-o", "out"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("codegen.toml:2:"), "{}", stderr(&bad));
}
