//! The browser: a preflight cache on a virtual clock, and the `fetch()`
//! builder that sends a script's request to a tower service.

use std::fmt::Display;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;

use http::{HeaderMap, Request, Response, StatusCode};
use tower_service::Service;

use super::blocked::{bounded, Blocked, Rule, Stage};
use super::body::{service_body, RequestBody, ScriptBody};
use super::cache::PreflightCache;
use super::engine::Engine;
use super::outcome::{Exchange, Journal, Outcome};
use super::request::{BrowserRequest, InvalidRequest};

/// A browser: the CORS-preflight cache and a virtual clock, shared by the
/// requests sent with [`fetch`](Browser::fetch).
///
/// Preflight answers are cached for their `Access-Control-Max-Age` (5 s
/// when absent). By default the browser follows the Fetch Standard, which
/// sets no cap; [`engine`](Browser::engine) makes it judge and cache as
/// Chromium, Firefox or WebKit does (Chromium caps the cache at 2 hours).
/// Time passes only with [`advance`](Browser::advance).
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use axum::{http::StatusCode, routing::put, Router};
/// use cors_check::{Browser, Engine};
///
/// const ANY: (&str, &str) = ("access-control-allow-origin", "*");
///
/// // The preflight's answer asks for two days of caching.
/// let app: Router = Router::new().route(
///     "/items",
///     put(|| async { ([ANY], "saved") }).options(|| async {
///         let allow = [ANY, ("access-control-allow-methods", "PUT"), ("access-control-max-age", "172800")];
///         (StatusCode::NO_CONTENT, allow)
///     }),
/// );
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut browser = Browser::new().engine(Engine::Chromium);
/// let first = browser.fetch(&app).from("https://app.example.com").put("/items").run().await;
/// assert!(first.is_allowed() && first.preflight_sent(), "{first}");
/// let second = browser.fetch(&app).from("https://app.example.com").put("/items").run().await;
/// assert!(second.is_allowed() && !second.preflight_sent(), "{second}");
/// browser.advance(Duration::from_secs(3 * 60 * 60)); // past the 2-hour cap
/// let third = browser.fetch(&app).from("https://app.example.com").put("/items").run().await;
/// assert!(third.preflight_sent());
/// # });
/// ```
#[derive(Clone, Debug, Default)]
pub struct Browser {
    cache: PreflightCache,
    now: Duration,
    engine: Engine,
    /// A cap on `Access-Control-Max-Age` of one's own, which replaces the
    /// engine's whatever the order they were set in.
    cap: Option<Duration>,
}

impl Browser {
    /// A browser with an empty preflight cache, at time zero.
    ///
    /// # Example
    ///
    /// ```
    /// let browser = cors_check::Browser::new();
    /// assert_eq!(browser.cached_entries(), 0);
    /// ```
    pub fn new() -> Browser {
        Browser::default()
    }

    /// The same browser judging as `engine` does: its deviations from the
    /// Fetch Standard (see [`Engine`]) and its cap on
    /// `Access-Control-Max-Age`.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::{Browser, Engine};
    ///
    /// let safari = Browser::new().engine(Engine::WebKit);
    /// assert_eq!(safari.judged_by(), Engine::WebKit);
    /// ```
    pub fn engine(mut self, engine: Engine) -> Browser {
        self.engine = engine;
        self
    }

    /// The cap on `Access-Control-Max-Age` in force: one's own, or the
    /// engine's (`None`: none).
    fn cap(&self) -> Option<Duration> {
        self.cap.or(self.engine.max_age_cap())
    }

    /// Whose rules this browser applies (see [`engine`](Browser::engine)).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(cors_check::Browser::new().judged_by(), cors_check::Engine::Standard);
    /// ```
    pub fn judged_by(&self) -> Engine {
        self.engine
    }

