//! The script's request as `fetch()` sees it: origin, method, URL, headers
//! and credentials mode, and the two requests the browser sends for it.

use std::fmt;

use http::header::{HeaderName, HeaderValue};
use http::{Method, Request, Uri};

use super::blocked::{bounded, Stage};
use super::body::RequestBody;
use super::engine::Engine;
use super::safelist::{
    is_forbidden_method, is_forbidden_request_header, is_http_whitespace, is_safelisted_method,
    is_safelisted_request_header, is_token, normalize_method, SAFELISTED_TOTAL_LIMIT,
};

/// The origin of the requests written as a path (`"/items"`).
pub(crate) const DEFAULT_TARGET: &str = "http://api.test";

/// A request `fetch()` refuses before sending anything: a malformed page
/// origin, URL, method or header, or a forbidden method.
///
/// # Example
///
/// ```
/// use cors_check::BrowserRequest;
///
/// let refused = BrowserRequest::new("https://app.example.com", "TRACE", "/items").unwrap_err();
/// assert!(refused.to_string().contains("TRACE"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest {
    message: String,
}

impl InvalidRequest {
    pub(crate) fn new(message: String) -> InvalidRequest {
        InvalidRequest { message }
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidRequest {}

/// The script's request: `fetch(url, { method, headers, credentials })` run
/// by a page of `origin`.
///
/// It knows whether a preflight is needed, builds the preflight and the
/// actual request, and checks their answers
/// ([`check_preflight`](BrowserRequest::check_preflight),
/// [`check_response`](BrowserRequest::check_response)), whatever carries
/// them: [`Fetch`](super::Fetch) sends them to a tower service.
///
/// # Example
///
/// ```
/// use cors_check::BrowserRequest;
///
/// let request = BrowserRequest::new("https://app.example.com", "put", "https://api.example.com/items")?
///     .header("Content-Type", "application/json")
///     .header("Accept", "application/json") // safelisted
///     .header("Cookie", "a=b")              // forbidden: dropped, as browsers do
///     .credentials(true);
/// assert!(request.needs_preflight());
/// assert_eq!(request.unsafe_headers(), ["content-type"]);
/// let preflight = request.preflight();
/// assert_eq!(preflight.method(), "OPTIONS");
/// assert_eq!(preflight.headers()["access-control-request-method"], "PUT");
/// assert_eq!(preflight.headers()["access-control-request-headers"], "content-type");
/// # Ok::<(), cors_check::InvalidRequest>(())
/// ```
#[derive(Clone, Debug)]
pub struct BrowserRequest {
    origin: HeaderValue,
    method: Method,
    uri: Uri,
    target_origin: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    credentials: bool,
    invalid: Option<InvalidRequest>,
    engine: Engine,
    /// After a redirect from one other origin to another: the request's
    /// origin is sent as `null` (Fetch's "tainted origin").
    tainted: bool,
    /// A redirect took the request to another origin.
    redirected_across_origins: bool,
    /// The script's body, if any.
    body: Option<RequestBody>,
    /// `mode: "no-cors"`: no preflight, no CORS check, an opaque response.
    no_cors: bool,
    /// Whether the `Content-Type` in `headers` is the body's, which a
    /// `Content-Type` of the script's replaces.
    content_type_from_body: bool,
    /// Before a redirect: how the earlier URLs stood to the origin, the
    /// furthest of them (`Sec-Fetch-Site` counts every URL of the chain).
    earlier_site: Option<Relation>,
}

/// How a URL stands to the request's origin, from nearest to furthest, as
/// `Sec-Fetch-Site` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    SameOrigin,
    SameSite,
    CrossSite,
}

impl Relation {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Relation::SameOrigin => "same-origin",
            Relation::SameSite => "same-site",
            Relation::CrossSite => "cross-site",
        })
    }
}

