//! The fluent policy builder: turns what the user asks for into a validated,
//! precomputed policy, or into every problem at once.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::classify::is_forbidden_request_header;
use crate::error::{BuildError, ConfigError, HeaderList, Wildcard};
use crate::layer::CorsLayer;
use crate::merge::Precedence;
use crate::origin::{
    self, AsyncOriginPredicate, Configured, OriginDecision, OriginMatcher, OriginPredicate,
};
use crate::policy::{HeaderRule, MethodRule, Policy, Spec};

/// Builds a [`CorsLayer`] from a policy, checked as a whole by
/// [`build`](CorsBuilder::build).
///
/// List methods add to what earlier calls gave; `"*"` in a list is the
/// wildcard, the same as the matching `*_any_*` method.
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
    origins: Vec<String>,
    predicates: Vec<OriginPredicate>,
    async_predicate: Option<AsyncOriginPredicate>,
    methods: Vec<String>,
    headers: Vec<String>,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
    preflight_status: StatusCode,
    refusal_status: StatusCode,
    precedence: Precedence,
    block_disallowed: bool,
    origin_opt_ins: OriginOptIns,
    private_network: bool,
}

/// Origins that are refused unless the user opts in by name.
#[derive(Debug, Clone, Copy, Default)]
struct OriginOptIns {
    null: bool,
    file: bool,
    insecure_with_credentials: bool,
}

impl Default for CorsBuilder {
    fn default() -> Self {
        CorsBuilder {
            origins: Vec::new(),
            predicates: Vec::new(),
            async_predicate: None,
            methods: Vec::new(),
            headers: Vec::new(),
            expose: Vec::new(),
            credentials: false,
            max_age: None,
            preflight_status: StatusCode::NO_CONTENT,
            refusal_status: StatusCode::FORBIDDEN,
            precedence: Precedence::UpstreamWins,
            block_disallowed: false,
            origin_opt_ins: OriginOptIns::default(),
            private_network: false,
        }
    }
}

impl fmt::Debug for CorsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsBuilder")
            .field("origins", &self.origins)
            .field("predicates", &self.predicates.len())
            .field("async_predicate", &self.async_predicate.is_some())
            .field("methods", &self.methods)
            .field("headers", &self.headers)
            .field("expose", &self.expose)
            .field("credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("preflight_status", &self.preflight_status)
            .field("refusal_status", &self.refusal_status)
            .field("precedence", &self.precedence)
            .field("block_disallowed", &self.block_disallowed)
            .field("origin_opt_ins", &self.origin_opt_ins)
            .field("private_network", &self.private_network)
            .finish()
    }
}

