//! The formatting hook (`[generate] format-command`): which files of a
//! package the user's formatter is given, and one run of it over the files
//! of every package of the batch, while those packages are still in staging.

use std::path::PathBuf;
use std::process::Command;

use crate::diagnostics::Diagnostic;
use crate::output::package::{FileAction, PackagePlan};

/// The Python files (`*.py`, `*.pyi`) the plan creates or updates, relative
/// to the package: the files the formatter is given (a formatter handed
/// `contract.yaml` would fail on it; unchanged files were formatted when
/// they were written, kept and hand-edited ones are the user's).
pub fn files_to_format(plan: &PackagePlan) -> Vec<PathBuf> {
    plan.files
        .iter()
        .filter(|file| {
            file.path
                .extension()
                .is_some_and(|e| e == "py" || e == "pyi")
                && matches!(file.action, FileAction::Created | FileAction::Updated)
        })
        .map(|file| file.path.clone())
        .collect()
}

/// Runs `command` with `files` appended to its arguments; a program that
/// cannot start or a non-zero exit is the error (with the formatter's
/// standard error).
pub fn run(command: &[String], files: &[PathBuf]) -> Result<(), Box<Diagnostic>> {
    let Some((program, arguments)) = command.split_first() else {
        return Ok(());
    };
    if files.is_empty() {
        return Ok(());
    }
    let shown = command.join(" ");
    tracing::info!(command = %shown, files = files.len(), "running the format command");
    let output = Command::new(program)
        .args(arguments)
        .args(files)
        .output()
        .map_err(|error| {
            let message = if error.kind() == std::io::ErrorKind::NotFound {
                format!("format command `{shown}`: program `{program}` not found")
            } else {
                format!("format command `{shown}` could not start: {error}")
            };
            Box::new(
                Diagnostic::error(program, message)
                    .with_help("install it, or change `format-command` in [generate]"),
            )
        })?;
    if output.status.success() {
        return Ok(());
    }
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
    Err(Box::new(Diagnostic::error(program, message).with_help(
        "no package of this run was written: fix the formatter (or what it rejects), then run \
         again",
    )))
}
