//! Transient file-system errors (`EINTR`, `EAGAIN`, `EBUSY`) met while a
//! package is written are retried with exponential backoff; what was retried
//! is counted in [`IoRetries`]. A full disk (`ENOSPC`, `EDQUOT`) is not
//! transient: it is told apart ([`is_disk_full`]) so the run stops writing.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use backon::{BlockingRetryable as _, ExponentialBuilder};

/// Retries after the first attempt: five attempts in all.
const RETRIES: usize = 4;
/// The first retry waits about this long; each later one twice the last.
const MIN_DELAY: Duration = Duration::from_millis(10);
const MAX_DELAY: Duration = Duration::from_millis(200);

/// What the writes of one package went through.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IoRetries {
    /// Retries of transient errors (each retry of one write counts one).
    pub times: u32,
    /// The last transient error retried: its errno name and the path.
    pub last: Option<(&'static str, PathBuf)>,
    /// A write still failed on a transient error when its attempts ran out.
    pub exhausted: bool,
}

impl IoRetries {
    /// `EBUSY on out/pkg`, for the recovery record.
    pub fn detail(&self) -> String {
        match &self.last {
            Some((errno, path)) => format!("{errno} on {}", path.display()),
            None => String::new(),
        }
    }
}

/// The errno name of a transient error, one worth trying again; `None` for
/// any other.
pub fn transient(e: &io::Error) -> Option<&'static str> {
    match e.kind() {
        io::ErrorKind::Interrupted => Some("EINTR"),
        io::ErrorKind::WouldBlock => Some("EAGAIN"),
        io::ErrorKind::ResourceBusy => Some("EBUSY"),
        _ => None,
    }
}

/// Whether `e` says the disk (or the user's quota on it) is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// The errno name of a full disk.
pub fn disk_full_errno(e: &io::Error) -> &'static str {
    if e.kind() == io::ErrorKind::QuotaExceeded {
        "EDQUOT"
    } else {
        "ENOSPC"
    }
}

/// Runs `op` on `path`, again after a short delay while it fails with a
/// transient error, at most [`RETRIES`] more times; the retries are counted
/// in `retries`.
pub fn attempt<T>(
    retries: &mut IoRetries,
    path: &Path,
    op: impl FnMut() -> io::Result<T>,
) -> io::Result<T> {
    let backoff = ExponentialBuilder::default()
        .with_min_delay(MIN_DELAY)
        .with_max_delay(MAX_DELAY)
        .with_max_times(RETRIES)
        .with_jitter();
    let result = op
        .retry(backoff)
        .sleep(std::thread::sleep)
        .when(|e| transient(e).is_some())
        .notify(|e, delay| {
            let errno = transient(e).unwrap_or("EAGAIN");
            tracing::info!(path = %path.display(), errno, ?delay, "retrying a transient error");
            retries.times += 1;
            retries.last = Some((errno, path.to_path_buf()));
        })
        .call();
    if let Err(e) = &result
        && transient(e).is_some()
    {
        retries.exhausted = true;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errno(raw: i32) -> io::Error {
        io::Error::from_raw_os_error(raw)
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn only_eintr_eagain_and_ebusy_are_transient() {
        // Linux's numbers: EINTR 4, EAGAIN (EWOULDBLOCK) 11, EBUSY 16.
        assert_eq!(transient(&errno(4)), Some("EINTR"));
        assert_eq!(transient(&errno(11)), Some("EAGAIN"));
        assert_eq!(transient(&errno(16)), Some("EBUSY"));
        // ENOENT, EACCES, EEXIST, ENOSPC, EROFS, EDQUOT: not worth another try.
        for raw in [2, 13, 17, 28, 30, 122] {
            assert_eq!(transient(&errno(raw)), None, "errno {raw}");
        }
        assert!(is_disk_full(&errno(28)));
        assert!(is_disk_full(&errno(122)));
        assert_eq!(disk_full_errno(&errno(122)), "EDQUOT");
        assert!(!is_disk_full(&errno(16)));
    }

    #[test]
    fn the_kinds_alone_classify() {
        assert!(transient(&io::Error::from(io::ErrorKind::Interrupted)).is_some());
        assert!(transient(&io::Error::from(io::ErrorKind::PermissionDenied)).is_none());
        assert!(is_disk_full(&io::Error::from(io::ErrorKind::StorageFull)));
    }

    #[test]
    fn a_transient_error_is_retried_and_counted() {
        let mut retries = IoRetries::default();
        let mut calls = 0;
        let result = attempt(&mut retries, Path::new("out/pkg"), || {
            calls += 1;
            if calls < 3 {
                Err(io::Error::from(io::ErrorKind::ResourceBusy))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(result.unwrap(), 3);
        assert_eq!(retries.times, 2);
        assert!(!retries.exhausted);
        assert_eq!(retries.detail(), "EBUSY on out/pkg");
    }

    #[test]
    fn the_attempts_run_out() {
        let mut retries = IoRetries::default();
        let mut calls = 0;
        let result: io::Result<()> = attempt(&mut retries, Path::new("f"), || {
            calls += 1;
            Err(io::Error::from(io::ErrorKind::Interrupted))
        });
        assert!(result.is_err());
        assert_eq!(calls, RETRIES + 1);
        assert_eq!(retries.times, 4);
        assert!(retries.exhausted);
    }

    #[test]
    fn any_other_error_is_not_retried() {
        let mut retries = IoRetries::default();
        let mut calls = 0;
        let result: io::Result<()> = attempt(&mut retries, Path::new("f"), || {
            calls += 1;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        });
        assert!(result.is_err());
        assert_eq!(calls, 1);
        assert_eq!(retries, IoRetries::default());
    }
}
