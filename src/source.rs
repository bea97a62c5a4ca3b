//! Where a [`Cors`](crate::Cors) service takes its policy from: the
//! second type parameter of `Cors<S, P>`.
//!
//! - [`Fixed`] (the default, `Cors<S>`): one compiled policy, made by
//!   [`CorsLayer`](crate::CorsLayer). Nothing is looked up per request.
//! - [`Routed`]: a table of named policies bound to routes, made by
//!   [`RoutedCorsLayer`](crate::RoutedCorsLayer).
//! - `Reloadable` (feature `reload`): a routing table that a
//!   `ReloadHandle` swaps at runtime, made by `ReloadableCorsLayer`.
//!
//! All three answer a request the same way once its policy is chosen.
//! The types are opaque: only the layers make them.
//!
//! # Example
//!
//! ```
//! use tower_cors::source::{Fixed, Routed};
//! use tower_cors::{Cors, CorsLayer, CorsRoutes};
//! use tower_layer::Layer;
//!
//! let fixed: Cors<(), Fixed> = CorsLayer::gateway().layer(());
//! let routed: Cors<(), Routed> = CorsRoutes::new()
//!     .policy("public", CorsLayer::gateway())
//!     .fallback("public")
//!     .build()?
//!     .layer(());
//! # let _ = (fixed, routed);
//! # Ok::<(), tower_cors::RoutesError>(())
//! ```

use std::sync::Arc;

use crate::policy::Policy;
use crate::routes::table::Table;

/// One compiled policy, the same for every request: the source of
/// [`CorsLayer`](crate::CorsLayer)'s services.
///
/// # Example
///
/// ```
/// use tower_cors::{source::Fixed, Cors, CorsLayer};
/// use tower_layer::Layer;
///
/// let service: Cors<u8, Fixed> = CorsLayer::gateway().layer(0u8);
/// # let _ = service;
/// ```
#[derive(Debug, Clone)]
pub struct Fixed(pub(crate) Arc<Policy>);

/// A table of named policies bound to routes: the source of
/// [`RoutedCorsLayer`](crate::RoutedCorsLayer)'s services.
///
/// # Example
///
/// ```
/// use tower_cors::{source::Routed, Cors, CorsRoutes};
/// use tower_layer::Layer;
///
/// let service: Cors<u8, Routed> = CorsRoutes::new().build()?.layer(0u8);
/// # let _ = service;
/// # Ok::<(), tower_cors::RoutesError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Routed(pub(crate) Arc<Table>);

impl Routed {
    pub(crate) fn new(table: Arc<Table>) -> Self {
        Routed(table)
    }
}

#[cfg(feature = "reload")]
pub use crate::reload::Reloadable;
