//! [`ResponseFuture`]: the future of one request through the
//! [`Cors`](crate::Cors) service.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::request::Parts;
use http::{HeaderValue, Response};
use pin_project_lite::pin_project;

use crate::classify::{preflight_method, RequestKind};
use crate::compile::origin::DecisionFuture;
use crate::compile::policy::{Access, Policy};
use crate::explain::debug::REFUSAL_HEADER;
use crate::explain::record::record_on;
use crate::explain::report::{self, Stage};
use crate::refusal::Refusal;
use crate::serve::body::CorsBody;
use crate::serve::merge::{merge, merge_preflight};
use crate::serve::preflight;

/// What an actual request's origin is granted, known at once or once the
/// asynchronous predicate has decided.
pub(crate) enum OriginAccess {
    Known(Access),
    /// Refused, with the reason when someone will see it (recorded,
    /// traced, or named in debug mode), and whether debug mode was on.
    Refused {
        why: Option<Refusal>,
        debug: bool,
    },
    /// Only the asynchronous predicate can tell; it is polled alongside the
    /// inner service.
    Deciding {
        future: DecisionFuture,
        origin: HeaderValue,
        /// A same-origin write: not refused if the predicate says no (when
        /// a refusal would be seen, as for a decided origin).
        same_origin: bool,
        /// Whether debug mode was on when the request came.
        debug: bool,
    },
}

/// The layer's answer to a preflight that the policy passes through to the
/// inner service, ready or waiting for the asynchronous predicate.
pub(crate) enum PreflightAnswer {
    Ready(Response<()>),
    Deciding {
        decision: DecisionFuture,
        /// A copy of the preflight's head, which the inner service got
        /// (boxed: the future stays small for every other request).
        head: Box<Parts>,
        origin: HeaderValue,
        debug: bool,
    },
    /// Merged into the inner service's response.
    Taken,
}

