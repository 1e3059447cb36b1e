//! Settings: the configuration file (`codegen.toml`, or `[tool.codegen]` in a
//! `pyproject.toml`) found by walking up from the working directory, merged
//! with the command line once into plain structs the commands read. Flags win
//! over the file, the file over built-in defaults; each value remembers where
//! it came from, for `codegen config`.

mod file;
pub mod quorum;
pub mod shard;

use std::fmt;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::cli::{
    Cli, ColorChoice, Command, GenerateArgs, GenerateFormat, OutputFormat, Shard, ShardArg,
    ValidateArgs,
};
use crate::diagnostics::{Diagnostic, Severity, paint};
use file::{FileValues, Kind, Located, Raw, Schema};
use quorum::QuorumSettings;

/// The file name searched for in each directory.
pub const CONFIG_FILE: &str = "codegen.toml";
/// The fallback, used when it has a `[tool.codegen]` table.
pub const PYPROJECT_FILE: &str = "pyproject.toml";

const COLORS: &[&str] = &["auto", "always", "never"];
const GENERATE_FORMATS: &[&str] = &["text", "json", "github", "gitlab"];
const VALIDATE_FORMATS: &[&str] = &["text", "json", "github", "junit", "sarif", "gitlab"];

/// Every key a settings file may hold, by section (`""` is the top level).
const SCHEMA: Schema = &[
    ("", "color", Kind::Choice(COLORS)),
    ("generate", "contracts", Kind::List),
    ("generate", "output", Kind::Path),
    ("generate", "jobs", Kind::Count),
    ("generate", "fail-fast", Kind::Bool),
    ("generate", "strict", Kind::Bool),
    ("generate", "ignore", Kind::List),
    ("generate", "quality-select", Kind::List),
    ("generate", "step-timeout", Kind::Count),
    ("generate", "timings", Kind::Bool),
    ("generate", "templates", Kind::Path),
    ("generate", "output-format", Kind::Choice(GENERATE_FORMATS)),
    ("generate", "format-command", Kind::Command),
    ("generate", "package-prefix", Kind::Module),
    ("validate", "select", Kind::List),
    ("validate", "extend-select", Kind::List),
    ("validate", "ignore", Kind::List),
    ("validate", "exclude", Kind::List),
    ("validate", "extend-exclude", Kind::List),
    ("validate", "respect-gitignore", Kind::Bool),
    ("validate", "output-format", Kind::Choice(VALIDATE_FORMATS)),
    ("validate", "show-source", Kind::Bool),
    ("validate", "warnings-as-errors", Kind::Bool),
    ("validate", "jobs", Kind::Count),
];

/// Why the settings could not be resolved (exit 2).
#[derive(Debug)]
pub enum ConfigError {
    /// The file could not be read.
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Mistakes in the file, each at its position.
    Invalid(Vec<Diagnostic>),
    /// A flag whose value the environment decides could not be resolved (`--shard auto`).
    Usage(String),
}

impl ConfigError {
    /// Every diagnostic, rendered.
    pub fn render(&self) -> String {
        self.render_styled(false)
    }

    /// [`ConfigError::render`], in colour when `color` is set.
    pub fn render_styled(&self, color: bool) -> String {
        let error = paint(color, Severity::Error.tone(), "error");
        match self {
            ConfigError::Read { path, error: why } => {
                format!("codegen: {error}: cannot read {}: {why}", path.display())
            }
            ConfigError::Invalid(problems) => problems
                .iter()
                .map(|problem| problem.render_styled(color))
                .collect::<Vec<_>>()
                .join("\n"),
            ConfigError::Usage(message) => format!("codegen: {error}: {message}"),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for ConfigError {}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File { path: PathBuf, line: usize },
    Flag,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File { path, line } => write!(f, "{}:{line}", path.display()),
            Source::Flag => f.write_str("flag"),
        }
    }
}

/// One resolved key, for `codegen config`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `color`, `generate.output`, ...
    pub key: &'static str,
    /// The value as TOML would write it; `None` when unset.
    pub value: Option<serde_json::Value>,
    pub source: Source,
}

