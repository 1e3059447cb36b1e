//! Nesting `CPython` 3.12 refuses, and trees too deep for a recursive walk.
//!
//! `CPython`'s limits, measured with `python file.py` on 3.12.1:
//! - the tokenizer refuses the 201st nested bracket ("too many nested parentheses", at that
//!   bracket; the `{` of an f-string replacement field counts), the 100th indentation level
//!   ("too many levels of indentation", line of that level, column 1) and the 150th nested
//!   f-string ("too many nested f-strings", at its quote);
//! - the parser gives up at 6,000 levels of its own recursion (`MemoryError: Parser stack
//!   overflowed`); right-recursive constructs cost levels: a unary operator, `not` or `else`
//!   of a conditional expression one, `**` and `lambda` two, an expression statement at
//!   module level 31 and each enclosing block six or seven, so `-` 5,969 times is accepted
//!   and 5,970 times refused;
//! - compiling gives up when more than 3,000 statements and expressions nest (`RecursionError:
//!   maximum recursion depth exceeded during compilation`), counting each `elif` as an `if`
//!   nested in the `else` of the one before, as `CPython`'s tree has it. `python file.py`
//!   starts counting at 0; a `compile()` call or an import starts a few levels deeper, so
//!   those accept a few levels less.
//!
//! [`prescan`] finds, before anything is parsed, the nesting that is refused whatever
//! surrounds it (brackets, f-strings, chains of right-recursive operators): the parser would
//! need memory in proportion to such nesting. [`measure`] walks a parsed tree, never deeper
//! than `CPython` would, and gives its depth, so that the other walks can be given the stack
//! they need and a tree deeper than any walk may go is never taken apart recursively.

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{ElifElseClause, Expr, InterpolatedStringElement, ModModule, Operator, Stmt};
use ruff_text_size::{Ranged, TextSize};

/// The deepest bracket nesting `CPython`'s tokenizer accepts.
pub(super) const MAX_BRACKETS: usize = 200;
/// Indentation levels: the 100th is refused.
pub(super) const MAX_INDENTS: usize = 99;
/// Nested f-strings: the 150th is refused.
pub(super) const MAX_FSTRINGS: usize = 149;
/// Nested statements and expressions `CPython`'s compiler accepts.
pub(super) const MAX_DEPTH: usize = 3000;
/// Levels of `CPython`'s parser.
const MAX_PARSER_LEVELS: usize = 6000;
/// How deep [`measure`] goes looking for the parser's limit past the compiler's.
const MAX_WALK: usize = 2 * MAX_PARSER_LEVELS;
/// Parser levels an expression statement at module level costs.
const BASE_LEVELS: usize = 31;
/// The least levels any statement at module level costs (`assert`, `raise`, `if`, `while`).
const MIN_BASE_LEVELS: usize = 30;

pub(super) const TOO_MANY_BRACKETS: &str = "too many nested parentheses";
pub(super) const TOO_MANY_INDENTS: &str = "too many levels of indentation";
pub(super) const TOO_MANY_FSTRINGS: &str = "too many nested f-strings";
pub(super) const PARSER_OVERFLOW: &str =
    "Parser stack overflowed - Python source too complex to parse";
pub(super) const TOO_DEEP: &str = "maximum recursion depth exceeded during compilation";

/// Nesting found before parsing that `CPython` refuses in any context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Refusal {
    pub offset: TextSize,
    pub message: &'static str,
}

/// What [`measure`] found in a tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Depth {
    /// The deepest nesting of statements and expressions walked.
    pub max: usize,
    /// Whether the walk left nodes out, nested deeper than it goes.
    pub truncated: bool,
    /// The first node past `CPython`'s parser levels.
    pub parser_overflow: Option<TextSize>,
    /// The first node past `CPython`'s compiler depth.
    pub too_deep: Option<TextSize>,
}

impl Depth {
    /// Stack a recursive walk of the tree may need, generously: frames of unoptimised builds
    /// are large. Only trees `CPython` compiles are walked.
    pub(super) fn stack_needed(&self) -> usize {
        256 * 1024 + self.max.min(MAX_DEPTH + 1) * 16 * 1024
    }

    /// Stack dropping the tree needs.
    pub(super) fn drop_stack(&self) -> usize {
        256 * 1024 + self.max * 2 * 1024
    }
}

