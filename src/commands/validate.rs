//! `codegen validate PATHS...`: finds the Python files, checks them in parallel, keeps the
//! findings of the selected rules, prints them in the chosen format and maps the outcome to
//! an exit status (0 clean or warnings only, 1 error findings, 2 usage or input errors).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rayon::prelude::*;

use crate::config::ValidateSettings;
use crate::contract::Contracts;
use crate::diagnostics::{Diagnostic, Severity};
use crate::exit::ExitStatus;
use crate::lint::{self, FileRole, RuleInfo};
use crate::output;
use crate::quorum;
use crate::report::Printer;
use crate::report::formats::{self, Report};
use crate::select::{Found, RuleSelection, WalkOptions, walk_python_files};

/// The name standard input is reported under when `--stdin-filename` is not given.
const STDIN: &str = "-";

pub fn run(args: &ValidateSettings, printer: Printer) -> anyhow::Result<ExitStatus> {
    crate::pipeline::executor::note_capped_jobs(args.jobs, printer.quiet);
    let registry = lint::rules();
    let selection = match RuleSelection::resolve(
        args.select.as_deref(),
        &args.extend_select,
        &args.ignore,
        registry,
    ) {
        Ok(selection) => selection,
        Err(error) => return Ok(usage_error(&error.to_string())),
    };
    let contracts = Contracts::default();
    let Some(mut checked) = check(args, &selection, &contracts)? else {
        return Ok(ExitStatus::Error);
    };

    let findings = &mut checked.findings;
    findings.retain(|finding| selection.keeps(finding));
    if args.warnings_as_errors {
        for finding in findings.iter_mut() {
            finding.severity = Severity::Error;
        }
    }
    // Neighbours mostly share their file: equal bytes settle it without comparing components.
    findings.sort_by(|a, b| {
        let file = if a.file.as_os_str() == b.file.as_os_str() {
            std::cmp::Ordering::Equal
        } else {
            a.file.cmp(&b.file)
        };
        file.then_with(|| (a.position, a.code, &a.message).cmp(&(b.position, b.code, &b.message)))
    });
    let verdicts = match &args.quorum {
        Some(settings) => Some(vote(settings, &mut checked, &contracts)?),
        None => None,
    };
    let rules: Vec<&'static RuleInfo> = registry
        .iter()
        .filter(|rule| selection.is_enabled(rule.code))
        .collect();

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.statistics {
        formats::write_statistics(args.output_format, &checked.findings, &mut out)?;
    } else {
        let report = Report {
            findings: &checked.findings,
            files: &checked.files,
            rules: &rules,
            show_source: args.show_source,
            color: printer.color_stdout,
        };
        match &verdicts {
            Some(verdicts) => {
                crate::report::quorum::write(args.output_format, &report, verdicts, &mut out)
            }
            None => formats::write(args.output_format, &report, &mut out),
        }?;
    }
    out.flush()?;
    drop(out);

    let mut err = std::io::stderr().lock();
    for problem in &checked.problems {
        writeln!(err, "{}", problem.render_styled(printer.color))?;
    }
    if !printer.quiet {
        writeln!(
            err,
            "{}",
            summary_line(
                &checked.findings,
                checked.files.len(),
                checked.problems.len()
            )
        )?;
        if let Some(verdicts) = &verdicts {
            writeln!(err, "{}", crate::report::quorum::summary(verdicts))?;
        }
    }

    let errors = checked.findings.iter().any(Diagnostic::is_error);
    let status = if !checked.problems.is_empty() {
        ExitStatus::Error
    } else if errors && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    let status =
        quorum::validate::exit_status(status, args.quorum.as_ref(), verdicts.iter().flatten());
    // The process ends next: freeing every finding one by one would only delay it.
    std::mem::forget(checked);
    Ok(status)
}

/// Puts the checked files to the quorum and adds its findings to the checker's.
fn vote(
    settings: &crate::config::quorum::QuorumSettings,
    checked: &mut Checked,
    contracts: &Contracts,
) -> anyhow::Result<Vec<quorum::FileVerdict>> {
    let stdin = checked
        .stdin
        .as_ref()
        .map(|(name, bytes)| (name.as_path(), bytes.as_slice()));
    let verdicts = quorum::validate::vote_validated(
        settings,
        &checked.files,
        stdin,
        &checked.findings,
        contracts,
    )?;
    checked
        .findings
        .extend(quorum::validate::findings(&verdicts));
    checked.findings.sort_by(|a, b| {
        (&a.file, a.position, a.code, &a.message).cmp(&(&b.file, b.position, b.code, &b.message))
    });
    Ok(verdicts)
}

