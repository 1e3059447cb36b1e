//! Handlers: the routing section and `handlers:` entries, their targets and
//! the event models they take.

use super::Walker;
use super::models::inside_package;
use crate::contract::copy::Rewrites;
use crate::contract::keys::ROUTING_KEYS;
use crate::contract::model::{HandlerDef, HandlerKind, ModelDef, ModelLocation, ModelRef};
use crate::contract::naming::{is_identifier, is_snake_identifier, module_stem};
use crate::contract::tree::Node;
use crate::diagnostics::Position;
use std::collections::{HashMap, HashSet};

impl Walker<'_> {
    /// A handler's (name, module, kind), or `None` with a located error when
    /// its class or function is not a Python name or its module not a
    /// dotted module path: the copy of the contract would point at it and
    /// the runtime could never import it.
    pub(super) fn checked_target(&mut self, node: &Node) -> Option<(String, String, HandlerKind)> {
        let (name, module, kind) = handler_target(node)?;
        let at = |key: &str| node.get(key).map_or(node.pos, |n| n.pos);
        let name_pos = match kind {
            HandlerKind::Function { .. } => at("function"),
            HandlerKind::Class => node
                .get("name")
                .or_else(|| node.get("class"))
                .map_or(node.pos, |n| n.pos),
        };
        self.check_handler_names(&name, name_pos, &module, at("module"))
            .then_some((name, module, kind))
    }

    /// Whether a handler's name and module can be imported; a located error
    /// for each that cannot.
    pub(super) fn check_handler_names(
        &mut self,
        name: &str,
        name_pos: Position,
        module: &str,
        module_pos: Position,
    ) -> bool {
        let mut ok = true;
        if let Some(message) = crate::contract::naming::too_long("handler", name) {
            self.error(name_pos, message, Some("use a shorter name".to_owned()));
            ok = false;
        } else if !is_identifier(name) || crate::contract::naming::is_keyword(name) {
            self.error(
                name_pos,
                format!("handler '{name}' is not a valid Python name"),
                Some("name the handler's class or function with letters, digits and '_' (not a keyword), e.g. 'HandlerTextTrim'".to_owned()),
            );
            ok = false;
        }
        let path = module.trim_start_matches('.');
        let dotted = !path.is_empty()
            && path
                .split('.')
                .all(|seg| is_identifier(seg) && !crate::contract::naming::is_keyword(seg));
        if !dotted {
            self.error(
                module_pos,
                format!("handler module '{module}' is not a dotted Python module path"),
                Some("write it as 'package.handlers.handler_name' (names separated by '.', no '/' or '-')".to_owned()),
            );
            ok = false;
        }
        ok
    }

    /// Every handler the contract names, in contract order: the routing
    /// entries, then `default_handler`, then the top-level `handler`.
    pub(super) fn routed_handlers(&mut self, root: &Node) -> Vec<Routed> {
        let mut found: Vec<Routed> = Vec::new();
        if let Some(routing) = root.get("handler_routing") {
            if routing.as_map().is_none() {
                self.error(
                    routing.pos,
                    format!(
                        "'handler_routing' must be a mapping, found {}",
                        routing.kind()
                    ),
                    None,
                );
            } else {
                self.check_typos(routing, ROUTING_KEYS, " in 'handler_routing'");
                if let Some(list) = routing.get("handlers") {
                    match list.as_seq() {
                        Some(items) => {
                            for (index, item) in items.iter().enumerate() {
                                let Some((name, module, kind)) =
                                    item.get("handler").and_then(|h| self.checked_target(h))
                                else {
                                    continue;
                                };
                                let event = item.get("event_model").and_then(|e| {
                                    let class = e.get("name").and_then(Node::as_str)?;
                                    let module = e.get("module").and_then(Node::as_str)?;
                                    Some((class.to_owned(), module.to_owned()))
                                });
                                found.push(Routed {
                                    name,
                                    module,
                                    kind,
                                    operation: item
                                        .get("operation")
                                        .and_then(Node::as_str)
                                        .map(str::to_owned),
                                    event,
                                    entry: Some(index),
                                    input_model: item.get("input_model").cloned(),
                                    output_model: item.get("output_model").cloned(),
                                    input: None,
                                    output: None,
                                });
                            }
                        }
                        None => self.error(
                            list.pos,
                            format!(
                                "'handler_routing.handlers' must be a list, found {}",
                                list.kind()
                            ),
                            None,
                        ),
                    }
                }
                if let Some(default) = routing.get("default_handler") {
                    let target = match default.as_str() {
                        Some(s) => s.split_once(':').and_then(|(m, c)| {
                            let (c, m) = (c.trim(), m.trim());
                            self.check_handler_names(c, default.pos, m, default.pos)
                                .then(|| (c.to_owned(), m.to_owned(), HandlerKind::Class))
                        }),
                        None => self.checked_target(default),
                    };
                    if let Some((name, module, kind)) = target {
                        found.push(Routed::plain(name, module, kind));
                    }
                }
            }
        }
        if let Some((name, module, kind)) = root.get("handler").and_then(|h| self.checked_target(h))
        {
            found.push(Routed::plain(name, module, kind));
        }
        found
    }

    /// Handlers routed to inside the package, from `handler_routing` and a top-level `handler`.
    pub(super) fn handlers(
        found: Vec<Routed>,
        node_name: &str,
        input: Option<&ModelRef>,
        output: Option<&ModelRef>,
        models: &[ModelDef],
        operations: &mut Vec<String>,
        rewrites: &mut Rewrites,
    ) -> Vec<HandlerDef> {
        let mut handlers: Vec<HandlerDef> = Vec::new();
        // Per handler, what each of its routes says it takes and returns.
        let mut events: Vec<Vec<Option<ModelRef>>> = Vec::new();
        let mut answers: Vec<Vec<Option<ModelRef>>> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut routed: HashSet<(usize, String)> = HashSet::new();
        let mut seen_operations: HashSet<String> = operations.iter().cloned().collect();
        for route in found {
            let Routed {
                name,
                module,
                kind,
                operation,
                event,
                entry,
                input: entry_input,
                output: entry_output,
                ..
            } = route;
            // Only routing entries say what their handler takes and returns.
            let votes = usize::from(entry.is_some());
            let takes = entry_input.or_else(|| {
                event.and_then(|(class, module)| event_ref(&class, &module, node_name, models))
            });
            if let Some(op) = &operation
                && seen_operations.insert(op.clone())
            {
                operations.push(op.clone());
            }
            if !inside_package(&module, node_name, "handlers") || !is_identifier(&name) {
                continue;
            }
            let stem = module
                .rsplit('.')
                .next()
                .filter(|s| s.starts_with("handler_") && is_snake_identifier(s))
                .map_or_else(
                    || match kind {
                        HandlerKind::Class => module_stem("handler", &name),
                        HandlerKind::Function { .. } => function_stem(&name),
                    },
                    str::to_owned,
                );
            // A name routed again (from another module) is the same handler.
            let stem = by_name
                .get(&name)
                .map_or(stem, |&index| handlers[index].module.clone());
            rewrites.handler_modules.insert(
                (module.clone(), name.clone()),
                format!("{node_name}.handlers.{stem}"),
            );
            if let Some(&index) = by_name.get(&name) {
                events[index].extend(std::iter::repeat_n(takes, votes));
                answers[index].extend(std::iter::repeat_n(entry_output, votes));
                if let Some(op) = operation
                    && routed.insert((index, op.clone()))
                {
                    handlers[index].operations.push(op);
                }
            } else {
                by_name.insert(name.clone(), handlers.len());
                events.push(std::iter::repeat_n(takes, votes).collect());
                answers.push(std::iter::repeat_n(entry_output, votes).collect());
                if let Some(op) = &operation {
                    routed.insert((handlers.len(), op.clone()));
                }
                handlers.push(HandlerDef {
                    class_name: name,
                    kind,
                    module: stem,
                    operations: operation.into_iter().collect(),
                    input: input.cloned(),
                    output: output.cloned(),
                    default: false,
                    implied: false,
                });
            }
        }
        route_models(&mut handlers, &events, &answers, input, output);
        handlers
    }
}

