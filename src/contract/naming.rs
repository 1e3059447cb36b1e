//! Naming rules shared by the loader, the templates and the tests: node and
//! model class names, module stems, Python identifiers and "did you mean".

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

/// `node_auth_gate_compute` -> `NodeAuthGateCompute`; a name that does not
/// start with `node_` gets the `Node` prefix (`auth_gate` -> `NodeAuthGate`).
pub fn node_class_name(name: &str) -> String {
    let pascal = name.to_pascal_case();
    if name.starts_with("node_") {
        pascal
    } else {
        format!("Node{pascal}")
    }
}

/// The longest name codegen turns into a file or directory name. File
/// systems allow 255 bytes per name, and the longest file derived from a
/// node name adds 17 (`test_<name>_handlers.py`).
pub(crate) const MAX_NAME_LEN: usize = 200;

/// Why a lower-snake-case node name would give a broken or ambiguous
/// package, if it would.
pub(crate) fn node_name_problem(name: &str) -> Option<String> {
    if name.starts_with('_') {
        return Some(
            "starts with '_', which makes the package private to Python tooling".to_owned(),
        );
    }
    if node_class_name(name) == "Node" {
        return Some(
            "names nothing after 'node_': its class would be the framework's `Node`".to_owned(),
        );
    }
    if name.ends_with('_') || name.contains("__") {
        return Some(format!(
            "has an empty word ('__' or a trailing '_'): its class `{}` would be the class of another name",
            node_class_name(name)
        ));
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "is longer than {MAX_NAME_LEN} characters; file names derived from it would pass the file system's limit"
        ));
    }
    None
}

/// A name as a message quotes it: whole up to 60 characters, otherwise its
/// start and its length.
pub(crate) fn quoted_name(name: &str) -> String {
    if name.len() <= 60 {
        format!("'{name}'")
    } else {
        let start: String = name.chars().take(40).collect();
        format!("'{start}...' ({} characters)", name.len())
    }
}

/// The error message for a name that would become a file name longer than
/// file systems allow, or `None`.
pub(crate) fn too_long(what: &str, name: &str) -> Option<String> {
    (name.len() > MAX_NAME_LEN).then(|| {
        format!(
            "{what} {} is longer than {MAX_NAME_LEN} characters; the file named after it would pass the file system's limit",
            quoted_name(name)
        )
    })
}

/// Class-name prefixes whose words the node class may borrow acronyms from:
/// the contract's own spelling of its models, handlers, enums and protocols.
const ACRONYM_SOURCES: &[&str] = &["Model", "Handler", "Node", "Enum", "Protocol"];

/// Acronyms the contract writes in its own class names, keyed by their lower
/// case: `ModelLLMCompletionRequest` gives `llm` -> `LLM`. A word the contract
/// also writes as an ordinary capitalised word (`ModelLlmEmbedding`) is not an
/// acronym for it; nor is an all-capitals word in prose (`LLM` in a
/// description), which published contracts use for words their classes spell
/// `Llm` as often as not.
pub(crate) fn contract_acronyms<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> std::collections::HashMap<String, String> {
    let mut acronyms = std::collections::HashMap::new();
    let mut plain = std::collections::HashSet::new();
    for text in texts {
        for class in class_tokens(text) {
            for word in pascal_words(class) {
                let lower = word.to_ascii_lowercase();
                if word.len() >= 2 && word.bytes().all(|b| b.is_ascii_uppercase()) {
                    acronyms.entry(lower).or_insert_with(|| word.to_owned());
                } else if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                    plain.insert(lower);
                }
            }
        }
    }
    acronyms.retain(|lower, _| !plain.contains(lower));
    acronyms
}

/// Identifiers in `text` that start with one of [`ACRONYM_SOURCES`] followed
/// by a capital (`ModelLLMRequest`, not `Modeling`), outside longer words.
fn class_tokens(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            let word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            if !word_char(bytes[at]) {
                at += 1;
                continue;
            }
            while at < bytes.len() && word_char(bytes[at]) {
                at += 1;
            }
            let token = &text[start..at];
            let is_class = ACRONYM_SOURCES.iter().any(|prefix| {
                token
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            }) && token.bytes().all(|b| b.is_ascii_alphanumeric());
            if is_class {
                return Some(token);
            }
        }
        None
    })
}

