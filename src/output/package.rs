//! Planning and committing one package. The plan compares what was rendered
//! with the disk and the old manifest (create, update, unchanged, kept,
//! hand-edited, stale). The commit builds the whole new package in a staging
//! directory (unchanged and user-owned files hard-linked, so their inodes and
//! mtimes stay) and swaps it with the old one in a single `renameat2`
//! exchange: at every instant the package is fully old or fully new.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::OutputError;
use super::manifest::{MANIFEST_FILE, ManifestFile, Owner, PackageManifest};
use super::retry::{IoRetries, attempt};
use super::safe::{self, PackageReader};
use crate::diagnostics::Diagnostic;
use crate::digest::sha256_hex;
use crate::render::{GeneratedFile, Ownership};

/// Where staging directories and the lock live, inside the output directory.
pub const STATE_DIR: &str = ".codegen";

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileAction {
    /// Not on disk: written.
    Created,
    /// On disk with the bytes we wrote last time: replaced.
    Updated,
    /// Already these bytes: not touched.
    Unchanged,
    /// A user-owned scaffold that exists: left alone.
    Kept,
    /// Differs from what we wrote last time: edited by hand, not overwritten.
    HandEdited,
    /// Written by an earlier run, no longer produced, bytes as we wrote them.
    Stale,
    /// A stale file removed by `--prune`.
    Deleted,
    /// Would have been written or deleted, but a hand-edited file of the same
    /// package blocks the whole package: not touched.
    Blocked,
    /// Would have been written or deleted, but writing the package failed:
    /// not touched (the package stays as it was).
    Failed,
}

impl FileAction {
    /// Whether writing would change this file or refuse to: what `--check`
    /// lists. A stale file without `--prune` is left as it is, so it is not.
    pub fn is_out_of_date(self) -> bool {
        matches!(
            self,
            FileAction::Created
                | FileAction::Updated
                | FileAction::HandEdited
                | FileAction::Deleted
                | FileAction::Blocked
                | FileAction::Failed
        )
    }
}

/// One file of a package plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedFile {
    /// Relative to the package directory.
    pub path: PathBuf,
    pub action: FileAction,
    /// What we would write (absent for stale files).
    #[serde(skip)]
    pub contents: Option<String>,
    /// What is on disk now, when it matters for a diff.
    #[serde(skip)]
    pub on_disk: Option<Vec<u8>>,
    /// A generated file whose bytes differ from what the manifest says we
    /// wrote: edited by hand (kept so when `--force` makes it an update).
    #[serde(skip)]
    pub edited: bool,
    /// What the plan was before the package was found unwritable
    /// ([`PackagePlan::not_written`]).
    #[serde(skip)]
    pub planned: Option<FileAction>,
}

/// Why a package's generated files differ from what this run renders,
/// from its old manifest: what changed since it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// No (readable) manifest: nothing to compare with.
    Unknown,
    ContractChanged,
    TemplatesChanged,
    /// Same contract, same templates: the generator renders them otherwise.
    GeneratorChanged,
}

impl Staleness {
    pub fn as_str(self) -> &'static str {
        match self {
            Staleness::Unknown => "stale",
            Staleness::ContractChanged => "stale: contract changed",
            Staleness::TemplatesChanged => "stale: templates changed",
            Staleness::GeneratorChanged => "stale: generator changed",
        }
    }
}

/// How to treat hand edits and stale files.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Overwrite hand-edited files.
    pub force: bool,
    /// Delete stale files whose bytes are still ours.
    pub prune: bool,
}

/// The plan for one package, and the manifest it would leave.
#[derive(Debug, Clone)]
pub struct PackagePlan {
    pub dir: PathBuf,
    pub files: Vec<PlannedFile>,
    pub manifest: PackageManifest,
    /// The old manifest's bytes differ from the new one's.
    pub manifest_changed: bool,
    /// There was no readable manifest before.
    pub manifest_missing: bool,
    /// What changed since the package was written.
    pub staleness: Staleness,
    /// What the plan had to work around (an unreadable old manifest).
    pub warnings: Vec<Diagnostic>,
}

