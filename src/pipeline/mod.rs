//! The staged parallel executor, and the six codegen stages that run on it:
//! stages are barriers, steps inside a stage run in parallel under a bound.

pub mod codegen;
pub mod executor;
pub mod recovery;
pub mod vote;
