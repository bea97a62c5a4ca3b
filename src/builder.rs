//! The fluent policy builder: it records the settings ([`CorsConfig`]) and
//! the origin predicates, and [`build`](CorsBuilder::build) compiles them.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use http::{HeaderValue, StatusCode};

use crate::compile::origin::{DecisionFuture, Predicates};
use crate::compile::policy::Policy;
use crate::error::{BuildError, Shape};
use crate::explain::report;
use crate::serve::layer::CorsLayer;
use crate::settings::{CorsConfig, Precedence};

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
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct CorsBuilder {
    config: CorsConfig,
    predicates: Predicates,
    /// How the settings were written, to name them in errors.
    shape: Shape,
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
    #[doc(alias = "new")]
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

    /// Allows these origins, each written exactly as browsers send it
    /// (`https://app.example.com`, `http://localhost:3000`): lowercase,
    /// no trailing slash, no default port. `"*"` allows any origin.
    /// Patterns are accepted too: `https://*.example.com` (one or more
    /// whole labels), `https://pr-*.preview.example.com` (one `*` inside a
    /// label: one or more characters of that label, never a dot) and
    /// `http://localhost:*` (any explicit port); see the guide's page on
    /// origins. Each may be given as text or as a [`HeaderValue`].
    ///
    /// Replaces the origins of an earlier call; combines with
    /// [`allow_origin_predicate`](CorsBuilder::allow_origin_predicate) and
    /// [`allow_origin_async`](CorsBuilder::allow_origin_async).
    ///
    /// # Example
    ///
    /// ```
    /// use http::HeaderValue;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com", "http://localhost:3000"])
    ///     .build()?;
    /// let previews = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://pr-*.preview.example.com", "https://*-myteam.vercel.app"])
    ///     .build()?;
    /// let from = |origin: &str| http::Request::get("/").header("origin", origin).body(());
    /// let (pr_42, _) = from("https://pr-42.preview.example.com")?.into_parts();
    /// let (empty, _) = from("https://pr-.preview.example.com")?.into_parts();
    /// assert!(previews.allows_origin(&pr_42));
    /// assert!(!previews.allows_origin(&empty));
    /// let from_values = tower_cors::CorsLayer::builder()
    ///     .allow_origins([HeaderValue::from_static("https://app.example.com")])
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "allow_origin", alias = "AllowOrigin")]
    pub fn allow_origins<I, T>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        // Origins set here are named in errors as this method names them.
        self.shape = Shape::Policy;
        self.config.allow_origins = origins
            .into_iter()
            .map(|origin| String::from_utf8_lossy(origin.as_ref()).into_owned())
            .collect();
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
    #[doc(alias = "Any", alias = "permissive", alias = "mirror_request")]
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
    /// the origin against a fixed set or a domain. A predicate that reads
    /// other request headers declares them with
    /// [`vary_on`](CorsBuilder::vary_on), so that shared caches key its
    /// answers by them too.
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
    #[doc(alias = "predicate")]
    pub fn allow_origin_predicate<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> bool + Send + Sync + 'static,
    {
        self.predicates.sync = Some(Arc::new(predicate));
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
    #[doc(alias = "async_predicate")]
    pub fn allow_origin_async<F, Fut>(mut self, decide: F) -> Self
    where
        F: Fn(HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.predicates.r#async = Some(Arc::new(move |origin, parts: &Parts| {
            Box::pin(decide(origin, parts)) as DecisionFuture
        }));
        self
    }

    /// Declares the request headers, besides `Origin`, that the origin
    /// predicates read ([`allow_origin_predicate`](CorsBuilder::allow_origin_predicate),
    /// [`allow_origin_async`](CorsBuilder::allow_origin_async)): a tenant
    /// header, `Authorization`. They join `Vary` wherever `Origin` does: on
    /// every response of the policy (preflights, actual responses, allowed
    /// or refused, and requests without `Origin`), merged with the inner
    /// service's `Vary` without duplicates. So a shared cache never serves
    /// the answer one tenant got to another. rs/cors's
    /// `AllowOriginVaryRequestFunc` returns these names per request; here
    /// they are declared once, and the values are rendered when the policy
    /// is built.
    ///
    /// Names compare case-insensitively and are sent as given; a name
    /// given twice, or `Origin`, is sent once. An invalid name (or `*`) is
    /// [`ConfigError::InvalidVaryHeader`](crate::ConfigError::InvalidVaryHeader),
    /// and the setting with any origin, whose answer varies on nothing, is
    /// [`ConfigError::VaryOnWithAnyOrigin`](crate::ConfigError::VaryOnWithAnyOrigin).
    /// Replaces the names of an earlier call.
    ///
    /// # Example
    ///
    /// ```
    /// use http::{Request, Response};
    /// use tower::{service_fn, ServiceExt};
    /// use tower_cors::CorsLayer;
    /// use tower_layer::Layer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cors = CorsLayer::builder()
    ///     .allow_origin_predicate(|origin, parts| {
    ///         // Each tenant's own front end only.
    ///         let tenant = parts.headers.get("x-tenant").and_then(|t| t.to_str().ok());
    ///         tenant.is_some_and(|t| origin.as_bytes() == format!("https://{t}.example.com").as_bytes())
    ///     })
    ///     .vary_on(["X-Tenant"])
    ///     .build()?;
    /// let handler = service_fn(|_: Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(String::new()))
    /// });
    /// let req = Request::get("/")
    ///     .header("origin", "https://acme.example.com")
    ///     .header("x-tenant", "acme")
    ///     .body(String::new())?;
    /// let res = cors.layer(handler).oneshot(req).await?;
    /// assert_eq!(res.headers()["access-control-allow-origin"], "https://acme.example.com");
    /// assert_eq!(res.headers()["vary"], "Origin, X-Tenant");
    /// # Ok(())
    /// # }
    /// ```
    #[doc(alias = "AllowOriginVaryRequestFunc", alias = "vary")]
    pub fn vary_on<I, T>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.config.vary_on = strings(headers);
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
        self.config.allow_methods = strings(methods);
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
    #[doc(alias = "Any", alias = "mirror_request")]
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
        self.config.allow_headers = strings(headers);
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
    #[doc(alias = "Any", alias = "mirror_request")]
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
        self.config.expose_headers = strings(headers);
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
    #[doc(alias = "Any")]
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
        self.config.allow_credentials = allow;
        self
    }

    /// How long browsers may cache a preflight answer
    /// (`Access-Control-Max-Age`, in whole seconds: a fraction of a second is
    /// dropped, so a duration under one second sends 0). Without it the
    /// header is not sent and browsers use their default (5 seconds); zero
    /// asks them not to cache. Browsers cap the value: Chromium at 7200
    /// seconds, Firefox at 86400, WebKit (Safari) at 600.
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
        self.config.max_age = Some(max_age.as_secs());
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
        self.config.preflight_status = status;
        self
    }

    /// Passes preflights through to the inner service, as rs/cors's
    /// `OptionsPassthrough`, express's `preflightContinue` and the
    /// `preflight_continue` of API gateways do. The layer still decides
    /// each preflight and computes its answer's CORS headers, then calls
    /// the inner service with the `OPTIONS` request and adds those headers
    /// to the handler's response, whose status and body reach the client.
    /// The policy's [`precedence`](CorsBuilder::precedence) decides
    /// between the handler's CORS headers and the layer's, as on actual
    /// responses, and the preflight's `Vary` is merged into the handler's.
    /// Off unless set: by default the inner service never sees a preflight.
    ///
    /// A refused preflight (its origin, method or a header) reaches the
    /// handler too, as with rs/cors, and the layer adds no CORS header
    /// (only `Vary`), so the browser refuses the request whatever the
    /// handler answers, unless the handler grants it itself under
    /// [`Precedence::UpstreamWins`]. Use that to serve `OPTIONS` in the
    /// handler (an `Allow` header, a body, metrics) without deciding CORS
    /// twice. With [`block_disallowed_origins`](CorsBuilder::block_disallowed_origins)
    /// a preflight whose origin is refused gets the layer's refused answer
    /// instead, as an actual request from that origin would. With
    /// [`record_decisions`](CorsBuilder::record_decisions), the handler finds
    /// [`RequestKind::Preflight`](crate::RequestKind::Preflight) (and a
    /// refused preflight's [`Refusal`](crate::Refusal)) in the request's
    /// extensions. With an asynchronous predicate, the handler runs while
    /// the origin is decided (a copy of the preflight's head is kept for
    /// the answer).
    ///
    /// # Example
    ///
    /// ```
    /// use http::{Method, Request, Response, StatusCode};
    /// use tower::{service_fn, ServiceExt};
    /// use tower_cors::CorsLayer;
    /// use tower_layer::Layer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cors = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods([Method::PUT])
    ///     .preflight_passthrough(true)
    ///     .build()?;
    /// let handler = service_fn(|req: Request<String>| async move {
    ///     assert_eq!(req.method(), Method::OPTIONS);
    ///     let mut res = Response::new(String::from("options"));
    ///     res.headers_mut().insert("allow", "GET, PUT".parse().unwrap());
    ///     Ok::<_, std::convert::Infallible>(res)
    /// });
    /// let req = Request::options("/")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(String::new())?;
    /// let res = cors.layer(handler).oneshot(req).await?;
    /// assert_eq!(res.status(), StatusCode::OK);
    /// assert_eq!(res.headers()["allow"], "GET, PUT");
    /// assert_eq!(res.headers()["access-control-allow-origin"], "https://app.example.com");
    /// assert_eq!(res.headers()["access-control-allow-methods"], "PUT");
    /// # Ok(())
    /// # }
    /// ```
    #[doc(
        alias = "OptionsPassthrough",
        alias = "preflightContinue",
        alias = "preflight_continue"
    )]
    pub fn preflight_passthrough(mut self, pass: bool) -> Self {
        self.config.preflight_passthrough = pass;
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
        self.config.refusal_status = status;
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
        self.config.precedence = precedence;
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
        self.config.block_disallowed_origins = block;
        self
    }

    /// Refuses, with the [refusal status](CorsBuilder::refusal_status),
    /// state-changing cross-origin requests and cross-origin WebSocket
    /// upgrades from origins this policy does not allow: one allow-list,
    /// [`allow_origins`](CorsBuilder::allow_origins) and the predicates,
    /// serves CORS and protection from cross-site request forgery. Browsers
    /// send a cross-origin form post, and open a WebSocket, with the user's
    /// cookies and without asking CORS; this is the check that stops them.
    /// Since forged requests carry cookies, the listed origins are checked
    /// as with [credentials](CorsBuilder::allow_credentials): no `null`,
    /// `file://`, plain `http://` or public-suffix pattern without its
    /// `dangerously_*` opt-in.
    ///
    /// A request other than `GET`, `HEAD` or `OPTIONS` is decided as Go's
    /// `CrossOriginProtection` decides it:
    ///
    /// 1. `Sec-Fetch-Site: same-origin` or `none` (the user's own action)
    ///    passes;
    /// 2. without `Sec-Fetch-Site` (older browsers), an `Origin` whose host
    ///    and port are the request's host passes, and a request with
    ///    neither header passes: it does not come from a browser;
    /// 3. otherwise the `Origin` must be one the policy allows, as for
    ///    CORS (a cross-site request without `Origin` is refused), unless
    ///    its path is one of
    ///    [`cross_origin_protection_bypass`](CorsBuilder::cross_origin_protection_bypass).
    ///
    /// Two additions to Go's rules: a `GET` with `Upgrade: websocket` is
    /// decided the same way (an upgrade without `Origin` passes: browsers
    /// always send it), since browsers apply no CORS to WebSockets; and
    /// where the request knows its scheme (an HTTP/2 request, an
    /// absolute-form URI), step 2 compares it too, since
    /// `http://api.example.com` is another origin than
    /// `https://api.example.com`. Behind a proxy that rewrites `Host` or
    /// the scheme, step 2 can no longer recognise an older browser's
    /// same-origin request: forward both unchanged. Preflights and safe
    /// methods are never refused by it. The refusal is
    /// [`Refusal::CrossOriginRequest`](crate::Refusal::CrossOriginRequest) or
    /// [`Refusal::CrossOriginWebSocket`](crate::Refusal::CrossOriginWebSocket),
    /// answered with `Cache-Control: no-store`.
    /// With policies per route ([`CorsRoutes`](crate::CorsRoutes)) each
    /// route's policy decides, and a path no policy covers is not
    /// protected. It cannot be combined with any origin (which would refuse
    /// nothing) or an asynchronous predicate (the decision comes before the
    /// inner service is called). [`CorsLayer::allows_origin`](crate::CorsLayer::allows_origin)
    /// answers the origin question for handlers that check origins
    /// themselves.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .cross_origin_protection(true)
    ///     .cross_origin_protection_bypass(["/webhooks"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn cross_origin_protection(mut self, protect: bool) -> Self {
        self.config.cross_origin_protection = protect;
        self
    }

    /// Paths that [`cross_origin_protection`](CorsBuilder::cross_origin_protection)
    /// never refuses, such as webhooks that other sites post to: a prefix
    /// (`/webhooks` covers `/webhooks` and `/webhooks/...`) or a pattern,
    /// where `*` stands for one segment and a final `**` for the rest
    /// (`/api/*/hook`), as in [`CorsRoutes`](crate::CorsRoutes); `/` is
    /// every path. Replaces the list set before. The paths are checked when
    /// the policy is built, even while the protection is off.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .cross_origin_protection(true)
    ///     .cross_origin_protection_bypass(["/webhooks", "/tenants/*/callback"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn cross_origin_protection_bypass<I, T>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.config.cross_origin_protection_bypass = paths.into_iter().map(Into::into).collect();
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
        self.config.allow_null_origin = allow;
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
        self.config.allow_file_origin = allow;
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
        self.config
            .dangerously_allow_insecure_origins_with_credentials = allow;
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
        self.config
            .dangerously_allow_null_or_file_origin_with_credentials = allow;
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
        self.config.allow_private_network = allow;
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
        self.config.record_decisions = record;
        self
    }

    /// Starts the layer in debug mode, a development aid that tells the
    /// browser why a request was refused; see
    /// [`CorsLayer::set_debug_mode`], which turns it on and off at runtime.
    /// Off unless set. Debug mode belongs to the layer: a policy of
    /// [`CorsRoutes`](crate::CorsRoutes), or a reload with
    /// `ReloadHandle::reconfigure` or `reconfigure_routes`, that asks for
    /// it turns it on for the whole layer, once the routes or the reload
    /// are in force; asking for `false` leaves the switch as it is.
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
        self.config.debug = on;
        self
    }

    /// Checks the whole policy and compiles it into a [`CorsLayer`], or
    /// returns every problem found.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer};
    ///
    /// let err = CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.errors(), &[ConfigError::AnyOriginWithCredentials]);
    /// ```
    pub fn build(self) -> Result<CorsLayer, BuildError> {
        let debug = self.config.debug;
        Ok(CorsLayer::fixed(self.compile()?, debug))
    }

    /// Whether the policy asks for debug mode.
    pub(crate) fn wants_debug(&self) -> bool {
        self.config.debug
    }

    /// Checks and compiles the policy; announces it with the `tracing`
    /// feature when it has no problem.
    pub(crate) fn compile(self) -> Result<Policy, BuildError> {
        let mut errors = Vec::new();
        let policy = Policy::compile(self.config, self.predicates, &mut errors);
        if !errors.is_empty() {
            return Err(BuildError::new(errors, self.shape));
        }
        report::built(&policy.config);
        Ok(policy)
    }

    /// Compiles the policy without reporting problems; for presets whose
    /// constants a test checks with [`build`](CorsBuilder::build).
    pub(crate) fn build_unchecked(self) -> CorsLayer {
        let debug = self.config.debug;
        let policy = Policy::compile(self.config, self.predicates, &mut Vec::new());
        report::built(&policy.config);
        CorsLayer::fixed(policy, debug)
    }

    /// Names the settings in errors as `shape` writes them.
    #[cfg(feature = "serde")]
    pub(crate) fn in_shape(mut self, shape: Shape) -> Self {
        self.shape = shape;
        self
    }
}

