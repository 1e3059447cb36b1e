//! The single entry point that runs every rule on one file: decoding and syntax, structure,
//! the tree rules, comment rules (`STB001` and `# noqa`), and the rules that read the node's
//! directory (`ONX004`, `ONX005`, `CMP002`). Also decides a file's role from its path.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, Stmt};
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextSize};

use super::rules::{self, Pass, Rule};
use super::structure::FileRole;
use super::syntax::{self, Locator};
use super::{checks, compile, encoding, structure};
use crate::contract::{self, Contracts, OnDisk};
use crate::diagnostics::{Diagnostic, Position};

/// What `lint` needs to know about a file besides its bytes.
#[derive(Debug, Clone)]
pub struct LintContext<'a> {
    pub role: FileRole,
    /// A user-owned scaffold: `raise NotImplementedError` is a warning there.
    pub scaffold: bool,
    /// The run's contracts on disk, for the rules that check a `node.py` against the
    /// `contract.yaml` beside it (`ONX004`, `ONX005`, `CMP002`); `None` skips those rules.
    pub contracts: Option<&'a Contracts>,
}

/// Every rule on one file: findings sorted by position, `# noqa` applied. Selection by code
/// is the caller's job.
pub fn lint(path: &Path, bytes: &[u8], context: &LintContext) -> Vec<Diagnostic> {
    lint_selected(path, bytes, context, &|_| true)
}

/// The findings of [`lint`] whose code `enabled` accepts, without running the passes whose
/// rules it all refuses. Decoding and parsing always run: a file that does not parse gets no
/// other finding.
pub fn lint_selected(
    path: &Path,
    bytes: &[u8],
    context: &LintContext,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    lint_with(path, bytes, context, enabled, Syntax::Drop)
}

/// What becomes of a file's syntax tree once its rules have run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Drop,
    /// Never freed: for the last file of a process that ends next, where taking a large tree
    /// apart node by node is a good part of the run.
    Leak,
}

/// [`lint_selected`], choosing what becomes of the syntax tree.
pub(crate) fn lint_with(
    path: &Path,
    bytes: &[u8],
    context: &LintContext,
    enabled: &dyn Fn(&str) -> bool,
    syntax: Syntax,
) -> Vec<Diagnostic> {
    let wanted = |pass: Pass| pass.codes().any(enabled);
    let mut findings = lint_passes(path, bytes, context, &wanted, syntax);
    findings.retain(|finding| finding.code.is_none_or(enabled));
    findings
}

fn lint_passes(
    path: &Path,
    bytes: &[u8],
    context: &LintContext,
    wanted: &dyn Fn(Pass) -> bool,
    syntax: Syntax,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    if matches!(context.role, FileRole::Node { .. })
        && let Some(contracts) = context.contracts
        && let Some(dir) = path.parent()
        && wanted(Pass::Contract)
    {
        let _span = crate::profile::span(Pass::Contract.operation());
        findings.extend(contract_findings(path, dir, &contracts.in_dir(dir)));
    }
    if !syntax::fits(bytes.len()) {
        findings.push(super::too_large(path));
        return findings;
    }
    let parsing = crate::profile::span(Pass::Parse.operation());
    let source = match encoding::decode(path, bytes) {
        Ok(source) => source,
        Err(diagnostic) => {
            findings.push(*diagnostic);
            return findings;
        }
    };
    let locator = Locator::new(&source);
    let parsed = match syntax::parse(&source) {
        Ok(parsed) => parsed,
        Err(refusal) => {
            findings.push(super::refused(path, &locator, refusal));
            return findings;
        }
    };
    if let Some(error) = syntax::first_error(path, &source, &locator, &parsed) {
        findings.push(error);
        return findings;
    }
    drop(parsing);
    // Nested deeper than `CPython` compiles: no other rule walks it.
    if let Some(error) = super::too_deep(path, &locator, &parsed) {
        findings.push(error);
        return findings;
    }
    parsed.walk(|| {
        tree_passes(
            path,
            &source,
            &locator,
            &parsed,
            context,
            wanted,
            &mut findings,
        );
    });
    if syntax == Syntax::Leak {
        std::mem::forget(parsed);
    }
    findings
}

