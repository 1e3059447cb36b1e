//! The result of `generate`, gathered once ([`Report`]) and rendered as text
//! (summary on stderr, changes on stdout), JSON (one document), GitHub
//! workflow commands or a GitLab Code Quality report; with `--timings`, per-stage percentiles and the slowest steps.

mod changes;
mod machine;
mod timings;

pub use changes::render_changes;
use changes::summary_word;
pub use machine::{render_github, render_gitlab, render_json};
pub use timings::{human, percentile, render_timings};

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostics::{Diagnostic, count};
use crate::exit::ExitStatus;
use crate::output::{ExistingPackage, FileAction, PackagePlan};
use crate::pipeline::codegen::{Job, Mode};
use crate::pipeline::executor::{ItemOutcome, StageReport};
use crate::pipeline::recovery::{self, Class, Recovery, Strategy, Tally};
use crate::render::templates::CacheStats;
use crate::report::Printer;

/// What became of one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Went through every stage (written, or planned with --check / --dry-run).
    Generated,
    /// Its package was up to date: nothing rendered.
    Unchanged,
    /// Belongs to another `--shard`.
    OtherShard,
    /// Not a node contract (a handler contract): nothing to generate.
    Skipped,
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Generated => "generated",
            Status::Unchanged => "unchanged",
            Status::Skipped => "skipped",
            Status::OtherShard => "other-shard",
            Status::Failed => "failed",
        }
    }
}

#[derive(Debug)]
pub struct ContractResult {
    pub job: Job,
    pub status: Status,
    /// The stage that failed and why.
    pub failure: Option<(String, String)>,
}

impl ContractResult {
    pub fn new(job: Job, status: Status, failure: Option<(String, String)>) -> Self {
        Self {
            job,
            status,
            failure,
        }
    }

    /// From an executor outcome; a job whose state was lost (a timed-out step) keeps its path only.
    pub fn from_outcome(outcome: ItemOutcome<Job>) -> Self {
        let failure = outcome
            .failure()
            .map(|f| (f.stage_name.clone(), f.error.message.clone()));
        let timed_out = outcome
            .failure()
            .filter(|f| f.error.kind == crate::pipeline::executor::StepErrorKind::Timeout)
            .map(|f| format!("[{}] {}", f.stage_name, f.error.message));
        let completed = outcome.is_completed();
        let mut job = outcome.into_state().unwrap_or_default();
        if let Some(detail) = timed_out {
            job.recoveries
                .push(Recovery::new(Class::Timeout, Strategy::Stop, detail));
        }
        let (status, failure) = match (completed, failure) {
            (true, _) if job.fresh => (Status::Unchanged, None),
            (true, _) if job.skipped => (Status::Skipped, None),
            (true, _) => (Status::Generated, None),
            (false, Some(f)) => (Status::Failed, Some(f)),
            (false, None) => (Status::Failed, Some(stopped_early())),
        };
        Self {
            job,
            status,
            failure,
        }
    }

    /// A failure no step called the generated code's or the disk's: bad
    /// input, a failed write, a lost step (exit 2).
    fn is_input_failure(&self) -> bool {
        self.status == Status::Failed && self.job.verdict.is_none()
    }
}

/// The failure of a contract the run never finished (`--fail-fast`).
pub fn stopped_early() -> (String, String) {
    (
        "-".to_owned(),
        "not generated: the run stopped early".to_owned(),
    )
}

/// A package whose contract is gone.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub package: String,
    pub dir: PathBuf,
    pub contract: String,
    pub files: Vec<String>,
    pub pruned: bool,
    /// `--prune` found something it will not delete through (a link, an
    /// entry outside the package): the whole package stays.
    pub refused: bool,
}

impl Orphan {
    pub fn new(package: &ExistingPackage) -> Self {
        Self {
            package: package.name.clone(),
            dir: package.dir.clone(),
            contract: package.manifest.contract.clone(),
            files: package.manifest.files.keys().cloned().collect(),
            pruned: false,
            refused: false,
        }
    }
}

