//! Generated packages judged by the type checkers teams gate CI on: `mypy
//! --strict` and pyright (standard mode), over every file codegen writes,
//! tests included, with no `# type: ignore` anywhere. Both run in the 3.12
//! test venv, against the real omnibase-core and pydantic; their versions are
//! pinned in requirements-test.txt. omnibase-infra, whose models the
//! published contracts name, comes from requirements-infra.txt.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{
    files_under, generate_examples_and_fixtures, generate_into, infra_python, packages, python,
    repo, run_ok, stderr, stdout, venv_tool,
};

/// pyright on `targets` in `out`, against `interpreter`'s packages. The
/// wheel's bundled pyright runs; its check for a newer release (a request to
/// the Python package index) is turned off.
fn pyright(out: &Path, interpreter: &Path, targets: &[&str]) -> Output {
    Command::new(venv_tool("pyright"))
        .arg("--pythonpath")
        .arg(interpreter)
        .args(targets)
        .current_dir(out)
        .env("PYRIGHT_PYTHON_IGNORE_WARNINGS", "1")
        .env("PYRIGHT_PYTHON_USE_BUNDLED_PYRIGHT", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pyright: {e}"))
}

/// No generated `.py` under `out` silences a checker, and `mypy --strict`
/// and pyright each find no error in the packages `names`. They read the
/// packages of the infra venv (the test venv's, plus omnibase-infra), so a
/// contract's reference to an infra model resolves like it does for a team
/// that depends on omnibase-infra.
fn assert_type_checks(dir: &Path, out: &Path, names: &[String]) {
    for file in files_under(out) {
        if file.extension().is_some_and(|e| e == "py") {
            let text = fs::read_to_string(out.join(&file)).unwrap();
            assert!(
                !text.contains("type: ignore") && !text.contains("pyright: ignore"),
                "{} silences a type checker",
                file.display()
            );
        }
    }

    let interpreter = infra_python();
    let cache = dir.join("mypy-cache");
    let mut args = vec![
        "--strict",
        "--no-error-summary",
        "--python-executable",
        interpreter.to_str().unwrap(),
        "--cache-dir",
        cache.to_str().unwrap(),
    ];
    args.extend(names.iter().map(String::as_str));
    let mypy = run_ok(out, &venv_tool("mypy"), &args);
    assert!(!mypy.contains("error:"), "mypy --strict:\n{mypy}");

    let targets: Vec<&str> = names.iter().map(String::as_str).collect();
    let checked = pyright(out, &interpreter, &targets);
    let text = format!("{}{}", stdout(&checked), stderr(&checked));
    assert!(
        checked.status.success() && text.contains("0 errors"),
        "pyright:\n{text}"
    );
}

#[test]
fn mypy_strict_and_pyright_accept_the_examples_and_fixtures_with_no_ignores() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let names = generate_examples_and_fixtures(&out);
    assert!(
        names.len() >= 17,
        "expected at least 17 packages, got {names:?}"
    );
    assert_type_checks(dir.path(), &out, &names);
}

#[test]
fn mypy_strict_and_pyright_accept_the_omnibase_infra_nodes() {
    // The 133 published contracts: their models, handlers and node bases
    // name omnibase-infra's own modules, which resolve in the infra venv.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let infra = repo().join("tests/fixtures/omnibase_infra");
    generate_into(&out, &[infra]);
    let names = packages(&out);
    assert_eq!(names.len(), 133, "{names:?}");
    assert_type_checks(dir.path(), &out, &names);
}

#[test]
fn a_type_error_in_a_generated_package_fails_the_check() {
    // The check above can fail: a wrong default in a model is found by both.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    generate_into(
        &out,
        &[repo().join("contracts/node_invoice_total_compute.yaml")],
    );
    let model = out.join("node_invoice_total_compute/models/model_invoice_line.py");
    let text = fs::read_to_string(&model).unwrap();
    let broken = text.replace("Field(default=Decimal(0))", "Field(default=\"0\")");
    assert_ne!(broken, text, "the sample default moved: update this test");
    fs::write(&model, broken).unwrap();

    let cache = dir.path().join("mypy-cache");
    let status = Command::new(venv_tool("mypy"))
        .args(["--strict", "--cache-dir", cache.to_str().unwrap()])
        .arg("node_invoice_total_compute")
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(
        !status.status.success(),
        "mypy accepted a str default for a Decimal"
    );
    let checked = pyright(&out, &python(), &["node_invoice_total_compute"]);
    assert!(
        !checked.status.success(),
        "pyright accepted a str default for a Decimal"
    );
}
