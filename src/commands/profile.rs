//! `codegen profile`: the whole generate pipeline, run `--iterations` times
//! into a scratch directory it removes afterwards, with every operation timed
//! ([`crate::profile`]): where the time goes, the hot paths, and settings
//! whose effect is measured by running again with them, never estimated.
//! The instrumentation's own cost is measured too: runs with and without it
//! alternate.

// Counts of runs and samples are far below 2^52: as floats they are exact.
#![allow(clippy::cast_precision_loss)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::cli::{ProfileArgs, ProfileFormat};
use crate::config::{GenerateSettings, Settings};
use crate::exit::ExitStatus;
use crate::pipeline::executor;
use crate::profile::{self, Sample};
use crate::report::Printer;
use crate::report::summary::Report;

/// The operations of the quality stage share this prefix.
const QUALITY: &str = "quality: ";

/// The passes of the quality stage a rule selection can leave out, and their rules.
const OPTIONAL_PASSES: [(&str, &[&str]); 3] = [
    ("quality: compile rules", crate::lint::COMPILE_RULES),
    ("quality: structure rules", crate::lint::STRUCTURE_RULES),
    ("quality: tree rules", crate::lint::TREE_RULES),
];

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

/// The time not inside any timed operation, booked as one.
const OTHER: &str = "other (outside the timed operations)";

/// One operation's times over every instrumented run.
#[derive(Debug, Clone)]
struct Operation {
    name: String,
    /// Milliseconds, sorted.
    times: Vec<f64>,
    total: f64,
    share: f64,
    /// Runs alongside others (a network call): its time overlaps another
    /// operation's and is not part of the shares' whole.
    overlapping: bool,
}

