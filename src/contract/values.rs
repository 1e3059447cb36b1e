//! The values a contract gives a field, checked before any code is written:
//! a default the field itself would refuse, bounds that admit nothing, a
//! `pattern` pydantic cannot compile. Each would otherwise pass generation
//! and fail at import (pydantic compiles `pattern` with the same `regex`
//! crate, and refuses it with a `SchemaError`) or at construction (the
//! generated models validate their defaults).

use super::model::{Constraints, FieldDef, FieldType};

/// The problems of one field, as messages.
pub(super) fn problems(field: &FieldDef) -> Vec<String> {
    let mut out = Vec::new();
    let c = &field.constraints;
    bounds(&field.name, c, &mut out);
    let pattern = c.pattern.as_deref().and_then(|p| match regex::Regex::new(p) {
        Ok(re) => Some(re),
        Err(e) => {
            let reason = e.to_string();
            let last = reason.lines().last().unwrap_or("invalid").trim().to_owned();
            out.push(format!(
                "field '{}': 'pattern' {p:?} does not compile ({last}); pydantic compiles it with Rust's regex syntax, which has no look-around or back-references",
                field.name
            ));
            None
        }
    });
    if let Some(default) = field.default.as_ref().filter(|d| !d.is_null()) {
        if let Err(why) = fits(&field.ty, default) {
            out.push(format!(
                "field '{}': the default {} {why}",
                field.name,
                shown(default)
            ));
        } else {
            within(field, default, pattern.as_ref(), &mut out);
        }
    }
    out
}

fn shown(v: &serde_json::Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

/// Bounds that no value can meet.
fn bounds(name: &str, c: &Constraints, out: &mut Vec<String>) {
    if let (Some(min), Some(max)) = (c.min_length, c.max_length)
        && min > max
    {
        out.push(format!(
            "field '{name}': min_length {min} is greater than max_length {max}, so no value fits"
        ));
    }
    let low = [(c.ge, "ge", false), (c.gt, "gt", true)];
    let high = [(c.le, "le", false), (c.lt, "lt", true)];
    for (lo, lo_key, lo_strict) in low {
        for (hi, hi_key, hi_strict) in high {
            if let (Some(lo), Some(hi)) = (lo, hi)
                && (lo > hi || (lo >= hi && (lo_strict || hi_strict)))
            {
                out.push(format!(
                    "field '{name}': {lo_key} {lo} and {hi_key} {hi} admit no value"
                ));
            }
        }
    }
}

/// Whether a default is a value of the field's type; `Err` says why not.
fn fits(ty: &FieldType, v: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value as J;
    let fail = |what: &str| Err(format!("is not {what}"));
    match ty {
        FieldType::Any | FieldType::Model(_) | FieldType::Enum(_) => Ok(()),
        FieldType::Optional(inner) => {
            if v.is_null() {
                Ok(())
            } else {
                fits(inner, v)
            }
        }
        FieldType::Str => match v {
            J::String(_) => Ok(()),
            _ => fail("a string"),
        },
        FieldType::Bytes => match v {
            J::String(_) => Ok(()),
            _ => fail("a string (bytes are written as text)"),
        },
        FieldType::Bool => match v {
            J::Bool(_) => Ok(()),
            _ => fail("true or false"),
        },
        FieldType::Int => match v {
            J::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            // YAML reads an integer beyond 64 bits as a float.
            J::Number(n)
                if n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.2e18) =>
            {
                Err("is too large for an integer field (beyond 64 bits)".to_owned())
            }
            // The YAML integer was too large to carry as a number.
            J::String(s) if s.parse::<i128>().is_ok() || s.chars().all(|c| c.is_ascii_digit()) => {
                Err("is too large for an integer field (beyond 64 bits)".to_owned())
            }
            _ => fail("an integer"),
        },
        FieldType::Float => match v {
            J::Number(_) => Ok(()),
            _ => fail("a number"),
        },
        FieldType::Decimal => match v {
            J::Number(_) => Ok(()),
            J::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => Ok(()),
            _ => fail("a decimal number"),
        },
        FieldType::Uuid => match v {
            J::String(s) if uuid::Uuid::parse_str(s).is_ok() => Ok(()),
            _ => fail("a UUID"),
        },
        FieldType::DateTime => match v {
            J::String(s) if is_datetime(s) => Ok(()),
            J::Number(_) => Ok(()),
            _ => fail("an ISO 8601 date and time (2026-01-02T03:04:05Z)"),
        },
        FieldType::Date => match v {
            J::String(s) if is_date(s) => Ok(()),
            _ => fail("an ISO 8601 date (2026-01-02)"),
        },
        FieldType::Literal(values) => {
            let text = match v {
                J::String(s) => s.clone(),
                other => other.to_string(),
            };
            if values.contains(&text) {
                Ok(())
            } else {
                Err(format!("is not one of its values ({})", values.join(", ")))
            }
        }
        FieldType::List(inner) => match v {
            J::Array(items) => items.iter().try_for_each(|i| fits(inner, i)),
            _ => fail("a list"),
        },
        FieldType::Dict(inner) => match v {
            J::Object(map) => map.values().try_for_each(|i| fits(inner, i)),
            _ => fail("a mapping"),
        },
    }
}

