//! The runnable binding: what the framework reads from `contract.yaml` to
//! find and call the node's handler, added to the copy where the contract
//! does not already say it.
//!
//! - `RuntimeLocal` resolves `handler_routing.default_handler`
//!   (`module:Class`), then the top-level `handler: {module, class,
//!   input_model}`; with `terminal_event` it runs the event path (every
//!   routing entry needs its handler, and an `operation`, or an
//!   `event_model` under `payload_type_match`), without it the handler
//!   directly.
//! - `NodeCompute.process()` and `NodeEffect.process()` call the `callable`
//!   (`module:function`) of the routing entry whose `handler_key` equals
//!   `default_handler`, as `fn(node, input)`; with no such entry they run
//!   their built-in path and never reach a handler. The callable is the
//!   package's generated `dispatch` module.
//!
//! Keys the contract already has are kept as written.

use heck::ToPascalCase;

use super::load::handler_target;
use super::model::{
    Binding, BoundHandler, HandlerDef, HandlerKind, ModelLocation, ModelRef, NodeType, Route,
};
use super::tree::{Node, Value};
use crate::diagnostics::Position;

/// The module the generated dispatcher lives in, inside the package.
pub const DISPATCH_MODULE: &str = "dispatch";
/// The generated class the copy names when the default handler is a
/// function, and its module: the local runtime instantiates a class.
pub const ADAPTER_MODULE: &str = "default_handler";
pub const ADAPTER_CLASS: &str = "DefaultHandler";

/// The dotted module a model reference imports from, in the package `name`.
fn model_module(name: &str, r: &ModelRef) -> String {
    match &r.location {
        ModelLocation::Package { module } => format!("{name}.models.{module}"),
        ModelLocation::External { module } => module.clone(),
    }
}

/// Whether the framework's `process()` dispatches through `handler_routing`
/// for this node type (the reducer runs its FSM, the orchestrator its workflow).
fn dispatches_from_process(node_type: NodeType) -> bool {
    matches!(node_type, NodeType::Compute | NodeType::Effect)
}

/// One routing entry of the copy, as the framework reads it.
struct Entry {
    operation: Option<String>,
    /// (module, class or function).
    handler: Option<(String, String)>,
    function: Option<HandlerKind>,
    event_model: Option<(String, String)>,
    handler_key: Option<String>,
    handler_type: Option<String>,
}

fn text(node: Option<&Node>) -> Option<String> {
    node.and_then(Node::as_str)
        .map(str::to_owned)
        .filter(|s| !s.is_empty())
}

fn class_and_module(node: &Node) -> Option<(String, String)> {
    let class = text(node.get("name").or_else(|| node.get("class")))?;
    let module = text(node.get("module"))?;
    Some((module, class))
}

fn entries(copy: &Node) -> Vec<Entry> {
    let Some(items) = copy
        .get("handler_routing")
        .and_then(|r| r.get("handlers"))
        .and_then(Node::as_seq)
    else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| {
            let target = item.get("handler").and_then(handler_target);
            Entry {
                operation: text(item.get("operation")),
                handler: target.as_ref().map(|(n, m, _)| (m.clone(), n.clone())),
                function: target.and_then(|(_, _, k)| (k != HandlerKind::Class).then_some(k)),
                event_model: item.get("event_model").and_then(class_and_module),
                handler_key: text(item.get("handler_key")),
                handler_type: text(item.get("handler_type")),
            }
        })
        .collect()
}

fn string(s: &str, pos: Position) -> Node {
    Node::new(Value::Str(s.to_owned()), pos)
}

fn map(pairs: Vec<(&str, Node)>, pos: Position) -> Node {
    Node::new(
        Value::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (string(k, pos), v))
                .collect(),
        ),
        pos,
    )
}

fn strings(items: &[String], pos: Position) -> Node {
    Node::new(
        Value::Seq(items.iter().map(|s| string(s, pos)).collect()),
        pos,
    )
}

/// Sets `key: value` in a mapping node, in place when the key is there.
fn set(node: &mut Node, key: &str, value: Node) {
    if let Value::Map(pairs) = &mut node.value {
        if let Some((_, v)) = pairs.iter_mut().find(|(k, _)| k.as_str() == Some(key)) {
            *v = value;
        } else {
            pairs.push((string(key, value.pos), value));
        }
    }
}

