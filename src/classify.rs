//! Request classification: not CORS, simple, not-so-simple, or preflight.

use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method};

use crate::compile::headers::is_forbidden_request_header;
use crate::compile::methods::is_safelisted as is_safelisted_method;

/// What kind of request the layer saw, following the Fetch Standard.
///
/// With [`record_decisions`](crate::CorsBuilder::record_decisions) the
/// layer stores it in the request's extensions before it calls the inner
/// service, so handlers and logging layers can read it without parsing the
/// request again; preflights never reach the inner service, and their kind
/// is stored in the extensions of the layer's own response. Without it,
/// [`RequestKind::of`] classifies a request on demand.
///
/// # Example
///
/// ```
/// use http::Request;
/// use tower_cors::RequestKind;
///
/// let req = Request::get("/")
///     .header("origin", "https://app.example.com")
///     .body(())
///     .unwrap();
/// assert_eq!(RequestKind::of(&req), RequestKind::Simple);
///
/// // In a handler behind a layer built with `record_decisions(true)`:
/// let kind = req.extensions().get::<RequestKind>().copied();
/// # let _ = kind;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    /// No `Origin` header (a same-origin `GET` or a non-browser request), or
    /// a request that the browser marks `Sec-Fetch-Site: same-origin`:
    /// browsers send `Origin` on same-origin writes too, and those are no
    /// CORS requests.
    NotCors,
    /// A cross-origin request that a browser sends without a preflight:
    /// `GET`, `HEAD` or `POST` with only CORS-safelisted request headers.
    Simple,
    /// A cross-origin request that a browser sends only after a successful
    /// preflight (another method, or a header that is not safelisted).
    NotSoSimple,
    /// A CORS preflight: `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`.
    Preflight,
}

impl RequestKind {
    /// Classifies a request by its method and headers.
    ///
    /// Headers that the browser or a proxy adds on its own (the Fetch
    /// Standard's forbidden request-header names, `Sec-*`, `Proxy-*`,
    /// `User-Agent`, `Cache-Control`, `Pragma`, `Priority`, conditional
    /// `If-*` headers, `Forwarded`, `X-Forwarded-*`, `X-Real-Ip`) do not make
    /// a request not-so-simple, since a script did not set them.
    ///
    /// # Example
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::RequestKind;
    ///
    /// let put = Request::put("/")
    ///     .header("origin", "https://app.example.com")
    ///     .body(())
    ///     .unwrap();
    /// assert_eq!(RequestKind::of(&put), RequestKind::NotSoSimple);
    /// ```
    pub fn of<B>(req: &http::Request<B>) -> Self {
        classify(req.method(), req.headers())
    }

    /// True for every kind but [`RequestKind::NotCors`].
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::RequestKind;
    ///
    /// assert!(RequestKind::Preflight.is_cors());
    /// assert!(!RequestKind::NotCors.is_cors());
    /// ```
    pub fn is_cors(self) -> bool {
        self != RequestKind::NotCors
    }
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The longest value of one safelisted header, and of all of them together.
const MAX_SAFELISTED_VALUE: usize = 128;
const MAX_SAFELISTED_TOTAL: usize = 1024;

/// The part of the classification that decides what the layer does with a
/// request; whether an actual request is simple matters only to whoever
/// reads its [`RequestKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    NotCors,
    Preflight,
    Actual,
}

fn route(method: &Method, headers: &HeaderMap) -> Route {
    if !headers.contains_key(header::ORIGIN) || is_same_origin_fetch(headers) {
        Route::NotCors
    } else if is_preflight(method, headers) {
        Route::Preflight
    } else {
        Route::Actual
    }
}

/// `OPTIONS` with `Access-Control-Request-Method` (and `Origin`, which the
/// caller has checked).
pub(crate) fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    preflight_method(method, headers).is_some()
}

/// The method a preflight asks for: `Access-Control-Request-Method` of an
/// `OPTIONS` request (with `Origin`, which the caller has checked); `None`
/// when the request is no preflight.
pub(crate) fn preflight_method<'h>(
    method: &Method,
    headers: &'h HeaderMap,
) -> Option<&'h HeaderValue> {
    if method != Method::OPTIONS {
        return None;
    }
    headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)
}

pub(crate) fn classify(method: &Method, headers: &HeaderMap) -> RequestKind {
    match route(method, headers) {
        Route::NotCors => RequestKind::NotCors,
        Route::Preflight => RequestKind::Preflight,
        Route::Actual if is_safelisted_method(method) && only_safelisted_headers(headers) => {
            RequestKind::Simple
        }
        Route::Actual => RequestKind::NotSoSimple,
    }
}

