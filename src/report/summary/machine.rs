//! The report for machines: JSON, GitHub annotations and GitLab code quality.

use super::changes::{action_word, out_of_date_findings};
use super::timings::percentile;
use super::timings::{hit_rate, millis, slowest_steps, step_times};
use super::{Report, Status};
use crate::pipeline::codegen::Mode;
use crate::pipeline::executor::StageReport;
use crate::report::formats::github_line;
use serde_json::json;
use std::fmt::Write as _;

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
                "diagnostics": crate::report::formats::json_findings(&r.job.diagnostics),
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
        "problems": crate::report::formats::json_findings(&report.problems),
        "contracts": contracts,
        "orphans": orphans,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Per class: the strategy, how many times it acted and on which contracts,
/// with the detail of each act.
pub(super) fn recovery_json(report: &Report) -> serde_json::Value {
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

pub(super) fn stage_json(stage: &StageReport) -> serde_json::Value {
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
    let issues = crate::report::formats::gitlab(report.diagnostics().chain(&stale));
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}
