//! Python source checks: decoding (PEP 263), syntax as `CPython` 3.12 judges it, the
//! compile-time errors `CPython` raises after parsing, the structural rules a generated ONEX
//! node package must follow, and the rest of the rule catalogue ([`rules`]), all run on one
//! parse by [`lint`]. This is the only module that names `ruff_*` types; callers see paths,
//! strings and [`Diagnostic`]s.

mod checks;
mod compile;
mod encoding;
mod nesting;
mod rules;
mod run;
mod structure;
mod syntax;

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
mod tests;

use std::path::Path;

use crate::diagnostics::Diagnostic;

pub use rules::{Pass, Rule, RuleInfo, markdown_table, readme_section, rules, with_readme_table};
pub use run::{LintContext, PackageRoles, lint, lint_selected, role_for_path, role_in_package};
pub(crate) use run::{Syntax, lint_with};
pub use structure::{FileRole, check_structure};

/// Parse `source` as Python (target 3.12) and return findings: `SYN001` for what the parser
/// rejects (at `CPython`'s line and column where we can match it) and `SYN002` for what
/// `CPython`'s `compile()` rejects after parsing. Like `CPython`, at most one error per file:
/// the one it would report.
pub fn check_syntax(path: &Path, source: &str) -> Vec<Diagnostic> {
    if !syntax::fits(source.len()) {
        return vec![too_large(path)];
    }
    let locator = syntax::Locator::new(source);
    let tree = match syntax::parse(source) {
        Ok(tree) => tree,
        Err(refusal) => return vec![refused(path, &locator, refusal)],
    };
    if let Some(error) = syntax::first_error(path, source, &locator, &tree) {
        return vec![error];
    }
    if let Some(error) = too_deep(path, &locator, &tree) {
        return vec![error];
    }
    tree.walk(|| compile::check(path, &locator, tree.syntax()))
        .into_iter()
        .take(1)
        .collect()
}

/// `SYN001` for nesting `CPython` refuses before parsing.
fn refused(path: &Path, locator: &syntax::Locator, refusal: nesting::Refusal) -> Diagnostic {
    locator.place_offset(
        rules::diagnostic(Rule::SYN001, path, refusal.message),
        refusal.offset,
    )
}

/// `SYN002` for a tree nested deeper than `CPython`'s compiler goes.
fn too_deep(path: &Path, locator: &syntax::Locator, tree: &syntax::Tree) -> Option<Diagnostic> {
    tree.depth.too_deep.map(|offset| {
        locator.place_offset(
            rules::diagnostic(Rule::SYN002, path, nesting::TOO_DEEP),
            offset,
        )
    })
}

/// Decode `bytes` as `CPython` would (UTF-8, or the encoding a PEP 263 cookie in line 1 or 2
/// declares) and check the text with [`check_syntax`]. Undecodable input and NUL bytes are
/// `SYN003`.
pub fn check_bytes(path: &Path, bytes: &[u8]) -> Vec<Diagnostic> {
    if !syntax::fits(bytes.len()) {
        return vec![too_large(path)];
    }
    match encoding::decode(path, bytes) {
        Ok(source) => check_syntax(path, &source),
        Err(diagnostic) => vec![*diagnostic],
    }
}

fn too_large(path: &Path) -> Diagnostic {
    rules::diagnostic(
        Rule::SYN001,
        path,
        "the file is too large to parse (4 GiB or more)",
    )
}
