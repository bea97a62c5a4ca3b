//! The compiled policy: every rule in the form the service reads per
//! request, and the answers the layer gives itself, rendered once by
//! [`CorsBuilder::build`](crate::CorsBuilder::build).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;

use crate::error::ConfigError;
use crate::headers::{AllowedHeaders, ALLOW_PRIVATE_NETWORK, TRUE};
use crate::methods::AllowedMethods;
use crate::origin::AllowedOrigins;

/// Who decides when both the inner service and the layer have a value for
/// the same CORS response header.
///
/// In configuration files (the `serde` feature) it is written
/// `"upstream_wins"` or `"layer_wins"`.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, Precedence};
///
/// // Behave like tower-http's CorsLayer: the layer's headers replace the handler's.
/// let cors = CorsLayer::builder()
///     .allow_any_origin()
///     .precedence(Precedence::LayerWins)
///     .build()?;
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Precedence {
    /// The inner (upstream) service's CORS headers win, as at an API gateway:
    /// a header the handler set reaches the browser unchanged, and the layer
    /// adds only the headers the handler did not set.
    ///
    /// The layer adds `Access-Control-Allow-Credentials` and
    /// `Access-Control-Expose-Headers` only next to its own
    /// `Access-Control-Allow-Origin`: when the handler set that header to
    /// another value, the layer adds neither, so it never grants credentials
    /// or exposes headers to an origin the policy did not choose. When the
    /// handler set only `Access-Control-Allow-Credentials: true` and the
    /// layer would answer `*`, the layer adds no `Access-Control-Allow-Origin`
    /// at all, since browsers refuse `*` with credentials.
    #[default]
    UpstreamWins,
    /// The layer's CORS decision is the whole answer: every CORS header the
    /// handler set is removed (`Access-Control-Allow-Private-Network`
    /// included), then the layer's are added (for an origin that is not
    /// allowed, none). This is how tower-http's `CorsLayer` behaves, for
    /// users migrating from it.
    LayerWins,
}

/// Everything the service reads per request, shared by every clone of the
/// service behind an `Arc`.
#[derive(Debug)]
pub(crate) struct Policy {
    pub(crate) origins: AllowedOrigins,
    pub(crate) methods: AllowedMethods,
    pub(crate) headers: AllowedHeaders,
    /// `Access-Control-Expose-Headers` for actual responses.
    pub(crate) exposed: Option<HeaderValue>,
    pub(crate) credentials: bool,
    pub(crate) private_network: bool,
    pub(crate) precedence: Precedence,
    pub(crate) block_disallowed: bool,
    /// Whether the layer puts its decisions into extensions.
    pub(crate) record_decisions: bool,
    /// Debug mode, switched at runtime by a [`DebugSwitch`](crate::DebugSwitch).
    pub(crate) debug: Arc<AtomicBool>,
    /// The layer's own answers, prebuilt from the rules above.
    pub(crate) answers: Answers,
    /// The policy as it was asked for, for
    /// [`CorsLayer::config`](crate::CorsLayer::config); read only there,
    /// never per request.
    #[cfg(feature = "serde")]
    pub(crate) config: crate::config::CorsConfig,
}

/// What the layer grants a request, once its origin is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Access {
    /// The value of `Access-Control-Allow-Origin` to send.
    Granted(HeaderValue),
    /// No `Origin`, under a policy whose answer depends on it: nothing to
    /// grant, and nothing refused.
    NotCors,
    /// The request's origin is not allowed.
    Refused,
}

const WILDCARD: HeaderValue = HeaderValue::from_static("*");
pub(crate) const ZERO: HeaderValue = HeaderValue::from_static("0");

impl Policy {
    /// Whether a refusal is seen beyond the response's CORS headers:
    /// blocked, recorded, traced, or named by debug mode.
    pub(crate) fn reports_refusals(&self) -> bool {
        self.block_disallowed
            || self.record_decisions
            || self.debugging()
            || crate::report::traces_refusals()
    }

    /// Whether debug mode is on.
    pub(crate) fn debugging(&self) -> bool {
        self.debug.load(Ordering::Relaxed)
    }

    /// What a request from `origin` (`None`: no `Origin` header) gets, given
    /// whether the origin rules allow it. This is the one place that
    /// chooses `Access-Control-Allow-Origin`: `*` under an any-origin policy,
    /// for every request, with or without `Origin`; otherwise the request's
    /// origin, echoed.
    pub(crate) fn access(&self, origin: Option<&HeaderValue>, allowed: bool) -> Access {
        match origin {
            _ if self.origins.is_any() => Access::Granted(WILDCARD),
            None => Access::NotCors,
            Some(origin) if allowed => Access::Granted(origin.clone()),
            Some(_) => Access::Refused,
        }
    }
}

/// The prebuilt headers and statuses of the layer's own answers.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    pub(crate) accepted_status: StatusCode,
    /// Everything an accepted preflight carries that does not depend on the
    /// request.
    pub(crate) accepted: HeaderMap,
    pub(crate) refused_status: StatusCode,
    /// A refused preflight: its `Vary`, no CORS header.
    pub(crate) refused_preflight: HeaderMap,
    /// A blocked actual request: its `Vary`, no CORS header.
    pub(crate) blocked: HeaderMap,
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
    /// Renders the answers of `policy`, from its rules.
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
        // A slot for each value that the answer may set per request, so
        // that setting it replaces an entry in place (and an unused slot is
        // removed): a clone of this map never grows. `reserve` keeps the
        // table from being full, since even a replacing insert grows a full
        // one.
        accepted.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, WILDCARD);
        if policy.methods.echoes() {
            // Always replaced: an echoing policy names every requested method.
            accepted.insert(header::ACCESS_CONTROL_ALLOW_METHODS, WILDCARD);
        }
        if policy.headers.echoes() {
            accepted.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, WILDCARD);
        }
        if policy.private_network {
            accepted.insert(ALLOW_PRIVATE_NETWORK, TRUE);
        }
        accepted.reserve(1);
        Answers {
            accepted_status,
            accepted,
            refused_status,
            refused_preflight,
            blocked,
        }
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
