//! `SYN002`: the errors `CPython`'s `compile()` raises on a module that parses, found by walking
//! the syntax tree with a scope stack. `CPython` reports one error, from the first of its phases
//! that fails (`__future__` handling, then the symbol table, then code generation), so every
//! finding carries its phase and the caller takes the first.

use std::collections::HashSet;
use std::path::Path;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{
    Comprehension, Expr, ModModule, Parameters, Stmt, StmtClassDef, StmtFunctionDef,
};
use ruff_text_size::{Ranged, TextSize};

use super::rules;
use super::syntax::Locator;
use crate::diagnostics::Diagnostic;

/// The features `from __future__ import` accepts in `CPython` 3.12.
const FUTURE_FEATURES: &[&str] = &[
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Future,
    Symtable,
    Codegen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension(&'static str),
}

struct Finding {
    phase: Phase,
    offset: TextSize,
    message: String,
}

/// All compile-time errors in `module`, `CPython`'s first one first.
pub(super) fn check(path: &Path, source: &str, module: &ModModule) -> Vec<Diagnostic> {
    let mut checker = Checker {
        scopes: vec![Scope::Module],
        loops: vec![0],
        findings: Vec::new(),
    };
    checker.check_future_imports(&module.body);
    checker.visit_body(&module.body);
    let mut findings = checker.findings;
    findings.sort_by_key(|finding| (finding.phase, finding.offset));
    let locator = Locator::new(source);
    findings
        .into_iter()
        .map(|finding| {
            rules::diagnostic("SYN002", path, finding.message)
                .at_in(locator.position(finding.offset), source)
        })
        .collect()
}

struct Checker {
    scopes: Vec<Scope>,
    /// How many loops enclose the current point, one counter per function or class body.
    loops: Vec<usize>,
    findings: Vec<Finding>,
}

impl Checker {
    fn report(&mut self, phase: Phase, offset: TextSize, message: impl Into<String>) {
        self.findings.push(Finding {
            phase,
            offset,
            message: message.into(),
        });
    }

    fn scope(&self) -> Scope {
        self.scopes.last().copied().unwrap_or(Scope::Module)
    }

    /// The innermost scope that is not a comprehension.
    fn enclosing_code_scope(&self) -> Scope {
        self.scopes
            .iter()
            .rev()
            .copied()
            .find(|scope| !matches!(scope, Scope::Comprehension(_)))
            .unwrap_or(Scope::Module)
    }

    fn in_async_function(&self) -> bool {
        matches!(
            self.enclosing_code_scope(),
            Scope::Function { is_async: true }
        )
    }

    fn in_loop(&self) -> bool {
        self.loops.last().is_some_and(|depth| *depth > 0)
    }

    fn with_loop(&mut self, body: &[Stmt]) {
        if let Some(depth) = self.loops.last_mut() {
            *depth += 1;
        }
        self.visit_body(body);
        if let Some(depth) = self.loops.last_mut() {
            *depth -= 1;
        }
    }

    fn with_scope(&mut self, scope: Scope, visit: impl FnOnce(&mut Self)) {
        self.scopes.push(scope);
        self.loops.push(0);
        visit(self);
        self.loops.pop();
        self.scopes.pop();
    }

    /// `from __future__` must come first (after an optional docstring) and name a known feature.
    fn check_future_imports(&mut self, body: &[Stmt]) {
        let mut at_top = true;
        for (index, stmt) in body.iter().enumerate() {
            match stmt {
                Stmt::ImportFrom(import)
                    if import.level == 0
                        && import
                            .module
                            .as_ref()
                            .is_some_and(|m| m.as_str() == "__future__") =>
                {
                    if !at_top {
                        self.report(
                            Phase::Future,
                            stmt.start(),
                            "from __future__ imports must occur at the beginning of the file",
                        );
                        continue;
                    }
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        if name == "braces" {
                            self.report(Phase::Future, stmt.start(), "not a chance");
                        } else if !FUTURE_FEATURES.contains(&name) {
                            self.report(
                                Phase::Future,
                                stmt.start(),
                                format!("future feature {name} is not defined"),
                            );
                        }
                    }
                }
                Stmt::Expr(expr) if index == 0 && expr.value.is_string_literal_expr() => {}
                _ => at_top = false,
            }
        }
    }

    fn check_parameters(&mut self, parameters: &Parameters) {
        let mut seen = HashSet::new();
        for parameter in parameters {
            let name = parameter.name();
            if !seen.insert(name.as_str()) {
                self.report(
                    Phase::Symtable,
                    name.start(),
                    format!(
                        "duplicate argument '{}' in function definition",
                        name.as_str()
                    ),
                );
            }
        }
    }

    fn check_yield(&mut self, offset: TextSize, is_from: bool) {
        match self.scope() {
            Scope::Module | Scope::Class => {
                self.report(Phase::Codegen, offset, "'yield' outside function");
            }
            Scope::Comprehension(kind) => {
                self.report(Phase::Symtable, offset, format!("'yield' inside {kind}"));
            }
            Scope::Function { is_async: true } if is_from => {
                self.report(Phase::Codegen, offset, "'yield from' inside async function");
            }
            Scope::Function { .. } | Scope::Lambda => {}
        }
    }

    fn check_await(&mut self, offset: TextSize) {
        match self.scope() {
            Scope::Module | Scope::Class => {
                self.report(Phase::Codegen, offset, "'await' outside function");
            }
            Scope::Function { is_async: false } | Scope::Lambda => {
                self.report(Phase::Codegen, offset, "'await' outside async function");
            }
            // Reported once for the whole comprehension, see `check_comprehension`.
            Scope::Function { is_async: true } | Scope::Comprehension(_) => {}
        }
    }

    fn visit_comprehension_expr(&mut self, expr: &Expr, kind: &'static str) {
        let is_async = match expr {
            Expr::ListComp(e) => e.generators.iter().any(|g| g.is_async),
            Expr::SetComp(e) => e.generators.iter().any(|g| g.is_async),
            Expr::DictComp(e) => e.generators.iter().any(|g| g.is_async),
            Expr::Generator(e) => e.generators.iter().any(|g| g.is_async),
            _ => false,
        };
        let awaits = is_async || contains_await(expr);
        // An async generator expression is allowed anywhere; it is awaited where it is used.
        if awaits && kind != "generator expression" && !self.in_async_function() {
            self.report(
                Phase::Codegen,
                expr.start(),
                "asynchronous comprehension outside of an asynchronous function",
            );
        }
        let (elements, generators): (Vec<&Expr>, &[Comprehension]) = match expr {
            Expr::ListComp(e) => (vec![&e.elt], &e.generators),
            Expr::SetComp(e) => (vec![&e.elt], &e.generators),
            Expr::DictComp(e) => (
                e.key.iter().map(|key| &**key).chain([&*e.value]).collect(),
                &e.generators,
            ),
            Expr::Generator(e) => (vec![&e.elt], &e.generators),
            _ => (Vec::new(), &[]),
        };
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        self.with_scope(Scope::Comprehension(kind), |this| {
            for (index, generator) in generators.iter().enumerate() {
                this.visit_expr(&generator.target);
                if index > 0 {
                    this.visit_expr(&generator.iter);
                }
                for condition in &generator.ifs {
                    this.visit_expr(condition);
                }
            }
            for element in elements {
                this.visit_expr(element);
            }
        });
    }
}

