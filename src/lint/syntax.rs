//! Parsing with ruff's parser for Python 3.12 and choosing the one `SYN001` error `CPython` would
//! report: tokenizer errors win over parser errors, and a parser error inside a bracket that is
//! never closed is reported at that bracket, as `CPython`'s tokenizer does.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::ops::Deref;
use std::path::Path;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PythonVersion};
use ruff_python_parser::{
    LexicalErrorType, Mode, ParseError, ParseErrorType, ParseOptions, Parsed, parse_unchecked,
};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{Ranged, TextSize};

use super::nesting::{self, Depth, Refusal};
use super::rules::{self, Rule};
use crate::diagnostics::{Diagnostic, Position};

/// Whether a source of `len` bytes is small enough for ruff's 32-bit offsets.
pub(super) fn fits(len: usize) -> bool {
    u32::try_from(len).is_ok_and(|len| len < u32::MAX)
}

/// Parse `source` as a Python 3.12 module, keeping every error ruff finds; `Err` for nesting
/// `CPython` refuses before its parser gets that deep (and ours would need memory for).
pub(super) fn parse(source: &str) -> Result<Tree, Refusal> {
    if let Some(refusal) = nesting::prescan(source) {
        return Err(refusal);
    }
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY312);
    let parsed = match parse_unchecked(source, options).try_into_module() {
        Some(parsed) => parsed,
        // Module mode always yields a module; an empty parse keeps us panic-free regardless.
        None => {
            ruff_python_parser::parse_unchecked_source("", ruff_python_ast::PySourceType::Python)
        }
    };
    let depth = nesting::measure(parsed.syntax());
    Ok(Tree {
        parsed: Some(parsed),
        depth,
    })
}

/// A parsed module and how deep it nests. A tree deeper than any walk may go is never taken
/// apart (that would recurse as deep): its memory is left to the process.
pub(super) struct Tree {
    /// Always `Some` until the tree is dropped.
    parsed: Option<Parsed<ModModule>>,
    pub depth: Depth,
}

impl Tree {
    /// Runs `f`, which walks the tree, on a stack deep enough for it.
    pub(super) fn walk<T>(&self, f: impl FnOnce() -> T) -> T {
        nesting::with_stack(self.depth.stack_needed(), f)
    }
}

impl Deref for Tree {
    type Target = Parsed<ModModule>;

    fn deref(&self) -> &Self::Target {
        self.parsed
            .as_ref()
            .expect("a tree is only taken apart when dropped")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let Some(parsed) = self.parsed.take() else {
            return;
        };
        if self.depth.truncated {
            std::mem::forget(parsed);
        } else if self.depth.max > 64 {
            nesting::with_stack(self.depth.drop_stack(), move || drop(parsed));
        }
    }
}

