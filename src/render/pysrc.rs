//! Python source text: string literals, docstrings, type annotations, values and
//! the line-breaking rules of `ruff format` (88 columns, magic trailing commas),
//! so generated files need no formatter pass.

use std::fmt::Write as _;

use crate::contract::model::FieldType;

/// `ruff format`'s default line length.
pub const LINE_LENGTH: usize = 88;
const INDENT: &str = "    ";

/// Display width of `s` as ruff measures it: wide East Asian characters count two.
pub fn width(s: &str) -> usize {
    // Nearly every line is ASCII: one byte, one column.
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = u32::from(c);
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// A Python string literal for `s`, quoted the way `ruff format` prefers
/// (double quotes unless that needs more escapes).
pub fn string(s: &str) -> String {
    let doubles = s.matches('"').count();
    let singles = s.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let cp = u32::from(c);
                if cp < 0x100 {
                    let _ = write!(out, "\\x{cp:02x}");
                } else {
                    let _ = write!(out, "\\u{cp:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Text safe to place after `# ` on one comment line.
pub fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// A docstring block (with its quotes) for `text`, indented by `level` steps;
/// `extra` paragraphs follow the summary verbatim (already wrapped).
pub fn docstring(summary: &str, extra: &[String], level: usize) -> String {
    let indent = INDENT.repeat(level);
    let room = LINE_LENGTH.saturating_sub(indent.len() + 6).max(40);
    let mut lines = wrap(summary, room);
    for block in extra {
        lines.push(String::new());
        lines.extend(block.lines().map(str::to_owned));
    }
    let lines: Vec<String> = lines
        .iter()
        .map(|l| docstring_escape(l.trim_end()))
        .collect();
    let first_ok = lines.len() == 1 && width(&indent) + width(&lines[0]) + 6 <= LINE_LENGTH;
    if lines.len() == 1 && first_ok {
        return format!("{indent}\"\"\"{}\"\"\"", lines[0]);
    }
    let mut out = format!("{indent}\"\"\"");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&indent);
            }
        }
        out.push_str(line);
    }
    let _ = write!(out, "\n{indent}\"\"\"");
    out
}

