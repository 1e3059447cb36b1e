//! The six codegen stages (parse, models, node, tests, quality, package) as
//! steps over one [`Job`] per contract, run by the staged executor. A contract
//! whose package is fresh (same contract bytes, same generator, files intact)
//! is recognised in the parse stage and skips every later stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::contract::{self, Contract, LoadOptions};
use crate::diagnostics::{Diagnostic, count, has_errors};
use crate::digest::sha256_hex;
use crate::lint;
use crate::output::{self, Generator, PackageManifest, PackagePlan, PlanOptions};
use crate::pipeline::executor::{Executor, Observer, Stage, StepError};
use crate::pipeline::recovery;
use crate::render::{GeneratedFile, Ownership, Renderer};

/// The stage names, in order.
pub const STAGES: [&str; 6] = ["parse", "models", "node", "tests", "quality", "package"];

/// What the run does with the packages it plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed packages.
    Write,
    /// Write nothing; report what is out of date.
    Check,
    /// Write nothing; report what would happen.
    DryRun,
}

/// What one contract has become so far.
#[derive(Debug, Default)]
pub struct Job {
    /// The contract file, as the user named it.
    pub path: PathBuf,
    /// SHA-256 of the contract's bytes.
    pub contract_hash: String,
    /// The contract as manifests record it: relative to the output directory.
    pub reference: String,
    /// The package name, once known (parsed, or read from a fresh manifest).
    pub package: Option<String>,
    pub contract: Option<Contract>,
    /// What the contract says about the roles of the package's files, kept once the contract
    /// is dropped after rendering.
    pub roles: Option<lint::PackageRoles>,
    /// The package is up to date: every later stage is skipped.
    pub fresh: bool,
    /// The file is a handler contract, not a node's: nothing is generated.
    pub skipped: bool,
    /// Warnings and errors about the contract and about the generated files.
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered files, relative to the package directory.
    pub files: Vec<GeneratedFile>,
    /// What the package stage planned (and, when writing, did).
    pub plan: Option<PackagePlan>,
    /// Time spent in each stage's step.
    pub timings: Vec<(&'static str, Duration)>,
    /// With `--quorum`: the verdict on each generated Python file.
    pub quorum: Vec<crate::quorum::FileVerdict>,
    /// Set by the step that fails a contract for a reason that is not bad
    /// input (exit 1, not 2). A failure without one is the input's.
    pub verdict: Option<Verdict>,
    /// What was done about failures on the way (see [`recovery`]).
    pub recoveries: Vec<recovery::Recovery>,
    /// The package built in staging, waiting for the format command before
    /// it is swapped in (see [`Context::hold_staged`]).
    pub staged: Option<StagedPackage>,
}

/// Why a contract whose input was good failed: its exit status is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The generated code has error findings (the rules, or the AI quorum).
    Findings,
    /// Hand-edited files block the package.
    HandEdited,
    /// The disk is full: the package was not written (or was the one that
    /// found it full).
    DiskFull,
}

/// A package built whole in the staging area and not yet in place.
#[derive(Debug)]
pub struct StagedPackage {
    pub staged: output::Staged,
    /// How many of the job's diagnostics are findings about its inputs: they
    /// are recorded for replay once the package is in place.
    input_findings: usize,
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
    pub generator: Generator,
    pub load: LoadOptions,
    pub out: PathBuf,
    /// `out`, absolute: contract references are relative to it.
    pub out_absolute: PathBuf,
    pub mode: Mode,
    pub plan: PlanOptions,
    /// Contract reference → package name, from earlier runs: lets a fresh
    /// contract be recognised without parsing it.
    pub index: BTreeMap<String, String>,
    /// The index on disk held what could not be trusted: a writing run replaces it.
    pub index_dirty: bool,
    /// Stage 6 builds packages in staging and leaves them there: a format
    /// command runs over all of them before each is swapped in whole
    /// ([`finish_staged`]), so a package is never seen half-formatted.
    pub hold_staged: bool,
    /// With `--quorum`: the models that vote in stage 5.
    pub quorum: Option<crate::quorum::Quorum>,
    /// `--quality-select`: the rules stage 5 runs, by code or prefix; `None`: all.
    pub quality_select: Option<Vec<String>>,
    /// Set by the first package write that found the disk full: every later
    /// package write of the run is stopped.
    pub disk_full: DiskFull,
}

