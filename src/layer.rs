//! [`CorsLayer`]: the tower [`Layer`] that wraps services in [`Cors`].

use std::sync::Arc;

use tower_layer::Layer;

use crate::policy::Policy;
use crate::service::Cors;

/// A tower [`Layer`] that applies a compiled CORS policy to a service.
///
/// Make one with [`CorsLayer::builder`], or take a preset:
/// [`CorsLayer::gateway`], [`CorsBuilder::single_page_app`](crate::CorsBuilder::single_page_app). The policy is
/// compiled once; the layer and every service it makes share it behind an
/// [`Arc`].
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
#[derive(Debug, Clone)]
pub struct CorsLayer {
    policy: Arc<Policy>,
}

impl CorsLayer {
    pub(crate) fn new(policy: Policy) -> Self {
        CorsLayer {
            policy: Arc::new(policy),
        }
    }

    pub(crate) fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors::new(inner, Arc::clone(&self.policy))
    }
}
