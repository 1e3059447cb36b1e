//! The machine- and human-readable forms `validate` prints its findings in: text, JSON,
//! GitHub workflow commands, `JUnit` XML, SARIF 2.1.0 and GitLab Code Quality, and the
//! per-rule statistics. Every
//! writer takes the findings already selected and sorted, and writes one complete document
//! (an empty array, an empty suite, a run without results) when there are none.
//!
//! The JSON form is an array of objects, one per finding (the same shape in
//! `generate --output-format json`, under each contract's `diagnostics` and in `problems`):
//! `{"code", "name", "severity", "message", "help", "filename", "location": {"row",
//! "column"}, "end_location", "fix", "url"}`. `help` is null when the rule gives none,
//! `location` is null for a finding about a whole file; `end_location`, `fix` and `url` are
//! always null today and are there so that tools reading ruff's JSON read ours.
//!
//! The GitLab form (also `generate --output-format gitlab`) is a Code Quality report: an
//! array of `{"description", "check_name", "fingerprint", "severity", "location": {"path",
//! "lines": {"begin"}}}`, as ruff writes it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cli::OutputFormat;
use crate::diagnostics::{Diagnostic, Severity, location, paint};
use crate::output::manifest::sha256_hex;
use crate::python::RuleInfo;

/// What one run found, ready to print.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The findings to print, selected and sorted.
    pub findings: &'a [Diagnostic],
    /// Every file that was checked, clean or not, in order.
    pub files: &'a [PathBuf],
    /// The rules the run checked (SARIF lists them as the tool's rules).
    pub rules: &'a [&'static RuleInfo],
    /// Text format only: the source line and a caret under each finding.
    pub show_source: bool,
    /// Text format only: ANSI colour (the other formats never carry it).
    pub color: bool,
}

/// Writes `report` in `format`.
pub fn write(format: OutputFormat, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Text => text(report, out),
        OutputFormat::Json => {
            let findings: Vec<Value> = report.findings.iter().map(json_finding).collect();
            json_document(&Value::Array(findings), out)
        }
        OutputFormat::Github => github(report, out),
        OutputFormat::Junit => out.write_all(junit(report).as_bytes()),
        OutputFormat::Sarif => json_document(&sarif(report), out),
        OutputFormat::Gitlab => json_document(&gitlab(report.findings), out),
    }
}

fn json_document(value: &Value, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

fn rule_name(code: Option<&str>) -> &'static str {
    code.and_then(|code| crate::python::rules().iter().find(|rule| rule.code == code))
        .map_or("", |rule| rule.name)
}

/// `path:line:col: CODE message`.
pub fn text_line(finding: &Diagnostic) -> String {
    let mut line = location(&finding.file, finding.position);
    line.push_str(": ");
    if let Some(code) = finding.code {
        line.push_str(code);
        line.push(' ');
    }
    line.push_str(&finding.message);
    line
}

fn text(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    if report.color {
        for finding in report.findings {
            writeln!(out, "{}", styled_line(finding))?;
            let context = finding.context_styled(true);
            if let Some(context) = context.strip_prefix('\n').filter(|_| report.show_source) {
                writeln!(out, "{context}")?;
            }
        }
        return Ok(());
    }
    for finding in report.findings {
        // The same bytes as `text_line`, written without building the line first.
        match finding.file.to_str() {
            Some(file) => out.write_all(file.as_bytes())?,
            None => write!(out, "{}", finding.file.display())?,
        }
        if let Some(position) = finding.position {
            write!(out, ":{}:{}", position.line, position.column)?;
        }
        out.write_all(b": ")?;
        if let Some(code) = finding.code {
            out.write_all(code.as_bytes())?;
            out.write_all(b" ")?;
        }
        out.write_all(finding.message.as_bytes())?;
        out.write_all(b"\n")?;
        if report.show_source {
            let context = finding.context_styled(false);
            if let Some(context) = context.strip_prefix('\n') {
                writeln!(out, "{context}")?;
            }
        }
    }
    Ok(())
}

