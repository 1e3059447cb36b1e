//! Installing codegen the way Python teams do: the wheel maturin builds,
//! installed into a bare venv with no network and no toolchain on PATH; the
//! GitHub Action's step with that wheel; the pre-commit hooks through the real
//! `pre-commit try-repo`, which builds codegen from this repository with pip.
//!
//! Every build here is a dev build into `<target>/packaging`: beside the test
//! build, so it never replaces the binary the other tests are running, and
//! reused from one run of the suite to the next.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::common::{codegen, python, repo, stderr, stdout, venv_tool};

/// `<target>` of the test build: the binary is `<target>/<profile>/codegen`.
fn packaging_target() -> PathBuf {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_codegen"));
    let target = binary
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/<profile>/");
    target.join("packaging")
}

/// The cargo these tests were built with, for the builds maturin runs.
fn cargo_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|cargo| cargo.parent().map(Path::to_path_buf))
}

/// `PATH` with the directory of the cargo running the tests in front (maturin calls `cargo`).
fn path_with_cargo() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    match cargo_dir() {
        Some(dir) => format!("{}:{path}", dir.display()),
        None => path,
    }
}

/// Output of a command, with both streams in the panic message when it fails.
fn show(what: &str, output: &Output) -> String {
    format!(
        "{what}: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}

/// Held by whichever test is building codegen into `<target>/packaging`: the
/// wheel's maturin and pre-commit's pip build the same binary there, from two
/// different source trees (pre-commit builds from its own clone), so run
/// together one rewrites the binary while the other packs it.
fn packaging_build() -> MutexGuard<'static, ()> {
    static BUILD: Mutex<()> = Mutex::new(());
    BUILD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The wheel, built once per test run by `maturin build --profile dev` (what
/// `make wheel` runs, with the release profile).
fn wheel() -> &'static Path {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let _build = packaging_build();
        let out = packaging_target().join("wheels");
        if out.exists() {
            fs::remove_dir_all(&out).unwrap();
        }
        let built = Command::new(venv_tool("maturin"))
            .args(["build", "--profile", "dev", "--out"])
            .arg(&out)
            .current_dir(repo())
            .env("CARGO_TARGET_DIR", packaging_target())
            .env("PATH", path_with_cargo())
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .expect("run maturin (make venv installs it)");
        assert!(built.status.success(), "{}", show("maturin build", &built));
        let wheels: Vec<PathBuf> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(wheels.len(), 1, "{wheels:?}");
        wheels.into_iter().next().unwrap()
    })
}

/// A new venv of the machine's default `python3` (not the test venv, not 3.12),
/// with only what `venv` puts there.
fn bare_venv(dir: &Path) -> PathBuf {
    let venv = dir.join("venv");
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .expect("run python3");
    assert!(made.status.success(), "{}", show("python3 -m venv", &made));
    venv
}

#[test]
fn the_wheel_installs_offline_into_a_bare_venv_and_runs_there() {
    let wheel = wheel();
    let name = wheel.file_name().unwrap().to_str().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        name.starts_with(&format!("onex_codegen-{version}-py3-none-"))
            && wheel.extension().is_some_and(|e| e == "whl"),
        "{name}"
    );

    let dir = tempfile::tempdir().unwrap();
    let venv = bare_venv(dir.path());
    let installed = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(wheel)
        .output()
        .unwrap();
    assert!(
        installed.status.success(),
        "{}",
        show("pip install", &installed)
    );

    // No cargo, no rustc, no test venv: the venv's bin and the system's.
    let path = format!("{}:/usr/bin:/bin", venv.join("bin").display());
    let run = |args: &[&str]| {
        Command::new("codegen")
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .expect("codegen is on the venv's PATH")
    };
    let version_out = run(&["--version"]);
    assert!(
        version_out.status.success(),
        "{}",
        show("--version", &version_out)
    );
    assert_eq!(stdout(&version_out).trim(), format!("codegen {version}"));

    let contracts = repo().join("contracts");
    let generated = run(&["generate", contracts.to_str().unwrap(), "-o", "out"]);
    assert!(
        generated.status.success(),
        "{}",
        show("generate", &generated)
    );
    let mut packages: Vec<String> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("node_"))
        .collect();
    packages.sort();
    assert_eq!(
        packages,
        [
            "node_invoice_total_compute",
            "node_order_fulfillment_orchestrator",
            "node_payment_gateway_effect",
            "node_session_state_reducer"
        ]
    );
    // The same bytes as the binary under test writes.
    let reference = dir.path().join("reference");
    let again = codegen(
        dir.path(),
        &["generate", contracts.to_str().unwrap(), "-o", "reference"],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    for package in &packages {
        let ours = dir.path().join("out").join(package).join("node.py");
        let theirs = reference.join(package).join("node.py");
        assert_eq!(
            fs::read(ours).unwrap(),
            fs::read(theirs).unwrap(),
            "{package}"
        );
    }
}

