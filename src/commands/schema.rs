//! `codegen schema`: the JSON Schema (draft 2020-12) of the contract format,
//! for editors (yaml-language-server) and CI checks.

use std::io::Write as _;

use crate::exit::ExitStatus;

/// The schema, as printed.
pub const CONTRACT_SCHEMA: &str = include_str!("contract.schema.json");

pub fn run() -> anyhow::Result<ExitStatus> {
    std::io::stdout()
        .lock()
        .write_all(CONTRACT_SCHEMA.as_bytes())?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use serde_json::Value;

    use crate::contract::keys;
    use crate::contract::{LoadOptions, NodeType, load};

    /// Each object of the schema that lists `properties`, and the loader's table of the
    /// keys of that mapping.
    const SECTIONS: &[(&str, &[&str])] = &[
        ("", keys::TOP_KEYS),
        ("/properties/handler", keys::TOP_HANDLER_KEYS),
        ("/properties/handler_routing", keys::ROUTING_KEYS),
        (
            "/properties/handler_routing/properties/handlers/items",
            keys::ROUTING_ENTRY_KEYS,
        ),
        (
            "/properties/handler_routing/properties/handlers/items/properties/event_model",
            keys::EVENT_MODEL_KEYS,
        ),
        ("/properties/io_operations/items", keys::IO_OPERATION_KEYS),
        ("/$defs/handler", keys::HANDLER_KEYS),
        ("/$defs/version/anyOf/0", &keys::VERSION_PARTS),
        ("/$defs/model_ref/anyOf/1", keys::MODEL_KEYS),
        ("/$defs/field_spec/anyOf/1", keys::FIELD_KEYS),
        (
            "/$defs/definitions/additionalProperties",
            keys::DEFINITION_KEYS,
        ),
    ];

    fn schema() -> Value {
        serde_json::from_str(super::CONTRACT_SCHEMA).unwrap()
    }

    fn strings(value: &Value) -> Vec<&str> {
        value
            .as_array()
            .unwrap_or_else(|| panic!("not an array: {value}"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect()
    }

    /// The JSON pointer of every object under `value` that has `properties`.
    fn with_properties(value: &Value, at: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if map.get("properties").is_some_and(Value::is_object) {
                    out.insert(at.to_owned());
                }
                for (key, child) in map {
                    let key = key.replace('~', "~0").replace('/', "~1");
                    with_properties(child, &format!("{at}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    with_properties(child, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn schema_is_json() {
        assert_eq!(
            schema()["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }

    #[test]
    fn every_mapping_has_the_keys_the_loader_knows() {
        let schema = schema();
        for (pointer, table) in SECTIONS {
            let object = schema
                .pointer(pointer)
                .unwrap_or_else(|| panic!("no {pointer:?} in the schema"));
            let properties: BTreeSet<&str> = object["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{pointer:?} has no properties"))
                .keys()
                .map(String::as_str)
                .collect();
            let known: BTreeSet<&str> = table.iter().copied().collect();
            assert_eq!(
                known.len(),
                table.len(),
                "a key repeats in the table of {pointer:?}"
            );
            assert_eq!(
                properties.difference(&known).collect::<Vec<_>>(),
                Vec::<&&str>::new(),
                "in the schema at {pointer:?}, not in the loader's table (src/contract/keys.rs)"
            );
            assert_eq!(
                known.difference(&properties).collect::<Vec<_>>(),
                Vec::<&&str>::new(),
                "in the loader's table, not in the schema at {pointer:?}"
            );
        }
        let mut found = BTreeSet::new();
        with_properties(&schema, "", &mut found);
        let checked: BTreeSet<String> = SECTIONS.iter().map(|(p, _)| (*p).to_owned()).collect();
        assert_eq!(
            found, checked,
            "every object of the schema with properties has a table of keys in SECTIONS"
        );
    }

    #[test]
    fn every_key_the_loader_looks_up_is_in_a_table() {
        let known: BTreeSet<&str> = SECTIONS
            .iter()
            .flat_map(|(_, t)| t.iter().copied())
            .collect();
        let lookup = regex::Regex::new(r#"\.get\("([^"]*)"\)|flag\(spec, "([^"]*)"\)"#).unwrap();
        let contract = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/contract");
        let mut sources: Vec<_> = ["copy.rs", "binding.rs"]
            .iter()
            .map(|file| contract.join(file))
            .collect();
        for entry in std::fs::read_dir(contract.join("load")).unwrap() {
            sources.push(entry.unwrap().path());
        }
        let mut looked_up = 0;
        for path in sources {
            let source = std::fs::read_to_string(&path).unwrap();
            let file = path.strip_prefix(&contract).unwrap().display();
            for found in lookup.captures_iter(&source) {
                let key = found.get(1).or_else(|| found.get(2)).unwrap().as_str();
                looked_up += 1;
                assert!(
                    known.contains(key),
                    "src/contract/{file} reads `{key}`, which no table in src/contract/keys.rs \
                     (and so no object of the schema) has"
                );
            }
        }
        assert!(
            looked_up > 40,
            "the lookups are no longer written `.get(\"key\")`"
        );
    }

    fn loads(text: &str) -> Result<(), String> {
        let options = LoadOptions::default();
        load(Path::new("c.yaml"), text.as_bytes(), &options)
            .map(drop)
            .map_err(|errors| {
                let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
                messages.join("\n")
            })
    }

    #[test]
    fn required_keys_are_the_ones_the_loader_requires() {
        let schema = schema();
        assert_eq!(strings(&schema["required"]), ["name", "node_type"]);
        let versions: Vec<Vec<&str>> = schema["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| strings(&v["required"]))
            .collect();
        assert_eq!(versions, [["contract_version"], ["version"]]);

        let lines = [
            ("name", "name: node_probe_compute"),
            ("node_type", "node_type: COMPUTE_GENERIC"),
            (
                "contract_version",
                "contract_version: {major: 1, minor: 0, patch: 0}",
            ),
        ];
        let text = |skip: Option<&str>, extra: &str| {
            let mut text = String::new();
            for (key, line) in lines {
                if Some(key) != skip {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            text.push_str(extra);
            text
        };
        loads(&text(None, "")).unwrap();
        for (key, _) in lines {
            let error = loads(&text(Some(key), "")).unwrap_err();
            assert!(
                error.contains(&format!("missing required key '{key}'")),
                "{error}"
            );
        }
        let version = "version: {major: 1, minor: 0, patch: 0}\n";
        loads(&text(Some("contract_version"), version)).unwrap();

        let parts = &schema["$defs"]["version"]["anyOf"][0]["required"];
        assert_eq!(strings(parts), keys::VERSION_PARTS);
        for part in keys::VERSION_PARTS {
            let others: Vec<String> = keys::VERSION_PARTS
                .iter()
                .filter(|p| **p != part)
                .map(|p| format!("{p}: 0"))
                .collect();
            let contract = format!(
                "{}contract_version: {{{}}}\n",
                text(Some("contract_version"), ""),
                others.join(", ")
            );
            let error = loads(&contract).unwrap_err();
            assert!(
                error.contains(&format!("contract_version.{part}")),
                "{error}"
            );
        }

        let model = &schema["$defs"]["model_ref"]["anyOf"][1]["required"];
        assert_eq!(strings(model), ["name"]);
        loads(&text(None, "input_model: {name: ModelProbeInput}\n")).unwrap();
        let error = loads(&text(None, "input_model: {module: probe.models.x}\n")).unwrap_err();
        assert!(error.contains("missing required key 'name'"), "{error}");
    }

    #[test]
    fn node_types_are_the_ones_the_loader_reads() {
        let schema = schema();
        let node_type = &schema["properties"]["node_type"]["anyOf"];
        let listed: BTreeSet<&str> = strings(&node_type[0]["enum"]).into_iter().collect();
        let expected: BTreeSet<String> = NodeType::ALL
            .into_iter()
            .flat_map(|t| {
                let generic = t.generic();
                let base = generic.strip_suffix("_GENERIC").unwrap();
                [generic, base].map(|s| [s.to_owned(), s.to_ascii_lowercase()])
            })
            .flatten()
            .collect();
        assert_eq!(
            listed,
            expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
        );
        let pattern = regex::Regex::new(node_type[1]["pattern"].as_str().unwrap()).unwrap();
        let others = [
            " effect_Generic ",
            "Reducer",
            "oRcHeStRaToR_gEnErIc",
            "",
            "EFFECTS",
            "GENERIC",
            "_GENERIC",
            "effect_",
            "effect generic",
            "EFFECT_GENERIC_GENERIC",
            "compute-generic",
        ];
        for text in listed.iter().copied().chain(others) {
            assert_eq!(
                pattern.is_match(text),
                NodeType::from_contract(text).is_some(),
                "{text:?}"
            );
        }
    }
}