/// Maps byte offsets to `CPython`'s 1-based line and character column, and positions to the
/// source line a diagnostic shows. Both tables are built on first use: a file without
/// findings never pays for them.
pub(super) struct Locator<'a> {
    source: &'a str,
    index: OnceCell<LineIndex>,
    /// Offsets of the `\n` bytes, for the lines as [`str::lines`] splits them when the text
    /// holds a `\r`.
    newlines: OnceCell<Vec<usize>>,
    has_cr: OnceCell<bool>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        Self {
            source,
            index: OnceCell::new(),
            newlines: OnceCell::new(),
            has_cr: OnceCell::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index
            .get_or_init(|| LineIndex::from_source_text(self.source))
    }

    pub(super) fn position(&self, offset: TextSize) -> Position {
        let offset = offset.min(self.source.text_len());
        let location = self.index().line_column(offset, self.source);
        Position::new(location.line.get(), location.column.get())
    }

    /// The number of characters on 1-based `line`, without its line ending.
    pub(super) fn line_chars(&self, line: usize) -> usize {
        let index = self.index();
        if line == 0 || line > index.line_count() {
            return 0;
        }
        let range = index.line_range(OneIndexed::from_zero_indexed(line - 1), self.source);
        self.source.get(range.to_std_range()).map_or(0, |text| {
            text.trim_end_matches(['\r', '\n']).chars().count()
        })
    }

    /// Line `line` (1-based) of the source as `source.lines().nth(line - 1)` gives it, which is
    /// what [`Diagnostic::at_in`] shows, without walking the text up to it for every finding.
    pub(super) fn source_line(&self, line: usize) -> Option<&'a str> {
        let k = line.saturating_sub(1);
        let has_cr = *self.has_cr.get_or_init(|| self.source.contains('\r'));
        // Without `\r` the index breaks lines where `str::lines` does.
        if !has_cr {
            let starts = self.index().line_starts();
            let start = starts.get(k)?.to_usize();
            return match starts.get(k + 1) {
                Some(next) => Some(&self.source[start..next.to_usize() - 1]),
                None if start < self.source.len() => Some(&self.source[start..]),
                None => None,
            };
        }
        let newlines = self
            .newlines
            .get_or_init(|| self.source.match_indices('\n').map(|(at, _)| at).collect());
        let start = if k == 0 { 0 } else { newlines.get(k - 1)? + 1 };
        match newlines.get(k) {
            Some(&end) => {
                let text = &self.source[start..end];
                Some(text.strip_suffix('\r').unwrap_or(text))
            }
            None if start < self.source.len() => Some(&self.source[start..]),
            None => None,
        }
    }

    /// `diagnostic` placed at `position`, with the source line it points into: the same as
    /// `diagnostic.at_in(position, source)`.
    pub(super) fn place(&self, diagnostic: Diagnostic, position: Position) -> Diagnostic {
        let mut diagnostic = diagnostic.at(position);
        diagnostic.source_line = self.source_line(position.line).map(str::to_owned);
        diagnostic
    }

    /// `diagnostic` placed at the position of `offset`, with its source line.
    pub(super) fn place_offset(&self, diagnostic: Diagnostic, offset: TextSize) -> Diagnostic {
        self.place(diagnostic, self.position(offset))
    }

    /// A finding of rule `code` at `offset` in `path`, its severity from the catalogue, with
    /// its source line and `help`: what every tree pass reports.
    pub(super) fn finding(
        &self,
        code: Rule,
        path: &Path,
        message: String,
        offset: TextSize,
        help: &str,
    ) -> Diagnostic {
        self.place_offset(super::rules::diagnostic(code, path, message), offset)
            .with_help(help)
    }
}

trait TextLen {
    fn text_len(&self) -> TextSize;
}

impl TextLen for str {
    fn text_len(&self) -> TextSize {
        TextSize::try_from(self.len()).unwrap_or(TextSize::new(u32::MAX))
    }
}

/// Which part of `CPython` raises an error decides which error it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Parser,
    /// A tokenizer error; after a parser error `CPython` tokenizes the rest of the file, and
    /// one of these found there replaces the parser's error.
    Tokenizer,
    /// An indentation error of the tokenizer, which only counts when it comes first.
    Indentation,
}

/// One candidate error, before we decide which one `CPython` would report.
struct Candidate {
    offset: TextSize,
    /// `CPython`'s column when it is not the one of `offset`.
    column: Option<usize>,
    message: String,
    origin: Origin,
    /// The parser stopped at an expression where it wanted a separator, as in `[1 2`.
    adjacent_expressions: bool,
}