/// What `generate` runs with: the flags, the file and the defaults merged.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // each is a switch of its own
pub struct GenerateSettings {
    pub paths: Vec<PathBuf>,
    pub output: PathBuf,
    pub jobs: Option<u16>,
    pub fail_fast: bool,
    pub strict: bool,
    /// Codes (or prefixes) of warnings not to report.
    pub ignore: Vec<String>,
    /// The rules of the quality stage, by code or prefix; `None`: all of them.
    pub quality_select: Option<Vec<String>>,
    /// Seconds a step or the format command may run; `None`: the default.
    pub step_timeout: Option<u16>,
    pub timings: bool,
    /// A directory whose templates override the built-in ones by name.
    pub templates: Option<PathBuf>,
    pub output_format: GenerateFormat,
    /// Run once per batch on the files written: the program, then its arguments.
    pub format_command: Option<Vec<String>>,
    /// The dotted import path of the output directory; `None`: derived
    /// from the `__init__.py` files above it.
    pub package_prefix: Option<String>,
    // Flags only: they describe one run, not a project.
    pub check: bool,
    pub diff: bool,
    pub dry_run: bool,
    pub force: bool,
    pub prune: bool,
    pub shard: Option<Shard>,
    /// Where to write a Chrome trace of the run.
    pub trace: Option<PathBuf>,
    /// `--quorum`: the settings the vote runs with.
    pub quorum: Option<QuorumSettings>,
}

/// What `validate` runs with.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // each is a switch of its own
pub struct ValidateSettings {
    pub paths: Vec<PathBuf>,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub respect_gitignore: bool,
    pub output_format: OutputFormat,
    pub show_source: bool,
    pub warnings_as_errors: bool,
    pub jobs: Option<u16>,
    // Flags only.
    pub stdin_filename: Option<PathBuf>,
    pub statistics: bool,
    pub exit_zero: bool,
    /// `--quorum`: the settings the vote runs with.
    pub quorum: Option<QuorumSettings>,
}

/// Everything resolved, once per run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The settings file used, if any.
    pub file: Option<PathBuf>,
    pub color: ColorChoice,
    pub generate: GenerateSettings,
    pub validate: ValidateSettings,
    /// The AI quorum's models and thresholds (used with `--quorum` and by `codegen quorum`).
    pub quorum: QuorumSettings,
    /// Each key's value and source, in schema order.
    pub entries: Vec<Entry>,
}

impl Settings {
    /// Finds and reads the settings file (unless `--isolated`), then merges the flags of the
    /// command being run over it.
    pub fn resolve(cli: &Cli) -> Result<Settings, ConfigError> {
        let file = if cli.global.isolated {
            None
        } else if let Some(path) = &cli.global.config {
            Some(path.clone())
        } else {
            std::env::current_dir().ok().and_then(|cwd| discover(&cwd))
        };
        let (values, quorum) = match &file {
            Some(path) => load(path)?,
            None => (FileValues::default(), QuorumSettings::default()),
        };
        let base = file.as_deref().map(file::base_dir).unwrap_or_default();
        let mut merge = Merge {
            file: file.clone(),
            base,
            values,
            entries: Vec::new(),
        };
        let no_generate = GenerateArgs::default();
        let no_validate = ValidateArgs::default();
        let profiled = match &cli.command {
            Command::Profile(args) => GenerateArgs {
                paths: args.paths.clone(),
                jobs: args.jobs,
                templates: args.templates.clone(),
                quorum: args.quorum,
                ..GenerateArgs::default()
            },
            _ => GenerateArgs::default(),
        };
        let (generate, validate) = match &cli.command {
            Command::Generate(args) => (args, &no_validate),
            Command::Profile(_) => (&profiled, &no_validate),
            Command::Validate(args) => (&no_generate, args),
            _ => (&no_generate, &no_validate),
        };
        let color = merge.choice("color", cli.global.color, ColorChoice::Auto);
        let mut generate = merge.generate(generate);
        let mut validate = merge.validate(validate);
        if let Command::Generate(args) = &cli.command {
            if generate.paths.is_empty() {
                return Err(ConfigError::Usage(
                    "no contracts to generate from: give PATHS, or list them in the settings \
                     file (`[generate] contracts = [\"contracts\"]`)"
                        .to_owned(),
                ));
            }
            generate.quorum = quorum::for_run(args.quorum, &quorum);
            if args.shard == Some(ShardArg::Auto) {
                let shard = shard::from_ci(|name| std::env::var(name).ok());
                generate.shard = Some(shard.map_err(ConfigError::Usage)?);
            }
        }
        if let Command::Validate(args) = &cli.command {
            validate.quorum = quorum::for_run(args.quorum, &quorum);
        }
        if let Command::Profile(args) = &cli.command {
            if generate.paths.is_empty() {
                return Err(ConfigError::Usage(
                    "no contracts to profile: give PATHS, or list them in the settings file \
                     (`[generate] contracts = [\"contracts\"]`)"
                        .to_owned(),
                ));
            }
            generate.quorum = quorum::for_run(args.quorum, &quorum);
        }
        Ok(Settings {
            file,
            color,
            generate,
            validate,
            quorum,
            entries: merge.entries,
        })
    }
}

