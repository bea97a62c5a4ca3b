//! [`ReloadableCorsLayer`]: a routing table (one policy, or policies per
//! route) that a [`ReloadHandle`] swaps at runtime, for every clone of
//! every service the layer made.

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use arc_swap::ArcSwap;
use tower_layer::Layer;

use crate::builder::CorsBuilder;
use crate::debug::DebugSwitch;
use crate::error::BuildError;
use crate::layer::CorsLayer;
use crate::routes::table::Table;
use crate::routes::{CorsRoutes, RoutedCorsLayer, RoutesError, Routing};
use crate::service::Cors;

/// The shared, swappable table.
type Shared = Arc<ArcSwap<Table>>;

/// A reloadable routing table: the source of [`ReloadableCorsLayer`]'s
/// services (see [`source`](crate::source)).
///
/// # Example
///
/// ```
/// use tower_cors::{source::Reloadable, Cors, CorsLayer};
/// use tower_layer::Layer;
///
/// let service: Cors<u8, Reloadable> = CorsLayer::gateway().reloadable().layer(0u8);
/// # let _ = service;
/// ```
#[derive(Clone)]
pub struct Reloadable(pub(crate) Shared);

impl fmt::Debug for Reloadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Reloadable").field(&**self.0.load()).finish()
    }
}

/// A tower [`Layer`] whose policy (or policies per route) can be replaced
/// at runtime through a [`ReloadHandle`]; feature `reload`.
///
/// Every service the layer makes, and every clone of them, reads the same
/// table. Per request the service loads the current table without taking
/// a lock (`arc_swap::ArcSwap::load`), chooses the policy of the route as
/// [`RoutedCorsLayer`] does, and answers as [`CorsLayer`] does. A request
/// whose response is still in flight when the table is swapped finishes
/// under the policy it started with. A single policy is a table with only
/// a fallback (named `default`).
///
/// # Example
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .build()?
///     .reloadable();
/// let handle = cors.handle();
/// let app: Router = Router::new().route("/", get(|| async { "hi" })).layer(cors);
///
/// // Later, for example when an admin page saves new origins:
/// handle.reconfigure(
///     CorsLayer::builder().allow_origins(["https://app.example.com", "https://new.example.com"]),
/// )?;
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Clone)]
pub struct ReloadableCorsLayer {
    table: Shared,
    /// Debug mode's flag for every policy the handle builds.
    debug: Arc<AtomicBool>,
}

/// Replaces the table of a [`ReloadableCorsLayer`] and of every service it
/// made; cloneable, and cheap to keep anywhere (an admin endpoint, a file
/// watcher).
///
/// A new configuration is built and checked first; when it has a problem,
/// the error is returned and the table in force stays.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, ConfigError};
///
/// let cors = CorsLayer::gateway().reloadable();
/// let handle = cors.handle();
/// let err = handle.reconfigure(CorsLayer::builder()).unwrap_err();
/// assert_eq!(err.errors(), &[ConfigError::NoOrigins]);
/// assert_eq!(handle.current().policies().collect::<Vec<_>>(), ["default"]);
/// ```
#[derive(Clone)]
pub struct ReloadHandle {
    table: Shared,
    debug: Arc<AtomicBool>,
}

impl ReloadableCorsLayer {
    fn new(table: Arc<Table>, debug: Arc<AtomicBool>) -> Self {
        ReloadableCorsLayer {
            table: Arc::new(ArcSwap::new(table)),
            debug,
        }
    }

    /// A handle that reconfigures this layer and every service it made.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway().reloadable();
    /// let handle = cors.handle();
    /// handle.reconfigure(tower_cors::CorsLayer::builder().allow_any_origin())?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn handle(&self) -> ReloadHandle {
        ReloadHandle {
            table: Arc::clone(&self.table),
            debug: Arc::clone(&self.debug),
        }
    }

    /// The switch of [debug mode](DebugSwitch) for every policy this
    /// layer's handle builds (see [`ReloadHandle::debug_switch`]).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway().reloadable();
    /// cors.debug_switch().enable();
    /// cors.handle().reconfigure(tower_cors::CorsLayer::builder().allow_any_origin())?;
    /// assert!(cors.handle().current().debug_switch("default").unwrap().is_enabled());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn debug_switch(&self) -> DebugSwitch {
        DebugSwitch::new(&self.debug)
    }

    /// The policies and bindings in force now.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway().reloadable();
    /// assert_eq!(cors.current().fallback(), Some("default"));
    /// ```
    pub fn current(&self) -> Routing {
        Routing::new(self.table.load_full())
    }
}

