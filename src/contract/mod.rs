//! Contracts: reading ONEX v2.0 YAML in the published dialect into a typed
//! [`Contract`], with every problem located as `file:line:col`.

mod load;
pub mod model;
mod naming;
mod tree;
mod types;

pub use load::{LoadOptions, Loaded, check_duplicates, load};
pub use model::*;
pub use naming::node_class_name;

#[cfg(test)]
mod tests;
