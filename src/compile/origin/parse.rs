//! Parsing configured origins and origin patterns, when the policy is built.
//!
//! A configured origin must be written exactly as browsers send it in the
//! `Origin` header: `scheme://host[:port]`, lowercase, without path,
//! userinfo or default port. A pattern may put `*.` before the host (one or
//! more whole labels, never the bare domain), one `*` inside a label of the
//! host beside a fixed prefix or suffix (`pr-*.preview.example.com`: one or
//! more characters of that label only), and `*` as the port (any explicit
//! port).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::Ipv6Addr;

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

/// A configured origin or pattern, parsed: `scheme://[*.]host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfiguredOrigin {
    pub(crate) scheme: Box<str>,
    /// The exact host, or the domain under which subdomains match.
    pub(crate) host: Box<str>,
    /// `*.` before the host: one or more whole labels, never the bare host.
    pub(crate) subdomains: bool,
    /// A `*` inside one label of the host; then `host` is the fixed domain
    /// after that label.
    pub(crate) in_label: Option<InLabel>,
    pub(crate) port: PortRule,
}

/// A wildcard inside one label (`pr-*.preview.example.com`), split at its
/// `*` when the policy is built, so that matching a host is two
/// comparisons and one scan of the bytes between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InLabel {
    /// Everything before the `*`: the fixed labels before the wildcard
    /// label, with their dots, and the label's fixed prefix (`pr-`).
    pub(crate) head: Box<str>,
    /// Everything after the `*`: the label's fixed suffix, the dot and the
    /// fixed domain (`.preview.example.com`).
    pub(crate) tail: Box<str>,
    /// Where the wildcard label starts: after the last dot of `head`.
    pub(crate) label_start: usize,
}

impl InLabel {
    /// Whether `host` is this pattern with one or more label bytes (never a
    /// dot) in place of the `*`, and the label they complete is no Punycode
    /// label: the pattern speaks of the label as written, and an `xn--`
    /// label is the ASCII form of another, internationalized one (`*-kva`
    /// would otherwise match `xn--bcher-kva`, which is `bücher`).
    pub(crate) fn matches(&self, host: &[u8]) -> bool {
        let (head, tail) = (self.head.as_bytes(), self.tail.as_bytes());
        let Some(middle) = host
            .strip_prefix(head)
            .and_then(|rest| rest.strip_suffix(tail))
        else {
            return false;
        };
        let label = host.get(self.label_start..).unwrap_or_default();
        !middle.is_empty()
            && middle.iter().all(|&b| is_label_byte(b))
            && !label.starts_with(b"xn--")
    }
}

impl ConfiguredOrigin {
    /// Whether it matches exactly one origin, so that it can be compared
    /// byte for byte with the request's `Origin`.
    pub(crate) fn is_exact(&self) -> bool {
        !self.subdomains && self.in_label.is_none() && self.port != PortRule::Any
    }

    /// Loopback hosts, where plain `http://` is as safe as it gets and whose
    /// names belong to the user's own machine: `localhost`, `*.localhost`
    /// (with or without the trailing dot), `127.0.0.0/8`, `[::1]` and the
    /// IPv4-mapped `[::ffff:7f00:1]`.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host.strip_suffix('.').unwrap_or(&self.host);
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            return inner.parse::<Ipv6Addr>().is_ok_and(|address| {
                address.is_loopback()
                    || address
                        .to_ipv4_mapped()
                        .is_some_and(|mapped| mapped.is_loopback())
            });
        }
        is_canonical_ipv4(host) && host.starts_with("127.")
    }
}

/// Parses a configured origin or pattern, or says why browsers would never
/// send it.
pub(crate) fn parse(value: &str) -> Result<ConfiguredOrigin, &'static str> {
    let read = read(value)?;
    Ok(ConfiguredOrigin {
        scheme: read.scheme.into(),
        host: read.host.into(),
        subdomains: read.subdomains,
        in_label: read.in_label,
        port: match read.port {
            None => PortRule::Default,
            Some("*") => PortRule::Any,
            Some(port) => PortRule::Exact(port.into()),
        },
    })
}

/// Why `value` is no origin or pattern browsers would send, if it is not;
/// without allocating.
pub(crate) fn check(value: &str) -> Result<(), &'static str> {
    read(value).map(drop)
}

/// The parts of a configured origin or pattern, borrowed from it, once
/// checked.
struct Read<'a> {
    scheme: &'a str,
    host: &'a str,
    subdomains: bool,
    in_label: Option<InLabel>,
    /// As written after the colon, `*` included.
    port: Option<&'a str>,
}

