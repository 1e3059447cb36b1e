//! Operation timing for `codegen profile`: the pipeline's operations open a
//! [`Span`] (`let _span = profile::span("yaml read");`) and, while recording
//! is on, its time is booked under the operation's name when it drops. Off
//! (every command but `profile`), a span is one relaxed atomic load and
//! nothing else, so the instrumentation stays in the release build.
//!
//! Spans nest: an operation's time is its own, without the operations it
//! opened inside it (`hash` inside `manifest plan` is booked under `hash`),
//! so the times of all operations add up to the time measured, once. Each
//! thread books into a buffer of its own, registered once, so threads never
//! wait on each other; [`take`] gathers and empties them all.

use std::cell::{OnceCell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

static RECORDING: AtomicBool = AtomicBool::new(false);
static BUFFERS: Mutex<Vec<Arc<Mutex<Vec<Sample>>>>> = Mutex::new(Vec::new());

thread_local! {
    static BUFFER: OnceCell<Arc<Mutex<Vec<Sample>>>> = const { OnceCell::new() };
    /// For each span open on this thread, innermost last: the time of the
    /// spans that ended inside it.
    static OPEN: RefCell<Vec<Duration>> = const { RefCell::new(Vec::new()) };
}

/// One timed operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// What kind of operation (`render`, `lint`, `yaml read`).
    pub kind: &'static str,
    /// Which one, for kinds that have several (the template, the rule pass).
    pub detail: Option<Box<str>>,
    /// Its own time: the spans inside it left out.
    pub duration: Duration,
}

impl Sample {
    /// The operation's name in the report: `render node.py.tera`, `yaml read`.
    pub fn name(&self) -> String {
        match &self.detail {
            Some(detail) => format!("{} {detail}", self.kind),
            None => self.kind.to_owned(),
        }
    }
}

/// Starts or stops recording; what was recorded stays until [`take`].
pub fn record(on: bool) {
    RECORDING.store(on, Ordering::Relaxed);
}

/// Whether spans are being recorded.
pub fn recording() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

/// Every sample recorded since the last call, from every thread.
pub fn take() -> Vec<Sample> {
    let buffers = BUFFERS.lock().unwrap_or_else(PoisonError::into_inner);
    let mut all = Vec::new();
    for buffer in buffers.iter() {
        all.append(&mut buffer.lock().unwrap_or_else(PoisonError::into_inner));
    }
    all
}

/// A running operation; booked when dropped.
#[must_use = "a span measures until it is dropped"]
pub struct Span {
    started: Option<Instant>,
    kind: &'static str,
    detail: Option<Box<str>>,
    /// Takes part in the thread's nesting ([`concurrent`] spans do not).
    nested: bool,
}

/// Times the operation `kind` until the span drops.
pub fn span(kind: &'static str) -> Span {
    if !recording() {
        return Span {
            started: None,
            kind,
            detail: None,
            nested: false,
        };
    }
    open();
    Span {
        started: Some(Instant::now()),
        kind,
        detail: None,
        nested: true,
    }
}

fn open() {
    OPEN.with(|open| open.borrow_mut().push(Duration::ZERO));
}

/// Times one of several operations of a kind (`render`, `node.py.tera`); the
/// detail is only built while recording.
pub fn span_of(kind: &'static str, detail: impl FnOnce() -> String) -> Span {
    if !recording() {
        return Span {
            started: None,
            kind,
            detail: None,
            nested: false,
        };
    }
    let detail = Some(detail().into_boxed_str());
    open();
    Span {
        started: Some(Instant::now()),
        kind,
        detail,
        nested: true,
    }
}

/// Times an operation that runs alongside others on one thread (a network
/// call in a future): it neither nests nor is nested, and its time overlaps
/// the operation that waits for it.
pub fn concurrent(kind: &'static str, detail: impl FnOnce() -> String) -> Span {
    Span {
        started: recording().then(Instant::now),
        kind,
        detail: recording().then(|| detail().into_boxed_str()),
        nested: false,
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        let Some(started) = self.started else {
            return;
        };
        let elapsed = started.elapsed();
        let inside = if self.nested {
            OPEN.with(|open| {
                let mut open = open.borrow_mut();
                let inside = open.pop().unwrap_or_default();
                if let Some(outer) = open.last_mut() {
                    *outer += elapsed;
                }
                inside
            })
        } else {
            Duration::ZERO
        };
        let sample = Sample {
            kind: self.kind,
            detail: self.detail.take(),
            duration: elapsed.saturating_sub(inside),
        };
        BUFFER.with(|cell| {
            let buffer = cell.get_or_init(|| {
                let buffer = Arc::new(Mutex::new(Vec::with_capacity(1024)));
                BUFFERS
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(Arc::clone(&buffer));
                buffer
            });
            buffer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(sample);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test switches recording on and off: tests run side by side in
    /// one process, and the others' operations are filtered out by name.
    #[test]
    fn spans_book_their_own_time_only_while_recording_from_every_thread() {
        drop(span("profile off"));
        record(true);
        drop(span("profile yaml read"));
        drop(span_of("profile render", || "node.py.tera".to_owned()));
        std::thread::spawn(|| drop(span("profile write")))
            .join()
            .unwrap();
        let total = Instant::now();
        let outer = span("profile outer");
        std::thread::sleep(Duration::from_millis(5));
        let inner = span("profile inner");
        std::thread::sleep(Duration::from_millis(20));
        drop(inner);
        drop(outer);
        let total = total.elapsed();
        record(false);
        drop(span("profile off again"));
        let samples: Vec<Sample> = take()
            .into_iter()
            .filter(|s| s.kind.starts_with("profile "))
            .collect();
        let mut names: Vec<String> = samples.iter().map(Sample::name).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "profile inner",
                "profile outer",
                "profile render node.py.tera",
                "profile write",
                "profile yaml read"
            ]
        );
        let time = |kind: &str| samples.iter().find(|s| s.kind == kind).unwrap().duration;
        let (outer, inner) = (time("profile outer"), time("profile inner"));
        assert!(inner >= Duration::from_millis(20), "{inner:?}");
        // The outer span's own time leaves the inner one out: the two add up
        // to no more than the time both took.
        assert!(outer + inner <= total, "{outer:?} + {inner:?} > {total:?}");
    }
}
