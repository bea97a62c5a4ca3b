//! Header names: the request headers a policy allows and the response
//! headers it exposes, checked and compiled once, and the check of a
//! preflight's `Access-Control-Request-Headers`.

use std::collections::HashSet;

use bytes::BytesMut;
use http::header::{GetAll, HeaderName, HeaderValue};

use crate::compile::intern;
use crate::error::{ConfigError, HeaderList};
use crate::refusal::{Refusal, MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADERS_LINES};

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
    /// [`MAX_REQUEST_HEADERS_LEN`] bytes in all, or in more than
    /// [`MAX_REQUEST_HEADERS_LINES`] field lines, is refused before it is
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
        // Measured up to the line past the most read.
        let mut len = 0;
        for (index, line) in requested.iter().enumerate() {
            if index == MAX_REQUEST_HEADERS_LINES {
                return Err(Unallowed::TooLong);
            }
            len += line.len();
        }
        if len > MAX_REQUEST_HEADERS_LEN {
            return Err(Unallowed::TooLong);
        }
        let mut any_name = false;
        for line in requested.iter() {
            let line = line.as_bytes();
            any_name |= match self.scan_browser_line(line) {
                Some(scanned) => scanned?,
                None => self.scan_line(line)?,
            };
        }
        Ok(any_name)
    }

    /// Checks one field line in the form browsers send: lowercase names of
    /// letters, digits and `-`, separated by commas alone. `None` when the
    /// line is in any other form, for [`scan_line`](Self::scan_line) to
    /// read; otherwise the answer it would give, at a fraction of its cost.
    /// The bytes are classified 64 at a time, without a branch per byte;
    /// the commas are then found eight at a time, and a name costs a
    /// length compare unless the policy lists names.
    fn scan_browser_line<'r>(&self, line: &'r [u8]) -> Option<Result<bool, Unallowed<'r>>> {
        // Under `*`, only a name as long as `authorization` is looked up;
        // otherwise every name is.
        let any = self.any;
        let mut any_name = false;
        // Where the element being read starts.
        let mut start = 0;
        for (index, chunk) in line.chunks(CHUNK).enumerate() {
            let commas = browser_form_commas(chunk)?;
            for (word, commas) in commas.chunks_exact(8).enumerate() {
                let mut commas = <[u8; 8]>::try_from(commas).map_or(0, u64::from_le_bytes);
                while commas != 0 {
                    let at = index * CHUNK + word * 8 + (commas.trailing_zeros() / 8) as usize;
                    commas &= commas - 1;
                    let len = at - start;
                    if len != 0 {
                        any_name = true;
                        if !any || len == AUTHORIZATION.len() {
                            if let Err(why) = self.look_up_lowercase_name(line, start, at) {
                                return Some(Err(why));
                            }
                        }
                    }
                    start = at + 1;
                }
            }
        }
        // The last name, which no comma ends.
        if start < line.len() {
            any_name = true;
            if let Err(why) = self.look_up_lowercase_name(line, start, line.len()) {
                return Some(Err(why));
            }
        }
        Some(Ok(any_name))
    }

    /// Checks one field line in any form: elements split at commas, each
    /// trimmed of whitespace, empty ones skipped, every byte of a name a
    /// token's.
    fn scan_line<'r>(&self, line: &'r [u8]) -> Result<bool, Unallowed<'r>> {
        let mut any_name = false;
        for name in line.split(|&b| b == b',') {
            let name = name.trim_ascii();
            if !name.is_empty() {
                self.check_name(name)?;
                any_name = true;
            }
        }
        Ok(any_name)
    }

    fn check_name<'r>(&self, name: &'r [u8]) -> Result<(), Unallowed<'r>> {
        if !name.iter().copied().all(is_token_byte) {
            return Err(Unallowed::Invalid);
        }
        if self.names.contains(name) || (self.any && !name.eq_ignore_ascii_case(AUTHORIZATION)) {
            return Ok(());
        }
        Err(Unallowed::Name(name))
    }

    /// [`check_name`](Self::check_name) for the name `line[start..end]`,
    /// known to be made of lowercase token bytes; out of line, so that the
    /// scan's loop stays small.
    #[inline(never)]
    fn look_up_lowercase_name<'r>(
        &self,
        line: &'r [u8],
        start: usize,
        end: usize,
    ) -> Result<(), Unallowed<'r>> {
        let name = line.get(start..end).unwrap_or_default();
        if (self.any && name != AUTHORIZATION) || self.names.contains_lowercase(name) {
            return Ok(());
        }
        Err(Unallowed::Name(name))
    }
}

