//! Origins: the listed origins, their opt-ins and the predicates, checked
//! and compiled once into [`AllowedOrigins`], which decides each request's
//! `Origin`.

mod parse;
mod public_suffix;
mod punycode;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::pin::Pin;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

use crate::error::ConfigError;
use crate::refusal::Refusal;
use crate::settings::CorsConfig;
use parse::{is_canonical_port, ConfiguredOrigin};
use public_suffix::is_public_suffix;

/// A synchronous predicate that decides whether an origin is allowed, given
/// the request's `Origin` value and the rest of the request head.
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &Parts) -> bool + Send + Sync>;

/// A boxed future that decides an origin.
pub(crate) type DecisionFuture = Pin<Box<dyn Future<Output = bool> + Send>>;

/// An asynchronous predicate: given the request's `Origin` value and head,
/// returns a future that decides whether the origin is allowed.
pub(crate) type AsyncOriginPredicate =
    Arc<dyn Fn(HeaderValue, &Parts) -> DecisionFuture + Send + Sync>;

/// The origin predicates of a policy, which a configuration cannot hold.
/// Each is set by one builder method, and a later call of it replaces it.
#[derive(Clone, Default)]
pub(crate) struct Predicates {
    pub(crate) sync: Option<OriginPredicate>,
    pub(crate) r#async: Option<AsyncOriginPredicate>,
}

impl fmt::Debug for Predicates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Predicates")
            .field("sync", &self.sync.is_some())
            .field("async", &self.r#async.is_some())
            .finish()
    }
}

/// Origins that are refused unless the policy opts in by name.
#[derive(Debug, Clone, Copy)]
struct OptIns {
    null: bool,
    file: bool,
    null_or_file_with_credentials: bool,
    insecure_with_credentials: bool,
}

/// Whether one request's origin is allowed, known at once or only by a
/// future of the asynchronous predicate.
pub(crate) enum Verdict {
    Known(bool),
    /// Only the asynchronous predicate can tell.
    Pending(DecisionFuture),
}

/// The longest host a browser can send: a DNS name has at most 253 bytes,
/// 254 with a trailing dot. Longer hosts never match a pattern, which also
/// bounds the cost of matching one.
const MAX_HOST_LEN: usize = 254;

/// A fast hash for short keys, eight bytes a step (multiply and rotate, as
/// rustc's own tables hash). A keyed hash (std's SipHash) guards a table
/// that clients can fill; these tables are filled once, from the policy,
/// and a client can only look keys up, so the probes a crafted key can
/// cause are bounded by the table's own layout.
#[derive(Default)]
struct WordHash(u64);

impl WordHash {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(
                <[u8; 8]>::try_from(word).unwrap_or_default(),
            ));
        }
        let mut last = [0u8; 8];
        for (to, from) in last.iter_mut().zip(words.remainder()) {
            *to = *from;
        }
        self.add(u64::from_le_bytes(last));
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

type WordHashBuild = BuildHasherDefault<WordHash>;

/// Exact origins: compared in a list while there are few (comparing
/// lengths first, which beats hashing the request's origin), else hashed.
#[derive(Default)]
struct ExactOrigins {
    /// The origins while there are at most [`SCANNED_ORIGINS`].
    list: Vec<Box<[u8]>>,
    hashed: HashSet<Box<[u8]>, WordHashBuild>,
}

/// Up to this many exact origins, a scan is cheaper than hashing.
const SCANNED_ORIGINS: usize = 8;

impl ExactOrigins {
    fn insert(&mut self, origin: &[u8]) {
        if self.hashed.insert(origin.into()) {
            match self.hashed.len() {
                0..=SCANNED_ORIGINS => self.list.push(origin.into()),
                _ => self.list = Vec::new(),
            }
        }
    }

    #[inline]
    fn contains(&self, origin: &[u8]) -> bool {
        if self.hashed.len() <= SCANNED_ORIGINS {
            return self.list.iter().any(|listed| **listed == *origin);
        }
        self.hashed.contains(origin)
    }

    fn is_empty(&self) -> bool {
        self.hashed.is_empty()
    }

