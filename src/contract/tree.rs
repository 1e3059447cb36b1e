//! The generic YAML tree the loader walks: every node keeps the line and
//! column it came from, and the tree can be written back out as YAML that
//! `PyYAML`'s `safe_load` reads to the same values.

use std::fmt::Write as _;

use crate::diagnostics::Position;

/// One YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) pos: Position,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub(crate) fn new(value: Value, pos: Position) -> Self {
        Self { value, pos }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value under a string key of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short name for the kind of value, for "expected X, found Y" messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The JSON shape of this node (keys become strings).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => i64::try_from(*i).map_or_else(
                |_| serde_json::Value::String(i.to_string()),
                serde_json::Value::from,
            ),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| serde_json::Value::String(f.to_string()), Into::into),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| (scalar_text(k), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// The text of a scalar as a plain string (for keys and messages).
pub(crate) fn scalar_text(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        Value::Seq(_) => "[...]".to_owned(),
        Value::Map(_) => "{...}".to_owned(),
    }
}

/// Write a node as block YAML. Strings are quoted whenever a YAML 1.1 reader
/// (`PyYAML`) could take them for anything but a string.
pub(crate) fn emit(root: &Node) -> String {
    let mut out = String::new();
    match &root.value {
        Value::Map(entries) if !entries.is_empty() => emit_map(entries, 0, &mut out),
        Value::Seq(items) if !items.is_empty() => emit_seq(items, 0, &mut out),
        _ => {
            write_scalar(root, &mut out);
            out.push('\n');
        }
    }
    out
}

fn indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn emit_map(entries: &[(Node, Node)], level: usize, out: &mut String) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            indent(level, out);
        }
        match &key.value {
            Value::Seq(_) | Value::Map(_) => write_quoted(&scalar_text(key), out),
            _ => write_scalar(key, out),
        }
        out.push(':');
        emit_after_key(value, level, out);
    }
}

fn emit_after_key(value: &Node, level: usize, out: &mut String) {
    match &value.value {
        Value::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            indent(level + 1, out);
            emit_map(entries, level + 1, out);
        }
        Value::Seq(items) if !items.is_empty() => {
            out.push('\n');
            indent(level + 1, out);
            emit_seq(items, level + 1, out);
        }
        _ => emit_scalar(value, level, out),
    }
}

/// A scalar after its key or dash: a block literal when the string reads better as one.
fn emit_scalar(node: &Node, level: usize, out: &mut String) {
    if let Value::Str(s) = &node.value
        && block_literal_ok(s)
    {
        out.push_str(" |");
        emit_literal_body(s, level + 1, out);
    } else {
        out.push(' ');
        write_scalar(node, out);
        out.push('\n');
    }
}

fn emit_seq(items: &[Node], level: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(level, out);
        }
        out.push('-');
        match &item.value {
            Value::Map(entries) if !entries.is_empty() => {
                out.push(' ');
                emit_map(entries, level + 1, out);
            }
            Value::Seq(inner) if !inner.is_empty() => {
                out.push(' ');
                emit_seq(inner, level + 1, out);
            }
            _ => emit_scalar(item, level, out),
        }
    }
}

/// A multi-line string that reads back identically from a literal block.
fn block_literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && s.chars()
            .all(|c| c == '\n' || !(c.is_control() || c == '\u{feff}' || c == '\u{85}'))
        && s.lines().all(|l| l == l.trim_end())
}

fn emit_literal_body(s: &str, level: usize, out: &mut String) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(level, out);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

pub(crate) fn inline_scalar(node: &Node) -> String {
    let mut out = String::new();
    write_scalar(node, &mut out);
    out
}

/// A scalar (or an empty collection) as it is written inline, appended to `out`.
fn write_scalar(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float_text(*f)),
        Value::Str(s) if plain_safe(s) => out.push_str(s),
        Value::Str(s) => write_quoted(s, out),
        Value::Seq(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        let text = format!("{f:?}");
        // PyYAML's float pattern needs a dot before the exponent and a signed exponent.
        match text.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => {
                let mantissa = if mantissa.contains('.') {
                    mantissa.to_owned()
                } else {
                    format!("{mantissa}.0")
                };
                let exponent = if exponent.starts_with(['-', '+']) {
                    exponent.to_owned()
                } else {
                    format!("+{exponent}")
                };
                format!("{mantissa}e{exponent}")
            }
            None => text,
        }
    }
}

#[cfg(test)]
fn string_text(s: &str) -> String {
    let mut out = String::new();
    write_scalar(
        &Node::new(Value::Str(s.to_owned()), Position::new(1, 1)),
        &mut out,
    );
    out
}

/// Words YAML 1.1 or 1.2 readers resolve to booleans or null.
const RESERVED: &[&str] = &[
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
];

fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") {
        return false;
    }
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " _-./()+=@,".contains(c))
        && !s.contains(',')
}

/// A double-quoted YAML string; JSON escapes are valid YAML escapes.
fn write_quoted(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(value: Value) -> Node {
        Node::new(value, Position::new(1, 1))
    }

    #[test]
    fn floats_read_back_as_floats() {
        assert_eq!(float_text(1e20), "1.0e+20");
        assert_eq!(float_text(1.5e-7), "1.5e-7");
        assert_eq!(float_text(0.25), "0.25");
        assert_eq!(float_text(f64::NEG_INFINITY), "-.inf");
    }

    #[test]
    fn strings_quoted_when_ambiguous() {
        for s in [
            "on",
            "Yes",
            "null",
            "1.0.0",
            "2026-01-01",
            "",
            " lead",
            "a: b",
            "x #y",
            "=",
            "<<",
        ] {
            assert!(string_text(s).starts_with('"'), "{s}");
        }
        for s in ["plain", "EFFECT_GENERIC", "a.b.c", "two words"] {
            assert_eq!(string_text(s), s);
        }
        let text = emit(&node(Value::Map(vec![(
            node(Value::Str("k".into())),
            node(Value::Str("line one\nline two\n".into())),
        )])));
        assert_eq!(text, "k: |\n  line one\n  line two\n");
    }
}
