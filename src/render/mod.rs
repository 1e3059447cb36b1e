//! Rendering: turns one `Contract` into the files of its Python node package
//! (models, node shell, handler scaffolds, contract copy, tests) through the
//! templates; Python details are computed here and the templates lay them out.

pub mod python;
pub mod samples;

use std::collections::BTreeSet;
use std::path::PathBuf;

use heck::ToSnakeCase;
use serde::Serialize;
use tera::Context;

use crate::contract::model::{
    Contract, EnumDef, FieldDef, FieldType, HandlerDef, ModelDef, ModelLocation, ModelRef,
};
use crate::templates::{TemplateError, TemplateManager};

/// Who owns a file once it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// Ours: rewritten on every run.
    Generated,
    /// Written once, then the user's.
    Scaffold,
}

/// One rendered file of a node package.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// Relative to the package directory, e.g. `models/model_x.py`.
    pub path: PathBuf,
    pub contents: String,
    pub ownership: Ownership,
}

/// Why a contract could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("rendering {path} for node `{node}`: {source}")]
    Template {
        node: String,
        path: String,
        #[source]
        source: Box<TemplateError>,
    },
    #[error("node `{node}`: {what} `{name}` is referenced but the contract does not define it")]
    Undefined {
        node: String,
        what: &'static str,
        name: String,
    },
}

/// Renders contracts through one template manager.
#[derive(Debug)]
pub struct Renderer {
    templates: TemplateManager,
}

#[derive(Serialize)]
struct Header {
    source: String,
    name: String,
    class_name: String,
    scaffold: bool,
}

impl Renderer {
    pub fn new(templates: TemplateManager) -> Self {
        Renderer { templates }
    }

