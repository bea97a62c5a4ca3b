//! The answers the layer gives itself, without calling the inner service:
//! accepted preflights, refused preflights, and actual requests blocked by
//! [`block_disallowed_origins`](crate::CorsBuilder::block_disallowed_origins),
//! and what debug mode adds to them.
//! They are made here, from the headers the policy prebuilt
//! ([`Answers`](crate::compile::policy::Answers)), and from nothing else.

use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};

use crate::classify::RequestKind;
use crate::compile::headers::ALLOW_PRIVATE_NETWORK;
use crate::compile::policy::{Policy, ZERO};
use crate::explain::record::record_on;
use crate::refusal::Refusal;

/// What an accepted preflight adds to the fixed headers of its answer.
#[derive(Debug)]
pub(crate) struct Grant {
    pub(crate) allow_origin: HeaderValue,
    /// The requested method, when the policy echoes it.
    pub(crate) methods: Option<HeaderValue>,
    /// The requested headers, when the policy echoes them.
    pub(crate) headers: Option<HeaderValue>,
    pub(crate) private_network: bool,
}

/// The answer to an accepted preflight; `unanswered` is the question it
/// leaves unanswered (private network access without the opt-in).
pub(crate) fn accepted(
    policy: &Policy,
    debug: bool,
    grant: Grant,
    unanswered: Option<Refusal>,
) -> Response<()> {
    let answers = &policy.answers;
    // The prebuilt map has a slot for each header set here (see
    // `Answers::compile`): every insert replaces, and no clone grows.
    let mut headers = answers.accepted.clone();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, grant.allow_origin);
    if let Some(methods) = grant.methods {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
    }
    match grant.headers {
        Some(requested) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        None if policy.headers.echoes() => {
            headers.remove(header::ACCESS_CONTROL_ALLOW_HEADERS);
        }
        None => {}
    }
    if policy.config.allow_private_network && !grant.private_network {
        headers.remove(ALLOW_PRIVATE_NETWORK);
    }
    let kind = Some(RequestKind::Preflight);
    response(
        policy,
        debug,
        policy.config.preflight_status,
        headers,
        kind,
        unanswered,
    )
}

/// The answer to a refused preflight: no CORS headers. `why` is known when
/// someone will see it.
pub(crate) fn refused_preflight(
    policy: &Policy,
    debug: bool,
    why: Option<Refusal>,
) -> Response<()> {
    let kind = Some(RequestKind::Preflight);
    refused(policy, debug, &policy.answers.refused_preflight, kind, why)
}

/// In debug mode, the answer to a preflight whose origin is allowed but
/// whose method or a header is not: the status and headers of an accepted
/// preflight, with the policy's own lists instead of the ones asked for,
/// so that the browser's console names what it lacks. The lists do not
/// cover what was refused, so the browser still refuses the request.
pub(crate) fn debug_refused_preflight(
    policy: &Policy,
    allow_origin: HeaderValue,
    why: Refusal,
) -> Response<()> {
    let answers = &policy.answers;
    let mut headers = answers.accepted.clone();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    // The slots of echoed lists hold placeholders, never the policy's.
    if policy.methods.echoes() {
        headers.remove(header::ACCESS_CONTROL_ALLOW_METHODS);
    }
    if policy.headers.echoes() {
        headers.remove(header::ACCESS_CONTROL_ALLOW_HEADERS);
    }
    // Never cached: the browser refuses the request anyway, and a later
    // preflight must be asked again.
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, ZERO);
    headers.remove(ALLOW_PRIVATE_NETWORK);
    let kind = Some(RequestKind::Preflight);
    response(
        policy,
        true,
        policy.config.preflight_status,
        headers,
        kind,
        Some(why),
    )
}

/// The answer to an actual request (of `kind`, when decisions are recorded)
/// that the policy blocks. `why` is known when someone will see it.
pub(crate) fn blocked(
    policy: &Policy,
    debug: bool,
    kind: Option<RequestKind>,
    why: Option<Refusal>,
) -> Response<()> {
    refused(policy, debug, &policy.answers.blocked, kind, why)
}

/// The answer to a request that cross-origin protection refuses, for
/// `why`.
pub(crate) fn protected(
    policy: &Policy,
    debug: bool,
    kind: Option<RequestKind>,
    why: Refusal,
) -> Response<()> {
    refused(policy, debug, &policy.answers.protected, kind, Some(why))
}

/// A refusal the layer answers itself: the refusal status and `headers`.
#[inline]
fn refused(
    policy: &Policy,
    debug: bool,
    headers: &HeaderMap,
    kind: Option<RequestKind>,
    why: Option<Refusal>,
) -> Response<()> {
    let status = policy.config.refusal_status;
    response(policy, debug, status, headers.clone(), kind, why)
}

/// The layer's own answer, telling of its decision.
#[inline]
fn response(
    policy: &Policy,
    debug: bool,
    status: StatusCode,
    headers: HeaderMap,
    kind: Option<RequestKind>,
    mut why: Option<Refusal>,
) -> Response<()> {
    let mut res = Response::new(());
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    record_on(&mut res, policy, debug, kind, &mut why);
    res
}
