//! Structural rules for the files of a generated node package: the node class and its base
//! (`CMP001`, `ONX001`, `ONX002`), handler classes (`CMP003`) and pydantic models and enums
//! (`ONX003`, `ONX006`, `ONX007`). Only module-level classes are judged; a file that does not
//! parse yields nothing here, since `check_syntax` reports it.

use std::collections::HashSet;
use std::path::Path;

use ruff_python_ast::{Expr, ModModule, Stmt, StmtClassDef};
use ruff_text_size::{Ranged, TextSize};

use super::rules::Rule;
use super::syntax::{self, Locator};
use crate::diagnostics::Diagnostic;

/// The ONEX node base classes of `omnibase_core.nodes`.
const NODE_BASES: &[&str] = &[
    "NodeEffect",
    "NodeCompute",
    "NodeReducer",
    "NodeOrchestrator",
];

const ENUM_BASES: &[&str] = &["Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"];

/// Which file of a node package is being checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRole {
    /// `node.py`; `base_class` is the expected base, e.g. `NodeCompute`, or `None` when no
    /// readable contract says which (any node base is then accepted).
    Node {
        base_class: Option<String>,
    },
    /// A file under `handlers/`; `routed` names the classes of this module that the node
    /// package's `contract.yaml` routes operations to (empty without a contract).
    Handler {
        routed: Vec<String>,
    },
    /// A file under `models/`.
    Model,
    /// An `__init__.py`.
    Init,
    /// A test module.
    Test,
    Other,
}

/// Structural findings for one file of a generated node package.
pub fn check_structure(path: &Path, source: &str, role: &FileRole) -> Vec<Diagnostic> {
    if !syntax::fits(source.len()) {
        return Vec::new();
    }
    let Ok(parsed) = syntax::parse(source) else {
        return Vec::new();
    };
    if !parsed.errors().is_empty() || parsed.depth.too_deep.is_some() {
        return Vec::new();
    }
    parsed.walk(|| check_module(path, &Locator::new(source), parsed.syntax(), role))
}

/// [`check_structure`] on a module already parsed without errors.
pub(super) fn check_module(
    path: &Path,
    locator: &Locator,
    module: &ModModule,
    role: &FileRole,
) -> Vec<Diagnostic> {
    let classes: Vec<&StmtClassDef> = module
        .body
        .iter()
        .filter_map(Stmt::as_class_def_stmt)
        .collect();
    let mut checker = Structure {
        path,
        locator,
        findings: Vec::new(),
    };
    if let FileRole::Node { base_class } = role {
        checker.node(&classes, base_class.as_deref());
    }
    if let FileRole::Handler { routed } = role {
        checker.handlers(&classes, routed);
    }
    if *role != FileRole::Test {
        checker.models(&classes, *role == FileRole::Model);
    }
    if naming_checked(path) {
        checker.generic_names(&classes);
    }
    checker.findings
}

struct Structure<'a> {
    path: &'a Path,
    locator: &'a Locator<'a>,
    findings: Vec<Diagnostic>,
}

