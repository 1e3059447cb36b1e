//! `codegen quorum check`: asks each configured model once about a tiny file
//! and reports which answered (with a valid vote), how fast, and why not.
//! Exits 0 when the models that answered weigh at least the minimum
//! participating weight (a vote could be held), 1 otherwise.

use std::io::Write as _;

use crate::cli::{CheckFormat, QuorumCommand};
use crate::config::quorum::QuorumSettings;
use crate::exit::ExitStatus;
use crate::quorum::{ModelOutcome, Quorum};
use crate::report::Printer;
use crate::report::quorum::model_line;

pub fn run(
    command: &QuorumCommand,
    settings: &QuorumSettings,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    let QuorumCommand::Check(args) = command;
    let settings = QuorumSettings {
        no_cache: true,
        ..settings.clone()
    };
    let quorum = Quorum::new(&settings)?;
    let votes = quorum.check();
    let answered = votes
        .iter()
        .filter(|v| matches!(v.outcome, ModelOutcome::Voted { .. }))
        .fold(0.0, |sum, v| sum + v.weight);
    let enough = answered + 1e-9 >= settings.min_participating_weight && answered > 0.0;
    let mut out = std::io::stdout().lock();
    match args.output_format {
        CheckFormat::Json => {
            let document = serde_json::json!({
                "models": votes,
                "answered_weight": answered,
                "total_weight": settings.total_weight(),
                "min_participating_weight": settings.min_participating_weight,
                "enough": enough,
            });
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            for vote in &votes {
                let mark = match vote.outcome {
                    ModelOutcome::Voted { .. } => printer.paint_stdout("32", "ok  "),
                    ModelOutcome::Skipped { .. } => printer.paint_stdout("33", "skip"),
                    _ => printer.paint_stdout("31", "FAIL"),
                };
                writeln!(out, "{mark} {}", model_line(vote))?;
                for step in &vote.recovery {
                    writeln!(out, "       {step}")?;
                }
            }
            writeln!(
                out,
                "{} of {} weight answered ({} needed for a vote): {}",
                fmt_weight(answered),
                fmt_weight(settings.total_weight()),
                fmt_weight(settings.min_participating_weight),
                if enough {
                    "the quorum can vote"
                } else {
                    "a vote would be inconclusive"
                }
            )?;
        }
    }
    Ok(if enough {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn fmt_weight(w: f64) -> String {
    format!("{w:.1}")
}
