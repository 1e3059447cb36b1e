//! Reading one settings file: TOML parsed with spans, every key checked
//! against the known keys and their types, so a mistake is reported at its
//! `file:line:col` (with a "did you mean" for a misspelt key).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml_edit::{Item, Value};

use crate::diagnostics::{Diagnostic, Position, closest};

/// The type a key takes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Bool,
    /// A whole number from 1 up to `u16::MAX`.
    Count,
    Path,
    /// One of these strings.
    Choice(&'static [&'static str]),
    List,
    /// A non-empty list of strings: a program and its arguments.
    Command,
    /// A dotted Python module path (`myproj.nodes`).
    Module,
}

/// A key's value as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Raw {
    Bool(bool),
    Count(u16),
    Text(String),
    List(Vec<String>),
}

/// A checked value and the line it was written on.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub(crate) value: Raw,
    pub(crate) line: usize,
}

/// The known keys: (`section`, `key`, kind); `""` is the top level.
pub(crate) type Schema = &'static [(&'static str, &'static str, Kind)];

/// A settings file read and checked: values by `section.key` (`color` at the top level).
#[derive(Debug, Clone, Default)]
pub(crate) struct FileValues {
    pub(crate) values: HashMap<String, Located>,
}

/// Whether `text` holds a `[tool.codegen]` table (a `pyproject.toml` without one is no config).
pub(crate) fn has_tool_table(text: &str) -> bool {
    toml_edit::Document::parse(text).map_or_else(
        |_| text.contains("[tool.codegen"),
        |doc| {
            doc.get("tool")
                .and_then(|tool| tool.get("codegen"))
                .is_some()
        },
    )
}

/// Parses `text` (the contents of `file`); in a `pyproject.toml` only `[tool.codegen]` counts.
pub(crate) fn read(
    file: &Path,
    text: &str,
    pyproject: bool,
    schema: Schema,
) -> Result<FileValues, Vec<Diagnostic>> {
    let at = |span: Option<std::ops::Range<usize>>| position(text, span.map_or(0, |s| s.start));
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        vec![
            Diagnostic::error(file, format!("invalid TOML: {}", e.message().trim()))
                .at_in(at(e.span()), text),
        ]
    })?;
    let (root, prefix): (&Item, &str) = if pyproject {
        match doc.get("tool").and_then(|tool| tool.get("codegen")) {
            Some(table) => (table, "tool.codegen."),
            None => return Ok(FileValues::default()),
        }
    } else {
        (doc.as_item(), "")
    };
    let mut found = FileValues::default();
    let mut problems = Vec::new();
    let Some(top) = root.as_table_like() else {
        return Err(vec![
            Diagnostic::error(
                file,
                format!("`{}` must be a table", prefix.trim_end_matches('.')),
            )
            .at_in(at(root.span()), text),
        ]);
    };
    let sections: Vec<&str> = {
        let mut names: Vec<&str> = schema.iter().map(|(s, _, _)| *s).collect();
        names.dedup();
        names
    };
    for (name, item) in top.iter() {
        // The quorum's tables have a shape of their own: `quorum::read` checks them.
        if name == "quorum" {
            continue;
        }
        let key_span = top.get_key_value(name).and_then(|(k, _)| k.span());
        let is_section = !name.is_empty() && sections.contains(&name);
        if is_section {
            let Some(table) = item.as_table_like() else {
                problems.push(
                    Diagnostic::error(file, format!("`{prefix}{name}` must be a table"))
                        .at_in(at(item.span().or(key_span)), text),
                );
                continue;
            };
            for (key, value) in table.iter() {
                let span = table.get_key_value(key).and_then(|(k, _)| k.span());
                check_key(
                    file,
                    text,
                    schema,
                    name,
                    key,
                    value,
                    span,
                    prefix,
                    &mut found,
                    &mut problems,
                );
            }
        } else {
            check_key(
                file,
                text,
                schema,
                "",
                name,
                item,
                key_span,
                prefix,
                &mut found,
                &mut problems,
            );
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        problems.sort_by_key(|d| d.position);
        Err(problems)
    }
}