impl BrowserRequest {
    /// The request a page of `origin` (a serialized origin such as
    /// `https://app.example.com`, or `null`) makes with `method` to `url`
    /// (absolute, or a path under `http://api.test`).
    ///
    /// The method is normalized as `fetch()` does: `put` becomes `PUT`, but
    /// `patch` stays `patch`. `CONNECT`, `TRACE` and `TRACK` are refused, as
    /// are an origin with a path or a trailing slash and a URL with
    /// credentials in it.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// assert!(BrowserRequest::new("https://app.example.com", "GET", "/items").is_ok());
    /// assert!(BrowserRequest::new("https://app.example.com/", "GET", "/items").is_err());
    /// assert!(BrowserRequest::new("https://app.example.com", "track", "/items").is_err());
    /// ```
    pub fn new(origin: &str, method: &str, url: &str) -> Result<BrowserRequest, InvalidRequest> {
        let origin = parse_origin(origin)?;
        let method = parse_method(method)?;
        let (uri, target_origin) = parse_url(url)?;
        Ok(BrowserRequest {
            origin,
            method,
            uri,
            target_origin,
            headers: Vec::new(),
            credentials: false,
            invalid: None,
            engine: Engine::Standard,
            tainted: false,
            redirected_across_origins: false,
            body: None,
            no_cors: false,
            content_type_from_body: false,
            earlier_site: None,
        })
    }

