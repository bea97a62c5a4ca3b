//! The integration tests, in one binary: one module per subject, each named
//! for the behaviour it covers (`preflight`, `origins`, `gateway_preset`,
//! `layer_order`, ...). Run one subject with its module path, e.g.
//! `cargo test --test it preflight::`.
//!
//! Modules that need a crate feature have a `#[cfg]` on their `mod` line:
//! without the feature they are not compiled, rather than reported as a
//! binary that runs nothing. `common` holds the helpers the modules share;
//! what tests share with the benchmarks, the examples and the fuzz targets
//! is in the workspace crate `tower-cors-test-support`.
//!
//! Two suites are binaries of their own, because they need a process of
//! their own: `tests/allocations/` installs a counting global allocator,
//! and `tests/browsers.rs` drives real browsers (its engine tests are
//! ignored unless asked for; `bash .ci/browsers` runs them).

mod common;

mod actual_responses;
mod async_origins;
mod blocking_disallowed_origins;
mod browser_model;
mod checked_in_the_browser_model;
mod classification;
#[cfg(feature = "serde")]
mod config_files;
mod credentials_echo;
mod cross_origin_protection;
mod debug_mode;
mod decisions;
mod gateway_preset;
mod grpc_web;
mod hostile_inputs;
mod insecure_config;
mod layer_order;
mod loopback_and_suffixes;
mod null_and_file_origins;
mod origins;
mod policy_properties;
mod precedence;
mod preflight;
mod preflight_passthrough;
mod private_network;
#[cfg(feature = "reload")]
mod reload;
mod request_properties;
mod rollout;
mod routes;
mod servers;
mod service_contract;
mod setters;
mod shared_caches;
mod tower_http_parity;
#[cfg(feature = "tracing")]
mod tracing_events;
mod validation;
mod vary_on;
