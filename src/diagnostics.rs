//! User-facing problems: a severity, an optional rule code, a location and a
//! message, rendered as `file:line:col: message` with the offending line shown.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The ANSI style of the severity's word, code and caret: bold yellow, bold red.
    pub fn tone(self) -> &'static str {
        match self {
            Severity::Warning => "1;33",
            Severity::Error => "1;31",
        }
    }
}

/// `s` in the ANSI style `code` (`"1;31"`: bold red) when `on`, else `s` unchanged.
pub fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Self {
            line: line.max(1),
            column: column.max(1),
        }
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable rule code (`SYN001`), or `None` for contract and input errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    pub file: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    pub message: String,
    /// What the user can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source line the position points into, shown under the message.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, message)
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, message)
    }

    fn new(severity: Severity, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity,
            code: None,
            file: file.into(),
            position: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    #[must_use]
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    /// Place the diagnostic at `position` and remember the line of `source` it points into.
    #[must_use]
    pub fn at_in(mut self, position: Position, source: &str) -> Self {
        self.source_line = source
            .lines()
            .nth(position.line.saturating_sub(1))
            .map(str::to_owned);
        self.position = Some(position);
        self
    }

    #[must_use]
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: severity: [CODE ]message`, then the source line with a caret and the help.
    pub fn render(&self) -> String {
        self.render_styled(false)
    }

    /// [`Diagnostic::render`], in colour when `color` is set (the way cargo colours its
    /// diagnostics: a bold location, the severity and code in its colour, a blue gutter).
    pub fn render_styled(&self, color: bool) -> String {
        let mut out = self.headline_styled(color);
        out.push_str(&self.context_styled(color));
        out
    }

    /// The first line of [`Diagnostic::render`].
    pub fn headline(&self) -> String {
        self.headline_styled(false)
    }

    /// [`Diagnostic::headline`], in colour when `color` is set.
    pub fn headline_styled(&self, color: bool) -> String {
        let tone = self.severity.tone();
        let mut out = paint(color, BOLD, &location(&self.file, self.position));
        let _ = write!(out, ": {}: ", paint(color, tone, self.severity.as_str()));
        if let Some(code) = self.code {
            let _ = write!(out, "{} ", paint(color, tone, code));
        }
        out.push_str(&self.message);
        out
    }

    /// What [`Diagnostic::render`] prints under the headline: the source line with a caret
    /// under the column, then the help, each on its own line (empty when there are neither).
    pub fn context_styled(&self, color: bool) -> String {
        let mut out = String::new();
        if let (Some(line), Some(pos)) = (&self.source_line, self.position) {
            let number = pos.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_pad: String = line
                .chars()
                .take(pos.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let bar = paint(color, GUTTER, "|");
            let _ = write!(
                out,
                "\n{pad} {bar}\n{} {line}\n{pad} {bar} {caret_pad}{}",
                paint(color, GUTTER, &format!("{number} |")),
                paint(color, self.severity.tone(), "^"),
            );
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  = {}: {help}", paint(color, HELP, "help"));
        }
        out
    }
}

/// Bold: the location.
const BOLD: &str = "1";
/// Bold blue: the gutter and line number of a source excerpt.
const GUTTER: &str = "1;34";
/// Bold cyan: `help`.
const HELP: &str = "1;36";

/// `file:line:col`, or just `file` when there is no position.
pub fn location(file: &Path, position: Option<Position>) -> String {
    match position {
        Some(p) => format!("{}:{}:{}", file.display(), p.line, p.column),
        None => file.display().to_string(),
    }
}

/// `1 contract`, `3 contracts`: a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// The candidate nearest to `given`, for a "did you mean" suggestion: the one policy every
/// suggestion follows, contract keys (where a suggestion is also a `CTR001` finding), types,
/// configuration keys and rule selectors alike. An edit is an insertion, a deletion, a
/// substitution or a swap of two neighbouring characters; a word of up to three characters is
/// never corrected (short names collide by chance), one of four to seven characters may be
/// one edit away, one of eight to eleven two, a longer one three (more would pair a compound
/// key such as `env_dependencies` with the word it ends in). Ties go to the candidate that
/// sorts first; `given` itself is never suggested.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = given.chars().count();
    let limit = match length {
        4..=7 => 1,
        8..=11 => 2,
        12..=64 => 3,
        // Longer words are never near a key; skipping them keeps huge keys cheap.
        _ => return None,
    };
    candidates
        .into_iter()
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= limit)
        .map(|candidate| (strsim::osa_distance(given, candidate), candidate))
        .filter(|&(distance, _)| distance > 0 && distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_allows_more_edits_in_longer_words_and_breaks_ties_by_name() {
        let keys = [
            "deadline",
            "threshold",
            "min_participating_weight",
            "id",
            "name",
        ];
        assert_eq!(closest("dealdine", keys), Some("deadline"));
        assert_eq!(closest("treshhold", keys), Some("threshold"));
        assert_eq!(
            closest("min_partcipatng_wieght", keys),
            Some("min_participating_weight")
        );
        assert_eq!(closest("concurrency", keys), None);
        assert_eq!(closest("nmae", keys), Some("name"));
        // Two edits in a word of seven or fewer characters are too far.
        assert_eq!(closest("dedlin", keys), None);
        // Three characters or fewer: never corrected.
        assert_eq!(closest("nam", keys), None);
        assert_eq!(closest("ib", keys), None);
        assert_eq!(closest("deadline", keys), None);
        assert_eq!(closest("abcx", ["abcz", "abcy"]), Some("abcy"));
        // A word the key ends in is not a typo of it: four edits away.
        assert_eq!(closest("env_dependencies", ["dependencies"]), None);
        assert_eq!(closest(&"x".repeat(65), ["x".repeat(64).as_str()]), None);
    }
}
