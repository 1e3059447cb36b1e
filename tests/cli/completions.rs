//! The committed shell completions are what the binary prints now.

use std::fs;
use std::process::Command;

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

/// What bash offers for the words before the cursor (the last word is the one being
/// completed), from the committed script.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = repo().join("completions/codegen.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().copied().unwrap_or_default();
    let previous = words.len().checked_sub(2).map_or("", |i| words[i]);
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _codegen codegen '{current}' '{previous}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output).lines().map(str::to_owned).collect()
}

#[test]
fn bash_completes_only_listed_commands_and_rule_codes() {
    assert_eq!(bash_completes(&["codegen", "gen"]), ["generate"]);
    assert_eq!(bash_completes(&["codegen", "va"]), ["validate"]);

    let syntax = bash_completes(&["codegen", "validate", "--select", "SY"]);
    assert_eq!(syntax, ["SYN", "SYN001", "SYN002", "SYN003"]);
    let all = bash_completes(&["codegen", "validate", "--extend-select", ""]);
    assert_eq!(all.first().map(String::as_str), Some("ALL"));
    for rule in codegen::lint::rules() {
        assert!(
            all.iter().any(|v| v == rule.code),
            "{} is offered",
            rule.code
        );
    }
    assert!(bash_completes(&["codegen", "validate", "--ignore", "ONX0"]).len() > 1);
    // generate's --ignore also takes the contract warnings.
    assert_eq!(
        bash_completes(&["codegen", "generate", "--ignore", "CTR00"]),
        ["CTR001", "CTR002", "CTR003", "CTR004", "CTR005", "CTR006"]
    );
}
