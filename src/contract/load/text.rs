//! From bytes to the spanned tree: decoding, line endings, YAML parsing with its
//! limits, and positions for what goes wrong on the way.

use crate::contract::tree::Node;
use crate::contract::yaml;
use crate::diagnostics::{Diagnostic, Position};
use std::path::Path;

/// Bytes to text, refusing binary and non-UTF-8 input with a position. Lone `\r` line
/// breaks (valid YAML) become `\n`, byte for byte, so positions stay the same: the YAML
/// reader and the line index only know `\n` and `\r\n`.
pub(super) fn decode<'a>(
    path: &Path,
    bytes: &'a [u8],
) -> Result<std::borrow::Cow<'a, str>, Vec<Diagnostic>> {
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let pos = byte_position(bytes, at);
        return Err(vec![
            Diagnostic::error(
                path,
                "this is a binary file, not a YAML contract (NUL byte)",
            )
            .at(pos),
        ]);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let pos = byte_position(bytes, e.valid_up_to());
        vec![
            Diagnostic::error(path, "the contract is not valid UTF-8 text")
                .at(pos)
                .with_help("save the file as UTF-8"),
        ]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = lone_cr_to_lf(text);
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "---");
    if !meaningful {
        return Err(vec![
            Diagnostic::error(path, "the contract is empty")
                .at(Position::new(1, 1))
                .with_help("a contract needs at least name, node_type and contract_version"),
        ]);
    }
    Ok(text)
}

/// `text` with each `\r` that no `\n` follows replaced by `\n`.
pub(super) fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |at: usize| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for at in (0..bytes.len()).filter(|&at| lone(at)) {
        out.push_str(&text[start..at]);
        out.push('\n');
        start = at + 1;
    }
    out.push_str(&text[start..]);
    std::borrow::Cow::Owned(out)
}

/// Place a diagnostic, showing its source line unless that line is too long to read.
pub(super) fn located(diagnostic: Diagnostic, pos: Position, lines: &[&str]) -> Diagnostic {
    let mut diagnostic = diagnostic.at(pos);
    diagnostic.source_line = lines
        .get(pos.line.saturating_sub(1))
        .filter(|line| line.len() <= MAX_SHOWN_LINE)
        .map(|line| (*line).to_owned());
    diagnostic
}

/// Longer source lines are not echoed under a diagnostic.
pub(super) const MAX_SHOWN_LINE: usize = 400;

pub(super) fn byte_position(bytes: &[u8], at: usize) -> Position {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.split(|&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position::new(line, column)
}

/// Nesting allowed in a contract (published ones reach 8).
pub(super) const MAX_DEPTH: usize = 32;

/// Nodes allowed in a contract, aliases counted at every use (published ones
/// have a few hundred): a bound on the memory an alias bomb can ask for.
pub(super) const MAX_NODES: usize = 500_000;

pub(super) fn parse_tree(path: &Path, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let limits = yaml::Limits {
        max_depth: MAX_DEPTH,
        max_nodes: MAX_NODES,
    };
    // A fault in the reader on some input is that file's error, not the run's end.
    let read = std::panic::catch_unwind(|| yaml::read(text, limits)).unwrap_or_else(|_| {
        Err(yaml::YamlError {
            kind: yaml::YamlErrorKind::Syntax,
            message: "the YAML reader failed on this file".to_owned(),
            pos: Position::new(1, 1),
        })
    });
    read.map_err(|error| {
        let message = match error.kind {
            yaml::YamlErrorKind::Limit => {
                format!("the file exceeds the reader's limits ({})", error.message)
            }
            yaml::YamlErrorKind::Depth | yaml::YamlErrorKind::Syntax => error.message,
        };
        let lines: Vec<&str> = text.lines().collect();
        vec![located(
            Diagnostic::error(path, format!("invalid YAML: {message}")),
            error.pos,
            &lines,
        )]
    })
}
