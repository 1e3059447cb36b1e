//! Everything that touches the output directory: the per-package manifest,
//! planning and committing packages atomically, the lock that keeps two runs
//! apart, orphans, and unified diffs for `--diff`.

pub mod diff;
pub mod findings;
pub mod formatter;
pub mod lock;
pub mod manifest;
pub mod package;
pub mod retry;
pub mod safe;

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Position};

pub use lock::OutputLock;
pub use manifest::{Generator, MANIFEST_FILE, PackageManifest};
pub use package::{FileAction, PackagePlan, PlanOptions, PlannedFile, Staged, commit, plan, stage};
pub use retry::IoRetries;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: the output directory is a file, not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{path}: two generated files share this path")]
    DuplicatePath { path: PathBuf },
    #[error("{path}: {}", locked_message(*.pid))]
    Locked { path: PathBuf, pid: Option<u32> },
    #[error(
        "{path}: is a symbolic link; codegen never reads, writes, links or deletes through \
         a link below the output directory, so it leaves this alone"
    )]
    Symlink { path: PathBuf },
    #[error(
        "{path}: is {what} where a regular file belongs; codegen neither reads nor replaces it"
    )]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("{path}: leads out of the package directory; codegen only touches paths inside it")]
    OutsidePackage { path: PathBuf },
    #[error(
        "{manifest}: the `files` entry {key:?} is {reason}; codegen only touches plain relative \
         paths inside the package, so it leaves this package untouched"
    )]
    UnsafeEntry {
        manifest: PathBuf,
        key: String,
        reason: &'static str,
        position: Option<Position>,
        source_text: String,
    },
    #[error("{path}: the manifest is unreadable: {reason}")]
    CorruptManifest {
        path: PathBuf,
        reason: String,
        position: Option<Position>,
        source_text: String,
    },
    #[error(
        "{path}: stands where the package needs a directory; codegen does not replace it: \
         move it away, then run again"
    )]
    InTheWay { path: PathBuf },
    #[error("{path}: {action}: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl OutputError {
    /// The error as a diagnostic: located in the file it is about (at the
    /// offending key of a manifest), with what to do about it.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            OutputError::Symlink { path } => Diagnostic::error(
                path,
                format!(
                    "is a symbolic link; codegen never reads, writes, links or deletes through \
                     a link below the output directory, so {}",
                    if in_state_dir(path) {
                        "this run writes nothing"
                    } else {
                        "it leaves this package untouched"
                    }
                ),
            )
            .with_help("replace the link with the real directory or file, or remove it"),
            OutputError::NotAFile { path, what } => Diagnostic::error(
                path,
                format!(
                    "is {what} where a regular file belongs; codegen neither reads nor replaces \
                     it, so {}",
                    if in_state_dir(path) {
                        "this run writes nothing"
                    } else {
                        "it leaves this package untouched"
                    }
                ),
            )
            .with_help("remove it, then run again"),
            OutputError::InTheWay { path } => Diagnostic::error(
                path,
                "stands where the package needs a directory; codegen does not replace it, so \
                 the package is not written",
            )
            .with_help("move it away, then run again"),
            OutputError::OutsidePackage { path } => Diagnostic::error(
                path,
                "leads out of the package directory; codegen only touches paths inside it",
            ),
            OutputError::UnsafeEntry {
                manifest,
                key,
                reason,
                position,
                source_text,
            } => {
                let d = Diagnostic::error(
                    manifest,
                    format!(
                        "the `files` entry {key:?} is {reason}; codegen only touches plain \
                         relative paths inside the package, so it leaves this package untouched"
                    ),
                )
                .with_help(
                    "restore the manifest from a run you trust (or delete it, and codegen \
                     treats every differing file as yours), then run again",
                );
                match position {
                    Some(p) => d.at_in(*p, source_text),
                    None => d,
                }
            }
            OutputError::CorruptManifest {
                path,
                reason,
                position,
                source_text,
            } => {
                let d = Diagnostic::error(path, format!("the manifest is unreadable: {reason}"));
                match position {
                    Some(p) => d.at_in(*p, source_text),
                    None => d,
                }
            }
            OutputError::Locked { path, pid } => Diagnostic::error(path, locked_message(*pid))
                .with_help("or write to another directory with -o DIR"),
            other => Diagnostic::error(other.path(), other.to_string()),
        }
    }

    /// The file or directory the error is about.
    pub fn path(&self) -> &Path {
        match self {
            OutputError::NotADirectory { path }
            | OutputError::DuplicatePath { path }
            | OutputError::Locked { path, .. }
            | OutputError::Symlink { path }
            | OutputError::NotAFile { path, .. }
            | OutputError::OutsidePackage { path }
            | OutputError::InTheWay { path }
            | OutputError::CorruptManifest { path, .. }
            | OutputError::Io { path, .. } => path,
            OutputError::UnsafeEntry { manifest, .. } => manifest,
        }
    }

    /// The errno name (`ENOSPC`, `EDQUOT`) when the error says the disk is full.
    pub fn disk_full(&self) -> Option<&'static str> {
        match self {
            OutputError::Io { source, .. } if retry::is_disk_full(source) => {
                Some(retry::disk_full_errno(source))
            }
            _ => None,
        }
    }

    pub(crate) fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
}

