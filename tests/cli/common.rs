//! Shared helpers: a fresh directory per test, the built binary, and the
//! Python 3.12 interpreters (with omnibase-core, pytest and ruff; the newest
//! release and the oldest supported one) that judge generated code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;

/// The repository root (where Cargo.toml is).
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The first file of `dir` in name order (the contract directories hold only contracts).
pub(crate) fn first_contract(dir: &Path) -> PathBuf {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.remove(0)
}

/// `codegen` with `args`, run in `cwd`, with no colour and no inherited log filter.
pub(crate) fn codegen(cwd: &Path, args: &[&str]) -> Output {
    Command::new(cargo_bin("codegen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run codegen")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The interpreter of the test venv: `CODEGEN_TEST_PYTHON`, else `.venv/bin/python`.
/// A missing interpreter fails the test: generated code is always judged for real.
pub(crate) fn python() -> PathBuf {
    venv_python("CODEGEN_TEST_PYTHON", ".venv", "venv")
}

/// The interpreter of the venv with the oldest supported omnibase-core
/// (requirements-oldest.txt): `CODEGEN_TEST_PYTHON_OLDEST`, else
/// `.venv-oldest/bin/python`. Missing, it fails the test like [`python`].
pub(crate) fn oldest_python() -> PathBuf {
    venv_python("CODEGEN_TEST_PYTHON_OLDEST", ".venv-oldest", "venv-oldest")
}

/// The interpreter of the venv that adds omnibase-infra and the ONEX packages
/// it names (requirements-infra.txt, without their dependencies) to the test
/// venv's packages: `CODEGEN_TEST_PYTHON_INFRA`, else `.venv-infra/bin/python`.
/// The type checkers resolve infra models through it; nothing runs on it.
pub(crate) fn infra_python() -> PathBuf {
    venv_python("CODEGEN_TEST_PYTHON_INFRA", ".venv-infra", "venv-infra")
}

/// `$var` if set, else `<repo>/<venv>/bin/python`; panics (naming `make <target>`) if absent.
fn venv_python(var: &str, venv: &str, target: &str) -> PathBuf {
    let path =
        std::env::var_os(var).map_or_else(|| repo().join(venv).join("bin/python"), PathBuf::from);
    assert!(
        path.exists(),
        "no Python 3.12 test interpreter at {}: run `make {target}` (or `make test`), or set {var}",
        path.display()
    );
    path
}

/// A tool of the venv (`ruff`, `onex`, ...), beside its interpreter.
pub(crate) fn venv_tool(name: &str) -> PathBuf {
    python().parent().expect("venv bin dir").join(name)
}

/// Runs `program args` in `cwd` and panics with its output unless it exits 0.
pub(crate) fn run_ok(cwd: &Path, program: &Path, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        output.status.success(),
        "`{} {}` failed in {}:\n{text}",
        program.display(),
        args.join(" "),
        cwd.display()
    );
    text
}

/// Every file under `root`, relative to it, in a stable order.
pub(crate) fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// `codegen generate -q INPUTS -o OUT`, run from the repository root; it must exit 0.
pub(crate) fn generate_into(out: &Path, inputs: &[PathBuf]) {
    let mut args = vec!["generate".to_owned(), "-q".to_owned()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["-o".to_owned(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = codegen(&repo(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// The example contracts and the valid fixtures generated into `out`; their
/// package names, at least 16 of them.
pub(crate) fn generate_examples_and_fixtures(out: &Path) -> Vec<String> {
    generate_into(
        out,
        &[
            repo().join("contracts"),
            repo().join("tests/fixtures/contracts/valid"),
        ],
    );
    let names = packages(out);
    assert!(
        names.len() >= 16,
        "expected at least 16 packages, got {names:?}"
    );
    names
}

/// The package directories under `out` (those holding an `__init__.py`), in name order.
pub(crate) fn packages(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("__init__.py").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `count` contracts in `dir`, copies of the examples under unique names.
pub(crate) fn contracts(dir: &Path, count: usize) {
    fs::create_dir_all(dir).unwrap();
    let mut examples: Vec<PathBuf> = fs::read_dir(repo().join("contracts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    examples.sort();
    for i in 0..count {
        let source = fs::read_to_string(&examples[i % examples.len()]).unwrap();
        let name = source
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .unwrap()
            .trim()
            .to_owned();
        // Every mention, module paths included, so owned models and handlers stay owned.
        let renamed = source.replace(&name, &format!("{name}_{i:04}"));
        fs::write(dir.join(format!("c{i:04}.yaml")), renamed).unwrap();
    }
}
