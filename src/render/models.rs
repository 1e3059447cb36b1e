//! Stage 2: a model or enum module per owned definition, each field written as
//! pydantic reads it (type, alias, default, constraints).

use super::samples::Py;
use super::{GeneratedFile, Ownership, RenderError, Renderer, Uses, describe, pysrc};
use crate::contract::model::{Contract, EnumDef, FieldDef, FieldType, ModelDef};
use std::collections::BTreeSet;
use tera::Context;

impl Renderer {
    /// Stage 2: one file per owned model and enum.
    pub fn render_models(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let mut files = Vec::new();
        for e in &c.enums {
            let ctx = self.enum_context(c, e);
            let path = format!("models/{}.py", e.module);
            files.push(self.file(c, "enum.py.tera", &ctx, path, Ownership::Generated)?);
        }
        for m in &c.models {
            let ctx = self.model_context(c, m)?;
            let path = format!("models/{}.py", m.module);
            // A model whose fields the contract does not declare is the
            // user's to fill in: written once, like a handler scaffold.
            let ownership = if m.declared {
                Ownership::Generated
            } else {
                Ownership::Scaffold
            };
            files.push(self.file(c, "model.py.tera", &ctx, path, ownership)?);
        }
        Ok(files)
    }

    pub(super) fn enum_context(&self, c: &Contract, e: &EnumDef) -> Context {
        let mut ctx = self.base(c, false);
        let summary = describe(&e.description, &format!("Values of `{}`.", e.class_name));
        ctx.insert(
            "module_doc",
            &pysrc::docstring(&format!("The `{}` enum.", e.class_name), &[], 0),
        );
        ctx.insert("enum_name", &e.class_name);
        ctx.insert("class_doc", &pysrc::docstring(&summary, &[], 1));
        let members: Vec<String> = e
            .members
            .iter()
            .map(|m| format!("{} = {}", m.name, pysrc::string(&m.value)))
            .collect();
        ctx.insert("members", &members);
        ctx
    }

    pub(super) fn model_context(&self, c: &Contract, m: &ModelDef) -> Result<Context, RenderError> {
        let mut ctx = self.base(c, !m.declared);
        let mut uses = Uses {
            // A field named `date` or `datetime` shadows the type in the class
            // body, which pydantic cannot evaluate: qualify through the module.
            qualified_dates: m
                .fields
                .iter()
                .any(|f| f.name == "date" || f.name == "datetime"),
            ..Uses::default()
        };
        let dates = if uses.qualified_dates { "dt." } else { "" };
        let declared = python_fields(c, m, uses.qualified_dates);
        let mut fields = Vec::new();
        let mut uses_field = false;
        for f in &declared {
            let (line, with_field) = field_line(c, f, &mut uses, dates)?;
            uses_field |= with_field;
            fields.push(line);
        }
        let mut config = vec!["frozen=True".to_owned(), "extra=\"forbid\"".to_owned()];
        if declared.iter().any(|f| f.alias.is_some()) {
            config.push("populate_by_name=True".into());
        }
        if m.fields
            .iter()
            .any(|f| f.default.as_ref().is_some_and(|d| !d.is_null()))
        {
            config.push("validate_default=True".into());
        }
        let mut pydantic = vec!["BaseModel".to_owned(), "ConfigDict".to_owned()];
        if uses_field {
            pydantic.push("Field".into());
        }
        let self_referencing = m
            .fields
            .iter()
            .any(|f| referenced(&f.ty).contains(&m.class_name));
        let mut groups = Vec::new();
        if self_referencing {
            // The class names itself before it exists; pydantic resolves the
            // postponed annotation once the class is built.
            groups.push("from __future__ import annotations".to_owned());
        }
        groups.push(uses.stdlib().join("\n"));
        groups.push(pysrc::from_import("pydantic", &pydantic, 0));
        groups.push(uses.local(c, Some(&m.class_name), ".")?.join("\n"));
        groups.retain(|g| !g.is_empty());
        let imports = groups;
        let summary = describe(&m.description, &format!("The `{}` model.", m.class_name));
        ctx.insert(
            "module_doc",
            &pysrc::docstring(&format!("The `{}` model.", m.class_name), &[], 0),
        );
        ctx.insert("model_name", &m.class_name);
        let note = if m.declared {
            Vec::new()
        } else {
            vec![pysrc::wrap(
                "The contract declares no fields for this model, so its shape is unknown here: declare them below. This file is yours; codegen writes it only when it is missing.",
                pysrc::LINE_LENGTH - 8,
            )
            .join("\n")]
        };
        ctx.insert("class_doc", &pysrc::docstring(&summary, &note, 1));
        ctx.insert("imports", &imports.join("\n\n"));
        ctx.insert(
            "config",
            &pysrc::call("model_config = ConfigDict(", &config, ")", 1),
        );
        ctx.insert("fields", &fields);
        Ok(ctx)
    }
}

