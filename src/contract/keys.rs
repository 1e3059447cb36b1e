//! The keys of each mapping a contract is made of, as the loader reads them, and a test
//! holds `codegen schema` to them: each table is the `properties` of one object of
//! `contract.schema.json`, so a key added to one and not the other fails `cargo test`.
//!
//! The loader checks the keys of the top level, versions, models, fields, definitions and
//! `handler_routing` against their tables (an unknown key near a known one is a typo). The
//! other mappings it reads key by key without a typo check, so their tables exist for the
//! test alone, which also requires every key the loader looks up (`.get("key")` in
//! `load.rs`, `copy.rs` and `binding.rs`) to be in some table.

/// The top level: the sections codegen reads, and the other sections of the published
/// dialect, kept in the copy as written (unknown sections are allowed too).
pub(crate) const TOP_KEYS: &[&str] = &[
    "name",
    "contract_name",
    "node_name",
    "class_name",
    "node_type",
    "contract_version",
    "node_version",
    "version",
    "description",
    "input_model",
    "output_model",
    "state_model",
    "handler_routing",
    "io_operations",
    "definitions",
    "metadata",
    "capabilities",
    "dependencies",
    "handler",
    "handlers",
    "event_bus",
    "error_handling",
    "runtime_profiles",
    "health_check",
    "execution",
    "descriptor",
    "published_events",
    "consumed_events",
    "state_machine",
    "workflow_coordination",
];

/// A model named by a mapping: `input_model`, `output_model`, `state_model`, and those of
/// a routing entry.
pub(crate) const MODEL_KEYS: &[&str] = &["name", "module", "description", "fields"];

/// `handler_routing`.
pub(crate) const ROUTING_KEYS: &[&str] = &[
    "routing_strategy",
    "handlers",
    "default_handler",
    "entry_point",
];

/// One entry of `handler_routing.handlers`.
#[cfg(test)]
pub(crate) const ROUTING_ENTRY_KEYS: &[&str] = &[
    "operation",
    "handler",
    "event_model",
    "input_model",
    "output_model",
    "handler_key",
    "handler_type",
];

/// A handler: the `handler` of a routing entry, and `default_handler` written as a
/// mapping. A class (`name` or `class`, and `module`) or a function (`function`,
/// `module`, and `type: async` for a coroutine).
#[cfg(test)]
pub(crate) const HANDLER_KEYS: &[&str] = &["name", "class", "function", "module", "type"];

/// The top-level `handler`: a handler, and the dotted model its events carry.
#[cfg(test)]
pub(crate) const TOP_HANDLER_KEYS: &[&str] =
    &["name", "class", "function", "module", "type", "input_model"];

/// The `event_model` of a routing entry.
#[cfg(test)]
pub(crate) const EVENT_MODEL_KEYS: &[&str] = &["name", "module"];

/// One entry of `io_operations`.
#[cfg(test)]
pub(crate) const IO_OPERATION_KEYS: &[&str] =
    &["operation", "description", "input_fields", "output_fields"];

/// A field written as a mapping.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "type",
    "description",
    "default",
    "required",
    "optional",
    "min_length",
    "max_length",
    "ge",
    "le",
    "gt",
    "lt",
    "pattern",
    "values",
];

/// A version written as a mapping: every part is required.
pub(crate) const VERSION_PARTS: [&str; 3] = ["major", "minor", "patch"];

/// One entry of `definitions`.
pub(crate) const DEFINITION_KEYS: &[&str] =
    &["fields", "enum", "values", "description", "definitions"];
