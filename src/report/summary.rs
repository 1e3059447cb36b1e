//! The result of `generate`, gathered once ([`Report`]) and rendered as text
//! (summary on stderr, changes on stdout), JSON (one document), GitHub
//! workflow commands or a GitLab Code Quality report; with `--timings`, per-stage percentiles and the slowest steps.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::diagnostics::{Diagnostic, count};
use crate::exit::ExitStatus;
use crate::output::{self, ExistingPackage, FileAction, PackagePlan};
use crate::pipeline::codegen::{Job, Mode};
use crate::pipeline::executor::{ItemOutcome, StageReport, StepOutcome};
use crate::pipeline::recovery::{self, Class, Recovery, Strategy, Tally};
use crate::render::templates::CacheStats;
use crate::report::Printer;
use crate::report::formats::github_line;

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

fn action_word(action: FileAction) -> &'static str {
    match action {
        FileAction::Created => "created",
        FileAction::Updated => "updated",
        FileAction::Unchanged => "unchanged",
        FileAction::Kept => "kept",
        FileAction::HandEdited => "hand-edited",
        FileAction::Stale => "orphaned",
        FileAction::Deleted => "deleted",
        FileAction::Blocked => "blocked",
        FileAction::Failed => "failed",
    }
}

/// How the text summary counts each action: files of a package that was not
/// written say why.
fn summary_word(action: FileAction) -> &'static str {
    match action {
        FileAction::Blocked => "not written (blocked by a hand edit)",
        FileAction::Failed => "not written (the write failed)",
        other => action_word(other),
    }
}

/// What `--dry-run` says writing would do to a file.
fn dry_run_word(action: FileAction) -> &'static str {
    match action {
        FileAction::Created => "create",
        FileAction::Updated => "update",
        FileAction::HandEdited => "hand-edited",
        FileAction::Blocked => "blocked",
        FileAction::Deleted => "delete",
        FileAction::Failed => "failed",
        FileAction::Unchanged | FileAction::Kept | FileAction::Stale => "unchanged",
    }
}

/// One line of the `--check` / `--dry-run` list: `--check` names the reason
/// (`missing path`), `--dry-run` the action and the reason
/// (`create path (missing)`).
fn change_line(out: &mut String, mode: Mode, action: FileAction, reason: &str, path: &Path) {
    let _ = if mode == Mode::DryRun {
        writeln!(
            out,
            "{} {} ({reason})",
            dry_run_word(action),
            path.display()
        )
    } else {
        writeln!(out, "{reason} {}", path.display())
    };
}

/// A file a writing run would change or refuse to, and where its bytes are for the diff.
struct Change<'a> {
    action: FileAction,
    reason: &'static str,
    path: PathBuf,
    bytes: ChangeBytes<'a>,
}

enum ChangeBytes<'a> {
    /// A file of a planned package: the bytes on disk and the new ones.
    Planned(&'a output::PlannedFile),
    /// A file of an orphaned package, read when diffed.
    Orphaned(&'a Path, &'a str),
    /// The manifest: not diffed.
    Manifest,
}

/// Every file a writing run with the same flags would change or refuse, in report order:
/// what `--check` and `--dry-run` list.
fn changes(report: &Report) -> Vec<Change<'_>> {
    let mut changes = Vec::new();
    for plan in report.results.iter().filter_map(|r| r.job.plan.as_ref()) {
        for file in plan.files.iter().filter(|f| f.action.is_out_of_date()) {
            changes.push(Change {
                action: file.action,
                reason: plan.reason(file),
                path: plan.dir.join(&file.path),
                bytes: ChangeBytes::Planned(file),
            });
        }
        if plan.manifest_changed {
            let action = if plan.conflicts().next().is_some() {
                FileAction::Blocked
            } else if plan.manifest_missing {
                FileAction::Created
            } else {
                FileAction::Updated
            };
            changes.push(Change {
                action,
                reason: plan.manifest_reason(),
                path: plan.dir.join(output::MANIFEST_FILE),
                bytes: ChangeBytes::Manifest,
            });
        }
    }
    for orphan in report.orphans.iter().filter(|_| report.prune) {
        for file in &orphan.files {
            changes.push(Change {
                action: if orphan.refused {
                    FileAction::Blocked
                } else {
                    FileAction::Deleted
                },
                reason: "orphaned",
                path: orphan.dir.join(file),
                bytes: ChangeBytes::Orphaned(&orphan.dir, file),
            });
        }
    }
    changes
}

