//! Nesting refused before anything is parsed: brackets, indentation, f-strings
//! and chains of right-recursive operators, scanned over the source bytes.

use super::{
    MAX_BRACKETS, MAX_FSTRINGS, MAX_PARSER_LEVELS, MIN_BASE_LEVELS, PARSER_OVERFLOW, Refusal,
    TOO_MANY_BRACKETS, TOO_MANY_FSTRINGS,
};
use ruff_text_size::TextSize;

/// The first nesting in `source` that `CPython` refuses whatever surrounds it, found without
/// parsing: the 201st nested bracket, the 150th nested f-string, or a chain of right-recursive
/// operators longer than `CPython`'s parser follows even at module level. The scan knows
/// strings, comments and f-strings; anything else it does not understand ends a chain.
pub(in crate::lint) fn prescan(source: &str) -> Option<Refusal> {
    Scanner::new(source.as_bytes()).run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// `(`, `[` or `{` in code.
    Bracket,
    /// The code of an f-string replacement field, opened by its `{`.
    Field,
    /// The literal text of an f-string.
    FString { quote: u8, triple: bool },
    /// The format spec of a replacement field, after its `:`.
    FormatSpec,
}

pub(super) struct Frame {
    pub(super) context: Context,
    /// The chain levels where the frame was opened, restored when it closes.
    pub(super) saved_level: usize,
    pub(super) saved_start: usize,
    /// Levels at which each element of the frame starts.
    pub(super) base: usize,
    /// Levels of the conditional expressions waiting for their `else`.
    pub(super) ifs: Vec<usize>,
    /// Levels of the lambdas waiting for their `:`.
    pub(super) lambdas: Vec<usize>,
    pub(super) comprehension: bool,
}

pub(super) struct Scanner<'s> {
    pub(super) bytes: &'s [u8],
    pub(super) at: usize,
    pub(super) frames: Vec<Frame>,
    /// Levels of the right-recursive chain at this point (over `BASE_LEVELS`).
    pub(super) level: usize,
    /// Levels at which the current expression started.
    pub(super) start: usize,
    /// Whether the last token ended an operand (so `-` is binary, `if` is a conditional).
    pub(super) after_operand: bool,
    pub(super) brackets: usize,
    pub(super) fstrings: usize,
}

