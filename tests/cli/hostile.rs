//! Hostile input: nesting at and past `CPython` 3.12's limits (`CPython` judges each file,
//! and the other file of the run keeps its findings), FIFOs named like inputs, an absurd
//! `--jobs`, CR-only contracts, a template whose output nests too deep, and a bounded fuzz
//! of the library's entry points with any crash kept under `tests/fixtures/fuzz/`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use serde_json::Value;

use crate::common::{codegen, first_contract, python, repo, stderr, stdout};

/// `CPython`'s verdict on `path` as `python path` gives it: `None` when it compiles (running
/// it may fail: a `Traceback` means compiling succeeded), else the error's message and, for
/// a `SyntaxError`, its line and column.
fn cpython_verdict(path: &Path) -> Option<(String, Option<(usize, usize)>)> {
    let run = Command::new(python())
        .arg(path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python");
    let err = stderr(&run);
    if run.status.success() || err.contains("Traceback (most recent call last)") {
        return None;
    }
    let last = err.lines().last().unwrap_or_default();
    let message = last.split_once(": ").map_or(last, |(_, m)| m).to_owned();
    if !last.starts_with("SyntaxError") && !last.starts_with("IndentationError") {
        return Some((message, None));
    }
    let located = Command::new(python())
        .args([
            "-c",
            "import sys\ntry:\n    compile(open(sys.argv[1], 'rb').read(), 'f', 'exec')\nexcept SyntaxError as e:\n    print(e.lineno, e.offset)",
        ])
        .arg(path)
        .output()
        .expect("run python");
    let text = stdout(&located);
    let mut numbers = text.split_whitespace().map(|n| n.parse().unwrap_or(0));
    let line = numbers.next().unwrap_or(0);
    let column = numbers.next().unwrap_or(0);
    Some((message, Some((line, column))))
}

fn json(output: &Output) -> Vec<Value> {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

/// Nesting of each kind, built `n` deep.
fn nested(kind: &str, n: usize) -> String {
    match kind {
        "parentheses" => format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        "lists" => format!("{}{}\n", "[".repeat(n), "]".repeat(n)),
        "f-string braces" => format!("f\"{}x{}\"\n", "{(".repeat(n), ")}".repeat(n)),
        "calls" => format!("a{}\n", "()".repeat(n)),
        "attributes" => format!("a{}\n", ".b".repeat(n)),
        "subscripts" => format!("a{}\n", "[0]".repeat(n)),
        "binary operators" => format!("1{}\n", "+1".repeat(n)),
        "unary operators" => format!("{}x\n", "-".repeat(n)),
        "not" => format!("{}x\n", "not ".repeat(n)),
        "powers" => format!("x{}\n", "**x".repeat(n)),
        "lambdas" => format!("{}x\n", "lambda: ".repeat(n)),
        "conditional expressions" => format!("{}x\n", "x if y else ".repeat(n)),
        "unary in a function" => format!("def f():\n    return {}x\n", "-".repeat(n)),
        "elif" => format!("if x:\n    pass\n{}", "elif x:\n    pass\n".repeat(n)),
        "blocks" => (0..n)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .chain(std::iter::once(format!("{}pass\n", " ".repeat(n))))
            .collect(),
        "f-strings" => format!("{}x{}\n", "f\"{".repeat(n), "}\"".repeat(n)),
        _ => unreachable!("{kind}"),
    }
}

/// Sizes around `CPython`'s limit for each kind, and far past it.
const CASES: &[(&str, &[usize])] = &[
    ("parentheses", &[200, 201, 100_000]),
    ("lists", &[200, 201]),
    ("f-string braces", &[100, 101]),
    ("calls", &[2998, 2999, 20_000]),
    ("attributes", &[2998, 2999]),
    ("subscripts", &[2998, 2999]),
    ("binary operators", &[2998, 2999]),
    ("unary operators", &[5969, 5970, 100_000]),
    ("not", &[5969, 5970]),
    ("powers", &[2984, 2985]),
    ("lambdas", &[2984, 2985]),
    ("conditional expressions", &[5969, 5970]),
    ("unary in a function", &[2997, 5961, 5962]),
    ("elif", &[2998, 2999]),
    ("blocks", &[99, 100]),
    ("f-strings", &[149, 150, 1000]),
];

#[test]
fn deep_nesting_gets_cpythons_verdict_and_the_other_file_keeps_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let normal = dir.path().join("normal.py");
    fs::write(&normal, "import pickle\n\nx = pickle.loads(b'')\n").unwrap();
    let mut disagreements = Vec::new();
    for (kind, sizes) in CASES {
        for &n in *sizes {
            let deep = dir.path().join("deep.py");
            fs::write(&deep, nested(kind, n)).unwrap();
            let expected = cpython_verdict(&deep);
            let output = codegen(
                dir.path(),
                &[
                    "validate",
                    "--output-format",
                    "json",
                    "deep.py",
                    "normal.py",
                ],
            );
            assert!(
                output.status.code().is_some(),
                "{kind} x{n}: killed by a signal\n{}",
                stderr(&output)
            );
            let findings = json(&output);
            let of = |file: &str| -> Vec<&Value> {
                findings
                    .iter()
                    .filter(|f| f["filename"].as_str() == Some(file))
                    .collect()
            };
            assert!(
                of("normal.py")
                    .iter()
                    .any(|f| f["code"] == "SEC002" || f["code"] == "DOC001"),
                "{kind} x{n}: the other file lost its findings: {findings:?}"
            );
            let ours = of("deep.py")
                .into_iter()
                .find(|f| f["code"].as_str().is_some_and(|c| c.starts_with("SYN")));
            let agree = match (&expected, ours) {
                (None, None) => true,
                (Some((message, located)), Some(finding)) => {
                    finding["message"].as_str() == Some(message.as_str())
                        && located.is_none_or(|(line, column)| {
                            finding["location"]["row"].as_u64() == Some(line as u64)
                                && finding["location"]["column"].as_u64() == Some(column as u64)
                        })
                }
                _ => false,
            };
            if !agree {
                disagreements.push(format!(
                    "{kind} x{n}: CPython {expected:?}, codegen {ours:?}"
                ));
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[test]
fn fifos_named_like_inputs_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("tree")).unwrap();
    mkfifo(&root.join("pipe.py"));
    mkfifo(&root.join("tree/pipe.py"));
    fs::write(root.join("tree/ok.py"), "x = 1\n").unwrap();
    for args in [
        &["validate", "pipe.py", "tree/ok.py"][..],
        &["validate", "tree"][..],
    ] {
        let output = codegen(root, args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("pipe.py: error: not a regular file (a FIFO): refused, not read"),
            "{args:?}: {err}"
        );
        assert!(
            stdout(&output).contains("tree/ok.py:1:1: DOC001"),
            "{args:?}"
        );
    }

    fs::create_dir_all(root.join("contracts")).unwrap();
    let example = first_contract(&repo().join("contracts"));
    fs::copy(&example, root.join("contracts/good.yaml")).unwrap();
    mkfifo(&root.join("contracts/pipe.yaml"));
    mkfifo(&root.join("lone.yaml"));
    for args in [
        &["generate", "lone.yaml", "contracts/good.yaml", "-o", "out"][..],
        &["generate", "contracts", "-o", "out2"][..],
    ] {
        let output = codegen(root, args);
        let err = stderr(&output);
        assert_ne!(output.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            err.contains(".yaml: error: not a regular file (a FIFO): refused, not read"),
            "{args:?}: {err}"
        );
    }
    assert!(root.join("out").read_dir().unwrap().next().is_some());
    assert!(root.join("out2").read_dir().unwrap().next().is_some());
}

#[test]
fn absurd_jobs_are_capped_with_a_note_and_change_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..8 {
        fs::write(dir.path().join(format!("m{i}.py")), "x = 1\n").unwrap();
    }
    let one = codegen(dir.path(), &["validate", "-j", "1", "."]);
    let many = codegen(dir.path(), &["validate", "-j", "60000", "."]);
    assert!(
        stderr(&many).contains("codegen: note: --jobs 60000 is capped at"),
        "{}",
        stderr(&many)
    );
    assert!(!stderr(&one).contains("capped"));
    assert_eq!(stdout(&one), stdout(&many));
    assert_eq!(one.status.code(), many.status.code());
}

#[test]
fn a_contract_with_cr_line_endings_generates_the_same_package() {
    let dir = tempfile::tempdir().unwrap();
    let example = first_contract(&repo().join("contracts"));
    let text = fs::read_to_string(&example).unwrap();
    for (variant, text) in [("lf", text.clone()), ("cr", text.replace('\n', "\r"))] {
        let root = dir.path().join(variant);
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("c.yaml"), text).unwrap();
        let output = codegen(&root, &["generate", "-q", "c.yaml", "-o", "out"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{variant}: {}",
            stderr(&output)
        );
    }
    // Everything but the contract's own copy and its hashes is the same.
    let package = |variant: &str| -> Vec<(String, String)> {
        let root = dir.path().join(variant).join("out");
        crate::common::files_under(&root)
            .into_iter()
            .filter(|p| !p.to_string_lossy().contains("manifest"))
            // The findings record carries the contract's hash too.
            .filter(|p| !p.starts_with(".codegen"))
            .filter(|p| !p.ends_with("contract.yaml"))
            .map(|p| {
                (
                    p.display().to_string(),
                    fs::read_to_string(root.join(&p)).unwrap(),
                )
            })
            .collect()
    };
    let (lf, cr) = (package("lf"), package("cr"));
    assert!(lf.len() > 5, "{lf:?}");
    for ((name, a), (_, b)) in lf.iter().zip(&cr) {
        assert!(a == b, "{name} differs");
    }
    assert_eq!(lf.len(), cr.len());
}

#[test]
fn a_template_whose_output_nests_too_deep_fails_its_package_not_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    let original = codegen(dir.path(), &["templates", "eject", "ejected"]);
    assert_eq!(original.status.code(), Some(0), "{}", stderr(&original));
    let header = fs::read_to_string(dir.path().join("ejected/_header.py.tera")).unwrap();
    // Every rendered module ends in a chain of 5,000 calls: CPython refuses it.
    let deep = format!("{header}\nCHAIN = int{}\n", "()".repeat(5000));
    fs::write(templates.join("_header.py.tera"), deep).unwrap();
    let example = first_contract(&repo().join("contracts"));
    let output = codegen(
        dir.path(),
        &[
            "generate",
            example.to_str().unwrap(),
            "--templates",
            "templates",
            "-o",
            "out",
        ],
    );
    let err = stderr(&output);
    assert!(output.status.code().is_some(), "killed by a signal: {err}");
    assert_ne!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("SYN002 maximum recursion depth exceeded during compilation"),
        "{err}"
    );
}

