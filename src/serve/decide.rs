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
    /// A CORS request the policy allows.
    Allowed,
    /// Refused, and why: a preflight the layer refuses, or an actual
    /// request the inner service still answers (without the CORS headers
    /// the browser needs to read it).
    Refused(Why<'r>),
    /// Refused, and answered by the layer: the inner service never sees
    /// the request (cross-origin protection, a blocked origin).
    Blocked(Why<'r>),
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
            Decision::Refused(why) | Decision::Blocked(why) => Outcome::Refused(why.code_index()),
            Decision::Undecided => Outcome::Undecided,
        }
    }
}

/// What a request asks a candidate policy, read from its head: its
/// `Origin`, and a preflight's method, headers and private network
/// question.
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
            Some(why) => Decision::Blocked(Why::Refusal(why)),
            None => Decision::NotCors,
        };
    };
    let Some(allowed) = policy.origins.decide_now(origin, parts) else {
        return Decision::Undecided;
    };
    if let Some(preflight) = &question.preflight {
        if !allowed {
            return Decision::Refused(Why::Origin(&policy.origins, origin));
        }
        return decide_preflight(policy, preflight);
    }
    if let Some(why) = protection(Some(allowed)) {
        return Decision::Blocked(Why::Refusal(why));
    }
    actual(policy, allowed, origin, parts)
}

/// An actual request from `origin`, which cross-origin protection lets
/// through, once the origin rules decided whether they allow it: the one
/// rule for the request path and a candidate.
pub(crate) fn actual<'r>(
    policy: &'r Policy,
    allowed: bool,
    origin: &'r HeaderValue,
    parts: &Parts,
) -> Decision<'r> {
    if allowed {
        return Decision::Allowed;
    }
    // A same-origin request carries `Origin` too, and is no CORS request.
    if is_same_origin_fetch(&parts.headers) {
        return Decision::NotCors;
    }
    let why = Why::Origin(&policy.origins, origin);
    match policy.config.block_disallowed_origins {
        true => Decision::Blocked(why),
        false => Decision::Refused(why),
    }
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

/// How a candidate's decision differs from the enforcing policy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// The candidate would refuse what is let through.
    WouldRefuse,
    /// The candidate would let through what is refused.
    WouldAllow,
    /// Both refuse, and the candidate would answer itself what the inner
    /// service answers now (a simple request's effects would stop).
    WouldBlock,
    /// Both refuse, and the candidate would let the inner service answer
    /// what the layer answers now.
    WouldUnblock,
    /// The candidate binds no policy to a request the enforcing policy
    /// decides: the inner service would answer it alone.
    NotBound,
}

impl Change {
    /// The value of the `difference` label and field.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Change::WouldRefuse => "would_refuse",
            Change::WouldAllow => "would_allow",
            Change::WouldBlock => "would_block",
            Change::WouldUnblock => "would_unblock",
            Change::NotBound => "not_bound",
        }
    }
}

/// How a candidate's decision (`would`) differs from the enforcing
/// policy's (`decision`), with the refusal of the one that refuses (the
/// candidate's when both do); `None` when they agree, or either is
/// undecided.
pub(crate) fn difference<'d, 'r>(
    decision: &'d Decision<'r>,
    would: &'d Decision<'r>,
) -> Option<(Change, &'d Why<'r>)> {
    use Decision::{Allowed, Blocked, NotCors, Refused};
    match (decision, would) {
        (NotCors | Allowed, Refused(why) | Blocked(why)) => Some((Change::WouldRefuse, why)),
        (Refused(why) | Blocked(why), NotCors | Allowed) => Some((Change::WouldAllow, why)),
        (Refused(_), Blocked(why)) => Some((Change::WouldBlock, why)),
        (Blocked(why), Refused(_)) => Some((Change::WouldUnblock, why)),
        _ => None,
    }
}
