//! Loading one contract: bytes to spanned YAML tree, the tree walked into a
//! [`Contract`] with every problem collected as a located [`Diagnostic`], and
//! the normalised copy written out.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::contract::codes;
use crate::contract::copy::{ModelSite, Rewrites, contract_copy};
use crate::contract::keys::TOP_KEYS;
use crate::contract::model::{
    Binding, ClassIndex, Contract, FieldType, HandlerDef, ModelRef, NodeType, Version,
};
use crate::contract::tree::{Node, Value, scalar_text};
use crate::diagnostics::{Diagnostic, Position, closest};

mod definitions;
mod fields;
mod handlers;
mod identity;
mod models;
mod text;

pub(in crate::contract) use handlers::handler_target;
pub use handlers::is_handler_contract;
pub(in crate::contract) use identity::parse_version_string;

use definitions::DefKind;
use text::{decode, located, parse_tree};

/// How strictly to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Keys that look like typos of known keys are errors, not warnings.
    pub strict: bool,
    /// The dotted import path of the output directory (`myproj.nodes`):
    /// module paths into the package start with it.
    pub package_prefix: Option<String>,
}

/// A contract that loaded, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub contract: Contract,
    pub warnings: Vec<Diagnostic>,
}

/// Parse and check one contract. Ok: the contract plus warnings. Err: every
/// error found (and warnings), all located.
pub fn load(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Loaded, Vec<Diagnostic>> {
    load_hashed(path, bytes, crate::digest::sha256_hex(bytes), options)
}

/// [`load`] for a caller that has hashed `bytes` already (`source_hash` is their SHA-256,
/// hex), so a contract is hashed once per run.
pub fn load_hashed(
    path: &Path,
    bytes: &[u8],
    source_hash: String,
    options: &LoadOptions,
) -> Result<Loaded, Vec<Diagnostic>> {
    let read = crate::profile::span("yaml read");
    let text = decode(path, bytes)?;
    let text: &str = &text;
    let root = parse_tree(path, text)?;
    drop(read);
    let _checks = crate::profile::span("contract checks");
    let mut walker = Walker {
        path,
        lines: text.lines().collect(),
        strict: options.strict,
        package_prefix: options.package_prefix.as_deref(),
        diagnostics: Vec::new(),
    };
    let contract = walker.contract(&root, source_hash);
    let (errors, warnings): (Vec<_>, Vec<_>) = walker
        .diagnostics
        .into_iter()
        .partition(Diagnostic::is_error);
    match contract {
        Some(contract) if errors.is_empty() => Ok(Loaded { contract, warnings }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            all.sort_by_key(|d| d.position);
            Err(all)
        }
    }
}

struct Walker<'a> {
    path: &'a Path,
    lines: Vec<&'a str>,
    strict: bool,
    package_prefix: Option<&'a str>,
    diagnostics: Vec<Diagnostic>,
}

