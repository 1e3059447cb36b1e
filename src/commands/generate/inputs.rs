//! Which contracts a run takes: the files found under the paths given, less
//! codegen's own output, and the `--ignore` / `--quality-select` selectors
//! checked against the rule catalogue.

use crate::config::GenerateSettings;
use crate::contract;
use crate::diagnostics::Diagnostic;
use crate::discover;
use crate::output;
use crate::report::summary::ContractResult;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What usage errors of `--ignore` are reported under.
pub(super) const IGNORE_FLAG: &str = "--ignore";

/// The contract files the run was given (its own output left out), and the
/// problems found on the way, `--ignore` selectors naming no code among them.
pub(super) fn contracts_of(args: &GenerateSettings) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, mut problems) = discover::contract_files(&args.paths);
    let files = own_output_left_out(files, args, &mut problems);
    problems.extend(unknown_ignores(&args.ignore));
    for selector in args.quality_select.iter().flatten() {
        let known = crate::lint::rules()
            .iter()
            .any(|r| ignores(std::slice::from_ref(selector), Some(r.code)));
        if !known {
            problems.push(
                Diagnostic::error(
                    QUALITY_FLAG,
                    format!("'{selector}' is not a rule code or a prefix of one"),
                )
                .with_help("`codegen rules` lists the rule codes"),
            );
        }
    }
    (files, problems)
}

/// A bad `--ignore` or `--quality-select` selector: the run stops before it starts.
pub(super) fn is_usage_error(problem: &Diagnostic) -> bool {
    problem.file == Path::new(IGNORE_FLAG) || problem.file == Path::new(QUALITY_FLAG)
}

/// What usage errors of `--quality-select` are reported under.
pub(super) const QUALITY_FLAG: &str = "--quality-select";

/// Drops the warnings `--ignore` names (errors stay).
pub(super) fn drop_ignored(
    selectors: &[String],
    results: &mut [ContractResult],
    problems: &mut Vec<Diagnostic>,
) {
    let ignored = |d: &Diagnostic| !d.is_error() && ignores(selectors, d.code);
    for r in results {
        r.job.diagnostics.retain(|d| !ignored(d));
    }
    problems.retain(|d| !ignored(d));
}

/// Whether `--ignore` names the code: the code or a prefix of it, any case.
pub(super) fn ignores(selectors: &[String], code: Option<&str>) -> bool {
    code.is_some_and(|code| {
        selectors.iter().any(|s| {
            code.to_ascii_uppercase()
                .starts_with(&s.to_ascii_uppercase())
        })
    })
}

/// `--ignore` selectors that name no code: usage errors, with the codes.
pub(super) fn unknown_ignores(selectors: &[String]) -> Vec<Diagnostic> {
    let codes: Vec<&str> = crate::lint::rules()
        .iter()
        .map(|r| r.code)
        .chain(contract::codes::CATALOGUE.iter().map(|(c, _, _)| *c))
        .collect();
    selectors
        .iter()
        .filter(|s| {
            !codes
                .iter()
                .any(|c| ignores(std::slice::from_ref(*s), Some(c)))
        })
        .map(|s| {
            Diagnostic::error(
                IGNORE_FLAG,
                format!("'{s}' is not a code or a prefix of one"),
            )
            .with_help(
                "`codegen rules` lists the rule codes; contract warnings are CTR001 to CTR006",
            )
        })
        .collect()
}

/// Contracts found by walking that are codegen's own output (inside the
/// output directory, or the `contract.yaml` of a generated package, beside
/// its manifest) are left out; one named on the command line is an error.
pub(super) fn own_output_left_out(
    files: Vec<PathBuf>,
    args: &GenerateSettings,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let out = std::fs::canonicalize(&args.output).ok();
    let named: HashSet<PathBuf> = args
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    files
        .into_iter()
        .filter(|file| {
            let Ok(real) = std::fs::canonicalize(file) else {
                return true;
            };
            let generated = out.as_ref().is_some_and(|o| real.starts_with(o))
                || real.parent().is_some_and(|dir| {
                    real.file_name().is_some_and(|n| n == "contract.yaml")
                        && dir.join(output::MANIFEST_FILE).is_file()
                });
            if generated && named.contains(&real) {
                problems.push(
                    Diagnostic::error(
                        file,
                        "this is a package codegen generated (its contract copy), not a contract",
                    )
                    .with_help("name the contract the package was generated from"),
                );
            }
            !generated
        })
        .collect()
}
