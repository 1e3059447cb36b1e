//! How verdicts are shown: a text block per file (each model's vote,
//! confidence, time, reasoning or error, and what was recovered), the
//! verdicts inside `validate`'s formats, and `codegen config`'s quorum tables.

use std::fmt::Write as _;

use super::formats::{self, Report};
use crate::cli::OutputFormat;
use crate::config::Source;
use crate::config::quorum::{ModelConfig, QuorumSettings};
use crate::quorum::finding::{headline, weight};
use crate::quorum::{FileVerdict, ModelOutcome, ModelVote, Verdict};

/// One model's line: `gemini     pass   0.95   412 ms  reasoning`.
pub fn model_line(m: &ModelVote) -> String {
    let time = if m.cached {
        "cached".to_owned()
    } else {
        format!("{:.0} ms", m.duration_ms)
    };
    let (what, detail) = match &m.outcome {
        ModelOutcome::Voted {
            vote,
            confidence,
            reasoning,
        } => (
            format!("{} {confidence:.2}", if *vote { "pass" } else { "fail" }),
            reasoning.clone(),
        ),
        ModelOutcome::Invalid { reason } => ("invalid".to_owned(), reason.clone()),
        ModelOutcome::Failed { class, error } => (format!("{class}"), error.clone()),
        ModelOutcome::Skipped { reason } => ("skipped".to_owned(), reason.clone()),
    };
    format!(
        "{:<12} w{:<4} {what:<17} {time:>9}  {}",
        m.model,
        weight(m.weight),
        one_line(&detail)
    )
}

fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 160 {
        let cut: String = flat.chars().take(157).collect();
        format!("{cut}...")
    } else {
        flat
    }
}

/// The text block for every verdict.
pub fn text(verdicts: &[FileVerdict]) -> String {
    let mut out = String::new();
    for v in verdicts {
        let _ = writeln!(out, "quorum {}: {}", v.file.display(), headline(v));
        for m in &v.votes {
            let _ = writeln!(out, "  {}", model_line(m));
            for step in &m.recovery {
                let _ = writeln!(out, "    {}", recovery_line(m, step));
            }
        }
        let _ = writeln!(
            out,
            "  tokens {} in / {} out, cost ${:.6}, {:.0} ms",
            v.tokens.input, v.tokens.output, v.cost, v.duration_ms
        );
    }
    out
}

fn recovery_line(m: &ModelVote, step: &crate::quorum::recovery::Recovery) -> String {
    let recovered = matches!(m.outcome, ModelOutcome::Voted { .. }) && step.waited_ms.is_some();
    format!(
        "{}{}",
        if recovered { "recovered: " } else { "" },
        step.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// A one-line tally over many files, for the end of a run.
pub fn summary(verdicts: &[FileVerdict]) -> String {
    let count = |v: Verdict| verdicts.iter().filter(|f| f.verdict == v).count();
    let calls: u32 = verdicts
        .iter()
        .flat_map(|v| &v.votes)
        .map(|m| m.attempts)
        .sum();
    let cached = verdicts
        .iter()
        .flat_map(|v| &v.votes)
        .filter(|m| m.cached)
        .count();
    let cost = verdicts.iter().fold(0.0, |sum, v| sum + v.cost);
    format!(
        "AI quorum: {} passed, {} failed, {} inconclusive ({} HTTP calls, {} cached votes, ${:.6})",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Inconclusive),
        calls,
        cached,
        cost
    )
}

/// `validate --quorum`: the findings (verdict findings among them) in `format`,
/// and the verdicts themselves where the format has room: a block per file
/// after the text findings; `{"findings": [...], "quorum": [...]}` for JSON; a
/// notice per passing file for GitHub. `JUnit`, SARIF and GitLab carry the verdict
/// findings.
pub fn write(
    format: OutputFormat,
    report: &Report<'_>,
    verdicts: &[FileVerdict],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            let document = serde_json::json!({
                "findings": formats::json_findings(report.findings),
                "quorum": verdicts,
            });
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)
        }
        OutputFormat::Text => {
            formats::write(format, report, out)?;
            out.write_all(text(verdicts).as_bytes())
        }
        OutputFormat::Github => {
            formats::write(format, report, out)?;
            for v in verdicts.iter().filter(|v| v.verdict == Verdict::Pass) {
                writeln!(
                    out,
                    "::notice file={},title=AI quorum::{}",
                    formats::github_property(&v.file.display().to_string()),
                    formats::github_data(&headline(v))
                )?;
            }
            Ok(())
        }
        OutputFormat::Junit | OutputFormat::Sarif | OutputFormat::Gitlab => {
            formats::write(format, report, out)
        }
    }
}