/// Words of `text` (whitespace folded) in lines of at most `room` columns.
pub fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // The line's width so far, kept as it grows rather than measured again.
    let mut used = 0;
    for word in text.split_whitespace() {
        let wide = width(word);
        if !line.is_empty() && used + 1 + wide > room {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += wide;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes what would end or corrupt a `"""` string: backslashes, and quotes
/// at either end of the text or next to another quote.
fn docstring_escape(line: &str) -> String {
    // Most lines have nothing to escape.
    if !line
        .chars()
        .any(|c| c == '\\' || c == '"' || c.is_control())
    {
        return line.to_owned();
    }
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => {
                let edge = i == 0 || i + 1 == chars.len();
                let paired = chars.get(i + 1) == Some(&'"') || (i > 0 && chars[i - 1] == '"');
                if edge || paired {
                    out.push_str("\\\"");
                } else {
                    out.push('"');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `head(args..)tail` on one line when it fits at `level`, otherwise one
/// argument per line with a trailing comma (which ruff keeps exploded).
pub fn call(head: &str, args: &[String], tail: &str, level: usize) -> String {
    let indent = INDENT.repeat(level);
    let one = format!("{indent}{head}{}{tail}", args.join(", "));
    if args.is_empty() || (width(&one) <= LINE_LENGTH && !one.contains('\n')) {
        return one;
    }
    let inner = INDENT.repeat(level + 1);
    let mut out = format!("{indent}{head}\n");
    for arg in args {
        let _ = writeln!(out, "{inner}{arg},");
    }
    let _ = write!(out, "{indent}{tail}");
    out
}

/// `name = value` as ruff formats it: on one line when it fits at `level`,
/// else the value parenthesised on a line of its own when that fits, else
/// on one line all the same.
pub fn assign(name: &str, value: &str, level: usize) -> String {
    let indent = INDENT.repeat(level);
    let one = format!("{indent}{name} = {value}");
    let inner = format!("{}{value}", INDENT.repeat(level + 1));
    if width(&one) <= LINE_LENGTH || width(&inner) > LINE_LENGTH {
        return one;
    }
    format!("{indent}{name} = (\n{inner}\n{indent})")
}

/// `from module import a, b` (names in isort order, parenthesised when too long).
pub fn from_import(module: &str, names: &[String], level: usize) -> String {
    let mut names = names.to_vec();
    names.sort_by_key(|n| isort_key(n));
    names.dedup();
    let names = names.as_slice();
    let indent = INDENT.repeat(level);
    let one = format!("{indent}from {module} import {}", names.join(", "));
    if width(&one) <= LINE_LENGTH {
        return one;
    }
    call(&format!("from {module} import ("), names, ")", level)
}

/// isort's `order-by-type` key: constants, then classes, then the rest.
pub fn isort_key(name: &str) -> (u8, String, String) {
    let rank = if name.len() > 1 && name.chars().all(|c| !c.is_lowercase()) {
        0
    } else if name.starts_with(|c: char| c.is_uppercase()) {
        1
    } else {
        2
    };
    (rank, name.to_lowercase(), name.to_owned())
}

/// `def name() -> None:` at the top level; past the line length, `ruff format`
/// moves the return annotation into parentheses of its own.
pub fn test_def(name: &str) -> String {
    let line = format!("def {name}() -> None:");
    if width(&line) <= LINE_LENGTH {
        line
    } else {
        format!("def {name}() -> (\n{INDENT}None\n):")
    }
}

/// `name = [a, b]`, exploded when too long.
pub fn list_assign(name: &str, items: &[String]) -> String {
    call(&format!("{name} = ["), items, "]", 0)
}

/// The Python annotation for a field type.
pub fn annotation(ty: &FieldType) -> String {
    annotation_in(ty, "")
}

/// The annotation with `datetime`/`date` written as `{dates}datetime`, for
/// models whose field names would shadow the bare names.
pub fn annotation_in(ty: &FieldType, dates: &str) -> String {
    let annotation = |ty: &FieldType| annotation_in(ty, dates);
    match ty {
        FieldType::Str => "str".into(),
        FieldType::Int => "int".into(),
        FieldType::Float => "float".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Bytes => "bytes".into(),
        FieldType::DateTime => format!("{dates}datetime"),
        FieldType::Date => format!("{dates}date"),
        FieldType::Uuid => "UUID".into(),
        FieldType::Decimal => "Decimal".into(),
        FieldType::Any => "Any".into(),
        FieldType::List(inner) => format!("list[{}]", annotation(inner)),
        FieldType::Dict(inner) => format!("dict[str, {}]", annotation(inner)),
        FieldType::Optional(inner) => {
            let inner = annotation(inner);
            if inner.ends_with("| None") {
                inner
            } else {
                format!("{inner} | None")
            }
        }
        FieldType::Literal(values) => {
            let values: Vec<String> = values.iter().map(|v| string(v)).collect();
            format!("Literal[{}]", values.join(", "))
        }
        FieldType::Model(name) | FieldType::Enum(name) => name.clone(),
    }
}

/// The annotation split over lines the way `ruff format` lays out one that is
/// too long: the outer subscript one item per line with a trailing comma, an
/// optional type parenthesised with `| None` on its own line. The first line
/// continues the current one; the others are indented from `level`.
pub fn annotation_exploded(ty: &FieldType, level: usize, dates: &str) -> String {
    let annotation = |ty: &FieldType| annotation_in(ty, dates);
    let outer = INDENT.repeat(level);
    let inner = INDENT.repeat(level + 1);
    let items = |head: &str, items: Vec<String>| {
        let mut out = format!("{head}[\n");
        for item in items {
            let _ = writeln!(out, "{inner}{item},");
        }
        let _ = write!(out, "{outer}]");
        out
    };
    match ty {
        FieldType::List(item) => items("list", vec![annotation(item)]),
        FieldType::Dict(value) => items("dict", vec!["str".into(), annotation(value)]),
        FieldType::Literal(values) => items("Literal", values.iter().map(|v| string(v)).collect()),
        FieldType::Optional(item)
            if matches!(
                **item,
                FieldType::List(_) | FieldType::Dict(_) | FieldType::Literal(_)
            ) =>
        {
            format!(
                "(\n{inner}{}\n{inner}| None\n{outer})",
                annotation_exploded(item, level + 1, dates)
            )
        }
        other => annotation(other),
    }
}

/// A Python expression for a JSON-shaped value.
pub fn value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "None".into(),
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| !n.is_i64() && !n.is_u64()) {
                float(f)
            } else {
                n.to_string()
            }
        }
        serde_json::Value::String(s) => string(s),
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k), value(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// A float literal Python reads back as the same value.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return "float(\"nan\")".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "float(\"inf\")"
        } else {
            "-float(\"inf\")"
        }
        .into();
    }
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// A number for a constraint: integral values as ints (fits `int` fields).
#[allow(clippy::cast_possible_truncation)]
pub fn number(f: f64, as_float: bool) -> String {
    let integral = f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15;
    if integral && !as_float {
        format!("{}", f as i64)
    } else {
        float(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_follow_ruff_quote_preference() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("it's"), "\"it's\"");
        assert_eq!(string("say \"hi\""), "'say \"hi\"'");
        assert_eq!(string("a\\b\n\u{1b}"), "\"a\\\\b\\n\\x1b\"");
        assert_eq!(string("日本"), "\"日本\"");
    }

    #[test]
    fn docstrings_escape_dangerous_quotes() {
        assert_eq!(docstring("\"x\"", &[], 0), "\"\"\"\\\"x\\\"\"\"\"");
        assert_eq!(
            docstring("a \"\"\" b", &[], 0),
            "\"\"\"a \\\"\\\"\\\" b\"\"\""
        );
        assert_eq!(
            docstring("say \"hi\" now", &[], 1),
            "    \"\"\"say \"hi\" now\"\"\""
        );
    }

    #[test]
    fn calls_explode_only_when_too_long() {
        let short = call("x = Field(", &["default=1".into()], ")", 1);
        assert_eq!(short, "    x = Field(default=1)");
        let long = call(
            "x = Field(",
            &["description=".to_owned() + &"a".repeat(80)],
            ")",
            1,
        );
        assert!(long.starts_with("    x = Field(\n        description="));
        assert!(long.ends_with(",\n    )"));
    }

    #[test]
    fn imports_parenthesise_when_long() {
        assert_eq!(
            from_import(".m", &["A".into(), "B".into()], 0),
            "from .m import A, B"
        );
        let long: Vec<String> = (0..12).map(|i| format!("ModelNumber{i}")).collect();
        let text = from_import(".models", &long, 0);
        assert!(
            text.starts_with("from .models import (\n    ModelNumber0,\n"),
            "{text}"
        );
    }

    #[test]
    fn values_are_python() {
        let v: serde_json::Value = serde_json::json!({"a": [1, 2.5, null, true], "b": "x"});
        assert_eq!(value(&v), "{\"a\": [1, 2.5, None, True], \"b\": \"x\"}");
        assert_eq!(number(3.0, false), "3");
        assert_eq!(number(3.0, true), "3.0");
        assert_eq!(float(1e300), "1e300");
    }
}