/// Python-ish fragments the fuzz strings are made of: brackets, operators, keywords, strings,
/// f-strings, indentation and line breaks of every kind.
const PY_PIECES: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "-", "+", "~", "not ", "**", "*", "lambda", ":", "x", "1",
    " if ", " else ", ",", "=", "\n", "\r", "\r\n", "    ", "\t", "f\"", "\"", "'", "{x}",
    "\"\"\"", "#", "\\", "def f():", "class C:", "elif", "return ", "async ", "await ", "yield",
    ".", "a", "()", "[0]", "@", "0x", "e-", "\u{e9}", ";", "match x:", "case _:",
];

const YAML_PIECES: &[&str] = &[
    "name: ",
    "node_type: ",
    "contract_version: ",
    "COMPUTE_GENERIC",
    "node_x_compute",
    "\n",
    "\r",
    "\r\n",
    "  ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "'",
    "\"",
    "&a ",
    "*a",
    "!!str ",
    "#",
    "---",
    "1.0.0",
    "major: 1",
    "fields:",
    "type: int",
    "default: ",
    "-1",
    "~",
    "<<: *a",
    "\t",
    "\u{feff}",
    "definitions:",
    "input_model:",
    "ge: 1000",
];

fn assemble(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..200).prop_map(|parts| parts.concat())
}