/// The `SYN001` diagnostic `CPython` 3.12 would most likely raise, if the parse failed.
pub(super) fn first_error(
    path: &Path,
    source: &str,
    locator: &Locator,
    tree: &Tree,
) -> Option<Diagnostic> {
    let parsed: &Parsed<ModModule> = tree;
    let mut candidates: Vec<Candidate> = parsed
        .errors()
        .iter()
        .map(|error| parse_candidate(error, source, locator, parsed))
        .chain(
            parsed
                .unsupported_syntax_errors()
                .iter()
                .map(|error| Candidate {
                    offset: error.range().start(),
                    column: None,
                    message: error.to_string(),
                    origin: Origin::Parser,
                    adjacent_expressions: false,
                }),
        )
        .collect();
    candidates.extend(nesting_error(source, parsed));
    // `CPython`'s parser stops where its stack overflows: what lies beyond is never seen.
    let overflow = tree.depth.parser_overflow;
    let before_overflow = |candidate: &Candidate| overflow.is_none_or(|at| candidate.offset < at);
    candidates.retain(before_overflow);
    // Without tabs or form feeds both measures of indentation agree with ruff's, whose lexer
    // then reports every bad dedent itself: a file it accepts needs no second look.
    if candidates.is_empty()
        && overflow.is_none()
        && !source.contains('\t')
        && !source.contains('\x0c')
    {
        return None;
    }
    // Ahead of the others, so it wins a tie with ruff's own error on the same line.
    if let Some(tab_error) = indentation_error(source, parsed).filter(before_overflow) {
        candidates.insert(0, tab_error);
    }
    if candidates.is_empty() {
        return overflow.map(|at| {
            locator.place_offset(
                rules::diagnostic(Rule::SYN001, path, nesting::PARSER_OVERFLOW),
                at,
            )
        });
    }
    let mut brackets = scan_brackets(parsed);
    brackets.errors.retain(before_overflow);
    brackets.unclosed.retain(before_overflow);
    candidates.extend(brackets.errors);
    candidates.sort_by_key(|candidate| candidate.offset);

    let first = &candidates[0];
    let later_tokenizer_error = candidates.iter().find(|c| c.origin == Origin::Tokenizer);
    let chosen = if first.origin != Origin::Parser {
        first
    } else if let Some(tokenizer_error) = later_tokenizer_error {
        tokenizer_error
    } else {
        // After a parser error `CPython` tokenizes on to the end of the file and reports the
        // innermost bracket left open if it was opened on an earlier line than the error. Its
        // parser reaches the end of the file itself when the error is on the last line, or
        // when it goes on looking for a missing comma between expressions.
        let error_line = locator.position(first.offset).line;
        let reaches_end =
            first.adjacent_expressions || last_significant_line(parsed, locator) <= error_line;
        match brackets.unclosed.last() {
            Some(open)
                if brackets.unclosed[0].offset <= first.offset
                    && (locator.position(open.offset).line < error_line || reaches_end) =>
            {
                open
            }
            _ => first,
        }
    };
    let mut position = locator.position(chosen.offset);
    if let Some(column) = chosen.column {
        position.column = column;
    }
    Some(locator.place(
        rules::diagnostic(Rule::SYN001, path, chosen.message.clone()),
        position,
    ))
}