    fn len(&self) -> usize {
        self.hashed.len()
    }
}

/// The compiled set of allowed origins.
///
/// Exact origins live in a hash set (up to 8 are compared in a list, which
/// is cheaper) and patterns in maps keyed by host, so a lookup costs the
/// same whatever their number: one hash lookup for an exact origin, one per
/// label of the request's host for patterns.
#[derive(Default)]
pub(crate) struct AllowedOrigins {
    any: bool,
    null: bool,
    exact: ExactOrigins,
    /// `scheme://*.base[:port]`, in a list when there are few of them,
    /// else keyed by `base`.
    subdomain_list: Vec<ConfiguredOrigin>,
    subdomains: HashMap<Box<str>, Vec<ConfiguredOrigin>, WordHashBuild>,
    /// `scheme://pr-*.base[:port]` (a `*` inside a label), in a list when
    /// there are few of them, else keyed by `base`, the fixed domain after
    /// the wildcard label.
    in_label_list: Vec<ConfiguredOrigin>,
    in_label: HashMap<Box<str>, Vec<ConfiguredOrigin>, WordHashBuild>,
    /// `scheme://host:*`, keyed by `host`.
    any_port: HashMap<Box<str>, Vec<ConfiguredOrigin>, WordHashBuild>,
    predicate: Option<OriginPredicate>,
    async_predicate: Option<AsyncOriginPredicate>,
}

impl AllowedOrigins {
    /// Checks every configured origin, reporting each problem to `errors`,
    /// and compiles what is valid, with the predicates.
    pub(crate) fn compile(
        config: &CorsConfig,
        predicates: Predicates,
        errors: &mut Vec<ConfigError>,
    ) -> AllowedOrigins {
        // Forged requests carry cookies whatever the CORS credentials
        // setting: under cross-origin protection every listed origin may
        // act as the user, so it is checked as with credentials.
        let credentials = config.allow_credentials || config.cross_origin_protection;
        let opt_ins = OptIns {
            null: config.allow_null_origin,
            file: config.allow_file_origin,
            null_or_file_with_credentials: config
                .dangerously_allow_null_or_file_origin_with_credentials,
            insecure_with_credentials: config.dangerously_allow_insecure_origins_with_credentials,
        };
        let mut allowed = AllowedOrigins {
            predicate: predicates.sync,
            async_predicate: predicates.r#async,
            ..AllowedOrigins::default()
        };
        let errors_before = errors.len();
        for value in &config.allow_origins {
            allowed.add(value, opt_ins, credentials, errors);
        }
        if allowed.any && config.allow_credentials {
            errors.push(ConfigError::AnyOriginWithCredentials);
        }
        if allowed.any && (allowed.predicate.is_some() || allowed.async_predicate.is_some()) {
            errors.push(ConfigError::PredicateWithAnyOrigin);
        }
        if allowed.is_empty() && errors.len() == errors_before {
            errors.push(ConfigError::NoOrigins);
        }
        allowed
    }

    /// Adds one configured value, or reports to `errors` every reason why
    /// it cannot be allowed.
    fn add(
        &mut self,
        value: &str,
        opt_ins: OptIns,
        credentials: bool,
        errors: &mut Vec<ConfigError>,
    ) {
        let opted_in = match value {
            "*" => {
                self.any = true;
                return;
            }
            "null" => opt_ins.null,
            "file://" => opt_ins.file,
            _ => return self.add_parsed(value, opt_ins, credentials, errors),
        };
        let value = value.to_owned();
        if !opted_in {
            return errors.push(ConfigError::NullOrFileOrigin { value });
        }
        if credentials && !opt_ins.null_or_file_with_credentials {
            return errors.push(ConfigError::NullOrFileOriginWithCredentials { value });
        }
        if value == "null" {
            self.null = true;
        } else {
            self.exact.insert(value.as_bytes());
        }
    }

