//! The YAML reader: granit-parser's event stream folded into the positioned
//! tree of [`super::tree`] in one pass, with an explicit stack of open
//! collections (nesting costs heap, never call stack). It owns what YAML means
//! here: scalars resolved by YAML 1.2's core schema (booleans only as
//! `true`/`false` in three casings, so `yes`, `on` and `no` stay strings),
//! anchors and aliases (expanded, bounded by a node budget against alias
//! bombs), merge keys, duplicate keys refused, one document per file, and a
//! nesting limit.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use granit_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use super::tree::{Node, Value, scalar_text};
use crate::diagnostics::Position;

/// The reader's limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Collections nested deeper than this are refused.
    pub(crate) max_depth: usize,
    /// Nodes in the tree, aliases counted once per use with everything under them.
    pub(crate) max_nodes: usize,
}

/// Why a file is not a YAML tree we read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub(crate) kind: YamlErrorKind,
    pub(crate) message: String,
    pub(crate) pos: Position,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YamlErrorKind {
    /// Not well-formed YAML, or a construct that has no value here.
    Syntax,
    /// Nested deeper than [`Limits::max_depth`].
    Depth,
    /// Over [`Limits::max_nodes`], or more than one document.
    Limit,
}

impl YamlError {
    fn new(kind: YamlErrorKind, message: impl Into<String>, pos: Position) -> Self {
        Self {
            kind,
            message: message.into(),
            pos,
        }
    }
}

/// Read one YAML document into a tree. An empty stream is null.
pub(crate) fn read(text: &str, limits: Limits) -> Result<Node, YamlError> {
    let mut options = granit_parser::Options::default();
    options.emit_comments = false;
    let mut builder = Builder {
        limits,
        stack: Vec::new(),
        anchors: Vec::new(),
        nodes: 0,
        root: None,
    };
    let mut documents = 0;
    let mut end = Position::new(1, 1);
    let mut parser = Parser::new_from_str_with_options(text, options);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e, limits))?;
        let pos = position(&span.start);
        match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::new(
                        YamlErrorKind::Limit,
                        "a second YAML document: a contract is one document",
                        pos,
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                builder.count(1, pos)?;
                let value = resolve(text, style, tag.as_deref())
                    .map_err(|message| YamlError::new(YamlErrorKind::Syntax, message, pos))?;
                let merge = is_merge_key(&value, style, tag.as_deref());
                let node = Node::new(value, pos);
                builder.define(anchor, &node, 1);
                builder.add(node, merge)?;
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                builder.count(1, pos)?;
                if builder.stack.len() >= limits.max_depth {
                    return Err(YamlError::new(YamlErrorKind::Depth, too_deep(limits), pos));
                }
                let body = if matches!(event, Event::SequenceStart(..)) {
                    Body::Seq(Vec::new())
                } else {
                    Body::Map(MapBody::default())
                };
                builder.stack.push(Frame {
                    pos,
                    anchor,
                    nodes_before: builder.nodes - 1,
                    body,
                });
                builder.reserve(anchor);
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close()?,
            Event::Alias(id) => builder.alias(id, pos)?,
            Event::StreamEnd => {
                end = pos;
                break;
            }
            _ => {}
        }
    }
    Ok(builder.root.unwrap_or_else(|| Node::new(Value::Null, end)))
}

struct Builder {
    limits: Limits,
    stack: Vec<Frame>,
    /// By anchor id: `None` while the anchored collection is still open.
    anchors: Vec<Option<(Node, usize)>>,
    nodes: usize,
    root: Option<Node>,
}

struct Frame {
    pos: Position,
    anchor: usize,
    nodes_before: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map(MapBody),
}

#[derive(Default)]
struct MapBody {
    entries: Vec<(Node, Node)>,
    key: Option<Node>,
    /// The pending key is `<<`: its value is merged, not stored.
    merging: bool,
    merges: Vec<Node>,
    /// Fingerprints of the keys, once the mapping is too big to scan.
    seen: Option<HashSet<u64>>,
}

/// Mappings up to this size find duplicate keys by scanning.
const SCAN_KEYS: usize = 16;

