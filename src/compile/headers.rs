//! Header names: the request headers a policy allows and the response
//! headers it exposes, checked and compiled once, and the check of a
//! preflight's `Access-Control-Request-Headers`.

use std::collections::HashSet;

use bytes::BytesMut;
use http::header::{GetAll, HeaderName, HeaderValue};

use crate::compile::intern;
use crate::error::{ConfigError, HeaderList};
use crate::refusal::{Refusal, MAX_REQUEST_HEADERS_LEN};

/// `true`, as `Access-Control-Allow-Credentials` and
/// `Access-Control-Allow-Private-Network` say it.
pub(crate) const TRUE: HeaderValue = HeaderValue::from_static("true");
/// Not in `http`'s list of names: Private Network Access.
pub(crate) const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");
pub(crate) const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

/// The request headers a preflight may ask for, compiled.
#[derive(Debug, Default)]
pub(crate) struct AllowedHeaders {
    /// `*`: any name but `Authorization`, which must be listed.
    any: bool,
    /// Answer with the requested names instead of `*`, which browsers do
    /// not accept on credentialed requests.
    echo: bool,
    /// Listed names, lowercase.
    names: NameSet,
    /// `Access-Control-Allow-Headers`, when it does not depend on the request.
    value: Option<HeaderValue>,
}

/// Checks the configured request-header names, reporting each problem to
/// `errors`, and compiles the valid ones. `"*"` allows any name but
/// `Authorization`; with credentials the answer then names the requested
/// headers.
pub(crate) fn compile_allowed(
    names: &[String],
    credentials: bool,
    errors: &mut Vec<ConfigError>,
) -> AllowedHeaders {
    let mut allowed = AllowedHeaders::default();
    let mut shown = Vec::new();
    for name in valid_names(names, HeaderList::Allowed, errors) {
        match name {
            None => allowed.any = true,
            Some((name, value)) => {
                if allowed.names.insert(name.as_str().as_bytes()) {
                    shown.push(value);
                }
            }
        }
    }
    allowed.names.index();
    allowed.echo = allowed.any && credentials;
    if allowed.any && !allowed.echo {
        shown.insert(0, "*");
    }
    if !allowed.echo {
        allowed.value = joined(&shown);
    }
    allowed
}

/// Checks the configured exposed-header names, reporting each problem to
/// `errors`, and returns `Access-Control-Expose-Headers`. `"*"` exposes
/// every header, which browsers honour only without credentials.
pub(crate) fn compile_exposed(
    names: &[String],
    credentials: bool,
    errors: &mut Vec<ConfigError>,
) -> Option<HeaderValue> {
    let mut any = false;
    let mut seen = HashSet::new();
    let mut shown = Vec::new();
    for name in valid_names(names, HeaderList::Exposed, errors) {
        match name {
            None => any = true,
            Some((name, value)) => {
                if seen.insert(name) {
                    shown.push(value);
                }
            }
        }
    }
    if any {
        if credentials {
            errors.push(ConfigError::ExposeAnyHeaderWithCredentials);
        }
        shown.insert(0, "*");
    }
    joined(&shown)
}

/// The configured names that are valid in `list`, each with its spelling
/// as given (`None` for `"*"`); every other one is reported to `errors`.
fn valid_names<'n>(
    names: &'n [String],
    list: HeaderList,
    errors: &mut Vec<ConfigError>,
) -> Vec<Option<(HeaderName, &'n str)>> {
    names
        .iter()
        .filter_map(|value| {
            if value == "*" {
                return Some(None);
            }
            let Ok(name) = HeaderName::from_bytes(value.as_bytes()) else {
                errors.push(ConfigError::InvalidHeaderName {
                    value: value.clone(),
                    list,
                });
                return None;
            };
            if is_forbidden_in(list, name.as_str()) {
                errors.push(ConfigError::ForbiddenHeaderName {
                    value: value.clone(),
                    list,
                });
                return None;
            }
            Some(Some((name, value.as_str())))
        })
        .collect()
}

impl AllowedHeaders {
    /// Whether the answer names the requested headers (any header, with
    /// credentials).
    pub(crate) fn echoes(&self) -> bool {
        self.echo
    }

    /// `Access-Control-Allow-Headers` when it is the same for every
    /// preflight; `None` when there is nothing to list or the policy echoes
    /// the requested names.
    pub(crate) fn fixed_value(&self) -> Option<&HeaderValue> {
        self.value.as_ref()
    }