/// The settings file for a run started in `start`: in the nearest directory
/// (walking up) holding `codegen.toml` or a `pyproject.toml` with a
/// `[tool.codegen]` table; in one directory, `codegen.toml` wins.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let config = dir.join(CONFIG_FILE);
        if config.is_file() {
            return Some(config);
        }
        let pyproject = dir.join(PYPROJECT_FILE);
        if pyproject.is_file()
            && std::fs::read_to_string(&pyproject).is_ok_and(|text| file::has_tool_table(&text))
        {
            return Some(pyproject);
        }
    }
    None
}

fn load(path: &Path) -> Result<(FileValues, QuorumSettings), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let pyproject = path.file_name().is_some_and(|n| n == PYPROJECT_FILE);
    let values = file::read(path, &text, pyproject, SCHEMA);
    let quorum = quorum::read(path, &text, pyproject, &file::base_dir(path));
    match (values, quorum) {
        (Ok(values), Ok(quorum)) => Ok((values, quorum)),
        (Err(mut problems), Err(more)) => {
            problems.extend(more);
            problems.sort_by_key(|d| d.position);
            Err(ConfigError::Invalid(problems))
        }
        (Err(problems), _) | (_, Err(problems)) => Err(ConfigError::Invalid(problems)),
    }
}

/// The merge in progress: the file's values and the entries recorded so far.
struct Merge {
    file: Option<PathBuf>,
    base: PathBuf,
    values: FileValues,
    entries: Vec<Entry>,
}

impl Merge {
    /// The flag if given, else the file's value, else `default`; recorded under `key`.
    fn pick<T>(
        &mut self,
        key: &'static str,
        flag: Option<T>,
        from_file: impl FnOnce(&Raw, &Path) -> Option<T>,
        default: Option<T>,
        show: impl Fn(&T) -> serde_json::Value,
    ) -> Option<T> {
        let located: Option<&Located> = self.values.values.get(key);
        let (value, source) = if let Some(value) = flag {
            (Some(value), Source::Flag)
        } else if let (Some(found), Some(path)) = (located, &self.file)
            && let Some(value) = from_file(&found.value, &self.base)
        {
            (
                Some(value),
                Source::File {
                    path: path.clone(),
                    line: found.line,
                },
            )
        } else {
            (default, Source::Default)
        };
        self.entries.push(Entry {
            key,
            value: value.as_ref().map(show),
            source,
        });
        value
    }

    fn flag(&mut self, key: &'static str, flag: bool) -> bool {
        self.pick(
            key,
            flag.then_some(true),
            |raw, _| match raw {
                Raw::Bool(b) => Some(*b),
                _ => None,
            },
            Some(false),
            |b| serde_json::Value::Bool(*b),
        )
        .unwrap_or(false)
    }

    fn count(&mut self, key: &'static str, flag: Option<u16>) -> Option<u16> {
        self.pick(
            key,
            flag,
            |raw, _| match raw {
                Raw::Count(n) => Some(*n),
                _ => None,
            },
            None,
            |n| serde_json::Value::from(*n),
        )
    }

    fn path(
        &mut self,
        key: &'static str,
        flag: Option<PathBuf>,
        default: Option<PathBuf>,
    ) -> Option<PathBuf> {
        self.pick(
            key,
            flag,
            |raw, base| match raw {
                Raw::Text(text) => Some(base.join(text)),
                _ => None,
            },
            default,
            |p| serde_json::Value::String(p.display().to_string()),
        )
    }

    fn list(&mut self, key: &'static str, flag: Option<Vec<String>>) -> Option<Vec<String>> {
        self.pick(
            key,
            flag,
            |raw, _| match raw {
                Raw::List(list) => Some(list.clone()),
                _ => None,
            },
            None,
            |list| serde_json::Value::from(list.clone()),
        )
    }

    /// A `ValueEnum` setting; the file holds one of its names (checked when read).
    fn choice<T: ValueEnum + Clone>(
        &mut self,
        key: &'static str,
        flag: Option<T>,
        default: T,
    ) -> T {
        let name = |value: &T| {
            value
                .to_possible_value()
                .map(|p| p.get_name().to_owned())
                .unwrap_or_default()
        };
        self.pick(
            key,
            flag,
            |raw, _| match raw {
                Raw::Text(text) => T::from_str(text, false).ok(),
                _ => None,
            },
            Some(default.clone()),
            |v| serde_json::Value::String(name(v)),
        )
        .unwrap_or(default)
    }

