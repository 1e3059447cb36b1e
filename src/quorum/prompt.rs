//! The prompt: the file, its node type, a summary of its contract and the
//! criteria, asking for `{vote, confidence, reasoning}`. The text is versioned:
//! [`PROMPT_VERSION`] is part of every cache key, so changing the wording
//! invalidates cached votes.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::contract::Contract;
use crate::digest::sha256_hex;

/// Bump whenever the text below changes.
pub const PROMPT_VERSION: &str = "quorum-prompt-v1";

/// One file to vote on.
#[derive(Debug, Clone)]
pub struct FileInput {
    /// As reported.
    pub path: PathBuf,
    pub code: String,
    /// `effect`, `compute`, ...; `None` when no contract is known.
    pub node_type: Option<String>,
    /// A few lines about the contract the file belongs to.
    pub contract: Option<String>,
}

/// What is sent: instructions, then the material.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub system: String,
    pub user: String,
}

impl Prompt {
    /// SHA-256 of everything the model sees: with the prompt version and the
    /// model, the cache key.
    pub fn content_hash(&self) -> String {
        let mut all = String::with_capacity(self.system.len() + self.user.len() + 1);
        all.push_str(&self.system);
        all.push('\0');
        all.push_str(&self.user);
        sha256_hex(all.as_bytes())
    }
}

const SYSTEM: &str = "You review Python code generated for ONEX v2.0 nodes (the omnibase-core \
framework). Judge the file against five criteria: ONEX compliance (the node class derives from \
the framework base class for its node type, models are pydantic, the contract is honoured), \
quality (clear, idiomatic, typed), correctness (it would import and run as the contract intends), \
security (no injection, secrets or unsafe evaluation) and performance (no needless work). \
Answer with one JSON object and nothing else: {\"vote\": true or false (true means the file \
passes), \"confidence\": a number from 0 to 1, \"reasoning\": one or two sentences}.";

/// The prompt for `file`.
pub fn build(file: &FileInput) -> Prompt {
    let mut user = String::new();
    let _ = writeln!(user, "File: {}", file.path.display());
    let _ = writeln!(
        user,
        "Node type: {}",
        file.node_type.as_deref().unwrap_or("unknown")
    );
    match &file.contract {
        Some(summary) => {
            let _ = writeln!(user, "Contract:\n{summary}");
        }
        None => user.push_str("Contract: none found\n"),
    }
    let _ = write!(user, "\n```python\n{}", file.code);
    if !file.code.ends_with('\n') {
        user.push('\n');
    }
    user.push_str("```\n");
    Prompt {
        system: SYSTEM.to_owned(),
        user,
    }
}

/// The contract in a few lines: what a reviewer needs to judge the file against it.
pub fn contract_summary(contract: &Contract) -> String {
    let mut out = String::new();
    let v = contract.contract_version;
    let _ = writeln!(
        out,
        "- name: {} (class {}, base {})",
        contract.name,
        contract.class_name,
        contract.node_type.base_class()
    );
    let _ = writeln!(
        out,
        "- node type: {}; contract version {}.{}.{}",
        contract.node_type.generic(),
        v.major,
        v.minor,
        v.patch
    );
    if !contract.description.is_empty() {
        let _ = writeln!(out, "- description: {}", contract.description);
    }
    if let Some(input) = &contract.input_model {
        let _ = writeln!(out, "- input model: {}", input.class_name);
    }
    if let Some(output) = &contract.output_model {
        let _ = writeln!(out, "- output model: {}", output.class_name);
    }
    if !contract.models.is_empty() {
        let names: Vec<&str> = contract
            .models
            .iter()
            .map(|m| m.class_name.as_str())
            .collect();
        let _ = writeln!(out, "- models: {}", names.join(", "));
    }
    if !contract.operations.is_empty() {
        let _ = writeln!(out, "- operations: {}", contract.operations.join(", "));
    }
    let _ = writeln!(out, "- handlers: {}", contract.handlers.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_the_content() {
        let file = FileInput {
            path: PathBuf::from("a.py"),
            code: "x = 1".to_owned(),
            node_type: Some("compute".to_owned()),
            contract: None,
        };
        let one = build(&file);
        assert!(one.user.contains("Node type: compute"));
        assert!(one.user.contains("```python\nx = 1\n```"));
        let other = build(&FileInput {
            code: "x = 2".to_owned(),
            ..file.clone()
        });
        assert_ne!(one.content_hash(), other.content_hash());
        assert_eq!(one.content_hash(), build(&file).content_hash());
    }
}
