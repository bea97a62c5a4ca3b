//! The fluent policy builder: a thin façade that records what the user asks
//! for. [`build`](CorsBuilder::build) hands each rule to the module that
//! checks and compiles it, and gathers their problems.

use std::fmt;
use std::future::Future;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use http::{HeaderValue, StatusCode};

use crate::error::{BuildError, ConfigError};
use crate::headers;
use crate::layer::CorsLayer;
use crate::methods;
use crate::origin::{DecisionFuture, OriginRules};
use crate::policy::{self, Answers, Policy, Precedence};
use crate::report;

/// Builds a [`CorsLayer`] from a policy, checked as a whole by
/// [`build`](CorsBuilder::build).
///
/// Every setter replaces what an earlier call of the same setter set, so a
/// preset can be narrowed as well as widened:
/// `CorsBuilder::gateway().allow_methods(["GET"])` allows `GET` only.
/// `"*"` in a list is the wildcard, the same as the matching `*_any_*`
/// method. The three ways to allow origins (a list, a predicate, an
/// asynchronous predicate) combine: an origin is allowed when any of them
/// allows it.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use http::Method;
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["https://app.example.com", "https://admin.example.com"])
///     .allow_methods([Method::GET, Method::PUT])
///     .allow_headers(["content-type", "x-custom"])
///     .expose_headers(["x-request-id"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct CorsBuilder {
    origins: OriginRules,
    methods: Vec<String>,
    headers: Vec<String>,
    exposed: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
    preflight_status: StatusCode,
    refusal_status: StatusCode,
    precedence: Precedence,
    block_disallowed: bool,
    private_network: bool,
    record_decisions: bool,
    debug: bool,
    /// Debug mode's flag, when the policy shares one (a reloadable layer's).
    debug_flag: Option<Arc<AtomicBool>>,
}

impl Default for CorsBuilder {
    fn default() -> Self {
        CorsBuilder {
            origins: OriginRules::default(),
            methods: Vec::new(),
            headers: Vec::new(),
            exposed: Vec::new(),
            credentials: false,
            max_age: None,
            preflight_status: StatusCode::NO_CONTENT,
            refusal_status: StatusCode::FORBIDDEN,
            precedence: Precedence::UpstreamWins,
            block_disallowed: false,
            private_network: false,
            record_decisions: false,
            debug: false,
            debug_flag: None,
        }
    }
}

impl fmt::Debug for CorsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsBuilder")
            .field("origins", &self.origins)
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("exposed", &self.exposed)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("preflight_status", &self.preflight_status)
            .field("refusal_status", &self.refusal_status)
            .field("precedence", &self.precedence)
            .field("block_disallowed", &self.block_disallowed)
            .field("private_network", &self.private_network)
            .field("record_decisions", &self.record_decisions)
            .field("debug", &self.debug)
            .finish()
    }
}

fn strings<I, T>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    items.into_iter().map(|s| s.as_ref().to_owned()).collect()
}

impl CorsLayer {
    /// Starts a policy; see [`CorsBuilder`].
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn builder() -> CorsBuilder {
        CorsBuilder::new()
    }
}

