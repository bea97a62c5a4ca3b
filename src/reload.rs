//! Reloading at runtime (feature `reload`): a layer whose policies a
//! [`ReloadHandle`] replaces, for every clone of every service the layer
//! made.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::builder::CorsBuilder;
use crate::compile::table::Table;
use crate::error::BuildError;
use crate::explain::route_table::RouteTable;
use crate::routes::CorsRoutes;
use crate::serve::layer::CorsLayer;
use crate::serve::source::Source;

impl CorsLayer {
    /// This layer's policies, in a layer that can be reconfigured at
    /// runtime, and the [`ReloadHandle`] that reconfigures it; feature
    /// `reload`.
    ///
    /// Every service the new layer makes, and every clone of them, reads
    /// the same table. Per request the service loads the table in force
    /// without taking a lock (`arc_swap::ArcSwap::load`), chooses the policy
    /// of the route, and answers as any layer does. A request whose
    /// response is still in flight when the table is replaced finishes
    /// under the policy it started with. Debug mode stays this layer's
    /// switch, across reloads.
    ///
    /// # Example
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use tower_cors::CorsLayer;
    ///
    /// let (cors, handle) = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?
    ///     .reloadable();
    /// let app: Router = Router::new().route("/", get(|| async { "hi" })).layer(cors);
    ///
    /// // Later, for example when an admin page saves new origins:
    /// handle.reconfigure(
    ///     CorsLayer::builder().allow_origins(["https://app.example.com", "https://new.example.com"]),
    /// )?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "reload")))]
    pub fn reloadable(self) -> (CorsLayer, ReloadHandle) {
        let shared = self.shared();
        // A layer that is reloadable already keeps its table: the new
        // handle replaces it for every handle and layer that shares it.
        let table = match &shared.source {
            Source::Reloadable(table) => Arc::clone(table),
            Source::Fixed(_) | Source::Routed(_) => Arc::new(ArcSwap::new(shared.source.table())),
        };
        let handle = ReloadHandle {
            table: Arc::clone(&table),
            debug: Arc::clone(&shared.debug),
        };
        let layer = CorsLayer::from_source(Source::Reloadable(table), Arc::clone(&shared.debug));
        (layer, handle)
    }
}

/// Replaces the policies of a layer made by
/// [`CorsLayer::reloadable`], and of every service it made; cloneable, and
/// cheap to keep anywhere (an admin endpoint, a file watcher).
///
/// A new configuration is built and checked first; when it has a problem,
/// the error is returned and the table in force stays.
///
/// # Example
///
/// ```
/// use tower_cors::{ConfigError, CorsLayer};
///
/// let (cors, handle) = CorsLayer::gateway().reloadable();
/// let err = handle.reconfigure(CorsLayer::builder()).unwrap_err();
/// assert_eq!(err.errors(), &[ConfigError::NoOrigins]);
/// assert_eq!(handle.current().policies().collect::<Vec<_>>(), ["default"]);
/// # drop(cors);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "reload")))]
#[derive(Clone)]
pub struct ReloadHandle {
    /// The table the layer's services read.
    table: Arc<ArcSwap<Table>>,
    /// The layer's debug mode.
    debug: Arc<AtomicBool>,
}

impl ReloadHandle {
    /// Puts `table` in force, with the candidate in force, and turns debug
    /// mode on when it asks.
    fn store(&self, table: Table, debug: bool) {
        self.table
            .rcu(|current| table.with_candidate(current.candidate.as_deref()));
        if debug {
            self.debug.store(true, Ordering::Relaxed);
        }
    }

