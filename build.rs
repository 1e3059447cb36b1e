//! Fingerprints the code that turns contracts into text (`src/contract`,
//! `src/render`): a build whose fingerprint differs renders every package
//! again, because its records in `.codegen/` no longer match.

use std::path::{Path, PathBuf};

const SOURCES: &[&str] = &["src/contract", "src/render"];

fn main() {
    let mut files = Vec::new();
    for dir in SOURCES {
        println!("cargo::rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    files.sort();
    // FNV-1a, 64 bits: a change detector, not a security boundary.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.to_string_lossy().replace('\\', "/");
        for byte in (name.len() as u64)
            .to_le_bytes()
            .iter()
            .chain(name.as_bytes())
            .chain(&(bytes.len() as u64).to_le_bytes())
            .chain(&bytes)
        {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    println!("cargo::rustc-env=CODEGEN_SOURCE_FINGERPRINT={hash:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
