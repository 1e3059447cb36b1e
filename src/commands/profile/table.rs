//! From the timed samples of every run to one row per operation: count, total,
//! mean, percentiles and share of the busy time.

use crate::profile::Sample;
use std::collections::BTreeMap;
use std::time::Duration;

/// The time not inside any timed operation, booked as one.
pub(super) const OTHER: &str = "other (outside the timed operations)";

/// One operation's times over every instrumented run.
#[derive(Debug, Clone)]
pub(super) struct Operation {
    pub(super) name: String,
    /// Milliseconds, sorted.
    pub(super) times: Vec<f64>,
    pub(super) total: f64,
    pub(super) share: f64,
    /// Runs alongside others (a network call): its time overlaps another
    /// operation's and is not part of the shares' whole.
    pub(super) overlapping: bool,
}

/// Per operation: every time it took, and its share of the time the
/// pipeline's threads spent working (`busy`, summed over the runs).
pub(super) fn operations(samples: &[Sample], busy: Duration) -> Vec<Operation> {
    let mut by: BTreeMap<String, (Vec<f64>, bool)> = BTreeMap::new();
    for sample in samples {
        let entry = by.entry(sample.name()).or_default();
        entry.0.push(sample.duration.as_secs_f64() * 1e3);
        entry.1 |= sample.kind == "quorum call";
    }
    let timed: f64 = by
        .values()
        .filter(|(_, overlapping)| !overlapping)
        .flat_map(|(times, _)| times)
        .sum();
    let other = (busy.as_secs_f64() * 1e3 - timed).max(0.0);
    let whole = (timed + other).max(f64::MIN_POSITIVE);
    let mut operations: Vec<Operation> = by
        .into_iter()
        .map(|(name, (mut times, overlapping))| {
            times.sort_by(f64::total_cmp);
            let total: f64 = times.iter().sum();
            Operation {
                name,
                total,
                share: total / whole,
                times,
                overlapping,
            }
        })
        .collect();
    if other > 0.0 {
        operations.push(Operation {
            name: OTHER.to_owned(),
            times: Vec::new(),
            total: other,
            share: other / whole,
            overlapping: false,
        });
    }
    operations.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.name.cmp(&b.name)));
    operations
}

/// The value at percentile `p` of sorted `times` (nearest rank).
pub(super) fn percentile(times: &[f64], p: f64) -> f64 {
    if times.is_empty() {
        return 0.0;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rank = ((p / 100.0) * times.len() as f64).ceil() as usize;
    times[rank.clamp(1, times.len()) - 1]
}

pub(super) fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}
