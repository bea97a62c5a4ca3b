//! Preflights: once the origin is decided, check the requested method,
//! headers and private network access, and answer without calling the
//! inner service.

use http::header;
use http::request::Parts;
use http::Response;

use crate::answer::{self, Grant};
use crate::headers::REQUEST_PRIVATE_NETWORK;
use crate::policy::{Access, Policy};
use crate::refusal::{self, Refusal};

/// Answers the preflight whose head is `parts`, given what its origin was
/// granted.
pub(crate) fn answer(policy: &Policy, parts: &Parts, access: Access) -> Response<()> {
    match check(policy, parts, access) {
        Ok(grant) => answer::accepted(policy, grant),
        Err(why) => {
            if let Some(origin) = parts.headers.get(header::ORIGIN) {
                refusal::trace(&why, origin);
            }
            answer::refused_preflight(policy, why)
        }
    }
}

/// The Fetch Standard's CORS-preflight checks, in its order: the origin,
/// the method, the headers. Private network access is granted only when
/// the policy opted in; without the opt-in the request header is ignored.
fn check(policy: &Policy, parts: &Parts, access: Access) -> Result<Grant, Refusal> {
    let Access::Granted(allow_origin) = access else {
        return Err(Refusal::OriginNotAllowed);
    };
    let headers = &parts.headers;
    let methods = policy
        .methods
        .check(headers.get(header::ACCESS_CONTROL_REQUEST_METHOD))?;
    let requested_headers = policy
        .headers
        .check(headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS))?;
    let private_network = policy.private_network
        && headers
            .get(REQUEST_PRIVATE_NETWORK)
            .is_some_and(|v| v == "true");
    Ok(Grant {
        allow_origin,
        methods,
        headers: requested_headers,
        private_network,
    })
}