    /// Checks every name in every `Access-Control-Request-Headers` field
    /// line. Returns the requested list when the policy echoes it in
    /// `Access-Control-Allow-Headers` (`None` when nothing was requested).
    ///
    /// Names compare case-insensitively; empty elements and optional
    /// whitespace are skipped. A list longer than
    /// [`MAX_REQUEST_HEADERS_LEN`] bytes in all is refused before it is
    /// read, so the cost is bounded whatever a client sends.
    pub(crate) fn check(
        &self,
        requested: GetAll<'_, HeaderValue>,
    ) -> Result<Option<HeaderValue>, Refusal> {
        let any_name = self.scan(&requested).map_err(|why| why.refusal())?;
        if !(self.echo && any_name) {
            return Ok(None);
        }
        Ok(Some(echoed(requested)))
    }

    /// Checks every requested header name, without allocating: whether
    /// any name was requested, or the first reason to refuse.
    pub(crate) fn scan<'r>(
        &self,
        requested: &GetAll<'r, HeaderValue>,
    ) -> Result<bool, Unallowed<'r>> {
        let len: usize = requested.iter().map(HeaderValue::len).sum();
        if len > MAX_REQUEST_HEADERS_LEN {
            return Err(Unallowed::TooLong);
        }
        let mut any_name = false;
        for line in requested.iter() {
            for name in line.as_bytes().split(|&b| b == b',') {
                let name = name.trim_ascii();
                if !name.is_empty() {
                    self.check_name(name)?;
                    any_name = true;
                }
            }
        }
        Ok(any_name)
    }

    fn check_name<'r>(&self, name: &'r [u8]) -> Result<(), Unallowed<'r>> {
        if !name.iter().copied().all(is_token_byte) {
            return Err(Unallowed::Invalid);
        }
        if self.names.contains(name) || (self.any && !name.eq_ignore_ascii_case(b"authorization")) {
            return Ok(());
        }
        Err(Unallowed::Name(name))
    }
}

/// Why requested headers are refused, borrowing the request: the
/// [`Refusal`] is made only when someone reads it (a header's name is
/// copied then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unallowed<'r> {
    TooLong,
    Invalid,
    Name(&'r [u8]),
}

impl Unallowed<'_> {
    pub(crate) fn refusal(self) -> Refusal {
        match self {
            Unallowed::TooLong => Refusal::RequestHeadersTooLong,
            Unallowed::Invalid => Refusal::InvalidRequestHeaders,
            Unallowed::Name(name) => match HeaderName::from_bytes(name) {
                Ok(name) => Refusal::HeaderNotAllowed(name),
                Err(_) => Refusal::InvalidRequestHeaders,
            },
        }
    }
}

/// A set of lowercase header names, looked up case-insensitively. A short
/// list is scanned (comparing lengths first), which beats hashing a name;
/// a long one is hashed.
#[derive(Debug, Default)]
struct NameSet {
    list: Vec<Box<[u8]>>,
    hashed: HashSet<Box<[u8]>>,
}

/// Up to this many names, a scan is cheaper than hashing the name.
const SCANNED_NAMES: usize = 16;

impl NameSet {
    /// Adds a lowercase name; false if it was there.
    fn insert(&mut self, name: &[u8]) -> bool {
        if self.list.iter().any(|listed| **listed == *name) {
            return false;
        }
        self.list.push(name.into());
        true
    }

    /// Indexes a long list, once every name is in.
    fn index(&mut self) {
        if self.list.len() > SCANNED_NAMES {
            self.hashed = self.list.iter().cloned().collect();
        }
    }

    fn contains(&self, name: &[u8]) -> bool {
        if self.hashed.is_empty() {
            // Browsers send lowercase names: a byte compare settles most.
            return self.list.iter().any(|listed| {
                listed.len() == name.len()
                    && (**listed == *name || listed.eq_ignore_ascii_case(name))
            });
        }
        if !name.iter().any(u8::is_ascii_uppercase) {
            return self.hashed.contains(name);
        }
        // Lowercased on the stack: a list of many mixed-case names must not
        // cost an allocation each.
        let mut buffer = [0u8; 64];
        match buffer.get_mut(..name.len()) {
            Some(lower) => {
                lower.copy_from_slice(name);
                lower.make_ascii_lowercase();
                self.hashed.contains(&*lower)
            }
            None => self.hashed.contains(&*name.to_ascii_lowercase()),
        }
    }
}

/// The requested header list as one value: the field line itself when
/// there is one, else the lines joined with commas.
fn echoed(lines: GetAll<'_, HeaderValue>) -> HeaderValue {
    let mut iter = lines.iter();
    let first = iter.next();
    match (first, iter.next()) {
        (Some(only), None) => only.clone(),
        _ => {
            let mut joined = BytesMut::new();
            for line in lines.iter().filter(|line| !line.is_empty()) {
                if !joined.is_empty() {
                    joined.extend_from_slice(b",");
                }
                joined.extend_from_slice(line.as_bytes());
            }
            // Joining valid field values with commas gives a valid one.
            HeaderValue::from_maybe_shared(joined.freeze()).unwrap_or(HeaderValue::from_static(""))
        }
    }
}

