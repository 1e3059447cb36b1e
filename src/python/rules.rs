//! The registry of Python rules this module implements: stable codes, names, severities and
//! one-line summaries. Codes are never renumbered; new rules are appended.

use crate::diagnostics::Severity;

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const RULES: &[RuleInfo] = &[
    RuleInfo {
        code: "SYN001",
        name: "syntax-error",
        severity: Severity::Error,
        summary: "the file does not parse as Python 3.12; reported at CPython's line and column",
    },
    RuleInfo {
        code: "SYN002",
        name: "compile-error",
        severity: Severity::Error,
        summary: "CPython's compile() rejects the file after parsing: return/yield/await outside \
                  their blocks, break/continue outside loops, duplicate arguments, nonlocal at \
                  module level, misplaced or unknown `from __future__` imports",
    },
    RuleInfo {
        code: "SYN003",
        name: "encoding-error",
        severity: Severity::Error,
        summary: "the bytes do not decode with their PEP 263 coding cookie (default UTF-8), or \
                  contain NUL bytes",
    },
    RuleInfo {
        code: "CMP001",
        name: "node-class-missing",
        severity: Severity::Error,
        summary: "a node.py without a Node* class deriving from a node base",
    },
    RuleInfo {
        code: "CMP003",
        name: "handler-method-missing",
        severity: Severity::Error,
        summary: "a Handler* class without a `handle` method",
    },
    RuleInfo {
        code: "ONX001",
        name: "node-class-name",
        severity: Severity::Error,
        summary: "the node class is not named `Node` + PascalCase",
    },
    RuleInfo {
        code: "ONX002",
        name: "node-base",
        severity: Severity::Error,
        summary: "the node class does not derive from the base matching the contract's node_type",
    },
    RuleInfo {
        code: "ONX003",
        name: "model-name",
        severity: Severity::Warning,
        summary: "a pydantic model not named Model*, or an enum not named Enum*",
    },
    RuleInfo {
        code: "ONX006",
        name: "model-not-strict",
        severity: Severity::Warning,
        summary: "a pydantic model without extra=\"forbid\" in its model_config",
    },
    RuleInfo {
        code: "ONX007",
        name: "one-model-per-file",
        severity: Severity::Warning,
        summary: "more than one model class in a models/ file",
    },
];

/// The rules implemented here, in catalogue order.
pub fn rules() -> &'static [RuleInfo] {
    RULES
}

/// The registry entry for `code`; every code this module emits is registered.
pub(crate) fn rule(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|rule| rule.code == code)
}

/// A diagnostic for `code` at the severity the registry gives it.
pub(crate) fn diagnostic(
    code: &'static str,
    path: &std::path::Path,
    message: impl Into<String>,
) -> crate::diagnostics::Diagnostic {
    use crate::diagnostics::Diagnostic;
    let finding = match rule(code).map(|rule| rule.severity) {
        Some(Severity::Warning) => Diagnostic::warning(path, message),
        _ => Diagnostic::error(path, message),
    };
    finding.with_code(code)
}
