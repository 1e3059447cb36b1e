//! `codegen generate`: contracts in, node packages out, through the six stages.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cli::GenerateArgs;
use crate::contract::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, has_errors};
use crate::discover;
use crate::exit::ExitStatus;
use crate::output;
use crate::pipeline::codegen::{self, Context, Job, Options};
use crate::pipeline::executor::{ItemOutcome, Observer, StageReport, StepReport};
use crate::render::Renderer;
use crate::report::summary::{self, Summary};
use crate::report::{Printer, StageBar};
use crate::templates::TemplateManager;

/// A step that runs longer than this is stopped and reported as timed out.
const STEP_TIMEOUT: Duration = Duration::from_mins(1);

pub fn run(args: &GenerateArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let (files, mut problems) = discover::contract_files(&args.paths);
    if let Err(e) = output::prepare_output_dir(&args.output) {
        problems.push(
            Diagnostic::error(&args.output, e.to_string())
                .with_help("choose another directory with -o DIR"),
        );
        print_diagnostics(printer, &problems)?;
        return Ok(ExitStatus::Error);
    }
    if !problems.is_empty() && args.fail_fast {
        print_diagnostics(printer, &problems)?;
        return Ok(ExitStatus::Error);
    }

    let ctx = Arc::new(Context {
        renderer: Renderer::new(TemplateManager::builtin()),
        load: LoadOptions {
            strict: args.strict,
        },
        out: args.output.clone(),
    });
    let options = Options {
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            usize::from,
        ),
        fail_fast: args.fail_fast,
        step_timeout: STEP_TIMEOUT,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.jobs.clamp(1, 4))
        .max_blocking_threads(options.jobs.max(1))
        .enable_time()
        .build()?;

    let bars: Arc<dyn Observer> = Arc::new(Bars::new(printer.progress));
    let jobs: Vec<Job> = files.iter().cloned().map(Job::new).collect();
    let parse =
        runtime.block_on(codegen::parse_executor(&ctx, &options, Arc::clone(&bars)).run(jobs));

    // Duplicate node names are a cross-contract check: it needs every contract parsed.
    let parsed: Vec<&contract::Contract> = parse
        .items
        .iter()
        .filter_map(|o| match o {
            ItemOutcome::Completed(job) => job.contract.as_ref(),
            _ => None,
        })
        .collect();
    let duplicates = contract::check_duplicates(&parsed);
    let duplicate_files: HashSet<PathBuf> = duplicates.iter().map(|d| d.file.clone()).collect();

    let stop = args.fail_fast && (!parse.succeeded() || !duplicates.is_empty());
    let mut parse = parse;
    let mut good = Vec::new();
    let mut parse_outcomes = Vec::new();
    for outcome in std::mem::take(&mut parse.items) {
        match outcome {
            ItemOutcome::Completed(job) if !stop && !duplicate_files.contains(&job.path) => {
                good.push(job);
            }
            other => parse_outcomes.push(other),
        }
    }
    parse.items = parse_outcomes;
    let generate = (!good.is_empty())
        .then(|| runtime.block_on(codegen::generate_executor(&ctx, &options, bars).run(good)));

    let outcome = codegen::Outcome {
        paths: files,
        parse,
        generate,
        duplicates,
    };
    // A timed-out step keeps its thread; don't wait for it to exit.
    runtime.shutdown_timeout(Duration::from_millis(100));
    let summary = Summary::new(&outcome, &ctx.renderer, started.elapsed());
    let mut diagnostics = problems;
    diagnostics.extend(summary.diagnostics.iter().cloned());
    print_diagnostics(printer, &diagnostics)?;
    if !printer.quiet {
        let mut err = std::io::stderr().lock();
        err.write_all(summary::render_text(&summary, printer).as_bytes())?;
        if args.timings {
            err.write_all(summary::render_timings(&outcome).as_bytes())?;
        }
    }
    Ok(summary.exit_status(has_errors(&diagnostics)))
}

fn print_diagnostics(printer: Printer, diagnostics: &[Diagnostic]) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        if printer.quiet && !d.is_error() {
            continue;
        }
        writeln!(err, "{}", d.render())?;
    }
    Ok(())
}

/// Progress bars, one per stage, only when the printer draws them.
struct Bars {
    enabled: bool,
    current: Mutex<Option<StageBar>>,
}

impl Bars {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            current: Mutex::new(None),
        }
    }
}

impl Observer for Bars {
    fn stage_started(&self, _stage: usize, name: &str, items: usize) {
        if !self.enabled {
            return;
        }
        if let Ok(mut current) = self.current.lock() {
            let name = codegen::STAGES
                .iter()
                .find(|s| **s == name)
                .copied()
                .unwrap_or("stage");
            *current = Some(StageBar::start(name, items as u64));
        }
    }

    fn step_finished(&self, _stage: usize, _step: &StepReport) {
        if let Ok(current) = self.current.lock()
            && let Some(bar) = current.as_ref()
        {
            bar.inc();
        }
    }

    fn stage_finished(&self, _stage: usize, _report: &StageReport) {
        if let Ok(mut current) = self.current.lock() {
            current.take();
        }
    }
}
