//! The code rules that look at every statement and expression of a parsed module, in one walk:
//! stubs (`STB002`, `STB003`), quality (`QLT001`-`QLT005`), docstrings (`DOC001`), annotations
//! (`TYP001`, `TYP002`) and security (`SEC001`-`SEC005`). Names are resolved through the
//! module's imports, so `from pickle import loads` is `pickle.loads`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    Expr, ExprCall, ModModule, Operator, Parameters, Stmt, StmtClassDef, StmtFunctionDef,
};
use ruff_text_size::{Ranged, TextSize};

use super::rules;
use super::structure::FileRole;
use super::syntax::Locator;
use crate::diagnostics::{Diagnostic, Severity};

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
            "DOC001",
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

impl<'a> Checker<'a, '_> {
    fn report(&mut self, code: &'static str, offset: TextSize, message: String, help: &str) {
        let diagnostic = self
            .locator
            .place_offset(rules::diagnostic(code, self.path, message), offset)
            .with_help(help);
        self.findings.push(diagnostic);
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

    fn in_abstract_like(&self) -> bool {
        self.scopes.iter().rev().any(|scope| match scope {
            Scope::Function { abstract_like, .. } => *abstract_like,
            Scope::Class { .. } => false,
        })
    }

    /// `STB003` for the `raise NotImplementedError` statements of a body itself: one inside
    /// an if, a loop, a try, a with or a match is an answer for a case, not a stub.
    fn direct_raises(&mut self, body: &[Stmt]) {
        for stmt in body {
            if let Stmt::Raise(raise) = stmt
                && let Some(exc) = &raise.exc
            {
                self.raise(exc);
            }
        }
    }

    /// An f-string whose every placeholder is a number: nothing in it can change the query.
    fn numbers_only(&self, query: &Expr) -> bool {
        let Expr::FString(fstring) = query else {
            return false;
        };
        let numeric = self.numeric.last();
        fstring.value.iter().all(|part| {
            part.as_f_string().is_none_or(|f| {
                f.elements.iter().all(|element| match element {
                    ruff_python_ast::InterpolatedStringElement::Interpolation(value) => {
                        integer_format(value.format_spec.as_deref())
                            || is_numeric(&value.expression, numeric)
                    }
                    ruff_python_ast::InterpolatedStringElement::Literal(_) => true,
                })
            })
        })
    }

    /// Whether a `# stub-ok` comment sits on the def line of `def` (any line from its name
    /// to the end of its signature).
    fn marked_stub_ok(&self, def: &StmtFunctionDef) -> bool {
        if self.options.stub_ok.is_empty() {
            return false;
        }
        let first = self.locator.position(def.name.start()).line;
        let last = def.body.first().map_or(first, |stmt| {
            self.locator.position(stmt.start()).line.saturating_sub(1)
        });
        (first..=last.max(first)).any(|line| self.options.stub_ok.contains(&line))
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

    fn function(&mut self, def: &'a StmtFunctionDef) {
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
                "QLT001",
                def.name.start(),
                format!(
                    "function `{name}` has cyclomatic complexity {complexity} (over {MAX_COMPLEXITY})"
                ),
                "split it into smaller functions",
            );
        }
    }

    fn public_function(&mut self, def: &StmtFunctionDef, overload: bool, abstract_like: bool) {
        let name = def.name.as_str();
        let doc = docstring(&def.body);
        if doc.is_none() && !overload {
            self.report(
                "DOC001",
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
                "STB002",
                def.name.start(),
                format!("public function `{name}` has an empty body"),
                "implement it, or mark it `@abstractmethod`",
            );
        }
    }

    fn annotations(&mut self, def: &StmtFunctionDef, method: bool) {
        let name = def.name.as_str();
        if def.returns.is_none() && name != "__init__" {
            self.report(
                "TYP001",
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
                "TYP002",
                parameter.name.start(),
                format!(
                    "parameter `{}` of public function `{name}` has no annotation",
                    parameter.name.as_str()
                ),
                "annotate the parameter's type",
            );
        }
    }

    fn mutable_defaults(&mut self, parameters: &Parameters) {
        let defaults = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs)
            .filter_map(|p| p.default.as_deref());
        for default in defaults {
            if self.is_mutable(default) {
                self.report(
                    "QLT003",
                    default.start(),
                    "mutable default argument".to_owned(),
                    "default to None and create the value inside the function",
                );
            }
        }
    }

    fn is_mutable(&self, expr: &Expr) -> bool {
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

    fn class(&mut self, class: &'a StmtClassDef) {
        let name = class.name.as_str();
        let enclosing_public = match self.scopes.last() {
            Some(Scope::Class { public, .. }) => *public,
            Some(Scope::Function { .. }) => false,
            None => true,
        };
        let public = enclosing_public && !name.starts_with('_');
        if public && docstring(&class.body).is_none() {
            self.report(
                "DOC001",
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
                            "QLT004",
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

    fn raise(&mut self, exc: &Expr) {
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
                    "STB003",
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

    fn secret_assignment(&mut self, target: &Expr, value: &Expr) {
        let name = match target {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return,
        };
        self.secret(name, value);
    }

    fn secret(&mut self, name: &str, value: &Expr) {
        let Some(literal) = value.as_string_literal_expr() else {
            return;
        };
        let text = literal.value.to_str();
        let raw = literal
            .value
            .iter()
            .any(|part| part.flags.prefix().is_raw());
        if text.is_empty()
            || !is_secret_name(name)
            || same_words(text, name)
            || names_a_secret(text)
            || raw
            || looks_like_regex(text)
        {
            return;
        }
        self.report(
            "SEC001",
            value.start(),
            format!("hard-coded secret assigned to `{name}`"),
            "read it from the environment or a secret store",
        );
    }

    fn yaml_load(&mut self, name: &str, call: &ExprCall) {
        let loader = call
            .arguments
            .find_keyword("Loader")
            .map(|keyword| &keyword.value)
            .or_else(|| call.arguments.args.get(1));
        let safe = loader
            .and_then(last_name)
            .is_some_and(|loader| is_safe_loader(loader) || self.safe_loaders.contains(loader));
        if !safe {
            self.report(
                "SEC004",
                call.start(),
                format!("`{name}` without a safe Loader can run arbitrary code"),
                "use yaml.safe_load, or pass Loader=yaml.SafeLoader",
            );
        }
    }

    fn subprocess(&mut self, name: &str, call: &ExprCall) {
        let shell = call
            .arguments
            .find_keyword("shell")
            .is_some_and(|keyword| !is_falsy(&keyword.value));
        if shell {
            self.report(
                "SEC005",
                call.start(),
                format!("`{name}` with shell=True"),
                "pass an argument list without shell=True",
            );
        }
    }

    /// The dotted name of a call's function when it can be one that `call` looks for: the
    /// rules name builtins and a few modules, so other calls need not spell theirs out.
    fn called(&self, func: &Expr) -> Option<String> {
        let mut head = func;
        while let Expr::Attribute(attribute) = head {
            head = &attribute.value;
        }
        let Expr::Name(name) = head else {
            return None;
        };
        let id = name.id.as_str();
        let resolved = self.imports.get(id).map_or(id, String::as_str);
        let module = resolved.split('.').next().unwrap_or(resolved);
        let wanted = matches!(
            module,
            "builtins" | "pickle" | "cPickle" | "_pickle" | "yaml" | "os" | "subprocess"
        ) || matches!(resolved, "print" | "eval" | "exec" | "__import__");
        wanted.then(|| self.qualified(func)).flatten()
    }

    fn call(&mut self, call: &ExprCall) {
        let qualified = self.called(&call.func);
        let name = qualified.as_deref().unwrap_or("");
        for keyword in &call.arguments.keywords {
            if let Some(arg) = &keyword.arg {
                self.secret(arg.as_str(), &keyword.value);
            }
        }
        match name {
            "print"
                if matches!(
                    self.options.role,
                    FileRole::Node { .. } | FileRole::Handler { .. } | FileRole::Model
                ) =>
            {
                self.report(
                    "QLT005",
                    call.start(),
                    "`print` in node code".to_owned(),
                    "use a logger",
                );
            }
            "eval"
            | "exec"
            | "__import__"
            | "builtins.eval"
            | "builtins.exec"
            | "builtins.__import__" => {
                let short = name.trim_start_matches("builtins.");
                self.report(
                    "SEC002",
                    call.start(),
                    format!("call of `{short}` runs arbitrary code"),
                    if short == "__import__" {
                        "use importlib.import_module with a fixed set of names"
                    } else {
                        "parse data with ast.literal_eval or json.loads"
                    },
                );
            }
            "pickle.load" | "pickle.loads" | "pickle.Unpickler" | "cPickle.load"
            | "cPickle.loads" | "_pickle.load" | "_pickle.loads" => {
                self.report(
                    "SEC004",
                    call.start(),
                    format!("`{name}` can run arbitrary code from the data"),
                    "load data with json, or only unpickle data you produced",
                );
            }
            "yaml.load" | "yaml.load_all" => self.yaml_load(name, call),
            "yaml.unsafe_load" | "yaml.unsafe_load_all" => {
                self.report(
                    "SEC004",
                    call.start(),
                    format!("`{name}` can run arbitrary code"),
                    "use yaml.safe_load",
                );
            }
            "os.system" | "os.popen" | "subprocess.getoutput" | "subprocess.getstatusoutput" => {
                self.report(
                    "SEC005",
                    call.start(),
                    format!("`{name}` runs a shell command"),
                    "use subprocess.run with an argument list",
                );
            }
            _ if name.starts_with("subprocess.") => self.subprocess(name, call),
            _ => {}
        }
        if let Expr::Attribute(attribute) = &*call.func
            && matches!(
                attribute.attr.as_str(),
                "execute" | "executemany" | "executescript"
            )
            && let Some(query) = call
                .arguments
                .args
                .first()
                .or_else(|| call.arguments.find_keyword("sql").map(|k| &k.value))
                .or_else(|| call.arguments.find_keyword("query").map(|k| &k.value))
            && is_built_string(query)
            && !self.numbers_only(query)
        {
            self.report(
                "SEC003",
                query.start(),
                "SQL built from values is passed to `execute`".to_owned(),
                "use a parameterised query: execute(\"... WHERE id = %s\", (value,))",
            );
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
                            "QLT002",
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

fn is_safe_loader(name: &str) -> bool {
    matches!(
        name,
        "SafeLoader" | "CSafeLoader" | "BaseLoader" | "CBaseLoader"
    )
}

/// Module-level classes derived from a safe YAML loader, or from such a class defined above.
fn safe_loader_classes(module: &ModModule) -> HashSet<String> {
    let mut safe = HashSet::new();
    for class in module.body.iter().filter_map(Stmt::as_class_def_stmt) {
        let derived = class
            .arguments
            .iter()
            .flat_map(|a| a.args.iter())
            .any(|base| last_name(base).is_some_and(|b| is_safe_loader(b) || safe.contains(b)));
        if derived {
            safe.insert(class.name.to_string());
        }
    }
    safe
}

/// A `:d` (or `:x`, `:o`, `:b`, `:n`) format, which fails for anything but an integer.
fn integer_format(spec: Option<&ruff_python_ast::InterpolatedStringFormatSpec>) -> bool {
    spec.is_some_and(|spec| {
        spec.elements.iter().all(|element| match element {
            ruff_python_ast::InterpolatedStringElement::Literal(text) => text
                .value
                .trim_end()
                .ends_with(['d', 'x', 'X', 'o', 'b', 'n']),
            ruff_python_ast::InterpolatedStringElement::Interpolation(_) => false,
        }) && !spec.elements.is_empty()
    })
}

/// A numeric literal, an `int()`, `float()` or `len()` call, or a name of `numeric`.
fn is_numeric(expr: &Expr, numeric: Option<&HashSet<String>>) -> bool {
    match expr {
        Expr::NumberLiteral(_) => true,
        Expr::Call(call) => matches!(
            &*call.func,
            Expr::Name(name) if matches!(name.id.as_str(), "int" | "float" | "len")
        ),
        Expr::Name(name) => numeric.is_some_and(|set| set.contains(name.id.as_str())),
        Expr::UnaryOp(op) => is_numeric(&op.operand, numeric),
        _ => false,
    }
}

/// The local names of a function body whose every assignment is a number (see
/// [`is_numeric`]); nested functions and classes are not looked into.
fn numeric_names(body: &[Stmt]) -> HashSet<String> {
    struct Assignments {
        numeric: HashSet<String>,
        other: HashSet<String>,
    }
    impl<'a> Visitor<'a> for Assignments {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let mut record = |target: &Expr, value: Option<&Expr>| {
                if let Expr::Name(name) = target {
                    let id = name.id.to_string();
                    if value.is_some_and(|v| is_numeric(v, None)) {
                        self.numeric.insert(id);
                    } else {
                        self.other.insert(id);
                    }
                } else {
                    // Tuple targets, loop variables and the like: their names are not known
                    // to be numbers.
                    let mut names = NameCollector(Vec::new());
                    names.visit_expr(target);
                    self.other.extend(names.0);
                }
            };
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        record(target, Some(&assign.value));
                    }
                }
                Stmt::AnnAssign(assign) => record(&assign.target, assign.value.as_deref()),
                Stmt::AugAssign(assign) => record(&assign.target, None),
                Stmt::For(stmt_for) => record(&stmt_for.target, None),
                Stmt::With(with) => {
                    for item in &with.items {
                        if let Some(target) = &item.optional_vars {
                            record(target, None);
                        }
                    }
                }
                _ => {}
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    struct NameCollector(Vec<String>);
    impl<'a> Visitor<'a> for NameCollector {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.0.push(name.id.to_string());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut assignments = Assignments {
        numeric: HashSet::new(),
        other: HashSet::new(),
    };
    assignments.visit_body(body);
    let Assignments { numeric, other } = assignments;
    numeric.into_iter().filter(|n| !other.contains(n)).collect()
}

/// `BaseStore`, `AbstractSink`, `StoreBase`, `MixinRetry`, `RetryMixin`: named as a class
/// meant to be derived from.
fn is_base_class_name(name: &str) -> bool {
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

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
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

fn is_falsy(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => !literal.value,
        Expr::NoneLiteral(_) => true,
        Expr::NumberLiteral(number) => number
            .value
            .as_int()
            .is_some_and(|int| int.as_u8() == Some(0)),
        _ => false,
    }
}

/// A string built from values: an f-string with a placeholder, `"..." % x`, `"..." + x`
/// or `"...".format(x)`.
fn is_built_string(expr: &Expr) -> bool {
    match expr {
        Expr::FString(fstring) => fstring.value.iter().any(|part| {
            part.as_f_string().is_some_and(|f| {
                f.elements
                    .iter()
                    .any(ruff_python_ast::InterpolatedStringElement::is_interpolation)
            })
        }),
        Expr::BinOp(binop) => match binop.op {
            Operator::Mod => is_stringish(&binop.left),
            Operator::Add => {
                (is_stringish(&binop.left) || is_stringish(&binop.right))
                    && !(is_literal(&binop.left) && is_literal(&binop.right))
            }
            _ => false,
        },
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "format" && is_stringish(&attribute.value)
            }
            _ => false,
        },
        _ => false,
    }
}

fn is_stringish(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            is_stringish(&binop.left) || is_stringish(&binop.right)
        }
        _ => false,
    }
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) => true,
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            is_literal(&binop.left) && is_literal(&binop.right)
        }
        _ => false,
    }
}

