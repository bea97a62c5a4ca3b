//! CORS (Cross-Origin Resource Sharing) middleware for tower, axum, tonic and
//! hyper. It does, as a tower [`Layer`](tower_layer::Layer), what an API
//! gateway does for CORS, modelled on the CORS support of [Huawei Cloud API
//! Gateway (APIG)][apig], and follows the browser's rules from the [Fetch
//! Standard][fetch].
//!
//! - One layer type, [`CorsLayer`], whose services are [`Cors`] and whose
//!   response body is [`CorsBody`] (any body type, no `Default` bound, so it
//!   composes with axum, tonic and hyper). A policy is written with the
//!   fluent [`CorsBuilder`] ([`CorsLayer::builder`]) or as a [`CorsConfig`]
//!   value, and [`build`](CorsBuilder::build) checks it as a whole: every
//!   problem comes back at once in a [`BuildError`], as typed
//!   [`ConfigError`]s, and insecure combinations are refused. Nothing
//!   panics, at build time or per request.
//! - The gateway's defaults are one call away ([`CorsLayer::gateway`]);
//!   [`CorsBuilder::gateway`], [`CorsBuilder::grpc_web`] and
//!   [`CorsBuilder::single_page_app`] are presets to adjust, and
//!   [`presets`] holds their lists.
//! - Preflights are answered by the layer after checking the origin, the
//!   method and every requested header; a refused one gets `403 Forbidden`
//!   and no CORS headers. The handler's own CORS headers win unless
//!   [`Precedence::LayerWins`], and `Vary` is merged, never duplicated.
//! - Why a request was refused is a [`Refusal`] value (in the response's
//!   extensions with [`record_decisions`](CorsBuilder::record_decisions)),
//!   a `tracing` event, or, in debug mode ([`CorsLayer::set_debug_mode`]),
//!   a response header the browser's network panel shows. `cors_check` (the `cors-check` crate)
//!   is a model of the browser's side, for tests.
//! - Like the gateway's CORS plug-in policies, policies can come from
//!   configuration files, be bound per route ([`CorsRoutes`], inspected with
//!   [`CorsLayer::route_table`]) and be replaced at runtime
//!   (`CorsLayer::reloadable`).
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//!
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
//! let app: Router = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(cors);
//!
//! // Or the API gateway's defaults:
//! let gateway: Router = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(CorsLayer::gateway());
//! # Ok::<(), tower_cors::BuildError>(())
//! ```
//!
//! # Features
//!
//! - `psl` (default): check subdomain patterns used with credentials
//!   against the whole Public Suffix List. Without it only single-label
//!   suffixes (`*.com`) are recognised.
//! - `serde`: policies from configuration files in any serde format, in
//!   this crate's own shape ([`CorsConfig`]) or the API gateway's CORS
//!   plug-in shape (`GatewayPluginConfig`), or either under a tag
//!   (`AnyCorsConfig`), checked by the builder's rules; `CorsLayer`
//!   deserializes into a checked layer, and serializes the policy in force.
//! - `tracing`: events on target `tower_cors`: `INFO` when a policy is
//!   built, summarising it; `DEBUG` for every refusal, with its reason and
//!   rule as fields; `TRACE` for every allowed CORS request.
//! - `reload`: `CorsLayer::reloadable` and its `ReloadHandle`, which
//!   replace the policy (or the policies per route, [`CorsRoutes`]) of
//!   every clone of the service at runtime, atomically and without a lock
//!   on the request path (through the `arc-swap` crate).
//! - `metrics`: counters of decisions through the `metrics` facade, by
//!   policy, outcome and refusal reason, for the enforcing policy and a
//!   report-only candidate, and of the differences between the two; see
//!   [rolling out a policy](guide::rollout).
//!
//! # The guide
//!
//! The [`guide`] goes through the crate one subject a page:
//!
//! - writing a policy: [the policy](guide::policy), [origins](guide::origins),
//!   [refused configurations](guide::refused_configurations),
//!   [private network access](guide::private_network);
//! - how the layer answers: [which requests are CORS
//!   requests](guide::cors_requests), [where the layer
//!   goes](guide::layer_order), [precedence](guide::precedence),
//!   [caches](guide::caches);
//! - when a request is refused: [why](guide::refusals), [testing as a
//!   browser would](guide::testing), [the CORS doctor](guide::doctor);
//! - running it like a gateway: [configuration
//!   files](guide::config_files), [policies per route](guide::routes),
//!   [reconfiguring at runtime](guide::reload), [rolling out a
//!   policy](guide::rollout);
//! - [coming from tower-http](guide::tower_http), [security](guide::security),
//!   [real browsers](guide::browsers), [benchmarks](guide::benchmarks).
//!
//! [apig]: https://support.huaweicloud.com/intl/en-us/usermanual-apig/apig_03_0011.html
//! [fetch]: https://fetch.spec.whatwg.org/#http-cors-protocol

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
mod classify;
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
pub use classify::RequestKind;
#[cfg(feature = "serde")]
pub use config_file::{AnyCorsConfig, GatewayPluginConfig};
pub use error::{BuildError, ConfigError, HeaderList};
pub use explain::route_table::{Binding, RouteTable};
pub use refusal::Refusal;
#[cfg(feature = "reload")]
pub use reload::ReloadHandle;
pub use routes::CorsRoutes;
pub use serve::body::CorsBody;
pub use serve::future::ResponseFuture;
pub use serve::layer::CorsLayer;
pub use serve::service::Cors;
pub use settings::{CorsConfig, Precedence};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
