//! A model of the browser's side of CORS, to test a service the way a
//! browser would see it.
//!
//! [`check`] sends one script request (`fetch()` from a page of a given
//! origin) to any tower service: the preflight first when the Fetch
//! Standard requires one, then the actual request, and checks each answer
//! as a browser does. The [`Outcome`] says whether the script gets the
//! response, and if not, which rule blocked it and what to change.
//! [`Browser`] keeps a preflight cache across requests, on a virtual clock.
//!
//! The model implements the Fetch Standard's rules itself ("CORS check",
//! "CORS-preflight fetch", "CORS-preflight cache", "CORS-safelisted
//! request-header") and shares no code with the crate's layer, so it can
//! catch the layer's mistakes. [`BrowserRequest`] exposes the same steps
//! without a service, for answers that come over real HTTP.
//!
//! Not modelled: cookies, redirects of the actual request (its status is
//! reported as is), private network access, `no-cors` and other request
//! modes.
//!
//! # Example
//!
//! ```
//! use axum::{routing::get, Router};
//! use tower_cors::check::{check, Rule, Stage};
//! use tower_cors::CorsLayer;
//!
//! let app: Router = Router::new()
//!     .route("/items", get(|| async { ([("x-request-id", "7")], "[]") }).put(|| async { "saved" }))
//!     .layer(CorsLayer::gateway());
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let outcome = check(&app)
//!     .from("https://app.example.com")
//!     .put("/items")
//!     .header("content-type", "application/json")
//!     .run()
//!     .await;
//! assert!(outcome.is_allowed(), "{outcome}");
//! assert!(outcome.preflight_sent());
//! assert!(outcome.can_read("X-Request-Id"));
//! assert_eq!(outcome.exchanges().len(), 2);
//!
//! // The gateway does not allow this header: it refuses the preflight with 403.
//! let outcome = check(&app)
//!     .from("https://app.example.com")
//!     .get("/items")
//!     .header("x-custom", "1")
//!     .run()
//!     .await;
//! let blocked = outcome.blocked().unwrap();
//! assert_eq!(blocked.stage(), Stage::Preflight);
//! assert_eq!(blocked.rule(), &Rule::PreflightStatusNotOk(http::StatusCode::FORBIDDEN));
//! assert!(blocked.fix().contains("the headers x-custom"));
//! assert!(outcome.to_string().starts_with("blocked at the preflight"));
//! assert!(outcome.readable().is_none());
//! # });
//! ```

mod blocked;
mod browser;
mod cache;
mod cors;
mod outcome;
mod request;
mod safelist;

pub use blocked::{Blocked, Rule, Stage};
pub use browser::{Browser, EmptyBody, Fetch};
pub use cors::{PreflightResult, Readable, CHROMIUM_MAX_AGE_CAP, DEFAULT_MAX_AGE};
pub use outcome::{Exchange, Outcome};
pub use request::{BrowserRequest, InvalidRequest};

/// A `fetch()` to `service` from a fresh browser (empty preflight cache).
///
/// # Example
///
/// ```
/// use axum::{routing::put, Router};
/// use tower_cors::check::{check, Rule};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["PUT"])
///     .allow_credentials(true)
///     .build()?;
/// let app: Router = Router::new().route("/items", put(|| async { "saved" }).delete(|| async { "gone" })).layer(cors);
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let outcome = check(&app).from("https://app.example.com").put("/items").credentials().run().await;
/// assert!(outcome.is_allowed(), "{outcome}");
/// assert!(outcome.can_read("content-type"));
///
/// let outcome = check(&app).from("https://evil.example").delete("/items").run().await;
/// assert_eq!(outcome.blocked().map(|b| b.rule()), Some(&Rule::PreflightStatusNotOk(http::StatusCode::FORBIDDEN)));
/// # });
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
pub fn check<S>(service: &S) -> Fetch<'_, S> {
    Fetch::fresh(service)
}
