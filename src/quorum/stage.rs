//! Where the quorum meets the commands: `generate`'s stage 5 votes on a
//! contract's generated Python files, `validate` on the files it was given.
//! A static error finding fails a file whatever the vote; a failing verdict
//! fails it like an error finding; an inconclusive one is a warning, or exit 2
//! with `--require-quorum`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::prompt::{FileInput, contract_summary};
use super::report;
use super::{FileVerdict, Quorum, Verdict};
use crate::config::quorum::QuorumSettings;
use crate::contract::{self, LoadOptions};
use crate::diagnostics::Diagnostic;
use crate::exit::ExitStatus;
use crate::pipeline::codegen::Job;
use crate::pipeline::executor::StepError;
use crate::pipeline::recovery;
use crate::render::GeneratedFile;

impl Quorum {
    /// `--require-quorum` was given.
    pub fn require(&self) -> bool {
        self.inner.settings.require
    }

    /// The longest stage 5 can take over a package of `files` Python files
    /// while `jobs` packages vote at once: each file's verdict has the
    /// quorum's deadline from when its calls can start, and the files of
    /// every package in flight take turns, `files_at_once` at a time.
    pub fn time_for(&self, files: usize, jobs: usize) -> std::time::Duration {
        let turns = files
            .max(1)
            .saturating_mul(jobs.max(1))
            .div_ceil(self.inner.files_at_once.max(1));
        self.inner
            .settings
            .deadline
            .saturating_mul(u32::try_from(turns).unwrap_or(u32::MAX))
    }
}

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
        .extend(verdicts.iter().filter_map(report::finding));
    job.recoveries.extend(recoveries(&verdicts));
    let failed = verdicts
        .iter()
        .filter(|v| v.verdict == Verdict::Fail)
        .count();
    let inconclusive = verdicts.iter().any(|v| v.verdict == Verdict::Inconclusive);
    job.quorum = verdicts;
    if failed > 0 {
        job.verdict = Some(crate::pipeline::codegen::Verdict::Findings);
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
    use super::recovery::ErrorClass;
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

/// The exit status once verdicts are in: an inconclusive verdict under
/// `--require-quorum` makes it 2.
pub fn exit_status<'a>(
    status: ExitStatus,
    settings: Option<&QuorumSettings>,
    verdicts: impl IntoIterator<Item = &'a FileVerdict>,
) -> ExitStatus {
    let require = settings.is_some_and(|s| s.require);
    if require
        && verdicts
            .into_iter()
            .any(|v| v.verdict == Verdict::Inconclusive)
    {
        status.max(ExitStatus::Error)
    } else {
        status
    }
}

/// `validate --quorum`: every file checked is voted on; files with static error
/// findings fail whatever the vote. `stdin` is standard input's name and bytes.
pub fn vote_validated(
    settings: &QuorumSettings,
    files: &[PathBuf],
    stdin: Option<(&Path, &[u8])>,
    findings: &[Diagnostic],
) -> anyhow::Result<Vec<FileVerdict>> {
    let quorum = Quorum::new(settings)?;
    let mut contracts: HashMap<PathBuf, Option<(String, String)>> = HashMap::new();
    let mut inputs = Vec::with_capacity(files.len());
    for path in files {
        let bytes = match stdin {
            Some((name, bytes)) if name == path => bytes.to_vec(),
            _ => match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(_) => continue,
            },
        };
        let (node_type, contract) =
            contract_near(path, &mut contracts).map_or((None, None), |(t, s)| (Some(t), Some(s)));
        inputs.push(FileInput {
            path: path.clone(),
            code: String::from_utf8_lossy(&bytes).into_owned(),
            node_type,
            contract,
        });
    }
    let mut verdicts = quorum.vote_files(inputs);
    for verdict in &mut verdicts {
        let errors = findings
            .iter()
            .any(|f| f.is_error() && f.file == verdict.file);
        verdict.set_static_errors(errors);
    }
    Ok(verdicts)
}

/// The node type and summary of the `contract.yaml` in the file's package (up
/// to three directories up), read once per directory.
fn contract_near(
    path: &Path,
    seen: &mut HashMap<PathBuf, Option<(String, String)>>,
) -> Option<(String, String)> {
    for dir in path.ancestors().skip(1).take(3) {
        let candidate = dir.join("contract.yaml");
        if let Some(found) = seen.get(&candidate) {
            if found.is_some() {
                return found.clone();
            }
            continue;
        }
        let loaded = std::fs::read(&candidate).ok().and_then(|bytes| {
            contract::load(&candidate, &bytes, &LoadOptions::default())
                .ok()
                .map(|l| {
                    (
                        l.contract.node_type.lower().to_owned(),
                        contract_summary(&l.contract),
                    )
                })
        });
        seen.insert(candidate, loaded.clone());
        if loaded.is_some() {
            return loaded;
        }
    }
    None
}

/// The findings the verdicts add to a `validate` run.
pub fn findings(verdicts: &[FileVerdict]) -> Vec<Diagnostic> {
    verdicts.iter().filter_map(report::finding).collect()
}
