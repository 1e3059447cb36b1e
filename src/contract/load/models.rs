//! The node's input, output and operation models: references to definitions,
//! to Python classes by expression, and models typed inline.

use super::handlers::Routed;
use super::{Walker, fold};
use crate::contract::codes;
use crate::contract::copy::{ModelSite, Rewrites};
use crate::contract::keys::MODEL_KEYS;
use crate::contract::model::{Constraints, FieldDef, FieldType, ModelDef, ModelLocation, ModelRef};
use crate::contract::naming::{field_identifier, is_identifier, is_snake_identifier, module_stem};
use crate::contract::tree::{Node, Value};
use crate::contract::types::{make_optional, parse_type};
use crate::diagnostics::Position;
use std::collections::{HashMap, HashSet};

impl Walker<'_> {
    /// `io_operations`: typed input/output fields for the owned models, and operation names.
    pub(super) fn io_operations(
        &mut self,
        root: &Node,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> (Option<Vec<FieldDef>>, Option<Vec<FieldDef>>, Vec<String>) {
        let mut operations = Vec::new();
        let Some(ops_node) = root.get("io_operations") else {
            return (None, None, operations);
        };
        let Some(ops) = ops_node.as_seq() else {
            self.error(
                ops_node.pos,
                format!("'io_operations' must be a list, found {}", ops_node.kind()),
                None,
            );
            return (None, None, operations);
        };
        let mut seen_operations: HashSet<String> = HashSet::new();
        let mut inputs: Vec<Vec<(String, Position, FieldType)>> = Vec::new();
        let mut outputs: Vec<Vec<(String, Position, FieldType)>> = Vec::new();
        for op in ops {
            if op.as_map().is_none() {
                continue;
            }
            if let Some(name) = op.get("operation").and_then(Node::as_str)
                && seen_operations.insert(name.to_owned())
            {
                operations.push(name.to_owned());
            }
            inputs.push(self.typed_fields(op.get("input_fields"), defs, def_names));
            outputs.push(self.typed_fields(op.get("output_fields"), defs, def_names));
        }
        (
            self.merge_typed(&inputs),
            self.merge_typed(&outputs),
            operations,
        )
    }

    pub(super) fn typed_fields(
        &mut self,
        list: Option<&Node>,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Vec<(String, Position, FieldType)> {
        let mut out = Vec::new();
        let Some(items) = list.and_then(Node::as_seq) else {
            return out;
        };
        for item in items {
            let Some(entries) = item.as_map() else {
                continue;
            };
            for (key, ty) in entries {
                let (Some(name), Some(text)) = (key.as_str(), ty.as_str()) else {
                    continue;
                };
                let mut unknown = Vec::new();
                let mut resolve = |n: &str| {
                    Some(defs.get(n).cloned().unwrap_or_else(|| {
                        unknown.push(n.to_owned());
                        FieldType::Any
                    }))
                };
                match parse_type(text, &mut resolve, def_names) {
                    Ok(parsed) => {
                        for n in unknown {
                            self.warn(
                                codes::UNTYPED_FIELD,
                                ty.pos,
                                format!(
                                    "unknown type '{n}' in io_operations; the field is typed Any"
                                ),
                                None,
                            );
                        }
                        out.push((name.to_owned(), key.pos, parsed));
                    }
                    Err(e) => {
                        self.warn(
                            codes::UNTYPED_FIELD,
                            ty.pos,
                            format!("{} in io_operations; the field is typed Any", e.message()),
                            None,
                        );
                        out.push((name.to_owned(), key.pos, FieldType::Any));
                    }
                }
            }
        }
        out
    }

    pub(super) fn merge_typed(
        &mut self,
        per_op: &[Vec<(String, Position, FieldType)>],
    ) -> Option<Vec<FieldDef>> {
        let mut order: Vec<(String, Position, FieldType)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for op in per_op {
            for (name, pos, ty) in op {
                if seen.insert(name) {
                    order.push((name.clone(), *pos, ty.clone()));
                }
            }
        }
        let per_op_names: Vec<HashSet<&str>> = per_op
            .iter()
            .map(|op| op.iter().map(|(n, _, _)| n.as_str()).collect())
            .collect();
        if order.is_empty() {
            return None;
        }
        let mut fields: Vec<FieldDef> = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        for (raw, pos, ty) in order {
            let everywhere = per_op_names.iter().all(|op| op.contains(raw.as_str()));
            let (name, alias) = match field_identifier(&raw) {
                None => (raw.clone(), None),
                Some(Ok(name)) => (name, Some(raw.clone())),
                Some(Err(message)) => {
                    self.error(pos, message, None);
                    continue;
                }
            };
            if !taken.insert(name.clone()) {
                self.error(
                    pos,
                    format!("field '{raw}' collides with another field named '{name}'"),
                    None,
                );
                continue;
            }
            let optional = !everywhere || matches!(ty, FieldType::Optional(_));
            fields.push(FieldDef {
                name,
                alias,
                ty: if everywhere { ty } else { make_optional(ty) },
                required: !optional,
                default: optional.then_some(serde_json::Value::Null),
                description: None,
                constraints: Constraints::default(),
            });
        }
        Some(fields)
    }

    /// `input_model` / `output_model` / `state_model`, at the top level or in
    /// a routing entry: a mapping or a dotted string, naming a class or a type
    /// expression around one (`list[ModelX]`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn model_ref(
        &mut self,
        site: &ModelSite,
        node: &Node,
        node_name: &str,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
        typed: Option<&[FieldDef]>,
        models: &mut Vec<ModelDef>,
        rewrites: &mut Rewrites,
    ) -> Option<ModelRef> {
        let key = site.label();
        let key = key.as_str();
        let (class_name, module, description, fields, dotted) = self.model_parts(key, node)?;
        let (class_name, expr) = self.expression(node, key, class_name)?;
        // Python's own types (`None`, `str`, `dict`): nothing to generate or import.
        if fields.is_none()
            && BUILTIN_TYPES.contains(&class_name.as_str())
            && module.as_deref().is_none_or(|m| m == "builtins")
        {
            return Some(ModelRef {
                class_name,
                location: ModelLocation::External {
                    module: "builtins".to_owned(),
                },
                expr,
            });
        }
        if !self.class_name_ok(&class_name, key, node.pos) {
            return None;
        }
        let owned = fields.is_some()
            || module.as_deref().is_none_or(|m| {
                !BUILTIN_MODULES.contains(&m) && inside_package(m, node_name, "models")
            });
        if !owned {
            return Some(ModelRef {
                class_name,
                location: ModelLocation::External {
                    module: module.unwrap_or_default(),
                },
                expr,
            });
        }
        let stem = module
            .as_deref()
            .and_then(|m| m.rsplit('.').next())
            .filter(|s| s.starts_with("model_") && is_snake_identifier(s))
            .map_or_else(|| module_stem("model", &class_name), str::to_owned);
        // Several classes the contract places in one module get a module each.
        let stem = if models
            .iter()
            .any(|m| m.module == stem && m.class_name != class_name)
        {
            module_stem("model", &class_name)
        } else {
            stem
        };
        let declared = fields.is_some() || typed.is_some();
        let model_fields = match fields {
            Some(f) => self.fields(f, defs, def_names),
            None => typed.map(<[FieldDef]>::to_vec).unwrap_or_default(),
        };
        let new_module = format!("{node_name}.models.{stem}");
        rewrites.models.push((site.clone(), new_module, dotted));
        if let Some(existing) = models.iter().find(|m| m.class_name == class_name) {
            if existing.module != stem {
                self.error(
                    node.pos,
                    format!("model '{class_name}' is declared twice with different modules"),
                    None,
                );
            }
        } else {
            if !declared {
                self.warn(
                codes::HOLLOW_MODEL,
                    node.pos,
                    format!(
                        "model `{class_name}` ('{key}') declares no fields, so its shape is unknown: \
                         models/{stem}.py is written once for you to declare them, and never overwritten"
                    ),
                    Some(format!(
                        "declare them under `fields:` in '{key}' to have the model generated"
                    )),
                );
            }
            models.push(ModelDef {
                class_name: class_name.clone(),
                module: stem.clone(),
                description,
                fields: model_fields,
                declared,
            });
        }
        Some(ModelRef {
            class_name,
            location: ModelLocation::Package { module: stem },
            expr,
        })
    }

    /// A model reference's parts: (class or expression, module, description,
    /// inline `fields`, written as a dotted string?).
    #[allow(clippy::type_complexity)]
    pub(super) fn model_parts<'n>(
        &mut self,
        key: &str,
        node: &'n Node,
    ) -> Option<(String, Option<String>, String, Option<&'n Node>, bool)> {
        Some(match &node.value {
            Value::Str(s) if is_expression(s) => (s.clone(), None, String::new(), None, false),
            Value::Str(s) => {
                let (module, class) = match s.rsplit_once('.') {
                    Some((m, c)) => (Some(m.to_owned()), c.to_owned()),
                    None => (None, s.clone()),
                };
                (class, module, String::new(), None, true)
            }
            Value::Map(_) => {
                self.check_typos(node, MODEL_KEYS, &format!(" in '{key}'"));
                let name_node = self.required(node, "name", &format!(" in '{key}'"))?;
                let class = self.string(name_node, &format!("'{key}.name'"))?.to_owned();
                let module = match node.get("module") {
                    Some(m) => Some(self.string(m, &format!("'{key}.module'"))?.to_owned()),
                    None => None,
                };
                let description = node
                    .get("description")
                    .and_then(Node::as_str)
                    .map(fold)
                    .unwrap_or_default();
                (class, module, description, node.get("fields"), false)
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "'{key}' must be a mapping {{name, module}} or a dotted string, found {}",
                        node.kind()
                    ),
                    None,
                );
                return None;
            }
        })
    }

    /// A model name as (class, the expression around it, if any); a located
    /// error when it is an expression around no class or several.
    pub(super) fn expression(
        &mut self,
        node: &Node,
        key: &str,
        name: String,
    ) -> Option<(String, Option<String>)> {
        if !is_expression(&name) {
            return Some((name, None));
        }
        if let Some((class, expr)) = expression_class(&name) {
            return Some((class, Some(expr)));
        }
        self.error(
            node.pos,
            format!(
                "'{name}' in '{key}' is not a type this node can name: \
                 write one model class, or one inside `list[...]`, `dict[str, ...]` or `... | None`"
            ),
            None,
        );
        None
    }

    /// The models each routing entry names for its own handler
    /// (`input_model`, `output_model`): a class the node already names is
    /// that reference; any other is resolved like a top-level model.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn entry_models(
        &mut self,
        routes: &mut [Routed],
        node_name: &str,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
        known: &[&ModelRef],
        models: &mut Vec<ModelDef>,
        rewrites: &mut Rewrites,
    ) {
        for route in routes.iter_mut() {
            let Some(index) = route.entry else {
                continue;
            };
            for (key, node) in [
                ("input_model", route.input_model.take()),
                ("output_model", route.output_model.take()),
            ] {
                let Some(node) = node.filter(|n| n.value != Value::Null) else {
                    continue;
                };
                // A bare class, or one inside an expression, that the node
                // already names.
                let named = node.as_str().and_then(|s| {
                    if is_identifier(s) {
                        Some((s.to_owned(), None))
                    } else if is_expression(s) {
                        expression_class(s).map(|(class, expr)| (class, Some(expr)))
                    } else {
                        None
                    }
                });
                let same = named.and_then(|(class, expr)| {
                    let found = known
                        .iter()
                        .find(|r| r.class_name == class)
                        .map(|r| (*r).clone())
                        .or_else(|| {
                            models
                                .iter()
                                .find(|m| m.class_name == class)
                                .map(|m| ModelRef {
                                    class_name: m.class_name.clone(),
                                    location: ModelLocation::Package {
                                        module: m.module.clone(),
                                    },
                                    expr: None,
                                })
                        });
                    found.map(|r| ModelRef { expr, ..r })
                });
                let resolved = same.or_else(|| {
                    let site = ModelSite::Entry(index, key.to_owned());
                    self.model_ref(
                        &site, &node, node_name, defs, def_names, None, models, rewrites,
                    )
                });
                match key {
                    "input_model" => route.input = resolved,
                    _ => route.output = resolved,
                }
            }
        }
    }
}