#[allow(clippy::too_many_arguments)] // one call per key; a struct would only rename them
fn check_key(
    file: &Path,
    text: &str,
    schema: Schema,
    section: &str,
    key: &str,
    item: &Item,
    key_span: Option<std::ops::Range<usize>>,
    prefix: &str,
    found: &mut FileValues,
    problems: &mut Vec<Diagnostic>,
) {
    let key_at = position(text, key_span.as_ref().map_or(0, |s| s.start));
    let value_at = position(text, item.span().or(key_span).map_or(0, |s| s.start));
    let table = if section.is_empty() {
        prefix.trim_end_matches('.').to_owned()
    } else {
        format!("{prefix}{section}")
    };
    let Some((_, _, kind)) = schema.iter().find(|(s, k, _)| *s == section && *k == key) else {
        let mut diagnostic = Diagnostic::error(
            file,
            if table.is_empty() {
                format!("unknown key `{key}`")
            } else {
                format!("unknown key `{key}` in [{table}]")
            },
        )
        .at_in(key_at, text);
        if let Some(help) = suggestion(schema, section, key) {
            diagnostic = diagnostic.with_help(help);
        }
        problems.push(diagnostic);
        return;
    };
    let full = if section.is_empty() {
        key.to_owned()
    } else {
        format!("{section}.{key}")
    };
    match convert(*kind, item) {
        Ok(value) => {
            found.values.insert(
                full,
                Located {
                    value,
                    line: value_at.line,
                },
            );
        }
        Err(expected) => problems.push(
            Diagnostic::error(
                file,
                format!(
                    "`{key}` in [{}] must be {expected}",
                    if table.is_empty() {
                        "top level".to_owned()
                    } else {
                        table
                    }
                ),
            )
            .at_in(value_at, text),
        ),
    }
}

/// The closest known key of the same section, or the section a known key belongs to.
fn suggestion(schema: Schema, section: &str, key: &str) -> Option<String> {
    let same_section = schema.iter().filter(|(s, _, _)| *s == section);
    if let Some(known) = closest(key, same_section.map(|(_, k, _)| *k)) {
        return Some(format!("did you mean `{known}`?"));
    }
    let elsewhere: Vec<&str> = schema
        .iter()
        .filter(|(s, k, _)| *k == key && *s != section)
        .map(|(s, _, _)| *s)
        .collect();
    match elsewhere.as_slice() {
        [] => None,
        [""] => Some(format!("`{key}` belongs at the top level")),
        sections => Some(format!(
            "`{key}` belongs in {}",
            sections
                .iter()
                .map(|s| format!("[{s}]"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

fn convert(kind: Kind, item: &Item) -> Result<Raw, String> {
    let value = item.as_value();
    match kind {
        Kind::Bool => value
            .and_then(Value::as_bool)
            .map(Raw::Bool)
            .ok_or_else(|| "a boolean (true or false)".to_owned()),
        Kind::Count => value
            .and_then(Value::as_integer)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| *n >= 1)
            .map(Raw::Count)
            .ok_or_else(|| format!("a whole number from 1 to {}", u16::MAX)),
        Kind::Path => value
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| Raw::Text(s.to_owned()))
            .ok_or_else(|| "a non-empty string (a path)".to_owned()),
        Kind::Module => value
            .and_then(Value::as_str)
            .filter(|s| crate::contract::is_module_path(s))
            .map(|s| Raw::Text(s.to_owned()))
            .ok_or_else(|| "a dotted Python module path, e.g. \"myproj.nodes\"".to_owned()),
        Kind::Choice(choices) => value
            .and_then(Value::as_str)
            .filter(|s| choices.contains(s))
            .map(|s| Raw::Text(s.to_owned()))
            .ok_or_else(|| {
                format!(
                    "one of {}",
                    choices
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        Kind::List | Kind::Command => {
            let list: Option<Vec<String>> = value.and_then(Value::as_array).and_then(|array| {
                array
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect()
            });
            match (kind, list) {
                (Kind::Command, Some(list)) if list.first().is_some_and(|p| !p.is_empty()) => {
                    Ok(Raw::List(list))
                }
                (Kind::Command, _) => {
                    Err("a non-empty array of strings (a program, then its arguments)".to_owned())
                }
                (_, Some(list)) => Ok(Raw::List(list)),
                (_, None) => Err("an array of strings".to_owned()),
            }
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(start..).map_or(0, |s| s.chars().count()) + 1;
    Position::new(line, column)
}

/// Where a settings file's relative paths start: its directory, kept relative
/// when it is the working directory so messages show short paths.
pub(crate) fn base_dir(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or_else(|| Path::new(""));
    let cwd = std::env::current_dir().ok();
    if dir.as_os_str().is_empty() || cwd.as_deref() == Some(dir) {
        PathBuf::new()
    } else {
        dir.to_path_buf()
    }
}