impl PackagePlan {
    /// Hand-edited files that block the commit (none when forced).
    pub fn conflicts(&self) -> impl Iterator<Item = &PlannedFile> {
        self.files
            .iter()
            .filter(|f| f.action == FileAction::HandEdited)
    }

    /// Whether writing would change the package (files or manifest) or refuse to.
    pub fn is_out_of_date(&self) -> bool {
        self.manifest_changed || self.files.iter().any(|f| f.action.is_out_of_date())
    }

    /// What `--check` calls a file writing would change or refuse.
    pub fn reason(&self, file: &PlannedFile) -> &'static str {
        match file.planned.unwrap_or(file.action) {
            FileAction::Created => "missing",
            FileAction::HandEdited => "modified",
            _ if file.edited => "modified",
            FileAction::Deleted | FileAction::Stale => "orphaned",
            _ => self.staleness.as_str(),
        }
    }

    /// What `--check` calls the manifest when writing would replace it.
    pub fn manifest_reason(&self) -> &'static str {
        match self.staleness {
            _ if self.manifest_missing => "missing",
            Staleness::ContractChanged | Staleness::TemplatesChanged => self.staleness.as_str(),
            // Same inputs, other bytes: the manifest itself was edited, or
            // the files it lists changed.
            Staleness::Unknown | Staleness::GeneratorChanged => "modified",
        }
    }

    /// Records that the package was not written after all (`action` is
    /// [`FileAction::Blocked`] or [`FileAction::Failed`]): every file that
    /// would have been created, updated or deleted takes `action`.
    pub fn not_written(&mut self, action: FileAction) {
        for file in &mut self.files {
            if matches!(
                file.action,
                FileAction::Created | FileAction::Updated | FileAction::Deleted
            ) {
                file.planned = Some(file.action);
                file.action = action;
            }
        }
    }

    /// Whether committing would change anything on disk.
    pub fn changes_disk(&self) -> bool {
        self.manifest_changed
            || self.files.iter().any(|f| {
                matches!(
                    f.action,
                    FileAction::Created | FileAction::Updated | FileAction::Deleted
                )
            })
    }
}

/// The manifest a package directory holds: an entry outside the package is
/// an error; an unreadable manifest is read as none, with a warning saying so.
fn old_manifest(
    reader: &mut PackageReader,
) -> Result<(Option<PackageManifest>, Vec<Diagnostic>), OutputError> {
    match PackageManifest::load_from(reader) {
        Ok(old) => Ok((old, Vec::new())),
        Err(e @ OutputError::CorruptManifest { .. }) => {
            let mut d = e.diagnostic();
            d.severity = crate::diagnostics::Severity::Warning;
            d.message.push_str(
                "; read as if the package had none: a file whose bytes differ from what this \
                 run generates counts as edited by hand, and writing the package replaces the \
                 manifest",
            );
            let d = d.with_help(
                "restore the manifest from version control to keep its record, or let this run \
                 replace it",
            );
            Ok((None, vec![d]))
        }
        Err(e) => Err(e),
    }
}

/// The manifest key of a generated file: a plain relative path, used once.
fn new_key(dir: &Path, path: &Path, seen: &mut BTreeSet<String>) -> Result<String, OutputError> {
    let key = slash_path(path);
    if safe::entry_problem(&key).is_some() {
        return Err(OutputError::OutsidePackage {
            path: dir.join(path),
        });
    }
    if !seen.insert(key.clone()) {
        return Err(OutputError::DuplicatePath {
            path: dir.join(path),
        });
    }
    Ok(key)
}

