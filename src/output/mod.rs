//! Writing node packages to disk: every file of a package goes to a temporary
//! file beside its target first, and only when all of them are written are
//! they renamed into place; a scaffold that exists is never overwritten.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::render::{GeneratedFile, Ownership};

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileAction {
    /// The file did not exist and was written.
    Created,
    /// The file existed with other bytes and was replaced.
    Updated,
    /// The file already held exactly these bytes: not touched.
    Unchanged,
    /// A user-owned scaffold that already exists: left alone.
    Kept,
}

/// One file of a written package.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WrittenFile {
    pub path: PathBuf,
    pub action: FileAction,
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: the output directory is a file, not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{path}: two generated files share this path")]
    DuplicatePath { path: PathBuf },
    #[error("{path}: {action}: {source}")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl OutputError {
    fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
}

/// Checks that `out` is, or can become, a directory.
pub fn prepare_output_dir(out: &Path) -> Result<(), OutputError> {
    if out.exists() && !out.is_dir() {
        return Err(OutputError::NotADirectory {
            path: out.to_path_buf(),
        });
    }
    fs::create_dir_all(out).map_err(|e| OutputError::io(out, "cannot create directory", e))
}

/// Writes `files` under `package_dir`, all or nothing: on any error the
/// temporary files are removed and every existing file keeps its old bytes.
pub fn write_package(
    package_dir: &Path,
    files: &[GeneratedFile],
) -> Result<Vec<WrittenFile>, OutputError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut report = Vec::with_capacity(files.len());
    let result = stage_files(package_dir, files, &mut staged, &mut report);
    if let Err(err) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(err);
    }
    for (index, (tmp, target)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, target) {
            for (tmp, _) in &staged[index..] {
                let _ = fs::remove_file(tmp);
            }
            return Err(OutputError::io(target, "cannot rename into place", e));
        }
    }
    Ok(report)
}

fn stage_files(
    package_dir: &Path,
    files: &[GeneratedFile],
    staged: &mut Vec<(PathBuf, PathBuf)>,
    report: &mut Vec<WrittenFile>,
) -> Result<(), OutputError> {
    if package_dir.exists() && !package_dir.is_dir() {
        return Err(OutputError::NotADirectory {
            path: package_dir.to_path_buf(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = files.iter().find(|f| !seen.insert(&f.path)) {
        return Err(OutputError::DuplicatePath {
            path: package_dir.join(&dup.path),
        });
    }
    for file in files {
        let target = package_dir.join(&file.path);
        let action = match fs::read(&target) {
            Ok(_) if file.ownership == Ownership::Scaffold => FileAction::Kept,
            Ok(old) if old == file.contents.as_bytes() => FileAction::Unchanged,
            Ok(_) => FileAction::Updated,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileAction::Created,
            Err(e) => return Err(OutputError::io(&target, "cannot read", e)),
        };
        if matches!(action, FileAction::Created | FileAction::Updated) {
            let tmp = stage_one(&target, file.contents.as_bytes())?;
            staged.push((tmp, target));
        }
        report.push(WrittenFile {
            path: file.path.clone(),
            action,
        });
    }
    Ok(())
}

/// Writes `bytes` to a temporary file in `target`'s directory and returns its path.
fn stage_one(target: &Path, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, "cannot create directory", e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.codegen-{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.flush()
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        OutputError::io(target, "cannot write", e)
    })?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str, ownership: Ownership) -> GeneratedFile {
        GeneratedFile {
            path: PathBuf::from(path),
            contents: contents.to_owned(),
            ownership,
        }
    }

    #[test]
    fn creates_then_leaves_unchanged_files_alone() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_x");
        let files = [file("a/b.py", "x = 1\n", Ownership::Generated)];
        let first = write_package(&pkg, &files).unwrap();
        assert_eq!(first[0].action, FileAction::Created);
        let second = write_package(&pkg, &files).unwrap();
        assert_eq!(second[0].action, FileAction::Unchanged);
        let third =
            write_package(&pkg, &[file("a/b.py", "x = 2\n", Ownership::Generated)]).unwrap();
        assert_eq!(third[0].action, FileAction::Updated);
        assert_eq!(fs::read_to_string(pkg.join("a/b.py")).unwrap(), "x = 2\n");
    }

    #[test]
    fn never_overwrites_an_existing_scaffold() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_x");
        fs::create_dir_all(pkg.join("handlers")).unwrap();
        fs::write(pkg.join("handlers/h.py"), "mine\n").unwrap();
        let report =
            write_package(&pkg, &[file("handlers/h.py", "new\n", Ownership::Scaffold)]).unwrap();
        assert_eq!(report[0].action, FileAction::Kept);
        assert_eq!(
            fs::read_to_string(pkg.join("handlers/h.py")).unwrap(),
            "mine\n"
        );
    }

    #[test]
    fn a_failure_leaves_old_files_and_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_x");
        write_package(&pkg, &[file("a.py", "old\n", Ownership::Generated)]).unwrap();
        // `b` is a file, so `b/c.py` cannot be created: the whole package must stay old.
        fs::write(pkg.join("b"), "").unwrap();
        let files = [
            file("a.py", "new\n", Ownership::Generated),
            file("b/c.py", "new\n", Ownership::Generated),
        ];
        assert!(write_package(&pkg, &files).is_err());
        assert_eq!(fs::read_to_string(pkg.join("a.py")).unwrap(), "old\n");
        let leftovers: Vec<_> = fs::read_dir(&pkg)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn two_files_with_one_path_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_x");
        let files = [
            file("a.py", "one\n", Ownership::Generated),
            file("a.py", "two\n", Ownership::Generated),
        ];
        assert!(matches!(
            write_package(&pkg, &files),
            Err(OutputError::DuplicatePath { .. })
        ));
        assert!(!pkg.exists());
    }

    #[test]
    fn an_output_path_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::write(&out, "").unwrap();
        assert!(matches!(
            prepare_output_dir(&out),
            Err(OutputError::NotADirectory { .. })
        ));
    }
}