/// Appends `key: value` to a mapping node unless the key is there.
fn add(node: &mut Node, key: &str, value: Node) {
    if let Value::Map(pairs) = &mut node.value
        && !pairs.iter().any(|(k, _)| k.as_str() == Some(key))
    {
        pairs.push((string(key, value.pos), value));
    }
}

/// The package's own handler that `module:class` (as the copy spells it) names.
fn package_handler<'h>(
    handlers: &'h mut [HandlerDef],
    name: &str,
    module: &str,
    class: &str,
) -> Option<&'h mut HandlerDef> {
    let stem = module.strip_prefix(name)?.strip_prefix(".handlers.")?;
    handlers
        .iter_mut()
        .find(|h| h.class_name == class && h.module == stem)
}

/// The class name of the handler scaffolded when the contract names none:
/// `node_auth_gate_compute` -> `HandlerAuthGateCompute`, made unique.
fn default_handler_class(name: &str, handlers: &[HandlerDef]) -> String {
    let base = name.strip_prefix("node_").unwrap_or(name).to_pascal_case();
    let mut class = format!("Handler{base}");
    while handlers.iter().any(|h| h.class_name == class) {
        class.push_str("Default");
    }
    class
}

/// Adds the binding to the contract copy and returns it; scaffolds a default
/// handler into `handlers` when the contract names none.
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
pub(super) fn bind(
    copy: &mut Node,
    name: &str,
    node_type: NodeType,
    major: u64,
    handlers: &mut Vec<HandlerDef>,
    operations: &mut Vec<String>,
    input: Option<&ModelRef>,
    output: Option<&ModelRef>,
) -> Binding {
    let pos = copy.pos;
    let in_package = |module: &str| module.starts_with(&format!("{name}.handlers."));
    let listed = entries(copy);

    // Which handler runs when no operation is named.
    let routing_default = copy
        .get("handler_routing")
        .and_then(|r| text(r.get("default_handler")));
    let from_default = match copy
        .get("handler_routing")
        .and_then(|r| r.get("default_handler"))
    {
        Some(d) if d.as_str().is_some() => routing_default
            .as_deref()
            .and_then(|s| s.split_once(':'))
            .map(|(m, c)| (m.to_owned(), c.to_owned(), HandlerKind::Class)),
        Some(d) => handler_target(d).map(|(n, m, k)| (m, n, k)),
        None => None,
    };
    let from_handler = copy
        .get("handler")
        .and_then(handler_target)
        .map(|(n, m, k)| (m, n, k));
    let entry_target = |e: &Entry| {
        e.handler
            .clone()
            .map(|(m, n)| (m, n, e.function.unwrap_or_default()))
    };
    let from_entries = listed
        .iter()
        .filter_map(entry_target)
        .find(|(m, _, _)| in_package(m))
        .or_else(|| listed.iter().find_map(entry_target));
    let (module, class, kind) = if let Some(found) = from_default.or(from_handler).or(from_entries)
    {
        found
    } else {
        let class = default_handler_class(name, handlers);
        let stem = super::naming::module_stem("handler", &class);
        handlers.push(HandlerDef {
            class_name: class.clone(),
            kind: HandlerKind::Class,
            module: stem.clone(),
            operations: Vec::new(),
            input: input.cloned(),
            output: output.cloned(),
            default: true,
            implied: true,
        });
        (format!("{name}.handlers.{stem}"), class, HandlerKind::Class)
    };
    let function = kind != HandlerKind::Class;
    if let Some(h) = package_handler(handlers, name, &module, &class) {
        h.default = true;
    }

    let mut request_of = |module: &str, class: &str, event: Option<&(String, String)>| {
        if in_package(module) {
            let h = package_handler(handlers, name, module, class)?;
            return h
                .input
                .as_ref()
                .filter(|r| r.expr.is_none())
                .map(|r| (model_module(name, r), r.class_name.clone()));
        }
        event.cloned()
    };
    let top_level_input = copy.get("handler").and_then(|h| {
        let s = text(h.get("input_model"))?;
        let (m, c) = s.rsplit_once('.')?;
        Some((m.to_owned(), c.to_owned()))
    });
    let default_event = listed
        .iter()
        .find(|e| e.handler.as_ref() == Some(&(module.clone(), class.clone())))
        .and_then(|e| e.event_model.as_ref());
    let default = BoundHandler {
        module: module.clone(),
        class: class.clone(),
        function,
        request: request_of(&module, &class, default_event).or(top_level_input),
    };
    let mut routes: Vec<Route> = Vec::new();
    for e in &listed {
        let (Some(op), Some((m, c))) = (&e.operation, &e.handler) else {
            continue;
        };
        if routes.iter().any(|r| &r.operation == op) {
            continue;
        }
        routes.push(Route {
            operation: op.clone(),
            handler: BoundHandler {
                module: m.clone(),
                class: c.clone(),
                function: e.function.is_some(),
                request: request_of(m, c, e.event_model.as_ref()),
            },
        });
    }

    // handler_routing.default_handler
    let dispatch = dispatches_from_process(node_type);
    if copy.get("handler_routing").is_none() {
        add(copy, "handler_routing", map(Vec::new(), pos));
    }
    // A function default handler is named through the generated adapter class.
    let adapter_module = format!("{name}.{ADAPTER_MODULE}");
    let key = if function {
        format!("{adapter_module}:{ADAPTER_CLASS}")
    } else {
        routing_default.unwrap_or_else(|| format!("{module}:{class}"))
    };
    let callable = format!("{name}.{DISPATCH_MODULE}:dispatch");
    if let Some(routing) = copy.get_mut("handler_routing")
        && routing.as_map().is_some()
    {
        if function {
            // The contract's `{module, function, type}` is not a form the
            // framework reads: the copy names the adapter instead.
            set(routing, "default_handler", string(&key, pos));
        }
        if dispatch
            && let Some(operation) = bind_process_entry(
                routing, &listed, &key, &callable, &default, kind, &routes, name,
            )
        {
            // The added entry routes an operation of its own: say so
            // everywhere a re-read of the copy would.
            if let Some(h) = package_handler(handlers, name, &module, &class)
                && !h.operations.contains(&operation)
            {
                h.operations.push(operation.clone());
            }
            if !operations.contains(&operation) {
                operations.push(operation.clone());
            }
            if !routes.iter().any(|r| r.operation == operation) {
                routes.push(Route {
                    operation,
                    handler: default.clone(),
                });
            }
        }
        add(routing, "default_handler", string(&key, pos));
    }

    // The top-level handler block the runtime's direct path reads.
    if copy.get("handler").is_none() {
        let (module, class) = if function {
            (adapter_module.as_str(), ADAPTER_CLASS)
        } else {
            (module.as_str(), class.as_str())
        };
        let mut block = vec![
            ("module", string(module, pos)),
            ("class", string(class, pos)),
        ];
        if let Some((m, c)) = &default.request {
            block.push(("input_model", string(&format!("{m}.{c}"), pos)));
        }
        add(copy, "handler", map(block, pos));
    }

    // The event path: topics and a terminal event, when the contract declares
    // no bus of its own and every routing entry can run on it.
    let declares_bus = ["terminal_event", "event_bus", "runtime_dispatch"]
        .iter()
        .any(|k| copy.get(k).is_some());
    // The event path builds its first command from the input model, and
    // refuses to run without it: only a model the package owns is sure to import.
    let owned_input = copy
        .get("input_model")
        .and_then(|m| text(m.get("module")).or_else(|| text(Some(m))))
        .is_some_and(|m| m.starts_with(&format!("{name}.models.")));
    if !declares_bus && owned_input && in_package(&module) && event_path_runs(copy, &module, &class)
    {
        let slug = name.replace('_', "-");
        let major = major.max(1);
        let command = format!("onex.cmd.{slug}.requested.v{major}");
        let terminal = format!("onex.evt.{slug}.completed.v{major}");
        add(copy, "terminal_event", string(&terminal, pos));
        add(
            copy,
            "event_bus",
            map(
                vec![
                    ("subscribe_topics", strings(&[command], pos)),
                    ("publish_topics", strings(&[terminal], pos)),
                ],
                pos,
            ),
        );
    }

    if copy.get("descriptor").is_none() {
        let (purity, profile, idempotent) = match node_type {
            NodeType::Compute => ("pure", "compute", true),
            NodeType::Reducer => ("pure", "reducers", true),
            NodeType::Effect | NodeType::Orchestrator => ("impure", "effects", false),
        };
        add(
            copy,
            "descriptor",
            map(
                vec![
                    ("node_archetype", string(node_type.lower(), pos)),
                    ("purity", string(purity, pos)),
                    ("runtime_profiles", strings(&[profile.to_owned()], pos)),
                    ("idempotent", Node::new(Value::Bool(idempotent), pos)),
                    ("timeout_ms", Node::new(Value::Int(30_000), pos)),
                ],
                pos,
            ),
        );
    }

    Binding {
        default: Some(default),
        routes,
        dispatch,
        adapter: function,
    }
}