/// Why a writing run stops at a lock another run holds (`pid`, when it recorded one).
fn locked_message(pid: Option<u32>) -> String {
    let holder = pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default();
    format!(
        "another codegen run{holder} is writing to this output directory; wait for it to \
         finish, then run again"
    )
}

/// Whether `path` is the run's own `.codegen` or inside it.
fn in_state_dir(path: &Path) -> bool {
    path.components()
        .any(|c| c.as_os_str() == std::ffi::OsStr::new(package::STATE_DIR))
}

/// The file system holding a directory: the space left on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeSpace {
    /// Bytes an unprivileged writer may still use.
    pub available: u64,
    /// The unit it hands out space in.
    pub block: u64,
    /// The directory it is mounted on.
    pub mount: PathBuf,
}

/// The space left on the file system holding `dir`; `None` when it cannot
/// be told.
#[cfg(unix)]
pub fn free_space(dir: &Path) -> Option<FreeSpace> {
    use std::os::unix::fs::MetadataExt as _;
    let stat = rustix::fs::statvfs(dir).ok()?;
    let available = stat.f_bavail.saturating_mul(stat.f_frsize);
    // The mount point: the highest ancestor on the same device.
    let dir = absolute(dir);
    let device = fs::metadata(&dir).ok()?.dev();
    let mut mount = dir.clone();
    for ancestor in dir.ancestors().skip(1) {
        match fs::metadata(ancestor) {
            Ok(m) if m.dev() == device => mount = ancestor.to_path_buf(),
            _ => break,
        }
    }
    Some(FreeSpace {
        available,
        block: stat.f_frsize,
        mount,
    })
}

#[cfg(not(unix))]
pub fn free_space(_dir: &Path) -> Option<FreeSpace> {
    None
}

/// Checks that `out` is, or can become, a directory, and creates it.
pub fn prepare_output_dir(out: &Path) -> Result<(), OutputError> {
    if out.exists() && !out.is_dir() {
        return Err(OutputError::NotADirectory {
            path: out.to_path_buf(),
        });
    }
    fs::create_dir_all(out).map_err(|e| OutputError::io(out, "cannot create directory", e))
}

/// A package directory with a manifest, found in the output directory.
#[derive(Debug, Clone)]
pub struct ExistingPackage {
    pub name: String,
    pub dir: PathBuf,
    pub manifest: PackageManifest,
}