/// Whether a package write of the run found the disk full, and what it knew.
#[derive(Debug, Default)]
pub struct DiskFull(OnceLock<FullDisk>);

/// What the package write that found the disk full knew.
#[derive(Debug, Clone)]
pub struct FullDisk {
    /// The space the package's new files take (in whole blocks).
    pub needed: u64,
    /// The space left on the output's file system.
    pub free: Option<output::FreeSpace>,
}

impl DiskFull {
    /// What the first write that found the disk full knew; `None` while none has.
    pub fn get(&self) -> Option<&FullDisk> {
        self.0.get()
    }

    /// Records a full disk (the first one found is kept).
    pub fn set(&self, full: FullDisk) {
        let _ = self.0.set(full);
    }
}

impl FullDisk {
    /// Why the package that found the disk full is not written.
    fn hit_message(&self) -> String {
        let free = match &self.free {
            Some(free) => format!(
                "{} available on {}",
                grouped(free.available),
                free.mount.display()
            ),
            None => "the space available cannot be told".to_owned(),
        };
        format!(
            "cannot write: the disk is full (the package needs {} bytes; {free}). Free space and \
             run again: no package was left half-written",
            grouped(self.needed)
        )
    }

    /// Why a later package is not written.
    fn stopped_message(&self) -> String {
        let free = match &self.free {
            Some(free) => format!(
                ", {} available on {}",
                grouped(free.available),
                free.mount.display()
            ),
            None => String::new(),
        };
        format!(
            "not written: the disk is full (a package before it needed {} bytes{free})",
            grouped(self.needed)
        )
    }

    fn help(&self) -> String {
        match &self.free {
            Some(free) => format!("free space on {} and run again", free.mount.display()),
            None => "free space and run again".to_owned(),
        }
    }
}

/// `123456` as `123,456`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
            STAGES[0],
            move |job: &mut Job| parse(&parse_ctx, job),
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
    let (vote, limit) = (c(ctx), c(ctx));
    let (step_timeout, jobs) = (options.step_timeout, options.jobs);
    Executor::new()
        .jobs(options.jobs)
        .fail_fast(options.fail_fast)
        .observer(observer)
        .stage(configure(
            STAGES[1],
            move |job: &mut Job| render(&models, job, |c| models.renderer.render_models(c)),
            options,
        ))
        .stage(configure(
            STAGES[2],
            move |job: &mut Job| render(&node, job, |c| node.renderer.render_node(c)),
            options,
        ))
        .stage(configure(
            STAGES[3],
            move |job: &mut Job| {
                render(&tests, job, |c| tests.renderer.render_tests(c))?;
                // Rendering is over: from here on the package needs only its
                // name and the roles of its files (and, for the vote, a summary of its
                // contract), so every contract's model is dropped before the
                // files of all of them are checked and written.
                job.roles = job.contract.as_ref().map(lint::PackageRoles::of);
                if tests.quorum.is_none() {
                    job.contract = None;
                }
                Ok(())
            },
            options,
        ))
        .stage(
            configure(
                STAGES[4],
                move |job: &mut Job| {
                    quality(&vote, job)?;
                    super::vote::vote_job(vote.quorum.as_ref(), job)
                },
                options,
            )
            // The vote's calls have deadlines of their own: the stage waits
            // for as many of them as the package has files, on top of the checks.
            .limit_for(move |job: &Job| {
                let quorum = limit.quorum.as_ref()?;
                let files = job
                    .files
                    .iter()
                    .filter(|f| f.path.extension().is_some_and(|e| e == "py"))
                    .count();
                Some(step_timeout + quorum.time_for(files, jobs))
            }),
        )
        .stage(configure(
            STAGES[5],
            move |job: &mut Job| write(&package, job),
            options,
        ))
}

/// A blocking stage whose step is skipped for fresh jobs and timed into the job.
fn configure(
    name: &'static str,
    step: impl Fn(&mut Job) -> Result<(), StepError> + Send + Sync + 'static,
    options: &Options,
) -> Stage<Job> {
    Stage::blocking(name, move |job: &mut Job| {
        if job.fresh || job.skipped {
            return Ok(());
        }
        let started = Instant::now();
        let result = step(job);
        job.timings.push((name, started.elapsed()));
        crate::profile::flush();
        result
    })
    .timeout(Some(options.step_timeout))
}