    pub fn templates(&self) -> &TemplateManager {
        &self.templates
    }

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
            files.push(self.file(c, "model.py.tera", &ctx, path, Ownership::Generated)?);
        }
        Ok(files)
    }

    /// Stage 3: package and sub-package `__init__.py`, `node.py`, handler
    /// scaffolds and the contract copy.
    pub fn render_node(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let gen_ = Ownership::Generated;
        let mut files = Vec::new();

        let mut ctx = self.base(c, false);
        ctx.insert(
            "module_doc",
            &python::docstring(&package_summary(c), &[], 0),
        );
        files.push(self.file(
            c,
            "package_init.py.tera",
            &ctx,
            "__init__.py".into(),
            gen_.clone(),
        )?);

        let mut ctx = self.base(c, false);
        let summary = if c.description.is_empty() {
            format!("The {} node `{}`.", c.node_type.lower(), c.name)
        } else {
            c.description.clone()
        };
        let mut extra = vec![format!(
            "A declarative {} node: its behaviour is driven by contract.yaml and the\nhandlers under handlers/.",
            c.node_type.generic()
        )];
        if !c.operations.is_empty() {
            extra.push(operation_list("Operations:", &c.operations));
        }
        ctx.insert(
            "module_doc",
            &python::docstring(&format!("Node shell for `{}`.", c.name), &[], 0),
        );
        ctx.insert("class_doc", &python::docstring(&summary, &extra, 1));
        ctx.insert("base_class", c.node_type.base_class());
        let node_template = format!("node_{}.py.tera", c.node_type.lower());
        files.push(self.file(c, &node_template, &ctx, "node.py".into(), gen_.clone())?);

        let mut exports: Vec<(String, String)> = c
            .enums
            .iter()
            .map(|e| (e.module.clone(), e.class_name.clone()))
            .collect();
        exports.extend(
            c.models
                .iter()
                .map(|m| (m.module.clone(), m.class_name.clone())),
        );
        let ctx = self.init_context(
            c,
            &format!("Models owned by the `{}` node package.", c.name),
            &exports,
        );
        files.push(self.file(
            c,
            "models_init.py.tera",
            &ctx,
            "models/__init__.py".into(),
            gen_.clone(),
        )?);

        let exports: Vec<(String, String)> = c
            .handlers
            .iter()
            .map(|h| (h.module.clone(), h.class_name.clone()))
            .collect();
        let ctx = self.init_context(
            c,
            &format!("Handlers of the `{}` node package.", c.name),
            &exports,
        );
        files.push(self.file(
            c,
            "handlers_init.py.tera",
            &ctx,
            "handlers/__init__.py".into(),
            gen_.clone(),
        )?);

        for h in &c.handlers {
            let ctx = self.handler_context(c, h)?;
            let path = format!("handlers/{}.py", h.module);
            files.push(self.file(c, "handler.py.tera", &ctx, path, Ownership::Scaffold)?);
        }

        let mut ctx = self.base(c, false);
        let mut body = c.contract_yaml.clone();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        ctx.insert("contract_yaml", &body);
        files.push(self.file(c, "contract.yaml.tera", &ctx, "contract.yaml".into(), gen_)?);
        Ok(files)
    }

    /// Stage 4: the pytest suite under `tests/`.
    pub fn render_tests(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let gen_ = Ownership::Generated;
        let mut files = Vec::new();
        let ctx = self.base(c, false);
        files.push(self.file(
            c,
            "tests_init.py.tera",
            &ctx,
            "tests/__init__.py".into(),
            gen_.clone(),
        )?);

        let mut ctx = self.base(c, false);
        ctx.insert(
            "contract_version",
            &format!(
                "{}.{}.{}",
                c.contract_version.major, c.contract_version.minor, c.contract_version.patch
            ),
        );
        let path = format!("tests/test_{}.py", c.name);
        files.push(self.file(c, "test_node.py.tera", &ctx, path, gen_.clone())?);

        if !c.models.is_empty() || !c.enums.is_empty() {
            let ctx = self.model_tests_context(c);
            let path = format!("tests/test_{}_models.py", c.name);
            files.push(self.file(c, "test_models.py.tera", &ctx, path, gen_.clone())?);
        }
        if !c.handlers.is_empty() {
            let ctx = self.handler_tests_context(c);
            let path = format!("tests/test_{}_handlers.py", c.name);
            files.push(self.file(c, "test_handlers.py.tera", &ctx, path, gen_)?);
        }
        Ok(files)
    }

    fn file(
        &self,
        c: &Contract,
        template: &str,
        ctx: &Context,
        path: String,
        ownership: Ownership,
    ) -> Result<GeneratedFile, RenderError> {
        let contents =
            self.templates
                .render(template, ctx)
                .map_err(|source| RenderError::Template {
                    node: c.name.clone(),
                    path: path.clone(),
                    source: Box::new(source),
                })?;
        Ok(GeneratedFile {
            path: PathBuf::from(path),
            contents,
            ownership,
        })
    }

    fn base(&self, c: &Contract, scaffold: bool) -> Context {
        let _ = self;
        let mut ctx = Context::new();
        ctx.insert(
            "header",
            &Header {
                source: python::comment_text(&c.source.display().to_string()),
                name: c.name.clone(),
                class_name: c.class_name.clone(),
                scaffold,
            },
        );
        ctx.insert("name", &c.name);
        ctx.insert("class_name", &c.class_name);
        ctx.insert("node_type", c.node_type.generic());
        ctx
    }

    fn init_context(&self, c: &Contract, summary: &str, exports: &[(String, String)]) -> Context {
        let mut ctx = self.base(c, false);
        ctx.insert("module_doc", &python::docstring(summary, &[], 0));
        let mut exports = exports.to_vec();
        exports.sort();
        let imports: Vec<String> = exports
            .iter()
            .map(|(module, class)| {
                python::from_import(&format!(".{module}"), std::slice::from_ref(class), 0)
            })
            .collect();
        let mut names: Vec<String> = exports.iter().map(|(_, class)| class.clone()).collect();
        names.sort();
        let names: Vec<String> = names.iter().map(|n| python::string(n)).collect();
        ctx.insert("imports", &imports);
        ctx.insert("all", &python::list_assign("__all__", &names));
        ctx
    }

    fn enum_context(&self, c: &Contract, e: &EnumDef) -> Context {
        let mut ctx = self.base(c, false);
        let summary = describe(&e.description, &format!("Values of `{}`.", e.class_name));
        ctx.insert(
            "module_doc",
            &python::docstring(&format!("The `{}` enum.", e.class_name), &[], 0),
        );
        ctx.insert("enum_name", &e.class_name);
        ctx.insert("class_doc", &python::docstring(&summary, &[], 1));
        let members: Vec<String> = e
            .members
            .iter()
            .map(|m| format!("{} = {}", m.name, python::string(&m.value)))
            .collect();
        ctx.insert("members", &members);
        ctx
    }

    fn model_context(&self, c: &Contract, m: &ModelDef) -> Result<Context, RenderError> {
        let mut ctx = self.base(c, false);
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
        let mut fields = Vec::new();
        for f in &m.fields {
            fields.push(field_line(c, f, &mut uses, dates)?);
        }
        let mut config = vec!["frozen=True".to_owned(), "extra=\"forbid\"".to_owned()];
        if m.fields.iter().any(|f| f.alias.is_some()) {
            config.push("populate_by_name=True".into());
        }
        if m.fields
            .iter()
            .any(|f| f.default.as_ref().is_some_and(|d| !d.is_null()))
        {
            config.push("validate_default=True".into());
        }
        let mut pydantic = vec!["BaseModel".to_owned(), "ConfigDict".to_owned()];
        if !m.fields.is_empty() {
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
        groups.push(python::from_import("pydantic", &pydantic, 0));
        groups.push(uses.local(c, Some(&m.class_name))?.join("\n"));
        groups.retain(|g| !g.is_empty());
        let imports = groups;
        let summary = describe(&m.description, &format!("The `{}` model.", m.class_name));
        ctx.insert(
            "module_doc",
            &python::docstring(&format!("The `{}` model.", m.class_name), &[], 0),
        );
        ctx.insert("model_name", &m.class_name);
        ctx.insert("class_doc", &python::docstring(&summary, &[], 1));
        ctx.insert("imports", &imports.join("\n\n"));
        ctx.insert(
            "config",
            &python::call("model_config = ConfigDict(", &config, ")", 1),
        );
        ctx.insert("fields", &fields);
        Ok(ctx)
    }

    fn handler_context(&self, c: &Contract, h: &HandlerDef) -> Result<Context, RenderError> {
        let mut ctx = self.base(c, true);
        let mut uses = Uses::default();
        let mut external = Vec::new();
        let request = model_ref_name(h.input.as_ref(), &mut uses, &mut external);
        let response = model_ref_name(h.output.as_ref(), &mut uses, &mut external);
        let mut imports = vec!["from __future__ import annotations".to_owned()];
        if !external.is_empty() {
            imports.push(String::new());
            imports.push("from typing import TYPE_CHECKING".into());
        }
        let local = uses.local(c, None)?;
        if !local.is_empty() {
            imports.push(String::new());
            imports.extend(
                local
                    .iter()
                    .map(|l| l.replacen("from .", "from ..models.", 1)),
            );
        }
        if !external.is_empty() {
            external.sort();
            external.dedup();
            imports.push(String::new());
            imports.push("if TYPE_CHECKING:".into());
            for (module, class) in &external {
                imports.push(python::from_import(module, std::slice::from_ref(class), 1));
            }
        }
        let ops = if h.operations.is_empty() {
            "No operations are routed to it yet.".to_owned()
        } else {
            operation_list("Routed operations:", &h.operations)
        };
        ctx.insert(
            "module_doc",
            &python::docstring(
                &format!("Handler `{}` of the `{}` node.", h.class_name, c.name),
                &["Generated once as a starting point; the logic belongs here.".to_owned()],
                0,
            ),
        );
        ctx.insert("imports", &imports.join("\n"));
        ctx.insert("handler_name", &h.class_name);
        ctx.insert(
            "class_doc",
            &python::docstring(
                &format!("Handles requests for the `{}` node.", c.name),
                &[ops],
                1,
            ),
        );
        ctx.insert(
            "signature",
            &python::call(
                "async def handle(",
                &["self".into(), format!("request: {request}")],
                &format!(") -> {response}:"),
                1,
            ),
        );
        ctx.insert(
            "method_doc",
            &python::docstring(
                &if h.input.is_none() && h.output.is_none() {
                    "Process one request and return the response.".to_owned()
                } else {
                    format!("Process one `{request}` and return a `{response}`.")
                },
                &[],
                2,
            ),
        );
        let message = format!(
            "{}.handle is a scaffold: implement it in handlers/{}.py",
            h.class_name, h.module
        );
        ctx.insert("message", &python::string(&message));
        Ok(ctx)
    }

    fn model_tests_context(&self, c: &Contract) -> Context {
        let mut ctx = self.base(c, false);
        let mut names: Vec<String> = c.enums.iter().map(|e| e.class_name.clone()).collect();
        names.extend(c.models.iter().map(|m| m.class_name.clone()));
        let mut models = Vec::new();
        for m in &c.models {
            let data = samples::model_data(c, m).map(|d| d.render(1));
            let mut unknown_key = "not_a_declared_field".to_owned();
            while m
                .fields
                .iter()
                .any(|f| f.name == unknown_key || f.alias.as_deref() == Some(unknown_key.as_str()))
            {
                unknown_key.push('_');
            }
            models.push(ModelCase {
                class_name: m.class_name.clone(),
                test_name: m.module.to_snake_case(),
                data,
                unknown_key,
            });
        }
        let enums: Vec<EnumCase> = c
            .enums
            .iter()
            .map(|e| {
                let values: Vec<String> =
                    e.members.iter().map(|m| python::string(&m.value)).collect();
                EnumCase {
                    class_name: e.class_name.clone(),
                    test_name: e.module.to_snake_case(),
                    values: python::call(
                        "assert [member.value for member in enum_type] == [",
                        &values,
                        "]",
                        1,
                    )
                    .trim_start()
                    .to_owned(),
                }
            })
            .collect();
        let pytest_needed = !models.is_empty();
        let names: Vec<String> = names.clone();
        ctx.insert("models", &models);
        ctx.insert("enums", &enums);
        ctx.insert("uses_pytest", &pytest_needed);
        ctx.insert("models_import", &python::from_import("..models", &names, 0));
        ctx
    }

    fn handler_tests_context(&self, c: &Contract) -> Context {
        let mut ctx = self.base(c, false);
        let mut cases = Vec::new();
        let mut model_imports = BTreeSet::new();
        for h in &c.handlers {
            let owned = h.input.as_ref().and_then(|r| match &r.location {
                ModelLocation::Package { .. } => {
                    c.models.iter().find(|m| m.class_name == r.class_name)
                }
                ModelLocation::External { .. } => None,
            });
            let data = owned.and_then(|m| samples::model_data(c, m).map(|d| d.render(1)));
            let request_class = owned
                .filter(|_| data.is_some())
                .map(|m| m.class_name.clone());
            if let Some(class) = &request_class {
                model_imports.insert(class.clone());
            }
            cases.push(HandlerCase {
                class_name: h.class_name.clone(),
                test_name: h.module.to_snake_case(),
                request_class,
                data,
            });
        }
        let handler_names: Vec<String> = c.handlers.iter().map(|h| h.class_name.clone()).collect();
        let model_imports: Vec<String> = model_imports.into_iter().collect();
        ctx.insert("handlers", &cases);
        ctx.insert("uses_asyncio", &cases.iter().any(|h| h.data.is_some()));
        ctx.insert("uses_inspect", &cases.iter().any(|h| h.data.is_none()));
        ctx.insert("uses_pytest", &cases.iter().any(|h| h.data.is_some()));
        ctx.insert(
            "handlers_import",
            &python::from_import("..handlers", &handler_names, 0),
        );
        ctx.insert(
            "models_import",
            &if model_imports.is_empty() {
                String::new()
            } else {
                python::from_import("..models", &model_imports, 0)
            },
        );
        ctx
    }
}

