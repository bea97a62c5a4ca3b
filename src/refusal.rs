//! Why the layer refused a CORS request: a value for handlers, outer layers
//! and logs, displayed in bounded length.

use std::fmt;

use http::{HeaderName, Method};

use crate::settings::name;

/// The longest `Access-Control-Request-Headers` a preflight may send, all
/// field lines together. Browsers send the names a script set, lowercase
/// and comma-separated: a hundred long custom names fit.
pub(crate) const MAX_REQUEST_HEADERS_LEN: usize = 4096;
/// The most field lines `Access-Control-Request-Headers` may come in.
/// Browsers send one; empty lines have no length, and each costs a read.
pub(crate) const MAX_REQUEST_HEADERS_LINES: usize = 16;

/// Why the layer refused a CORS request.
///
/// With [`record_decisions`](crate::CorsBuilder::record_decisions) the
/// layer stores a `Refusal` in the extensions of every response to a
/// refused request (and, for an actual request whose origin a synchronous
/// rule refused, in the request's extensions before the handler runs); the
/// `tracing` feature reports each one as a `DEBUG` event; and
/// [debug mode](crate::CorsBuilder::debug) names it in an `x-cors-refusal`
/// response header. [`rule`](Refusal::rule) names the setting that decided.
///
/// - A refused preflight is answered by the layer itself, with the refusal
///   status (403 unless configured) and no CORS headers.
/// - An actual request from an origin that is not allowed still reaches the
///   inner service (unless the policy blocks such requests), and its
///   response carries no CORS headers.
///
/// Displayed, a value that the request chose (a method, a header name) is
/// cut after 64 bytes and escaped, so a hostile request cannot fill a log.
///
/// # Example
///
/// ```
/// use http::Response;
/// use tower_cors::Refusal;
///
/// fn log_refusal<B>(res: &Response<B>) {
///     if let Some(why) = res.extensions().get::<Refusal>() {
///         eprintln!("CORS refused: {why} (decided by {})", why.rule());
///     }
/// }
/// # log_refusal(&Response::new(()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The request's `Origin` is a well-formed origin that no rule of the
    /// policy allows: not listed, matched by no pattern, refused by every
    /// predicate.
    OriginNotAllowed,
    /// The request's `Origin` is `null` (sandboxed iframes, `file:` pages,
    /// some redirects), which is allowed only with
    /// [`allow_null_origin`](crate::CorsBuilder::allow_null_origin).
    NullOriginNotAllowed,
    /// The request's `Origin` is not an origin as browsers serialize it
    /// (`scheme://host[:port]`, lowercase, no path, no trailing slash); the
    /// text says what is wrong with it.
    MalformedOrigin(&'static str),
    /// The method named by `Access-Control-Request-Method` is not allowed.
    MethodNotAllowed(Method),
    /// `Access-Control-Request-Method` is missing or not a method token.
    InvalidRequestMethod,
    /// A header named by `Access-Control-Request-Headers` is not allowed.
    HeaderNotAllowed(HeaderName),
    /// `Access-Control-Request-Headers` is not a comma-separated list of
    /// header names.
    InvalidRequestHeaders,
    /// `Access-Control-Request-Headers` is longer than 4096 bytes, all field
    /// lines together, or comes in more than 16 field lines: no browser
    /// sends that many names or lines, and the layer does not read them.
    RequestHeadersTooLong,
    /// The preflight asked for private network access
    /// (`Access-Control-Request-Private-Network: true`) and the policy did
    /// not opt in with
    /// [`allow_private_network`](crate::CorsBuilder::allow_private_network).
    /// The layer answers the preflight as it would without the question
    /// (no `Access-Control-Allow-Private-Network`), so a browser that
    /// enforces Private Network Access blocks the request.
    PrivateNetworkNotAllowed,
    /// A state-changing cross-origin request (its method) from an origin
    /// the policy does not allow, or a cross-site one without `Origin`:
    /// refused by [`cross_origin_protection`](crate::CorsBuilder::cross_origin_protection).
    CrossOriginRequest(Method),
    /// A cross-origin WebSocket upgrade from an origin the policy does not
    /// allow: refused by [`cross_origin_protection`](crate::CorsBuilder::cross_origin_protection).
    CrossOriginWebSocket,
}

impl Refusal {
    /// The setting of the policy, or the rule of the protocol, that decided:
    /// the name of the builder method to look at, or the request header
    /// whose syntax was wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use http::Method;
    /// use tower_cors::Refusal;
    ///
    /// let why = Refusal::MethodNotAllowed(Method::DELETE);
    /// assert_eq!(why.rule(), "allow_methods");
    /// assert_eq!(why.to_string(), "method DELETE not allowed");
    /// ```
    pub fn rule(&self) -> &'static str {
        match self {
            Refusal::OriginNotAllowed => name::ALLOW_ORIGINS,
            Refusal::NullOriginNotAllowed => name::ALLOW_NULL_ORIGIN,
            Refusal::MalformedOrigin(_) => "Origin syntax",
            Refusal::MethodNotAllowed(_) => name::ALLOW_METHODS,
            Refusal::InvalidRequestMethod => "Access-Control-Request-Method syntax",
            Refusal::HeaderNotAllowed(_) => name::ALLOW_HEADERS,
            Refusal::InvalidRequestHeaders => "Access-Control-Request-Headers syntax",
            Refusal::RequestHeadersTooLong => "Access-Control-Request-Headers length",
            Refusal::PrivateNetworkNotAllowed => name::ALLOW_PRIVATE_NETWORK,
            Refusal::CrossOriginRequest(_) | Refusal::CrossOriginWebSocket => {
                name::CROSS_ORIGIN_PROTECTION
            }
        }
    }

    /// A short, stable name of the reason, in snake case: the `reason`
    /// label of the `metrics` feature's counters, one per variant
    /// (`"origin_not_allowed"`, `"method_not_allowed"`, ...), never a
    /// request's bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use http::Method;
    /// use tower_cors::Refusal;
    ///
    /// assert_eq!(Refusal::OriginNotAllowed.code(), "origin_not_allowed");
    /// assert_eq!(Refusal::MethodNotAllowed(Method::PUT).code(), "method_not_allowed");
    /// ```
    pub fn code(&self) -> &'static str {
        CODES.get(self.code_index()).copied().unwrap_or_default()
    }

    /// The place of [`code`](Self::code) in [`CODES`].
    pub(crate) fn code_index(&self) -> usize {
        match self {
            Refusal::OriginNotAllowed => 0,
            Refusal::NullOriginNotAllowed => 1,
            Refusal::MalformedOrigin(_) => 2,
            Refusal::MethodNotAllowed(_) => 3,
            Refusal::InvalidRequestMethod => 4,
            Refusal::HeaderNotAllowed(_) => HEADER_NOT_ALLOWED,
            Refusal::InvalidRequestHeaders => 6,
            Refusal::RequestHeadersTooLong => 7,
            Refusal::PrivateNetworkNotAllowed => 8,
            Refusal::CrossOriginRequest(_) => 9,
            Refusal::CrossOriginWebSocket => 10,
        }
    }
}

