//! `--trace FILE`: the run as a Chrome trace (the JSON trace-event format that
//! Perfetto and `chrome://tracing` open). One track holds the stages; each
//! worker thread of a blocking stage has a track of its own with one span per
//! step, named after its contract; async steps get a track per contract.
//! Times are microseconds from the start of the command.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use crate::pipeline::executor::{StageReport, StepOutcome};

/// Track of the stage spans.
const STAGE_TRACK: usize = 0;
/// Async steps have no worker: their tracks start here, one per item.
const ASYNC_TRACKS: usize = 100_000;

/// One executor run: its stages and, by item index, the contract each item is.
pub struct TracedRun<'a> {
    pub stages: &'a [StageReport],
    pub items: &'a [PathBuf],
}

/// The trace document for `runs`, with times relative to `epoch`.
pub fn chrome_trace(epoch: Instant, runs: &[TracedRun<'_>]) -> String {
    let micros = |at: Instant| at.saturating_duration_since(epoch).as_secs_f64() * 1e6;
    let mut events = vec![
        json!({"ph": "M", "pid": 1, "name": "process_name", "args": {"name": "codegen generate"}}),
        json!({"ph": "M", "pid": 1, "tid": STAGE_TRACK, "name": "thread_name", "args": {"name": "stages"}}),
    ];
    let mut tracks = std::collections::BTreeSet::new();
    for run in runs {
        for stage in run.stages {
            let Some(started) = stage.started else {
                continue;
            };
            events.push(json!({
                "ph": "X", "pid": 1, "tid": STAGE_TRACK, "cat": "stage",
                "name": stage.name,
                "ts": round(micros(started)),
                "dur": round(stage.wall.as_secs_f64() * 1e6),
                "args": {
                    "steps": stage.steps.len(),
                    "busy_ms": round(stage.busy.as_secs_f64() * 1e3),
                    "status": format!("{:?}", stage.status).to_lowercase(),
                },
            }));
            for step in &stage.steps {
                let Some(began) = step.started else {
                    continue;
                };
                let track = step
                    .worker
                    .map_or(ASYNC_TRACKS + step.item, |worker| worker + 1);
                tracks.insert(track);
                let contract = run
                    .items
                    .get(step.item)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let short = run
                    .items
                    .get(step.item)
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                events.push(json!({
                    "ph": "X", "pid": 1, "tid": track, "cat": "step",
                    "name": format!("{} {short}", stage.name),
                    "ts": round(micros(began)),
                    "dur": round(step.duration.as_secs_f64() * 1e6),
                    "args": {
                        "stage": stage.name,
                        "contract": contract,
                        "outcome": outcome(step.outcome),
                        "attempts": step.attempts,
                    },
                }));
            }
        }
    }
    for track in tracks {
        let name = if track >= ASYNC_TRACKS {
            format!("async {}", track - ASYNC_TRACKS)
        } else {
            format!("worker {}", track - 1)
        };
        events.push(json!({"ph": "M", "pid": 1, "tid": track, "name": "thread_name", "args": {"name": name}}));
    }
    let document = json!({"traceEvents": events, "displayTimeUnit": "ms"});
    let mut text = String::new();
    let _ = write!(text, "{document}");
    text.push('\n');
    text
}

fn outcome(outcome: StepOutcome) -> String {
    match outcome {
        StepOutcome::Succeeded => "succeeded".to_owned(),
        StepOutcome::Failed(kind) => format!("failed ({kind})"),
        StepOutcome::Cancelled => "cancelled".to_owned(),
    }
}

/// Microseconds to three decimals: nanosecond resolution, short numbers.
fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}
