//! What `generate` did about failures: every failure falls into one [`Class`],
//! and each class has one strategy that acts (fall back to the built-in
//! template, retry the write, stop writing on a full disk, stop a step that
//! hangs, skip a contract that cannot be read). A step records each act on its
//! job as a [`Recovery`]; the summary and the JSON report add them up per class
//! ([`statistics`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The kinds of failure, each met by one strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A contract that cannot be read or does not check: skipped (or, with
    /// `--fail-fast`, the run stops).
    Parse,
    /// A user template (`--templates`) that fails to render: the built-in one
    /// of the same name renders instead (an error with `--strict`).
    Template,
    /// Generated code with error findings: the contract is skipped.
    Validation,
    /// A transient file-system error (`EINTR`, `EAGAIN`, `EBUSY`): retried
    /// with backoff. A full disk stops every later write.
    Io,
    /// A quorum call that failed in transit: retried with backoff.
    Network,
    /// A step that ran past its limit: stopped, its contract reported.
    Timeout,
    /// A provider that said "too many requests": retried after its delay.
    RateLimit,
    /// A provider that refused the key: that model is left out of the vote.
    Auth,
}

impl Class {
    pub const ALL: [Class; 8] = [
        Class::Parse,
        Class::Template,
        Class::Validation,
        Class::Io,
        Class::Network,
        Class::Timeout,
        Class::RateLimit,
        Class::Auth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Parse => "parse",
            Class::Template => "template",
            Class::Validation => "validation",
            Class::Io => "io",
            Class::Network => "network",
            Class::Timeout => "timeout",
            Class::RateLimit => "rate-limit",
            Class::Auth => "auth",
        }
    }
}

/// What a strategy did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strategy {
    /// Rendered with the built-in template instead of the user's.
    Fallback,
    /// Tried again, after a delay, and it went through.
    Retry,
    /// Tried again until the attempts ran out.
    RetryFailed,
    /// Stopped the step (or the writing) and reported it.
    Stop,
    /// Skipped the contract and went on with the others.
    Skip,
    /// Left a model out of the vote.
    Exclude,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Fallback => "fallback",
            Strategy::Retry => "retry",
            Strategy::RetryFailed => "retry-failed",
            Strategy::Stop => "stop",
            Strategy::Skip => "skip",
            Strategy::Exclude => "exclude",
        }
    }
}

/// One act of recovery, for one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub class: Class,
    pub strategy: Strategy,
    /// How many times it acted (retries of one write count one each).
    pub times: u32,
    /// What happened, for people: the template and the error, the errno.
    pub detail: String,
}

impl Recovery {
    pub fn new(class: Class, strategy: Strategy, detail: impl Into<String>) -> Self {
        Self {
            class,
            strategy,
            times: 1,
            detail: detail.into(),
        }
    }

    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}

/// One line of the statistics: a class and a strategy, how many times it
/// acted and on which contracts (the reference's `RecoveryStatistics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub class: Class,
    pub strategy: Strategy,
    pub times: u32,
    pub contracts: Vec<PathBuf>,
}

/// The recoveries of a run, per class and strategy, in class order.
pub fn statistics<'a>(
    recoveries: impl IntoIterator<Item = (&'a PathBuf, &'a Recovery)>,
) -> Vec<Tally> {
    let mut by: BTreeMap<(Class, Strategy), Tally> = BTreeMap::new();
    for (contract, recovery) in recoveries {
        let tally = by
            .entry((recovery.class, recovery.strategy))
            .or_insert_with(|| Tally {
                class: recovery.class,
                strategy: recovery.strategy,
                times: 0,
                contracts: Vec::new(),
            });
        tally.times += recovery.times;
        if !tally.contracts.contains(contract) {
            tally.contracts.push(contract.clone());
        }
    }
    let mut tallies: Vec<Tally> = by.into_values().collect();
    for tally in &mut tallies {
        tally.contracts.sort();
    }
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_add_up_per_class_and_strategy() {
        let a = PathBuf::from("a.yaml");
        let b = PathBuf::from("b.yaml");
        let io = Recovery::new(Class::Io, Strategy::Retry, "EAGAIN").times(3);
        let io_b = Recovery::new(Class::Io, Strategy::Retry, "EBUSY");
        let template = Recovery::new(Class::Template, Strategy::Fallback, "node.py.j2");
        let tallies = statistics([(&b, &io_b), (&a, &io), (&a, &template), (&a, &io)]);
        assert_eq!(tallies.len(), 2);
        assert_eq!(tallies[0].class, Class::Template);
        assert_eq!(tallies[0].times, 1);
        assert_eq!(tallies[1].class, Class::Io);
        assert_eq!(tallies[1].times, 7);
        assert_eq!(tallies[1].contracts, vec![a, b]);
    }
}
