//! The man pages `make man` writes: one per visible subcommand, each rendered
//! by `man` without complaint when it is installed.

use std::process::Command;

use crate::common::{codegen, stderr};

#[test]
fn generate_man_writes_pages_that_render() {
    let dir = tempfile::tempdir().unwrap();
    let man = dir.path().join("man");
    codegen::commands::man::write_pages(&man).unwrap();
    for page in [
        "codegen.1",
        "codegen-generate.1",
        "codegen-validate.1",
        "codegen-templates-eject.1",
        "codegen-init.1",
        "codegen-new.1",
        "codegen-schema.1",
    ] {
        let text = std::fs::read_to_string(man.join(page)).unwrap();
        assert!(text.contains(".TH "), "{page}");
    }
    assert!(!man.join("codegen-generate-man.1").exists());
    // The pages come from the library: the command has no hidden
    // subcommand, so completion offers only what `--help` lists.
    let help = codegen(dir.path(), &["--help"]);
    assert!(help.status.success(), "{}", stderr(&help));
    for shell in ["bash", "zsh", "fish"] {
        let script = codegen(dir.path(), &["completions", shell]);
        assert!(
            !crate::common::stdout(&script).contains("generate-man"),
            "{shell}"
        );
    }

    let Ok(rendered) = Command::new("man")
        .arg("-l")
        .arg(man.join("codegen-generate.1"))
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
    else {
        return; // no man(1) here: the roff was checked above
    };
    // man justifies lines, so compare words, not spacing.
    let text = String::from_utf8_lossy(&rendered.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert!(text.contains("codegen generate"), "{text}");
    assert!(text.contains("--templates"), "{text}");
}
