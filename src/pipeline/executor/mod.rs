//! The staged parallel executor: every item (one per contract) carries a state
//! through ordered stages. Stages are barriers: stage k+1 starts only once
//! stage k has finished for every item. Inside a stage each item's step runs
//! in parallel on at most `jobs` workers, each under a time limit. An item
//! whose step fails drops out of later stages while the others go on, unless
//! the run is `fail_fast`. The [`RunResult`] holds per-stage and per-step
//! timings, the parallel speedup and every item's final state or failure.
//!
//! Steps are sync code (parsing, rendering, checking, and the quorum's votes,
//! which wait on their own HTTP runtime). A stage's `jobs` workers take items
//! from one queue, so a step costs no thread handoff. The workers are tasks on
//! a [`Crew`] of threads kept from stage to stage and run to run, so a stage
//! transition starts and joins no thread; the run's own task only waits. A
//! step cannot be interrupted, so one that times out keeps its thread and its
//! state until it returns: the item is reported as timed out at once, and a
//! new worker on a new thread takes the abandoned one's place so the stage goes
//! on at full width. Nothing is retried here: what is worth another attempt
//! (a write on `EINTR`, an HTTP call) retries inside the step, where the cause
//! is known.
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
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

mod board;
mod crew;

use board::{Board, Running, StageRun};
pub use crew::Crew;

type StepFn<S> = dyn Fn(&mut S) -> Result<(), StepError> + Send + Sync;
type LimitFn<S> = dyn Fn(&S) -> Option<Duration> + Send + Sync;

/// How a step failed; later recovery decides what to do by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepErrorKind {
    /// The step refused the item (bad input, a bug in a template).
    Fatal,
    /// The step ran past its stage's timeout.
    Timeout,
    /// The step panicked.
    Panic,
}

impl StepErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepErrorKind::Fatal => "fatal",
            StepErrorKind::Timeout => "timeout",
            StepErrorKind::Panic => "panic",
        }
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

/// A named stage: one step function applied to every item still running.
pub struct Stage<S> {
    name: String,
    step: Arc<StepFn<S>>,
    /// Limit for one item's step; `None` waits forever.
    timeout: Option<Duration>,
    /// A longer limit for some items than the stage's timeout ([`Stage::limit_for`]).
    limit: Option<Arc<LimitFn<S>>>,
}

impl<S> Stage<S> {
    /// A stage whose step is sync code, run on the crew's threads, with a
    /// 30 s limit per item unless [`Stage::timeout`] says otherwise.
    pub fn blocking<F>(name: impl Into<String>, step: F) -> Self
    where
        F: Fn(&mut S) -> Result<(), StepError> + Send + Sync + 'static,
    {
        Self {
            name: name.into(),
            step: Arc::new(step),
            timeout: Some(Duration::from_secs(30)),
            limit: None,
        }
    }

    #[must_use]
    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.timeout = limit;
        self
    }

    /// A stage's limit for one item, from its state as the step starts: the
    /// stage's timeout, or what `limit` says when that is longer (a step that
    /// makes network calls, as many as the item has files).
    #[must_use]
    pub fn limit_for(
        mut self,
        limit: impl Fn(&S) -> Option<Duration> + Send + Sync + 'static,
    ) -> Self {
        self.limit = Some(Arc::new(limit));
        self
    }

    pub fn name(&self) -> &str {
        &self.name
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
    /// Time spent inside the step (not queueing).
    pub duration: Duration,
    /// When it began; `None` if it never started.
    pub started: Option<Instant>,
    /// The stage's worker that ran it (0-based); `None` if it never started.
    pub worker: Option<usize>,
}

/// How a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStatus {
    /// Every step succeeded (also when there was none).
    Succeeded,
    /// Some steps failed; their items dropped out, the others went on.
    PartiallyFailed,
    /// A step failed in a `fail_fast` run: later stages do not run.
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
}

/// What became of one item.
#[derive(Debug)]
pub enum ItemOutcome<S> {
    /// Went through every stage.
    Completed(S),
    /// A step failed. The state is what the step left (gone if the step
    /// timed out: its thread still holds it).
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

/// Stack of the worker threads unless set: a main thread's.
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
    /// No stages, `jobs` = number of cores, not `fail_fast`.
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

    /// Stack size of the threads that run the steps (steps that recurse
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

    /// Run the steps on `crew`'s threads, shared with the other
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
    /// runtime with its time driver (any flavour: the steps run on the
    /// crew's threads, not the runtime's); never panics on a step's behalf.
    pub async fn run(&self, items: Vec<S>) -> RunResult<S> {
        let started = Instant::now();
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
                self.run_stage(index, stage, &mut slots, &mut ends).await
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

    /// One stage: its steps run on `jobs` threads of the executor's
    /// [`Crew`], each draining one queue; this task sleeps until the stage
    /// ends, a step passes its deadline or a failure stops the run.
    async fn run_stage(
        &self,
        index: usize,
        stage: &Stage<S>,
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
        let width = self.jobs.min(entering.len());
        let run = Arc::new(StageRun {
            step: Arc::clone(&stage.step),
            timeout: stage.timeout,
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
            board::Outcome {
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
                        board::StepRun {
                            state: None,
                            result: Err(StepError::timeout(limit)),
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
            match next.or_else(|| run.timeout.map(|limit| Instant::now() + limit)) {
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
        } else if self.fail_fast {
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

#[cfg(test)]
mod tests;
