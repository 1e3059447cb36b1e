//! The staged parallel executor: every item (one per contract) carries a state
//! through ordered stages. Stages are barriers: stage k+1 starts only once
//! stage k has finished for every item. Inside a stage each item's step runs
//! in parallel, bounded by a `jobs` semaphore; each step has a timeout and a
//! retry budget with exponential backoff. An item whose step fails drops out
//! of later stages while the others go on, unless the stage forbids partial
//! failure or the run is `fail_fast`. The [`RunResult`] holds per-stage and
//! per-step timings, the parallel speedup and every item's final state or
//! failure.
//!
//! Blocking steps (parsing, rendering, checking: CPU-bound sync code) run on
//! `jobs` workers that take items from one queue, so a step costs no thread
//! handoff. The workers are tasks on a [`Crew`] of threads kept from stage to
//! stage and run to run, so a stage transition starts and joins no thread;
//! the run's own task only waits. Async steps (network) run on the tokio
//! runtime under a semaphore. A blocking step cannot be interrupted, so one
//! that times out keeps its thread and its state until it returns: the item is
//! reported as timed out at once and never retried, and a new worker on a new
//! thread takes the abandoned one's place so the stage goes on at full width.
//!
//! ```
//! use codegen::pipeline::executor::{Executor, Stage, StepError};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let executor = Executor::new()
//!     .jobs(2)
//!     .stage(Stage::blocking("double", |n: &mut u32| {
//!         *n *= 2;
//!         Ok(())
//!     }))
//!     .stage(Stage::blocking("check", |n: &mut u32| {
//!         if *n > 4 { Err(StepError::fatal("too big")) } else { Ok(()) }
//!     }));
//! let result = executor.run(vec![1, 2, 3]).await;
//! assert_eq!(result.failures().count(), 1);
//! assert_eq!(result.items[1].state(), Some(&4));
//! # });
//! ```

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::{Future, poll_fn};
use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::Poll;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

/// What an async step returns: a future that may borrow the item state.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StepError>> + Send + 'a>>;

type BlockingFn<S> = dyn Fn(&mut S) -> Result<(), StepError> + Send + Sync;
type AsyncFn<S> = dyn for<'a> Fn(&'a mut S) -> StepFuture<'a> + Send + Sync;
type LimitFn<S> = dyn Fn(&S) -> Option<Duration> + Send + Sync;

/// How a step failed; later recovery decides what to do by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepErrorKind {
    /// Retrying will not help (bad input, a bug in a template).
    Fatal,
    /// Transient (a network hiccup, a rate limit): worth another attempt.
    Retryable,
    /// The step ran past its stage's timeout.
    Timeout,
    /// The step panicked.
    Panic,
}

impl StepErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepErrorKind::Fatal => "fatal",
            StepErrorKind::Retryable => "retryable",
            StepErrorKind::Timeout => "timeout",
            StepErrorKind::Panic => "panic",
        }
    }

    /// Whether the executor tries the step again (while retries remain).
    pub fn is_retryable(self) -> bool {
        matches!(self, StepErrorKind::Retryable | StepErrorKind::Timeout)
    }
}

impl fmt::Display for StepErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step's failure: a kind and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StepError {
    pub kind: StepErrorKind,
    pub message: String,
}

impl StepError {
    pub fn new(kind: StepErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn fatal(message: impl Into<String>) -> Self {
        Self::new(StepErrorKind::Fatal, message)
    }

    pub fn retryable(message: impl Into<String>) -> Self {
        Self::new(StepErrorKind::Retryable, message)
    }

    fn timeout(limit: Duration) -> Self {
        Self::new(StepErrorKind::Timeout, format!("timed out after {limit:?}"))
    }

    fn panic(payload: &(dyn Any + Send)) -> Self {
        let text = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Self::new(StepErrorKind::Panic, format!("step panicked: {text}"))
    }
}

/// How a stage runs its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageConfig {
    /// Limit for one attempt of one step; `None` waits forever.
    pub timeout: Option<Duration>,
    /// Extra attempts after a retryable failure.
    pub retries: u32,
    /// Delay before the first retry; it doubles for each later one.
    pub backoff: Duration,
    /// When false, one failed step stops the run after this stage.
    pub allow_partial_failure: bool,
    /// A concurrency bound of its own (e.g. network calls) instead of the
    /// run's `jobs`.
    pub jobs: Option<NonZeroUsize>,
}

impl Default for StageConfig {
    fn default() -> Self {
        Self {
            timeout: Some(Duration::from_secs(30)),
            retries: 2,
            backoff: Duration::from_secs(1),
            allow_partial_failure: true,
            jobs: None,
        }
    }
}

enum Step<S> {
    Blocking(Arc<BlockingFn<S>>),
    Async(Arc<AsyncFn<S>>),
}

impl<S> Clone for Step<S> {
    fn clone(&self) -> Self {
        match self {
            Step::Blocking(step) => Step::Blocking(Arc::clone(step)),
            Step::Async(step) => Step::Async(Arc::clone(step)),
        }
    }
}

/// A named stage: one step function applied to every item still running.
pub struct Stage<S> {
    name: String,
    step: Step<S>,
    config: StageConfig,
    /// A longer limit for some items than the stage's timeout ([`Stage::limit_for`]).
    limit: Option<Arc<LimitFn<S>>>,
}

impl<S> Stage<S> {
    /// A stage whose step is sync code, run on the blocking pool.
    pub fn blocking<F>(name: impl Into<String>, step: F) -> Self
    where
        F: Fn(&mut S) -> Result<(), StepError> + Send + Sync + 'static,
    {
        Self {
            name: name.into(),
            step: Step::Blocking(Arc::new(step)),
            config: StageConfig::default(),
            limit: None,
        }
    }

    /// A stage whose step is async: `|state| Box::pin(async move { .. })`.
    pub fn asynchronous<F>(name: impl Into<String>, step: F) -> Self
    where
        F: for<'a> Fn(&'a mut S) -> StepFuture<'a> + Send + Sync + 'static,
    {
        Self {
            name: name.into(),
            step: Step::Async(Arc::new(step)),
            config: StageConfig::default(),
            limit: None,
        }
    }

    #[must_use]
    pub fn with_config(mut self, config: StageConfig) -> Self {
        self.config = config;
        self
    }

    #[must_use]
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.config.timeout = limit;
        self
    }

    /// A blocking stage's limit for one item, from its state as the step
    /// starts: the stage's timeout, or what `limit` says when that is longer
    /// (a step that makes network calls, as many as the item has files).
    #[must_use]
    pub fn limit_for(
        mut self,
        limit: impl Fn(&S) -> Option<Duration> + Send + Sync + 'static,
    ) -> Self {
        self.limit = Some(Arc::new(limit));
        self
    }

    #[must_use]
    pub fn retries(mut self, retries: u32) -> Self {
        self.config.retries = retries;
        self
    }

    #[must_use]
    pub fn backoff(mut self, base: Duration) -> Self {
        self.config.backoff = base;
        self
    }

    #[must_use]
    pub fn allow_partial_failure(mut self, allow: bool) -> Self {
        self.config.allow_partial_failure = allow;
        self
    }

    /// Bound this stage by its own semaphore; 0 means 1.
    #[must_use]
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.config.jobs = Some(NonZeroUsize::new(jobs).unwrap_or(NonZeroUsize::MIN));
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &StageConfig {
        &self.config
    }
}