    /// Builds `policy` and, when it is valid, makes it the one policy of
    /// every route; otherwise returns its problems and keeps the table in
    /// force. A report-only candidate in force stays. A policy that asks
    /// for debug mode turns it on once it is in force. Settings from a file convert into a builder: errors name
    /// their fields as the file does.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsConfig, CorsLayer};
    ///
    /// let (cors, handle) = CorsLayer::gateway().reloadable();
    /// handle.reconfigure(CorsLayer::builder().allow_origins(["https://a.example"]))?;
    /// assert!(handle.reconfigure(CorsLayer::builder().allow_methods(["TRACE"])).is_err());
    /// let config = CorsConfig { allow_origins: vec!["https://b.example".into()], ..CorsConfig::default() };
    /// handle.reconfigure(config)?;
    /// # drop(cors);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn reconfigure(&self, policy: impl Into<CorsBuilder>) -> Result<(), BuildError> {
        let policy = policy.into();
        let debug = policy.wants_debug();
        let policy = policy.compile()?;
        self.store(Table::single(Arc::new(policy)), debug);
        Ok(())
    }

    /// Builds `routes` and, when they are valid, puts them in force (a
    /// report-only candidate in force stays); otherwise returns their
    /// problems and keeps the table in force.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    ///
    /// let (cors, handle) = CorsLayer::gateway().reloadable();
    /// handle.reconfigure_routes(
    ///     CorsRoutes::new()
    ///         .policy("public", CorsBuilder::gateway())
    ///         .bind_prefix("/public", "public"),
    /// )?;
    /// assert_eq!(cors.route_table().fallback(), None);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn reconfigure_routes(&self, routes: CorsRoutes) -> Result<(), BuildError> {
        let (table, debug) = routes.compile()?;
        self.store(table, debug);
        Ok(())
    }

    /// Puts the policies of a built layer in force: its one policy for
    /// every route, or its policies per route, and its report-only
    /// candidate, or none. Debug mode stays this
    /// layer's switch, as it is: a built layer's own debug setting is its
    /// own switch's, so unlike [`reconfigure`](Self::reconfigure), `set`
    /// never turns debug mode on.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    ///
    /// let (cors, handle) = CorsLayer::gateway().reloadable();
    /// handle.set(CorsLayer::builder().allow_any_origin().build()?);
    /// let routes = CorsRoutes::new().policy("p", CorsBuilder::gateway()).fallback("p").build()?;
    /// handle.set(routes);
    /// assert_eq!(cors.route_table().fallback(), Some("p"));
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn set(&self, layer: CorsLayer) {
        self.table.store(layer.shared().source.table());
    }

    /// Sets a report-only candidate beside the policies in force, for every
    /// service the layer made, as [`CorsLayer::with_candidate`] describes;
    /// it replaces a candidate in force.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let (cors, handle) = CorsLayer::gateway().reloadable();
    /// handle.set_candidate(CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?);
    /// assert_eq!(handle.candidate().map(|c| c.policies().count()), Some(1));
    /// # drop(cors);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn set_candidate(&self, candidate: CorsLayer) {
        let candidate = candidate.shared().source.table();
        self.table
            .rcu(|current| current.with_candidate(Some(&candidate)));
    }

    /// Removes the report-only candidate, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let (cors, handle) = CorsLayer::gateway().reloadable();
    /// handle.set_candidate(CorsLayer::builder().allow_any_origin().build()?);
    /// handle.clear_candidate();
    /// assert!(handle.candidate().is_none());
    /// # drop(cors);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn clear_candidate(&self) {
        self.table.rcu(|current| current.with_candidate(None));
    }

    /// Makes the report-only candidate the policies in force, in one atomic
    /// step: every request is answered either by the policies before or by
    /// the candidate's, never by a mix, and none is lost. Returns whether
    /// there was a candidate to promote (without one, nothing changes).
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let (cors, handle) = CorsLayer::gateway().reloadable();
    /// handle.set_candidate(CorsLayer::builder().allow_origins(["https://app.example.com"]).build()?);
    /// assert!(handle.promote_candidate());
    /// assert!(handle.candidate().is_none());
    /// assert_eq!(cors.config().unwrap().allow_origins, ["https://app.example.com"]);
    /// assert!(!handle.promote_candidate());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn promote_candidate(&self) -> bool {
        let before = self.table.rcu(|current| match &current.candidate {
            Some(candidate) => Arc::clone(candidate),
            None => Arc::clone(current),
        });
        before.candidate.is_some()
    }

    /// The report-only candidate's policies and bindings, if one is set.
    ///
    /// # Example
    ///
    /// ```
    /// let (cors, handle) = tower_cors::CorsLayer::gateway().reloadable();
    /// assert!(handle.candidate().is_none());
    /// # drop(cors);
    /// ```
    pub fn candidate(&self) -> Option<RouteTable> {
        let table = self.table.load();
        let candidate = Arc::clone(table.candidate.as_ref()?);
        Some(RouteTable::new(
            candidate,
            self.debug.load(Ordering::Relaxed),
        ))
    }

    /// The policies and bindings in force now.
    ///
    /// # Example
    ///
    /// ```
    /// let (cors, handle) = tower_cors::CorsLayer::gateway().reloadable();
    /// assert_eq!(handle.current().policies().collect::<Vec<_>>(), ["default"]);
    /// # drop(cors);
    /// ```
    pub fn current(&self) -> RouteTable {
        RouteTable::new(self.table.load_full(), self.debug.load(Ordering::Relaxed))
    }

    /// Turns the layer's debug mode on or off, as
    /// [`CorsLayer::set_debug_mode`] does.
    ///
    /// # Example
    ///
    /// ```
    /// let (cors, handle) = tower_cors::CorsLayer::gateway().reloadable();
    /// handle.set_debug_mode(true);
    /// handle.reconfigure(tower_cors::CorsLayer::builder().allow_any_origin())?;
    /// assert!(cors.debug_mode());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn set_debug_mode(&self, on: bool) {
        self.debug.store(on, Ordering::Relaxed);
    }

    /// Whether the layer's debug mode is on, as
    /// [`CorsLayer::debug_mode`] tells.
    ///
    /// # Example
    ///
    /// ```
    /// let (cors, handle) = tower_cors::CorsLayer::gateway().reloadable();
    /// cors.set_debug_mode(true);
    /// assert!(handle.debug_mode());
    /// ```
    pub fn debug_mode(&self) -> bool {
        self.debug.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for ReloadHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadHandle")
            .field("table", &**self.table.load())
            .finish()
    }
}