/// Runs `f` with at least `needed` bytes of stack, on a fresh one when the thread's is short.
pub(super) fn with_stack<T>(needed: usize, f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(needed, needed.saturating_mul(2), f)
}

/// The depth of `module` as `CPython`'s compiler and parser count it, walking no deeper than
/// they accept.
pub(super) fn measure(module: &ModModule) -> Depth {
    let mut meter = Meter {
        depth: 0,
        levels: BASE_LEVELS,
        statement_levels: BASE_LEVELS,
        body_levels: 6,
        found: Depth::default(),
    };
    meter.visit_body(&module.body);
    meter.found
}

struct Meter {
    depth: usize,
    /// Estimated levels of `CPython`'s parser at the node being walked.
    levels: usize,
    /// Levels of the statement being walked, before its own kind's difference.
    statement_levels: usize,
    /// What the body of the statement being walked adds to `levels`.
    body_levels: usize,
    found: Depth,
}

impl Meter {
    /// Counts a node at `offset`; false when it is past a limit and must not be walked into.
    /// Past the compiler's depth the walk goes on (to the parser's limit, which has the
    /// first word), but not without bound.
    fn enter(&mut self, offset: TextSize) -> bool {
        self.depth += 1;
        self.found.max = self.found.max.max(self.depth);
        if self.levels > MAX_PARSER_LEVELS {
            self.found.parser_overflow.get_or_insert(offset);
            self.found.truncated = true;
            return false;
        }
        if self.depth > MAX_DEPTH {
            self.found.too_deep.get_or_insert(offset);
            if self.depth > MAX_WALK {
                self.found.truncated = true;
                return false;
            }
        }
        true
    }

    /// `f` with `levels` raised by `extra`, on enough stack.
    fn nested(&mut self, extra: usize, f: impl FnOnce(&mut Self)) {
        self.levels += extra;
        if self.depth > 64 {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || f(self));
        } else {
            f(self);
        }
        self.levels -= extra;
    }

    fn elif_else(&mut self, clauses: &[ElifElseClause]) {
        // Each `elif` is an `if` in the `else` of the one before it.
        let (depth, levels, statement) = (self.depth, self.levels, self.statement_levels);
        for clause in clauses {
            if let Some(test) = &clause.test {
                if !self.enter(clause.start()) {
                    break;
                }
                self.statement_levels += 1;
                self.levels = self.statement_levels - 1;
                self.visit_expr(test);
            }
            self.body_levels = 6;
            self.visit_body(&clause.body);
        }
        self.depth = depth;
        self.levels = levels;
        self.statement_levels = statement;
    }
}

impl<'a> Visitor<'a> for Meter {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        let saved = self.levels;
        if self.depth > 0 {
            self.levels = self.statement_levels + self.body_levels;
        }
        self.nested(0, |this| {
            for stmt in body {
                this.visit_stmt(stmt);
            }
        });
        self.levels = saved;
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let (levels, statement) = (self.levels, self.statement_levels);
        if self.enter(stmt.start()) {
            self.body_levels = match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => 7,
                _ => 6,
            };
            // What each kind of statement costs before its expressions, against an
            // expression statement (measured).
            let own: isize = match stmt {
                Stmt::If(_)
                | Stmt::While(_)
                | Stmt::Assert(_)
                | Stmt::Raise(_)
                | Stmt::TypeAlias(_) => -1,
                Stmt::Return(_) => 1,
                Stmt::Assign(_) | Stmt::AugAssign(_) => 2,
                Stmt::AnnAssign(_) => 3,
                Stmt::Delete(_) => 6,
                _ => 0,
            };
            self.statement_levels = levels;
            self.levels = levels.saturating_add_signed(own);
            self.nested(0, |this| match stmt {
                Stmt::If(if_stmt) => {
                    this.visit_expr(&if_stmt.test);
                    this.visit_body(&if_stmt.body);
                    this.elif_else(&if_stmt.elif_else_clauses);
                }
                _ => walk_stmt(this, stmt),
            });
        }
        self.depth -= 1;
        self.levels = levels;
        self.statement_levels = statement;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.enter(expr.start()) {
            self.nested(0, |this| match expr {
                Expr::UnaryOp(unary) => this.nested(1, |this| this.visit_expr(&unary.operand)),
                Expr::BinOp(binary) if binary.op == Operator::Pow => {
                    this.visit_expr(&binary.left);
                    this.nested(2, |this| this.visit_expr(&binary.right));
                }
                Expr::Lambda(lambda) => {
                    if let Some(parameters) = &lambda.parameters {
                        this.visit_parameters(parameters);
                    }
                    this.nested(2, |this| this.visit_expr(&lambda.body));
                }
                Expr::If(if_expr) => {
                    this.visit_expr(&if_expr.body);
                    this.visit_expr(&if_expr.test);
                    this.nested(1, |this| this.visit_expr(&if_expr.orelse));
                }
                _ => walk_expr(this, expr),
            });
        }
        self.depth -= 1;
    }

    fn visit_interpolated_string_element(&mut self, element: &'a InterpolatedStringElement) {
        // `CPython`'s tree has a `FormattedValue` around each replacement field and a
        // `JoinedStr` around a format spec; literal parts are constants.
        match element {
            InterpolatedStringElement::Literal(literal) => {
                self.enter(literal.start());
            }
            InterpolatedStringElement::Interpolation(field) => {
                if self.enter(field.start()) {
                    self.nested(0, |this| {
                        this.visit_expr(&field.expression);
                        if let Some(spec) = &field.format_spec
                            && this.enter(spec.start())
                        {
                            for element in &spec.elements {
                                this.visit_interpolated_string_element(element);
                            }
                            this.depth -= 1;
                        } else if field.format_spec.is_some() {
                            this.depth -= 1;
                        }
                    });
                }
            }
        }
        self.depth -= 1;
    }
}