/// Compares `files` with `dir` on disk and its old manifest; the plan takes
/// the rendered text over (no copy).
pub fn plan(
    dir: &Path,
    files: Vec<GeneratedFile>,
    mut manifest: PackageManifest,
    options: PlanOptions,
) -> Result<PackagePlan, OutputError> {
    // One look at the directory: a first run has nothing on disk to compare.
    // It is read without following links, and its old manifest is checked:
    // an entry outside the package is an error, an unreadable manifest is
    // read as no manifest (every differing file is then the user's).
    let mut reader = PackageReader::open(dir)?;
    let (old, warnings) = match reader.as_mut() {
        Some(reader) => old_manifest(reader)?,
        None => (None, Vec::new()),
    };
    let old_files = old.as_ref().map(|m| &m.files);
    let mut seen = BTreeSet::new();
    let mut planned = Vec::with_capacity(files.len());
    manifest.files.clear();
    for file in files {
        let key = new_key(dir, &file.path, &mut seen)?;
        let on_disk = match reader.as_mut() {
            Some(reader) => reader.read(&file.path)?,
            None => None,
        };
        let recorded = old_files.and_then(|m| m.get(&key));
        let owner = match file.ownership {
            Ownership::Generated => Owner::Generated,
            Ownership::Scaffold => Owner::User,
        };
        let (action, edited) = file_action(on_disk.as_deref(), &file, recorded, options.force);
        // A kept scaffold keeps the hash it was first written with: it is
        // the user's now. A file the format command changed keeps its record
        // while this run renders what it rendered then.
        let entry = match (action, recorded) {
            (FileAction::Kept, Some(r)) => ManifestFile { owner, ..r.clone() },
            (FileAction::Unchanged, Some(r)) if r.rendered.is_some() => r.clone(),
            _ => ManifestFile {
                hash: sha256_hex(file.contents.as_bytes()),
                owner,
                rendered: None,
            },
        };
        manifest.files.insert(key, entry);
        let keep_disk = matches!(action, FileAction::Updated | FileAction::HandEdited);
        planned.push(PlannedFile {
            path: file.path,
            action,
            contents: Some(file.contents),
            on_disk: if keep_disk { on_disk } else { None },
            edited,
            planned: None,
        });
    }
    for (key, recorded) in old_files.into_iter().flatten() {
        if seen.contains(key) || recorded.owner != Owner::Generated {
            continue;
        }
        let path = PathBuf::from(key);
        let Some(bytes) = reader
            .as_mut()
            .map(|r| r.read(&path))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        if sha256_hex(&bytes) != recorded.hash {
            continue; // edited since: the user's now
        }
        let action = if options.prune {
            FileAction::Deleted
        } else {
            FileAction::Stale
        };
        if action == FileAction::Stale {
            manifest.files.insert(key.clone(), recorded.clone());
        }
        planned.push(PlannedFile {
            path,
            action,
            contents: None,
            on_disk: Some(bytes),
            edited: false,
            planned: None,
        });
    }
    if options.force {
        for file in &mut planned {
            if file.action == FileAction::HandEdited {
                file.action = FileAction::Updated;
            }
        }
    }
    let (manifest_changed, staleness) = compare_manifests(old.as_ref(), &mut manifest);
    Ok(PackagePlan {
        dir: dir.to_path_buf(),
        files: planned,
        manifest,
        manifest_changed,
        manifest_missing: old.is_none(),
        staleness,
        warnings,
    })
}

/// What happens to a rendered file, and whether the bytes on disk are not
/// the ones the manifest says we wrote (edited by hand).
fn file_action(
    on_disk: Option<&[u8]>,
    file: &GeneratedFile,
    recorded: Option<&ManifestFile>,
    force: bool,
) -> (FileAction, bool) {
    match (on_disk, &file.ownership) {
        (None, _) => (FileAction::Created, false),
        (Some(_), Ownership::Scaffold) => (FileAction::Kept, false),
        (Some(bytes), Ownership::Generated) if bytes == file.contents.as_bytes() => {
            (FileAction::Unchanged, false)
        }
        // The formatted form of exactly what this run renders.
        (Some(bytes), Ownership::Generated)
            if recorded.is_some_and(|r| {
                r.owner == Owner::Generated
                    && r.rendered.as_deref() == Some(sha256_hex(file.contents.as_bytes()).as_str())
                    && r.hash == sha256_hex(bytes)
            }) =>
        {
            (FileAction::Unchanged, false)
        }
        (Some(bytes), Ownership::Generated) => {
            let ours = recorded
                .is_some_and(|r| r.owner == Owner::Generated && r.hash == sha256_hex(bytes));
            if ours || force {
                (FileAction::Updated, !ours)
            } else {
                (FileAction::HandEdited, true)
            }
        }
    }
}