impl CorsBuilder {
    /// An empty policy: no origin, no method or header beyond the
    /// safelisted ones, no credentials, no max-age; accepted preflights get
    /// `204 No Content`, refused ones `403 Forbidden`.
    ///
    /// # Example
    ///
    /// ```
    /// let builder = tower_cors::CorsBuilder::new().allow_any_origin();
    /// # builder.build().unwrap();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A starting point for one single-page app on `origin` that sends
    /// cookies or `Authorization`: credentials allowed, methods `GET`,
    /// `POST`, `PUT`, `PATCH`, `DELETE`, request headers `Content-Type` and
    /// `Authorization`, max-age 600 seconds. Adjust it with the other
    /// methods before [`build`](CorsBuilder::build); each replaces the
    /// preset's value (`.allow_methods(["GET"])` allows `GET` only).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsBuilder::single_page_app("https://app.example.com")
    ///     .expose_headers(["x-request-id"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn single_page_app(origin: impl AsRef<str>) -> Self {
        Self::new()
            .allow_origins([origin])
            .allow_credentials(true)
            .allow_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
            .allow_headers(["Content-Type", "Authorization"])
            .max_age(Duration::from_secs(600))
    }

    /// Allows these origins, each written exactly as browsers send it
    /// (`https://app.example.com`, `http://localhost:3000`): lowercase,
    /// no trailing slash, no default port. `"*"` allows any origin.
    /// Patterns are accepted too: `https://*.example.com` (one or more
    /// whole labels) and `http://localhost:*` (any explicit port).
    ///
    /// Replaces the origins of an earlier call; combines with
    /// [`allow_origin_predicate`](CorsBuilder::allow_origin_predicate) and
    /// [`allow_origin_async`](CorsBuilder::allow_origin_async).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com", "http://localhost:3000"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_origins<I, T>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.origins.list = strings(origins);
        self
    }

    /// Allows every origin: `Access-Control-Allow-Origin: *` on every
    /// response, the opaque origin `null` and requests without `Origin`
    /// included, so that a response stored by a shared cache serves every
    /// later request alike. Cannot be combined with credentials. The same as
    /// `allow_origins(["*"])`: it replaces the origins of an earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_any_origin(self) -> Self {
        self.allow_origins(["*"])
    }

    /// Allows the origins for which `predicate` returns `true`, given the
    /// request's `Origin` value and head. Replaces the predicate of an
    /// earlier call; combines with
    /// [`allow_origins`](CorsBuilder::allow_origins): an origin is allowed
    /// when either allows it. It is never asked about the opaque origin
    /// `null`, which only a listed `"null"` allows. The allowed origin is echoed in
    /// `Access-Control-Allow-Origin`, and with
    /// [`allow_credentials`](CorsBuilder::allow_credentials) it gets
    /// credentials: `build` cannot see what a predicate allows, so one that
    /// allows every origin gives every site the user's credentials. Check
    /// the origin against a fixed set or a domain.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origin_predicate(|origin, parts| {
    ///         origin.as_bytes().starts_with(b"http://localhost:")
    ///             && parts.uri.path().starts_with("/dev/")
    ///     })
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_origin_predicate<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> bool + Send + Sync + 'static,
    {
        self.origins.predicate = Some(Arc::new(predicate));
        self
    }

    /// Lets an asynchronous function decide the origins that the other rules
    /// do not allow: a tenant lookup in a database, a call to a
    /// configuration service. It is given the request's `Origin` value (an
    /// owned [`HeaderValue`], cheap to clone, so the future can move it) and
    /// head, and returns a `'static` future that resolves to `true` to allow
    /// the origin. Replaces the function of an earlier call; combines with
    /// the other origin rules. Like the predicate, it is never asked about
    /// `null`.
    ///
    /// The future is boxed and polled only for origins that the exact
    /// origins, patterns and synchronous predicate do not allow; a policy
    /// without an asynchronous predicate boxes nothing. An actual request
    /// is passed to the inner service at once, and the decision is polled
    /// alongside it: the handler does not wait for the decision, the
    /// response does. It cannot be combined with
    /// [`block_disallowed_origins`](CorsBuilder::block_disallowed_origins),
    /// which must decide before calling the inner service.
    ///
    /// # Example
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::Arc;
    ///
    /// let tenants: Arc<HashSet<String>> = Arc::new(["https://acme.example".to_owned()].into());
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origin_async(move |origin, _parts| {
    ///         let tenants = Arc::clone(&tenants);
    ///         async move {
    ///             // e.g. a database query
    ///             origin.to_str().is_ok_and(|origin| tenants.contains(origin))
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_origin_async<F, Fut>(mut self, decide: F) -> Self
    where
        F: Fn(HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.origins.async_predicate = Some(Arc::new(move |origin, parts: &Parts| {
            Box::pin(decide(origin, parts)) as DecisionFuture
        }));
        self
    }

    /// Allows these methods in preflights (`GET`, `HEAD` and `POST` are
    /// always allowed and need no listing). Methods compare case-sensitively,
    /// as in browsers, except the six standard methods that browsers
    /// upper-case (`put` is `PUT`, but `patch` is not `PATCH`). `"*"` allows
    /// any method (see [`allow_any_method`](CorsBuilder::allow_any_method)).
    /// Replaces the methods of an earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// use http::Method;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_methods([Method::PUT, Method::DELETE, Method::from_bytes(b"PURGE")?])
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allow_methods<I, T>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.methods = strings(methods);
        self
    }

    /// Allows any method: `Access-Control-Allow-Methods: *`. With
    /// credentials, where browsers do not accept `*`, a preflight's answer
    /// names the method it asked for instead. The same as
    /// `allow_methods(["*"])`: it replaces the methods of an earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .allow_any_method() // answers `PURGE` to a preflight for PURGE
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_any_method(self) -> Self {
        self.allow_methods(["*"])
    }

    /// Allows these request headers in preflights. Names compare
    /// case-insensitively; the answer spells them as given. `"*"` allows any
    /// header but `Authorization`, which must be listed too if wanted:
    /// `allow_headers(["*", "authorization"])`. Replaces the headers of an
    /// earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_headers(["Content-Type", "X-Custom"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_headers<I, T>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.headers = strings(headers);
        self
    }

    /// Allows any request header but `Authorization`:
    /// `Access-Control-Allow-Headers: *`. With credentials, where browsers
    /// do not accept `*`, a preflight's answer names the headers it asked
    /// for instead. The same as `allow_headers(["*"])`: it replaces the
    /// headers of an earlier call, so to allow `Authorization` as well,
    /// write `allow_headers(["*", "authorization"])`.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_any_header()
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_any_header(self) -> Self {
        self.allow_headers(["*"])
    }

    /// Lets scripts read these response headers
    /// (`Access-Control-Expose-Headers`). `"*"` exposes all of them but
    /// `Set-Cookie`, and cannot be combined with credentials. Replaces the
    /// headers of an earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .expose_headers(["X-Request-Id"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn expose_headers<I, T>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.exposed = strings(headers);
        self
    }

    /// Exposes every response header: `Access-Control-Expose-Headers: *`.
    /// Cannot be combined with credentials. The same as
    /// `expose_headers(["*"])`: it replaces the headers of an earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .expose_any_header()
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn expose_any_header(self) -> Self {
        self.expose_headers(["*"])
    }

    /// Allows credentialed requests (cookies, `Authorization`, TLS client
    /// certificates): `Access-Control-Allow-Credentials: true` on the
    /// answers to allowed origins.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.credentials = allow;
        self
    }

    /// How long browsers may cache a preflight answer
    /// (`Access-Control-Max-Age`, in whole seconds: a fraction of a second is
    /// dropped, so a duration under one second sends 0). Without it the
    /// header is not sent and browsers use their default (5 seconds); zero
    /// asks them not to cache. Browsers cap the value: Chromium at 7200
    /// seconds, Firefox at 86400.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .max_age(Duration::from_secs(3600))
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// The status of accepted preflights: a 2xx status, `204 No Content`
    /// unless set.
    ///
    /// # Example
    ///
    /// ```
    /// use http::StatusCode;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .preflight_status(StatusCode::OK)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn preflight_status(mut self, status: StatusCode) -> Self {
        self.preflight_status = status;
        self
    }

    /// The status of refused preflights (and of actual requests refused by
    /// [`block_disallowed_origins`](CorsBuilder::block_disallowed_origins)):
    /// a 4xx or 5xx status, `403 Forbidden` unless set.
    ///
    /// # Example
    ///
    /// ```
    /// use http::StatusCode;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .refusal_status(StatusCode::BAD_REQUEST)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn refusal_status(mut self, status: StatusCode) -> Self {
        self.refusal_status = status;
        self
    }

    /// Who wins when the inner service sets a CORS header too:
    /// [`Precedence::UpstreamWins`] unless set.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::Precedence;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .precedence(Precedence::LayerWins)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn precedence(mut self, precedence: Precedence) -> Self {
        self.precedence = precedence;
        self
    }

    /// When `true`, an actual CORS request from an origin that is not
    /// allowed is answered by the layer with the refusal status instead of
    /// reaching the inner service. Off unless set: the browser already
    /// keeps the response from the script, and same-site tools keep working.
    ///
    /// Browsers send `Origin` on same-origin `POST`, `PUT`, `PATCH` and
    /// `DELETE` requests too. Those that also send `Sec-Fetch-Site:
    /// same-origin` (every current engine; scripts cannot set it) are no
    /// CORS requests ([`RequestKind::NotCors`](crate::RequestKind::NotCors))
    /// and are never blocked; for older browsers, list the site's own
    /// origins in [`allow_origins`](CorsBuilder::allow_origins), or they get
    /// the refusal status on their own forms and `fetch` calls.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .block_disallowed_origins(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn block_disallowed_origins(mut self, block: bool) -> Self {
        self.block_disallowed = block;
        self
    }

    /// Lets `"null"` be listed in [`allow_origins`](CorsBuilder::allow_origins).
    ///
    /// Browsers send `Origin: null` from sandboxed frames, `data:` URLs,
    /// `file:` pages and after some cross-origin redirects, so any site can
    /// make a request that carries it: allowing `null` is close to allowing
    /// every origin. With credentials it also needs
    /// [`dangerously_allow_null_or_file_origin_with_credentials`](CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials).
    /// Predicates are never asked about `null`. Under
    /// [`allow_any_origin`](CorsBuilder::allow_any_origin) it needs nothing:
    /// `null` gets `*`, as every other origin.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_null_origin(true)
    ///     .allow_origins(["null"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_null_origin(mut self, allow: bool) -> Self {
        self.origins.opt_ins.null = allow;
        self
    }

    /// Lets `"file://"` be listed in
    /// [`allow_origins`](CorsBuilder::allow_origins), for app shells that
    /// send it from local pages. Any local file can then make requests.
    /// With credentials it also needs
    /// [`dangerously_allow_null_or_file_origin_with_credentials`](CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_file_origin(true)
    ///     .allow_origins(["file://"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_file_origin(mut self, allow: bool) -> Self {
        self.origins.opt_ins.file = allow;
        self
    }

    /// Lets plain `http://` origins other than loopback ones be allowed
    /// together with credentials.
    ///
    /// Anyone on the network path of such an origin (public Wi-Fi, a
    /// compromised router) can inject a script into it and make credentialed
    /// requests as the user; without this opt-in `build` refuses the
    /// combination. Loopback origins need no opt-in: `http://localhost`,
    /// `http://*.localhost` (with or without a trailing dot),
    /// `http://127.x.x.x`, `http://[::1]` and `http://[::ffff:7f00:1]`.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["http://intranet.example"])
    ///     .allow_credentials(true)
    ///     .dangerously_allow_insecure_origins_with_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn dangerously_allow_insecure_origins_with_credentials(mut self, allow: bool) -> Self {
        self.origins.opt_ins.insecure_with_credentials = allow;
        self
    }

    /// Lets a listed `"null"` or `"file://"` (each with its own opt-in) be
    /// allowed together with credentials.
    ///
    /// Any site can make a request whose `Origin` is `null` (a sandboxed
    /// frame, a `data:` URL), and any local file one from `file://`: with
    /// credentials, each of them could act as the user. Without this opt-in
    /// `build` refuses the combination.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_file_origin(true)
    ///     .allow_origins(["file://"])
    ///     .allow_credentials(true)
    ///     .dangerously_allow_null_or_file_origin_with_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn dangerously_allow_null_or_file_origin_with_credentials(mut self, allow: bool) -> Self {
        self.origins.opt_ins.null_or_file_with_credentials = allow;
        self
    }

    /// Answers Private Network Access preflights: when a preflight from an
    /// allowed origin carries `Access-Control-Request-Private-Network: true`,
    /// the answer carries `Access-Control-Allow-Private-Network: true`.
    /// Without this opt-in the request header is ignored: the preflight is
    /// answered as any other, without the allow header, and the browser
    /// decides.
    ///
    /// Chromium sent these preflights from version 98 to 141 without
    /// enforcing them by default, then put Private Network Access on hold:
    /// from version 142 it asks the user's permission instead (Local Network
    /// Access), with no preflight. The header matters only to browsers that
    /// still enforce the older scheme (an enterprise policy or a flag).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// Puts the layer's decisions where handlers and outer layers can read
    /// them: the request's [`RequestKind`](crate::RequestKind) into its
    /// extensions before the inner service is called, and into the
    /// extensions of every response (the inner service's and the layer's
    /// own answers); and a [`Refusal`](crate::Refusal) into the extensions
    /// of every response to a refused request (and of the request, for an
    /// actual request whose origin a synchronous rule refused).
    ///
    /// Off unless set, because it is not free: the first value put into a
    /// message's extensions allocates its map, about three allocations for
    /// each request and each refusal, where the layer otherwise allocates
    /// nothing of its own. Without it,
    /// [`RequestKind::of`](crate::RequestKind::of) classifies a request on
    /// demand, and the `tracing` feature reports every refusal.
    ///
    /// # Example
    ///
    /// ```
    /// use http::{Request, Response};
    /// use tower::{service_fn, ServiceExt};
    /// use tower_cors::{CorsLayer, Refusal, RequestKind};
    /// use tower_layer::Layer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .record_decisions(true)
    ///     .build()?;
    /// let handler = service_fn(|req: Request<String>| async move {
    ///     let kind = req.extensions().get::<RequestKind>().copied();
    ///     assert_eq!(kind, Some(RequestKind::Simple));
    ///     Ok::<_, std::convert::Infallible>(Response::new(String::new()))
    /// });
    /// let req = Request::get("/")
    ///     .header("origin", "https://evil.example")
    ///     .body(String::new())?;
    /// let res = cors.layer(handler).oneshot(req).await?;
    /// assert_eq!(res.extensions().get::<Refusal>(), Some(&Refusal::OriginNotAllowed));
    /// # Ok(())
    /// # }
    /// ```
    pub fn record_decisions(mut self, record: bool) -> Self {
        self.record_decisions = record;
        self
    }

    /// Starts the layer in debug mode, a development aid that tells the
    /// browser why a request was refused; see [`DebugSwitch`](crate::DebugSwitch),
    /// which turns it on and off at runtime. Off unless set.
    ///
    /// # Example
    ///
    /// ```
    /// // On in debug builds, off in release builds.
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["http://localhost:5173"])
    ///     .debug(cfg!(debug_assertions))
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn debug(mut self, on: bool) -> Self {
        self.debug = on;
        self
    }

    /// Checks the whole policy and compiles it into a [`CorsLayer`], or
    /// returns every problem found.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer, Wildcard};
    ///
    /// let err = CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.errors(), &[ConfigError::WildcardWithCredentials(Wildcard::Origins)]);
    /// ```
    pub fn build(self) -> Result<CorsLayer, BuildError> {
        let (layer, debug) = self.build_with_debug_off()?;
        Ok(with_debug(layer, debug))
    }

    /// Builds the policy without touching debug mode's flag, and tells
    /// whether the policy asks for debug mode. The caller turns it on once
    /// the policy is put in force, so that a refused configuration never
    /// turns on a flag it shares with the policy in force.
    pub(crate) fn build_with_debug_off(self) -> Result<(CorsLayer, bool), BuildError> {
        let debug = self.debug;
        let mut errors = Vec::new();
        let layer = self.compile_announced(&mut errors);
        if errors.is_empty() {
            Ok((layer, debug))
        } else {
            Err(BuildError::new(errors))
        }
    }

    /// Compiles the policy without reporting problems; for presets whose
    /// constants a test checks with [`build`](CorsBuilder::build).
    pub(crate) fn build_unchecked(self) -> CorsLayer {
        let debug = self.debug;
        with_debug(self.compile_announced(&mut Vec::new()), debug)
    }

    /// Compiles the policy and, when it has no problem, announces it with
    /// the `tracing` feature.
    fn compile_announced(self, errors: &mut Vec<ConfigError>) -> CorsLayer {
        let summary = report::wants_summary().then(|| self.summary());
        let layer = CorsLayer::new(self.compile(errors));
        if let (Some(summary), true) = (summary, errors.is_empty()) {
            report::built(&summary);
        }
        layer
    }

    /// Makes the policy share debug mode's `flag` (a reloadable layer's, so
    /// that its switch outlives a reconfiguration); `debug(true)` turns it
    /// on once the policy builds (in routes, once the whole table builds).
    pub(crate) fn sharing_debug(mut self, flag: &Arc<AtomicBool>) -> Self {
        self.debug_flag = Some(Arc::clone(flag));
        self
    }

    /// The policy in words, for the `tracing` event of a built policy.
    fn summary(&self) -> report::Summary {
        let or = |list: &[String], none: &str| {
            if list.is_empty() {
                none.to_owned()
            } else {
                list.join(", ")
            }
        };
        let mut origins = or(&self.origins.list, "none listed");
        if self.origins.predicate.is_some() {
            origins.push_str(" + predicate");
        }
        if self.origins.async_predicate.is_some() {
            origins.push_str(" + async predicate");
        }
        report::Summary {
            origins,
            methods: or(&self.methods, "GET, HEAD, POST (the safelisted ones)"),
            headers: or(&self.headers, "the safelisted ones"),
            exposed: or(&self.exposed, "none"),
            credentials: self.credentials,
            max_age: self.max_age.map_or_else(
                || "not sent (browsers cache a preflight for 5 s)".to_owned(),
                |age| format!("{} s", age.as_secs()),
            ),
            private_network: self.private_network,
            precedence: format!("{:?}", self.precedence),
            block_disallowed: self.block_disallowed,
        }
    }

    /// The policy as it was asked for, in the shape of a configuration
    /// file. A predicate is recorded only as being set, and a max-age in
    /// whole seconds.
    #[cfg(feature = "serde")]
    fn to_config(&self) -> crate::config::CorsConfig {
        let mut config = crate::config::CorsConfig::default();
        config.allow_origins.clone_from(&self.origins.list);
        config.allow_methods.clone_from(&self.methods);
        config.allow_headers.clone_from(&self.headers);
        config.expose_headers.clone_from(&self.exposed);
        config.allow_credentials = self.credentials;
        config.max_age = self.max_age.map(|age| age.as_secs());
        config.preflight_status = self.preflight_status;
        config.refusal_status = self.refusal_status;
        config.precedence = self.precedence;
        config.block_disallowed_origins = self.block_disallowed;
        config.allow_private_network = self.private_network;
        config.allow_null_origin = self.origins.opt_ins.null;
        config.allow_file_origin = self.origins.opt_ins.file;
        config.dangerously_allow_insecure_origins_with_credentials =
            self.origins.opt_ins.insecure_with_credentials;
        config.dangerously_allow_null_or_file_origin_with_credentials =
            self.origins.opt_ins.null_or_file_with_credentials;
        config.record_decisions = self.record_decisions;
        config.debug = self.debug;
        config.set_predicates(
            self.origins.predicate.is_some(),
            self.origins.async_predicate.is_some(),
        );
        config
    }

    /// Hands each rule to the module that checks and compiles it.
    fn compile(self, errors: &mut Vec<ConfigError>) -> Policy {
        #[cfg(feature = "serde")]
        let config = self.to_config();
        let credentials = self.credentials;
        let debug = self.debug_flag.clone().unwrap_or_default();
        if self.origins.async_predicate.is_some() && self.block_disallowed {
            errors.push(ConfigError::AsyncOriginWithBlocking);
        }
        let mut policy = Policy {
            origins: self.origins.compile(credentials, errors),
            methods: methods::compile(&self.methods, credentials, errors),
            headers: headers::compile_allowed(&self.headers, credentials, errors),
            exposed: headers::compile_exposed(&self.exposed, credentials, errors),
            credentials,
            private_network: self.private_network,
            precedence: self.precedence,
            block_disallowed: self.block_disallowed,
            record_decisions: self.record_decisions,
            debug,
            answers: Answers::default(),
            #[cfg(feature = "serde")]
            config,
        };
        policy::check_statuses(self.preflight_status, self.refusal_status, errors);
        let max_age = self
            .max_age
            .and_then(|age| headers::header_value(&age.as_secs().to_string()));
        policy.answers =
            Answers::compile(&policy, max_age, self.preflight_status, self.refusal_status);
        policy
    }
}

/// `layer`, with debug mode turned on when its policy asked for it: done
/// once the policy is put in force, never by a build that failed.
fn with_debug(layer: CorsLayer, debug: bool) -> CorsLayer {
    if debug {
        layer.debug_switch().enable();
    }
    layer
}