/// The passes that walk a module that parsed, appended to `findings`, sorted.
fn tree_passes(
    path: &Path,
    source: &str,
    locator: &Locator,
    parsed: &Parsed<ModModule>,
    context: &LintContext,
    wanted: &dyn Fn(Pass) -> bool,
    findings: &mut Vec<Diagnostic>,
) {
    if wanted(Pass::Compile) {
        let _span = crate::profile::span(Pass::Compile.operation());
        findings.extend(
            compile::check(path, locator, parsed.syntax())
                .into_iter()
                .take(1),
        );
    }
    if wanted(Pass::Structure) {
        let _span = crate::profile::span(Pass::Structure.operation());
        findings.extend(structure::check_module(
            path,
            locator,
            parsed.syntax(),
            &context.role,
        ));
    }
    // The comments: `STB001`, the pragmas that mark stubs as intended (read by the tree
    // rules), and the suppressions of findings.
    let mut todo = Vec::new();
    let comment_span = crate::profile::span(Pass::Comments.operation());
    let pragmas = comments(path, source, locator, parsed, &mut todo);
    drop(comment_span);
    if wanted(Pass::Tree) {
        let _span = crate::profile::span(Pass::Tree.operation());
        let options = checks::Options {
            role: &context.role,
            scaffold: context.scaffold,
            stub_ok: &pragmas.stub_ok,
        };
        findings.extend(checks::check(path, locator, parsed.syntax(), &options));
    }
    if wanted(Pass::Comments) {
        findings.append(&mut todo);
    }
    findings.retain(|finding| !suppressed(finding, path, &pragmas));
    findings.sort_by(|a, b| {
        (a.file != path, a.position, a.code).cmp(&(b.file != path, b.position, b.code))
    });
}

/// What a `# noqa` comment silences on its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Noqa {
    All,
    Codes(Vec<String>),
}

/// The suppressions of a file's comments, by line: `# noqa`, and the pragmas ONEX code
/// already carries, `# stub-ok[: reason]` (for `STB002` and `STB003`) and detect-secrets'
/// `# pragma: allowlist secret` (for `SEC001`).
#[derive(Debug, Default)]
pub(super) struct Pragmas {
    pub noqa: HashMap<usize, Noqa>,
    pub stub_ok: HashSet<usize>,
    pub allow_secret: HashSet<usize>,
}

fn suppressed(finding: &Diagnostic, path: &Path, pragmas: &Pragmas) -> bool {
    if finding.file != path {
        return false;
    }
    let (Some(position), Some(code)) = (finding.position, finding.code) else {
        return false;
    };
    // A file that does not compile is broken whatever a comment says.
    if is_syntax(finding) {
        return false;
    }
    let line = position.line;
    match code {
        "STB002" | "STB003" if pragmas.stub_ok.contains(&line) => return true,
        "SEC001" if pragmas.allow_secret.contains(&line) => return true,
        _ => {}
    }
    let also = rules::rule(code).map_or(&[][..], |rule| rule.also);
    match pragmas.noqa.get(&line) {
        Some(Noqa::All) => true,
        Some(Noqa::Codes(codes)) => codes
            .iter()
            .any(|c| c == code || also.contains(&c.as_str())),
        None => false,
    }
}

fn is_syntax(finding: &Diagnostic) -> bool {
    finding.code.is_some_and(|code| code.starts_with("SYN"))
}

/// Walks the comment tokens once: `STB001` findings go to `findings`, the suppressions are
/// returned by line.
pub(super) fn comments(
    path: &Path,
    source: &str,
    locator: &Locator,
    parsed: &Parsed<ModModule>,
    findings: &mut Vec<Diagnostic>,
) -> Pragmas {
    let mut pragmas = Pragmas::default();
    for token in parsed.tokens() {
        if token.kind() != TokenKind::Comment {
            continue;
        }
        let Some(text) = source.get(token.range().to_std_range()) else {
            continue;
        };
        let line = || locator.position(token.start()).line;
        if is_stub_ok(text) {
            pragmas.stub_ok.insert(line());
        }
        if text.contains("pragma: allowlist secret") {
            pragmas.allow_secret.insert(line());
        }
        if let Some(at) = todo_marker(text).filter(|&at| !names_an_issue(&text[at..])) {
            let offset = token.start() + TextSize::try_from(at).unwrap_or_default();
            let marker: String = text[at..]
                .chars()
                .take_while(char::is_ascii_uppercase)
                .collect();
            findings.push(
                locator
                    .place_offset(
                        rules::diagnostic(Rule::STB001, path, format!("`{marker}` comment")),
                        offset,
                    )
                    .with_help("finish the work, or track it in an issue"),
            );
        }
        if let Some(directive) = parse_noqa(text) {
            pragmas.noqa.insert(line(), directive);
        }
    }
    pragmas
}

