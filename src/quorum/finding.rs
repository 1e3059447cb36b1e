//! The finding a verdict adds to a run: an error for a file the quorum
//! fails, a warning for an inconclusive verdict; and the headline both say.

use std::fmt::Write as _;

use super::{FileVerdict, ModelOutcome, Verdict};
use crate::diagnostics::Diagnostic;

/// The code of the finding for a file the quorum fails.
pub const FAIL_CODE: &str = "QRM001";
/// The code of the warning for an inconclusive verdict.
pub const INCONCLUSIVE_CODE: &str = "QRM002";

/// The headline: `pass: consensus 0.62 (threshold 0.60), 6.5 of 6.5 weight voted`.
pub fn headline(v: &FileVerdict) -> String {
    let mut line = format!(
        "{}: consensus {:.3} (threshold {:.2}), {} of {} weight voted",
        v.verdict.as_str(),
        v.consensus,
        v.threshold,
        weight(v.participating_weight),
        weight(v.total_weight),
    );
    if v.vote_verdict == Verdict::Inconclusive {
        let _ = write!(line, " ({} needed)", weight(v.min_participating_weight));
    }
    if v.static_errors {
        line.push_str("; static error findings fail the file whatever the vote");
    }
    line
}

/// A weight with no trailing zeros: `6.5`, `1.0`.
pub fn weight(w: f64) -> String {
    let text = format!("{w:.2}");
    let text = text.trim_end_matches('0');
    if text.ends_with('.') {
        format!("{text}0")
    } else {
        text.to_owned()
    }
}

/// The finding a verdict gives: an error for `fail`, a warning for `inconclusive`.
pub fn finding(v: &FileVerdict) -> Option<Diagnostic> {
    let message = format!("AI quorum {}", headline(v));
    match v.verdict {
        // A file failed by its static findings alone has them reported already.
        Verdict::Pass | Verdict::Fail if v.vote_verdict != Verdict::Fail && v.static_errors => {
            None
        }
        Verdict::Pass => None,
        Verdict::Fail => Some(
            Diagnostic::error(&v.file, message)
                .with_code(FAIL_CODE)
                .with_help(reasons(v)),
        ),
        Verdict::Inconclusive => Some(
            Diagnostic::warning(&v.file, message)
                .with_code(INCONCLUSIVE_CODE)
                .with_help(
                    "too few models answered: see each model's error; --require-quorum makes this exit 2",
                ),
        ),
    }
}

/// The fail votes' reasoning, for the help line of a failing file.
fn reasons(v: &FileVerdict) -> String {
    let fails: Vec<String> = v
        .votes
        .iter()
        .filter_map(|m| match &m.outcome {
            ModelOutcome::Voted {
                vote: false,
                reasoning,
                ..
            } => Some(format!("{}: {reasoning}", m.model)),
            _ => None,
        })
        .collect();
    if fails.is_empty() {
        "the pass votes were not confident enough".to_owned()
    } else {
        fails.join("; ")
    }
}
