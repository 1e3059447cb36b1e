//! `codegen schema`: the JSON Schema (draft 2020-12) of the contract format,
//! for editors (yaml-language-server) and CI checks.

use std::io::Write as _;

use crate::exit::ExitStatus;

/// The schema, as printed.
pub const CONTRACT_SCHEMA: &str = include_str!("contract.schema.json");

pub fn run() -> anyhow::Result<ExitStatus> {
    std::io::stdout()
        .lock()
        .write_all(CONTRACT_SCHEMA.as_bytes())?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_is_json() {
        let value: serde_json::Value = serde_json::from_str(super::CONTRACT_SCHEMA).unwrap();
        assert_eq!(
            value["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}
