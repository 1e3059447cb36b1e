//! The rule that keeps a run inside the packages it owns: codegen creates,
//! replaces, links or deletes only paths it derived itself, strictly inside
//! `<out>/<package>/` (and `<out>/.codegen/`), and never through a symbolic
//! link, whatever a manifest, the index or the disk says.
//!
//! Manifests and the index are committed, so they are untrusted input: every
//! path they name is checked as a string ([`entry_problem`],
//! [`package_name_problem`]) and then resolved on disk one component at a
//! time from the package directory ([`PackageReader`]), each component opened
//! with `O_NOFOLLOW`, so a link anywhere below the output directory is found
//! and refused rather than followed, and a FIFO or device is refused rather
//! than read.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::OutputError;
use super::manifest::MANIFEST_FILE;

/// Why a manifest entry is not a plain relative path inside its package, or
/// `None` when it is one: `/`-separated normal components, none empty, `.`
/// or `..`, no backslash or NUL, not absolute, not the manifest itself.
pub fn entry_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return Some("an empty path");
    }
    if key.contains('\0') {
        return Some("a path with a NUL byte");
    }
    if key.contains('\\') {
        return Some("a path with a backslash");
    }
    if key.starts_with('/') {
        return Some("an absolute path");
    }
    for part in key.split('/') {
        match part {
            "" => return Some("a path with an empty component"),
            "." => return Some("a path with a `.` component"),
            ".." => return Some("a path with a `..` component, which leads out of the package"),
            _ => {}
        }
    }
    if key == MANIFEST_FILE {
        return Some("the manifest itself");
    }
    None
}

/// Why `name` cannot be a package directory directly under the output
/// directory, or `None` when it can: one normal component that does not
/// start with `.` (so never `.codegen`, `.` or `..`).
pub fn package_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name.contains(['/', '\\', '\0']) {
        return Some("not a single directory name");
    }
    if name.starts_with('.') {
        return Some("a name starting with `.`");
    }
    None
}

/// The components of a relative path made of normal components only.
fn normal_components(rel: &Path) -> Option<Vec<&std::ffi::OsStr>> {
    rel.components()
        .map(|c| match c {
            Component::Normal(part) => Some(part),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .filter(|parts| !parts.is_empty())
}

/// What a path inside a package turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// It, or a directory on the way to it, does not exist (a regular file
    /// where a directory should be counts as that directory missing).
    Absent,
    /// A regular file.
    File,
}

/// Reads a package directory without ever following a link: the directory
/// itself, every directory below it and every file are opened with
/// `O_NOFOLLOW`; a link is an error, and so is anything but a directory or a
/// regular file. Subdirectories are opened once and kept open.
#[derive(Debug)]
pub struct PackageReader {
    root: PathBuf,
    inner: imp::Root,
    dirs: HashMap<PathBuf, Option<imp::Dir>>,
}

impl PackageReader {
    /// Opens `dir`: `None` when it does not exist; an error when it is a link
    /// or not a directory.
    pub fn open(dir: &Path) -> Result<Option<Self>, OutputError> {
        Ok(imp::Root::open(dir)?.map(|inner| Self {
            root: dir.to_path_buf(),
            inner,
            dirs: HashMap::new(),
        }))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The bytes of `rel` (relative to the package), `None` when absent.
    pub fn read(&mut self, rel: &Path) -> Result<Option<Vec<u8>>, OutputError> {
        let full = self.root.join(rel);
        match self.parent_of(rel)? {
            (Some(dir), name) => imp::read(dir, name, &full),
            (None, _) => Ok(None),
        }
    }

    /// Whether `rel` exists (as a regular file).
    pub fn stat(&mut self, rel: &Path) -> Result<Found, OutputError> {
        let full = self.root.join(rel);
        match self.parent_of(rel)? {
            (Some(dir), name) => imp::stat(dir, name, &full),
            (None, _) => Ok(Found::Absent),
        }
    }

    /// Removes the regular file `rel` (never a link, never a directory).
    pub fn remove(&mut self, rel: &Path) -> Result<(), OutputError> {
        let full = self.root.join(rel);
        if self.stat(rel)? == Found::Absent {
            return Ok(());
        }
        match self.parent_of(rel)? {
            (Some(dir), name) => imp::remove(dir, name, &full),
            (None, _) => Ok(()),
        }
    }

    /// The open directory holding `rel`, and `rel`'s last component; the
    /// directory is `None` when a directory on the way is absent.
    fn parent_of<'a>(
        &mut self,
        rel: &'a Path,
    ) -> Result<(Option<&imp::Dir>, &'a std::ffi::OsStr), OutputError> {
        let Some(parts) = normal_components(rel) else {
            return Err(OutputError::OutsidePackage {
                path: self.root.join(rel),
            });
        };
        let (name, parents) = parts.split_last().expect("at least one component");
        let mut prefix = PathBuf::new();
        for part in parents {
            let parent = prefix.clone();
            prefix.push(part);
            if self.dirs.contains_key(&prefix) {
                continue;
            }
            let opened = {
                let base = if parent.as_os_str().is_empty() {
                    Some(self.inner.dir())
                } else {
                    self.dirs.get(&parent).and_then(Option::as_ref)
                };
                match base {
                    Some(base) => imp::open_dir(base, part, &self.root.join(&prefix))?,
                    None => None,
                }
            };
            self.dirs.insert(prefix.clone(), opened);
        }
        let dir = if parents.is_empty() {
            Some(self.inner.dir())
        } else {
            self.dirs.get(&prefix).and_then(Option::as_ref)
        };
        Ok((dir, name))
    }
}

/// Reads a file of the output directory's state (`.codegen/…`) that must be
/// a regular file: `None` when absent; an error for a link, a FIFO, a device
/// or a directory.
pub fn read_state_file(path: &Path) -> Result<Option<Vec<u8>>, OutputError> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(None);
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    match PackageReader::open(parent)? {
        Some(mut reader) => reader.read(Path::new(name)),
        None => Ok(None),
    }
}

