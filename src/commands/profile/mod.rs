//! `codegen profile`: the whole generate pipeline, run `--iterations` times
//! into a scratch directory it removes afterwards, with every operation timed
//! ([`crate::profile`]): where the time goes, the hot paths, and settings
//! whose effect is measured by running again with them, never estimated.
//! The instrumentation's own cost is measured too: runs with and without it
//! alternate.
//!
//! The runs are here; `table` turns their samples into the operations table,
//! `advice` measures and applies the recommendations, `output` prints them.

// Counts of runs and samples are far below 2^52: as floats they are exact.
#![allow(clippy::cast_precision_loss)]

mod advice;
mod output;
mod table;

#[cfg(test)]
use advice::{Recommendation, applied, edit};
use advice::{apply, jobs_of, recommend};
use output::{Profile, render_json, render_text};
#[cfg(test)]
use table::percentile;
use table::{OTHER, Operation, operations, round};

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{ProfileArgs, ProfileFormat};
use crate::config::{GenerateSettings, Settings};
use crate::exit::ExitStatus;
use crate::lint::Pass;
use crate::profile::{self, Sample};
use crate::report::Printer;
use crate::report::summary::Report;

/// The operations of the quality stage share this prefix.
const QUALITY: &str = "quality: ";

/// The passes of the quality stage a rule selection can leave out, each timed on its own.
const OPTIONAL_PASSES: [Pass; 3] = [Pass::Compile, Pass::Structure, Pass::Tree];

pub fn run(
    settings: &Settings,
    args: &ProfileArgs,
    printer: Printer,
) -> anyhow::Result<ExitStatus> {
    let mut base = settings.generate.clone();
    // Each run generates every package from nothing, and the vote is asked
    // every time: a cache would measure the cache.
    if let Some(quorum) = base.quorum.as_mut() {
        quorum.no_cache = true;
    }
    base.timings = false;
    base.trace = None;
    base.shard = None;
    let scratch = match Scratch::new() {
        Ok(scratch) => scratch,
        Err(e) => {
            eprintln!(
                "error: cannot make a scratch directory in {}: {e}",
                std::env::temp_dir().display()
            );
            return Ok(ExitStatus::Error);
        }
    };
    let mut runner = Runner {
        scratch: &scratch,
        runs: 0,
        printer: Printer {
            quiet: true,
            progress: false,
            color: false,
            color_stdout: false,
        },
    };
    // A first run reads the files into the page cache and says whether the
    // contracts generate at all: a profile of a failing run would mislead.
    let first = runner.run(&base, false)?;
    if first.status != ExitStatus::Success {
        let mut err = std::io::stderr().lock();
        for problem in first.report.diagnostics().filter(|d| d.is_error()) {
            let _ = writeln!(err, "{}", problem.render_styled(printer.color));
        }
        let _ = write!(
            err,
            "{}",
            crate::report::summary::render_text(&first.report, printer)
        );
        let _ = writeln!(
            err,
            "error: generate does not succeed on these contracts (exit {}): fix them before profiling",
            first.status.code()
        );
        return Ok(first.status);
    }
    let contracts = first.report.results.len();
    let iterations = args.iterations as usize;
    let measured = measure(&mut runner, &base, iterations)?;
    let operations = operations(&measured.samples, measured.busy);
    let hot: Vec<&Operation> = operations
        .iter()
        .filter(|op| op.share >= args.threshold && op.name != OTHER && !op.overlapping)
        .collect();
    let baseline = Timing::of(&measured.plain);
    // Noise on a shared machine only ever slows a run down, so the fastest
    // run of each kind is the closest to its true cost.
    let overhead = Timing::of(&measured.instrumented).fastest / baseline.fastest - 1.0;
    let overhead_cpu = measured
        .user
        .filter(|&(plain, _)| plain > 0)
        .map(|(plain, traced)| traced as f64 / plain as f64 - 1.0);
    let recommendations = recommend(&mut runner, &base, &baseline, &operations, args)?;
    let profile = Profile {
        contracts,
        iterations,
        threshold: args.threshold,
        jobs: jobs_of(&base),
        baseline,
        operations: &operations,
        hot: &hot,
        recommendations: &recommendations,
        overhead,
        overhead_cpu,
    };
    let mut out = std::io::stdout().lock();
    match args.output_format {
        ProfileFormat::Text => {
            let _ = write!(out, "{}", render_text(&profile, printer));
        }
        ProfileFormat::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&render_json(&profile)).unwrap_or_default()
            );
        }
    }
    drop(out);
    if args.apply {
        return Ok(apply(settings, &recommendations));
    }
    Ok(ExitStatus::Success)
}

