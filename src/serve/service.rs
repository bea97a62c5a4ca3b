//! The [`Cors`] service: the request path, top-down, as the Fetch
//! Standard's steps read.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{Request, Response};
use tower_service::Service;

use crate::classify::{classify, is_same_origin_fetch, preflight_method, RequestKind};
use crate::compile::origin::Verdict;
use crate::compile::policy::{Access, Policy};
use crate::compile::table::{ByPath, Chosen, Table};
use crate::explain::record::record;
use crate::explain::report::{self, Stage};
use crate::refusal::Refusal;
use crate::serve::answer;
use crate::serve::body::CorsBody;
use crate::serve::decide::{self, Decision, Why};
use crate::serve::future::{OriginAccess, PreflightAnswer, ResponseFuture};
use crate::serve::observe::{Enforcing, Watch};
use crate::serve::source::{Shared, Source};
use crate::serve::{preflight, protect};

/// Middleware that applies a CORS policy to an inner service.
///
/// Made by [`CorsLayer`](crate::CorsLayer); cloning it clones the inner
/// service and a pointer to the layer's shared, precomputed policies.
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
#[derive(Clone)]
pub struct Cors<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S> Cors<S> {
    pub(crate) fn new(inner: S, shared: Arc<Shared>) -> Self {
        Cors { inner, shared }
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

impl<S: std::fmt::Debug> std::fmt::Debug for Cors<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cors")
            .field("inner", &self.inner)
            .field("source", &self.shared.source)
            .finish()
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

    #[inline]
    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let shared = &*self.shared;
        let debug = &*shared.debug;
        match &shared.source {
            Source::Fixed(policy) => {
                let (parts, body) = req.into_parts();
                let watch = cfg!(feature = "metrics").then(|| Watch {
                    enforcing: Some(Enforcing::Single),
                    candidate: None,
                });
                respond(&mut self.inner, policy, debug, watch.as_ref(), parts, body)
            }
            Source::Routed(table) => route(&mut self.inner, table, debug, req),
            // No lock: the table in force now, held for this call only. A
            // future that outlives it keeps the chosen policy's `Arc`.
            #[cfg(feature = "reload")]
            Source::Reloadable(table) => route(&mut self.inner, &table.load(), debug, req),
        }
    }
}

/// Answers a request with the policy its route is bound to, or passes it
/// through untouched when none is. Inlined, as the path of a fixed policy
/// is: the request's head is taken out of it once, not copied again,
/// unless a function binding needs to read it.
#[inline(always)]
fn route<S, ReqBody, ResBody>(
    inner: &mut S,
    table: &Table,
    debug: &AtomicBool,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    match table.chosen_by_path(|| req.uri().path()) {
        ByPath::Found(chosen) => bound(inner, table, debug, chosen, req),
        ByPath::Head => route_by_head(inner, table, debug, req),
    }
}

/// [`route`] when a function binding reads the request's head.
#[inline(never)]
fn route_by_head<S, ReqBody, ResBody>(
    inner: &mut S,
    table: &Table,
    debug: &AtomicBool,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    let (parts, body) = req.into_parts();
    let chosen = table.chosen_for(&parts);
    bound(
        inner,
        table,
        debug,
        chosen,
        Request::from_parts(parts, body),
    )
}

/// Answers a request with its `chosen` policy in `table`, or passes it
/// through untouched without one.
#[inline(always)]
fn bound<S, ReqBody, ResBody>(
    inner: &mut S,
    table: &Table,
    debug: &AtomicBool,
    chosen: Option<Chosen<'_>>,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    // Counting, and a report-only candidate, cost nothing when neither is
    // there.
    let watch = (cfg!(feature = "metrics") || table.candidate.is_some()).then(|| Watch {
        enforcing: chosen.map(|chosen| Enforcing::InTable(table, chosen.index)),
        candidate: table.candidate.as_deref(),
    });
    // The head is taken out of the request in each branch: lent to the
    // watch in one, it would be copied in the other.
    match chosen {
        Some(chosen) => {
            let (parts, body) = req.into_parts();
            respond(inner, chosen.policy, debug, watch.as_ref(), parts, body)
        }
        None => {
            if let Some(watch) = &watch {
                let (parts, body) = req.into_parts();
                watch.observe_unbound(&parts);
                let req = Request::from_parts(parts, body);
                return ResponseFuture::passthrough(inner.call(req));
            }
            ResponseFuture::passthrough(inner.call(req))
        }
    }
}