/// Per operation: every time it took, and its share of the time the
/// pipeline's threads spent working (`busy`, summed over the runs).
fn operations(samples: &[Sample], busy: Duration) -> Vec<Operation> {
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
fn percentile(times: &[f64], p: f64) -> f64 {
    if times.is_empty() {
        return 0.0;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rank = ((p / 100.0) * times.len() as f64).ceil() as usize;
    times[rank.clamp(1, times.len()) - 1]
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// A setting worth changing, with what changing it did.
#[derive(Debug, Clone)]
struct Recommendation {
    area: &'static str,
    priority: &'static str,
    description: String,
    /// Where it goes: (section, key, value) of the settings file.
    setting: (&'static str, &'static str, toml_edit::Value),
    /// The flag that does the same for one run, when there is one.
    flag: Option<String>,
    /// Wall time with the current settings over wall time with this one.
    measured_impact: f64,
    confidence: f64,
    /// The setting differs from what the runs used.
    changes: bool,
}

impl Recommendation {
    fn setting_text(&self) -> String {
        let (section, key, value) = &self.setting;
        format!("[{section}] {key} = {}", value.to_string().trim())
    }

    /// Written by `--apply`: a change that measurably helps, by more than the
    /// runs' spread can explain.
    fn applies(&self) -> bool {
        self.changes && matches!(self.priority, "high" | "medium") && self.confidence >= 0.5
    }
}

fn priority(impact: f64) -> &'static str {
    if impact >= 1.2 {
        "high"
    } else if impact >= 1.05 {
        "medium"
    } else {
        "low"
    }
}

/// The jobs a run with `settings` uses.
fn jobs_of(settings: &GenerateSettings) -> usize {
    let requested = settings
        .jobs
        .map_or_else(executor::default_jobs, usize::from);
    executor::capped_jobs(requested).0
}

/// Tries the settings that could help, each over as many runs as the
/// profile, and keeps what the clock says.
fn recommend(
    runner: &mut Runner<'_>,
    base: &GenerateSettings,
    baseline: &Timing,
    operations: &[Operation],
    args: &ProfileArgs,
) -> anyhow::Result<Vec<Recommendation>> {
    let iterations = args.iterations as usize;
    let mut out = Vec::new();

    // The number of jobs: powers of two up to twice the CPU count, and the CPU count.
    let current = jobs_of(base);
    let cpus = executor::default_jobs();
    let mut candidates: Vec<usize> = std::iter::successors(Some(1usize), |n| Some(n * 2))
        .take_while(|n| *n <= (cpus * 2).max(2))
        .chain([cpus])
        .filter(|n| *n != current && u16::try_from(*n).is_ok())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut best = (current, *baseline);
    for jobs in candidates {
        let mut settings = base.clone();
        settings.jobs = u16::try_from(jobs).ok();
        let timing = runner.time(&settings, iterations)?;
        if timing.median < best.1.median {
            best = (jobs, timing);
        }
    }
    let impact = baseline.median / best.1.median;
    let (jobs, timing) = best;
    out.push(Recommendation {
        area: "parallel",
        priority: if jobs == current {
            "low"
        } else {
            priority(impact)
        },
        description: if jobs == current {
            format!("{current} jobs was the fastest of the counts tried: keep it")
        } else {
            format!("{jobs} jobs ran fastest of the counts tried ({current} now)")
        },
        setting: (
            "generate",
            "jobs",
            toml_edit::Value::from(i64::try_from(jobs).unwrap_or(i64::MAX)),
        ),
        flag: Some(format!("--jobs {jobs}")),
        measured_impact: round(impact, 3),
        confidence: confidence(baseline, &timing, impact),
        changes: jobs != current,
    });

    out.extend(quality_selection(runner, base, baseline, operations, args)?);

    // The quorum's calls in flight, when it votes.
    if let Some(quorum) = &base.quorum {
        let now = quorum.concurrency.max(1);
        let mut best = (now, *baseline);
        for concurrency in [now / 2, now * 2] {
            if concurrency == 0 || concurrency == now {
                continue;
            }
            let mut settings = base.clone();
            if let Some(q) = settings.quorum.as_mut() {
                q.concurrency = concurrency;
            }
            let timing = runner.time(&settings, iterations)?;
            if timing.median < best.1.median {
                best = (concurrency, timing);
            }
        }
        let impact = baseline.median / best.1.median;
        let (concurrency, timing) = best;
        out.push(Recommendation {
            area: "parallel",
            priority: if concurrency == now {
                "low"
            } else {
                priority(impact)
            },
            description: if concurrency == now {
                format!("{now} quorum calls in flight was the fastest tried: keep it")
            } else {
                format!("{concurrency} quorum calls in flight ran fastest ({now} now)")
            },
            setting: (
                "quorum",
                "concurrency",
                toml_edit::Value::from(i64::try_from(concurrency).unwrap_or(i64::MAX)),
            ),
            flag: None,
            measured_impact: round(impact, 3),
            confidence: confidence(baseline, &timing, impact),
            changes: concurrency != now,
        });
    }
    Ok(out)
}

/// The quality stage's rules, when its passes dominate: the costliest pass a
/// selection can leave out, measured without it; nothing when that is no faster.
fn quality_selection(
    runner: &mut Runner<'_>,
    base: &GenerateSettings,
    baseline: &Timing,
    operations: &[Operation],
    args: &ProfileArgs,
) -> anyhow::Result<Option<Recommendation>> {
    let quality: f64 = operations
        .iter()
        .filter(|op| op.name.starts_with(QUALITY))
        .map(|op| op.share)
        .sum();
    let costliest = OPTIONAL_PASSES
        .iter()
        .filter_map(|(name, rules)| {
            let op = operations.iter().find(|op| op.name == *name)?;
            Some((op, *rules))
        })
        .max_by(|a, b| a.0.total.total_cmp(&b.0.total));
    let Some((pass, left_out)) = costliest else {
        return Ok(None);
    };
    if quality < args.threshold || base.quality_select.is_some() {
        return Ok(None);
    }
    let kept: Vec<String> = crate::lint::rules()
        .iter()
        .map(|r| r.code)
        .filter(|code| !left_out.contains(code))
        .map(str::to_owned)
        .collect();
    let mut settings = base.clone();
    settings.quality_select = Some(kept.clone());
    let timing = runner.time(&settings, args.iterations as usize)?;
    let impact = baseline.median / timing.median;
    if impact <= 1.0 {
        return Ok(None);
    }
    let mut value = toml_edit::Array::new();
    for code in &kept {
        value.push(code.as_str());
    }
    Ok(Some(Recommendation {
        area: "checks",
        // Fewer checks of the generated code is a trade, never urged.
        priority: "low",
        description: format!(
            "the quality stage takes {:.0}% of the time, {:.0}% in its {}; without {} it ran {impact:.2}x as fast, but generated code is then no longer checked for them",
            quality * 100.0,
            pass.share * 100.0,
            pass.name.trim_start_matches(QUALITY),
            left_out.join(", "),
        ),
        setting: ("generate", "quality-select", toml_edit::Value::Array(value)),
        flag: Some(format!("--quality-select {}", kept.join(","))),
        measured_impact: round(impact, 3),
        confidence: confidence(baseline, &timing, impact),
        changes: true,
    }))
}

struct Profile<'a> {
    contracts: usize,
    iterations: usize,
    threshold: f64,
    jobs: usize,
    baseline: Timing,
    operations: &'a [Operation],
    hot: &'a [&'a Operation],
    recommendations: &'a [Recommendation],
    overhead: f64,
    /// The same from the user-space CPU time of all the runs of each kind.
    overhead_cpu: Option<f64>,
}

