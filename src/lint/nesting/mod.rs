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

mod meter;
mod scanner;

pub(super) use meter::measure;
pub(super) use scanner::prescan;

use ruff_text_size::TextSize;

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
