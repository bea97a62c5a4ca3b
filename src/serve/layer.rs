//! [`CorsLayer`]: the tower [`Layer`] that wraps services in [`Cors`], and
//! where its policy comes from.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_layer::Layer;

use crate::compile::policy::Policy;
use crate::compile::table::Table;
use crate::explain::route_table::RouteTable;
use crate::serve::service::Cors;
use crate::serve::source::{Shared, Source};
use crate::settings::CorsConfig;

/// A tower [`Layer`] that applies a compiled CORS policy to a service: one
/// policy for every request, policies per route, or either of them
/// replaceable at runtime.
///
/// - [`CorsLayer::builder`] writes one policy, checked by
///   [`build`](crate::CorsBuilder::build); [`CorsLayer::gateway`] is the API
///   gateway's defaults; `CorsLayer::try_from` builds a
///   [`CorsConfig`] (from a configuration file, with the `serde` feature).
/// - [`CorsRoutes`](crate::CorsRoutes) binds named policies to routes.
/// - `CorsLayer::reloadable` (feature `reload`) makes a layer whose
///   policies a `ReloadHandle` replaces at runtime.
///
/// The policy is compiled once; the layer, its clones and every service it
/// makes share it behind an [`Arc`], with one switch for
/// [debug mode](CorsLayer::set_debug_mode).
///
/// # Example
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["GET", "PUT"])
///     .build()?;
/// let app: Router = Router::new().route("/", get(|| async { "hi" })).layer(cors);
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Clone)]
pub struct CorsLayer {
    shared: Arc<Shared>,
}

impl CorsLayer {
    /// A layer over `source`, with debug mode's `debug` switch.
    pub(crate) fn from_source(source: Source, debug: Arc<AtomicBool>) -> CorsLayer {
        CorsLayer {
            shared: Arc::new(Shared { source, debug }),
        }
    }

    /// A layer of one compiled policy, with debug mode on when `debug`.
    pub(crate) fn fixed(policy: Policy, debug: bool) -> CorsLayer {
        let debug = Arc::new(AtomicBool::new(debug));
        CorsLayer::from_source(Source::Fixed(Arc::new(policy)), debug)
    }

    #[cfg(feature = "reload")]
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The settings of the policy this layer applies to every request,
    /// with `debug` as debug mode is now: what the layer was built with
    /// (from a file, a preset or the builder). `None` unless one policy
    /// covers every request: a layer with policies per route has one only
    /// when it binds nothing and has a fallback (see
    /// [`route_table`](CorsLayer::route_table)). Building the result gives
    /// the same policy again, except for origin predicates, which a
    /// configuration cannot hold: it only says that the layer has one
    /// ([`CorsConfig::origin_predicate`]). A max-age is given in whole
    /// seconds, as it is sent. With the `serde` feature it serializes as a
    /// configuration file.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let config = CorsLayer::gateway().config().unwrap();
    /// assert_eq!(config.allow_origins, ["*"]);
    /// assert_eq!(config.max_age, Some(172_800));
    /// ```
    pub fn config(&self) -> Option<CorsConfig> {
        // One table, loaded once: a reload cannot come in between.
        let table = RouteTable::new(self.shared.source.table(), self.debug_mode());
        table.config(table.single_policy()?)
    }

    /// Whether the policy in force for `request` (its route's, with
    /// [`CorsRoutes`](crate::CorsRoutes)) allows the request's `Origin`:
    /// the allow-list that CORS and
    /// [`cross_origin_protection`](crate::CorsBuilder::cross_origin_protection)
    /// share, for a handler that checks origins itself. It answers the
    /// origin question only: a same-origin request, which the protection
    /// lets pass by `Sec-Fetch-Site` or `Host`, is allowed here only if
    /// its origin is listed, and bypass paths do not count. `false` without
    /// `Origin`, without a policy for the route, and for an origin that only
    /// an [asynchronous predicate](crate::CorsBuilder::allow_origin_async)
    /// could allow.
    ///
    /// # Example
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// let from = |origin: &str| Request::get("/ws").header("origin", origin).body(()).unwrap().into_parts().0;
    /// assert!(cors.allows_origin(&from("https://app.example.com")));
    /// assert!(!cors.allows_origin(&from("https://evil.example")));
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allows_origin(&self, request: &http::request::Parts) -> bool {
        let Some(origin) = request.headers.get(http::header::ORIGIN) else {
            return false;
        };
        let allows = |policy: &Arc<Policy>| policy.origins.allows_now(origin, request);
        match &self.shared.source {
            Source::Fixed(policy) => allows(policy),
            Source::Routed(table) => table.select(request).is_some_and(allows),
            #[cfg(feature = "reload")]
            Source::Reloadable(table) => table.load().select(request).is_some_and(allows),
        }
    }