fn render_json(profile: &Profile<'_>) -> serde_json::Value {
    let ms = |v: f64| round(v, 3);
    json!({
        "iterations": profile.iterations,
        "threshold": profile.threshold,
        "contracts": profile.contracts,
        "jobs": profile.jobs,
        "median_run_ms": ms(profile.baseline.median * 1e3),
        "operations": profile.operations.iter().map(|op| {
            let count = op.times.len();
            json!({
                "name": op.name,
                "count": count,
                "total_ms": ms(op.total),
                "mean_ms": ms(if count == 0 { 0.0 } else { op.total / count as f64 }),
                "min_ms": ms(op.times.first().copied().unwrap_or(0.0)),
                "p50_ms": ms(percentile(&op.times, 50.0)),
                "p95_ms": ms(percentile(&op.times, 95.0)),
                "p99_ms": ms(percentile(&op.times, 99.0)),
                "max_ms": ms(op.times.last().copied().unwrap_or(0.0)),
                "share": round(op.share, 4),
                "overlapping": op.overlapping,
            })
        }).collect::<Vec<_>>(),
        "hot_paths": profile.hot.iter().map(|op| json!({"name": op.name, "share": round(op.share, 4)})).collect::<Vec<_>>(),
        "recommendations": profile.recommendations.iter().map(|r| json!({
            "area": r.area,
            "priority": r.priority,
            "description": r.description,
            "setting": r.setting_text(),
            "flag": r.flag,
            "measured_impact": r.measured_impact,
            "confidence": r.confidence,
            "applies": r.applies(),
        })).collect::<Vec<_>>(),
        "overhead": round(profile.overhead, 4),
        "overhead_cpu": profile.overhead_cpu.map(|o| round(o, 4)),
    })
}

fn render_text(profile: &Profile<'_>, printer: Printer) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "profile of {} over {} (jobs {}): {:.1} ms a run (median of the uninstrumented runs)",
        crate::diagnostics::count(profile.contracts, "contract", "contracts"),
        crate::diagnostics::count(profile.iterations, "iteration", "iterations"),
        profile.jobs,
        profile.baseline.median * 1e3,
    );
    let width = profile
        .operations
        .iter()
        .map(|op| op.name.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    let _ = writeln!(
        out,
        "\n{:<width$}  {:>7} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8}  share",
        "operation", "count", "total ms", "mean", "p50", "p95", "p99", "max"
    );
    for op in profile.operations {
        let count = op.times.len();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bar = "█".repeat((op.share.clamp(0.0, 1.0) * 30.0).round() as usize);
        let line = format!(
            "{:<width$}  {:>7} {:>10.2} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  {:>5.1}% {}",
            op.name,
            count,
            op.total,
            if count == 0 {
                0.0
            } else {
                op.total / count as f64
            },
            percentile(&op.times, 50.0),
            percentile(&op.times, 95.0),
            percentile(&op.times, 99.0),
            op.times.last().copied().unwrap_or(0.0),
            op.share * 100.0,
            bar,
        );
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "\nhot paths (share >= {:.0}%):",
        profile.threshold * 100.0
    );
    if profile.hot.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for op in profile.hot {
        let _ = writeln!(out, "  {} {:.1}%", op.name, op.share * 100.0);
    }
    let _ = writeln!(out, "\nrecommendations:");
    for r in profile.recommendations {
        let tag = match r.priority {
            "high" => printer.paint_stdout("1;31", "high"),
            "medium" => printer.paint_stdout("1;33", "medium"),
            _ => "low".to_owned(),
        };
        let _ = writeln!(
            out,
            "  [{tag}] {}: {}\n      setting: {}{}; measured {:.3}x, confidence {:.2}",
            r.area,
            r.description,
            r.setting_text(),
            r.flag
                .as_ref()
                .map(|f| format!(" (or {f})"))
                .unwrap_or_default(),
            r.measured_impact,
            r.confidence,
        );
    }
    let cpu = profile
        .overhead_cpu
        .map(|o| format!(", {:+.2}% of user CPU time", o * 100.0))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\ninstrumentation overhead: {:+.2}% of wall time{cpu} (fastest instrumented run against the fastest of the same count without; goal under 2%)",
        profile.overhead * 100.0
    );
    out
}