/// A directory of the system's temporary directory, removed with all it
/// holds when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Self> {
        let base = std::env::temp_dir();
        let mut attempt = 0u32;
        loop {
            let name = format!(
                "codegen-profile-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            );
            let dir = base.join(name);
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Self(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs generate into a new directory of the scratch directory each time.
struct Runner<'a> {
    scratch: &'a Scratch,
    runs: usize,
    printer: Printer,
}

struct Run {
    wall: Duration,
    /// Clock ticks this process spent in user space during the run.
    user: Option<u64>,
    status: ExitStatus,
    report: Report,
    samples: Vec<Sample>,
}

impl Runner<'_> {
    fn run(&mut self, settings: &GenerateSettings, record: bool) -> anyhow::Result<Run> {
        self.runs += 1;
        let mut settings = settings.clone();
        settings.output = self.scratch.0.join(format!("run-{}", self.runs));
        let _ = profile::take();
        profile::record(record);
        let before = user_ticks();
        let report = crate::commands::generate::execute(&settings, self.printer);
        let user = before.zip(user_ticks()).map(|(a, b)| b.saturating_sub(a));
        profile::record(false);
        let samples = if record { profile::take() } else { Vec::new() };
        let report = report?;
        Ok(Run {
            wall: report.wall,
            user,
            status: report.exit_status(),
            report,
            samples,
        })
    }

    /// `iterations` runs with `settings`, uninstrumented.
    fn time(&mut self, settings: &GenerateSettings, iterations: usize) -> anyhow::Result<Timing> {
        let mut walls = Vec::with_capacity(iterations);
        for _ in 0..iterations {
            walls.push(self.run(settings, false)?.wall);
        }
        Ok(Timing::of(&walls))
    }
}

/// The runs of the profile: each iteration once plain, once instrumented.
struct Measured {
    plain: Vec<Duration>,
    instrumented: Vec<Duration>,
    /// User-space clock ticks of all plain runs and of all instrumented ones.
    user: Option<(u64, u64)>,
    samples: Vec<Sample>,
    /// The pipeline threads' working time over the instrumented runs.
    busy: Duration,
}

fn measure(
    runner: &mut Runner<'_>,
    base: &GenerateSettings,
    iterations: usize,
) -> anyhow::Result<Measured> {
    let mut measured = Measured {
        plain: Vec::with_capacity(iterations),
        instrumented: Vec::with_capacity(iterations),
        user: Some((0, 0)),
        samples: Vec::new(),
        busy: Duration::ZERO,
    };
    for _ in 0..iterations {
        let untraced = runner.run(base, false)?;
        measured.plain.push(untraced.wall);
        let traced = runner.run(base, true)?;
        measured.instrumented.push(traced.wall);
        measured.user = measured
            .user
            .zip(untraced.user.zip(traced.user))
            .map(|((p, i), (dp, di))| (p + dp, i + di));
        measured.busy += traced.report.busy;
        measured.samples.extend(traced.samples);
    }
    Ok(measured)
}

/// The clock ticks the whole process has spent in user space (Linux; `None`
/// where `/proc` does not say). The instrumentation's cost is work in user
/// space, which a slow disk does not inflate the way it inflates wall time.
fn user_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces and parentheses: the fields that
    // follow start after the last `)`; utime is the 14th field in all.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(11)?.parse().ok()
}

/// The wall times of runs with one setting: their median and relative spread.
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// Seconds.
    median: f64,
    /// Seconds: the fastest run, the one a loaded machine disturbed least.
    fastest: f64,
    /// Standard deviation over mean; `None` for a single run.
    spread: Option<f64>,
    runs: usize,
}

impl Timing {
    fn of(walls: &[Duration]) -> Self {
        let mut seconds: Vec<f64> = walls.iter().map(Duration::as_secs_f64).collect();
        seconds.sort_by(f64::total_cmp);
        let n = seconds.len();
        let median = match n {
            0 => 0.0,
            _ if n % 2 == 1 => seconds[n / 2],
            _ => f64::midpoint(seconds[n / 2 - 1], seconds[n / 2]),
        };
        let spread = (n > 1).then(|| {
            let mean = seconds.iter().sum::<f64>() / n as f64;
            let variance = seconds.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            if mean > 0.0 {
                variance.sqrt() / mean
            } else {
                0.0
            }
        });
        Self {
            median: median.max(f64::MIN_POSITIVE),
            fastest: seconds
                .first()
                .copied()
                .unwrap_or(0.0)
                .max(f64::MIN_POSITIVE),
            spread,
            runs: n,
        }
    }
}

