//! The code rules that look at every statement and expression of a parsed module, in one walk:
//! stubs (`STB002`, `STB003`), quality (`QLT001`-`QLT005`), docstrings (`DOC001`), annotations
//! (`TYP001`, `TYP002`) and security (`SEC001`-`SEC005`). Names are resolved through the
//! module's imports, so `from pickle import loads` is `pickle.loads`.
//!
//! The walk, the scopes and name resolution live here; `definitions` holds the rules on
//! functions and classes, `security` those on calls and assignments.

mod definitions;
mod security;

#[cfg(test)]
pub(super) use security::is_secret_name;
use security::safe_loader_classes;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ModModule, Parameters, Stmt};
use ruff_text_size::{Ranged, TextSize};

use crate::diagnostics::Diagnostic;
use crate::lint::rules::Rule;
use crate::lint::structure::FileRole;
use crate::lint::syntax::Locator;

/// Over this cyclomatic complexity a function is reported (`QLT001`).
const MAX_COMPLEXITY: u32 = 10;

/// What the rules need to know about the file besides its tree.
pub(super) struct Options<'a> {
    pub role: &'a FileRole,
    pub scaffold: bool,
    /// The lines holding a `# stub-ok` comment: on a function's def line it marks the
    /// function's stub body as intended (`STB002`, `STB003`).
    pub stub_ok: &'a HashSet<usize>,
}

/// Findings of the tree rules for one module that parsed without errors.
pub(super) fn check(
    path: &Path,
    locator: &Locator,
    module: &ModModule,
    options: &Options,
) -> Vec<Diagnostic> {
    let mut checker = Checker {
        path,
        locator,
        options,
        imports: HashMap::new(),
        scopes: Vec::new(),
        numeric: Vec::new(),
        safe_loaders: safe_loader_classes(module),
        findings: Vec::new(),
    };
    let non_empty = module.body.iter().any(|stmt| !stmt.is_pass_stmt());
    if non_empty && docstring(&module.body).is_none() {
        checker.report(
            Rule::DOC001,
            TextSize::new(0),
            "module has no docstring".to_owned(),
            "start the module with a docstring saying what it holds",
        );
    }
    checker.direct_raises(&module.body);
    checker.visit_body(&module.body);
    checker.findings
}

/// The enclosing definition of the code being walked.
enum Scope {
    Class {
        public: bool,
        protocol: bool,
        /// A base class by the older convention (derived from ABC, or named Base*,
        /// Abstract*, *Base, Mixin* or *Mixin): its stub methods are for subclasses.
        base_like: bool,
    },
    Function {
        complexity: u32,
        /// Abstract, overload or Protocol method: stub bodies are its point.
        abstract_like: bool,
    },
}

struct Checker<'a, 'o> {
    path: &'a Path,
    locator: &'a Locator<'a>,
    options: &'o Options<'o>,
    /// Local name → the dotted name it was imported as.
    imports: HashMap<String, String>,
    scopes: Vec<Scope>,
    /// Per enclosing function: the local names every assignment of which is a number.
    numeric: Vec<HashSet<String>>,
    /// The module's classes derived (directly or through each other) from a safe YAML loader.
    safe_loaders: HashSet<String>,
    findings: Vec<Diagnostic>,
}

impl Checker<'_, '_> {
    fn report(&mut self, code: Rule, offset: TextSize, message: String, help: &str) {
        let finding = self.locator.finding(code, self.path, message, offset, help);
        self.findings.push(finding);
    }

    fn add_complexity(&mut self, amount: u32) {
        if let Some(Scope::Function { complexity, .. }) = self
            .scopes
            .iter_mut()
            .rev()
            .find(|scope| matches!(scope, Scope::Function { .. }))
        {
            *complexity += amount;
        }
    }

    /// The dotted name an expression like `yaml.load` or an imported `loads` refers to.
    fn qualified(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                Some(
                    self.imports
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| id.to_owned()),
                )
            }
            Expr::Attribute(attribute) => {
                let mut head = self.qualified(&attribute.value)?;
                head.push('.');
                head.push_str(attribute.attr.as_str());
                Some(head)
            }
            _ => None,
        }
    }

    fn import(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
                    if let Some(asname) = &alias.asname {
                        self.imports.insert(asname.to_string(), module.to_owned());
                    } else {
                        let head = module.split('.').next().unwrap_or(module);
                        self.imports.insert(head.to_owned(), head.to_owned());
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map_or("", |m| m.as_str());
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        self.report(
                            Rule::QLT004,
                            alias.start(),
                            format!("wildcard import from `{module}`"),
                            "import the names you use",
                        );
                        continue;
                    }
                    let local = alias.asname.as_ref().unwrap_or(&alias.name);
                    let full = if import.level == 0 {
                        format!("{module}.{}", alias.name.as_str())
                    } else {
                        alias.name.to_string()
                    };
                    self.imports.insert(local.to_string(), full);
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for Checker<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                self.function(def);
                return;
            }
            Stmt::ClassDef(class) => {
                self.class(class);
                return;
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.import(stmt),
            Stmt::If(stmt_if) => {
                let branches = stmt_if
                    .elif_else_clauses
                    .iter()
                    .filter(|clause| clause.test.is_some())
                    .count();
                self.add_complexity(1 + u32::try_from(branches).unwrap_or(u32::MAX));
            }
            Stmt::For(_) | Stmt::While(_) => self.add_complexity(1),
            Stmt::Try(stmt_try) => {
                for handler in &stmt_try.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if handler.type_.is_none() {
                        self.report(
                            Rule::QLT002,
                            handler.start(),
                            "bare `except:`".to_owned(),
                            "catch the exceptions you expect, e.g. `except ValueError:`",
                        );
                    }
                }
                self.add_complexity(u32::try_from(stmt_try.handlers.len()).unwrap_or(u32::MAX));
            }
            Stmt::Match(stmt_match) => {
                self.add_complexity(u32::try_from(stmt_match.cases.len()).unwrap_or(u32::MAX));
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.secret_assignment(target, &assign.value);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.secret_assignment(&assign.target, value);
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => self.call(call),
            Expr::BoolOp(bool_op) => {
                let extra = bool_op.values.len().saturating_sub(1);
                self.add_complexity(u32::try_from(extra).unwrap_or(u32::MAX));
            }
            Expr::If(_) => self.add_complexity(1),
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.mutable_defaults(parameters);
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(key) = item.key.as_ref().and_then(Expr::as_string_literal_expr) {
                        self.secret(key.value.to_str(), &item.value);
                    }
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_comprehension(&mut self, comprehension: &'a ruff_python_ast::Comprehension) {
        self.add_complexity(1 + u32::try_from(comprehension.ifs.len()).unwrap_or(u32::MAX));
        visitor::walk_comprehension(self, comprehension);
    }

    fn visit_parameters(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter_non_variadic_params() {
            if let Some(default) = parameter.default.as_deref() {
                self.secret(parameter.parameter.name.as_str(), default);
            }
        }
        visitor::walk_parameters(self, parameters);
    }
}

/// The docstring of a body: its first statement when that is a string literal.
fn docstring(body: &[Stmt]) -> Option<&Expr> {
    match body.first()? {
        Stmt::Expr(expr) if expr.value.is_string_literal_expr() => Some(&expr.value),
        _ => None,
    }
}

/// `abstractmethod` for `abc.abstractmethod`, `overload` for `typing.overload` or a call of it.
fn last_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Call(call) => last_name(&call.func),
        _ => None,
    }
}