/// The words of a Pascal-case identifier, a run of capitals being one word:
/// `ModelLLMCompletionV1` -> `Model`, `LLM`, `Completion`, `V`, `1`.
fn pascal_words(class: &str) -> Vec<&str> {
    let bytes = class.as_bytes();
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = (prev.is_ascii_lowercase() && cur.is_ascii_uppercase())
            || (prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && next_lower)
            || (prev.is_ascii_digit() != cur.is_ascii_digit());
        if boundary {
            words.push(&class[start..i]);
            start = i;
        }
    }
    if start < class.len() {
        words.push(&class[start..]);
    }
    words
}

/// [`node_class_name`] with each word of the name that the contract spells as
/// an acronym in its class names written that way: `node_llm_completion_effect`
/// with `ModelLLMCompletionRequest` in the contract -> `NodeLLMCompletionEffect`.
pub(crate) fn node_class_name_with(
    name: &str,
    acronyms: &std::collections::HashMap<String, String>,
) -> String {
    if acronyms.is_empty() {
        return node_class_name(name);
    }
    let mut class = String::from(if name.starts_with("node_") {
        ""
    } else {
        "Node"
    });
    for word in name.split('_').filter(|w| !w.is_empty()) {
        match acronyms.get(word) {
            Some(acronym) => class.push_str(acronym),
            None => class.push_str(&word.to_pascal_case()),
        }
    }
    class
}

/// Python keywords: never usable as identifiers.
pub(crate) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Soft keywords: legal identifiers, but confusing as field names in generated code.
pub(crate) const SOFT_KEYWORDS: &[&str] = &["match", "case", "type", "_"];

pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// An ASCII Python identifier (generated code stays ASCII).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A dotted module path Python can import: identifiers, not keywords,
/// separated by single dots (`myproj.nodes`).
pub fn is_module_path(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('.')
            .all(|seg| is_identifier(seg) && !is_keyword(seg))
}

/// A valid package / module name in our convention: lower snake case, not a keyword.
pub(crate) fn is_snake_identifier(name: &str) -> bool {
    is_identifier(name)
        && !is_keyword(name)
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Turn a contract field name into a pydantic field name. `None` when the
/// name is already fine; `Some(Ok(new))` when it needs an alias; `Some(Err)`
/// when nothing sensible can be made of it.
pub(crate) fn field_identifier(name: &str) -> Option<Result<String, String>> {
    if is_identifier(name)
        && !is_keyword(name)
        && !SOFT_KEYWORDS.contains(&name)
        && !name.starts_with('_')
        && !name.starts_with("model_")
    {
        return None;
    }
    if is_keyword(name) || SOFT_KEYWORDS.contains(&name) {
        return Some(Ok(format!("{name}_")));
    }
    let mut cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    cleaned = cleaned.trim_start_matches('_').to_owned();
    if cleaned.starts_with("model_") {
        cleaned = format!("field_{cleaned}");
    }
    if cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        cleaned = format!("field_{cleaned}");
    }
    if cleaned.chars().all(|c| c == '_') {
        return Some(Err(format!(
            "field name '{name}' cannot be made into a Python identifier"
        )));
    }
    if is_keyword(&cleaned) || SOFT_KEYWORDS.contains(&cleaned.as_str()) {
        cleaned.push('_');
    }
    Some(Ok(cleaned))
}

/// `ModelAuthGateRequest` -> `model_auth_gate_request`.
pub(crate) fn module_stem(prefix: &str, class_name: &str) -> String {
    let pascal_prefix = prefix.to_pascal_case();
    let bare = class_name
        .strip_prefix(&pascal_prefix)
        .unwrap_or(class_name);
    let snake = bare.to_snake_case();
    if snake.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}_{snake}")
    }
}

/// A definition key as a class name with the given prefix: `auth_verdict` -> `EnumAuthVerdict`.
pub(crate) fn prefixed_class(prefix: &str, key: &str) -> String {
    let pascal = if key.chars().any(|c| c == '_' || c == '-' || c == ' ')
        || key.starts_with(|c: char| c.is_ascii_lowercase())
    {
        key.to_pascal_case()
    } else {
        key.to_owned()
    };
    if pascal.starts_with(prefix) {
        pascal
    } else {
        format!("{prefix}{pascal}")
    }
}