    /// Whose rules check the answers: the Fetch Standard's (the default) or
    /// an engine's, with its deviations (see [`Engine`]).
    ///
    /// # Example
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use cors_check::{BrowserRequest, Engine};
    ///
    /// let request = BrowserRequest::new("https://a.example", "PUT", "https://api.example/")?
    ///     .header("Authorization", "Bearer t0ken");
    /// let mut answer = HeaderMap::new();
    /// answer.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    /// answer.insert("access-control-allow-methods", HeaderValue::from_static("PUT"));
    /// answer.insert("access-control-allow-headers", HeaderValue::from_static("*"));
    /// // The standard blocks it; Chromium lets it through, and says what the
    /// // standard would do.
    /// assert!(request.check_preflight(StatusCode::OK, &answer).is_err());
    /// let chromium = request.engine(Engine::Chromium).check_preflight(StatusCode::OK, &answer).unwrap();
    /// assert!(chromium.standard_blocks.is_some());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn engine(mut self, engine: Engine) -> BrowserRequest {
        self.engine = engine;
        self
    }

    /// Whose rules check the answers (see [`engine`](BrowserRequest::engine)).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::{BrowserRequest, Engine};
    ///
    /// assert_eq!(BrowserRequest::new("https://a.example", "GET", "/")?.judged_by(), Engine::Standard);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn judged_by(&self) -> Engine {
        self.engine
    }

    /// Adds a header as `Headers.append` does: the value is trimmed of
    /// leading and trailing whitespace, and a forbidden request header
    /// (`Origin`, `Cookie`, `Host`, `Sec-*`, `Proxy-*`...) is dropped
    /// silently. A name that is not a token or a value with a NUL, CR or LF
    /// makes the request invalid ([`invalid`](BrowserRequest::invalid)).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "/")?
    ///     .header("Sec-Fetch-Site", "same-origin")
    ///     .header("X-Custom", " 1 ");
    /// assert_eq!(request.actual().headers()["x-custom"], "1");
    /// assert!(request.actual().headers().get("sec-fetch-site").is_none());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> BrowserRequest {
        match script_header(name, value) {
            Ok(Some(header)) => {
                if header.0 == http::header::CONTENT_TYPE && self.content_type_from_body {
                    self.headers
                        .retain(|(name, _)| name != http::header::CONTENT_TYPE);
                    self.content_type_from_body = false;
                }
                self.headers.push(header);
            }
            Ok(None) => {}
            Err(refused) => {
                self.invalid.get_or_insert(refused);
            }
        }
        self
    }

    /// The script's request body, with the `Content-Type` the browser adds
    /// for its kind unless the script sets `Content-Type` itself, before or
    /// after (see [`RequestBody`]).
    ///
    /// # Example
    ///
    /// See [`RequestBody`].
    pub fn body(mut self, body: RequestBody) -> BrowserRequest {
        if matches!(self.method, Method::GET | Method::HEAD) {
            self.invalid.get_or_insert(InvalidRequest::new(format!(
                "a {} request cannot have a body",
                self.method
            )));
        }
        if self.content_type_from_body {
            self.headers
                .retain(|(name, _)| name != http::header::CONTENT_TYPE);
            self.content_type_from_body = false;
        }
        let scripted = self
            .headers
            .iter()
            .any(|(name, _)| name == http::header::CONTENT_TYPE);
        if let (false, Some(value)) = (scripted, body.content_type()) {
            if let Ok(value) = HeaderValue::from_str(value) {
                self.headers.push((http::header::CONTENT_TYPE, value));
                self.content_type_from_body = true;
            }
        }
        self.body = Some(body);
        self
    }

    /// `mode: "no-cors"`, as `fetch(url, { mode: "no-cors" })`: the
    /// request is sent without a preflight, with only the headers a
    /// no-cors request may carry (`Accept`, `Accept-Language`,
    /// `Content-Language`, and `Content-Type` of a form or text type; the
    /// others are dropped, as browsers drop them), and the script gets an
    /// opaque response from another origin (status 0, no headers, no body)
    /// and a readable one from its own. Only `GET`, `HEAD` and `POST` are
    /// allowed; `fetch()` rejects any other method.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let beacon = BrowserRequest::new("https://app.example.com", "POST", "https://stats.example.net/hit")?
    ///     .header("X-Trace", "1")
    ///     .no_cors();
    /// assert!(!beacon.needs_preflight());
    /// let sent = beacon.actual();
    /// assert!(sent.headers().get("x-trace").is_none());
    /// assert_eq!(sent.headers()["origin"], "https://app.example.com");
    /// assert!(BrowserRequest::new("https://app.example.com", "PUT", "/x")?.no_cors().invalid().is_some());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn no_cors(mut self) -> BrowserRequest {
        self.no_cors = true;
        if !is_safelisted_method(self.method()) {
            self.invalid.get_or_insert(InvalidRequest::new(format!(
                "{} is not allowed with mode no-cors, which takes GET, HEAD and POST",
                bounded(self.method().as_bytes())
            )));
        }
        self
    }

    /// Whether the mode is `"no-cors"` (see [`no_cors`](BrowserRequest::no_cors)).
    pub(crate) fn is_no_cors(&self) -> bool {
        self.no_cors
    }

    /// The body's bytes, when there is a body.
    pub(crate) fn body_bytes(&self) -> Option<bytes::Bytes> {
        self.body.as_ref().map(RequestBody::to_bytes)
    }

    /// Sets the credentials mode: `true` is `"include"` (cookies and HTTP
    /// authentication go along, and the answer must allow credentials);
    /// `false`, the default, is `"same-origin"`.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "/")?.credentials(true);
    /// assert!(request.includes_credentials());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn credentials(mut self, include: bool) -> BrowserRequest {
        self.credentials = include;
        self
    }

    /// Whether the credentials mode is `"include"`.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// assert!(!BrowserRequest::new("https://app.example.com", "GET", "/")?.includes_credentials());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn includes_credentials(&self) -> bool {
        self.credentials
    }

    /// Why `fetch()` refuses this request, if a header added with
    /// [`header`](BrowserRequest::header) was malformed.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "/")?.header("bad name", "1");
    /// assert!(request.invalid().is_some());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn invalid(&self) -> Option<&InvalidRequest> {
        self.invalid.as_ref()
    }

    /// The page's origin, as sent in `Origin` (`null` after a redirect
    /// from one other origin to another).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "/")?;
    /// assert_eq!(request.origin(), "https://app.example.com");
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn origin(&self) -> &str {
        match self.tainted {
            true => "null",
            false => self.origin.to_str().unwrap_or_default(),
        }
    }

    /// The method after normalization.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// assert_eq!(BrowserRequest::new("https://a.example", "delete", "/")?.method(), "DELETE");
    /// assert_eq!(BrowserRequest::new("https://a.example", "patch", "/")?.method(), "patch");
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The absolute URL of the request.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "/items?x=1")?;
    /// assert_eq!(request.url().to_string(), "http://api.test/items?x=1");
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn url(&self) -> &Uri {
        &self.uri
    }

    /// Whether the URL's origin is the page's: then there is no CORS check.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://api.example.com", "PUT", "https://API.example.com:443/x")?;
    /// assert!(request.is_same_origin());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn is_same_origin(&self) -> bool {
        !self.tainted && self.origin.as_bytes() == self.target_origin.as_bytes()
    }

    /// Whether Chromium (from version 142) asks the user's permission
    /// before it sends this request (Local Network Access): the page's
    /// host is public and the URL's private or local, or the page's is
    /// private and the URL's local. If the user says no, `fetch()` fails
    /// before anything is sent, whatever the server would answer, and no
    /// response header can grant it: the `Access-Control-Allow-Private-Network`
    /// preflights of the older Private Network Access are no longer sent.
    /// Firefox and WebKit ask nothing.
    ///
    /// The model resolves no name: it judges hosts as written. Loopback
    /// addresses, `localhost` and names under `.localhost` are local;
    /// private (`10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`), link-local
    /// and unique-local addresses, and names under `.local`, are private;
    /// every other host is public, as is an opaque page origin (`null`).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// // A public page calls a device on the user's network.
    /// let router = BrowserRequest::new("https://setup.example.com", "GET", "http://192.168.1.1/api")?;
    /// assert!(router.needs_local_network_permission());
    /// // A local dev server calls another: no question.
    /// let dev = BrowserRequest::new("http://localhost:5173", "GET", "http://127.0.0.1:3000/")?;
    /// assert!(!dev.needs_local_network_permission());
    /// let public = BrowserRequest::new("https://app.example.com", "GET", "https://api.example.com/")?;
    /// assert!(!public.needs_local_network_permission());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn needs_local_network_permission(&self) -> bool {
        let page = std::str::from_utf8(self.origin.as_bytes())
            .ok()
            .and_then(|origin| origin.split_once("://"))
            .map_or(AddressSpace::Public, |(_, authority)| {
                address_space(host_of(authority))
            });
        address_space(self.uri.host().unwrap_or_default()) > page
    }

    /// Whether the browser sends a preflight first, leaving its cache
    /// aside: a cross-origin request whose method is not `GET`, `HEAD` or
    /// `POST`, or with a header that is not CORS-safelisted.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let post = BrowserRequest::new("https://a.example", "POST", "https://api.example/")?;
    /// assert!(!post.clone().header("content-type", "text/plain").needs_preflight());
    /// assert!(post.header("content-type", "application/json").needs_preflight());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn needs_preflight(&self) -> bool {
        !self.no_cors
            && !self.is_same_origin()
            && (!is_safelisted_method(self.method()) || !self.unsafe_headers().is_empty())
    }

    /// Fetch's "CORS-unsafe request-header names": the names of the
    /// script's headers that are not CORS-safelisted, lowercase, sorted,
    /// without repeats. When the safelisted values together exceed 1024
    /// bytes, their names are unsafe too.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "https://api.example/")?
    ///     .header("X-B", "1")
    ///     .header("Accept", "text/html")
    ///     .header("x-a", "2")
    ///     .header("x-b", "3");
    /// assert_eq!(request.unsafe_headers(), ["x-a", "x-b"]);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn unsafe_headers(&self) -> Vec<HeaderName> {
        let mut unsafe_names = Vec::new();
        let mut maybe_unsafe = Vec::new();
        let mut safelisted_size = 0;
        for (name, value) in &self.headers {
            if is_safelisted_request_header(name.as_str(), value.as_bytes()) {
                maybe_unsafe.push(name.clone());
                safelisted_size += value.len();
            } else {
                unsafe_names.push(name.clone());
            }
        }
        if safelisted_size > SAFELISTED_TOTAL_LIMIT {
            unsafe_names.append(&mut maybe_unsafe);
        }
        unsafe_names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        unsafe_names.dedup();
        unsafe_names
    }

    /// The [`unsafe_headers`](BrowserRequest::unsafe_headers) joined by
    /// `separator` (empty when there are none).
    pub(crate) fn unsafe_header_list(&self, separator: &str) -> String {
        let names = self.unsafe_headers();
        let names: Vec<&str> = names.iter().map(HeaderName::as_str).collect();
        names.join(separator)
    }

    /// The script's headers as the browser keeps them (forbidden ones
    /// dropped, names lowercase, values trimmed), in order.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "/")?.header("Host", "x").header("X-A", "1");
    /// assert_eq!(request.headers().len(), 1);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }

    /// The CORS preflight for this request: `OPTIONS` to the same URL with
    /// `Origin`, `Access-Control-Request-Method`,
    /// `Access-Control-Request-Headers` (the unsafe names joined by `,`,
    /// only when there are some), `Accept: */*`, and Fetch Metadata
    /// (`Sec-Fetch-Dest`, `-Mode`, `-Site`) to a potentially trustworthy
    /// URL.
    /// It never carries credentials nor the script's headers.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "PATCH", "https://api.example/x")?
    ///     .header("x-b", "1")
    ///     .header("X-A", "2");
    /// let preflight = request.preflight();
    /// assert_eq!(preflight.headers()["origin"], "https://a.example");
    /// assert_eq!(preflight.headers()["access-control-request-headers"], "x-a,x-b");
    /// assert!(preflight.headers().get("x-a").is_none());
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn preflight(&self) -> Request<()> {
        let mut request = self.request(Method::OPTIONS);
        let headers = request.headers_mut();
        headers.insert(http::header::ORIGIN, self.sent_origin());
        if let Ok(method) = HeaderValue::from_str(self.method()) {
            headers.insert(http::header::ACCESS_CONTROL_REQUEST_METHOD, method);
        }
        let names = self.unsafe_header_list(",");
        if !names.is_empty() {
            if let Ok(list) = HeaderValue::from_str(&names) {
                headers.insert(http::header::ACCESS_CONTROL_REQUEST_HEADERS, list);
            }
        }
        headers.insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
        self.add_fetch_metadata(headers, Stage::Preflight);
        request
    }

    /// The actual request: the normalized method, the script's headers,
    /// `Accept: */*` unless the script set `Accept`, `Sec-Fetch-Dest:
    /// empty`, `Sec-Fetch-Mode: cors` and `Sec-Fetch-Site` to a potentially
    /// trustworthy URL, and `Origin` (on a same-origin request only for
    /// methods other than `GET` and `HEAD`, as browsers do). Cookies are
    /// not modelled.
    ///
    /// `Sec-Fetch-Site` is `same-site` between origins of one site: the
    /// same scheme and the same registrable domain
    /// (`https://app.example.com` to `https://api.example.com`), or the
    /// same host on another port (`http://127.0.0.1:3000` to
    /// `http://127.0.0.1:8080`).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "patch", "https://api.example/x")?
    ///     .header("X-A", "2");
    /// let actual = request.actual();
    /// assert_eq!(actual.method(), "patch");
    /// assert_eq!(actual.headers()["origin"], "https://a.example");
    /// assert_eq!(actual.headers()["x-a"], "2");
    /// assert_eq!(actual.headers()["sec-fetch-site"], "cross-site");
    ///
    /// let api = BrowserRequest::new("https://app.example.com", "GET", "https://api.example.com/x")?;
    /// assert_eq!(api.actual().headers()["sec-fetch-site"], "same-site");
    /// assert_eq!(api.actual().headers()["sec-fetch-dest"], "empty");
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn actual(&self) -> Request<()> {
        let mut request = self.request(self.method.clone());
        let get_or_head = matches!(self.method(), "GET" | "HEAD");
        let sends_origin = !get_or_head || (!self.no_cors && !self.is_same_origin());
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            if self.no_cors && !is_no_cors_safelisted(name.as_str(), value.as_bytes()) {
                continue;
            }
            headers.append(name.clone(), value.clone());
        }
        // A no-cors request drops a script's Content-Type it may not carry;
        // the body's own then comes in its place, if it may.
        let body_type = self.body.as_ref().and_then(RequestBody::content_type);
        if let (true, false, Some(body_type)) = (
            self.no_cors,
            headers.contains_key(http::header::CONTENT_TYPE),
            body_type,
        ) {
            if is_no_cors_safelisted("content-type", body_type.as_bytes()) {
                if let Ok(value) = HeaderValue::from_str(body_type) {
                    headers.insert(http::header::CONTENT_TYPE, value);
                }
            }
        }
        if !headers.contains_key(http::header::ACCEPT) {
            headers.insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
        }
        if sends_origin {
            headers.insert(http::header::ORIGIN, self.sent_origin());
        }
        self.add_fetch_metadata(headers, Stage::Actual);
        request
    }

    /// `Sec-Fetch-Dest: empty`, `Sec-Fetch-Mode: cors` and
    /// `Sec-Fetch-Site`, which browsers send only to potentially
    /// trustworthy URLs (`https:`, and `localhost` or loopback addresses
    /// over `http:`). `Sec-Fetch-Site` is `same-origin`, `same-site` (same
    /// scheme, and the same host or registrable domain by the Public
    /// Suffix List) or `cross-site`, the furthest over every URL of a
    /// redirect chain.
    fn add_fetch_metadata(&self, headers: &mut http::HeaderMap, stage: Stage) {
        let engine = self.judged_by();
        if !self.is_trustworthy_url()
            || (self.redirected_across_origins
                && engine.drops_fetch_metadata_after_cross_origin_redirect())
        {
            return;
        }
        let mut site = self
            .site()
            .max(self.earlier_site.unwrap_or(Relation::SameOrigin));
        if stage == Stage::Actual
            && self.earlier_site.is_some()
            && site != Relation::SameOrigin
            && engine.redirected_requests_are_cross_site()
        {
            site = Relation::CrossSite;
        }
        let mode = match self.no_cors {
            true => "no-cors",
            false => "cors",
        };
        headers.insert(SEC_FETCH_DEST, HeaderValue::from_static("empty"));
        headers.insert(SEC_FETCH_MODE, HeaderValue::from_static(mode));
        headers.insert(SEC_FETCH_SITE, site.header());
    }

    /// How the URL stands to the origin (HTML's "same site": same scheme,
    /// and equal hosts or equal registrable domains; an opaque origin,
    /// `null`, is same site with nothing).
    fn site(&self) -> Relation {
        // The page's own origin, even once `Origin` says `null`.
        if self.origin.as_bytes() == self.target_origin.as_bytes() {
            return Relation::SameOrigin;
        }
        let origin = std::str::from_utf8(self.origin.as_bytes()).ok();
        let parts = |origin: &str| {
            let (scheme, authority) = origin.split_once("://")?;
            Some((scheme.to_owned(), host_of(authority).to_owned()))
        };
        let (Some((scheme, host)), Some((target_scheme, target_host))) =
            (origin.and_then(parts), parts(&self.target_origin))
        else {
            return Relation::CrossSite;
        };
        let same_site = scheme == target_scheme
            && (host == target_host
                || registrable_domain(&host)
                    .is_some_and(|domain| Some(domain) == registrable_domain(&target_host)));
        match same_site {
            true => Relation::SameSite,
            false => Relation::CrossSite,
        }
    }

    /// Whether the URL is potentially trustworthy, as Secure Contexts
    /// defines it for the schemes a `fetch()` reaches: `https:`, or a host
    /// that is `localhost`, a name under `.localhost`, or a loopback
    /// address (`127.0.0.0/8`, `[::1]`).
    fn is_trustworthy_url(&self) -> bool {
        if self.uri.scheme_str() == Some("https") {
            return true;
        }
        let host = self.uri.host().unwrap_or_default().to_ascii_lowercase();
        let address = host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host.ends_with(".localhost")
            || address
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The `Origin` header: the page's origin, or `null` once tainted.
    fn sent_origin(&self) -> HeaderValue {
        match self.tainted {
            true => HeaderValue::from_static("null"),
            false => self.origin.clone(),
        }
    }

    /// An empty request with `method` to the URL.
    fn request(&self, method: Method) -> Request<()> {
        let mut request = Request::new(());
        *request.method_mut() = method;
        *request.uri_mut() = self.uri.clone();
        request
    }
}