    /// The same browser with `cap` as its limit on `Access-Control-Max-Age`
    /// instead of its engine's (none for the Fetch Standard), whether the
    /// engine is set before or after.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let cautious = cors_check::Browser::new().max_age_cap(Duration::from_secs(60));
    /// # let _ = cautious;
    /// ```
    pub fn max_age_cap(mut self, cap: Duration) -> Browser {
        self.cap = Some(cap);
        self
    }

    /// Moves the virtual clock forward by `by`; cache entries older than
    /// their max-age expire.
    ///
    /// # Example
    ///
    /// See [`Browser`].
    pub fn advance(&mut self, by: Duration) {
        self.now = self.now.saturating_add(by);
    }

    /// The time on the browser's virtual clock: zero at the start, moved
    /// only by [`advance`](Browser::advance).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut browser = cors_check::Browser::new();
    /// browser.advance(Duration::from_secs(90));
    /// assert_eq!(browser.now(), Duration::from_secs(90));
    /// ```
    pub fn now(&self) -> Duration {
        self.now
    }

    /// How many cache entries (one per allowed method or header name) are
    /// still live.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(cors_check::Browser::new().cached_entries(), 0);
    /// ```
    pub fn cached_entries(&self) -> usize {
        self.cache.len(self.now)
    }

    /// A `fetch()` from this browser to `service`, sharing its cache.
    ///
    /// # Example
    ///
    /// See [`Browser`].
    pub fn fetch<'a, S>(&'a mut self, service: &'a S) -> Fetch<'a, S> {
        Fetch::new(Slot::Borrowed(self), service)
    }
}

/// A `fetch()` to `service` from a fresh browser (empty preflight cache).
///
/// # Example
///
/// ```
/// use std::convert::Infallible;
/// use cors_check::{check, Rule};
/// use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};
/// use http::{HeaderValue, Method, Request, Response, StatusCode};
///
/// // Allows https://app.example.com, with credentials, to PUT; refuses the
/// // preflights of other origins with 403.
/// let app = tower::service_fn(|request: Request<String>| async move {
///     let origin = request.headers().get(ORIGIN).filter(|o| *o == "https://app.example.com").cloned();
///     let mut response = Response::new(String::new());
///     let headers = response.headers_mut();
///     if request.method() == Method::OPTIONS {
///         if origin.is_none() {
///             *response.status_mut() = StatusCode::FORBIDDEN;
///             return Ok::<_, Infallible>(response);
///         }
///         headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("PUT"));
///         *response.status_mut() = StatusCode::NO_CONTENT;
///     }
///     if let Some(origin) = origin {
///         let headers = response.headers_mut();
///         headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
///         headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
///     }
///     Ok(response)
/// });
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let outcome = check(&app).body_type::<String>().from("https://app.example.com").put("/items").credentials().run().await;
/// assert!(outcome.is_allowed(), "{outcome}");
/// assert!(outcome.can_read("content-type"));
///
/// let outcome = check(&app).body_type::<String>().from("https://evil.example").delete("/items").run().await;
/// assert_eq!(outcome.blocked().map(|b| b.rule()), Some(&Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)));
/// # });
/// ```
pub fn check<S>(service: &S) -> Fetch<'_, S> {
    Fetch::fresh(service)
}

/// The browser a [`Fetch`] uses: its own fresh one, or a shared one.
enum Slot<'a> {
    Owned(Browser),
    Borrowed(&'a mut Browser),
}

impl Slot<'_> {
    fn get(&mut self) -> &mut Browser {
        match self {
            Slot::Owned(browser) => browser,
            Slot::Borrowed(browser) => browser,
        }
    }
}

/// A script's `fetch()` to a tower service, to describe and then
/// [`run`](Fetch::run).
///
/// The page's origin is required ([`from`](Fetch::from)). The target is a
/// path (under `http://api.test`) or an absolute URL; the method defaults
/// to `GET /`.
///
/// The requests carry a [`ScriptBody`] (the script's
/// [`body`](Fetch::body), or empty), which services that take any body
/// type (an axum `Router`) accept; for a service that takes one body type,
/// name it with [`body_type`](Fetch::body_type).
///
/// # Example
///
/// See [`check`].
pub struct Fetch<'a, S, B = ScriptBody> {
    browser: Slot<'a>,
    service: &'a S,
    origin: Option<String>,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    credentials: bool,
    no_cors: bool,
    engine: Option<Engine>,
    body: Option<RequestBody>,
    body_type: PhantomData<fn() -> B>,
}