/// What checking the inputs gave, before selection.
struct Checked {
    /// Every file checked, standard input last under its name.
    files: Vec<PathBuf>,
    findings: Vec<Diagnostic>,
    /// Paths and input that could not be read.
    problems: Vec<Diagnostic>,
    /// Standard input's name and bytes, kept for the quorum.
    stdin: Option<(PathBuf, Vec<u8>)>,
}

/// Finds the files and checks them in parallel, then standard input when asked. `None` after
/// a usage error has been printed. Only the passes of the selected rules run.
fn check(
    args: &ValidateSettings,
    selection: &RuleSelection,
    contracts: &Contracts,
) -> anyhow::Result<Option<Checked>> {
    let options = WalkOptions {
        exclude: args.exclude.clone(),
        extend_exclude: args.extend_exclude.clone(),
        respect_gitignore: args.respect_gitignore,
    };
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == STDIN)
        || (args.paths.is_empty() && args.stdin_filename.is_some());
    let mut paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != STDIN)
        .cloned()
        .collect();
    if paths.is_empty() && !reads_stdin {
        paths.push(PathBuf::from("."));
    }
    let found = match walk_python_files(&paths, &options) {
        Ok(found) => found,
        Err(error) => {
            usage_error(&format!("invalid exclude pattern: {error}"));
            return Ok(None);
        }
    };
    let linter = Linter::new(selection, contracts);
    // One named file is checked on this thread: a thread pool would cost more than it saves.
    let single_file = paths.len() <= 1 && paths.iter().all(|p| !p.is_dir());
    // The tree of a lone file is left for the process exit to free; standard input is read
    // after the files, so it is the last one then.
    let syntax = if single_file && !reads_stdin {
        lint::Syntax::Leak
    } else {
        lint::Syntax::Drop
    };
    let check_one = |(index, found): (usize, Found)| {
        let outcome = match found {
            Found::File(file) => BUFFER.with_borrow_mut(|buffer| match read_whole(&file, buffer) {
                Ok(len) => {
                    let findings = linter.lint(&file, &buffer[..len], syntax);
                    Outcome::Checked(file, findings)
                }
                Err(error) => {
                    Outcome::Unreadable(Diagnostic::error(&file, format!("cannot read: {error}")))
                }
            }),
            Found::Problem(problem) => Outcome::NotWalked(problem),
        };
        (index, outcome)
    };
    let outcomes: Vec<(usize, Outcome)> = if single_file {
        found.enumerate().map(check_one).collect()
    } else {
        let jobs = args.jobs.map_or(0, |requested| {
            crate::pipeline::executor::capped_jobs(usize::from(requested)).0
        });
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
        pool.install(|| found.enumerate().par_bridge().map(check_one).collect())
    };
    tracing::debug!(files = outcomes.len(), "validate: files checked");
    let (mut checked, mut problems) = gather(outcomes);
    if reads_stdin {
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from(STDIN));
        let mut bytes = Vec::new();
        match std::io::stdin().lock().read_to_end(&mut bytes) {
            Ok(_) => {
                checked
                    .findings
                    .extend(linter.lint(&name, &bytes, lint::Syntax::Leak));
                checked.files.push(name.clone());
                if args.quorum.is_some() {
                    checked.stdin = Some((name, bytes));
                }
            }
            Err(error) => problems.push(Diagnostic::error(
                &name,
                format!("cannot read standard input: {error}"),
            )),
        }
    }
    checked.problems = problems;
    Ok(Some(checked))
}

