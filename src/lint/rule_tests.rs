//! The rule catalogue on fixtures (`tests/fixtures/python/rules/<CODE>/`: a file that triggers
//! the rule, one that does not, one silenced by `# noqa`), the tricky rules in detail, and
//! generated packages checked clean.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::checks::is_secret_name;
use super::run::{Noqa, parse_noqa, todo_marker};
use super::{
    FileRole, LintContext, PackageRoles, Rule, lint, role_for_path, role_in_package, rules,
};
use crate::contract::Contracts;
use crate::diagnostics::{Diagnostic, Severity};
use crate::render::templates::TemplateManager;
use crate::render::{Ownership, Renderer};

const FIXTURES: &str = "tests/fixtures/python/rules";

/// The role a single-file fixture of `code` is linted as: the word in its `role` file (`node`,
/// `handler`, `model`), or any other file without one.
fn fixture_role(code: &str) -> FileRole {
    let role = std::fs::read_to_string(Path::new(FIXTURES).join(code).join("role"));
    match role.as_deref().map(str::trim) {
        Ok("node") => FileRole::Node {
            base_class: Some("NodeCompute".to_owned()),
        },
        Ok("handler") => FileRole::Handler {
            routed: vec!["HandlerGate".to_owned()],
        },
        Ok("model") => FileRole::Model,
        Ok(other) => panic!("{code}/role: unknown role `{other}`"),
        Err(_) => FileRole::Other,
    }
}

fn line(finding: &Diagnostic) -> String {
    format!(
        "{}: {} {}",
        crate::diagnostics::location(&finding.file, finding.position),
        finding.code.unwrap_or("-"),
        finding.message
    )
}

/// Findings of `code` for one case: `<case>.py`, or every `.py` file of the `<case>/` package.
fn case_findings(code: &str, case: &str) -> Option<Vec<Diagnostic>> {
    let dir = Path::new(FIXTURES).join(code);
    let file = dir.join(format!("{case}.py"));
    let mut findings = Vec::new();
    if file.is_file() {
        let bytes = std::fs::read(&file).ok()?;
        let context = LintContext {
            role: fixture_role(code),
            scaffold: false,
            contracts: None,
        };
        findings = alone(code, &file, &bytes, &context);
    } else {
        let package = dir.join(case);
        if !package.is_dir() {
            return None;
        }
        let mut files = Vec::new();
        collect_py(&package, &mut files);
        files.sort();
        let contracts = Contracts::default();
        for file in files {
            let bytes = std::fs::read(&file).ok()?;
            let context = LintContext {
                role: role_for_path(&file, &contracts),
                scaffold: false,
                contracts: Some(&contracts),
            };
            findings.extend(alone(code, &file, &bytes, &context));
        }
    }
    Some(findings)
}

/// The findings of `code` on one file, with that rule alone selected: the passes the
/// catalogue gives other rules do not run, so a rule given the wrong pass is not found. The
/// same as what the full run finds of it.
fn alone(code: &str, file: &Path, bytes: &[u8], context: &LintContext) -> Vec<Diagnostic> {
    let mut selected = super::lint_selected(file, bytes, context, &|c| c == code);
    selected.retain(|finding| finding.code == Some(code));
    let mut all = lint(file, bytes, context);
    all.retain(|finding| finding.code == Some(code));
    assert_eq!(selected, all, "{code} alone on {}", file.display());
    selected
}