fn parse(ctx: &Context, job: &mut Job) -> Result<(), StepError> {
    let reading = crate::profile::span("contract file read");
    let bytes = crate::discover::read_regular(&job.path).map_err(|e| {
        job.diagnostics.push(
            Diagnostic::error(&job.path, format!("cannot read: {e}"))
                .with_help("check the path and its permissions"),
        );
        StepError::fatal(format!("cannot read: {e}"))
    })?;
    drop(reading);
    job.contract_hash = sha256_hex(&bytes);
    job.reference = output::contract_reference(&ctx.out_absolute, &job.path);
    let freshness = crate::profile::span("freshness check");
    if let Some((name, manifest)) = fresh_package(ctx, job)
        && let Some(findings) = output::findings::replay(
            &ctx.out,
            &name,
            (&job.path, &job.contract_hash),
            (&ctx.generator, &manifest),
        )
        // `--strict` turns some contract warnings into errors: a contract
        // with warnings is read again for its verdict.
        && !(ctx.load.strict && findings.iter().any(|d| d.file == job.path))
    {
        // Fresh, with the findings of the run that made it: those are
        // reported again, as if the stages had run.
        tracing::debug!(contract = %job.path.display(), package = %name, "unchanged");
        job.diagnostics = findings;
        job.package = Some(name);
        job.fresh = true;
        return Ok(());
    }
    drop(freshness);
    if contract::is_handler_contract(&bytes) {
        // Not a node: the summary names it as skipped.
        job.skipped = true;
        return Ok(());
    }
    match contract::load_hashed(&job.path, &bytes, job.contract_hash.clone(), &ctx.load) {
        Ok(loaded) => {
            tracing::debug!(contract = %job.path.display(), node = %loaded.contract.name, "parsed");
            job.diagnostics.extend(loaded.warnings);
            job.package = Some(loaded.contract.name.clone());
            job.contract = Some(loaded.contract);
            Ok(())
        }
        Err(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            job.diagnostics.extend(diagnostics);
            Err(StepError::fatal(count(
                errors,
                "error in the contract",
                "errors in the contract",
            )))
        }
    }
}

/// The package this contract produced last time and its manifest, when
/// its files are still those the manifest names.
fn fresh_package(ctx: &Context, job: &Job) -> Option<(String, PackageManifest)> {
    let name = ctx.index.get(&job.reference)?;
    output::safe::package_name_problem(name)
        .is_none()
        .then_some(())?;
    let mut package = output::safe::PackageReader::open(&ctx.out.join(name)).ok()??;
    let manifest = PackageManifest::load_from(&mut package).ok()??;
    (manifest.contract == job.reference && manifest.is_fresh(&mut package, &job.contract_hash))
        .then(|| (name.clone(), manifest))
}

fn render(
    ctx: &Context,
    job: &mut Job,
    stage: impl FnOnce(&Contract) -> Result<Vec<GeneratedFile>, crate::render::RenderError>,
) -> Result<(), StepError> {
    let mut files = stage(job.contract()?).map_err(|e| {
        job.diagnostics
            .push(Diagnostic::error(&job.path, e.to_string()));
        StepError::fatal(e.to_string())
    })?;
    // A user template that failed gave way to the built-in one: a warning,
    // or with `--strict` an error about the template (exit 2).
    let mut refused = 0;
    for file in &mut files {
        let Some(mut warning) = file.fallback.take() else {
            continue;
        };
        if ctx.load.strict {
            warning.severity = crate::diagnostics::Severity::Error;
            refused += 1;
        } else {
            job.recoveries.push(recovery::Recovery::new(
                recovery::Class::Template,
                recovery::Strategy::Fallback,
                format!("{}: {}", warning.file.display(), file.path.display()),
            ));
        }
        job.diagnostics.push(*warning);
    }
    if refused > 0 {
        return Err(StepError::fatal(count(
            refused,
            "user template failed to render (--strict)",
            "user templates failed to render (--strict)",
        )));
    }
    job.files.extend(files);
    Ok(())
}