/// The request path, once the policy is chosen: the same for every source.
/// `watch`, when there is something to watch, is told the decision (the
/// `metrics` feature, a candidate). `debug` is debug mode's switch, read when the layer decides: for a
/// preflight, for a refused origin, and for an origin only the asynchronous
/// predicate can decide (when its decision comes, the switch as it was).
fn respond<S, ReqBody, ResBody>(
    inner: &mut S,
    shared: &Arc<Policy>,
    debug: &AtomicBool,
    watch: Option<&Watch<'_>>,
    parts: Parts,
    body: ReqBody,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    let kind = shared
        .config
        .record_decisions
        .then(|| classify(&parts.method, &parts.headers));
    let policy = &**shared;

    // No `Origin`: not a CORS request. The inner service answers, and the
    // layer adds what a shared cache needs.
    let debug = || debug.load(Ordering::Relaxed);
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        let not_cors = || Decision::NotCors;
        if let Some(protected) = protect(policy, &parts, None, debug, kind, watch, not_cors) {
            return protected;
        }
        let access = OriginAccess::Known(policy.access(None, false));
        return forward(inner, shared, parts, body, kind, access);
    };
    let verdict = match policy.origins.decide_by_value(origin) {
        Some(allowed) => Verdict::Known(allowed),
        None => policy.origins.decide_by_predicates(origin, &parts),
    };
    if let (Some(watch), Verdict::Pending(_)) = (watch, &verdict) {
        watch.observe(&parts, Decision::Undecided);
    }

    // A preflight: the layer answers it itself, or passes it through with
    // its answer.
    if let Some(method) = preflight_method(&parts.method, &parts.headers) {
        if policy.config.preflight_passthrough {
            let origin = origin.clone();
            let debug = debug();
            return pass_preflight(
                inner, shared, debug, watch, parts, body, kind, origin, verdict,
            );
        }
        return match verdict {
            Verdict::Known(allowed) => {
                let access = policy.access(Some(origin), allowed);
                let method = Some(method);
                let answer =
                    preflight::answer(policy, debug(), watch, &parts, method, origin, access);
                ResponseFuture::answered(answer)
            }
            // Only a future that outlives this call clones the `Arc`.
            Verdict::Pending(decision) => {
                let origin = origin.clone();
                ResponseFuture::preflight(decision, parts, origin, Arc::clone(shared), debug())
            }
        };
    }

    // An actual request: refused here when cross-origin protection says
    // so (it is never on with an asynchronous predicate); otherwise the
    // inner service answers, and the layer merges its headers into the
    // response.
    if let Verdict::Known(allowed) = verdict {
        let passes = || decide::actual(policy, allowed, origin, &parts);
        if let Some(protected) = protect(policy, &parts, Some(allowed), debug, kind, watch, passes)
        {
            return protected;
        }
    }
    let access = match verdict {
        Verdict::Known(allowed) => {
            let same_origin = || is_same_origin_fetch(&parts.headers);
            OriginAccess::decided(policy, debug, origin, allowed, same_origin)
        }
        Verdict::Pending(future) => OriginAccess::Deciding {
            future,
            origin: origin.clone(),
            same_origin: is_same_origin_fetch(&parts.headers),
            debug: debug(),
        },
    };
    forward(inner, shared, parts, body, kind, access)
}

