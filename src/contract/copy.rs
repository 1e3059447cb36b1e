//! The normalised contract copy written as the package's `contract.yaml`:
//! `*_GENERIC` node type, mapping versions, no top-level `version`, module
//! paths inside the package rewritten, every other key kept in order.

use std::collections::HashMap;

use super::load::parse_version_string;
use super::model::{NodeType, Version};
use super::tree::{Node, Value};
use crate::diagnostics::Position;

/// What the copy must change, collected while walking.
#[derive(Default)]
pub(super) struct Rewrites {
    /// (top-level key, new module, dotted-string form?) for owned models.
    pub(super) models: Vec<(String, String, bool)>,
    /// Handler module paths inside the package: old -> new.
    pub(super) handler_modules: HashMap<String, String>,
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
    for (key, module, dotted) in &rewrites.models {
        let Some(node) = copy.get_mut(key) else {
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

fn rewrite_handlers(copy: &mut Node, modules: &HashMap<String, String>) {
    if let Some(routing) = copy.get_mut("handler_routing") {
        if let Some(Value::Seq(items)) = routing.get_mut("handlers").map(|n| &mut n.value) {
            for item in items {
                if let Some(m) = item.get_mut("handler").and_then(|h| h.get_mut("module")) {
                    rewrite_module(m, modules);
                }
            }
        }
        if let Some(default) = routing.get_mut("default_handler")
            && let Value::Str(s) = &mut default.value
            && let Some((m, c)) = s.split_once(':')
            && let Some(new) = modules.get(m)
        {
            *s = format!("{new}:{c}");
        }
    }
    if let Some(m) = copy.get_mut("handler").and_then(|h| h.get_mut("module")) {
        rewrite_module(m, modules);
    }
}

fn rewrite_module(node: &mut Node, modules: &HashMap<String, String>) {
    if let Value::Str(s) = &mut node.value
        && let Some(new) = modules.get(s.as_str())
    {
        s.clone_from(new);
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