/// One of ruff's errors, moved to where `CPython` reports it and worded as `CPython` words the
/// ones whose wording differs most.
fn parse_candidate(
    error: &ParseError,
    source: &str,
    locator: &Locator,
    parsed: &Parsed<ModModule>,
) -> Candidate {
    let origin = match &error.error {
        // The end of the file inside a bracket is judged with the brackets below.
        ParseErrorType::Lexical(LexicalErrorType::Eof) => Origin::Parser,
        ParseErrorType::Lexical(LexicalErrorType::IndentationError) => Origin::Indentation,
        ParseErrorType::Lexical(_)
        | ParseErrorType::FStringError(_)
        | ParseErrorType::TStringError(_) => Origin::Tokenizer,
        _ => Origin::Parser,
    };
    let mut candidate = Candidate {
        offset: error.range().start(),
        column: None,
        message: error.error.to_string(),
        origin,
        adjacent_expressions: matches!(
            error.error,
            ParseErrorType::ExpectedToken {
                found: TokenKind::Name
                    | TokenKind::Int
                    | TokenKind::Float
                    | TokenKind::Complex
                    | TokenKind::String
                    | TokenKind::FStringStart
                    | TokenKind::Lpar
                    | TokenKind::Lsqb
                    | TokenKind::Lbrace,
                ..
            }
        ),
    };
    match &error.error {
        // CPython points just past the indentation, or at the end of a line that
        // dedents to no known level.
        ParseErrorType::UnexpectedIndentation => {
            let width = source
                .get(error.range().to_std_range())
                .map_or(1, |indent| indent.chars().count());
            candidate.column = Some(width.max(1));
            "unexpected indent".clone_into(&mut candidate.message);
        }
        ParseErrorType::Lexical(LexicalErrorType::IndentationError) => {
            let line = locator.position(error.range().start()).line;
            candidate.column = Some(locator.line_chars(line) + 1);
            "unindent does not match any outer indentation level"
                .clone_into(&mut candidate.message);
        }
        ParseErrorType::Lexical(LexicalErrorType::LineContinuationError) => {
            // Past the backslash, at the character that follows it.
            candidate.offset = error.range().start() + TextSize::new(1);
            "unexpected character after line continuation character"
                .clone_into(&mut candidate.message);
        }
        // Inside brackets, ruff ends the bracket at a line starting with a keyword;
        // `CPython` reports the keyword.
        ParseErrorType::ExpectedToken {
            expected: TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace,
            found: TokenKind::Newline,
        } => {
            if let Some(next) = next_significant_token(parsed, error.range().start()) {
                candidate.offset = next;
            }
        }
        // `a, b += 1`: `CPython` refuses the tuple target from the statement's start.
        ParseErrorType::ExpectedToken { found, .. }
            if found.as_augmented_assign_operator().is_some() =>
        {
            candidate.offset = statement_start(parsed, error.range().start());
            "'tuple' is an illegal expression for augmented assignment"
                .clone_into(&mut candidate.message);
        }
        // `print "x"`: `CPython` names the Python 2 statement, at `print`.
        ParseErrorType::SimpleStatementsOnSameLine => {
            let start = statement_start(parsed, error.range().start());
            let first = parsed.tokens().iter().find(|t| t.start() >= start);
            if first.is_some_and(|t| {
                t.kind() == TokenKind::Name && source.get(t.range().to_std_range()) == Some("print")
            }) {
                candidate.offset = start;
                "Missing parentheses in call to 'print'. Did you mean print(...)?"
                    .clone_into(&mut candidate.message);
            }
        }
        // `CPython` reports an argument-order error at the call's closing parenthesis.
        ParseErrorType::PositionalAfterKeywordArgument
        | ParseErrorType::PositionalAfterKeywordUnpacking => {
            if let Some(close) = closing_paren_after(parsed, error.range().start()) {
                candidate.offset = close;
            }
            candidate.message =
                if matches!(error.error, ParseErrorType::PositionalAfterKeywordUnpacking) {
                    "positional argument follows keyword argument unpacking".to_owned()
                } else {
                    "positional argument follows keyword argument".to_owned()
                };
        }
        // `CPython` reports a missing block at the statement that should have been
        // indented; ruff at the end of the header when a dedent follows it.
        ParseErrorType::OtherError(message)
            if message.starts_with("Expected an indented block") =>
        {
            let header_line = locator.position(error.range().start()).line;
            if let Some(next) = next_significant_token(parsed, error.range().start()) {
                candidate.offset = next;
            }
            candidate.message = format!("{message} on line {header_line}");
        }
        _ => {}
    }
    candidate
}

