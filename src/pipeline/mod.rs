//! The generation pipeline: a generic staged executor that runs every item
//! (contract) through ordered, barrier-separated stages in parallel.

pub mod executor;
