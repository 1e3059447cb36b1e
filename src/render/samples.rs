//! Sample values for generated tests: one valid Python value per field type,
//! respecting the field's constraints, printed the way `ruff format` keeps them.

use std::fmt::Write as _;

use crate::contract::model::{Constraints, Contract, FieldDef, FieldType, ModelDef};

use super::pysrc;

/// A Python value for a test: atoms print inline, non-empty containers one
/// item per line with a trailing comma (stable under `ruff format`).
#[derive(Debug, Clone, PartialEq)]
pub enum Py {
    Atom(String),
    List(Vec<Py>),
    Dict(Vec<(String, Py)>),
}

impl Py {
    /// The value as source text, its continuation lines indented by `level` steps.
    pub fn render(&self, level: usize) -> String {
        let mut out = String::new();
        self.write(level, &mut out);
        out
    }

    /// The value on one line: `[a, b]`, `{"k": v}`.
    pub fn inline(&self) -> String {
        match self {
            Py::Atom(text) => text.clone(),
            Py::List(items) => {
                let items: Vec<String> = items.iter().map(Py::inline).collect();
                format!("[{}]", items.join(", "))
            }
            Py::Dict(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", pysrc::string(k), v.inline()))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    fn write(&self, level: usize, out: &mut String) {
        let inner = "    ".repeat(level + 1);
        match self {
            Py::Atom(text) => out.push_str(text),
            Py::List(items) if items.is_empty() => out.push_str("[]"),
            Py::Dict(items) if items.is_empty() => out.push_str("{}"),
            Py::List(items) => {
                out.push_str("[\n");
                for item in items {
                    out.push_str(&inner);
                    item.write(level + 1, out);
                    out.push_str(",\n");
                }
                let _ = write!(out, "{}]", "    ".repeat(level));
            }
            Py::Dict(items) => {
                out.push_str("{\n");
                for (key, item) in items {
                    let _ = write!(out, "{inner}{}: ", pysrc::string(key));
                    item.write(level + 1, out);
                    out.push_str(",\n");
                }
                let _ = write!(out, "{}}}", "    ".repeat(level));
            }
        }
    }
}

/// Required nesting deeper than this is taken for a cycle: no sample.
const MAX_DEPTH: usize = 8;

/// Input data for `model_validate` that makes a valid instance of `model`, keyed
/// by alias where there is one; `None` when no valid value can be built.
pub fn model_data(contract: &Contract, model: &ModelDef) -> Option<Py> {
    model_sample(contract, model, 0)
}

fn model_sample(contract: &Contract, model: &ModelDef, depth: usize) -> Option<Py> {
    let mut items = Vec::new();
    for field in &model.fields {
        let key = field.alias.clone().unwrap_or_else(|| field.name.clone());
        match field_sample(contract, field, depth) {
            Some(value) => items.push((key, value)),
            None if field.required => return None,
            None => {}
        }
    }
    Some(Py::Dict(items))
}

fn field_sample(contract: &Contract, field: &FieldDef, depth: usize) -> Option<Py> {
    let c = &field.constraints;
    if c.pattern.is_some() {
        if let Some(default) = &field.default {
            return Some(Py::Atom(pysrc::value(default)));
        }
        if !field.required {
            return None;
        }
    }
    if depth >= 1 && !field.required && mentions_model(&field.ty) {
        return None;
    }
    sample(contract, &field.ty, c, depth)
}

/// Whether the type holds another model (optional ones are left out of nested
/// samples, which keeps recursive models small).
fn mentions_model(ty: &FieldType) -> bool {
    match ty {
        FieldType::Model(_) => true,
        FieldType::List(inner) | FieldType::Dict(inner) | FieldType::Optional(inner) => {
            mentions_model(inner)
        }
        _ => false,
    }
}

fn sample(contract: &Contract, ty: &FieldType, c: &Constraints, depth: usize) -> Option<Py> {
    let none = Constraints::default();
    Some(match ty {
        FieldType::Str => Py::Atom(string_sample(c)?),
        FieldType::Bytes => Py::Atom(pysrc::string(&"b".repeat(length(c)?))),
        FieldType::Int => Py::Atom(int_sample(c)?),
        FieldType::Float => Py::Atom(pysrc::float(float_sample(c)?)),
        FieldType::Decimal => Py::Atom(pysrc::string(&pysrc::float(float_sample(c)?))),
        FieldType::Bool => Py::Atom("True".into()),
        FieldType::DateTime => Py::Atom(pysrc::string("2024-05-06T07:08:09+00:00")),
        FieldType::Date => Py::Atom(pysrc::string("2024-05-06")),
        FieldType::Uuid => Py::Atom(pysrc::string("12345678-1234-5678-1234-567812345678")),
        FieldType::Any => Py::Dict(vec![("key".into(), Py::Atom(pysrc::string("value")))]),
        FieldType::Literal(values) => Py::Atom(pysrc::string(values.first()?)),
        FieldType::Optional(inner) => sample(contract, inner, c, depth)?,
        FieldType::List(inner) => {
            let count = container_size(c)?;
            if count == 0 {
                return Some(Py::List(Vec::new()));
            }
            let item = sample(contract, inner, &none, depth)?;
            Py::List(vec![item; count])
        }
        FieldType::Dict(inner) => {
            let count = container_size(c)?;
            if count == 0 {
                return Some(Py::Dict(Vec::new()));
            }
            let item = sample(contract, inner, &none, depth)?;
            let key = |i: usize| {
                if i == 0 {
                    "key".to_owned()
                } else {
                    format!("key_{i}")
                }
            };
            Py::Dict((0..count).map(|i| (key(i), item.clone())).collect())
        }
        FieldType::Enum(name) => {
            let found = contract.enum_def(name)?;
            Py::Atom(pysrc::string(&found.members.first()?.value))
        }
        FieldType::Model(name) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            let found = contract.model(name)?;
            model_sample(contract, found, depth + 1)?
        }
    })
}

/// How many items a list or dict sample holds: one, or what the bounds ask.
fn container_size(c: &Constraints) -> Option<usize> {
    let wanted = c.min_length.unwrap_or(1);
    let count = match c.max_length {
        Some(max) if max < wanted && c.min_length.is_some() => return None,
        Some(max) => wanted.min(max),
        None => wanted,
    };
    usize::try_from(count).ok().filter(|n| *n <= 64)
}

/// A string length inside the field's bounds, at least one.
fn length(c: &Constraints) -> Option<usize> {
    let min = c.min_length.unwrap_or(1).max(1);
    let len = match c.max_length {
        Some(max) if max < min => max,
        _ => min,
    };
    if c.min_length.is_some_and(|m| len < m) {
        return None;
    }
    usize::try_from(len).ok()
}

fn string_sample(c: &Constraints) -> Option<String> {
    if let Some(pattern) = &c.pattern {
        let text = pattern_sample(pattern)?;
        let len = text.chars().count() as u64;
        if c.min_length.is_some_and(|m| len < m) || c.max_length.is_some_and(|m| len > m) {
            return None;
        }
        return Some(pysrc::string(&text));
    }
    let len = length(c)?;
    Some(if len <= 24 {
        pysrc::string(&"sample text example value"[..len])
    } else {
        format!("\"x\" * {len}")
    })
}

fn int_sample(c: &Constraints) -> Option<String> {
    let lower = match (c.ge, c.gt) {
        (Some(ge), _) => Some(ge.ceil()),
        (None, Some(gt)) => Some(gt.floor() + 1.0),
        (None, None) => None,
    };
    let upper = match (c.le, c.lt) {
        (Some(le), _) => Some(le.floor()),
        (None, Some(lt)) => Some(lt.ceil() - 1.0),
        (None, None) => None,
    };
    let value = match (lower, upper) {
        (Some(lo), Some(hi)) if lo > hi => return None,
        (Some(lo), _) => lo,
        (None, Some(hi)) => hi.min(1.0),
        (None, None) => 1.0,
    };
    Some(pysrc::number(value, false))
}

fn float_sample(c: &Constraints) -> Option<f64> {
    let lower = c.ge.or(c.gt);
    let upper = c.le.or(c.lt);
    match (lower, upper) {
        (Some(lo), Some(hi)) if lo > hi => None,
        (Some(lo), Some(hi)) => Some(lo + (hi - lo) / 2.0),
        (Some(lo), None) => Some(if c.gt.is_some() { lo + 1.0 } else { lo }),
        (None, Some(hi)) => Some(if c.lt.is_some() { hi - 1.0 } else { hi }),
        (None, None) => Some(1.5),
    }
}

/// A string the regular expression `pattern` matches, for the common subset
/// (literals, escapes, classes, groups, alternation, quantifiers); `None` when
/// the pattern uses anything else. The generated test checks the claim.
pub fn pattern_sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let out = alternation(&chars, &mut pos)?;
    (pos == chars.len()).then_some(out)
}