impl Walker<'_> {
    fn error(&mut self, pos: Position, message: impl Into<String>, help: Option<String>) {
        let mut d = located(Diagnostic::error(self.path, message), pos, &self.lines);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diagnostics.push(d);
    }

    fn warn(
        &mut self,
        code: &'static str,
        pos: Position,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d =
            located(Diagnostic::warning(self.path, message), pos, &self.lines).with_code(code);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diagnostics.push(d);
    }

    /// Warn (or, when strict, fail) on keys one or two edits away from a known key.
    fn check_typos(&mut self, map: &Node, known: &[&str], context: &str) {
        let Some(entries) = map.as_map() else { return };
        for (key, _) in entries {
            let Some(k) = key.as_str() else { continue };
            if known.contains(&k) {
                continue;
            }
            if let Some(suggestion) = closest(k, known.iter().copied()) {
                let message = format!("unknown key '{k}'{context}, did you mean '{suggestion}'?");
                if self.strict {
                    self.error(key.pos, message, None);
                    if let Some(d) = self.diagnostics.last_mut() {
                        d.code = Some(codes::TYPO);
                    }
                } else {
                    self.warn(codes::TYPO, key.pos, message, None);
                }
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn contract(&mut self, root: &Node, source_hash: String) -> Option<Contract> {
        if root.as_map().is_none() {
            self.error(
                root.pos,
                format!(
                    "the top level of a contract must be a mapping, found {}",
                    root.kind()
                ),
                Some("start with `name: node_<what>_<type>`".to_owned()),
            );
            return None;
        }
        self.check_typos(root, TOP_KEYS, "");
        self.check_duplicate_keys(root);

        let name = self.name(root);
        let node_type = self.node_type(root);
        let contract_version = self.contract_version(root);
        let node_version = root
            .get("node_version")
            .and_then(|n| self.version_value(n, "node_version"));
        let description = self.description(root);
        let node_name = name.clone().unwrap_or_default();
        let class_name = self.class_name(root, &node_name);

        let definitions = self.definitions(root);
        let def_lookup: HashMap<String, FieldType> = definitions
            .iter()
            .flat_map(|d| {
                let ty = match d.kind {
                    DefKind::Model(_) => FieldType::Model(d.class_name.clone()),
                    DefKind::Enum(_) => FieldType::Enum(d.class_name.clone()),
                };
                [(d.key.clone(), ty.clone()), (d.class_name.clone(), ty)]
            })
            .collect();
        let def_names: Vec<&str> = definitions.iter().map(|d| d.key.as_str()).collect();

        let mut rewrites = Rewrites::default();
        let (mut models, enums) = self.definition_types(&definitions, &def_lookup, &def_names);

        let (typed_inputs, typed_outputs, mut operations) =
            self.io_operations(root, &def_lookup, &def_names);

        let mut io_refs = Vec::new();
        for key in ["input_model", "output_model", "state_model"] {
            let typed = match key {
                "input_model" => typed_inputs.as_deref(),
                "output_model" => typed_outputs.as_deref(),
                _ => None,
            };
            let model = root
                .get(key)
                .filter(|n| n.value != Value::Null)
                .and_then(|node| {
                    self.model_ref(
                        &ModelSite::Top(key.to_owned()),
                        node,
                        &node_name,
                        &def_lookup,
                        &def_names,
                        typed,
                        &mut models,
                        &mut rewrites,
                    )
                });
            io_refs.push(model);
        }
        let mut io_refs = io_refs.into_iter();
        let input_model = io_refs.next().flatten();
        let output_model = io_refs.next().flatten();

        let mut routes = self.routed_handlers(root);
        let known: Vec<&ModelRef> = input_model.iter().chain(output_model.iter()).collect();
        self.entry_models(
            &mut routes,
            &node_name,
            &def_lookup,
            &def_names,
            &known,
            &mut models,
            &mut rewrites,
        );

        self.check_class_collisions(&models, &enums, root.pos);

        let mut handlers = Self::handlers(
            routes,
            &node_name,
            input_model.as_ref(),
            output_model.as_ref(),
            &models,
            &mut operations,
            &mut rewrites,
        );

        self.check_generic_class_names(root, &class_name, &models, &enums);

        // Where the package is imported from: module paths into it, in the
        // copy and in the binding, start there.
        let import_path = match self.package_prefix {
            Some(prefix) => format!("{prefix}.{node_name}"),
            None => node_name.clone(),
        };
        rewrites.place_under(&node_name, &import_path);
        let (copy, binding) = copy_and_bind(
            root,
            node_type,
            contract_version,
            &rewrites,
            &import_path,
            &mut handlers,
            &mut operations,
            (input_model.as_ref(), output_model.as_ref()),
        );

        Some(Contract {
            source: self.path.to_path_buf(),
            source_hash,
            class_name,
            import_path,
            name: name?,
            node_type: node_type?,
            contract_version: contract_version?,
            node_version,
            description,
            input_model,
            output_model,
            models,
            enums,
            handlers,
            operations,
            binding,
            contract_yaml: copy,
            classes: ClassIndex::default(),
        })
    }

    fn check_duplicate_keys(&mut self, map: &Node) {
        // The reader refuses duplicate keys of one kind; this guards keys that
        // differ in YAML spelling but are equal as text (`1` and `"1"`).
        let Some(entries) = map.as_map() else { return };
        let mut seen = HashSet::new();
        for (key, _) in entries {
            let text = scalar_text(key);
            if !seen.insert(text.clone()) {
                self.error(key.pos, format!("duplicate key '{text}'"), None);
            }
        }
    }

    fn required<'n>(&mut self, map: &'n Node, key: &str, what: &str) -> Option<&'n Node> {
        let found = map.get(key);
        if found.is_none() {
            self.error(map.pos, format!("missing required key '{key}'{what}"), None);
        }
        found
    }

    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        if let Some(s) = node.as_str() {
            Some(s)
        } else {
            self.error(
                node.pos,
                format!("{what} must be a string, found {}", node.kind()),
                None,
            );
            None
        }
    }
}

/// The contract copy as written, with the runnable binding added (and a
/// default handler scaffolded into `handlers` when the contract names none).
#[allow(clippy::too_many_arguments)]
fn copy_and_bind(
    root: &Node,
    node_type: Option<NodeType>,
    contract_version: Option<Version>,
    rewrites: &Rewrites,
    node_name: &str,
    handlers: &mut Vec<HandlerDef>,
    operations: &mut Vec<String>,
    (input, output): (Option<&ModelRef>, Option<&ModelRef>),
) -> (String, Binding) {
    let (Some(t), Some(v), Some(mut copy)) = (
        node_type,
        contract_version,
        contract_copy(root, node_type, contract_version, rewrites),
    ) else {
        return (String::new(), Binding::default());
    };
    let binding = crate::contract::binding::bind(
        &mut copy, node_name, t, v.major, handlers, operations, input, output,
    );
    (crate::contract::tree::emit(&copy), binding)
}

/// Whitespace folded to single spaces: one paragraph.
pub(crate) fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
