//! The compiled policy: every rule in the form the service reads per
//! request, and the answers the layer gives itself, rendered once by
//! [`CorsBuilder::build`](crate::CorsBuilder::build).

use http::HeaderValue;

use crate::answer::Answers;
use crate::headers::AllowedHeaders;
use crate::methods::AllowedMethods;
use crate::origin::AllowedOrigins;

/// Who decides when both the inner service and the layer have a value for
/// the same CORS response header.
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
    /// The layer's own answers, prebuilt from the rules above.
    pub(crate) answers: Answers,
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

impl Policy {
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