    fn add_parsed(
        &mut self,
        value: &str,
        opt_ins: OptIns,
        credentials: bool,
        errors: &mut Vec<ConfigError>,
    ) {
        let origin = match parse::parse(value) {
            Ok(origin) => origin,
            Err(reason) => {
                let value = value.to_owned();
                return errors.push(ConfigError::InvalidOrigin { value, reason });
            }
        };
        // Each problem is reported; the origin is compiled all the same,
        // since a policy with a problem is never put in force.
        if credentials && !origin.is_loopback() {
            // For both kinds of host pattern, `host` is the fixed domain
            // under the wildcard.
            let host_pattern = origin.subdomains || origin.in_label.is_some();
            if host_pattern && is_public_suffix(&origin.host) {
                errors.push(ConfigError::PublicSuffixPattern {
                    value: value.to_owned(),
                });
            }
            if &*origin.scheme == "http" && !opt_ins.insecure_with_credentials {
                errors.push(ConfigError::InsecureOriginWithCredentials {
                    value: value.to_owned(),
                });
            }
        }
        if origin.is_exact() {
            self.exact.insert(value.as_bytes());
        } else if origin.in_label.is_some() {
            self.in_label_list.push(origin.clone());
            let base = origin.host.clone();
            self.in_label.entry(base).or_default().push(origin);
        } else {
            if origin.subdomains {
                self.subdomain_list.push(origin.clone());
            }
            let index = if origin.subdomains {
                &mut self.subdomains
            } else {
                &mut self.any_port
            };
            index.entry(origin.host.clone()).or_default().push(origin);
        }
    }

    /// True when every origin is allowed, so that the answer is the same
    /// for every request: `*`, with or without `Origin`.
    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// True when no origin at all can be allowed.
    fn is_empty(&self) -> bool {
        !self.any
            && !self.null
            && self.exact.is_empty()
            && self.subdomains.is_empty()
            && self.in_label.is_empty()
            && self.any_port.is_empty()
            && self.predicate.is_none()
            && self.async_predicate.is_none()
    }

    /// Decides `origin` by the rules that read nothing else: any origin,
    /// `null`, exact origins and patterns. `None` when only a predicate can
    /// tell: then [`decide_by_predicates`](Self::decide_by_predicates)
    /// decides, given the request's head.
    ///
    /// `*` covers every origin, the opaque `null` included (browsers accept
    /// `*` for it). Otherwise `null` is allowed only when listed with its
    /// opt-in; predicates are never asked about it, since any site can
    /// produce it.
    pub(crate) fn decide_by_value(&self, origin: &HeaderValue) -> Option<bool> {
        if self.any {
            return Some(true);
        }
        if origin == "null" {
            return Some(self.null);
        }
        if self.exact.contains(origin.as_bytes()) || self.matches_pattern(origin.as_bytes()) {
            return Some(true);
        }
        let no_predicate = self.predicate.is_none() && self.async_predicate.is_none();
        no_predicate.then_some(false)
    }

    /// Decides an origin that the other rules did not allow by the
    /// predicates: at once by the synchronous one, else by a future of the
    /// asynchronous one.
    pub(crate) fn decide_by_predicates(&self, origin: &HeaderValue, parts: &Parts) -> Verdict {
        if self.predicate.as_ref().is_some_and(|p| p(origin, parts)) {
            return Verdict::Known(true);
        }
        match &self.async_predicate {
            Some(predicate) => Verdict::Pending(predicate(origin.clone(), parts)),
            None => Verdict::Known(false),
        }
    }

    /// Whether `origin` is allowed, decided now: by value, else by the
    /// synchronous predicate; never by the asynchronous one, which cannot
    /// answer at once (an origin only it could allow is not allowed).
    pub(crate) fn allows_now(&self, origin: &HeaderValue, parts: &Parts) -> bool {
        self.decide_now(origin, parts).unwrap_or(false)
    }

    /// Whether `origin` is allowed, decided now: by value, else by the
    /// synchronous predicate; `None` when only the asynchronous predicate
    /// could tell (it is not asked).
    pub(crate) fn decide_now(&self, origin: &HeaderValue, parts: &Parts) -> Option<bool> {
        if let Some(allowed) = self.decide_by_value(origin) {
            return Some(allowed);
        }
        if self.predicate.as_ref().is_some_and(|p| p(origin, parts)) {
            return Some(true);
        }
        self.async_predicate.is_none().then_some(false)
    }