/// Every [`Refusal::code`], in the order of the variants.
pub(crate) const CODES: [&str; 11] = [
    "origin_not_allowed",
    "null_origin_not_allowed",
    "malformed_origin",
    "method_not_allowed",
    "invalid_request_method",
    "header_not_allowed",
    "invalid_request_headers",
    "request_headers_too_long",
    "private_network_not_allowed",
    "cross_origin_request",
    "cross_origin_websocket",
];

/// The code index of [`Refusal::HeaderNotAllowed`], also told before the
/// header's name is copied into one.
pub(crate) const HEADER_NOT_ALLOWED: usize = 5;

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OriginNotAllowed => f.write_str("origin not allowed"),
            Refusal::NullOriginNotAllowed => f.write_str("origin null not allowed"),
            Refusal::MalformedOrigin(why) => write!(f, "malformed Origin: {why}"),
            Refusal::MethodNotAllowed(method) => {
                write!(f, "method {} not allowed", Bounded(method.as_str().as_bytes()))
            }
            Refusal::InvalidRequestMethod => f.write_str("invalid Access-Control-Request-Method"),
            Refusal::HeaderNotAllowed(name) if *name == http::header::AUTHORIZATION => f
                .write_str(
                    "request header authorization not allowed (a wildcard never covers it: list it by name)",
                ),
            Refusal::HeaderNotAllowed(name) => write!(
                f,
                "request header {} not allowed",
                Bounded(name.as_str().as_bytes())
            ),
            Refusal::InvalidRequestHeaders => f.write_str("invalid Access-Control-Request-Headers"),
            Refusal::RequestHeadersTooLong => write!(
                f,
                "Access-Control-Request-Headers longer than {MAX_REQUEST_HEADERS_LEN} bytes \
                 or {MAX_REQUEST_HEADERS_LINES} lines"
            ),
            Refusal::PrivateNetworkNotAllowed => f.write_str("private network access not allowed"),
            Refusal::CrossOriginRequest(method) => write!(
                f,
                "cross-origin {} from an origin not allowed",
                Bounded(method.as_str().as_bytes())
            ),
            Refusal::CrossOriginWebSocket => {
                f.write_str("cross-origin WebSocket upgrade from an origin not allowed")
            }
        }
    }
}

/// Bytes a request chose, displayed in bounded length: visible ASCII as it
/// is, every other byte as `\xNN`, and at most [`Bounded::LIMIT`] bytes
/// followed by how many there were in all.
pub(crate) struct Bounded<'a>(pub(crate) &'a [u8]);

impl Bounded<'_> {
    pub(crate) const LIMIT: usize = 64;
}

impl fmt::Display for Bounded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &byte in self.0.iter().take(Self::LIMIT) {
            if byte.is_ascii_graphic() || byte == b' ' {
                fmt::Write::write_char(f, char::from(byte))?;
            } else {
                write!(f, "\\x{byte:02x}")?;
            }
        }
        if self.0.len() > Self::LIMIT {
            write!(f, "... ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_and_binary_values_are_bounded_and_escaped() {
        let long = vec![b'A'; 1 << 20];
        let shown = Bounded(&long).to_string();
        assert_eq!(shown, format!("{}... (1048576 bytes)", "A".repeat(64)));
        assert_eq!(Bounded(b"a\tb\xff").to_string(), "a\\x09b\\xff");
    }

    /// At most `LIMIT` bytes are shown, then how many there were: a value
    /// of exactly `LIMIT` bytes is shown whole, without a count.
    #[test]
    fn a_value_of_the_limit_is_shown_whole() {
        let at_limit = vec![b'A'; Bounded::LIMIT];
        assert_eq!(Bounded(&at_limit).to_string(), "A".repeat(Bounded::LIMIT));
        let over = vec![b'A'; Bounded::LIMIT + 1];
        assert_eq!(
            Bounded(&over).to_string(),
            format!("{}... (65 bytes)", "A".repeat(Bounded::LIMIT))
        );
    }

    #[test]
    fn a_huge_method_makes_a_short_line() {
        let method = Method::from_bytes(&vec![b'X'; 1 << 20]).unwrap();
        let line = Refusal::MethodNotAllowed(method).to_string();
        assert!(line.len() < 120, "{line}");
        assert!(line.ends_with("(1048576 bytes) not allowed"), "{line}");
    }
}