impl<'a> Visitor<'a> for Checker {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function(def),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::Return(_) => {
                if !matches!(self.scope(), Scope::Function { .. }) {
                    self.report(Phase::Codegen, stmt.start(), "'return' outside function");
                }
                walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) => {
                if for_stmt.target.is_starred_expr() {
                    self.report(
                        Phase::Codegen,
                        for_stmt.target.start(),
                        "starred assignment target must be in a list or tuple",
                    );
                }
                if for_stmt.is_async && !self.in_async_function() {
                    self.report(
                        Phase::Codegen,
                        stmt.start(),
                        "'async for' outside async function",
                    );
                }
                self.visit_expr(&for_stmt.target);
                self.visit_expr(&for_stmt.iter);
                self.with_loop(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.visit_expr(&while_stmt.test);
                self.with_loop(&while_stmt.body);
                self.visit_body(&while_stmt.orelse);
            }
            Stmt::With(with_stmt) => {
                if with_stmt.is_async && !self.in_async_function() {
                    self.report(
                        Phase::Codegen,
                        stmt.start(),
                        "'async with' outside async function",
                    );
                }
                walk_stmt(self, stmt);
            }
            Stmt::Expr(_) | Stmt::Assign(_) => {
                self.check_starred(stmt);
                walk_stmt(self, stmt);
            }
            Stmt::Break(_) => {
                if !self.in_loop() {
                    self.report(Phase::Codegen, stmt.start(), "'break' outside loop");
                }
            }
            Stmt::Continue(_) => {
                if !self.in_loop() {
                    self.report(
                        Phase::Codegen,
                        stmt.start(),
                        "'continue' not properly in loop",
                    );
                }
            }
            Stmt::Nonlocal(_) => {
                if self.scope() == Scope::Module {
                    self.report(
                        Phase::Symtable,
                        stmt.start(),
                        "nonlocal declaration not allowed at module level",
                    );
                }
            }
            Stmt::ImportFrom(import)
                if import.level == 0
                    && import
                        .module
                        .as_ref()
                        .is_some_and(|m| m.as_str() == "__future__")
                    && self.scopes.len() > 1 =>
            {
                self.report(
                    Phase::Future,
                    stmt.start(),
                    "from __future__ imports must occur at the beginning of the file",
                );
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Yield(_) => {
                self.check_yield(expr.start(), false);
                walk_expr(self, expr);
            }
            Expr::YieldFrom(_) => {
                self.check_yield(expr.start(), true);
                walk_expr(self, expr);
            }
            Expr::Await(_) => {
                self.check_await(expr.start());
                walk_expr(self, expr);
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.check_parameters(parameters);
                    self.visit_parameters(parameters);
                }
                self.with_scope(Scope::Lambda, |this| this.visit_expr(&lambda.body));
            }
            Expr::ListComp(_) => self.visit_comprehension_expr(expr, "list comprehension"),
            Expr::SetComp(_) => self.visit_comprehension_expr(expr, "set comprehension"),
            Expr::DictComp(_) => self.visit_comprehension_expr(expr, "dict comprehension"),
            Expr::Generator(_) => self.visit_comprehension_expr(expr, "generator expression"),
            _ => walk_expr(self, expr),
        }
    }
}

