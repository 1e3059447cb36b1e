//! The command line, as clap types only: no behaviour lives here.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
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

    /// When to use colour [default: auto; config: `color`].
    #[arg(long, global = true, value_enum)]
    pub color: Option<ColorChoice>,

    /// Read settings from this file (a `codegen.toml`, or a `pyproject.toml` with
    /// `[tool.codegen]`) instead of searching for one.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file: built-in defaults and flags only.
    #[arg(long, global = true)]
    pub isolated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless `NO_COLOR` is set, `CLICOLOR=0` or `TERM=dumb`;
    /// `FORCE_COLOR` or `CLICOLOR_FORCE` forces it, even into a pipe.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a node package from each contract.
    Generate(GenerateArgs),
    /// Check Python files: syntax as Python 3.12 judges it, then the rule catalogue.
    Validate(ValidateArgs),
    /// List the rules `validate` checks, or explain one.
    Rules(RulesArgs),
    /// Print a shell completion script to standard output.
    Completions(CompletionsArgs),
    /// List the templates, or write the built-in ones out to edit.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Start a project: a commented `codegen.toml` and one example contract per node type.
    Init(InitArgs),
    /// Write one minimal contract for a new node.
    New(NewArgs),
    /// Print the JSON Schema (draft 2020-12) of the contract format.
    Schema,
    /// Print the resolved configuration and where each value comes from.
    Config(ConfigArgs),
    /// The AI quorum: check that each configured model answers.
    #[command(subcommand)]
    Quorum(QuorumCommand),
    /// Run generate over and over into a scratch directory: where the time goes, and the
    /// settings that measurably make it faster.
    Profile(ProfileArgs),
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Contract files, or directories searched (recursively) for `*.yaml` and `*.yml`
    /// [config: `[generate] contracts`].
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Whole runs measured, for each setting tried.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub iterations: u32,

    /// An operation taking at least this share of the run is a hot path.
    #[arg(long, value_name = "SHARE", default_value_t = 0.20, value_parser = parse_share)]
    pub threshold: f64,

    /// Write the recommended settings into `codegen.toml` (comments and order kept).
    #[arg(long)]
    pub apply: bool,

    /// How the profile is printed.
    #[arg(long, value_enum, default_value_t = ProfileFormat::Text)]
    pub output_format: ProfileFormat,

    /// Parallel jobs to start from [default: the CPU count; config: `[generate] jobs`].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Templates that override the built-in ones [config: `[generate] templates`].
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    #[command(flatten)]
    pub quorum: QuorumArgs,
}

/// How `profile` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileFormat {
    /// A table with a bar chart of shares, hot paths and recommendations.
    Text,
    /// One JSON document on standard output.
    Json,
}

/// A share of the run: a number from 0 to 1.
fn parse_share(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not a share: give a number from 0 to 1"))
    }
}

#[derive(Debug, Subcommand)]
pub enum QuorumCommand {
    /// Call each configured model once; report which answer, how fast, and why not.
    Check(QuorumCheckArgs),
}

#[derive(Debug, Args)]
pub struct QuorumCheckArgs {
    /// How the result is printed.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub output_format: CheckFormat,
}

/// The formats `quorum check` prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line per model.
    Text,
    /// JSON: an array with one object per model.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Each template and whether it is built in or overridden.
    List(TemplatesListArgs),
    /// Write the built-in templates into DIR, to edit and use with `--templates DIR`.
    Eject(EjectArgs),
}

#[derive(Debug, Args)]
pub struct TemplatesListArgs {
    /// Directory of `*.tera` files overriding built-in templates by name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EjectArgs {
    /// Where the templates are written (created when missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Overwrite files that exist already.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory (created when missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The node's name: `auth gate`, `AuthGate` and `auth_gate` all give
    /// `node_auth_gate_<type>`.
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The node type.
    #[arg(long = "type", short = 't', value_enum, value_name = "TYPE")]
    pub node_type: NewNodeType,

    /// Directory the contract is written into.
    #[arg(short, long, value_name = "DIR", default_value = "contracts")]
    pub output: PathBuf,
}

/// The node types `new` writes contracts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewNodeType {
    Effect,
    Compute,
    Reducer,
    Orchestrator,
}

