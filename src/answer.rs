//! The answers the layer gives itself, without calling the inner service:
//! accepted preflights, refused preflights, and actual requests blocked by
//! [`block_disallowed_origins`](crate::CorsBuilder::block_disallowed_origins).
//! Their headers are rendered once, when the policy is built.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Response, StatusCode};

use crate::classify::RequestKind;
use crate::error::ConfigError;
use crate::policy::Policy;
use crate::refusal::Refusal;

pub(crate) const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
const TRUE: HeaderValue = HeaderValue::from_static("true");
const ZERO: HeaderValue = HeaderValue::from_static("0");

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

/// The prebuilt headers and statuses of the layer's own answers.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    accepted_status: StatusCode,
    /// Everything an accepted preflight carries that does not depend on the
    /// request.
    accepted: HeaderMap,
    refused_status: StatusCode,
    /// A refused preflight: its `Vary`, no CORS header.
    refused_preflight: HeaderMap,
    /// A blocked actual request: its `Vary`, no CORS header.
    blocked: HeaderMap,
}

/// Checks the statuses of the layer's answers, reporting each problem to
/// `errors`.
pub(crate) fn check_statuses(
    accepted: StatusCode,
    refused: StatusCode,
    errors: &mut Vec<ConfigError>,
) {
    if !accepted.is_success() {
        errors.push(ConfigError::PreflightStatusNotSuccess {
            status: accepted.as_u16(),
        });
    }
    if !(refused.is_client_error() || refused.is_server_error()) {
        errors.push(ConfigError::RefusalStatusNotError {
            status: refused.as_u16(),
        });
    }
}

impl Answers {
    /// Renders the answers of `policy`.
    pub(crate) fn compile(
        policy: &Policy,
        max_age: Option<HeaderValue>,
        accepted_status: StatusCode,
        refused_status: StatusCode,
    ) -> Answers {
        let by_origin = !policy.origins.is_any();
        let preflight_vary = preflight_vary(by_origin, policy.private_network);

        let mut refused_preflight = empty_body(refused_status);
        refused_preflight.insert(header::VARY, preflight_vary.clone());

        let mut blocked = empty_body(refused_status);
        if by_origin {
            blocked.insert(header::VARY, HeaderValue::from_static("Origin"));
        }

        let credentials = TRUE;
        let mut accepted = empty_body(accepted_status);
        accepted.insert(header::VARY, preflight_vary);
        let fixed = [
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                policy.methods.fixed_value(),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                policy.headers.fixed_value(),
            ),
            (
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                policy.exposed.as_ref(),
            ),
            (header::ACCESS_CONTROL_MAX_AGE, max_age.as_ref()),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                policy.credentials.then_some(&credentials),
            ),
        ];
        for (name, value) in fixed {
            if let Some(value) = value {
                accepted.insert(name, value.clone());
            }
        }
        Answers {
            accepted_status,
            accepted,
            refused_status,
            refused_preflight,
            blocked,
        }
    }

    /// The answer to an accepted preflight.
    pub(crate) fn accepted(&self, grant: Grant) -> Response<()> {
        let mut headers = self.accepted.clone();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, grant.allow_origin);
        if let Some(methods) = grant.methods {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
        }
        if let Some(requested) = grant.headers {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        if grant.private_network {
            headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
        }
        response(self.accepted_status, headers, RequestKind::Preflight, None)
    }

    /// The answer to a refused preflight: no CORS headers, and the reason in
    /// the extensions.
    pub(crate) fn refused_preflight(&self, why: Refusal) -> Response<()> {
        response(
            self.refused_status,
            self.refused_preflight.clone(),
            RequestKind::Preflight,
            Some(why),
        )
    }

    /// The answer to an actual request of `kind` that the policy blocks.
    pub(crate) fn blocked(&self, kind: RequestKind) -> Response<()> {
        response(
            self.refused_status,
            self.blocked.clone(),
            kind,
            Some(Refusal::OriginNotAllowed),
        )
    }
}

/// The `Vary` of preflight answers: every request header that decides them.
/// `Origin` only when the answer depends on it, and
/// `Access-Control-Request-Private-Network` only when the policy reads it.
fn preflight_vary(by_origin: bool, private_network: bool) -> HeaderValue {
    HeaderValue::from_static(match (by_origin, private_network) {
        (true, false) => "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        (false, false) => "Access-Control-Request-Method, Access-Control-Request-Headers",
        (true, true) => "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
        (false, true) => "Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
    })
}

/// Headers of an empty body: `Content-Length: 0` where the status allows a
/// body (a 204 has none).
fn empty_body(status: StatusCode) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if status != StatusCode::NO_CONTENT {
        headers.insert(header::CONTENT_LENGTH, ZERO);
    }
    headers
}

fn response(
    status: StatusCode,
    headers: HeaderMap,
    kind: RequestKind,
    why: Option<Refusal>,
) -> Response<()> {
    let mut res = Response::new(());
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res.extensions_mut().insert(kind);
    if let Some(why) = why {
        res.extensions_mut().insert(why);
    }
    res
}
