//! The findings of a package's last full run, kept in `.codegen/findings/`
//! (never committed) so that a run which skips the package as fresh still
//! reports them: a cache may skip work, never findings.
//!
//! A record names the contract hash and the generator it was made with; one
//! that is missing, unreadable or made for other inputs is no record, and
//! the package is then generated again rather than reported clean.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::{Generator, PackageManifest};
use super::package::STATE_DIR;
use crate::diagnostics::{Diagnostic, Position, Severity};

const FINDINGS_DIR: &str = "findings";

#[derive(Serialize, Deserialize)]
struct Record {
    contract_hash: String,
    template_hash: String,
    tool_version: String,
    /// The digest of the manifest the run left ([`PackageManifest::digest`]).
    manifest: String,
    findings: Vec<Finding>,
}

/// Which file a finding is about, independent of the working directory.
#[derive(Serialize, Deserialize)]
enum Place {
    /// The contract, wherever the next run names it from.
    Contract,
    /// A file of the output directory, relative to it.
    Output(PathBuf),
    /// Any other path, as it was shown.
    Other(PathBuf),
}

#[derive(Serialize, Deserialize)]
struct Finding {
    error: bool,
    code: Option<String>,
    file: Place,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
    source_line: Option<String>,
}

/// `<out>/.codegen/findings/<package>.json`; `package` is a name codegen
/// derived (a Python identifier), so the path stays inside `.codegen/`.
fn path(out: &Path, package: &str) -> PathBuf {
    out.join(STATE_DIR)
        .join(FINDINGS_DIR)
        .join(format!("{package}.json"))
}

/// Stores the findings of a full run of `package`. Failing to store is not
/// an error: the next run then generates the package again.
pub fn store(
    out: &Path,
    package: &str,
    (contract, contract_hash): (&Path, &str),
    (generator, manifest): (&Generator, &PackageManifest),
    findings: &[Diagnostic],
) {
    let record = Record {
        contract_hash: contract_hash.to_owned(),
        template_hash: generator.template_hash.clone(),
        tool_version: generator.tool_version.clone(),
        manifest: manifest.digest(),
        findings: findings
            .iter()
            .map(|d| Finding {
                error: d.is_error(),
                code: d.code.map(str::to_owned),
                file: if d.file == contract {
                    Place::Contract
                } else if let Ok(rel) = d.file.strip_prefix(out) {
                    Place::Output(rel.to_path_buf())
                } else {
                    Place::Other(d.file.clone())
                },
                line: d.position.map(|p| p.line),
                column: d.position.map(|p| p.column),
                message: d.message.clone(),
                help: d.help.clone(),
                source_line: d.source_line.clone(),
            })
            .collect(),
    };
    let target = path(out, package);
    let Some(dir) = target.parent() else {
        return;
    };
    let Ok(json) = serde_json::to_vec(&record) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    // Never through a link: the directory must be a real one.
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return;
    }
    // Written to a new file beside, then renamed over the record (a link
    // there is replaced, not followed): a reader never sees half a record.
    let partial = target.with_extension("json.partial");
    let _ = std::fs::remove_file(&partial);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &json));
    if written.is_err() || std::fs::rename(&partial, &target).is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

/// The findings stored for `package` made from these inputs by this build,
/// when the package still holds the manifest that run left; else `None`.
pub fn replay(
    out: &Path,
    package: &str,
    (contract, contract_hash): (&Path, &str),
    (generator, manifest): (&Generator, &PackageManifest),
) -> Option<Vec<Diagnostic>> {
    let target = path(out, package);
    let meta = std::fs::symlink_metadata(&target).ok()?;
    if !meta.is_file() || meta.len() > 64 << 20 {
        return None;
    }
    let record: Record = serde_json::from_slice(&std::fs::read(&target).ok()?).ok()?;
    if record.contract_hash != contract_hash
        || record.template_hash != generator.template_hash
        || record.tool_version != generator.tool_version
        || record.manifest != manifest.digest()
    {
        return None;
    }
    Some(
        record
            .findings
            .into_iter()
            .map(|f| revive(f, out, contract))
            .collect(),
    )
}

fn revive(f: Finding, out: &Path, contract: &Path) -> Diagnostic {
    Diagnostic {
        severity: if f.error {
            Severity::Error
        } else {
            Severity::Warning
        },
        code: f.code.as_deref().and_then(static_code),
        file: match f.file {
            Place::Contract => contract.to_path_buf(),
            Place::Output(rel) => out.join(rel),
            Place::Other(path) => path,
        },
        position: f
            .line
            .zip(f.column)
            .map(|(line, column)| Position { line, column }),
        message: f.message,
        help: f.help,
        source_line: f.source_line,
    }
}

/// The catalogues' own spelling of a rule or contract code (codes are `&'static str`).
fn static_code(code: &str) -> Option<&'static str> {
    crate::lint::rules()
        .iter()
        .map(|r| r.code)
        .chain(crate::contract::codes::CATALOGUE.iter().map(|(c, _, _)| *c))
        .find(|c| *c == code)
}