/// Stage 5: every generated Python file goes through the whole rule catalogue
/// before anything is written. A scaffold's `raise NotImplementedError`
/// (STB003) is its purpose, so it is not reported here.
fn quality(ctx: &Context, job: &mut Job) -> Result<(), StepError> {
    let (Some(name), Some(roles)) = (&job.package, &job.roles) else {
        return Err(StepError::fatal("the contract was not rendered"));
    };
    // Findings name files as they open from the working directory.
    let package = ctx.out.join(name);
    let mut findings = Vec::new();
    for file in job
        .files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "py"))
    {
        let shown = package.join(&file.path);
        let scaffold = file.ownership == Ownership::Scaffold;
        let context = lint::LintContext {
            role: lint::role_in_package(&file.path, roles),
            scaffold,
            contracts: None,
        };
        let selected = |code: &str| {
            ctx.quality_select.as_ref().is_none_or(|select| {
                select.iter().any(|s| {
                    code.to_ascii_uppercase()
                        .starts_with(&s.to_ascii_uppercase())
                })
            })
        };
        findings.extend(
            lint::lint_selected(&shown, file.contents.as_bytes(), &context, &selected)
                .into_iter()
                .filter(|d| !(scaffold && d.code == Some("STB003"))),
        );
    }
    let failed = has_errors(&findings);
    job.diagnostics.extend(findings);
    if failed {
        job.verdict = Some(Verdict::Findings);
        return Err(StepError::fatal("generated code has error findings"));
    }
    Ok(())
}

/// An output error as a diagnostic: the refusals of the safety rules name
/// their own file (the manifest, the link); any other is about the package.
fn located(dir: &Path, e: &output::OutputError) -> Diagnostic {
    use output::OutputError as E;
    match e {
        E::Symlink { .. }
        | E::NotAFile { .. }
        | E::OutsidePackage { .. }
        | E::InTheWay { .. }
        | E::UnsafeEntry { .. }
        | E::CorruptManifest { .. } => e.diagnostic(),
        _ => Diagnostic::error(dir, e.to_string()),
    }
}

/// Stage 6: plan the package against the disk and, when writing, swap it in whole.
fn write(ctx: &Context, job: &mut Job) -> Result<(), StepError> {
    // What the stages before this one found follows from the inputs alone
    // and is replayed by runs that skip the package; what this stage finds
    // is about the disk, and is not.
    let input_findings = job.diagnostics.len();
    let Some(name) = &job.package else {
        return Err(StepError::fatal("the contract was not rendered"));
    };
    if let Some(reason) = output::safe::package_name_problem(name) {
        let message = format!("the node name {name:?} is {reason}: it cannot name a package");
        job.diagnostics
            .push(Diagnostic::error(&job.path, message.clone()));
        return Err(StepError::fatal(message));
    }
    let dir = ctx.out.join(name);
    let manifest = PackageManifest {
        contract: job.reference.clone(),
        contract_hash: job.contract_hash.clone(),
        template_hash: ctx.generator.template_hash.clone(),
        tool_version: ctx.generator.version.clone(),
        files: BTreeMap::new(),
    };
    let fail = |job: &mut Job, e: &output::OutputError| {
        job.diagnostics.push(located(&dir, e));
        StepError::fatal(e.to_string())
    };
    let files = std::mem::take(&mut job.files);
    let planning = crate::profile::span("manifest plan");
    let planned = output::plan(&dir, files, manifest, ctx.plan);
    drop(planning);
    let mut plan = match planned {
        Ok(plan) => plan,
        Err(e) => return Err(fail(job, &e)),
    };
    job.diagnostics.extend(plan.warnings.iter().cloned());
    let conflicts: Vec<Diagnostic> = plan
        .conflicts()
        .map(|f| {
            Diagnostic::error(
                dir.join(&f.path),
                "edited by hand since it was generated; not overwritten",
            )
            .with_help("move your change into the contract or a handler, or run with --force to overwrite it")
        })
        .collect();
    if ctx.mode == Mode::Write && conflicts.is_empty() {
        if let Some(full) = ctx.disk_full.get()
            && plan.changes_disk()
        {
            // An earlier package found the disk full: this one is not tried.
            plan.not_written(output::FileAction::Failed);
            job.plan = Some(plan);
            let diagnostic = stopped_by_full_disk(job, &dir, full);
            return Err(fail_with(job, diagnostic));
        }
        let _span = crate::profile::span("package write");
        let mut retries = output::IoRetries::default();
        let written = if ctx.hold_staged {
            output::stage(&ctx.out, &plan, &mut retries)
        } else {
            output::commit(&ctx.out, &plan, &mut retries).map(|()| None)
        };
        record_retries(job, &retries);
        match written {
            Err(e) => {
                plan.not_written(output::FileAction::Failed);
                if e.disk_full().is_some() {
                    let diagnostic = found_full_disk(ctx, job, &dir, &plan, &e);
                    job.plan = Some(plan);
                    return Err(fail_with(job, diagnostic));
                }
                job.plan = Some(plan);
                if retries.exhausted {
                    return Err(fail_with(job, failed_after_retries(&dir, &e, &retries)));
                }
                return Err(fail(job, &e));
            }
            Ok(Some(staged)) => {
                job.staged = Some(StagedPackage {
                    staged,
                    input_findings,
                });
            }
            Ok(None) => {
                tracing::debug!(package = %dir.display(), files = plan.files.len(), "written");
                store_findings(ctx, job, input_findings, &plan.manifest);
            }
        }
    }
    // Hand edits block the whole package: nothing of it is written (and, in
    // a dry run, nothing would be).
    if ctx.mode != Mode::Check && !conflicts.is_empty() {
        plan.not_written(output::FileAction::Blocked);
    }
    job.plan = Some(plan);
    // A dry run fails where the write would: its exit status agrees.
    if ctx.mode != Mode::Check && !conflicts.is_empty() {
        job.diagnostics.extend(conflicts);
        job.verdict = Some(Verdict::HandEdited);
        return Err(StepError::fatal("hand-edited files block the package"));
    }
    Ok(())
}

