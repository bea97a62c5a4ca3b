//! Preflight answers: check the origin, the requested method and headers,
//! then answer without calling the inner service.

use std::borrow::Cow;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::request::Parts;
use http::{Method, Response};

use crate::classify::{is_safelisted_method, RequestKind};
use crate::policy::{Policy, TRUE};
use crate::refusal::{self, Refusal};

const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// What an accepted preflight adds to the policy's precomputed headers.
struct Accepted {
    allow_origin: HeaderValue,
    private_network: bool,
}

/// Answers the preflight whose head is `parts`, once its origin is decided.
pub(crate) fn answer(policy: &Policy, parts: &Parts, origin_allowed: bool) -> Response<()> {
    let origin = parts.headers.get(header::ORIGIN);
    let verdict = match origin {
        Some(origin) if origin_allowed => check(policy, origin, parts),
        _ => Err(Refusal::OriginNotAllowed),
    };
    match verdict {
        Ok(accepted) => {
            let mut res = response(policy.preflight_status, policy.preflight_headers.clone());
            let headers = res.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, accepted.allow_origin);
            if accepted.private_network {
                headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
            }
            res
        }
        Err(why) => {
            if let Some(origin) = origin {
                refusal::trace(&why, origin);
            }
            refused(policy, why)
        }
    }
}

/// The layer's own answer to a refused request: the refusal status, no CORS
/// headers, and the reason in the extensions.
pub(crate) fn refused(policy: &Policy, why: Refusal) -> Response<()> {
    let mut res = response(policy.refusal_status, policy.refusal_headers.clone());
    res.extensions_mut().insert(why);
    res
}

fn response(status: http::StatusCode, headers: HeaderMap) -> Response<()> {
    let mut res = Response::new(());
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res.extensions_mut().insert(RequestKind::Preflight);
    res
}

/// Checks method, headers and private network access, in that order, for
/// an allowed origin.
fn check(policy: &Policy, origin: &HeaderValue, parts: &Parts) -> Result<Accepted, Refusal> {
    check_method(policy, &parts.headers)?;
    check_headers(policy, &parts.headers)?;
    let private_network = parts
        .headers
        .get(REQUEST_PRIVATE_NETWORK)
        .is_some_and(|v| v == "true");
    if private_network && !policy.private_network {
        return Err(Refusal::PrivateNetworkNotAllowed);
    }
    Ok(Accepted {
        allow_origin: policy
            .wildcard_origin
            .clone()
            .unwrap_or_else(|| origin.clone()),
        private_network,
    })
}

/// The requested method is compared byte for byte: browsers upper-case only
/// the six standard methods, so `patch` is not `PATCH`. The safelisted
/// methods GET, HEAD and POST are always allowed.
fn check_method(policy: &Policy, headers: &HeaderMap) -> Result<(), Refusal> {
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let method = Method::from_bytes(requested).map_err(|_| Refusal::InvalidRequestMethod)?;
    if is_safelisted_method(&method) || policy.methods.allows(&method) {
        Ok(())
    } else {
        Err(Refusal::MethodNotAllowed(method))
    }
}

/// Every name in every `Access-Control-Request-Headers` field line must be
/// allowed. Names compare case-insensitively; empty elements and optional
/// whitespace are skipped. The cost is linear in the length of the values.
fn check_headers(policy: &Policy, headers: &HeaderMap) -> Result<(), Refusal> {
    for line in headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        for name in line.as_bytes().split(|&b| b == b',') {
            let name = name.trim_ascii();
            if name.is_empty() {
                continue;
            }
            check_header(policy, name)?;
        }
    }
    Ok(())
}

fn check_header(policy: &Policy, name: &[u8]) -> Result<(), Refusal> {
    if !name.iter().copied().all(is_token_byte) {
        return Err(Refusal::InvalidRequestHeaders);
    }
    let lower = if name.iter().any(u8::is_ascii_uppercase) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    if policy.headers.allows(&lower) {
        return Ok(());
    }
    match http::HeaderName::from_bytes(&lower) {
        Ok(name) => Err(Refusal::HeaderNotAllowed(name)),
        Err(_) => Err(Refusal::InvalidRequestHeaders),
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