impl Checker {
    fn visit_function(&mut self, def: &StmtFunctionDef) {
        self.check_parameters(&def.parameters);
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &def.type_params {
            self.visit_type_params(type_params);
        }
        self.visit_parameters(&def.parameters);
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        let scope = Scope::Function {
            is_async: def.is_async,
        };
        self.with_scope(scope, |this| this.visit_body(&def.body));
    }

    fn visit_class(&mut self, class: &StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &class.type_params {
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        self.with_scope(Scope::Class, |this| this.visit_body(&class.body));
    }

    /// A bare `*x` as a statement, an assigned value or an assignment target.
    fn check_starred(&mut self, stmt: &Stmt) {
        let (values, targets): (Vec<&Expr>, &[Expr]) = match stmt {
            Stmt::Expr(expr_stmt) => (vec![&*expr_stmt.value], &[]),
            Stmt::Assign(assign) => (vec![&*assign.value], &assign.targets),
            _ => return,
        };
        for value in values.into_iter().filter(|value| value.is_starred_expr()) {
            self.report(
                Phase::Codegen,
                value.start(),
                "can't use starred expression here",
            );
        }
        for target in targets.iter().filter(|target| target.is_starred_expr()) {
            self.report(
                Phase::Codegen,
                target.start(),
                "starred assignment target must be in a list or tuple",
            );
        }
    }
}

/// Whether `expr` awaits something outside any nested lambda or comprehension.
fn contains_await(expr: &Expr) -> bool {
    struct Finder {
        found: bool,
        depth: usize,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found {
                return;
            }
            match expr {
                Expr::Await(_) => self.found = true,
                Expr::Lambda(_) => {}
                Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_)
                    if self.depth > 0 => {}
                _ => {
                    self.depth += 1;
                    walk_expr(self, expr);
                    self.depth -= 1;
                }
            }
        }
    }
    let mut finder = Finder {
        found: false,
        depth: 0,
    };
    finder.visit_expr(expr);
    finder.found
}
