//! CORS (Cross-Origin Resource Sharing) middleware for tower, axum, tonic and
//! hyper, modelled on what an API gateway does for CORS and on the Fetch
//! Standard's rules.
//!
//! - A policy is written with a fluent [`CorsBuilder`] whose
//!   [`build`](CorsBuilder::build) checks it as a whole and returns every
//!   problem as a typed [`ConfigError`]: nothing panics, at build time or per
//!   request. Every setter replaces what an earlier call of it set, so
//!   presets narrow as easily as they widen.
//! - Each request is classified ([`RequestKind`]): not CORS, simple,
//!   not-so-simple, or preflight; with
//!   [`record_decisions`](CorsBuilder::record_decisions) the kind is put
//!   into the request's extensions for handlers and logs. Only `OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method` is a preflight; every other `OPTIONS`
//!   reaches the inner service.
//! - Preflights are answered by the layer without calling the inner
//!   service, after checking the origin, the method (case-sensitively) and
//!   every requested header (case-insensitively). A refused preflight gets
//!   `403 Forbidden` and no CORS headers. The [`Refusal`] that says why,
//!   with the rule that decided, is put into the response's extensions
//!   with `record_decisions`, reported as a `tracing` event with the
//!   `tracing` feature, and named in a response header in debug mode
//!   ([`CorsLayer::set_debug_mode`]), which also lets the browser's console show the
//!   real cause.
//! - On actual responses the layer merges its headers with the inner
//!   service's; by default the inner service's CORS headers win
//!   ([`Precedence`]), and `Vary` tokens are merged, never duplicated.
//! - The response body is [`CorsBody`], which wraps any body type: no
//!   `Default` bound, so it composes with axum, tonic and hyper bodies.
//! - Origins can be exact, patterns (`https://*.example.com`,
//!   `http://localhost:*`), or decided by a predicate, synchronous or
//!   asynchronous ([`CorsBuilder::allow_origin_async`]). Configurations that
//!   would be insecure (credentials with any origin, with plain `http://`
//!   origins, with `null` or `file://`, or with a pattern on a public suffix
//!   of the whole Public Suffix List; `null` at all) are refused unless
//!   opted into by name.
//! - Every response is safe to store in a shared cache: an any-origin
//!   policy answers `*` on every response, with or without `Origin`, and
//!   `Vary` names what the other answers depend on.
//! - The policy is compiled once into ready header values, shared behind an
//!   `Arc`: cloning the service copies no lists.
//! - Policies can be bound per route ([`CorsRoutes`]: path prefixes,
//!   path patterns, or a function of the request), and, with the `reload`
//!   feature, replaced at runtime.
//! - [`check`] is a model of the browser's side, written from the Fetch
//!   Standard and independent of the layer: it sends a script's request
//!   (and its preflight) to any service and says whether the browser lets
//!   the script read the response, and if not, why and what to change.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use axum::{routing::get, Router};
//! use http::Method;
//! use tower_cors::CorsLayer;
//!
//! let cors = CorsLayer::builder()
//!     .allow_origins(["https://app.example.com", "https://admin.example.com"])
//!     .allow_methods([Method::GET, Method::PUT])
//!     .allow_headers(["content-type", "x-custom"])
//!     .expose_headers(["x-request-id"])
//!     .allow_credentials(true)
//!     .max_age(Duration::from_secs(600))
//!     .build()?;
//!
//! let app: Router = Router::new().route("/", get(|| async { "hello" })).layer(cors);
//! # Ok::<(), tower_cors::BuildError>(())
//! ```
//!
//! The API gateway's defaults are one call away:
//!
//! ```
//! use axum::{routing::get, Router};
//! use tower_cors::CorsLayer;
//!
//! let app: Router = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(CorsLayer::gateway());
//! ```
//!
//! # Features
//!
//! - `psl` (default): check subdomain patterns used with credentials
//!   against the whole Public Suffix List. Without it only single-label
//!   suffixes (`*.com`) are recognised.
//! - `serde`: policies from configuration files in any serde format, in
//!   this crate's own shape (`CorsConfig`) or the API gateway's CORS
//!   plug-in shape (`GatewayPluginConfig`), checked by the builder;
//!   `CorsLayer` deserializes into a checked layer, and
//!   `CorsLayer::config` serializes the policy in force.
//! - `tracing`: events on target `tower_cors`: `INFO` when a policy is
//!   built, summarising it; `DEBUG` for every refusal, with its reason and
//!   rule as fields; `TRACE` for every allowed CORS request.
//! - `reload`: `ReloadableCorsLayer` and its `ReloadHandle`, which replace
//!   the policy (or the policies per route, [`CorsRoutes`]) of every clone
//!   of the service at runtime, atomically and without a lock on the
//!   request path (through the `arc-swap` crate).

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented,
    clippy::indexing_slicing,
    clippy::unreachable
)]

mod builder;
pub mod check;
mod compile;
#[cfg(feature = "serde")]
mod config_file;
mod error;
mod explain;
pub mod guide;
pub mod presets;
mod refusal;
#[cfg(feature = "reload")]
mod reload;
mod routes;
mod serve;
mod settings;

pub use builder::CorsBuilder;
#[cfg(feature = "serde")]
pub use config_file::{AnyCorsConfig, GatewayPluginConfig};
pub use error::{BuildError, ConfigError, HeaderList};
pub use explain::route_table::{Binding, RouteTable};
pub use refusal::Refusal;
#[cfg(feature = "reload")]
pub use reload::ReloadHandle;
pub use routes::CorsRoutes;
pub use serve::body::CorsBody;
pub use serve::classify::RequestKind;
pub use serve::future::ResponseFuture;
pub use serve::layer::CorsLayer;
pub use serve::service::Cors;
pub use settings::{CorsConfig, Precedence};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