impl ReloadHandle {
    /// Builds `policy` and, when it is valid, makes it the one policy of
    /// every route; otherwise returns its problems and keeps the table in
    /// force.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::gateway().reloadable();
    /// cors.handle().reconfigure(CorsLayer::builder().allow_origins(["https://a.example"]))?;
    /// assert!(cors.handle().reconfigure(CorsLayer::builder().allow_methods(["TRACE"])).is_err());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn reconfigure(&self, policy: CorsBuilder) -> Result<(), BuildError> {
        let layer = policy.sharing_debug(&self.debug).build()?;
        self.set(layer);
        Ok(())
    }

    /// Builds `routes` and, when they are valid, puts them in force;
    /// otherwise returns their problems and keeps the table in force.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let cors = CorsLayer::gateway().reloadable();
    /// cors.handle().reconfigure_routes(
    ///     CorsRoutes::new()
    ///         .policy("public", CorsLayer::gateway())
    ///         .bind_prefix("/public", "public"),
    /// )?;
    /// assert_eq!(cors.current().fallback(), None);
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn reconfigure_routes(&self, routes: CorsRoutes) -> Result<(), RoutesError> {
        let layer = routes.build_sharing_debug(Some(&self.debug))?;
        self.set_routes(layer);
        Ok(())
    }

    /// Puts a built policy in force, for every route.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway().reloadable();
    /// cors.handle().set(tower_cors::CorsLayer::builder().allow_any_origin().build()?);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn set(&self, layer: CorsLayer) {
        self.table
            .store(Arc::new(Table::single(Arc::clone(layer.policy()))));
    }

    /// Puts built routes in force.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let cors = CorsLayer::gateway().reloadable();
    /// let routes = CorsRoutes::new().policy("p", CorsLayer::gateway()).fallback("p").build()?;
    /// cors.handle().set_routes(routes);
    /// assert_eq!(cors.current().fallback(), Some("p"));
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn set_routes(&self, routes: RoutedCorsLayer) {
        self.table.store(routes.into_table());
    }

    /// The policies and bindings in force now.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway().reloadable();
    /// assert_eq!(cors.handle().current().policies().collect::<Vec<_>>(), ["default"]);
    /// ```
    pub fn current(&self) -> Routing {
        Routing::new(self.table.load_full())
    }

    /// The switch of [debug mode](DebugSwitch) that every policy this
    /// handle builds shares ([`reconfigure`](Self::reconfigure), and the
    /// policies given as a [`CorsBuilder`] to
    /// [`reconfigure_routes`](Self::reconfigure_routes)), so that it stays
    /// in force across reconfigurations. It is the switch of the
    /// [`CorsLayer`] the reloadable layer was made from; a layer built
    /// elsewhere and put in force with [`set`](Self::set) or given to
    /// routes keeps its own switch.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors = CorsLayer::builder().allow_any_origin().build()?;
    /// let debug = cors.debug_switch();
    /// let reloadable = cors.reloadable();
    /// reloadable.handle().reconfigure(CorsLayer::builder().allow_origins(["https://a.example"]))?;
    /// debug.enable(); // still the switch of the policy in force
    /// assert!(reloadable.handle().current().debug_switch("default").unwrap().is_enabled());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn debug_switch(&self) -> DebugSwitch {
        DebugSwitch::new(&self.debug)
    }
}

impl CorsLayer {
    /// This policy, for every route, in a layer that can be reconfigured
    /// at runtime; feature `reload`.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway().reloadable();
    /// assert_eq!(cors.current().fallback(), Some("default"));
    /// ```
    pub fn reloadable(self) -> ReloadableCorsLayer {
        ReloadableCorsLayer::from(self)
    }
}

impl RoutedCorsLayer {
    /// These routes, in a layer that can be reconfigured at runtime;
    /// feature `reload`.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let cors = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .bind_prefix("/public", "public")
    ///     .build()?
    ///     .reloadable();
    /// assert_eq!(cors.current().bindings().count(), 1);
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn reloadable(self) -> ReloadableCorsLayer {
        ReloadableCorsLayer::from(self)
    }
}

impl From<CorsLayer> for ReloadableCorsLayer {
    fn from(layer: CorsLayer) -> Self {
        let debug = Arc::clone(&layer.policy().debug);
        ReloadableCorsLayer::new(Arc::new(Table::single(Arc::clone(layer.policy()))), debug)
    }
}

impl From<RoutedCorsLayer> for ReloadableCorsLayer {
    fn from(routes: RoutedCorsLayer) -> Self {
        ReloadableCorsLayer::new(routes.into_table(), Arc::default())
    }
}

impl<S> Layer<S> for ReloadableCorsLayer {
    type Service = Cors<S, Reloadable>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors::with_source(inner, Reloadable(Arc::clone(&self.table)))
    }
}

impl fmt::Debug for ReloadableCorsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadableCorsLayer")
            .field("table", &**self.table.load())
            .finish()
    }
}

impl fmt::Debug for ReloadHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadHandle")
            .field("table", &**self.table.load())
            .finish()
    }
}