/// Hooks for progress display, called from the task driving the run or from
/// a stage's worker threads. Keep them cheap: they run between steps. `stage_finished` is called for
/// skipped stages too, without a `stage_started` before it.
pub trait Observer: Send + Sync {
    fn stage_started(&self, _stage: usize, _name: &str, _items: usize) {}
    fn step_finished(&self, _stage: usize, _step: &StepReport) {}
    fn stage_finished(&self, _stage: usize, _report: &StageReport) {}
}

struct Silent;

impl Observer for Silent {}

/// How one item's step in one stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    Succeeded,
    Failed(StepErrorKind),
    /// Stopped by `fail_fast` before it finished.
    Cancelled,
}

/// One item's step in one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    /// Index of the item in the run's input.
    pub item: usize,
    pub outcome: StepOutcome,
    pub attempts: u32,
    /// Time spent inside the step over all attempts (not queueing, not
    /// backoff).
    pub duration: Duration,
    /// When its first attempt began; `None` if it never started.
    pub started: Option<Instant>,
    /// The blocking-stage worker that ran it (0-based); `None` for async
    /// steps and steps that never started.
    pub worker: Option<usize>,
}

/// How a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStatus {
    /// Every step succeeded (also when there was none).
    Succeeded,
    /// Some steps failed; their items dropped out, the others went on.
    PartiallyFailed,
    /// A step failed and the stage or the run forbids going on: later stages
    /// do not run.
    Failed,
    /// Never started because an earlier stage stopped the run.
    Skipped,
}

/// One stage of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageReport {
    pub name: String,
    pub status: StageStatus,
    /// When it started; `None` when it was skipped.
    pub started: Option<Instant>,
    /// From the stage's start to its last step's end.
    pub wall: Duration,
    /// Sum of the step durations.
    pub busy: Duration,
    /// The steps of the items that entered this stage, in item order.
    pub steps: Vec<StepReport>,
}

/// Where and how an item failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFailure {
    pub stage: usize,
    pub stage_name: String,
    pub error: StepError,
    pub attempts: u32,
}

/// What became of one item.
#[derive(Debug)]
pub enum ItemOutcome<S> {
    /// Went through every stage.
    Completed(S),
    /// A step failed. The state is what the step left (gone if a blocking
    /// step timed out: its thread still holds it).
    Failed {
        failure: ItemFailure,
        state: Option<S>,
    },
    /// The run stopped before this item finished `stage`. The state is gone
    /// if the item was in flight when cancelled.
    Cancelled { stage: usize, state: Option<S> },
}

impl<S> ItemOutcome<S> {
    pub fn is_completed(&self) -> bool {
        matches!(self, ItemOutcome::Completed(_))
    }

    pub fn failure(&self) -> Option<&ItemFailure> {
        match self {
            ItemOutcome::Failed { failure, .. } => Some(failure),
            _ => None,
        }
    }

    pub fn state(&self) -> Option<&S> {
        match self {
            ItemOutcome::Completed(state) => Some(state),
            ItemOutcome::Failed { state, .. } | ItemOutcome::Cancelled { state, .. } => {
                state.as_ref()
            }
        }
    }

    pub fn into_state(self) -> Option<S> {
        match self {
            ItemOutcome::Completed(state) => Some(state),
            ItemOutcome::Failed { state, .. } | ItemOutcome::Cancelled { state, .. } => state,
        }
    }
}

/// Everything a run did, in stage order and in input item order.
#[derive(Debug)]
pub struct RunResult<S> {
    pub stages: Vec<StageReport>,
    pub items: Vec<ItemOutcome<S>>,
    pub wall: Duration,
}

impl<S> RunResult<S> {
    /// Every item went through every stage.
    pub fn succeeded(&self) -> bool {
        self.items.iter().all(ItemOutcome::is_completed)
    }

    /// Sum of all step durations: what a sequential run would have spent.
    pub fn busy(&self) -> Duration {
        self.stages.iter().map(|stage| stage.busy).sum()
    }

    /// Sum of step times over wall time; 1.0 when nothing ran.
    pub fn speedup(&self) -> f64 {
        let busy = self.busy();
        if busy.is_zero() || self.wall.is_zero() {
            return 1.0;
        }
        busy.as_secs_f64() / self.wall.as_secs_f64()
    }

    /// The failed items with their index.
    pub fn failures(&self) -> impl Iterator<Item = (usize, &ItemFailure)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(item, outcome)| Some((item, outcome.failure()?)))
    }
}

/// Runs items through stages; build it once, run it on any number of inputs.
pub struct Executor<S> {
    stages: Vec<Stage<S>>,
    jobs: usize,
    fail_fast: bool,
    stack_size: usize,
    observer: Arc<dyn Observer>,
    crew: Crew,
}

/// Stack of a blocking stage's worker threads unless set: a main thread's.
const DEFAULT_STACK_SIZE: usize = 8 * 1024 * 1024;

