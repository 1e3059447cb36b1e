//! The `contract.yaml` files a `validate` run finds beside the code it checks, each read and
//! loaded once however many files and passes ask for it: the role of a file, the node's
//! contract rules and the quorum's prompt all read the same value.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Contract, LoadOptions};
use crate::diagnostics::Diagnostic;

/// What a directory's `contract.yaml` turned out to be.
#[derive(Debug)]
pub enum OnDisk {
    /// There is none.
    Missing,
    /// It is there but could not be read (a directory or a special file is refused, not
    /// read): the reason.
    Unreadable(String),
    /// It was read but does not load: its errors, located.
    Invalid(Vec<Diagnostic>),
    Loaded(Box<Contract>),
}

impl OnDisk {
    /// The contract, when it loaded.
    pub fn contract(&self) -> Option<&Contract> {
        match self {
            Self::Loaded(contract) => Some(contract),
            _ => None,
        }
    }

    fn read(path: &Path) -> Self {
        match crate::discover::read_regular(path) {
            Ok(bytes) => match super::load(path, &bytes, &LoadOptions::default()) {
                Ok(loaded) => Self::Loaded(Box::new(loaded.contract)),
                Err(errors) => Self::Invalid(errors),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Self::Missing,
            Err(error) => Self::Unreadable(error.to_string()),
        }
    }
}

/// The contracts of the directories a run looks in, shared by its threads. Each directory's
/// `contract.yaml` is read at most once: a second thread asking for it waits for the first.
#[derive(Debug, Default)]
pub struct Contracts {
    /// Keyed by the directory's bytes: hashing a `Path` splits it into components.
    dirs: Mutex<HashMap<OsString, Arc<OnceLock<Arc<OnDisk>>>>>,
}

impl Contracts {
    /// The `contract.yaml` in `dir`.
    pub fn in_dir(&self, dir: &Path) -> Arc<OnDisk> {
        let slot = {
            let mut dirs = self
                .dirs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(dirs.entry(dir.as_os_str().to_owned()).or_default())
        };
        Arc::clone(slot.get_or_init(|| Arc::new(OnDisk::read(&dir.join(CONTRACT_FILE)))))
    }
}

/// The name of a node's contract file in its package.
pub const CONTRACT_FILE: &str = "contract.yaml";

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Contracts, OnDisk};

    const CONTRACT: &str = include_str!("../../contracts/node_invoice_total_compute.yaml");

    #[test]
    fn each_directory_is_read_once_and_every_outcome_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let contracts = Contracts::default();
        assert!(matches!(*contracts.in_dir(dir.path()), OnDisk::Missing));

        let good = dir.path().join("good");
        std::fs::create_dir(&good).unwrap();
        std::fs::write(good.join("contract.yaml"), CONTRACT).unwrap();
        let first = contracts.in_dir(&good);
        assert!(first.contract().is_some(), "{first:?}");
        // A later change on disk is not seen: the run reads each contract once.
        std::fs::write(good.join("contract.yaml"), "name: [").unwrap();
        assert!(Arc::ptr_eq(&first, &contracts.in_dir(&good)));

        let bad = dir.path().join("bad");
        std::fs::create_dir(&bad).unwrap();
        std::fs::write(bad.join("contract.yaml"), "name: [").unwrap();
        assert!(matches!(
            &*contracts.in_dir(&bad),
            OnDisk::Invalid(errors) if !errors.is_empty()
        ));

        let odd = dir.path().join("odd");
        std::fs::create_dir_all(odd.join("contract.yaml")).unwrap();
        assert!(matches!(*contracts.in_dir(&odd), OnDisk::Unreadable(_)));
    }
}
