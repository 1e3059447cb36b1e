//! `codegen init [DIR]` (a commented `codegen.toml` and one example contract
//! per node type under `contracts/`) and `codegen new NAME --type T` (one
//! minimal contract). Neither ever overwrites a file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use heck::ToSnakeCase as _;

use crate::cli::{InitArgs, NewArgs, NewNodeType};
use crate::exit::ExitStatus;

/// The example contracts `init` writes, by file name.
const EXAMPLES: [(&str, &str); 4] = [
    (
        "node_payment_gateway_effect.yaml",
        include_str!("../../contracts/node_payment_gateway_effect.yaml"),
    ),
    (
        "node_invoice_total_compute.yaml",
        include_str!("../../contracts/node_invoice_total_compute.yaml"),
    ),
    (
        "node_session_state_reducer.yaml",
        include_str!("../../contracts/node_session_state_reducer.yaml"),
    ),
    (
        "node_order_fulfillment_orchestrator.yaml",
        include_str!("../../contracts/node_order_fulfillment_orchestrator.yaml"),
    ),
];

/// The configuration `init` writes: the example contracts as `[generate] contracts`, every
/// other key commented out at its default.
pub const CONFIG_EXAMPLE: &str = r#"# codegen configuration. Flags on the command line override these values.
# Every key below but `contracts` is commented out at its default; uncomment
# what you change.

[generate]
# The contracts `codegen generate` (and `generate --check`, and the pre-commit
# hook) reads when no PATHS are given: files, or directories searched for
# `*.yaml` and `*.yml`, relative to this file.
contracts = ["contracts"]
# Directory the node packages are written into (`<output>/<name>/`).
# output = "generated"
# Steps run in parallel inside a stage (default: the number of cores).
# jobs = 4
# Stop at the first failing contract instead of finishing the others.
# fail-fast = false
# Treat contract warnings (keys that look like typos, ...) as errors.
# strict = false
# Directory of `*.tera` files overriding built-in templates by name
# (`codegen templates eject templates` writes the built-ins there to edit).
# templates = "templates"
# How the result is printed: "text", "json", "github" or "gitlab".
# output-format = "text"

[validate]
# Rules to check, by code or prefix; replaces the default (all).
# select = ["ALL"]
# Rules to check in addition to the selected ones.
# extend-select = []
# Rules not to check, by code or prefix.
# ignore = []
# Globs skipped while walking directories; replaces the default excludes.
# exclude = []
# How findings are printed: "text", "json", "github", "junit", "sarif" or "gitlab".
# output-format = "text"
"#;

pub fn run_init(args: &InitArgs) -> anyhow::Result<ExitStatus> {
    // Paths are printed as given: `codegen.toml` rather than `./codegen.toml`.
    let under = |rel: &str| {
        if args.dir == Path::new(".") {
            PathBuf::from(rel)
        } else {
            args.dir.join(rel)
        }
    };
    let mut files: Vec<(PathBuf, &str)> = vec![(under("codegen.toml"), CONFIG_EXAMPLE)];
    let contracts = under("contracts");
    files.extend(
        EXAMPLES
            .iter()
            .map(|(name, text)| (contracts.join(name), *text)),
    );
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for (path, text) in files {
        match write_new(&path, text) {
            Ok(true) => writeln!(out, "wrote {}", path.display())?,
            Ok(false) => writeln!(err, "skipped {}: it exists", path.display())?,
            Err(e) => {
                failed = true;
                writeln!(err, "error: cannot write {}: {e}", path.display())?;
            }
        }
    }
    Ok(if failed {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}

pub fn run_new(args: &NewArgs) -> anyhow::Result<ExitStatus> {
    let name = match node_name(&args.name, args.node_type) {
        Ok(name) => name,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitStatus::Error);
        }
    };
    let path = args.output.join(format!("{name}.yaml"));
    match write_new(&path, &minimal_contract(&name, args.node_type)) {
        Ok(true) => {
            println!("wrote {}", path.display());
            Ok(ExitStatus::Success)
        }
        Ok(false) => {
            eprintln!(
                "error: {} exists already; codegen new never overwrites",
                path.display()
            );
            Ok(ExitStatus::Error)
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            Ok(ExitStatus::Error)
        }
    }
}

/// Writes `text` to `path` unless something is there; `Ok(false)` when it was.
fn write_new(path: &Path, text: &str) -> std::io::Result<bool> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => file.write_all(text.as_bytes()).map(|()| true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

fn type_word(node_type: NewNodeType) -> &'static str {
    match node_type {
        NewNodeType::Effect => "effect",
        NewNodeType::Compute => "compute",
        NewNodeType::Reducer => "reducer",
        NewNodeType::Orchestrator => "orchestrator",
    }
}

/// The package name for `raw`: snake case, with a `node_` prefix and the type
/// as suffix unless already there (`auth gate`, `AuthGate` → `node_auth_gate_compute`).
pub fn node_name(raw: &str, node_type: NewNodeType) -> Result<String, String> {
    let snake = raw.to_snake_case();
    if snake.is_empty()
        || !snake
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "'{raw}' cannot be a node name: use ASCII letters, digits, spaces or underscores"
        ));
    }
    let word = type_word(node_type);
    let mut name = if snake.starts_with("node_") {
        snake
    } else {
        format!("node_{snake}")
    };
    if !name.ends_with(&format!("_{word}")) {
        name = format!("{name}_{word}");
    }
    Ok(name)
}

fn minimal_contract(name: &str, node_type: NewNodeType) -> String {
    let word = type_word(node_type);
    let stem = name
        .strip_prefix("node_")
        .unwrap_or(name)
        .strip_suffix(&format!("_{word}"))
        .unwrap_or(name);
    let class = heck::AsPascalCase(stem).to_string();
    let upper = word.to_ascii_uppercase();
    let mut text = format!(
        "# {upper} node contract. The format: `codegen schema`, docs/contract.md.\n\
         name: {name}\n\
         contract_version:\n  major: 1\n  minor: 0\n  patch: 0\n\
         node_version: \"1.0.0\"\n\
         node_type: {upper}_GENERIC\n\
         description: What {name} does, in a sentence or two.\n\
         input_model:\n  name: Model{class}Input\n  fields:\n    correlation_id: uuid\n    payload: dict[str, any]\n\
         output_model:\n  name: Model{class}Output\n  fields:\n    correlation_id: uuid\n    ok: bool\n"
    );
    if node_type == NewNodeType::Reducer {
        let _ = write!(
            text,
            "state_model:\n  name: Model{class}State\n  fields:\n    version: {{type: int, ge: 0, default: 0}}\n"
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        for raw in [
            "auth gate",
            "AuthGate",
            "auth_gate",
            "node_auth_gate_compute",
            "auth-gate",
        ] {
            assert_eq!(
                node_name(raw, NewNodeType::Compute).unwrap(),
                "node_auth_gate_compute",
                "{raw}"
            );
        }
        assert_eq!(
            node_name("ledger", NewNodeType::Reducer).unwrap(),
            "node_ledger_reducer"
        );
        assert!(node_name("café", NewNodeType::Effect).is_err());
        assert!(node_name("  ", NewNodeType::Effect).is_err());
    }
}