impl Builder {
    fn count(&mut self, nodes: usize, pos: Position) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::new(
                YamlErrorKind::Limit,
                format!(
                    "more than {} YAML nodes (aliases count each time they are used)",
                    self.limits.max_nodes
                ),
                pos,
            ));
        }
        Ok(())
    }

    /// Mark an anchor as open, so an alias to it from inside is recursive.
    fn reserve(&mut self, anchor: usize) {
        if anchor > 0 && self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
    }

    fn define(&mut self, anchor: usize, node: &Node, nodes: usize) {
        if anchor > 0 {
            self.reserve(anchor);
            self.anchors[anchor] = Some((node.clone(), nodes));
        }
    }

    fn alias(&mut self, id: usize, pos: Position) -> Result<(), YamlError> {
        let Some(Some((node, nodes))) = self.anchors.get(id) else {
            return Err(YamlError::new(
                YamlErrorKind::Syntax,
                "this alias refers to a collection that contains it (a recursive structure)",
                pos,
            ));
        };
        let (mut node, nodes) = (node.clone(), *nodes);
        self.count(nodes, pos)?;
        relocate(&mut node, pos);
        self.add(node, false)
    }

    fn close(&mut self) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.body {
            Body::Seq(items) => Value::Seq(items),
            Body::Map(map) => Value::Map(merge(map.entries, map.merges)),
        };
        let node = Node::new(value, frame.pos);
        self.define(frame.anchor, &node, self.nodes - frame.nodes_before);
        self.add(node, false)
    }

    /// Place a finished node in the collection that is open, or as the root.
    fn add(&mut self, node: Node, merge_key: bool) -> Result<(), YamlError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.body {
            Body::Seq(items) => items.push(node),
            Body::Map(map) => match map.key.take() {
                None => {
                    map.merging = merge_key;
                    map.key = Some(node);
                }
                Some(_) if map.merging => {
                    map.merging = false;
                    let sources_ok = match &node.value {
                        Value::Map(_) => true,
                        Value::Seq(items) => items.iter().all(|i| matches!(i.value, Value::Map(_))),
                        _ => false,
                    };
                    if !sources_ok {
                        return Err(YamlError::new(
                            YamlErrorKind::Syntax,
                            "the value of a merge key `<<` must be a mapping or a list of mappings",
                            node.pos,
                        ));
                    }
                    map.merges.push(node);
                }
                Some(key) => {
                    if map.has_key(&key) {
                        return Err(YamlError::new(
                            YamlErrorKind::Syntax,
                            format!("duplicate key '{}'", scalar_text(&key)),
                            key.pos,
                        ));
                    }
                    map.entries.push((key, node));
                }
            },
        }
        Ok(())
    }
}

impl MapBody {
    /// Whether `key` is already a key here; records it otherwise.
    fn has_key(&mut self, key: &Node) -> bool {
        if self.entries.len() < SCAN_KEYS {
            return self.entries.iter().any(|(k, _)| k.value == key.value);
        }
        let seen = self
            .seen
            .get_or_insert_with(|| self.entries.iter().map(|(k, _)| fingerprint(k)).collect());
        if seen.insert(fingerprint(key)) {
            return false;
        }
        self.entries.iter().any(|(k, _)| k.value == key.value)
    }
}

/// Equal keys have equal fingerprints (`1` and `"1"` share one; the scan sorts them out).
fn fingerprint(key: &Node) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    match &key.value {
        Value::Str(s) => s.hash(&mut hasher),
        _ => scalar_text(key).hash(&mut hasher),
    }
    hasher.finish()
}

/// The explicit keys, then the keys of each merged mapping that are not there yet
/// (in a list of mappings, the earlier one wins).
fn merge(mut entries: Vec<(Node, Node)>, merges: Vec<Node>) -> Vec<(Node, Node)> {
    for source in merges {
        let maps = match source.value {
            Value::Seq(items) => items,
            map => vec![Node::new(map, source.pos)],
        };
        for map in maps {
            if let Value::Map(pairs) = map.value {
                for (mut k, mut v) in pairs {
                    if !entries.iter().any(|(e, _)| e.value == k.value) {
                        relocate(&mut k, map.pos);
                        relocate(&mut v, map.pos);
                        entries.push((k, v));
                    }
                }
            }
        }
    }
    entries
}