/// Browsers send `Origin` on same-origin `POST`, `PUT`, `PATCH` and `DELETE`
/// requests too, which are no CORS requests; `Sec-Fetch-Site: same-origin`,
/// which scripts cannot set, marks them.
pub(crate) fn is_same_origin_fetch(headers: &HeaderMap) -> bool {
    fetch_site(headers).is_some_and(|site| site == "same-origin")
}

/// The request's `Sec-Fetch-Site`, which scripts cannot set; an empty one
/// counts as none, as Go reads headers.
pub(crate) fn fetch_site(headers: &HeaderMap) -> Option<&HeaderValue> {
    headers.get(SEC_FETCH_SITE).filter(|site| !site.is_empty())
}

fn only_safelisted_headers(headers: &HeaderMap) -> bool {
    let mut total = 0usize;
    for (name, value) in headers {
        if is_set_by_user_agent(name) {
            continue;
        }
        if !is_safelisted_header(name, value) {
            return false;
        }
        total += value.len();
    }
    total <= MAX_SAFELISTED_TOTAL
}

/// The Fetch Standard's "CORS-safelisted request-header" check.
fn is_safelisted_header(name: &HeaderName, value: &HeaderValue) -> bool {
    let value = value.as_bytes();
    if value.len() > MAX_SAFELISTED_VALUE {
        return false;
    }
    if name == header::ACCEPT {
        !value.iter().copied().any(is_cors_unsafe_byte)
    } else if name == header::ACCEPT_LANGUAGE || name == header::CONTENT_LANGUAGE {
        value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b))
    } else if name == header::CONTENT_TYPE {
        !value.iter().copied().any(is_cors_unsafe_byte) && is_safelisted_content_type(value)
    } else if name == header::RANGE {
        is_simple_range(value)
    } else {
        false
    }
}

fn is_cors_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// The essence of the MIME type is one of the three that HTML forms send.
fn is_safelisted_content_type(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or_default();
    let essence = essence.trim_ascii();
    [
        &b"application/x-www-form-urlencoded"[..],
        b"multipart/form-data",
        b"text/plain",
    ]
    .iter()
    .any(|safe| essence.eq_ignore_ascii_case(safe))
}

/// `bytes=N-` or `bytes=N-M` with `N <= M`, without whitespace.
fn is_simple_range(value: &[u8]) -> bool {
    let Some(range) = value.strip_prefix(b"bytes=") else {
        return false;
    };
    let Some(dash) = range.iter().position(|&b| b == b'-') else {
        return false;
    };
    let (start, end) = range.split_at(dash);
    let end = end.get(1..).unwrap_or_default();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if !digits(start) {
        return false;
    }
    if end.is_empty() {
        return true;
    }
    if !digits(end) {
        return false;
    }
    match (parse_u64(start), parse_u64(end)) {
        (Some(s), Some(e)) => s <= e,
        _ => false,
    }
}

fn parse_u64(digits: &[u8]) -> Option<u64> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Headers that a browser or an intermediary sets on its own: they are
/// present on simple requests too, so they never make a request
/// not-so-simple.
fn is_set_by_user_agent(name: &HeaderName) -> bool {
    let name = name.as_str();
    is_forbidden_request_header(name)
        || matches!(
            name,
            // Set by browsers although scripts may set them too.
            "user-agent" | "cache-control" | "pragma" | "priority" | "upgrade-insecure-requests"
            // Set by proxies and load balancers.
            | "forwarded" | "x-real-ip"
        )
        || name.starts_with("if-")
        || name.starts_with("x-forwarded-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(is_simple_range(b"bytes=0-"));
        assert!(is_simple_range(b"bytes=10-20"));
        assert!(!is_simple_range(b"bytes=20-10"));
        assert!(!is_simple_range(b"bytes=-10"));
        assert!(!is_simple_range(b"bytes=0-1,3-4"));
        assert!(!is_simple_range(b"bytes= 0-1"));
        assert!(!is_simple_range(b"items=0-1"));
    }

    #[test]
    fn content_types() {
        assert!(is_safelisted_content_type(b"text/plain"));
        assert!(is_safelisted_content_type(
            b"application/x-www-form-urlencoded; charset=utf-8"
        ));
        assert!(is_safelisted_content_type(
            b"Multipart/Form-Data; boundary=x"
        ));
        assert!(!is_safelisted_content_type(b"application/json"));
        assert!(!is_safelisted_content_type(b"text/plainx"));
    }
}