/// Python's own types a contract may name as a model.
pub(super) const BUILTIN_TYPES: &[&str] = &[
    "None", "str", "int", "float", "bool", "bytes", "dict", "list", "object",
];

/// Modules whose classes are Python's own, never the package's.
pub(super) const BUILTIN_MODULES: &[&str] = &["builtins", "typing", "collections.abc"];

/// Names a type expression may use around its model class.
pub(super) const TYPE_WORDS: &[&str] = &[
    "list",
    "dict",
    "set",
    "frozenset",
    "tuple",
    "Optional",
    "Sequence",
    "Mapping",
    "None",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "Any",
    "List",
    "Dict",
];

/// Whether a model name is a type expression rather than a (dotted) class.
pub(super) fn is_expression(s: &str) -> bool {
    s.contains(['[', '|', ' ', ','])
}

/// The one model class a type expression is written around, and the
/// expression with that class undotted: `list[a.b.ModelX]` ->
/// (`ModelX`, `list[ModelX]`). `None` when it names no class or several,
/// or uses anything but names, `[`, `]`, `,` and `|`.
pub(super) fn expression_class(s: &str) -> Option<(String, String)> {
    let mut class: Option<String> = None;
    let mut expr = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, expr: &mut String, class: &mut Option<String>| {
        if word.is_empty() {
            return true;
        }
        let last = word.rsplit('.').next().unwrap_or_default().to_owned();
        if !TYPE_WORDS.contains(&word.as_str()) {
            if class.as_ref().is_some_and(|c| *c != last) || !is_identifier(&last) {
                return false;
            }
            *class = Some(last.clone());
        }
        expr.push_str(&last);
        word.clear();
        true
    };
    for ch in s.chars() {
        match ch {
            c if c.is_alphanumeric() || c == '_' || c == '.' => word.push(c),
            '[' | ']' | ',' | '|' | ' ' => {
                if !flush(&mut word, &mut expr, &mut class) {
                    return None;
                }
                match ch {
                    ',' => expr.push_str(", "),
                    '|' => expr.push_str(" | "),
                    ' ' => {}
                    c => expr.push(c),
                }
            }
            _ => return None,
        }
    }
    if !flush(&mut word, &mut expr, &mut class) {
        return None;
    }
    let class = class?;
    (expr != class).then_some((class, expr))
}

/// The ownership rule: a module path is inside the package when one of its
/// segments is the node name, or it is relative/bare (`models.x`, `.models.x`).
pub(super) fn inside_package(module: &str, node_name: &str, folder: &str) -> bool {
    let trimmed = module.trim_start_matches('.');
    module.starts_with('.')
        || trimmed.starts_with(&format!("{folder}."))
        || !trimmed.contains('.')
        || (!node_name.is_empty() && trimmed.split('.').any(|seg| seg == node_name))
}
