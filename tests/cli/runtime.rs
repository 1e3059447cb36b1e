//! Generated nodes run: omnibase-core's own runtime (`RuntimeLocal` on the
//! contract copy) and `node.process()` reach the handler and return its
//! answer, for every node type; an untouched scaffold is reached too (its
//! `NotImplementedError`), never "no handler spec found", never the input
//! echoed back. `tests/python/run_nodes.py` drives the framework.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{generate_into, oldest_python, packages, python, repo, run_ok};

const ID: &str = "6f1c7a4e-0d5b-4a57-9d0e-2f1a3b4c5d6e";

/// Runs the cases through `run_nodes.py`; one record per case, by package.
fn run(out: &Path, cases: &Value) -> Vec<Value> {
    run_with(&python(), out, cases)
}

fn run_with(interpreter: &Path, out: &Path, cases: &Value) -> Vec<Value> {
    let file = out.join("cases.json");
    fs::write(&file, serde_json::to_vec(cases).unwrap()).unwrap();
    let script = repo().join("tests/python/run_nodes.py");
    let text = run_ok(
        out,
        interpreter,
        &[
            script.to_str().unwrap(),
            out.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    let records: Vec<Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("run_nodes prints JSON"))
        .collect();
    for r in &records {
        assert!(r.get("crash").is_none(), "the harness crashed: {r:#}");
    }
    records
}

fn case(package: &str, input: &Value, operation: Option<&str>, process: bool) -> Value {
    json!({"package": package, "input": input, "operation": operation, "process": process})
}

/// The four example contracts with a request each, and the text-case node
/// (two operations, two handlers) by each operation.
fn cases() -> Value {
    let invoice = json!({
        "invoice_id": ID,
        "lines": [
            {"sku": "a", "quantity": 2, "unit_price": "1.50"},
            {"sku": "b", "quantity": 1, "unit_price": "10.00", "discount": "1.00"}
        ],
        "tax_rate": "0.1",
        "rounding": "half_up"
    });
    let payment = json!({
        "payment_id": ID,
        "amount": {"minor_units": 1250, "currency": "EUR"},
        "method": "tok_visa_4242",
        "idempotency_key": "order-1234"
    });
    let session = json!({"session_id": ID, "kind": "login", "occurred_at": "2026-01-02T03:04:05Z"});
    let order = json!({"order_id": ID, "items": [{"sku": "a", "quantity": 2}, {"sku": "b", "quantity": 3}], "priority": "express"});
    let text = json!({"text": "Hello World"});
    json!([
        case("node_invoice_total_compute", &invoice, None, true),
        case(
            "node_invoice_total_compute",
            &invoice,
            Some("invoice.total"),
            true
        ),
        case(
            "node_payment_gateway_effect",
            &payment,
            Some("payment.charge"),
            true
        ),
        case("node_payment_gateway_effect", &payment, None, true),
        case("node_session_state_reducer", &session, None, false),
        case("node_order_fulfillment_orchestrator", &order, None, false),
        case("node_text_case_compute", &text, None, true),
        case("node_text_case_compute", &text, Some("text.upper"), true),
        case("node_text_case_compute", &text, Some("text.lower"), true),
    ])
}

fn generated(dir: &Path) -> PathBuf {
    let out = dir.join("generated");
    generate_into(
        &out,
        &[
            repo().join("contracts"),
            repo().join("tests/fixtures/runtime/node_text_case_compute.yaml"),
        ],
    );
    out
}

fn exceptions(section: &Value) -> Vec<String> {
    section["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn untouched_scaffolds_are_reached_by_the_runtime_and_by_process() {
    let dir = tempfile::tempdir().unwrap();
    let out = generated(dir.path());
    let records = run(&out, &cases());
    assert_eq!(records.len(), 9);
    for r in &records {
        let runtime = &r["runtime"];
        let raised = exceptions(runtime);
        assert_eq!(runtime["result"], "FAILED", "{r:#}");
        assert!(
            raised
                .iter()
                .any(|e| e.starts_with("NotImplementedError: Handler")
                    && e.contains("is a scaffold")),
            "the runtime did not reach the scaffold: {r:#}"
        );
        assert!(runtime["handler_result"].is_null(), "{r:#}");
        let text = r.to_string();
        assert!(!text.contains("no handler spec found"), "{r:#}");
        if let Some(process) = r["process"].as_object() {
            let raised = exceptions(&r["process"]);
            assert!(process["result"].is_null(), "{r:#}");
            assert!(
                raised
                    .iter()
                    .any(|e| e.starts_with("NotImplementedError: Handler")
                        && e.contains("is a scaffold")),
                "process() did not reach the scaffold: {r:#}"
            );
        }
    }
    // The operation picks the scaffold process() reaches.
    let lower = &records[8]["process"]["exceptions"];
    assert!(
        lower.to_string().contains("HandlerTextLower.handle"),
        "{lower}"
    );
    let upper = &records[7]["process"]["exceptions"];
    assert!(
        upper.to_string().contains("HandlerTextUpper.handle"),
        "{upper}"
    );
}

/// Writes the real handlers of `tests/fixtures/runtime/handlers` over the scaffolds.
fn implement(out: &Path) {
    let handlers = repo().join("tests/fixtures/runtime/handlers");
    for package in fs::read_dir(&handlers).unwrap() {
        let package = package.unwrap().path();
        if !out.join(package.file_name().unwrap()).is_dir() {
            continue;
        }
        for file in fs::read_dir(&package).unwrap() {
            let file = file.unwrap().path();
            let target = out
                .join(package.file_name().unwrap())
                .join("handlers")
                .join(file.file_name().unwrap());
            assert!(target.is_file(), "no scaffold at {}", target.display());
            fs::copy(&file, &target).unwrap();
        }
    }
}

#[test]
fn implemented_handlers_answer_through_the_runtime_and_process() {
    let dir = tempfile::tempdir().unwrap();
    let out = generated(dir.path());
    implement(&out);
    let records = run(&out, &cases());
    let invoice = json!({
        "invoice_id": ID,
        "subtotal": "12.00",
        "tax": "1.20",
        "total": "13.20",
        "line_totals": ["3.00", "9.00"]
    });
    let payment = json!({
        "payment_id": ID,
        "status": "captured",
        "provider_reference": "ref-order-1234-1250",
        "charged_at": null,
        "attempts": 1
    });
    let session = json!({"session_id": ID, "phase": "active", "last_seen_at": "2026-01-02T03:04:05Z", "event_count": 1});
    let order = json!({"order_id": ID, "step": "reserved", "shipment_id": "express-5", "failure_reason": null});
    let upper = json!({"text": "HELLO WORLD", "operation": "text.upper"});
    let lower = json!({"text": "hello world", "operation": "text.lower"});
    let expected = [
        (&invoice, Some(&invoice)),
        (&invoice, Some(&invoice)),
        (&payment, Some(&payment)),
        (&payment, Some(&payment)),
        (&session, None),
        (&order, None),
        // No operation named: the default handler (the first routed).
        (&upper, Some(&upper)),
        (&upper, Some(&upper)),
        (&upper, Some(&lower)),
    ];
    assert_eq!(records.len(), expected.len());
    for (r, (runtime, process)) in records.iter().zip(expected) {
        assert_eq!(r["runtime"]["result"], "COMPLETED", "{r:#}");
        assert_eq!(&r["runtime"]["handler_result"], runtime, "{r:#}");
        if let Some(process) = process {
            assert_eq!(&r["process"]["result"], process, "{r:#}");
            assert!(exceptions(&r["process"]).is_empty(), "{r:#}");
        } else {
            // The reducer runs its FSM and the orchestrator its workflow from
            // process(): the framework does not dispatch there.
            assert!(r["process"].is_null());
        }
    }
}

/// `process()` reaches the handlers on the oldest supported omnibase-core
/// too (its contract-driven dispatch exists from 0.21 on; `RuntimeLocal`,
/// as the other tests use it, from 0.46.1).
#[test]
fn process_reaches_the_handlers_on_the_oldest_supported_framework() {
    let dir = tempfile::tempdir().unwrap();
    let out = generated(dir.path());
    implement(&out);
    let mut cases = cases();
    for case in cases.as_array_mut().unwrap() {
        case["runtime"] = Value::Bool(false);
    }
    let records = run_with(&oldest_python(), &out, &cases);
    let dispatched: Vec<&Value> = records.iter().filter(|r| !r["process"].is_null()).collect();
    assert_eq!(dispatched.len(), 7);
    for r in dispatched {
        assert!(exceptions(&r["process"]).is_empty(), "{r:#}");
        assert!(r["process"]["result"].is_object(), "{r:#}");
    }
    assert_eq!(records[8]["process"]["result"]["text"], "hello world");
    assert_eq!(records[7]["process"]["result"]["text"], "HELLO WORLD");
    assert_eq!(records[0]["process"]["result"]["total"], "13.20");
    assert_eq!(records[2]["process"]["result"]["status"], "captured");
}

/// Every package generated from a directory of published contracts, run by
/// `RuntimeLocal` with the runtime's own empty request: (packages reaching
/// their handler's scaffold, packages whose contract binds the handler or the
/// input model to a module of `external` (not installed here), named).
/// Anything else fails the test; so does "no handler spec found".
fn sweep(fixtures: &str, count: usize, external_package: &str) -> (usize, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    generate_into(&out, &[repo().join(fixtures)]);
    let packages = packages(&out);
    assert_eq!(packages.len(), count);
    let cases: Vec<Value> = packages
        .iter()
        .map(|p| case(p, &Value::Null, None, false))
        .collect();
    let records = run(&out, &Value::Array(cases));
    assert_eq!(records.len(), count);
    let mut reached = 0;
    let mut external = Vec::new();
    let mut other = Vec::new();
    for r in &records {
        let runtime = &r["runtime"];
        let raised = exceptions(runtime);
        let text = r.to_string();
        assert!(!text.contains("no handler spec found"), "{r:#}");
        if raised.iter().any(|e| {
            e.starts_with("NotImplementedError: ") && e.contains(" is a scaffold: implement it")
        }) {
            reached += 1;
        } else if text.contains(&format!("No module named '{external_package}'"))
            || runtime["last_error"].as_str().is_some_and(|e| {
                e.contains(&format!("{external_package}.")) && e.contains("failed to import")
            })
        {
            external.push(r["package"].as_str().unwrap().to_owned());
        } else {
            other.push(format!("{r:#}"));
        }
    }
    eprintln!(
        "RuntimeLocal reached the handler scaffold of {reached}/{count} contracts in {fixtures}; \
         {} bind {external_package} modules: {}",
        external.len(),
        external.join(", ")
    );
    assert!(other.is_empty(), "{}", other.join("\n"));
    assert_eq!(reached + external.len(), count);
    (reached, external)
}

/// Every published omnibase-infra contract: `RuntimeLocal` reaches the
/// handler scaffold, except where the contract binds the handler or the
/// input model to omnibase-infra itself.
#[test]
fn the_runtime_reaches_the_handler_of_every_published_contract() {
    let (reached, _) = sweep("tests/fixtures/omnibase_infra", 133, "omnibase_infra");
    assert!(reached >= 117, "only {reached}/133 reached their handler");
}

/// The omniintelligence contracts, whose handlers are mostly functions
/// (`{module, function, type}`): the generated adapter class lets the
/// runtime reach the function's scaffold.
#[test]
fn the_runtime_reaches_function_handlers_of_published_contracts() {
    let (reached, _) = sweep("tests/fixtures/omniintelligence", 61, "omniintelligence");
    assert!(reached >= 60, "only {reached}/61 reached their handler");
}

/// The trim node, whose handlers are functions (one async), with the
/// implementations from `tests/fixtures/runtime/handlers` or the scaffolds.
fn trim_node(dir: &Path, implemented: bool) -> PathBuf {
    let out = dir.join("generated");
    generate_into(
        &out,
        &[repo().join("tests/fixtures/runtime/node_text_trim_compute.yaml")],
    );
    if implemented {
        implement(&out);
    }
    out
}

fn trim_cases() -> Value {
    let text = json!({"text": "  padded  "});
    json!([
        case("node_text_trim_compute", &text, None, true),
        case(
            "node_text_trim_compute",
            &text,
            Some("text.trim_left"),
            true
        ),
        case(
            "node_text_trim_compute",
            &text,
            Some("text.trim_right"),
            true
        ),
    ])
}

/// Function handlers (`{module, function, type}`): the runtime runs the
/// default function through the generated adapter class, and `process()`
/// calls each routed function, sync or async, by its operation.
#[test]
fn function_handlers_answer_through_the_runtime_and_process() {
    let dir = tempfile::tempdir().unwrap();
    let out = trim_node(dir.path(), true);
    let records = run(&out, &trim_cases());
    let both = json!({"text": "padded", "side": "both"});
    let left = json!({"text": "padded  ", "side": "left"});
    let right = json!({"text": "  padded", "side": "right"});
    assert_eq!(records.len(), 3);
    for (r, process) in records.iter().zip([&both, &left, &right]) {
        assert_eq!(r["runtime"]["result"], "COMPLETED", "{r:#}");
        assert_eq!(r["runtime"]["handler_result"], both, "{r:#}");
        assert_eq!(&r["process"]["result"], process, "{r:#}");
        assert!(exceptions(&r["process"]).is_empty(), "{r:#}");
    }
}

/// Untouched function scaffolds are reached by both entry points.
#[test]
fn function_scaffolds_are_reached_by_the_runtime_and_process() {
    let dir = tempfile::tempdir().unwrap();
    let out = trim_node(dir.path(), false);
    let records = run(&out, &trim_cases());
    for (r, function) in records.iter().zip(["trim_both", "trim_left", "trim_right"]) {
        let scaffold = format!("NotImplementedError: {function} is a scaffold");
        assert!(
            exceptions(&r["process"])
                .iter()
                .any(|e| e.starts_with(&scaffold)),
            "{r:#}"
        );
        assert!(
            exceptions(&r["runtime"])
                .iter()
                .any(|e| e.starts_with("NotImplementedError: trim_both is a scaffold")),
            "{r:#}"
        );
    }
}

/// The generated handler tests through a handler's life, with no
/// regeneration: green (skipped) on the scaffold, green (passed) once
/// implemented, red when the handler answers with the wrong type.
#[test]
fn implementing_a_handler_turns_nothing_red() {
    let dir = tempfile::tempdir().unwrap();
    let out = trim_node(dir.path(), false);
    let tests = out.join("node_text_trim_compute/tests");
    let pytest = |expect_ok: bool| {
        let output = std::process::Command::new(python())
            .args(["-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"])
            .arg(&tests)
            .current_dir(&out)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert_eq!(output.status.success(), expect_ok, "{text}");
        text
    };
    let scaffold = pytest(true);
    assert!(scaffold.contains("3 skipped"), "{scaffold}");
    assert!(scaffold.contains("trim_left is a scaffold"), "{scaffold}");
    assert!(
        !scaffold.contains("xfail") && !scaffold.contains("XPASS"),
        "{scaffold}"
    );

    let handler = out.join("node_text_trim_compute/handlers/handler_trim.py");
    fs::copy(
        repo().join("tests/fixtures/runtime/handlers/node_text_trim_compute/handler_trim.py"),
        &handler,
    )
    .unwrap();
    let implemented = pytest(true);
    assert!(!implemented.contains("skipped"), "{implemented}");

    let wrong = fs::read_to_string(&handler).unwrap().replace(
        "return ModelTrimResult(text=request.text.rstrip(), side=\"right\")",
        "return request",
    );
    fs::write(&handler, wrong).unwrap();
    let red = pytest(false);
    assert!(red.contains("1 failed"), "{red}");
    assert!(
        red.contains("test_trim_right_answers_a_sample_request"),
        "{red}"
    );
}
