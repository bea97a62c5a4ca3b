//! What tower-cors's tests, benchmarks, examples and fuzz targets share, in
//! one crate of the workspace (never published) instead of files included
//! by path:
//!
//! - [`origin_matching`]: the README's origin-matching rules, written from
//!   the README and not from the layer; the oracle of the policy properties
//!   (`tests/properties_policy.rs`) and of the fuzz target `origin`.
//! - [`bench`] (feature `bench`): the benchmarks' scenarios, the
//!   implementations each is measured on (tower-cors, tower-http, the bare
//!   handler and the floor layer), the drivers that send their requests
//!   without a runtime, and the counting allocator of the allocation tests.
//!   Its `reload` feature, which tower-cors's `reload` feature turns on,
//!   adds the reloadable layer to the variants measured.
//!
//! The fuzz targets use the oracle only: every other module is behind a
//! feature, so that they build none of its dependencies.

#[cfg(feature = "bench")]
pub mod bench;
pub mod origin_matching;
