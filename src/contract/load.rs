//! Loading one contract: bytes to spanned YAML tree, the tree walked into a
//! [`Contract`] with every problem collected as a located [`Diagnostic`], and
//! the normalised copy written out.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::codes;
use super::copy::{ModelSite, Rewrites, contract_copy};
use super::keys::{DEFINITION_KEYS, FIELD_KEYS, MODEL_KEYS, ROUTING_KEYS, TOP_KEYS, VERSION_PARTS};
use super::model::{
    Binding, ClassIndex, Constraints, Contract, EnumDef, EnumMember, FieldDef, FieldType,
    HandlerDef, HandlerKind, ModelDef, ModelLocation, ModelRef, NodeType, Version,
};
use super::naming::{
    contract_acronyms, did_you_mean, enum_member_name, field_identifier, is_identifier,
    is_snake_identifier, module_stem, node_class_name_with, prefixed_class,
};
use super::tree::{Node, Value, scalar_text};
use super::types::{TypeError, make_optional, parse_type};
use super::yaml;
use crate::diagnostics::{Diagnostic, Position};

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

const NODE_TYPE_HELP: &str = "use EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC or \
     ORCHESTRATOR_GENERIC (also accepted: effect_generic, effect, EFFECT, ...)";

/// Parse and check one contract. Ok: the contract plus warnings. Err: every
/// error found (and warnings), all located.
pub fn load(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Loaded, Vec<Diagnostic>> {
    let source_hash = {
        let _span = crate::profile::span("hash");
        hex(&Sha256::digest(bytes))
    };
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

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Bytes to text, refusing binary and non-UTF-8 input with a position. Lone `\r` line
/// breaks (valid YAML) become `\n`, byte for byte, so positions stay the same: the YAML
/// reader and the line index only know `\n` and `\r\n`.
fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, Vec<Diagnostic>> {
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let pos = byte_position(bytes, at);
        return Err(vec![
            Diagnostic::error(
                path,
                "this is a binary file, not a YAML contract (NUL byte)",
            )
            .at(pos),
        ]);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let pos = byte_position(bytes, e.valid_up_to());
        vec![
            Diagnostic::error(path, "the contract is not valid UTF-8 text")
                .at(pos)
                .with_help("save the file as UTF-8"),
        ]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = lone_cr_to_lf(text);
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "---");
    if !meaningful {
        return Err(vec![
            Diagnostic::error(path, "the contract is empty")
                .at(Position::new(1, 1))
                .with_help("a contract needs at least name, node_type and contract_version"),
        ]);
    }
    Ok(text)
}

/// `text` with each `\r` that no `\n` follows replaced by `\n`.
fn lone_cr_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |at: usize| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for at in (0..bytes.len()).filter(|&at| lone(at)) {
        out.push_str(&text[start..at]);
        out.push('\n');
        start = at + 1;
    }
    out.push_str(&text[start..]);
    std::borrow::Cow::Owned(out)
}

/// Place a diagnostic, showing its source line unless that line is too long to read.
fn located(diagnostic: Diagnostic, pos: Position, lines: &[&str]) -> Diagnostic {
    let mut diagnostic = diagnostic.at(pos);
    diagnostic.source_line = lines
        .get(pos.line.saturating_sub(1))
        .filter(|line| line.len() <= MAX_SHOWN_LINE)
        .map(|line| (*line).to_owned());
    diagnostic
}

/// Longer source lines are not echoed under a diagnostic.
const MAX_SHOWN_LINE: usize = 400;

fn byte_position(bytes: &[u8], at: usize) -> Position {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.split(|&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position::new(line, column)
}

/// Nesting allowed in a contract (published ones reach 8).
const MAX_DEPTH: usize = 32;
/// Nodes allowed in a contract, aliases counted at every use (published ones
/// have a few hundred): a bound on the memory an alias bomb can ask for.
const MAX_NODES: usize = 500_000;

fn parse_tree(path: &Path, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let limits = yaml::Limits {
        max_depth: MAX_DEPTH,
        max_nodes: MAX_NODES,
    };
    // A fault in the reader on some input is that file's error, not the run's end.
    let read = std::panic::catch_unwind(|| yaml::read(text, limits)).unwrap_or_else(|_| {
        Err(yaml::YamlError {
            kind: yaml::YamlErrorKind::Syntax,
            message: "the YAML reader failed on this file".to_owned(),
            pos: Position::new(1, 1),
        })
    });
    read.map_err(|error| {
        let message = match error.kind {
            yaml::YamlErrorKind::Limit => {
                format!("the file exceeds the reader's limits ({})", error.message)
            }
            yaml::YamlErrorKind::Depth | yaml::YamlErrorKind::Syntax => error.message,
        };
        let lines: Vec<&str> = text.lines().collect();
        vec![located(
            Diagnostic::error(path, format!("invalid YAML: {message}")),
            error.pos,
            &lines,
        )]
    })
}

struct Walker<'a> {
    path: &'a Path,
    lines: Vec<&'a str>,
    strict: bool,
    package_prefix: Option<&'a str>,
    diagnostics: Vec<Diagnostic>,
}