/// Gives `process()` an entry to call: the one whose `handler_key` is the
/// default handler's key gets the dispatcher as its `callable`; without such
/// an entry, the default handler's own entry takes the key; failing that, an
/// entry is added, and the operation it routes is returned.
#[allow(clippy::too_many_arguments)]
fn bind_process_entry(
    routing: &mut Node,
    listed: &[Entry],
    key: &str,
    callable: &str,
    default: &BoundHandler,
    kind: HandlerKind,
    routes: &[Route],
    name: &str,
) -> Option<String> {
    let pos = routing.pos;
    let target = (default.module.clone(), default.class.clone());
    let keyed = listed
        .iter()
        .position(|e| e.handler_key.as_deref() == Some(key));
    let own = keyed.or_else(|| {
        listed.iter().position(|e| {
            e.handler_key.is_none()
                && (e.handler.as_ref() == Some(&target) || e.handler_type.as_deref() == Some(key))
        })
    });
    if copy_entries(routing).is_none() {
        add(routing, "handlers", Node::new(Value::Seq(Vec::new()), pos));
    }
    let items = copy_entries(routing)?;
    if let Some(index) = own {
        let item = &mut items[index];
        add(item, "handler_key", string(key, pos));
        add(item, "callable", string(callable, pos));
        return None;
    }
    let operation = routes
        .iter()
        .find(|r| r.handler.module == default.module && r.handler.class == default.class)
        .map_or_else(|| name.to_owned(), |r| r.operation.clone());
    items.push(map(
        vec![
            ("operation", string(&operation, pos)),
            ("handler", map(target_pairs(default, kind, pos), pos)),
            ("handler_key", string(key, pos)),
            ("callable", string(callable, pos)),
        ],
        pos,
    ));
    Some(operation)
}

