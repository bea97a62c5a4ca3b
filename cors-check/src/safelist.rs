//! The Fetch Standard's lists: forbidden methods and request headers,
//! CORS-safelisted methods, request headers and response headers.

/// The methods `fetch()` refuses outright (compared case-insensitively).
const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// The methods `fetch()` upper-cases; every other method stays as written.
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// The request headers a script cannot set (besides `proxy-*` and `sec-*`).
const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Request headers that are forbidden when their value names a forbidden
/// method.
const METHOD_OVERRIDE_HEADERS: [&str; 3] = [
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

/// The response headers script can always read, once the CORS check passed.
const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// The longest value a safelisted request header may have, in bytes.
const SAFELISTED_VALUE_LIMIT: usize = 128;

/// The most bytes all safelisted request-header values may take together;
/// beyond it, they all count as unsafe.
pub(crate) const SAFELISTED_TOTAL_LIMIT: usize = 1024;

/// Whether `fetch()` refuses `method` (CONNECT, TRACE, TRACK in any case).
///
/// For example `trace` is forbidden, `PURGE` is not.
pub(crate) fn is_forbidden_method(method: &str) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// Fetch's method normalization: `delete`, `get`, `head`, `options`,
/// `post` and `put` are upper-cased, any other method is kept as written.
///
/// For example `put` becomes `PUT`, but `patch` stays `patch`.
pub(crate) fn normalize_method(method: &str) -> String {
    match NORMALIZED_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
    {
        Some(upper) => (*upper).to_owned(),
        None => method.to_owned(),
    }
}

/// Whether `method` (already normalized) is CORS-safelisted: `GET`, `HEAD`
/// or `POST`, byte for byte.
pub(crate) fn is_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Whether a script may not set the header `name` (lowercase) to `value`:
/// the Fetch list, `proxy-*`, `sec-*`, and the method-override headers when
/// the value names a forbidden method (`X-HTTP-Method-Override: TRACE`).
pub(crate) fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    FORBIDDEN_REQUEST_HEADERS.contains(&name)
        || name.starts_with("proxy-")
        || name.starts_with("sec-")
        || (METHOD_OVERRIDE_HEADERS.contains(&name)
            && value.split(',').any(|m| is_forbidden_method(m.trim())))
}

/// Whether `name` (any case) is a CORS-safelisted response-header name.
pub(crate) fn is_safelisted_response_header(name: &str) -> bool {
    SAFELISTED_RESPONSE_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether `name` (any case) is a forbidden response-header name, which
/// script never reads: `Set-Cookie` and `Set-Cookie2`.
pub(crate) fn is_forbidden_response_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// Fetch's "CORS-safelisted request-header" for one header, `name`
/// lowercase and `value` as the bytes sent: `accept`, `accept-language`,
/// `content-language`, a `content-type` with a form or text essence, or a
/// single-range `range`, with a value of at most 128 bytes. Bytes 0x80-0xFF
/// are not CORS-unsafe: `Accept: é` is safelisted.
///
/// For example `content-type: text/plain; charset=utf-8` is safelisted,
/// `content-type: application/json` is not.
pub(crate) fn is_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    if value.len() > SAFELISTED_VALUE_LIMIT {
        return false;
    }
    match name {
        "accept" => !value.iter().copied().any(is_unsafe_byte),
        "accept-language" | "content-language" => value.iter().copied().all(is_language_byte),
        "content-type" => is_safelisted_content_type(value),
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// A CORS-unsafe request-header byte: a control byte other than tab, or one
/// of `"():<>?@[\]{}` and DEL.
fn is_unsafe_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&byte)
}

/// The bytes `Accept-Language` and `Content-Language` may hold:
/// `0-9A-Za-z`, space, and `*,-.;=`.
fn is_language_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b" *,-.;=".contains(&byte)
}

/// A `Content-Type` without unsafe bytes whose MIME type's essence is
/// `application/x-www-form-urlencoded`, `multipart/form-data` or
/// `text/plain` (any case, parameters ignored).
fn is_safelisted_content_type(value: &[u8]) -> bool {
    if value.iter().copied().any(is_unsafe_byte) {
        return false;
    }
    mime_essence(value).is_some_and(|essence| {
        matches!(
            essence.as_slice(),
            b"application/x-www-form-urlencoded" | b"multipart/form-data" | b"text/plain"
        )
    })
}

