//! `codegen generate`: contracts in, node packages out, through the six
//! stages; or, with `--check` / `--dry-run`, what would change, without writing.
//!
//! This module wires the run together: settings to context, the parse run, the
//! generation run, formatting and the swap into place, the report. What it
//! decides on the way lives beside it: `inputs` (which contracts), `parsed`
//! (shards, duplicates, what is final after parsing), `orphans` (packages no
//! contract generates, and the index), `progress` (the stage bars).

mod inputs;
mod orphans;
mod parsed;
mod progress;

use inputs::{contracts_of, drop_ignored, is_usage_error};
use orphans::{settle_orphans, update_index};
use parsed::{duplicate_names, sort_parsed};
use progress::Bars;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cli::GenerateFormat;
use crate::config::GenerateSettings;
use crate::contract::LoadOptions;
use crate::diagnostics::Diagnostic;
use crate::exit::ExitStatus;
use crate::output::{self, Generator, OutputLock, PlanOptions};
use crate::pipeline::codegen::{self, Context, Job, Mode, Options};
use crate::pipeline::executor::{self, Crew, Observer, StageReport};
use crate::pipeline::recovery::{self, Recovery};
use crate::render::Renderer;
use crate::render::templates::TemplateManager;
use crate::report::Printer;
use crate::report::summary::{self, ContractResult, Report, Status};
use crate::report::trace::{self, TracedRun};

/// A step that runs longer than this is stopped and reported as timed out
/// (`--step-timeout` changes it).
const STEP_TIMEOUT: Duration = Duration::from_mins(1);

/// The limit of one step, and of the format command.
fn step_timeout(args: &GenerateSettings) -> Duration {
    args.step_timeout
        .map_or(STEP_TIMEOUT, |secs| Duration::from_secs(u64::from(secs)))
}

pub fn run(args: &GenerateSettings, printer: Printer) -> anyhow::Result<ExitStatus> {
    executor::note_capped_jobs(args.jobs, printer.quiet);
    let report = execute(args, printer)?;
    finish(args, printer, &report)
}

/// The whole run, reported but not printed (`codegen profile` runs it over and over).
pub fn execute(args: &GenerateSettings, printer: Printer) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mode = mode_of(args);
    let early = |problems| Ok(Report::failed_early(problems, started.elapsed()));
    let (files, mut problems) = contracts_of(args);
    if problems.iter().any(is_usage_error) {
        return early(problems);
    }
    let _lock = match open_output(args, mode) {
        Ok(lock) => lock,
        Err(problem) => {
            problems.push(*problem);
            return early(problems);
        }
    };
    if !problems.is_empty() && args.fail_fast {
        return early(problems);
    }
    if mode == Mode::Write {
        output::package::clean_staging(&args.output);
    }

    let Some(templates) =
        crate::commands::templates::load_into(args.templates.as_deref(), &mut problems)
    else {
        return early(problems);
    };
    let ctx = Arc::new(context(args, mode, templates, &mut problems)?);
    if ctx.index.len() < files.len() {
        compile_templates_aside(&ctx);
    }
    let options = options_of(args);
    let runtime = waiting_runtime()?;
    // One crew for both runs: the parse run's threads go on to render and write.
    let crew = Crew::new();

    let bars: Arc<dyn Observer> = Arc::new(Bars::new(printer.progress));
    let jobs: Vec<Job> = files.iter().cloned().map(Job::new).collect();
    let parse_run = codegen::parse_executor(&ctx, &options, Arc::clone(&bars)).crew(crew.clone());
    let mut parse = runtime.block_on(parse_run.run(jobs));

    // Cross-contract checks need every contract parsed: duplicate names, and the shard.
    let duplicates = duplicate_names(&parse.items);
    let stop = args.fail_fast && (!parse.succeeded() || !duplicates.is_empty());
    let (mut results, good) = sort_parsed(
        std::mem::take(&mut parse.items),
        &duplicates,
        stop,
        args.shard,
    );
    let good_paths: Vec<PathBuf> = good.iter().map(|job| job.path.clone()).collect();
    let generate_run = codegen::generate_executor(&ctx, &options, bars).crew(crew);
    let generate = (!good.is_empty()).then(|| runtime.block_on(generate_run.run(good)));
    // A step that timed out keeps its crew thread; nothing waits for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if let Some(file) = &args.trace {
        let generated = generate
            .as_ref()
            .map(|run| (run.stages.as_slice(), good_paths.as_slice()));
        write_trace(
            file,
            started,
            (&parse.stages, &files),
            generated,
            &mut problems,
        );
    }
    let mut stages = parse.stages.clone();
    let mut busy = parse.busy();
    if let Some(run) = generate {
        stages.extend(run.stages.iter().cloned());
        busy += run.busy();
        results.extend(run.items.into_iter().map(ContractResult::from_outcome));
    }
    results.sort_by(|a, b| a.job.path.cmp(&b.job.path));
    if ctx.hold_staged {
        let command = args.format_command.as_deref().unwrap_or_default();
        format_and_swap(
            &ctx,
            (command, step_timeout(args)),
            &mut results,
            &mut problems,
        );
    }

    let orphan_reports = if stop {
        Vec::new()
    } else {
        settle_orphans(args, mode, &results, &mut problems)
    };
    if mode == Mode::Write {
        let _span = crate::profile::span("index update");
        update_index(&ctx, &results, &orphan_reports, &mut problems);
        output::package::remove_own_staging(&args.output);
    }

    drop_ignored(&args.ignore, &mut results, &mut problems);
    Ok(Report::new(
        mode,
        args.prune,
        problems,
        results,
        orphan_reports,
        stages,
        busy,
        started.elapsed(),
        ctx.renderer.templates().stats(),
    ))
}