/// A routing entry's `handler` as the contract would write it.
fn target_pairs(h: &BoundHandler, kind: HandlerKind, pos: Position) -> Vec<(&'static str, Node)> {
    match kind {
        HandlerKind::Class => vec![
            ("name", string(&h.class, pos)),
            ("module", string(&h.module, pos)),
        ],
        HandlerKind::Function { asynchronous } => vec![
            ("function", string(&h.class, pos)),
            ("module", string(&h.module, pos)),
            (
                "type",
                string(if asynchronous { "async" } else { "sync" }, pos),
            ),
        ],
    }
}

fn copy_entries(routing: &mut Node) -> Option<&mut Vec<Node>> {
    match &mut routing.get_mut("handlers")?.value {
        Value::Seq(items) => Some(items),
        _ => None,
    }
}

/// Whether `RuntimeLocal`'s event path would accept the routing and send the
/// first command to the default handler.
fn event_path_runs(copy: &Node, module: &str, class: &str) -> bool {
    let listed = entries(copy);
    let by_payload = copy
        .get("handler_routing")
        .and_then(|r| text(r.get("routing_strategy")))
        .is_some_and(|s| s == "payload_type_match");
    let valid = listed.iter().all(|e| {
        e.handler.is_some()
            && e.function.is_none()
            && if by_payload {
                e.event_model.is_some()
            } else {
                e.operation.is_some()
            }
    });
    let first_is_default = listed
        .first()
        .is_none_or(|e| e.handler.as_ref() == Some(&(module.to_owned(), class.to_owned())));
    valid && first_is_default
}