fn alternation(chars: &[char], pos: &mut usize) -> Option<String> {
    let first = sequence(chars, pos)?;
    while chars.get(*pos) == Some(&'|') {
        *pos += 1;
        sequence(chars, pos)?;
    }
    Some(first)
}

fn sequence(chars: &[char], pos: &mut usize) -> Option<String> {
    let mut out = String::new();
    while let Some(&c) = chars.get(*pos) {
        if c == '|' || c == ')' {
            break;
        }
        let atom = match c {
            '^' | '$' => {
                *pos += 1;
                continue;
            }
            '(' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'?') {
                    if chars.get(*pos + 1) != Some(&':') {
                        return None;
                    }
                    *pos += 2;
                }
                let inner = alternation(chars, pos)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                inner
            }
            '[' => class(chars, pos)?,
            '\\' => {
                let next = *chars.get(*pos + 1)?;
                *pos += 2;
                match next {
                    'd' => "1".into(),
                    'w' => "a".into(),
                    's' => " ".into(),
                    c if c.is_ascii_alphanumeric() => return None,
                    c => c.to_string(),
                }
            }
            '.' => {
                *pos += 1;
                "a".into()
            }
            '*' | '+' | '?' | '{' | ']' | '}' => return None,
            c => {
                *pos += 1;
                c.to_string()
            }
        };
        let count = quantifier(chars, pos)?;
        out.push_str(&atom.repeat(count));
    }
    Some(out)
}

