//! `codegen schema`: a valid draft 2020-12 schema that accepts every example
//! and valid fixture and rejects the structurally bad contracts the parser
//! rejects, judged by Python's `jsonschema`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{codegen, python, repo, run_ok, stderr, stdout};

/// Invalid fixtures whose fault a schema of the parsed data can express.
const STRUCTURAL: &[&str] = &[
    "bad_model_class.yaml",          // class name pattern
    "bad_name.yaml",                 // package name pattern
    "bad_version_string.yaml",       // "x.y.z" pattern
    "contract_version_list.yaml",    // wrong type
    "empty.yaml",                    // null is not a mapping
    "keyword_name.yaml",             // name is a keyword
    "missing_contract_version.yaml", // required
    "missing_name.yaml",             // required
    "missing_node_type.yaml",        // required
    "missing_patch.yaml",            // required version part
    "name_not_string.yaml",          // wrong type
    "negative_version.yaml",         // minimum 0
    "several_errors.yaml",           // name pattern, node_type
    "top_level_list.yaml",           // not a mapping
    "unknown_node_type.yaml",        // node_type spelling
];

/// Invalid fixtures the schema cannot judge, each with the reason.
const SKIPPED: &[(&str, &str)] = &[
    (
        "bad_field_name.yaml",
        "field names are free text; `--` fails only when made an identifier",
    ),
    (
        "bad_field_syntax.yaml",
        "the field type grammar is beyond a pattern",
    ),
    (
        "bad_field_type.yaml",
        "an unknown type name needs the list of definitions",
    ),
    (
        "definition_cycle.yaml",
        "a cycle is a property of the whole definitions graph",
    ),
    (
        "unknown_definition.yaml",
        "a reference to a missing definition",
    ),
    (
        "typo_key_strict.yaml",
        "an error only with --strict; unknown top-level keys are allowed",
    ),
    (
        "duplicate_key.yaml",
        "YAML readers keep the last value, so the data has no duplicate",
    ),
    (
        "malformed_yaml.yaml",
        "not YAML: there is no data to validate",
    ),
    ("binary.yaml", "not text"),
    ("non_utf8.yaml", "not UTF-8"),
];

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

/// Each contract's schema errors, from `codegen schema` judged by `jsonschema`.
fn judge(contracts: &[PathBuf]) -> BTreeMap<String, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let out = codegen(dir.path(), &["schema"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let schema = dir.path().join("contract.schema.json");
    fs::write(&schema, &out.stdout).unwrap();
    let script = repo().join("tests/python/check_schema.py");
    let mut args = vec![script.to_str().unwrap(), schema.to_str().unwrap()];
    args.extend(contracts.iter().map(|p| p.to_str().unwrap()));
    let text = run_ok(dir.path(), &python(), &args);
    let results: BTreeMap<String, Vec<String>> = serde_json::from_str(text.trim()).unwrap();
    results
        .into_iter()
        .map(|(path, errors)| {
            let name = Path::new(&path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, errors)
        })
        .collect()
}

#[test]
fn schema_is_draft_2020_12_json() {
    let out = codegen(&repo(), &["schema"]);
    assert!(out.status.success());
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        value["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(value["additionalProperties"], true);
}

#[test]
fn every_example_and_valid_fixture_validates() {
    let mut contracts = yaml_files(&repo().join("contracts"));
    contracts.extend(yaml_files(&repo().join("tests/fixtures/contracts/valid")));
    assert!(contracts.len() >= 20);
    let results = judge(&contracts);
    assert_eq!(results.len(), contracts.len());
    for (name, errors) in results {
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn the_schema_rejects_structurally_bad_contracts() {
    let invalid = repo().join("tests/fixtures/contracts/invalid");
    // Every invalid fixture is classified, so a new one cannot slip by.
    let mut classified: Vec<&str> = STRUCTURAL
        .iter()
        .copied()
        .chain(SKIPPED.iter().map(|(name, _)| *name))
        .collect();
    classified.sort_unstable();
    let all: Vec<String> = yaml_files(&invalid)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(classified, all);

    let contracts: Vec<PathBuf> = STRUCTURAL.iter().map(|n| invalid.join(n)).collect();
    for (name, errors) in judge(&contracts) {
        assert!(
            !errors.is_empty(),
            "{name} validates but the parser rejects it"
        );
    }
}

#[test]
fn a_new_contract_validates() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["effect", "compute", "reducer", "orchestrator"] {
        let out = codegen(dir.path(), &["new", "sample", "--type", kind]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let contracts = yaml_files(&dir.path().join("contracts"));
    assert_eq!(contracts.len(), 4);
    for (name, errors) in judge(&contracts) {
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}
