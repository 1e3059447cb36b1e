//! `SYN003`: turning a file's bytes into text as `CPython` does. UTF-8 unless a PEP 263 coding
//! cookie in line 1 or 2 declares otherwise; a UTF-8 byte order mark is dropped; NUL bytes are
//! refused.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{Encoding, WINDOWS_1252};

use ruff_text_size::Ranged;

use super::rules::{self, Rule};
use crate::diagnostics::{Diagnostic, Position};

/// The bytes `CPython`'s cp1252 codec refuses, though the `WHATWG` table maps them.
const CP1252_UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

enum Codec {
    Utf8,
    Latin1,
    Ascii,
    Cp1252,
    Other(&'static Encoding),
}

/// Decode `bytes` as `CPython` would read a source file; UTF-8 input is borrowed, not copied.
pub(super) fn decode<'b>(path: &Path, bytes: &'b [u8]) -> Result<Cow<'b, str>, Box<Diagnostic>> {
    // `contains` is a vectorised search; most files have no NUL to locate.
    if bytes.contains(&0)
        && let Some(offset) = bytes.iter().position(|byte| *byte == 0)
    {
        return Err(error(
            path,
            position_after(&String::from_utf8_lossy(&bytes[..offset])),
            "source code cannot contain null bytes",
        ));
    }
    let (has_bom, bytes) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let codec = match cookie(bytes) {
        None => Codec::Utf8,
        Some((name, line)) => {
            let codec = codec(&name).ok_or_else(|| {
                error(
                    path,
                    Position::new(line, 1),
                    format!("unknown encoding: {name}"),
                )
            })?;
            // CPython compares the cookie's spelling, not the codec, with the BOM.
            let normal = name.to_ascii_lowercase().replace('_', "-");
            if has_bom && normal != "utf-8" && !normal.starts_with("utf-8-") {
                return Err(error(
                    path,
                    Position::new(line, 1),
                    format!("encoding problem: {name} with BOM"),
                ));
            }
            codec
        }
    };
    match codec {
        Codec::Utf8 => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(e) => {
                let offset = e.valid_up_to();
                let byte = bytes.get(offset).copied().unwrap_or_default();
                let position = token_start(&String::from_utf8_lossy(bytes), offset);
                Err(error(
                    path,
                    position,
                    format!(
                        "Non-UTF-8 code starting with '\\x{byte:02x}' on line {}, but no encoding declared",
                        position.line
                    ),
                ))
            }
        },
        Codec::Latin1 => Ok(Cow::Owned(
            bytes.iter().map(|byte| char::from(*byte)).collect(),
        )),
        Codec::Ascii => match bytes.iter().position(|byte| !byte.is_ascii()) {
            None => Ok(Cow::Owned(
                bytes.iter().map(|byte| char::from(*byte)).collect(),
            )),
            Some(offset) => Err(undecodable(path, bytes, offset, "ascii")),
        },
        Codec::Cp1252 => match bytes.iter().position(|b| CP1252_UNDEFINED.contains(b)) {
            Some(offset) => Err(undecodable(path, bytes, offset, "cp1252")),
            None => decode_with(path, bytes, WINDOWS_1252).map(Cow::Owned),
        },
        Codec::Other(encoding) => decode_with(path, bytes, encoding).map(Cow::Owned),
    }
}

fn decode_with(
    path: &Path,
    bytes: &[u8],
    encoding: &'static Encoding,
) -> Result<String, Box<Diagnostic>> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, _read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        encoding_rs::DecoderResult::Malformed(..) | encoding_rs::DecoderResult::OutputFull => {
            Err(error(
                path,
                position_after(&text),
                format!("the bytes cannot be decoded as {}", encoding.name()),
            ))
        }
    }
}

fn undecodable(path: &Path, bytes: &[u8], offset: usize, name: &str) -> Box<Diagnostic> {
    let prefix: String = bytes[..offset].iter().map(|b| char::from(*b)).collect();
    let byte = bytes[offset];
    error(
        path,
        position_after(&prefix),
        format!("'{name}' codec cannot decode byte 0x{byte:02x}"),
    )
}

