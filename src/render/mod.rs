//! Rendering: turns one `Contract` into the files of its Python node package
//! (models, node shell, handler scaffolds, contract copy, tests) through the
//! templates; Python details are computed here and the templates lay them out.
//!
//! One child per kind of output: `models` (stage 2), `node` and
//! `handlers` (stage 3: the node shell, handler scaffolds and the binding
//! the runtime calls through), `suite` (stage 4). This module holds what
//! they share: the [`Renderer`], the file record and the import tracker.

mod handlers;
mod models;
mod node;
pub mod pysrc;
pub mod samples;
mod suite;
pub mod templates;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

use crate::contract::model::{Contract, FieldType};
use crate::diagnostics::Diagnostic;
use crate::render::templates::{TemplateError, TemplateManager};

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

#[cfg(test)]
mod tests;
