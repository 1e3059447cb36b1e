//! The normalised contract copy written as the package's `contract.yaml`:
//! `*_GENERIC` node type, mapping versions, no top-level `version`, module
//! paths inside the package rewritten, every other key kept in order.

use std::collections::HashMap;

use super::load::parse_version_string;
use super::model::{NodeType, Version};
use super::tree::{Node, Value};
use crate::diagnostics::Position;

/// Where a model reference sits in the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ModelSite {
    /// A top-level key: `input_model`.
    Top(String),
    /// A key of the routing entry at this index: `handler_routing.handlers[2].input_model`.
    Entry(usize, String),
}

impl ModelSite {
    /// The key as messages name it.
    pub(super) fn label(&self) -> String {
        match self {
            ModelSite::Top(key) => key.clone(),
            ModelSite::Entry(index, key) => format!("handler_routing.handlers[{index}].{key}"),
        }
    }
}

/// What the copy must change, collected while walking.
#[derive(Default)]
pub(super) struct Rewrites {
    /// (where, new module, dotted-string form?) for owned models.
    pub(super) models: Vec<(ModelSite, String, bool)>,
    /// Handler module paths inside the package: (old module, handler name) -> new module.
    pub(super) handler_modules: HashMap<(String, String), String>,
}

impl Rewrites {
    /// Module paths into the package named `node_name` rewritten to start
    /// at `import_path` (the same unless a package prefix is set).
    pub(super) fn place_under(&mut self, node_name: &str, import_path: &str) {
        if node_name == import_path {
            return;
        }
        let inside = format!("{node_name}.");
        let place = |module: &mut String| {
            if let Some(rest) = module.strip_prefix(&inside) {
                *module = format!("{import_path}.{rest}");
            }
        };
        for (_, module, _) in &mut self.models {
            place(module);
        }
        for module in self.handler_modules.values_mut() {
            place(module);
        }
    }
}

/// The normalised copy: `*_GENERIC`, mapping versions, no top-level `version`,
/// module paths inside the package rewritten, everything else as it was.
/// `None` when the node type or contract version is missing (an error).
pub(super) fn contract_copy(
    root: &Node,
    node_type: Option<NodeType>,
    contract_version: Option<Version>,
    rewrites: &Rewrites,
) -> Option<Node> {
    let (Some(node_type), Some(version)) = (node_type, contract_version) else {
        return None;
    };
    let has_contract_version = root.get("contract_version").is_some();
    let mut copy = root.clone();
    if let Value::Map(entries) = &mut copy.value {
        let mut out = Vec::with_capacity(entries.len());
        for (key, mut value) in std::mem::take(entries) {
            match key.as_str() {
                Some("version") if has_contract_version => continue,
                Some("version") => {
                    let key = Node::new(Value::Str("contract_version".to_owned()), key.pos);
                    out.push((key, version_node(version, value.pos)));
                    continue;
                }
                Some("contract_version") => value = version_node(version, value.pos),
                Some("node_version") => {
                    if let Some(v) = value.as_str().and_then(parse_version_string) {
                        value = version_node(v, value.pos);
                    }
                }
                Some("node_type") => value.value = Value::Str(node_type.generic().to_owned()),
                _ => {}
            }
            out.push((key, value));
        }
        *entries = out;
    }
    for (site, module, dotted) in &rewrites.models {
        let node = match site {
            ModelSite::Top(key) => copy.get_mut(key),
            ModelSite::Entry(index, key) => copy
                .get_mut("handler_routing")
                .and_then(|r| r.get_mut("handlers"))
                .and_then(|h| match &mut h.value {
                    Value::Seq(items) => items.get_mut(*index),
                    _ => None,
                })
                .and_then(|item| item.get_mut(key)),
        };
        let Some(node) = node else {
            continue;
        };
        if *dotted {
            if let Value::Str(s) = &mut node.value {
                let class = s.rsplit('.').next().unwrap_or_default().to_owned();
                *s = format!("{module}.{class}");
            }
        } else if let Some(m) = node.get_mut("module") {
            m.value = Value::Str(module.clone());
        }
    }
    if !rewrites.handler_modules.is_empty() {
        rewrite_handlers(&mut copy, &rewrites.handler_modules);
    }
    Some(copy)
}

fn rewrite_handlers(copy: &mut Node, modules: &HashMap<(String, String), String>) {
    if let Some(routing) = copy.get_mut("handler_routing") {
        if let Some(Value::Seq(items)) = routing.get_mut("handlers").map(|n| &mut n.value) {
            for item in items {
                if let Some(handler) = item.get_mut("handler") {
                    rewrite_target(handler, modules);
                }
            }
        }
        if let Some(entry) = routing.get_mut("entry_point") {
            rewrite_target(entry, modules);
        }
        if let Some(default) = routing.get_mut("default_handler") {
            if let Value::Str(s) = &mut default.value {
                if let Some((m, c)) = s.split_once(':')
                    && let Some(new) = modules.get(&(m.to_owned(), c.to_owned()))
                {
                    *s = format!("{new}:{c}");
                }
            } else {
                rewrite_target(default, modules);
            }
        }
    }
    if let Some(handler) = copy.get_mut("handler") {
        rewrite_target(handler, modules);
    }
}

/// The `module` of a `handler`-shaped mapping, when the package owns its handler.
fn rewrite_target(handler: &mut Node, modules: &HashMap<(String, String), String>) {
    let Some((name, module, _)) = super::load::handler_target(handler) else {
        return;
    };
    if let Some(new) = modules.get(&(module, name))
        && let Some(m) = handler.get_mut("module")
    {
        m.value = Value::Str(new.clone());
    }
}

fn version_node(v: Version, pos: Position) -> Node {
    let part = |name: &str, n: u64| {
        (
            Node::new(Value::Str(name.to_owned()), pos),
            Node::new(Value::Int(i128::from(n)), pos),
        )
    };
    Node::new(
        Value::Map(vec![
            part("major", v.major),
            part("minor", v.minor),
            part("patch", v.patch),
        ]),
        pos,
    )
}
