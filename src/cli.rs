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
#[allow(clippy::struct_excessive_bools)] // each is a flag of its own
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

    /// Write nothing; exit 1 when any output is missing, modified or orphaned.
    #[arg(long)]
    pub check: bool,

    /// With --check or --dry-run: print the unified diff of every change.
    #[arg(long)]
    pub diff: bool,

    /// Write nothing; list what would be created, updated, unchanged or deleted.
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,

    /// Overwrite generated files that were edited by hand.
    #[arg(long)]
    pub force: bool,

    /// Delete orphaned outputs (from contracts that are gone) whose bytes are still ours.
    #[arg(long)]
    pub prune: bool,

    /// Take shard I of N (e.g. 2/4): a stable share of the contracts by name, for CI matrices.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    /// How to print the result on standard output.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Text)]
    pub output_format: GenerateFormat,
}

/// How `generate` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenerateFormat {
    /// Diagnostics and a summary on standard error.
    Text,
    /// One JSON document on standard output.
    Json,
    /// GitHub Actions workflow commands for errors and warnings, on standard output.
    Github,
}

/// `--shard I/N`: 1-based index and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("expected I/N (like 2/4), found '{text}'"))?;
    let index: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("'{i}' is not a number"))?;
    let count: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("'{n}' is not a number"))?;
    if count == 0 || index == 0 || index > count {
        return Err(format!("shard {index}/{count}: need 1 <= I <= N"));
    }
    Ok(Shard { index, count })
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}
