//! One file per subcommand; each resolves its arguments and returns an [`ExitStatus`].

pub mod completions;
pub mod config;
pub mod generate;
pub mod init;
pub mod man;
pub mod profile;
pub mod quorum;
pub mod rules;
pub mod schema;
pub mod templates;
pub mod validate;
