//! Stable codes of the warnings a contract can get, so that CI can select,
//! ignore and count them like the rules of `validate`.

/// A key one or two edits away from a known key (an error under `--strict`).
pub const TYPO: &str = "CTR001";
/// A class name with a word `onex validate --strict` refuses.
pub const GENERIC_WORD: &str = "CTR002";
/// A top-level `version` key, used as or dropped beside `contract_version`.
pub const VERSION_KEY: &str = "CTR003";
/// A version written as a string, written as a mapping in the copy.
pub const VERSION_STRING: &str = "CTR004";
/// An `io_operations` field whose type the contract does not define: `Any`.
pub const UNTYPED_FIELD: &str = "CTR005";
/// A model the contract declares no fields for: written once as a scaffold.
pub const HOLLOW_MODEL: &str = "CTR006";

/// Every contract warning: (code, name, what it means).
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    (
        TYPO,
        "unknown-key",
        "a key that looks like a typo of a known one (an error under --strict)",
    ),
    (
        GENERIC_WORD,
        "generic-class-word",
        "a class name with a word `onex validate --strict` refuses",
    ),
    (
        VERSION_KEY,
        "top-level-version",
        "a top-level `version`, used as `contract_version` or dropped beside it",
    ),
    (
        VERSION_STRING,
        "version-string",
        "a version written as a string (written as a mapping in the copy)",
    ),
    (
        UNTYPED_FIELD,
        "untyped-field",
        "an `io_operations` field of a type the contract does not define (typed `Any`)",
    ),
    (
        HOLLOW_MODEL,
        "hollow-model",
        "a model with no declared fields (written once as a user-owned scaffold)",
    ),
];
