//! `SYN002`: the errors `CPython`'s `compile()` raises on a module that parses, found by walking
//! the syntax tree with a scope stack. `CPython` reports one error, from the first of its phases
//! that fails (`__future__` handling, then the symbol table, then code generation), so every
//! finding carries its phase and the caller takes the first.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{
    Comprehension, Expr, Identifier, IrrefutablePatternKind, MatchCase, ModModule, Parameters,
    Stmt, StmtClassDef, StmtFunctionDef, TypeParams,
};
use ruff_text_size::{Ranged, TextSize};

use super::rules::{self, Rule};
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
pub(super) fn check(path: &Path, locator: &Locator, module: &ModModule) -> Vec<Diagnostic> {
    let mut checker = Checker {
        scopes: vec![Scope::Module],
        declarations: vec![Declarations::default()],
        loops: vec![0],
        findings: Vec::new(),
    };
    checker.check_future_imports(&module.body);
    checker.visit_body(&module.body);
    let mut findings = checker.findings;
    findings.sort_by_key(|finding| (finding.phase, finding.offset));
    findings
        .into_iter()
        .map(|finding| {
            locator.place_offset(
                rules::diagnostic(Rule::SYN002, path, finding.message),
                finding.offset,
            )
        })
        .collect()
}

/// What a function, class or module body declares, for the symbol-table errors.
#[derive(Default)]
struct Declarations<'a> {
    /// A function's parameters, looked at only for the rare `global` and `nonlocal`.
    parameters: Option<&'a Parameters>,
    globals: HashMap<String, TextSize>,
    nonlocals: HashMap<String, TextSize>,
    /// An async function body that yields, outside nested scopes (only async generators
    /// have a rule of their own, so other functions are not searched).
    is_generator: bool,
}

impl Declarations<'_> {
    fn is_parameter(&self, id: &str) -> bool {
        self.parameters
            .is_some_and(|parameters| parameters.iter().any(|p| p.name().as_str() == id))
    }
}

/// The names in `names` seen before, each with its item: `f(a=1, a=2)` gives the second `a`.
/// Short lists, the usual case, are compared pairwise without allocating.
fn repeated<'n, T>(items: &'n [T], name: impl Fn(&'n T) -> Option<&'n str>) -> Vec<&'n T> {
    let mut found = Vec::new();
    if items.len() <= 16 {
        for (index, item) in items.iter().enumerate() {
            if let Some(id) = name(item)
                && items[..index]
                    .iter()
                    .any(|earlier| name(earlier) == Some(id))
            {
                found.push(item);
            }
        }
    } else {
        let mut seen = HashSet::new();
        for item in items {
            if let Some(id) = name(item)
                && !seen.insert(id)
            {
                found.push(item);
            }
        }
    }
    found
}

struct Checker<'a> {
    scopes: Vec<Scope>,
    /// One entry per function, class or module body (comprehensions and lambdas excluded).
    declarations: Vec<Declarations<'a>>,
    /// How many loops enclose the current point, one counter per function or class body.
    loops: Vec<usize>,
    findings: Vec<Finding>,
}

impl<'a> Checker<'a> {
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

    fn with_loop(&mut self, body: &'a [Stmt]) {
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
        if parameters.len() <= 16 {
            for (index, parameter) in parameters.iter().enumerate() {
                let name = parameter.name();
                if parameters
                    .iter()
                    .take(index)
                    .any(|earlier| earlier.name().as_str() == name.as_str())
                {
                    self.report_duplicate_argument(name);
                }
            }
            return;
        }
        let names: Vec<&Identifier> = parameters
            .iter()
            .map(ruff_python_ast::AnyParameterRef::name)
            .collect();
        for name in repeated(&names, |name| Some(name.as_str())) {
            self.report_duplicate_argument(name);
        }
    }