/// The format hook: the formatter runs once over the Python files of every
/// package the package stage left in staging, then each package is swapped
/// in whole, its manifest recording the formatted bytes. A formatter that
/// fails (or cannot start) leaves every package of the batch as it was: one
/// run over all of them cannot say which package it failed on.
fn format_and_swap(
    ctx: &Context,
    (command, limit): (&[String], Duration),
    results: &mut [ContractResult],
    problems: &mut Vec<Diagnostic>,
) {
    let mut staged: Vec<(&mut ContractResult, Vec<PathBuf>)> = results
        .iter_mut()
        .filter(|r| r.job.staged.is_some())
        .map(|r| {
            let files = r
                .job
                .plan
                .as_ref()
                .map(crate::output::formatter::files_to_format)
                .unwrap_or_default();
            (r, files)
        })
        .collect();
    let paths: Vec<PathBuf> = staged
        .iter()
        .filter_map(|(r, files)| Some((r.job.staged.as_ref()?.staged.path(), files)))
        .flat_map(|(root, files)| files.iter().map(|f| root.join(f)))
        .collect();
    let formatting = crate::profile::span("format command");
    let failed = crate::output::formatter::run(command, &paths, limit).err();
    drop(formatting);
    let shown = command.join(" ");
    for (result, files) in &mut staged {
        let outcome = if let Some(failure) = &failed {
            let dir = result.job.plan.as_ref().map(|p| p.dir.clone());
            codegen::abandon_staged(&mut result.job);
            if failure.timed_out {
                result.job.recoveries.push(Recovery::new(
                    recovery::Class::Timeout,
                    recovery::Strategy::Stop,
                    format!(
                        "the format command `{shown}` ran past {} s",
                        limit.as_secs()
                    ),
                ));
            }
            Err(Box::new(Diagnostic::error(
                dir.unwrap_or_default(),
                format!(
                    "not written: the format command `{shown}` failed, so the package is left \
                     as it was"
                ),
            )))
        } else {
            codegen::finish_staged(ctx, &mut result.job, files)
        };
        if let Err(problem) = outcome {
            result.status = Status::Failed;
            result.failure = Some(("package".to_owned(), problem.message.clone()));
            result.job.diagnostics.push(*problem);
        }
    }
    problems.extend(failed.map(|f| *f.diagnostic));
}