#[derive(Serialize)]
struct ModelCase {
    class_name: String,
    test_name: String,
    data: Option<String>,
    unknown_key: String,
}
#[derive(Serialize)]
struct EnumCase {
    class_name: String,
    test_name: String,
    values: String,
}

#[derive(Serialize)]
struct HandlerCase {
    class_name: String,
    test_name: String,
    request_class: Option<String>,
    data: Option<String>,
}

fn package_summary(c: &Contract) -> String {
    if c.description.is_empty() {
        format!("The `{}` ONEX node package.", c.name)
    } else {
        format!("The `{}` ONEX node package: {}", c.name, c.description)
    }
}

fn describe(description: &str, fallback: &str) -> String {
    if description.trim().is_empty() {
        fallback.to_owned()
    } else {
        description.to_owned()
    }
}

fn operation_list(title: &str, operations: &[String]) -> String {
    let mut out = title.to_owned();
    for op in operations {
        out.push_str("\n    - ``");
        out.push_str(op);
        out.push_str("``");
    }
    out
}

/// The class name for a handler's request or response; external models are
/// collected for a `TYPE_CHECKING` import.
fn model_ref_name(
    r: Option<&ModelRef>,
    uses: &mut Uses,
    external: &mut Vec<(String, String)>,
) -> String {
    match r {
        None => "object".into(),
        Some(r) => {
            match &r.location {
                ModelLocation::Package { .. } => {
                    uses.local.insert(r.class_name.clone());
                }
                ModelLocation::External { module } => {
                    external.push((module.clone(), r.class_name.clone()));
                }
            }
            r.class_name.clone()
        }
    }
}