/// Whether the new manifest differs from the old, and what changed since
/// the old one was written. The version that last changed the package stays
/// recorded while this run changes nothing else: another build (or release)
/// that renders the same bytes leaves the manifest as it is.
fn compare_manifests(
    old: Option<&PackageManifest>,
    manifest: &mut PackageManifest,
) -> (bool, Staleness) {
    if let Some(old) = old
        && old.tool_version != manifest.tool_version
        && (PackageManifest {
            tool_version: old.tool_version.clone(),
            ..manifest.clone()
        }) == *old
    {
        manifest.tool_version.clone_from(&old.tool_version);
    }
    let staleness = match old {
        None => Staleness::Unknown,
        Some(old) if old.contract_hash != manifest.contract_hash => Staleness::ContractChanged,
        Some(old) if old.template_hash != manifest.template_hash => Staleness::TemplatesChanged,
        Some(_) => Staleness::GeneratorChanged,
    };
    (old != Some(&*manifest), staleness)
}

/// Writes the plan: nothing when nothing changes; otherwise the new package is
/// built in a staging directory and swapped in whole. Transient errors met on
/// the way are retried and counted in `retries`.
pub fn commit(out: &Path, plan: &PackagePlan, retries: &mut IoRetries) -> Result<(), OutputError> {
    match stage(out, plan, retries)? {
        Some(staged) => staged.swap(retries),
        None => Ok(()),
    }
}

/// A package built whole in the staging area, not yet in place. Dropped
/// without [`Staged::swap`], it is removed and the package stays as it was.
#[derive(Debug)]
pub struct Staged {
    /// The new package, under `<out>/.codegen/staging/<pid>/<name>`.
    staging: PathBuf,
    /// Where it goes.
    dir: PathBuf,
    swapped: bool,
}