/// An alias's copy is located where the alias is used, all the way down.
fn relocate(node: &mut Node, pos: Position) {
    node.pos = pos;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|item| relocate(item, pos)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            relocate(k, pos);
            relocate(v, pos);
        }),
        _ => {}
    }
}

fn is_merge_key(value: &Value, style: ScalarStyle, tag: Option<&Tag>) -> bool {
    style == ScalarStyle::Plain && tag.is_none() && matches!(value, Value::Str(s) if s == "<<")
}

fn position(marker: &Marker) -> Position {
    Position::new(marker.line(), marker.col() + 1)
}

/// The parser's own nesting limit reads as ours: one message for both.
fn scan_error(error: &ScanError, limits: Limits) -> YamlError {
    let message = error.info();
    let pos = position(error.marker());
    if message.contains("nesting") || message.contains("nested") {
        YamlError::new(YamlErrorKind::Depth, too_deep(limits), pos)
    } else {
        YamlError::new(YamlErrorKind::Syntax, message, pos)
    }
}

fn too_deep(limits: Limits) -> String {
    format!("nested deeper than {} levels", limits.max_depth)
}

/// The value of a scalar: its tag decides when it has a core-schema one;
/// otherwise quoted and block scalars are strings, and plain ones are tried
/// as null, boolean, integer and float before they are strings.
fn resolve(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let core = tag.and_then(Tag::core_suffix);
    // `!` alone (granit: empty handle, suffix `!`) makes a scalar a string.
    let non_specific = tag.is_some_and(|t| t.handle().is_empty() && t.suffix() == "!");
    match core {
        Some("str") => return Ok(Value::Str(text.into_owned())),
        Some("null") => return Ok(Value::Null),
        Some("bool") => {
            return core_bool(trim(&text))
                .map(Value::Bool)
                .ok_or_else(|| format!("'{text}' is not a boolean (tagged !!bool)"));
        }
        Some("int") => {
            return integer(trim(&text))
                .map(Value::Int)
                .ok_or_else(|| format!("'{text}' is not an integer (tagged !!int)"));
        }
        Some("float") => {
            let t = trim(&text);
            return float(t)
                .map(Value::Float)
                .ok_or_else(|| format!("'{text}' is not a number (tagged !!float)"));
        }
        _ => {}
    }
    if style != ScalarStyle::Plain || non_specific {
        return Ok(Value::Str(text.into_owned()));
    }
    plain(text)
}

fn plain(text: Cow<'_, str>) -> Result<Value, String> {
    if matches!(&*text, "" | "~" | "null" | "Null" | "NULL") {
        return Ok(Value::Null);
    }
    let t = trim(&text);
    if let Some(b) = core_bool(t) {
        return Ok(Value::Bool(b));
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let upper_radix = matches!(unsigned.as_bytes(), [b'0', b'X' | b'O' | b'B', ..]);
    let signed_nan = t.len() > unsigned.len() && matches!(unsigned, ".nan" | ".NaN" | ".NAN");
    if upper_radix || signed_nan {
        return Ok(Value::Str(text.into_owned()));
    }
    if let Some(i) = integer(t).filter(|&i| i >= i128::from(i64::MIN) && i <= i128::from(u64::MAX))
    {
        return Ok(Value::Int(i));
    }
    match float(t) {
        Some(f) if !f.is_finite() => Err(format!(
            "`{t}` is not a finite number; write a finite one, or quote it for a string"
        )),
        Some(f) => Ok(Value::Float(f)),
        None => Ok(Value::Str(text.into_owned())),
    }
}

fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\r', '\n'])
}