/// The one name `*` does not cover in `Access-Control-Allow-Headers`.
const AUTHORIZATION: &[u8] = b"authorization";

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

/// The bytes [`AllowedHeaders::scan_browser_line`] classifies at a time.
const CHUNK: usize = 64;

/// Where the commas of `chunk` (up to [`CHUNK`] bytes) are, as one byte
/// each (1 for a comma, else 0), when every byte is a lowercase letter, a
/// digit, `-` or a comma; `None` otherwise. A short chunk is padded with a
/// letter, which is neither refused nor a comma.
#[inline]
fn browser_form_commas(chunk: &[u8]) -> Option<[u8; CHUNK]> {
    let mut commas = [0u8; CHUNK];
    let form = match <&[u8; CHUNK]>::try_from(chunk) {
        Ok(chunk) => classify_chunk(chunk, &mut commas),
        Err(_) => {
            let mut padded = [b'a'; CHUNK];
            if let Some(to) = padded.get_mut(..chunk.len()) {
                to.copy_from_slice(chunk);
            }
            classify_chunk(&padded, &mut commas)
        }
    };
    form.then_some(commas)
}

/// [`browser_form_commas`] for a whole chunk: without a branch per byte, so
/// that the compiler classifies the bytes side by side.
#[inline]
fn classify_chunk(chunk: &[u8; CHUNK], commas: &mut [u8; CHUNK]) -> bool {
    let mut form = true;
    for (comma, &b) in commas.iter_mut().zip(chunk) {
        let is_comma = b == b',';
        form &= b.is_ascii_lowercase() | b.is_ascii_digit() | (b == b'-') | is_comma;
        *comma = u8::from(is_comma);
    }
    form
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

    /// Whether the set holds `name`, which is lowercase.
    #[inline]
    fn contains_lowercase(&self, name: &[u8]) -> bool {
        if self.hashed.is_empty() {
            return self.list.iter().any(|listed| **listed == *name);
        }
        self.hashed.contains(name)
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

    /// Every line of up to four bytes over an alphabet that has each kind
    /// of byte the two scans tell apart, and longer lines made of those:
    /// the browsers' form is read as any form is, wherever words and
    /// chunks end.
    // checklist: P4, P5
    #[test]
    fn browser_form_scan_answers_as_the_general_scan() {
        let policies = [
            compile_allowed(
                &["x-a".into(), "content-type".into()],
                false,
                &mut Vec::new(),
            ),
            compile_allowed(&["*".into()], true, &mut Vec::new()),
            compile_allowed(
                &["*".into(), "authorization".into()],
                false,
                &mut Vec::new(),
            ),
            compile_allowed(
                &(0..20).map(|i| format!("x-{i}")).collect::<Vec<_>>(),
                false,
                &mut Vec::new(),
            ),
        ];
        let alphabet: &[u8] = b"a-,0zA _.";
        let mut lines: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=4 {
            let mut next = Vec::new();
            for line in lines.iter().filter(|line| line.len() == len - 1) {
                for &b in alphabet {
                    let mut longer = line.clone();
                    longer.push(b);
                    next.push(longer);
                }
            }
            lines.extend(next);
        }
        let pieces = [
            "x-a",
            "content-type",
            "authorization",
            "x-7",
            "x-b",
            "",
            "x-19",
        ];
        for count in 1..80 {
            let line: Vec<&str> = (0..count).map(|i| pieces[(i * 3 + count) % 7]).collect();
            lines.push(line.join(",").into_bytes());
            lines.push(format!("{},", line.join(",")).into_bytes());
            lines.push(format!(",{}", line.join(",,")).into_bytes());
            lines.push(format!("{}, x-a", line.join(",")).into_bytes());
            lines.push(format!("{},X-A", line.join(",")).into_bytes());
        }
        let mut browser_form = 0;
        for policy in &policies {
            for line in &lines {
                let general = policy.scan_line(line);
                match policy.scan_browser_line(line) {
                    Some(fast) => {
                        browser_form += 1;
                        assert_eq!(fast, general, "{:?}", String::from_utf8_lossy(line));
                    }
                    None => assert!(
                        line.iter()
                            .any(|&b| !b"abcdefghijklmnopqrstuvwxyz0123456789-,".contains(&b)),
                        "{:?} is in the browsers' form",
                        String::from_utf8_lossy(line)
                    ),
                }
            }
        }
        assert!(browser_form > 1000, "{browser_form}");
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