/// The first nesting in `source` that `CPython` refuses whatever surrounds it, found without
/// parsing: the 201st nested bracket, the 150th nested f-string, or a chain of right-recursive
/// operators longer than `CPython`'s parser follows even at module level. The scan knows
/// strings, comments and f-strings; anything else it does not understand ends a chain.
pub(super) fn prescan(source: &str) -> Option<Refusal> {
    Scanner::new(source.as_bytes()).run()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// `(`, `[` or `{` in code.
    Bracket,
    /// The code of an f-string replacement field, opened by its `{`.
    Field,
    /// The literal text of an f-string.
    FString { quote: u8, triple: bool },
    /// The format spec of a replacement field, after its `:`.
    FormatSpec,
}

struct Frame {
    context: Context,
    /// The chain levels where the frame was opened, restored when it closes.
    saved_level: usize,
    saved_start: usize,
    /// Levels at which each element of the frame starts.
    base: usize,
    /// Levels of the conditional expressions waiting for their `else`.
    ifs: Vec<usize>,
    /// Levels of the lambdas waiting for their `:`.
    lambdas: Vec<usize>,
    comprehension: bool,
}

struct Scanner<'s> {
    bytes: &'s [u8],
    at: usize,
    frames: Vec<Frame>,
    /// Levels of the right-recursive chain at this point (over `BASE_LEVELS`).
    level: usize,
    /// Levels at which the current expression started.
    start: usize,
    /// Whether the last token ended an operand (so `-` is binary, `if` is a conditional).
    after_operand: bool,
    brackets: usize,
    fstrings: usize,
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
        self.frames.push(Frame {
            context,
            saved_level: self.level,
            saved_start: self.start,
            base: self.level,
            ifs: Vec::new(),
            lambdas: Vec::new(),
            comprehension: false,
        });
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
            self.frames.push(Frame {
                context: Context::FString { quote, triple },
                saved_level: self.level,
                saved_start: self.start,
                base: self.level,
                ifs: Vec::new(),
                lambdas: Vec::new(),
                comprehension: false,
            });
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
        Self {
            context: Context::Bracket,
            saved_level: 0,
            saved_start: 0,
            base: 0,
            ifs: Vec::new(),
            lambdas: Vec::new(),
            comprehension: false,
        }
    }
}

#[allow(clippy::unnecessary_wraps)]
fn refuse(at: usize, message: &'static str) -> Option<Refusal> {
    Some(Refusal {
        offset: TextSize::try_from(at).unwrap_or_default(),
        message,
    })
}

fn is_string_prefix(word: &[u8]) -> bool {
    let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
    matches!(
        lower.as_slice(),
        b"r" | b"u" | b"b" | b"br" | b"rb" | b"f" | b"fr" | b"rf"
    )
}
