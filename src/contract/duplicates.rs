//! Checks across contracts: two contracts may not produce the same package
//! or the same node class.

use std::collections::HashMap;

use super::model::Contract;
use crate::diagnostics::Diagnostic;

/// Errors for node names (and package names) used by more than one contract,
/// pointing at each later file.
pub fn check_duplicates(contracts: &[&Contract]) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, &Contract> = HashMap::new();
    let mut out = Vec::new();
    for contract in contracts {
        match first.get(contract.name.as_str()) {
            Some(earlier) => out.push(
                Diagnostic::error(
                    &contract.source,
                    format!("node name '{}' is already used by another contract", contract.name),
                )
                .with_help(format!(
                    "{} also declares it; each node becomes the package '{}/', so names must be unique",
                    earlier.source.display(),
                    contract.name
                )),
            ),
            None => {
                first.insert(contract.name.as_str(), contract);
            }
        }
    }
    let mut classes: HashMap<&str, &Contract> = HashMap::new();
    for contract in contracts {
        if let Some(earlier) = classes.get(contract.class_name.as_str()) {
            if earlier.name != contract.name {
                out.push(
                    Diagnostic::error(
                        &contract.source,
                        format!(
                            "node class '{}' is already produced by '{}'",
                            contract.class_name, earlier.name
                        ),
                    )
                    .with_help(format!(
                        "rename one of the nodes ({} declares the other)",
                        earlier.source.display()
                    )),
                );
            }
        } else {
            classes.insert(contract.class_name.as_str(), contract);
        }
    }
    out
}
