//! The typed contract: what the loader produces from one YAML file and what
//! every later stage reads. Names here are already normalised and checked.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::Serialize;

/// The four ONEX node archetypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NodeType {
    Effect,
    Compute,
    Reducer,
    Orchestrator,
}

impl NodeType {
    /// Every node type.
    pub const ALL: [NodeType; 4] = [
        NodeType::Effect,
        NodeType::Compute,
        NodeType::Reducer,
        NodeType::Orchestrator,
    ];

    /// The node type a contract's `node_type` names: `EFFECT_GENERIC`, in any case, with or
    /// without `_GENERIC`, surrounding whitespace ignored.
    pub fn from_contract(text: &str) -> Option<NodeType> {
        let upper = text.trim().to_ascii_uppercase();
        let base = upper.strip_suffix("_GENERIC").unwrap_or(&upper);
        Self::ALL
            .into_iter()
            .find(|t| t.generic().strip_suffix("_GENERIC") == Some(base))
    }

    /// `EFFECT_GENERIC`, the spelling `ModelYamlContract` accepts.
    pub fn generic(self) -> &'static str {
        match self {
            NodeType::Effect => "EFFECT_GENERIC",
            NodeType::Compute => "COMPUTE_GENERIC",
            NodeType::Reducer => "REDUCER_GENERIC",
            NodeType::Orchestrator => "ORCHESTRATOR_GENERIC",
        }
    }

    /// The framework base class: `NodeEffect`, ...
    pub fn base_class(self) -> &'static str {
        match self {
            NodeType::Effect => "NodeEffect",
            NodeType::Compute => "NodeCompute",
            NodeType::Reducer => "NodeReducer",
            NodeType::Orchestrator => "NodeOrchestrator",
        }
    }

    /// `effect`, `compute`, ...: the suffix published node names end with.
    pub fn lower(self) -> &'static str {
        match self {
            NodeType::Effect => "effect",
            NodeType::Compute => "compute",
            NodeType::Reducer => "reducer",
            NodeType::Orchestrator => "orchestrator",
        }
    }
}

/// A semantic version as ONEX writes it: `{major, minor, patch}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// One fully loaded contract.
#[derive(Debug, Clone, Serialize)]
pub struct Contract {
    /// The file it came from, as the user named it.
    pub source: PathBuf,
    /// SHA-256 of the source bytes, hex.
    pub source_hash: String,
    /// Snake-case node name, a valid Python package name: `node_auth_gate_compute`.
    pub name: String,
    /// The node class: `NodeAuthGateCompute`.
    pub class_name: String,
    /// The package's dotted import path: the name, after the package
    /// prefix when there is one (`myproj.nodes.node_auth_gate_compute`).
    pub import_path: String,
    pub node_type: NodeType,
    pub contract_version: Version,
    pub node_version: Option<Version>,
    /// The description, folded to one paragraph; may be empty.
    pub description: String,
    /// The input model class name and, when the package owns it, its module stem.
    pub input_model: Option<ModelRef>,
    pub output_model: Option<ModelRef>,
    /// Models this package owns and must render, in a stable order.
    pub models: Vec<ModelDef>,
    /// Enums this package owns and must render, in a stable order.
    pub enums: Vec<EnumDef>,
    /// Handlers routed to inside this package: one scaffold each.
    pub handlers: Vec<HandlerDef>,
    /// The operations the contract declares (`io_operations` / routing), for docs and tests.
    pub operations: Vec<String>,
    /// How the framework finds and calls the handlers (also written into the copy).
    pub binding: Binding,
    /// The normalised contract copy to write as `contract.yaml` (without the header).
    pub contract_yaml: String,
    /// The owned classes by name, built on first lookup.
    #[serde(skip)]
    pub classes: ClassIndex,
}

/// Where each owned class sits in `models` or `enums`, so that a lookup by
/// name costs the same for a contract with ten definitions as for one with
/// ten thousand.
#[derive(Debug, Clone, Default)]
pub struct ClassIndex(OnceLock<Classes>);

#[derive(Debug, Clone)]
struct Classes {
    /// The lengths of `models` and `enums` it was built from: a contract
    /// changed since (only tests do) is searched instead.
    sizes: (usize, usize),
    by_name: HashMap<String, Owned>,
}

#[derive(Debug, Clone, Copy)]
enum Owned {
    Model(usize),
    Enum(usize),
}

impl Contract {
    fn class(&self, name: &str) -> Option<Owned> {
        let classes = self.classes.0.get_or_init(|| {
            let mut by_name = HashMap::with_capacity(self.models.len() + self.enums.len());
            // The first of two classes of one name wins, as a search would.
            for (i, e) in self.enums.iter().enumerate().rev() {
                by_name.insert(e.class_name.clone(), Owned::Enum(i));
            }
            for (i, m) in self.models.iter().enumerate().rev() {
                by_name.insert(m.class_name.clone(), Owned::Model(i));
            }
            Classes {
                sizes: (self.models.len(), self.enums.len()),
                by_name,
            }
        });
        if classes.sizes == (self.models.len(), self.enums.len()) {
            return classes.by_name.get(name).copied();
        }
        self.models
            .iter()
            .position(|m| m.class_name == name)
            .map(Owned::Model)
            .or_else(|| {
                self.enums
                    .iter()
                    .position(|e| e.class_name == name)
                    .map(Owned::Enum)
            })
    }

    /// The model this package owns under that class name.
    pub fn model(&self, name: &str) -> Option<&ModelDef> {
        match self.class(name)? {
            Owned::Model(i) => self.models.get(i).filter(|m| m.class_name == name),
            // A model and an enum of one name: the model is looked up first.
            Owned::Enum(_) => self.models.iter().find(|m| m.class_name == name),
        }
    }