/// One `name: T = Field(...)` declaration inside a model class, and whether
/// it calls `Field`.
pub(super) fn field_line(
    c: &Contract,
    f: &FieldDef,
    uses: &mut Uses,
    dates: &str,
) -> Result<(String, bool), RenderError> {
    uses.note(&f.ty);
    for name in referenced(&f.ty) {
        let known = c.owns_class(&name);
        if !known {
            return Err(RenderError::Undefined {
                node: c.name.clone(),
                what: "model or enum",
                name,
            });
        }
    }
    let mut ty = f.ty.clone();
    let no_value = f.default.as_ref().is_none_or(serde_json::Value::is_null);
    if !f.required && no_value && !matches!(ty, FieldType::Optional(_)) {
        ty = FieldType::Optional(Box::new(ty));
    }
    let mut args = Vec::new();
    match &f.default {
        Some(serde_json::Value::Array(items)) if items.is_empty() => {
            args.push("default_factory=list".to_owned());
        }
        // An empty mapping for a model field is the model with its defaults.
        Some(serde_json::Value::Object(map)) if map.is_empty() => match strip_optional(&f.ty) {
            FieldType::Model(name) => args.push(format!("default_factory={name}")),
            _ => args.push("default_factory=dict".to_owned()),
        },
        // A container on one line when the argument fits there, else one
        // item per line with trailing commas, as ruff formats it.
        Some(v @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
            let value = typed_default(c, &f.ty, v, dates, uses);
            let one = format!("default_factory=lambda: {}", value.inline());
            // At two indents, with its comma.
            if pysrc::width(&one) + 9 <= pysrc::LINE_LENGTH {
                args.push(one);
            } else {
                args.push(format!("default_factory=lambda: {}", value.render(2)));
            }
        }
        Some(v) => {
            let value = typed_default(c, &f.ty, v, dates, uses).inline();
            args.push(format!("default={value}"));
        }
        None if !f.required => args.push("default=None".to_owned()),
        None => {}
    }
    if let Some(alias) = &f.alias {
        args.push(format!("alias={}", pysrc::string(alias)));
    }
    if let Some(d) = f.description.as_deref().filter(|d| !d.trim().is_empty()) {
        args.push(format!("description={}", pysrc::string(d)));
    }
    let k = &f.constraints;
    let is_float = matches!(strip_optional(&f.ty), FieldType::Float | FieldType::Decimal);
    for (key, v) in [("min_length", k.min_length), ("max_length", k.max_length)] {
        if let Some(v) = v {
            args.push(format!("{key}={v}"));
        }
    }
    for (key, v) in [("ge", k.ge), ("gt", k.gt), ("le", k.le), ("lt", k.lt)] {
        if let Some(v) = v {
            args.push(format!("{key}={}", pysrc::number(v, is_float)));
        }
    }
    if let Some(p) = &k.pattern {
        args.push(format!("pattern={}", pysrc::string(p)));
    }
    let declared = format!("{}: {}", f.name, pysrc::annotation_in(&ty, dates));
    let head = if args.is_empty() {
        format!("    {declared}")
    } else {
        format!("    {declared} = Field(")
    };
    if pysrc::width(&head) <= pysrc::LINE_LENGTH {
        if args.is_empty() {
            return Ok((head, false));
        }
        let line = pysrc::call(&format!("{declared} = Field("), &args, ")", 1);
        return Ok((line, true));
    }
    let exploded = format!(
        "    {}: {}",
        f.name,
        pysrc::annotation_exploded(&ty, 1, dates)
    );
    if args.is_empty() {
        return Ok((exploded, false));
    }
    let (body, last) = exploded
        .rsplit_once('\n')
        .unwrap_or(("", exploded.as_str()));
    let tail = pysrc::call(&format!("{} = Field(", last.trim_start()), &args, ")", 1);
    let line = if body.is_empty() {
        tail
    } else {
        format!("{body}\n{tail}")
    };
    Ok((line, true))
}

/// Names the class body of a rendered model evaluates: annotation builtins,
/// the imported names, and what `BaseModel` already defines. A field with one
/// of these names would shadow it for the fields after it (or clash with
/// pydantic), so it gets a trailing underscore and keeps its name as alias.
pub(super) const MODEL_BODY_NAMES: &[&str] = &[
    "Any",
    "BaseModel",
    "ConfigDict",
    "Decimal",
    "Field",
    "Literal",
    "UUID",
    "bool",
    "bytes",
    "construct",
    "copy",
    "dict",
    "float",
    "from_orm",
    "int",
    "json",
    "list",
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "str",
    "update_forward_refs",
    "validate",
];