/// Everything one `generate` run did.
#[derive(Debug)]
pub struct Report {
    pub mode: Mode,
    /// `--prune` was given.
    pub prune: bool,
    /// Problems not tied to one contract (unreadable paths, the output directory, orphans).
    pub problems: Vec<Diagnostic>,
    pub results: Vec<ContractResult>,
    pub orphans: Vec<Orphan>,
    pub stages: Vec<StageReport>,
    pub busy: Duration,
    pub wall: Duration,
    pub cache: Option<CacheStats>,
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mode: Mode,
        prune: bool,
        problems: Vec<Diagnostic>,
        results: Vec<ContractResult>,
        orphans: Vec<Orphan>,
        stages: Vec<StageReport>,
        busy: Duration,
        wall: Duration,
        cache: CacheStats,
    ) -> Self {
        Self {
            mode,
            prune,
            problems,
            results,
            orphans,
            stages,
            busy,
            wall,
            cache: Some(cache),
        }
    }

    /// A run that stopped before reading any contract.
    pub fn failed_early(problems: Vec<Diagnostic>, wall: Duration) -> Self {
        Self {
            mode: Mode::Write,
            prune: false,
            problems,
            results: Vec::new(),
            orphans: Vec::new(),
            stages: Vec::new(),
            busy: Duration::ZERO,
            wall,
            cache: None,
        }
    }

    /// What was done about failures, per class and strategy: what the steps
    /// recorded, and the contracts skipped because they did not parse or
    /// their generated code had error findings.
    pub fn recovery(&self) -> Vec<Tally> {
        // With `--fail-fast` the first failure stopped the run instead.
        let stopped = self
            .results
            .iter()
            .any(|r| r.failure.as_ref() == Some(&stopped_early()));
        let strategy = if stopped {
            Strategy::Stop
        } else {
            Strategy::Skip
        };
        let skips: Vec<(&PathBuf, Recovery)> = self
            .results
            .iter()
            .filter(|r| r.status == Status::Failed)
            .filter_map(|r| {
                let (stage, reason) = r.failure.as_ref()?;
                let class = if stage == crate::pipeline::codegen::STAGES[0] {
                    Class::Parse
                } else if r.job.verdict == Some(crate::pipeline::codegen::Verdict::Findings) {
                    Class::Validation
                } else {
                    return None;
                };
                Some((&r.job.path, Recovery::new(class, strategy, reason.clone())))
            })
            .collect();
        recovery::statistics(
            self.results
                .iter()
                .flat_map(|r| r.job.recoveries.iter().map(move |x| (&r.job.path, x)))
                .chain(skips.iter().map(|(path, x)| (*path, x))),
        )
    }

    /// Every diagnostic: the run's problems, then each contract's, in path order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.problems
            .iter()
            .chain(self.results.iter().flat_map(|r| &r.job.diagnostics))
    }

    /// Counts of file actions over every planned package, orphans as deletions or stale files.
    pub fn actions(&self) -> BTreeMap<FileAction, usize> {
        let mut counts = BTreeMap::new();
        for file in self
            .results
            .iter()
            .filter_map(|r| r.job.plan.as_ref())
            .flat_map(|p| &p.files)
        {
            *counts.entry(file.action).or_default() += 1;
        }
        for orphan in &self.orphans {
            let action =
                if orphan.pruned || (self.mode == Mode::DryRun && self.prune && !orphan.refused) {
                    FileAction::Deleted
                } else {
                    FileAction::Stale
                };
            *counts.entry(action).or_default() += orphan.files.len();
        }
        counts
    }

    /// Whether a writing run with the same flags would change a byte under
    /// the output directory or refuse to: orphans count only with `--prune`
    /// (which deletes them, or refuses to delete through a link).
    pub fn out_of_date(&self) -> bool {
        (self.prune && !self.orphans.is_empty())
            || self.results.iter().any(|r| {
                r.status == Status::Generated
                    && r.job.plan.as_ref().is_some_and(PackagePlan::is_out_of_date)
            })
    }

    /// 2 for bad input or a failed write; 1 for error findings, hand edits, a
    /// full disk or (with --check) stale output.
    pub fn exit_status(&self) -> ExitStatus {
        let input = self.problems.iter().any(Diagnostic::is_error)
            || self.results.iter().any(ContractResult::is_input_failure);
        if input {
            ExitStatus::Error
        } else if self.results.iter().any(|r| r.status == Status::Failed)
            || (self.mode == Mode::Check && self.out_of_date())
        {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    pub fn speedup(&self) -> f64 {
        if self.wall.is_zero() || self.busy.is_zero() {
            1.0
        } else {
            self.busy.as_secs_f64() / self.wall.as_secs_f64()
        }
    }

    fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }
}