impl Structure<'_> {
    fn report(&mut self, code: Rule, offset: TextSize, message: String, help: &str) {
        let finding = self.locator.finding(code, self.path, message, offset, help);
        self.findings.push(finding);
    }

    fn node(&mut self, classes: &[&StmtClassDef], expected: Option<&str>) {
        let nodes: Vec<&&StmtClassDef> = classes
            .iter()
            .filter(|class| base_names(class).any(|base| NODE_BASES.contains(&base)))
            .collect();
        if nodes.is_empty() {
            let (offset, message) =
                match classes.iter().find(|c| c.name.as_str().starts_with("Node")) {
                    Some(class) => (
                        class.name.start(),
                        format!(
                            "class `{}` does not derive from a node base",
                            class.name.as_str()
                        ),
                    ),
                    None => (TextSize::new(0), "no node class in node.py".to_owned()),
                };
            self.report(
                Rule::CMP001,
                offset,
                message,
                &format!(
                    "define `class Node<Name>({})` in node.py",
                    expected.unwrap_or("NodeCompute")
                ),
            );
            return;
        }
        for class in nodes {
            let name = class.name.as_str();
            if !is_node_name(name) {
                self.report(
                    Rule::ONX001,
                    class.name.start(),
                    format!("node class `{name}` is not named `Node` + PascalCase"),
                    "name the class like `NodeOrderTotalCompute`",
                );
            }
            let Some(expected) = expected else { continue };
            if !base_names(class).any(|base| base == expected) {
                let offset = class
                    .arguments
                    .as_ref()
                    .map_or(class.name.start(), |arguments| arguments.start());
                self.report(
                    Rule::ONX002,
                    offset,
                    format!("node class `{name}` does not derive from `{expected}`"),
                    &format!("the contract's node_type needs `{expected}` as the base class"),
                );
            }
        }
    }

    /// The framework's naming check (`onex validate --strict`): outside
    /// handler modules, a class name holding a generic word fails, whatever its case.
    fn generic_names(&mut self, classes: &[&StmtClassDef]) {
        for class in classes {
            let name = class.name.as_str();
            if name.ends_with("Error") || name.ends_with("Exception") {
                continue;
            }
            if let Some(word) = crate::contract::generic_class_word(name) {
                self.report(
                    Rule::ONX008,
                    class.name.start(),
                    format!("class `{name}` contains the generic word '{word}'"),
                    "name it after what it does in the domain (`onex validate --strict` refuses this)",
                );
            }
        }
    }

    /// `CMP003`: a class the contract routes to, with no entry point the framework's
    /// `RuntimeLocal` calls (`handle`, then `run_full_cycle`, `run`, `execute`). Bases of the
    /// same module are followed; a base from elsewhere may supply one, so it is trusted.
    fn handlers(&mut self, classes: &[&StmtClassDef], routed: &[String]) {
        for class in classes {
            let name = class.name.as_str();
            if !routed.iter().any(|r| r == name) || is_protocol(class) {
                continue;
            }
            if !has_entry_point(class, classes, 0) {
                self.report(
                    Rule::CMP003,
                    class.name.start(),
                    format!(
                        "handler class `{name}` has no `handle` method (nor `execute`, `run` or \
                         `run_full_cycle`), so the runtime cannot call it"
                    ),
                    "add `async def handle(self, request)`",
                );
            }
        }
    }

    fn models(&mut self, classes: &[&StmtClassDef], models_file: bool) {
        let mut models: HashSet<&str> = HashSet::new();
        let mut strict: HashSet<&str> = HashSet::new();
        let mut enums: HashSet<&str> = HashSet::new();
        let mut model_count = 0;
        for class in classes {
            let name = class.name.as_str();
            let bases: Vec<&str> = base_names(class).collect();
            if bases
                .iter()
                .any(|b| ENUM_BASES.contains(b) || enums.contains(b))
            {
                enums.insert(name);
                if !name.starts_with("Enum") {
                    self.report(
                        Rule::ONX003,
                        class.name.start(),
                        format!("enum `{name}` is not named `Enum*`"),
                        "prefix enum names with `Enum`",
                    );
                }
                continue;
            }
            if !bases
                .iter()
                .any(|b| *b == "BaseModel" || models.contains(b))
            {
                continue;
            }
            models.insert(name);
            model_count += 1;
            if !name.starts_with("Model") {
                self.report(
                    Rule::ONX003,
                    class.name.start(),
                    format!("model `{name}` is not named `Model*`"),
                    "prefix pydantic model names with `Model`",
                );
            }
            if forbids_extra(class) || sets_extra(class) || bases.iter().any(|b| strict.contains(b))
            {
                strict.insert(name);
            } else {
                self.report(
                    Rule::ONX006,
                    class.name.start(),
                    format!("model `{name}` does not forbid extra fields"),
                    "add `model_config = ConfigDict(extra=\"forbid\")`",
                );
            }
            if models_file && model_count == 2 {
                self.report(
                    Rule::ONX007,
                    class.name.start(),
                    format!("`{name}` is a second model class in this models/ file"),
                    "move each model to its own file",
                );
            }
        }
    }
}

/// The last component of each base class: `NodeCompute`, `pydantic.BaseModel` → `BaseModel`,
/// `Generic[T]` → `Generic`.
fn base_names(class: &StmtClassDef) -> impl Iterator<Item = &str> {
    class
        .arguments
        .iter()
        .flat_map(|arguments| arguments.args.iter())
        .filter_map(|base| {
            let base = match base {
                Expr::Subscript(subscript) => &*subscript.value,
                other => other,
            };
            match base {
                Expr::Name(name) => Some(name.id.as_str()),
                Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
                _ => None,
            }
        })
}