/// Decides a preflight as the layer answers it, then calls the inner
/// service with it, to merge the answer into the inner service's response
/// ([`preflight_passthrough`](crate::CorsBuilder::preflight_passthrough)).
/// A preflight whose origin is refused is answered by the layer when the
/// policy blocks disallowed origins, as an actual request would be.
#[allow(clippy::too_many_arguments)]
fn pass_preflight<S, ReqBody, ResBody>(
    inner: &mut S,
    shared: &Arc<Policy>,
    debug: bool,
    watch: Option<&Watch<'_>>,
    mut parts: Parts,
    body: ReqBody,
    kind: Option<RequestKind>,
    origin: HeaderValue,
    verdict: Verdict,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    let policy = &**shared;
    let answer = match verdict {
        Verdict::Known(allowed) => {
            let access = policy.access(Some(&origin), allowed);
            let refused = access == Access::Refused;
            let method = preflight_method(&parts.method, &parts.headers);
            let answer = preflight::answer(policy, debug, watch, &parts, method, &origin, access);
            if refused && policy.config.block_disallowed_origins {
                return ResponseFuture::answered(answer);
            }
            // The handler can tell why a refused preflight reaches it.
            let why = answer.extensions().get::<Refusal>().cloned();
            record(policy, kind, why, &mut parts.extensions);
            PreflightAnswer::Ready(answer)
        }
        // The inner service is called at once, and the decision polled
        // alongside it; the answer then reads the preflight's head, which
        // the inner service has: a copy is kept.
        Verdict::Pending(decision) => {
            record(policy, kind, None, &mut parts.extensions);
            let (mut head, ()) = Request::new(()).into_parts();
            head.method = parts.method.clone();
            head.uri = parts.uri.clone();
            head.headers = parts.headers.clone();
            PreflightAnswer::Deciding {
                decision,
                head: Box::new(head),
                origin,
                debug,
            }
        }
    };
    let future = inner.call(Request::from_parts(parts, body));
    ResponseFuture::passed_preflight(future, answer, Arc::clone(shared))
}

/// The layer's answer to a request that cross-origin protection refuses
/// (`origin_allowed`: whether the policy allows its `Origin`, `None`
/// without one), or `None` when the policy has no protection or it passes.
/// `watch` is told the decision: the refusal, or what `passes` says.
#[inline]
fn protect<'a, F: std::future::Future>(
    policy: &Policy,
    parts: &'a Parts,
    origin_allowed: Option<bool>,
    debug: impl Fn() -> bool,
    kind: Option<RequestKind>,
    watch: Option<&Watch<'_>>,
    passes: impl FnOnce() -> Decision<'a>,
) -> Option<ResponseFuture<F>> {
    let protection = policy.protection.as_ref();
    let why = protection.and_then(|protection| protect::refusal(protection, parts, origin_allowed));
    if let Some(watch) = watch {
        let decision = match &why {
            Some(why) => Decision::Blocked(Why::Ref(why)),
            None => passes(),
        };
        watch.observe(parts, decision);
    }
    let why = why?;
    let origin = parts.headers.get(header::ORIGIN);
    report::refused(Stage::Actual, &why, origin.unwrap_or(&NO_ORIGIN));
    let answer = answer::protected(policy, debug(), kind, why);
    Some(ResponseFuture::answered(answer))
}

/// What the `tracing` event of a refused request without `Origin` shows.
const NO_ORIGIN: HeaderValue = HeaderValue::from_static("(none)");

/// Calls the inner service, telling it the request's kind (and a refused
/// origin's reason) when the policy records decisions; or answers a
/// request the policy blocks.
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
    // A refused origin's request, which the policy blocks: the layer
    // answers it instead of the inner service.
    let blocks = matches!(access, OriginAccess::Refused { .. });
    if blocks && shared.config.block_disallowed_origins {
        if let OriginAccess::Refused { why, debug } = access {
            return ResponseFuture::answered(answer::blocked(shared, debug, kind, why));
        }
    }
    if kind.is_some() {
        // A handler serving a refused origin can tell why.
        let why = match &access {
            OriginAccess::Refused { why, .. } => why.clone(),
            _ => None,
        };
        record(shared, kind, why, &mut parts.extensions);
    }
    let future = inner.call(Request::from_parts(parts, body));
    ResponseFuture::inner(future, access, kind, Arc::clone(shared))
}