/// `--apply`: the recommendations that change something and measurably help,
/// written into the settings file in use (or a new `codegen.toml` here).
fn apply(settings: &Settings, recommendations: &[Recommendation]) -> ExitStatus {
    let chosen: Vec<&Recommendation> = recommendations.iter().filter(|r| r.applies()).collect();
    if chosen.is_empty() {
        eprintln!("--apply: no recommendation measured a gain worth writing; nothing changed");
        return ExitStatus::Success;
    }
    let path = settings
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(crate::config::CONFIG_FILE));
    let pyproject = path
        .file_name()
        .is_some_and(|n| n == crate::config::PYPROJECT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            eprintln!("error: {}: cannot read: {e}", path.display());
            return ExitStatus::Error;
        }
    };
    let edited = match edit(&text, pyproject, &chosen) {
        Ok(edited) => edited,
        Err(message) => {
            eprintln!("error: {}: {message}; nothing changed", path.display());
            return ExitStatus::Error;
        }
    };
    if let Err(e) = crate::output::write_file_atomically(&path, edited.as_bytes()) {
        eprintln!(
            "error: {}: cannot write: {e}; nothing changed",
            path.display()
        );
        return ExitStatus::Error;
    }
    for r in &chosen {
        eprintln!("applied {} to {}", r.setting_text(), path.display());
    }
    ExitStatus::Success
}

/// `text` with each recommendation's key set, comments and order kept.
fn edit(text: &str, pyproject: bool, chosen: &[&Recommendation]) -> Result<String, String> {
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("not valid TOML: {}", e.message()))?;
    for r in chosen {
        let (section, key, value) = &r.setting;
        let mut table = document.as_table_mut();
        let path: Vec<&str> = if pyproject {
            vec!["tool", "codegen", section]
        } else {
            vec![section]
        };
        for name in path {
            let item = table.entry(name).or_insert_with(|| {
                let mut new = toml_edit::Table::new();
                // Shown only through the tables and keys it will hold.
                new.set_implicit(true);
                toml_edit::Item::Table(new)
            });
            if let Some(inline) = item.as_inline_table_mut() {
                let owned = std::mem::take(inline).into_table();
                *item = toml_edit::Item::Table(owned);
            }
            let Some(next) = item.as_table_mut() else {
                return Err(format!("`{name}` is not a table"));
            };
            table = next;
        }
        match table.get_mut(key).and_then(toml_edit::Item::as_value_mut) {
            Some(existing) => {
                let decor = existing.decor().clone();
                *existing = value.clone();
                *existing.decor_mut() = decor;
            }
            None => {
                table.insert(key, toml_edit::Item::Value(value.clone()));
            }
        }
    }
    Ok(document.to_string())
}

/// For tests: where `apply` writes.
#[cfg(test)]
fn applied(text: &str, pyproject: bool, chosen: &[&Recommendation]) -> String {
    edit(text, pyproject, chosen).unwrap()
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
