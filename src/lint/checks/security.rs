//! Rules on calls and assignments: hard-coded secrets (`SEC001`), `eval` and
//! `exec` (`SEC002`), SQL built from values (`SEC003`), unsafe deserialisation
//! (`SEC004`), shell commands (`SEC005`) and `print` in node code (`QLT005`).

use super::{Checker, last_name};
use crate::lint::rules::Rule;
use crate::lint::structure::FileRole;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule, Operator, Stmt};
use ruff_text_size::Ranged;
use std::collections::HashSet;

impl Checker<'_, '_> {
    pub(super) fn secret_assignment(&mut self, target: &Expr, value: &Expr) {
        let name = match target {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return,
        };
        self.secret(name, value);
    }

    pub(super) fn secret(&mut self, name: &str, value: &Expr) {
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
            Rule::SEC001,
            value.start(),
            format!("hard-coded secret assigned to `{name}`"),
            "read it from the environment or a secret store",
        );
    }

    pub(super) fn yaml_load(&mut self, name: &str, call: &ExprCall) {
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
                Rule::SEC004,
                call.start(),
                format!("`{name}` without a safe Loader can run arbitrary code"),
                "use yaml.safe_load, or pass Loader=yaml.SafeLoader",
            );
        }
    }

    pub(super) fn subprocess(&mut self, name: &str, call: &ExprCall) {
        let shell = call
            .arguments
            .find_keyword("shell")
            .is_some_and(|keyword| !is_falsy(&keyword.value));
        if shell {
            self.report(
                Rule::SEC005,
                call.start(),
                format!("`{name}` with shell=True"),
                "pass an argument list without shell=True",
            );
        }
    }

    /// The dotted name of a call's function when it can be one that `call` looks for: the
    /// rules name builtins and a few modules, so other calls need not spell theirs out.
    pub(super) fn called(&self, func: &Expr) -> Option<String> {
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

    pub(super) fn call(&mut self, call: &ExprCall) {
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
                    Rule::QLT005,
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
                    Rule::SEC002,
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
                    Rule::SEC004,
                    call.start(),
                    format!("`{name}` can run arbitrary code from the data"),
                    "load data with json, or only unpickle data you produced",
                );
            }
            "yaml.load" | "yaml.load_all" => self.yaml_load(name, call),
            "yaml.unsafe_load" | "yaml.unsafe_load_all" => {
                self.report(
                    Rule::SEC004,
                    call.start(),
                    format!("`{name}` can run arbitrary code"),
                    "use yaml.safe_load",
                );
            }
            "os.system" | "os.popen" | "subprocess.getoutput" | "subprocess.getstatusoutput" => {
                self.report(
                    Rule::SEC005,
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
                Rule::SEC003,
                query.start(),
                "SQL built from values is passed to `execute`".to_owned(),
                "use a parameterised query: execute(\"... WHERE id = %s\", (value,))",
            );
        }
    }

    /// An f-string whose every placeholder is a number: nothing in it can change the query.
    pub(super) fn numbers_only(&self, query: &Expr) -> bool {
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
}

pub(super) fn is_safe_loader(name: &str) -> bool {
    matches!(
        name,
        "SafeLoader" | "CSafeLoader" | "BaseLoader" | "CBaseLoader"
    )
}

/// Module-level classes derived from a safe YAML loader, or from such a class defined above.
pub(super) fn safe_loader_classes(module: &ModModule) -> HashSet<String> {
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
pub(super) fn integer_format(spec: Option<&ruff_python_ast::InterpolatedStringFormatSpec>) -> bool {
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
pub(super) fn is_numeric(expr: &Expr, numeric: Option<&HashSet<String>>) -> bool {
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
pub(super) fn numeric_names(body: &[Stmt]) -> HashSet<String> {
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

pub(super) fn is_falsy(expr: &Expr) -> bool {
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
pub(super) fn is_built_string(expr: &Expr) -> bool {
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

pub(super) fn is_stringish(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            is_stringish(&binop.left) || is_stringish(&binop.right)
        }
        _ => false,
    }
}

pub(super) fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) => true,
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            is_literal(&binop.left) && is_literal(&binop.right)
        }
        _ => false,
    }
}

/// Words whose presence as the last word of a name makes it a secret.
pub(super) const SECRET_WORDS: &[&str] = &[
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
pub(super) const KEY_QUALIFIERS: &[&str] = &[
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
pub(in crate::lint) fn is_secret_name(name: &str) -> bool {
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

pub(super) fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A value that names a secret rather than holding one: an environment-variable name
/// (`KAFKA_SASL_PASSWORD`) or an identifier or key with a secret word in it
/// (`sasl_plain_password`, `api-key`).
pub(super) fn names_a_secret(value: &str) -> bool {
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
pub(super) fn looks_like_regex(value: &str) -> bool {
    ["(?:", "(?P<", "\\w", "\\d", "\\s", "\\b", "[^", ".*", ".+"]
        .iter()
        .any(|construct| value.contains(construct))
}

/// A value that only repeats its name, like the enum member `API_KEY = "api_key"`.
pub(super) fn same_words(value: &str, name: &str) -> bool {
    value.len() <= name.len() + 4 && split_words(value) == split_words(name)
}

/// `apiKey` → `api`, `key`; `DB_PASSWORD` → `db`, `password`; `HTTPToken` → `http`, `token`.
pub(super) fn split_words(name: &str) -> Vec<String> {
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
