//! Contracts: reading ONEX v2.0 YAML in the published dialect into a typed
//! [`Contract`], with every problem located as `file:line:col`.

mod binding;
pub mod codes;
mod copy;
mod disk;
mod duplicates;
pub(crate) mod keys;
mod load;
pub mod model;
mod naming;
mod tree;
mod types;
mod values;
mod yaml;

pub use binding::{ADAPTER_CLASS, ADAPTER_MODULE, DISPATCH_MODULE};
pub use disk::{CONTRACT_FILE, Contracts, OnDisk};
pub use duplicates::check_duplicates;
pub use load::{LoadOptions, Loaded, is_handler_contract, load, load_hashed};
pub use model::*;
pub use naming::{generic_class_word, is_module_path, node_class_name};

#[cfg(test)]
mod tests;
