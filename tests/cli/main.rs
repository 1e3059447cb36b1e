//! Integration tests of the `codegen` binary: one test binary, one file per feature.

mod ci;
mod color;
mod common;
mod completions;
mod config;
mod corpus;
mod gate;
mod generate;
mod hostile;
mod init;
mod install;
mod man;
mod profile;
mod project;
mod python;
mod quorum;
mod recovery_io;
mod regenerate;
mod render;
mod runtime;
mod schema;
mod security;
mod templates;
mod truth;
mod typecheck;
mod validate;
