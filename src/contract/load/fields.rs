//! One model's fields: names, types, flags and constraints.

use super::{Walker, fold};
use crate::contract::keys::FIELD_KEYS;
use crate::contract::model::{Constraints, FieldDef, FieldType};
use crate::contract::naming::field_identifier;
use crate::contract::tree::{Node, Value, scalar_text};
use crate::contract::types::{TypeError, make_optional, parse_type};
use crate::diagnostics::Position;
use std::collections::{HashMap, HashSet};

impl Walker<'_> {
    /// Inline `fields`: a mapping `name: TYPE` or `name: {type, ...}`.
    pub(super) fn fields(
        &mut self,
        fields: &Node,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Vec<FieldDef> {
        let Some(entries) = fields.as_map() else {
            self.error(
                fields.pos,
                format!(
                    "'fields' must be a mapping of field name to type, found {}",
                    fields.kind()
                ),
                None,
            );
            return Vec::new();
        };
        let mut out: Vec<FieldDef> = Vec::with_capacity(entries.len());
        let mut taken: HashSet<String> = HashSet::new();
        for (key, spec) in entries {
            let Some(raw) = key.as_str() else {
                self.error(
                    key.pos,
                    format!("field names must be strings, found {}", key.kind()),
                    None,
                );
                continue;
            };
            let (name, alias) = match field_identifier(raw) {
                None => (raw.to_owned(), None),
                Some(Ok(name)) => (name, Some(raw.to_owned())),
                Some(Err(message)) => {
                    self.error(key.pos, message, None);
                    continue;
                }
            };
            if !taken.insert(name.clone()) {
                self.error(
                    key.pos,
                    format!("field '{raw}' collides with another field named '{name}'"),
                    None,
                );
                continue;
            }
            if let Some(field) = self.field(name, alias, spec, defs, def_names) {
                out.push(field);
            }
        }
        out
    }

    pub(super) fn field(
        &mut self,
        name: String,
        alias: Option<String>,
        spec: &Node,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Option<FieldDef> {
        let mut field = FieldDef {
            name,
            alias,
            ty: FieldType::Any,
            required: true,
            default: None,
            description: None,
            constraints: Constraints::default(),
        };
        match &spec.value {
            Value::Str(text) => {
                field.ty = self.field_type(text, spec.pos, defs, def_names)?;
            }
            Value::Map(_) => {
                self.check_typos(spec, FIELD_KEYS, " in a field");
                let type_node = spec.get("type");
                let ty_text = match type_node {
                    Some(n) => self.string(n, "a field 'type'")?,
                    None if spec.get("values").is_some() => "literal",
                    None => {
                        self.error(
                            spec.pos,
                            format!("field '{}' has no 'type'", field.name),
                            None,
                        );
                        return None;
                    }
                };
                let ty_pos = type_node.map_or(spec.pos, |n| n.pos);
                field.ty = if matches!(ty_text, "literal" | "Literal" | "enum") {
                    let values = spec.get("values").and_then(Node::as_seq);
                    match values {
                        Some(items) if !items.is_empty() => {
                            FieldType::Literal(items.iter().map(scalar_text).collect())
                        }
                        _ => {
                            self.error(
                                ty_pos,
                                "a literal field needs a non-empty 'values' list",
                                None,
                            );
                            return None;
                        }
                    }
                } else {
                    self.field_type(ty_text, ty_pos, defs, def_names)?
                };
                if let Some(d) = spec.get("description") {
                    field.description = self.string(d, "a field 'description'").map(fold);
                }
                if let Some(d) = spec.get("default") {
                    field.default = Some(d.to_json());
                    field.required = false;
                }
                if let Some(flag) = self.flag(spec, "optional")
                    && flag
                {
                    field.ty = make_optional(field.ty);
                }
                if let Some(required) = self.flag(spec, "required") {
                    field.required = required && field.default.is_none();
                    if !required && field.default.is_none() {
                        field.ty = make_optional(field.ty);
                        field.default = Some(serde_json::Value::Null);
                    }
                }
                field.constraints = self.constraints(spec);
            }
            _ => {
                self.error(
                    spec.pos,
                    format!(
                        "field '{}' must have a type string or a mapping, found {}",
                        field.name,
                        spec.kind()
                    ),
                    None,
                );
                return None;
            }
        }
        if matches!(field.ty, FieldType::Optional(_)) && field.default.is_none() {
            field.required = false;
            field.default = Some(serde_json::Value::Null);
        }
        let problems = crate::contract::values::problems(&field);
        if !problems.is_empty() {
            let pos = spec.get("default").map_or(spec.pos, |d| d.pos);
            for message in problems {
                self.error(pos, message, None);
            }
            return None;
        }
        Some(field)
    }

    pub(super) fn flag(&mut self, spec: &Node, key: &str) -> Option<bool> {
        let node = spec.get(key)?;
        if let Value::Bool(b) = node.value {
            Some(b)
        } else {
            self.error(
                node.pos,
                format!("'{key}' must be true or false, found {}", node.kind()),
                None,
            );
            None
        }
    }

    pub(super) fn constraints(&mut self, spec: &Node) -> Constraints {
        let mut c = Constraints::default();
        for (key, slot) in [
            ("min_length", &mut c.min_length),
            ("max_length", &mut c.max_length),
        ] {
            if let Some(node) = spec.get(key) {
                match node.value {
                    Value::Int(i) if i >= 0 => *slot = u64::try_from(i).ok(),
                    _ => self.error(
                        node.pos,
                        format!(
                            "'{key}' must be a non-negative integer, found {}",
                            node.kind()
                        ),
                        None,
                    ),
                }
            }
        }
        for (key, slot) in [
            ("ge", &mut c.ge),
            ("le", &mut c.le),
            ("gt", &mut c.gt),
            ("lt", &mut c.lt),
        ] {
            if let Some(node) = spec.get(key) {
                match node.value {
                    #[allow(clippy::cast_precision_loss)]
                    Value::Int(i) => *slot = Some(i as f64),
                    Value::Float(f) if f.is_finite() => *slot = Some(f),
                    _ => self.error(
                        node.pos,
                        format!("'{key}' must be a number, found {}", node.kind()),
                        None,
                    ),
                }
            }
        }
        if let Some(node) = spec.get("pattern") {
            c.pattern = self.string(node, "'pattern'").map(str::to_owned);
        }
        c
    }

    pub(super) fn field_type(
        &mut self,
        text: &str,
        pos: Position,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Option<FieldType> {
        let mut resolve = |name: &str| defs.get(name).cloned();
        match parse_type(text, &mut resolve, def_names) {
            Ok(ty) => Some(ty),
            Err(e) => {
                let message = match &e {
                    TypeError::Unknown { name, .. } if name == text.trim() => e.message(),
                    _ => format!("{} in '{text}'", e.message()),
                };
                self.error(pos, message, e.help());
                None
            }
        }
    }
}