/// The methods `RuntimeLocal` calls on a handler, in the order it looks for them.
const ENTRY_POINTS: &[&str] = &["handle", "run_full_cycle", "run", "execute"];

/// Whether `class` defines an entry point or may inherit one: a base of the same module is
/// looked into, any other base (not `object`, ABC, Generic) is assumed to supply it.
fn has_entry_point(class: &StmtClassDef, module: &[&StmtClassDef], depth: usize) -> bool {
    let own = class.body.iter().any(|stmt| match stmt {
        Stmt::FunctionDef(def) => ENTRY_POINTS.contains(&def.name.as_str()),
        Stmt::Assign(assign) => assign.targets.iter().any(|t| {
            t.as_name_expr()
                .is_some_and(|n| ENTRY_POINTS.contains(&n.id.as_str()))
        }),
        _ => false,
    });
    own || (depth < 16
        && base_names(class).any(
            |base| match module.iter().find(|c| c.name.as_str() == base) {
                Some(parent) => has_entry_point(parent, module, depth + 1),
                None => !matches!(base, "object" | "ABC" | "Generic"),
            },
        ))
}

/// Whether the framework's naming check reads this file: not under a directory named
/// `errors`, `handlers` or `services`, and not `errors.py` (`checker_naming_convention`).
fn naming_checked(path: &Path) -> bool {
    let exempt_dir = path.parent().is_some_and(|dir| {
        dir.components().any(|c| {
            matches!(
                c.as_os_str().to_str(),
                Some("errors" | "handlers" | "services")
            )
        })
    });
    !exempt_dir && path.file_name().is_none_or(|n| n != "errors.py")
}

fn is_protocol(class: &StmtClassDef) -> bool {
    base_names(class).any(|base| base == "Protocol")
}

/// `Node` followed by a `PascalCase` word: letters and digits, starting upper-case.
fn is_node_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("Node") else {
        return false;
    };
    rest.chars().next().is_some_and(char::is_uppercase)
        && rest.chars().all(char::is_alphanumeric)
        && !NODE_BASES.contains(&name)
}

/// An `extra` setting other than forbid, chosen on purpose (`extra="ignore"` to read foreign
/// payloads): not an omission.
fn sets_extra(class: &StmtClassDef) -> bool {
    extra_matches(class, &|_| true)
}

fn forbids_extra(class: &StmtClassDef) -> bool {
    extra_matches(class, &is_forbid)
}

/// `model_config = ConfigDict(extra="forbid")`, `model_config = {"extra": "forbid"}` or the
/// class keyword `extra="forbid"`, for the `extra` values `wanted` accepts.
fn extra_matches(class: &StmtClassDef, wanted: &dyn Fn(&Expr) -> bool) -> bool {
    let keyword = class.arguments.as_ref().is_some_and(|arguments| {
        arguments.keywords.iter().any(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() == "extra")
                && wanted(&keyword.value)
        })
    });
    keyword
        || class.body.iter().any(|stmt| {
            let (targets, value): (Vec<&Expr>, Option<&Expr>) = match stmt {
                Stmt::Assign(assign) => (assign.targets.iter().collect(), Some(&assign.value)),
                Stmt::AnnAssign(assign) => (vec![&*assign.target], assign.value.as_deref()),
                _ => return false,
            };
            let is_config = targets.iter().any(|target| {
                target
                    .as_name_expr()
                    .is_some_and(|n| n.id.as_str() == "model_config")
            });
            is_config && value.is_some_and(|v| config_sets_extra(v, wanted))
        })
}

fn config_sets_extra(value: &Expr, wanted: &dyn Fn(&Expr) -> bool) -> bool {
    match value {
        Expr::Call(call) => call.arguments.keywords.iter().any(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_some_and(|arg| arg.as_str() == "extra")
                && wanted(&keyword.value)
        }),
        Expr::Dict(dict) => dict.items.iter().any(|item| {
            item.key.as_ref().is_some_and(|key| {
                key.as_string_literal_expr()
                    .is_some_and(|s| s.value.to_str() == "extra")
            }) && wanted(&item.value)
        }),
        _ => false,
    }
}

fn is_forbid(value: &Expr) -> bool {
    value
        .as_string_literal_expr()
        .is_some_and(|s| s.value.to_str() == "forbid")
}