    fn generate(&mut self, args: &GenerateArgs) -> GenerateSettings {
        // Paths in the file are relative to its directory, like `output`.
        let paths = self
            .pick(
                "generate.contracts",
                non_empty_paths(&args.paths),
                |raw, base| match raw {
                    Raw::List(list) => Some(list.iter().map(|p| base.join(p)).collect()),
                    _ => None,
                },
                None,
                |paths: &Vec<PathBuf>| {
                    serde_json::Value::from(
                        paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>(),
                    )
                },
            )
            .unwrap_or_default();
        let output = self
            .path(
                "generate.output",
                args.output.clone(),
                Some(PathBuf::from("generated")),
            )
            .unwrap_or_else(|| PathBuf::from("generated"));
        let jobs = self.count("generate.jobs", args.jobs);
        let fail_fast = self.flag("generate.fail-fast", args.fail_fast);
        let strict = self.flag("generate.strict", args.strict);
        let ignore = self
            .list("generate.ignore", non_empty(&args.ignore))
            .unwrap_or_default();
        let quality_select = self.list("generate.quality-select", non_empty(&args.quality_select));
        let step_timeout = self.count("generate.step-timeout", args.step_timeout);
        let timings = self.flag("generate.timings", args.timings);
        let templates = self.path("generate.templates", args.templates.clone(), None);
        let output_format = self.choice(
            "generate.output-format",
            args.output_format,
            GenerateFormat::Text,
        );
        let format_command = self.command("generate.format-command");
        let package_prefix = self.pick(
            "generate.package-prefix",
            args.package_prefix.clone(),
            |raw, _| match raw {
                Raw::Text(text) => Some(text.clone()),
                _ => None,
            },
            None,
            |p| serde_json::Value::String(p.clone()),
        );
        GenerateSettings {
            paths,
            output,
            jobs,
            fail_fast,
            strict,
            ignore,
            quality_select,
            step_timeout,
            timings,
            templates,
            output_format,
            format_command,
            package_prefix,
            check: args.check,
            diff: args.diff,
            trace: args.trace.clone(),
            dry_run: args.dry_run,
            force: args.force,
            prune: args.prune,
            // `auto` is resolved from the environment by `Settings::resolve`.
            shard: match args.shard {
                Some(ShardArg::Fixed(shard)) => Some(shard),
                Some(ShardArg::Auto) | None => None,
            },
            quorum: None,
        }
    }

    /// The formatter command: a program with a `/` is a path, relative to the
    /// settings file's directory; a bare name is looked up on `PATH`.
    fn command(&mut self, key: &'static str) -> Option<Vec<String>> {
        self.pick(
            key,
            None,
            |raw, base| match raw {
                Raw::List(list) => {
                    let mut list = list.clone();
                    if let Some(program) = list.first_mut()
                        && program.contains('/')
                        && Path::new(program.as_str()).is_relative()
                    {
                        *program = base.join(program.as_str()).display().to_string();
                    }
                    Some(list)
                }
                _ => None,
            },
            None,
            |list| serde_json::Value::from(list.clone()),
        )
    }

    fn validate(&mut self, args: &ValidateArgs) -> ValidateSettings {
        let select = self.list("validate.select", args.select.clone());
        let extend_select = self
            .list("validate.extend-select", non_empty(&args.extend_select))
            .unwrap_or_default();
        let ignore = self
            .list("validate.ignore", non_empty(&args.ignore))
            .unwrap_or_default();
        let exclude = self.list("validate.exclude", args.exclude.clone());
        let extend_exclude = self
            .list("validate.extend-exclude", non_empty(&args.extend_exclude))
            .unwrap_or_default();
        let respect_gitignore = self
            .pick(
                "validate.respect-gitignore",
                args.no_respect_gitignore.then_some(false),
                |raw, _| match raw {
                    Raw::Bool(b) => Some(*b),
                    _ => None,
                },
                Some(true),
                |b| serde_json::Value::Bool(*b),
            )
            .unwrap_or(true);
        let output_format = self.choice(
            "validate.output-format",
            args.output_format,
            OutputFormat::Text,
        );
        let show_source = self.flag("validate.show-source", args.show_source);
        let warnings_as_errors = self.flag("validate.warnings-as-errors", args.warnings_as_errors);
        let jobs = self.count("validate.jobs", args.jobs);
        ValidateSettings {
            paths: args.paths.clone(),
            select,
            extend_select,
            ignore,
            exclude,
            extend_exclude,
            respect_gitignore,
            output_format,
            show_source,
            warnings_as_errors,
            jobs,
            stdin_filename: args.stdin_filename.clone(),
            statistics: args.statistics,
            exit_zero: args.exit_zero,
            quorum: None,
        }
    }
}

/// Positional paths count as given when there is at least one.
fn non_empty_paths(paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    (!paths.is_empty()).then(|| paths.to_vec())
}

/// A repeatable flag counts as given when it was given at least once.
fn non_empty(values: &[String]) -> Option<Vec<String>> {
    (!values.is_empty()).then(|| values.to_vec())
}
