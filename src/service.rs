//! The [`Cors`] service: classifies each request, answers preflights, and
//! merges CORS headers into the inner service's responses.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use std::task::ready;

use http::request::Parts;
use http::{header, HeaderValue, Request, Response};
use pin_project_lite::pin_project;
use tower_service::Service;

use crate::body::CorsBody;
use crate::classify::{classify, RequestKind};
use crate::merge::{self, Outcome};
use crate::origin::{Decision, OriginDecision};
use crate::policy::Policy;
use crate::preflight;
use crate::refusal::{self, Refusal};

/// Middleware that applies a CORS policy to an inner service.
///
/// Made by [`CorsLayer`](crate::CorsLayer); cloning it clones the inner
/// service and a pointer to the shared, precomputed policy.
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
pub struct Cors<S> {
    inner: S,
    policy: Arc<Policy>,
}

impl<S> Cors<S> {
    pub(crate) fn new(inner: S, policy: Arc<Policy>) -> Self {
        Cors { inner, policy }
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

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<CorsBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let kind = classify(req.method(), req.headers());
        let (mut parts, body) = req.into_parts();
        let policy = &self.policy;
        let (outcome, pending) = match (kind, parts.headers.get(header::ORIGIN)) {
            (RequestKind::Preflight, Some(origin)) => {
                return match policy.origins.decide(origin, &parts) {
                    Decision::Allowed => {
                        ResponseFuture::ready(preflight::answer(policy, &parts, true))
                    }
                    Decision::Refused => {
                        ResponseFuture::ready(preflight::answer(policy, &parts, false))
                    }
                    Decision::Pending(decision) => {
                        ResponseFuture::preflight(decision, parts, Arc::clone(policy))
                    }
                };
            }
            (RequestKind::NotCors, _) | (_, None) => (Outcome::NoCors, None),
            (_, Some(origin)) => match policy.origins.decide(origin, &parts) {
                Decision::Allowed => (allowed(policy, origin), None),
                Decision::Refused => {
                    refusal::trace(&Refusal::OriginNotAllowed, origin);
                    if policy.block_disallowed {
                        let mut res = preflight::refused(policy, Refusal::OriginNotAllowed);
                        res.extensions_mut().insert(kind);
                        return ResponseFuture::ready(res);
                    }
                    (Outcome::Refused, None)
                }
                Decision::Pending(decision) => (Outcome::Refused, Some((decision, origin.clone()))),
            },
        };
        parts.extensions.insert(kind);
        let future = self.inner.call(Request::from_parts(parts, body));
        ResponseFuture {
            state: State::Inner {
                pending,
                future,
                policy: Arc::clone(&self.policy),
                outcome,
            },
        }
    }
}

/// The outcome for an allowed origin: `*` for an any-origin policy, else the
/// origin itself.
fn allowed(policy: &Policy, origin: &HeaderValue) -> Outcome {
    Outcome::Allowed(
        policy
            .wildcard_origin
            .clone()
            .unwrap_or_else(|| origin.clone()),
    )
}

pin_project! {
    /// The response future of [`Cors`].
    ///
    /// It resolves to the layer's own answer (a preflight or a refusal), or
    /// to the inner service's response with the CORS headers merged in.
    /// Errors of the inner service pass through unchanged. When an
    /// asynchronous origin predicate has to decide, its future is polled
    /// first.
    ///
    /// # Example
    ///
    /// ```
    /// use std::convert::Infallible;
    ///
    /// use http::{Request, Response};
    /// use tower::ServiceExt;
    /// use tower_cors::{CorsLayer, ResponseFuture};
    /// use tower_layer::Layer;
    /// use tower_service::Service;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let handler = tower::service_fn(|_req: Request<String>| async {
    ///     Ok::<_, Infallible>(Response::new(String::from("hello")))
    /// });
    /// let mut cors = CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .build()?
    ///     .layer(handler);
    /// let request = Request::builder()
    ///     .header("origin", "https://app.example.com")
    ///     .body(String::new())?;
    /// let future: ResponseFuture<_> = cors.ready().await?.call(request);
    /// let response = future.await?;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// # Ok(())
    /// # }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
    /// ```
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner {
            // The asynchronous decision about this origin, if one is needed.
            pending: Option<(OriginDecision, HeaderValue)>,
            #[pin]
            future: F,
            policy: Arc<Policy>,
            outcome: Outcome,
        },
        Preflight {
            decision: OriginDecision,
            parts: Parts,
            policy: Arc<Policy>,
        },
        Ready {
            response: Option<Response<()>>,
        },
    }
}

impl<F> ResponseFuture<F> {
    fn ready(response: Response<()>) -> Self {
        ResponseFuture {
            state: State::Ready {
                response: Some(response),
            },
        }
    }

    fn preflight(decision: OriginDecision, parts: Parts, policy: Arc<Policy>) -> Self {
        ResponseFuture {
            state: State::Preflight {
                decision,
                parts,
                policy,
            },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<CorsBody<B>>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let answer = match self.as_mut().project().state.project() {
            StateProj::Inner {
                pending,
                future,
                policy,
                outcome,
            } => {
                if let Some((decision, origin)) = pending {
                    let allowed_origin = ready!(decision.as_mut().poll(cx));
                    if allowed_origin {
                        *outcome = allowed(policy, origin);
                    } else {
                        refusal::trace(&Refusal::OriginNotAllowed, origin);
                    }
                    *pending = None;
                }
                let mut res = ready!(future.poll(cx))?;
                merge::apply(policy, outcome, res.headers_mut());
                if matches!(outcome, Outcome::Refused) {
                    res.extensions_mut().insert(Refusal::OriginNotAllowed);
                }
                return Poll::Ready(Ok(res.map(CorsBody::new)));
            }
            StateProj::Preflight {
                decision,
                parts,
                policy,
            } => {
                let allowed_origin = ready!(decision.as_mut().poll(cx));
                preflight::answer(policy, parts, allowed_origin)
            }
            StateProj::Ready { response } => match response.take() {
                Some(res) => res,
                None => return Poll::Pending,
            },
        };
        // The layer's own answer is complete: nothing is left to poll.
        self.project().state.set(State::Ready { response: None });
        Poll::Ready(Ok(answer.map(|()| CorsBody::empty())))
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
