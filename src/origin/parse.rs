//! Parsing configured origins and origin patterns, when the policy is built.
//!
//! A configured origin must be written exactly as browsers send it in the
//! `Origin` header: `scheme://host[:port]`, lowercase, without path,
//! userinfo or default port. A pattern may put `*.` before the host (one or
//! more whole labels, never the bare domain) and `*` as the port (any
//! explicit port).

/// The port part of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PortRule {
    /// No port: the scheme's default.
    Default,
    /// Any explicit port (`:*`).
    Any,
    /// This port, as written.
    Exact(Box<str>),
}

impl PortRule {
    pub(crate) fn matches(&self, port: Option<&str>) -> bool {
        match (self, port) {
            (PortRule::Default, None) => true,
            (PortRule::Any, Some(_)) => true,
            (PortRule::Exact(want), Some(got)) => **want == *got,
            _ => false,
        }
    }
}

/// A pattern: `scheme://*.base[:port]` or `scheme://host:*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) scheme: Box<str>,
    /// The domain under which subdomains match, or the exact host.
    pub(crate) host: Box<str>,
    pub(crate) subdomains: bool,
    pub(crate) port: PortRule,
}

/// A configured origin, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Configured {
    Exact,
    Pattern(Pattern),
}

/// The parts of a configured origin that the security checks look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parsed<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) host: &'a str,
    pub(crate) subdomains: bool,
}

impl Parsed<'_> {
    /// Loopback hosts, where plain `http://` is as safe as it gets:
    /// `localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`.
    pub(crate) fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self.host == "[::1]"
            || is_ipv4(self.host) && self.host.starts_with("127.")
    }
}

/// Parses a configured origin or pattern, or says why it is not one.
pub(crate) fn parse(value: &str) -> Result<(Configured, Parsed<'_>), &'static str> {
    if value == "null" {
        return Err("the opaque origin \"null\" is sent by sandboxed frames, file:// pages and redirects, so any site can produce it: opt in with allow_null_origin");
    }
    if !value.is_ascii() {
        return Err("an origin is ASCII: write internationalized hosts in punycode (xn--)");
    }
    let (scheme, rest) = value
        .split_once("://")
        .ok_or("expected scheme://host[:port]")?;
    validate_scheme(scheme)?;
    if scheme == "file" {
        return Err("browsers send \"null\" for file:// pages; some app shells send \"file://\": opt in with allow_file_origin");
    }
    if rest.contains(['/', '?', '#']) {
        return Err("an origin has no path, query or fragment (not even a trailing slash)");
    }
    if rest.contains('@') {
        return Err("an origin has no userinfo");
    }
    let (host, port) = split_host_port(rest).ok_or("malformed host or port")?;
    let (subdomains, host) = match host.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, host),
    };
    validate_host(host)?;
    if subdomains && (host.starts_with('[') || is_ipv4(host)) {
        return Err("a subdomain pattern needs a domain name, not an IP address");
    }
    let port = match port {
        None => PortRule::Default,
        Some("*") => PortRule::Any,
        Some(port) => {
            validate_port(scheme, port)?;
            PortRule::Exact(port.into())
        }
    };
    let parsed = Parsed {
        scheme,
        host,
        subdomains,
    };
    let configured = if subdomains || port == PortRule::Any {
        Configured::Pattern(Pattern {
            scheme: scheme.into(),
            host: host.into(),
            subdomains,
            port,
        })
    } else {
        Configured::Exact
    };
    Ok((configured, parsed))
}

fn validate_scheme(scheme: &str) -> Result<(), &'static str> {
    let mut bytes = scheme.bytes();
    if scheme.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("the scheme must be lowercase");
    }
    match bytes.next() {
        Some(b) if b.is_ascii_lowercase() => {}
        _ => return Err("the scheme must start with a letter"),
    }
    if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b)) {
        return Err("the scheme has an invalid character");
    }
    Ok(())
}

/// Splits `host[:port]`, where host may be a bracketed IPv6 address. Also
/// used per request, on the request's `Origin`.
pub(crate) fn split_host_port(rest: &str) -> Option<(&str, Option<&str>)> {
    if rest.starts_with('[') {
        let end = rest.find(']')?;
        let (host, after) = rest.split_at(end + 1);
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    Some(match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    })
}

fn validate_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("the host is empty");
    }
    if host.contains('*') {
        return Err("a wildcard may only stand for whole leading labels (`https://*.example.com`) or the port (`http://localhost:*`)");
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        if inner.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err("the host must be lowercase");
        }
        if inner.is_empty()
            || !inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err("invalid IPv6 address");
        }
        return Ok(());
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("the host must be lowercase");
    }
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    if !trimmed.split('.').all(is_label) {
        return Err("the host has an empty label or an invalid character");
    }
    Ok(())
}

/// A non-empty DNS label of lowercase letters, digits, `-` and `_`.
pub(crate) fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A port as browsers serialize it: decimal, no leading zero, in range, and
/// not the scheme's default (which they omit). Also used per request.
pub(crate) fn is_canonical_port(scheme: &str, port: &str) -> bool {
    validate_port(scheme, port).is_ok()
}

fn validate_port(scheme: &str, port: &str) -> Result<(), &'static str> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the port must be a decimal number or `*`");
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
    use super::*;

    #[test]
    fn accepts_serialized_origins_and_patterns() {
        for ok in [
            "https://example.com",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://xn--bcher-kva.example",
            "chrome-extension://abcdefghijklmnop",
            "https://example.com.",
            "https://*.example.com",
            "http://localhost:*",
            "https://*.example.com:*",
            "https://*.example.com:8443",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
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
            "file://",
            "example.com",
            "https://",
            "https://a..b",
            "https://bücher.example",
            "http://[::1",
            "https://*example.com",
            "https://a.*.example.com",
            "https://*",
            "https://*.",
            "http://*.127.0.0.1",
            "http://*.[::1]",
            "*://example.com",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback() {
        for (origin, loopback) in [
            ("http://localhost:3000", true),
            ("http://app.localhost", true),
            ("http://127.0.0.1:8080", true),
            ("http://127.1.2.3", true),
            ("http://[::1]:8080", true),
            ("http://example.com", false),
            ("http://127.0.0.1.example.com", false),
            ("http://localhost.example.com", false),
        ] {
            let (_, parsed) = parse(origin).unwrap();
            assert_eq!(parsed.is_loopback(), loopback, "{origin}");
        }
    }
}