    /// This layer with a report-only candidate policy: every request is
    /// still answered by this layer's policies, byte for byte; the
    /// candidate's decision is computed beside theirs, and where the two
    /// differ (the candidate would refuse what is allowed, or allow what is
    /// refused) the difference is recorded: a `tracing` event (feature
    /// `tracing`) and a counter (feature `metrics`), each with the
    /// candidate's refusal, the names of both policies and the request's
    /// kind. See the guide's [rollout](crate::guide::rollout) chapter.
    ///
    /// The candidate is `candidate`'s policies, routed by its own bindings
    /// (its own candidate, if it has one, is not taken). A request that the
    /// enforcing layer binds to no policy is counted for the candidate but
    /// compared with nothing; an origin that only an asynchronous predicate
    /// could decide is counted as undecided and not compared.
    ///
    /// On a reloadable layer (feature `reload`, `CorsLayer::reloadable`)
    /// this sets the candidate for every service the layer made, as
    /// `ReloadHandle::set_candidate` does; there, `promote_candidate` makes
    /// it the enforcing policy, atomically.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let enforcing = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com", "https://old.example.com"])
    ///     .build()?;
    /// // What would break without the old origin?
    /// let candidate = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// let cors = enforcing.with_candidate(candidate);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn with_candidate(self, candidate: CorsLayer) -> CorsLayer {
        let candidate = candidate.shared.source.table();
        let with = |table: &Table| Arc::new(table.with_candidate(Some(&candidate)));
        let source = match &self.shared.source {
            Source::Fixed(policy) => Source::Routed(with(&Table::single(Arc::clone(policy)))),
            Source::Routed(table) => Source::Routed(with(table)),
            #[cfg(feature = "reload")]
            Source::Reloadable(table) => {
                table.rcu(|current| with(current));
                return self;
            }
        };
        CorsLayer::from_source(source, Arc::clone(&self.shared.debug))
    }

    /// The policies and bindings in force now, for introspection. A layer
    /// with one policy for every request has a table of that policy alone,
    /// named `default`, as its fallback.
    ///
    /// # Example
    ///
    /// ```
    /// let table = tower_cors::CorsLayer::gateway().route_table();
    /// assert_eq!(table.fallback(), Some("default"));
    /// assert_eq!(table.bindings().count(), 0);
    /// ```
    pub fn route_table(&self) -> RouteTable {
        RouteTable::new(self.shared.source.table(), self.debug_mode())
    }

    /// Turns debug mode on or off at runtime, for this layer, its clones
    /// and every service they made or will make, whatever policy is in
    /// force (it outlives a reload).
    ///
    /// Debug mode is a development aid, off unless
    /// [`CorsBuilder::debug`](crate::CorsBuilder::debug) asked for it.
    /// While it is on:
    ///
    /// - every response to a refused request carries an `x-cors-refusal`
    ///   header naming the reason and the setting that decided, for example
    ///   `x-cors-refusal: method PUT not allowed (allow_methods)`, visible
    ///   in the browser's network panel;
    /// - a preflight whose origin is allowed but whose method or headers
    ///   are not is answered with the status of an accepted preflight and
    ///   the policy's `Access-Control-Allow-Origin`, `-Methods` and
    ///   `-Headers` (not the ones asked for), so that the browser's console
    ///   names the real cause ("Method PUT is not allowed by
    ///   Access-Control-Allow-Methods") instead of a missing
    ///   `Access-Control-Allow-Origin`. The browser still refuses the
    ///   request.
    ///
    /// It tells every visitor how the policy is written: leave it off in
    /// production, or switch it on only while you look.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["http://localhost:5173"])
    ///     .build()?;
    /// let switch = cors.clone(); // for example for an admin endpoint
    /// assert!(!cors.debug_mode());
    /// switch.set_debug_mode(true);
    /// assert!(cors.debug_mode());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    #[doc(alias = "debug_switch")]
    pub fn set_debug_mode(&self, on: bool) {
        self.shared.debug.store(on, Ordering::Relaxed);
    }

    /// Whether debug mode is on (see
    /// [`set_debug_mode`](CorsLayer::set_debug_mode)).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().debug(true).build()?;
    /// assert!(cors.debug_mode());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn debug_mode(&self) -> bool {
        self.shared.debug.load(Ordering::Relaxed)
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors::new(inner, Arc::clone(&self.shared))
    }
}

impl fmt::Debug for CorsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsLayer")
            .field("source", &self.shared.source)
            .field("debug", &self.debug_mode())
            .finish()
    }
}
