//! `codegen config`: the resolved settings, each with where it came from
//! (a built-in default, `file:line`, or a flag).

use std::fmt::Write as _;
use std::io::Write as _;

use crate::cli::{ConfigArgs, ConfigFormat};
use crate::config::{Settings, Source};
use crate::exit::ExitStatus;

pub fn run(args: &ConfigArgs, settings: &Settings) -> anyhow::Result<ExitStatus> {
    let text = match args.output_format {
        ConfigFormat::Json => json(settings),
        ConfigFormat::Text => text(settings),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitStatus::Success)
}

fn text(settings: &Settings) -> String {
    let mut out = match &settings.file {
        Some(path) => format!("# settings file: {}\n", path.display()),
        None => "# settings file: none (built-in defaults)\n".to_owned(),
    };
    let mut section = "";
    for entry in &settings.entries {
        let (table, key) = entry.key.split_once('.').unwrap_or(("", entry.key));
        if table != section {
            let _ = write!(out, "\n[{table}]\n");
            section = table;
        }
        let source = source_text(&entry.source);
        match &entry.value {
            Some(value) => {
                let _ = writeln!(out, "{key} = {}  # {source}", toml_value(value));
            }
            None => {
                let _ = writeln!(out, "# {key} is not set  # {source}");
            }
        }
    }
    out.push_str(&crate::report::quorum::settings_text(&settings.quorum));
    out
}

/// A value as TOML writes it: JSON's scalars are TOML's; arrays get spaces.
fn toml_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

fn source_text(source: &Source) -> String {
    match source {
        Source::File { .. } => source.to_string(),
        Source::Default => "default".to_owned(),
        Source::Flag => "flag".to_owned(),
    }
}

fn json(settings: &Settings) -> String {
    let entries: Vec<serde_json::Value> = settings
        .entries
        .iter()
        .map(|entry| {
            let (kind, file, line) = match &entry.source {
                Source::Default => ("default", None, None),
                Source::Flag => ("flag", None, None),
                Source::File { path, line } => {
                    ("file", Some(path.display().to_string()), Some(*line))
                }
            };
            serde_json::json!({
                "key": entry.key,
                "value": entry.value,
                "source": kind,
                "file": file,
                "line": line,
            })
        })
        .collect();
    let document = serde_json::json!({
        "file": settings.file.as_ref().map(|p| p.display().to_string()),
        "settings": entries,
        "quorum": crate::report::quorum::settings_json(&settings.quorum),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
