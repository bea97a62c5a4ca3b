//! Fetch's CORS-preflight cache, on a virtual clock.

use std::time::Duration;

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
    fn matches(&self, request: &BrowserRequest) -> bool {
        self.origin == request.origin()
            && self.url == request.url().to_string()
            && (self.credentials || !request.includes_credentials())
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
    pub(crate) fn needs_preflight(&mut self, request: &BrowserRequest, now: Duration) -> bool {
        if !request.needs_preflight() {
            return false;
        }
        self.entries.retain(|entry| now < entry.expires);
        let method = request.method();
        let method_hit = is_safelisted_method(method)
            || self.hit(request, |item| {
                matches!(item, Item::Method(m) if m == method || (m == "*" && !request.includes_credentials()))
            });
        let headers_hit = request.unsafe_headers().iter().all(|name| {
            let name = name.as_str();
            self.hit(request, |item| {
                matches!(item, Item::Header(h) if h == name
                    || (h == "*" && name != "authorization" && !request.includes_credentials()))
            })
        });
        !(method_hit && headers_hit)
    }

    /// Whether a live entry for `request` holds an item that `wanted` accepts.
    fn hit(&self, request: &BrowserRequest, wanted: impl Fn(&Item) -> bool) -> bool {
        self.entries
            .iter()
            .any(|entry| entry.matches(request) && wanted(&entry.item))
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
        let origin = request.origin().to_owned();
        let url = request.url().to_string();
        let credentials = request.includes_credentials();
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
            origin,
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
        let url = request.url().to_string();
        self.entries
            .retain(|entry| !(entry.origin == request.origin() && entry.url == url));
    }

    /// How many live entries there are at `now`.
    pub(crate) fn len(&self, now: Duration) -> usize {
        self.entries.iter().filter(|e| now < e.expires).count()
    }
}