/// The essence (`type/subtype`, lowercase) of a MIME type, or `None` when
/// it does not parse: `Text/Plain ; charset=x` gives `text/plain`.
fn mime_essence(value: &[u8]) -> Option<Vec<u8>> {
    let value = trim_http_whitespace(value);
    let mut halves = value.splitn(2, |&b| b == b'/');
    let (kind, rest) = (halves.next()?, halves.next()?);
    let subtype = rest.split(|&b| b == b';').next()?;
    let subtype = trim_end_http_whitespace(subtype);
    if !is_token(kind) || !is_token(subtype) {
        return None;
    }
    let mut essence = [kind, b"/", subtype].concat();
    essence.make_ascii_lowercase();
    Some(essence)
}

/// `bytes` without leading and trailing HTTP whitespace.
fn trim_http_whitespace(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !is_http_whitespace(char::from(*first)) {
            break;
        }
        bytes = rest;
    }
    trim_end_http_whitespace(bytes)
}

/// `bytes` without trailing HTTP whitespace.
fn trim_end_http_whitespace(mut bytes: &[u8]) -> &[u8] {
    while let [rest @ .., last] = bytes {
        if !is_http_whitespace(char::from(*last)) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// A `Range` value of the form `bytes=N-` or `bytes=N-M` with `N <= M`
/// (no whitespace, no suffix range, one range only).
fn is_simple_range(value: &[u8]) -> bool {
    let Some(range) = value.strip_prefix(b"bytes=") else {
        return false;
    };
    let mut halves = range.splitn(2, |&b| b == b'-');
    let (Some(start), Some(end)) = (halves.next(), halves.next()) else {
        return false;
    };
    let Some(start) = digits(start) else {
        return false;
    };
    if end.is_empty() {
        return true;
    }
    digits(end).is_some_and(|end| start <= end)
}

/// A non-empty run of ASCII digits as a number (`None` otherwise, or when
/// it overflows).
fn digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// HTTP whitespace: tab, line feed, carriage return, space.
pub(crate) fn is_http_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ')
}

/// Whether `text` is a non-empty HTTP token (RFC 9110 `tchar`s only).
pub(crate) fn is_token(text: &[u8]) -> bool {
    !text.is_empty()
        && text
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_keeps_patch() {
        assert_eq!(normalize_method("put"), "PUT");
        assert_eq!(normalize_method("patch"), "patch");
        assert_eq!(normalize_method("PATCH"), "PATCH");
    }

    #[test]
    fn safelisted_headers() {
        assert!(is_safelisted_request_header("accept", "é".as_bytes()));
        assert!(is_safelisted_request_header("accept", b"\xe9"));
        assert!(!is_safelisted_request_header("accept-language", b"\xe9"));
        assert!(is_safelisted_request_header(
            "content-type",
            b"Text/Plain;charset=utf-8"
        ));
        assert!(!is_safelisted_request_header(
            "content-type",
            b"application/json"
        ));
        assert!(!is_safelisted_request_header(
            "content-type",
            b"text/plain\"x"
        ));
        assert!(is_safelisted_request_header("range", b"bytes=0-"));
        assert!(is_safelisted_request_header("range", b"bytes=5-10"));
        assert!(!is_safelisted_request_header("range", b"bytes=10-5"));
        assert!(!is_safelisted_request_header("range", b"bytes=-5"));
        assert!(!is_safelisted_request_header("range", b"bytes=0-1,3-4"));
        assert!(!is_safelisted_request_header(
            "accept",
            "a".repeat(129).as_bytes()
        ));
        assert!(is_safelisted_request_header(
            "accept-language",
            b"en-US,en;q=0.9"
        ));
        assert!(!is_safelisted_request_header("accept-language", b"en_US"));
    }

    #[test]
    fn forbidden_headers() {
        assert!(is_forbidden_request_header("sec-fetch-site", "x"));
        assert!(is_forbidden_request_header("proxy-authorization", "x"));
        assert!(is_forbidden_request_header(
            "x-http-method-override",
            "get, trace"
        ));
        assert!(!is_forbidden_request_header(
            "x-http-method-override",
            "PATCH"
        ));
        assert!(!is_forbidden_request_header("x-custom", "1"));
    }
}