impl From<CorsConfig> for CorsBuilder {
    /// A builder holding these settings, to adjust (add a predicate, say)
    /// before building. The predicate flags of the configuration are not
    /// carried over: a builder gets predicates from its own methods.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, CorsConfig};
    ///
    /// let config = CorsConfig {
    ///     allow_origins: vec!["https://app.example.com".into()],
    ///     ..CorsConfig::default()
    /// };
    /// let cors = CorsBuilder::from(config)
    ///     .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".example.org"))
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    fn from(config: CorsConfig) -> Self {
        CorsBuilder {
            config,
            ..CorsBuilder::default()
        }
    }
}

impl TryFrom<CorsConfig> for CorsLayer {
    type Error = BuildError;

    /// Checks the settings and compiles them, as
    /// [`CorsBuilder::build`] does.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsConfig, CorsLayer};
    ///
    /// let config = CorsConfig {
    ///     allow_origins: vec!["https://app.example.com/".into()],
    ///     ..CorsConfig::default()
    /// };
    /// let err = CorsLayer::try_from(config).unwrap_err();
    /// assert!(matches!(&err.errors()[0], ConfigError::InvalidOrigin { value, .. } if value == "https://app.example.com/"));
    /// assert!(err.to_string().contains(r#"allow_origins: invalid origin "https://app.example.com/""#));
    /// ```
    fn try_from(config: CorsConfig) -> Result<Self, Self::Error> {
        CorsBuilder::from(config).build()
    }
}
