//! `validate --quorum`: every file checked is voted on; files with static
//! error findings fail whatever the vote; an inconclusive verdict under
//! `--require-quorum` makes the exit 2.

use std::path::{Path, PathBuf};

use super::prompt::{FileInput, contract_summary};
use super::{FileVerdict, Quorum, Verdict, finding};
use crate::config::quorum::QuorumSettings;
use crate::contract::Contracts;
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
/// findings fail whatever the vote. `stdin` is standard input's name and bytes; `contracts`
/// are the ones the checks read, so no contract is read again for the prompt.
pub fn vote_validated(
    settings: &QuorumSettings,
    files: &[PathBuf],
    stdin: Option<(&Path, &[u8])>,
    findings: &[Diagnostic],
    contracts: &Contracts,
) -> anyhow::Result<Vec<FileVerdict>> {
    let quorum = Quorum::new(settings)?;
    let mut inputs = Vec::with_capacity(files.len());
    for path in files {
        let bytes = match stdin {
            Some((name, bytes)) if name == path => bytes.to_vec(),
            _ => match crate::discover::read_regular(path) {
                Ok(bytes) => bytes,
                Err(_) => continue,
            },
        };
        let (node_type, contract) =
            contract_near(path, contracts).map_or((None, None), |(t, s)| (Some(t), Some(s)));
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

/// The node type and summary of the contract of the file's package: the nearest
/// `contract.yaml` that loads, up to three directories up.
fn contract_near(path: &Path, contracts: &Contracts) -> Option<(String, String)> {
    path.ancestors().skip(1).take(3).find_map(|dir| {
        let on_disk = contracts.in_dir(dir);
        let contract = on_disk.contract()?;
        Some((
            contract.node_type.lower().to_owned(),
            contract_summary(contract),
        ))
    })
}

/// The findings the verdicts add to a `validate` run.
pub fn findings(verdicts: &[FileVerdict]) -> Vec<Diagnostic> {
    verdicts.iter().filter_map(finding::finding).collect()
}
