//! The formatting hook (`[generate] format-command`): which files of a
//! package the user's formatter is given, and one run of it over the files
//! of every package of the batch, while those packages are still in staging.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

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

/// Why the format command did not do its job.
#[derive(Debug)]
pub struct HookFailure {
    pub diagnostic: Box<Diagnostic>,
    /// It ran past its time limit and was stopped.
    pub timed_out: bool,
}

impl HookFailure {
    fn failed(diagnostic: Diagnostic) -> Self {
        Self {
            diagnostic: Box::new(diagnostic),
            timed_out: false,
        }
    }
}

/// Runs `command` with `files` appended to its arguments; a program that
/// cannot start, a non-zero exit (with the formatter's standard error) or a
/// run longer than `limit` (the program is killed) is the error.
pub fn run(command: &[String], files: &[PathBuf], limit: Duration) -> Result<(), HookFailure> {
    let Some((program, arguments)) = command.split_first() else {
        return Ok(());
    };
    if files.is_empty() {
        return Ok(());
    }
    let shown = command.join(" ");
    tracing::info!(command = %shown, files = files.len(), "running the format command");
    let mut child = Command::new(program)
        .args(arguments)
        .args(files)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| {
            let message = if error.kind() == std::io::ErrorKind::NotFound {
                format!("format command `{shown}`: program `{program}` not found")
            } else {
                format!("format command `{shown}` could not start: {error}")
            };
            HookFailure::failed(
                Diagnostic::error(program, message)
                    .with_help("install it, or change `format-command` in [generate]"),
            )
        })?;
    // Read standard error aside, so a formatter that says a lot never blocks on the pipe.
    let reader = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            text
        })
    });
    // The child is watched from a thread of its own, so this thread blocks on a
    // channel (not in a sleep) until it exits or the limit passes; asked to stop,
    // the watcher kills it and reaps it.
    let stop = Arc::new(AtomicBool::new(false));
    let (done, exited) = mpsc::channel();
    let watcher = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Some(status),
                    Ok(None) if stop.load(Ordering::Relaxed) => break None,
                    Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                    Err(_) => break None,
                }
            };
            if status.is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
            let _ = done.send(status);
        })
    };
    let status = if let Ok(status) = exited.recv_timeout(limit) {
        status
    } else {
        stop.store(true, Ordering::Relaxed);
        let _ = watcher.join();
        None
    };
    let Some(status) = status else {
        return Err(HookFailure {
            diagnostic: Box::new(
                Diagnostic::error(
                    program,
                    format!(
                        "format command `{shown}` did not finish within {} s: stopped",
                        limit.as_secs_f64()
                    ),
                )
                .with_help(
                    "no package of this run was written: find what the formatter waits for, or \
                     give it longer with --step-timeout",
                ),
            ),
            timed_out: true,
        });
    };
    let stderr = reader
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&stderr);
    let detail = stderr.trim();
    let status = status
        .code()
        .map_or_else(|| "a signal".to_owned(), |c| format!("status {c}"));
    let mut message = format!("format command `{shown}` failed with {status}");
    if !detail.is_empty() {
        message = format!("{message}:\n{detail}");
    }
    Err(HookFailure::failed(
        Diagnostic::error(program, message).with_help(
            "no package of this run was written: fix the formatter (or what it rejects), then run \
         again",
        ),
    ))
}
