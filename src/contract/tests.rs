//! Loader tests: the real published contracts, the fixture sets and each
//! accept/reject rule.

use std::path::{Path, PathBuf};

use super::*;
use crate::diagnostics::Diagnostic;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load_file(path: &Path, strict: bool) -> Result<Loaded, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).expect("fixture readable");
    load(path, &bytes, &LoadOptions { strict })
}

fn load_str(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load(
        Path::new("c.yaml"),
        text.as_bytes(),
        &LoadOptions::default(),
    )
}

fn real_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join("omnibase_infra"))
        .expect("real fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("contract.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_real_contract_loads() {
    let dirs = real_dirs();
    assert_eq!(dirs.len(), 133);
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    for dir in &dirs {
        match load_file(&dir.join("contract.yaml"), false) {
            Ok(loaded) => warnings.extend(loaded.warnings.iter().map(Diagnostic::render)),
            Err(errors) => failures.extend(errors.iter().map(Diagnostic::render)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The only warnings: io_operations naming model classes the contract does not define.
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("in io_operations; the field is typed Any")),
        "{}",
        warnings.join("\n")
    );
    assert_eq!(warnings.len(), 8);
    if let Ok(out) = std::env::var("CONTRACT_COPY_DIR") {
        for dir in &dirs {
            let loaded = load_file(&dir.join("contract.yaml"), false).expect("loads");
            let name = dir.file_name().expect("dir name");
            std::fs::write(
                Path::new(&out).join(name).with_extension("yaml"),
                loaded.contract.contract_yaml,
            )
            .expect("write copy");
        }
    }
}
