//! What `validate` looks at: the rules a run checks (`--select`, `--extend-select`,
//! `--ignore`, resolved against the registry) and the Python files it reads (named files, and
//! directories walked with `.gitignore`, `.ignore`, hidden files and exclude globs respected).
//!
//! Rule selection follows ruff. A selector is `ALL`, a full code, or a prefix of at least one
//! registered code. The base set is `--select` (all rules when absent); `--extend-select` adds
//! to it. For each rule, of the selectors that match it, the most specific decides (a longer
//! prefix beats a shorter one, `ALL` is the least specific); when a select and an ignore
//! selector are equally specific, the ignore wins. So `--select ONX --ignore ONX00` keeps
//! nothing of `ONX00*`, and `--ignore ONX --select ONX006` keeps `ONX006` alone of the `ONX`
//! rules.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostics::{Diagnostic, closest};
use crate::discover::tidy;
use crate::lint::RuleInfo;

/// One parsed `--select`/`--ignore` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    /// A full code or a prefix of one, upper-cased.
    Prefix(String),
}

impl Selector {
    /// Parses `text` against the registry; unknown codes and prefixes are errors.
    pub fn parse(text: &str, rules: &[RuleInfo]) -> Result<Self, SelectError> {
        let trimmed = text.trim();
        let upper = trimmed.to_ascii_uppercase();
        if upper == "ALL" {
            return Ok(Self::All);
        }
        if !upper.is_empty() && rules.iter().any(|rule| rule.code.starts_with(&upper)) {
            return Ok(Self::Prefix(upper));
        }
        Err(SelectError {
            given: trimmed.to_owned(),
            suggestion: suggest(&upper, rules),
        })
    }

    fn matches(&self, code: &str) -> bool {
        match self {
            Self::All => true,
            Self::Prefix(prefix) => code.starts_with(prefix.as_str()),
        }
    }

    /// Larger is more specific: `ALL` is 0, a prefix counts its characters.
    fn specificity(&self) -> usize {
        match self {
            Self::All => 0,
            Self::Prefix(prefix) => prefix.len(),
        }
    }
}

/// A selector that names no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectError {
    pub given: String,
    /// The closest code or prefix, when one is close.
    pub suggestion: Option<String>,
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown rule selector `{}`", self.given)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for SelectError {}

/// The set of rule codes a run reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSelection {
    enabled: HashSet<&'static str>,
}

impl RuleSelection {
    /// Resolves the three options against `rules` (see the module documentation).
    pub fn resolve(
        select: Option<&[String]>,
        extend_select: &[String],
        ignore: &[String],
        rules: &'static [RuleInfo],
    ) -> Result<Self, SelectError> {
        let parse_all = |values: &[String]| -> Result<Vec<Selector>, SelectError> {
            values
                .iter()
                .map(|value| Selector::parse(value, rules))
                .collect()
        };
        let mut chosen = match select {
            Some(values) => parse_all(values)?,
            None => vec![Selector::All],
        };
        chosen.extend(parse_all(extend_select)?);
        let ignored = parse_all(ignore)?;
        let enabled = rules
            .iter()
            .filter(|rule| {
                let best = |selectors: &[Selector]| {
                    selectors
                        .iter()
                        .filter(|s| s.matches(rule.code))
                        .map(Selector::specificity)
                        .max()
                };
                match (best(&chosen), best(&ignored)) {
                    (Some(selected), Some(ignored)) => selected > ignored,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
            })
            .map(|rule| rule.code)
            .collect();
        Ok(Self { enabled })
    }

    /// True when findings of `code` are reported.
    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains(code)
    }

    /// Keeps the findings of enabled rules, and every finding that has no code.
    pub fn keeps(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.code.is_none_or(|code| self.is_enabled(code))
    }
}

/// The registered code or letter prefix closest to `given` (see [`closest`]).
fn suggest(given: &str, rules: &[RuleInfo]) -> Option<String> {
    let mut candidates: Vec<String> = vec!["ALL".to_owned()];
    for rule in rules {
        candidates.push(rule.code.to_owned());
        let letters: String = rule
            .code
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        if !letters.is_empty() && !candidates.contains(&letters) {
            candidates.push(letters);
        }
    }
    closest(given, candidates.iter().map(String::as_str)).map(str::to_owned)
}

