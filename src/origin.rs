//! Origin validation (when the policy is built) and origin matching (per request).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

/// A synchronous predicate that decides whether an origin is allowed, given
/// the request's `Origin` value and the rest of the request head.
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &Parts) -> bool + Send + Sync>;

/// The compiled set of allowed origins.
///
/// Exact origins live in a hash set, so a lookup costs the same whatever
/// their number.
#[derive(Clone, Default)]
pub(crate) struct OriginMatcher {
    any: bool,
    exact: HashSet<Box<[u8]>>,
    predicates: Vec<OriginPredicate>,
}

impl OriginMatcher {
    pub(crate) fn new(any: bool, exact: &[String], predicates: Vec<OriginPredicate>) -> Self {
        OriginMatcher {
            any,
            exact: exact
                .iter()
                .map(|o| o.as_bytes().to_vec().into_boxed_slice())
                .collect(),
            predicates,
        }
    }

    /// True when every origin is allowed, so that the answer does not
    /// depend on the request's origin.
    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// True when no origin at all can be allowed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.any && self.exact.is_empty() && self.predicates.is_empty()
    }

    /// Whether `origin` is allowed for the request whose head is `parts`.
    pub(crate) fn allows(&self, origin: &HeaderValue, parts: &Parts) -> bool {
        self.any
            || self.exact.contains(origin.as_bytes())
            || self.predicates.iter().any(|p| p(origin, parts))
    }
}

impl fmt::Debug for OriginMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginMatcher")
            .field("any", &self.any)
            .field("exact", &self.exact.len())
            .field("predicates", &self.predicates.len())
            .finish()
    }
}

/// Checks that `value` is a serialized origin exactly as a browser sends it in
/// the `Origin` header: `scheme://host[:port]`, lowercase, without path,
/// userinfo or default port. Returns why it is not.
pub(crate) fn validate(value: &str) -> Result<(), &'static str> {
    if value == "null" {
        return Err("the opaque origin \"null\" is sent by sandboxed frames, file:// pages and redirects; any site can produce it");
    }
    if !value.is_ascii() {
        return Err("an origin is ASCII: write internationalized hosts in punycode (xn--)");
    }
    let (scheme, rest) = value
        .split_once("://")
        .ok_or("expected scheme://host[:port]")?;
    validate_scheme(scheme)?;
    if rest.contains(['/', '?', '#']) {
        return Err("an origin has no path, query or fragment (not even a trailing slash)");
    }
    if rest.contains('@') {
        return Err("an origin has no userinfo");
    }
    let (host, port) = split_host_port(rest)?;
    validate_host(host)?;
    if let Some(port) = port {
        validate_port(scheme, port)?;
    }
    Ok(())
}

fn validate_scheme(scheme: &str) -> Result<(), &'static str> {
    let mut bytes = scheme.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_lowercase() => {}
        Some(b) if b.is_ascii_uppercase() => return Err("the scheme must be lowercase"),
        _ => return Err("the scheme must start with a letter"),
    }
    if scheme.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("the scheme must be lowercase");
    }
    if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b)) {
        return Err("the scheme has an invalid character");
    }
    if scheme == "file" {
        return Err("file:// pages send the opaque origin \"null\", never a file:// origin");
    }
    Ok(())
}

fn split_host_port(rest: &str) -> Result<(&str, Option<&str>), &'static str> {
    if rest.starts_with('[') {
        let end = rest.find(']').ok_or("unterminated IPv6 address")?;
        let (host, after) = rest.split_at(end + 1);
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if after.is_empty() => Ok((host, None)),
            None => Err("unexpected characters after the IPv6 address"),
        };
    }
    Ok(match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    })
}

fn validate_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("the host is empty");
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        if inner.is_empty()
            || !inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err("invalid IPv6 address");
        }
        if inner.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err("the host must be lowercase");
        }
        return Ok(());
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("the host must be lowercase");
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
    {
        return Err("the host has an invalid character");
    }
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    if trimmed.split('.').any(str::is_empty) {
        return Err("the host has an empty label");
    }
    Ok(())
}

fn validate_port(scheme: &str, port: &str) -> Result<(), &'static str> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the port must be a decimal number");
    }
    if port.len() > 1 && port.starts_with('0') {
        return Err("the port has a leading zero, which browsers never send");
    }
    let number: u32 = port.parse().map_err(|_| "the port is out of range")?;
    if number > 65535 {
        return Err("the port is out of range");
    }
    let default = match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    };
    if default == Some(number) {
        return Err("the default port must be omitted: browsers never send it");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_serialized_origins() {
        for ok in [
            "https://example.com",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://xn--bcher-kva.example",
            "chrome-extension://abcdefghijklmnop",
            "https://example.com.",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_what_browsers_never_send() {
        for bad in [
            "null",
            "https://example.com/",
            "https://example.com/path",
            "HTTPS://example.com",
            "https://Example.com",
            "https://example.com:443",
            "http://example.com:80",
            "https://example.com:0443",
            "https://example.com:99999",
            "https://user@example.com",
            "file:///etc/passwd",
            "example.com",
            "https://",
            "https://a..b",
            "https://bücher.example",
            "http://[::1",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }
}
