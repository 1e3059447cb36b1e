//! Rendering: turns one `Contract` into the files of its Python node package
//! (models, node shell, handler scaffolds, contract copy, tests) through the
//! templates; Python details are computed here and the templates lay them out.

pub mod pysrc;
pub mod samples;
pub mod templates;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use heck::ToSnakeCase;
use serde::Serialize;
use tera::Context;

use crate::contract::model::{
    BoundHandler, Contract, EnumDef, FieldDef, FieldType, HandlerDef, HandlerKind, ModelDef,
    ModelLocation, ModelRef, NodeType,
};
use crate::contract::{ADAPTER_CLASS, ADAPTER_MODULE, DISPATCH_MODULE};
use crate::diagnostics::Diagnostic;
use crate::render::templates::{TemplateError, TemplateManager};
use samples::Py;

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
    /// The user's template for this file failed to render, so the built-in
    /// one rendered it: why, as a warning on the template file at fault.
    pub fallback: Option<Box<Diagnostic>>,
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

    /// Stage 3: package and sub-package `__init__.py`, `node.py`, handler
    /// scaffolds and the contract copy.
    pub fn render_node(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let gen_ = Ownership::Generated;
        let mut files = Vec::new();

        let mut ctx = self.base(c, false);
        ctx.insert("module_doc", &pysrc::docstring(&package_summary(c), &[], 0));
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
            &pysrc::docstring(&format!("Node shell for `{}`.", c.name), &[], 0),
        );
        ctx.insert("class_doc", &pysrc::docstring(&summary, &extra, 1));
        let (base, imports) = node_base(c)?;
        let head = format!("class {}({base}):", c.class_name);
        let head = if head.chars().count() > pysrc::LINE_LENGTH {
            format!("class {}(\n    {base}\n):", c.class_name)
        } else {
            head
        };
        ctx.insert("base_class", &base);
        ctx.insert("class_head", &head);
        ctx.insert("imports", &imports);
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

        files.extend(self.render_scaffold_bytes(c)?);
        files.extend(self.render_binding(c)?);
        files.extend(self.render_registry(c)?);

        let mut ctx = self.base(c, false);
        let mut body = c.contract_yaml.clone();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        ctx.insert("contract_yaml", &body);
        files.push(self.file(c, "contract.yaml.tera", &ctx, "contract.yaml".into(), gen_)?);
        Ok(files)
    }

    /// What the framework calls to reach the handlers: `dispatch.py` for
    /// compute and effect nodes, `default_handler.py` when the default
    /// handler is a function.
    fn render_binding(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let mut files = Vec::new();
        if c.binding.dispatch {
            let ctx = self.dispatch_context(c);
            files.push(self.file(
                c,
                "dispatch.py.tera",
                &ctx,
                format!("{DISPATCH_MODULE}.py"),
                Ownership::Generated,
            )?);
        }
        if c.binding.adapter
            && let Some(default) = &c.binding.default
        {
            let ctx = self.adapter_context(c, default);
            files.push(self.file(
                c,
                "default_handler.py.tera",
                &ctx,
                format!("{ADAPTER_MODULE}.py"),
                Ownership::Generated,
            )?);
        }
        Ok(files)
    }

    /// The handler scaffolds alone (`handlers/handler_x.py`, one per module,
    /// holding every handler class routed to that module), exactly as
    /// [`Renderer::render_node`] renders them; the caller compares them with
    /// the files on disk to build [`TestOptions`].
    pub fn render_scaffold_bytes(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let mut files = Vec::new();
        for (module, handlers) in handler_modules(c) {
            let ctx = self.handler_context(c, &handlers)?;
            let path = format!("handlers/{module}.py");
            files.push(self.file(c, "handler.py.tera", &ctx, path, Ownership::Scaffold)?);
        }
        Ok(files)
    }

    /// Stage 4: the pytest suite under `tests/`. Each handler test decides
    /// at run time: it skips while the handler is still the scaffold and
    /// checks the answer once it is implemented, so implementing a handler
    /// needs no regeneration.
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
        let _span = crate::profile::span_of("render", || template.to_owned());
        let mut fallback = None;
        let mut contents = match self.templates.render(template, ctx) {
            Ok(contents) => contents,
            Err(source) => {
                let dir = self.templates.override_dir();
                match (dir, self.templates.render_builtin(template, ctx)) {
                    (Some(dir), Some(builtin)) => {
                        let mut warning = source.diagnostic(dir);
                        warning.severity = crate::diagnostics::Severity::Warning;
                        warning.message = format!(
                            "{}; {path} was rendered with the built-in `{template}` instead",
                            warning.message
                        );
                        warning.help = Some(
                            "fix the template (`codegen templates list --templates DIR` shows \
                             which ones are yours); with --strict this is an error"
                                .to_owned(),
                        );
                        fallback = Some(Box::new(warning));
                        builtin
                    }
                    _ => {
                        return Err(RenderError::Template {
                            node: c.name.clone(),
                            path: path.clone(),
                            source: Box::new(source),
                        });
                    }
                }
            }
        };
        // Every file of every package is held until the package stage: keep
        // only its bytes, not the spare room the renderer grew into.
        contents.shrink_to_fit();
        Ok(GeneratedFile {
            path: PathBuf::from(path),
            contents,
            ownership,
            fallback,
        })
    }

    fn base(&self, c: &Contract, scaffold: bool) -> Context {
        let _ = self;
        let mut ctx = Context::new();
        ctx.insert(
            "header",
            &Header {
                source: pysrc::comment_text(&c.source.display().to_string()),
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
        ctx.insert("module_doc", &pysrc::docstring(summary, &[], 0));
        let mut by_module: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (module, class) in exports {
            by_module.entry(module).or_default().push(class.clone());
        }
        let imports: Vec<String> = by_module
            .iter()
            .map(|(module, classes)| pysrc::from_import(&format!(".{module}"), classes, 0))
            .collect();
        let mut names: Vec<String> = exports.iter().map(|(_, class)| class.clone()).collect();
        names.sort();
        let names: Vec<String> = names.iter().map(|n| pysrc::string(n)).collect();
        ctx.insert("imports", &imports);
        ctx.insert("all", &pysrc::list_assign("__all__", &names));
        ctx
    }

    fn enum_context(&self, c: &Contract, e: &EnumDef) -> Context {
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

    fn model_context(&self, c: &Contract, m: &ModelDef) -> Result<Context, RenderError> {
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

    fn handler_context(
        &self,
        c: &Contract,
        handlers: &[&HandlerDef],
    ) -> Result<Context, RenderError> {
        let mut ctx = self.base(c, true);
        let mut uses = Uses::default();
        let mut external = Vec::new();
        let mut classes = Vec::new();
        for h in handlers {
            let request = model_ref_name(h.input.as_ref(), &mut uses, &mut external);
            let response = model_ref_name(h.output.as_ref(), &mut uses, &mut external);
            classes.push(self.handler_class(c, h, &request, &response));
        }
        let mut imports = vec!["from __future__ import annotations".to_owned()];
        if !external.is_empty() {
            let mut names = vec!["TYPE_CHECKING".to_owned()];
            if uses.typing.contains("Any") {
                names.push("Any".to_owned());
            }
            imports.push(String::new());
            imports.push(pysrc::from_import("typing", &names, 0));
        }
        if handlers.iter().any(|h| h.kind == HandlerKind::Class) {
            imports.push(String::new());
            imports
                .push("from omnibase_core.enums.enum_handler_role import EnumHandlerRole".into());
            imports.push(
                "from omnibase_core.enums.enum_handler_type_category import EnumHandlerTypeCategory"
                    .into(),
            );
        }
        let local = uses.local(c, None, "..models.")?;
        if !local.is_empty() {
            imports.push(String::new());
            imports.extend(local);
        }
        if !external.is_empty() {
            let mut by_module: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (module, class) in external {
                by_module.entry(module).or_default().push(class);
            }
            imports.push(String::new());
            imports.push("if TYPE_CHECKING:".into());
            for (module, classes) in &by_module {
                imports.push(pysrc::from_import(module, classes, 1));
            }
        }
        let names: Vec<String> = handlers.iter().map(|h| h.class_name.clone()).collect();
        let summary = if let [h] = handlers {
            format!("Handler `{}` of the `{}` node.", h.class_name, c.name)
        } else {
            let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("Handlers {} of the `{}` node.", listed.join(", "), c.name)
        };
        ctx.insert(
            "module_doc",
            &pysrc::docstring(
                &summary,
                &["Generated once as a starting point; the logic belongs here.".to_owned()],
                0,
            ),
        );
        ctx.insert("imports", &imports.join("\n"));
        ctx.insert("handlers", &classes);
        let mut quoted: Vec<String> = names.iter().map(|n| pysrc::string(n)).collect();
        quoted.sort();
        quoted.dedup();
        ctx.insert("all", &pysrc::list_assign("__all__", &quoted));
        Ok(ctx)
    }

    fn handler_class(
        &self,
        c: &Contract,
        h: &HandlerDef,
        request: &str,
        response: &str,
    ) -> HandlerClass {
        let _ = self;
        let ops = if h.operations.is_empty() {
            "No operations are routed to it yet.".to_owned()
        } else {
            operation_list("Routed operations:", &h.operations)
        };
        let method_doc = if h.input.is_none() && h.output.is_none() {
            "Process one request and return the response.".to_owned()
        } else {
            format!("Process one `{request}` and return a `{response}`.")
        };
        let function = h.kind != HandlerKind::Class;
        let message = if function {
            format!(
                "{} is a scaffold: implement it in handlers/{}.py",
                h.class_name, h.module
            )
        } else {
            format!(
                "{}.handle is a scaffold: implement it in handlers/{}.py",
                h.class_name, h.module
            )
        };
        let mut notes = vec![ops];
        if h.default {
            notes.push(
                pysrc::wrap(
                    "The node's default handler: the framework runs it when a request names no routed operation.",
                    pysrc::LINE_LENGTH - 8,
                )
                .join("\n"),
            );
        }
        // The role and category most published handlers of each node type declare.
        let (role, category) = match c.node_type {
            NodeType::Compute => ("COMPUTE_HANDLER", "COMPUTE"),
            NodeType::Effect => ("INFRA_HANDLER", "EFFECT"),
            NodeType::Reducer | NodeType::Orchestrator => ("NODE_HANDLER", "COMPUTE"),
        };
        let method_doc = pysrc::docstring(&method_doc, &[], if function { 1 } else { 2 });
        let (function, asynchronous) = match h.kind {
            HandlerKind::Class => (false, true),
            HandlerKind::Function { asynchronous } => (true, asynchronous),
        };
        let keyword = if asynchronous { "async def" } else { "def" };
        let signature = if function {
            pysrc::call(
                &format!("{keyword} {}(", h.class_name),
                &[format!("request: {request}")],
                &format!(") -> {response}:"),
                0,
            )
        } else {
            pysrc::call(
                &format!("{keyword} handle("),
                &["self".into(), format!("request: {request}")],
                &format!(") -> {response}:"),
                1,
            )
        };
        HandlerClass {
            handler_name: h.class_name.clone(),
            function,
            role: role.to_owned(),
            category: category.to_owned(),
            class_doc: pysrc::docstring(
                &if function {
                    format!(
                        "Handles requests for the `{}` node ({}).",
                        c.name,
                        if asynchronous { "async" } else { "sync" }
                    )
                } else {
                    format!("Handles requests for the `{}` node.", c.name)
                },
                &notes,
                1,
            ),
            signature,
            method_doc,
            message: pysrc::assign(
                "message",
                &pysrc::string(&message),
                if function { 1 } else { 2 },
            ),
        }
    }

    /// `registry/` (`get_node_class()`, `create_node(container)`) and the
    /// `onex.nodes` entry point to copy into `pyproject.toml`.
    fn render_registry(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
        let gen_ = Ownership::Generated;
        let stem = format!(
            "registry_{}",
            c.name.strip_prefix("node_").unwrap_or(&c.name)
        );
        let mut ctx = self.base(c, false);
        ctx.insert(
            "module_doc",
            &pysrc::docstring(
                &format!(
                    "Registry of the `{}` node: its class, and a node built on a container.",
                    c.name
                ),
                &[],
                0,
            ),
        );
        let class_def = format!("def get_node_class() -> type[{}]:", c.class_name);
        let class_def = if pysrc::width(&class_def) <= pysrc::LINE_LENGTH {
            class_def
        } else {
            format!("def get_node_class() -> (\n    type[{}]\n):", c.class_name)
        };
        ctx.insert("class_def", &class_def);
        ctx.insert(
            "create_def",
            &pysrc::call(
                "def create_node(",
                &["container: ModelONEXContainer".to_owned()],
                &format!(") -> {}:", c.class_name),
                0,
            ),
        );
        ctx.insert(
            "class_doc",
            &pysrc::docstring(&format!("The node class of `{}`.", c.name), &[], 1),
        );
        ctx.insert(
            "create_doc",
            &pysrc::docstring(
                &format!(
                    "A `{}` on the framework's dependency container.",
                    c.class_name
                ),
                &[],
                1,
            ),
        );
        let mut files = vec![self.file(
            c,
            "registry.py.tera",
            &ctx,
            format!("registry/{stem}.py"),
            gen_.clone(),
        )?];
        let mut ctx = self.base(c, false);
        ctx.insert(
            "module_doc",
            &pysrc::docstring(&format!("The registry of the `{}` node.", c.name), &[], 0),
        );
        ctx.insert("module", &stem);
        files.push(self.file(
            c,
            "registry_init.py.tera",
            &ctx,
            "registry/__init__.py".into(),
            gen_.clone(),
        )?);
        let mut ctx = self.base(c, false);
        ctx.insert(
            "entry",
            &format!("{} = {}", c.name, pysrc::string(&c.import_path)),
        );
        files.push(self.file(
            c,
            "entry_points.toml.tera",
            &ctx,
            "entry_points.toml".into(),
            gen_,
        )?);
        Ok(files)
    }

    /// `default_handler.py`: the class the copy names when the default
    /// handler is a function.
    fn adapter_context(&self, c: &Contract, default: &BoundHandler) -> Context {
        let mut ctx = self.base(c, false);
        let summary = format!(
            "The default handler of the `{}` node, as a class the framework can run.",
            c.name
        );
        let extra = vec![pysrc::wrap(
            &format!(
                "The contract routes to the function `{}` in `{}`; the framework's local runtime instantiates a class and calls its `handle(request)`. `{ADAPTER_CLASS}` is that class: it calls the function and awaits its answer when the function is async.",
                default.class, default.module
            ),
            pysrc::LINE_LENGTH - 6,
        )
        .join("\n")];
        ctx.insert("module_doc", &pysrc::docstring(&summary, &extra, 0));
        ctx.insert("adapter_class", ADAPTER_CLASS);
        ctx.insert(
            "import",
            &pysrc::from_import(&default.module, std::slice::from_ref(&default.class), 0),
        );
        ctx.insert("function", &default.class);
        ctx
    }

    /// `dispatch.py`: the table of routes `process()` dispatches on.
    fn dispatch_context(&self, c: &Contract) -> Context {
        let mut ctx = self.base(c, false);
        let effect = c.node_type == NodeType::Effect;
        let pair = |h: &BoundHandler| {
            let request = h
                .request
                .as_ref()
                .map_or_else(String::new, |(m, c)| format!("{m}:{c}"));
            [
                pysrc::string(&format!("{}:{}", h.module, h.class)),
                pysrc::string(&request),
            ]
        };
        let entries: Vec<String> = c
            .binding
            .routes
            .iter()
            .map(|r| {
                pysrc::call(
                    &format!("{}: (", pysrc::string(&r.operation)),
                    &pair(&r.handler),
                    ")",
                    1,
                )
                .trim_start()
                .to_owned()
            })
            .collect();
        ctx.insert(
            "routes",
            &pysrc::call("ROUTES: dict[str, tuple[str, str]] = {", &entries, "}", 0),
        );
        let default = c
            .binding
            .default
            .as_ref()
            .map_or_else(|| ["\"\"".to_owned(), "\"\"".to_owned()], pair);
        ctx.insert(
            "default",
            &pysrc::call("DEFAULT: tuple[str, str] = (", &default, ")", 0),
        );
        let (input, how) = if effect {
            (
                "ModelEffectInput",
                "picks the handler routed to the operation that `operation_data[\"operation_name\"]` names (the default handler otherwise), validates the rest of `operation_data` as that handler's request model, and wraps the handler's answer in a ModelEffectOutput.",
            )
        } else {
            (
                "ModelComputeInput",
                "picks the handler routed to `computation_type` (the default handler when it names no routed operation), validates `data` as that handler's request model and returns the handler's answer.",
            )
        };
        let summary = format!(
            "How `process()` reaches the handlers of the `{}` node.",
            c.name
        );
        let extra = vec![pysrc::wrap(
            &format!(
                "{}.process() calls the callable of the contract's default handler entry (`handler_routing.default_handler`), this module's `dispatch`, with the node and its {input}. `dispatch` {how} A handler is a class with `handle(request)` or a function called with the request.",
                c.node_type.base_class()
            ),
            pysrc::LINE_LENGTH - 6,
        )
        .join("\n")];
        ctx.insert("module_doc", &pysrc::docstring(&summary, &extra, 0));
        ctx.insert("effect", &effect);
        ctx
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
            let test_name = m.module.to_snake_case();
            models.push(ModelCase {
                declared: m.declared,
                module: m.module.clone(),
                declared_def: pysrc::test_def(&format!("test_{test_name}_declares_its_fields")),
                skip: pysrc::call(
                    "pytest.skip(",
                    &[pysrc::string(&format!(
                        "{} declares no fields yet: fill in models/{}.py",
                        m.class_name, m.module
                    ))],
                    ")",
                    2,
                ),
                class_name: m.class_name.clone(),
                round_trip_def: pysrc::test_def(&format!("test_{test_name}_round_trips")),
                unknown_def: pysrc::test_def(&format!("test_{test_name}_rejects_unknown_fields")),
                data,
                unknown_key,
            });
        }
        let enums: Vec<EnumCase> = c
            .enums
            .iter()
            .map(|e| {
                let values: Vec<String> =
                    e.members.iter().map(|m| pysrc::string(&m.value)).collect();
                EnumCase {
                    class_name: e.class_name.clone(),
                    values_def: pysrc::test_def(&format!(
                        "test_{}_values",
                        e.module.to_snake_case()
                    )),
                    values: pysrc::call(
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
        ctx.insert("uses_validation", &c.models.iter().any(|m| m.declared));
        ctx.insert("models_import", &pysrc::from_import("..models", &names, 0));
        ctx
    }

    fn handler_tests_context(&self, c: &Contract) -> Context {
        let mut ctx = self.base(c, false);
        let mut cases = Vec::new();
        let mut model_imports = BTreeSet::new();
        let mut handler_names = Vec::new();
        for (_, handlers) in handler_modules(c) {
            for h in handlers {
                handler_names.push(h.class_name.clone());
                let case = handler_case(c, h);
                model_imports.extend(case.request_class.clone());
                model_imports.extend(case.owned_outputs.iter().cloned());
                cases.push(case);
            }
        }
        let model_imports: Vec<String> = model_imports.into_iter().collect();
        let sampled = cases.iter().any(|h| h.data.is_some());
        ctx.insert("uses_type_adapter", &cases.iter().any(|h| h.adapter_check));
        ctx.insert("handlers", &cases);
        ctx.insert("sampled", &sampled);
        ctx.insert(
            "handlers_import",
            &pysrc::from_import("..handlers", &handler_names, 0),
        );
        ctx.insert(
            "models_import",
            &if model_imports.is_empty() {
                String::new()
            } else {
                pysrc::from_import("..models", &model_imports, 0)
            },
        );
        ctx
    }
}

/// The test of one handler. With a sample request: call it, skip while it
/// is still the scaffold, and check the answer is the output model once it is
/// implemented. Without one: check it can be called with one request.
fn handler_case(c: &Contract, h: &HandlerDef) -> HandlerCase {
    let owned = |r: Option<&ModelRef>| {
        r.and_then(|r| match &r.location {
            ModelLocation::Package { .. } => c.model(&r.class_name),
            ModelLocation::External { .. } => None,
        })
    };
    let input = owned(h.input.as_ref());
    let data = input.and_then(|m| samples::model_data(c, m).map(|d| d.render(1)));
    let request_class = input
        .filter(|_| data.is_some())
        .map(|m| m.class_name.clone());
    let test_name = h.class_name.to_snake_case();
    let sampled = data.is_some();
    let function = h.kind != HandlerKind::Class;
    let owned_output = owned(h.output.as_ref()).map(|m| m.class_name.clone());
    let expr = h.output.as_ref().and_then(|r| r.expr.as_ref());
    let (result_check, adapter_check) = match (&owned_output, &h.output, expr) {
        (Some(_), _, Some(expr)) => (
            Some(format!(
                "TypeAdapter({expr}).validate_python(result, strict=True)"
            )),
            true,
        ),
        (Some(class), _, None) => (Some(format!("assert isinstance(result, {class})")), false),
        (None, Some(r), None) => (
            Some(format!(
                "names = {{cls.__name__ for cls in type(result).__mro__}}\n    assert {} in names",
                pysrc::string(&r.class_name)
            )),
            false,
        ),
        (None, _, _) => (None, false),
    };
    let def_line = if sampled {
        pysrc::test_def(&format!("test_{test_name}_answers_a_sample_request"))
    } else {
        pysrc::test_def(&format!("test_{test_name}_takes_one_request"))
    };
    let entry = if function {
        h.class_name.clone()
    } else {
        "handler.handle".to_owned()
    };
    HandlerCase {
        class_name: h.class_name.clone(),
        function,
        entry,
        def_line,
        skip: pysrc::call(
            "pytest.skip(",
            &[pysrc::string(&format!(
                "{}() takes arguments: test it in your own tests",
                h.class_name
            ))],
            ")",
            2,
        ),
        request_class,
        owned_outputs: owned_output
            .into_iter()
            .filter(|_| sampled && result_check.is_some())
            .collect(),
        result_check: result_check.filter(|_| sampled),
        adapter_check: adapter_check && sampled,
        data,
    }
}

#[derive(Serialize)]
struct ModelCase {
    /// The contract declares the fields; otherwise the model is a scaffold.
    declared: bool,
    module: String,
    declared_def: String,
    skip: String,
    class_name: String,
    round_trip_def: String,
    unknown_def: String,
    data: Option<String>,
    unknown_key: String,
}
#[derive(Serialize)]
struct EnumCase {
    class_name: String,
    values_def: String,
    values: String,
}

/// One handler class inside a scaffold module.
#[derive(Serialize)]
struct HandlerClass {
    handler_name: String,
    /// A function handler (`signature` at module level) rather than a class.
    function: bool,
    /// `EnumHandlerRole` member.
    role: String,
    /// `EnumHandlerTypeCategory` member.
    category: String,
    class_doc: String,
    signature: String,
    method_doc: String,
    message: String,
}

/// Handlers grouped by the module they are routed to, modules in order of
/// first appearance and classes in contract order.
fn handler_modules(c: &Contract) -> Vec<(&str, Vec<&HandlerDef>)> {
    let mut modules: Vec<(&str, Vec<&HandlerDef>)> = Vec::new();
    for h in &c.handlers {
        match modules.iter_mut().find(|(m, _)| *m == h.module) {
            Some((_, list)) => {
                if list.iter().all(|o| o.class_name != h.class_name) {
                    list.push(h);
                }
            }
            None => modules.push((&h.module, vec![h])),
        }
    }
    modules
}

#[derive(Serialize)]
struct HandlerCase {
    class_name: String,
    /// A function handler, called directly; otherwise a class, instantiated.
    function: bool,
    /// What the test calls with the request: the function, or `handler.handle`.
    entry: String,
    /// The `def test_...() -> None:` line.
    def_line: String,
    /// The `pytest.skip(...)` line for a class that takes arguments.
    skip: String,
    request_class: Option<String>,
    /// Output models the check names (imported by the test).
    owned_outputs: Vec<String>,
    /// The check of `result`, if the handler declares an output model.
    result_check: Option<String>,
    /// `result_check` uses pydantic's `TypeAdapter`.
    adapter_check: bool,
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
                ModelLocation::External { module } if module == "builtins" => {}
                ModelLocation::External { module } => {
                    external.push((module.clone(), r.class_name.clone()));
                    if r.expr.is_none() && framework_generic(module, &r.class_name) {
                        uses.typing.insert("Any");
                        return format!("{}[Any]", r.class_name);
                    }
                }
            }
            r.annotation().to_owned()
        }
    }
}

/// The node class's base as `node.py` writes it, and the imports it needs. The
/// framework's generic bases (`NodeCompute`, `NodeReducer`, generic in their
/// input and output) get the contract's `input_model` and `output_model` as
/// type arguments, as published nodes write them. A model this package renders
/// is imported; any other is `Any`. A model from another package is not
/// imported because the node would then need that package to load, and a name
/// imported for type checkers only is not a use that linters see in a base.
fn node_base(c: &Contract) -> Result<(String, String), RenderError> {
    let base = c.node_type.base_class();
    let framework = [
        "from omnibase_core.models.container.model_onex_container import ModelONEXContainer"
            .to_owned(),
        format!("from omnibase_core.nodes import {base}"),
    ];
    if !matches!(c.node_type, NodeType::Compute | NodeType::Reducer) {
        return Ok((base.to_owned(), framework.join("\n")));
    }
    let mut uses = Uses::default();
    let args: Vec<String> = [c.input_model.as_ref(), c.output_model.as_ref()]
        .into_iter()
        .map(|r| match r {
            Some(r)
                if matches!(r.location, ModelLocation::Package { .. })
                    && c.model(&r.class_name).is_some() =>
            {
                uses.local.insert(r.class_name.clone());
                r.annotation().to_owned()
            }
            _ => "Any".to_owned(),
        })
        .collect();
    let mut head = Vec::new();
    if args.iter().any(|a| a == "Any") {
        head.push("from typing import Any".to_owned());
        head.push(String::new());
    }
    head.extend(framework);
    let local = uses.local(c, None, ".models.")?;
    if !local.is_empty() {
        head.push(String::new());
        head.extend(local);
    }
    Ok((format!("{base}[{}]", args.join(", ")), head.join("\n")))
}

/// The framework's models that are generic in one type (their payload), the
/// same in every supported omnibase-core: named bare they fail `mypy
/// --strict` ("Missing type arguments"), so they are written `Name[Any]`.
/// Matched by class, from any omnibase-core module (contracts name them from
/// their own module or from the package that re-exports them).
fn framework_generic(module: &str, class: &str) -> bool {
    const GENERIC: [&str; 5] = [
        "ModelComputeInput",
        "ModelComputeOutput",
        "ModelEventEnvelope",
        "ModelReducerInput",
        "ModelReducerOutput",
    ];
    (module == "omnibase_core" || module.starts_with("omnibase_core.")) && GENERIC.contains(&class)
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
            lines.push(pysrc::from_import("datetime", &names, 0));
        }
        if self.decimal {
            lines.push("from decimal import Decimal".into());
        }
        if !self.typing.is_empty() {
            let names: Vec<String> = self.typing.iter().map(|s| (*s).to_owned()).collect();
            lines.push(pysrc::from_import("typing", &names, 0));
        }
        if self.uuid {
            lines.push("from uuid import UUID".into());
        }
        lines
    }

    /// Relative imports (`from {prefix}model_x import ModelX`) for owned
    /// classes, in module order; `this` (the model being rendered) needs none.
    fn local(
        &self,
        c: &Contract,
        this: Option<&str>,
        prefix: &str,
    ) -> Result<Vec<String>, RenderError> {
        let mut found = Vec::new();
        for name in &self.local {
            if Some(name.as_str()) == this {
                continue;
            }
            let module = c
                .model(name)
                .map(|m| &m.module)
                .or_else(|| c.enum_def(name).map(|e| &e.module))
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
            .map(|(module, name)| pysrc::from_import(&format!("{prefix}{module}"), &[name], 0))
            .collect())
    }
}

/// One `name: T = Field(...)` declaration inside a model class, and whether
/// it calls `Field`.
fn field_line(
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
const MODEL_BODY_NAMES: &[&str] = &[
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
fn python_fields(c: &Contract, m: &ModelDef, qualified_dates: bool) -> Vec<FieldDef> {
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
fn typed_default(
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