impl BrowserRequest {
    /// Fetch's "HTTP-redirect fetch": the request the browser sends after
    /// the actual request was answered with the redirect `status` to
    /// `location`, or why it does not follow it.
    ///
    /// - The `Location` is resolved against the request's URL; it must be
    ///   an http(s) URL without credentials in it.
    /// - `301` and `302` after `POST`, and `303` after anything but `GET`
    ///   and `HEAD`, turn the request into a `GET` without the headers
    ///   that describe a body (`Content-Type`...).
    /// - To another origin, `Authorization` is dropped; and once a request
    ///   that was already cross-origin moves to yet another origin, its
    ///   origin is tainted: it sends `Origin: null` from then on.
    pub(crate) fn redirected(
        &self,
        status: http::StatusCode,
        location: &[u8],
    ) -> Result<BrowserRequest, String> {
        let shown = bounded(location);
        let not_a_url = || format!("its Location `{shown}` is not a URL");
        let base = url::Url::parse(&self.uri.to_string()).map_err(|_| not_a_url())?;
        let mut url = std::str::from_utf8(location)
            .ok()
            .and_then(|location| base.join(location).ok())
            .ok_or_else(not_a_url)?;
        url.set_fragment(None);
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("its Location `{shown}` is not an http(s) URL"));
        }
        let target_origin = url.origin().ascii_serialization();
        if !url.username().is_empty() || url.password().is_some() {
            // Fetch refuses credentials in a Location where CORS applies:
            // a cors request to another origin, or once it crossed one (a
            // tainted request is never same-origin).
            let cors_tainted = !self.no_cors && !self.is_same_origin();
            let to_other_origin = !self.no_cors && self.origin() != target_origin;
            if cors_tainted || to_other_origin {
                return Err(format!("its Location `{shown}` has credentials in it"));
            }
            // Followed; the credentials themselves are not modelled.
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        let uri: Uri = url.as_str().parse().map_err(|_| not_a_url())?;
        let mut next = self.clone();
        let to_get = match status.as_u16() {
            301 | 302 => self.method == Method::POST,
            303 => !matches!(self.method, Method::GET | Method::HEAD),
            _ => false,
        };
        if to_get {
            next.body = None;
            next.method = Method::GET;
            next.headers
                .retain(|(name, _)| !is_request_body_header(name.as_str()));
        }
        if target_origin != self.target_origin {
            next.headers
                .retain(|(name, _)| name != http::header::AUTHORIZATION);
            if !self.is_same_origin() {
                next.tainted = true;
            }
            next.redirected_across_origins = true;
        }
        next.earlier_site = Some(
            self.site()
                .max(self.earlier_site.unwrap_or(Relation::SameOrigin)),
        );
        next.uri = uri;
        next.target_origin = target_origin;
        Ok(next)
    }
}

