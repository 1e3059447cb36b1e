//! Handlers and the binding that lets the runtime reach them: handler scaffolds,
//! the registry, the adapter and the dispatch module.

use super::{GeneratedFile, Ownership, RenderError, Renderer, Uses, operation_list, pysrc};
use crate::contract::model::{
    BoundHandler, Contract, HandlerDef, HandlerKind, ModelLocation, ModelRef, NodeType,
};
use crate::contract::{ADAPTER_CLASS, ADAPTER_MODULE, DISPATCH_MODULE};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Context;

impl Renderer {
    /// What the framework calls to reach the handlers: `dispatch.py` for
    /// compute and effect nodes, `default_handler.py` when the default
    /// handler is a function.
    pub(super) fn render_binding(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
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

    pub(super) fn handler_context(
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

    pub(super) fn handler_class(
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
    pub(super) fn render_registry(&self, c: &Contract) -> Result<Vec<GeneratedFile>, RenderError> {
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
    pub(super) fn adapter_context(&self, c: &Contract, default: &BoundHandler) -> Context {
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
    pub(super) fn dispatch_context(&self, c: &Contract) -> Context {
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
}

/// One handler class inside a scaffold module.
#[derive(Serialize)]
pub(super) struct HandlerClass {
    pub(super) handler_name: String,
    /// A function handler (`signature` at module level) rather than a class.
    pub(super) function: bool,
    /// `EnumHandlerRole` member.
    pub(super) role: String,
    /// `EnumHandlerTypeCategory` member.
    pub(super) category: String,
    pub(super) class_doc: String,
    pub(super) signature: String,
    pub(super) method_doc: String,
    pub(super) message: String,
}

/// Handlers grouped by the module they are routed to, modules in order of
/// first appearance and classes in contract order.
pub(super) fn handler_modules(c: &Contract) -> Vec<(&str, Vec<&HandlerDef>)> {
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

/// The class name for a handler's request or response; external models are
/// collected for a `TYPE_CHECKING` import.
pub(super) fn model_ref_name(
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

/// The framework's models that are generic in one type (their payload), the
/// same in every supported omnibase-core: named bare they fail `mypy
/// --strict` ("Missing type arguments"), so they are written `Name[Any]`.
/// Matched by class, from any omnibase-core module (contracts name them from
/// their own module or from the package that re-exports them).
pub(super) fn framework_generic(module: &str, class: &str) -> bool {
    const GENERIC: [&str; 5] = [
        "ModelComputeInput",
        "ModelComputeOutput",
        "ModelEventEnvelope",
        "ModelReducerInput",
        "ModelReducerOutput",
    ];
    (module == "omnibase_core" || module.starts_with("omnibase_core.")) && GENERIC.contains(&class)
}