    fn report_duplicate_argument(&mut self, name: &Identifier) {
        self.report(
            Phase::Symtable,
            name.start(),
            format!(
                "duplicate argument '{}' in function definition",
                name.as_str()
            ),
        );
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

    fn visit_comprehension_expr(&mut self, expr: &'a Expr, kind: &'static str) {
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
        let (key, element, generators): (Option<&Expr>, Option<&Expr>, &[Comprehension]) =
            match expr {
                Expr::ListComp(e) => (None, Some(&*e.elt), &e.generators),
                Expr::SetComp(e) => (None, Some(&*e.elt), &e.generators),
                Expr::DictComp(e) => (e.key.as_deref(), Some(&*e.value), &e.generators),
                Expr::Generator(e) => (None, Some(&*e.elt), &e.generators),
                _ => (None, None, &[]),
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
            for element in key.into_iter().chain(element) {
                this.visit_expr(element);
            }
        });
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.check_flow(stmt);
        self.check_declaration(stmt);
        match stmt {
            Stmt::FunctionDef(def) => self.visit_function(def),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::For(for_stmt) => {
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
            Expr::Call(call) => {
                let keywords = &call.arguments.keywords;
                for keyword in repeated(keywords, |k| k.arg.as_ref().map(Identifier::as_str)) {
                    let arg = keyword.arg.as_ref().map_or("", Identifier::as_str);
                    self.report(
                        Phase::Codegen,
                        keyword.start(),
                        format!("keyword argument repeated: {arg}"),
                    );
                }
                walk_expr(self, expr);
            }
            Expr::Name(name) if name.id.as_str() == "__debug__" && name.ctx.is_store() => {
                self.report(Phase::Codegen, expr.start(), "cannot assign to __debug__");
            }
            Expr::ListComp(_) => self.visit_comprehension_expr(expr, "list comprehension"),
            Expr::SetComp(_) => self.visit_comprehension_expr(expr, "set comprehension"),
            Expr::DictComp(_) => self.visit_comprehension_expr(expr, "dict comprehension"),
            Expr::Generator(_) => self.visit_comprehension_expr(expr, "generator expression"),
            _ => walk_expr(self, expr),
        }
    }
}

impl<'a> Checker<'a> {
    fn visit_function(&mut self, def: &'a StmtFunctionDef) {
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
        if let Some(type_params) = &def.type_params {
            self.check_type_params(type_params);
        }
        let scope = Scope::Function {
            is_async: def.is_async,
        };
        let declarations = Declarations {
            parameters: Some(&def.parameters),
            is_generator: def.is_async && body_yields(&def.body),
            ..Declarations::default()
        };
        self.declarations.push(declarations);
        self.with_scope(scope, |this| this.visit_body(&def.body));
        self.declarations.pop();
    }

    fn check_type_params(&mut self, type_params: &TypeParams) {
        for param in repeated(&type_params.type_params, |p| Some(p.name().as_str())) {
            let name = param.name();
            self.report(
                Phase::Symtable,
                name.start(),
                format!("duplicate type parameter '{}'", name.as_str()),
            );
        }
    }

    /// `global` and `nonlocal` must not name a parameter, and not both at once.
    fn declare(&mut self, stmt: &Stmt, names: &[Identifier], global: bool) {
        let Some(declarations) = self.declarations.last_mut() else {
            return;
        };
        let mut errors = Vec::new();
        for name in names {
            let id = name.as_str();
            let (kind, other) = if global {
                ("global", &declarations.nonlocals)
            } else {
                ("nonlocal", &declarations.globals)
            };
            if declarations.is_parameter(id) {
                errors.push((stmt.start(), format!("name '{id}' is parameter and {kind}")));
            } else if let Some(&first) = other.get(id) {
                errors.push((first, format!("name '{id}' is nonlocal and global")));
            }
            let own = if global {
                &mut declarations.globals
            } else {
                &mut declarations.nonlocals
            };
            own.entry(id.to_owned()).or_insert(stmt.start());
        }
        for (offset, message) in errors {
            self.report(Phase::Symtable, offset, message);
        }
    }

    /// A `case` that matches anything must be the last one.
    fn check_match(&mut self, cases: &[MatchCase]) {
        let Some((_, earlier)) = cases.split_last() else {
            return;
        };
        for case in earlier.iter().filter(|case| case.guard.is_none()) {
            if let Some(pattern) = case.pattern.irrefutable_pattern() {
                let message = match pattern.kind {
                    IrrefutablePatternKind::Name(name) => {
                        format!("name capture '{name}' makes remaining patterns unreachable")
                    }
                    IrrefutablePatternKind::Wildcard => {
                        "wildcard makes remaining patterns unreachable".to_owned()
                    }
                };
                self.report(Phase::Codegen, pattern.range.start(), message);
            }
        }
    }

    fn visit_class(&mut self, class: &'a StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(type_params) = &class.type_params {
            self.visit_type_params(type_params);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        if let Some(type_params) = &class.type_params {
            self.check_type_params(type_params);
        }
        self.declarations.push(Declarations::default());
        self.with_scope(Scope::Class, |this| this.visit_body(&class.body));
        self.declarations.pop();
    }