/// Every package under `out` that a run of ours wrote (it has a manifest),
/// except those named in `skip` (known to be current: their manifests are
/// not read); and, apart, the directories that look like ours but cannot be
/// trusted: a link to a directory with a manifest, a manifest that is
/// unreadable or names paths outside its package. Those are left untouched.
pub fn existing_packages(
    out: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> (Vec<ExistingPackage>, Vec<OutputError>) {
    let Ok(entries) = fs::read_dir(out) else {
        return (Vec::new(), Vec::new());
    };
    let mut found = Vec::new();
    let mut refused = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == package::STATE_DIR || skip(&name) {
            continue;
        }
        let dir = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() {
            // Looked at only to tell a package behind a link from any other link.
            if fs::metadata(dir.join(MANIFEST_FILE)).is_ok() {
                refused.push(OutputError::Symlink { path: dir });
            }
            continue;
        }
        if !kind.is_dir() {
            continue;
        }
        match PackageManifest::load(&dir) {
            Ok(Some(manifest)) => found.push(ExistingPackage {
                name,
                dir,
                manifest,
            }),
            Ok(None) => {}
            Err(e) => refused.push(e),
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    refused.sort_by(|a, b| a.path().cmp(b.path()));
    (found, refused)
}

/// `path` made absolute, symbolic links resolved where it exists.
pub fn absolute(path: &Path) -> PathBuf {
    fs::canonicalize(path)
        .unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(path))
}

/// `contract` as recorded in a manifest: relative to the output directory
/// (given as [`absolute`]) when possible.
pub fn contract_reference(out_absolute: &Path, contract: &Path) -> String {
    let contract_abs = absolute(contract);
    let relative = relative_path(out_absolute, &contract_abs).unwrap_or(contract_abs);
    package::slash_path(&relative)
}

/// Resolves a manifest's contract reference against the output directory.
pub fn resolve_contract(out: &Path, reference: &str) -> PathBuf {
    out.join(reference)
}

fn relative_path(from_dir: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<_> = from_dir.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for part in &to_parts[common..] {
        rel.push(part);
    }
    Some(rel)
}

/// Removes an orphaned package: files whose bytes are still the ones we
/// wrote go, the manifest goes, empty directories go; anything edited or
/// added by hand stays. Returns the files kept. Every listed file is looked
/// at before anything is removed: a link, a FIFO or a directory where a
/// listed file should be leaves the whole package untouched.
///
/// With `remove` false nothing is removed: the same checks tell a dry run
/// whether pruning would go ahead, and which files it would remove.
pub fn prune_package(package: &ExistingPackage, remove: bool) -> Result<Pruned, OutputError> {
    let Some(mut reader) = safe::PackageReader::open(&package.dir)? else {
        return Ok(Pruned::default());
    };
    let mut kept = Vec::new();
    let mut doomed = Vec::new();
    for (path, recorded) in &package.manifest.files {
        if let Some(reason) = safe::entry_problem(path) {
            return Err(OutputError::UnsafeEntry {
                manifest: package.dir.join(MANIFEST_FILE),
                key: path.clone(),
                reason,
                position: None,
                source_text: String::new(),
            });
        }
        let rel = Path::new(path);
        match reader.read(rel)? {
            Some(bytes) if crate::digest::sha256_hex(&bytes) == recorded.hash => doomed.push(rel),
            Some(_) => kept.push(package.dir.join(rel)),
            None => {}
        }
    }
    let mut removed: Vec<String> = doomed.iter().map(|rel| package::slash_path(rel)).collect();
    removed.push(MANIFEST_FILE.to_owned());
    if !remove {
        return Ok(Pruned { kept, removed });
    }
    for rel in doomed {
        reader.remove(rel)?;
    }
    reader.remove(Path::new(MANIFEST_FILE))?;
    drop(reader);
    remove_empty_dirs(&package.dir);
    Ok(Pruned { kept, removed })
}

/// What pruning an orphaned package does.
#[derive(Debug, Default)]
pub struct Pruned {
    /// Files edited or added by hand: they stay.
    pub kept: Vec<PathBuf>,
    /// Files removed (or, in a dry run, that would be), relative to the package.
    pub removed: Vec<String>,
}

/// The bytes of the file `rel` of the package at `dir`, read without
/// following a link; `None` when absent or refused.
pub fn read_package_file(dir: &Path, rel: &str) -> Option<Vec<u8>> {
    if safe::entry_problem(rel).is_some() {
        return None;
    }
    safe::PackageReader::open(dir)
        .ok()
        .flatten()?
        .read(Path::new(rel))
        .ok()
        .flatten()
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&entry.path());
            }
        }
    }
    // Fails, as it should, when the directory still holds something.
    let _ = fs::remove_dir(dir);
}