fn fuzz_fixtures() -> std::path::PathBuf {
    repo().join("tests/fixtures/fuzz")
}

/// Keeps the input of a failing case for the regression test below.
fn keep(name: &str, input: &str) {
    let dir = fuzz_fixtures();
    fs::create_dir_all(&dir).unwrap();
    let digest = input
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(0x0100_0000_01b3) ^ u64::from(b));
    fs::write(dir.join(format!("{name}-{digest:016x}")), input).unwrap();
}

fn python_entry_points(input: &str) {
    let path = Path::new("fuzz.py");
    let _ = codegen::lint::check_bytes(path, input.as_bytes());
    let context = codegen::lint::LintContext {
        role: codegen::lint::FileRole::Other,
        scaffold: false,
        contracts: None,
    };
    let _ = codegen::lint::lint(path, input.as_bytes(), &context);
}

fn contract_entry_points(input: &str) {
    let options = codegen::contract::LoadOptions::default();
    let _ = codegen::contract::load(Path::new("fuzz.yaml"), input.as_bytes(), &options);
}

fn guarded(name: &str, input: &str, run: fn(&str)) -> Result<(), TestCaseError> {
    let outcome = std::panic::catch_unwind(|| run(input));
    if outcome.is_err() {
        keep(name, input);
    }
    prop_assert!(outcome.is_ok(), "{name} panicked on {input:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_python_source_never_panics(input in assemble(PY_PIECES)) {
        guarded("python", &input, python_entry_points)?;
    }

    #[test]
    fn fuzz_contract_yaml_never_panics(input in assemble(YAML_PIECES)) {
        guarded("contract", &input, contract_entry_points)?;
    }
}

/// Every input the fuzz ever crashed on, again; and a few through the binary.
#[test]
fn fuzz_regressions_and_the_binary_survive() {
    let mut inputs: Vec<(String, String)> = fs::read_dir(fuzz_fixtures())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, fs::read_to_string(e.path()).unwrap_or_default())
        })
        .collect();
    inputs.retain(|(name, _)| name.starts_with("python") || name.starts_with("contract"));
    inputs.sort();
    for (name, input) in &inputs {
        if name.starts_with("contract") {
            contract_entry_points(input);
        } else {
            python_entry_points(input);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let samples = [
        "(\r{x}f\"\\\r\n**lambda",
        "def f():\n\treturn -~-x if y else lambda: f\"{f'{x}'}\"",
        "\u{e9}\"\"\"\n(((\n",
    ];
    for (i, sample) in samples.iter().enumerate() {
        fs::write(dir.path().join(format!("s{i}.py")), sample).unwrap();
        fs::write(dir.path().join(format!("s{i}.yaml")), sample).unwrap();
    }
    let output = codegen(dir.path(), &["validate", "."]);
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{}",
        stderr(&output)
    );
    let output = codegen(dir.path(), &["generate", ".", "-o", "out"]);
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{}",
        stderr(&output)
    );
}
