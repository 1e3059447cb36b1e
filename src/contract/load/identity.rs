//! Who the node is: its name, type, versions, description and class name.

use super::{Walker, fold};
use crate::contract::codes;
use crate::contract::keys::VERSION_PARTS;
use crate::contract::model::{EnumDef, ModelDef, NodeType, Version};
use crate::contract::naming::{
    contract_acronyms, is_identifier, is_snake_identifier, node_class_name_with,
};
use crate::contract::tree::{Node, Value};
use crate::diagnostics::Position;

impl Walker<'_> {
    /// The node class: `class_name` when the contract sets it (for acronyms:
    /// `NodeLLMCompletionEffect`), else the naming rule applied to `name`.
    pub(super) fn class_name(&mut self, root: &Node, node_name: &str) -> String {
        let mut texts = Vec::new();
        collect_strings(root, &mut texts);
        let derived = node_class_name_with(node_name, &contract_acronyms(texts));
        let Some(node) = root.get("class_name") else {
            return derived;
        };
        match node.as_str() {
            Some(text)
                if text.starts_with("Node")
                    && text.len() > 4
                    && text[4..].starts_with(|c: char| c.is_ascii_uppercase())
                    && is_identifier(text)
                    && !crate::contract::naming::is_keyword(text) =>
            {
                text.to_owned()
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "class_name must be `Node` followed by a PascalCase identifier, found {}",
                        crate::contract::tree::inline_scalar(node)
                    ),
                    Some(format!("leave it out to get `{derived}`")),
                );
                derived
            }
        }
    }

    /// Warns about class names `onex validate --strict` refuses outside
    /// `handlers/`: any holding a generic word (case-insensitive), as the
    /// framework's naming checker does.
    pub(super) fn check_generic_class_names(
        &mut self,
        root: &Node,
        node_class: &str,
        models: &[ModelDef],
        enums: &[EnumDef],
    ) {
        let classes = std::iter::once(node_class)
            .chain(models.iter().map(|m| m.class_name.as_str()))
            .chain(enums.iter().map(|e| e.class_name.as_str()));
        for class in classes {
            let Some(word) = crate::contract::naming::generic_class_word(class) else {
                continue;
            };
            // Point at the first line naming the class (or its snake-case key); else at `name`.
            let snake = heck::ToSnakeCase::to_snake_case(class);
            let stem = snake
                .trim_start_matches("node_")
                .trim_start_matches("model_")
                .trim_start_matches("enum_");
            let pos = self
                .lines
                .iter()
                .position(|l| l.contains(class) || (class != node_class && l.contains(stem)))
                .map(|i| Position::new(i + 1, 1))
                .or_else(|| root.get("name").map(|n| n.pos))
                .unwrap_or(root.pos);
            self.warn(
                codes::GENERIC_WORD,
                pos,
                format!(
                    "class `{class}` contains '{word}', a generic word `onex validate --strict` refuses in class names"
                ),
                Some("use a specific domain word in the name (or `class_name:` for the node class)".to_owned()),
            );
        }
    }

    pub(super) fn name(&mut self, root: &Node) -> Option<String> {
        let node = self.required(root, "name", "")?;
        let name = self.string(node, "'name'")?;
        // A dotted name (`omnimarket.node_x_compute`) names the node by its
        // last part; the copy keeps the name as written.
        let last = name.rsplit('.').next().unwrap_or(name);
        if name.split('.').all(is_snake_identifier) {
            if let Some(reason) = crate::contract::naming::node_name_problem(last) {
                let cleaned: Vec<&str> = last.split('_').filter(|w| !w.is_empty()).collect();
                let help = match cleaned.as_slice() {
                    ["node"] | [] => {
                        "name what the node does, e.g. 'node_text_trim_compute'".to_owned()
                    }
                    words if last.len() <= crate::contract::naming::MAX_NAME_LEN => {
                        format!("use '{}'", words.join("_"))
                    }
                    _ => "use a shorter name; the node's description can say the rest".to_owned(),
                };
                self.error(
                    node.pos,
                    format!(
                        "node name {} {reason}",
                        crate::contract::naming::quoted_name(last)
                    ),
                    Some(help),
                );
                return None;
            }
            return Some(last.to_owned());
        }
        let suggestion = heck::ToSnakeCase::to_snake_case(name);
        let help = if is_snake_identifier(&suggestion) {
            format!("use snake case, e.g. '{suggestion}'")
        } else {
            "use lower snake case letters, digits and underscores, starting with a letter"
                .to_owned()
        };
        let reason = if crate::contract::naming::is_keyword(name) {
            "is a Python keyword"
        } else {
            "is not a valid Python package name"
        };
        self.error(node.pos, format!("node name '{name}' {reason}"), Some(help));
        None
    }

    pub(super) fn node_type(&mut self, root: &Node) -> Option<NodeType> {
        let node = self.required(root, "node_type", "")?;
        let text = self.string(node, "'node_type'")?;
        let found = NodeType::from_contract(text);
        if found.is_none() {
            self.error(
                node.pos,
                format!("unknown node_type '{text}'"),
                Some(NODE_TYPE_HELP.to_owned()),
            );
        }
        found
    }

    pub(super) fn contract_version(&mut self, root: &Node) -> Option<Version> {
        match (root.get("contract_version"), root.get("version")) {
            (Some(node), version) => {
                if let Some(v) = version {
                    self.warn(
                        codes::VERSION_KEY,
                        root_key_pos(root, "version").unwrap_or(v.pos),
                        "top-level 'version' beside 'contract_version' is dropped from the copy",
                        Some("ModelYamlContract refuses a top-level 'version' key".to_owned()),
                    );
                }
                self.version_value(node, "contract_version")
            }
            (None, Some(node)) => {
                self.warn(
                    codes::VERSION_KEY,
                    root_key_pos(root, "version").unwrap_or(node.pos),
                    "top-level 'version' is used as 'contract_version'",
                    Some("rename it to 'contract_version'".to_owned()),
                );
                self.version_value(node, "version")
            }
            (None, None) => {
                self.error(root.pos, "missing required key 'contract_version'", None);
                None
            }
        }
    }

    /// A `{major, minor, patch}` mapping or a `"1.2.3"` string (with a warning).
    pub(super) fn version_value(&mut self, node: &Node, key: &str) -> Option<Version> {
        match &node.value {
            Value::Map(_) => {
                self.check_typos(node, &VERSION_PARTS, &format!(" in '{key}'"));
                let mut parts = [0u64; 3];
                let mut ok = true;
                for (slot, part) in parts.iter_mut().zip(VERSION_PARTS) {
                    match node.get(part) {
                        None => {
                            self.error(
                                node.pos,
                                format!("missing required key '{key}.{part}'"),
                                None,
                            );
                            ok = false;
                        }
                        Some(Node {
                            value: Value::Int(i),
                            pos,
                        }) => {
                            if let Ok(v) = u64::try_from(*i) {
                                *slot = v;
                            } else {
                                self.error(
                                    *pos,
                                    format!("'{key}.{part}' must be a non-negative integer"),
                                    None,
                                );
                                ok = false;
                            }
                        }
                        Some(other) => {
                            self.error(
                                other.pos,
                                format!(
                                    "'{key}.{part}' must be a non-negative integer, found {}",
                                    other.kind()
                                ),
                                None,
                            );
                            ok = false;
                        }
                    }
                }
                ok.then_some(Version {
                    major: parts[0],
                    minor: parts[1],
                    patch: parts[2],
                })
            }
            Value::Str(s) => {
                if let Some(v) = parse_version_string(s) {
                    if key == "contract_version" {
                        self.warn(
                            codes::VERSION_STRING,
                            node.pos,
                            format!("'{key}' is a string; it is written as a mapping in the copy"),
                            Some(format!(
                                "write `{key}: {{major: {}, minor: {}, patch: {}}}`",
                                v.major, v.minor, v.patch
                            )),
                        );
                    }
                    Some(v)
                } else {
                    self.error(
                        node.pos,
                        format!("'{key}' must look like \"1.2.3\", found '{s}'"),
                        None,
                    );
                    None
                }
            }
            Value::Float(_) | Value::Int(_) => {
                self.error(
                    node.pos,
                    format!("'{key}' must be a mapping {{major, minor, patch}} or a \"1.2.3\" string, found {}", node.kind()),
                    Some("quote it: \"1.0.0\"".to_owned()),
                );
                None
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "'{key}' must be a mapping {{major, minor, patch}}, found {}",
                        node.kind()
                    ),
                    None,
                );
                None
            }
        }
    }

    pub(super) fn description(&mut self, root: &Node) -> String {
        match root.get("description") {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => String::new(),
            Some(node) => self
                .string(node, "'description'")
                .map(fold)
                .unwrap_or_default(),
        }
    }
}

pub(super) const NODE_TYPE_HELP: &str = "use EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC or \
     ORCHESTRATOR_GENERIC (also accepted: effect_generic, effect, EFFECT, ...)";

/// Every string in the tree, keys and values, in document order.
pub(super) fn collect_strings<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
    match &node.value {
        Value::Str(s) => out.push(s),
        Value::Map(entries) => {
            for (k, v) in entries {
                collect_strings(k, out);
                collect_strings(v, out);
            }
        }
        Value::Seq(items) => {
            for item in items {
                collect_strings(item, out);
            }
        }
        _ => {}
    }
}

pub(super) fn root_key_pos(root: &Node, key: &str) -> Option<Position> {
    root.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(k, _)| k.pos)
}

/// `"1.2.3"` (optionally `v1.2.3`) to a version.
pub(in crate::contract) fn parse_version_string(s: &str) -> Option<Version> {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let mut parts = s.split('.').map(|p| p.parse::<u64>().ok());
    let v = Version {
        major: parts.next()??,
        minor: parts.next()??,
        patch: parts.next()??,
    };
    parts.next().is_none().then_some(v)
}