/// Where earlier runs recorded which contract produced which package.
fn index_path(out: &Path) -> PathBuf {
    out.join(package::STATE_DIR).join("index.json")
}

/// What earlier runs recorded: contract reference → package name.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: std::collections::BTreeMap<String, String>,
    /// Why the file on disk was not taken as it is (unreadable, a link, an
    /// entry that is no package name): each is a warning, and a writing run
    /// replaces the file.
    pub problems: Vec<Diagnostic>,
}

/// The index as the last writing run left it. It is a cache: what cannot be
/// trusted in it is dropped with a warning (the contracts concerned are
/// parsed again), never followed.
pub fn read_index(out: &Path) -> Index {
    let path = index_path(out);
    let mut index = Index::default();
    let dropped = "ignored: every contract is parsed again, and a writing run replaces the index";
    let bytes = match safe::check_real_dir(&out.join(package::STATE_DIR))
        .and_then(|()| safe::read_state_file(&path))
    {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return index,
        Err(e) => {
            let what = match &e {
                OutputError::Symlink { .. } => "is a symbolic link, not followed".to_owned(),
                OutputError::NotAFile { what, .. } => format!("is {what}, not read"),
                OutputError::NotADirectory { .. } => "is not a directory".to_owned(),
                other => other.to_string(),
            };
            index.problems.push(Diagnostic::warning(
                e.path(),
                format!("{what}; the index is {dropped}"),
            ));
            return index;
        }
    };
    let entries: std::collections::BTreeMap<String, String> = match serde_json::from_slice(&bytes) {
        Ok(entries) => entries,
        Err(e) => {
            index.problems.push(
                Diagnostic::warning(&path, format!("the index is unreadable ({e}); {dropped}"))
                    .at(Position::new(e.line(), e.column())),
            );
            return index;
        }
    };
    for (reference, name) in entries {
        match safe::package_name_problem(&name) {
            None => {
                index.entries.insert(reference, name);
            }
            Some(reason) => index.problems.push(Diagnostic::warning(
                &path,
                format!(
                    "the entry for {reference:?} names {name:?}, which is {reason}, not the name \
                     of a package directory; the entry is ignored and a writing run drops it"
                ),
            )),
        }
    }
    index
}

/// Replaces the index atomically (temporary file, then rename).
pub fn write_index(
    out: &Path,
    index: &std::collections::BTreeMap<String, String>,
) -> Result<(), OutputError> {
    let mut text = serde_json::to_string_pretty(index).unwrap_or_default();
    text.push('\n');
    write_file_atomically(&index_path(out), text.as_bytes())
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename,
/// so a reader sees the old file or the new one, never a part. The temporary
/// file is created new (a link left at its name is removed, not followed).
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write as _;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(name);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .map_err(|e| OutputError::io(parent, "cannot create directory", e))?;
    }
    let _ = fs::remove_file(&tmp);
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            OutputError::io(&tmp, "cannot write", e)
        })?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        OutputError::io(path, "cannot write", e)
    })
}

/// Checks the run's own corner of the output directory before it is used:
/// `.codegen` and `.codegen/staging` are real directories (or absent), never
/// links, so the lock, the index and the staging area stay inside `out`.
pub fn check_state_dir(out: &Path) -> Result<(), OutputError> {
    let state = out.join(package::STATE_DIR);
    safe::check_real_dir(&state)?;
    safe::check_real_dir(&state.join("staging"))
}

#[cfg(test)]
mod tests;
