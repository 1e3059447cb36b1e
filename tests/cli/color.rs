//! Colour the way cargo and ruff decide it: `--color`, the settings file's `color`,
//! `NO_COLOR`, `FORCE_COLOR`, `CLICOLOR_FORCE`; on the diagnostics themselves, never
//! into a pipe unless forced, never in a machine format.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;

use crate::common::{stderr, stdout};

const ESC: char = '\u{1b}';

/// `codegen` with `args` in `cwd`, with none of the colour variables inherited and `env` set.
fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(cargo_bin("codegen"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .env_remove("TERM");
    for var in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        command.env_remove(var);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run codegen")
}

/// A directory with `bad.py`: one error (a syntax error) to be coloured.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.py"), "def broken(:\n    pass\n").unwrap();
    dir
}

fn coloured(output: &Output) -> bool {
    stdout(output).contains(ESC) || stderr(output).contains(ESC)
}

#[test]
fn never_into_a_pipe_unless_forced() {
    let dir = project();
    let validate = ["validate", "bad.py"];
    let plain = run(dir.path(), &validate, &[]);
    assert_eq!(plain.status.code(), Some(1), "{}", stderr(&plain));
    assert!(!coloured(&plain), "{plain:?}");
    assert!(
        stdout(&plain).starts_with("bad.py:1:12: SYN001 "),
        "{}",
        stdout(&plain)
    );

    for env in [
        &[("FORCE_COLOR", "1")][..],
        &[("CLICOLOR_FORCE", "1")],
        &[("FORCE_COLOR", "true"), ("TERM", "dumb")],
    ] {
        let forced = run(dir.path(), &validate, env);
        assert!(coloured(&forced), "{env:?} forces colour");
    }
    for env in [
        &[("FORCE_COLOR", "0")][..],
        &[("FORCE_COLOR", "")],
        &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
    ] {
        let off = run(dir.path(), &validate, env);
        assert!(!coloured(&off), "{env:?} leaves colour off");
    }
    // The flag is final either way.
    let always = run(
        dir.path(),
        &["--color", "always", "validate", "bad.py"],
        &[("NO_COLOR", "1")],
    );
    assert!(coloured(&always));
    let never = run(
        dir.path(),
        &["--color", "never", "validate", "bad.py"],
        &[("FORCE_COLOR", "1")],
    );
    assert!(!coloured(&never));
    // So is the settings file's `color`, and the flag beats it.
    fs::write(dir.path().join("codegen.toml"), "color = \"always\"\n").unwrap();
    assert!(coloured(&run(dir.path(), &validate, &[])));
    assert!(!coloured(&run(
        dir.path(),
        &["--color", "never", "validate", "bad.py"],
        &[]
    )));
}

#[test]
fn the_findings_themselves_are_coloured_not_only_the_summary() {
    let dir = project();
    let out = run(
        dir.path(),
        &["--color", "always", "validate", "--show-source", "bad.py"],
        &[],
    );
    let text = stdout(&out);
    // Location bold, the error's code bold red, the gutter blue, the caret red.
    assert!(
        text.starts_with("\u{1b}[1mbad.py:1:12\u{1b}[0m: \u{1b}[1;31mSYN001\u{1b}[0m "),
        "{text:?}"
    );
    assert!(
        text.contains("\u{1b}[1;34m1 |\u{1b}[0m def broken(:"),
        "{text:?}"
    );
    assert!(text.contains("\u{1b}[1;31m^\u{1b}[0m"), "{text:?}");
    // Stripped of its styles, the text is what a pipe gets.
    let plain = run(dir.path(), &["validate", "--show-source", "bad.py"], &[]);
    assert_eq!(strip(&text), stdout(&plain));

    // generate's diagnostics, on standard error.
    fs::write(dir.path().join("node_x_compute.yaml"), "name: [unclosed\n").unwrap();
    let generated = run(
        dir.path(),
        &[
            "--color",
            "always",
            "generate",
            "node_x_compute.yaml",
            "-o",
            "out",
        ],
        &[],
    );
    assert_eq!(generated.status.code(), Some(2), "{}", stderr(&generated));
    let err = stderr(&generated);
    assert!(
        err.contains("\u{1b}[1mnode_x_compute.yaml:"),
        "location bold: {err:?}"
    );
    assert!(err.contains(": \u{1b}[1;31merror\u{1b}[0m: "), "{err:?}");

    // A usage error from the settings, too.
    let usage = run(
        dir.path(),
        &["--color", "always", "--isolated", "generate", "-o", "out"],
        &[],
    );
    assert_eq!(usage.status.code(), Some(2));
    assert!(
        stderr(&usage).starts_with("codegen: \u{1b}[1;31merror\u{1b}[0m: "),
        "{}",
        stderr(&usage)
    );
}

#[test]
fn machine_formats_never_carry_colour() {
    let dir = project();
    for format in ["json", "github", "junit", "sarif", "gitlab"] {
        let out = run(
            dir.path(),
            &[
                "--color",
                "always",
                "validate",
                "--output-format",
                format,
                "bad.py",
            ],
            &[("FORCE_COLOR", "1")],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(!stdout(&out).contains(ESC), "{format}: {}", stdout(&out));
    }
    fs::write(dir.path().join("node_x_compute.yaml"), "name: [unclosed\n").unwrap();
    for format in ["json", "github", "gitlab"] {
        let out = run(
            dir.path(),
            &[
                "--color",
                "always",
                "generate",
                "--output-format",
                format,
                "node_x_compute.yaml",
                "-o",
                "out",
            ],
            &[],
        );
        assert!(
            !stdout(&out).contains(ESC),
            "generate {format}: {}",
            stdout(&out)
        );
    }
}

/// On a real terminal (a pseudo-terminal from `script`), `auto` colours; `TERM=dumb`
/// and `NO_COLOR` turn it off there too.
#[test]
fn a_terminal_gets_colour_unless_it_is_dumb_or_no_color_is_set() {
    let dir = project();
    let binary = cargo_bin("codegen");
    let on_terminal = |env: &[(&str, &str)]| -> String {
        let mut command = Command::new("script");
        command
            .args(["--quiet", "--return", "--command"])
            .arg(format!("{} validate bad.py", binary.display()))
            .arg("/dev/null")
            .current_dir(dir.path())
            .env_remove("RUST_LOG");
        // `CI` (set by every CI service) turns colour on even where TERM is dumb.
        for var in [
            "NO_COLOR",
            "FORCE_COLOR",
            "CLICOLOR_FORCE",
            "CLICOLOR",
            "CI",
        ] {
            command.env_remove(var);
        }
        command.env("TERM", "xterm-256color");
        for (key, value) in env {
            command.env(key, value);
        }
        let out = command.output().expect("run script (util-linux)");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    let terminal = on_terminal(&[]);
    assert!(terminal.contains("\u{1b}[1;31mSYN001"), "{terminal:?}");
    // Progress bars may move the cursor there; what matters is the finding's styles.
    for env in [("TERM", "dumb"), ("NO_COLOR", "1")] {
        let plain = on_terminal(&[env]);
        assert!(plain.contains("bad.py:1:12: SYN001 "), "{env:?}: {plain:?}");
    }
}

/// `text` without its ANSI styles.
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