/// Whether a YAML file is a handler contract (`handler_id` at the top
/// level, no `node_type`): it describes a handler, not a node.
pub fn is_handler_contract(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let top = |key: &str| {
        text.lines().any(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    };
    top("handler_id") && !top("node_type")
}

/// One handler the contract names, and what its routing entry says about it.
pub(super) struct Routed {
    /// The class, or the function.
    pub(super) name: String,
    pub(super) module: String,
    pub(super) kind: HandlerKind,
    pub(super) operation: Option<String>,
    /// `event_model` as (class, module).
    pub(super) event: Option<(String, String)>,
    /// Its index in `handler_routing.handlers`, when it comes from there.
    pub(super) entry: Option<usize>,
    /// The entry's own `input_model` and `output_model`, and what they
    /// resolve to.
    pub(super) input_model: Option<Node>,
    pub(super) output_model: Option<Node>,
    pub(super) input: Option<ModelRef>,
    pub(super) output: Option<ModelRef>,
}

impl Routed {
    /// A handler named outside the routing entries.
    pub(super) fn plain(name: String, module: String, kind: HandlerKind) -> Self {
        Routed {
            name,
            module,
            kind,
            operation: None,
            event: None,
            entry: None,
            input_model: None,
            output_model: None,
            input: None,
            output: None,
        }
    }
}

/// (name, module, kind) of a `handler`-shaped mapping: `{name | class, module}`
/// or `{function, module, type}`.
pub(in crate::contract) fn handler_target(node: &Node) -> Option<(String, String, HandlerKind)> {
    let module = node.get("module").and_then(Node::as_str)?.to_owned();
    if let Some(function) = node.get("function").and_then(Node::as_str) {
        let asynchronous = node.get("type").and_then(Node::as_str) == Some("async");
        return Some((
            function.to_owned(),
            module,
            HandlerKind::Function { asynchronous },
        ));
    }
    let class = node
        .get("name")
        .or_else(|| node.get("class"))
        .and_then(Node::as_str)?;
    Some((class.to_owned(), module, HandlerKind::Class))
}

/// The scaffold module of a function handler named outside a `handler_*`
/// module: `handle_chunk_classify` -> `handler_chunk_classify`.
pub(super) fn function_stem(function: &str) -> String {
    let bare = function.strip_prefix("handle_").unwrap_or(function);
    if bare.is_empty() {
        "handler".to_owned()
    } else {
        format!("handler_{bare}")
    }
}

/// The model an `event_model` names: the package's own when it owns a class
/// of that name, otherwise the external class. An event model inside the
/// package that the contract does not define names nothing.
pub(super) fn event_ref(
    class: &str,
    module: &str,
    node_name: &str,
    models: &[ModelDef],
) -> Option<ModelRef> {
    if !is_identifier(class) || crate::contract::naming::is_keyword(class) {
        return None;
    }
    if let Some(m) = models.iter().find(|m| m.class_name == class) {
        return Some(ModelRef {
            class_name: class.to_owned(),
            location: ModelLocation::Package {
                module: m.module.clone(),
            },
            expr: None,
        });
    }
    if inside_package(module, node_name, "models") {
        return None;
    }
    Some(ModelRef {
        class_name: class.to_owned(),
        location: ModelLocation::External {
            module: module.to_owned(),
        },
        expr: None,
    })
}

/// A handler whose every route names the same request model (the entry's
/// `input_model`, else its `event_model`) takes that model instead of the
/// node's; likewise for the answer and `output_model`. A class name that
/// would import two different classes into the package keeps the node's.
pub(super) fn route_models(
    handlers: &mut [HandlerDef],
    takes: &[Vec<Option<ModelRef>>],
    answers: &[Vec<Option<ModelRef>>],
    input: Option<&ModelRef>,
    output: Option<&ModelRef>,
) {
    let agreed = |routes: &Vec<Option<ModelRef>>| {
        let first = routes.first().and_then(Option::as_ref)?;
        routes
            .iter()
            .all(|r| r.as_ref() == Some(first))
            .then(|| first.clone())
    };
    let chosen_in: Vec<Option<ModelRef>> = takes.iter().map(agreed).collect();
    let chosen_out: Vec<Option<ModelRef>> = answers.iter().map(agreed).collect();
    let mut places: HashMap<String, Vec<ModelLocation>> = HashMap::new();
    for r in chosen_in
        .iter()
        .chain(&chosen_out)
        .flatten()
        .chain(input)
        .chain(output)
    {
        let seen = places.entry(r.class_name.clone()).or_default();
        if !seen.contains(&r.location) {
            seen.push(r.location.clone());
        }
    }
    let single = |r: &ModelRef| places.get(&r.class_name).is_some_and(|p| p.len() == 1);
    for ((h, takes), answers) in handlers.iter_mut().zip(chosen_in).zip(chosen_out) {
        if let Some(r) = takes.filter(|r| single(r)) {
            h.input = Some(r);
        }
        if let Some(r) = answers.filter(|r| single(r)) {
            h.output = Some(r);
        }
    }
}