fn strings<I, T>(items: I) -> impl Iterator<Item = String>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    items.into_iter().map(|s| s.as_ref().to_owned())
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
    /// methods before [`build`](CorsBuilder::build).
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
        self.origins.extend(strings(origins));
        self
    }

    /// Allows every origin: `Access-Control-Allow-Origin: *`. Cannot be
    /// combined with credentials. The opaque origin `null` is not covered:
    /// see [`allow_null_origin`](CorsBuilder::allow_null_origin).
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
    /// request's `Origin` value and head. Combines with
    /// [`allow_origins`](CorsBuilder::allow_origins): an origin is allowed
    /// when any of them allows it. The allowed origin is echoed in
    /// `Access-Control-Allow-Origin`, and with
    /// [`allow_credentials`](CorsBuilder::allow_credentials) it gets
    /// credentials: `build` cannot see what a predicate allows, so one that
    /// allows every origin (or `null`) gives every site the user's
    /// credentials. Check the origin against a fixed set or a domain.
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
        self.predicates.push(Arc::new(predicate));
        self
    }

    /// Lets an asynchronous function decide the origins that the other rules
    /// do not allow: a tenant lookup in a database, a call to a
    /// configuration service. It is given the request's `Origin` value and
    /// head, takes from them what it needs, and returns a future (`'static`,
    /// so it owns what it uses) that resolves to `true` to allow the origin.
    /// A later call replaces an earlier one.
    ///
    /// The future is boxed and polled only for origins that the exact
    /// origins, patterns and synchronous predicates do not allow; a policy
    /// without an asynchronous predicate boxes nothing. An actual request
    /// is passed to the inner service at once, and the decision is awaited
    /// before its response. It cannot be combined with
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
    ///         let origin = origin.to_str().unwrap_or_default().to_owned();
    ///         async move {
    ///             // e.g. a database query
    ///             tenants.contains(&origin)
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_origin_async<F, Fut>(mut self, decide: F) -> Self
    where
        F: Fn(&HeaderValue, &Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.async_predicate = Some(Arc::new(move |origin: &HeaderValue, parts: &Parts| {
            Box::pin(decide(origin, parts)) as OriginDecision
        }));
        self
    }

    /// Allows these methods in preflights (`GET`, `HEAD` and `POST` are
    /// always allowed and need no listing). Methods compare case-sensitively,
    /// as in browsers, except the six standard methods that browsers
    /// upper-case (`put` is `PUT`, but `patch` is not `PATCH`). `"*"` allows
    /// any method.
    ///
    /// # Example
    ///
    /// ```
    /// use http::Method;
    ///
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_methods([Method::PUT, Method::DELETE])
    ///     .allow_methods(["PURGE"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_methods<I, T>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.methods.extend(strings(methods));
        self
    }

    /// Allows any method: `Access-Control-Allow-Methods: *`. Cannot be
    /// combined with credentials.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_any_method()
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_any_method(self) -> Self {
        self.allow_methods(["*"])
    }

    /// Allows these request headers in preflights. Names compare
    /// case-insensitively; the answer spells them as given. `"*"` allows any
    /// header but `Authorization`, which must be listed too if wanted.
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
        self.headers.extend(strings(headers));
        self
    }

    /// Allows any request header but `Authorization`:
    /// `Access-Control-Allow-Headers: *`. Cannot be combined with
    /// credentials.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_any_origin()
    ///     .allow_any_header()
    ///     .allow_headers(["authorization"]) // `*` never covers it
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn allow_any_header(self) -> Self {
        self.allow_headers(["*"])
    }

    /// Lets scripts read these response headers
    /// (`Access-Control-Expose-Headers`). `"*"` exposes all of them but
    /// `Set-Cookie`.
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
        self.expose.extend(strings(headers));
        self
    }

    /// Exposes every response header: `Access-Control-Expose-Headers: *`.
    /// Cannot be combined with credentials.
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
    /// every origin. `*` never covers it.
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
        self.origin_opt_ins.null = allow;
        self
    }

    /// Lets `"file://"` be listed in
    /// [`allow_origins`](CorsBuilder::allow_origins), for app shells that
    /// send it from local pages. Any local file can then make requests.
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
        self.origin_opt_ins.file = allow;
        self
    }

    /// Lets plain `http://` origins other than loopback ones be allowed
    /// together with credentials.
    ///
    /// Anyone on the network path of such an origin (public Wi-Fi, a
    /// compromised router) can inject a script into it and make credentialed
    /// requests as the user; without this opt-in `build` refuses the
    /// combination. `http://localhost`, `http://*.localhost`,
    /// `http://127.x.x.x` and `http://[::1]` need no opt-in.
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
        self.origin_opt_ins.insecure_with_credentials = allow;
        self
    }

    /// Answers Private Network Access preflights: when a preflight from an
    /// allowed origin carries `Access-Control-Request-Private-Network: true`,
    /// the answer carries `Access-Control-Allow-Private-Network: true`.
    /// Without this opt-in such preflights are refused.
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
        let mut errors = Vec::new();
        let spec = self.compile(&mut errors);
        if errors.is_empty() {
            Ok(CorsLayer::from_policy(Policy::new(spec)))
        } else {
            Err(BuildError::new(errors))
        }
    }

    /// Compiles the policy without reporting problems; for presets whose
    /// constants a test checks with [`build`](CorsBuilder::build).
    pub(crate) fn build_unchecked(self) -> CorsLayer {
        CorsLayer::from_policy(Policy::new(self.compile(&mut Vec::new())))
    }

    fn compile(self, errors: &mut Vec<ConfigError>) -> Spec {
        if self.async_predicate.is_some() && self.block_disallowed {
            errors.push(ConfigError::AsyncOriginWithBlocking);
        }
        let origins = compile_origins(
            &self.origins,
            self.predicates,
            self.async_predicate,
            self.origin_opt_ins,
            self.credentials,
            errors,
        );
        let (methods, allow_methods) = compile_methods(&self.methods, errors);
        let (headers, allow_headers) = compile_headers(&self.headers, HeaderList::Allowed, errors);
        let (expose, expose_headers) = compile_headers(&self.expose, HeaderList::Exposed, errors);

        if self.credentials {
            let wildcards = [
                (origins.is_any(), Wildcard::Origins),
                (matches!(methods, MethodRule::Any), Wildcard::Methods),
                (headers.any, Wildcard::Headers),
                (expose.any, Wildcard::ExposedHeaders),
            ];
            for (_, what) in wildcards.iter().filter(|(set, _)| *set) {
                errors.push(ConfigError::WildcardWithCredentials(*what));
            }
        }
        if !self.preflight_status.is_success() {
            errors.push(ConfigError::PreflightStatusNotSuccess {
                status: self.preflight_status.as_u16(),
            });
        }
        if !(self.refusal_status.is_client_error() || self.refusal_status.is_server_error()) {
            errors.push(ConfigError::RefusalStatusNotError {
                status: self.refusal_status.as_u16(),
            });
        }

        Spec {
            origins,
            credentials: self.credentials,
            methods,
            allow_methods,
            headers,
            allow_headers,
            expose_headers,
            max_age: self.max_age.map(|d| HeaderValue::from(d.as_secs())),
            preflight_status: self.preflight_status,
            refusal_status: self.refusal_status,
            precedence: self.precedence,
            block_disallowed: self.block_disallowed,
            private_network: self.private_network,
        }
    }
}

