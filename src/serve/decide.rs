//! A policy's decision for a request as a value: the enforcing policy's,
//! as the request path makes it, and a candidate's, decided here without
//! answering by the rules the request path reads (the same origin, method,
//! header and protection checks, in the same order). Nothing here
//! allocates unless a refusal is read.

use http::header::{self, GetAll, HeaderValue};
use http::request::Parts;
use http::Method;

use crate::classify::is_same_origin_fetch;
use crate::compile::headers::{Unallowed, REQUEST_PRIVATE_NETWORK};
use crate::compile::origin::AllowedOrigins;
use crate::compile::policy::Policy;
#[cfg(feature = "metrics")]
use crate::explain::metrics::Outcome;
use crate::refusal::Refusal;
#[cfg(feature = "metrics")]
use crate::refusal::HEADER_NOT_ALLOWED;
use crate::serve::protect;

/// What a policy decides for one request.
#[derive(Debug, Clone)]
pub(crate) enum Decision<'r> {
    /// No `Origin`, and nothing refused: not a CORS request.
    NotCors,
    /// A CORS request the policy allows (or a same-origin one that
    /// carries `Origin`, which is never refused).
    Allowed,
    /// Refused, and why.
    Refused(Why<'r>),
    /// Only the asynchronous origin predicate could tell; it is not asked.
    Undecided,
}

/// Why a request is refused, borrowing the request and the policy until
/// someone reads it.
#[derive(Debug, Clone)]
pub(crate) enum Why<'r> {
    Refusal(Refusal),
    /// A refusal the request path made.
    Ref(&'r Refusal),
    Headers(Unallowed<'r>),
    /// The origin is refused; why (not allowed, `null`, malformed) is
    /// found by parsing it, when read.
    Origin(&'r AllowedOrigins, &'r HeaderValue),
}

impl Why<'_> {
    /// The refusal, made now (a refused header's name is copied).
    pub(crate) fn refusal(&self) -> Refusal {
        match self {
            Why::Refusal(refusal) => refusal.clone(),
            Why::Ref(refusal) => (*refusal).clone(),
            Why::Headers(unallowed) => unallowed.refusal(),
            Why::Origin(origins, origin) => origins.refusal(origin),
        }
    }

    /// [`Refusal::code_index`], without making the refusal.
    #[cfg(feature = "metrics")]
    pub(crate) fn code_index(&self) -> usize {
        match self {
            Why::Refusal(refusal) => refusal.code_index(),
            Why::Ref(refusal) => refusal.code_index(),
            Why::Headers(Unallowed::Name(_)) => HEADER_NOT_ALLOWED,
            Why::Headers(unallowed) => unallowed.refusal().code_index(),
            Why::Origin(..) => self.refusal().code_index(),
        }
    }
}

#[cfg(feature = "metrics")]
impl Decision<'_> {
    /// The decision's place among the outcomes the counters tell apart:
    /// [`Outcome::NotCors`], [`Outcome::Allowed`], [`Outcome::Undecided`],
    /// or refused for one of the reasons of [`Refusal::code`].
    pub(crate) fn outcome(&self) -> Outcome {
        match self {
            Decision::NotCors => Outcome::NotCors,
            Decision::Allowed => Outcome::Allowed,
            Decision::Refused(why) => Outcome::Refused(why.code_index()),
            Decision::Undecided => Outcome::Undecided,
        }
    }
}

/// What a request asks, read from its head once for every policy that
/// decides it (the enforcing one and a candidate): its `Origin`, and a
/// preflight's method, headers and private network question.
pub(crate) struct Question<'r> {
    parts: &'r Parts,
    origin: Option<&'r HeaderValue>,
    preflight: Option<Preflight<'r>>,
}

/// What a preflight asks for.
struct Preflight<'r> {
    method: &'r HeaderValue,
    headers: GetAll<'r, HeaderValue>,
    private_network: bool,
}

impl<'r> Question<'r> {
    pub(crate) fn of(parts: &'r Parts) -> Question<'r> {
        let headers = &parts.headers;
        let preflight = (parts.method == Method::OPTIONS)
            .then(|| headers.get(header::ACCESS_CONTROL_REQUEST_METHOD))
            .flatten()
            .map(|method| Preflight {
                method,
                headers: headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS),
                private_network: headers
                    .get(REQUEST_PRIVATE_NETWORK)
                    .is_some_and(|v| v == "true"),
            });
        Question {
            parts,
            origin: headers.get(header::ORIGIN),
            preflight,
        }
    }
}

/// What a candidate `policy` decides for `question`, by the rules the
/// request path reads (the enforcing policy's decision is the request
/// path's own).
pub(crate) fn decide<'r>(policy: &'r Policy, question: &Question<'r>) -> Decision<'r> {
    let parts = question.parts;
    let protection = |origin_allowed| {
        let protection = policy.protection.as_ref()?;
        protect::refusal(protection, parts, origin_allowed)
    };
    let Some(origin) = question.origin else {
        return match protection(None) {
            Some(why) => Decision::Refused(Why::Refusal(why)),
            None => Decision::NotCors,
        };
    };
    let Some(allowed) = policy.origins.decide_now(origin, parts) else {
        return Decision::Undecided;
    };
    let refused_origin = || Decision::Refused(Why::Origin(&policy.origins, origin));
    if let Some(preflight) = &question.preflight {
        if !allowed {
            return refused_origin();
        }
        return decide_preflight(policy, preflight);
    }
    if let Some(why) = protection(Some(allowed)) {
        return Decision::Refused(Why::Refusal(why));
    }
    if allowed || is_same_origin_fetch(&parts.headers) {
        return Decision::Allowed;
    }
    refused_origin()
}

/// A preflight from an allowed origin: its method, its headers and its
/// private network question.
fn decide_preflight<'r>(policy: &Policy, preflight: &Preflight<'r>) -> Decision<'r> {
    if let Err(why) = policy.methods.allows(Some(preflight.method)) {
        return Decision::Refused(Why::Refusal(why));
    }
    if let Err(why) = policy.headers.scan(&preflight.headers) {
        return Decision::Refused(Why::Headers(why));
    }
    if preflight.private_network && !policy.config.allow_private_network {
        return Decision::Refused(Why::Refusal(Refusal::PrivateNetworkNotAllowed));
    }
    Decision::Allowed
}

/// How a candidate's decision (`would`) differs from the enforcing
/// policy's (`decision`): whether the candidate would refuse what is let
/// through (else let through what is refused), and the refusal of the one
/// that refuses; `None` when both refuse, both let through, or either is
/// undecided.
pub(crate) fn difference<'d, 'r>(
    decision: &'d Decision<'r>,
    would: &'d Decision<'r>,
) -> Option<(bool, &'d Why<'r>)> {
    match (decision, would) {
        (Decision::NotCors | Decision::Allowed, Decision::Refused(why)) => Some((true, why)),
        (Decision::Refused(why), Decision::NotCors | Decision::Allowed) => Some((false, why)),
        _ => None,
    }
}