    /// Why `origin`, which the policy refused, is refused: `null` without
    /// its opt-in, a value that is no serialized origin (with what is wrong
    /// with it), or a well-formed origin that no rule allows. Only for
    /// refusals that someone will see: it parses the value.
    pub(crate) fn refusal(&self, origin: &HeaderValue) -> Refusal {
        if origin == "null" {
            return Refusal::NullOriginNotAllowed;
        }
        // A pattern is no origin: read as one, it would pass (and a `*`
        // inside a label would be copied).
        if origin.as_bytes().contains(&b'*') {
            return Refusal::MalformedOrigin("an origin has no `*`: browsers send the page's own");
        }
        match origin.to_str().map(parse::check) {
            Ok(Ok(())) => Refusal::OriginNotAllowed,
            Ok(Err(why)) => Refusal::MalformedOrigin(why),
            Err(_) => Refusal::MalformedOrigin(
                "an origin is ASCII: internationalized hosts are sent in punycode (xn--)",
            ),
        }
    }

    fn matches_pattern(&self, origin: &[u8]) -> bool {
        if self.subdomains.is_empty() && self.in_label.is_empty() && self.any_port.is_empty() {
            return false;
        }
        let Some((scheme, host, port)) = split_origin(origin) else {
            return false;
        };
        // The port, when there is one, must be written as browsers write it.
        let port = match port {
            None => None,
            Some(port) => match (std::str::from_utf8(scheme), std::str::from_utf8(port)) {
                (Ok(scheme), Ok(port)) if is_canonical_port(scheme, port) => Some(port),
                _ => return false,
            },
        };
        let fits = |p: &ConfiguredOrigin| p.scheme.as_bytes() == scheme && p.port.matches(port);
        if port.is_some() && !self.any_port.is_empty() {
            let patterns = std::str::from_utf8(host)
                .ok()
                .and_then(|host| self.any_port.get(host));
            if patterns.is_some_and(|patterns| patterns.iter().any(fits)) {
                return true;
            }
        }
        if host.starts_with(b"[") || host.len() > MAX_HOST_LEN {
            return false;
        }
        if !self.in_label.is_empty() && self.matches_in_label(host, fits) {
            return true;
        }
        if self.subdomains.is_empty() {
            return false;
        }
        // A few patterns: compare each base with the end of the host.
        if self.subdomain_list.len() <= SCANNED_PATTERNS {
            let under = |p: &&ConfiguredOrigin| is_under(host, p.host.as_bytes());
            return self.subdomain_list.iter().filter(under).any(fits);
        }
        // Many: every suffix after a dot is a candidate base, and the labels
        // before it must be whole and non-empty: one walk from the left,
        // which ends at the first label that is not one.
        let Ok(mut rest) = std::str::from_utf8(host) else {
            return false;
        };
        while let Some((label, base)) = rest.split_once('.') {
            if !parse::is_label(label) {
                return false;
            }
            let patterns = self.subdomains.get(base);
            if patterns.is_some_and(|patterns| patterns.iter().any(fits)) {
                return true;
            }
            rest = base;
        }
        false
    }
}

impl AllowedOrigins {
    /// Whether a pattern with a `*` inside a label matches `host` (and
    /// `fits` the scheme and port).
    fn matches_in_label(&self, host: &[u8], fits: impl Fn(&ConfiguredOrigin) -> bool) -> bool {
        let matches = |p: &ConfiguredOrigin| {
            p.in_label.as_ref().is_some_and(|label| label.matches(host)) && fits(p)
        };
        // A few patterns: compare each with the host. (Both ways decide
        // alike; which one runs is a matter of speed only, so a mutant
        // that swaps them is equivalent.)
        if self.in_label_list.len() <= SCANNED_PATTERNS {
            return self.in_label_list.iter().any(matches);
        }
        // Many: the fixed domain is what follows one of the host's dots.
        let mut rest = host;
        while let Some((_, base)) = split_at_byte(rest, b'.') {
            let patterns = std::str::from_utf8(base)
                .ok()
                .and_then(|base| self.in_label.get(base));
            if patterns.is_some_and(|patterns| patterns.iter().any(matches)) {
                return true;
            }
            rest = base;
        }
        false
    }
}

