//! The profile as text (with a bar chart of shares) and as JSON.

use super::{
    Timing,
    advice::Recommendation,
    table::{Operation, percentile, round},
};
use crate::report::Printer;
use serde_json::json;
use std::fmt::Write as _;

pub(super) struct Profile<'a> {
    pub(super) contracts: usize,
    pub(super) iterations: usize,
    pub(super) threshold: f64,
    pub(super) jobs: usize,
    pub(super) baseline: Timing,
    pub(super) operations: &'a [Operation],
    pub(super) hot: &'a [&'a Operation],
    pub(super) recommendations: &'a [Recommendation],
    pub(super) overhead: f64,
    /// The same from the user-space CPU time of all the runs of each kind.
    pub(super) overhead_cpu: Option<f64>,
}

pub(super) fn render_json(profile: &Profile<'_>) -> serde_json::Value {
    let ms = |v: f64| round(v, 3);
    json!({
        "iterations": profile.iterations,
        "threshold": profile.threshold,
        "contracts": profile.contracts,
        "jobs": profile.jobs,
        "median_run_ms": ms(profile.baseline.median * 1e3),
        "operations": profile.operations.iter().map(|op| {
            let count = op.times.len();
            json!({
                "name": op.name,
                "count": count,
                "total_ms": ms(op.total),
                "mean_ms": ms(if count == 0 { 0.0 } else { op.total / count as f64 }),
                "min_ms": ms(op.times.first().copied().unwrap_or(0.0)),
                "p50_ms": ms(percentile(&op.times, 50.0)),
                "p95_ms": ms(percentile(&op.times, 95.0)),
                "p99_ms": ms(percentile(&op.times, 99.0)),
                "max_ms": ms(op.times.last().copied().unwrap_or(0.0)),
                "share": round(op.share, 4),
                "overlapping": op.overlapping,
            })
        }).collect::<Vec<_>>(),
        "hot_paths": profile.hot.iter().map(|op| json!({"name": op.name, "share": round(op.share, 4)})).collect::<Vec<_>>(),
        "recommendations": profile.recommendations.iter().map(|r| json!({
            "area": r.area,
            "priority": r.priority,
            "description": r.description,
            "setting": r.setting_text(),
            "flag": r.flag,
            "measured_impact": r.measured_impact,
            "confidence": r.confidence,
            "applies": r.applies(),
        })).collect::<Vec<_>>(),
        "overhead": round(profile.overhead, 4),
        "overhead_cpu": profile.overhead_cpu.map(|o| round(o, 4)),
    })
}

pub(super) fn render_text(profile: &Profile<'_>, printer: Printer) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "profile of {} over {} (jobs {}): {:.1} ms a run (median of the uninstrumented runs)",
        crate::diagnostics::count(profile.contracts, "contract", "contracts"),
        crate::diagnostics::count(profile.iterations, "iteration", "iterations"),
        profile.jobs,
        profile.baseline.median * 1e3,
    );
    let width = profile
        .operations
        .iter()
        .map(|op| op.name.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    let _ = writeln!(
        out,
        "\n{:<width$}  {:>7} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8}  share",
        "operation", "count", "total ms", "mean", "p50", "p95", "p99", "max"
    );
    for op in profile.operations {
        let count = op.times.len();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bar = "█".repeat((op.share.clamp(0.0, 1.0) * 30.0).round() as usize);
        let line = format!(
            "{:<width$}  {:>7} {:>10.2} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  {:>5.1}% {}",
            op.name,
            count,
            op.total,
            if count == 0 {
                0.0
            } else {
                op.total / count as f64
            },
            percentile(&op.times, 50.0),
            percentile(&op.times, 95.0),
            percentile(&op.times, 99.0),
            op.times.last().copied().unwrap_or(0.0),
            op.share * 100.0,
            bar,
        );
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "\nhot paths (share >= {:.0}%):",
        profile.threshold * 100.0
    );
    if profile.hot.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for op in profile.hot {
        let _ = writeln!(out, "  {} {:.1}%", op.name, op.share * 100.0);
    }
    let _ = writeln!(out, "\nrecommendations:");
    for r in profile.recommendations {
        let tag = match r.priority {
            "high" => printer.paint_stdout("1;31", "high"),
            "medium" => printer.paint_stdout("1;33", "medium"),
            _ => "low".to_owned(),
        };
        let _ = writeln!(
            out,
            "  [{tag}] {}: {}\n      setting: {}{}; measured {:.3}x, confidence {:.2}",
            r.area,
            r.description,
            r.setting_text(),
            r.flag
                .as_ref()
                .map(|f| format!(" (or {f})"))
                .unwrap_or_default(),
            r.measured_impact,
            r.confidence,
        );
    }
    let cpu = profile
        .overhead_cpu
        .map(|o| format!(", {:+.2}% of user CPU time", o * 100.0))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\ninstrumentation overhead: {:+.2}% of wall time{cpu} (fastest instrumented run against the fastest of the same count without; goal under 2%)",
        profile.overhead * 100.0
    );
    out
}
