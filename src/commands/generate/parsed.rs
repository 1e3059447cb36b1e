//! After the parse stage: which contracts go on (this shard's, changed, unique
//! by name) and which results are final already.

use crate::cli::Shard;
use crate::contract;
use crate::diagnostics::Diagnostic;
use crate::digest::sha256_hex;
use crate::pipeline::codegen::Job;
use crate::pipeline::executor::ItemOutcome;
use crate::report::summary::{self, ContractResult, Status};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Splits the parse run's items into contracts to generate and results that
/// are final already (unchanged, another shard's, failed, duplicates).
pub(super) fn sort_parsed(
    items: Vec<ItemOutcome<Job>>,
    duplicates: &[Diagnostic],
    stop: bool,
    shard: Option<Shard>,
) -> (Vec<ContractResult>, Vec<Job>) {
    let duplicate_files: HashSet<&PathBuf> = duplicates.iter().map(|d| &d.file).collect();
    let mut results = Vec::new();
    let mut good = Vec::new();
    for outcome in items {
        match outcome {
            ItemOutcome::Completed(job) if !in_shard(job.package.as_deref(), shard) => {
                results.push(ContractResult::new(job, Status::OtherShard, None));
            }
            ItemOutcome::Completed(mut job) if duplicate_files.contains(&job.path) => {
                job.diagnostics
                    .extend(duplicates.iter().filter(|d| d.file == job.path).cloned());
                let failure = Some(("parse".to_owned(), "duplicate node name".to_owned()));
                results.push(ContractResult::new(job, Status::Failed, failure));
            }
            ItemOutcome::Completed(job) if job.fresh => {
                results.push(ContractResult::new(job, Status::Unchanged, None));
            }
            ItemOutcome::Completed(job) if job.skipped => {
                results.push(ContractResult::new(job, Status::Skipped, None));
            }
            ItemOutcome::Completed(job) if stop => {
                results.push(ContractResult::new(
                    job,
                    Status::Failed,
                    Some(summary::stopped_early()),
                ));
            }
            ItemOutcome::Completed(job) => good.push(job),
            other => results.push(ContractResult::from_outcome(other)),
        }
    }
    (results, good)
}

/// Names used by more than one contract: parsed ones by the loader's rule,
/// and any parsed contract reusing the name of an unchanged (unparsed) one.
pub(super) fn duplicate_names(items: &[ItemOutcome<Job>]) -> Vec<Diagnostic> {
    let parsed: Vec<&contract::Contract> = items
        .iter()
        .filter_map(|o| match o {
            ItemOutcome::Completed(job) => job.contract.as_ref(),
            _ => None,
        })
        .collect();
    let mut found = contract::check_duplicates(&parsed);
    let mut first: HashMap<&str, &PathBuf> = HashMap::new();
    for job in items.iter().filter_map(|o| match o {
        ItemOutcome::Completed(job) => Some(job),
        _ => None,
    }) {
        let Some(name) = job.package.as_deref() else {
            continue;
        };
        match first.get(name) {
            Some(other) if !found.iter().any(|d| d.file == job.path) => {
                let message = format!("node name '{name}' is already used by {}", other.display());
                found.push(
                    Diagnostic::error(&job.path, message)
                        .with_help("give each contract its own `name`"),
                );
            }
            Some(_) => {}
            None => {
                first.insert(name, &job.path);
            }
        }
    }
    found.sort_by(|a, b| (&a.file, a.position).cmp(&(&b.file, b.position)));
    found.dedup_by(|a, b| a.file == b.file && a.message == b.message);
    found
}

/// Whether a package name falls into `shard` (all do without one): a stable
/// hash of the name, so every contract lands in exactly one shard.
pub(super) fn in_shard(name: Option<&str>, shard: Option<Shard>) -> bool {
    let (Some(name), Some(shard)) = (name, shard) else {
        return true;
    };
    let digest = sha256_hex(name.as_bytes());
    let value = u64::from_str_radix(&digest[..16], 16).unwrap_or(0);
    value % u64::from(shard.count) == u64::from(shard.index - 1)
}