    /// A bare `*x` as a statement, an assigned value or an assignment target.
    fn check_starred(&mut self, stmt: &Stmt) {
        let (value, targets): (&Expr, &[Expr]) = match stmt {
            Stmt::Expr(expr_stmt) => (&*expr_stmt.value, &[]),
            Stmt::Assign(assign) => (&*assign.value, &assign.targets),
            _ => return,
        };
        if value.is_starred_expr() {
            self.report(
                Phase::Codegen,
                value.start(),
                "can't use starred expression here",
            );
        }
        for target in targets {
            let elements = match target {
                Expr::Tuple(tuple) => &tuple.elts[..],
                Expr::List(list) => &list.elts[..],
                _ => &[],
            };
            if elements.iter().filter(|e| e.is_starred_expr()).count() > 1 {
                self.report(
                    Phase::Codegen,
                    target.start(),
                    "multiple starred expressions in assignment",
                );
            }
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

impl Checker<'_> {
    /// Statements that need an enclosing function, loop or async function, and starred
    /// expressions out of place.
    fn check_flow(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Return(ret) => {
                if !matches!(self.scope(), Scope::Function { .. }) {
                    self.report(Phase::Codegen, stmt.start(), "'return' outside function");
                } else if ret.value.is_some()
                    && self.scope() == (Scope::Function { is_async: true })
                    && self.declarations.last().is_some_and(|d| d.is_generator)
                {
                    self.report(
                        Phase::Symtable,
                        stmt.start(),
                        "'return' with value in async generator",
                    );
                }
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
            }
            Stmt::With(with_stmt) if with_stmt.is_async && !self.in_async_function() => {
                self.report(
                    Phase::Codegen,
                    stmt.start(),
                    "'async with' outside async function",
                );
            }
            Stmt::Expr(_) | Stmt::Assign(_) => self.check_starred(stmt),
            Stmt::Break(_) if !self.in_loop() => {
                self.report(Phase::Codegen, stmt.start(), "'break' outside loop");
            }
            Stmt::Continue(_) if !self.in_loop() => {
                self.report(
                    Phase::Codegen,
                    stmt.start(),
                    "'continue' not properly in loop",
                );
            }
            Stmt::Match(match_stmt) => self.check_match(&match_stmt.cases),
            _ => {}
        }
    }

    /// `global`, `nonlocal` and imports that are only allowed in some scopes.
    fn check_declaration(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Nonlocal(_) if self.scope() == Scope::Module => {
                self.report(
                    Phase::Symtable,
                    stmt.start(),
                    "nonlocal declaration not allowed at module level",
                );
            }
            Stmt::Nonlocal(nonlocal) => self.declare(stmt, &nonlocal.names, false),
            Stmt::Global(global) => self.declare(stmt, &global.names, true),
            Stmt::AnnAssign(assign) => {
                let Some(name) = assign.target.as_name_expr() else {
                    return;
                };
                let id = name.id.as_str();
                let kind = self.declarations.last().and_then(|d| {
                    if d.globals.contains_key(id) {
                        Some("global")
                    } else {
                        d.nonlocals.contains_key(id).then_some("nonlocal")
                    }
                });
                if let Some(kind) = kind {
                    self.report(
                        Phase::Symtable,
                        stmt.start(),
                        format!("annotated name '{id}' can't be {kind}"),
                    );
                }
            }
            Stmt::ImportFrom(import) if self.scope() != Scope::Module => {
                let is_future = import.level == 0
                    && import
                        .module
                        .as_ref()
                        .is_some_and(|m| m.as_str() == "__future__");
                if is_future {
                    self.report(
                        Phase::Future,
                        stmt.start(),
                        "from __future__ imports must occur at the beginning of the file",
                    );
                }
                if let Some(star) = import.names.iter().find(|a| a.name.as_str() == "*") {
                    self.report(
                        Phase::Symtable,
                        star.start(),
                        "import * only allowed at module level",
                    );
                }
            }
            _ => {}
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

/// Whether a function body yields, not counting nested functions, classes and lambdas.
fn body_yields(body: &[Stmt]) -> bool {
    struct Finder {
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !self.found && !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.found = true,
                Expr::Lambda(_) => {}
                _ if !self.found => walk_expr(self, expr),
                _ => {}
            }
        }
    }
    let mut finder = Finder { found: false };
    finder.visit_body(body);
    finder.found
}