fn read(value: &str) -> Result<Read<'_>, &'static str> {
    if !value.is_ascii() {
        return Err("an origin is ASCII: write internationalized hosts in punycode (xn--)");
    }
    let (scheme, rest) = value
        .split_once("://")
        .ok_or("expected scheme://host[:port]")?;
    validate_scheme(scheme)?;
    if scheme == "file" {
        return Err("browsers send \"null\" for file: pages, and some app shells send exactly \"file://\" (allowed with allow_file_origin): a file origin has no host or path");
    }
    if rest.contains(['/', '?', '#']) {
        return Err("an origin has no path, query or fragment (not even a trailing slash)");
    }
    if rest.contains('@') {
        return Err("an origin has no userinfo");
    }
    let (host, port) = split_host_port(rest).ok_or("malformed host or port")?;
    if host.bytes().filter(|&b| b == b'*').count() > 1 {
        return Err(
            "a host has at most one `*`: `https://*.example.com` or `https://pr-*.example.com`",
        );
    }
    let (subdomains, host) = match host.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, host),
    };
    // A `*` inside a label (after `*.`, the host has none left): the host
    // is checked with a letter in its place, and what follows is the fixed
    // domain after the wildcard label.
    let (in_label, checked, host) = match host.find('*') {
        Some(star) => {
            let (in_label, base) = split_in_label(host, star)?;
            let checked = format!("{}a{}", in_label.head, in_label.tail);
            (Some(in_label), Cow::Owned(checked), base)
        }
        // Checked as it is, without a copy: a request's refused `Origin`
        // is read by this too.
        None => (None, Cow::Borrowed(host), host),
    };
    validate_host(&checked)?;
    let wildcard = subdomains || in_label.is_some();
    if wildcard && (host.starts_with('[') || ends_in_number(host)) {
        return Err("a subdomain pattern needs a domain name, not an IP address");
    }
    if is_special(scheme) {
        validate_ip_host(host)?;
        validate_punycode(&checked)?;
    }
    if let Some(port) = port.filter(|port| *port != "*") {
        validate_port(scheme, port)?;
    }
    Ok(Read {
        scheme,
        host,
        subdomains,
        in_label,
        port,
    })
}

/// Splits a host with one `*` (at `star`) inside a label into the pattern
/// and the fixed domain after the wildcard label, or says why it is no
/// pattern.
fn split_in_label(host: &str, star: usize) -> Result<(InLabel, &str), &'static str> {
    if host.starts_with('[') {
        return Err("a wildcard pattern needs a domain name, not an IP address");
    }
    let (head, tail) = (
        host.get(..star).unwrap_or_default(),
        host.get(star + 1..).unwrap_or_default(),
    );
    let label_start = head.rfind('.').map_or(0, |dot| dot + 1);
    let label_prefix = head.get(label_start..).unwrap_or_default();
    let Some((label_suffix, base)) = tail.split_once('.') else {
        return Err("a `*` cannot stand in the last label (the top-level domain): a pattern needs a fixed domain after its wildcard label (`https://pr-*.example.com`)");
    };
    // (`..` and other empty labels are refused with the host.)
    if base.is_empty() {
        return Err(
            "a pattern needs a fixed domain after its wildcard label (`https://pr-*.example.com`)",
        );
    }
    if label_prefix.is_empty() && label_suffix.is_empty() {
        return Err("a whole-label wildcard `*` may only lead the host (`https://*.example.com`); inside a label it needs a fixed prefix or suffix (`https://pr-*.example.com`)");
    }
    if label_prefix.starts_with("xn--") {
        return Err("a `*` cannot stand inside a Punycode (`xn--`) label: its characters encode another, internationalized label");
    }
    let in_label = InLabel {
        head: head.into(),
        tail: tail.into(),
        label_start,
    };
    Ok((in_label, base))
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

/// Splits `host[:port]`, where host may be a bracketed IPv6 address.
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
        return Err("a wildcard may only stand for whole leading labels (`https://*.example.com`), for part of a label (`https://pr-*.example.com`) or for the port (`http://localhost:*`)");
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
    !label.is_empty() && label.bytes().all(is_label_byte)
}

pub(crate) fn is_label_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
}

/// Whether `labels` is one or more labels joined by dots: every byte a
/// label byte or a dot, and no label empty. One pass over the bytes.
pub(crate) fn are_labels(labels: &[u8]) -> bool {
    let mut after_dot = true;
    for &b in labels {
        if b == b'.' {
            if after_dot {
                return false;
            }
            after_dot = true;
        } else if is_label_byte(b) {
            after_dot = false;
        } else {
            return false;
        }
    }
    !after_dot
}

/// The schemes whose hosts browsers parse as domains or IP addresses (the
/// URL Standard's special schemes but `file`); other schemes keep their host
/// as written.
fn is_special(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "ws" | "wss" | "ftp")
}

