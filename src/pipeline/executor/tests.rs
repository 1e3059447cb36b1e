//! The executor's tests: barriers, bounds, timeouts, failures and the crew,
//! each made deterministic with gates the test opens rather than sleeps it times.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use super::*;

const MS: Duration = Duration::from_millis(1);

fn sleep(ms: u64) {
    std::thread::sleep(MS * u32::try_from(ms).unwrap_or(u32::MAX));
}

/// How long a step held on a [`Gate`] or a [`Rendezvous`] waits before it gives
/// up: a broken executor then fails its test instead of hanging it. No test
/// waits this long when the executor works.
const GIVE_UP: Duration = Duration::from_secs(20);

/// A latch the test opens: a step waiting on it is held for exactly as long as
/// the test wants, with no guess at how fast the machine is.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    /// Waits for the test to open the gate; false if it never did.
    fn wait(&self) -> bool {
        let open = self.open.lock().unwrap();
        let (open, _) = self
            .changed
            .wait_timeout_while(open, GIVE_UP, |open| !*open)
            .unwrap();
        *open
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.changed.notify_all();
    }
}

/// Steps that wait for each other in groups of `size`: each group can only
/// meet if `size` steps are in flight at once.
struct Rendezvous {
    size: usize,
    arrived: Mutex<usize>,
    changed: Condvar,
}

impl Rendezvous {
    fn new(size: usize) -> Self {
        Self {
            size,
            arrived: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    /// Waits until this step's group is complete; false if it never was.
    fn meet(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        let group_end = (*arrived / self.size + 1) * self.size;
        *arrived += 1;
        self.changed.notify_all();
        let (arrived, _) = self
            .changed
            .wait_timeout_while(arrived, GIVE_UP, |arrived| *arrived < group_end)
            .unwrap();
        *arrived >= group_end
    }
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
        assert!(stage.steps.iter().all(|s| s.worker.is_some()));
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
async fn steps_of_a_stage_run_side_by_side_up_to_jobs() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let met = Arc::new(AtomicUsize::new(0));
    let rendezvous = Arc::new(Rendezvous::new(3));
    let counting = {
        let (in_flight, peak, met) = (Arc::clone(&in_flight), Arc::clone(&peak), Arc::clone(&met));
        Stage::blocking("count", move |_: &mut Item| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            if rendezvous.meet() {
                met.fetch_add(1, Ordering::SeqCst);
            }
            in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        })
        .timeout(None)
    };
    let executor = Executor::new().jobs(3).stage(counting);
    let result = executor.run(items(12)).await;
    assert!(result.succeeded());
    assert_eq!(
        met.load(Ordering::SeqCst),
        12,
        "steps ran one after another"
    );
    assert_eq!(peak.load(Ordering::SeqCst), 3);
}

#[test]
fn the_speedup_is_busy_time_over_wall_time() {
    let stage = |busy_ms: u64| StageReport {
        name: "s".into(),
        status: StageStatus::Succeeded,
        started: None,
        wall: Duration::ZERO,
        busy: MS * u32::try_from(busy_ms).unwrap(),
        steps: Vec::new(),
    };
    let result = RunResult::<Item> {
        stages: vec![stage(300), stage(100)],
        items: Vec::new(),
        wall: MS * 200,
    };
    assert_eq!(result.busy(), MS * 400);
    assert!(
        (result.speedup() - 2.0).abs() < 1e-9,
        "{}",
        result.speedup()
    );
}

/// Item 1's step outlives its limit and is held there until the run has
/// returned, so every assertion below holds whatever the machine's speed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_past_its_limit_is_reported_at_once_and_the_others_finish() {
    let gate = Arc::new(Gate::default());
    let released = Arc::new(AtomicUsize::new(0));
    let hangs = {
        let (gate, released) = (Arc::clone(&gate), Arc::clone(&released));
        Stage::blocking("hangs", move |item: &mut Item| {
            if item.id == 1 {
                gate.wait();
                released.fetch_add(1, Ordering::SeqCst);
            }
            item.visits.push("hangs");
            Ok(())
        })
        .timeout(Some(MS * 50))
    };
    // One worker: the others can only finish on a thread that replaced the
    // stuck one, and the next stage must not be given the stuck thread.
    let executor = Executor::new().jobs(1).stage(hangs).stage(visit("after"));
    let result = executor.run(items(4)).await;
    assert_eq!(
        released.load(Ordering::SeqCst),
        0,
        "the run waited for the step past its limit"
    );
    gate.open();
    let failure = result.items[1].failure().expect("item 1 timed out");
    assert_eq!(failure.error.kind, StepErrorKind::Timeout);
    assert_eq!(failure.stage, 0);
    assert!(
        result.items[1].state().is_none(),
        "its thread holds the state"
    );
    assert_eq!(result.stages[0].status, StageStatus::PartiallyFailed);
    assert_eq!(
        result.stages[0].steps[1].outcome,
        StepOutcome::Failed(StepErrorKind::Timeout)
    );
    for index in [0, 2, 3] {
        let item = result.items[index].state().unwrap();
        assert_eq!(item.visits, ["hangs", "after"], "item {index}");
    }
    assert_eq!(result.stages[1].steps.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_step_becomes_an_error() {
    let breaks = Stage::blocking("breaks", |item: &mut Item| {
        assert!(item.id != 1, "the step broke");
        Ok(())
    });
    let result = Executor::new()
        .stage(breaks)
        .stage(visit("after"))
        .run(items(3))
        .await;
    let failures: Vec<_> = result.failures().collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].0, 1);
    assert_eq!(failures[0].1.error.kind, StepErrorKind::Panic);
    assert!(failures[0].1.error.message.contains("the step broke"));
    assert!(
        result.items[1].state().is_some(),
        "a panicking step leaves its state"
    );
    assert!(result.items[0].is_completed());
    assert!(result.items[2].is_completed());
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
