//! Contracts: reading ONEX v2.0 YAML in the published dialect into a typed
//! [`Contract`], with every problem located as `file:line:col`.

pub mod model;

pub use model::*;
