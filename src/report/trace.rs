//! `--trace FILE`: the run as a Chrome trace (the JSON trace-event format that
//! Perfetto and `chrome://tracing` open). One track holds the stages; each
//! worker thread of a blocking stage has a track of its own with one span per
//! step, named after its contract; async steps get a track per contract.
//! Times are microseconds from the start of the command.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use crate::pipeline::executor::{StageReport, StepOutcome};

/// Track of the stage spans.
const STAGE_TRACK: usize = 0;

/// One executor run: its stages and, by item index, the contract each item is.
pub struct TracedRun<'a> {
    pub stages: &'a [StageReport],
    pub items: &'a [PathBuf],
}

/// The trace document for `runs`, with times relative to `epoch`. Written
/// straight into one string: a run of 10,000 contracts has 60,000 steps.
pub fn chrome_trace(epoch: Instant, runs: &[TracedRun<'_>]) -> String {
    let micros = |at: Instant| at.saturating_duration_since(epoch).as_secs_f64() * 1e6;
    let steps: usize = runs
        .iter()
        .flat_map(|run| run.stages)
        .map(|stage| stage.steps.len())
        .sum();
    let mut out = String::with_capacity(256 * (steps + 16));
    out.push_str("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    metadata(&mut out, "process_name", None, "codegen generate");
    out.push(',');
    metadata(&mut out, "thread_name", Some(STAGE_TRACK), "stages");
    let mut tracks = std::collections::BTreeSet::new();
    for run in runs {
        for stage in run.stages {
            let Some(started) = stage.started else {
                continue;
            };
            let _ = writeln!(
                out,
                ",{{\"ph\":\"X\",\"pid\":1,\"tid\":{STAGE_TRACK},\"cat\":\"stage\",\"name\":{},\"ts\":{:.3},\"dur\":{:.3},\"args\":{{\"steps\":{},\"busy_ms\":{:.3},\"status\":\"{}\"}}}}",
                quoted(&stage.name),
                micros(started),
                stage.wall.as_secs_f64() * 1e6,
                stage.steps.len(),
                stage.busy.as_secs_f64() * 1e3,
                format!("{:?}", stage.status).to_lowercase(),
            );
            for step in &stage.steps {
                // A step that started ran on a worker; each worker is a track.
                let (Some(began), Some(worker)) = (step.started, step.worker) else {
                    continue;
                };
                let track = worker + 1;
                tracks.insert(track);
                let path = run.items.get(step.item);
                let contract = path.map(|p| p.display().to_string()).unwrap_or_default();
                let short = path
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    ",{{\"ph\":\"X\",\"pid\":1,\"tid\":{track},\"cat\":\"step\",\"name\":{},\"ts\":{:.3},\"dur\":{:.3},\"args\":{{\"stage\":{},\"contract\":{},\"outcome\":\"{}\",\"attempts\":1}}}}",
                    quoted(&format!("{} {short}", stage.name)),
                    micros(began),
                    step.duration.as_secs_f64() * 1e6,
                    quoted(&stage.name),
                    quoted(&contract),
                    outcome(step.outcome),
                );
            }
        }
    }
    for track in tracks {
        out.push(',');
        metadata(
            &mut out,
            "thread_name",
            Some(track),
            &format!("worker {}", track - 1),
        );
    }
    out.push_str("]}\n");
    out
}

/// A metadata event naming the process or one track.
fn metadata(out: &mut String, kind: &str, track: Option<usize>, name: &str) {
    let tid = track.map(|t| format!(",\"tid\":{t}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{{\"ph\":\"M\",\"pid\":1{tid},\"name\":\"{kind}\",\"args\":{{\"name\":{}}}}}",
        quoted(name)
    );
}

/// `text` as a JSON string literal.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn outcome(outcome: StepOutcome) -> String {
    match outcome {
        StepOutcome::Succeeded => "succeeded".to_owned(),
        StepOutcome::Failed(kind) => format!("failed ({kind})"),
        StepOutcome::Cancelled => "cancelled".to_owned(),
    }
}
