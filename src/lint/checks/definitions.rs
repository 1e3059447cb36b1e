//! Rules on function and class definitions: complexity (`QLT001`), stub bodies
//! (`STB002`, `STB003`), docstrings (`DOC001`), annotations (`TYP001`, `TYP002`) and
//! mutable defaults (`QLT003`).

use super::security::numeric_names;
use super::{Checker, MAX_COMPLEXITY, Scope, docstring, last_name};
use crate::diagnostics::Severity;
use crate::lint::rules::{self, Rule};
use ruff_python_ast::visitor::Visitor;
use ruff_python_ast::{Expr, Parameters, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::Ranged;

impl<'a> Checker<'a, '_> {
    /// `STB003` for the `raise NotImplementedError` statements of a body itself: one inside
    /// an if, a loop, a try, a with or a match is an answer for a case, not a stub.
    pub(super) fn direct_raises(&mut self, body: &[Stmt]) {
        for stmt in body {
            if let Stmt::Raise(raise) = stmt
                && let Some(exc) = &raise.exc
            {
                self.raise(exc);
            }
        }
    }

    /// Whether a `# stub-ok` comment sits on the def line of `def` (any line from its name
    /// to the end of its signature).
    pub(super) fn marked_stub_ok(&self, def: &StmtFunctionDef) -> bool {
        if self.options.stub_ok.is_empty() {
            return false;
        }
        let first = self.locator.position(def.name.start()).line;
        let last = def.body.first().map_or(first, |stmt| {
            self.locator.position(stmt.start()).line.saturating_sub(1)
        });
        (first..=last.max(first)).any(|line| self.options.stub_ok.contains(&line))
    }

    pub(super) fn function(&mut self, def: &'a StmtFunctionDef) {
        let (in_class, class_public, protocol, base_like) = match self.scopes.last() {
            Some(Scope::Class {
                public,
                protocol,
                base_like,
            }) => (true, *public, *protocol, *base_like),
            Some(Scope::Function { .. }) => (false, false, false, false),
            None => (false, true, false, false),
        };
        let name = def.name.as_str();
        let nested = self
            .scopes
            .iter()
            .any(|scope| matches!(scope, Scope::Function { .. }));
        let public = !nested && class_public && (!name.starts_with('_') || is_dunder(name));
        let decorators: Vec<&str> = def
            .decorator_list
            .iter()
            .filter_map(|decorator| last_name(&decorator.expression))
            .collect();
        let overload = decorators.contains(&"overload");
        // Stub bodies by intent: abstract, overload and Protocol methods, methods of base
        // classes, and functions marked `# stub-ok`.
        let abstract_like = protocol
            || overload
            || base_like
            || decorators.iter().any(|d| d.starts_with("abstract"))
            || self.marked_stub_ok(def);
        // A click/typer group or callback is a docstring by design; an `@override` that does
        // nothing is an empty hook on purpose.
        let empty_by_design = decorators
            .iter()
            .any(|d| matches!(*d, "group" | "callback" | "override"));
        if public && !is_dunder(name) {
            self.public_function(def, overload, abstract_like || empty_by_design);
        }
        if public {
            self.annotations(def, in_class && !decorators.contains(&"staticmethod"));
        }
        self.mutable_defaults(&def.parameters);
        for decorator in &def.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(returns) = &def.returns {
            self.visit_annotation(returns);
        }
        self.visit_parameters(&def.parameters);
        self.scopes.push(Scope::Function {
            complexity: 1,
            abstract_like,
        });
        self.direct_raises(&def.body);
        let mut numeric = numeric_names(&def.body);
        for parameter in &*def.parameters {
            numeric.remove(parameter.name().as_str());
        }
        self.numeric.push(numeric);
        self.visit_body(&def.body);
        self.numeric.pop();
        if let Some(Scope::Function { complexity, .. }) = self.scopes.pop()
            && complexity > MAX_COMPLEXITY
        {
            self.report(
                Rule::QLT001,
                def.name.start(),
                format!(
                    "function `{name}` has cyclomatic complexity {complexity} (over {MAX_COMPLEXITY})"
                ),
                "split it into smaller functions",
            );
        }
    }

    pub(super) fn public_function(
        &mut self,
        def: &StmtFunctionDef,
        overload: bool,
        abstract_like: bool,
    ) {
        let name = def.name.as_str();
        let doc = docstring(&def.body);
        if doc.is_none() && !overload {
            self.report(
                Rule::DOC001,
                def.name.start(),
                format!("public function `{name}` has no docstring"),
                "add a docstring saying what it does",
            );
        }
        let stub = def.body.iter().enumerate().all(|(index, stmt)| match stmt {
            Stmt::Pass(_) => true,
            Stmt::Expr(expr) => {
                expr.value.is_ellipsis_literal_expr()
                    || index == 0 && expr.value.is_string_literal_expr()
            }
            _ => false,
        });
        if stub && !abstract_like {
            self.report(
                Rule::STB002,
                def.name.start(),
                format!("public function `{name}` has an empty body"),
                "implement it, or mark it `@abstractmethod`",
            );
        }
    }

    pub(super) fn annotations(&mut self, def: &StmtFunctionDef, method: bool) {
        let name = def.name.as_str();
        if def.returns.is_none() && name != "__init__" {
            self.report(
                Rule::TYP001,
                def.name.start(),
                format!("public function `{name}` has no return annotation"),
                "add `-> ReturnType` (`-> None` when it returns nothing)",
            );
        }
        let parameters = &def.parameters;
        let mut positional = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .map(|p| &p.parameter);
        if method {
            positional.next();
        }
        let unannotated = positional
            .chain(parameters.vararg.as_deref())
            .chain(parameters.kwonlyargs.iter().map(|p| &p.parameter))
            .chain(parameters.kwarg.as_deref())
            .filter(|p| p.annotation.is_none());
        for parameter in unannotated {
            self.report(
                Rule::TYP002,
                parameter.name.start(),
                format!(
                    "parameter `{}` of public function `{name}` has no annotation",
                    parameter.name.as_str()
                ),
                "annotate the parameter's type",
            );
        }
    }

    pub(super) fn mutable_defaults(&mut self, parameters: &Parameters) {
        let defaults = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs)
            .filter_map(|p| p.default.as_deref());
        for default in defaults {
            if self.is_mutable(default) {
                self.report(
                    Rule::QLT003,
                    default.start(),
                    "mutable default argument".to_owned(),
                    "default to None and create the value inside the function",
                );
            }
        }
    }

    pub(super) fn is_mutable(&self, expr: &Expr) -> bool {
        match expr {
            Expr::List(_)
            | Expr::Dict(_)
            | Expr::Set(_)
            | Expr::ListComp(_)
            | Expr::DictComp(_)
            | Expr::SetComp(_) => true,
            Expr::Call(call) => self.qualified(&call.func).is_some_and(|name| {
                matches!(
                    name.as_str(),
                    "list"
                        | "dict"
                        | "set"
                        | "bytearray"
                        | "collections.defaultdict"
                        | "collections.OrderedDict"
                        | "collections.Counter"
                        | "collections.deque"
                )
            }),
            _ => false,
        }
    }

    pub(super) fn class(&mut self, class: &'a StmtClassDef) {
        let name = class.name.as_str();
        let enclosing_public = match self.scopes.last() {
            Some(Scope::Class { public, .. }) => *public,
            Some(Scope::Function { .. }) => false,
            None => true,
        };
        let public = enclosing_public && !name.starts_with('_');
        if public && docstring(&class.body).is_none() {
            self.report(
                Rule::DOC001,
                class.name.start(),
                format!("public class `{name}` has no docstring"),
                "add a docstring saying what the class is for",
            );
        }
        let protocol = class
            .arguments
            .iter()
            .flat_map(|a| a.args.iter())
            .any(|base| {
                let base = match base {
                    Expr::Subscript(subscript) => &*subscript.value,
                    other => other,
                };
                last_name(base) == Some("Protocol")
            });
        let base_like = is_base_class_name(name)
            || class.arguments.iter().any(|arguments| {
                arguments
                    .args
                    .iter()
                    .any(|base| matches!(last_name(base), Some("ABC")))
                    || arguments.keywords.iter().any(|keyword| {
                        keyword
                            .arg
                            .as_ref()
                            .is_some_and(|a| a.as_str() == "metaclass")
                            && last_name(&keyword.value) == Some("ABCMeta")
                    })
            });
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        self.scopes.push(Scope::Class {
            public,
            protocol,
            base_like,
        });
        self.visit_body(&class.body);
        self.scopes.pop();
    }

    pub(super) fn raise(&mut self, exc: &Expr) {
        let target = match exc {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        if last_name(target) != Some("NotImplementedError") || self.in_abstract_like() {
            return;
        }
        let mut diagnostic = self
            .locator
            .place_offset(
                rules::diagnostic(
                    Rule::STB003,
                    self.path,
                    "`raise NotImplementedError`: the code is not implemented",
                ),
                exc.start(),
            )
            .with_help("implement it");
        if self.options.scaffold {
            diagnostic.severity = Severity::Warning;
        }
        self.findings.push(diagnostic);
    }

    pub(super) fn in_abstract_like(&self) -> bool {
        self.scopes.iter().rev().any(|scope| match scope {
            Scope::Function { abstract_like, .. } => *abstract_like,
            Scope::Class { .. } => false,
        })
    }
}

/// `BaseStore`, `AbstractSink`, `StoreBase`, `MixinRetry`, `RetryMixin`: named as a class
/// meant to be derived from.
pub(super) fn is_base_class_name(name: &str) -> bool {
    let pascal_after = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    };
    pascal_after("Base")
        || pascal_after("Abstract")
        || pascal_after("Mixin")
        || (name.len() > 4 && name.ends_with("Base"))
        || (name.len() > 5 && name.ends_with("Mixin"))
}

pub(super) fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}