/// RFC 9110 `tchar`: one table load per byte of a requested name.
fn is_token_byte(b: u8) -> bool {
    TCHAR.get(usize::from(b)) == Some(&true)
}

/// The `tchar` bytes, as a table indexed by byte.
// A `u8` index cannot leave a 256-entry table.
#[allow(clippy::indexing_slicing)]
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// Names that make no sense in a list: for allowed request headers, those a
/// script can never set; for exposed response headers, those a script can
/// never read. CORS protocol headers belong to neither.
fn is_forbidden_in(list: HeaderList, name: &str) -> bool {
    name.starts_with("access-control-")
        || match list {
            HeaderList::Allowed => is_forbidden_request_header(name),
            HeaderList::Exposed => name == "set-cookie" || name == "set-cookie2",
        }
}

/// The Fetch Standard's forbidden request-header names: a script cannot set
/// them, the browser does.
pub(crate) fn is_forbidden_request_header(name: &str) -> bool {
    matches!(
        name,
        "accept-charset"
            | "accept-encoding"
            | "access-control-request-headers"
            | "access-control-request-method"
            | "connection"
            | "content-length"
            | "cookie"
            | "cookie2"
            | "date"
            | "dnt"
            | "expect"
            | "host"
            | "keep-alive"
            | "origin"
            | "referer"
            | "set-cookie"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "via"
    ) || name.starts_with("sec-")
        || name.starts_with("proxy-")
}

/// The comma-separated header value for a list, `None` for an empty list.
pub(crate) fn joined(items: &[&str]) -> Option<HeaderValue> {
    if items.is_empty() {
        return None;
    }
    header_value(&items.join(","))
}

/// The header values that the presets render, as `'static` strings. A value
/// built at run time is reference-counted, and each answer's copy costs an
/// atomic increment and decrement, which on a busy server costs more time
/// than its instruction count shows; a `'static` value costs neither. The
/// policy uses these whenever it renders the same bytes, and the process's
/// copy of any other value ([`intern`]).
pub(crate) const RENDERED: [&str; 9] = [
    "GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH",
    "X-Stage,X-Sdk-Date,X-Sdk-Nonce,X-Proxy-Signed-Headers,X-Sdk-Content-Sha256,X-Forwarded-For,Authorization,Content-Type,Accept,Accept-Ranges,Cache-Control,Range",
    "X-Request-Id,X-Apig-Latency,X-Apig-Upstream-Latency,X-Apig-RateLimit-Api,X-Apig-RateLimit-User,X-Apig-RateLimit-App,X-Apig-RateLimit-Ip,X-Apig-RateLimit-Api-Allenv",
    "172800",
    "x-grpc-web,x-user-agent,grpc-timeout,content-type,authorization",
    "grpc-status,grpc-message,grpc-status-details-bin",
    "GET,POST,PUT,PATCH,DELETE",
    "Content-Type,Authorization",
    "600",
];

/// `value` as a header value: a `'static` one when a preset renders the
/// same bytes, else one made from the process's copy of them, up to
/// [`intern`]'s bound. Every value a policy renders from its own lists
/// comes from here.
pub(crate) fn header_value(value: &str) -> Option<HeaderValue> {
    match RENDERED.iter().find(|rendered| **rendered == value) {
        Some(rendered) => Some(HeaderValue::from_static(rendered)),
        None => HeaderValue::from_str(value).ok().map(intern::uncounted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_values_are_static_and_others_built() {
        assert_eq!(header_value("x-a").unwrap(), "x-a");
        assert_eq!(header_value("600").unwrap(), "600");
        assert!(header_value("bad\nvalue").is_none());
    }

    #[test]
    fn token_bytes_are_rfc_9110_tchar() {
        for b in 0..=255u8 {
            let tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_token_byte(b), tchar, "{b}");
        }
    }

    #[test]
    fn short_and_long_name_sets_ignore_case() {
        for count in [3, SCANNED_NAMES + 5] {
            let mut set = NameSet::default();
            for i in 0..count {
                assert!(set.insert(format!("x-name-{i}").as_bytes()));
            }
            assert!(!set.insert(b"x-name-0"));
            set.index();
            assert!(set.contains(b"x-name-0"));
            assert!(set.contains(b"X-Name-2"));
            assert!(!set.contains(b"x-name"));
            assert!(!set.contains(b"x-other-0"));
        }
    }
}
