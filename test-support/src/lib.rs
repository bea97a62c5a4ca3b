//! What tower-cors's tests, benchmarks, examples and fuzz targets share, in
//! one crate of the workspace (never published) instead of files included
//! by path:
//!
//! - [`origin_matching`]: the guide's origin-matching rules, written from
//!   the guide and not from the layer; the oracle of the policy properties
//!   (`tests/it/policy_properties.rs`) and of the fuzz target `origin`.
//! - `bench` (feature `bench`): the benchmarks' scenarios, the
//!   implementations each is measured on (tower-cors, tower-http, the bare
//!   handler and the floor layer), the drivers that send their requests
//!   without a runtime, and the counting allocator of the allocation tests.
//!   Its `reload` feature, which tower-cors's `reload` feature turns on,
//!   adds the reloadable layer to the variants measured.
//! - `playground` (feature `playground`): the CORS playground's servers,
//!   policies and `fetch()` cases, which `examples/playground.rs` serves
//!   and the browser suite (`tests/browsers.rs`) runs in real browsers.
//!
//! The fuzz targets use the oracle only: every other module is behind a
//! feature, so that they build none of its dependencies.

#[cfg(feature = "bench")]
pub mod bench;
pub mod origin_matching;
#[cfg(feature = "playground")]
pub mod playground;