/// Refuses IP addresses that browsers would serialize otherwise, since the
/// `Origin` header would never carry them as written: a host ending in a
/// number is an IPv4 address (`127.1`, `0x7f.0.0.1`, `127.000.000.001` are all
/// sent as `127.0.0.1`), and an IPv6 address is sent in its shortest form.
fn validate_ip_host(host: &str) -> Result<(), &'static str> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let address: Ipv6Addr = inner.parse().map_err(|_| "invalid IPv6 address")?;
        if serialize_ipv6(address) != inner {
            return Err("browsers send an IPv6 address in its shortest form, without leading zeros and with the longest run of zero groups as `::` (`[::1]`, `[2001:db8::1]`)");
        }
        return Ok(());
    }
    if ends_in_number(host) && !is_canonical_ipv4(host) {
        return Err("a host that ends in a number is an IPv4 address, which browsers send as four decimal numbers without leading zeros (`127.0.0.1`)");
    }
    Ok(())
}

/// Refuses a host with an `xn--` label that is not Punycode of an
/// internationalized label: browsers cannot parse such a host (UTS #46
/// fails on it), so it is never in an `Origin`.
fn validate_punycode(host: &str) -> Result<(), &'static str> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let invalid = host
        .split('.')
        .filter_map(|label| label.strip_prefix("xn--"))
        .any(|encoded| !super::punycode::is_valid(encoded));
    if invalid {
        return Err("a label that starts with `xn--` must be the Punycode of an internationalized label: browsers cannot parse this host");
    }
    Ok(())
}

/// Whether browsers would parse `host` as an IPv4 address: its last label
/// (before an optional trailing dot) is a decimal or `0x` hexadecimal number.
fn ends_in_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or(host);
    if let Some(hex) = last.strip_prefix("0x") {
        return hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
}

/// Four decimal numbers from 0 to 255, without leading zeros.
fn is_canonical_ipv4(host: &str) -> bool {
    let mut parts = 0;
    let canonical = host.split('.').all(|part| {
        parts += 1;
        !(part.len() > 1 && part.starts_with('0')) && part.parse::<u8>().is_ok()
    });
    canonical && parts == 4
}