/// Fetch's "no-CORS-safelisted request-header": `Accept`,
/// `Accept-Language`, `Content-Language` or `Content-Type`, with a
/// CORS-safelisted value.
fn is_no_cors_safelisted(name: &str, value: &[u8]) -> bool {
    matches!(
        name,
        "accept" | "accept-language" | "content-language" | "content-type"
    ) && is_safelisted_request_header(name, value)
}

/// The host of an authority (`host`, `host:port`, `[::1]:port`).
fn host_of(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => host,
        _ => authority,
    }
}

/// The address spaces of Local Network Access, from the least private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AddressSpace {
    Public,
    Private,
    Local,
}

/// The address space of a host as written (see
/// [`BrowserRequest::needs_local_network_permission`]).
fn address_space(host: &str) -> AddressSpace {
    use std::net::{IpAddr, Ipv4Addr};
    let v4 = |address: Ipv4Addr| match address {
        a if a.is_loopback() || a.is_unspecified() => AddressSpace::Local,
        a if a.is_private() || a.is_link_local() => AddressSpace::Private,
        _ => AddressSpace::Public,
    };
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return AddressSpace::Local;
    }
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(IpAddr::V4(address)) => v4(address),
        Ok(IpAddr::V6(address)) if address.is_loopback() || address.is_unspecified() => {
            AddressSpace::Local
        }
        Ok(IpAddr::V6(address)) => match (address.to_ipv4_mapped(), address.segments()) {
            (Some(mapped), _) => v4(mapped),
            // Unique-local (fc00::/7) and link-local (fe80::/10).
            (None, [first, ..]) if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 => {
                AddressSpace::Private
            }
            (None, _) => AddressSpace::Public,
        },
        Err(_) if host.ends_with(".local") => AddressSpace::Private,
        Err(_) => AddressSpace::Public,
    }
}

