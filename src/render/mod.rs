//! Rendering: placeholder types until the renderer lands.
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    Generated,
    Scaffold,
}

#[derive(Debug, Clone)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
    pub ownership: Ownership,
}