/// What a module's annotations need imported.
#[derive(Default)]
struct Uses {
    datetime: BTreeSet<&'static str>,
    qualified_dates: bool,
    uuid: bool,
    decimal: bool,
    typing: BTreeSet<&'static str>,
    local: BTreeSet<String>,
}

impl Uses {
    fn note(&mut self, ty: &FieldType) {
        match ty {
            FieldType::DateTime => {
                self.datetime.insert("datetime");
            }
            FieldType::Date => {
                self.datetime.insert("date");
            }
            FieldType::Uuid => self.uuid = true,
            FieldType::Decimal => self.decimal = true,
            FieldType::Any => {
                self.typing.insert("Any");
            }
            FieldType::Literal(_) => {
                self.typing.insert("Literal");
            }
            FieldType::List(inner) | FieldType::Dict(inner) | FieldType::Optional(inner) => {
                self.note(inner);
            }
            FieldType::Model(name) | FieldType::Enum(name) => {
                self.local.insert(name.clone());
            }
            FieldType::Str
            | FieldType::Int
            | FieldType::Float
            | FieldType::Bool
            | FieldType::Bytes => {}
        }
    }

    fn stdlib(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.datetime.is_empty() && self.qualified_dates {
            lines.push("import datetime as dt".into());
        } else if !self.datetime.is_empty() {
            let names: Vec<String> = self.datetime.iter().map(|s| (*s).to_owned()).collect();
            lines.push(python::from_import("datetime", &names, 0));
        }
        if self.decimal {
            lines.push("from decimal import Decimal".into());
        }
        if !self.typing.is_empty() {
            let names: Vec<String> = self.typing.iter().map(|s| (*s).to_owned()).collect();
            lines.push(python::from_import("typing", &names, 0));
        }
        if self.uuid {
            lines.push("from uuid import UUID".into());
        }
        lines
    }