/// Whether the text after a TODO marker names the issue that tracks it: `#123`,
/// `OMN-5736` (an upper-case project key, a dash, digits) or a URL, the forms
/// `TODO(OMN-5736): ...` and `TODO: see https://...` take.
pub(super) fn names_an_issue(text: &str) -> bool {
    if text.contains("://") {
        return true;
    }
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        let digits_from = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_digit);
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        match bytes[i] {
            b'#' => digits_from(i + 1),
            b'A'..=b'Z' if starts_word => {
                let key = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    .count();
                key >= 2 && bytes.get(i + key) == Some(&b'-') && digits_from(i + key + 1)
            }
            _ => false,
        }
    })
}

/// `# stub-ok` or `# stub-ok: reason`, anywhere in a comment.
pub(super) fn is_stub_ok(comment: &str) -> bool {
    comment.match_indices("stub-ok").any(|(at, _)| {
        let before = comment[..at].trim_end();
        let after = &comment[at + "stub-ok".len()..];
        before.ends_with('#') && (after.is_empty() || after.starts_with([':', ' ', '\t']))
    })
}

/// The byte index of the first `TODO`, `FIXME` or `XXX` word in a comment.
pub(super) fn todo_marker(comment: &str) -> Option<usize> {
    let bytes = comment.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut index = 0;
    while index < bytes.len() {
        if is_word(bytes[index]) {
            let start = index;
            while index < bytes.len() && is_word(bytes[index]) {
                index += 1;
            }
            if matches!(&comment[start..index], "TODO" | "FIXME" | "XXX") {
                return Some(start);
            }
        } else {
            index += 1;
        }
    }
    None
}

/// `# noqa` (every code) or `# noqa: CODE, CODE` anywhere in a comment.
pub(super) fn parse_noqa(comment: &str) -> Option<Noqa> {
    for (hash, _) in comment.match_indices('#') {
        let rest = comment[hash + 1..].trim_start();
        let Some(head) = rest.get(..4) else { continue };
        if !head.eq_ignore_ascii_case("noqa") {
            continue;
        }
        let after = &rest[4..];
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let Some(list) = after.strip_prefix(':') else {
            return Some(Noqa::All);
        };
        let mut codes = Vec::new();
        for word in list.split(|c: char| c == ',' || c.is_whitespace()) {
            if word.is_empty() {
                continue;
            }
            let letters = word.chars().take_while(char::is_ascii_uppercase).count();
            let is_code = letters > 0 && word[letters..].chars().all(|c| c.is_ascii_digit());
            if !is_code {
                break;
            }
            codes.push(word.to_owned());
        }
        return Some(if codes.is_empty() {
            Noqa::All
        } else {
            Noqa::Codes(codes)
        });
    }
    None
}

/// `ONX004`, `ONX005` and `CMP002` for a node.py whose contract should be in `dir`.
fn contract_findings(path: &Path, dir: &Path, contract: &OnDisk) -> Vec<Diagnostic> {
    match contract {
        OnDisk::Loaded(contract) => undefined(path, dir, contract),
        OnDisk::Missing => vec![
            rules::diagnostic(
                Rule::ONX004,
                path,
                format!("no contract.yaml beside node.py (in {})", dir.display()),
            )
            .at(Position::new(1, 1))
            .with_help("write the node's ONEX contract to contract.yaml beside node.py"),
        ],
        OnDisk::Unreadable(error) => vec![rules::diagnostic(
            Rule::ONX005,
            &dir.join(contract::CONTRACT_FILE),
            format!("cannot read the contract: {error}"),
        )],
        OnDisk::Invalid(errors) => errors
            .iter()
            .filter(|error| error.is_error())
            .map(|error| error.clone().with_code(Rule::ONX005.code()))
            .collect(),
    }
}

/// `CMP002`: models, enums and handlers the contract places in the package that no module of
/// the package defines.
fn undefined(path: &Path, dir: &Path, contract: &contract::Contract) -> Vec<Diagnostic> {
    let wanted = contract
        .models
        .iter()
        .map(|m| ("model", "models", &m.class_name, &m.module))
        .chain(
            contract
                .enums
                .iter()
                .map(|e| ("enum", "models", &e.class_name, &e.module)),
        )
        .chain(
            contract
                .handlers
                .iter()
                .filter(|h| !h.implied)
                .map(|h| ("handler", "handlers", &h.class_name, &h.module)),
        );
    let mut everywhere: Option<HashSet<String>> = None;
    let mut findings = Vec::new();
    for (kind, sub, class, module) in wanted {
        let expected = dir.join(sub).join(format!("{module}.py"));
        if classes_in(&expected).contains(class.as_str()) {
            continue;
        }
        let all = everywhere.get_or_insert_with(|| package_classes(dir));
        if all.contains(class.as_str()) {
            continue;
        }
        findings.push(
            rules::diagnostic(
                Rule::CMP002,
                path,
                format!("the contract's {kind} `{class}` is defined by no module of the package"),
            )
            .at(Position::new(1, 1))
            .with_help(format!("define `class {class}` in {sub}/{module}.py")),
        );
    }
    findings
}