impl<'a, S> Fetch<'a, S> {
    fn new(browser: Slot<'a>, service: &'a S) -> Fetch<'a, S> {
        Fetch {
            browser,
            service,
            origin: None,
            method: "GET".to_owned(),
            url: "/".to_owned(),
            headers: Vec::new(),
            credentials: false,
            no_cors: false,
            engine: None,
            body: None,
            body_type: PhantomData,
        }
    }

    /// A fetch with a fresh browser (see [`check`]).
    fn fresh(service: &'a S) -> Fetch<'a, S> {
        Fetch::new(Slot::Owned(Browser::default()), service)
    }
}

impl<'a, S, B> Fetch<'a, S, B> {
    /// The request body type of a service that takes one body type (the
    /// default, [`ScriptBody`], suits services that take any). A
    /// [`body`](Fetch::body) reaches the service as [`ScriptBody`],
    /// `Vec<u8>`, `Bytes` or `String` (decoded as UTF-8, invalid bytes
    /// replaced); a request of any other type carries its `Default` value,
    /// empty.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::check;
    /// use http::{HeaderValue, Request, Response};
    ///
    /// // A service that takes `Request<String>` and allows any origin.
    /// let app = tower::service_fn(|_: Request<String>| async {
    ///     let mut response = Response::new(String::new());
    ///     let any = HeaderValue::from_static("*");
    ///     response.headers_mut().insert("access-control-allow-origin", any);
    ///     Ok::<_, std::convert::Infallible>(response)
    /// });
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let outcome = check(&app).body_type::<String>().from("https://app.example.com").run().await;
    /// assert!(outcome.is_allowed(), "{outcome}");
    /// # });
    /// ```
    pub fn body_type<T: Default>(self) -> Fetch<'a, S, T> {
        Fetch {
            browser: self.browser,
            service: self.service,
            origin: self.origin,
            method: self.method,
            url: self.url,
            headers: self.headers,
            credentials: self.credentials,
            no_cors: self.no_cors,
            engine: self.engine,
            body: self.body,
            body_type: PhantomData,
        }
    }

    /// The script's request body (`fetch(url, { body })`), with the
    /// `Content-Type` the browser adds for its kind unless the script set
    /// one (see [`RequestBody`]).
    ///
    /// # Example
    ///
    /// A POST of JSON, which its `Content-Type` makes preflighted, and one
    /// of a `FormData`, which stays simple.
    ///
    /// ```
    /// use axum::{routing::post, Router};
    /// use cors_check::{check, RequestBody};
    ///
    /// let any = [("access-control-allow-origin", "*"), ("access-control-allow-headers", "content-type")];
    /// let app: Router = Router::new().route(
    ///     "/items",
    ///     post(move |body: String| async move { (any, format!("got {} bytes", body.len())) })
    ///         .options(move || async move { any }),
    /// );
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let json = check(&app)
    ///     .from("https://app.example.com")
    ///     .post("/items")
    ///     .header("content-type", "application/json")
    ///     .body(RequestBody::text(r#"{"name":"cat"}"#))
    ///     .run()
    ///     .await;
    /// assert!(json.is_allowed() && json.preflight_sent(), "{json}");
    ///
    /// let form = check(&app)
    ///     .from("https://app.example.com")
    ///     .post("/items")
    ///     .body(RequestBody::form_data([("name", "cat"), ("age", "3")]))
    ///     .run()
    ///     .await;
    /// assert!(form.is_allowed() && !form.preflight_sent(), "{form}");
    /// let sent = &form.exchanges()[0].request;
    /// assert!(sent.headers()["content-type"].to_str().unwrap().starts_with("multipart/form-data; boundary="));
    /// # });
    /// ```
    pub fn body(mut self, body: RequestBody) -> Self {
        self.body = Some(body);
        self
    }

    /// The page's origin, as the browser serializes it
    /// (`https://app.example.com`, `http://localhost:3000`, `null`).
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn from(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self
    }

    /// `method` as the script writes it (`fetch()` upper-cases only
    /// `delete`, `get`, `head`, `options`, `post` and `put`) to `path`.
    ///
    /// # Example
    ///
    /// ```
    /// # use cors_check::check;
    /// # let app = tower::service_fn(|_: http::Request<String>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let fetch = check(&app).from("https://app.example.com").method("QUERY", "/search");
    /// # let _ = fetch;
    /// ```
    pub fn method(mut self, method: &str, path: &str) -> Self {
        method.clone_into(&mut self.method);
        path.clone_into(&mut self.url);
        self
    }

    /// `GET path`.
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn get(self, path: &str) -> Self {
        self.method("GET", path)
    }

    /// `HEAD path`.
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn head(self, path: &str) -> Self {
        self.method("HEAD", path)
    }

    /// `POST path`.
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn post(self, path: &str) -> Self {
        self.method("POST", path)
    }

    /// `PUT path`.
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn put(self, path: &str) -> Self {
        self.method("PUT", path)
    }

    /// `PATCH path` (upper case: `method("patch", path)` is another method).
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn patch(self, path: &str) -> Self {
        self.method("PATCH", path)
    }

    /// `DELETE path`.
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn delete(self, path: &str) -> Self {
        self.method("DELETE", path)
    }

    /// A request header set by the script (repeatable); see
    /// [`BrowserRequest::header`].
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Mode `"no-cors"` (`fetch(url, { mode: "no-cors" })`): no preflight
    /// and no CORS check; from another origin the script gets an opaque
    /// response ([`Outcome::is_opaque`]), from its own a readable one. See
    /// [`BrowserRequest::no_cors`].
    ///
    /// # Example
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use cors_check::check;
    ///
    /// let app: Router = Router::new().route("/pixel", get(|| async { "GIF89a" }));
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let outcome = check(&app).from("https://app.example.com").get("/pixel").no_cors().run().await;
    /// assert!(outcome.is_opaque() && outcome.actual_sent(), "{outcome}");
    /// assert_eq!(outcome.status(), None);
    /// # });
    /// ```
    pub fn no_cors(mut self) -> Self {
        self.no_cors = true;
        self
    }

    /// Credentials mode `"include"`: cookies go along, and the answer must
    /// name the origin and send `Access-Control-Allow-Credentials: true`.
    ///
    /// # Example
    ///
    /// See [`check`].
    pub fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// Judges this request as `engine` does (see [`Engine`]); by default,
    /// as the browser's engine, the Fetch Standard for [`check`]. A fresh
    /// browser from [`check`] also takes the engine's cache cap; a shared
    /// [`Browser`] keeps its own (set it with [`Browser::engine`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::{check, Engine};
    /// # let app = tower::service_fn(|_: http::Request<String>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// let fetch = check(&app).engine(Engine::Firefox).from("https://app.example.com");
    /// # let _ = fetch;
    /// ```
    pub fn engine(mut self, engine: Engine) -> Self {
        if let Slot::Owned(browser) = &mut self.browser {
            *browser = std::mem::take(browser).engine(engine);
        }
        self.engine = Some(engine);
        self
    }

    /// Sends the request as a browser would: a preflight first when needed
    /// and not cached, then, if it passed, the actual request, following
    /// its redirects (see the [crate] docs); the response body is dropped
    /// unread. Never panics: a service error is a
    /// blocked [`Rule::NetworkError`], a request `fetch()` refuses is
    /// [`rejected`](Outcome::rejected).
    ///
    /// # Example
    ///
    /// See [`check`].
    pub async fn run<R>(mut self) -> Outcome
    where
        S: Service<Request<B>, Response = Response<R>> + Clone,
        S::Error: Display,
        B: Default + 'static,
    {
        let engine = self.engine.unwrap_or(self.browser.get().engine);
        let request = match self.request() {
            Ok(request) => request.engine(engine),
            Err(why) => return self.refused(why, engine),
        };
        let browser = self.browser.get();
        let (outcome, last) = exchange(browser, self.service, &request).await;
        // Fetch: a request that needed a preflight and ends in a network
        // error (a CORS failure or a service error) clears the cache
        // entries of its origin and current URL (the last of a redirect
        // chain).
        if outcome.is_blocked() && last.needs_preflight() {
            browser.cache.clear(&last);
        }
        outcome
    }

    /// The script's request, or why `fetch()` refuses it.
    fn request(&self) -> Result<BrowserRequest, InvalidRequest> {
        let origin = self.origin.as_deref().ok_or_else(|| {
            InvalidRequest::new(
                "no page origin: call .from(\"https://app.example.com\")".to_owned(),
            )
        })?;
        let mut request =
            BrowserRequest::new(origin, &self.method, &self.url)?.credentials(self.credentials);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        if self.no_cors {
            request = request.no_cors();
        }
        match request.invalid() {
            Some(refused) => Err(refused.clone()),
            None => Ok(request),
        }
    }

    /// The outcome of a request `fetch()` refuses, for `why`, judged by
    /// `engine`.
    fn refused(&self, why: InvalidRequest, engine: Engine) -> Outcome {
        let journal = Journal {
            summary: format!(
                "{} {} from {}",
                bounded(self.method.as_bytes()),
                bounded(self.url.as_bytes()),
                bounded(self.origin.as_deref().unwrap_or("no origin").as_bytes())
            ),
            engine,
            ..Journal::default()
        };
        Outcome::refused_by_fetch(journal, why)
    }
}

