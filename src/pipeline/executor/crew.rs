//! The threads that run the steps, kept from stage to stage and run to run.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Condvar, Mutex};

use super::lock;

/// What a crew thread runs; the argument is the thread's number in the crew.
pub(super) type CrewTask = Box<dyn FnOnce(usize) + Send>;

/// The threads that run the steps, kept from stage to stage and from run
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
    pub(super) fn staff(&self, count: usize, stack: usize) -> usize {
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
    pub(super) fn submit(&self, stack: usize, tasks: impl IntoIterator<Item = CrewTask>) {
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
    pub(super) fn replace(&self, thread: Option<usize>, width: usize, stack: usize) {
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