/// A default of the right type that its own constraints refuse.
fn within(
    field: &FieldDef,
    v: &serde_json::Value,
    pattern: Option<&regex::Regex>,
    out: &mut Vec<String>,
) {
    let c = &field.constraints;
    let name = &field.name;
    if let Some(n) = v.as_f64().filter(|_| v.is_number()) {
        let checks = [
            (c.ge, "ge", n >= c.ge.unwrap_or(f64::NEG_INFINITY)),
            (c.gt, "gt", n > c.gt.unwrap_or(f64::NEG_INFINITY)),
            (c.le, "le", n <= c.le.unwrap_or(f64::INFINITY)),
            (c.lt, "lt", n < c.lt.unwrap_or(f64::INFINITY)),
        ];
        for (bound, key, ok) in checks {
            if let Some(b) = bound
                && !ok
            {
                out.push(format!(
                    "field '{name}': the default {} is outside its own bound {key} {b}",
                    shown(v)
                ));
            }
        }
    }
    let length = match v {
        serde_json::Value::String(s) => Some(s.chars().count()),
        serde_json::Value::Array(items) => Some(items.len()),
        _ => None,
    };
    if let Some(len) = length {
        let len = len as u64;
        if c.min_length.is_some_and(|m| len < m) || c.max_length.is_some_and(|m| len > m) {
            out.push(format!(
                "field '{name}': the default {} has length {len}, outside its own min_length/max_length",
                shown(v)
            ));
        }
    }
    if let (Some(re), serde_json::Value::String(s)) = (pattern, v)
        && !re.is_match(s)
    {
        out.push(format!(
            "field '{name}': the default {} does not match its own pattern",
            shown(v)
        ));
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD` with a month and day that exist in some year.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (month, day): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
    let year: u32 = y.parse().unwrap_or(0);
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A date, `T` or a space, `HH:MM[:SS[.fraction]]`, and an optional `Z` or
/// `±HH:MM` / `±HHMM` offset: what pydantic reads as a datetime (it refuses
/// a bare `±HH`).
fn is_datetime(s: &str) -> bool {
    if s.len() < 16 || !s.is_char_boundary(10) || !is_date(&s[..10]) {
        return false;
    }
    let rest = &s[10..];
    let Some(time) = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix('t'))
        .or_else(|| rest.strip_prefix(' '))
    else {
        return false;
    };
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    let fields: Vec<&str> = hms.split(':').collect();
    let clock_ok = match fields.as_slice() {
        [h, m] => digits(h, 2) && digits(m, 2) && fraction.is_none(),
        [h, m, sec] => digits(h, 2) && digits(m, 2) && digits(sec, 2),
        _ => false,
    } && fields
        .iter()
        .zip([24u32, 60, 60])
        .all(|(f, limit)| f.parse::<u32>().is_ok_and(|n| n < limit));
    let fraction_ok = fraction
        .is_none_or(|f| !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()));
    let offset_ok = match offset {
        "" | "Z" | "z" => true,
        o => {
            let body = &o[1..];
            digits(body, 4)
                || (body.len() == 5
                    && digits(&body[..2], 2)
                    && &body[2..3] == ":"
                    && digits(&body[3..], 2))
        }
    };
    clock_ok && fraction_ok && offset_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_as_pydantic_reads_them() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(is_datetime("2026-01-02T03:04:05Z"));
        assert!(is_datetime("2026-01-02 03:04:05.123456+02:00"));
        assert!(is_datetime("2026-01-02T03:04"));
        assert!(!is_datetime("2026-01-02T25:04:05"));
        assert!(!is_datetime("yesterday"));
        assert!(is_datetime("2026-01-02T03:04:05+0200"));
        assert!(!is_datetime("2026-01-02T03:04:05+02"));
    }
}
