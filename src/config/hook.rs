//! The post-generation formatting hook (`[generate] format-command`): one run
//! of the user's formatter over the Python files this batch created or updated, then
//! the package manifests re-hashed, so the formatted bytes count as ours and
//! the next run does not take them for hand edits.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostics::Diagnostic;
use crate::output::manifest::{MANIFEST_FILE, PackageManifest, sha256_hex};
use crate::output::package::{FileAction, slash_path};
use crate::report::summary::{ContractResult, Status};

/// Runs `command` on the Python files written by this batch (a formatter
/// handed `contract.yaml` would fail on it), appending any problem to `problems`.
pub fn run(command: &[String], results: &[ContractResult], problems: &mut Vec<Diagnostic>) {
    let Some((program, arguments)) = command.split_first() else {
        return;
    };
    let mut files = Vec::new();
    let mut packages = BTreeSet::new();
    for result in results.iter().filter(|r| r.status == Status::Generated) {
        let Some(plan) = &result.job.plan else {
            continue;
        };
        if plan.conflicts().next().is_some() {
            continue;
        }
        for file in &plan.files {
            let python = file
                .path
                .extension()
                .is_some_and(|e| e == "py" || e == "pyi");
            if python && matches!(file.action, FileAction::Created | FileAction::Updated) {
                files.push(plan.dir.join(&file.path));
                packages.insert(plan.dir.clone());
            }
        }
    }
    if files.is_empty() {
        return;
    }
    let shown = command.join(" ");
    tracing::info!(command = %shown, files = files.len(), "running the format command");
    let output = match Command::new(program).args(arguments).args(&files).output() {
        Ok(output) => output,
        Err(error) => {
            let message = if error.kind() == std::io::ErrorKind::NotFound {
                format!("format command `{shown}`: program `{program}` not found")
            } else {
                format!("format command `{shown}` could not start: {error}")
            };
            problems.push(
                Diagnostic::error(program, message)
                    .with_help("install it, or change `format-command` in [generate]"),
            );
            return;
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr.trim();
        let status = output
            .status
            .code()
            .map_or_else(|| "a signal".to_owned(), |c| format!("status {c}"));
        let mut message = format!("format command `{shown}` failed with {status}");
        if !detail.is_empty() {
            message = format!("{message}:\n{detail}");
        }
        problems.push(Diagnostic::error(program, message));
    }
    // Whatever the formatter managed to rewrite is on disk now: record those bytes.
    for dir in &packages {
        if let Err(problem) = rehash(dir) {
            problems.push(*problem);
        }
    }
}

/// Re-reads every file the manifest of `dir` lists and records its current hash.
fn rehash(dir: &Path) -> Result<(), Box<Diagnostic>> {
    let Some(mut manifest) = PackageManifest::read(dir) else {
        return Ok(());
    };
    let mut changed = false;
    for (path, file) in &mut manifest.files {
        let full: PathBuf = dir.join(path);
        if let Ok(bytes) = std::fs::read(&full) {
            let hash = sha256_hex(&bytes);
            if hash != file.hash {
                file.hash = hash;
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(());
    }
    let target = dir.join(MANIFEST_FILE);
    let temporary = dir.join(format!("{MANIFEST_FILE}.{}", std::process::id()));
    std::fs::write(&temporary, manifest.to_json())
        .and_then(|()| std::fs::rename(&temporary, &target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            Box::new(Diagnostic::error(
                &target,
                format!("cannot update the manifest after formatting: {e}"),
            ))
        })?;
    tracing::debug!(package = %slash_path(dir), "manifest re-hashed after formatting");
    Ok(())
}
