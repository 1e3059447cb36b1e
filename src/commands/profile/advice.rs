//! Recommendations whose impact is measured by running again with the setting,
//! and `--apply`, which writes the chosen ones into the configuration file
//! without disturbing the user's comments and order.

use super::{
    OPTIONAL_PASSES, QUALITY, Runner, Timing, confidence,
    table::{Operation, round},
};
use crate::cli::ProfileArgs;
use crate::config::{GenerateSettings, Settings};
use crate::exit::ExitStatus;
use crate::pipeline::executor;
use std::path::PathBuf;

/// A setting worth changing, with what changing it did.
#[derive(Debug, Clone)]
pub(super) struct Recommendation {
    pub(super) area: &'static str,
    pub(super) priority: &'static str,
    pub(super) description: String,
    /// Where it goes: (section, key, value) of the settings file.
    pub(super) setting: (&'static str, &'static str, toml_edit::Value),
    /// The flag that does the same for one run, when there is one.
    pub(super) flag: Option<String>,
    /// Wall time with the current settings over wall time with this one.
    pub(super) measured_impact: f64,
    pub(super) confidence: f64,
    /// The setting differs from what the runs used.
    pub(super) changes: bool,
}

impl Recommendation {
    pub(super) fn setting_text(&self) -> String {
        let (section, key, value) = &self.setting;
        format!("[{section}] {key} = {}", value.to_string().trim())
    }

    /// Written by `--apply`: a change that measurably helps, by more than the
    /// runs' spread can explain.
    pub(super) fn applies(&self) -> bool {
        self.changes && matches!(self.priority, "high" | "medium") && self.confidence >= 0.5
    }
}

pub(super) fn priority(impact: f64) -> &'static str {
    if impact >= 1.2 {
        "high"
    } else if impact >= 1.05 {
        "medium"
    } else {
        "low"
    }
}

/// The jobs a run with `settings` uses.
pub(super) fn jobs_of(settings: &GenerateSettings) -> usize {
    let requested = settings
        .jobs
        .map_or_else(executor::default_jobs, usize::from);
    executor::capped_jobs(requested).0
}

/// Tries the settings that could help, each over as many runs as the
/// profile, and keeps what the clock says.
pub(super) fn recommend(
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
pub(super) fn quality_selection(
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
        .filter_map(|pass| {
            let op = operations.iter().find(|op| op.name == pass.operation())?;
            Some((op, *pass))
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
        .filter(|r| r.pass != left_out)
        .map(|r| r.code)
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
            left_out.codes().collect::<Vec<_>>().join(", "),
        ),
        setting: ("generate", "quality-select", toml_edit::Value::Array(value)),
        flag: Some(format!("--quality-select {}", kept.join(","))),
        measured_impact: round(impact, 3),
        confidence: confidence(baseline, &timing, impact),
        changes: true,
    }))
}

/// `--apply`: the recommendations that change something and measurably help,
/// written into the settings file in use (or a new `codegen.toml` here).
pub(super) fn apply(settings: &Settings, recommendations: &[Recommendation]) -> ExitStatus {
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
pub(super) fn edit(
    text: &str,
    pyproject: bool,
    chosen: &[&Recommendation],
) -> Result<String, String> {
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
pub(super) fn applied(text: &str, pyproject: bool, chosen: &[&Recommendation]) -> String {
    edit(text, pyproject, chosen).unwrap()
}