#[derive(Debug, Default, Args)]
#[allow(clippy::struct_excessive_bools)] // each is a flag of its own
pub struct GenerateArgs {
    /// Contract files, or directories searched (recursively) for `*.yaml` and `*.yml`
    /// [config: `[generate] contracts`].
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Directory the node packages are written into (`<DIR>/<name>/`) [default: generated].
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Steps run in parallel inside a stage (default: the number of cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Stop at the first failing contract instead of finishing the others.
    #[arg(long)]
    pub fail_fast: bool,

    /// Treat contract warnings (unknown keys that look like typos, ...) as errors.
    #[arg(long)]
    pub strict: bool,

    /// Warnings not to report, by code or prefix (`CTR006`, `ONX008`, `CTR`);
    /// errors are always reported.
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = RuleCodes::WITH_CONTRACT, hide_possible_values = true)]
    pub ignore: Vec<String>,

    /// Seconds one step (one contract's stage), or the format command, may run before it is
    /// stopped and reported [default: 60; config: `[generate] step-timeout`]. Stage 5 gets the
    /// quorum's deadline on top for each turn of its package's files.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u16).range(1..))]
    pub step_timeout: Option<u16>,

    /// The rules stage 5 checks the generated code with, by code or prefix
    /// [default: all; config: `[generate] quality-select`].
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = RuleCodes::PYTHON, hide_possible_values = true)]
    pub quality_select: Vec<String>,

    /// Print per-stage timings (p50/p95/p99 of step times) and the slowest steps.
    #[arg(long)]
    pub timings: bool,

    /// Write a Chrome trace of the run (stages, and every step on its worker
    /// thread) to FILE; open it in Perfetto or `chrome://tracing`.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,

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

    /// Take shard I of N (e.g. 2/4): a stable share of the contracts by name, for CI matrices;
    /// `auto` reads I and N from the CI's parallel-job variables (GitLab `CI_NODE_INDEX`/
    /// `CI_NODE_TOTAL`, `CircleCI` `CIRCLE_NODE_INDEX`/`CIRCLE_NODE_TOTAL`, Buildkite
    /// `BUILDKITE_PARALLEL_JOB`/`BUILDKITE_PARALLEL_JOB_COUNT`).
    #[arg(long, value_name = "I/N|auto", value_parser = parse_shard_arg)]
    pub shard: Option<ShardArg>,

    /// How to print the result on standard output [default: text].
    #[arg(long, value_enum)]
    pub output_format: Option<GenerateFormat>,

    /// Directory of `*.tera` files overriding built-in templates by name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// The dotted import path of the output directory (`-o src/myproj/nodes
    /// --package-prefix myproj.nodes`): module paths into each package start
    /// with it [default: derived from the `__init__.py` files above the
    /// output directory; config: `[generate] package-prefix`]
    #[arg(long, value_name = "PKG", value_parser = parse_module_path)]
    pub package_prefix: Option<String>,

    #[command(flatten)]
    pub quorum: QuorumArgs,
}

fn parse_module_path(text: &str) -> Result<String, String> {
    if crate::contract::is_module_path(text) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "'{text}' is not a dotted Python module path (names separated by '.', e.g. 'myproj.nodes')"
        ))
    }
}

/// The AI quorum's flags, shared by `generate` and `validate`.
#[derive(Debug, Default, Clone, Copy, Args)]
pub struct QuorumArgs {
    /// Also have the configured LLMs vote on every Python file (see `codegen quorum check`).
    #[arg(long)]
    pub quorum: bool,

    /// With --quorum: exit 2 when a verdict is inconclusive (too little weight answered).
    #[arg(long)]
    pub require_quorum: bool,

    /// With --quorum: neither read nor write the cache of votes.
    #[arg(long)]
    pub no_cache: bool,
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
    /// A GitLab Code Quality report (a JSON array of issues) on standard output.
    Gitlab,
}

/// `--shard I/N`: 1-based index and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// `--shard` as given: a fixed share, or `auto` (resolved from the environment with the
/// other settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    Fixed(Shard),
    /// The CI's parallel-job variables say which share.
    Auto,
}

fn parse_shard_arg(text: &str) -> Result<ShardArg, String> {
    if text == "auto" {
        Ok(ShardArg::Auto)
    } else {
        parse_shard(text).map(ShardArg::Fixed)
    }
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("expected I/N (like 2/4) or auto, found '{text}'"))?;
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

