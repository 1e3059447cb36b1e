//! Stage 3: the node module, its package `__init__` and the bytes of the
//! scaffolds that are written once.

use super::handlers::handler_modules;
use super::{
    GeneratedFile, Ownership, RenderError, Renderer, Uses, operation_list, package_summary, pysrc,
};
use crate::contract::model::{Contract, ModelLocation, NodeType};

impl Renderer {
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
}

/// The node class's base as `node.py` writes it, and the imports it needs. The
/// framework's generic bases (`NodeCompute`, `NodeReducer`, generic in their
/// input and output) get the contract's `input_model` and `output_model` as
/// type arguments, as published nodes write them. A model this package renders
/// is imported; any other is `Any`. A model from another package is not
/// imported because the node would then need that package to load, and a name
/// imported for type checkers only is not a use that linters see in a base.
pub(super) fn node_base(c: &Contract) -> Result<(String, String), RenderError> {
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