/// Records the transient errors the package's writes retried.
fn record_retries(job: &mut Job, retries: &output::IoRetries) {
    if retries.times == 0 {
        return;
    }
    let strategy = if retries.exhausted {
        recovery::Strategy::RetryFailed
    } else {
        recovery::Strategy::Retry
    };
    job.recoveries.push(
        recovery::Recovery::new(recovery::Class::Io, strategy, retries.detail())
            .times(retries.times),
    );
}

/// A write that still failed on a transient error when its attempts ran out.
fn failed_after_retries(
    dir: &Path,
    e: &output::OutputError,
    retries: &output::IoRetries,
) -> Diagnostic {
    Diagnostic::error(
        dir,
        format!(
            "{e}; still failing after {} (the package is left as it was)",
            count(retries.times as usize, "retry", "retries")
        ),
    )
    .with_help("find what keeps the path busy (a mount, another process), then run again")
}

/// The package write that found the disk full: the package stays as it was,
/// and every later package write of the run is stopped.
fn found_full_disk(
    ctx: &Context,
    job: &mut Job,
    dir: &Path,
    plan: &PackagePlan,
    e: &output::OutputError,
) -> Diagnostic {
    let free = output::free_space(&ctx.out);
    let full = FullDisk {
        needed: output::package::bytes_to_write(plan, free.as_ref().map(|f| f.block)),
        free,
    };
    tracing::debug!(package = %dir.display(), error = %e, "the disk is full");
    job.recoveries.push(recovery::Recovery::new(
        recovery::Class::Io,
        recovery::Strategy::Stop,
        format!(
            "{} on {}",
            e.disk_full().unwrap_or("ENOSPC"),
            e.path().display()
        ),
    ));
    job.verdict = Some(Verdict::DiskFull);
    let diagnostic = Diagnostic::error(dir, full.hit_message()).with_help(full.help());
    ctx.disk_full.set(full);
    diagnostic
}

/// A package not written because an earlier one found the disk full.
fn stopped_by_full_disk(job: &mut Job, dir: &Path, full: &FullDisk) -> Diagnostic {
    job.verdict = Some(Verdict::DiskFull);
    Diagnostic::error(dir, full.stopped_message()).with_help(full.help())
}

/// Fails the step with `diagnostic`, which the job keeps.
fn fail_with(job: &mut Job, diagnostic: Diagnostic) -> StepError {
    let error = StepError::fatal(diagnostic.message.clone());
    job.diagnostics.push(diagnostic);
    error
}

