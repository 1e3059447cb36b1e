//! codegen: ONEX v2.0 node contracts in, Python node packages out.

pub mod contract;
pub mod diagnostics;
pub mod python;