/// Up to this many subdomain patterns, comparing each with the host beats
/// hashing every suffix of the host.
const SCANNED_PATTERNS: usize = 8;

/// Whether `host` is `base` with one or more whole labels before it.
fn is_under(host: &[u8], base: &[u8]) -> bool {
    host.strip_suffix(base)
        .and_then(|labels| labels.strip_suffix(b"."))
        .is_some_and(parse::are_labels)
}

/// A request's `Origin`, split: scheme, host and port.
type OriginParts<'a> = (&'a [u8], &'a [u8], Option<&'a [u8]>);

/// Splits a request's `Origin` into scheme, host and port, if it has that
/// shape; as bytes, since most of it is only compared.
fn split_origin(origin: &[u8]) -> Option<OriginParts<'_>> {
    // A scheme has no `:`, so the first one ends it.
    let (scheme, rest) = split_at_byte(origin, b':')?;
    let rest = rest.strip_prefix(b"//")?;
    if rest.starts_with(b"[") {
        // An IPv6 host, with its brackets.
        let end = rest.iter().position(|&b| b == b']')?;
        let (host, after) = rest.split_at_checked(end + 1)?;
        return match after.strip_prefix(b":") {
            Some(port) => Some((scheme, host, Some(port))),
            None if after.is_empty() => Some((scheme, host, None)),
            None => None,
        };
    }
    Some(match split_at_byte(rest, b':') {
        Some((host, port)) => (scheme, host, Some(port)),
        None => (scheme, rest, None),
    })
}

/// Splits `s` around the first `byte`, as `split_once` does.
fn split_at_byte(s: &[u8], byte: u8) -> Option<(&[u8], &[u8])> {
    let at = find_byte(s, byte)?;
    let (head, tail) = s.split_at_checked(at)?;
    Some((head, tail.get(1..)?))
}

/// Where the first `byte` of `bytes` is: eight bytes at a time (as the
/// bytes of a `u64`), then the last ones one by one.
fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut words = bytes.chunks_exact(8);
    for (index, word) in (&mut words).enumerate() {
        let word =
            <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes) ^ (ONES * u64::from(byte));
        // The high bit of the first byte that is now zero is set (the
        // borrow may mark later bytes too, never earlier ones), whatever
        // the bytes.
        let zero = word.wrapping_sub(ONES) & !word & (ONES * 0x80);
        if zero != 0 {
            return Some(index * 8 + (zero.trailing_zeros() / 8) as usize);
        }
    }
    let rest = words.remainder();
    let at = rest.iter().position(|&b| b == byte)?;
    Some(bytes.len() - rest.len() + at)
}

