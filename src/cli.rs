//! The command line, as clap types only: no behaviour lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// Generate ONEX v2.0 Python node packages from YAML contracts.
#[derive(Debug, Parser)]
#[command(name = "codegen", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print nothing but errors; never draw progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More log output (-v: info, -vv: debug, -vvv: trace). `RUST_LOG` also works.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM=dumb`.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a node package from each contract.
    Generate(GenerateArgs),
    /// Print a shell completion script to standard output.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Contract files, or directories searched (recursively) for `*.yaml` and `*.yml`.
    #[arg(required = true, value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Directory the node packages are written into (`<DIR>/<name>/`).
    #[arg(short, long, value_name = "DIR", default_value = "generated")]
    pub output: PathBuf,

    /// Steps run in parallel inside a stage (default: the number of cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Stop at the first failing contract instead of finishing the others.
    #[arg(long)]
    pub fail_fast: bool,

    /// Treat contract warnings (unknown keys that look like typos, ...) as errors.
    #[arg(long)]
    pub strict: bool,

    /// Print per-stage timings (p50/p95/p99 of step times) and the slowest steps.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}
