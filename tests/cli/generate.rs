//! `codegen generate`: output layout, determinism, located errors, isolation
//! of bad contracts, and no panic on any input.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::{codegen, files_under, first_contract, repo, stderr, stdout};

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(root)
        .into_iter()
        .map(|rel| {
            (
                rel.display().to_string(),
                fs::read(root.join(&rel)).unwrap(),
            )
        })
        .collect()
}

fn copy_examples(to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(repo().join("contracts"))
        .unwrap()
        .filter_map(Result::ok)
    {
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn writes_the_flat_package_layout() {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(&dir.path().join("contracts"));
    let output = codegen(dir.path(), &["generate", "contracts", "-o", "out"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let files = tree(&dir.path().join("out"));
    let packages: Vec<&str> = files
        .keys()
        .filter_map(|k| k.strip_suffix("/node.py"))
        .collect();
    assert_eq!(packages.len(), 4, "{packages:?}");
    for package in packages {
        for expected in [
            "__init__.py",
            "contract.yaml",
            "models/__init__.py",
            "tests/__init__.py",
        ] {
            assert!(
                files.contains_key(&format!("{package}/{expected}")),
                "{package}/{expected} missing"
            );
        }
        let node = String::from_utf8(files[&format!("{package}/node.py")].clone()).unwrap();
        assert!(node.contains("DO NOT EDIT"), "{node}");
        assert!(node.contains("class Node"), "{node}");
    }
    assert!(
        stdout(&output).is_empty(),
        "generate prints its summary on stderr"
    );
}

#[test]
fn generating_twice_gives_byte_identical_trees() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = [
        repo().join("contracts").display().to_string(),
        repo()
            .join("tests/fixtures/contracts/valid")
            .display()
            .to_string(),
    ];
    for out in ["a", "b"] {
        let output = codegen(
            dir.path(),
            &["generate", &inputs[0], &inputs[1], "-o", out, "-q"],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let a = tree(&dir.path().join("a"));
    let b = tree(&dir.path().join("b"));
    assert!(a.len() > 50);
    assert_eq!(a, b);
    // A second run into the same directory changes nothing either.
    let output = codegen(
        dir.path(),
        &["generate", &inputs[0], &inputs[1], "-o", "a", "-q"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(tree(&dir.path().join("a")), b);
}

#[test]
fn a_bad_contract_is_located_and_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("contracts");
    copy_examples(&contracts);
    let first = codegen(dir.path(), &["generate", "contracts", "-o", "out", "-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = tree(&dir.path().join("out"));

    // Break one example in two places; its old package must stay as it was.
    let victim = first_contract(&contracts);
    let text = fs::read_to_string(&victim).unwrap();
    let broken = text
        .replacen("node_type:", "node_type: NOT_A_TYPE\nnode_typo:", 1)
        .replacen("patch:", "pitch:", 1);
    fs::write(&victim, &broken).unwrap();
    let bad_name = victim.file_name().unwrap().to_string_lossy().into_owned();
    // Other contracts change, so their packages are rewritten.
    for entry in fs::read_dir(&contracts).unwrap().filter_map(Result::ok) {
        if entry.path() != victim {
            let t = fs::read_to_string(entry.path()).unwrap();
            fs::write(entry.path(), format!("{t}\nextra_section:\n  kept: true\n")).unwrap();
        }
    }

    let output = codegen(dir.path(), &["generate", "contracts", "-o", "out"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    let located: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with(&format!("contracts/{bad_name}:")) && l.contains(": error: "))
        .collect();
    assert!(located.len() >= 2, "expected every error, located:\n{err}");
    for line in &located {
        let mut parts = line.splitn(4, ':');
        parts.next();
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
    }

    let after = tree(&dir.path().join("out"));
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(!changed.is_empty(), "the good contracts were regenerated");
    let bad_package_changed = changed
        .iter()
        .any(|k| before.keys().any(|b| b == *k) && k.contains(&bad_name.replace(".yaml", "")));
    assert!(
        !bad_package_changed,
        "the bad contract's package was touched: {changed:?}"
    );
}

#[test]
fn fail_fast_stops_at_the_first_failure() {
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("contracts");
    copy_examples(&contracts);
    fs::write(contracts.join("a_broken.yaml"), "name: [unclosed\n").unwrap();
    let output = codegen(
        dir.path(),
        &["generate", "contracts", "-o", "out", "--fail-fast"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let written = fs::read_dir(dir.path().join("out")).map_or(0, |entries| {
        entries
            .filter(|e| e.as_ref().unwrap().path().join("node.py").exists())
            .count()
    }) > 0;
    assert!(!written, "--fail-fast must not write after a parse failure");
}

#[test]
fn no_input_makes_it_panic() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    fs::create_dir_all(&inputs).unwrap();
    let example = fs::read(first_contract(&repo().join("contracts"))).unwrap();
    // Every case is broken: cuts land before `node_type`, so a required key is missing at least.
    let node_type = String::from_utf8_lossy(&example)
        .find("node_type:")
        .unwrap();
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for cut in [1, 7, node_type / 4, node_type / 2, node_type - 1] {
        cases.push((format!("truncated_{cut}"), example[..cut].to_vec()));
    }
    let mut garbled = example.clone();
    for i in (0..garbled.len()).step_by(17) {
        garbled[i] = b"{}[]:,-&*!|>'\"%@`\t"[i % 18];
    }
    cases.push(("garbled".into(), garbled));
    cases.push((
        "nested_lists".into(),
        format!("name: {}1{}\n", "[".repeat(20_000), "]".repeat(20_000)).into_bytes(),
    ));
    let mut deep = String::from("name: x\n");
    for level in 0..5_000 {
        deep.push_str(&" ".repeat(level));
        deep.push_str("a:\n");
    }
    cases.push(("nested_maps".into(), deep.into_bytes()));
    // 8 MB of valid padding, then a duplicate key on the last line: located there.
    let mut huge = example.clone();
    huge.extend(b"\nbig: \"");
    huge.extend(std::iter::repeat_n(b'x', 8 * 1024 * 1024));
    huge.extend(b"\"\nname: again\n");
    let huge_last_line = String::from_utf8_lossy(&huge).lines().count();
    cases.push(("huge".into(), huge));
    cases.push(("binary".into(), (0..=255u8).cycle().take(4096).collect()));
    cases.push(("empty".into(), Vec::new()));
    cases.push(("bom_only".into(), vec![0xEF, 0xBB, 0xBF]));
    cases.push(("anchors".into(), b"a: &a [*a]\nname: *a\n".to_vec()));
    cases.push(("billion_laughs".into(), b"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n".to_vec()));
    for (name, bytes) in &cases {
        fs::write(inputs.join(format!("{name}.yaml")), bytes).unwrap();
    }
    for (name, _) in &cases {
        let file = format!("inputs/{name}.yaml");
        let output = codegen(dir.path(), &["generate", &file, "-o", "out"]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            err.contains(&format!("{file}:")),
            "{name}: the error names the file: {err}"
        );
        if name == "huge" {
            let at = format!("{file}:{huge_last_line}:");
            assert!(err.contains(&at), "located on the last line, {at}: {err}");
        }
    }
}

#[test]
fn unreadable_paths_and_a_file_as_output_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let output = codegen(dir.path(), &["generate", "missing.yaml", "-o", "out"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.yaml"),
        "{}",
        stderr(&output)
    );

    copy_examples(&dir.path().join("contracts"));
    fs::write(dir.path().join("file"), "").unwrap();
    let output = codegen(dir.path(), &["generate", "contracts", "-o", "file"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("file"), "{}", stderr(&output));
}

#[test]
fn duplicate_node_names_across_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("contracts");
    copy_examples(&contracts);
    let first = first_contract(&contracts);
    fs::copy(&first, contracts.join("zz_copy.yaml")).unwrap();
    let output = codegen(dir.path(), &["generate", "contracts", "-o", "out"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("contracts/zz_copy.yaml:"), "{err}");
}

#[test]
fn piped_output_has_no_progress_bars_or_colour() {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(&dir.path().join("contracts"));
    let output = codegen(dir.path(), &["generate", "contracts", "-o", "out"]);
    let err = stderr(&output);
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(!err.contains('\r'), "{err:?}");
    let quiet = codegen(dir.path(), &["generate", "contracts", "-o", "out2", "-q"]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
}

#[test]
fn the_trace_shows_barrier_stages_and_each_step_on_its_worker() {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(&dir.path().join("c"));
    let contracts = fs::read_dir(dir.path().join("c")).unwrap().count();
    let output = codegen(
        dir.path(),
        &[
            "generate",
            "c",
            "-o",
            "out",
            "-j",
            "2",
            "--trace",
            "run.json",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = fs::read_to_string(dir.path().join("run.json")).expect("the trace is written");
    let trace: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let span = |e: &serde_json::Value| {
        let ts = e["ts"].as_f64().unwrap();
        (ts, ts + e["dur"].as_f64().unwrap())
    };
    let stages: Vec<_> = events.iter().filter(|e| e["cat"] == "stage").collect();
    let names: Vec<_> = stages.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["parse", "models", "node", "tests", "quality", "package"]
    );
    for pair in stages.windows(2) {
        assert!(
            span(pair[0]).1 <= span(pair[1]).0,
            "stages overlap: {pair:?}"
        );
    }
    let steps: Vec<_> = events.iter().filter(|e| e["cat"] == "step").collect();
    assert_eq!(steps.len(), 6 * contracts);
    for step in &steps {
        let stage = stages
            .iter()
            .find(|s| s["name"] == step["args"]["stage"])
            .unwrap();
        let ((start, end), (from, to)) = (span(step), span(stage));
        assert!(start >= from && end <= to + 1.0, "{step} outside {stage}");
        let lane = step["tid"].as_u64().unwrap();
        assert!(
            (1..=2).contains(&lane),
            "two workers, one track each: {step}"
        );
        assert!(step["args"]["contract"].as_str().unwrap().starts_with('c'));
    }
    for track in 1..=2_u64 {
        let mut on_track: Vec<_> = steps
            .iter()
            .filter(|s| s["tid"] == track)
            .map(|s| span(s))
            .collect();
        on_track.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in on_track.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0 + 1.0,
                "a worker ran two steps at once"
            );
        }
    }
    assert!(
        events
            .iter()
            .any(|e| e["ph"] == "M" && e["args"]["name"] == "worker 0")
    );

    // The JSON summary carries the same timing figures as --timings.
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let rate = doc["summary"]["template_cache"]["hit_rate"]
        .as_f64()
        .unwrap();
    assert!(rate > 0.5 && rate <= 1.0, "{rate}");
    assert!(doc["summary"]["speedup"].as_f64().unwrap() > 0.0);
    assert_eq!(doc["slowest_steps"].as_array().unwrap().len(), 5);
    for stage in doc["stages"].as_array().unwrap() {
        assert!(stage["p99_ms"].as_f64().unwrap() >= stage["p50_ms"].as_f64().unwrap());
    }
}

#[test]
fn an_unwritable_trace_path_is_an_error_that_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(&dir.path().join("c"));
    fs::create_dir_all(dir.path().join("taken")).unwrap();
    let output = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "--trace", "taken"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write the trace"),
        "{}",
        stderr(&output)
    );
    assert!(dir.path().join("taken").is_dir());
    assert!(
        dir.path().join("out").join(".codegen").is_dir(),
        "the packages are still written"
    );
}

#[test]
fn timings_are_printed_even_when_quiet() {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(&dir.path().join("c"));
    let output = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "-q", "--timings"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stderr(&output);
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("stage") && header.contains("p99"),
        "{text}"
    );
    for stage in ["parse", "models", "node", "tests", "quality", "package"] {
        assert!(
            text.lines().any(|l| l.starts_with(stage)),
            "{stage}: {text}"
        );
    }
    assert!(
        text.contains("slowest steps:") && text.contains("hit rate"),
        "{text}"
    );
    assert!(
        !text.contains("generated "),
        "the summary line stays quiet: {text}"
    );
}

/// A handler contract (`handlers/*/contract.yaml`: `handler_id`, no
/// `node_type`) in a walked tree is named as skipped, never a failure or a
/// package; a dotted node name names its package by its last part.
#[test]
fn handler_contracts_are_skipped_and_dotted_names_generate() {
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("contracts");
    fs::create_dir_all(contracts.join("handlers/handler_trim")).unwrap();
    fs::write(
        contracts.join("handlers/handler_trim/contract.yaml"),
        "handler_id: compute.text.trim\nname: handler_text_trim\ncontract_version: {major: 1, minor: 0, patch: 0}\ninput_model: pkg.models.ModelIn\noutput_model: pkg.models.ModelOut\n",
    )
    .unwrap();
    fs::write(
        contracts.join("node.yaml"),
        "name: onex.nodes.node_dotted_compute\ncontract_version: {major: 1, minor: 0, patch: 0}\nnode_type: COMPUTE_GENERIC\ninput_model: {name: ModelDottedIn, fields: {text: str}}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = codegen(
        dir.path(),
        &[
            "generate",
            contracts.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--strict",
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(
        err.contains("1 handler contract skipped (not nodes)"),
        "{err}"
    );
    assert!(
        err.contains("handlers/handler_trim/contract.yaml: a handler contract"),
        "{err}"
    );
    let packages: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(packages, ["node_dotted_compute"]);
    let copy = fs::read_to_string(out.join("node_dotted_compute/contract.yaml")).unwrap();
    assert!(
        copy.contains("name: onex.nodes.node_dotted_compute"),
        "{copy}"
    );
}

/// `codegen generate .` twice in a directory holding contracts: the second
/// run does not take its own output (`generated/*/contract.yaml`) for
/// contracts, nor the copy of a package generated elsewhere; naming a copy
/// on the command line is a located error.
#[test]
fn discovery_never_reads_its_own_output() {
    let dir = tempfile::tempdir().unwrap();
    copy_examples(dir.path());
    let first = codegen(dir.path(), &["generate", "."]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let second = codegen(dir.path(), &["generate", "."]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(0), "{err}");
    assert!(err.contains("from 4 contracts"), "{err}");
    assert!(err.contains("4 packages unchanged"), "{err}");
    // Into another directory: the first output's copies are not contracts either.
    let elsewhere = codegen(dir.path(), &["generate", ".", "-o", "other"]);
    let err = stderr(&elsewhere);
    assert_eq!(elsewhere.status.code(), Some(0), "{err}");
    assert!(err.contains("from 4 contracts"), "{err}");
    let copy = fs::read_dir(dir.path().join("generated"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("contract.yaml").is_file())
        .unwrap()
        .join("contract.yaml");
    let named = codegen(
        dir.path(),
        &["generate", copy.to_str().unwrap(), "-o", "third"],
    );
    assert_eq!(named.status.code(), Some(2), "{}", stderr(&named));
    assert!(
        stderr(&named).contains("a package codegen generated (its contract copy), not a contract"),
        "{}",
        stderr(&named)
    );
}

/// Contract warnings carry stable codes, and `--ignore` (codes or prefixes)
/// drops those warnings, never an error; an unknown code is a usage error.
#[test]
fn contract_warnings_have_codes_that_can_be_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let contract =
        repo().join("tests/fixtures/omnibase_infra/node_service_discovery_effect/contract.yaml");
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["generate", contract.to_str().unwrap(), "-o", out];
        args.extend_from_slice(extra);
        codegen(dir.path(), &args)
    };
    let all = stderr(&run("a", &[]));
    assert!(
        all.contains(": warning: CTR006 model `ModelServiceRegistration`"),
        "{all}"
    );
    assert!(
        all.contains(": warning: CTR002 class `NodeServiceDiscoveryEffect`"),
        "{all}"
    );
    assert!(all.contains(": warning: ONX008 class"), "{all}");
    let some = run("b", &["--ignore", "ctr006,ONX"]);
    let text = stderr(&some);
    assert_eq!(some.status.code(), Some(0), "{text}");
    assert!(
        !text.contains("CTR006") && !text.contains("ONX008"),
        "{text}"
    );
    assert!(text.contains("CTR002"), "{text}");
    // The same on a fresh rerun (replayed findings are filtered alike).
    let again = stderr(&run("b", &["--ignore", "CTR006,ONX"]));
    assert!(again.contains("1 package unchanged"), "{again}");
    assert!(
        !again.contains("CTR006") && again.contains("CTR002"),
        "{again}"
    );
    let json = stdout(&run("b", &["--ignore", "CTR", "--output-format", "json"]));
    assert!(!json.contains("\"CTR0"), "{json}");
    let bad = run("c", &["--ignore", "NOPE1"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("'NOPE1' is not a code or a prefix of one"));
}

/// Field values a generated model would refuse at import or construction
/// are located errors before anything is written (exit 2, no package).
#[test]
fn contract_values_are_checked_before_any_code_is_written() {
    let cases = [
        (
            "n: {type: int, ge: 1, le: 10, default: 20}",
            "outside its own bound le 10",
        ),
        ("n: {type: int, ge: 10, le: 1}", "admit no value"),
        (
            "s: {type: str, min_length: 5, max_length: 2}",
            "greater than max_length",
        ),
        ("s: {type: str, pattern: '(?<=a)b'}", "does not compile"),
        (
            "s: {type: str, pattern: 'ab+', default: 'xyz'}",
            "does not match its own pattern",
        ),
        ("u: {type: uuid, default: 'not-a-uuid'}", "is not a UUID"),
        ("b: {type: bool, default: 'yes'}", "is not true or false"),
        (
            "d: {type: date, default: '2023-02-30'}",
            "is not an ISO 8601 date",
        ),
        (
            "k: {type: literal, values: [a, b], default: c}",
            "is not one of its values",
        ),
        (
            "i: {type: int, default: 99999999999999999999999}",
            "too large for an integer",
        ),
    ];
    for (field, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("c.yaml"),
            format!("name: node_v_compute\ncontract_version: {{major: 1, minor: 0, patch: 0}}\nnode_type: COMPUTE_GENERIC\ninput_model:\n  name: ModelVIn\n  fields:\n    {field}\n"),
        )
        .unwrap();
        let run = codegen(dir.path(), &["generate", "c.yaml", "-o", "out"]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{field}: {err}");
        assert!(err.contains("c.yaml:7:"), "{field}: {err}");
        assert!(err.contains(expected), "{field}: {err}");
        assert!(!dir.path().join("out/node_v_compute").exists(), "{field}");
    }
}

#[test]
fn names_that_would_break_the_package_are_located_errors() {
    let long = "a".repeat(250);
    let handler = |name: &str, module: &str| {
        format!(
            "handler_routing:\n  routing_strategy: operation_match\n  handlers:\n    - operation: go\n      handler: {{name: '{name}', module: '{module}'}}\n"
        )
    };
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            "node_".into(),
            String::new(),
            "c.yaml:1:7:",
            "names nothing after 'node_'",
        ),
        (
            "_node_x".into(),
            String::new(),
            "c.yaml:1:7:",
            "starts with '_'",
        ),
        (
            "node__x".into(),
            String::new(),
            "c.yaml:1:7:",
            "has an empty word",
        ),
        (
            "node_x_".into(),
            String::new(),
            "c.yaml:1:7:",
            "has an empty word",
        ),
        (
            format!("node_{long}"),
            String::new(),
            "c.yaml:1:7:",
            "longer than 200 characters",
        ),
        (
            "node_v_compute".into(),
            handler("../../evil/HandlerGo", "node_v_compute.handlers.handler_go"),
            "c.yaml:11:23:",
            "is not a valid Python name",
        ),
        (
            "node_v_compute".into(),
            handler("class", "node_v_compute.handlers.handler_go"),
            "c.yaml:11:23:",
            "is not a valid Python name",
        ),
        (
            "node_v_compute".into(),
            handler("HandlerGo", "node_v_compute/handlers/handler_go"),
            "c.yaml:11:",
            "is not a dotted Python module path",
        ),
        (
            "node_v_compute".into(),
            handler(
                &format!("Handler{long}"),
                "node_v_compute.handlers.handler_go",
            ),
            "c.yaml:11:23:",
            "longer than 200 characters",
        ),
    ];
    for (name, extra, at, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("c.yaml"),
            format!("name: {name}\ncontract_version: {{major: 1, minor: 0, patch: 0}}\nnode_type: COMPUTE_GENERIC\ninput_model:\n  name: ModelVIn\n  fields: {{text: str}}\n{extra}"),
        )
        .unwrap();
        let run = codegen(dir.path(), &["generate", "c.yaml", "-o", "out"]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{name} {extra}: {err}");
        assert!(err.contains(at), "{name} {extra}: {err}");
        assert!(err.contains(expected), "{name} {extra}: {err}");
        assert!(err.contains("[parse]"), "{name} {extra}: {err}");
        let out = dir.path().join("out");
        assert!(
            !out.exists()
                || crate::common::files_under(&out)
                    .iter()
                    .all(|p| p.extension().is_none_or(|e| e != "py")),
            "{name} {extra}: wrote Python"
        );
    }
}
