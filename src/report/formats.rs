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
use crate::digest::sha256_hex;
use crate::lint::RuleInfo;

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
        OutputFormat::Junit => junit(report).serialize(out).map_err(io::Error::other),
        OutputFormat::Sarif => json_document(&sarif(report), out),
        OutputFormat::Gitlab => json_document(&gitlab(report.findings), out),
    }
}

fn json_document(value: &Value, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

fn rule_name(code: Option<&str>) -> &'static str {
    code.and_then(crate::lint::Rule::from_code)
        .map_or("", |rule| rule.info().name)
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
fn junit(report: &Report<'_>) -> quick_junit::Report {
    use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

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
    let mut junit = quick_junit::Report::new("codegen validate");
    for (file, findings) in &by_file {
        let name = xml_text(&file.display().to_string());
        let mut suite = TestSuite::new(&name);
        if findings.is_empty() {
            let mut case = TestCase::new(&name, TestCaseStatus::success());
            case.set_classname(&name);
            suite.add_test_case(case);
        }
        for finding in findings {
            let code = finding.code.unwrap_or("error");
            let at = finding
                .position
                .map_or_else(String::new, |p| format!(":{}:{}", p.line, p.column));
            let line = xml_text(&text_line(finding));
            let status = if finding.is_error() {
                let mut failure = TestCaseStatus::non_success(NonSuccessKind::Failure);
                failure
                    .set_message(xml_text(&finding.message))
                    .set_type(finding.severity.as_str())
                    .set_description(&line);
                failure
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(format!("{code}{at}"), status);
            case.set_classname(&name);
            case.extra.insert("file".into(), name.as_str().into());
            if let Some(position) = finding.position {
                case.extra
                    .insert("line".into(), position.line.to_string().into());
            }
            if !finding.is_error() {
                case.set_system_out(line);
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit
}

/// `text` as the `JUnit` writer keeps it: a tab as a space, a carriage return (or CR LF) as a
/// line feed, and the other characters XML 1.0 cannot hold (control characters; U+FFFE and
/// U+FFFF) as U+FFFD. The writer escapes markup, but of the control characters keeps only
/// the line feed: it would drop tabs and carriage returns silently (joining the words
/// around them), and an escape character with the text after it.
fn xml_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' => c,
            '\t' => ' ',
            '\r' => '\n',
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
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

    /// One parsed element: its name, its attributes and its text (references resolved).
    type Element = (String, Vec<(String, String)>, String);

    /// Every element of `xml` in document order, from a parser told to refuse mismatched
    /// end tags and malformed comments; panics on anything it cannot read.
    fn parse_xml(xml: &str) -> Vec<Element> {
        use quick_xml::XmlVersion::Implicit1_0;
        use quick_xml::escape::resolve_predefined_entity;
        use quick_xml::events::Event;

        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        reader.config_mut().check_comments = true;
        let mut elements: Vec<Element> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut roots = 0;
        loop {
            let event = reader.read_event();
            let at = reader.error_position();
            let event = event.unwrap_or_else(|e| panic!("{e} at byte {at}:\n{xml}"));
            let text = match &event {
                Event::Eof => break,
                Event::Start(tag) | Event::Empty(tag) => {
                    let name = String::from_utf8(tag.name().as_ref().to_vec()).unwrap();
                    let attributes = tag
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                            let value =
                                a.decoded_and_normalized_value(Implicit1_0, reader.decoder());
                            (key, value.unwrap().into_owned())
                        })
                        .collect();
                    if open.is_empty() {
                        roots += 1;
                    }
                    if matches!(event, Event::Start(_)) {
                        open.push(elements.len());
                    }
                    elements.push((name, attributes, String::new()));
                    continue;
                }
                Event::End(_) => {
                    open.pop().unwrap();
                    continue;
                }
                Event::Text(text) => text.xml10_content().unwrap().into_owned(),
                Event::CData(text) => text.xml10_content().unwrap().into_owned(),
                Event::GeneralRef(reference) => {
                    if let Some(c) = reference.resolve_char_ref().unwrap() {
                        c.to_string()
                    } else {
                        let name = reference.decode().unwrap();
                        resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("undefined entity &{name};"))
                            .to_owned()
                    }
                }
                _ => continue,
            };
            match open.last() {
                Some(&i) => elements[i].2.push_str(&text),
                None => assert!(text.trim().is_empty(), "text outside the root: {text:?}"),
            }
        }
        assert!(open.is_empty(), "unclosed elements");
        assert_eq!(roots, 1, "{xml}");
        elements
    }

    #[test]
    fn junit_is_well_formed_for_any_message_and_file_name() {
        let file = "dir <&\"'>]]>/x\u{1}é\u{FFFE}.py";
        let message =
            "bad `<t a=\"v\">` & ]]> --> \u{1}\u{1b}[31mred\u{7f}\u{9b} ünï 日本 😀\r\n2nd\tline";
        let findings = [
            Diagnostic::error(file, message)
                .at(Position::new(3, 7))
                .with_code("SYN001"),
            Diagnostic::warning(file, message).with_code("ONX006"),
        ];
        let files = [PathBuf::from(file), PathBuf::from("clean <&>.py")];
        let report = Report {
            findings: &findings,
            files: &files,
            rules: &[],
            show_source: false,
            color: false,
        };
        let mut out = Vec::new();
        write(OutputFormat::Junit, &report, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        // What XML 1.0 cannot carry at all, and `]]>` outside a CDATA section.
        assert!(
            !xml.chars()
                .any(|c| (c.is_control() && !"\t\n\r".contains(c))
                    || c == '\u{FFFE}'
                    || c == '\u{FFFF}'),
            "{xml:?}"
        );
        assert!(!xml.contains("]]>"), "{xml}");

        let elements = parse_xml(&xml);
        let names: Vec<&str> = elements.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "testsuites",
                "testsuite",
                "testcase",
                "testsuite",
                "testcase",
                "failure",
                "testcase",
                "system-out"
            ]
        );
        let attribute = |index: usize, key: &str| -> &str {
            let (_, attributes, _) = &elements[index];
            let found = attributes.iter().find(|(k, _)| k == key);
            found.map_or_else(|| panic!("no {key} on {index}"), |(_, v)| v.as_str())
        };
        // The characters XML cannot hold read back as U+FFFD, a tab as a space and CR LF as
        // LF; everything else as written.
        let clean_file = "dir <&\"'>]]>/x\u{FFFD}é\u{FFFD}.py";
        let clean_message = "bad `<t a=\"v\">` & ]]> --> \u{FFFD}\u{FFFD}[31mred\u{FFFD}\u{FFFD} ünï 日本 😀\n2nd line";
        assert_eq!(attribute(1, "name"), "clean <&>.py");
        assert_eq!(attribute(2, "classname"), "clean <&>.py");
        assert_eq!(attribute(3, "name"), clean_file);
        assert_eq!(attribute(3, "tests"), "2");
        assert_eq!(attribute(3, "failures"), "1");
        assert_eq!(attribute(4, "name"), "SYN001:3:7");
        assert_eq!(attribute(4, "file"), clean_file);
        assert_eq!(attribute(4, "line"), "3");
        // A line break in an attribute value reads back as a space (attribute-value
        // normalization); the element's text keeps it.
        assert_eq!(attribute(5, "message"), clean_message.replace('\n', " "));
        assert_eq!(attribute(5, "type"), "error");
        let line = |code: &str| format!("{clean_file}:3:7: {code} {clean_message}");
        assert_eq!(elements[5].2, line("SYN001"));
        assert_eq!(attribute(6, "name"), "ONX006");
        assert_eq!(
            elements[7].2,
            format!("{clean_file}: ONX006 {clean_message}")
        );
        assert_eq!(attribute(0, "tests"), "3");
        assert_eq!(attribute(0, "failures"), "1");
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
