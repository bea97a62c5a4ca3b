//! A model of the browser's side of CORS, to test an HTTP service the way a
//! browser would see it.
//!
//! The model implements the Fetch Standard's own rules ("CORS check",
//! "CORS-preflight fetch", "CORS-preflight cache", "CORS-safelisted
//! request-header", forbidden methods and headers) and nothing from any
//! server-side CORS library: it depends on `http` and `tower-service` only,
//! so it judges a CORS layer, a hand-written handler or a proxy by the same
//! rules a browser applies, and can catch their mistakes. It judges by the
//! standard by default, or as Chromium, Firefox or WebKit ships
//! ([`Engine`]), where those engines deviate from the standard; every
//! [`Outcome`] says which.
//!
//! - [`check`] sends one script request (`fetch()` from a page of a given
//!   origin) to any tower service: the preflight first when the Fetch
//!   Standard requires one, then the actual request, and checks each answer
//!   as a browser does. The [`Outcome`] says whether the script gets the
//!   response and which headers it can read, and if not, which [`Rule`]
//!   blocked it and what to change.
//! - [`Browser`] keeps a preflight cache across requests, on a virtual
//!   clock, with an engine's cap on `Access-Control-Max-Age`.
//! - [`BrowserRequest`] exposes the same steps without a service: it builds
//!   the preflight and the actual request and checks answers that came by
//!   any other way, such as real HTTP. The `cors-doctor` command, in the
//!   same repository, runs [`Browser`] over a real HTTP and TLS client
//!   against live servers.
//!
//! [`Rule::name`] gives every rule a stable identifier
//! (`"missing-allow-origin"`, `"preflight-status-not-ok"`...) that tests
//! and reports can match on.
//!
//! Redirects of the actual request are followed as Fetch does: the CORS
//! check on the redirect itself, a new preflight where the new URL needs
//! one, `Origin: null` once a cross-origin request moves on to another
//! origin, and at most 20 (a redirected preflight fails, as in browsers).
//!
//! A request carries the body a script passes to `fetch()`
//! ([`RequestBody`]), with the `Content-Type` the browser adds for it, and
//! Fetch Metadata (`Sec-Fetch-Site` by site) as browsers send it.
//!
//! Modes `cors` (the default) and `no-cors` ([`Fetch::no_cors`]) are
//! modelled. Not modelled: cookies and other credentials themselves (only
//! the credentials mode), private network access, and `navigate` and the
//! other request modes.
//!
//! # Example
//!
//! A hand-written policy on an axum route: any origin, `GET` and `PUT`
//! with `Content-Type`, `X-Request-Id` exposed.
//!
//! ```
//! use axum::{http::StatusCode, routing::get, Router};
//! use cors_check::{check, Rule, Stage};
//!
//! const ANY: (&str, &str) = ("access-control-allow-origin", "*");
//! const EXPOSE: (&str, &str) = ("access-control-expose-headers", "x-request-id");
//!
//! let app: Router = Router::new().route(
//!     "/items",
//!     get(|| async { ([ANY, EXPOSE, ("x-request-id", "7")], "[]") })
//!         .put(|| async { ([ANY, EXPOSE, ("x-request-id", "8")], "saved") })
//!         .options(|| async {
//!             let allow = [
//!                 ANY,
//!                 ("access-control-allow-methods", "GET, PUT"),
//!                 ("access-control-allow-headers", "content-type"),
//!             ];
//!             (StatusCode::NO_CONTENT, allow)
//!         }),
//! );
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
//! // The preflight's answer does not list this header: the browser stops there.
//! let outcome = check(&app)
//!     .from("https://app.example.com")
//!     .get("/items")
//!     .header("x-custom", "1")
//!     .run()
//!     .await;
//! let blocked = outcome.blocked().unwrap();
//! assert_eq!(blocked.stage(), Stage::Preflight);
//! assert_eq!(blocked.rule(), &Rule::HeaderNotAllowed { name: "x-custom".into() });
//! assert_eq!(blocked.rule().name(), "header-not-allowed");
//! assert!(blocked.fix().contains("x-custom"));
//! assert!(outcome.to_string().starts_with("blocked at the preflight"));
//! assert!(outcome.readable().is_none());
//! # });
//! ```

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

mod blocked;
mod body;
mod browser;
mod cache;
mod cors;
mod engine;
mod outcome;
mod request;
mod safelist;

pub use blocked::{Blocked, Rule, Stage};
pub use body::{RequestBody, ScriptBody};
pub use browser::{check, Browser, Fetch};
pub use cors::{PreflightResult, Readable, DEFAULT_MAX_AGE};
pub use engine::Engine;
pub use outcome::{Exchange, Outcome};
pub use request::{BrowserRequest, InvalidRequest};

/// The README's example, compiled and run with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