/// Sends `request` as the browser does: a preflight first when its cache
/// does not cover the request, then, if it passed, the actual request; at
/// a redirect, the same again for the request it turns into. Returns the
/// outcome and the last request (after redirects), and leaves clearing the
/// cache after a failure to the caller.
async fn exchange<S, B, R>(
    browser: &mut Browser,
    service: &S,
    request: &BrowserRequest,
) -> (Outcome, BrowserRequest)
where
    S: Service<Request<B>, Response = Response<R>> + Clone,
    S::Error: Display,
    B: Default + 'static,
{
    let mut journal = Journal {
        summary: format!(
            "{} {} from {}",
            request.method(),
            request.url(),
            request.origin()
        ),
        engine: request.judged_by(),
        ..Journal::default()
    };
    let mut request = request.clone();
    let mut redirects = 0;
    loop {
        if browser.cache.needs_preflight(&request, browser.now) {
            let cap = browser.cap();
            let check =
                |status, headers: &HeaderMap| request.check_preflight_capped(status, headers, cap);
            match round_trip(service, &request, &mut journal, Stage::Preflight, check).await {
                Ok((_, mut result)) => {
                    if journal.standard_blocks.is_none() {
                        journal.standard_blocks = result.standard_blocks.take();
                    }
                    if request.judged_by().caches_preflights_for_ip_hosts()
                        || !host_is_ip_address(request.url())
                    {
                        browser.cache.store(&request, &result, browser.now);
                    }
                }
                Err(blocked) => return (Outcome::refused(journal, blocked), request),
            }
        } else if journal.standard_blocks.is_none() {
            // A cached `*` let `Authorization` through where the engine
            // allows it: the standard would have needed it by name.
            journal.standard_blocks = browser
                .cache
                .wildcard_covered_authorization(&request, browser.now);
        }
        // The CORS check applies to a redirect too, before it is followed;
        // a cross-origin no-cors request has none, and is opaque.
        let opaque = request.is_no_cors() && !request.is_same_origin();
        let check = |status, headers: &HeaderMap| {
            let readable = match opaque {
                true => None,
                false => Some(request.check_response(status, headers)?),
            };
            Ok((readable, redirect_location(status, headers)))
        };
        let (status, location) =
            match round_trip(service, &request, &mut journal, Stage::Actual, check).await {
                Ok((status, (Some(readable), None))) => {
                    return (Outcome::allowed(journal, status, readable), request)
                }
                Ok((_, (None, None))) => return (Outcome::opaque(journal), request),
                Ok((status, (_, Some(location)))) => (status, location),
                Err(blocked) => return (Outcome::refused(journal, blocked), request),
            };
        let next = match (redirects < MAX_REDIRECTS, location) {
            (true, Ok(location)) => request.redirected(status, &location),
            (true, Err(several)) => Err(several),
            (false, _) => Err(format!(
                "it would be redirect {}, and browsers follow {MAX_REDIRECTS}",
                MAX_REDIRECTS + 1
            )),
        };
        redirects += 1;
        match next {
            Ok(next) => request = next,
            Err(why) => {
                let blocked = request.blocked(Stage::Actual, Rule::RedirectNotFollowed(why), None);
                return (Outcome::refused(journal, blocked), request);
            }
        }
    }
}