/// An enum member name from its value: `soft-deny` -> `SOFT_DENY`.
pub(crate) fn enum_member_name(value: &str, index: usize) -> String {
    let mut name = value.to_shouty_snake_case();
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() {
        return format!("VALUE_{index}");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "V_");
    }
    name
}

/// Words the framework's naming checker (`onex validate --strict`) refuses,
/// in any case, in class names outside `handlers/`, `services/` and error classes.
const GENERIC_CLASS_WORDS: &[&str] = &[
    "Manager",
    "Handler",
    "Helper",
    "Utility",
    "Util",
    "Service",
    "Controller",
    "Processor",
    "Worker",
];

/// The first generic word `class` holds, if any (see [`GENERIC_CLASS_WORDS`]).
pub fn generic_class_word(class: &str) -> Option<&'static str> {
    let lower = class.to_ascii_lowercase();
    GENERIC_CLASS_WORDS
        .iter()
        .find(|w| lower.contains(&w.to_ascii_lowercase()))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names() {
        assert_eq!(
            node_class_name("node_auth_gate_compute"),
            "NodeAuthGateCompute"
        );
        assert_eq!(node_class_name("auth_gate"), "NodeAuthGate");
        assert_eq!(
            node_class_name("node_llm_completion_effect"),
            "NodeLlmCompletionEffect"
        );
    }

    #[test]
    fn acronyms_come_from_the_contracts_own_class_names() {
        let texts = [
            "ModelLLMCompletionRequest",
            "omnibase_infra.nodes.x.handlers.handler_ci_live:HandlerCIRunner",
            "Calls the LLM API via HTTP.",
            "ModelRRHResult and ModelRrhOther",
            "Modeling XYZ; ModelV1Thing",
        ];
        let acronyms = contract_acronyms(texts);
        assert_eq!(acronyms.get("llm").map(String::as_str), Some("LLM"));
        assert_eq!(acronyms.get("ci").map(String::as_str), Some("CI"));
        // spelled both ways: not an acronym; prose capitals are not evidence
        assert!(!acronyms.contains_key("rrh"));
        assert!(!acronyms.contains_key("api"));
        assert!(!acronyms.contains_key("http"));
        assert!(!acronyms.contains_key("xyz"));
        assert_eq!(
            node_class_name_with("node_llm_completion_effect", &acronyms),
            "NodeLLMCompletionEffect"
        );
        assert_eq!(
            node_class_name_with("ci_runner_route", &acronyms),
            "NodeCIRunnerRoute"
        );
        assert_eq!(
            node_class_name_with("node_rrh_emit_effect", &acronyms),
            node_class_name("node_rrh_emit_effect")
        );
        assert_eq!(
            pascal_words("ModelLLMCompletionV12"),
            ["Model", "LLM", "Completion", "V", "12"]
        );
        assert_eq!(pascal_words("HandlerCI"), ["Handler", "CI"]);
    }

    #[test]
    fn field_names() {
        assert_eq!(field_identifier("ok"), None);
        assert_eq!(field_identifier("class"), Some(Ok("class_".into())));
        assert_eq!(field_identifier("match"), Some(Ok("match_".into())));
        assert_eq!(
            field_identifier("model_config"),
            Some(Ok("field_model_config".into()))
        );
        assert_eq!(field_identifier("_x"), Some(Ok("x".into())));
        assert_eq!(field_identifier("a-b"), Some(Ok("a_b".into())));
        assert_eq!(field_identifier("1abc"), Some(Ok("field_1abc".into())));
        assert!(matches!(field_identifier("--"), Some(Err(_))));
    }

    #[test]
    fn stems_and_members() {
        assert_eq!(
            module_stem("model", "ModelAuthGateRequest"),
            "model_auth_gate_request"
        );
        assert_eq!(
            module_stem("handler", "HandlerAuthGate"),
            "handler_auth_gate"
        );
        assert_eq!(prefixed_class("Enum", "auth_verdict"), "EnumAuthVerdict");
        assert_eq!(prefixed_class("Model", "ModelThing"), "ModelThing");
        assert_eq!(enum_member_name("soft-deny", 0), "SOFT_DENY");
        assert_eq!(enum_member_name("2xx", 0), "V_2XX");
        assert_eq!(enum_member_name("??", 3), "VALUE_3");
    }
}