/// The number of cores this process may use (at least 1), asked of the
/// system once: the answer costs a dozen reads of cgroup files.
pub fn default_jobs() -> usize {
    static JOBS: OnceLock<usize> = OnceLock::new();
    *JOBS.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// Workers per core `--jobs` may ask for: the steps are CPU-bound, so more threads
/// only contend for the cores (and thousands take longer to start than the work).
pub const JOBS_PER_CORE: usize = 4;

/// `requested` workers, at most [`JOBS_PER_CORE`] per core; `Some(cap)` in the
/// second place when the request was over it.
pub fn capped_jobs(requested: usize) -> (usize, Option<usize>) {
    let cap = default_jobs().saturating_mul(JOBS_PER_CORE).max(1);
    if requested > cap {
        (cap, Some(cap))
    } else {
        (requested.max(1), None)
    }
}

/// Prints a note on standard error (unless `quiet`) when `--jobs` asked for more than
/// [`capped_jobs`] allows.
pub fn note_capped_jobs(jobs: Option<u16>, quiet: bool) {
    if let Some(requested) = jobs.map(usize::from)
        && let (_, Some(cap)) = capped_jobs(requested)
        && !quiet
    {
        eprintln!(
            "codegen: note: --jobs {requested} is capped at {cap} ({JOBS_PER_CORE} per core, {} cores)",
            default_jobs()
        );
    }
}

impl<S> Default for Executor<S> {
    fn default() -> Self {
        Self {
            stages: Vec::new(),
            jobs: default_jobs(),
            fail_fast: false,
            stack_size: DEFAULT_STACK_SIZE,
            observer: Arc::new(Silent),
            crew: Crew::new(),
        }
    }
}

impl<S: Send + 'static> Executor<S> {
    /// No stages, `jobs` = number of cores, partial failure allowed.
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn stage(mut self, stage: Stage<S>) -> Self {
        self.stages.push(stage);
        self
    }

    /// Steps in flight at once across the run; 0 means 1.
    #[must_use]
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// Stop at the first failure: cancel the steps in flight and skip the
    /// later stages.
    #[must_use]
    pub fn fail_fast(mut self, fail_fast: bool) -> Self {
        self.fail_fast = fail_fast;
        self
    }

    /// Stack size of the threads that run blocking steps (steps that recurse
    /// deeply need more than the default 8 MiB; unused pages cost nothing).
    #[must_use]
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = bytes;
        self
    }

    #[must_use]
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = observer;
        self
    }

    /// Run blocking steps on `crew`'s threads, shared with the other
    /// executors given it, instead of a crew of this executor's own.
    #[must_use]
    pub fn crew(mut self, crew: Crew) -> Self {
        self.crew = crew;
        self
    }

    pub fn stages(&self) -> &[Stage<S>] {
        &self.stages
    }

    /// Run every item through every stage. Must be called inside a tokio
    /// runtime with its time driver (any flavour: blocking steps run on the
    /// crew's threads, not the runtime's); never panics on a step's behalf.
    pub async fn run(&self, items: Vec<S>) -> RunResult<S> {
        let started = Instant::now();
        let shared = Arc::new(Semaphore::new(self.jobs));
        let mut slots: Vec<Option<S>> = items.into_iter().map(Some).collect();
        let mut ends: Vec<Option<ItemOutcome<S>>> = slots.iter().map(|_| None).collect();
        let mut reports = Vec::with_capacity(self.stages.len());
        let mut stopped = false;
        for (index, stage) in self.stages.iter().enumerate() {
            let report = if stopped {
                cancel_waiting(index, &mut slots, &mut ends);
                StageReport {
                    name: stage.name.clone(),
                    status: StageStatus::Skipped,
                    started: None,
                    wall: Duration::ZERO,
                    busy: Duration::ZERO,
                    steps: Vec::new(),
                }
            } else {
                let semaphore = match stage.config.jobs {
                    Some(jobs) => Arc::new(Semaphore::new(jobs.get())),
                    None => Arc::clone(&shared),
                };
                self.run_stage(index, stage, semaphore, &mut slots, &mut ends)
                    .await
            };
            stopped |= report.status == StageStatus::Failed;
            self.observer.stage_finished(index, &report);
            reports.push(report);
        }
        let last = self.stages.len();
        let items = slots
            .into_iter()
            .zip(ends)
            .map(|(state, end)| match (end, state) {
                (Some(end), _) => end,
                (None, Some(state)) => ItemOutcome::Completed(state),
                (None, None) => ItemOutcome::Cancelled {
                    stage: last,
                    state: None,
                },
            })
            .collect();
        RunResult {
            stages: reports,
            items,
            wall: started.elapsed(),
        }
    }

    async fn run_stage(
        &self,
        index: usize,
        stage: &Stage<S>,
        semaphore: Arc<Semaphore>,
        slots: &mut [Option<S>],
        ends: &mut [Option<ItemOutcome<S>>],
    ) -> StageReport {
        let step = match &stage.step {
            Step::Blocking(step) => {
                return self
                    .run_pooled(index, stage, Arc::clone(step), slots, ends)
                    .await;
            }
            Step::Async(step) => step,
        };
        let entering = slots.iter().filter(|slot| slot.is_some()).count();
        self.observer.stage_started(index, &stage.name, entering);
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        let mut task_items = HashMap::with_capacity(entering);
        for (item, slot) in slots.iter_mut().enumerate() {
            if let Some(state) = slot.take() {
                let task = tasks.spawn(run_step(
                    Arc::clone(step),
                    stage.config,
                    Arc::clone(&semaphore),
                    state,
                ));
                task_items.insert(task.id(), item);
            }
        }
        let mut steps = Vec::with_capacity(entering);
        let mut failed = false;
        let mut cancelling = false;
        while let Some(joined) = tasks.join_next_with_id().await {
            let report = match joined {
                Ok((id, run)) => {
                    let Some(&item) = task_items.get(&id) else {
                        continue;
                    };
                    let outcome = match run.result {
                        Ok(()) => {
                            slots[item] = run.state;
                            StepOutcome::Succeeded
                        }
                        Err(error) => {
                            failed = true;
                            let kind = error.kind;
                            ends[item] = Some(ItemOutcome::Failed {
                                failure: ItemFailure {
                                    stage: index,
                                    stage_name: stage.name.clone(),
                                    error,
                                    attempts: run.attempts,
                                },
                                state: run.state,
                            });
                            StepOutcome::Failed(kind)
                        }
                    };
                    StepReport {
                        item,
                        outcome,
                        attempts: run.attempts,
                        duration: run.duration,
                        started: run.started,
                        worker: None,
                    }
                }
                // Steps catch their own panics, so a join error is a cancel.
                Err(error) => {
                    let Some(&item) = task_items.get(&error.id()) else {
                        continue;
                    };
                    failed = true;
                    ends[item] = Some(ItemOutcome::Cancelled {
                        stage: index,
                        state: None,
                    });
                    StepReport {
                        item,
                        outcome: StepOutcome::Cancelled,
                        attempts: 0,
                        duration: Duration::ZERO,
                        started: None,
                        worker: None,
                    }
                }
            };
            self.observer.step_finished(index, &report);
            steps.push(report);
            if failed && self.fail_fast && !cancelling {
                cancelling = true;
                tasks.abort_all();
            }
        }
        self.stage_report(stage, failed, started, steps)
    }

    /// A blocking stage: its steps run on `jobs` threads of the executor's
    /// [`Crew`], each draining one queue; this task sleeps until the stage
    /// ends, a step passes its deadline or a failure stops the run.
    async fn run_pooled(
        &self,
        index: usize,
        stage: &Stage<S>,
        step: Arc<BlockingFn<S>>,
        slots: &mut [Option<S>],
        ends: &mut [Option<ItemOutcome<S>>],
    ) -> StageReport {
        let entering: VecDeque<(usize, S)> = slots
            .iter_mut()
            .enumerate()
            .filter_map(|(item, slot)| Some((item, slot.take()?)))
            .collect();
        self.observer
            .stage_started(index, &stage.name, entering.len());
        let started = Instant::now();
        if entering.is_empty() {
            return self.stage_report(stage, false, started, Vec::new());
        }
        let width = stage
            .config
            .jobs
            .map_or(self.jobs, NonZeroUsize::get)
            .min(entering.len());
        let run = Arc::new(StageRun {
            step,
            config: stage.config,
            limit: stage.limit.clone(),
            stage: index,
            fail_fast: self.fail_fast,
            observer: Arc::clone(&self.observer),
            board: Mutex::new(Board {
                remaining: entering.len(),
                finished: Vec::with_capacity(entering.len()),
                reports: Vec::with_capacity(entering.len()),
                queue: entering,
                running: HashMap::new(),
                abandoned: Vec::new(),
                stop: false,
                next_worker: 0,
            }),
            settled: Notify::new(),
        });
        let staffed = self.crew.staff(width, self.stack_size).min(width);
        if staffed == 0 {
            // No thread could be started: run the steps here.
            run.drain(0, None);
        } else {
            lock(&run.board).next_worker = staffed;
            self.crew.submit(
                self.stack_size,
                (0..staffed).map(|worker| StageRun::task(&run, worker)),
            );
            self.watch(&run, staffed).await;
        }
        let outcome = {
            let mut board = lock(&run.board);
            PoolOutcome {
                finished: std::mem::take(&mut board.finished),
                reports: std::mem::take(&mut board.reports),
                unstarted: board.queue.drain(..).collect(),
            }
        };
        let mut failed = false;
        for (item, run) in outcome.finished {
            match run.result {
                Ok(()) => slots[item] = run.state,
                Err(error) => {
                    failed = true;
                    ends[item] = Some(ItemOutcome::Failed {
                        failure: ItemFailure {
                            stage: index,
                            stage_name: stage.name.clone(),
                            error,
                            attempts: run.attempts,
                        },
                        state: run.state,
                    });
                }
            }
        }
        let mut steps = outcome.reports;
        for (item, state) in outcome.unstarted {
            ends[item] = Some(ItemOutcome::Cancelled {
                stage: index,
                state: Some(state),
            });
            let report = StepReport {
                item,
                outcome: StepOutcome::Cancelled,
                attempts: 0,
                duration: Duration::ZERO,
                started: None,
                worker: None,
            };
            self.observer.step_finished(index, &report);
            steps.push(report);
        }
        self.stage_report(stage, failed, started, steps)
    }

    /// Waits for a blocking stage to settle: every item booked, or the run
    /// stopped and no step in flight. A step past its deadline is booked as
    /// timed out at once; its worker is abandoned with the state it holds,
    /// and another takes its place on a fresh thread.
    async fn watch(&self, run: &Arc<StageRun<S>>, width: usize) {
        loop {
            let next = {
                let mut board = lock(&run.board);
                if board.settled() {
                    return;
                }
                let now = Instant::now();
                let expired: Vec<(usize, Running)> = board
                    .running
                    .iter()
                    .filter(|(_, running)| running.deadline.is_some_and(|d| d <= now))
                    .map(|(&worker, running)| (worker, *running))
                    .collect();
                for (worker, running) in expired {
                    board.running.remove(&worker);
                    board.abandoned.push(worker);
                    let limit = running.limit.unwrap_or_default();
                    run.record(
                        &mut board,
                        running.item,
                        StepRun {
                            state: None,
                            result: Err(StepError::timeout(limit)),
                            attempts: 1,
                            duration: limit,
                            started: Some(running.began),
                            worker: Some(worker),
                        },
                    );
                    let needed = !board.stop && !board.queue.is_empty();
                    self.crew.replace(
                        running.thread,
                        if needed { width } else { 0 },
                        self.stack_size,
                    );
                    if needed {
                        let replacement = board.next_worker;
                        board.next_worker += 1;
                        self.crew.submit(
                            self.stack_size,
                            std::iter::once(StageRun::task(run, replacement)),
                        );
                    }
                }
                if board.settled() {
                    return;
                }
                board.running.values().filter_map(|r| r.deadline).min()
            };
            let settled = run.settled.notified();
            match next.or_else(|| run.config.timeout.map(|limit| Instant::now() + limit)) {
                // A step about to start will have a deadline no sooner than `now + limit`.
                Some(deadline) => {
                    let _ = tokio::time::timeout_at(deadline.into(), settled).await;
                }
                None => settled.await,
            }
        }
    }

    fn stage_report(
        &self,
        stage: &Stage<S>,
        failed: bool,
        started: Instant,
        mut steps: Vec<StepReport>,
    ) -> StageReport {
        steps.sort_by_key(|step| step.item);
        let status = if !failed {
            StageStatus::Succeeded
        } else if self.fail_fast || !stage.config.allow_partial_failure {
            StageStatus::Failed
        } else {
            StageStatus::PartiallyFailed
        };
        StageReport {
            name: stage.name.clone(),
            status,
            started: Some(started),
            wall: started.elapsed(),
            busy: steps.iter().map(|step| step.duration).sum(),
            steps,
        }
    }
}