/// A project with `codegen.toml` (`[generate] contracts`), one contract and its
/// generated package, and a clean Python file under `src/`.
fn project(dir: &Path) -> PathBuf {
    let project = dir.join("project");
    fs::create_dir_all(project.join("contracts")).unwrap();
    fs::create_dir_all(project.join("src")).unwrap();
    fs::write(
        project.join("codegen.toml"),
        "[generate]\ncontracts = [\"contracts\"]\noutput = \"generated\"\n",
    )
    .unwrap();
    fs::copy(
        repo().join("contracts/node_invoice_total_compute.yaml"),
        project.join("contracts/node_invoice_total_compute.yaml"),
    )
    .unwrap();
    fs::write(
        project.join("src/total.py"),
        "def total(values: list[int]) -> int:\n    return sum(values)\n",
    )
    .unwrap();
    let generated = codegen(&project, &["generate", "-q"]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    project
}

/// Makes the project stale (the contract's description changes after
/// generation) and gives it a Python file with a syntax error.
fn break_project(project: &Path) {
    let contract = project.join("contracts/node_invoice_total_compute.yaml");
    let text = fs::read_to_string(&contract).unwrap();
    let changed = text.replacen("Computes line totals", "Computes the line totals", 1);
    assert_ne!(text, changed);
    fs::write(&contract, changed).unwrap();
    fs::write(project.join("src/broken.py"), "def broken(:\n    pass\n").unwrap();
}

#[test]
fn the_action_step_installs_the_wheel_and_fails_on_stale_output_and_findings() {
    let wheel = wheel();
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    let runner_temp = dir.path().join("runner");
    fs::create_dir(&runner_temp).unwrap();
    let github_path = dir.path().join("github_path");
    let step = || {
        Command::new(repo().join("action/run.sh"))
            .current_dir(dir.path())
            .env("GITHUB_ACTION_PATH", repo())
            .env("RUNNER_TEMP", &runner_temp)
            .env("GITHUB_PATH", &github_path)
            .env("INPUT_WORKING_DIRECTORY", &project)
            .env("INPUT_PACKAGE", wheel)
            .env("INPUT_PIP_ARGS", "--no-index")
            .env("INPUT_CHECK", "true")
            .env("INPUT_VALIDATE", "src")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };

    let clean = step();
    assert_eq!(clean.status.code(), Some(0), "{}", show("clean", &clean));
    assert!(!stdout(&clean).contains("::error"), "{}", stdout(&clean));
    let added = fs::read_to_string(&github_path).unwrap();
    assert!(
        Path::new(added.trim()).join("codegen").is_file(),
        "GITHUB_PATH gets the venv's bin: {added}"
    );

    break_project(&project);
    let failed = step();
    assert_eq!(failed.status.code(), Some(1), "{}", show("broken", &failed));
    let annotations = stdout(&failed);
    assert!(
        annotations.contains("::error file=src/broken.py,line=1"),
        "{annotations}"
    );
    assert!(
        annotations.contains("generated/node_invoice_total_compute/"),
        "{annotations}"
    );

    // A package that cannot be installed is exit 2, named.
    let missing = Command::new(repo().join("action/run.sh"))
        .env("GITHUB_ACTION_PATH", repo())
        .env("RUNNER_TEMP", &runner_temp)
        .env("INPUT_WORKING_DIRECTORY", &project)
        .env("INPUT_PACKAGE", dir.path().join("no-such.whl"))
        .env("INPUT_PIP_ARGS", "--no-index")
        .output()
        .unwrap();
    assert_eq!(
        missing.status.code(),
        Some(2),
        "{}",
        show("missing", &missing)
    );
    assert!(stdout(&missing).contains("could not install codegen"));
}

/// `git` in `cwd`; it must succeed.
fn git(cwd: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "{}",
        show(&format!("git {args:?}"), &out)
    );
}

#[test]
fn pre_commit_runs_both_hooks_from_this_repository() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    git(&project, &["init", "--quiet"]);
    git(&project, &["add", "--all"]);
    // The build backend comes from the test venv's wheelhouse (`make venv`): no network.
    let wheelhouse = python()
        .parent()
        .and_then(Path::parent)
        .expect("venv root")
        .join("wheelhouse");
    assert!(
        wheelhouse.is_dir(),
        "no {}: run `make venv`",
        wheelhouse.display()
    );
    let try_repo = || {
        Command::new(venv_tool("pre-commit"))
            .args(["try-repo"])
            .arg(repo())
            .args(["--all-files", "--color", "never"])
            .current_dir(&project)
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-home"))
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &wheelhouse)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("CARGO_TARGET_DIR", packaging_target())
            .env("CARGO_TERM_COLOR", "never")
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            .env("PATH", path_with_cargo())
            .env("NO_COLOR", "1")
            .output()
            .expect("run pre-commit (make venv installs it)")
    };
    let verdict = |output: &str, hook: &str| -> Option<&'static str> {
        let line = output.lines().find(|l| l.starts_with(hook))?;
        ["Passed", "Failed"]
            .into_iter()
            .find(|verdict| line.ends_with(verdict))
    };

    // The first try-repo builds codegen (pip, maturin) into the packaging target.
    let build = packaging_build();
    let passing = try_repo();
    drop(build);
    let text = stdout(&passing);
    assert_eq!(
        passing.status.code(),
        Some(0),
        "{}",
        show("passing", &passing)
    );
    assert_eq!(verdict(&text, "codegen validate"), Some("Passed"), "{text}");
    assert_eq!(
        verdict(&text, "codegen generate --check"),
        Some("Passed"),
        "{text}"
    );

    break_project(&project);
    git(&project, &["add", "--all"]);
    let failing = try_repo();
    let text = stdout(&failing);
    assert_eq!(
        failing.status.code(),
        Some(1),
        "{}",
        show("failing", &failing)
    );
    assert_eq!(verdict(&text, "codegen validate"), Some("Failed"), "{text}");
    assert_eq!(
        verdict(&text, "codegen generate --check"),
        Some("Failed"),
        "{text}"
    );
    assert!(text.contains("src/broken.py:1:"), "{text}");
    assert!(
        text.contains("generated/node_invoice_total_compute/"),
        "{text}"
    );
}