fn collect_py(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_py(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

#[test]
fn every_rule_on_its_fixtures() {
    for rule in rules() {
        let code = rule.code;
        let mut text = String::new();
        for case in ["bad", "good", "noqa"] {
            let Some(findings) = case_findings(code, case) else {
                assert!(
                    code == "ONX005" && case == "noqa",
                    "{code}: fixture `{case}` is missing"
                );
                continue;
            };
            let silenced = !code.starts_with("SYN");
            match case {
                "bad" => assert!(!findings.is_empty(), "{code}: bad fixture not reported"),
                "noqa" if !silenced => {
                    assert!(!findings.is_empty(), "{code}: noqa silenced a syntax error");
                }
                _ => assert!(
                    findings.is_empty(),
                    "{code}: {case} fixture reported: {findings:?}"
                ),
            }
            let _ = writeln!(text, "{case}:");
            for finding in &findings {
                let _ = writeln!(text, "  {}", line(finding));
            }
        }
        insta::assert_snapshot!(code, text);
    }
}

/// A rule's variant is its code, and the passes a selection skips are the catalogue's: a rule
/// given the wrong pass is not reported when it alone is selected, which `case_findings`
/// checks on every rule's bad fixture.
#[test]
fn the_catalogue_is_one_table() {
    assert_eq!(rules().len(), Rule::ALL.len());
    for (index, rule) in Rule::ALL.iter().enumerate() {
        assert_eq!(rule.info(), &rules()[index]);
        assert_eq!(format!("{rule:?}"), rule.code());
        assert_eq!(Rule::from_code(rule.code()), Some(*rule));
        assert_eq!(
            rule.info().pass.always_runs(),
            matches!(rule, Rule::SYN001 | Rule::SYN003)
        );
    }
    assert_eq!(Rule::from_code("SYN999"), None);
}

/// `README.md`'s rule table is the catalogue's (`make readme` writes it).
#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let table =
        super::rules::readme_section(&readme).expect("README.md has the rule table markers");
    assert!(
        table == super::markdown_table(),
        "README.md's rule table is stale: run `make readme`"
    );
}

#[test]
fn selected_lint_keeps_what_lint_finds() {
    let dir = Path::new(FIXTURES);
    let mut files = Vec::new();
    collect_py(dir, &mut files);
    files.sort();
    assert!(!files.is_empty());
    let selections: [&dyn Fn(&str) -> bool; 4] = [
        &|code| code.starts_with("SYN"),
        &|code| code == "STB001",
        &|code| code.starts_with("ONX") || code == "QLT002",
        &|code| code != "STB001",
    ];
    let contracts = Contracts::default();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for scaffold in [false, true] {
            let context = LintContext {
                role: role_for_path(&file, &contracts),
                scaffold,
                contracts: Some(&contracts),
            };
            let all = lint(&file, &bytes, &context);
            for enabled in selections {
                let expected: Vec<&Diagnostic> =
                    all.iter().filter(|f| f.code.is_none_or(enabled)).collect();
                let selected = super::lint_selected(&file, &bytes, &context, enabled);
                assert_eq!(
                    selected.iter().collect::<Vec<_>>(),
                    expected,
                    "{}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in rules() {
        assert!(!rule.why.is_empty() && !rule.bad.is_empty() && !rule.good.is_empty());
        assert!(
            rule.doc()
                .contains(rule.bad.lines().next().unwrap_or_default())
        );
    }
}

fn lint_source(source: &str, role: FileRole, scaffold: bool) -> Vec<(&'static str, usize)> {
    let context = LintContext {
        role,
        scaffold,
        contracts: None,
    };
    lint(Path::new("x.py"), source.as_bytes(), &context)
        .iter()
        .map(|d| (d.code.unwrap_or(""), d.position.map_or(0, |p| p.line)))
        .collect()
}

fn only(code: &str, findings: &[(&'static str, usize)]) -> Vec<usize> {
    findings
        .iter()
        .filter(|(c, _)| *c == code)
        .map(|(_, line)| *line)
        .collect()
}

#[test]
fn secret_names_by_words() {
    for name in [
        "password",
        "db_password",
        "DB_PASSWORD",
        "api_key",
        "apiKey",
        "API_KEY",
        "private_key",
        "secret",
        "SECRET_KEY",
        "auth_token",
        "githubToken",
        "HTTPToken",
        "apikey",
        "aws_secret_access_key",
        "credentials",
        "pwd",
    ] {
        assert!(is_secret_name(name), "{name} should be a secret");
    }
    let source =
        "API_KEY = \"api_key\"\nPERSONAL_API_KEY = \"personal_api_key\"\ntoken = \"tok\"\n";
    assert_eq!(
        only("SEC001", &lint_source(source, FileRole::Other, false)),
        vec![3]
    );
    for name in [
        "author",
        "max_tokens",
        "token_count",
        "tokens",
        "token_url",
        "token_type",
        "password_hash",
        "PASSWORD_FIELD",
        "primary_key",
        "key",
        "keys",
        "tokenizer",
        "secretary",
        "",
        "_",
    ] {
        assert!(!is_secret_name(name), "{name} is not a secret");
    }
}

#[test]
fn stub_bodies_and_their_exemptions() {
    let source = r#"
import abc
import typing


def stub():
    pass


def documented():
    """Only a docstring."""


def ellipsis():
    ...


def _private():
    pass


class Base(abc.ABC):
    @abc.abstractmethod
    def run(self):
        pass

    @property
    @abc.abstractmethod
    def name(self):
        ...


class Port(typing.Protocol):
    def send(self, data): ...


@typing.overload
def one(x: int) -> int: ...


class _Hidden:
    def method(self):
        pass


def outer():
    def inner():
        pass
    return inner


def real():
    return 1
"#;
    let findings = lint_source(source, FileRole::Other, false);
    assert_eq!(only("STB002", &findings), vec![6, 10, 14]);
}

#[test]
fn complexity_counting() {
    let branches = |n: usize| {
        let mut source = String::from("def f(x, y):\n");
        for i in 0..n {
            let _ = writeln!(source, "    if x == {i}:\n        y += 1");
        }
        source.push_str("    return y\n");
        source
    };
    assert!(only("QLT001", &lint_source(&branches(9), FileRole::Other, false)).is_empty());
    assert_eq!(
        only(
            "QLT001",
            &lint_source(&branches(10), FileRole::Other, false)
        ),
        vec![1]
    );
    // 1 + if + elif + for + while + 2 handlers + 2 cases + `and` + `or` + ternary
    // + comprehension (for + if) = 14; the nested function counts on its own.
    let mixed = r"
def f(a, b, c):
    if a:
        pass
    elif b:
        pass
    for x in a:
        pass
    while b:
        pass
    try:
        pass
    except ValueError:
        pass
    except KeyError:
        pass
    match c:
        case 1:
            pass
        case _:
            pass
    d = a and b or c
    e = 1 if a else 2
    g = [x for x in a if x]

    def inner():
        if a:
            pass
        if b:
            pass
    return d, e, g, inner
";
    let findings = lint_source(mixed, FileRole::Other, false);
    assert_eq!(only("QLT001", &findings), vec![2]);
    let context = LintContext {
        role: FileRole::Other,
        scaffold: false,
        contracts: None,
    };
    let message = lint(Path::new("x.py"), mixed.as_bytes(), &context)
        .into_iter()
        .find(|d| d.code == Some("QLT001"))
        .map(|d| d.message)
        .unwrap_or_default();
    assert!(message.contains("complexity 14"), "{message}");
}

#[test]
fn not_implemented_is_a_warning_in_scaffolds() {
    let source = "def handle(x):\n    raise NotImplementedError(x)\n";
    let context = |scaffold| LintContext {
        role: FileRole::Handler { routed: Vec::new() },
        scaffold,
        contracts: None,
    };
    let severity = |scaffold| {
        lint(Path::new("h.py"), source.as_bytes(), &context(scaffold))
            .into_iter()
            .find(|d| d.code == Some("STB003"))
            .map(|d| d.severity)
    };
    assert_eq!(severity(false), Some(Severity::Error));
    assert_eq!(severity(true), Some(Severity::Warning));
}

#[test]
fn noqa_directives() {
    assert_eq!(parse_noqa("# noqa"), Some(Noqa::All));
    assert_eq!(parse_noqa("#NOQA"), Some(Noqa::All));
    assert_eq!(
        parse_noqa("# noqa: SEC001, QLT002"),
        Some(Noqa::Codes(vec!["SEC001".into(), "QLT002".into()]))
    );
    assert_eq!(
        parse_noqa("# type: ignore  # noqa:SEC002 because"),
        Some(Noqa::Codes(vec!["SEC002".into()]))
    );
    assert_eq!(parse_noqa("# noqanot"), None);
    assert_eq!(parse_noqa("# a comment"), None);
    // Codes match exactly: a prefix does not silence.
    let source = "x = eval(y)  # noqa: SEC\nz = eval(y)  # noqa: SEC002\n";
    assert_eq!(
        only("SEC002", &lint_source(source, FileRole::Other, false)),
        vec![1]
    );
    // A noqa inside a string is not a comment.
    let source = "x = eval('# noqa')\n";
    assert_eq!(
        only("SEC002", &lint_source(source, FileRole::Other, false)),
        vec![1]
    );
}

#[test]
fn todo_markers_are_words_in_comments() {
    assert_eq!(todo_marker("# TODO: x"), Some(2));
    assert_eq!(todo_marker("# see FIXME"), Some(6));
    assert_eq!(todo_marker("# XXXL size"), None);
    assert_eq!(todo_marker("# TODOS"), None);
    assert_eq!(todo_marker("# todo"), None);
    let source = "x = 'TODO'  # fine\n";
    assert!(only("STB001", &lint_source(source, FileRole::Other, false)).is_empty());
}

#[test]
fn invalid_contract_is_located_in_the_yaml() {
    let dir = Path::new(FIXTURES).join("ONX005/bad");
    let node = dir.join("node.py");
    let bytes = std::fs::read(&node).unwrap_or_default();
    let contracts = Contracts::default();
    let context = LintContext {
        role: role_for_path(&node, &contracts),
        scaffold: false,
        contracts: Some(&contracts),
    };
    let findings: Vec<Diagnostic> = lint(&node, &bytes, &context)
        .into_iter()
        .filter(|d| d.code == Some("ONX005"))
        .collect();
    assert!(!findings.is_empty());
    for finding in &findings {
        assert_eq!(finding.file, dir.join("contract.yaml"));
        assert_eq!(finding.position.map(|p| p.line), Some(3), "{finding:?}");
    }
}

#[test]
fn roles_from_paths() {
    let cases = [
        (
            "pkg/handlers/handler_x.py",
            FileRole::Handler { routed: Vec::new() },
        ),
        ("pkg/models/model_x.py", FileRole::Model),
        ("pkg/models/__init__.py", FileRole::Init),
        ("pkg/tests/test_node.py", FileRole::Test),
        ("test_thing.py", FileRole::Test),
        ("pkg/util.py", FileRole::Other),
        ("nowhere/node.py", FileRole::Node { base_class: None }),
    ];
    for (path, role) in cases {
        assert_eq!(
            role_for_path(Path::new(path), &Contracts::default()),
            role,
            "{path}"
        );
    }
    let node = Path::new(FIXTURES).join("ONX004/good/node.py");
    assert_eq!(
        role_for_path(&node, &Contracts::default()),
        FileRole::Node {
            base_class: Some("NodeCompute".to_owned())
        }
    );
}

#[test]
fn nothing_panics_on_odd_input() {
    let context = LintContext {
        role: FileRole::Node { base_class: None },
        scaffold: false,
        contracts: Some(&Contracts::default()),
    };
    for bytes in [
        &b""[..],
        b"\0\0\0",
        b"\xff\xfe",
        b"def (",
        b"# noqa:\n",
        b"#",
        b"x = f'{'",
    ] {
        let _ = lint(Path::new("/nonexistent/dir/node.py"), bytes, &context);
    }
}

/// Every generated package lints clean but for `STB003` warnings in handler scaffolds.
#[test]
fn generated_packages_are_clean() {
    let mut unexpected = Vec::new();
    let mut linted = 0;
    let dir = Path::new("tests/fixtures/contracts/valid");
    let mut contracts: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    contracts.sort();
    assert!(!contracts.is_empty());
    for path in contracts {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let Ok(loaded) =
            crate::contract::load(&path, &bytes, &crate::contract::LoadOptions::default())
        else {
            continue;
        };
        let contract = loaded.contract;
        let renderer = Renderer::new(TemplateManager::builtin());
        let mut files = Vec::new();
        for stage in [
            Renderer::render_models,
            Renderer::render_node,
            Renderer::render_tests,
        ] {
            files.extend(stage(&renderer, &contract).unwrap_or_default());
        }
        for file in files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "py"))
        {
            let shown = Path::new(&contract.name).join(&file.path);
            let handler = file.ownership == Ownership::Scaffold;
            let context = LintContext {
                role: role_in_package(&shown, &PackageRoles::of(&contract)),
                scaffold: handler,
                contracts: None,
            };
            linted += 1;
            for finding in lint(&shown, file.contents.as_bytes(), &context) {
                let allowed = handler
                    && finding.code == Some("STB003")
                    && finding.severity == Severity::Warning;
                if !allowed {
                    unexpected.push(finding.headline());
                }
            }
        }
    }
    assert!(linted > 100, "only {linted} generated files linted");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

/// Lints every `.py` file under `$LINT_DIR` and prints the findings and the time taken.
#[test]
#[ignore = "a manual check on real code: LINT_DIR=... cargo test lint_a_directory -- --ignored --nocapture"]
fn lint_a_directory() {
    let Ok(dir) = std::env::var("LINT_DIR") else {
        return;
    };
    let mut files = Vec::new();
    collect_py(Path::new(&dir), &mut files);
    files.sort();
    let sources: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|path| std::fs::read(&path).ok().map(|bytes| (path, bytes)))
        .collect();
    let started = std::time::Instant::now();
    let mut counts = std::collections::BTreeMap::new();
    let contracts = Contracts::default();
    for (path, bytes) in &sources {
        let context = LintContext {
            role: role_for_path(path, &contracts),
            scaffold: false,
            contracts: Some(&contracts),
        };
        for finding in lint(path, bytes, &context) {
            *counts.entry(finding.code.unwrap_or("-")).or_insert(0) += 1;
            println!("{}", line(&finding));
        }
    }
    let bytes: usize = sources.iter().map(|(_, b)| b.len()).sum();
    println!(
        "{} files, {bytes} bytes in {:?}: {counts:?}",
        sources.len(),
        started.elapsed()
    );
}

/// What validate learned on published code: each exemption next to the case it still
/// flags, so a precision gain cannot silently cost recall.
#[test]
fn exemptions_from_published_code_keep_their_flagged_twins() {
    let other = |source: &str| lint_source(source, FileRole::Other, false);
    // `# stub-ok` on the def line spares a stub; the same stub without it is flagged.
    let source =
        "def later():  # stub-ok: filled by a plugin\n    pass\n\n\ndef now():\n    pass\n";
    assert_eq!(only("STB002", &other(source)), vec![5]);
    let source = "def a():\n    raise NotImplementedError  # stub-ok\n\n\ndef b():\n    raise NotImplementedError\n";
    assert_eq!(only("STB003", &other(source)), vec![6]);
    // A raise that answers one case inside a branch is behaviour; as the whole body, a stub.
    let source = "def a(v):\n    if v > 2:\n        raise NotImplementedError(v)\n    return v\n\n\ndef b(v):\n    raise NotImplementedError(v)\n";
    assert_eq!(only("STB003", &other(source)), vec![8]);
    // Base classes by convention may leave a method to subclasses.
    let source = "class BaseThing:\n    def run(self):\n        raise NotImplementedError\n\n\nclass Thing:\n    def run(self):\n        raise NotImplementedError\n";
    assert_eq!(only("STB003", &other(source)), vec![8]);
    // click groups and @override hooks have docstring bodies by design.
    let source = "import click\nfrom typing import override\n\n\n@click.group()\ndef cli():\n    \"\"\"Commands.\"\"\"\n\n\nclass A:\n    @override\n    def hook(self):\n        pass\n\n\n@click.command()\ndef run():\n    \"\"\"Run.\"\"\"\n";
    assert_eq!(only("STB002", &other(source)), vec![17]);
    // Secrets: detect-secrets' pragma, env-variable names, names of secrets and regexes
    // pass; a literal value is flagged.
    let source = concat!(
        "password = \"hunter2\"  # pragma: allowlist secret\n",
        "PASSWORD_ENV = \"KAFKA_SASL_PASSWORD\"\n",
        "password_key = \"sasl_plain_password\"\n",
        "token = r\"[A-Za-z0-9]{40}\"\n",
        "secret = \"(?:[a-z]+)\"\n",
        "db_password = \"hunter2\"\n",
    );
    assert_eq!(only("SEC001", &other(source)), vec![6]);
    // ruff's code for the same check silences it as ours does.
    let source = "a = eval(x)  # noqa: S307\nb = eval(x)  # noqa: E501\n";
    assert_eq!(only("SEC002", &other(source)), vec![2]);
    // SQL built from numbers formatted as numbers cannot inject; from text it can.
    let source = concat!(
        "def q(cursor, n: int, name: str):\n",
        "    cursor.execute(f\"SELECT * FROM t LIMIT {n:d}\")\n",
        "    cursor.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n",
    );
    assert_eq!(only("SEC003", &other(source)), vec![3]);
    // A loader derived from SafeLoader is safe; the full Loader is not.
    let source = concat!(
        "import yaml\n\n\n",
        "class StrictLoader(yaml.SafeLoader):\n    pass\n\n\n",
        "def a(t):\n    return yaml.load(t, Loader=StrictLoader)\n\n\n",
        "def b(t):\n    return yaml.load(t, Loader=yaml.Loader)\n",
    );
    assert_eq!(only("SEC004", &other(source)), vec![13]);
    // A TODO that names its tracking issue is tracked work; a bare one is not.
    let source = "# TODO(OMN-5736): retry\n# FIXME #123\n# TODO: retry\nx = 1\n";
    assert_eq!(only("STB001", &other(source)), vec![3]);
}