impl Staged {
    /// The directory holding the new package (its files keep their package
    /// paths below it, and it is named as the package is).
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Records the bytes now in staging for `files` (paths relative to the
    /// package) in `manifest`, and writes the staged manifest again: what a
    /// formatter made of the files is what the package holds.
    pub fn rehash(
        &self,
        manifest: &mut PackageManifest,
        files: &[PathBuf],
        retries: &mut IoRetries,
    ) -> Result<(), OutputError> {
        for rel in files {
            let full = self.staging.join(rel);
            let bytes = attempt(retries, &full, || fs::read(&full))
                .map_err(|e| OutputError::io(&full, "cannot read", e))?;
            if let Some(entry) = manifest.files.get_mut(&slash_path(rel)) {
                let formatted = sha256_hex(&bytes);
                if formatted != entry.hash {
                    entry.rendered = Some(std::mem::replace(&mut entry.hash, formatted));
                }
            }
        }
        write_file(
            &self.staging.join(MANIFEST_FILE),
            manifest.to_json().as_bytes(),
            retries,
        )
    }

    /// Puts the new package in place of the old, in one exchange.
    pub fn swap(mut self, retries: &mut IoRetries) -> Result<(), OutputError> {
        let swapped = swap_into_place(&self.staging, &self.dir, retries);
        self.swapped = swapped.is_ok();
        swapped
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.swapped {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Builds the new package in the staging area, or nothing (`None`) when the
/// plan changes nothing or a hand edit blocks it. On any error the staging
/// copy is removed: the package stays as it was.
pub fn stage(
    out: &Path,
    plan: &PackagePlan,
    retries: &mut IoRetries,
) -> Result<Option<Staged>, OutputError> {
    if plan.conflicts().next().is_some() || !plan.changes_disk() {
        return Ok(None);
    }
    let name = plan.dir.file_name().unwrap_or_default();
    // Named as the package is, so a formatter run on it sees the same module
    // names; the pid keeps it apart from what a killed run left.
    let staging = out
        .join(STATE_DIR)
        .join("staging")
        .join(std::process::id().to_string())
        .join(name);
    // The common case costs one mkdir; the others are a first package or a
    // leftover of a killed run with the same pid.
    match attempt(retries, &staging, || fs::create_dir(&staging)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            attempt(retries, &staging, || {
                fs::remove_dir_all(&staging).and_then(|()| fs::create_dir(&staging))
            })
            .map_err(|e| OutputError::io(&staging, "cannot create directory", e))?;
        }
        Err(_) => attempt(retries, &staging, || fs::create_dir_all(&staging))
            .map_err(|e| OutputError::io(&staging, "cannot create directory", e))?,
    }
    let staged = Staged {
        staging,
        dir: plan.dir.clone(),
        swapped: false,
    };
    build_staging(&staged.staging, plan, retries)?;
    Ok(Some(staged))
}

fn build_staging(
    staging: &Path,
    plan: &PackagePlan,
    retries: &mut IoRetries,
) -> Result<(), OutputError> {
    // Every directory the files need, made once, parents first (a sorted set
    // puts `a` before `a/b`), so writing a file is open, write, close.
    let dirs: BTreeSet<&Path> = plan
        .files
        .iter()
        .flat_map(|f| f.path.ancestors().skip(1))
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    for dir in dirs {
        let path = staging.join(dir);
        attempt(retries, &path, || fs::create_dir(&path))
            .or_else(|e| if path.is_dir() { Ok(()) } else { Err(e) })
            .map_err(|e| OutputError::io(&path, "cannot create directory", e))?;
    }
    let mut placed: BTreeMap<PathBuf, FileAction> = BTreeMap::new();
    for file in &plan.files {
        let target = staging.join(&file.path);
        match (file.action, &file.contents) {
            (FileAction::Created | FileAction::Updated, Some(contents)) => {
                write_file(&target, contents.as_bytes(), retries)?;
            }
            (FileAction::Unchanged | FileAction::Kept | FileAction::Stale, _) => {
                link_or_copy(&plan.dir.join(&file.path), &target, retries)?;
            }
            _ => {}
        }
        placed.insert(file.path.clone(), file.action);
    }
    // Everything else in the old package (the user's own files) comes along untouched.
    if plan.dir.is_dir() {
        carry_over(&plan.dir, &plan.dir, staging, &placed, retries)?;
    }
    write_file(
        &staging.join(MANIFEST_FILE),
        plan.manifest.to_json().as_bytes(),
        retries,
    )
}

/// The space the new files of `plan` take, its manifest included: what
/// building it in staging writes (the files it keeps are hard links), each
/// file rounded up to whole blocks of `block` bytes (none: not rounded).
pub fn bytes_to_write(plan: &PackagePlan, block: Option<u64>) -> u64 {
    let round = |len: usize| {
        let len = len as u64;
        match block.filter(|b| *b > 0) {
            Some(b) => len.div_ceil(b) * b,
            None => len,
        }
    };
    let files: u64 = plan
        .files
        .iter()
        .filter(|f| {
            matches!(
                f.planned.unwrap_or(f.action),
                FileAction::Created | FileAction::Updated
            )
        })
        .filter_map(|f| f.contents.as_ref().map(|c| round(c.len())))
        .sum();
    files + round(plan.manifest.to_json().len())
}

fn carry_over(
    root: &Path,
    dir: &Path,
    staging: &Path,
    placed: &BTreeMap<PathBuf, FileAction>,
    retries: &mut IoRetries,
) -> Result<(), OutputError> {
    let entries = attempt(retries, dir, || fs::read_dir(dir))
        .map_err(|e| OutputError::io(dir, "cannot read directory", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| OutputError::io(dir, "cannot read directory", e))?;
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if rel == Path::new(MANIFEST_FILE) || placed.contains_key(&rel) {
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|e| OutputError::io(&path, "cannot stat", e))?;
        let target = staging.join(&rel);
        if kind.is_dir() {
            attempt(retries, &target, || fs::create_dir_all(&target))
                .map_err(|e| OutputError::io(&target, "cannot create directory", e))?;
            carry_over(root, &path, staging, placed, retries)?;
        } else if kind.is_symlink() {
            let link =
                fs::read_link(&path).map_err(|e| OutputError::io(&path, "cannot read link", e))?;
            ensure_parent(&target, retries)?;
            symlink(&link, &target, retries)?;
        } else if target.is_dir() {
            // The new package has a directory here (made in staging above).
            return Err(OutputError::InTheWay { path });
        } else {
            link_or_copy(&path, &target, retries)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(link: &Path, target: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    attempt(retries, target, || std::os::unix::fs::symlink(link, target))
        .map_err(|e| OutputError::io(target, "cannot create link", e))
}

#[cfg(not(unix))]
fn symlink(link: &Path, target: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    attempt(retries, target, || fs::copy(link, target))
        .map(|_| ())
        .map_err(|e| OutputError::io(target, "cannot copy", e))
}

fn ensure_parent(path: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    if let Some(parent) = path.parent() {
        attempt(retries, parent, || fs::create_dir_all(parent))
            .map_err(|e| OutputError::io(parent, "cannot create directory", e))?;
    }
    Ok(())
}

/// Writes a file whose directory exists (from the start again after a
/// transient error).
fn write_file(path: &Path, bytes: &[u8], retries: &mut IoRetries) -> Result<(), OutputError> {
    let _span = crate::profile::span("file write");
    attempt(retries, path, || fs::File::create(path)?.write_all(bytes))
        .map_err(|e| OutputError::io(path, "cannot write", e))
}

fn link_or_copy(from: &Path, to: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    ensure_parent(to, retries)?;
    let _span = crate::profile::span("file link");
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    attempt(retries, to, || fs::copy(from, to))
        .map(|_| ())
        .map_err(|e| OutputError::io(from, "cannot copy", e))
}

/// Puts `staging` at `dir`. With an old package there, the two are exchanged
/// atomically (Linux `renameat2(RENAME_EXCHANGE)`) and the old one, now at
/// `staging`, is removed.
fn swap_into_place(staging: &Path, dir: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    // Checked again right before the swap: the exchange must replace a
    // package directory, never a link (the old side is removed afterwards).
    if let Err(e) = safe::check_real_dir(dir) {
        let _ = fs::remove_dir_all(staging);
        return Err(e);
    }
    let renaming = crate::profile::span("rename");
    if fs::symlink_metadata(dir).is_err() {
        let moved = match attempt(retries, dir, || fs::rename(staging, dir)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                ensure_parent(dir, retries)?;
                attempt(retries, dir, || fs::rename(staging, dir))
            }
            other => other,
        };
        return moved.map_err(|e| OutputError::io(dir, "cannot move the package into place", e));
    }
    exchange(staging, dir, retries)?;
    drop(renaming);
    let _span = crate::profile::span("old package removal");
    attempt(retries, staging, || fs::remove_dir_all(staging))
        .map_err(|e| OutputError::io(staging, "cannot remove the old package", e))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    let exchanged = attempt(retries, b, || {
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    });
    match exchanged {
        Ok(()) => Ok(()),
        Err(e)
            if matches!(
                e.raw_os_error().map(rustix::io::Errno::from_raw_os_error),
                Some(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS)
            ) =>
        {
            exchange_by_renames(a, b, retries)
        }
        Err(e) => Err(OutputError::io(b, "cannot swap the package into place", e)),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    exchange_by_renames(a, b, retries)
}

/// Where the kernel cannot exchange: two renames, with a short window in which
/// the package is missing (never half-written).
fn exchange_by_renames(a: &Path, b: &Path, retries: &mut IoRetries) -> Result<(), OutputError> {
    let aside = a.with_extension("old");
    attempt(retries, b, || fs::rename(b, &aside))
        .map_err(|e| OutputError::io(b, "cannot move the old package aside", e))?;
    if let Err(e) = attempt(retries, b, || fs::rename(a, b)) {
        let _ = fs::rename(&aside, b);
        return Err(OutputError::io(b, "cannot move the package into place", e));
    }
    attempt(retries, a, || fs::rename(&aside, a))
        .map_err(|e| OutputError::io(a, "cannot move the old package away", e))
}

/// Removes staging directories a killed run left behind.
pub fn clean_staging(out: &Path) {
    let _ = fs::remove_dir_all(out.join(STATE_DIR).join("staging"));
}

/// Removes this run's staging directory once every package left it (only
/// when empty: a step that timed out may still be building in it).
pub fn remove_own_staging(out: &Path) {
    let _ = fs::remove_dir(
        out.join(STATE_DIR)
            .join("staging")
            .join(std::process::id().to_string()),
    );
}

/// `models/model_x.py`, whatever the platform's separator.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