/// The registrable domain of `host` by the Public Suffix List: the public
/// suffix and one label more (`example.co.uk` for `api.example.co.uk`);
/// `None` for an IP address or a host that is itself a public suffix
/// (`localhost`, `github.io`).
fn registrable_domain(host: &str) -> Option<&str> {
    if host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    psl::domain_str(host)
}

/// The headers that describe a request's body, which a redirect that
/// turns the request into a `GET` drops.
fn is_request_body_header(name: &str) -> bool {
    matches!(
        name,
        "content-encoding" | "content-language" | "content-location" | "content-type"
    )
}

/// Fetch Metadata, which browsers send with every `fetch()` to a
/// potentially trustworthy URL.
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");
const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// A serialized origin: `null`, or `scheme://host[:port]` in lowercase,
/// without path, trailing slash, userinfo or the scheme's default port.
///
/// For example `https://app.example.com` and `http://localhost:3000` are
/// origins; `https://app.example.com/` and `https://App.example.com` are not.
fn parse_origin(origin: &str) -> Result<HeaderValue, InvalidRequest> {
    let refuse = |why: &str| {
        InvalidRequest::new(format!(
            "the page origin `{}` is not a serialized origin: {why}",
            bounded(origin.as_bytes())
        ))
    };
    if origin != "null" {
        let (scheme, authority) = origin
            .split_once("://")
            .ok_or_else(|| refuse("write it as scheme://host[:port], or null"))?;
        if scheme.is_empty() || authority.is_empty() {
            return Err(refuse("the scheme or the host is empty"));
        }
        if authority.contains(['/', '?', '#', '@']) {
            return Err(refuse(
                "it has a path, a trailing slash, a query or userinfo",
            ));
        }
        if origin.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(refuse("browsers send it in lowercase"));
        }
        if serialize_origin(scheme, authority) != origin {
            return Err(refuse("browsers leave out the default port"));
        }
    }
    HeaderValue::from_str(origin).map_err(|_| refuse("it has characters a header cannot carry"))
}

