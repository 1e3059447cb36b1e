//! `codegen rules [CODE]`: the rule catalogue as a table (or JSON), one rule explained, or
//! the rules under a prefix.

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::{Value, json};

use crate::cli::{RulesArgs, RulesFormat};
use crate::exit::ExitStatus;
use crate::lint::{self, RuleInfo};
use crate::select::Selector;

pub fn run(args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let registry = lint::rules();
    let text = match &args.code {
        None => listing(registry.iter().collect(), args.output_format),
        Some(code) => {
            let wanted = code.trim().to_ascii_uppercase();
            if let Some(rule) = lint::Rule::from_code(&wanted) {
                explanation(rule.info(), args.output_format)
            } else {
                match Selector::parse(code, registry) {
                    Ok(selector) => {
                        let prefix = match selector {
                            Selector::All => String::new(),
                            Selector::Prefix(prefix) => prefix,
                        };
                        listing(
                            registry
                                .iter()
                                .filter(|rule| rule.code.starts_with(&prefix))
                                .collect(),
                            args.output_format,
                        )
                    }
                    Err(error) => {
                        eprintln!(
                            "codegen: error: {}",
                            error.to_string().replace("selector", "code")
                        );
                        return Ok(ExitStatus::Error);
                    }
                }
            }
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitStatus::Success)
}

fn rule_json(rule: &RuleInfo) -> Value {
    json!({
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.as_str(),
        "summary": rule.summary,
        "why": rule.why,
        "example": rule.bad,
        "fix": rule.good,
        "applies_to": rule.scope,
        "does_not_flag": rule.skips,
        "ruff_codes": rule.also,
    })
}

fn listing(rules: Vec<&RuleInfo>, format: RulesFormat) -> String {
    if format == RulesFormat::Json {
        let rows: Vec<Value> = rules.into_iter().map(rule_json).collect();
        return pretty(&Value::Array(rows));
    }
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
    let code_width = rules.iter().map(|r| r.code.len()).max().unwrap_or(0).max(4);
    let mut out = format!(
        "{:<code_width$}  {:<name_width$}  {:<8} SUMMARY\n",
        "CODE", "NAME", "SEVERITY"
    );
    for rule in rules {
        let _ = writeln!(
            out,
            "{:<code_width$}  {:<name_width$}  {:<8} {}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary
        );
    }
    out
}

fn explanation(rule: &RuleInfo, format: RulesFormat) -> String {
    if format == RulesFormat::Json {
        return pretty(&rule_json(rule));
    }
    rule.doc()
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    text.push('\n');
    text
}