/// [`text_line`] in colour: the location bold, the code in its severity's colour.
fn styled_line(finding: &Diagnostic) -> String {
    let mut line = paint(true, "1", &location(&finding.file, finding.position));
    line.push_str(": ");
    if let Some(code) = finding.code {
        line.push_str(&paint(true, finding.severity.tone(), code));
        line.push(' ');
    }
    line.push_str(&finding.message);
    line
}

/// The JSON form's array of findings.
pub fn json_findings(findings: &[Diagnostic]) -> Value {
    Value::Array(findings.iter().map(json_finding).collect())
}

fn json_finding(finding: &Diagnostic) -> Value {
    json!({
        "code": finding.code,
        "name": rule_name(finding.code),
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "help": finding.help,
        "filename": finding.file.display().to_string(),
        "location": finding.position.map(|p| json!({"row": p.line, "column": p.column})),
        "end_location": Value::Null,
        "fix": Value::Null,
        "url": Value::Null,
    })
}

/// GitHub workflow commands: `::error file=F,line=L,col=C,title=CODE::message`.
fn github(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for finding in report.findings {
        writeln!(out, "{}", github_line(finding))?;
    }
    Ok(())
}

pub fn github_line(finding: &Diagnostic) -> String {
    let command = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![format!(
        "file={}",
        github_property(&finding.file.display().to_string())
    )];
    if let Some(position) = finding.position {
        properties.push(format!("line={}", position.line));
        properties.push(format!("col={}", position.column));
    }
    if let Some(code) = finding.code {
        properties.push(format!("title={}", github_property(code)));
    }
    format!(
        "::{command} {}::{}",
        properties.join(","),
        github_data(&finding.message)
    )
}

/// Escapes a workflow command's message.
pub(crate) fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub(crate) fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// What a GitLab issue of a finding without a rule code is checked by.
const GITLAB_CHECK: &str = "codegen";

/// A GitLab Code Quality report of `findings`: one issue each, `"CODE: message"` as its
/// description (GitLab shows no other field), `major` for an error and `minor` for a
/// warning. The path is relative to the project: `CI_PROJECT_DIR` when set (as in a
/// GitLab job), else the working directory. The fingerprint hashes the path, the code and
/// the message, not the line, so a finding keeps it when lines are added above it; the
/// second of two identical findings hashes a counter too, so no two issues share one.
pub fn gitlab<'a>(findings: impl IntoIterator<Item = &'a Diagnostic>) -> Value {
    let cwd = std::env::current_dir().ok();
    let root = std::env::var_os("CI_PROJECT_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        // The working directory is a physical path: so must the root be, to be its prefix.
        .map(|dir| dir.canonicalize().unwrap_or(dir))
        .or_else(|| cwd.clone());
    let mut seen: HashMap<String, u64> = HashMap::new();
    let issues = findings
        .into_iter()
        .map(|finding| {
            let path = gitlab_path(&finding.file, cwd.as_deref(), root.as_deref());
            let check_name = finding.code.unwrap_or(GITLAB_CHECK);
            let description = match finding.code {
                Some(code) => format!("{code}: {}", finding.message),
                None => finding.message.clone(),
            };
            // A JSON array holds no raw line break: the key and the counter cannot run together.
            let key = json!([path, finding.code, finding.message]).to_string();
            let count = seen.entry(key.clone()).or_default();
            let fingerprint = sha256_hex(format!("{key}\n{count}").as_bytes());
            *count += 1;
            json!({
                "description": description,
                "check_name": check_name,
                "fingerprint": fingerprint,
                "severity": match finding.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": path,
                    "lines": {"begin": finding.position.map_or(1, |p| p.line)},
                },
            })
        })
        .collect();
    Value::Array(issues)
}

/// `file` relative to `root` with `/` separators, as GitLab links it into the repository; a
/// relative `file` is relative to `cwd`. One outside `root` stays as the other formats show it.
fn gitlab_path(file: &Path, cwd: Option<&Path>, root: Option<&Path>) -> String {
    let absolute = match cwd {
        Some(cwd) if file.is_relative() => cwd.join(file),
        _ => file.to_path_buf(),
    };
    match root.and_then(|root| absolute.strip_prefix(root).ok()) {
        Some(relative) => relative
            .components()
            .filter(|part| !matches!(part, std::path::Component::CurDir))
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => file.to_string_lossy().into_owned(),
    }
}