fn error(path: &Path, position: Position, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(
        rules::diagnostic(Rule::SYN003, path, message)
            .at(position)
            .with_help("save the file as UTF-8, or declare its encoding in a `# -*- coding: NAME -*-` comment on line 1 or 2"),
    )
}

/// Where `CPython` reports an undecodable byte at `offset`: the start of the token holding it.
/// `text` is the file decoded with replacement characters, identical to the bytes up to
/// `offset`.
fn token_start(text: &str, offset: usize) -> Position {
    let start = super::syntax::parse(text).map_or(offset, |parsed| {
        parsed
            .tokens()
            .iter()
            .map(|token| (token.start().to_usize(), token.end().to_usize()))
            .find(|&(start, end)| start <= offset && offset < end)
            .map_or(offset, |(start, _)| start)
    });
    position_after(text.get(..start).unwrap_or_default())
}

/// The position just after `prefix`, in `CPython`'s 1-based lines and character columns.
fn position_after(prefix: &str) -> Position {
    let line = prefix.matches('\n').count() + 1;
    let last_line = prefix.rsplit('\n').next().unwrap_or_default();
    Position::new(line, last_line.chars().count() + 1)
}

/// The encoding a PEP 263 cookie declares, and its line: line 1, or line 2 when line 1 is
/// blank or only a comment.
fn cookie(bytes: &[u8]) -> Option<(String, usize)> {
    let mut lines = bytes.split(|byte| *byte == b'\n');
    let first = lines.next()?;
    if let Some(name) = cookie_in_line(first) {
        return Some((name, 1));
    }
    let trimmed = first.trim_ascii_start();
    if !(trimmed.is_empty() || trimmed.starts_with(b"#") || trimmed == b"\r") {
        return None;
    }
    cookie_in_line(lines.next()?).map(|name| (name, 2))
}

/// `CPython`'s `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`.
fn cookie_in_line(line: &[u8]) -> Option<String> {
    let start = line
        .iter()
        .position(|byte| !matches!(byte, b' ' | b'\t' | b'\x0c'))?;
    let comment = line[start..].strip_prefix(b"#")?;
    let mut from = 0;
    while let Some(found) = find(&comment[from..], b"coding") {
        let after = from + found + b"coding".len();
        if matches!(comment.get(after), Some(b':' | b'=')) {
            let value = comment[after + 1..].trim_ascii_start();
            let name: String = value
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                .map(|b| char::from(*b))
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
        from = after;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Python's codec for `name`, for the codecs a source file can be written in.
fn codec(name: &str) -> Option<Codec> {
    let normal = name.to_ascii_lowercase().replace(['_', ' '], "-");
    let codec = match normal.as_str() {
        "utf-8" | "utf8" | "u8" | "utf" | "cp65001" => Codec::Utf8,
        n if n.starts_with("utf-8-") => Codec::Utf8,
        "latin-1" | "latin1" | "latin" | "l1" | "iso-8859-1" | "iso8859-1" | "iso-latin-1"
        | "8859" | "cp819" | "iso-ir-100" | "csisolatin1" => Codec::Latin1,
        n if n.starts_with("latin-1-") || n.starts_with("iso-8859-1-") => Codec::Latin1,
        "ascii" | "us-ascii" | "646" | "us" | "ansi-x3.4-1968" => Codec::Ascii,
        "cp1252" | "windows-1252" => Codec::Cp1252,
        n => {
            let encoding = Encoding::for_label(n.as_bytes())?;
            // Python source must be ASCII-compatible; WHATWG also maps several ISO names to
            // Windows code pages that differ from Python's codecs of those names.
            if !encoding.is_ascii_compatible() || encoding == WINDOWS_1252 {
                return None;
            }
            Codec::Other(encoding)
        }
    };
    Some(codec)
}