/// Module-level class names (defined or imported) of every `.py` file under `dir`, tests
/// excluded.
fn package_classes(dir: &Path) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if !name.starts_with('.') && name != "tests" && name != "__pycache__" {
                    pending.push(path);
                }
            } else if name.ends_with(".py") {
                names.extend(classes_in(&path));
            }
        }
    }
    names
}

fn classes_in(path: &Path) -> HashSet<String> {
    let Ok(bytes) = crate::discover::read_regular(path) else {
        return HashSet::new();
    };
    let Ok(source) = encoding::decode(path, &bytes) else {
        return HashSet::new();
    };
    if !syntax::fits(source.len()) {
        return HashSet::new();
    }
    let Ok(parsed) = syntax::parse(&source) else {
        return HashSet::new();
    };
    let mut names = HashSet::new();
    for stmt in &parsed.syntax().body {
        match stmt {
            Stmt::ClassDef(class) => {
                names.insert(class.name.to_string());
            }
            // A class re-exported from elsewhere is defined for the package's importers.
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    names.insert(alias.asname.as_ref().unwrap_or(&alias.name).to_string());
                }
            }
            _ => {}
        }
    }
    names
}

/// What a package's contract says about the roles of its files: the node's base class and the
/// handler classes it routes to, by module. Small enough to keep once the contract is dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageRoles {
    base_class: Option<String>,
    /// (module stem under `handlers/`, class) for every class the contract routes to.
    routed: Vec<(String, String)>,
}

impl PackageRoles {
    pub fn of(contract: &contract::Contract) -> Self {
        Self {
            base_class: Some(contract.node_type.base_class().to_owned()),
            routed: contract
                .handlers
                .iter()
                .filter(|h| h.kind == contract::HandlerKind::Class && !h.implied)
                .map(|h| (h.module.clone(), h.class_name.clone()))
                .collect(),
        }
    }

    /// The roles the `contract.yaml` in `package` gives; none when it is missing or does not
    /// load (any node base is then accepted, and no handler is routed to).
    fn read(package: &Path, contracts: &Contracts) -> Self {
        contracts
            .in_dir(package)
            .contract()
            .map_or_else(Self::default, Self::of)
    }
}

/// The role a file plays in a node package, from its path (`node.py`, files under `handlers/`
/// and `models/`, tests, `__init__.py`, anything else) and what the package's contract says.
/// The one place a role is decided: [`role_for_path`] reads the contract from disk, `generate`
/// passes the one it rendered.
pub fn role_in_package(path: &Path, roles: &PackageRoles) -> FileRole {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent_name = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "__init__.py" {
        FileRole::Init
    } else if parent_name == "tests"
        || parent_name == "test"
        || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
    {
        FileRole::Test
    } else if name == "node.py" {
        FileRole::Node {
            base_class: roles.base_class.clone(),
        }
    } else if parent_name == "handlers" {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        FileRole::Handler {
            routed: roles
                .routed
                .iter()
                .filter(|(module, _)| *module == stem)
                .map(|(_, class)| class.clone())
                .collect(),
        }
    } else if parent_name == "models" {
        FileRole::Model
    } else {
        FileRole::Other
    }
}

/// [`role_in_package`] for a file on disk: the `contract.yaml` of its package (beside
/// `node.py`, above `handlers/`) is read, through the run's `contracts`, only for the roles
/// that need it.
pub fn role_for_path(path: &Path, contracts: &Contracts) -> FileRole {
    let package = match role_in_package(path, &PackageRoles::default()) {
        FileRole::Node { .. } => path.parent(),
        FileRole::Handler { .. } => path.parent().and_then(Path::parent),
        role => return role,
    };
    role_in_package(
        path,
        &package.map_or_else(PackageRoles::default, |package| {
            PackageRoles::read(package, contracts)
        }),
    )
}
