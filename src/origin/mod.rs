//! Origins: parsed and checked when the policy is built ([`parse`]), matched
//! per request ([`OriginMatcher`]).

mod parse;
mod public_suffix;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::request::Parts;
use http::HeaderValue;

pub(crate) use parse::{parse, Configured, Pattern};
pub(crate) use public_suffix::is_public_suffix;

/// A synchronous predicate that decides whether an origin is allowed, given
/// the request's `Origin` value and the rest of the request head.
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &Parts) -> bool + Send + Sync>;

/// A boxed future that decides an origin.
pub(crate) type OriginDecision = Pin<Box<dyn Future<Output = bool> + Send>>;

/// An asynchronous predicate: given the request's `Origin` value and head,
/// returns a future that decides whether the origin is allowed.
pub(crate) type AsyncOriginPredicate =
    Arc<dyn Fn(&HeaderValue, &Parts) -> OriginDecision + Send + Sync>;

/// The decision for one request's origin.
pub(crate) enum Decision {
    Allowed,
    Refused,
    /// Only the asynchronous predicate can tell.
    Pending(OriginDecision),
}

/// The longest host a browser can send: a DNS name has at most 253 bytes,
/// 254 with a trailing dot. Longer hosts never match a pattern, which also
/// bounds the cost of matching one.
const MAX_HOST_LEN: usize = 254;

/// The compiled set of allowed origins.
///
/// Exact origins live in a hash set and patterns in maps keyed by host, so
/// a lookup costs the same whatever their number: one hash lookup for an
/// exact origin, one per label of the request's host for patterns.
#[derive(Default)]
pub(crate) struct OriginMatcher {
    any: bool,
    exact: HashSet<Box<[u8]>>,
    /// `scheme://*.base[:port]`, keyed by `base`.
    subdomains: HashMap<Box<str>, Vec<Pattern>>,
    /// `scheme://host:*`, keyed by `host`.
    any_port: HashMap<Box<str>, Vec<Pattern>>,
    predicates: Vec<OriginPredicate>,
    async_predicate: Option<AsyncOriginPredicate>,
}

impl OriginMatcher {
    /// Allows every origin.
    pub(crate) fn set_any(&mut self) {
        self.any = true;
    }

    /// Allows `origin`, byte for byte.
    pub(crate) fn add_exact(&mut self, origin: &str) {
        self.exact.insert(origin.as_bytes().into());
    }

    /// Allows the origins that `pattern` matches.
    pub(crate) fn add_pattern(&mut self, pattern: Pattern) {
        let index = if pattern.subdomains {
            &mut self.subdomains
        } else {
            &mut self.any_port
        };
        index.entry(pattern.host.clone()).or_default().push(pattern);
    }

    /// Allows the origins for which `predicate` returns `true`.
    pub(crate) fn add_predicate(&mut self, predicate: OriginPredicate) {
        self.predicates.push(predicate);
    }

    /// Asks `predicate` about the origins that nothing else allows.
    pub(crate) fn set_async_predicate(&mut self, predicate: AsyncOriginPredicate) {
        self.async_predicate = Some(predicate);
    }

    /// True when every origin is allowed, so that the answer does not
    /// depend on the request's origin.
    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// True when no origin at all can be allowed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.any
            && self.exact.is_empty()
            && self.subdomains.is_empty()
            && self.any_port.is_empty()
            && self.predicates.is_empty()
            && self.async_predicate.is_none()
    }

    /// Decides `origin` for the request whose head is `parts`: at once when
    /// the synchronous rules allow it or when there is no asynchronous
    /// predicate, else by a future of the asynchronous predicate.
    pub(crate) fn decide(&self, origin: &HeaderValue, parts: &Parts) -> Decision {
        if self.allows(origin, parts) {
            return Decision::Allowed;
        }
        match &self.async_predicate {
            Some(predicate) => Decision::Pending(predicate(origin, parts)),
            None => Decision::Refused,
        }
    }

    /// Whether the synchronous rules allow `origin` for the request whose
    /// head is `parts`. `*` covers every origin but the opaque `null`, which
    /// any site can produce: only a listed `"null"` or a predicate allows it.
    pub(crate) fn allows(&self, origin: &HeaderValue, parts: &Parts) -> bool {
        (self.any && origin != "null")
            || self.exact.contains(origin.as_bytes())
            || self.matches_pattern(origin.as_bytes())
            || self.predicates.iter().any(|p| p(origin, parts))
    }

    fn matches_pattern(&self, origin: &[u8]) -> bool {
        if self.subdomains.is_empty() && self.any_port.is_empty() {
            return false;
        }
        let Some((scheme, host, port)) = split_origin(origin) else {
            return false;
        };
        if port.is_some_and(|port| !parse::is_canonical_port(scheme, port)) {
            return false;
        }
        let fits = |p: &Pattern| *p.scheme == *scheme && p.port.matches(port);
        if port.is_some() {
            if let Some(patterns) = self.any_port.get(host) {
                if patterns.iter().any(fits) {
                    return true;
                }
            }
        }
        if self.subdomains.is_empty() || host.starts_with('[') || host.len() > MAX_HOST_LEN {
            return false;
        }
        // Every suffix after a dot is a candidate base, and the labels before
        // it must be whole and non-empty: one walk from the left, which ends
        // at the first label that is not one.
        let mut rest = host;
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

/// Splits a request's `Origin` into scheme, host and port, if it has that
/// shape.
fn split_origin(origin: &[u8]) -> Option<(&str, &str, Option<&str>)> {
    let origin = std::str::from_utf8(origin).ok()?;
    let (scheme, rest) = origin.split_once("://")?;
    let (host, port) = parse::split_host_port(rest)?;
    Some((scheme, host, port))
}

impl fmt::Debug for OriginMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginMatcher")
            .field("any", &self.any)
            .field("exact", &self.exact.len())
            .field("subdomains", &self.subdomains.len())
            .field("any_port", &self.any_port.len())
            .field("predicates", &self.predicates.len())
            .field("async_predicate", &self.async_predicate.is_some())
            .finish()
    }
}