/// Some contract has no package yet, so templates will be rendered: they are
/// compiled on a thread of their own while the contracts are read, instead of
/// by the first render. If no thread can be had, the first render compiles.
fn compile_templates_aside(ctx: &Arc<Context>) {
    let ctx = Arc::clone(ctx);
    let _ = std::thread::Builder::new()
        .name("codegen-templates".to_owned())
        .spawn(move || ctx.renderer.templates().compile_builtins());
}

/// The runtime the executor runs on. Every stage is blocking: its steps run
/// on the crew's threads and the runtime only waits for them (and keeps the
/// step timeouts), so it needs no threads of its own.
fn waiting_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
}

fn mode_of(args: &GenerateSettings) -> Mode {
    if args.check {
        Mode::Check
    } else if args.dry_run {
        Mode::DryRun
    } else {
        Mode::Write
    }
}

fn options_of(args: &GenerateSettings) -> Options {
    let requested = args.jobs.map_or_else(executor::default_jobs, usize::from);
    let (jobs, _) = executor::capped_jobs(requested);
    Options {
        jobs,
        fail_fast: args.fail_fast,
        step_timeout: step_timeout(args),
    }
}

/// `--trace FILE`: both executor runs (parse, then the other stages) as one
/// Chrome trace; a path that cannot be written is a problem of the run.
fn write_trace(
    file: &Path,
    started: Instant,
    parse: (&[StageReport], &[PathBuf]),
    generate: Option<(&[StageReport], &[PathBuf])>,
    problems: &mut Vec<Diagnostic>,
) {
    let runs: Vec<TracedRun<'_>> = std::iter::once(parse)
        .chain(generate)
        .map(|(stages, items)| TracedRun { stages, items })
        .collect();
    let text = trace::chrome_trace(started, &runs);
    if let Err(e) = output::write_file_atomically(file, text.as_bytes()) {
        problems.push(
            Diagnostic::error(file, format!("cannot write the trace: {e}"))
                .with_help("choose a writable path for --trace"),
        );
    }
}

/// Makes sure the output directory can be used: when writing, it exists and
/// this run holds its lock.
fn open_output(args: &GenerateSettings, mode: Mode) -> Result<Option<OutputLock>, Box<Diagnostic>> {
    let opened = if mode == Mode::Write {
        output::prepare_output_dir(&args.output)
            .and_then(|()| OutputLock::acquire(&args.output).map(Some))
    } else if args.output.exists() && !args.output.is_dir() {
        Err(output::OutputError::NotADirectory {
            path: args.output.clone(),
        })
    } else {
        Ok(None)
    };
    opened.map_err(|e| {
        Box::new(match e {
            output::OutputError::Symlink { .. }
            | output::OutputError::NotAFile { .. }
            | output::OutputError::Locked { .. } => e.diagnostic(),
            _ => Diagnostic::error(&args.output, e.to_string())
                .with_help("choose another directory with -o DIR"),
        })
    })
}

/// The dotted import path of the output directory, as Python sees it: the
/// names of the directories from the output directory up that hold an
/// `__init__.py` (stopping at one that is not a Python name).
fn derived_prefix(out: &Path) -> Option<String> {
    let mut names = Vec::new();
    let mut dir = std::fs::canonicalize(out).ok()?;
    loop {
        let is_package =
            std::fs::symlink_metadata(dir.join("__init__.py")).is_ok_and(|m| m.is_file());
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        match name {
            Some(name)
                if is_package && crate::contract::is_module_path(&name) && !name.contains('.') =>
            {
                names.push(name);
            }
            _ => break,
        }
        if !dir.pop() {
            break;
        }
    }
    names.reverse();
    (!names.is_empty()).then(|| names.join("."))
}