/// Checks that `path` is a directory and not a link, or absent.
pub fn check_real_dir(path: &Path) -> Result<(), OutputError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(OutputError::Symlink {
            path: path.to_path_buf(),
        }),
        Ok(meta) if !meta.is_dir() => Err(OutputError::NotADirectory {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// What is at `path`, without following a link, for error messages.
pub(super) fn describe(path: &Path) -> Option<OutputError> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Some(OutputError::Symlink {
            path: path.to_path_buf(),
        });
    }
    if kind.is_file() {
        return None;
    }
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_kind(kind)
    };
    Some(OutputError::NotAFile {
        path: path.to_path_buf(),
        what,
    })
}

#[cfg(unix)]
fn special_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: std::fs::FileType) -> &'static str {
    "not a regular file"
}

#[cfg(unix)]
mod imp {
    //! `openat` with `O_NOFOLLOW` on every component.

    use std::ffi::OsStr;
    use std::io::Read as _;
    use std::os::fd::OwnedFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;

    use super::{Found, describe};
    use crate::output::OutputError;

    const DIR_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::NOFOLLOW)
        .union(OFlags::CLOEXEC);
    // Non-blocking, so that opening a FIFO does not wait for a writer.
    const FILE_FLAGS: OFlags = OFlags::RDONLY
        .union(OFlags::NOFOLLOW)
        .union(OFlags::NONBLOCK)
        .union(OFlags::CLOEXEC);

    #[derive(Debug)]
    pub(super) struct Dir(OwnedFd);

    #[derive(Debug)]
    pub(super) struct Root(Dir);

    impl Root {
        pub(super) fn open(path: &Path) -> Result<Option<Self>, OutputError> {
            match rustix::fs::open(path, DIR_FLAGS, Mode::empty()) {
                Ok(fd) => Ok(Some(Self(Dir(fd)))),
                Err(Errno::NOENT) => Ok(None),
                Err(e) => Err(dir_error(path, e)),
            }
        }

        pub(super) fn dir(&self) -> &Dir {
            &self.0
        }
    }

    /// A link, a file where a directory should be, or another failure.
    fn dir_error(path: &Path, e: Errno) -> OutputError {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => OutputError::Symlink {
                path: path.to_path_buf(),
            },
            Ok(meta) if !meta.is_dir() => OutputError::NotADirectory {
                path: path.to_path_buf(),
            },
            _ => OutputError::io(path, "cannot open directory", e.into()),
        }
    }

    /// `None` when absent, or when a regular file stands where the directory should be.
    pub(super) fn open_dir(
        base: &Dir,
        name: &OsStr,
        full: &Path,
    ) -> Result<Option<Dir>, OutputError> {
        match rustix::fs::openat(&base.0, name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => Ok(Some(Dir(fd))),
            Err(Errno::NOENT) => Ok(None),
            Err(e @ (Errno::NOTDIR | Errno::LOOP)) => {
                match rustix::fs::statat(&base.0, name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                        Err(OutputError::Symlink {
                            path: full.to_path_buf(),
                        })
                    }
                    Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => {
                        Ok(None)
                    }
                    _ => Err(describe(full)
                        .unwrap_or_else(|| OutputError::io(full, "cannot open", e.into()))),
                }
            }
            Err(e) => Err(OutputError::io(full, "cannot open directory", e.into())),
        }
    }

    fn open_file(dir: &Dir, name: &OsStr, full: &Path) -> Result<Option<OwnedFd>, OutputError> {
        let fd = match rustix::fs::openat(&dir.0, name, FILE_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT | Errno::NOTDIR) => return Ok(None),
            Err(e) => {
                return Err(describe(full)
                    .unwrap_or_else(|| OutputError::io(full, "cannot read", e.into())));
            }
        };
        let st =
            rustix::fs::fstat(&fd).map_err(|e| OutputError::io(full, "cannot stat", e.into()))?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(describe(full).unwrap_or_else(|| OutputError::NotAFile {
                path: full.to_path_buf(),
                what: "not a regular file",
            }));
        }
        Ok(Some(fd))
    }

    pub(super) fn read(
        dir: &Dir,
        name: &OsStr,
        full: &Path,
    ) -> Result<Option<Vec<u8>>, OutputError> {
        let Some(fd) = open_file(dir, name, full)? else {
            return Ok(None);
        };
        let mut file = std::fs::File::from(fd);
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| OutputError::io(full, "cannot read", e))?;
        Ok(Some(bytes))
    }

    pub(super) fn stat(dir: &Dir, name: &OsStr, full: &Path) -> Result<Found, OutputError> {
        Ok(match open_file(dir, name, full)? {
            Some(_) => Found::File,
            None => Found::Absent,
        })
    }

    pub(super) fn remove(dir: &Dir, name: &OsStr, full: &Path) -> Result<(), OutputError> {
        match rustix::fs::unlinkat(&dir.0, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(OutputError::io(full, "cannot remove", e.into())),
        }
    }
}