/// `--check` / `--dry-run`: one line per file a writing run would change or
/// refuse, the same files for both, and with `diff` the unified diffs.
pub fn render_changes(report: &Report, diff: bool) -> String {
    let mut out = String::new();
    for change in changes(report) {
        change_line(
            &mut out,
            report.mode,
            change.action,
            change.reason,
            &change.path,
        );
        if !diff {
            continue;
        }
        let name = output::package::slash_path(&change.path);
        match change.bytes {
            ChangeBytes::Planned(file) => out.push_str(&output::diff::unified(
                &name,
                file.on_disk.as_deref(),
                file.contents
                    .as_deref()
                    .filter(|_| !matches!(file.action, FileAction::Stale | FileAction::Deleted)),
            )),
            ChangeBytes::Orphaned(dir, file) => {
                if let Some(bytes) = output::read_package_file(dir, file) {
                    out.push_str(&output::diff::unified(&name, Some(&bytes), None));
                }
            }
            ChangeBytes::Manifest => {}
        }
    }
    out
}

/// `--check` for the CI formats: an error for each file that is out of date, with
/// the reason it is listed for (`missing: run codegen generate`).
fn out_of_date_findings(report: &Report) -> Vec<Diagnostic> {
    if report.mode != Mode::Check {
        return Vec::new();
    }
    changes(report)
        .into_iter()
        .map(|change| {
            Diagnostic::error(
                change.path,
                format!("{}: run codegen generate", change.reason),
            )
        })
        .collect()
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

/// `--output-format json`: one document.
pub fn render_json(report: &Report) -> String {
    let contracts: Vec<serde_json::Value> = report
        .results
        .iter()
        .map(|r| {
            let timings: serde_json::Map<String, serde_json::Value> = r
                .job
                .timings
                .iter()
                .map(|(stage, d)| ((*stage).to_owned(), json!(millis(*d))))
                .collect();
            let files: Vec<serde_json::Value> = r
                .job
                .plan
                .iter()
                .flat_map(|p| p.files.iter().map(move |f| (p, f)))
                .map(|(p, f)| json!({"path": p.dir.join(&f.path), "action": f.action}))
                .collect();
            json!({
                "contract": r.job.path,
                "package": r.job.package,
                "status": r.status.as_str(),
                "failed_stage": r.failure.as_ref().map(|f| &f.0),
                "error": r.failure.as_ref().map(|f| &f.1),
                "timings_ms": timings,
                "files": files,
                "diagnostics": super::formats::json_findings(&r.job.diagnostics),
                "quorum": r.job.quorum,
            })
        })
        .collect();
    let orphans: Vec<serde_json::Value> = report
        .orphans
        .iter()
        .map(|o| json!({"package": o.package, "dir": o.dir, "contract": o.contract, "files": o.files, "pruned": o.pruned}))
        .collect();
    let stages: Vec<serde_json::Value> = report.stages.iter().map(stage_json).collect();
    let actions: serde_json::Map<String, serde_json::Value> = report
        .actions()
        .into_iter()
        .map(|(a, n)| (action_word(a).to_owned(), json!(n)))
        .collect();
    let document = json!({
        "mode": match report.mode { Mode::Write => "write", Mode::Check => "check", Mode::DryRun => "dry-run" },
        "exit_code": report.exit_status().code(),
        "summary": {
            "contracts": report.results.len(),
            "generated": report.count(Status::Generated),
            "unchanged": report.count(Status::Unchanged),
            "other_shard": report.count(Status::OtherShard),
            "skipped": report.count(Status::Skipped),
            "failed": report.count(Status::Failed),
            "files": actions,
            "out_of_date": report.out_of_date(),
            "wall_ms": millis(report.wall),
            "busy_ms": millis(report.busy),
            "speedup": (report.speedup() * 100.0).round() / 100.0,
            "template_cache": report.cache.map(|c| json!({"hits": c.hits, "misses": c.misses, "hit_rate": hit_rate(c.hits, c.misses), "size": c.size, "capacity": c.capacity})),
        },
        "stages": stages,
        "slowest_steps": slowest_steps(report, 5)
            .into_iter()
            .map(|(duration, stage, contract)| json!({"stage": stage, "contract": contract, "ms": millis(duration)}))
            .collect::<Vec<_>>(),
        "recovery": recovery_json(report),
        "problems": super::formats::json_findings(&report.problems),
        "contracts": contracts,
        "orphans": orphans,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Per class: the strategy, how many times it acted and on which contracts,
/// with the detail of each act.
fn recovery_json(report: &Report) -> serde_json::Value {
    let details: Vec<serde_json::Value> = report
        .results
        .iter()
        .flat_map(|r| r.job.recoveries.iter().map(move |x| (&r.job.path, x)))
        .map(|(path, x)| {
            json!({"class": x.class.as_str(), "strategy": x.strategy.as_str(), "contract": path, "times": x.times, "detail": x.detail})
        })
        .collect();
    let tallies: Vec<serde_json::Value> = report
        .recovery()
        .iter()
        .map(|t| {
            json!({"class": t.class.as_str(), "strategy": t.strategy.as_str(), "times": t.times, "contracts": t.contracts})
        })
        .collect();
    json!({"classes": tallies, "acts": details})
}

fn stage_json(stage: &StageReport) -> serde_json::Value {
    let mut times = step_times(stage);
    times.sort();
    json!({
        "name": stage.name,
        "wall_ms": millis(stage.wall),
        "busy_ms": millis(stage.busy),
        "steps": times.len(),
        "p50_ms": millis(percentile(&times, 50.0)),
        "p95_ms": millis(percentile(&times, 95.0)),
        "p99_ms": millis(percentile(&times, 99.0)),
    })
}

/// `--output-format github`: workflow commands for errors and warnings, and with
/// `--check` for each file out of date.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics().chain(&out_of_date_findings(report)) {
        let _ = writeln!(out, "{}", github_line(d));
    }
    out
}

/// `--output-format gitlab`: a Code Quality report of the same findings as `github`.
pub fn render_gitlab(report: &Report) -> String {
    let stale = out_of_date_findings(report);
    let issues = super::formats::gitlab(report.diagnostics().chain(&stale));
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// `--timings`: per stage wall and summed step time, step percentiles, slowest steps.
pub fn render_timings(report: &Report) -> String {
    let mut out = format!(
        "{:<10} {:<9} {:<9} {:<9} {:<9} {:<9} {}\n",
        "stage", "wall", "steps", "p50", "p95", "p99", "max"
    );
    for stage in &report.stages {
        let mut times = step_times(stage);
        times.sort();
        let _ = writeln!(
            out,
            "{:<10} {:<9} {:<9} {:<9} {:<9} {:<9} {}",
            stage.name,
            human(stage.wall),
            human(stage.busy),
            human(percentile(&times, 50.0)),
            human(percentile(&times, 95.0)),
            human(percentile(&times, 99.0)),
            human(times.last().copied().unwrap_or_default()),
        );
    }
    out.push_str("slowest steps:\n");
    for (duration, stage, path) in slowest_steps(report, 5) {
        let _ = writeln!(out, "  {:<9} {stage:<8} {path}", human(duration));
    }
    if let Some(cache) = report.cache {
        let rate = hit_rate(cache.hits, cache.misses) * 100.0;
        let _ = writeln!(
            out,
            "template cache: {} hits, {} misses ({rate:.1}% hit rate)",
            cache.hits, cache.misses
        );
    }
    out
}

/// Template cache hits over lookups, 0 to 1 (0 with no lookup).
#[allow(clippy::cast_precision_loss)]
fn hit_rate(hits: u64, misses: u64) -> f64 {
    let lookups = hits + misses;
    if lookups == 0 {
        0.0
    } else {
        hits as f64 / lookups as f64
    }
}

/// The `count` longest steps of the run: (time, stage, contract).
fn slowest_steps(report: &Report, count: usize) -> Vec<(Duration, &'static str, String)> {
    let mut slowest: Vec<(Duration, &str, String)> = report
        .results
        .iter()
        .flat_map(|r| {
            r.job
                .timings
                .iter()
                .map(move |(stage, d)| (*d, *stage, r.job.path.display().to_string()))
        })
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    slowest.truncate(count);
    slowest
}

fn step_times(stage: &StageReport) -> Vec<Duration> {
    stage
        .steps
        .iter()
        .filter(|s| s.outcome != StepOutcome::Cancelled)
        .map(|s| s.duration)
        .collect()
}

/// Nearest-rank percentile of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// `850 µs`, `12.3 ms`, `1.52 s`.
pub fn human(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
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