pin_project! {
    /// The response future of [`Cors`](crate::Cors).
    ///
    /// It resolves to the layer's own answer (a preflight or a refusal), or
    /// to the inner service's response with the CORS headers merged in (or
    /// untouched, on a route no policy of a routed layer covers).
    /// Errors of the inner service pass through unchanged. When an
    /// asynchronous origin decision is needed, it is polled together with
    /// the inner service's future: the handler runs while the decision is
    /// made, and the response waits for both.
    ///
    /// Like every future, it must not be polled after it completed; if it
    /// is, it returns [`Poll::Pending`] and never completes again.
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
    pub struct ResponseFuture<F>
    where
        F: Future,
    {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F>
    where
        F: Future,
    {
        /// The inner service answers; its output is kept here when it comes
        /// before the origin's decision.
        Inner {
            #[pin]
            future: F,
            output: Option<F::Output>,
            access: OriginAccess,
            // The request's kind, when the policy records decisions.
            kind: Option<RequestKind>,
            policy: Arc<Policy>,
        },
        /// A preflight whose origin only the asynchronous predicate can
        /// decide.
        Preflight {
            decision: DecisionFuture,
            parts: Parts,
            origin: HeaderValue,
            policy: Arc<Policy>,
            debug: bool,
        },
        /// A preflight passed through to the inner service: the layer's
        /// answer is merged into its response. Its output is kept here when
        /// it comes before the origin's decision.
        PassedPreflight {
            #[pin]
            future: F,
            output: Option<F::Output>,
            answer: PreflightAnswer,
            policy: Arc<Policy>,
        },
        /// The layer's own answer, ready.
        Answered {
            response: Option<Response<()>>,
        },
        /// No policy covers the request's route: the inner service's
        /// response, untouched.
        Passthrough {
            #[pin]
            future: F,
        },
        Done,
    }
}

impl<F: Future> ResponseFuture<F> {
    pub(crate) fn inner(
        future: F,
        access: OriginAccess,
        kind: Option<RequestKind>,
        policy: Arc<Policy>,
    ) -> Self {
        let state = State::Inner {
            future,
            output: None,
            access,
            kind,
            policy,
        };
        ResponseFuture { state }
    }

    pub(crate) fn preflight(
        decision: DecisionFuture,
        parts: Parts,
        origin: HeaderValue,
        policy: Arc<Policy>,
        debug: bool,
    ) -> Self {
        let state = State::Preflight {
            decision,
            parts,
            origin,
            policy,
            debug,
        };
        ResponseFuture { state }
    }

    pub(crate) fn passed_preflight(
        future: F,
        answer: PreflightAnswer,
        policy: Arc<Policy>,
    ) -> Self {
        let state = State::PassedPreflight {
            future,
            output: None,
            answer,
            policy,
        };
        ResponseFuture { state }
    }

    pub(crate) fn passthrough(future: F) -> Self {
        let state = State::Passthrough { future };
        ResponseFuture { state }
    }

    pub(crate) fn answered(response: Response<()>) -> Self {
        let state = State::Answered {
            response: Some(response),
        };
        ResponseFuture { state }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<CorsBody<B>>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let output = match self.as_mut().project().state.project() {
            StateProj::Inner {
                future,
                output,
                access,
                kind,
                policy,
            } => match access {
                // The usual case: the origin is decided, only the inner
                // service is awaited.
                OriginAccess::Known(_) | OriginAccess::Refused { .. } => {
                    let out = ready!(future.poll(cx));
                    out.map(|res| finish(res, access, *kind, policy))
                }
                OriginAccess::Deciding { .. } => {
                    if output.is_none() {
                        if let Poll::Ready(out) = future.poll(cx) {
                            *output = Some(out);
                        }
                    }
                    let decided = match output {
                        // An error of the inner service needs no decision.
                        Some(Err(_)) => false,
                        _ => {
                            ready!(poll_access(access, policy, cx));
                            true
                        }
                    };
                    match (output.take(), decided) {
                        (Some(Ok(res)), true) => Ok(finish(res, access, *kind, policy)),
                        (Some(Err(error)), _) => Err(error),
                        // The inner service is not ready yet.
                        _ => return Poll::Pending,
                    }
                }
            },
            StateProj::Preflight {
                decision,
                parts,
                origin,
                policy,
                debug,
            } => {
                let allowed = ready!(decision.as_mut().poll(cx));
                let access = policy.access(Some(origin), allowed);
                // Counted as undecided when the request came.
                let method = preflight_method(&parts.method, &parts.headers);
                Ok(empty(preflight::answer(
                    policy, *debug, None, parts, method, origin, access,
                )))
            }
            StateProj::PassedPreflight {
                future,
                output,
                answer,
                policy,
            } => {
                if output.is_none() {
                    if let Poll::Ready(out) = future.poll(cx) {
                        *output = Some(out);
                    }
                }
                // An error of the inner service needs no answer.
                if !matches!(output, Some(Err(_))) {
                    ready!(poll_answer(answer, policy, cx));
                }
                match output.take() {
                    Some(out) => out.map(|res| pass_preflight(res, answer, policy)),
                    // The inner service is not ready yet.
                    None => return Poll::Pending,
                }
            }
            StateProj::Answered { response } => match response.take() {
                Some(res) => Ok(empty(res)),
                None => return Poll::Pending,
            },
            StateProj::Passthrough { future } => {
                ready!(future.poll(cx)).map(|res| res.map(CorsBody::new))
            }
            StateProj::Done => return Poll::Pending,
        };
        self.project().state.set(State::Done);
        Poll::Ready(output)
    }
}

/// Polls a pending origin decision; ready once the origin's access is
/// known.
fn poll_access(access: &mut OriginAccess, policy: &Policy, cx: &mut Context<'_>) -> Poll<()> {
    if let OriginAccess::Deciding {
        future,
        origin,
        same_origin,
        debug,
    } = access
    {
        let allowed = ready!(future.as_mut().poll(cx));
        let (same_origin, debug) = (*same_origin, *debug);
        *access = OriginAccess::decided(policy, || debug, origin, allowed, || same_origin);
    }
    Poll::Ready(())
}

/// Polls the answer to a passed-through preflight whose origin only the
/// asynchronous predicate can decide; ready once the answer is.
fn poll_answer(answer: &mut PreflightAnswer, policy: &Policy, cx: &mut Context<'_>) -> Poll<()> {
    if let PreflightAnswer::Deciding {
        decision,
        head,
        origin,
        debug,
    } = answer
    {
        let allowed = ready!(decision.as_mut().poll(cx));
        let access = policy.access(Some(origin), allowed);
        // Counted as undecided when the request came.
        let method = preflight_method(&head.method, &head.headers);
        *answer = PreflightAnswer::Ready(preflight::answer(
            policy, *debug, None, head, method, origin, access,
        ));
    }
    Poll::Ready(())
}

/// Merges the layer's answer to a preflight into the inner service's
/// response to it: its CORS headers (by the policy's precedence), its
/// `Vary`, debug mode's refusal header, and what it records.
fn pass_preflight<B>(
    mut res: Response<B>,
    answer: &mut PreflightAnswer,
    policy: &Policy,
) -> Response<CorsBody<B>> {
    if let PreflightAnswer::Ready(mut answer) = std::mem::replace(answer, PreflightAnswer::Taken) {
        merge_preflight(policy, answer.headers(), res.headers_mut());
        if let Some(why) = answer.headers_mut().remove(REFUSAL_HEADER) {
            res.headers_mut().insert(REFUSAL_HEADER, why);
        }
        res.extensions_mut()
            .extend(std::mem::take(answer.extensions_mut()));
    }
    res.map(CorsBody::new)
}

impl OriginAccess {
    /// What an actual request's `origin` gets once the origin rules have
    /// decided whether they allow it: the one decision for an origin known
    /// at once and for one the asynchronous predicate decided.
    ///
    /// A refused origin carries its reason when someone will see it. A
    /// same-origin write carries `Origin` too, but is no CORS request: it
    /// is never refused. Only that depends on `Sec-Fetch-Site`, never the
    /// response's headers, which a shared cache keys by `Origin` alone; so
    /// `same_origin` is asked only when a refusal is seen.
    pub(crate) fn decided(
        policy: &Policy,
        debug: impl FnOnce() -> bool,
        origin: &HeaderValue,
        allowed: bool,
        same_origin: impl FnOnce() -> bool,
    ) -> OriginAccess {
        match policy.access(Some(origin), allowed) {
            Access::Refused => OriginAccess::refused(policy, debug(), origin, same_origin),
            granted => {
                report::allowed(Stage::Actual, origin);
                OriginAccess::Known(granted)
            }
        }
    }

    /// The refused branch of [`decided`](Self::decided), out of line: the
    /// allowed path stays short.
    #[inline(never)]
    fn refused(
        policy: &Policy,
        debug: bool,
        origin: &HeaderValue,
        same_origin: impl FnOnce() -> bool,
    ) -> OriginAccess {
        let why = if !report::refusals_seen(policy, debug) {
            None
        } else if same_origin() {
            return OriginAccess::Known(Access::NotCors);
        } else {
            Some(report::origin_refusal(policy, Stage::Actual, origin))
        };
        OriginAccess::Refused { why, debug }
    }
}

/// Merges the layer's headers into the inner service's response, once the
/// origin is decided, and tells of the decision.
#[inline(always)]
fn finish<B>(
    mut res: Response<B>,
    access: &mut OriginAccess,
    kind: Option<RequestKind>,
    policy: &Policy,
) -> Response<CorsBody<B>> {
    static REFUSED: Access = Access::Refused;
    let mut nothing = None;
    let (known, why, debug) = match access {
        OriginAccess::Known(known) => (&*known, &mut nothing, false),
        OriginAccess::Refused { why, debug } => (&REFUSED, why, *debug),
        // Never: the future decides before it finishes.
        OriginAccess::Deciding { .. } => return res.map(CorsBody::new),
    };
    merge(policy, known, res.headers_mut());
    record_on(&mut res, policy, debug, kind, why);
    res.map(CorsBody::new)
}

fn empty<B>(response: Response<()>) -> Response<CorsBody<B>> {
    response.map(|()| CorsBody::empty())
}

impl<F: Future> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