/// The directories and files skipped while walking unless `--exclude` replaces them.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "__pycache__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// How directories are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Replaces [`DEFAULT_EXCLUDES`] when set.
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub respect_gitignore: bool,
}

/// The files to check, in a stable order, and a diagnostic for each path that could not be
/// read or walked. A file named in `paths` is always included; files found in directories
/// are `*.py` and `*.pyi` not excluded.
pub fn python_files(
    paths: &[PathBuf],
    options: &WalkOptions,
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), globset::Error> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for found in walk_python_files(paths, options)? {
        match found {
            Found::File(file) => files.push(file),
            Found::Problem(problem) => problems.push(problem),
        }
    }
    Ok((files, problems))
}

/// One item of [`walk_python_files`].
#[derive(Debug)]
pub enum Found {
    File(PathBuf),
    /// A path that could not be read or walked.
    Problem(Diagnostic),
}

/// [`python_files`] as the walk goes, files and problems in the same order: checking can start
/// on the first file while the directories are still being read.
pub fn walk_python_files(
    paths: &[PathBuf],
    options: &WalkOptions,
) -> Result<impl Iterator<Item = Found> + Send + use<>, globset::Error> {
    let excludes = exclude_set(options)?;
    let options = options.clone();
    let mut seen = HashSet::new();
    let paths: Vec<PathBuf> = paths.iter().map(Clone::clone).collect();
    Ok(paths
        .into_iter()
        .flat_map(move |path| -> Box<dyn Iterator<Item = Found> + Send> {
            match std::fs::metadata(&path) {
                Err(error) => Box::new(std::iter::once(Found::Problem(unreadable(
                    &path,
                    &error.to_string(),
                )))),
                Ok(meta) if meta.is_dir() => Box::new(walk(&path, &options, &excludes)),
                Ok(meta) => Box::new(std::iter::once(
                    match crate::discover::special_kind(&meta) {
                        Some(kind) => Found::Problem(crate::discover::refused(&path, kind)),
                        None => Found::File(tidy(&path)),
                    },
                )),
            }
        })
        .filter(move |found| match found {
            Found::File(file) => seen.insert(file.clone()),
            Found::Problem(_) => true,
        }))
}

fn walk(
    root: &Path,
    options: &WalkOptions,
    excludes: &GlobSet,
) -> impl Iterator<Item = Found> + Send + use<> {
    let filter = excludes.clone();
    let root_owned = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .parents(true)
        .ignore(true)
        .git_ignore(options.respect_gitignore)
        .git_global(options.respect_gitignore)
        .git_exclude(options.respect_gitignore)
        .require_git(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .filter_entry(move |entry| entry.path() == root_owned || !excluded(&filter, entry.path()))
        .build();
    let root = root.to_path_buf();
    walker.filter_map(move |entry| match entry {
        Ok(entry) => {
            let path = entry.path();
            let kind = entry.file_type()?;
            if !is_python(path) {
                None
            } else if kind.is_file() {
                Some(Found::File(tidy(path)))
            } else if kind.is_dir() || kind.is_symlink() {
                None
            } else {
                // A FIFO, socket or device named like a Python file.
                let kind = entry
                    .metadata()
                    .ok()
                    .as_ref()
                    .and_then(crate::discover::special_kind)
                    .unwrap_or("special file");
                Some(Found::Problem(crate::discover::refused(path, kind)))
            }
        }
        Err(error) => {
            let path = error_path(&error).unwrap_or_else(|| root.clone());
            Some(Found::Problem(unreadable(&path, &error.to_string())))
        }
    })
}

/// `./a.py` as `a.py`, as the user would write it.
fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn is_python(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "py" || ext == "pyi")
}