fn compile_origins(
    origins: &[String],
    predicates: Vec<OriginPredicate>,
    async_predicate: Option<AsyncOriginPredicate>,
    opt_ins: OriginOptIns,
    credentials: bool,
    errors: &mut Vec<ConfigError>,
) -> OriginMatcher {
    let mut matcher = OriginMatcher::default();
    let errors_before = errors.len();
    for value in origins {
        match compile_origin(value, opt_ins, credentials, &mut matcher) {
            Ok(()) => {}
            Err(error) => errors.push(error),
        }
    }
    for predicate in predicates {
        matcher.add_predicate(predicate);
    }
    if let Some(predicate) = async_predicate {
        matcher.set_async_predicate(predicate);
    }
    if matcher.is_empty() && errors.len() == errors_before {
        errors.push(ConfigError::NoOrigins);
    }
    matcher
}

fn compile_origin(
    value: &str,
    opt_ins: OriginOptIns,
    credentials: bool,
    matcher: &mut OriginMatcher,
) -> Result<(), ConfigError> {
    let opted_in = match value {
        "*" => {
            matcher.set_any();
            return Ok(());
        }
        "null" => Some(opt_ins.null),
        "file://" => Some(opt_ins.file),
        _ => None,
    };
    if let Some(opted_in) = opted_in {
        if !opted_in {
            return Err(ConfigError::NullOrFileOrigin {
                value: value.to_owned(),
            });
        }
        matcher.add_exact(value);
        return Ok(());
    }
    let (configured, parsed) =
        origin::parse(value).map_err(|reason| ConfigError::InvalidOrigin {
            value: value.to_owned(),
            reason,
        })?;
    if credentials {
        // `*.localhost` is a public suffix, but every name under it is the
        // user's own machine.
        if parsed.subdomains && !parsed.is_loopback() && origin::is_public_suffix(parsed.host) {
            return Err(ConfigError::PublicSuffixPattern {
                value: value.to_owned(),
            });
        }
        if parsed.scheme == "http" && !parsed.is_loopback() && !opt_ins.insecure_with_credentials {
            return Err(ConfigError::InsecureOriginWithCredentials {
                value: value.to_owned(),
            });
        }
    }
    match configured {
        Configured::Exact => matcher.add_exact(value),
        Configured::Pattern(pattern) => matcher.add_pattern(pattern),
    }
    Ok(())
}

/// Browsers upper-case these methods whatever the script wrote; every other
/// method is sent as written.
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

fn compile_methods(
    methods: &[String],
    errors: &mut Vec<ConfigError>,
) -> (MethodRule, Option<HeaderValue>) {
    let mut any = false;
    let mut list: Vec<Method> = Vec::new();
    for value in methods {
        if value == "*" {
            any = true;
            continue;
        }
        if FORBIDDEN_METHODS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(value))
        {
            errors.push(ConfigError::ForbiddenMethod {
                value: value.clone(),
            });
            continue;
        }
        let normalized = NORMALIZED_METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(value))
            .map_or(value.as_str(), |m| m);
        match Method::from_bytes(normalized.as_bytes()) {
            Ok(method) if !list.contains(&method) => list.push(method),
            Ok(_) => {}
            Err(_) => errors.push(ConfigError::InvalidMethod {
                value: value.clone(),
            }),
        }
    }
    let mut shown: Vec<&str> = list.iter().map(Method::as_str).collect();
    if any {
        shown.insert(0, "*");
    }
    let value = joined(&shown);
    let rule = if any {
        MethodRule::Any
    } else {
        MethodRule::List(list)
    };
    (rule, value)
}

fn compile_headers(
    names: &[String],
    list: HeaderList,
    errors: &mut Vec<ConfigError>,
) -> (HeaderRule, Option<HeaderValue>) {
    let mut rule = HeaderRule::default();
    let mut shown: Vec<&str> = Vec::new();
    for value in names {
        if value == "*" {
            if !rule.any {
                rule.any = true;
                shown.push("*");
            }
            continue;
        }
        let name = match HeaderName::from_bytes(value.as_bytes()) {
            Ok(name) => name,
            Err(_) => {
                errors.push(ConfigError::InvalidHeaderName {
                    value: value.clone(),
                    list,
                });
                continue;
            }
        };
        if is_forbidden_in(list, name.as_str()) {
            errors.push(ConfigError::ForbiddenHeaderName {
                value: value.clone(),
                list,
            });
            continue;
        }
        if rule
            .names
            .insert(name.as_str().as_bytes().to_vec().into_boxed_slice())
        {
            shown.push(value);
        }
    }
    (rule, joined(&shown))
}

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

/// The comma-separated header value for a list, `None` for an empty list.
fn joined(items: &[&str]) -> Option<HeaderValue> {
    if items.is_empty() {
        return None;
    }
    HeaderValue::from_str(&items.join(",")).ok()
}
