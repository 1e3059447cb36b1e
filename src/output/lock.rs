//! One writer per output directory: `.codegen/lock` is created exclusively and
//! holds the writer's pid; a lock whose process is gone is taken over.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::package::STATE_DIR;

/// Held while a run writes; the lock file goes when it is dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
}

impl OutputLock {
    pub fn acquire(out: &Path) -> Result<Self, OutputError> {
        super::check_state_dir(out)?;
        let dir = out.join(STATE_DIR);
        fs::create_dir_all(&dir)
            .map_err(|e| OutputError::io(&dir, "cannot create directory", e))?;
        let path = dir.join("lock");
        for _ in 0..2 {
            match create_with_pid(&path) {
                Ok(()) => return Ok(Self { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // Read without following a link: a lock that is not a
                    // regular file holds no pid, and is respected.
                    let pid = super::safe::read_state_file(&path)
                        .ok()
                        .flatten()
                        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
                        .unwrap_or_default();
                    if holder_is_alive(&pid) {
                        return Err(OutputError::Locked { path, pid });
                    }
                    tracing::warn!(
                        "{}: removing a stale lock (pid {pid} is gone)",
                        path.display()
                    );
                    let _ = fs::remove_file(&path);
                }
                Err(e) => return Err(OutputError::io(&path, "cannot create the lock file", e)),
            }
        }
        Err(OutputError::Locked {
            path,
            pid: "unknown".to_owned(),
        })
    }
}

/// Creates the lock file holding this process's pid. The pid is written to a
/// file of our own first and that file is then linked to the lock's name, so
/// the lock never exists empty (a run killed between creating it and writing
/// the pid would leave a lock no later run could judge). Where hard links are
/// not supported, the lock is created and written in two steps.
fn create_with_pid(path: &Path) -> std::io::Result<()> {
    let pid = std::process::id();
    let tmp = path.with_file_name(format!("lock.{pid}.tmp"));
    let _ = fs::remove_file(&tmp);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| writeln!(file, "{pid}"));
    if written.is_ok() {
        let linked = fs::hard_link(&tmp, path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {}
            other => return other,
        }
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    writeln!(file, "{pid}")
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether the process that wrote `pid` still runs. Without `/proc` we cannot
/// tell, so the lock is respected.
fn holder_is_alive(pid: &str) -> bool {
    if pid.is_empty() || pid.parse::<u32>().is_err() {
        // Being written right now by another run: respect it.
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return true;
    }
    proc.join(pid).exists()
}