/// `JUnit` XML: one `<testsuite>` per checked file, one `<testcase>` per finding (failing for
/// an error; passing, with the finding as its output, for a warning: a green job shows no
/// failed tests), and one passing `<testcase>` for a file without findings.
fn junit(report: &Report<'_>) -> String {
    let mut by_file: BTreeMap<&Path, Vec<&Diagnostic>> = BTreeMap::new();
    for file in report.files {
        by_file.entry(file.as_path()).or_default();
    }
    for finding in report.findings {
        by_file
            .entry(finding.file.as_path())
            .or_default()
            .push(finding);
    }
    let tests: usize = by_file.values().map(|f| f.len().max(1)).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = |findings: &[&Diagnostic]| findings.iter().filter(|d| d.is_error()).count();
    let _ = writeln!(
        xml,
        "<testsuites name=\"codegen validate\" tests=\"{tests}\" failures=\"{}\" errors=\"0\">",
        report.findings.iter().filter(|d| d.is_error()).count()
    );
    for (file, findings) in &by_file {
        let name = xml_escape(&file.display().to_string());
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            findings.len().max(1),
            failures(findings)
        );
        if findings.is_empty() {
            let _ = writeln!(xml, "    <testcase name=\"{name}\" classname=\"{name}\"/>");
        }
        for finding in findings {
            let code = finding.code.unwrap_or("error");
            let at = finding
                .position
                .map_or_else(String::new, |p| format!(":{}:{}", p.line, p.column));
            let line = finding
                .position
                .map_or_else(String::new, |p| format!(" line=\"{}\"", p.line));
            let _ = writeln!(
                xml,
                "    <testcase name=\"{code}{at}\" classname=\"{name}\" file=\"{name}\"{line}>"
            );
            if finding.is_error() {
                let _ = writeln!(
                    xml,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml_escape(&finding.message),
                    finding.severity.as_str(),
                    xml_escape(&text_line(finding))
                );
            } else {
                let _ = writeln!(
                    xml,
                    "      <system-out>{}</system-out>",
                    xml_escape(&text_line(finding))
                );
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Escapes text for an XML attribute or element; characters XML 1.0 cannot hold become U+FFFD.
fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                escaped.push('\u{FFFD}');
            }
            c => escaped.push(c),
        }
    }
    escaped
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// SARIF 2.1.0: one run, the checked rules as the driver's rules, one result per finding.
/// Relative paths stay relative (to `%SRCROOT%`, the working directory); absolute ones
/// become `file://` URIs.
fn sarif(report: &Report<'_>) -> Value {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "defaultConfiguration": {"level": sarif_level(rule.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let mut artifact = json!({"uri": file_uri(&finding.file)});
            if finding.file.is_relative() {
                artifact["uriBaseId"] = json!("%SRCROOT%");
            }
            let mut physical = json!({"artifactLocation": artifact});
            if let Some(position) = finding.position {
                physical["region"] =
                    json!({"startLine": position.line, "startColumn": position.column});
            }
            let mut result = json!({
                "ruleId": finding.code.unwrap_or("error"),
                "level": sarif_level(finding.severity),
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": physical}],
            });
            if let Some(index) = report
                .rules
                .iter()
                .position(|rule| Some(rule.code) == finding.code)
            {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "codegen",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = std::env::current_dir()
        .ok()
        .map(|dir| format!("{}/", file_uri(&dir).trim_end_matches('/')))
    {
        run["originalUriBaseIds"] = json!({"%SRCROOT%": {"uri": root}});
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// A path as a URI reference: relative paths percent-encoded, absolute ones as `file://`.
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text);
    let mut uri = String::new();
    if path.is_absolute() {
        uri.push_str("file://");
        if !text.starts_with('/') {
            uri.push('/');
        }
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

/// The number of findings per rule, most frequent first (ties by code).
pub fn statistics(findings: &[Diagnostic]) -> Vec<(&'static str, usize)> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.code.unwrap_or("")).or_default() += 1;
    }
    let mut counts: Vec<(&'static str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    counts
}

/// Writes [`statistics`]: a JSON array of `{"code", "name", "count"}` for the JSON format,
/// else a `count  code  name` table.
pub fn write_statistics(
    format: OutputFormat,
    findings: &[Diagnostic],
    out: &mut dyn Write,
) -> io::Result<()> {
    let counts = statistics(findings);
    if format == OutputFormat::Json {
        let rows: Vec<Value> = counts
            .iter()
            .map(|(code, count)| {
                json!({"code": code, "name": rule_name(Some(code)), "count": count})
            })
            .collect();
        return json_document(&Value::Array(rows), out);
    }
    for (code, count) in counts {
        writeln!(out, "{count:>5}  {code:<7} {}", rule_name(Some(code)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Position;

    #[test]
    fn github_escapes_data_and_properties() {
        let finding = Diagnostic::error("a,b:c%.py", "50% off\r\nnext: a,b")
            .at(Position::new(3, 7))
            .with_code("SYN001");
        assert_eq!(
            github_line(&finding),
            "::error file=a%2Cb%3Ac%25.py,line=3,col=7,title=SYN001::50%25 off%0D%0Anext: a,b"
        );
        let warning = Diagnostic::warning("x.py", "w").with_code("ONX006");
        assert_eq!(github_line(&warning), "::warning file=x.py,title=ONX006::w");
    }

    #[test]
    fn gitlab_paths_are_relative_to_the_project() {
        let cwd = Path::new("/builds/p/sub");
        let root = Path::new("/builds/p");
        let at = |file: &str, root| gitlab_path(Path::new(file), Some(cwd), Some(root));
        assert_eq!(at("./pkg/x.py", cwd), "pkg/x.py");
        assert_eq!(at("pkg/x.py", root), "sub/pkg/x.py");
        assert_eq!(at("/builds/p/y.py", root), "y.py");
        assert_eq!(at("/elsewhere/y.py", root), "/elsewhere/y.py");
    }

    #[test]
    fn gitlab_fingerprints_leave_out_the_line_and_tell_duplicates_apart() {
        let f = |line| {
            Diagnostic::warning("/t/x.py", "model `Thing` is not named `Model*`")
                .at(Position::new(line, 7))
                .with_code("ONX003")
        };
        let first = gitlab(&[f(6)]);
        let moved = gitlab(&[f(9)]);
        assert_eq!(first[0]["fingerprint"], moved[0]["fingerprint"]);
        assert_eq!(first[0]["location"]["lines"]["begin"], 6);
        assert_eq!(first[0]["severity"], "minor");
        assert_eq!(
            first[0]["description"],
            "ONX003: model `Thing` is not named `Model*`"
        );
        let twice = gitlab(&[f(6), f(6)]);
        assert_eq!(twice[0]["fingerprint"], first[0]["fingerprint"]);
        assert_ne!(twice[0]["fingerprint"], twice[1]["fingerprint"]);
        let bare = gitlab(&[Diagnostic::error("/t/c.yaml", "bad")]);
        assert_eq!(bare[0]["check_name"], GITLAB_CHECK);
        assert_eq!(bare[0]["description"], "bad");
        assert_eq!(bare[0]["severity"], "major");
        assert_eq!(bare[0]["location"]["lines"]["begin"], 1);
    }

    #[test]
    fn xml_escape_handles_markup_and_control_characters() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{0}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}"
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(file_uri(Path::new("./a b/c#.py")), "a%20b/c%23.py");
        assert_eq!(file_uri(Path::new("/t/x.py")), "file:///t/x.py");
    }

    #[test]
    fn statistics_sort_by_count_then_code() {
        let f = |code| Diagnostic::error("x.py", "m").with_code(code);
        let findings = [f("ONX006"), f("SYN001"), f("ONX006"), f("CMP001")];
        assert_eq!(
            statistics(&findings),
            [("ONX006", 2), ("CMP001", 1), ("SYN001", 1)]
        );
    }
}
