//! Fetch's CORS-preflight cache, on a virtual clock.

use std::time::Duration;

use super::blocked::{Blocked, Rule, Stage};
use super::cors::PreflightResult;
use super::request::BrowserRequest;
use super::safelist::is_safelisted_method;

/// What one cache entry allows: a method (as written) or a header name
/// (lowercase); `*` for either is stored only without credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Method(String),
    Header(String),
}

/// One entry: who asked (origin, URL, credentials), what is allowed, and
/// until when (on the virtual clock).
#[derive(Clone, Debug)]
struct Entry {
    origin: String,
    url: String,
    credentials: bool,
    item: Item,
    expires: Duration,
}

impl Entry {
    /// Fetch's "cache entry match": same origin and URL, and the entry has
    /// credentials or the request does not include them.
    fn matches(&self, key: &Key<'_>) -> bool {
        self.origin == key.origin && self.url == key.url && (self.credentials || !key.credentials)
    }
}

/// What the cache keys entries by, taken from a request once: its origin,
/// its URL as text, and whether it includes credentials.
struct Key<'a> {
    origin: &'a str,
    url: String,
    credentials: bool,
}

impl Key<'_> {
    fn of(request: &BrowserRequest) -> Key<'_> {
        Key {
            origin: request.origin(),
            url: request.url().to_string(),
            credentials: request.includes_credentials(),
        }
    }
}

/// The preflight cache: entries per method and per header name.
#[derive(Clone, Debug, Default)]
pub(crate) struct PreflightCache {
    entries: Vec<Entry>,
}

impl PreflightCache {
    /// Whether the browser must send a preflight for `request` at `now`: it
    /// needs one ([`BrowserRequest::needs_preflight`]) and the cache lacks
    /// an entry for its method (unless `GET`, `HEAD` or `POST`) or for one
    /// of its unsafe headers.
    ///
    /// For example, after a preflight for `PUT` with `x-a` answered
    /// `Max-Age: 600`, a `PUT` with `x-a` ten seconds later needs none, a
    /// `PUT` with `x-b` does.
    pub(crate) fn needs_preflight(&self, request: &BrowserRequest, now: Duration) -> bool {
        if !request.needs_preflight() {
            return false;
        }
        let key = Key::of(request);
        let method = request.method();
        let method_hit = is_safelisted_method(method)
            || self.hit(
                &key,
                now,
                |item| matches!(item, Item::Method(m) if m == method || m == "*"),
            );
        let star_covers_authorization = request.judged_by().wildcard_covers_authorization();
        let headers_hit = request.unsafe_headers().iter().all(|name| {
            let name = name.as_str();
            self.hit(&key, now, |item| {
                matches!(item, Item::Header(h) if h == name || (h == "*" && (name != "authorization" || star_covers_authorization)))
            })
        });
        !(method_hit && headers_hit)
    }

    /// Where the cache let `request` carry `Authorization` by a `*` entry
    /// alone (the engine lets `*` cover it): the standard's refusal, as the
    /// preflight's check gives it.
    pub(crate) fn wildcard_covered_authorization(
        &self,
        request: &BrowserRequest,
        now: Duration,
    ) -> Option<Blocked> {
        let asks = request
            .unsafe_headers()
            .contains(&http::header::AUTHORIZATION);
        let key = Key::of(request);
        let by_name = self.hit(
            &key,
            now,
            |item| matches!(item, Item::Header(h) if h == "authorization"),
        );
        (asks && !by_name && request.needs_preflight()).then(|| {
            request.blocked(
                Stage::Preflight,
                Rule::AuthorizationNotCoveredByWildcard,
                Some("* (cached)".to_owned()),
            )
        })
    }

    /// Whether an entry live at `now` for `key` holds an item that `wanted`
    /// accepts. A `*` entry never matches a request with credentials: it is
    /// stored only without them, and such an entry serves only requests
    /// without them.
    fn hit(&self, key: &Key<'_>, now: Duration, wanted: impl Fn(&Item) -> bool) -> bool {
        self.live(now)
            .any(|entry| entry.matches(key) && wanted(&entry.item))
    }

    /// The entries live at `now`: expired ones never count, and go at the
    /// next [`store`](PreflightCache::store).
    fn live(&self, now: Duration) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |entry| now < entry.expires)
    }

    /// Stores what an accepted preflight for `request` allowed, until
    /// `now + result.max_age` (a zero max-age stores nothing useful). An
    /// entry for the same item is renewed rather than repeated.
    pub(crate) fn store(
        &mut self,
        request: &BrowserRequest,
        result: &PreflightResult,
        now: Duration,
    ) {
        // Expired entries never count again: the clock only moves forward.
        self.entries.retain(|entry| now < entry.expires);
        let expires = now.saturating_add(result.max_age);
        let credentials = request.includes_credentials();
        let methods = result.methods.iter().cloned().map(Item::Method);
        let headers = result.headers.iter().cloned().map(Item::Header);
        for item in methods.chain(headers) {
            let star = matches!(&item, Item::Method(m) | Item::Header(m) if m == "*");
            if star && credentials {
                continue;
            }
            self.put(request, item, expires);
        }
    }

    /// Renews the entry for `item` or adds one.
    fn put(&mut self, request: &BrowserRequest, item: Item, expires: Duration) {
        let Key {
            origin,
            url,
            credentials,
        } = Key::of(request);
        let same = |entry: &&mut Entry| {
            entry.origin == origin
                && entry.url == url
                && entry.credentials == credentials
                && entry.item == item
        };
        if let Some(entry) = self.entries.iter_mut().find(same) {
            entry.expires = expires;
            return;
        }
        self.entries.push(Entry {
            origin: origin.to_owned(),
            url,
            credentials,
            item,
            expires,
        });
    }

    /// Fetch's "clear cache entries": forgets every entry for `request`'s
    /// origin and URL, as a browser does when a request that needed a
    /// preflight fails.
    pub(crate) fn clear(&mut self, request: &BrowserRequest) {
        let key = Key::of(request);
        self.entries
            .retain(|entry| !(entry.origin == key.origin && entry.url == key.url));
    }

    /// How many live entries there are at `now`.
    pub(crate) fn len(&self, now: Duration) -> usize {
        self.live(now).count()
    }
}