/// The first nesting `CPython`'s tokenizer refuses: the 201st nested bracket, the 100th
/// indentation level or the 150th nested f-string.
fn nesting_error(source: &str, parsed: &Parsed<ModModule>) -> Option<Candidate> {
    let (mut brackets, mut indents, mut fstrings) = (0usize, 0usize, 0usize);
    let candidate = |offset: TextSize, column: Option<usize>, message: &str| Candidate {
        offset,
        column,
        message: message.to_owned(),
        origin: Origin::Tokenizer,
        adjacent_expressions: false,
    };
    for token in parsed.tokens() {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                brackets += 1;
                if brackets > nesting::MAX_BRACKETS {
                    return Some(candidate(token.start(), None, nesting::TOO_MANY_BRACKETS));
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                brackets = brackets.saturating_sub(1);
            }
            TokenKind::Indent => {
                indents += 1;
                if indents > nesting::MAX_INDENTS {
                    return Some(candidate(token.start(), Some(1), nesting::TOO_MANY_INDENTS));
                }
            }
            TokenKind::Dedent => indents = indents.saturating_sub(1),
            TokenKind::FStringStart => {
                fstrings += 1;
                if fstrings > nesting::MAX_FSTRINGS {
                    // At the quote, after the prefix.
                    let prefix = source
                        .get(token.range().to_std_range())
                        .map_or(0, |text| text.find(['"', '\'']).unwrap_or(0));
                    let offset = token.start() + TextSize::try_from(prefix).unwrap_or_default();
                    return Some(candidate(offset, None, nesting::TOO_MANY_FSTRINGS));
                }
            }
            TokenKind::FStringEnd => fstrings = fstrings.saturating_sub(1),
            _ => {}
        }
    }
    None
}

struct Brackets {
    /// Closing brackets with no opener, or with the wrong one.
    errors: Vec<Candidate>,
    /// Brackets still open at the end of the file, outermost first.
    unclosed: Vec<Candidate>,
}

/// Match brackets over the token stream the way `CPython`'s tokenizer does.
fn scan_brackets(parsed: &Parsed<ModModule>) -> Brackets {
    let mut stack: Vec<(char, TextSize)> = Vec::new();
    let mut errors = Vec::new();
    for token in parsed.tokens() {
        let (open, close) = match token.kind() {
            TokenKind::Lpar => (Some('('), None),
            TokenKind::Lsqb => (Some('['), None),
            TokenKind::Lbrace => (Some('{'), None),
            TokenKind::Rpar => (None, Some(')')),
            TokenKind::Rsqb => (None, Some(']')),
            TokenKind::Rbrace => (None, Some('}')),
            _ => (None, None),
        };
        if let Some(open) = open {
            stack.push((open, token.start()));
        } else if let Some(close) = close {
            match stack.pop() {
                Some((open, _)) if matching(open) == close => {}
                Some((open, _)) => errors.push(Candidate {
                    offset: token.start(),
                    column: None,
                    message: format!(
                        "closing parenthesis '{close}' does not match opening parenthesis '{open}'"
                    ),
                    origin: Origin::Tokenizer,
                    adjacent_expressions: false,
                }),
                None => errors.push(Candidate {
                    offset: token.start(),
                    column: None,
                    message: format!("unmatched '{close}'"),
                    origin: Origin::Tokenizer,
                    adjacent_expressions: false,
                }),
            }
        }
    }
    let unclosed = stack
        .into_iter()
        .map(|(open, offset)| Candidate {
            offset,
            column: None,
            message: format!("'{open}' was never closed"),
            origin: Origin::Tokenizer,
            adjacent_expressions: false,
        })
        .collect();
    Brackets { errors, unclosed }
}

