//! Why the layer refused a CORS request, for logs and debugging.

use std::fmt;

use http::{HeaderName, Method};

/// Why the layer refused a CORS request.
///
/// Whenever the layer refuses something it stores a `Refusal` in the
/// response's extensions when the policy
/// [records decisions](crate::CorsBuilder::record_decisions), and emits a
/// `DEBUG` event with the `tracing` feature, so that an operator can tell
/// why a browser reports a CORS error:
///
/// - a refused preflight is answered by the layer itself, with the refusal
///   status (403 unless configured) and no CORS headers;
/// - an actual request from an origin that is not allowed still reaches the
///   inner service (unless the policy blocks such requests), and its
///   response carries no CORS headers.
///
/// # Example
///
/// ```
/// use http::Response;
/// use tower_cors::Refusal;
///
/// fn log_refusal<B>(res: &Response<B>) {
///     if let Some(why) = res.extensions().get::<Refusal>() {
///         eprintln!("CORS refused: {why}");
///     }
/// }
/// # log_refusal(&Response::new(()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The request's `Origin` is not allowed by the policy.
    OriginNotAllowed,
    /// The method named by `Access-Control-Request-Method` is not allowed.
    MethodNotAllowed(Method),
    /// `Access-Control-Request-Method` is not a valid method token.
    InvalidRequestMethod,
    /// A header named by `Access-Control-Request-Headers` is not allowed.
    HeaderNotAllowed(HeaderName),
    /// `Access-Control-Request-Headers` is not a comma-separated list of
    /// header names.
    InvalidRequestHeaders,
    /// `Access-Control-Request-Headers` is longer than 4096 bytes, all field
    /// lines together: no browser sends that many names, and the layer does
    /// not read them.
    RequestHeadersTooLong,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OriginNotAllowed => f.write_str("origin not allowed"),
            Refusal::MethodNotAllowed(m) => write!(f, "method {m} not allowed"),
            Refusal::InvalidRequestMethod => f.write_str("invalid Access-Control-Request-Method"),
            Refusal::HeaderNotAllowed(h) => write!(f, "request header {h} not allowed"),
            Refusal::InvalidRequestHeaders => f.write_str("invalid Access-Control-Request-Headers"),
            Refusal::RequestHeadersTooLong => {
                f.write_str("Access-Control-Request-Headers longer than 4096 bytes")
            }
        }
    }
}

/// Reports a refusal as a `DEBUG` event, with the `tracing` feature.
#[cfg(feature = "tracing")]
pub(crate) fn trace(refusal: &Refusal, origin: &http::HeaderValue) {
    tracing::debug!(
        target: "tower_cors",
        reason = %refusal,
        origin = ?origin,
        "CORS request refused"
    );
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn trace(_refusal: &Refusal, _origin: &http::HeaderValue) {}