/// A blocking stage in progress: its queue, what its workers are running and
/// what they have booked. Workers are tasks on [`Crew`] threads; each takes
/// items from the queue until it is empty, so a step costs two uncontended
/// lock acquisitions and no thread handoff. The waiting task is woken only at
/// the stage's end and when a failure stops the run.
struct StageRun<S> {
    step: Arc<BlockingFn<S>>,
    config: StageConfig,
    limit: Option<Arc<LimitFn<S>>>,
    stage: usize,
    fail_fast: bool,
    observer: Arc<dyn Observer>,
    board: Mutex<Board<S>>,
    settled: Notify,
}

/// What the workers and the waiting task share.
struct Board<S> {
    queue: VecDeque<(usize, S)>,
    /// Worker id → the step it is running.
    running: HashMap<usize, Running>,
    /// Workers whose step timed out; whatever they finish is dropped.
    abandoned: Vec<usize>,
    finished: Vec<(usize, StepRun<S>)>,
    reports: Vec<StepReport>,
    /// Items neither finished nor given up.
    remaining: usize,
    stop: bool,
    next_worker: usize,
}

impl<S> Board<S> {
    fn settled(&self) -> bool {
        self.remaining == 0 || (self.stop && self.running.is_empty())
    }
}

/// A step in flight: its item, the deadline of the attempt, when the step
/// began and the crew thread running it (`None` for the waiting task's own).
#[derive(Clone, Copy)]
struct Running {
    item: usize,
    deadline: Option<Instant>,
    /// The limit the deadline was set from.
    limit: Option<Duration>,
    began: Instant,
    thread: Option<usize>,
}

/// How a pooled stage ended: each item's run (state, result) and what was
/// never started because the run stopped.
struct PoolOutcome<S> {
    finished: Vec<(usize, StepRun<S>)>,
    reports: Vec<StepReport>,
    unstarted: Vec<(usize, S)>,
}

impl<S: Send + 'static> StageRun<S> {
    /// Worker `worker` of this stage, as a task for a crew thread.
    fn task(run: &Arc<Self>, worker: usize) -> CrewTask {
        let run = Arc::clone(run);
        Box::new(move |thread| run.drain(worker, Some(thread)))
    }

    /// A worker: runs queued items until the queue is empty, the run stops
    /// or its step outlives its deadline.
    fn drain(&self, worker: usize, thread: Option<usize>) {
        let mut board = lock(&self.board);
        loop {
            if board.stop {
                break;
            }
            let Some((item, mut state)) = board.queue.pop_front() else {
                break;
            };
            let began = Instant::now();
            let limit = self.limit(&state);
            let running = Running {
                item,
                deadline: limit.map(|limit| began + limit),
                limit,
                began,
                thread,
            };
            board.running.insert(worker, running);
            drop(board);
            let mut attempts = 0;
            let mut duration = Duration::ZERO;
            let result = loop {
                attempts += 1;
                let started = Instant::now();
                let result = catch_unwind(AssertUnwindSafe(|| (self.step)(&mut state)))
                    .unwrap_or_else(|payload| Err(StepError::panic(&*payload)));
                duration += started.elapsed();
                match result {
                    Err(error) if error.kind.is_retryable() && attempts <= self.config.retries => {
                        std::thread::sleep(backoff_delay(self.config.backoff, attempts));
                        if let Some(slot) = lock(&self.board).running.get_mut(&worker) {
                            slot.deadline = limit.map(|limit| Instant::now() + limit);
                        }
                    }
                    result => break result,
                }
            };
            board = lock(&self.board);
            if let Some(at) = board.abandoned.iter().position(|&w| w == worker) {
                // Already reported as timed out.
                board.abandoned.swap_remove(at);
                break;
            }
            board.running.remove(&worker);
            let run = StepRun {
                state: Some(state),
                result,
                attempts,
                duration,
                started: Some(began),
                worker: Some(worker),
            };
            self.record(&mut board, item, run);
        }
    }

    /// The limit of one attempt at `state`'s step: never shorter than the
    /// stage's timeout, which the watcher's waits are measured against.
    fn limit(&self, state: &S) -> Option<Duration> {
        let own = self.config.timeout?;
        let longer = self.limit.as_ref().and_then(|limit| limit(state));
        Some(longer.map_or(own, |longer| longer.max(own)))
    }

    /// Books one item's end and tells the observer (under the lock, so the
    /// stage cannot be reported finished before its last step).
    fn record(&self, board: &mut Board<S>, item: usize, run: StepRun<S>) {
        let outcome = match &run.result {
            Ok(()) => StepOutcome::Succeeded,
            Err(error) => StepOutcome::Failed(error.kind),
        };
        let report = StepReport {
            item,
            outcome,
            attempts: run.attempts,
            duration: run.duration,
            started: run.started,
            worker: run.worker,
        };
        self.observer.step_finished(self.stage, &report);
        let failed = run.result.is_err();
        board.finished.push((item, run));
        board.reports.push(report);
        board.remaining -= 1;
        if failed && self.fail_fast {
            board.stop = true;
        }
        if board.settled() || (failed && self.fail_fast) {
            self.settled.notify_one();
        }
    }
}