fn matching(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// `CPython`'s indentation errors, which ruff measures differently when tabs are involved: each
/// logical line's indentation is compared twice, with tabs to multiples of 8 and with tabs as
/// one column; the comparisons must agree (else `TabError`) and a dedent must return to a
/// level seen before.
fn indentation_error(source: &str, parsed: &Parsed<ModModule>) -> Option<Candidate> {
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    let mut at_line_start = true;
    for token in parsed.tokens() {
        match token.kind() {
            TokenKind::Newline => {
                at_line_start = true;
                continue;
            }
            TokenKind::NonLogicalNewline
            | TokenKind::Comment
            | TokenKind::Indent
            | TokenKind::Dedent => continue,
            _ if !at_line_start => continue,
            _ => at_line_start = false,
        }
        let start = token.start().to_usize();
        let bytes = source.as_bytes();
        // Mostly only the indentation lies between the token and its line's start.
        let line_start = bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // From the line's text: after a bad dedent ruff's error token covers the indentation.
        let indent_len = bytes[line_start..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\x0c'))
            .count();
        let indent = &bytes[line_start..line_start + indent_len];
        if line_start + indent.len() < start {
            // The token is not the first thing on its line (a continuation or `;`).
            if !source[line_start + indent.len()..start].trim().is_empty() {
                continue;
            }
        }
        let (mut col, mut alt) = (0, 0);
        for c in indent {
            match c {
                b' ' => {
                    col += 1;
                    alt += 1;
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    alt += 1;
                }
                _ => {
                    col = 0;
                    alt = 0;
                }
            }
        }
        let &(top_col, top_alt) = stack.last().unwrap_or(&(0, 0));
        let consistent = match col.cmp(&top_col) {
            Ordering::Equal => alt == top_alt,
            Ordering::Greater => {
                stack.push((col, alt));
                alt > top_alt
            }
            Ordering::Less => {
                while stack.len() > 1 && stack.last().is_some_and(|&(c, _)| col < c) {
                    stack.pop();
                }
                match stack.last() {
                    Some(&(c, a)) if c == col => a == alt,
                    _ => {
                        let line = &source[line_start..];
                        let end = line.find(['\r', '\n']).unwrap_or(line.len());
                        return Some(Candidate {
                            offset: TextSize::try_from(line_start + end).unwrap_or_default(),
                            column: None,
                            message: "unindent does not match any outer indentation level"
                                .to_owned(),
                            origin: Origin::Indentation,
                            adjacent_expressions: false,
                        });
                    }
                }
            }
        };
        if !consistent {
            return Some(Candidate {
                offset: TextSize::try_from(line_start).unwrap_or_default(),
                column: None,
                message: "inconsistent use of tabs and spaces in indentation".to_owned(),
                origin: Origin::Indentation,
                adjacent_expressions: false,
            });
        }
    }
    None
}

/// The start of the first token at or after `offset` that is not a line break, comment or
/// indentation change, unless that is the end of the file.
/// Where the simple statement holding `offset` starts: its first significant
/// token after a newline, an indent change or a `;`.
fn statement_start(parsed: &Parsed<ModModule>, offset: TextSize) -> TextSize {
    let mut start = TextSize::new(0);
    let mut at_line_start = true;
    for token in parsed.tokens().iter().take_while(|t| t.start() < offset) {
        match token.kind() {
            TokenKind::Newline | TokenKind::Indent | TokenKind::Dedent | TokenKind::Semi => {
                at_line_start = true;
            }
            TokenKind::NonLogicalNewline | TokenKind::Comment => {}
            _ if at_line_start => {
                start = token.start();
                at_line_start = false;
            }
            _ => {}
        }
    }
    start
}

/// The `)` that closes the parenthesis open at `offset`.
fn closing_paren_after(parsed: &Parsed<ModModule>, offset: TextSize) -> Option<TextSize> {
    let mut depth = 0usize;
    for token in parsed.tokens().iter().skip_while(|t| t.start() < offset) {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => depth += 1,
            TokenKind::Rpar if depth == 0 => return Some(token.start()),
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                depth = depth.checked_sub(1)?;
            }
            _ => {}
        }
    }
    None
}

/// Line breaks, comments and indentation changes: tokens that carry no code.
fn is_layout(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Newline
            | TokenKind::NonLogicalNewline
            | TokenKind::Comment
            | TokenKind::Indent
            | TokenKind::Dedent
    )
}

fn next_significant_token(parsed: &Parsed<ModModule>, offset: TextSize) -> Option<TextSize> {
    parsed
        .tokens()
        .iter()
        .skip_while(|token| token.start() < offset)
        .find(|token| !is_layout(token.kind()))
        .filter(|token| token.kind() != TokenKind::EndOfFile)
        .map(Ranged::start)
}

/// The line of the last token that is not a line break, comment or indentation change.
fn last_significant_line(parsed: &Parsed<ModModule>, locator: &Locator) -> usize {
    parsed
        .tokens()
        .iter()
        .rev()
        .find(|token| !is_layout(token.kind()) && token.kind() != TokenKind::EndOfFile)
        .map_or(1, |token| locator.position(token.start()).line)
}