fn core_bool(t: &str) -> Option<bool> {
    match t {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[+-]` then decimal digits (no leading zero), or `0x`, `0o`, `0b` digits;
/// single underscores may separate digits.
fn integer(t: &str) -> Option<i128> {
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) =
        if let Some(d) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = rest.strip_prefix("0o").or_else(|| rest.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = rest.strip_prefix("0b").or_else(|| rest.strip_prefix("0B")) {
            (2, d)
        } else {
            if rest.len() > 1 && rest.starts_with('0') {
                return None;
            }
            (10, rest)
        };
    let bytes = digits.as_bytes();
    let mut value: u128 = 0;
    let mut any = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let between =
                i > 0 && bytes[i - 1] != b'_' && bytes.get(i + 1).is_some_and(|&n| n != b'_');
            if !between {
                return None;
            }
            continue;
        }
        let digit = char::from(b).to_digit(radix)?;
        value = value
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(digit))?;
        any = true;
    }
    if !any {
        return None;
    }
    let value = i128::try_from(value).ok()?;
    Some(if negative { -value } else { value })
}

/// YAML 1.2 floats: what Rust's float syntax reads and is finite, an
/// overflowing literal as infinity, and `.inf` / `.nan` spellings.
fn float(t: &str) -> Option<f64> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        _ => {}
    }
    let value = t.parse::<f64>().ok()?;
    if value.is_finite() || unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        Some(value).filter(|v| !v.is_nan())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The previous reader (serde-saphyr through serde), kept as the oracle
    /// these tests compare with.
    mod oracle {
        use std::fmt;

        use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
        use serde_saphyr::Spanned;

        use super::super::super::tree::{Node, Value};
        use crate::diagnostics::Position;

        impl<'de> Deserialize<'de> for Node {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let spanned = Spanned::<Value>::deserialize(deserializer)?;
                let line = usize::try_from(spanned.referenced.line()).unwrap_or(usize::MAX);
                let column = usize::try_from(spanned.referenced.column()).unwrap_or(usize::MAX);
                Ok(Node::new(spanned.value, Position::new(line, column)))
            }
        }

        impl<'de> Deserialize<'de> for Value {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(ValueVisitor)
            }
        }

        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }

            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
                Value::deserialize(deserializer)
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(i128::from(v)))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Int(i128::from(v)))
            }

            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
                Ok(Value::Int(v))
            }

            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
                Ok(i128::try_from(v).map_or_else(|_| Value::Str(v.to_string()), Value::Int))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
                Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Node>()? {
                    items.push(item);
                }
                Ok(Value::Seq(items))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Node>()? {
                    let value = map.next_value::<Node>()?;
                    entries.push((key, value));
                }
                Ok(Value::Map(entries))
            }
        }
    }

    const LIMITS: Limits = Limits {
        max_depth: 32,
        max_nodes: 500_000,
    };

    fn old(text: &str) -> Result<Node, String> {
        let options = serde_saphyr::options! {
            budget: serde_saphyr::budget! { max_depth: 32, max_nodes: 500_000, max_documents: 1 },
            with_snippet: false,
            strict_booleans: true,
        };
        serde_saphyr::from_str_with_options::<Node>(text, options).map_err(|e| e.to_string())
    }

    fn same(text: &str) {
        let new = read(text, LIMITS);
        match (old(text), new) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "tree differs for {text:?}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("verdicts differ for {text:?}: old {a:?}, new {b:?}"),
        }
    }

    #[test]
    fn scalars_read_as_before() {
        for s in [
            "1",
            "-1",
            "+1",
            "0",
            "-0",
            "010",
            "-010",
            "0x1F",
            "0x1f",
            "0X1F",
            "0o17",
            "0O17",
            "0b101",
            "0B101",
            "1_000",
            "1__0",
            "_1",
            "1_",
            "1.5",
            "-1.5",
            ".5",
            "5.",
            "1e3",
            "1E3",
            "1e999",
            "-1e999",
            ".inf",
            "-.inf",
            "+.inf",
            ".Inf",
            ".INF",
            ".nan",
            ".NaN",
            "-.nan",
            "+.nan",
            "inf",
            "nan",
            "NaN",
            "infinity",
            "true",
            "True",
            "TRUE",
            "tRue",
            "false",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "null",
            "Null",
            "NULL",
            "~",
            "",
            "nUll",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999999999999999999",
            "1.0.0",
            "v1",
            "0.1",
            "00.5",
            "01e2",
            "'1'",
            "\"true\"",
            "'null'",
            "!!str 1",
            "!!str null",
            "!!int 1",
            "!!float 1",
            "!!bool true",
            "!!null ''",
            "! 1",
            "<<",
            "'<<'",
            "a b",
            "\"a\\tb\"",
            "|\n  x\n",
            ">\n  x\n  y\n",
            "0x",
            "0o",
            "-",
            "+",
            "1-2",
        ] {
            same(&format!("k: {s}\n"));
            same(&format!("- {s}\n"));
        }
    }

    #[test]
    fn structures_read_as_before() {
        for text in [
            "a: 1\nb: [1, 2, {c: d}]\ne:\n  - f\n  - g: h\n    i: j\n",
            "a: &x {b: 1}\nc: *x\nd: [*x, *x]\n",
            "a: &x [1, 2]\nb: *x\n",
            "a: &s scalar\nb: *s\n",
            "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
            "a: {x: 1}\nb: {y: 2}\nm:\n  <<: [{x: 1}, {x: 2, z: 3}]\n  w: 0\n",
            "a: 1\na: 2\n",
            "? [a, b]\n: c\n",
            "1: a\n'1': b\n",
            "a:\nb: ~\n",
            "# comment\n\n---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: &a [*a]\n",
            "[1, 2",
            "a: b: c\n",
            "key: 'unterminated\n",
            "\t- a\n",
            "a:\n  - b\n - c\n",
            "",
            "--- \n",
            "just a string\n",
            "- a\n- b\n",
        ] {
            same(text);
        }
    }

    #[test]
    fn every_fixture_reads_as_before() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "contracts",
            "tests/fixtures/contracts/valid",
            "tests/fixtures/contracts/invalid",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).expect("fixture dir") {
                files.push(entry.expect("entry").path());
            }
        }
        for entry in std::fs::read_dir(root.join("tests/fixtures/omnibase_infra")).expect("infra") {
            let path = entry.expect("entry").path().join("contract.yaml");
            if path.is_file() {
                files.push(path);
            }
        }
        assert!(files.len() > 150);
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            match (old(&text), read(&text, LIMITS)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", file.display()),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{}: old {a:?}, new {b:?}", file.display()),
            }
        }
    }
    /// Seeded mutations of real contracts (YAML's significant characters
    /// dropped in at random places): the readers agree on every one.
    #[test]
    fn mutated_contracts_read_as_before() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let sources: Vec<String> = [
            "contracts/node_payment_gateway_effect.yaml",
            "contracts/node_order_fulfillment_orchestrator.yaml",
            "tests/fixtures/omnibase_infra/node_auth_gate_compute/contract.yaml",
        ]
        .iter()
        .map(|p| std::fs::read_to_string(root.join(p)).expect("fixture"))
        .collect();
        let alphabet: Vec<char> = "{}[]:,-&*!|>'\"%@` \n\t#?~<=01.eE_xob".chars().collect();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut disagreements = Vec::new();
        for case in 0..3_000 {
            let mut chars: Vec<char> = sources[case % sources.len()].chars().collect();
            for _ in 0..rng.usize(1..4) {
                let at = rng.usize(..chars.len());
                let c = alphabet[rng.usize(..alphabet.len())];
                match rng.u8(..3) {
                    0 => chars[at] = c,
                    1 => chars.insert(at, c),
                    _ => {
                        chars.remove(at);
                    }
                }
            }
            let text: String = chars.into_iter().collect();
            let agree = match (old(&text), read(&text, LIMITS)) {
                (Ok(a), Ok(b)) => a == b,
                (Err(_), Err(_)) => true,
                _ => false,
            };
            if !agree {
                disagreements.push(text);
            }
        }
        assert!(
            disagreements.is_empty(),
            "{} of 3,000 mutations read differently; the first:\n{}",
            disagreements.len(),
            disagreements[0]
        );
    }
}
