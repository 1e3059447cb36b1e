//! The six codegen stages (parse, models, node, tests, quality, package) as
//! steps over one [`Job`] per contract, run by the staged executor.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::contract::{self, Contract, LoadOptions};
use crate::diagnostics::{Diagnostic, has_errors};
use crate::output::{self, WrittenFile};
use crate::pipeline::executor::{Executor, Observer, RunResult, Stage, StepError};
use crate::python::{self, FileRole};
use crate::render::{GeneratedFile, Renderer};

/// The stage names, in order.
pub const STAGES: [&str; 6] = ["parse", "models", "node", "tests", "quality", "package"];

/// What one contract has become so far.
#[derive(Debug, Default)]
pub struct Job {
    /// The contract file, as the user named it.
    pub path: PathBuf,
    pub contract: Option<Contract>,
    /// Warnings and errors about the contract and about the generated files.
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered files, relative to the package directory.
    pub files: Vec<GeneratedFile>,
    /// What the package stage did with each file.
    pub written: Vec<WrittenFile>,
}

impl Job {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            ..Self::default()
        }
    }

    fn contract(&self) -> Result<&Contract, StepError> {
        self.contract
            .as_ref()
            .ok_or_else(|| StepError::fatal("the contract was not parsed"))
    }
}

/// Everything the steps share.
pub struct Context {
    pub renderer: Renderer,
    pub load: LoadOptions,
    pub out: PathBuf,
}

/// How the run is shaped.
pub struct Options {
    pub jobs: usize,
    pub fail_fast: bool,
    pub step_timeout: Duration,
}

/// Stage 1 alone: read and check every contract.
pub fn parse_executor(
    ctx: &Arc<Context>,
    options: &Options,
    observer: Arc<dyn Observer>,
) -> Executor<Job> {
    let parse_ctx = Arc::clone(ctx);
    Executor::new()
        .jobs(options.jobs)
        .fail_fast(options.fail_fast)
        .observer(observer)
        .stage(configure(
            Stage::blocking(STAGES[0], move |job: &mut Job| parse(&parse_ctx, job)),
            options,
        ))
}

/// Stages 2 to 6, for the contracts that parsed (and are not duplicates).
pub fn generate_executor(
    ctx: &Arc<Context>,
    options: &Options,
    observer: Arc<dyn Observer>,
) -> Executor<Job> {
    let c = |ctx: &Arc<Context>| Arc::clone(ctx);
    let (models, node, tests, package) = (c(ctx), c(ctx), c(ctx), c(ctx));
    Executor::new()
        .jobs(options.jobs)
        .fail_fast(options.fail_fast)
        .observer(observer)
        .stage(configure(
            Stage::blocking(STAGES[1], move |job: &mut Job| {
                render(job, |c| models.renderer.render_models(c))
            }),
            options,
        ))
        .stage(configure(
            Stage::blocking(STAGES[2], move |job: &mut Job| {
                render(job, |c| node.renderer.render_node(c))
            }),
            options,
        ))
        .stage(configure(
            Stage::blocking(STAGES[3], move |job: &mut Job| {
                render(job, |c| tests.renderer.render_tests(c))
            }),
            options,
        ))
        .stage(configure(Stage::blocking(STAGES[4], quality), options))
        .stage(configure(
            Stage::blocking(STAGES[5], move |job: &mut Job| write(&package.out, job)),
            options,
        ))
}

fn configure(stage: Stage<Job>, options: &Options) -> Stage<Job> {
    stage.timeout(Some(options.step_timeout)).retries(0)
}

fn parse(ctx: &Context, job: &mut Job) -> Result<(), StepError> {
    let bytes = std::fs::read(&job.path).map_err(|e| {
        job.diagnostics.push(
            Diagnostic::error(&job.path, format!("cannot read: {e}"))
                .with_help("check the path and its permissions"),
        );
        StepError::fatal(format!("cannot read: {e}"))
    })?;
    match contract::load(&job.path, &bytes, &ctx.load) {
        Ok(loaded) => {
            tracing::debug!(contract = %job.path.display(), node = %loaded.contract.name, "parsed");
            job.diagnostics.extend(loaded.warnings);
            job.contract = Some(loaded.contract);
            Ok(())
        }
        Err(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            job.diagnostics.extend(diagnostics);
            Err(StepError::fatal(plural(
                errors,
                "error in the contract",
                "errors in the contract",
            )))
        }
    }
}

fn render(
    job: &mut Job,
    stage: impl FnOnce(&Contract) -> Result<Vec<GeneratedFile>, crate::render::RenderError>,
) -> Result<(), StepError> {
    let files = stage(job.contract()?).map_err(|e| {
        job.diagnostics
            .push(Diagnostic::error(&job.path, e.to_string()));
        StepError::fatal(e.to_string())
    })?;
    job.files.extend(files);
    Ok(())
}

/// Stage 5: every generated Python file is parsed and checked before anything is written.
fn quality(job: &mut Job) -> Result<(), StepError> {
    let contract = job.contract()?;
    let package = PathBuf::from(&contract.name);
    let base = contract.node_type.base_class().to_owned();
    let mut findings = Vec::new();
    for file in job
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "py"))
    {
        let shown = package.join(&file.path);
        findings.extend(python::check_bytes(&shown, file.contents.as_bytes()));
        let role = role_of(&file.path, &base);
        findings.extend(python::check_structure(&shown, &file.contents, &role));
    }
    let failed = has_errors(&findings);
    job.diagnostics.extend(findings);
    if failed {
        return Err(StepError::fatal("generated code has error findings"));
    }
    Ok(())
}

fn role_of(path: &Path, base: &str) -> FileRole {
    let top = path
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match (top.as_deref(), name.as_str()) {
        (_, "__init__.py") => FileRole::Init,
        (Some("node.py"), _) => FileRole::Node {
            base_class: Some(base.to_owned()),
        },
        (Some("models"), _) => FileRole::Model,
        (Some("handlers"), _) => FileRole::Handler,
        (Some("tests"), _) => FileRole::Test,
        _ => FileRole::Other,
    }
}

/// Stage 6: the package goes to disk, all files or none.
fn write(out: &Path, job: &mut Job) -> Result<(), StepError> {
    let dir = out.join(&job.contract()?.name);
    match output::write_package(&dir, &job.files) {
        Ok(written) => {
            tracing::debug!(package = %dir.display(), files = written.len(), "written");
            job.written = written;
            Ok(())
        }
        Err(e) => {
            job.diagnostics.push(Diagnostic::error(&dir, e.to_string()));
            Err(StepError::fatal(e.to_string()))
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The parse run and the generate run of one `generate` invocation.
pub struct Outcome {
    /// The contract files, in the parse run's item order.
    pub paths: Vec<PathBuf>,
    pub parse: RunResult<Job>,
    pub generate: Option<RunResult<Job>>,
    /// Cross-contract errors (duplicate names), by job path.
    pub duplicates: Vec<Diagnostic>,
}