/// The human summary, for standard error.
pub fn render_text(report: &Report, printer: Printer) -> String {
    let mut out = String::new();
    let actions = report.actions();
    let files: usize = actions.values().sum();
    let mut parts: Vec<String> = actions
        .iter()
        .map(|(action, n)| format!("{n} {}", summary_word(*action)))
        .collect();
    let unchanged = report.count(Status::Unchanged);
    if unchanged > 0 {
        parts.push(format!(
            "{} unchanged",
            count(unchanged, "package", "packages")
        ));
    }
    let skipped = report.count(Status::Skipped);
    if skipped > 0 {
        parts.push(format!(
            "{} skipped (not nodes)",
            count(skipped, "handler contract", "handler contracts")
        ));
    }
    let other_shard = report.count(Status::OtherShard);
    if other_shard > 0 {
        parts.push(format!(
            "{} in other shards",
            count(other_shard, "contract", "contracts")
        ));
    }
    let failed: Vec<&ContractResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    let verb = match report.mode {
        Mode::Write => "generated",
        Mode::Check => "checked",
        Mode::DryRun => "planned",
    };
    let head = if failed.is_empty() && report.problems.iter().all(|d| !d.is_error()) {
        printer.paint("1;32", verb)
    } else {
        printer.paint("1;33", verb)
    };
    let _ = writeln!(
        out,
        "{head} {} of {} from {} in {} (speedup {:.1}x){}",
        count(report.count(Status::Generated), "package", "packages"),
        count(files, "file", "files"),
        count(report.results.len(), "contract", "contracts"),
        human(report.wall),
        report.speedup(),
        if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        },
    );
    if report.mode == Mode::Check {
        let line = if report.out_of_date() {
            printer.paint(
                "1;31",
                "out of date: run `codegen generate` to update (see the list above)",
            )
        } else {
            printer.paint("1;32", "up to date")
        };
        let _ = writeln!(out, "{line}");
    }
    if let Some(note) = orphan_note(report) {
        let _ = writeln!(out, "{note}");
    }
    for r in report
        .results
        .iter()
        .filter(|r| r.status == Status::Skipped)
    {
        let _ = writeln!(
            out,
            "skipped {}: a handler contract (`handler_id`, no `node_type`), not a node's",
            r.job.path.display()
        );
    }
    recovery_text(report, &mut out);
    if !failed.is_empty() {
        let _ = writeln!(
            out,
            "{} {}:",
            printer.paint("1;31", "failed"),
            count(failed.len(), "contract", "contracts")
        );
        for r in failed {
            let (stage, reason) = r.failure.clone().unwrap_or_default();
            let _ = writeln!(out, "  {} [{stage}] {reason}", r.job.path.display());
        }
    }
    out
}

/// What was done about failures, a line per class and strategy.
fn recovery_text(report: &Report, out: &mut String) {
    let recovered = report.recovery();
    if recovered.is_empty() {
        return;
    }
    let _ = writeln!(out, "recovered:");
    for tally in &recovered {
        let _ = writeln!(
            out,
            "  {} ({}): {} on {}",
            tally.class.as_str(),
            tally.strategy.as_str(),
            count(tally.times as usize, "time", "times"),
            count(tally.contracts.len(), "contract", "contracts"),
        );
    }
}

/// A check or dry run without `--prune`: orphans are kept, and not listed.
fn orphan_note(report: &Report) -> Option<String> {
    if report.prune || report.orphans.is_empty() || report.mode == Mode::Write {
        return None;
    }
    let files: usize = report.orphans.iter().map(|o| o.files.len()).sum();
    Some(format!(
        "note: {} of {} whose contract is gone would be kept; with --prune they are deleted (and --check --prune fails on them)",
        count(files, "file", "files"),
        count(report.orphans.len(), "package", "packages"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&times, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&times, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
