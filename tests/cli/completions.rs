//! The committed shell completions are what the binary prints now.

use std::fs;

use crate::common::{codegen, repo, stdout};

#[test]
fn committed_completions_are_current() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = codegen(&repo(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0));
        let committed = fs::read_to_string(repo().join(format!("completions/codegen.{shell}")))
            .unwrap_or_default();
        assert!(
            stdout(&output) == committed,
            "completions/codegen.{shell} is stale: run `make completions`"
        );
    }
}