/// How sure a measured ratio is not noise, from 0 to 1: how many standard
/// errors of the two timings' spread the difference spans (`z`), as
/// `1 - exp(-z²/2)`: 0.39 at one standard error, 0.86 at two, 0.99 at three.
/// With a single run per setting there is no spread, so no confidence.
fn confidence(base: &Timing, tried: &Timing, ratio: f64) -> f64 {
    let (Some(a), Some(b)) = (base.spread, tried.spread) else {
        return 0.0;
    };
    let error = (a.powi(2) / base.runs as f64 + b.powi(2) / tried.runs as f64).sqrt();
    let difference = (ratio - 1.0).abs();
    if error == 0.0 {
        return if difference > 0.0 { 1.0 } else { 0.0 };
    }
    let z = difference / error;
    round(1.0 - (-z * z / 2.0).exp(), 2)
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the values compared are exact
mod tests {
    use super::*;

    fn jobs(n: i64) -> Recommendation {
        Recommendation {
            area: "parallel",
            priority: "high",
            description: String::new(),
            setting: ("generate", "jobs", toml_edit::Value::from(n)),
            flag: None,
            measured_impact: 1.5,
            confidence: 0.9,
            changes: true,
        }
    }

    #[test]
    fn apply_keeps_comments_and_order_and_replaces_a_value_in_place() {
        let text = "# ours\ncolor = \"never\"\n\n[generate]\n# where\noutput = \"gen\"\njobs = 2  # was two\n\n[validate]\nselect = [\"SYN\"]\n";
        let edited = applied(text, false, &[&jobs(4)]);
        assert_eq!(
            edited,
            "# ours\ncolor = \"never\"\n\n[generate]\n# where\noutput = \"gen\"\njobs = 4  # was two\n\n[validate]\nselect = [\"SYN\"]\n"
        );
        let fresh = applied("", false, &[&jobs(4)]);
        assert_eq!(fresh, "[generate]\njobs = 4\n");
        let pyproject = applied(
            "[project]\nname = \"x\"\n\n[tool.codegen]\ncolor = \"never\"\n",
            true,
            &[&jobs(3)],
        );
        assert!(
            pyproject.starts_with("[project]\nname = \"x\"\n\n[tool.codegen]\ncolor = \"never\"\n"),
            "{pyproject}"
        );
        assert!(
            pyproject.contains("[tool.codegen.generate]\njobs = 3\n"),
            "{pyproject}"
        );
        assert!(edit("[generate", false, &[&jobs(1)]).is_err());
        assert!(edit("generate = 3\n", false, &[&jobs(1)]).is_err());
    }

    #[test]
    fn shares_are_of_the_time_worked_and_percentiles_by_rank() {
        let sample = |kind: &'static str, ms: u64| Sample {
            kind,
            detail: None,
            duration: Duration::from_millis(ms),
        };
        let samples = [
            sample("render", 30),
            sample("render", 10),
            sample("hash", 20),
            sample("quorum call", 500),
        ];
        let ops = operations(&samples, Duration::from_millis(100));
        let share = |name: &str| ops.iter().find(|op| op.name == name).unwrap().share;
        assert!((share("render") - 0.4).abs() < 1e-9);
        assert!((share("hash") - 0.2).abs() < 1e-9);
        assert!((share(OTHER) - 0.4).abs() < 1e-9);
        // A call overlaps the vote that waits for it: not part of the whole.
        assert!((share("quorum call") - 5.0).abs() < 1e-9);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), 2.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 99.0), 4.0);
    }

    #[test]
    fn confidence_grows_with_the_difference_against_the_spread() {
        let timing = |median: f64, spread: f64| Timing {
            median,
            fastest: median,
            spread: Some(spread),
            runs: 5,
        };
        let noisy = confidence(&timing(1.0, 0.2), &timing(0.95, 0.2), 1.0 / 0.95);
        let clear = confidence(&timing(1.0, 0.01), &timing(0.5, 0.01), 2.0);
        assert!(noisy < 0.3, "{noisy}");
        assert!(clear > 0.99, "{clear}");
        let single = Timing {
            median: 1.0,
            fastest: 1.0,
            spread: None,
            runs: 1,
        };
        assert_eq!(confidence(&single, &single, 2.0), 0.0);
    }
}
