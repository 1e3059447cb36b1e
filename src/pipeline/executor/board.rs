//! A stage in flight: the queue its workers drain, what each is running, and
//! the steps they have booked, shared with the task that waits on the stage.

use std::collections::{HashMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::crew::CrewTask;
use super::{LimitFn, Observer, StepError, StepFn, StepOutcome, StepReport, lock};

/// A stage in progress: its queue, what its workers are running and
/// what they have booked. Workers are tasks on [`Crew`] threads; each takes
/// items from the queue until it is empty, so a step costs two uncontended
/// lock acquisitions and no thread handoff. The waiting task is woken only at
/// the stage's end and when a failure stops the run.
pub(super) struct StageRun<S> {
    pub(super) step: Arc<StepFn<S>>,
    pub(super) timeout: Option<Duration>,
    pub(super) limit: Option<Arc<LimitFn<S>>>,
    pub(super) stage: usize,
    pub(super) fail_fast: bool,
    pub(super) observer: Arc<dyn Observer>,
    pub(super) board: Mutex<Board<S>>,
    pub(super) settled: Notify,
}

/// What the workers and the waiting task share.
pub(super) struct Board<S> {
    pub(super) queue: VecDeque<(usize, S)>,
    /// Worker id → the step it is running.
    pub(super) running: HashMap<usize, Running>,
    /// Workers whose step timed out; whatever they finish is dropped.
    pub(super) abandoned: Vec<usize>,
    pub(super) finished: Vec<(usize, StepRun<S>)>,
    pub(super) reports: Vec<StepReport>,
    /// Items neither finished nor given up.
    pub(super) remaining: usize,
    pub(super) stop: bool,
    pub(super) next_worker: usize,
}

impl<S> Board<S> {
    pub(super) fn settled(&self) -> bool {
        self.remaining == 0 || (self.stop && self.running.is_empty())
    }
}

/// A step in flight: its item, its deadline, when the step
/// began and the crew thread running it (`None` for the waiting task's own).
#[derive(Clone, Copy)]
pub(super) struct Running {
    pub(super) item: usize,
    pub(super) deadline: Option<Instant>,
    /// The limit the deadline was set from.
    pub(super) limit: Option<Duration>,
    pub(super) began: Instant,
    pub(super) thread: Option<usize>,
}

/// How a stage ended: each item's run (state, result) and what was never
/// started because the run stopped.
pub(super) struct Outcome<S> {
    pub(super) finished: Vec<(usize, StepRun<S>)>,
    pub(super) reports: Vec<StepReport>,
    pub(super) unstarted: Vec<(usize, S)>,
}

impl<S: Send + 'static> StageRun<S> {
    /// Worker `worker` of this stage, as a task for a crew thread.
    pub(super) fn task(run: &Arc<Self>, worker: usize) -> CrewTask {
        let run = Arc::clone(run);
        Box::new(move |thread| run.drain(worker, Some(thread)))
    }

    /// A worker: runs queued items until the queue is empty, the run stops
    /// or its step outlives its deadline.
    pub(super) fn drain(&self, worker: usize, thread: Option<usize>) {
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
            let result = catch_unwind(AssertUnwindSafe(|| (self.step)(&mut state)))
                .unwrap_or_else(|payload| Err(StepError::panic(&*payload)));
            let duration = began.elapsed();
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
                duration,
                started: Some(began),
                worker: Some(worker),
            };
            self.record(&mut board, item, run);
        }
    }

    /// The limit of `state`'s step: never shorter than the stage's timeout,
    /// which the watcher's waits are measured against.
    fn limit(&self, state: &S) -> Option<Duration> {
        let own = self.timeout?;
        let longer = self.limit.as_ref().and_then(|limit| limit(state));
        Some(longer.map_or(own, |longer| longer.max(own)))
    }

    /// Books one item's end and tells the observer (under the lock, so the
    /// stage cannot be reported finished before its last step).
    pub(super) fn record(&self, board: &mut Board<S>, item: usize, run: StepRun<S>) {
        let outcome = match &run.result {
            Ok(()) => StepOutcome::Succeeded,
            Err(error) => StepOutcome::Failed(error.kind),
        };
        let report = StepReport {
            item,
            outcome,
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

/// One item's step as its worker (or the watcher, on a timeout) booked it.
pub(super) struct StepRun<S> {
    pub(super) state: Option<S>,
    pub(super) result: Result<(), StepError>,
    pub(super) duration: Duration,
    pub(super) started: Option<Instant>,
    pub(super) worker: Option<usize>,
}