/// The model's fields with Python names that shadow nothing the class body
/// needs (see [`MODEL_BODY_NAMES`]; also `dt` when dates are qualified through
/// it, and the owned class names).
pub(super) fn python_fields(c: &Contract, m: &ModelDef, qualified_dates: bool) -> Vec<FieldDef> {
    let shadows = |name: &str| {
        MODEL_BODY_NAMES.contains(&name) || (qualified_dates && name == "dt") || c.owns_class(name)
    };
    let mut taken: BTreeSet<String> = m.fields.iter().map(|f| f.name.clone()).collect();
    m.fields
        .iter()
        .map(|f| {
            if !shadows(&f.name) {
                return f.clone();
            }
            let mut name = format!("{}_", f.name);
            while taken.contains(&name) || shadows(&name) {
                name.push('_');
            }
            taken.insert(name.clone());
            FieldDef {
                name,
                alias: Some(f.alias.clone().unwrap_or_else(|| f.name.clone())),
                ..f.clone()
            }
        })
        .collect()
}

/// A contract value written as a Python value of the field's type, so a type
/// checker sees what pydantic will hold: `Decimal(0)` and `Decimal("1.5")`,
/// `UUID("...")`, an enum's member, `date.fromisoformat(...)`, a datetime from
/// its ISO text or (as pydantic reads a number) from Unix seconds, or
/// milliseconds past 2e10, bytes as a literal, a model from its mapping
/// through `model_validate`; lists and mappings element by element. The
/// loader has already checked that each value fits its type.
pub(super) fn typed_default(
    c: &Contract,
    ty: &FieldType,
    v: &serde_json::Value,
    dates: &str,
    uses: &mut Uses,
) -> Py {
    use serde_json::Value as J;
    let atom = |text: String| Py::Atom(text);
    match (strip_optional(ty), v) {
        (_, J::Null) => atom("None".to_owned()),
        // An integer as ruff writes it (FURB157); any other text stays a
        // string, which `Decimal` reads exactly (a float would not be).
        (FieldType::Decimal, J::String(_) | J::Number(_)) => {
            let t = match v {
                J::String(s) => s.trim().to_owned(),
                other => other.to_string(),
            };
            atom(match t.parse::<i128>() {
                Ok(i) => format!("Decimal({i})"),
                Err(_) => format!("Decimal({})", pysrc::string(&t)),
            })
        }
        (FieldType::Uuid, J::String(t)) => atom(format!("UUID({})", pysrc::string(t))),
        (FieldType::Enum(name), J::String(t)) => atom(
            c.enum_def(name)
                .and_then(|e| e.members.iter().find(|m| &m.value == t))
                .map_or_else(|| pysrc::value(v), |m| format!("{name}.{}", m.name)),
        ),
        (FieldType::Date, J::String(t)) => {
            atom(format!("{dates}date.fromisoformat({})", pysrc::string(t)))
        }
        // `datetime.fromisoformat` reads every form the loader accepts but a
        // lower-case `z`, which means the same as `Z`.
        (FieldType::DateTime, J::String(t)) => {
            let t = t
                .strip_suffix('z')
                .map_or_else(|| t.clone(), |s| format!("{s}Z"));
            atom(format!(
                "{dates}datetime.fromisoformat({})",
                pysrc::string(&t)
            ))
        }
        (FieldType::DateTime, J::Number(n)) => {
            uses.datetime.insert("UTC");
            let magnitude = n.as_f64().unwrap_or(0.0).abs();
            let seconds = if magnitude > 2e10 {
                format!("{} / 1000", pysrc::value(v))
            } else {
                pysrc::value(v)
            };
            atom(format!(
                "{dates}datetime.fromtimestamp({seconds}, tz={dates}UTC)"
            ))
        }
        (FieldType::Bytes, J::String(t)) if t.is_ascii() => atom(format!("b{}", pysrc::string(t))),
        (FieldType::Bytes, J::String(t)) => atom(format!("{}.encode()", pysrc::string(t))),
        (FieldType::List(inner), J::Array(items)) => Py::List(
            items
                .iter()
                .map(|i| typed_default(c, inner, i, dates, uses))
                .collect(),
        ),
        (FieldType::Dict(inner), J::Object(map)) => Py::Dict(
            map.iter()
                .map(|(k, i)| (k.clone(), typed_default(c, inner, i, dates, uses)))
                .collect(),
        ),
        (FieldType::Model(name), J::Object(_)) => {
            atom(format!("{name}.model_validate({})", pysrc::value(v)))
        }
        (_, J::Array(items)) => Py::List(
            items
                .iter()
                .map(|i| typed_default(c, &FieldType::Any, i, dates, uses))
                .collect(),
        ),
        (_, J::Object(map)) => Py::Dict(
            map.iter()
                .map(|(k, i)| (k.clone(), typed_default(c, &FieldType::Any, i, dates, uses)))
                .collect(),
        ),
        _ => atom(pysrc::value(v)),
    }
}

pub(super) fn strip_optional(ty: &FieldType) -> &FieldType {
    match ty {
        FieldType::Optional(inner) => strip_optional(inner),
        other => other,
    }
}

pub(super) fn referenced(ty: &FieldType) -> Vec<String> {
    match ty {
        FieldType::Model(n) | FieldType::Enum(n) => vec![n.clone()],
        FieldType::List(i) | FieldType::Dict(i) | FieldType::Optional(i) => referenced(i),
        _ => Vec::new(),
    }
}
