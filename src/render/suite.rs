//! Stage 4: the pytest suite of a package, one test module for its models and
//! one for its handlers.

use super::handlers::handler_modules;
use super::{GeneratedFile, Ownership, RenderError, Renderer, pysrc, samples};
use crate::contract::model::{Contract, HandlerDef, HandlerKind, ModelLocation, ModelRef};
use heck::ToSnakeCase;
use serde::Serialize;
use std::collections::BTreeSet;
use tera::Context;

impl Renderer {
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

    pub(super) fn model_tests_context(&self, c: &Contract) -> Context {
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

    pub(super) fn handler_tests_context(&self, c: &Contract) -> Context {
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
pub(super) fn handler_case(c: &Contract, h: &HandlerDef) -> HandlerCase {
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
pub(super) struct ModelCase {
    /// The contract declares the fields; otherwise the model is a scaffold.
    pub(super) declared: bool,
    pub(super) module: String,
    pub(super) declared_def: String,
    pub(super) skip: String,
    pub(super) class_name: String,
    pub(super) round_trip_def: String,
    pub(super) unknown_def: String,
    pub(super) data: Option<String>,
    pub(super) unknown_key: String,
}

#[derive(Serialize)]
pub(super) struct EnumCase {
    pub(super) class_name: String,
    pub(super) values_def: String,
    pub(super) values: String,
}

#[derive(Serialize)]
pub(super) struct HandlerCase {
    pub(super) class_name: String,
    /// A function handler, called directly; otherwise a class, instantiated.
    pub(super) function: bool,
    /// What the test calls with the request: the function, or `handler.handle`.
    pub(super) entry: String,
    /// The `def test_...() -> None:` line.
    pub(super) def_line: String,
    /// The `pytest.skip(...)` line for a class that takes arguments.
    pub(super) skip: String,
    pub(super) request_class: Option<String>,
    /// Output models the check names (imported by the test).
    pub(super) owned_outputs: Vec<String>,
    /// The check of `result`, if the handler declares an output model.
    pub(super) result_check: Option<String>,
    /// `result_check` uses pydantic's `TypeAdapter`.
    pub(super) adapter_check: bool,
    pub(super) data: Option<String>,
}