// Each flag is an independent switch of the command line, not a state machine.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Default, Args)]
pub struct ValidateArgs {
    /// Python files, or directories searched for `*.py` and `*.pyi`; `-` reads standard input.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Rules to check, by code or prefix (`SYN001`, `ONX`, `ALL`); replaces the default (all).
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = RuleCodes::PYTHON, hide_possible_values = true)]
    pub select: Option<Vec<String>>,

    /// Rules to check in addition to the selected ones.
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = RuleCodes::PYTHON, hide_possible_values = true)]
    pub extend_select: Vec<String>,

    /// Rules not to check, by code or prefix.
    #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = RuleCodes::PYTHON, hide_possible_values = true)]
    pub ignore: Vec<String>,

    /// Skip paths matching this glob while walking directories; replaces the default excludes.
    #[arg(long, value_name = "GLOB", value_delimiter = ',')]
    pub exclude: Option<Vec<String>>,

    /// Skip paths matching this glob, in addition to the default excludes.
    #[arg(long, value_name = "GLOB", value_delimiter = ',')]
    pub extend_exclude: Vec<String>,

    /// Walk into what `.gitignore`, `.ignore` and git's excludes leave out.
    #[arg(long)]
    pub no_respect_gitignore: bool,

    /// Read the source from standard input, reporting it under this name.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// How findings are printed on standard output [default: text].
    #[arg(long, value_enum)]
    pub output_format: Option<OutputFormat>,

    /// Show the offending source line under each finding (text format).
    #[arg(long)]
    pub show_source: bool,

    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Exit 0 even when there are error findings (usage and input errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Treat warning findings as errors.
    #[arg(long)]
    pub warnings_as_errors: bool,

    /// Files checked in parallel (default: the number of cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    #[command(flatten)]
    pub quorum: QuorumArgs,
}

/// The formats `validate` prints findings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `path:line:col: CODE message`, one finding a line.
    Text,
    /// One JSON array of findings.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
    /// `JUnit` XML: a test suite per file.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
    /// A GitLab Code Quality report: a JSON array of issues.
    Gitlab,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code to explain, or a prefix to list (`ONX`); all rules when omitted.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,

    /// How the rules are printed.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub output_format: RulesFormat,
}

/// The formats `config` prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigFormat {
    /// TOML, each value followed by a comment naming its source.
    Text,
    /// JSON: the settings file used, and each key with its value and source.
    Json,
}

/// The formats `rules` prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table, or the explanation of one rule.
    Text,
    /// JSON: an array of rules, or one rule object.
    Json,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// How the configuration is printed.
    #[arg(long, value_enum, default_value_t = ConfigFormat::Text)]
    pub output_format: ConfigFormat,
}

/// The value of `--select`, `--extend-select` and `--ignore`: any text (the command
/// checks it against the catalogue, with a suggestion), completed by the shells from
/// `ALL`, the rules' letter prefixes and their codes.
#[derive(Debug, Clone, Copy)]
pub struct RuleCodes {
    /// Also the contract warnings (`CTR001`...), which `generate --ignore` takes.
    contract: bool,
}

impl RuleCodes {
    const PYTHON: Self = Self { contract: false };
    const WITH_CONTRACT: Self = Self { contract: true };

    /// `ALL` (Python rules only), each letter prefix once, then every code, in catalogue order.
    fn values(self) -> Vec<&'static str> {
        let codes = crate::lint::rules().iter().map(|rule| rule.code);
        let codes: Vec<&'static str> = if self.contract {
            crate::contract::codes::CATALOGUE
                .iter()
                .map(|(code, _, _)| *code)
                .chain(codes)
                .collect()
        } else {
            codes.collect()
        };
        let mut values: Vec<&'static str> = if self.contract { vec![] } else { vec!["ALL"] };
        for code in &codes {
            let prefix = code.trim_end_matches(|c: char| c.is_ascii_digit());
            if !values.contains(&prefix) {
                values.push(prefix);
            }
        }
        values.extend(codes);
        values
    }
}

impl TypedValueParser for RuleCodes {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values().into_iter().map(PossibleValue::new)))
    }
}
