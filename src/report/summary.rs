//! The end-of-run report of `generate`: counts, failures, duration and
//! speedup, and with `--timings` per-stage percentiles and the slowest steps.

use std::fmt::Write as _;
use std::time::Duration;

use crate::diagnostics::Diagnostic;
use crate::exit::ExitStatus;
use crate::output::FileAction;
use crate::pipeline::codegen::{Job, Outcome};
use crate::pipeline::executor::{ItemOutcome, RunResult, StepOutcome};
use crate::render::Renderer;
use crate::report::Printer;

/// One contract that did not become a package.
#[derive(Debug, Clone)]
pub struct Failure {
    pub path: String,
    pub stage: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub contracts: usize,
    pub packages: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub kept: usize,
    pub failures: Vec<Failure>,
    /// Every diagnostic of every contract, in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// A contract could not be read or parsed, or a package could not be written.
    pub input_failed: bool,
    /// Generated code had error findings.
    pub findings_failed: bool,
    pub wall: Duration,
    pub busy: Duration,
    pub cache_hits: u64,
    pub cache_misses: u64,
}

impl Summary {
    pub fn new(outcome: &Outcome, renderer: &Renderer, wall: Duration) -> Self {
        let mut summary = Summary {
            wall,
            ..Summary::default()
        };
        let mut jobs: Vec<(&Job, Option<(&str, &str)>)> = Vec::new();
        for run in std::iter::once(&outcome.parse).chain(outcome.generate.as_ref()) {
            summary.busy += run.busy();
            for item in &run.items {
                let failure = item
                    .failure()
                    .map(|f| (f.stage_name.as_str(), f.error.message.as_str()));
                if let Some(job) = item.state() {
                    jobs.push((job, failure));
                } else if let Some((stage, reason)) = failure {
                    summary.failures.push(Failure {
                        path: String::from("(unknown)"),
                        stage: stage.to_owned(),
                        reason: reason.to_owned(),
                    });
                }
            }
        }
        jobs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        summary.contracts = jobs.len();
        for (job, failure) in jobs {
            summary.diagnostics.extend(job.diagnostics.iter().cloned());
            let duplicate = outcome.duplicates.iter().filter(|d| d.file == job.path);
            summary.diagnostics.extend(duplicate.clone().cloned());
            let stage_reason = failure
                .map(|(s, r)| (s.to_owned(), r.to_owned()))
                .or_else(|| {
                    duplicate
                        .clone()
                        .next()
                        .map(|_| ("parse".to_owned(), "duplicate node name".to_owned()))
                });
            match stage_reason {
                Some((stage, reason)) => {
                    if stage == "quality" {
                        summary.findings_failed = true;
                    } else {
                        summary.input_failed = true;
                    }
                    summary.failures.push(Failure {
                        path: job.path.display().to_string(),
                        stage,
                        reason,
                    });
                }
                None if !job.written.is_empty() => {
                    summary.packages += 1;
                    for file in &job.written {
                        match file.action {
                            FileAction::Created => summary.created += 1,
                            FileAction::Updated => summary.updated += 1,
                            FileAction::Unchanged => summary.unchanged += 1,
                            FileAction::Kept => summary.kept += 1,
                        }
                    }
                }
                None => {
                    // Parsed, but the run stopped before it was generated (--fail-fast).
                    summary.failures.push(Failure {
                        path: job.path.display().to_string(),
                        stage: "-".to_owned(),
                        reason: "not generated: the run stopped early".to_owned(),
                    });
                }
            }
        }
        let stats = renderer.templates().stats();
        summary.cache_hits = stats.hits;
        summary.cache_misses = stats.misses;
        summary
    }

    /// 2 for unreadable or invalid input, 1 for error findings in generated code, else 0.
    pub fn exit_status(&self, input_errors: bool) -> ExitStatus {
        if self.input_failed || input_errors && !self.findings_failed {
            ExitStatus::Error
        } else if self.findings_failed {
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
}

/// The human summary, for standard error.
pub fn render_text(s: &Summary, printer: Printer) -> String {
    let mut out = String::new();
    let files = s.created + s.updated + s.unchanged + s.kept;
    let mut actions = Vec::new();
    for (n, what) in [
        (s.created, "created"),
        (s.updated, "updated"),
        (s.unchanged, "unchanged"),
        (s.kept, "user-owned kept"),
    ] {
        if n > 0 {
            actions.push(format!("{n} {what}"));
        }
    }
    let head = if s.failures.is_empty() {
        printer.paint("1;32", "generated")
    } else {
        printer.paint("1;33", "generated")
    };
    let _ = writeln!(
        out,
        "{head} {} of {} from {} in {} (speedup {:.1}x){}",
        count(s.packages, "package", "packages"),
        count(files, "file", "files"),
        count(s.contracts, "contract", "contracts"),
        human(s.wall),
        s.speedup(),
        if actions.is_empty() {
            String::new()
        } else {
            format!(": {}", actions.join(", "))
        },
    );
    if !s.failures.is_empty() {
        let _ = writeln!(
            out,
            "{} {}:",
            printer.paint("1;31", "failed"),
            count(s.failures.len(), "contract", "contracts")
        );
        for f in &s.failures {
            let _ = writeln!(out, "  {} [{}] {}", f.path, f.stage, f.reason);
        }
    }
    out
}

/// `--timings`: per stage wall and summed step time, step percentiles, slowest steps.
pub fn render_timings(outcome: &Outcome) -> String {
    let mut out =
        String::from("stage      wall      steps     p50       p95       p99       max\n");
    let mut slowest: Vec<(Duration, String, String)> = Vec::new();
    for (index, run) in std::iter::once(&outcome.parse)
        .chain(outcome.generate.as_ref())
        .enumerate()
    {
        for stage in &run.stages {
            let mut times: Vec<Duration> = stage
                .steps
                .iter()
                .filter(|s| s.outcome != StepOutcome::Cancelled)
                .map(|s| s.duration)
                .collect();
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
            for step in &stage.steps {
                let path = if index == 0 {
                    outcome
                        .paths
                        .get(step.item)
                        .map(|p| p.display().to_string())
                } else {
                    item_path(run, step.item)
                };
                slowest.push((step.duration, stage.name.clone(), path.unwrap_or_default()));
            }
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    out.push_str("slowest steps:\n");
    for (duration, stage, path) in slowest.iter().take(5) {
        let _ = writeln!(out, "  {:<9} {stage:<8} {path}", human(*duration));
    }
    out
}

fn item_path(run: &RunResult<Job>, item: usize) -> Option<String> {
    run.items
        .get(item)
        .and_then(ItemOutcome::state)
        .map(|job| job.path.display().to_string())
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

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
