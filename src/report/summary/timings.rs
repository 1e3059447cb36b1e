//! Where a run's time went (`--timings`): stages, percentiles of step times,
//! the slowest steps and the cache's hit rate.

use super::Report;
use crate::pipeline::executor::{StageReport, StepOutcome};
use std::fmt::Write as _;
use std::time::Duration;

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
pub(super) fn hit_rate(hits: u64, misses: u64) -> f64 {
    let lookups = hits + misses;
    if lookups == 0 {
        0.0
    } else {
        hits as f64 / lookups as f64
    }
}

/// The `count` longest steps of the run: (time, stage, contract).
pub(super) fn slowest_steps(
    report: &Report,
    count: usize,
) -> Vec<(Duration, &'static str, String)> {
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

pub(super) fn step_times(stage: &StageReport) -> Vec<Duration> {
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

pub(super) fn millis(d: Duration) -> f64 {
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
