//! The manifest: one JSON file per package, inside the package directory, so
//! it is swapped in together with the files it describes and the two can
//! never disagree. It records the contract, the contract's hash, the
//! generator's fingerprint and every file's hash and owner.

use std::collections::BTreeMap;
use std::path::Path;

use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};

use super::OutputError;
use super::safe::{self, Found, PackageReader};
use crate::diagnostics::Position;

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
    /// The `codegen` version that last changed the package. Informational:
    /// freshness is decided by the uncommitted record in `.codegen/`, so two
    /// builds that render the same bytes leave the same manifest.
    pub tool_version: String,
    /// Every file of the package we wrote, by path relative to the package.
    pub files: BTreeMap<String, ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// SHA-256 of the bytes written.
    pub hash: String,
    pub owner: Owner,
    /// When the format command changed the file: SHA-256 of the bytes as
    /// rendered, before formatting. A later run that renders those bytes
    /// again finds the file up to date without running the formatter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendered: Option<String>,
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
    /// Reads `<package_dir>/.codegen-manifest.json`; `None` when absent,
    /// unreadable or unsafe (see [`PackageManifest::load`]).
    pub fn read(package_dir: &Path) -> Option<Self> {
        Self::load(package_dir).ok().flatten()
    }

    /// Reads the manifest of `package_dir`: `None` when the directory or the
    /// manifest is absent; an error when the directory is a link, the
    /// manifest is not a manifest, or one of its entries is not a plain
    /// relative path inside the package.
    pub fn load(package_dir: &Path) -> Result<Option<Self>, OutputError> {
        match PackageReader::open(package_dir)? {
            Some(mut reader) => Self::load_from(&mut reader),
            None => Ok(None),
        }
    }

    /// [`PackageManifest::load`] through an open package directory.
    pub fn load_from(reader: &mut PackageReader) -> Result<Option<Self>, OutputError> {
        let path = reader.root().join(MANIFEST_FILE);
        let Some(bytes) = reader.read(Path::new(MANIFEST_FILE))? else {
            return Ok(None);
        };
        Self::parse(&path, &bytes).map(Some)
    }

    /// Parses and checks the bytes of the manifest at `path`.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, OutputError> {
        let text = String::from_utf8_lossy(bytes);
        let manifest: Self = serde_json::from_slice(bytes).map_err(|e| {
            let position = (e.line() > 0).then(|| Position::new(e.line(), e.column()));
            let located = format!(" at line {} column {}", e.line(), e.column());
            let message = e.to_string();
            OutputError::CorruptManifest {
                path: path.to_path_buf(),
                reason: message
                    .strip_suffix(&located)
                    .unwrap_or(&message)
                    .to_owned(),
                position,
                source_text: text.clone().into_owned(),
            }
        })?;
        for key in manifest.files.keys() {
            if let Some(reason) = safe::entry_problem(key) {
                return Err(OutputError::UnsafeEntry {
                    manifest: path.to_path_buf(),
                    key: key.clone(),
                    reason,
                    position: key_position(&text, key),
                    source_text: text.into_owned(),
                });
            }
        }
        Ok(manifest)
    }

    /// Stable bytes: sorted keys, two-space indent, a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// SHA-256 of the manifest's canonical bytes: what the record of the
    /// run that left it names, so a manifest changed since (another build,
    /// a pull request) is never taken for the one this build wrote.
    pub fn digest(&self) -> String {
        sha256_hex(self.to_json().as_bytes())
    }

    /// True when this manifest was made from the same contract bytes and
    /// every generated file on disk still has its bytes. (That the same
    /// generator made it is the record's to say: see
    /// [`super::findings::replay`].) Anything the reader refuses (a link, a
    /// FIFO) makes the package stale, so the package stage looks at it and
    /// reports it.
    pub fn is_fresh(&self, package: &mut PackageReader, contract_hash: &str) -> bool {
        self.contract_hash == contract_hash
            && self.files.iter().all(|(path, file)| match file.owner {
                Owner::Generated => package
                    .read(Path::new(path))
                    .is_ok_and(|b| b.is_some_and(|b| sha256_hex(&b) == file.hash)),
                Owner::User => package
                    .stat(Path::new(path))
                    .is_ok_and(|found| found == Found::File),
            })
    }
}

/// Where `key` appears as an object key in the JSON `text`.
fn key_position(text: &str, key: &str) -> Option<Position> {
    let quoted = serde_json::to_string(key).ok()?;
    let offset = text
        .match_indices(&quoted)
        .map(|(i, _)| i)
        .find(|&i| text[i + quoted.len()..].trim_start().starts_with(':'))?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    Some(Position::new(line, column))
}

/// The generator's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    pub template_hash: String,
    /// The crate version plus a fingerprint of the code that turns contracts
    /// into text: a changed build renders every package again (its records
    /// in `.codegen/` no longer match). Never written into a committed file.
    pub tool_version: String,
    /// The crate version alone, as manifests record it.
    pub version: String,
}

impl Generator {
    pub fn new(template_hash: String) -> Self {
        // Written by build.rs from the sources under src/contract and src/render.
        let fingerprint = env!("CODEGEN_SOURCE_FINGERPRINT");
        Self {
            template_hash,
            tool_version: format!("{}+{}", env!("CARGO_PKG_VERSION"), &fingerprint[..12]),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

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
                            rendered: None,
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
        let mut reader = PackageReader::open(dir.path()).unwrap().unwrap();
        assert!(m.is_fresh(&mut reader, "c"));
        assert!(!m.is_fresh(&mut reader, "other"));
        fs::write(dir.path().join("a.py"), "hand edit\n").unwrap();
        assert!(!m.is_fresh(&mut reader, "c"));
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

#[cfg(test)]
mod parse_tests {
    use super::*;

    fn text(key: &str) -> String {
        format!(
            "{{\n  \"contract\": \"c.yaml\",\n  \"contract_hash\": \"c\",\n  \"template_hash\": \"t\",\n  \"tool_version\": \"v\",\n  \"files\": {{\n    \"a.py\": {{\"hash\": \"h\", \"owner\": \"generated\"}},\n    {}: {{\"hash\": \"h\", \"owner\": \"generated\"}}\n  }}\n}}\n",
            serde_json::to_string(key).unwrap()
        )
    }

    #[test]
    fn an_entry_outside_the_package_is_a_located_error() {
        let path = Path::new("out/node_x/.codegen-manifest.json");
        assert!(PackageManifest::parse(path, text("b.py").as_bytes()).is_ok());
        for key in [
            "/etc/passwd",
            "../../x",
            "a/../../b",
            ".codegen-manifest.json",
        ] {
            let err = PackageManifest::parse(path, text(key).as_bytes()).unwrap_err();
            let OutputError::UnsafeEntry {
                key: found,
                position,
                ..
            } = &err
            else {
                panic!("{err}");
            };
            assert_eq!(found, key);
            assert_eq!(*position, Some(Position::new(8, 5)), "{key}");
            let rendered = err.diagnostic().render();
            assert!(
                rendered
                    .starts_with("out/node_x/.codegen-manifest.json:8:5: error: the `files` entry"),
                "{rendered}"
            );
        }
    }

    #[test]
    fn a_manifest_that_is_not_json_is_located_too() {
        let err =
            PackageManifest::parse(Path::new("m.json"), b"{\n  \"contract\": 3,\n").unwrap_err();
        assert!(
            matches!(err, OutputError::CorruptManifest { position: Some(p), .. } if p.line == 2),
            "{err}"
        );
    }
}
