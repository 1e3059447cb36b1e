//! Operation timing for `codegen profile`: the pipeline's operations open a
//! [`Span`] (`let _span = profile::span("yaml read");`) and, while recording
//! is on, its time is booked under the operation's name when it drops. Off
//! (every command but `profile`), a span is one relaxed atomic load and
//! nothing else, so the instrumentation stays in the release build.
//!
//! Spans nest: an operation's time is its own, without the operations it
//! opened inside it (`hash` inside `manifest plan` is booked under `hash`),
//! so the times of all operations add up to the time measured, once. Each
//! thread books into a buffer of its own and hands it over with [`flush`]
//! (the pipeline does at the end of every step), so threads never wait on
//! each other mid-step; [`take`] gathers what was handed over.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

static RECORDING: AtomicBool = AtomicBool::new(false);
static BOOKED: Mutex<Vec<Sample>> = Mutex::new(Vec::new());

thread_local! {
    /// This thread's samples, not yet handed over.
    static BUFFER: RefCell<Vec<Sample>> = const { RefCell::new(Vec::new()) };
    /// The time of the spans that ended inside the innermost span open on
    /// this thread.
    static INSIDE: Cell<Duration> = const { Cell::new(Duration::ZERO) };
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

/// Hands this thread's samples over to [`take`]; cheap when there are none.
pub fn flush() {
    let mut mine = BUFFER.with(|buffer| std::mem::take(&mut *buffer.borrow_mut()));
    if !mine.is_empty() {
        BOOKED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .append(&mut mine);
    }
}

/// Every sample handed over since the last call (this thread's included).
pub fn take() -> Vec<Sample> {
    flush();
    std::mem::take(&mut *BOOKED.lock().unwrap_or_else(PoisonError::into_inner))
}

/// A running operation; booked when dropped.
#[must_use = "a span measures until it is dropped"]
pub struct Span {
    started: Option<Instant>,
    kind: &'static str,
    detail: Option<Box<str>>,
    /// Takes part in the thread's nesting ([`concurrent`] spans do not).
    nested: bool,
    /// The outer span's [`INSIDE`] when this one opened, given back when it ends.
    outer_inside: Duration,
}

impl Span {
    const OFF: Span = Span {
        started: None,
        kind: "",
        detail: None,
        nested: false,
        outer_inside: Duration::ZERO,
    };

    fn nested(kind: &'static str, detail: Option<Box<str>>) -> Span {
        Span {
            outer_inside: INSIDE.with(|inside| inside.replace(Duration::ZERO)),
            started: Some(Instant::now()),
            kind,
            detail,
            nested: true,
        }
    }
}

/// Times the operation `kind` until the span drops.
#[inline]
pub fn span(kind: &'static str) -> Span {
    if recording() {
        Span::nested(kind, None)
    } else {
        Span::OFF
    }
}

/// Times one of several operations of a kind (`render`, `node.py.tera`); the
/// detail is only built while recording.
#[inline]
pub fn span_of(kind: &'static str, detail: impl FnOnce() -> String) -> Span {
    if recording() {
        Span::nested(kind, Some(detail().into_boxed_str()))
    } else {
        Span::OFF
    }
}

/// Times an operation that runs alongside others on one thread (a network
/// call in a future): it neither nests nor is nested, and its time overlaps
/// the operation that waits for it.
pub fn concurrent(kind: &'static str, detail: impl FnOnce() -> String) -> Span {
    if !recording() {
        return Span::OFF;
    }
    Span {
        started: Some(Instant::now()),
        kind,
        detail: Some(detail().into_boxed_str()),
        nested: false,
        outer_inside: Duration::ZERO,
    }
}

impl Drop for Span {
    #[inline]
    fn drop(&mut self) {
        if let Some(started) = self.started {
            self.book(started.elapsed());
        }
    }
}

impl Span {
    fn book(&mut self, elapsed: Duration) {
        // What ended inside this span is its children's time; from now on
        // this span counts as inside its outer one.
        let inside = if self.nested {
            INSIDE.with(|inside| inside.replace(self.outer_inside + elapsed))
        } else {
            Duration::ZERO
        };
        let sample = Sample {
            kind: self.kind,
            detail: self.detail.take(),
            duration: elapsed.saturating_sub(inside),
        };
        if self.nested {
            BUFFER.with(|buffer| buffer.borrow_mut().push(sample));
        } else {
            // A concurrent span ends on whichever thread ran its future,
            // which may never flush: booked straight away.
            BOOKED
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(sample);
        }
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
        std::thread::spawn(|| {
            drop(span("profile write"));
            drop(span("profile write again"));
            flush();
            drop(span("profile not handed over"));
        })
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
                "profile write again",
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
