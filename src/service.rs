//! The [`Cors`] service: classifies each request, answers preflights, and
//! merges CORS headers into the inner service's responses.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{header, Request, Response};
use pin_project_lite::pin_project;
use tower_service::Service;

use crate::body::CorsBody;
use crate::classify::{classify, RequestKind};
use crate::merge::{self, Outcome};
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
        let outcome = match kind {
            RequestKind::Preflight => {
                return ResponseFuture::ready(preflight::answer(&self.policy, &parts));
            }
            RequestKind::NotCors => Outcome::NoCors,
            _ => match actual_outcome(&self.policy, &parts) {
                Ok(outcome) => outcome,
                Err(refused) => return ResponseFuture::ready(refused),
            },
        };
        parts.extensions.insert(kind);
        let future = self.inner.call(Request::from_parts(parts, body));
        ResponseFuture::inner(future, Arc::clone(&self.policy), outcome)
    }
}

/// Decides an actual CORS request: the outcome to merge into the inner
/// response, or the layer's own refusal when the policy blocks disallowed
/// origins.
fn actual_outcome(policy: &Policy, parts: &http::request::Parts) -> Result<Outcome, Response<()>> {
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(Outcome::NoCors);
    };
    if policy.origins.allows(origin, parts) {
        let value = policy
            .wildcard_origin
            .clone()
            .unwrap_or_else(|| origin.clone());
        return Ok(Outcome::Allowed(value));
    }
    refusal::trace(&Refusal::OriginNotAllowed, origin);
    if policy.block_disallowed {
        let mut res = preflight::refused(policy, Refusal::OriginNotAllowed);
        res.extensions_mut()
            .insert(classify(&parts.method, &parts.headers));
        return Err(res);
    }
    Ok(Outcome::Refused)
}

pin_project! {
    /// The response future of [`Cors`].
    ///
    /// It resolves to the layer's own answer (a preflight or a refusal) at
    /// once, or to the inner service's response with the CORS headers
    /// merged in. Errors of the inner service pass through unchanged.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner {
            #[pin]
            future: F,
            policy: Arc<Policy>,
            outcome: Outcome,
        },
        Ready {
            response: Option<Response<()>>,
        },
    }
}

impl<F> ResponseFuture<F> {
    fn inner(future: F, policy: Arc<Policy>, outcome: Outcome) -> Self {
        ResponseFuture {
            state: State::Inner {
                future,
                policy,
                outcome,
            },
        }
    }

    fn ready(response: Response<()>) -> Self {
        ResponseFuture {
            state: State::Ready {
                response: Some(response),
            },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<CorsBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Inner {
                future,
                policy,
                outcome,
            } => {
                let mut res = std::task::ready!(future.poll(cx))?;
                merge::apply(policy, outcome, res.headers_mut());
                if matches!(outcome, Outcome::Refused) {
                    res.extensions_mut().insert(Refusal::OriginNotAllowed);
                }
                Poll::Ready(Ok(res.map(CorsBody::new)))
            }
            StateProj::Ready { response } => match response.take() {
                Some(res) => Poll::Ready(Ok(res.map(|()| CorsBody::empty()))),
                None => Poll::Pending,
            },
        }
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