impl fmt::Debug for AllowedOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllowedOrigins")
            .field("any", &self.any)
            .field("null", &self.null)
            .field("exact", &self.exact.len())
            .field("subdomains", &self.subdomains.len())
            .field("in_label", &self.in_label_list.len())
            .field("any_port", &self.any_port.len())
            .field("predicate", &self.predicate.is_some())
            .field("async_predicate", &self.async_predicate.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact origins' table spreads its keys: distinct origins hash
    /// apart, so a lookup probes a bucket or two however many origins a
    /// policy lists (a constant hash would make every lookup a scan).
    // checklist: O6
    #[test]
    fn distinct_origins_hash_apart() {
        use std::hash::BuildHasher;

        let build = WordHashBuild::default();
        let origins: Vec<String> = (0..2000)
            .map(|i| format!("https://app{i}.example.com:{}", 8000 + i % 7))
            .collect();
        let hashes: HashSet<u64> = origins
            .iter()
            .map(|origin| build.hash_one(origin.as_bytes()))
            .collect();
        assert!(hashes.len() >= 1990, "{} distinct", hashes.len());
        // The low bits pick a bucket, the top seven a tag within it: both
        // spread too.
        let buckets: HashSet<u64> = hashes.iter().map(|h| h & 1023).collect();
        assert!(buckets.len() >= 700, "{} buckets of 1024", buckets.len());
        let tags: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(tags.len() >= 100, "{} tags of 128", tags.len());
    }

    // checklist: O1
    #[test]
    fn find_byte_is_position() {
        let text: Vec<u8> = (0..40usize)
            .map(|i| [b'a', b':', 0x80, 0xba][i % 7 % 4])
            .collect();
        for start in 0..text.len() {
            for end in start..text.len() {
                let bytes = &text[start..end];
                for byte in [b':', b'a', 0x80, 0xba, b'z'] {
                    assert_eq!(
                        find_byte(bytes, byte),
                        bytes.iter().position(|&b| b == byte)
                    );
                }
            }
        }
    }

    /// The policy's `Debug` counts its exact origins, once each, however
    /// many there are (a few are scanned, more are hashed).
    // checklist: O6
    #[test]
    fn debug_counts_exact_origins() {
        for count in [0, 1, 2, SCANNED_ORIGINS + 3] {
            let mut allow_origins: Vec<String> = (0..count)
                .map(|i| format!("https://{i}.example.com"))
                .collect();
            allow_origins.extend(allow_origins.clone());
            allow_origins.push("https://*.example.net".to_owned());
            let config = CorsConfig {
                allow_origins,
                ..CorsConfig::default()
            };
            let origins = AllowedOrigins::compile(&config, Predicates::default(), &mut Vec::new());
            let debug = format!("{origins:?}");
            assert!(debug.contains(&format!("exact: {count},")), "{debug}");
        }
    }

    #[test]
    fn a_request_origin_with_a_star_is_malformed_not_a_pattern() {
        let config = CorsConfig {
            allow_origins: vec!["https://pr-*.example.com".to_owned()],
            ..CorsConfig::default()
        };
        let origins = AllowedOrigins::compile(&config, Predicates::default(), &mut Vec::new());
        for value in [
            "https://pr-*.example.com",
            "https://*.example.com",
            "https://a.example.com:*",
        ] {
            let origin = HeaderValue::from_static(value);
            assert_eq!(origins.decide_by_value(&origin), Some(false), "{value}");
            assert!(
                matches!(origins.refusal(&origin), Refusal::MalformedOrigin(why) if why.contains('*')),
                "{value}"
            );
        }
        let origin = HeaderValue::from_static("https://pr-1.example.net");
        assert_eq!(origins.refusal(&origin), Refusal::OriginNotAllowed);
    }

    fn problems(origins: &[&str], credentials: bool) -> Vec<ConfigError> {
        let config = CorsConfig {
            allow_origins: origins.iter().map(|&o| o.to_owned()).collect(),
            allow_credentials: credentials,
            ..CorsConfig::default()
        };
        let mut errors = Vec::new();
        AllowedOrigins::compile(&config, Predicates::default(), &mut errors);
        errors
    }

    // checklist: C1, C2
    #[test]
    fn a_plain_http_pattern_on_a_public_suffix_reports_both_problems() {
        let mut patterns = vec![
            "http://*.alocalhost",
            "http://*.localhosta",
            "http://*.localhosta.",
            "http://*.com",
        ];
        if cfg!(feature = "psl") {
            patterns.push("http://*.github.io");
        }
        for pattern in patterns {
            let value = pattern.to_owned();
            assert_eq!(
                problems(&[pattern], true),
                [
                    ConfigError::PublicSuffixPattern {
                        value: value.clone()
                    },
                    ConfigError::InsecureOriginWithCredentials { value },
                ],
                "{pattern}"
            );
        }
        // Without credentials neither is a problem.
        assert_eq!(problems(&["http://*.com"], false), []);
        // Over https only the suffix is.
        assert_eq!(
            problems(&["https://*.com"], true),
            [ConfigError::PublicSuffixPattern {
                value: "https://*.com".to_owned()
            }]
        );
    }

    // checklist: C2, C6
    #[test]
    fn a_wildcard_inside_a_label_over_a_public_suffix_is_refused_with_credentials() {
        let mut patterns = vec![
            "https://*example.com",
            "https://pr-*.com",
            "https://api.pr-*.dev",
        ];
        if cfg!(feature = "psl") {
            patterns.extend([
                "https://*-myteam.vercel.app",
                "https://shop-*.myshopify.com",
                "https://pr-*.co.uk",
            ]);
        }
        for pattern in patterns {
            let value = pattern.to_owned();
            assert_eq!(
                problems(&[pattern], true),
                [ConfigError::PublicSuffixPattern { value }],
                "{pattern}"
            );
            assert_eq!(problems(&[pattern], false), [], "{pattern}");
        }
        // Loopback and a registrable domain are fine.
        assert_eq!(
            problems(
                &["http://dev-*.localhost", "https://pr-*.example.com"],
                true
            ),
            []
        );
    }

    #[test]
    fn many_in_label_patterns_are_looked_up_by_their_fixed_domain() {
        let origins: Vec<String> = (0..20)
            .map(|i| format!("https://pr-*.site{i}.example.com"))
            .chain(["https://api.*-x.deep.example.org:8443".to_owned()])
            .collect();
        let config = CorsConfig {
            allow_origins: origins,
            ..CorsConfig::default()
        };
        let mut errors = Vec::new();
        let allowed = AllowedOrigins::compile(&config, Predicates::default(), &mut errors);
        assert_eq!(errors, []);
        assert!(allowed.in_label_list.len() > SCANNED_PATTERNS);
        assert!(format!("{allowed:?}").contains("in_label: 21"));
        for (origin, ok) in [
            ("https://pr-1.site7.example.com", true),
            ("https://pr-1.site19.example.com", true),
            ("https://pr-.site7.example.com", false),
            ("https://pr-1.site20.example.com", false),
            ("http://pr-1.site7.example.com", false),
            ("https://pr-1.site7.example.com:8443", false),
            ("https://api.a-x.deep.example.org:8443", true),
            ("https://api.a-x.deep.example.org", false),
            ("https://a.api.a-x.deep.example.org:8443", false),
        ] {
            let value = HeaderValue::from_static(origin);
            assert_eq!(allowed.decide_by_value(&value), Some(ok), "{origin}");
        }
    }

    // checklist: O4
    #[test]
    fn hosts_up_to_the_longest_a_browser_sends_match_a_pattern() {
        let config = CorsConfig {
            allow_origins: vec![
                "https://pr-*.example.com.".to_owned(),
                "https://*.example.org.".to_owned(),
            ],
            ..CorsConfig::default()
        };
        let allowed = AllowedOrigins::compile(&config, Predicates::default(), &mut Vec::new());
        // Hosts of `len` bytes, trailing dot included.
        let in_label = |len: usize| format!("https://pr-{}.example.com.", "a".repeat(len - 16));
        let labels = |len: usize| {
            format!(
                "https://{}.{}.example.org.",
                "b".repeat(60),
                "c".repeat(len - 74)
            )
        };
        for origin in [in_label(MAX_HOST_LEN), labels(MAX_HOST_LEN)] {
            let value = HeaderValue::from_str(&origin).unwrap();
            assert_eq!(value.len(), "https://".len() + MAX_HOST_LEN);
            assert_eq!(allowed.decide_by_value(&value), Some(true), "{origin}");
        }
        for origin in [in_label(MAX_HOST_LEN + 1), labels(MAX_HOST_LEN + 1)] {
            let value = HeaderValue::from_str(&origin).unwrap();
            assert_eq!(allowed.decide_by_value(&value), Some(false), "{origin}");
        }
    }

    // checklist: O2
    #[test]
    fn a_host_browsers_cannot_parse_is_refused() {
        for origin in ["http://xn--f", "https://a.xn--f", "https://*.xn--f"] {
            assert!(
                matches!(
                    problems(&[origin], false).as_slice(),
                    [ConfigError::InvalidOrigin { value, .. }] if value == origin
                ),
                "{origin}"
            );
        }
        assert_eq!(problems(&["https://xn--bcher-kva.example"], false), []);
    }
}