/// What a crew thread runs; the argument is the thread's number in the crew.
type CrewTask = Box<dyn FnOnce(usize) + Send>;

/// The threads that run blocking steps, kept from stage to stage and from run
/// to run, so a stage starts no thread and joins none. An executor has one of
/// its own unless it is given one to share ([`Executor::crew`]); the threads
/// start when a stage first needs them and leave once every handle to the
/// crew is dropped and no task is waiting.
#[derive(Clone, Default)]
pub struct Crew {
    handle: Arc<CrewHandle>,
}

impl fmt::Debug for Crew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.handle.shared.state);
        f.debug_struct("Crew")
            .field("threads", &state.threads.len())
            .field("waiting", &state.tasks.len())
            .finish()
    }
}

#[derive(Default)]
struct CrewHandle {
    shared: Arc<CrewShared>,
}

impl Drop for CrewHandle {
    fn drop(&mut self) {
        lock(&self.shared.state).closing = true;
        self.shared.wake.notify_all();
    }
}

#[derive(Default)]
struct CrewShared {
    state: Mutex<CrewState>,
    wake: Condvar,
}

#[derive(Default)]
struct CrewState {
    /// Waiting tasks, each with the stack it needs.
    tasks: VecDeque<(usize, CrewTask)>,
    /// Stack size of each live thread, by thread number.
    threads: HashMap<usize, usize>,
    /// Threads left running a step that timed out: they leave once it returns.
    retiring: Vec<usize>,
    next_thread: usize,
    closing: bool,
}

impl Crew {
    /// A crew with no threads yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes sure `count` threads with a stack of at least `stack` bytes are
    /// at work, starting what is missing; returns how many there are (fewer
    /// when the system refuses a thread).
    fn staff(&self, count: usize, stack: usize) -> usize {
        let mut state = lock(&self.handle.shared.state);
        self.fill(&mut state, count, stack)
    }

    fn fill(&self, state: &mut CrewState, count: usize, stack: usize) -> usize {
        let mut ready = state
            .threads
            .iter()
            .filter(|(id, size)| **size >= stack && !state.retiring.contains(id))
            .count();
        while ready < count && self.spawn(state, stack) {
            ready += 1;
        }
        ready
    }

    /// Queues tasks for threads with at least `stack` bytes of stack.
    fn submit(&self, stack: usize, tasks: impl IntoIterator<Item = CrewTask>) {
        let mut state = lock(&self.handle.shared.state);
        state
            .tasks
            .extend(tasks.into_iter().map(|task| (stack, task)));
        drop(state);
        self.handle.shared.wake.notify_all();
    }

    /// `thread` is stuck in a step that timed out: it leaves the crew once
    /// the step returns, and threads are started until `width` others are
    /// at work. If none can be, it stays, to serve the stage when it is back.
    fn replace(&self, thread: Option<usize>, width: usize, stack: usize) {
        let Some(thread) = thread else {
            return;
        };
        let mut state = lock(&self.handle.shared.state);
        state.retiring.push(thread);
        if width > 0 && self.fill(&mut state, width, stack) == 0 {
            state.retiring.retain(|&t| t != thread);
        }
    }

    fn spawn(&self, state: &mut CrewState, stack: usize) -> bool {
        let id = state.next_thread;
        let shared = Arc::clone(&self.handle.shared);
        let spawned = std::thread::Builder::new()
            .name(format!("codegen-{id}"))
            .stack_size(stack)
            .spawn(move || crew_thread(&shared, id, stack));
        state.next_thread += 1;
        if spawned.is_ok() {
            state.threads.insert(id, stack);
        }
        spawned.is_ok()
    }
}

/// One crew thread: runs the tasks its stack fits, sleeps when there are none,
/// leaves when the crew is dropped or its place was taken.
fn crew_thread(shared: &CrewShared, id: usize, stack: usize) {
    let mut state = lock(&shared.state);
    loop {
        if let Some(at) = state.tasks.iter().position(|(needs, _)| *needs <= stack) {
            let Some((_, task)) = state.tasks.remove(at) else {
                continue;
            };
            drop(state);
            task(id);
            state = lock(&shared.state);
            if let Some(at) = state.retiring.iter().position(|&t| t == id) {
                state.retiring.swap_remove(at);
                break;
            }
        } else if state.closing {
            break;
        } else {
            state = shared
                .wake
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
    state.threads.remove(&id);
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn cancel_waiting<S>(stage: usize, slots: &mut [Option<S>], ends: &mut [Option<ItemOutcome<S>>]) {
    for (slot, end) in slots.iter_mut().zip(ends) {
        if let Some(state) = slot.take() {
            *end = Some(ItemOutcome::Cancelled {
                stage,
                state: Some(state),
            });
        }
    }
}

struct StepRun<S> {
    state: Option<S>,
    result: Result<(), StepError>,
    attempts: u32,
    duration: Duration,
    started: Option<Instant>,
    worker: Option<usize>,
}

async fn run_step<S: Send + 'static>(
    step: Arc<AsyncFn<S>>,
    config: StageConfig,
    semaphore: Arc<Semaphore>,
    mut state: S,
) -> StepRun<S> {
    let mut attempts = 0;
    let mut duration = Duration::ZERO;
    let mut started = None;
    loop {
        attempts += 1;
        let Ok(permit) = Arc::clone(&semaphore).acquire_owned().await else {
            return StepRun {
                state: Some(state),
                result: Err(StepError::fatal("the executor's semaphore was closed")),
                attempts,
                duration,
                started,
                worker: None,
            };
        };
        started.get_or_insert_with(Instant::now);
        let (next, result, spent) = attempt(&step, config.timeout, permit, state).await;
        duration += spent;
        state = next;
        match result {
            Err(error) if error.kind.is_retryable() && attempts <= config.retries => {
                tokio::time::sleep(backoff_delay(config.backoff, attempts)).await;
            }
            result => {
                return StepRun {
                    state: Some(state),
                    result,
                    attempts,
                    duration,
                    started,
                    worker: None,
                };
            }
        }
    }
}

/// The wait after the `failed`-th failed attempt: base, 2×base, 4×base, …
fn backoff_delay(base: Duration, failed: u32) -> Duration {
    base.saturating_mul(1 << failed.saturating_sub(1).min(20))
}

/// One attempt of an async step: the state back, the result, and the time
/// spent in the step.
async fn attempt<S: Send + 'static>(
    step: &Arc<AsyncFn<S>>,
    timeout: Option<Duration>,
    permit: OwnedSemaphorePermit,
    mut state: S,
) -> (S, Result<(), StepError>, Duration) {
    let started = Instant::now();
    let borrowed = &mut state;
    // Moving the borrow out makes the closure FnOnce, so the future may keep it.
    let start = move || {
        let state = borrowed;
        step(state)
    };
    let result = match catch_unwind(AssertUnwindSafe(start)) {
        Ok(mut future) => {
            let guarded = poll_fn(move |cx| {
                match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                    Ok(poll) => poll,
                    Err(payload) => Poll::Ready(Err(StepError::panic(&*payload))),
                }
            });
            within(timeout, guarded)
                .await
                .unwrap_or_else(|| Err(StepError::timeout(timeout.unwrap_or_default())))
        }
        Err(payload) => Err(StepError::panic(&*payload)),
    };
    let spent = started.elapsed();
    drop(permit);
    (state, result, spent)
}

