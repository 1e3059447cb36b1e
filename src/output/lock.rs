//! One writer per output directory: a writing run holds an exclusive advisory
//! lock (`flock` on Unix) on `.codegen/lock` for as long as it runs. The
//! kernel releases the lock when the process exits, however it exits, so a
//! lock can never be stale: what the file holds (the holder's pid, for the
//! message) is information only, and an empty or garbage file blocks nothing.

use std::fs::{self, File};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::Path;

use fs4::{FileExt, TryLockError};

use super::OutputError;
use super::package::STATE_DIR;

/// Held while a run writes; the lock goes when it is dropped (or the process
/// ends). The file stays: deleting it would race with a run that has just
/// opened it and would then lock a file nobody else can see.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    /// This run's pid is in the file: it is cleared again on drop, so a pid
    /// found there names a run that holds the lock, or one that was killed.
    recorded: bool,
}

impl OutputLock {
    pub fn acquire(out: &Path) -> Result<Self, OutputError> {
        super::check_state_dir(out)?;
        let dir = out.join(STATE_DIR);
        fs::create_dir_all(&dir)
            .map_err(|e| OutputError::io(&dir, "cannot create directory", e))?;
        let path = dir.join("lock");
        let mut file = open_lock_file(&path)?;
        // Named through the trait: `File` has an inherent `try_lock` of its own.
        match FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(OutputError::Locked {
                    pid: holder_pid(&file),
                    path,
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(OutputError::io(&path, "cannot lock", e));
            }
        }
        let recorded = record_pid(&mut file, &path);
        Ok(Self { file, recorded })
    }
}

/// Opens the lock file, creating it if missing, never through a link; only a
/// regular file is taken.
fn open_lock_file(path: &Path) -> Result<File, OutputError> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Not followed if a link; not waited on if a FIFO (refused below).
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(i32::try_from(flags.bits()).unwrap_or_default());
    }
    #[cfg(not(unix))]
    if let Some(refused) = super::safe::describe(path) {
        return Err(refused);
    }
    let file = options.open(path).map_err(|e| {
        super::safe::describe(path).unwrap_or_else(|| OutputError::io(path, "cannot open", e))
    })?;
    let meta = file
        .metadata()
        .map_err(|e| OutputError::io(path, "cannot stat", e))?;
    if !meta.is_file() {
        return Err(
            super::safe::describe(path).unwrap_or_else(|| OutputError::NotAFile {
                path: path.to_path_buf(),
                what: "not a regular file",
            }),
        );
    }
    Ok(file)
}

/// Writes this process's pid into the locked file, for the message another
/// run shows. Skipped (the pid is only information) when the file has other
/// names: it is rewritten only when it is nobody else's file too.
fn record_pid(file: &mut File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if file.metadata().is_ok_and(|m| m.nlink() > 1) {
            tracing::debug!(
                "{}: has other links; the pid is not recorded",
                path.display()
            );
            return false;
        }
    }
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "{}", std::process::id()));
    if let Err(e) = &written {
        tracing::debug!("{}: cannot record the pid: {e}", path.display());
    }
    written.is_ok()
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Still locked here; closing the file (after this) releases the lock.
        if self.recorded {
            let _ = self.file.set_len(0);
        }
    }
}

/// The pid the holder recorded, when the file holds one.
fn holder_pid(file: &File) -> Option<u32> {
    let mut text = String::new();
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