/// An IPv6 address as the URL Standard serializes it: lowercase hexadecimal
/// groups without leading zeros, the first longest run of two or more zero
/// groups written `::`.
fn serialize_ipv6(address: Ipv6Addr) -> String {
    let groups = address.segments();
    // The first longest run of zero groups, as (start, length).
    let mut zeros = (0, 0);
    let mut run = (0, 0);
    for (index, &group) in groups.iter().enumerate() {
        if group != 0 {
            run.1 = 0;
            continue;
        }
        if run.1 == 0 {
            run.0 = index;
        }
        run.1 += 1;
        if run.1 > zeros.1 {
            zeros = run;
        }
    }
    let compressed = zeros.0..zeros.0 + zeros.1;
    let mut out = String::new();
    for (index, group) in groups.iter().enumerate() {
        if zeros.1 >= 2 && compressed.contains(&index) {
            if index == zeros.0 {
                out.push_str(if index == 0 { "::" } else { ":" });
            }
            continue;
        }
        let _ = write!(out, "{group:x}");
        if index + 1 < groups.len() {
            out.push(':');
        }
    }
    out
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
    if number == 0 {
        return Err(
            "port 0 cannot be connected to: browsers block it, so no page is served from it",
        );
    }
    // The URL Standard's default ports, which browsers drop from origins.
    let default = match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
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
            "http://10.0.0.255",
            "http://0.0.0.0",
            "http://[2001:db8::1:0:0:1]",
            "http://[1::]",
            "http://[::]",
            "http://[::ffff:7f00:1]",
            "https://1x.example.com",
            "https://example.0x1g",
            "chrome-extension://127.1",
            "ftp://example.com:2121",
            "https://xn--mnchen-3ya.example",
            "https://*.xn--p1ai",
            "chrome-extension://xn--f",
            "https://*example.com",
            "https://pr-*.preview.example.com",
            "https://*-myteam.vercel.app",
            "https://a-*-b.example.com",
            "https://api.pr-*.example.com",
            "https://pr-*.example.com:*",
            "https://pr-*.example.com:8443",
            "https://pr-*.example.com.",
            "http://dev-*.localhost",
            "https://xn-*.example.com",
            "https://pr-*.xn--bcher-kva.example",
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
            "https://a.*.example.com",
            "https://*.pr-*.example.com",
            "https://pr-**.example.com",
            "https://pr-*.*.example.com",
            "https://pr-*",
            "https://example.c*",
            "https://a.example.c*m",
            "https://pr-*.",
            "https://pr-*..com",
            "https://xn--*.example.com",
            "https://xn--a*.example.com",
            "https://PR-*.example.com",
            "https://pr-*.Example.com",
            "https://pr_*.example.com:44*",
            "http://1*.0.0.1",
            "chrome-extension://1*.0.0.1",
            "https://api.xn--*.example.com",
            "https://pr-*..",
            "http://[::*]",
            "http://[::*]:8080",
            "http*://example.com",
            "https://*",
            "https://*.",
            "http://*.127.0.0.1",
            "http://*.0.1",
            "http://*.example.0x1",
            "http://127.000.000.001",
            "http://127.1",
            "http://0x7f.0.0.1",
            "http://0x7f.1",
            "http://256.0.0.1",
            "http://127.0.0.1.",
            "http://1.2.3.4.5",
            "http://[0:0:0:0:0:0:0:1]",
            "http://[::0001]",
            "http://[2001:db8:0:0:1:0:0:1]",
            "http://[::ffff:127.0.0.1]",
            "http://[::1::]",
            "http://example.com:0",
            "ftp://example.com:21",
            "http://*.[::1]",
            "*://example.com",
            "http://xn--f",
            "https://xn--f.example.com",
            "https://*.xn--abc-.example",
            "https://xn--.example",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback() {
        for (origin, loopback) in [
            ("http://localhost:3000", true),
            ("http://localhost.:3000", true),
            ("http://app.localhost", true),
            ("http://*.localhost", true),
            ("http://*.localhost.", true),
            ("http://127.0.0.1:8080", true),
            ("http://127.1.2.3", true),
            ("http://[::1]:8080", true),
            ("http://[::ffff:7f00:1]:8080", true),
            ("http://[::ffff:7f01:203]", true),
            ("http://example.com", false),
            ("http://localhost.example.com", false),
            ("http://localhost..", false),
            ("http://[::ffff:a00:1]", false),
            ("http://[::2]", false),
        ] {
            let loopback_seen = parse(origin).map(|o| o.is_loopback());
            assert_eq!(loopback_seen.unwrap_or(false), loopback, "{origin}");
        }
    }

    #[test]
    fn labels() {
        for ok in ["a", "a.b", "a-b.c_d.0"] {
            assert!(are_labels(ok.as_bytes()), "{ok}");
        }
        for bad in ["", ".", "a.", ".a", "a..b", "A.b", "a b", "a/b"] {
            assert!(!are_labels(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn a_wildcard_inside_a_label_stands_for_one_or_more_label_bytes() {
        let matches = |pattern: &str, host: &str| {
            let origin = parse(pattern).unwrap();
            origin.in_label.unwrap().matches(host.as_bytes())
        };
        let pr = "https://pr-*.preview.example.com";
        assert!(matches(pr, "pr-1.preview.example.com"));
        assert!(matches(pr, "pr-feature_x.preview.example.com"));
        // Never empty, never a dot, never another byte.
        assert!(!matches(pr, "pr-.preview.example.com"));
        assert!(!matches(pr, "pr-1.evil.preview.example.com"));
        assert!(!matches(pr, "pr-a:b.preview.example.com"));
        assert!(!matches(pr, "pr-A.preview.example.com"));
        assert!(!matches(pr, "xpr-1.preview.example.com"));
        assert!(!matches(pr, "pr-1.preview.example.com.evil"));
        assert!(!matches(pr, "pr-1.preview.example.co"));
        let team = "https://*-myteam.vercel.app";
        assert!(matches(team, "app-myteam.vercel.app"));
        assert!(!matches(team, "-myteam.vercel.app"));
        assert!(!matches(team, "a.b-myteam.vercel.app"));
        // A Punycode label is another label's ASCII form: not matched.
        assert!(!matches("https://*-kva.example", "xn--bcher-kva.example"));
        assert!(!matches("https://x*.example", "xn--bcher-kva.example"));
        assert!(matches("https://x*.example", "xn-a.example"));
        assert!(matches("https://x*.example", "xa.example"));
        // Fixed labels before the wildcard label.
        let api = "https://api.pr-*.example.com";
        assert!(matches(api, "api.pr-7.example.com"));
        assert!(!matches(api, "pr-7.example.com"));
        assert!(!matches(api, "xapi.pr-7.example.com"));
        assert!(!matches(api, "api.xn--7.example.com"));
        let origin = parse(api).unwrap();
        assert_eq!(&*origin.host, "example.com");
        assert!(!origin.is_exact());
        assert!(parse("http://dev-*.localhost").unwrap().is_loopback());
    }

    #[test]
    fn exact_or_pattern() {
        assert!(parse("https://a.example").unwrap().is_exact());
        assert!(parse("https://a.example:8443").unwrap().is_exact());
        assert!(!parse("https://*.a.example").unwrap().is_exact());
        assert!(!parse("http://localhost:*").unwrap().is_exact());
    }
}