/// What a definitions entry declares.
enum DefKind<'n> {
    Model(&'n Node),
    Enum(&'n Node),
}

struct Definition<'n> {
    key: String,
    class_name: String,
    module: String,
    description: String,
    kind: DefKind<'n>,
    pos: Position,
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
            if let Some(suggestion) = did_you_mean(k, known) {
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

    /// The node class: `class_name` when the contract sets it (for acronyms:
    /// `NodeLLMCompletionEffect`), else the naming rule applied to `name`.
    fn class_name(&mut self, root: &Node, node_name: &str) -> String {
        let mut texts = Vec::new();
        collect_strings(root, &mut texts);
        let derived = node_class_name_with(node_name, &contract_acronyms(texts));
        let Some(node) = root.get("class_name") else {
            return derived;
        };
        match node.as_str() {
            Some(text)
                if text.starts_with("Node")
                    && text.len() > 4
                    && text[4..].starts_with(|c: char| c.is_ascii_uppercase())
                    && is_identifier(text)
                    && !super::naming::is_keyword(text) =>
            {
                text.to_owned()
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "class_name must be `Node` followed by a PascalCase identifier, found {}",
                        super::tree::inline_scalar(node)
                    ),
                    Some(format!("leave it out to get `{derived}`")),
                );
                derived
            }
        }
    }

    /// Warns about class names `onex validate --strict` refuses outside
    /// `handlers/`: any holding a generic word (case-insensitive), as the
    /// framework's naming checker does.
    fn check_generic_class_names(
        &mut self,
        root: &Node,
        node_class: &str,
        models: &[ModelDef],
        enums: &[EnumDef],
    ) {
        let classes = std::iter::once(node_class)
            .chain(models.iter().map(|m| m.class_name.as_str()))
            .chain(enums.iter().map(|e| e.class_name.as_str()));
        for class in classes {
            let Some(word) = super::naming::generic_class_word(class) else {
                continue;
            };
            // Point at the first line naming the class (or its snake-case key); else at `name`.
            let snake = heck::ToSnakeCase::to_snake_case(class);
            let stem = snake
                .trim_start_matches("node_")
                .trim_start_matches("model_")
                .trim_start_matches("enum_");
            let pos = self
                .lines
                .iter()
                .position(|l| l.contains(class) || (class != node_class && l.contains(stem)))
                .map(|i| Position::new(i + 1, 1))
                .or_else(|| root.get("name").map(|n| n.pos))
                .unwrap_or(root.pos);
            self.warn(
                codes::GENERIC_WORD,
                pos,
                format!(
                    "class `{class}` contains '{word}', a generic word `onex validate --strict` refuses in class names"
                ),
                Some("use a specific domain word in the name (or `class_name:` for the node class)".to_owned()),
            );
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

    /// Models and enums declared in `definitions`, models in dependency order.
    fn definition_types(
        &mut self,
        definitions: &[Definition<'_>],
        def_lookup: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> (Vec<ModelDef>, Vec<EnumDef>) {
        let mut enums: Vec<EnumDef> = Vec::new();
        let mut def_models = Vec::new();
        for def in definitions {
            match def.kind {
                DefKind::Model(fields) => {
                    let fields = self.fields(fields, def_lookup, def_names);
                    def_models.push((
                        def.pos,
                        ModelDef {
                            class_name: def.class_name.clone(),
                            module: def.module.clone(),
                            description: def.description.clone(),
                            fields,
                            declared: true,
                        },
                    ));
                }
                DefKind::Enum(values) => {
                    if let Some(e) = self.enum_def(def, values) {
                        enums.push(e);
                    }
                }
            }
        }
        let models = self
            .dependency_order(&def_models)
            .into_iter()
            .map(|index| def_models[index].1.clone())
            .collect();
        (models, enums)
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

    fn name(&mut self, root: &Node) -> Option<String> {
        let node = self.required(root, "name", "")?;
        let name = self.string(node, "'name'")?;
        // A dotted name (`omnimarket.node_x_compute`) names the node by its
        // last part; the copy keeps the name as written.
        let last = name.rsplit('.').next().unwrap_or(name);
        if name.split('.').all(is_snake_identifier) {
            if let Some(reason) = super::naming::node_name_problem(last) {
                let cleaned: Vec<&str> = last.split('_').filter(|w| !w.is_empty()).collect();
                let help = match cleaned.as_slice() {
                    ["node"] | [] => {
                        "name what the node does, e.g. 'node_text_trim_compute'".to_owned()
                    }
                    words if last.len() <= super::naming::MAX_NAME_LEN => {
                        format!("use '{}'", words.join("_"))
                    }
                    _ => "use a shorter name; the node's description can say the rest".to_owned(),
                };
                self.error(
                    node.pos,
                    format!("node name {} {reason}", super::naming::quoted_name(last)),
                    Some(help),
                );
                return None;
            }
            return Some(last.to_owned());
        }
        let suggestion = heck::ToSnakeCase::to_snake_case(name);
        let help = if is_snake_identifier(&suggestion) {
            format!("use snake case, e.g. '{suggestion}'")
        } else {
            "use lower snake case letters, digits and underscores, starting with a letter"
                .to_owned()
        };
        let reason = if super::naming::is_keyword(name) {
            "is a Python keyword"
        } else {
            "is not a valid Python package name"
        };
        self.error(node.pos, format!("node name '{name}' {reason}"), Some(help));
        None
    }

    fn node_type(&mut self, root: &Node) -> Option<NodeType> {
        let node = self.required(root, "node_type", "")?;
        let text = self.string(node, "'node_type'")?;
        let found = NodeType::from_contract(text);
        if found.is_none() {
            self.error(
                node.pos,
                format!("unknown node_type '{text}'"),
                Some(NODE_TYPE_HELP.to_owned()),
            );
        }
        found
    }

    fn contract_version(&mut self, root: &Node) -> Option<Version> {
        match (root.get("contract_version"), root.get("version")) {
            (Some(node), version) => {
                if let Some(v) = version {
                    self.warn(
                        codes::VERSION_KEY,
                        root_key_pos(root, "version").unwrap_or(v.pos),
                        "top-level 'version' beside 'contract_version' is dropped from the copy",
                        Some("ModelYamlContract refuses a top-level 'version' key".to_owned()),
                    );
                }
                self.version_value(node, "contract_version")
            }
            (None, Some(node)) => {
                self.warn(
                    codes::VERSION_KEY,
                    root_key_pos(root, "version").unwrap_or(node.pos),
                    "top-level 'version' is used as 'contract_version'",
                    Some("rename it to 'contract_version'".to_owned()),
                );
                self.version_value(node, "version")
            }
            (None, None) => {
                self.error(root.pos, "missing required key 'contract_version'", None);
                None
            }
        }
    }

    /// A `{major, minor, patch}` mapping or a `"1.2.3"` string (with a warning).
    fn version_value(&mut self, node: &Node, key: &str) -> Option<Version> {
        match &node.value {
            Value::Map(_) => {
                self.check_typos(node, &VERSION_PARTS, &format!(" in '{key}'"));
                let mut parts = [0u64; 3];
                let mut ok = true;
                for (slot, part) in parts.iter_mut().zip(VERSION_PARTS) {
                    match node.get(part) {
                        None => {
                            self.error(
                                node.pos,
                                format!("missing required key '{key}.{part}'"),
                                None,
                            );
                            ok = false;
                        }
                        Some(Node {
                            value: Value::Int(i),
                            pos,
                        }) => {
                            if let Ok(v) = u64::try_from(*i) {
                                *slot = v;
                            } else {
                                self.error(
                                    *pos,
                                    format!("'{key}.{part}' must be a non-negative integer"),
                                    None,
                                );
                                ok = false;
                            }
                        }
                        Some(other) => {
                            self.error(
                                other.pos,
                                format!(
                                    "'{key}.{part}' must be a non-negative integer, found {}",
                                    other.kind()
                                ),
                                None,
                            );
                            ok = false;
                        }
                    }
                }
                ok.then_some(Version {
                    major: parts[0],
                    minor: parts[1],
                    patch: parts[2],
                })
            }
            Value::Str(s) => {
                if let Some(v) = parse_version_string(s) {
                    if key == "contract_version" {
                        self.warn(
                            codes::VERSION_STRING,
                            node.pos,
                            format!("'{key}' is a string; it is written as a mapping in the copy"),
                            Some(format!(
                                "write `{key}: {{major: {}, minor: {}, patch: {}}}`",
                                v.major, v.minor, v.patch
                            )),
                        );
                    }
                    Some(v)
                } else {
                    self.error(
                        node.pos,
                        format!("'{key}' must look like \"1.2.3\", found '{s}'"),
                        None,
                    );
                    None
                }
            }
            Value::Float(_) | Value::Int(_) => {
                self.error(
                    node.pos,
                    format!("'{key}' must be a mapping {{major, minor, patch}} or a \"1.2.3\" string, found {}", node.kind()),
                    Some("quote it: \"1.0.0\"".to_owned()),
                );
                None
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "'{key}' must be a mapping {{major, minor, patch}}, found {}",
                        node.kind()
                    ),
                    None,
                );
                None
            }
        }
    }

    fn description(&mut self, root: &Node) -> String {
        match root.get("description") {
            None
            | Some(Node {
                value: Value::Null, ..
            }) => String::new(),
            Some(node) => self
                .string(node, "'description'")
                .map(fold)
                .unwrap_or_default(),
        }
    }

    /// Collect `definitions` entries that declare `fields` (models) or `enum`/`values` (enums),
    /// hoisting nested `definitions` maps into one namespace.
    fn definitions<'n>(&mut self, root: &'n Node) -> Vec<Definition<'n>> {
        let mut out = Vec::new();
        if let Some(defs) = root.get("definitions") {
            self.collect_definitions(defs, &mut out, 0);
        }
        let mut seen: HashMap<String, Position> = HashMap::new();
        let mut unique = Vec::new();
        for def in out {
            if seen.contains_key(&def.class_name) {
                self.error(
                    def.pos,
                    format!(
                        "definition '{}' is declared twice (as {})",
                        def.key, def.class_name
                    ),
                    None,
                );
            } else {
                seen.insert(def.class_name.clone(), def.pos);
                unique.push(def);
            }
        }
        unique
    }

    fn collect_definitions<'n>(
        &mut self,
        defs: &'n Node,
        out: &mut Vec<Definition<'n>>,
        depth: usize,
    ) {
        let Some(entries) = defs.as_map() else {
            if depth == 0 {
                self.error(
                    defs.pos,
                    format!("'definitions' must be a mapping, found {}", defs.kind()),
                    None,
                );
            }
            return;
        };
        for (key, spec) in entries {
            let Some(key_text) = key.as_str() else {
                continue;
            };
            if spec.as_map().is_none() {
                continue;
            }
            self.check_typos(
                spec,
                DEFINITION_KEYS,
                &format!(" in definition '{key_text}'"),
            );
            if let Some(nested) = spec.get("definitions")
                && depth < 16
            {
                self.collect_definitions(nested, out, depth + 1);
            }
            let description = spec
                .get("description")
                .and_then(Node::as_str)
                .map(fold)
                .unwrap_or_default();
            let is_enum = spec.get("enum").is_some()
                || (spec.get("values").is_some() && spec.get("fields").is_none());
            let kind = if let Some(fields) = spec.get("fields") {
                DefKind::Model(fields)
            } else if is_enum {
                DefKind::Enum(
                    spec.get("enum")
                        .or_else(|| spec.get("values"))
                        .unwrap_or(spec),
                )
            } else {
                // JSON-schema style definitions (`type: object`, `properties`) are kept, not rendered.
                continue;
            };
            let prefix = match kind {
                DefKind::Model(_) => "Model",
                DefKind::Enum(_) => "Enum",
            };
            let class_name = prefixed_class(prefix, key_text);
            if !is_identifier(&class_name) {
                self.error(
                    key.pos,
                    format!("definition name '{key_text}' cannot become a Python class name"),
                    None,
                );
                continue;
            }
            if let Some(message) = super::naming::too_long("definition name", key_text) {
                self.error(key.pos, message, Some("use a shorter name".to_owned()));
                continue;
            }
            let module = module_stem(&prefix.to_ascii_lowercase(), &class_name);
            out.push(Definition {
                key: key_text.to_owned(),
                class_name,
                module,
                description,
                kind,
                pos: key.pos,
            });
        }
    }

    fn enum_def(&mut self, def: &Definition<'_>, values: &Node) -> Option<EnumDef> {
        let Some(items) = values.as_seq() else {
            self.error(
                values.pos,
                format!(
                    "enum '{}' values must be a list, found {}",
                    def.key,
                    values.kind()
                ),
                None,
            );
            return None;
        };
        if items.is_empty() {
            self.error(
                values.pos,
                format!("enum '{}' has no values", def.key),
                None,
            );
            return None;
        }
        let mut members: Vec<EnumMember> = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let value = match &item.value {
                Value::Str(s) => s.clone(),
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => scalar_text(item),
                _ => {
                    self.error(
                        item.pos,
                        format!("enum values must be scalars, found {}", item.kind()),
                        None,
                    );
                    continue;
                }
            };
            let name = enum_member_name(&value, i);
            if taken.contains(&name) || !taken.insert(format!("={value}")) {
                self.error(
                    item.pos,
                    format!(
                        "enum value '{value}' repeats or collides with another member ({name})"
                    ),
                    None,
                );
                continue;
            }
            taken.insert(name.clone());
            members.push(EnumMember { name, value });
        }
        Some(EnumDef {
            class_name: def.class_name.clone(),
            module: def.module.clone(),
            description: def.description.clone(),
            members,
        })
    }

    /// Inline `fields`: a mapping `name: TYPE` or `name: {type, ...}`.
    fn fields(
        &mut self,
        fields: &Node,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Vec<FieldDef> {
        let Some(entries) = fields.as_map() else {
            self.error(
                fields.pos,
                format!(
                    "'fields' must be a mapping of field name to type, found {}",
                    fields.kind()
                ),
                None,
            );
            return Vec::new();
        };
        let mut out: Vec<FieldDef> = Vec::with_capacity(entries.len());
        let mut taken: HashSet<String> = HashSet::new();
        for (key, spec) in entries {
            let Some(raw) = key.as_str() else {
                self.error(
                    key.pos,
                    format!("field names must be strings, found {}", key.kind()),
                    None,
                );
                continue;
            };
            let (name, alias) = match field_identifier(raw) {
                None => (raw.to_owned(), None),
                Some(Ok(name)) => (name, Some(raw.to_owned())),
                Some(Err(message)) => {
                    self.error(key.pos, message, None);
                    continue;
                }
            };
            if !taken.insert(name.clone()) {
                self.error(
                    key.pos,
                    format!("field '{raw}' collides with another field named '{name}'"),
                    None,
                );
                continue;
            }
            if let Some(field) = self.field(name, alias, spec, defs, def_names) {
                out.push(field);
            }
        }
        out
    }

    fn field(
        &mut self,
        name: String,
        alias: Option<String>,
        spec: &Node,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Option<FieldDef> {
        let mut field = FieldDef {
            name,
            alias,
            ty: FieldType::Any,
            required: true,
            default: None,
            description: None,
            constraints: Constraints::default(),
        };
        match &spec.value {
            Value::Str(text) => {
                field.ty = self.field_type(text, spec.pos, defs, def_names)?;
            }
            Value::Map(_) => {
                self.check_typos(spec, FIELD_KEYS, " in a field");
                let type_node = spec.get("type");
                let ty_text = match type_node {
                    Some(n) => self.string(n, "a field 'type'")?,
                    None if spec.get("values").is_some() => "literal",
                    None => {
                        self.error(
                            spec.pos,
                            format!("field '{}' has no 'type'", field.name),
                            None,
                        );
                        return None;
                    }
                };
                let ty_pos = type_node.map_or(spec.pos, |n| n.pos);
                field.ty = if matches!(ty_text, "literal" | "Literal" | "enum") {
                    let values = spec.get("values").and_then(Node::as_seq);
                    match values {
                        Some(items) if !items.is_empty() => {
                            FieldType::Literal(items.iter().map(scalar_text).collect())
                        }
                        _ => {
                            self.error(
                                ty_pos,
                                "a literal field needs a non-empty 'values' list",
                                None,
                            );
                            return None;
                        }
                    }
                } else {
                    self.field_type(ty_text, ty_pos, defs, def_names)?
                };
                if let Some(d) = spec.get("description") {
                    field.description = self.string(d, "a field 'description'").map(fold);
                }
                if let Some(d) = spec.get("default") {
                    field.default = Some(d.to_json());
                    field.required = false;
                }
                if let Some(flag) = self.flag(spec, "optional")
                    && flag
                {
                    field.ty = make_optional(field.ty);
                }
                if let Some(required) = self.flag(spec, "required") {
                    field.required = required && field.default.is_none();
                    if !required && field.default.is_none() {
                        field.ty = make_optional(field.ty);
                        field.default = Some(serde_json::Value::Null);
                    }
                }
                field.constraints = self.constraints(spec);
            }
            _ => {
                self.error(
                    spec.pos,
                    format!(
                        "field '{}' must have a type string or a mapping, found {}",
                        field.name,
                        spec.kind()
                    ),
                    None,
                );
                return None;
            }
        }
        if matches!(field.ty, FieldType::Optional(_)) && field.default.is_none() {
            field.required = false;
            field.default = Some(serde_json::Value::Null);
        }
        let problems = super::values::problems(&field);
        if !problems.is_empty() {
            let pos = spec.get("default").map_or(spec.pos, |d| d.pos);
            for message in problems {
                self.error(pos, message, None);
            }
            return None;
        }
        Some(field)
    }

    fn flag(&mut self, spec: &Node, key: &str) -> Option<bool> {
        let node = spec.get(key)?;
        if let Value::Bool(b) = node.value {
            Some(b)
        } else {
            self.error(
                node.pos,
                format!("'{key}' must be true or false, found {}", node.kind()),
                None,
            );
            None
        }
    }

    fn constraints(&mut self, spec: &Node) -> Constraints {
        let mut c = Constraints::default();
        for (key, slot) in [
            ("min_length", &mut c.min_length),
            ("max_length", &mut c.max_length),
        ] {
            if let Some(node) = spec.get(key) {
                match node.value {
                    Value::Int(i) if i >= 0 => *slot = u64::try_from(i).ok(),
                    _ => self.error(
                        node.pos,
                        format!(
                            "'{key}' must be a non-negative integer, found {}",
                            node.kind()
                        ),
                        None,
                    ),
                }
            }
        }
        for (key, slot) in [
            ("ge", &mut c.ge),
            ("le", &mut c.le),
            ("gt", &mut c.gt),
            ("lt", &mut c.lt),
        ] {
            if let Some(node) = spec.get(key) {
                match node.value {
                    #[allow(clippy::cast_precision_loss)]
                    Value::Int(i) => *slot = Some(i as f64),
                    Value::Float(f) if f.is_finite() => *slot = Some(f),
                    _ => self.error(
                        node.pos,
                        format!("'{key}' must be a number, found {}", node.kind()),
                        None,
                    ),
                }
            }
        }
        if let Some(node) = spec.get("pattern") {
            c.pattern = self.string(node, "'pattern'").map(str::to_owned);
        }
        c
    }

    fn field_type(
        &mut self,
        text: &str,
        pos: Position,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Option<FieldType> {
        let mut resolve = |name: &str| defs.get(name).cloned();
        match parse_type(text, &mut resolve, def_names) {
            Ok(ty) => Some(ty),
            Err(e) => {
                let message = match &e {
                    TypeError::Unknown { name, .. } if name == text.trim() => e.message(),
                    _ => format!("{} in '{text}'", e.message()),
                };
                self.error(pos, message, e.help());
                None
            }
        }
    }

    /// Models referencing each other in an order where every model comes after
    /// those it uses; cycles are errors.
    fn dependency_order(&mut self, models: &[(Position, ModelDef)]) -> Vec<usize> {
        let index: HashMap<&str, usize> = models
            .iter()
            .enumerate()
            .map(|(i, (_, m))| (m.class_name.as_str(), i))
            .collect();
        let deps: Vec<Vec<usize>> = models
            .iter()
            .map(|(_, m)| {
                model_refs(m)
                    .iter()
                    .filter_map(|r| index.get(r.as_str()).copied())
                    .collect()
            })
            .collect();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut state = vec![0u8; models.len()];
        let mut order = Vec::new();
        let mut reported = HashSet::new();
        for start in 0..models.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = deps[node].get(*next) {
                    *next += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 if reported.insert(dep) => {
                            let cycle: Vec<&str> = stack
                                .iter()
                                .skip_while(|(n, _)| *n != dep)
                                .map(|(n, _)| models[*n].1.class_name.as_str())
                                .chain(std::iter::once(models[dep].1.class_name.as_str()))
                                .collect();
                            let pos = models[dep].0;
                            self.error(
                                pos,
                                format!("definitions form a cycle: {}", cycle.join(" -> ")),
                                Some("break the cycle; a model cannot contain itself".to_owned()),
                            );
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        order
    }

    /// `io_operations`: typed input/output fields for the owned models, and operation names.
    fn io_operations(
        &mut self,
        root: &Node,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> (Option<Vec<FieldDef>>, Option<Vec<FieldDef>>, Vec<String>) {
        let mut operations = Vec::new();
        let Some(ops_node) = root.get("io_operations") else {
            return (None, None, operations);
        };
        let Some(ops) = ops_node.as_seq() else {
            self.error(
                ops_node.pos,
                format!("'io_operations' must be a list, found {}", ops_node.kind()),
                None,
            );
            return (None, None, operations);
        };
        let mut seen_operations: HashSet<String> = HashSet::new();
        let mut inputs: Vec<Vec<(String, Position, FieldType)>> = Vec::new();
        let mut outputs: Vec<Vec<(String, Position, FieldType)>> = Vec::new();
        for op in ops {
            if op.as_map().is_none() {
                continue;
            }
            if let Some(name) = op.get("operation").and_then(Node::as_str)
                && seen_operations.insert(name.to_owned())
            {
                operations.push(name.to_owned());
            }
            inputs.push(self.typed_fields(op.get("input_fields"), defs, def_names));
            outputs.push(self.typed_fields(op.get("output_fields"), defs, def_names));
        }
        (
            self.merge_typed(&inputs),
            self.merge_typed(&outputs),
            operations,
        )
    }

    fn typed_fields(
        &mut self,
        list: Option<&Node>,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
    ) -> Vec<(String, Position, FieldType)> {
        let mut out = Vec::new();
        let Some(items) = list.and_then(Node::as_seq) else {
            return out;
        };
        for item in items {
            let Some(entries) = item.as_map() else {
                continue;
            };
            for (key, ty) in entries {
                let (Some(name), Some(text)) = (key.as_str(), ty.as_str()) else {
                    continue;
                };
                let mut unknown = Vec::new();
                let mut resolve = |n: &str| {
                    Some(defs.get(n).cloned().unwrap_or_else(|| {
                        unknown.push(n.to_owned());
                        FieldType::Any
                    }))
                };
                match parse_type(text, &mut resolve, def_names) {
                    Ok(parsed) => {
                        for n in unknown {
                            self.warn(
                                codes::UNTYPED_FIELD,
                                ty.pos,
                                format!(
                                    "unknown type '{n}' in io_operations; the field is typed Any"
                                ),
                                None,
                            );
                        }
                        out.push((name.to_owned(), key.pos, parsed));
                    }
                    Err(e) => {
                        self.warn(
                            codes::UNTYPED_FIELD,
                            ty.pos,
                            format!("{} in io_operations; the field is typed Any", e.message()),
                            None,
                        );
                        out.push((name.to_owned(), key.pos, FieldType::Any));
                    }
                }
            }
        }
        out
    }

    fn merge_typed(
        &mut self,
        per_op: &[Vec<(String, Position, FieldType)>],
    ) -> Option<Vec<FieldDef>> {
        let mut order: Vec<(String, Position, FieldType)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for op in per_op {
            for (name, pos, ty) in op {
                if seen.insert(name) {
                    order.push((name.clone(), *pos, ty.clone()));
                }
            }
        }
        let per_op_names: Vec<HashSet<&str>> = per_op
            .iter()
            .map(|op| op.iter().map(|(n, _, _)| n.as_str()).collect())
            .collect();
        if order.is_empty() {
            return None;
        }
        let mut fields: Vec<FieldDef> = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        for (raw, pos, ty) in order {
            let everywhere = per_op_names.iter().all(|op| op.contains(raw.as_str()));
            let (name, alias) = match field_identifier(&raw) {
                None => (raw.clone(), None),
                Some(Ok(name)) => (name, Some(raw.clone())),
                Some(Err(message)) => {
                    self.error(pos, message, None);
                    continue;
                }
            };
            if !taken.insert(name.clone()) {
                self.error(
                    pos,
                    format!("field '{raw}' collides with another field named '{name}'"),
                    None,
                );
                continue;
            }
            let optional = !everywhere || matches!(ty, FieldType::Optional(_));
            fields.push(FieldDef {
                name,
                alias,
                ty: if everywhere { ty } else { make_optional(ty) },
                required: !optional,
                default: optional.then_some(serde_json::Value::Null),
                description: None,
                constraints: Constraints::default(),
            });
        }
        Some(fields)
    }

    /// `input_model` / `output_model` / `state_model`, at the top level or in
    /// a routing entry: a mapping or a dotted string, naming a class or a type
    /// expression around one (`list[ModelX]`).
    #[allow(clippy::too_many_arguments)]
    fn model_ref(
        &mut self,
        site: &ModelSite,
        node: &Node,
        node_name: &str,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
        typed: Option<&[FieldDef]>,
        models: &mut Vec<ModelDef>,
        rewrites: &mut Rewrites,
    ) -> Option<ModelRef> {
        let key = site.label();
        let key = key.as_str();
        let (class_name, module, description, fields, dotted) = self.model_parts(key, node)?;
        let (class_name, expr) = self.expression(node, key, class_name)?;
        // Python's own types (`None`, `str`, `dict`): nothing to generate or import.
        if fields.is_none()
            && BUILTIN_TYPES.contains(&class_name.as_str())
            && module.as_deref().is_none_or(|m| m == "builtins")
        {
            return Some(ModelRef {
                class_name,
                location: ModelLocation::External {
                    module: "builtins".to_owned(),
                },
                expr,
            });
        }
        if !self.class_name_ok(&class_name, key, node.pos) {
            return None;
        }
        let owned = fields.is_some()
            || module.as_deref().is_none_or(|m| {
                !BUILTIN_MODULES.contains(&m) && inside_package(m, node_name, "models")
            });
        if !owned {
            return Some(ModelRef {
                class_name,
                location: ModelLocation::External {
                    module: module.unwrap_or_default(),
                },
                expr,
            });
        }
        let stem = module
            .as_deref()
            .and_then(|m| m.rsplit('.').next())
            .filter(|s| s.starts_with("model_") && is_snake_identifier(s))
            .map_or_else(|| module_stem("model", &class_name), str::to_owned);
        // Several classes the contract places in one module get a module each.
        let stem = if models
            .iter()
            .any(|m| m.module == stem && m.class_name != class_name)
        {
            module_stem("model", &class_name)
        } else {
            stem
        };
        let declared = fields.is_some() || typed.is_some();
        let model_fields = match fields {
            Some(f) => self.fields(f, defs, def_names),
            None => typed.map(<[FieldDef]>::to_vec).unwrap_or_default(),
        };
        let new_module = format!("{node_name}.models.{stem}");
        rewrites.models.push((site.clone(), new_module, dotted));
        if let Some(existing) = models.iter().find(|m| m.class_name == class_name) {
            if existing.module != stem {
                self.error(
                    node.pos,
                    format!("model '{class_name}' is declared twice with different modules"),
                    None,
                );
            }
        } else {
            if !declared {
                self.warn(
                codes::HOLLOW_MODEL,
                    node.pos,
                    format!(
                        "model `{class_name}` ('{key}') declares no fields, so its shape is unknown: \
                         models/{stem}.py is written once for you to declare them, and never overwritten"
                    ),
                    Some(format!(
                        "declare them under `fields:` in '{key}' to have the model generated"
                    )),
                );
            }
            models.push(ModelDef {
                class_name: class_name.clone(),
                module: stem.clone(),
                description,
                fields: model_fields,
                declared,
            });
        }
        Some(ModelRef {
            class_name,
            location: ModelLocation::Package { module: stem },
            expr,
        })
    }

    /// A model reference's parts: (class or expression, module, description,
    /// inline `fields`, written as a dotted string?).
    #[allow(clippy::type_complexity)]
    fn model_parts<'n>(
        &mut self,
        key: &str,
        node: &'n Node,
    ) -> Option<(String, Option<String>, String, Option<&'n Node>, bool)> {
        Some(match &node.value {
            Value::Str(s) if is_expression(s) => (s.clone(), None, String::new(), None, false),
            Value::Str(s) => {
                let (module, class) = match s.rsplit_once('.') {
                    Some((m, c)) => (Some(m.to_owned()), c.to_owned()),
                    None => (None, s.clone()),
                };
                (class, module, String::new(), None, true)
            }
            Value::Map(_) => {
                self.check_typos(node, MODEL_KEYS, &format!(" in '{key}'"));
                let name_node = self.required(node, "name", &format!(" in '{key}'"))?;
                let class = self.string(name_node, &format!("'{key}.name'"))?.to_owned();
                let module = match node.get("module") {
                    Some(m) => Some(self.string(m, &format!("'{key}.module'"))?.to_owned()),
                    None => None,
                };
                let description = node
                    .get("description")
                    .and_then(Node::as_str)
                    .map(fold)
                    .unwrap_or_default();
                (class, module, description, node.get("fields"), false)
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "'{key}' must be a mapping {{name, module}} or a dotted string, found {}",
                        node.kind()
                    ),
                    None,
                );
                return None;
            }
        })
    }

    /// A model name as (class, the expression around it, if any); a located
    /// error when it is an expression around no class or several.
    fn expression(
        &mut self,
        node: &Node,
        key: &str,
        name: String,
    ) -> Option<(String, Option<String>)> {
        if !is_expression(&name) {
            return Some((name, None));
        }
        if let Some((class, expr)) = expression_class(&name) {
            return Some((class, Some(expr)));
        }
        self.error(
            node.pos,
            format!(
                "'{name}' in '{key}' is not a type this node can name: \
                 write one model class, or one inside `list[...]`, `dict[str, ...]` or `... | None`"
            ),
            None,
        );
        None
    }

    /// The models each routing entry names for its own handler
    /// (`input_model`, `output_model`): a class the node already names is
    /// that reference; any other is resolved like a top-level model.
    #[allow(clippy::too_many_arguments)]
    fn entry_models(
        &mut self,
        routes: &mut [Routed],
        node_name: &str,
        defs: &HashMap<String, FieldType>,
        def_names: &[&str],
        known: &[&ModelRef],
        models: &mut Vec<ModelDef>,
        rewrites: &mut Rewrites,
    ) {
        for route in routes.iter_mut() {
            let Some(index) = route.entry else {
                continue;
            };
            for (key, node) in [
                ("input_model", route.input_model.take()),
                ("output_model", route.output_model.take()),
            ] {
                let Some(node) = node.filter(|n| n.value != Value::Null) else {
                    continue;
                };
                // A bare class, or one inside an expression, that the node
                // already names.
                let named = node.as_str().and_then(|s| {
                    if is_identifier(s) {
                        Some((s.to_owned(), None))
                    } else if is_expression(s) {
                        expression_class(s).map(|(class, expr)| (class, Some(expr)))
                    } else {
                        None
                    }
                });
                let same = named.and_then(|(class, expr)| {
                    let found = known
                        .iter()
                        .find(|r| r.class_name == class)
                        .map(|r| (*r).clone())
                        .or_else(|| {
                            models
                                .iter()
                                .find(|m| m.class_name == class)
                                .map(|m| ModelRef {
                                    class_name: m.class_name.clone(),
                                    location: ModelLocation::Package {
                                        module: m.module.clone(),
                                    },
                                    expr: None,
                                })
                        });
                    found.map(|r| ModelRef { expr, ..r })
                });
                let resolved = same.or_else(|| {
                    let site = ModelSite::Entry(index, key.to_owned());
                    self.model_ref(
                        &site, &node, node_name, defs, def_names, None, models, rewrites,
                    )
                });
                match key {
                    "input_model" => route.input = resolved,
                    _ => route.output = resolved,
                }
            }
        }
    }

    fn check_class_collisions(&mut self, models: &[ModelDef], enums: &[EnumDef], pos: Position) {
        let mut seen = HashSet::new();
        let stems = models
            .iter()
            .map(|m| (&m.class_name, &m.module))
            .chain(enums.iter().map(|e| (&e.class_name, &e.module)));
        for (class, module) in stems {
            if !seen.insert(module.clone()) {
                self.error(
                    pos,
                    format!("two owned classes would share the module '{module}' ({class})"),
                    None,
                );
            }
        }
    }

    /// Whether a class a model key names can be a Python class with a module
    /// of its own; a located error when not.
    fn class_name_ok(&mut self, class_name: &str, key: &str, pos: Position) -> bool {
        if !is_identifier(class_name) || super::naming::is_keyword(class_name) {
            self.error(
                pos,
                format!("'{class_name}' in '{key}' is not a valid Python class name"),
                None,
            );
            return false;
        }
        if let Some(message) = super::naming::too_long(&format!("the class in '{key}'"), class_name)
        {
            self.error(pos, message, Some("use a shorter class name".to_owned()));
            return false;
        }
        true
    }

    /// A handler's (name, module, kind), or `None` with a located error when
    /// its class or function is not a Python name or its module not a
    /// dotted module path: the copy of the contract would point at it and
    /// the runtime could never import it.
    fn checked_target(&mut self, node: &Node) -> Option<(String, String, HandlerKind)> {
        let (name, module, kind) = handler_target(node)?;
        let at = |key: &str| node.get(key).map_or(node.pos, |n| n.pos);
        let name_pos = match kind {
            HandlerKind::Function { .. } => at("function"),
            HandlerKind::Class => node
                .get("name")
                .or_else(|| node.get("class"))
                .map_or(node.pos, |n| n.pos),
        };
        self.check_handler_names(&name, name_pos, &module, at("module"))
            .then_some((name, module, kind))
    }

    /// Whether a handler's name and module can be imported; a located error
    /// for each that cannot.
    fn check_handler_names(
        &mut self,
        name: &str,
        name_pos: Position,
        module: &str,
        module_pos: Position,
    ) -> bool {
        let mut ok = true;
        if let Some(message) = super::naming::too_long("handler", name) {
            self.error(name_pos, message, Some("use a shorter name".to_owned()));
            ok = false;
        } else if !is_identifier(name) || super::naming::is_keyword(name) {
            self.error(
                name_pos,
                format!("handler '{name}' is not a valid Python name"),
                Some("name the handler's class or function with letters, digits and '_' (not a keyword), e.g. 'HandlerTextTrim'".to_owned()),
            );
            ok = false;
        }
        let path = module.trim_start_matches('.');
        let dotted = !path.is_empty()
            && path
                .split('.')
                .all(|seg| is_identifier(seg) && !super::naming::is_keyword(seg));
        if !dotted {
            self.error(
                module_pos,
                format!("handler module '{module}' is not a dotted Python module path"),
                Some("write it as 'package.handlers.handler_name' (names separated by '.', no '/' or '-')".to_owned()),
            );
            ok = false;
        }
        ok
    }

    /// Every handler the contract names, in contract order: the routing
    /// entries, then `default_handler`, then the top-level `handler`.
    fn routed_handlers(&mut self, root: &Node) -> Vec<Routed> {
        let mut found: Vec<Routed> = Vec::new();
        if let Some(routing) = root.get("handler_routing") {
            if routing.as_map().is_none() {
                self.error(
                    routing.pos,
                    format!(
                        "'handler_routing' must be a mapping, found {}",
                        routing.kind()
                    ),
                    None,
                );
            } else {
                self.check_typos(routing, ROUTING_KEYS, " in 'handler_routing'");
                if let Some(list) = routing.get("handlers") {
                    match list.as_seq() {
                        Some(items) => {
                            for (index, item) in items.iter().enumerate() {
                                let Some((name, module, kind)) =
                                    item.get("handler").and_then(|h| self.checked_target(h))
                                else {
                                    continue;
                                };
                                let event = item.get("event_model").and_then(|e| {
                                    let class = e.get("name").and_then(Node::as_str)?;
                                    let module = e.get("module").and_then(Node::as_str)?;
                                    Some((class.to_owned(), module.to_owned()))
                                });
                                found.push(Routed {
                                    name,
                                    module,
                                    kind,
                                    operation: item
                                        .get("operation")
                                        .and_then(Node::as_str)
                                        .map(str::to_owned),
                                    event,
                                    entry: Some(index),
                                    input_model: item.get("input_model").cloned(),
                                    output_model: item.get("output_model").cloned(),
                                    input: None,
                                    output: None,
                                });
                            }
                        }
                        None => self.error(
                            list.pos,
                            format!(
                                "'handler_routing.handlers' must be a list, found {}",
                                list.kind()
                            ),
                            None,
                        ),
                    }
                }
                if let Some(default) = routing.get("default_handler") {
                    let target = match default.as_str() {
                        Some(s) => s.split_once(':').and_then(|(m, c)| {
                            let (c, m) = (c.trim(), m.trim());
                            self.check_handler_names(c, default.pos, m, default.pos)
                                .then(|| (c.to_owned(), m.to_owned(), HandlerKind::Class))
                        }),
                        None => self.checked_target(default),
                    };
                    if let Some((name, module, kind)) = target {
                        found.push(Routed::plain(name, module, kind));
                    }
                }
            }
        }
        if let Some((name, module, kind)) = root.get("handler").and_then(|h| self.checked_target(h))
        {
            found.push(Routed::plain(name, module, kind));
        }
        found
    }

    /// Handlers routed to inside the package, from `handler_routing` and a top-level `handler`.
    fn handlers(
        found: Vec<Routed>,
        node_name: &str,
        input: Option<&ModelRef>,
        output: Option<&ModelRef>,
        models: &[ModelDef],
        operations: &mut Vec<String>,
        rewrites: &mut Rewrites,
    ) -> Vec<HandlerDef> {
        let mut handlers: Vec<HandlerDef> = Vec::new();
        // Per handler, what each of its routes says it takes and returns.
        let mut events: Vec<Vec<Option<ModelRef>>> = Vec::new();
        let mut answers: Vec<Vec<Option<ModelRef>>> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut routed: HashSet<(usize, String)> = HashSet::new();
        let mut seen_operations: HashSet<String> = operations.iter().cloned().collect();
        for route in found {
            let Routed {
                name,
                module,
                kind,
                operation,
                event,
                entry,
                input: entry_input,
                output: entry_output,
                ..
            } = route;
            // Only routing entries say what their handler takes and returns.
            let votes = usize::from(entry.is_some());
            let takes = entry_input.or_else(|| {
                event.and_then(|(class, module)| event_ref(&class, &module, node_name, models))
            });
            if let Some(op) = &operation
                && seen_operations.insert(op.clone())
            {
                operations.push(op.clone());
            }
            if !inside_package(&module, node_name, "handlers") || !is_identifier(&name) {
                continue;
            }
            let stem = module
                .rsplit('.')
                .next()
                .filter(|s| s.starts_with("handler_") && is_snake_identifier(s))
                .map_or_else(
                    || match kind {
                        HandlerKind::Class => module_stem("handler", &name),
                        HandlerKind::Function { .. } => function_stem(&name),
                    },
                    str::to_owned,
                );
            // A name routed again (from another module) is the same handler.
            let stem = by_name
                .get(&name)
                .map_or(stem, |&index| handlers[index].module.clone());
            rewrites.handler_modules.insert(
                (module.clone(), name.clone()),
                format!("{node_name}.handlers.{stem}"),
            );
            if let Some(&index) = by_name.get(&name) {
                events[index].extend(std::iter::repeat_n(takes, votes));
                answers[index].extend(std::iter::repeat_n(entry_output, votes));
                if let Some(op) = operation
                    && routed.insert((index, op.clone()))
                {
                    handlers[index].operations.push(op);
                }
            } else {
                by_name.insert(name.clone(), handlers.len());
                events.push(std::iter::repeat_n(takes, votes).collect());
                answers.push(std::iter::repeat_n(entry_output, votes).collect());
                if let Some(op) = &operation {
                    routed.insert((handlers.len(), op.clone()));
                }
                handlers.push(HandlerDef {
                    class_name: name,
                    kind,
                    module: stem,
                    operations: operation.into_iter().collect(),
                    input: input.cloned(),
                    output: output.cloned(),
                    default: false,
                    implied: false,
                });
            }
        }
        route_models(&mut handlers, &events, &answers, input, output);
        handlers
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
    let binding = super::binding::bind(
        &mut copy, node_name, t, v.major, handlers, operations, input, output,
    );
    (super::tree::emit(&copy), binding)
}

/// Whether a YAML file is a handler contract (`handler_id` at the top
/// level, no `node_type`): it describes a handler, not a node.
pub fn is_handler_contract(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let top = |key: &str| {
        text.lines().any(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    };
    top("handler_id") && !top("node_type")
}

/// One handler the contract names, and what its routing entry says about it.
struct Routed {
    /// The class, or the function.
    name: String,
    module: String,
    kind: HandlerKind,
    operation: Option<String>,
    /// `event_model` as (class, module).
    event: Option<(String, String)>,
    /// Its index in `handler_routing.handlers`, when it comes from there.
    entry: Option<usize>,
    /// The entry's own `input_model` and `output_model`, and what they
    /// resolve to.
    input_model: Option<Node>,
    output_model: Option<Node>,
    input: Option<ModelRef>,
    output: Option<ModelRef>,
}

impl Routed {
    /// A handler named outside the routing entries.
    fn plain(name: String, module: String, kind: HandlerKind) -> Self {
        Routed {
            name,
            module,
            kind,
            operation: None,
            event: None,
            entry: None,
            input_model: None,
            output_model: None,
            input: None,
            output: None,
        }
    }
}

/// (name, module, kind) of a `handler`-shaped mapping: `{name | class, module}`
/// or `{function, module, type}`.
pub(super) fn handler_target(node: &Node) -> Option<(String, String, HandlerKind)> {
    let module = node.get("module").and_then(Node::as_str)?.to_owned();
    if let Some(function) = node.get("function").and_then(Node::as_str) {
        let asynchronous = node.get("type").and_then(Node::as_str) == Some("async");
        return Some((
            function.to_owned(),
            module,
            HandlerKind::Function { asynchronous },
        ));
    }
    let class = node
        .get("name")
        .or_else(|| node.get("class"))
        .and_then(Node::as_str)?;
    Some((class.to_owned(), module, HandlerKind::Class))
}

/// The scaffold module of a function handler named outside a `handler_*`
/// module: `handle_chunk_classify` -> `handler_chunk_classify`.
fn function_stem(function: &str) -> String {
    let bare = function.strip_prefix("handle_").unwrap_or(function);
    if bare.is_empty() {
        "handler".to_owned()
    } else {
        format!("handler_{bare}")
    }
}

/// The model an `event_model` names: the package's own when it owns a class
/// of that name, otherwise the external class. An event model inside the
/// package that the contract does not define names nothing.
fn event_ref(class: &str, module: &str, node_name: &str, models: &[ModelDef]) -> Option<ModelRef> {
    if !is_identifier(class) || super::naming::is_keyword(class) {
        return None;
    }
    if let Some(m) = models.iter().find(|m| m.class_name == class) {
        return Some(ModelRef {
            class_name: class.to_owned(),
            location: ModelLocation::Package {
                module: m.module.clone(),
            },
            expr: None,
        });
    }
    if inside_package(module, node_name, "models") {
        return None;
    }
    Some(ModelRef {
        class_name: class.to_owned(),
        location: ModelLocation::External {
            module: module.to_owned(),
        },
        expr: None,
    })
}

/// A handler whose every route names the same request model (the entry's
/// `input_model`, else its `event_model`) takes that model instead of the
/// node's; likewise for the answer and `output_model`. A class name that
/// would import two different classes into the package keeps the node's.
fn route_models(
    handlers: &mut [HandlerDef],
    takes: &[Vec<Option<ModelRef>>],
    answers: &[Vec<Option<ModelRef>>],
    input: Option<&ModelRef>,
    output: Option<&ModelRef>,
) {
    let agreed = |routes: &Vec<Option<ModelRef>>| {
        let first = routes.first().and_then(Option::as_ref)?;
        routes
            .iter()
            .all(|r| r.as_ref() == Some(first))
            .then(|| first.clone())
    };
    let chosen_in: Vec<Option<ModelRef>> = takes.iter().map(agreed).collect();
    let chosen_out: Vec<Option<ModelRef>> = answers.iter().map(agreed).collect();
    let mut places: HashMap<String, Vec<ModelLocation>> = HashMap::new();
    for r in chosen_in
        .iter()
        .chain(&chosen_out)
        .flatten()
        .chain(input)
        .chain(output)
    {
        let seen = places.entry(r.class_name.clone()).or_default();
        if !seen.contains(&r.location) {
            seen.push(r.location.clone());
        }
    }
    let single = |r: &ModelRef| places.get(&r.class_name).is_some_and(|p| p.len() == 1);
    for ((h, takes), answers) in handlers.iter_mut().zip(chosen_in).zip(chosen_out) {
        if let Some(r) = takes.filter(|r| single(r)) {
            h.input = Some(r);
        }
        if let Some(r) = answers.filter(|r| single(r)) {
            h.output = Some(r);
        }
    }
}

/// Python's own types a contract may name as a model.
const BUILTIN_TYPES: &[&str] = &[
    "None", "str", "int", "float", "bool", "bytes", "dict", "list", "object",
];

/// Modules whose classes are Python's own, never the package's.
const BUILTIN_MODULES: &[&str] = &["builtins", "typing", "collections.abc"];

/// Names a type expression may use around its model class.
const TYPE_WORDS: &[&str] = &[
    "list",
    "dict",
    "set",
    "frozenset",
    "tuple",
    "Optional",
    "Sequence",
    "Mapping",
    "None",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "Any",
    "List",
    "Dict",
];

/// Whether a model name is a type expression rather than a (dotted) class.
fn is_expression(s: &str) -> bool {
    s.contains(['[', '|', ' ', ','])
}

/// The one model class a type expression is written around, and the
/// expression with that class undotted: `list[a.b.ModelX]` ->
/// (`ModelX`, `list[ModelX]`). `None` when it names no class or several,
/// or uses anything but names, `[`, `]`, `,` and `|`.
fn expression_class(s: &str) -> Option<(String, String)> {
    let mut class: Option<String> = None;
    let mut expr = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, expr: &mut String, class: &mut Option<String>| {
        if word.is_empty() {
            return true;
        }
        let last = word.rsplit('.').next().unwrap_or_default().to_owned();
        if !TYPE_WORDS.contains(&word.as_str()) {
            if class.as_ref().is_some_and(|c| *c != last) || !is_identifier(&last) {
                return false;
            }
            *class = Some(last.clone());
        }
        expr.push_str(&last);
        word.clear();
        true
    };
    for ch in s.chars() {
        match ch {
            c if c.is_alphanumeric() || c == '_' || c == '.' => word.push(c),
            '[' | ']' | ',' | '|' | ' ' => {
                if !flush(&mut word, &mut expr, &mut class) {
                    return None;
                }
                match ch {
                    ',' => expr.push_str(", "),
                    '|' => expr.push_str(" | "),
                    ' ' => {}
                    c => expr.push(c),
                }
            }
            _ => return None,
        }
    }
    if !flush(&mut word, &mut expr, &mut class) {
        return None;
    }
    let class = class?;
    (expr != class).then_some((class, expr))
}

/// Every string in the tree, keys and values, in document order.
fn collect_strings<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
    match &node.value {
        Value::Str(s) => out.push(s),
        Value::Map(entries) => {
            for (k, v) in entries {
                collect_strings(k, out);
                collect_strings(v, out);
            }
        }
        Value::Seq(items) => {
            for item in items {
                collect_strings(item, out);
            }
        }
        _ => {}
    }
}

fn root_key_pos(root: &Node, key: &str) -> Option<Position> {
    root.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(k, _)| k.pos)
}

/// `"1.2.3"` (optionally `v1.2.3`) to a version.
pub(super) fn parse_version_string(s: &str) -> Option<Version> {
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let mut parts = s.split('.').map(|p| p.parse::<u64>().ok());
    let v = Version {
        major: parts.next()??,
        minor: parts.next()??,
        patch: parts.next()??,
    };
    parts.next().is_none().then_some(v)
}

/// Whitespace folded to single spaces: one paragraph.
pub(crate) fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ownership rule: a module path is inside the package when one of its
/// segments is the node name, or it is relative/bare (`models.x`, `.models.x`).
fn inside_package(module: &str, node_name: &str, folder: &str) -> bool {
    let trimmed = module.trim_start_matches('.');
    module.starts_with('.')
        || trimmed.starts_with(&format!("{folder}."))
        || !trimmed.contains('.')
        || (!node_name.is_empty() && trimmed.split('.').any(|seg| seg == node_name))
}

/// Names of models a model's fields refer to.
fn model_refs(model: &ModelDef) -> Vec<String> {
    fn walk(ty: &FieldType, out: &mut Vec<String>) {
        match ty {
            FieldType::Model(name) => out.push(name.clone()),
            FieldType::List(inner) | FieldType::Dict(inner) | FieldType::Optional(inner) => {
                walk(inner, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for field in &model.fields {
        walk(&field.ty, &mut out);
    }
    out
}