/// A method token, normalized; `CONNECT`, `TRACE` and `TRACK` refused.
fn parse_method(method: &str) -> Result<Method, InvalidRequest> {
    if !is_token(method.as_bytes()) {
        return Err(InvalidRequest::new(format!(
            "`{}` is not a method name",
            bounded(method.as_bytes())
        )));
    }
    if is_forbidden_method(method) {
        return Err(InvalidRequest::new(format!(
            "{} is a forbidden method",
            bounded(method.as_bytes())
        )));
    }
    Method::from_bytes(normalize_method(method).as_bytes()).map_err(|_| {
        InvalidRequest::new(format!(
            "`{}` is not a method name",
            bounded(method.as_bytes())
        ))
    })
}

/// The URL (a path is put under `http://api.test`) and its serialized
/// origin: `https://API.example.com:443/x` has the origin
/// `https://api.example.com`.
fn parse_url(url: &str) -> Result<(Uri, String), InvalidRequest> {
    let absolute = if url.starts_with('/') {
        format!("{DEFAULT_TARGET}{url}")
    } else {
        url.to_owned()
    };
    let refuse =
        |why: &str| InvalidRequest::new(format!("the URL `{}` {why}", bounded(url.as_bytes())));
    let uri: Uri = absolute
        .parse()
        .map_err(|_| refuse("does not parse; write a path (/items) or an absolute URL"))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(refuse(
            "is not absolute; write a path (/items) or an absolute URL",
        ));
    };
    if authority.as_str().contains('@') {
        return Err(refuse("has credentials in it, which fetch() refuses"));
    }
    let origin = serialize_origin(scheme, authority.as_str());
    Ok((uri, origin))
}

