//! The guide: how to write a policy, where to put the layer, and how to
//! find out why a browser blocked a request, one page a subject. Every
//! example in it is compiled and run as a doc test.
//!
//! Writing a policy:
//!
//! - [`policy`]: the builder's settings and their defaults, the presets,
//!   the settings as a value ([`CorsConfig`](crate::CorsConfig)), and the
//!   header values a policy renders, kept once per process.
//! - [`origins`]: exact origins, patterns, and predicates, synchronous or
//!   asynchronous.
//! - [`refused_configurations`]: what `build()` refuses and why, and the
//!   Public Suffix List.
//! - [`private_network`]: Private Network Access preflights.
//!
//! How the layer answers:
//!
//! - [`cors_requests`]: which requests are CORS requests, and of which kind.
//! - [`layer_order`]: where the layer goes in a stack of middleware.
//! - [`precedence`]: when the handler sets CORS headers too.
//! - [`caches`]: what every response says to shared caches.
//!
//! When a request is refused:
//!
//! - [`refusals`]: the reason as a value, as `tracing` events, and in
//!   debug mode to the browser.
//! - [`testing`]: testing a service as a browser would.
//! - [`doctor`]: the CORS doctor, for live servers.
//!
//! Running it like a gateway:
//!
//! - [`config_files`]: policies from configuration files, in this crate's
//!   shape or the gateway plug-in's.
//! - [`routes`]: policies per route.
//! - [`reload`]: reconfiguring at runtime.
//! - [`rollout`]: a report-only candidate policy beside the enforcing one,
//!   its differences recorded and its decisions counted, then promoted.
//!
//! And:
//!
//! - [`tower_http`]: coming from tower-http's `CorsLayer`.
//! - [`security`]: what the layer guarantees, what it cannot do, and how
//!   that is tested.
//! - [`browsers`]: the suite that runs in Chromium, Firefox and WebKit,
//!   with the browser model beside each engine.
//! - [`benchmarks`]: the cost per request, against tower-http and a floor.

#[doc = include_str!("../docs/guide/policy.md")]
pub mod policy {}

#[doc = include_str!("../docs/guide/origins.md")]
pub mod origins {}

#[doc = include_str!("../docs/guide/refused_configurations.md")]
pub mod refused_configurations {}

#[doc = include_str!("../docs/guide/private_network.md")]
pub mod private_network {}

#[doc = include_str!("../docs/guide/cors_requests.md")]
pub mod cors_requests {}

#[doc = include_str!("../docs/guide/layer_order.md")]
pub mod layer_order {}

#[doc = include_str!("../docs/guide/precedence.md")]
pub mod precedence {}

#[doc = include_str!("../docs/guide/caches.md")]
pub mod caches {}

#[doc = include_str!("../docs/guide/refusals.md")]
pub mod refusals {}

#[doc = include_str!("../docs/guide/testing.md")]
pub mod testing {}

#[doc = include_str!("../docs/guide/doctor.md")]
pub mod doctor {}

#[doc = include_str!("../docs/guide/config_files.md")]
pub mod config_files {}

#[doc = include_str!("../docs/guide/routes.md")]
pub mod routes {}

#[doc = include_str!("../docs/guide/reload.md")]
pub mod reload {}

#[doc = include_str!("../docs/guide/rollout.md")]
pub mod rollout {}

#[doc = include_str!("../docs/guide/tower_http.md")]
pub mod tower_http {}

#[doc = include_str!("../docs/guide/security.md")]
pub mod security {}

#[doc = include_str!("../docs/guide/browsers.md")]
pub mod browsers {}

#[doc = include_str!("../docs/guide/benchmarks.md")]
pub mod benchmarks {}