/// How many redirects a browser follows for one request (Fetch: the 21st
/// is a network error).
const MAX_REDIRECTS: usize = 20;

/// The `Location` of a redirect status (301, 302, 303, 307, 308); `None`
/// for any other status or without `Location`, when the response is the
/// script's, as Fetch has it; an error for several `Location` lines.
fn redirect_location(status: StatusCode, headers: &HeaderMap) -> Option<Result<Vec<u8>, String>> {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let mut lines = headers.get_all(http::header::LOCATION).iter();
    let first = lines.next()?;
    Some(match lines.next() {
        None => Ok(first.as_bytes().to_vec()),
        Some(_) => Err("it has several Location headers".to_owned()),
    })
}

/// Whether the URL's host is an IPv4 or (bracketed) IPv6 address rather
/// than a name.
fn host_is_ip_address(url: &http::Uri) -> bool {
    url.host().is_some_and(|host| {
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok()
    })
}

/// Sends the `stage` request for `request` (built once), records it in
/// `journal` and the answer too, and checks the answer with `check`; a
/// service error is a blocked [`Rule::NetworkError`].
async fn round_trip<S, B, R, T>(
    service: &S,
    request: &BrowserRequest,
    journal: &mut Journal,
    stage: Stage,
    check: impl FnOnce(StatusCode, &HeaderMap) -> Result<T, Blocked>,
) -> Result<(StatusCode, T), Blocked>
where
    S: Service<Request<B>, Response = Response<R>> + Clone,
    S::Error: Display,
    B: Default + 'static,
{
    let (sent, body) = match stage {
        Stage::Preflight => (request.preflight(), None),
        Stage::Actual => (request.actual(), request.body_bytes()),
    };
    journal.sent.push(stage);
    let (status, headers) = send(service, sent.clone(), body)
        .await
        .map_err(|error| request.blocked(stage, Rule::NetworkError(error), None))?;
    let checked = check(status, &headers);
    journal
        .exchanges
        .push(Exchange::new(stage, sent, status, headers));
    checked.map(|value| (status, value))
}

/// Sends `request` with `body` to a clone of `service`, once it is ready,
/// and returns the answer's head; the answer's body is dropped. A service
/// error is returned as (bounded) text.
async fn send<S, B, R>(
    service: &S,
    request: Request<()>,
    body: Option<Bytes>,
) -> Result<(StatusCode, HeaderMap), String>
where
    S: Service<Request<B>, Response = Response<R>> + Clone,
    S::Error: Display,
    B: Default + 'static,
{
    let mut service = service.clone();
    let text = |error: S::Error| bounded(error.to_string().as_bytes());
    std::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .map_err(text)?;
    let response = service
        .call(request.map(|()| service_body::<B>(body)))
        .await
        .map_err(text)?;
    let (parts, _body) = response.into_parts();
    Ok((parts.status, parts.headers))
}