impl<'s> Scanner<'s> {
    fn new(bytes: &'s [u8]) -> Self {
        Self {
            bytes,
            at: 0,
            frames: vec![Frame::top()],
            level: 0,
            start: 0,
            after_operand: false,
            brackets: 0,
            fstrings: 0,
        }
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.at + ahead).copied().unwrap_or(0)
    }

    fn frame(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            self.frames.push(Frame::top());
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn context(&self) -> Context {
        self.frames.last().map_or(Context::Bracket, |f| f.context)
    }

    fn run(mut self) -> Option<Refusal> {
        while self.at < self.bytes.len() {
            let refusal = match self.context() {
                Context::FString { quote, triple } => self.fstring_text(quote, triple),
                Context::FormatSpec => self.format_spec(),
                Context::Bracket | Context::Field => self.code(),
            };
            if refusal.is_some() {
                return refusal;
            }
        }
        None
    }

    /// Raises the chain by `by` levels; past the parser's limit the file is refused.
    fn deeper(&mut self, by: usize, at: usize) -> Option<Refusal> {
        self.level += by;
        if MIN_BASE_LEVELS + self.level > MAX_PARSER_LEVELS {
            return refuse(at, PARSER_OVERFLOW);
        }
        None
    }

    /// Ends the chain: the next operand starts the expression's level again.
    fn reset(&mut self) {
        self.level = self.start;
        self.after_operand = false;
    }

    /// A new element of the innermost frame: `,`, `:` or `=`.
    fn separator(&mut self) {
        let frame = self.frame();
        let base = frame.base;
        frame.ifs.clear();
        frame.comprehension = false;
        self.start = base;
        self.reset();
    }

    fn open(&mut self, context: Context, at: usize) -> Option<Refusal> {
        if matches!(context, Context::Bracket | Context::Field) {
            self.brackets += 1;
            if self.brackets > MAX_BRACKETS {
                return refuse(at, TOO_MANY_BRACKETS);
            }
        }
        self.frames
            .push(Frame::opened(context, self.level, self.start));
        self.start = self.level;
        self.after_operand = false;
        None
    }

    fn close(&mut self) {
        if self.frames.len() <= 1 {
            // An unmatched closing bracket: `CPython` refuses it; nothing to restore.
            self.reset();
            return;
        }
        if let Some(frame) = self.frames.pop() {
            if matches!(frame.context, Context::Bracket | Context::Field) {
                self.brackets -= 1;
            }
            if matches!(frame.context, Context::FString { .. }) {
                self.fstrings -= 1;
            }
            self.level = frame.saved_level;
            self.start = frame.saved_start;
        }
    }

    /// Literal text of an f-string, up to a replacement field or its closing quote.
    fn fstring_text(&mut self, quote: u8, triple: bool) -> Option<Refusal> {
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            match c {
                b'\\' => self.at += 2,
                b'{' if self.peek(1) == b'{' => self.at += 2,
                b'}' if self.peek(1) == b'}' => self.at += 2,
                b'{' => {
                    let at = self.at;
                    self.at += 1;
                    return self.open(Context::Field, at);
                }
                b'\n' | b'\r' if !triple => {
                    // Unterminated: `CPython` refuses it; the scan goes on as code.
                    self.close();
                    self.after_operand = true;
                    return None;
                }
                _ if c == quote
                    && (!triple || (self.peek(1) == quote && self.peek(2) == quote)) =>
                {
                    self.at += if triple { 3 } else { 1 };
                    self.close();
                    self.after_operand = true;
                    return None;
                }
                _ => self.at += 1,
            }
        }
        None
    }

    /// A format spec, up to a nested replacement field or the `}` that ends its field.
    fn format_spec(&mut self) -> Option<Refusal> {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'{' => {
                    let at = self.at;
                    self.at += 1;
                    return self.open(Context::Field, at);
                }
                b'}' => {
                    self.at += 1;
                    self.close(); // the spec
                    self.close(); // its field
                    return None;
                }
                b'\n' | b'"' | b'\'' => {
                    // A spec never holds these; let the f-string's text end it.
                    self.close();
                    return None;
                }
                _ => self.at += 1,
            }
        }
        None
    }

    /// Code, one token at a time, until the context changes.
    #[allow(clippy::too_many_lines)]
    fn code(&mut self) -> Option<Refusal> {
        let context = self.context();
        while self.at < self.bytes.len() {
            let at = self.at;
            let c = self.bytes[at];
            match c {
                b' ' | b'\t' | b'\x0c' => self.at += 1,
                b'\\' => self.at += 2,
                b'\n' | b'\r' => {
                    self.at += 1;
                    if self.frames.len() == 1 {
                        self.statement();
                    }
                }
                b'#' => {
                    while self.at < self.bytes.len() && self.bytes[self.at] != b'\n' {
                        self.at += 1;
                    }
                }
                b'"' | b'\'' => {
                    self.string(at, false);
                    if self.context() != context {
                        return self.fstring_depth(at);
                    }
                }
                b'0'..=b'9' => self.number(),
                b'.' if self.peek(1).is_ascii_digit() => self.number(),
                _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    let end = self.word_end();
                    let word = &self.bytes[at..end];
                    self.at = end;
                    if matches!(self.peek(0), b'"' | b'\'') && is_string_prefix(word) {
                        let fstring = word.iter().any(|b| b.eq_ignore_ascii_case(&b'f'));
                        let quote_at = self.at;
                        self.string(quote_at, fstring);
                        if self.context() != context {
                            return self.fstring_depth(quote_at);
                        }
                    } else if let Some(refusal) = self.word(word, at) {
                        return Some(refusal);
                    }
                }
                b'(' | b'[' | b'{' => {
                    self.at += 1;
                    return self.open(Context::Bracket, at);
                }
                b'}' if context == Context::Field => {
                    self.at += 1;
                    self.close();
                    return None;
                }
                b')' | b']' | b'}' => {
                    self.at += 1;
                    if context == Context::Field {
                        // A bracket closing what the field never opened.
                        self.reset();
                    } else {
                        self.close();
                        self.after_operand = true;
                        return None;
                    }
                }
                b':' if context == Context::Field => {
                    self.at += 1;
                    if let Some(level) = self.frame().lambdas.pop() {
                        self.level = level;
                        self.start = level;
                        self.after_operand = false;
                    } else {
                        return self.open(Context::FormatSpec, at);
                    }
                }
                b':' => {
                    self.at += 1;
                    if self.peek(0) == b'=' {
                        self.at += 1;
                        self.separator();
                    } else if let Some(level) = self.frame().lambdas.pop() {
                        self.level = level;
                        self.start = level;
                        self.after_operand = false;
                    } else {
                        self.separator();
                    }
                }
                b',' | b'=' if !(c == b'=' && self.peek(1) == b'=') => {
                    self.at += 1;
                    self.separator();
                }
                b';' => {
                    self.at += 1;
                    if self.frames.len() == 1 {
                        self.statement();
                    } else {
                        self.separator();
                    }
                }
                b'.' => {
                    if self.peek(1) == b'.' && self.peek(2) == b'.' {
                        self.at += 3;
                        self.after_operand = true;
                    } else {
                        // An attribute: the name after it continues the operand.
                        self.at += 1;
                    }
                }
                b'*' if self.peek(1) == b'*' => {
                    self.at += 2;
                    if self.peek(0) == b'=' {
                        self.at += 1;
                        self.separator();
                    } else if self.after_operand {
                        self.after_operand = false;
                        if let Some(refusal) = self.deeper(2, at) {
                            return Some(refusal);
                        }
                    }
                }
                b'-' | b'+' | b'~' if !self.after_operand => {
                    self.at += 1;
                    if let Some(refusal) = self.deeper(1, at) {
                        return Some(refusal);
                    }
                }
                b'-' if self.peek(1) == b'>' => {
                    self.at += 2;
                    self.separator();
                }
                b'=' | b'!' if self.peek(1) == b'=' => {
                    self.at += 2;
                    self.reset();
                }
                b'*' | b'@' if !self.after_operand => self.at += 1,
                _ => {
                    // A binary operator (or a character `CPython` refuses): an augmented
                    // assignment starts a new expression, the others end the chain.
                    self.at += 1;
                    while matches!(self.peek(0), b'<' | b'>' | b'/' | b'*') && self.at - at < 2 {
                        self.at += 1;
                    }
                    if self.peek(0) == b'=' && c != b'<' && c != b'>' && c != b'!' {
                        self.at += 1;
                        self.separator();
                    } else {
                        if self.peek(0) == b'=' {
                            self.at += 1;
                        }
                        self.reset();
                    }
                }
            }
        }
        None
    }

    /// After a string opened a new f-string: its nesting.
    fn fstring_depth(&mut self, quote_at: usize) -> Option<Refusal> {
        if self.fstrings > MAX_FSTRINGS {
            return refuse(quote_at, TOO_MANY_FSTRINGS);
        }
        None
    }

    /// A new logical line at module level: everything starts again.
    fn statement(&mut self) {
        self.frames.truncate(1);
        self.frames[0] = Frame::top();
        self.brackets = 0;
        self.level = 0;
        self.start = 0;
        self.after_operand = false;
    }

    fn word_end(&self) -> usize {
        let mut end = self.at;
        while end < self.bytes.len() {
            let c = self.bytes[end];
            if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
                end += 1;
            } else {
                break;
            }
        }
        end
    }

    fn number(&mut self) {
        let hex = self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X');
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
                self.at += 1;
                if !hex && matches!(c, b'e' | b'E') && matches!(self.peek(0), b'+' | b'-') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
        self.after_operand = true;
    }

    /// A keyword or a name.
    fn word(&mut self, word: &[u8], at: usize) -> Option<Refusal> {
        match word {
            b"not" if self.after_operand => self.reset(), // `not in`
            b"not" => return self.deeper(1, at),
            b"lambda" => {
                if let Some(refusal) = self.deeper(2, at) {
                    return Some(refusal);
                }
                let level = self.level;
                self.frame().lambdas.push(level);
                self.after_operand = false;
            }
            b"if" if self.after_operand && !self.frame().comprehension => {
                let start = self.start;
                self.frame().ifs.push(start);
                self.reset();
            }
            b"else" => {
                if let Some(start) = self.frame().ifs.pop() {
                    self.start = start + 1;
                    self.level = self.start;
                    if MIN_BASE_LEVELS + self.level > MAX_PARSER_LEVELS {
                        return refuse(at, PARSER_OVERFLOW);
                    }
                    self.after_operand = false;
                } else {
                    self.separator();
                }
            }
            b"for" => {
                self.separator();
                self.frame().comprehension = true;
            }
            b"and" | b"or" | b"in" | b"is" | b"if" | b"elif" | b"while" | b"async" | b"from"
            | b"import" | b"as" | b"with" | b"def" | b"class" | b"return" | b"yield" | b"del"
            | b"assert" | b"raise" | b"global" | b"nonlocal" | b"try" | b"except" | b"finally"
            | b"pass" | b"break" | b"continue" => self.reset(),
            _ => self.after_operand = true,
        }
        None
    }

    /// A string literal whose quote is at `at`: skipped, or for an f-string, entered.
    fn string(&mut self, at: usize, fstring: bool) {
        let quote = self.bytes[at];
        let triple = self.peek_at(at + 1) == quote && self.peek_at(at + 2) == quote;
        self.at = at + if triple { 3 } else { 1 };
        if fstring {
            self.fstrings += 1;
            self.frames.push(Frame::opened(
                Context::FString { quote, triple },
                self.level,
                self.start,
            ));
            return;
        }
        while self.at < self.bytes.len() {
            let c = self.bytes[self.at];
            if c == b'\\' {
                self.at += 2;
            } else if matches!(c, b'\n' | b'\r') && !triple {
                break;
            } else if c == quote && (!triple || (self.peek(1) == quote && self.peek(2) == quote)) {
                self.at += if triple { 3 } else { 1 };
                break;
            } else {
                self.at += 1;
            }
        }
        self.after_operand = true;
    }

    fn peek_at(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }
}

impl Frame {
    fn top() -> Self {
        Self::opened(Context::Bracket, 0, 0)
    }

    /// A frame opened at chain level `level`, the current element starting at `start`.
    fn opened(context: Context, level: usize, start: usize) -> Self {
        Self {
            context,
            saved_level: level,
            saved_start: start,
            base: level,
            ifs: Vec::new(),
            lambdas: Vec::new(),
            comprehension: false,
        }
    }
}

#[allow(clippy::unnecessary_wraps)]
pub(super) fn refuse(at: usize, message: &'static str) -> Option<Refusal> {
    Some(Refusal {
        offset: TextSize::try_from(at).unwrap_or_default(),
        message,
    })
}

pub(super) fn is_string_prefix(word: &[u8]) -> bool {
    let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
    matches!(
        lower.as_slice(),
        b"r" | b"u" | b"b" | b"br" | b"rb" | b"f" | b"fr" | b"rf"
    )
}
