//! Everything that touches the output directory: the per-package manifest,
//! planning and committing packages atomically, the lock that keeps two runs
//! apart, orphans, and unified diffs for `--diff`.

pub mod diff;
pub mod findings;
pub mod lock;
pub mod manifest;
pub mod package;

use std::fs;
use std::path::{Path, PathBuf};

pub use lock::OutputLock;
pub use manifest::{Generator, MANIFEST_FILE, PackageManifest};
pub use package::{FileAction, PackagePlan, PlanOptions, PlannedFile, commit, plan};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: the output directory is a file, not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{path}: two generated files share this path")]
    DuplicatePath { path: PathBuf },
    #[error(
        "{path}: another codegen run (pid {pid}) is writing to this output directory; \
         wait for it, or delete the lock file if no such process runs"
    )]
    Locked { path: PathBuf, pid: String },
    #[error("{path}: {action}: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl OutputError {
    pub(crate) fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
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
/// except those named in `skip` (known to be current: their manifests are not read).
pub fn existing_packages(out: &Path, skip: &dyn Fn(&str) -> bool) -> Vec<ExistingPackage> {
    let Ok(entries) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found: Vec<ExistingPackage> = entries
        .filter_map(Result::ok)
        .filter(|entry| !skip(entry.file_name().to_string_lossy().as_ref()))
        .filter_map(|entry| {
            let dir = entry.path();
            let manifest = PackageManifest::read(&dir)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            Some(ExistingPackage {
                name,
                dir,
                manifest,
            })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
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
/// added by hand stays. Returns the files kept.
pub fn prune_package(package: &ExistingPackage) -> Result<Vec<PathBuf>, OutputError> {
    let mut kept = Vec::new();
    for (path, recorded) in &package.manifest.files {
        let file = package.dir.join(path);
        match fs::read(&file) {
            Ok(bytes) if manifest::sha256_hex(&bytes) == recorded.hash => {
                fs::remove_file(&file).map_err(|e| OutputError::io(&file, "cannot remove", e))?;
            }
            Ok(_) => kept.push(file),
            Err(_) => {}
        }
    }
    let manifest = package.dir.join(MANIFEST_FILE);
    fs::remove_file(&manifest).map_err(|e| OutputError::io(&manifest, "cannot remove", e))?;
    remove_empty_dirs(&package.dir);
    Ok(kept)
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

/// Contract reference → package name, as the last writing run left it.
pub fn read_index(out: &Path) -> std::collections::BTreeMap<String, String> {
    fs::read(index_path(out))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
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
/// so a reader sees the old file or the new one, never a part.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(name);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .map_err(|e| OutputError::io(parent, "cannot create directory", e))?;
    }
    fs::write(&tmp, bytes).map_err(|e| OutputError::io(&tmp, "cannot write", e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        OutputError::io(path, "cannot write", e)
    })
}

#[cfg(test)]
mod tests;