async fn within<F: Future>(limit: Option<Duration>, future: F) -> Option<F::Output> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, future).await.ok(),
        None => Some(future.await),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn sleep(ms: u64) {
        std::thread::sleep(MS * u32::try_from(ms).unwrap_or(u32::MAX));
    }

    /// A state that remembers which stages touched it.
    #[derive(Debug, Default)]
    struct Item {
        id: usize,
        visits: Vec<&'static str>,
    }

    fn items(count: usize) -> Vec<Item> {
        (0..count)
            .map(|id| Item {
                id,
                visits: Vec::new(),
            })
            .collect()
    }

    fn visit(name: &'static str) -> Stage<Item> {
        Stage::blocking(name, move |item: &mut Item| {
            item.visits.push(name);
            Ok(())
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn items_flow_through_stages_in_order() {
        let executor = Executor::new()
            .stage(visit("parse"))
            .stage(visit("models"))
            .stage(visit("node"));
        let result = executor.run(items(5)).await;
        assert!(result.succeeded());
        assert_eq!(result.items.len(), 5);
        for (index, outcome) in result.items.iter().enumerate() {
            let item = outcome.state().expect("completed items keep their state");
            assert_eq!(item.id, index);
            assert_eq!(item.visits, ["parse", "models", "node"]);
        }
        let names: Vec<_> = result.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["parse", "models", "node"]);
        for stage in &result.stages {
            assert_eq!(stage.status, StageStatus::Succeeded);
            let order: Vec<_> = stage.steps.iter().map(|s| s.item).collect();
            assert_eq!(order, [0, 1, 2, 3, 4]);
            assert!(stage.steps.iter().all(|s| s.attempts == 1));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stage_is_a_barrier() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let recording = |stage: usize| {
            let events = Arc::clone(&events);
            Stage::blocking(format!("s{stage}"), move |item: &mut Item| {
                events.lock().unwrap().push((stage, item.id, "start"));
                // Later items finish sooner, so a missing barrier would show.
                sleep(5 * (6 - item.id as u64));
                events.lock().unwrap().push((stage, item.id, "end"));
                Ok(())
            })
        };
        let executor = Executor::new()
            .jobs(3)
            .stage(recording(1))
            .stage(recording(2))
            .stage(recording(3));
        let result = executor.run(items(6)).await;
        assert!(result.succeeded());
        let events = events.lock().unwrap();
        assert_eq!(events.len(), 3 * 6 * 2);
        for stage in 1..3 {
            let last_end = events
                .iter()
                .rposition(|&(s, _, kind)| s == stage && kind == "end")
                .unwrap();
            let first_next = events
                .iter()
                .position(|&(s, _, kind)| s == stage + 1 && kind == "start")
                .unwrap();
            assert!(last_end < first_next, "stage {} started early", stage + 1);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn in_flight_steps_never_exceed_jobs() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let counting = {
            let (in_flight, peak) = (Arc::clone(&in_flight), Arc::clone(&peak));
            Stage::blocking("count", move |_: &mut Item| {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                sleep(25);
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
        };
        let executor = Executor::new().jobs(3).stage(counting);
        let result = executor.run(items(12)).await;
        assert!(result.succeeded());
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stage_can_have_its_own_bound() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let counting = {
            let (in_flight, peak) = (Arc::clone(&in_flight), Arc::clone(&peak));
            Stage::asynchronous("network", move |_: &mut Item| {
                let (in_flight, peak) = (Arc::clone(&in_flight), Arc::clone(&peak));
                Box::pin(async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(MS * 15).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                })
            })
            .jobs(5)
        };
        let executor = Executor::new().jobs(1).stage(counting);
        let result = executor.run(items(10)).await;
        assert!(result.succeeded());
        assert_eq!(peak.load(Ordering::SeqCst), 5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_blocking_step_times_out_and_others_finish() {
        let slow = Stage::blocking("slow", |item: &mut Item| {
            if item.id == 1 {
                sleep(400);
            }
            item.visits.push("slow");
            Ok(())
        })
        .timeout(Some(MS * 50));
        let executor = Executor::new().jobs(4).stage(slow).stage(visit("after"));
        let started = Instant::now();
        let result = executor.run(items(3)).await;
        assert!(
            started.elapsed() < MS * 390,
            "the run waited for the slow step"
        );
        let failure = result.items[1].failure().expect("item 1 timed out");
        assert_eq!(failure.error.kind, StepErrorKind::Timeout);
        assert_eq!(failure.stage, 0);
        assert_eq!(
            failure.attempts, 1,
            "a blocking step that timed out is not retried"
        );
        assert!(result.items[1].state().is_none());
        assert_eq!(result.stages[0].status, StageStatus::PartiallyFailed);
        assert_eq!(
            result.stages[0].steps[1].outcome,
            StepOutcome::Failed(StepErrorKind::Timeout)
        );
        for index in [0, 2] {
            let item = result.items[index].state().unwrap();
            assert_eq!(item.visits, ["slow", "after"]);
        }
        assert_eq!(result.stages[1].steps.len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hung_step_does_not_hold_up_the_rest_of_its_stage() {
        let hangs = Stage::blocking("hangs", |item: &mut Item| {
            if item.id == 0 {
                sleep(600);
            }
            item.visits.push("hangs");
            Ok(())
        })
        .timeout(Some(MS * 40));
        let executor = Executor::new().jobs(1).stage(hangs);
        let started = Instant::now();
        let result = executor.run(items(4)).await;
        assert!(
            started.elapsed() < MS * 500,
            "the stage waited for the hung step"
        );
        assert_eq!(
            result.items[0].failure().map(|f| f.error.kind),
            Some(StepErrorKind::Timeout)
        );
        assert!(result.items[1..].iter().all(ItemOutcome::is_completed));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_thread_stuck_in_a_timed_out_step_serves_no_later_stage() {
        let hangs = Stage::blocking("hangs", |item: &mut Item| {
            if item.id == 1 {
                sleep(600);
            }
            Ok(())
        })
        .timeout(Some(MS * 40));
        let executor = Executor::new().jobs(1).stage(hangs).stage(visit("after"));
        let started = Instant::now();
        let result = executor.run(items(2)).await;
        assert!(
            started.elapsed() < MS * 500,
            "the next stage waited for the stuck thread"
        );
        assert!(result.items[1].failure().is_some());
        assert_eq!(result.items[0].state().unwrap().visits, ["after"]);
    }

    type ThreadLog = Arc<Mutex<Vec<std::thread::ThreadId>>>;

    /// Stages that log the threads their steps ran on.
    fn thread_log() -> (ThreadLog, impl Fn(&'static str) -> Stage<Item>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let stage = {
            let log = Arc::clone(&log);
            move |name: &'static str| {
                let log = Arc::clone(&log);
                Stage::blocking(name, move |_: &mut Item| {
                    log.lock().unwrap().push(std::thread::current().id());
                    sleep(2);
                    Ok(())
                })
            }
        };
        (log, stage)
    }

    fn distinct(log: &Mutex<Vec<std::thread::ThreadId>>) -> usize {
        let mut ids = log.lock().unwrap().clone();
        ids.sort_unstable_by_key(|id| format!("{id:?}"));
        ids.dedup();
        ids.len()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stages_and_runs_share_one_crew_of_threads() {
        let (log, logged) = thread_log();
        let executor = Executor::new()
            .jobs(2)
            .stage(logged("parse"))
            .stage(logged("models"))
            .stage(logged("node"));
        assert!(executor.run(items(6)).await.succeeded());
        assert!(executor.run(items(6)).await.succeeded());
        assert_eq!(log.lock().unwrap().len(), 36);
        assert!(distinct(&log) <= 2, "{} threads", distinct(&log));

        // Two executors given one crew share its threads; a bigger stack
        // than the crew's threads have gets threads of its own.
        let (log, logged) = thread_log();
        let crew = Crew::new();
        let first = Executor::new()
            .jobs(2)
            .crew(crew.clone())
            .stage(logged("a"));
        let second = Executor::new()
            .jobs(2)
            .crew(crew.clone())
            .stage(logged("b"));
        assert!(first.run(items(4)).await.succeeded());
        assert!(second.run(items(4)).await.succeeded());
        assert!(distinct(&log) <= 2, "{} threads", distinct(&log));
        let deep = Executor::new()
            .jobs(1)
            .crew(crew)
            .stack_size(DEFAULT_STACK_SIZE * 2)
            .stage(logged("deep"));
        assert!(deep.run(items(2)).await.succeeded());
        let ids = log.lock().unwrap().clone();
        assert!(
            !ids[..8].contains(&ids[8]),
            "ran on a thread with a short stack"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_async_step_times_out_keeps_its_state_and_is_retried() {
        let calls = Arc::new(AtomicUsize::new(0));
        let slow = {
            let calls = Arc::clone(&calls);
            Stage::asynchronous("slow", move |item: &mut Item| {
                let calls = Arc::clone(&calls);
                Box::pin(async move {
                    item.visits.push("slow");
                    if item.id == 0 {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    Ok(())
                })
            })
            .timeout(Some(MS * 30))
            .retries(1)
            .backoff(MS)
        };
        let result = Executor::new().stage(slow).run(items(2)).await;
        let failure = result.items[0].failure().unwrap();
        assert_eq!(failure.error.kind, StepErrorKind::Timeout);
        assert_eq!(failure.attempts, 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(result.items[0].state().unwrap().visits, ["slow", "slow"]);
        assert!(result.items[1].is_completed());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn retryable_failures_are_retried_with_backoff() {
        let calls = Arc::new(AtomicUsize::new(0));
        let flaky = {
            let calls = Arc::clone(&calls);
            Stage::blocking("flaky", move |item: &mut Item| {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    return Err(StepError::retryable("try again"));
                }
                item.visits.push("flaky");
                Ok(())
            })
            .backoff(MS * 20)
        };
        let started = Instant::now();
        let result = Executor::new().stage(flaky).run(items(1)).await;
        assert!(result.succeeded());
        assert_eq!(result.stages[0].steps[0].attempts, 3);
        assert_eq!(result.stages[0].steps[0].outcome, StepOutcome::Succeeded);
        assert_eq!(result.items[0].state().unwrap().visits, ["flaky"]);
        // 20 ms, then 40 ms of backoff.
        assert!(started.elapsed() >= MS * 60);
        // Backoff is waiting, not work.
        assert!(result.stages[0].busy < MS * 50);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn retries_run_out_and_fatal_errors_are_not_retried() {
        let always = |kind: StepErrorKind| {
            Stage::blocking("fails", move |_: &mut Item| Err(StepError::new(kind, "no")))
                .backoff(MS)
        };
        let result = Executor::new()
            .stage(always(StepErrorKind::Retryable))
            .run(items(1))
            .await;
        let failure = result.items[0].failure().unwrap();
        assert_eq!(
            (failure.error.kind, failure.attempts),
            (StepErrorKind::Retryable, 3)
        );

        let result = Executor::new()
            .stage(always(StepErrorKind::Fatal))
            .run(items(1))
            .await;
        let failure = result.items[0].failure().unwrap();
        assert_eq!(
            (failure.error.kind, failure.attempts),
            (StepErrorKind::Fatal, 1)
        );
        assert_eq!(failure.error.message, "no");
        assert!(
            result.items[0].state().is_some(),
            "a failed step leaves its state"
        );
    }

    #[test]
    fn backoff_doubles_and_saturates() {
        let base = Duration::from_secs(1);
        assert_eq!(backoff_delay(base, 1), base);
        assert_eq!(backoff_delay(base, 2), base * 2);
        assert_eq!(backoff_delay(base, 3), base * 4);
        assert!(backoff_delay(Duration::MAX, u32::MAX) == Duration::MAX);
        let config = StageConfig::default();
        assert_eq!(config.retries, 2);
        assert_eq!(config.backoff, base);
        assert!(config.allow_partial_failure);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_item_drops_out_and_the_others_finish() {
        let third_calls = Arc::new(AtomicUsize::new(0));
        let failing = Stage::blocking("models", |item: &mut Item| {
            if item.id == 2 {
                item.visits.push("models-broken");
                return Err(StepError::fatal("bad model"));
            }
            item.visits.push("models");
            Ok(())
        });
        let counting = {
            let third_calls = Arc::clone(&third_calls);
            Stage::blocking("node", move |item: &mut Item| {
                third_calls.fetch_add(1, Ordering::SeqCst);
                item.visits.push("node");
                Ok(())
            })
        };
        let executor = Executor::new()
            .stage(visit("parse"))
            .stage(failing)
            .stage(counting);
        let result = executor.run(items(4)).await;
        assert!(!result.succeeded());
        assert_eq!(third_calls.load(Ordering::SeqCst), 3);
        let statuses: Vec<_> = result.stages.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [
                StageStatus::Succeeded,
                StageStatus::PartiallyFailed,
                StageStatus::Succeeded
            ]
        );
        let node_items: Vec<_> = result.stages[2].steps.iter().map(|s| s.item).collect();
        assert_eq!(node_items, [0, 1, 3]);
        let failures: Vec<_> = result.failures().collect();
        assert_eq!(failures.len(), 1);
        let (item, failure) = failures[0];
        assert_eq!(item, 2);
        assert_eq!((failure.stage, failure.stage_name.as_str()), (1, "models"));
        assert_eq!(failure.error, StepError::fatal("bad model"));
        let kept = result.items[2].state().unwrap();
        assert_eq!(kept.visits, ["parse", "models-broken"]);
        for index in [0, 1, 3] {
            let item = result.items[index].state().unwrap();
            assert_eq!(item.visits, ["parse", "models", "node"]);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stage_without_partial_failure_stops_the_run_after_it() {
        let failing = Stage::blocking("models", |item: &mut Item| {
            if item.id == 0 {
                return Err(StepError::fatal("bad"));
            }
            item.visits.push("models");
            Ok(())
        })
        .allow_partial_failure(false);
        let executor = Executor::new()
            .stage(failing)
            .stage(visit("node"))
            .stage(visit("tests"));
        let result = executor.run(items(3)).await;
        let statuses: Vec<_> = result.stages.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [
                StageStatus::Failed,
                StageStatus::Skipped,
                StageStatus::Skipped
            ]
        );
        assert_eq!(result.stages[0].steps.len(), 3, "the stage itself finished");
        assert!(result.items[0].failure().is_some());
        for outcome in &result.items[1..] {
            let ItemOutcome::Cancelled { stage, state } = outcome else {
                panic!("expected a cancelled item, got {outcome:?}");
            };
            assert_eq!(*stage, 1);
            assert_eq!(state.as_ref().unwrap().visits, ["models"]);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fail_fast_cancels_the_rest() {
        let first = Stage::blocking("parse", |item: &mut Item| {
            if item.id == 0 {
                return Err(StepError::fatal("broken"));
            }
            sleep(200);
            Ok(())
        });
        let stage_two_calls = Arc::new(AtomicUsize::new(0));
        let second = {
            let calls = Arc::clone(&stage_two_calls);
            Stage::blocking("models", move |_: &mut Item| {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
        };
        let executor = Executor::new()
            .jobs(1)
            .fail_fast(true)
            .stage(first)
            .stage(second);
        let result = executor.run(items(5)).await;
        assert_eq!(stage_two_calls.load(Ordering::SeqCst), 0);
        assert_eq!(result.stages[0].status, StageStatus::Failed);
        assert_eq!(result.stages[1].status, StageStatus::Skipped);
        assert!(result.stages[1].steps.is_empty());
        assert_eq!(result.items[0].failure().unwrap().stage, 0);
        // Which items got the single permit before item 0 failed depends on the
        // scheduler: those finished stage 0 and are cancelled before stage 1; the
        // rest are cancelled in stage 0.
        for (index, outcome) in result.items.iter().enumerate().skip(1) {
            let step = result.stages[0].steps[index].outcome;
            match outcome {
                ItemOutcome::Cancelled { stage: 0, .. } => {
                    assert_eq!(step, StepOutcome::Cancelled, "item {index}");
                }
                ItemOutcome::Cancelled { stage: 1, .. } => {
                    assert_eq!(step, StepOutcome::Succeeded, "item {index}");
                }
                other => panic!("item {index}: {other:?}"),
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fail_fast_interrupts_async_steps_in_flight() {
        let network = Stage::asynchronous("quorum", |item: &mut Item| {
            Box::pin(async move {
                if item.id == 0 {
                    return Err(StepError::fatal("refused"));
                }
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(())
            })
        });
        let executor = Executor::new().jobs(4).fail_fast(true).stage(network);
        let started = Instant::now();
        let result = executor.run(items(4)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(result.items[0].failure().is_some());
        for outcome in &result.items[1..] {
            assert!(matches!(
                outcome,
                ItemOutcome::Cancelled {
                    stage: 0,
                    state: None
                }
            ));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parallel_steps_give_a_speedup() {
        let slow = Stage::blocking("slow", |_: &mut Item| {
            sleep(100);
            Ok(())
        });
        let result = Executor::new().jobs(4).stage(slow).run(items(4)).await;
        assert!(result.succeeded());
        assert!(result.busy() >= MS * 400);
        assert!(result.stages[0].wall < result.busy());
        assert!(result.speedup() > 1.5, "speedup {}", result.speedup());
        assert!(result.speedup() <= 4.5, "speedup {}", result.speedup());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn empty_input_runs_every_stage_with_no_steps() {
        let result = Executor::new()
            .stage(visit("parse"))
            .stage(visit("models"))
            .run(Vec::new())
            .await;
        assert!(result.succeeded());
        assert!(result.items.is_empty());
        assert_eq!(result.stages.len(), 2);
        assert!(
            result
                .stages
                .iter()
                .all(|s| s.status == StageStatus::Succeeded)
        );
        assert!(result.stages.iter().all(|s| s.steps.is_empty()));
        assert!((result.speedup() - 1.0).abs() < f64::EPSILON);

        let result = Executor::<Item>::new().run(items(2)).await;
        assert!(result.succeeded(), "no stages: items come back untouched");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_step_becomes_an_error() {
        let blocking = Stage::blocking("blocking", |item: &mut Item| {
            assert!(item.id != 1, "blocking step broke");
            Ok(())
        });
        let asynchronous = Stage::asynchronous("async", |item: &mut Item| {
            Box::pin(async move {
                tokio::task::yield_now().await;
                assert!(item.id != 2, "async step broke");
                Ok(())
            })
        });
        let executor = Executor::new().stage(blocking).stage(asynchronous);
        let result = executor.run(items(4)).await;
        let failures: Vec<_> = result.failures().collect();
        assert_eq!(failures.len(), 2);
        assert_eq!(failures[0].0, 1);
        assert_eq!(failures[0].1.error.kind, StepErrorKind::Panic);
        assert!(failures[0].1.error.message.contains("blocking step broke"));
        assert_eq!(failures[0].1.attempts, 1);
        assert_eq!(failures[1].0, 2);
        assert_eq!(failures[1].1.stage, 1);
        assert!(failures[1].1.error.message.contains("async step broke"));
        assert!(result.items[0].is_completed());
        assert!(result.items[3].is_completed());
    }

    #[derive(Default)]
    struct Recorder {
        events: Mutex<Vec<String>>,
    }

    impl Observer for Recorder {
        fn stage_started(&self, stage: usize, name: &str, items: usize) {
            self.events
                .lock()
                .unwrap()
                .push(format!("start {stage} {name} {items}"));
        }

        fn step_finished(&self, stage: usize, step: &StepReport) {
            self.events
                .lock()
                .unwrap()
                .push(format!("step {stage} {}", step.item));
        }

        fn stage_finished(&self, stage: usize, report: &StageReport) {
            self.events
                .lock()
                .unwrap()
                .push(format!("end {stage} {:?}", report.status));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_observer_sees_stages_and_steps() {
        let recorder = Arc::new(Recorder::default());
        let executor = Executor::new()
            .jobs(1)
            .observer(Arc::clone(&recorder) as Arc<dyn Observer>)
            .stage(visit("parse"))
            .stage(visit("models"));
        // The run future is Send, so callers may spawn it.
        let result = tokio::spawn(async move { executor.run(items(2)).await })
            .await
            .unwrap();
        assert!(result.succeeded());
        let mut events = recorder.events.lock().unwrap().clone();
        // Steps of one stage may finish in any order.
        events[1..3].sort();
        events[5..7].sort();
        assert_eq!(
            events,
            [
                "start 0 parse 2",
                "step 0 0",
                "step 0 1",
                "end 0 Succeeded",
                "start 1 models 2",
                "step 1 0",
                "step 1 1",
                "end 1 Succeeded"
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stage_transitions_are_cheap() {
        let mut executor = Executor::new();
        for name in ["parse", "models", "node", "tests", "quality", "package"] {
            executor = executor.stage(visit(name));
        }
        let started = Instant::now();
        let result = executor.run(items(200)).await;
        assert!(result.succeeded());
        // 1,200 trivial steps; generous for a loaded two-core machine.
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