#[cfg(not(unix))]
mod imp {
    //! Without `openat`: every component is checked with `symlink_metadata`
    //! before it is used.

    use std::ffi::OsStr;
    use std::path::{Path, PathBuf};

    use super::{Found, describe};
    use crate::output::OutputError;

    #[derive(Debug)]
    pub(super) struct Dir(PathBuf);

    #[derive(Debug)]
    pub(super) struct Root(Dir);

    impl Root {
        pub(super) fn open(path: &Path) -> Result<Option<Self>, OutputError> {
            Ok(open_dir_at(path)?.map(|d| Self(d)))
        }

        pub(super) fn dir(&self) -> &Dir {
            &self.0
        }
    }

    fn open_dir_at(path: &Path) -> Result<Option<Dir>, OutputError> {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => Err(OutputError::Symlink {
                path: path.to_path_buf(),
            }),
            Ok(meta) if meta.is_dir() => Ok(Some(Dir(path.to_path_buf()))),
            Ok(meta) if meta.is_file() => Ok(None),
            Ok(_) => Err(OutputError::NotADirectory {
                path: path.to_path_buf(),
            }),
            Err(_) => Ok(None),
        }
    }

    pub(super) fn open_dir(
        base: &Dir,
        name: &OsStr,
        _full: &Path,
    ) -> Result<Option<Dir>, OutputError> {
        open_dir_at(&base.0.join(name))
    }

    pub(super) fn read(
        dir: &Dir,
        name: &OsStr,
        full: &Path,
    ) -> Result<Option<Vec<u8>>, OutputError> {
        if stat(dir, name, full)? == Found::Absent {
            return Ok(None);
        }
        std::fs::read(dir.0.join(name))
            .map(Some)
            .map_err(|e| OutputError::io(full, "cannot read", e))
    }

    pub(super) fn stat(dir: &Dir, name: &OsStr, full: &Path) -> Result<Found, OutputError> {
        let path = dir.0.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(Found::Absent);
        }
        match describe(&path) {
            Some(_) => Err(describe(full).unwrap_or(OutputError::Symlink {
                path: full.to_path_buf(),
            })),
            None => Ok(Found::File),
        }
    }

    pub(super) fn remove(dir: &Dir, name: &OsStr, full: &Path) -> Result<(), OutputError> {
        std::fs::remove_file(dir.0.join(name))
            .map_err(|e| OutputError::io(full, "cannot remove", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_manifest_entries() {
        for good in [
            "node.py",
            "models/model_a.py",
            "a/b/c/d.py",
            ".codegen/x",
            "a..b",
        ] {
            assert_eq!(entry_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/b/../../../x",
            "./x",
            "a/./b",
            "a//b",
            "a/",
            "a\\b",
            "..\\x",
            "a\0b",
            MANIFEST_FILE,
        ] {
            assert!(entry_problem(bad).is_some(), "{bad:?} passed");
        }
    }

    #[test]
    fn package_names_are_one_visible_directory_name() {
        assert_eq!(package_name_problem("node_x_compute"), None);
        for bad in ["", ".", "..", ".codegen", "a/b", "/abs", "a\\b", "../x"] {
            assert!(package_name_problem(bad).is_some(), "{bad:?} passed");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_reader_refuses_links_at_every_depth_and_special_files() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(outside.join("sub")).unwrap();
        std::fs::write(outside.join("secret"), "secret\n").unwrap();
        std::fs::write(outside.join("sub/secret"), "secret\n").unwrap();
        let pkg = tmp.path().join("pkg");
        std::fs::create_dir_all(pkg.join("models")).unwrap();
        std::fs::write(pkg.join("models/a.py"), "a\n").unwrap();
        std::fs::write(pkg.join("plain"), "p\n").unwrap();
        symlink(outside.join("secret"), pkg.join("file_link")).unwrap();
        symlink(&outside, pkg.join("dir_link")).unwrap();
        symlink(&outside, tmp.path().join("pkg_link")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(pkg.join("fifo"))
            .status()
            .unwrap();
        assert!(made.success());

        let mut reader = PackageReader::open(&pkg).unwrap().unwrap();
        assert_eq!(
            reader.read(Path::new("models/a.py")).unwrap().unwrap(),
            b"a\n"
        );
        assert_eq!(reader.read(Path::new("missing/a.py")).unwrap(), None);
        assert_eq!(reader.read(Path::new("plain/a.py")).unwrap(), None);
        assert!(matches!(
            reader.read(Path::new("file_link")),
            Err(OutputError::Symlink { .. })
        ));
        assert!(matches!(
            reader.read(Path::new("dir_link/secret")),
            Err(OutputError::Symlink { .. })
        ));
        assert!(matches!(
            reader.read(Path::new("dir_link/sub/secret")),
            Err(OutputError::Symlink { .. })
        ));
        assert!(matches!(
            reader.read(Path::new("fifo")),
            Err(OutputError::NotAFile { what: "a FIFO", .. })
        ));
        assert!(matches!(
            reader.read(Path::new("models")),
            Err(OutputError::NotAFile { .. })
        ));
        assert!(matches!(
            reader.read(Path::new("../outside/secret")),
            Err(OutputError::OutsidePackage { .. })
        ));
        assert!(matches!(
            reader.remove(Path::new("file_link")),
            Err(OutputError::Symlink { .. })
        ));
        assert!(outside.join("secret").exists());
        assert!(pkg.join("file_link").symlink_metadata().is_ok());
        assert!(matches!(
            PackageReader::open(&tmp.path().join("pkg_link")),
            Err(OutputError::Symlink { .. })
        ));
        assert!(
            PackageReader::open(&tmp.path().join("none"))
                .unwrap()
                .is_none()
        );
    }
}
