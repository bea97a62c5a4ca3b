//! The [`Cors`] service: the request path, top-down, as the Fetch
//! Standard's steps read.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::header;
use http::request::Parts;
use http::{Request, Response};
use tower_service::Service;

use crate::answer;
use crate::body::CorsBody;
use crate::classify::{classify, is_preflight, is_same_origin_fetch, RequestKind};
use crate::future::{OriginAccess, ResponseFuture};
use crate::origin::Verdict;
use crate::policy::{Access, Policy};
use crate::preflight;
use crate::routes::table::Table;
use crate::source::{Fixed, Routed};

/// Middleware that applies a CORS policy to an inner service.
///
/// Made by [`CorsLayer`](crate::CorsLayer); cloning it clones the inner
/// service and a pointer to the shared, precomputed policy. The second
/// type parameter says where the policy comes from ([`source`](crate::source)):
/// `Cors<S>` is the static one, with one fixed policy;
/// [`RoutedCorsLayer`](crate::RoutedCorsLayer) makes `Cors<S, Routed>`,
/// and `ReloadableCorsLayer` (feature `reload`) `Cors<S, Reloadable>`.
/// Once the policy is chosen, every kind answers the same way.
///
/// # Example
///
/// ```
/// use std::convert::Infallible;
/// use http::{Request, Response};
/// use tower::{service_fn, ServiceExt};
/// use tower_cors::CorsLayer;
/// use tower_layer::Layer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let handler = service_fn(|_req: Request<String>| async {
///     Ok::<_, Infallible>(Response::new(String::from("hello")))
/// });
/// let service = CorsLayer::gateway().layer(handler);
///
/// let req = Request::get("/")
///     .header("origin", "https://app.example.com")
///     .body(String::new())?;
/// let res = service.oneshot(req).await?;
/// assert_eq!(res.headers()["access-control-allow-origin"], "*");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Cors<S, P = Fixed> {
    inner: S,
    source: P,
}

impl<S> Cors<S> {
    pub(crate) fn new(inner: S, policy: Arc<Policy>) -> Self {
        Cors::with_source(inner, Fixed(policy))
    }
}

impl<S, P> Cors<S, P> {
    pub(crate) fn with_source(inner: S, source: P) -> Self {
        Cors { inner, source }
    }

    /// The inner service.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    /// use tower_layer::Layer;
    ///
    /// let service = CorsLayer::gateway().layer(42u8);
    /// assert_eq!(*service.get_ref(), 42);
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    /// use tower_layer::Layer;
    ///
    /// let mut service = CorsLayer::gateway().layer(1u8);
    /// *service.get_mut() += 1;
    /// assert_eq!(service.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    /// use tower_layer::Layer;
    ///
    /// assert_eq!(CorsLayer::gateway().layer("inner").into_inner(), "inner");
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// The `Service` impl of `Cors<S, $source>`: everything but `call` is the
/// inner service's, and `call` hands the inner service, the source and the
/// request to `$call`.
macro_rules! cors_service {
    ($(#[$attr:meta])* $source:ty, |$inner:ident, $from:ident, $req:ident| $call:expr) => {
        $(#[$attr])*
        impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S, $source>
        where
            S: Service<Request<ReqBody>, Response = Response<ResBody>>,
        {
            type Response = Response<CorsBody<ResBody>>;
            type Error = S::Error;
            type Future = ResponseFuture<S::Future>;

            fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
                self.inner.poll_ready(cx)
            }

            fn call(&mut self, $req: Request<ReqBody>) -> Self::Future {
                let ($inner, $from) = (&mut self.inner, &self.source.0);
                $call
            }
        }
    };
}

cors_service!(Fixed, |inner, policy, req| {
    let (parts, body) = req.into_parts();
    respond(inner, policy, parts, body)
});

cors_service!(Routed, |inner, table, req| route(inner, table, req));

// No lock: the table in force now, held for this call only. A future that
// outlives it keeps the chosen policy's `Arc`.
cors_service!(
    #[cfg(feature = "reload")]
    crate::source::Reloadable,
    |inner, table, req| route(inner, &table.load(), req)
);

/// Answers a request with the policy its route is bound to, or passes it
/// through untouched when none is.
fn route<S, ReqBody, ResBody>(
    inner: &mut S,
    table: &Table,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    let (parts, body) = req.into_parts();
    match table.select(&parts) {
        Some(policy) => respond(inner, policy, parts, body),
        None => ResponseFuture::passthrough(inner.call(Request::from_parts(parts, body))),
    }
}

/// The request path, once the policy is chosen: the same for every source.
fn respond<S, ReqBody, ResBody>(
    inner: &mut S,
    shared: &Arc<Policy>,
    parts: Parts,
    body: ReqBody,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    let kind = shared
        .record_decisions
        .then(|| classify(&parts.method, &parts.headers));
    let policy = &**shared;

    // No `Origin`: not a CORS request. The inner service answers, and the
    // layer adds what a shared cache needs.
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        let access = OriginAccess::Known(policy.access(None, false));
        return forward(inner, shared, parts, body, kind, access);
    };
    let verdict = match policy.origins.decide_by_value(origin) {
        Some(allowed) => Verdict::Known(allowed),
        None => policy.origins.decide_by_predicates(origin, &parts),
    };

    // A preflight: the layer answers it itself.
    if is_preflight(&parts.method, &parts.headers) {
        return match verdict {
            Verdict::Known(allowed) => {
                let access = policy.access(Some(origin), allowed);
                ResponseFuture::answered(preflight::answer(policy, &parts, origin, access))
            }
            // Only a future that outlives this call clones the `Arc`.
            Verdict::Pending(decision) => {
                let origin = origin.clone();
                ResponseFuture::preflight(decision, parts, origin, Arc::clone(shared))
            }
        };
    }

    // An actual request: the inner service answers, and the layer merges
    // its headers into the response.
    let access = match verdict {
        Verdict::Known(allowed) => match policy.access(Some(origin), allowed) {
            Access::Refused => {
                let same_origin = || is_same_origin_fetch(&parts.headers);
                match OriginAccess::refused(policy, origin, same_origin) {
                    OriginAccess::Refused(why) if policy.block_disallowed => {
                        return ResponseFuture::answered(answer::blocked(policy, kind, why));
                    }
                    access => access,
                }
            }
            granted => OriginAccess::granted(granted, origin),
        },
        Verdict::Pending(future) => OriginAccess::Deciding {
            future,
            origin: origin.clone(),
            same_origin: is_same_origin_fetch(&parts.headers),
        },
    };
    forward(inner, shared, parts, body, kind, access)
}

/// Calls the inner service, telling it the request's kind when the policy
/// records decisions.
fn forward<S, ReqBody, ResBody>(
    inner: &mut S,
    shared: &Arc<Policy>,
    mut parts: Parts,
    body: ReqBody,
    kind: Option<RequestKind>,
    access: OriginAccess,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    if let Some(kind) = kind {
        parts.extensions.insert(kind);
        // A handler serving a refused origin can tell why.
        if let OriginAccess::Refused(Some(why)) = &access {
            parts.extensions.insert(why.clone());
        }
    }
    let future = inner.call(Request::from_parts(parts, body));
    ResponseFuture::inner(future, access, kind, Arc::clone(shared))
}