    /// The enum this package owns under that class name.
    pub fn enum_def(&self, name: &str) -> Option<&EnumDef> {
        match self.class(name)? {
            Owned::Enum(i) => self.enums.get(i).filter(|e| e.class_name == name),
            Owned::Model(_) => self.enums.iter().find(|e| e.class_name == name),
        }
    }

    /// Whether the package owns a model or an enum of that class name.
    pub fn owns_class(&self, name: &str) -> bool {
        self.class(name).is_some()
    }
}

/// What the framework runs: the default handler and the operation routes,
/// as the contract copy states them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Binding {
    /// The handler run when no operation is named.
    pub default: Option<BoundHandler>,
    /// Each routed operation's handler, in contract order.
    pub routes: Vec<Route>,
    /// `process()` dispatches through the package's `dispatch` module
    /// (compute and effect nodes).
    pub dispatch: bool,
    /// The default handler is a function: the copy names the generated
    /// `default_handler.DefaultHandler` class, which calls it, because the
    /// local runtime instantiates a class and calls its `handle`.
    pub adapter: bool,
}

/// A handler as the framework imports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoundHandler {
    /// Dotted module: `node_x.handlers.handler_y`, or an external one.
    pub module: String,
    /// The class, or the function of a function handler.
    pub class: String,
    pub function: bool,
    /// Its request model as (dotted module, class), when known.
    pub request: Option<(String, String)>,
}

/// One operation and the handler routed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    pub operation: String,
    pub handler: BoundHandler,
}

/// A reference to a model class from the contract (`input_model`, `output_model`, handler I/O).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelRef {
    /// Python class name: `ModelAuthGateRequest`.
    pub class_name: String,
    /// Where the class lives.
    pub location: ModelLocation,
    /// The type the contract writes around the class, when it is more than
    /// the class: `list[ModelResult]`, `ModelResult | None`.
    pub expr: Option<String>,
}

impl ModelRef {
    /// The annotation the reference stands for: the expression, or the class.
    pub fn annotation(&self) -> &str {
        self.expr.as_deref().unwrap_or(&self.class_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ModelLocation {
    /// Rendered by us into `models/<module>.py` (module stem, e.g. `model_auth_gate_request`).
    Package { module: String },
    /// Lives elsewhere: a dotted Python module path we import from but do not render.
    External { module: String },
}

/// A pydantic model the package owns: rendered to `models/<module>.py`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDef {
    /// `ModelAuthGateRequest`.
    pub class_name: String,
    /// `model_auth_gate_request` (file stem under `models/`).
    pub module: String,
    pub description: String,
    pub fields: Vec<FieldDef>,
    /// The contract declares its fields (inline, in `definitions` or by typed
    /// `io_operations`). An undeclared model's shape is unknown: it is written
    /// once as a scaffold for the user to fill in.
    pub declared: bool,
}

/// A string enum the package owns: rendered to `models/<module>.py`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumDef {
    /// `EnumAuthVerdict`.
    pub class_name: String,
    /// `enum_auth_verdict`.
    pub module: String,
    pub description: String,
    pub members: Vec<EnumMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumMember {
    /// A valid upper-case Python identifier: `SOFT_DENY`.
    pub name: String,
    /// The string value: `soft_deny`.
    pub value: String,
}

/// One field of a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDef {
    /// A valid, non-keyword Python identifier (`class_` for `class`).
    pub name: String,
    /// The name as written in the contract when it differs from `name` (becomes a pydantic alias).
    pub alias: Option<String>,
    pub ty: FieldType,
    /// False when the field has a default or is optional.
    pub required: bool,
    /// A default value as written in the contract (JSON-shaped), if any.
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub constraints: Constraints,
}

/// Field types the contract can declare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FieldType {
    Str,
    Int,
    Float,
    Bool,
    Bytes,
    DateTime,
    Date,
    Uuid,
    Decimal,
    /// `any`: an unconstrained JSON value.
    Any,
    List(Box<FieldType>),
    /// `dict[str, T]`.
    Dict(Box<FieldType>),
    /// `T | None`.
    Optional(Box<FieldType>),
    /// `Literal["a", "b"]`.
    Literal(Vec<String>),
    /// Another model or enum this package owns, by class name.
    Model(String),
    Enum(String),
}

/// Pydantic `Field(...)` constraints.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub ge: Option<f64>,
    pub le: Option<f64>,
    pub gt: Option<f64>,
    pub lt: Option<f64>,
    pub pattern: Option<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// What a handler is: a class with `handle(request)`, or a function called
/// with the request (`handler: {module, function, type}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum HandlerKind {
    #[default]
    Class,
    /// `type: async` makes it a coroutine function.
    Function { asynchronous: bool },
}

/// A handler the contract routes to inside this package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandlerDef {
    /// `HandlerAuthGate`, or the function's name for a function handler.
    pub class_name: String,
    pub kind: HandlerKind,
    /// `handler_auth_gate` (file stem under `handlers/`).
    pub module: String,
    /// Operations routed to it, in contract order.
    pub operations: Vec<String>,
    /// The model `handle` takes and returns (the node's I/O models unless the route says otherwise).
    pub input: Option<ModelRef>,
    pub output: Option<ModelRef>,
    /// The node's default handler: run when no operation is named.
    pub default: bool,
    /// Named by no key of the contract: scaffolded, under the node's own name,
    /// because the contract names no handler at all.
    pub implied: bool,
}