/// Words whose presence as the last word of a name makes it a secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "credential",
    "credentials",
    "passphrase",
    "apikey",
];

/// Words that make a following `key` a secret: `api_key`, `private_key`, ...
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "private",
    "secret",
    "access",
    "signing",
    "encryption",
    "auth",
];

/// Whether `name` names a secret: its last word (`snake_case` or `camelCase`) is a secret word,
/// or `key` after a qualifier.
pub(super) fn is_secret_name(name: &str) -> bool {
    // Most names hold no secret word at all; an ASCII one can be told so without splitting.
    // (Lower-casing other text can make ASCII letters, as the Kelvin sign does.)
    if name.is_ascii()
        && !SECRET_WORDS
            .iter()
            .chain(&["key"])
            .any(|word| contains_ignore_case(name, word))
    {
        return false;
    }
    let words = split_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if SECRET_WORDS.contains(&last.as_str()) {
        return true;
    }
    last == "key" && words.len() >= 2 && KEY_QUALIFIERS.contains(&words[words.len() - 2].as_str())
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A value that names a secret rather than holding one: an environment-variable name
/// (`KAFKA_SASL_PASSWORD`) or an identifier or key with a secret word in it
/// (`sasl_plain_password`, `api-key`).
fn names_a_secret(value: &str) -> bool {
    let identifier = value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if !identifier {
        return false;
    }
    let words = split_words(value);
    let env_name = value.contains('_')
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    env_name
        || words.len() >= 2
            && words
                .iter()
                .any(|w| SECRET_WORDS.contains(&w.as_str()) || w == "key")
}

/// Text with regular-expression syntax: a pattern, such as a lexer's `TOKEN`.
fn looks_like_regex(value: &str) -> bool {
    ["(?:", "(?P<", "\\w", "\\d", "\\s", "\\b", "[^", ".*", ".+"]
        .iter()
        .any(|construct| value.contains(construct))
}

/// A value that only repeats its name, like the enum member `API_KEY = "api_key"`.
fn same_words(value: &str, name: &str) -> bool {
    value.len() <= name.len() + 4 && split_words(value) == split_words(name)
}

/// `apiKey` → `api`, `key`; `DB_PASSWORD` → `db`, `password`; `HTTPToken` → `http`, `token`.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let previous = chars[index - 1];
            let next_lower = chars.get(index + 1).is_some_and(|n| n.is_lowercase());
            if previous.is_lowercase()
                || previous.is_numeric()
                || (previous.is_uppercase() && next_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}