fn source_json(source: &Source) -> serde_json::Value {
    match source {
        Source::Default => serde_json::json!({"source": "default"}),
        Source::Flag => serde_json::json!({"source": "flag"}),
        Source::File { path, line } => {
            serde_json::json!({"source": "file", "file": path.display().to_string(), "line": line})
        }
    }
}

/// Whether a key variable is set, never its value.
fn key_state(model: &ModelConfig) -> &'static str {
    if model.api_key_env.is_empty() {
        "no key needed"
    } else if crate::quorum::secret::ApiKey::from_env(&model.api_key_env).is_some() {
        "set"
    } else {
        "not set: the model is skipped"
    }
}

/// `codegen config`'s `[quorum]` table and one `[[quorum.models]]` per model, with sources.
pub fn settings_text(settings: &QuorumSettings) -> String {
    let mut out = String::from("\n[quorum]\n");
    let source = |key: &str| {
        settings
            .sources
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| "default".to_owned(), |(_, s)| s.to_string())
    };
    let _ = writeln!(
        out,
        "threshold = {}  # {}",
        settings.threshold,
        source("threshold")
    );
    let _ = writeln!(
        out,
        "min_participating_weight = {}  # {}",
        settings.min_participating_weight,
        source("min_participating_weight")
    );
    let _ = writeln!(
        out,
        "deadline = {}  # seconds, {}",
        settings.deadline.as_secs_f64(),
        source("deadline")
    );
    let _ = writeln!(
        out,
        "concurrency = {}  # {}",
        settings.concurrency,
        source("concurrency")
    );
    if let Some(dir) = &settings.cache_dir {
        let _ = writeln!(
            out,
            "cache_dir = {:?}  # {}",
            dir.display().to_string(),
            source("cache_dir")
        );
    } else {
        let dir = crate::quorum::cache::Cache::open(None)
            .map_or_else(|| "none".to_owned(), |c| c.dir().display().to_string());
        let _ = writeln!(out, "# cache_dir is not set: {dir}  # default");
    }
    for m in &settings.models {
        let _ = writeln!(out, "\n[[quorum.models]]  # {}", m.source);
        let _ = writeln!(out, "id = {:?}", m.id);
        let _ = writeln!(out, "provider = {:?}", m.provider.as_str());
        let _ = writeln!(out, "model = {:?}", m.model);
        let _ = writeln!(out, "endpoint = {:?}", m.endpoint);
        let _ = writeln!(out, "weight = {}", m.weight);
        let _ = writeln!(out, "api_key_env = {:?}  # {}", m.api_key_env, key_state(m));
        let _ = writeln!(out, "timeout = {}", m.timeout.as_secs_f64());
        let _ = writeln!(out, "retries = {}", m.retries);
        let _ = writeln!(
            out,
            "input_price = {}  # USD per million tokens",
            m.input_price
        );
        let _ = writeln!(
            out,
            "output_price = {}  # USD per million tokens",
            m.output_price
        );
        let _ = writeln!(out, "enabled = {}", m.enabled);
    }
    out
}

/// `codegen config --output-format json`'s `quorum` object.
pub fn settings_json(settings: &QuorumSettings) -> serde_json::Value {
    let sources: serde_json::Map<String, serde_json::Value> = settings
        .sources
        .iter()
        .map(|(k, s)| ((*k).to_owned(), source_json(s)))
        .collect();
    let models: Vec<serde_json::Value> = settings
        .models
        .iter()
        .map(|m| {
            let mut value = serde_json::to_value(m).unwrap_or_default();
            value["key"] = serde_json::json!(key_state(m));
            value["origin"] = source_json(&m.source);
            value
        })
        .collect();
    serde_json::json!({
        "threshold": settings.threshold,
        "min_participating_weight": settings.min_participating_weight,
        "deadline": settings.deadline.as_secs_f64(),
        "concurrency": settings.concurrency,
        "cache_dir": settings.cache_dir.as_ref().map(|d| d.display().to_string()),
        "total_weight": settings.total_weight(),
        "sources": sources,
        "models": models,
    })
}
