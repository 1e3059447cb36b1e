//! The manifest: one JSON file per package, inside the package directory, so
//! it is swapped in together with the files it describes and the two can
//! never disagree. It records the contract, the contract's hash, the
//! generator's fingerprint and every file's hash and owner.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name inside a package directory.
pub const MANIFEST_FILE: &str = ".codegen-manifest.json";

/// What one package was generated from, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageManifest {
    /// The contract file, relative to the output directory (`/`-separated).
    pub contract: String,
    /// SHA-256 of the contract's bytes.
    pub contract_hash: String,
    /// SHA-256 of the effective template set.
    pub template_hash: String,
    /// `codegen` version and the fingerprint of its generator code.
    pub tool_version: String,
    /// Every file of the package we wrote, by path relative to the package.
    pub files: BTreeMap<String, ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// SHA-256 of the bytes written.
    pub hash: String,
    pub owner: Owner,
}

/// Who a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// Rewritten on every run; a hand edit is refused unless forced.
    Generated,
    /// A scaffold: written once, then the user's, never overwritten.
    User,
}

impl PackageManifest {
    /// Reads `<package_dir>/.codegen-manifest.json`; `None` when absent or unreadable.
    pub fn read(package_dir: &Path) -> Option<Self> {
        let bytes = fs::read(package_dir.join(MANIFEST_FILE)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stable bytes: sorted keys, two-space indent, a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// True when this manifest was made from the same contract bytes by the
    /// same generator, and every generated file on disk still has its bytes.
    pub fn is_fresh(&self, package_dir: &Path, contract_hash: &str, generator: &Generator) -> bool {
        self.contract_hash == contract_hash
            && self.template_hash == generator.template_hash
            && self.tool_version == generator.tool_version
            && self.files.iter().all(|(path, file)| {
                let on_disk = fs::read(package_dir.join(path));
                match file.owner {
                    Owner::Generated => on_disk.is_ok_and(|b| sha256_hex(&b) == file.hash),
                    Owner::User => on_disk.is_ok(),
                }
            })
    }
}

/// The generator's identity, as recorded in manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    pub template_hash: String,
    pub tool_version: String,
}

impl Generator {
    /// `tool_version` is the crate version plus a fingerprint of the code that
    /// turns contracts into text, so a changed generator regenerates everything.
    pub fn new(template_hash: String) -> Self {
        const SOURCES: &[&str] = &[
            include_str!("../render/mod.rs"),
            include_str!("../render/python.rs"),
            include_str!("../render/samples.rs"),
            include_str!("../contract/load.rs"),
            include_str!("../contract/copy.rs"),
            include_str!("../contract/types.rs"),
            include_str!("../contract/naming.rs"),
            include_str!("../contract/tree.rs"),
        ];
        let mut hasher = Sha256::new();
        for source in SOURCES {
            hasher.update((source.len() as u64).to_le_bytes());
            hasher.update(source.as_bytes());
        }
        let fingerprint = hex(&hasher.finalize());
        Self {
            template_hash,
            tool_version: format!("{}+{}", env!("CARGO_PKG_VERSION"), &fingerprint[..12]),
        }
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[(&str, &str, Owner)]) -> PackageManifest {
        PackageManifest {
            contract: "../contracts/x.yaml".into(),
            contract_hash: "c".into(),
            template_hash: "t".into(),
            tool_version: "v".into(),
            files: files
                .iter()
                .map(|(p, body, owner)| {
                    (
                        (*p).to_owned(),
                        ManifestFile {
                            hash: sha256_hex(body.as_bytes()),
                            owner: *owner,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn fresh_only_when_hashes_match_and_files_are_intact() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.py"), "a\n").unwrap();
        fs::write(dir.path().join("h.py"), "edited by the user\n").unwrap();
        let m = manifest(&[
            ("a.py", "a\n", Owner::Generated),
            ("h.py", "scaffold\n", Owner::User),
        ]);
        let g = Generator {
            template_hash: "t".into(),
            tool_version: "v".into(),
        };
        assert!(m.is_fresh(dir.path(), "c", &g));
        assert!(!m.is_fresh(dir.path(), "other", &g));
        let newer = Generator {
            template_hash: "t".into(),
            tool_version: "w".into(),
        };
        assert!(!m.is_fresh(dir.path(), "c", &newer));
        fs::write(dir.path().join("a.py"), "hand edit\n").unwrap();
        assert!(!m.is_fresh(dir.path(), "c", &g));
    }

    #[test]
    fn json_is_stable_and_round_trips() {
        let m = manifest(&[("z.py", "z", Owner::Generated), ("a.py", "a", Owner::User)]);
        let text = m.to_json();
        assert!(text.find("a.py").unwrap() < text.find("z.py").unwrap());
        assert_eq!(serde_json::from_str::<PackageManifest>(&text).unwrap(), m);
        assert_eq!(text, m.clone().to_json());
    }
}
