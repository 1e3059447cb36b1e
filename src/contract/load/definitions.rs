//! The `definitions` section: models and enums, their class names, and the
//! order models must be declared in.

use super::{Walker, fold};
use crate::contract::keys::DEFINITION_KEYS;
use crate::contract::model::{EnumDef, EnumMember, FieldType, ModelDef};
use crate::contract::naming::{enum_member_name, is_identifier, module_stem, prefixed_class};
use crate::contract::tree::{Node, Value, scalar_text};
use crate::diagnostics::Position;
use std::collections::{HashMap, HashSet};

impl Walker<'_> {
    /// Models and enums declared in `definitions`, models in dependency order.
    pub(super) fn definition_types(
        &mut self,
        definitions: &[Definition<'_>],
        def_lookup: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> (Vec<ModelDef>, Vec<EnumDef>) {
        let mut enums: Vec<EnumDef> = Vec::new();
        let mut def_models = Vec::new();
        for def in definitions {
            match def.kind {
                DefKind::Model(fields) => {
                    let fields = self.fields(fields, def_lookup, def_names);
                    def_models.push((
                        def.pos,
                        ModelDef {
                            class_name: def.class_name.clone(),
                            module: def.module.clone(),
                            description: def.description.clone(),
                            fields,
                            declared: true,
                        },
                    ));
                }
                DefKind::Enum(values) => {
                    if let Some(e) = self.enum_def(def, values) {
                        enums.push(e);
                    }
                }
            }
        }
        let models = self
            .dependency_order(&def_models)
            .into_iter()
            .map(|index| def_models[index].1.clone())
            .collect();
        (models, enums)
    }

    /// Collect `definitions` entries that declare `fields` (models) or `enum`/`values` (enums),
    /// hoisting nested `definitions` maps into one namespace.
    pub(super) fn definitions<'n>(&mut self, root: &'n Node) -> Vec<Definition<'n>> {
        let mut out = Vec::new();
        if let Some(defs) = root.get("definitions") {
            self.collect_definitions(defs, &mut out, 0);
        }
        let mut seen: HashMap<String, Position> = HashMap::new();
        let mut unique = Vec::new();
        for def in out {
            if seen.contains_key(&def.class_name) {
                self.error(
                    def.pos,
                    format!(
                        "definition '{}' is declared twice (as {})",
                        def.key, def.class_name
                    ),
                    None,
                );
            } else {
                seen.insert(def.class_name.clone(), def.pos);
                unique.push(def);
            }
        }
        unique
    }

    pub(super) fn collect_definitions<'n>(
        &mut self,
        defs: &'n Node,
        out: &mut Vec<Definition<'n>>,
        depth: usize,
    ) {
        let Some(entries) = defs.as_map() else {
            if depth == 0 {
                self.error(
                    defs.pos,
                    format!("'definitions' must be a mapping, found {}", defs.kind()),
                    None,
                );
            }
            return;
        };
        for (key, spec) in entries {
            let Some(key_text) = key.as_str() else {
                continue;
            };
            if spec.as_map().is_none() {
                continue;
            }
            self.check_typos(
                spec,
                DEFINITION_KEYS,
                &format!(" in definition '{key_text}'"),
            );
            if let Some(nested) = spec.get("definitions")
                && depth < 16
            {
                self.collect_definitions(nested, out, depth + 1);
            }
            let description = spec
                .get("description")
                .and_then(Node::as_str)
                .map(fold)
                .unwrap_or_default();
            let is_enum = spec.get("enum").is_some()
                || (spec.get("values").is_some() && spec.get("fields").is_none());
            let kind = if let Some(fields) = spec.get("fields") {
                DefKind::Model(fields)
            } else if is_enum {
                DefKind::Enum(
                    spec.get("enum")
                        .or_else(|| spec.get("values"))
                        .unwrap_or(spec),
                )
            } else {
                // JSON-schema style definitions (`type: object`, `properties`) are kept, not rendered.
                continue;
            };
            let prefix = match kind {
                DefKind::Model(_) => "Model",
                DefKind::Enum(_) => "Enum",
            };
            let class_name = prefixed_class(prefix, key_text);
            if !is_identifier(&class_name) {
                self.error(
                    key.pos,
                    format!("definition name '{key_text}' cannot become a Python class name"),
                    None,
                );
                continue;
            }
            if let Some(message) = crate::contract::naming::too_long("definition name", key_text) {
                self.error(key.pos, message, Some("use a shorter name".to_owned()));
                continue;
            }
            let module = module_stem(&prefix.to_ascii_lowercase(), &class_name);
            out.push(Definition {
                key: key_text.to_owned(),
                class_name,
                module,
                description,
                kind,
                pos: key.pos,
            });
        }
    }

    pub(super) fn enum_def(&mut self, def: &Definition<'_>, values: &Node) -> Option<EnumDef> {
        let Some(items) = values.as_seq() else {
            self.error(
                values.pos,
                format!(
                    "enum '{}' values must be a list, found {}",
                    def.key,
                    values.kind()
                ),
                None,
            );
            return None;
        };
        if items.is_empty() {
            self.error(
                values.pos,
                format!("enum '{}' has no values", def.key),
                None,
            );
            return None;
        }
        let mut members: Vec<EnumMember> = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let value = match &item.value {
                Value::Str(s) => s.clone(),
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => scalar_text(item),
                _ => {
                    self.error(
                        item.pos,
                        format!("enum values must be scalars, found {}", item.kind()),
                        None,
                    );
                    continue;
                }
            };
            let name = enum_member_name(&value, i);
            if taken.contains(&name) || !taken.insert(format!("={value}")) {
                self.error(
                    item.pos,
                    format!(
                        "enum value '{value}' repeats or collides with another member ({name})"
                    ),
                    None,
                );
                continue;
            }
            taken.insert(name.clone());
            members.push(EnumMember { name, value });
        }
        Some(EnumDef {
            class_name: def.class_name.clone(),
            module: def.module.clone(),
            description: def.description.clone(),
            members,
        })
    }

    /// Models referencing each other in an order where every model comes after
    /// those it uses; cycles are errors.
    pub(super) fn dependency_order(&mut self, models: &[(Position, ModelDef)]) -> Vec<usize> {
        let index: HashMap<&str, usize> = models
            .iter()
            .enumerate()
            .map(|(i, (_, m))| (m.class_name.as_str(), i))
            .collect();
        let deps: Vec<Vec<usize>> = models
            .iter()
            .map(|(_, m)| {
                model_refs(m)
                    .iter()
                    .filter_map(|r| index.get(r.as_str()).copied())
                    .collect()
            })
            .collect();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut state = vec![0u8; models.len()];
        let mut order = Vec::new();
        let mut reported = HashSet::new();
        for start in 0..models.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = deps[node].get(*next) {
                    *next += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 if reported.insert(dep) => {
                            let cycle: Vec<&str> = stack
                                .iter()
                                .skip_while(|(n, _)| *n != dep)
                                .map(|(n, _)| models[*n].1.class_name.as_str())
                                .chain(std::iter::once(models[dep].1.class_name.as_str()))
                                .collect();
                            let pos = models[dep].0;
                            self.error(
                                pos,
                                format!("definitions form a cycle: {}", cycle.join(" -> ")),
                                Some("break the cycle; a model cannot contain itself".to_owned()),
                            );
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        order
    }

    pub(super) fn check_class_collisions(
        &mut self,
        models: &[ModelDef],
        enums: &[EnumDef],
        pos: Position,
    ) {
        let mut seen = HashSet::new();
        let stems = models
            .iter()
            .map(|m| (&m.class_name, &m.module))
            .chain(enums.iter().map(|e| (&e.class_name, &e.module)));
        for (class, module) in stems {
            if !seen.insert(module.clone()) {
                self.error(
                    pos,
                    format!("two owned classes would share the module '{module}' ({class})"),
                    None,
                );
            }
        }
    }

    /// Whether a class a model key names can be a Python class with a module
    /// of its own; a located error when not.
    pub(super) fn class_name_ok(&mut self, class_name: &str, key: &str, pos: Position) -> bool {
        if !is_identifier(class_name) || crate::contract::naming::is_keyword(class_name) {
            self.error(
                pos,
                format!("'{class_name}' in '{key}' is not a valid Python class name"),
                None,
            );
            return false;
        }
        if let Some(message) =
            crate::contract::naming::too_long(&format!("the class in '{key}'"), class_name)
        {
            self.error(pos, message, Some("use a shorter class name".to_owned()));
            return false;
        }
        true
    }
}

/// What a definitions entry declares.
pub(super) enum DefKind<'n> {
    Model(&'n Node),
    Enum(&'n Node),
}

pub(super) struct Definition<'n> {
    pub(super) key: String,
    pub(super) class_name: String,
    pub(super) module: String,
    pub(super) description: String,
    pub(super) kind: DefKind<'n>,
    pub(super) pos: Position,
}

/// Names of models a model's fields refer to.
pub(super) fn model_refs(model: &ModelDef) -> Vec<String> {
    fn walk(ty: &FieldType, out: &mut Vec<String>) {
        match ty {
            FieldType::Model(name) => out.push(name.clone()),
            FieldType::List(inner) | FieldType::Dict(inner) | FieldType::Optional(inner) => {
                walk(inner, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for field in &model.fields {
        walk(&field.ty, &mut out);
    }
    out
}