fn class(chars: &[char], pos: &mut usize) -> Option<String> {
    *pos += 1;
    let first = *chars.get(*pos)?;
    if first == '^' {
        return None;
    }
    let pick = if first == '\\' {
        match *chars.get(*pos + 1)? {
            'd' => '1',
            'w' => 'a',
            's' => ' ',
            c if c.is_ascii_alphanumeric() => return None,
            c => c,
        }
    } else {
        first
    };
    while chars.get(*pos) != Some(&']') {
        if chars.get(*pos) == Some(&'\\') {
            *pos += 1;
        }
        *pos += 1;
        if *pos >= chars.len() {
            return None;
        }
    }
    *pos += 1;
    Some(pick.to_string())
}

fn quantifier(chars: &[char], pos: &mut usize) -> Option<usize> {
    let count = match chars.get(*pos) {
        Some('*' | '?') => 0,
        Some('+') => 1,
        Some('{') => {
            let close = chars[*pos..].iter().position(|&c| c == '}')? + *pos;
            let body: String = chars[*pos + 1..close].iter().collect();
            let min = body.split(',').next()?.trim().parse::<usize>().ok()?;
            *pos = close;
            min.min(64)
        }
        _ => return Some(1),
    };
    *pos += 1;
    if chars.get(*pos) == Some(&'?') {
        *pos += 1;
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_give_matching_samples() {
        assert_eq!(pattern_sample("^[a-z]+$").as_deref(), Some("a"));
        assert_eq!(pattern_sample(r"^\d{3}-\d{2}$").as_deref(), Some("111-11"));
        assert_eq!(
            pattern_sample("^(foo|bar)_[A-Z0-9]{2,4}$").as_deref(),
            Some("foo_AA")
        );
        assert_eq!(pattern_sample(r"^v\d+\.\d+$").as_deref(), Some("v1.1"));
        assert_eq!(pattern_sample("[^a]"), None);
        assert_eq!(pattern_sample(r"(?=x)"), None);
    }

    #[test]
    fn containers_print_exploded() {
        let v = Py::Dict(vec![
            ("a".into(), Py::List(vec![Py::Atom("1".into())])),
            ("b".into(), Py::Dict(Vec::new())),
        ]);
        assert_eq!(
            v.render(1),
            "{\n        \"a\": [\n            1,\n        ],\n        \"b\": {},\n    }"
        );
    }

    #[test]
    fn numbers_respect_bounds() {
        let c = Constraints {
            gt: Some(10.0),
            lt: Some(20.0),
            ..Constraints::default()
        };
        assert_eq!(int_sample(&c).as_deref(), Some("11"));
        assert_eq!(float_sample(&c), Some(15.0));
        let c = Constraints {
            le: Some(-5.0),
            ..Constraints::default()
        };
        assert_eq!(int_sample(&c).as_deref(), Some("-5"));
    }
}
