//! SHA-256 in lower-case hex, the one way codegen fingerprints bytes: contracts,
//! the files a manifest records, template sets and cache keys.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes` (timed as the profiler's "hash").
pub fn sha256_hex(bytes: &[u8]) -> String {
    let _span = crate::profile::span("hash");
    hex(&Sha256::digest(bytes))
}

/// `bytes` as lower-case hex, two digits each.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}