/// Records what the stages before the package stage found, for the runs that
/// skip the package while it stays fresh.
fn store_findings(ctx: &Context, job: &Job, input_findings: usize, manifest: &PackageManifest) {
    let Some(name) = &job.package else {
        return;
    };
    output::findings::store(
        &ctx.out,
        name,
        (&job.path, &job.contract_hash),
        (&ctx.generator, manifest),
        &job.diagnostics[..input_findings.min(job.diagnostics.len())],
    );
}

/// Puts a package left in staging ([`Context::hold_staged`]) in place, after
/// the format command ran on `formatted` (paths relative to the package):
/// the manifest records the formatted bytes, so the next run and `--check`
/// see the package as fresh. An error leaves the old package as it was; the
/// returned diagnostic says why.
pub fn finish_staged(
    ctx: &Context,
    job: &mut Job,
    formatted: &[PathBuf],
) -> Result<(), Box<Diagnostic>> {
    let (Some(held), Some(plan)) = (job.staged.take(), job.plan.as_mut()) else {
        return Ok(());
    };
    let dir = plan.dir.clone();
    if let Some(full) = ctx.disk_full.get() {
        // Rewriting the manifest needs space: the package stays as it was
        // (dropped, the staging copy is removed).
        drop(held);
        plan.not_written(output::FileAction::Failed);
        return Err(Box::new(stopped_by_full_disk(job, &dir, full)));
    }
    let mut retries = output::IoRetries::default();
    let placed = held
        .staged
        .rehash(&mut plan.manifest, formatted, &mut retries)
        .and_then(|()| held.staged.swap(&mut retries));
    if let Err(e) = placed {
        plan.not_written(output::FileAction::Failed);
        let plan = plan.clone();
        record_retries(job, &retries);
        let diagnostic = if e.disk_full().is_some() {
            found_full_disk(ctx, job, &dir, &plan, &e)
        } else if retries.exhausted {
            failed_after_retries(&dir, &e, &retries)
        } else {
            located(&dir, &e)
        };
        return Err(Box::new(diagnostic));
    }
    let files = plan.files.len();
    let manifest = plan.manifest.clone();
    record_retries(job, &retries);
    tracing::debug!(package = %dir.display(), files, "written");
    store_findings(ctx, job, held.input_findings, &manifest);
    Ok(())
}

/// Drops a package left in staging: the old one stays as it was.
pub fn abandon_staged(job: &mut Job) {
    if job.staged.take().is_some()
        && let Some(plan) = job.plan.as_mut()
    {
        plan.not_written(output::FileAction::Failed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use recovery::{Class, Recovery, Strategy};

    #[test]
    fn sizes_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(4_096), "4,096");
        assert_eq!(grouped(123_456), "123,456");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn retries_are_recorded_on_the_job() {
        let mut job = Job::new(PathBuf::from("c.yaml"));
        record_retries(&mut job, &output::IoRetries::default());
        assert!(job.recoveries.is_empty(), "no retry, no record");

        let busy = output::IoRetries {
            times: 2,
            last: Some(("EBUSY", PathBuf::from("out/pkg"))),
            exhausted: false,
        };
        record_retries(&mut job, &busy);
        let exhausted = output::IoRetries {
            times: 4,
            exhausted: true,
            ..busy
        };
        record_retries(&mut job, &exhausted);
        assert_eq!(
            job.recoveries,
            vec![
                Recovery::new(Class::Io, Strategy::Retry, "EBUSY on out/pkg").times(2),
                Recovery::new(Class::Io, Strategy::RetryFailed, "EBUSY on out/pkg").times(4),
            ]
        );
    }

    #[test]
    fn a_full_disk_says_what_was_needed_and_what_was_left() {
        let full = FullDisk {
            needed: 98_304,
            free: Some(output::FreeSpace {
                available: 4_096,
                block: 4_096,
                mount: PathBuf::from("/mnt/out"),
            }),
        };
        assert_eq!(
            full.hit_message(),
            "cannot write: the disk is full (the package needs 98,304 bytes; 4,096 available on \
             /mnt/out). Free space and run again: no package was left half-written"
        );
        assert_eq!(
            full.stopped_message(),
            "not written: the disk is full (a package before it needed 98,304 bytes, 4,096 \
             available on /mnt/out)"
        );
        let unknown = FullDisk {
            needed: 10,
            free: None,
        };
        assert!(
            unknown
                .hit_message()
                .contains("10 bytes; the space available cannot be told")
        );
    }
}
