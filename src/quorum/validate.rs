//! `validate --quorum`: every file checked is voted on; files with static
//! error findings fail whatever the vote; an inconclusive verdict under
//! `--require-quorum` makes the exit 2.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::prompt::{FileInput, contract_summary};
use super::{FileVerdict, Quorum, Verdict, finding};
use crate::config::quorum::QuorumSettings;
use crate::contract::{self, LoadOptions};
use crate::diagnostics::Diagnostic;
use crate::exit::ExitStatus;

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
    verdicts.iter().filter_map(finding::finding).collect()
}
