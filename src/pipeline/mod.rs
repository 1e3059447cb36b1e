//! The staged executor and the six codegen stages that run on it.

pub mod codegen;
pub mod executor;