thread_local! {
    /// The bytes of the file being checked, reused from one file to the next on each thread.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads the whole file at `path` into `buffer`, growing it when needed, and returns how many
/// bytes it holds. Unlike `std::fs::read` it neither asks the file's size (one system call per
/// file) nor allocates a buffer per file.
fn read_whole(path: &Path, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut file = crate::discover::open_regular(path)?;
    if buffer.is_empty() {
        // A thread's first file sizes the buffer, with a byte to spare for the read that finds
        // the end: zeroing more than a lone file needs costs page faults.
        let len = file.metadata().map_or(0, |meta| meta.len()).min(16 << 20);
        buffer.resize(usize::try_from(len).map_or(0, |len| len + 1), 0);
    }
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            let grown = buffer.len().saturating_mul(2).max(64 * 1024);
            buffer.resize(grown, 0);
        }
        match file.read(&mut buffer[filled..]) {
            Ok(0) => return Ok(filled),
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

/// The outcomes in walk order: the files checked and their findings, then the paths that
/// could not be walked followed by the files that could not be read.
fn gather(mut outcomes: Vec<(usize, Outcome)>) -> (Checked, Vec<Diagnostic>) {
    outcomes.sort_unstable_by_key(|(index, _)| *index);
    let total = outcomes
        .iter()
        .map(|(_, outcome)| match outcome {
            Outcome::Checked(_, found) => found.len(),
            _ => 0,
        })
        .sum();
    let mut checked = Checked {
        files: Vec::with_capacity(outcomes.len()),
        findings: Vec::with_capacity(total),
        problems: Vec::new(),
        stdin: None,
    };
    let mut problems = Vec::new();
    let mut unreadable = Vec::new();
    for (_, outcome) in outcomes {
        match outcome {
            Outcome::Checked(file, found) => {
                checked.files.push(file);
                checked.findings.extend(found);
            }
            Outcome::Unreadable(problem) => unreadable.push(problem),
            Outcome::NotWalked(problem) => problems.push(problem),
        }
    }
    problems.append(&mut unreadable);
    (checked, problems)
}

/// What became of one walked path.
enum Outcome {
    Checked(PathBuf, Vec<Diagnostic>),
    /// Found, but its bytes could not be read.
    Unreadable(Diagnostic),
    /// A path or directory the walk could not read.
    NotWalked(Diagnostic),
}

/// Lints files with the selected rules, shared by the checking threads.
struct Linter<'a> {
    selection: &'a RuleSelection,
    /// Whether a selected rule's pass reads the file's role.
    needs_role: bool,
    /// The scaffold flag only changes the severity of `STB003`.
    needs_scaffold: bool,
    /// The package manifest of each directory looked at, read once. Keyed by the path's bytes:
    /// hashing a `Path` splits it into components, three times per file.
    manifests: RwLock<HashMap<OsString, Option<Arc<output::PackageManifest>>>>,
    /// The contracts beside the files, read once for the roles, the contract rules and the
    /// quorum.
    contracts: &'a Contracts,
}

impl<'a> Linter<'a> {
    fn new(selection: &'a RuleSelection, contracts: &'a Contracts) -> Self {
        Self {
            selection,
            contracts,
            needs_role: lint::rules()
                .iter()
                .any(|rule| rule.pass.reads_role() && selection.is_enabled(rule.code)),
            needs_scaffold: selection.is_enabled("STB003"),
            manifests: RwLock::new(HashMap::new()),
        }
    }

    /// The findings of the selected rules for one file, `# noqa` applied.
    /// A file that a package manifest marks as the user's (a scaffold) gets the
    /// scaffold severities, and a `node.py` is checked against the contract beside it.
    fn lint(&self, path: &Path, bytes: &[u8], syntax: lint::Syntax) -> Vec<Diagnostic> {
        let context = lint::LintContext {
            role: if self.needs_role {
                lint::role_for_path(path, self.contracts)
            } else {
                FileRole::Other
            },
            scaffold: self.needs_scaffold && self.is_user_scaffold(path),
            contracts: Some(self.contracts),
        };
        lint::lint_with(
            path,
            bytes,
            &context,
            &|code| self.selection.is_enabled(code),
            syntax,
        )
    }

    /// Whether the manifest of the package holding `path` records it as user-owned.
    fn is_user_scaffold(&self, path: &Path) -> bool {
        path.ancestors().skip(1).take(3).any(|dir| {
            let Some(manifest) = self.manifest(dir) else {
                return false;
            };
            let Ok(relative) = path.strip_prefix(dir) else {
                return false;
            };
            manifest
                .files
                .get(&output::package::slash_path(relative))
                .is_some_and(|f| f.owner == output::manifest::Owner::User)
        })
    }

    fn manifest(&self, dir: &Path) -> Option<Arc<output::PackageManifest>> {
        let cached = self
            .manifests
            .read()
            .ok()
            .and_then(|manifests| manifests.get(dir.as_os_str()).cloned());
        if let Some(manifest) = cached {
            return manifest;
        }
        let manifest = output::PackageManifest::read(dir).map(Arc::new);
        if let Ok(mut manifests) = self.manifests.write() {
            manifests.insert(dir.as_os_str().to_owned(), manifest.clone());
        }
        manifest
    }
}

/// `Found 3 errors and 1 warning in 2 files (5 files checked).`, or `All checks passed!`
/// (never when a path could not be checked: `unchecked` counts those problems).
fn summary_line(findings: &[Diagnostic], checked: usize, unchecked: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let checked = plural(checked, "file");
    if unchecked > 0 {
        return format!(
            "{} could not be checked (see the errors above); {} in the {checked} checked.",
            plural(unchecked, "path"),
            if findings.is_empty() {
                "no findings".to_owned()
            } else {
                plural(findings.len(), "finding")
            }
        );
    }
    if findings.is_empty() {
        return format!("All checks passed! ({checked} checked)");
    }
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    let mut files: Vec<&Path> = findings.iter().map(|f| f.file.as_path()).collect();
    files.dedup();
    let counts = match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    format!(
        "Found {counts} in {} ({checked} checked).",
        plural(files.len(), "file")
    )
}

fn usage_error(message: &str) -> ExitStatus {
    eprintln!("codegen: error: {message}");
    ExitStatus::Error
}