    /// Relative imports (`from .model_x import ModelX`) for owned classes, in
    /// module order; `this` (the model being rendered) needs none.
    fn local(&self, c: &Contract, this: Option<&str>) -> Result<Vec<String>, RenderError> {
        let mut found = Vec::new();
        for name in &self.local {
            if Some(name.as_str()) == this {
                continue;
            }
            let module = c
                .models
                .iter()
                .find(|m| &m.class_name == name)
                .map(|m| &m.module)
                .or_else(|| {
                    c.enums
                        .iter()
                        .find(|e| &e.class_name == name)
                        .map(|e| &e.module)
                })
                .ok_or_else(|| RenderError::Undefined {
                    node: c.name.clone(),
                    what: "model or enum",
                    name: name.clone(),
                })?;
            found.push((module.clone(), name.clone()));
        }
        found.sort();
        Ok(found
            .into_iter()
            .map(|(module, name)| python::from_import(&format!(".{module}"), &[name], 0))
            .collect())
    }
}

/// One `name: T = Field(...)` declaration inside a model class.
fn field_line(
    c: &Contract,
    f: &FieldDef,
    uses: &mut Uses,
    dates: &str,
) -> Result<String, RenderError> {
    uses.note(&f.ty);
    for name in referenced(&f.ty) {
        let known = c.models.iter().any(|m| m.class_name == name)
            || c.enums.iter().any(|e| e.class_name == name);
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
        Some(serde_json::Value::Object(map)) if map.is_empty() => {
            args.push("default_factory=dict".to_owned());
        }
        Some(v @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
            args.push(format!("default_factory=lambda: {}", python::value(v)));
        }
        Some(v) => args.push(format!("default={}", python::value(v))),
        None if !f.required => args.push("default=None".to_owned()),
        None => {}
    }
    if let Some(alias) = &f.alias {
        args.push(format!("alias={}", python::string(alias)));
    }
    if let Some(d) = f.description.as_deref().filter(|d| !d.trim().is_empty()) {
        args.push(format!("description={}", python::string(d)));
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
            args.push(format!("{key}={}", python::number(v, is_float)));
        }
    }
    if let Some(p) = &k.pattern {
        args.push(format!("pattern={}", python::string(p)));
    }
    let declared = format!("{}: {}", f.name, python::annotation_in(&ty, dates));
    let head = if args.is_empty() {
        format!("    {declared}")
    } else {
        format!("    {declared} = Field(")
    };
    if python::width(&head) <= python::LINE_LENGTH {
        if args.is_empty() {
            return Ok(head);
        }
        return Ok(python::call(&format!("{declared} = Field("), &args, ")", 1));
    }
    let exploded = format!(
        "    {}: {}",
        f.name,
        python::annotation_exploded(&ty, 1, dates)
    );
    if args.is_empty() {
        return Ok(exploded);
    }
    let (body, last) = exploded
        .rsplit_once('\n')
        .unwrap_or(("", exploded.as_str()));
    let tail = python::call(&format!("{} = Field(", last.trim_start()), &args, ")", 1);
    Ok(if body.is_empty() {
        tail
    } else {
        format!("{body}\n{tail}")
    })
}

fn strip_optional(ty: &FieldType) -> &FieldType {
    match ty {
        FieldType::Optional(inner) => strip_optional(inner),
        other => other,
    }
}

fn referenced(ty: &FieldType) -> Vec<String> {
    match ty {
        FieldType::Model(n) | FieldType::Enum(n) => vec![n.clone()],
        FieldType::List(i) | FieldType::Dict(i) | FieldType::Optional(i) => referenced(i),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