/// `scheme://host[:port]` in lowercase, without the scheme's default port.
fn serialize_origin(scheme: &str, authority: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" | "ws" => Some(":80"),
        "https" | "wss" => Some(":443"),
        _ => None,
    };
    let host = match default_port {
        Some(port) => authority.strip_suffix(port).unwrap_or(&authority),
        None => &authority,
    };
    format!("{scheme}://{host}")
}

/// One header as `Headers.append` takes it: `Ok(None)` when it is
/// forbidden (dropped silently), an error when it is malformed.
fn script_header(
    name: &str,
    value: &str,
) -> Result<Option<(HeaderName, HeaderValue)>, InvalidRequest> {
    let value = value.trim_matches(is_http_whitespace);
    if !is_token(name.as_bytes()) {
        return Err(InvalidRequest::new(format!(
            "`{}` is not a header name",
            bounded(name.as_bytes())
        )));
    }
    let lower = name.to_ascii_lowercase();
    if is_forbidden_request_header(&lower, value) {
        return Ok(None);
    }
    let refuse = || {
        InvalidRequest::new(format!(
            "the value of {lower} (`{}`) is not a valid header value",
            bounded(value.as_bytes())
        ))
    };
    let header_name = HeaderName::from_bytes(lower.as_bytes()).map_err(|_| refuse())?;
    let bytes = latin1(value).ok_or_else(refuse)?;
    let header_value = HeaderValue::from_bytes(&bytes).map_err(|_| refuse())?;
    Ok(Some((header_name, header_value)))
}

/// A script string as header bytes: each character must be at most U+00FF
/// (a JavaScript `ByteString`).
fn latin1(value: &str) -> Option<Vec<u8>> {
    value
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
