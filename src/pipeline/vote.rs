//! Stage 5's vote: the configured LLMs vote on a contract's generated
//! Python files. A failing verdict fails the contract like an error finding;
//! an inconclusive one is a warning, or fails it under `--require-quorum`.

use std::path::PathBuf;

use super::codegen::{Job, Verdict as JobVerdict};
use super::executor::StepError;
use super::recovery;
use crate::quorum::prompt::{FileInput, contract_summary};
use crate::quorum::{FileVerdict, Quorum, Verdict, finding};
use crate::render::GeneratedFile;

/// Why a contract failed when a verdict was inconclusive under `--require-quorum` (exit 2).
pub const INCONCLUSIVE_REQUIRED: &str = "the AI quorum was inconclusive (--require-quorum)";

/// Stage 5's vote on one contract's generated Python files (nothing without a quorum).
pub fn vote_job(quorum: Option<&Quorum>, job: &mut Job) -> Result<(), StepError> {
    let (Some(quorum), Some(contract)) = (quorum, job.contract.as_ref()) else {
        return Ok(());
    };
    let summary = contract_summary(contract);
    let package = PathBuf::from(&contract.name);
    let files: Vec<FileInput> = job
        .files
        .iter()
        .filter(|f| is_python(f))
        .map(|f| FileInput {
            path: package.join(&f.path),
            code: f.contents.clone(),
            node_type: Some(contract.node_type.lower().to_owned()),
            contract: Some(summary.clone()),
        })
        .collect();
    let voting = crate::profile::span("quorum vote");
    let verdicts = quorum.vote_files(files);
    drop(voting);
    job.diagnostics
        .extend(verdicts.iter().filter_map(finding::finding));
    job.recoveries.extend(recoveries(&verdicts));
    let failed = verdicts
        .iter()
        .filter(|v| v.verdict == Verdict::Fail)
        .count();
    let inconclusive = verdicts.iter().any(|v| v.verdict == Verdict::Inconclusive);
    job.quorum = verdicts;
    if failed > 0 {
        job.verdict = Some(JobVerdict::Findings);
        return Err(StepError::fatal(crate::diagnostics::count(
            failed,
            "file failed the AI quorum",
            "files failed the AI quorum",
        )));
    }
    if inconclusive && quorum.require() {
        return Err(StepError::fatal(INCONCLUSIVE_REQUIRED));
    }
    Ok(())
}

/// The quorum's recoveries (a failed call and what was done about it) in the
/// run's classes; an invalid answer is recorded in the vote, not recovered.
fn recoveries(verdicts: &[FileVerdict]) -> Vec<recovery::Recovery> {
    use crate::quorum::recovery::ErrorClass;
    use recovery::{Class, Strategy};
    let mut out = Vec::new();
    for verdict in verdicts {
        for vote in &verdict.votes {
            for step in &vote.recovery {
                let class = match step.class {
                    ErrorClass::Network => Class::Network,
                    ErrorClass::Timeout => Class::Timeout,
                    ErrorClass::RateLimit => Class::RateLimit,
                    ErrorClass::Auth => Class::Auth,
                    ErrorClass::InvalidResponse => continue,
                };
                let strategy = match (step.waited_ms, step.class.is_retried()) {
                    (Some(_), _) => Strategy::Retry,
                    (None, true) => Strategy::RetryFailed,
                    (None, false) => Strategy::Exclude,
                };
                out.push(recovery::Recovery::new(
                    class,
                    strategy,
                    format!(
                        "{} on {}: attempt {}: {}",
                        vote.model,
                        verdict.file.display(),
                        step.attempt,
                        step.error
                    ),
                ));
            }
        }
    }
    out
}

fn is_python(file: &GeneratedFile) -> bool {
    file.path.extension().is_some_and(|e| e == "py")
}
