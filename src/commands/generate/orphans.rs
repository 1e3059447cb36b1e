//! Packages in the output that no contract generates any more (orphans):
//! found, reported, and pruned with `--prune`; and the output's index of
//! packages, rewritten from what the run generated.

use super::parsed::in_shard;
use crate::cli::Shard;
use crate::config::GenerateSettings;
use crate::diagnostics::Diagnostic;
use crate::output::{self, ExistingPackage};
use crate::pipeline::codegen::{Context, Mode};
use crate::report::summary::{ContractResult, Orphan, Status};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// A directory of the output that looks like a package of ours but is not
/// taken as one: an error, except an unreadable manifest (a warning: the
/// directory is simply not ours to settle).
pub(super) fn refused_package(out: &Path, e: &output::OutputError) -> Diagnostic {
    let mut d = e.diagnostic();
    if let output::OutputError::CorruptManifest { .. } = e {
        d.severity = crate::diagnostics::Severity::Warning;
        d.message.push_str(
            "; no contract produces this package, and without its manifest codegen cannot \
             tell what it wrote there, so the directory is left as it is",
        );
        d = d.with_help(
            "restore the manifest from version control, or remove the directory if it is no \
             longer wanted",
        );
    } else if matches!(e, output::OutputError::Symlink { path } if path.parent() == Some(out)) {
        "is a symbolic link to a directory with a codegen manifest; codegen never prunes, \
         writes or reads a package through a link, so it leaves it alone"
            .clone_into(&mut d.message);
    }
    d
}

/// Packages a run of ours wrote whose contract is gone, or whose contract now
/// produces another package; and the directories refused as packages.
pub(super) fn find_orphans(
    out: &std::path::Path,
    results: &[ContractResult],
    shard: Option<Shard>,
) -> (Vec<ExistingPackage>, Vec<output::OutputError>) {
    let produced: HashMap<String, Option<&str>> = results
        .iter()
        .map(|r| (r.job.reference.clone(), r.job.package.as_deref()))
        .collect();
    // A package this run produced from the contract its manifest names is current.
    let current: HashSet<&str> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Generated | Status::Unchanged))
        .filter_map(|r| r.job.package.as_deref())
        .collect();
    let (found, refused) = output::existing_packages(out, &|name| current.contains(name));
    let orphans = found
        .into_iter()
        .filter(|p| in_shard(Some(&p.name), shard))
        .filter(|p| match produced.get(&p.manifest.contract) {
            Some(Some(name)) => *name != p.name,
            Some(None) => false,
            None => !output::resolve_contract(out, &p.manifest.contract).exists(),
        })
        .collect();
    // A refused directory that this run's contracts name was reported by the
    // package stage already.
    let named: HashSet<&str> = results
        .iter()
        .filter_map(|r| r.job.package.as_deref())
        .collect();
    let refused = refused
        .into_iter()
        .filter(|e| {
            let name = e
                .path()
                .strip_prefix(out)
                .ok()
                .and_then(|p| p.components().next())
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            !name.as_deref().is_some_and(|n| named.contains(n)) && in_shard(name.as_deref(), shard)
        })
        .collect();
    (orphans, refused)
}

/// Finds the orphans (and the directories refused as packages) and settles
/// each: pruned, or reported.
pub(super) fn settle_orphans(
    args: &GenerateSettings,
    mode: Mode,
    results: &[ContractResult],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Orphan> {
    let (orphans, refused) = find_orphans(&args.output, results, args.shard);
    problems.extend(refused.iter().map(|e| refused_package(&args.output, e)));
    orphans
        .iter()
        .map(|package| settle_orphan(package, mode, args.prune, problems))
        .collect()
}

pub(super) fn settle_orphan(
    package: &ExistingPackage,
    mode: Mode,
    prune: bool,
    problems: &mut Vec<Diagnostic>,
) -> Orphan {
    let mut orphan = Orphan::new(package);
    if mode != Mode::Write && prune {
        // What --prune would meet: a refusal is reported, and nothing is
        // listed as deleted; else the files it would remove are listed.
        match output::prune_package(package, false) {
            Ok(pruned) => orphan.files = pruned.removed,
            Err(e) => {
                orphan.refused = true;
                problems.push(e.diagnostic());
            }
        }
    } else if mode == Mode::Write && prune {
        match output::prune_package(package, true) {
            Ok(pruned) => {
                orphan.pruned = true;
                orphan.files = pruned.removed;
                for file in pruned.kept {
                    problems.push(Diagnostic::warning(
                        &file,
                        "kept: edited by hand, so --prune leaves it for you",
                    ));
                }
            }
            Err(e) => {
                orphan.refused = true;
                problems.push(e.diagnostic());
            }
        }
    } else if mode == Mode::Write {
        problems.push(
            Diagnostic::warning(
                &package.dir,
                format!(
                    "orphaned: its contract {} is gone",
                    package.manifest.contract
                ),
            )
            .with_help("run with --prune to remove it"),
        );
    }
    orphan
}

pub(super) fn update_index(
    ctx: &Context,
    results: &[ContractResult],
    orphans: &[Orphan],
    problems: &mut Vec<Diagnostic>,
) {
    let mut index: BTreeMap<String, String> = ctx.index.clone();
    let pruned: HashSet<&str> = orphans
        .iter()
        .filter(|o| o.pruned)
        .map(|o| o.package.as_str())
        .collect();
    index.retain(|_, name| !pruned.contains(name.as_str()));
    for result in results {
        if let (Some(name), Status::Generated | Status::Unchanged) =
            (&result.job.package, result.status)
        {
            index.insert(result.job.reference.clone(), name.clone());
        }
    }
    if (index != ctx.index || ctx.index_dirty)
        && let Err(e) = output::write_index(&ctx.out, &index)
    {
        problems.push(Diagnostic::warning(&ctx.out, e.to_string()));
    }
}
