//! The answers the layer gives itself, without calling the inner service:
//! accepted preflights, refused preflights, and actual requests blocked by
//! [`block_disallowed_origins`](crate::CorsBuilder::block_disallowed_origins).
//! They are made here, from the headers the policy prebuilt
//! ([`Answers`](crate::policy::Answers)), and from nothing else.

use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};

use crate::classify::RequestKind;
use crate::headers::ALLOW_PRIVATE_NETWORK;
use crate::policy::Policy;
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

/// The answer to an accepted preflight.
pub(crate) fn accepted(policy: &Policy, grant: Grant) -> Response<()> {
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
    if policy.private_network && !grant.private_network {
        headers.remove(ALLOW_PRIVATE_NETWORK);
    }
    let res = response(answers.accepted_status, headers);
    record(policy, res, Some(RequestKind::Preflight), None)
}

/// The answer to a refused preflight: no CORS headers.
pub(crate) fn refused_preflight(policy: &Policy, why: Refusal) -> Response<()> {
    let answers = &policy.answers;
    let res = response(answers.refused_status, answers.refused_preflight.clone());
    record(policy, res, Some(RequestKind::Preflight), Some(why))
}

/// The answer to an actual request (of `kind`, when decisions are recorded)
/// that the policy blocks.
pub(crate) fn blocked(policy: &Policy, kind: Option<RequestKind>) -> Response<()> {
    let answers = &policy.answers;
    let res = response(answers.refused_status, answers.blocked.clone());
    record(policy, res, kind, Some(Refusal::OriginNotAllowed))
}

fn response(status: StatusCode, headers: HeaderMap) -> Response<()> {
    let mut res = Response::new(());
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res
}

/// With [`record_decisions`](crate::CorsBuilder::record_decisions), puts
/// the request's kind and the reason of a refusal into the answer's
/// extensions.
fn record(
    policy: &Policy,
    mut res: Response<()>,
    kind: Option<RequestKind>,
    why: Option<Refusal>,
) -> Response<()> {
    if policy.record_decisions {
        if let Some(kind) = kind {
            res.extensions_mut().insert(kind);
        }
        if let Some(why) = why {
            res.extensions_mut().insert(why);
        }
    }
    res
}