fn exclude_set(options: &WalkOptions) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    let base: Vec<String> = options.exclude.clone().unwrap_or_else(|| {
        DEFAULT_EXCLUDES
            .iter()
            .map(|pattern| (*pattern).to_owned())
            .collect()
    });
    for pattern in base.iter().chain(&options.extend_exclude) {
        let pattern = pattern.trim_end_matches('/');
        if !pattern.is_empty() {
            builder.add(Glob::new(pattern)?);
        }
    }
    builder.build()
}

/// A pattern excludes a path when it matches the path's name, the path as walked, or the path
/// made absolute: `build`, `tests/fixtures/*` and `**/generated/**` all work.
fn excluded(excludes: &GlobSet, path: &Path) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let relative = path.strip_prefix(".").unwrap_or(path);
    path.file_name().is_some_and(|name| excludes.is_match(name))
        || excludes.is_match(relative)
        || std::path::absolute(path).is_ok_and(|absolute| excludes.is_match(absolute))
}

fn unreadable(path: &Path, reason: &str) -> Diagnostic {
    Diagnostic::error(path, format!("cannot read: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use crate::lint::Pass;

    const fn rule(code: &'static str, severity: Severity) -> RuleInfo {
        RuleInfo {
            code,
            name: code,
            severity,
            pass: Pass::Tree,
            summary: "",
            why: "",
            bad: "",
            good: "",
            scope: "",
            skips: "",
            also: &[],
        }
    }

    static RULES: &[RuleInfo] = &[
        rule("SYN001", Severity::Error),
        rule("SYN002", Severity::Error),
        rule("ONX001", Severity::Error),
        rule("ONX006", Severity::Warning),
        rule("ONX010", Severity::Warning),
    ];

    fn enabled(select: Option<&[&str]>, extend: &[&str], ignore: &[&str]) -> Vec<&'static str> {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let select = select.map(own);
        let selection =
            RuleSelection::resolve(select.as_deref(), &own(extend), &own(ignore), RULES).unwrap();
        RULES
            .iter()
            .map(|r| r.code)
            .filter(|c| selection.is_enabled(c))
            .collect()
    }

    #[test]
    fn default_is_every_rule() {
        assert_eq!(enabled(None, &[], &[]).len(), RULES.len());
    }

    #[test]
    fn select_replaces_and_extend_adds() {
        assert_eq!(enabled(Some(&["SYN"]), &[], &[]), ["SYN001", "SYN002"]);
        assert_eq!(
            enabled(Some(&["SYN001"]), &["ONX00"], &[]),
            ["SYN001", "ONX001", "ONX006"]
        );
    }

    #[test]
    fn more_specific_wins_and_ties_go_to_ignore() {
        assert_eq!(
            enabled(None, &[], &["ONX00"]),
            ["SYN001", "SYN002", "ONX010"]
        );
        assert_eq!(enabled(Some(&["ONX006"]), &[], &["ONX"]), ["ONX006"]);
        assert_eq!(enabled(Some(&["ONX"]), &[], &["ONX"]), Vec::<&str>::new());
        assert_eq!(enabled(Some(&["ALL"]), &[], &["ALL"]), Vec::<&str>::new());
        assert_eq!(
            enabled(None, &["onx006"], &["ONX"]),
            ["SYN001", "SYN002", "ONX006"]
        );
    }

    #[test]
    fn unknown_selectors_suggest_the_closest() {
        let error = Selector::parse("SNY001", RULES).unwrap_err();
        assert_eq!(error.suggestion.as_deref(), Some("SYN001"));
        let error = Selector::parse("SYNX", RULES).unwrap_err();
        assert_eq!(error.suggestion.as_deref(), Some("SYN"));
        let error = Selector::parse("ONXX", RULES).unwrap_err();
        assert_eq!(error.suggestion.as_deref(), Some("ONX"));
        // Three letters are never corrected: too many codes are a letter apart.
        let error = Selector::parse("ONY", RULES).unwrap_err();
        assert_eq!(error.suggestion, None);
        let error = Selector::parse("QQQQQQQQ", RULES).unwrap_err();
        assert_eq!(error.suggestion, None);
        assert!(Selector::parse("", RULES).is_err());
        assert!(Selector::parse("SYN009", RULES).is_err());
    }
}
