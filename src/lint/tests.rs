//! Planted snippets judged against `CPython` 3.12: the expected rows come from
//! `tests/fixtures/python/cpython_verdicts.py` run under `CPython` 3.12.

use std::path::{Path, PathBuf};

use super::{FileRole, check_bytes, check_structure, check_syntax, rules};

/// (case, code `CPython`'s verdict maps to or "" when it compiles, line, column); 0 = no position.
const CPYTHON: &[(&str, &str, usize, i64)] = &[
    ("annotated_global", "SYN002", 3, 5), // annotated name 'x' can't be global
    ("ascii_cookie_high_byte", "SYN003", 0, -1), // 'ascii' codec can't decode byte 0xe9 in position 21: ordinal not in range(128)
    ("assign_debug", "SYN002", 1, 1),            // cannot assign to __debug__
    ("async_comprehension_sync_def", "SYN002", 2, 5), // asynchronous comprehension outside of an asynchronous function
    ("async_for_in_sync_def", "SYN002", 2, 5),        // 'async for' outside async function
    ("async_with_module", "SYN002", 1, 1),            // 'async with' outside async function
    ("await_comprehension_module", "SYN002", 1, 1), // asynchronous comprehension outside of an asynchronous function
    ("await_in_class_in_async", "SYN002", 3, 9),    // 'await' outside function
    ("await_in_lambda", "SYN002", 1, 9),            // 'await' outside async function
    ("await_in_sync_def", "SYN002", 2, 5),          // 'await' outside async function
    ("await_outside", "SYN002", 1, 1),              // 'await' outside function
    ("bad_cookie_name", "SYN003", 0, -1),           // unknown encoding: no-such-codec
    ("bad_utf8_in_comment", "SYN003", 0, 0),        // python file.py: Non-UTF-8 code
    ("bom_with_utf8_spelling", "SYN003", 0, -1),    // encoding problem: utf8 with BOM
    ("break_in_def_in_loop", "SYN002", 3, 9),       // 'break' outside loop
    ("break_in_loop_else", "SYN002", 4, 5),         // 'break' outside loop
    ("break_outside", "SYN002", 2, 5),              // 'break' outside loop
    ("continuation_space", "SYN001", 1, 10), // unexpected character after line continuation character
    ("continue_outside", "SYN002", 2, 5),    // 'continue' not properly in loop
    ("cp1252_undefined", "SYN003", 0, -1), // 'charmap' codec can't decode byte 0x81 in position 22: character maps to <undefined>
    ("dedent_after_tab", "SYN001", 5, 22), // unindent does not match any outer indentation level
    ("default_order", "SYN001", 1, 12), // parameter without a default follows parameter with a default
    ("del_call", "SYN001", 1, 5),       // cannot delete function call
    ("dup_kwarg", "SYN002", 1, 8),      // keyword argument repeated: a
    ("dup_type_param", "SYN002", 1, 10), // duplicate type parameter 'T'
    ("duplicate_argument", "SYN002", 1, 13), // duplicate argument 'a' in function definition
    ("duplicate_argument_lambda", "SYN002", 1, 18), // duplicate argument 'x' in function definition
    ("except_group_unparenthesized", "SYN001", 3, 8), // multiple exception types must be parenthesized
    ("expected_indent", "SYN001", 2, 1), // expected an indented block after function definition on line 1
    ("fstring_empty_expr", "SYN001", 1, 8), // f-string: valid expression required before '}'
    ("fstring_single_rbrace", "SYN001", 1, 8), // f-string: single '}' is not allowed
    ("fstring_unclosed_brace", "SYN001", 1, 9), // f-string: expecting '}'
    ("future_after_two_strings", "SYN002", 3, 1), // from __future__ imports must occur at the beginning of the file
    ("future_braces", "SYN002", 1, 1),            // not a chance
    ("future_in_function", "SYN002", 2, 5), // from __future__ imports must occur at the beginning of the file
    ("future_late", "SYN002", 2, 1), // from __future__ imports must occur at the beginning of the file
    ("future_unknown", "SYN002", 1, 1), // future feature braces_please is not defined
    ("global_nonlocal", "SYN002", 4, 9), // name 'x' is nonlocal and global
    ("import_star_func", "SYN002", 2, 20), // import * only allowed at module level
    ("invalid_augassign", "SYN001", 1, 1), // 'tuple' is an illegal expression for augmented assignment
    ("invalid_target_call", "SYN001", 1, 1), // cannot assign to function call here. Maybe you meant '==' instead of '='?
    ("invalid_target_literal", "SYN001", 1, 1), // cannot assign to literal here. Maybe you meant '==' instead of '='?
    ("invalid_utf8", "SYN003", 1, 5), // (unicode error) 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte
    ("invalid_utf8_line3", "SYN003", 3, 5), // (unicode error) 'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte
    ("keyword_inside_bracket", "SYN001", 1, 5), // '[' was never closed
    ("kwarg_before_positional", "SYN001", 1, 9), // positional argument follows keyword argument
    ("latin1_no_cookie", "SYN003", 1, 5), // (unicode error) 'utf-8' codec can't decode byte 0xe9 in position 3: unexpected end of data
    ("match_irrefutable", "SYN002", 2, 10), // name capture 'y' makes remaining patterns unreachable
    ("mismatch_paren", "SYN001", 1, 9), // closing parenthesis ']' does not match opening parenthesis '('
    ("missing_colon_def", "SYN001", 1, 8), // expected ':'
    ("missing_colon_if", "SYN001", 1, 5), // expected ':'
    ("multi_starred", "SYN002", 1, 1),  // multiple starred expressions in assignment
    ("nonlocal_module", "SYN002", 1, 1), // nonlocal declaration not allowed at module level
    ("nul_byte", "SYN003", 0, 0),       // source code string cannot contain null bytes
    ("param_global", "SYN002", 2, 5),   // name 'a' is parameter and global
    ("param_nonlocal", "SYN002", 4, 9), // name 'a' is parameter and nonlocal
    ("print_stmt", "SYN001", 1, 1), // Missing parentheses in call to 'print'. Did you mean print(...)?
    ("return_in_class", "SYN002", 2, 5), // 'return' outside function
    ("return_outside", "SYN002", 2, 1), // 'return' outside function
    ("return_value_async_gen", "SYN002", 3, 5), // 'return' with value in async generator
    ("star_expr_bad", "SYN002", 1, 5), // can't use starred expression here
    ("starred_for_target", "SYN002", 1, 5), // starred assignment target must be in a list or tuple
    ("starred_statement", "SYN002", 1, 8), // can't use starred expression here
    ("stray_dollar", "SYN001", 1, 5), // invalid syntax
    ("stray_token", "SYN001", 1, 7), // invalid syntax
    ("symtable_before_codegen", "SYN002", 2, 10), // duplicate argument 'a' in function definition
    ("tab_after_spaces", "SYN001", 3, 1), // inconsistent use of tabs and spaces in indentation
    ("tab_nested", "SYN001", 4, 1), // inconsistent use of tabs and spaces in indentation
    ("tab_space_mix", "SYN001", 3, 1), // inconsistent use of tabs and spaces in indentation
    ("unclosed_after_block", "SYN001", 2, 9), // '(' was never closed
    ("unclosed_brace_nested", "SYN001", 1, 16), // closing parenthesis '}' does not match opening parenthesis '('
    ("unclosed_bracket_eof", "SYN001", 1, 8),   // '[' was never closed
    ("unclosed_nested_eof", "SYN001", 1, 12),   // '[' was never closed
    ("unclosed_paren", "SYN001", 1, 8),         // '(' was never closed
    ("unclosed_same_line_eof", "SYN001", 2, 12), // '(' was never closed
    ("unclosed_same_line_more", "SYN001", 1, 5), // '[' was never closed
    ("unexpected_indent", "SYN001", 2, 4),      // unexpected indent
    ("unexpected_indent_tab", "SYN001", 2, 4),  // unexpected indent
    ("unindent_mismatch", "SYN001", 3, 10), // unindent does not match any outer indentation level
    ("unmatched_close", "SYN001", 1, 6),    // unmatched ')'
    ("unmatched_close_line3", "SYN001", 3, 8), // unmatched ']'
    ("unterminated_string", "SYN001", 1, 5), // unterminated string literal (detected at line 1)
    ("unterminated_triple", "SYN001", 2, 5), // unterminated triple-quoted string literal (detected at line 4)
    ("valid_await_comprehension_async_def", "", 0, 0),
    ("valid_bom", "", 0, 0),
    ("valid_bom_cookie", "", 0, 0),
    ("valid_class", "", 0, 0),
    ("valid_cookie_line2", "", 0, 0),
    ("valid_cp1252_cookie", "", 0, 0),
    ("valid_crlf", "", 0, 0),
    ("valid_empty", "", 0, 0),
    ("valid_euc_jp", "", 0, 0),
    ("valid_fstring", "", 0, 0),
    ("valid_future", "", 0, 0),
    ("valid_lambda_yield", "", 0, 0),
    ("valid_latin1_cookie", "", 0, 0),
    ("valid_loops", "", 0, 0),
    ("valid_match", "", 0, 0),
    ("valid_nonlocal", "", 0, 0),
    ("valid_simple", "", 0, 0),
    ("valid_starred", "", 0, 0),
    ("valid_type_params", "", 0, 0),
    ("valid_unicode", "", 0, 0),
    ("valid_yield_first_iterable", "", 0, 0),
    ("walrus_bad", "SYN001", 1, 3),             // invalid syntax
    ("yield_from_async", "SYN002", 2, 5),       // 'yield from' inside async function
    ("yield_in_class", "SYN002", 2, 9),         // 'yield' outside function
    ("yield_in_comprehension", "SYN002", 2, 7), // 'yield' inside list comprehension
    ("yield_outside", "SYN002", 1, 1),          // 'yield' outside function
];

