//! What tower-cors's tests, benchmarks, examples and fuzz targets share, in
//! one crate of the workspace (never published) instead of files included
//! by path:
//!
//! - [`origin_matching`]: the README's origin-matching rules, written from
//!   the README and not from the layer; the oracle of the policy properties
//!   (`tests/properties_policy.rs`) and of the fuzz target `origin`.

pub mod origin_matching;