/// `--package-prefix` (or `[generate] package-prefix`), else the derived
/// one; a warning when the given one is not what Python will see.
fn package_prefix(args: &GenerateSettings, problems: &mut Vec<Diagnostic>) -> Option<String> {
    let derived = derived_prefix(&args.output);
    let Some(given) = &args.package_prefix else {
        return derived;
    };
    if derived.as_ref() != Some(given) {
        let seen = derived.as_deref().map_or_else(
            || "no package (it holds no `__init__.py`)".to_owned(),
            |d| format!("`{d}`"),
        );
        problems.push(
            Diagnostic::warning(
                &args.output,
                format!(
                    "--package-prefix is `{given}`, but Python sees this directory as {seen}: pytest would import the generated tests under another name than the runtime imports the handlers by"
                ),
            )
            .with_help(format!(
                "give each directory of `{given}` an `__init__.py`, or drop --package-prefix"
            )),
        );
    }
    Some(given.clone())
}

fn context(
    args: &GenerateSettings,
    mode: Mode,
    templates: TemplateManager,
    problems: &mut Vec<Diagnostic>,
) -> anyhow::Result<Context> {
    let index = output::read_index(&args.output);
    problems.extend(index.problems.iter().cloned());
    let mut generator = Generator::new(templates.template_set_hash());
    let package_prefix = package_prefix(args, problems);
    if let Some(prefix) = &package_prefix {
        // The prefix is in every module path: a package made with another
        // one is not fresh, though its contract and templates are the same.
        generator.tool_version = format!("{} package-prefix={prefix}", generator.tool_version);
    }
    if let Some(select) = &args.quality_select {
        // The findings a fresh package replays are those of the rules that
        // ran: another selection checks it again.
        generator.tool_version = format!(
            "{} quality-select={}",
            generator.tool_version,
            select.join(",").to_ascii_uppercase()
        );
    }
    Ok(Context {
        renderer: Renderer::new(templates),
        generator,
        load: LoadOptions {
            strict: args.strict,
            package_prefix,
        },
        out: args.output.clone(),
        out_absolute: output::absolute(&args.output),
        mode,
        plan: PlanOptions {
            force: args.force,
            prune: args.prune,
        },
        index_dirty: !index.problems.is_empty(),
        hold_staged: mode == Mode::Write
            && args.format_command.as_ref().is_some_and(|c| !c.is_empty()),
        index: index.entries,
        quality_select: args.quality_select.clone(),
        quorum: args
            .quorum
            .as_ref()
            .map(crate::quorum::Quorum::new)
            .transpose()?,
        disk_full: codegen::DiskFull::default(),
    })
}

fn finish(
    args: &GenerateSettings,
    printer: Printer,
    report: &Report,
) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match args.output_format {
        GenerateFormat::Json => out.write_all(summary::render_json(report).as_bytes())?,
        GenerateFormat::Github => out.write_all(summary::render_github(report).as_bytes())?,
        GenerateFormat::Gitlab => out.write_all(summary::render_gitlab(report).as_bytes())?,
        GenerateFormat::Text => {
            for d in report.diagnostics() {
                if !printer.quiet || d.is_error() {
                    writeln!(err, "{}", d.render_styled(printer.color))?;
                }
            }
            if report.mode != Mode::Write {
                out.write_all(summary::render_changes(report, args.diff).as_bytes())?;
            }
            if !printer.quiet {
                if args.quorum.is_some() {
                    let verdicts: Vec<_> = report
                        .results
                        .iter()
                        .flat_map(|r| r.job.quorum.clone())
                        .collect();
                    err.write_all(crate::report::quorum::text(&verdicts).as_bytes())?;
                    writeln!(err, "{}", crate::report::quorum::summary(&verdicts))?;
                }
                err.write_all(summary::render_text(report, printer).as_bytes())?;
            }
            // Asked for by name, so printed even when quiet.
            if args.timings {
                err.write_all(summary::render_timings(report).as_bytes())?;
            }
        }
    }
    if args.output_format != GenerateFormat::Text && args.diff && report.mode != Mode::Write {
        err.write_all(summary::render_changes(report, true).as_bytes())?;
    }
    Ok(report.exit_status())
}