fn case_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/python/cases")
        .join(format!("{name}.py"))
}

#[test]
fn verdicts_match_cpython() {
    let mut mismatches = Vec::new();
    for &(name, code, line, column) in CPYTHON {
        let path = case_path(name);
        let bytes = std::fs::read(&path).expect("fixture exists");
        let found = check_bytes(&path, &bytes);
        let first = found.first();
        let got_code = first.and_then(|d| d.code).unwrap_or("");
        let got = first.and_then(|d| d.position);
        let line_ok = line == 0 || got.is_some_and(|p| p.line == line);
        let column_ok =
            column <= 0 || got.is_some_and(|p| i64::try_from(p.column).ok() == Some(column));
        if got_code != code || !(code.is_empty() || line_ok && column_ok) {
            mismatches.push(format!(
                "{name}: expected {code} {line}:{column}, got {:?}",
                first.map(super::super::diagnostics::Diagnostic::headline)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
#[ignore = "debugging aid"]
fn dump_ruff_errors() {
    for name in std::env::var("CASES").unwrap_or_default().split(',') {
        let source = std::fs::read_to_string(case_path(name)).unwrap_or_default();
        let Ok(parsed) = super::syntax::parse(&source) else {
            continue;
        };
        for error in parsed.errors() {
            eprintln!("{name}: {:?} {:?}", error.error, error.location);
        }
        for error in parsed.unsupported_syntax_errors() {
            eprintln!("{name}: unsupported {error}");
        }
    }
}

fn codes(findings: &[crate::diagnostics::Diagnostic]) -> Vec<(&'static str, usize)> {
    findings
        .iter()
        .map(|d| (d.code.unwrap_or(""), d.position.map_or(0, |p| p.line)))
        .collect()
}

fn node_role(base: &str) -> FileRole {
    FileRole::Node {
        base_class: Some(base.to_owned()),
    }
}

const GOOD_NODE: &str = r#""""Node."""

from omnibase_core.nodes import NodeCompute


class NodeOrderTotalCompute(NodeCompute):
    """Totals an order."""
"#;

#[test]
fn a_well_formed_node_passes() {
    let found = check_structure(Path::new("node.py"), GOOD_NODE, &node_role("NodeCompute"));
    assert_eq!(codes(&found), []);
}

#[test]
fn node_rules() {
    let path = Path::new("node.py");
    let role = node_role("NodeCompute");
    let check = |source: &str| codes(&check_structure(path, source, &role));
    assert_eq!(check("x = 1\n"), [("CMP001", 1)]);
    assert_eq!(check("class NodeA:\n    pass\n"), [("CMP001", 1)]);
    assert_eq!(check("class NodeA(Base):\n    pass\n"), [("CMP001", 1)]);
    assert_eq!(
        check("\nclass NodeA(NodeEffect):\n    pass\n"),
        [("ONX002", 2)]
    );
    assert_eq!(
        check("class Orders(NodeCompute):\n    pass\n"),
        [("ONX001", 1)]
    );
    assert_eq!(
        check("class Node_orders(nodes.NodeCompute):\n    pass\n"),
        [("ONX001", 1)]
    );
    assert_eq!(
        check("class NodeOrders(nodes.NodeCompute):\n    pass\n"),
        []
    );
    assert_eq!(
        check("class NodeOrders(NodeCompute[In, Out]):\n    pass\n"),
        []
    );
    // A file that does not parse is left to check_syntax.
    assert_eq!(check("class (:\n"), []);
}

#[test]
fn handler_rules() {
    let path = Path::new("handlers/handler_orders.py");
    let role = FileRole::Handler {
        routed: vec!["HandlerOrders".to_owned(), "HandlerLike".to_owned()],
    };
    let check = |source: &str| codes(&check_structure(path, source, &role));
    assert_eq!(
        check("class HandlerOrders:\n    async def handle(self, x):\n        return x\n"),
        []
    );
    assert_eq!(
        check("class HandlerOrders:\n    def handle(self, x):\n        return x\n"),
        []
    );
    assert_eq!(
        check("\n\nclass HandlerOrders:\n    def process(self):\n        pass\n"),
        [("CMP003", 3)]
    );
    // The entry points the framework's runtime falls back on, own or inherited here.
    for entry in ["execute", "run", "run_full_cycle"] {
        let source = format!(
            "class HandlerOrders:\n    async def {entry}(self, envelope):\n        return envelope\n"
        );
        assert_eq!(check(&source), [], "{entry}");
    }
    assert_eq!(
        check(
            "class _Base:\n    def execute(self, e):\n        return e\n\n\nclass HandlerOrders(_Base):\n    pass\n"
        ),
        []
    );
    assert_eq!(
        check(
            "class _Base:\n    pass\n\n\nclass HandlerOrders(_Base):\n    def go(self):\n        pass\n"
        ),
        [("CMP003", 5)]
    );
    // A base from elsewhere may supply the entry point; a class no contract routes to is
    // not a handler of the node.
    assert_eq!(check("class HandlerOrders(Imported):\n    pass\n"), []);
    assert_eq!(
        check("class HandlerOther:\n    def go(self):\n        pass\n"),
        []
    );
    assert_eq!(
        check("class HandlerLike(Protocol):\n    def run(self): ...\n"),
        []
    );
    assert_eq!(check("class Helper:\n    pass\n"), []);
}

#[test]
fn model_rules() {
    let path = Path::new("models/model_order.py");
    let check = |source: &str| codes(&check_structure(path, source, &FileRole::Model));
    let strict = "class ModelOrder(BaseModel):\n    model_config = ConfigDict(frozen=True, extra=\"forbid\")\n    total: int\n";
    assert_eq!(check(strict), []);
    assert_eq!(
        check("class ModelOrder(BaseModel, extra=\"forbid\"):\n    x: int\n"),
        []
    );
    assert_eq!(
        check(
            "class ModelOrder(pydantic.BaseModel):\n    model_config = {\"extra\": \"forbid\"}\n"
        ),
        []
    );
    assert_eq!(
        check("class ModelOrder(BaseModel):\n    x: int\n"),
        [("ONX006", 1)]
    );
    // An explicit `extra` other than forbid is a choice, not an omission.
    assert_eq!(
        check("class ModelOrder(BaseModel):\n    model_config = ConfigDict(extra=\"allow\")\n"),
        []
    );
    assert_eq!(
        check("class ModelOrder(BaseModel):\n    model_config = ConfigDict(frozen=True)\n"),
        [("ONX006", 1)]
    );
    assert_eq!(
        check("class Order(BaseModel, extra=\"forbid\"):\n    x: int\n"),
        [("ONX003", 1)]
    );
    assert_eq!(
        check("class Status(str, Enum):\n    A = \"a\"\n"),
        [("ONX003", 1)]
    );
    assert_eq!(check("class EnumStatus(StrEnum):\n    A = \"a\"\n"), []);
    let two = format!("{strict}\n\nclass ModelLine(ModelOrder):\n    qty: int\n");
    assert_eq!(check(&two), [("ONX007", 6)]);
    // Elsewhere than models/, two models in a file are fine.
    let found = check_structure(Path::new("node.py"), &two, &FileRole::Other);
    assert_eq!(codes(&found), []);
    // Tests may define throwaway models.
    let found = check_structure(
        Path::new("tests/test_x.py"),
        "class Fake(BaseModel):\n    x: int\n",
        &FileRole::Test,
    );
    assert_eq!(codes(&found), []);
}

#[test]
fn severities_come_from_the_registry() {
    let found = check_structure(
        Path::new("models/m.py"),
        "class Order(BaseModel):\n    x: int\n",
        &FileRole::Model,
    );
    assert!(found.iter().all(|d| !d.is_error()));
    for diagnostic in &found {
        let code = diagnostic.code.unwrap_or("");
        let rule = rules().iter().find(|r| r.code == code).expect("registered");
        assert_eq!(rule.severity, diagnostic.severity);
    }
}

#[test]
fn registry_codes_are_unique_and_well_formed() {
    let mut seen = std::collections::HashSet::new();
    for rule in rules() {
        assert!(seen.insert(rule.code), "{} twice", rule.code);
        assert_eq!(rule.code.len(), 6);
        assert!(rule.code[..3].chars().all(|c| c.is_ascii_uppercase()));
        assert!(rule.code[3..].chars().all(|c| c.is_ascii_digit()));
        assert!(!rule.name.is_empty() && !rule.summary.is_empty());
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    let found = check_syntax(Path::new("x.py"), "s = \"é\" $\n");
    let position = found.first().and_then(|d| d.position).expect("an error");
    assert_eq!((position.line, position.column), (1, 9));
}

#[test]
fn rendered_syntax_error_points_at_the_bracket() {
    let found = check_syntax(Path::new("node.py"), "x = foo(1,\n      2\n\ny = 3\n");
    let rendered = found.first().expect("an error").render();
    assert!(
        rendered.starts_with("node.py:1:8: error: SYN001 '(' was never closed"),
        "{rendered}"
    );
    assert!(
        rendered.contains("1 | x = foo(1,\n  |        ^"),
        "{rendered}"
    );
}

#[test]
fn source_lines_are_the_lines_at_in_shows() {
    let sources = [
        "",
        "a",
        "a\n",
        "a\n\n",
        "a\r\nb\r\n",
        "a\rb\nc",
        "a\r",
        "a\n\r",
        "x = 1\r\r\ny\n\nz",
        "caf\u{e9}\n\u{2603} = 1\r\n",
        "caf\u{e9}\n\u{2603} = 1\n\n",
        "\n",
        "\n\nx",
    ];
    for source in sources {
        let locator = super::syntax::Locator::new(source);
        for line in 0..8 {
            let placed = locator.place(
                crate::diagnostics::Diagnostic::error("f.py", "m"),
                crate::diagnostics::Position::new(line, 1),
            );
            let expected = crate::diagnostics::Diagnostic::error("f.py", "m")
                .at_in(crate::diagnostics::Position::new(line, 1), source);
            assert_eq!(placed, expected, "{source:?} line {line}");
        }
    }
}

#[test]
fn only_the_first_error_is_reported() {
    let found = check_syntax(Path::new("x.py"), "return 1\nbreak\nx = (\n");
    assert_eq!(found.len(), 1);
    let found = check_syntax(Path::new("x.py"), "return 1\nbreak\n");
    assert_eq!(codes(&found), [("SYN002", 1)]);
}

proptest::proptest! {
    #[test]
    fn never_panics_on_text(source in "\\PC{0,200}") {
        let _ = check_syntax(Path::new("x.py"), &source);
        let _ = check_structure(Path::new("node.py"), &source, &node_role("NodeEffect"));
    }

    #[test]
    fn never_panics_on_python_like_text(source in "[a-z()\\[\\]{}:=\"' \t\n#\\\\*]{0,120}") {
        let _ = check_syntax(Path::new("x.py"), &source);
    }

    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        let _ = check_bytes(Path::new("x.py"), &bytes);
        let mut with_cookie = b"# coding: latin-1\n".to_vec();
        with_cookie.extend_from_slice(&bytes);
        let _ = check_bytes(Path::new("x.py"), &with_cookie);
    }
}

/// Structure rules over hand-written ONEX node packages (`$CODEGEN_INFRA_NODES`, a directory
/// of node directories, each with contract.yaml, node.py, handlers/ and models/): prints how
/// often each rule fires, to judge false positives by hand.
#[test]
#[ignore = "needs a directory of real node packages; run with --ignored"]
fn structure_on_real_nodes() {
    let Ok(root) = std::env::var("CODEGEN_INFRA_NODES") else {
        return;
    };
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut files = 0;
    let mut shown = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    dirs.sort();
    for dir in dirs {
        let contract = std::fs::read_to_string(dir.join("contract.yaml")).unwrap_or_default();
        let base = ["EFFECT", "COMPUTE", "REDUCER", "ORCHESTRATOR"]
            .into_iter()
            .find(|kind| {
                contract.lines().any(|line| {
                    line.starts_with("node_type:") && line.to_ascii_uppercase().contains(kind)
                })
            })
            .map(|kind| format!("Node{}{}", &kind[..1], kind[1..].to_ascii_lowercase()));
        let mut targets = Vec::new();
        if let Some(base) = base {
            targets.push((
                dir.join("node.py"),
                FileRole::Node {
                    base_class: Some(base),
                },
            ));
        }
        for (sub, role) in [
            ("handlers", FileRole::Handler { routed: Vec::new() }),
            ("models", FileRole::Model),
        ] {
            for entry in std::fs::read_dir(dir.join(sub))
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = entry.path();
                let is_init = path.file_name().is_some_and(|n| n == "__init__.py");
                if path.extension().is_some_and(|e| e == "py") && !is_init {
                    targets.push((path, role.clone()));
                }
            }
        }
        for (path, role) in targets {
            let Ok(source) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            for finding in check_structure(&path, &source, &role) {
                *counts.entry(finding.code.unwrap_or("")).or_default() += 1;
                if shown < 40 {
                    shown += 1;
                    eprintln!("  {}", finding.headline());
                }
            }
        }
    }
    eprintln!("{files} files: {counts:?}");
}

#[test]
#[ignore = "debugging aid"]
fn dump_verdicts() {
    let dir = std::env::var("CASE_DIR").unwrap_or_default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let found = check_bytes(&path, &bytes);
        eprintln!(
            "{:?}",
            found.first().map(crate::diagnostics::Diagnostic::headline)
        );
    }
}

/// A file's role comes from one place whether the contract is read from disk or handed over:
/// `generate`'s roles for its rendered files are what `validate` finds for the same files.
#[test]
fn a_role_is_the_same_from_disk_and_from_the_rendered_contract() {
    let source = Path::new("contracts/node_payment_gateway_effect.yaml");
    let bytes = std::fs::read(source).unwrap();
    let contract = crate::contract::load(source, &bytes, &crate::contract::LoadOptions::default())
        .unwrap()
        .contract;
    let roles = super::PackageRoles::of(&contract);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("contract.yaml"), &bytes).unwrap();
    let mut files = vec![
        "node.py".to_owned(),
        "models/model_x.py".to_owned(),
        "handlers/unrouted.py".to_owned(),
        "tests/test_node.py".to_owned(),
        "__init__.py".to_owned(),
        "other.py".to_owned(),
    ];
    let mut routed = 0;
    for handler in &contract.handlers {
        files.push(format!("handlers/{}.py", handler.module));
        routed +=
            usize::from(handler.kind == crate::contract::HandlerKind::Class && !handler.implied);
    }
    assert!(routed > 0, "the fixture routes to a handler class");
    for file in files {
        let in_package = super::role_in_package(Path::new(&file), &roles);
        assert_eq!(
            in_package,
            super::role_for_path(
                &dir.path().join(&file),
                &crate::contract::Contracts::default()
            ),
            "{file}"
        );
        if file == "node.py" {
            assert!(matches!(
                in_package,
                FileRole::Node {
                    base_class: Some(_)
                }
            ));
        }
    }
}
