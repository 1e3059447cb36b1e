//! What a run changed, or would change under `--check` / `--dry-run`: one line
//! per file with its reason, and the diff when asked for.

use super::Report;
use crate::diagnostics::Diagnostic;
use crate::output::{self, FileAction};
use crate::pipeline::codegen::Mode;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub(super) fn action_word(action: FileAction) -> &'static str {
    match action {
        FileAction::Created => "created",
        FileAction::Updated => "updated",
        FileAction::Unchanged => "unchanged",
        FileAction::Kept => "kept",
        FileAction::HandEdited => "hand-edited",
        FileAction::Stale => "orphaned",
        FileAction::Deleted => "deleted",
        FileAction::Blocked => "blocked",
        FileAction::Failed => "failed",
    }
}

/// How the text summary counts each action: files of a package that was not
/// written say why.
pub(super) fn summary_word(action: FileAction) -> &'static str {
    match action {
        FileAction::Blocked => "not written (blocked by a hand edit)",
        FileAction::Failed => "not written (the write failed)",
        other => action_word(other),
    }
}

/// What `--dry-run` says writing would do to a file.
pub(super) fn dry_run_word(action: FileAction) -> &'static str {
    match action {
        FileAction::Created => "create",
        FileAction::Updated => "update",
        FileAction::HandEdited => "hand-edited",
        FileAction::Blocked => "blocked",
        FileAction::Deleted => "delete",
        FileAction::Failed => "failed",
        FileAction::Unchanged | FileAction::Kept | FileAction::Stale => "unchanged",
    }
}

/// One line of the `--check` / `--dry-run` list: `--check` names the reason
/// (`missing path`), `--dry-run` the action and the reason
/// (`create path (missing)`).
pub(super) fn change_line(
    out: &mut String,
    mode: Mode,
    action: FileAction,
    reason: &str,
    path: &Path,
) {
    let _ = if mode == Mode::DryRun {
        writeln!(
            out,
            "{} {} ({reason})",
            dry_run_word(action),
            path.display()
        )
    } else {
        writeln!(out, "{reason} {}", path.display())
    };
}

/// A file a writing run would change or refuse to, and where its bytes are for the diff.
pub(super) struct Change<'a> {
    pub(super) action: FileAction,
    pub(super) reason: &'static str,
    pub(super) path: PathBuf,
    pub(super) bytes: ChangeBytes<'a>,
}

pub(super) enum ChangeBytes<'a> {
    /// A file of a planned package: the bytes on disk and the new ones.
    Planned(&'a output::PlannedFile),
    /// A file of an orphaned package, read when diffed.
    Orphaned(&'a Path, &'a str),
    /// The manifest: not diffed.
    Manifest,
}

/// Every file a writing run with the same flags would change or refuse, in report order:
/// what `--check` and `--dry-run` list.
pub(super) fn changes(report: &Report) -> Vec<Change<'_>> {
    let mut changes = Vec::new();
    for plan in report.results.iter().filter_map(|r| r.job.plan.as_ref()) {
        for file in plan.files.iter().filter(|f| f.action.is_out_of_date()) {
            changes.push(Change {
                action: file.action,
                reason: plan.reason(file),
                path: plan.dir.join(&file.path),
                bytes: ChangeBytes::Planned(file),
            });
        }
        if plan.manifest_changed {
            let action = if plan.conflicts().next().is_some() {
                FileAction::Blocked
            } else if plan.manifest_missing {
                FileAction::Created
            } else {
                FileAction::Updated
            };
            changes.push(Change {
                action,
                reason: plan.manifest_reason(),
                path: plan.dir.join(output::MANIFEST_FILE),
                bytes: ChangeBytes::Manifest,
            });
        }
    }
    for orphan in report.orphans.iter().filter(|_| report.prune) {
        for file in &orphan.files {
            changes.push(Change {
                action: if orphan.refused {
                    FileAction::Blocked
                } else {
                    FileAction::Deleted
                },
                reason: "orphaned",
                path: orphan.dir.join(file),
                bytes: ChangeBytes::Orphaned(&orphan.dir, file),
            });
        }
    }
    changes
}

/// `--check` / `--dry-run`: one line per file a writing run would change or
/// refuse, the same files for both, and with `diff` the unified diffs.
pub fn render_changes(report: &Report, diff: bool) -> String {
    let mut out = String::new();
    for change in changes(report) {
        change_line(
            &mut out,
            report.mode,
            change.action,
            change.reason,
            &change.path,
        );
        if !diff {
            continue;
        }
        let name = output::package::slash_path(&change.path);
        match change.bytes {
            ChangeBytes::Planned(file) => out.push_str(&output::diff::unified(
                &name,
                file.on_disk.as_deref(),
                file.contents
                    .as_deref()
                    .filter(|_| !matches!(file.action, FileAction::Stale | FileAction::Deleted)),
            )),
            ChangeBytes::Orphaned(dir, file) => {
                if let Some(bytes) = output::read_package_file(dir, file) {
                    out.push_str(&output::diff::unified(&name, Some(&bytes), None));
                }
            }
            ChangeBytes::Manifest => {}
        }
    }
    out
}

/// `--check` for the CI formats: an error for each file that is out of date, with
/// the reason it is listed for (`missing: run codegen generate`).
pub(super) fn out_of_date_findings(report: &Report) -> Vec<Diagnostic> {
    if report.mode != Mode::Check {
        return Vec::new();
    }
    changes(report)
        .into_iter()
        .map(|change| {
            Diagnostic::error(
                change.path,
                format!("{}: run codegen generate", change.reason),
            )
        })
        .collect()
}
