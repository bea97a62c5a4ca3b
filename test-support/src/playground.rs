//! The CORS playground: a page that sends a matrix of `fetch()` calls to an
//! API behind several tower-cors policies and shows, for each, what the
//! browser let the script see and what the layer decided. `cargo run
//! --example playground` serves it; `tests/browsers.rs` runs it in Chromium
//! and Firefox and checks every row.
//!
//! [`start`] starts three servers on 127.0.0.1, on ports the OS chooses:
//!
//! - **origin A** (`http://localhost:…`), the page: its script runs the
//!   cases and renders the table;
//! - **origin C** (`http://127.0.0.1:…`), the same page for the origin that
//!   the restrictive policies do not allow, shown inside A's page in a frame;
//! - **origin B** (`http://localhost:…`), the API. Its routes sit behind
//!   `CorsRoutes`, one policy per prefix: the gateway preset, an exact-origin
//!   list, a credentialed policy, a port pattern, policies with `*` for
//!   headers, one that blocks disallowed origins, and routes whose handler
//!   sets its own `Access-Control-Allow-Origin`.
//!
//! A and B are the same site (both `localhost`), so a cookie that B sets is
//! sent with a credentialed `fetch()` from A; C is another site.
//!
//! A script cannot read why a response was blocked (the browser hides the
//! whole response, `x-cors-refusal` of debug mode included), so B counts the
//! requests of each case outside its CORS layer, with the layer's decision
//! (`record_decisions(true)`: the `RequestKind` and the `Refusal`), and the
//! page reads them from B's `/__log` endpoint, which every origin may read.
use std::collections::HashMap;
use std::error::Error;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body as HttpBody;
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes, Refusal, RequestKind};

/// Which page a case runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Origin A, allowed by every policy.
    A,
    /// Origin C, allowed only by the any-origin policies.
    C,
    /// A sandboxed frame (`sandbox="allow-scripts"`) of A's page: an opaque
    /// origin, sent as `Origin: null`.
    Sandboxed,
}

impl Page {
    /// The pages in the order the page runs their cases: A's own, then
    /// C's frame, then the sandboxed frame.
    pub const ORDER: [Page; 3] = [Page::A, Page::C, Page::Sandboxed];

    fn label(self) -> &'static str {
        match self {
            Page::A => "A",
            Page::C => "C",
            Page::Sandboxed => "N",
        }
    }
}

/// A request body as the page's script builds it.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// A string.
    Text(&'static str),
    /// A `FormData` of these text fields.
    FormData(&'static [(&'static str, &'static str)]),
    /// A `URLSearchParams` of these pairs.
    Params(&'static [(&'static str, &'static str)]),
    /// A `Blob` of this text and this type (`""`: none).
    Blob(&'static str, &'static str),
}

impl Body {
    fn to_json(self) -> Value {
        match self {
            Body::Text(text) => json!({ "kind": "text", "text": text }),
            Body::FormData(fields) => json!({ "kind": "form", "fields": fields }),
            Body::Params(pairs) => json!({ "kind": "params", "fields": pairs }),
            Body::Blob(text, content_type) => {
                json!({ "kind": "blob", "text": text, "type": content_type })
            }
        }
    }
}

/// Which server, and by which name, a case's request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The API, origin B (`http://localhost:…`).
    Named,
    /// The same server by IP address (`http://127.0.0.1:…`): another
    /// origin.
    Address,
    /// A second instance of the API, with the layer's debug mode on
    /// (`http://localhost:…`, another port).
    Debug,
}

impl Api {
    fn key(self) -> &'static str {
        match self {
            Api::Named => "named",
            Api::Address => "address",
            Api::Debug => "debug",
        }
    }
}

/// One `fetch()` the page makes.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Stable id, also the key of the server's log.
    pub id: &'static str,
    /// What the case shows, for the table.
    pub title: &'static str,
    /// The page it runs from.
    pub from: Page,
    /// The method passed to `fetch()`, as written (`patch` stays lowercase).
    pub method: &'static str,
    /// The path on the API server (origin B).
    pub path: &'static str,
    /// Request headers the script sets.
    pub headers: &'static [(&'static str, &'static str)],
    /// A request body, if any.
    pub body: Option<Body>,
    /// `credentials: "include"` instead of the default `"same-origin"`.
    pub credentials: bool,
    /// `mode: "no-cors"` instead of `"cors"`.
    pub no_cors: bool,
    /// How many times the page sends it (to see the preflight cache).
    pub repeat: u8,
    /// The server it goes to.
    pub api: Api,
}

const fn case(id: &'static str, from: Page, method: &'static str, path: &'static str) -> Case {
    Case {
        id,
        title: "",
        from,
        method,
        path,
        headers: &[],
        body: None,
        credentials: false,
        no_cors: false,
        repeat: 1,
        api: Api::Named,
    }
}

impl Case {
    const fn title(mut self, title: &'static str) -> Self {
        self.title = title;
        self
    }
    const fn headers(mut self, headers: &'static [(&'static str, &'static str)]) -> Self {
        self.headers = headers;
        self
    }
    const fn body(mut self, body: &'static str) -> Self {
        self.body = Some(Body::Text(body));
        self
    }
    const fn body_of(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }
    const fn credentials(mut self) -> Self {
        self.credentials = true;
        self
    }
    const fn no_cors(mut self) -> Self {
        self.no_cors = true;
        self
    }
    const fn twice(mut self) -> Self {
        self.repeat = 2;
        self
    }
    const fn to(mut self, api: Api) -> Self {
        self.api = api;
        self
    }
}

/// An `Accept` value longer than the 128 bytes a safelisted header may have.
const LONG_ACCEPT: &str = concat!(
    "application/json, text/plain; q=0.9, text/html; q=0.8, application/xml; q=0.7, ",
    "image/webp; q=0.6, image/png; q=0.5, text/css; q=0.4, */*; q=0.1"
);

const FORM: &[(&str, &str)] = &[
    (
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    ),
    ("accept", "application/json"),
];
const JSON_TYPE: &[(&str, &str)] = &[("content-type", "application/json")];
const X_CUSTOM: &[(&str, &str)] = &[("x-custom", "1")];
const X_CUSTOM_UPPER: &[(&str, &str)] = &[("X-Custom", "1")];
const X_SDK_DATE: &[(&str, &str)] = &[("x-sdk-date", "20190115T012552Z")];
const X_OTHER: &[(&str, &str)] = &[("x-other", "1")];
const AUTHORIZATION: &[(&str, &str)] = &[("authorization", "Bearer t0ken")];
const ACCEPT_LANGUAGE: &[(&str, &str)] = &[("accept-language", "de-CH")];
const LONG: &[(&str, &str)] = &[("accept", LONG_ACCEPT)];
const TWO_HEADERS: &[(&str, &str)] = &[("x-custom", "1"), ("content-type", "application/json")];
const TWO_CUSTOM: &[(&str, &str)] = &[("x-custom", "1"), ("x-trace", "2")];

use Page::{Sandboxed, A, C};

/// The matrix, in the order the page runs it (the cookie cases depend on
/// `cred-login` running first).
pub const CASES: &[Case] = &[
    // The API gateway's documented exchanges.
    case("seed-simple", A, "GET", "/gateway/simple")
        .headers(FORM)
        .title("seed: simple GET, backend without CORS headers"),
    case("seed-upstream", A, "GET", "/gateway/upstream")
        .headers(FORM)
        .title("seed: backend sets Access-Control-Allow-Origin: http://www.cors.com"),
    case("seed-put", A, "PUT", "/gateway/simple")
        .headers(X_SDK_DATE)
        .title("seed: PUT with X-Sdk-Date, preflighted"),
    // Classification (K).
    case("simple-post-text", A, "POST", "/gateway/simple")
        .headers(&[("content-type", "text/plain")])
        .body("hello")
        .title("POST text/plain: simple"),
    case("post-json", A, "POST", "/gateway/simple")
        .headers(JSON_TYPE)
        .body("{}")
        .title("POST application/json: preflighted"),
    case("accept-language", A, "GET", "/gateway/simple")
        .headers(ACCEPT_LANGUAGE)
        .title("safelisted Accept-Language: simple"),
    case("long-accept", A, "GET", "/gateway/simple")
        .headers(LONG)
        .title("Accept over 128 bytes: preflighted"),
    case("options-actual", A, "OPTIONS", "/gateway/simple")
        .title("OPTIONS from a script: preflighted, then reaches the handler"),
    case("no-cors", A, "GET", "/exact/simple")
        .no_cors()
        .title("mode no-cors: opaque response"),
    case("head", A, "HEAD", "/exact/simple").title("HEAD: simple"),
    // Preflights (P).
    case("exact-put", A, "PUT", "/exact/simple")
        .headers(JSON_TYPE)
        .body("{}")
        .title("exact list: PUT with JSON"),
    case("exact-delete", A, "DELETE", "/exact/simple").title("exact list: DELETE"),
    case("exact-patch", A, "PATCH", "/exact/simple")
        .title("exact list: PATCH not allowed, actual request never sent"),
    case("exact-header", A, "GET", "/exact/simple")
        .headers(X_CUSTOM)
        .title("exact list: allowed custom header"),
    case("exact-header-case", A, "GET", "/exact/simple")
        .headers(X_CUSTOM_UPPER)
        .title("header names compare case-insensitively"),
    case("exact-two-headers", A, "PUT", "/exact/simple")
        .headers(TWO_HEADERS)
        .body("{}")
        .title("two requested headers"),
    case("exact-other-header", A, "GET", "/exact/simple")
        .headers(X_OTHER)
        .title("exact list: header not allowed"),
    case("gateway-patch", A, "PATCH", "/gateway/simple").title("gateway: PATCH"),
    case("gateway-patch-lower", A, "patch", "/gateway/simple")
        .title("gateway: lowercase patch is not PATCH"),
    case("gateway-purge", A, "PURGE", "/gateway/simple").title("gateway: PURGE not listed"),
    case("gateway-other-header", A, "GET", "/gateway/simple")
        .headers(X_OTHER)
        .title("gateway: header not listed"),
    case("gateway-auth", A, "GET", "/gateway/simple")
        .headers(AUTHORIZATION)
        .title("gateway: Authorization is listed"),
    case("max-age-600", A, "PUT", "/exact/simple")
        .twice()
        .title("Max-Age 600: one preflight for two PUTs"),
    case("max-age-gateway", A, "PUT", "/gateway/simple")
        .headers(X_SDK_DATE)
        .twice()
        .title("gateway Max-Age 172800: one preflight for two PUTs"),
    case("max-age-0", A, "PUT", "/nocache/simple")
        .twice()
        .title("Max-Age 0: a preflight for each PUT"),
    case("max-age-address", A, "PUT", "/exact/simple")
        .to(Api::Address)
        .twice()
        .title("Max-Age 600, API addressed by IP: Firefox preflights each PUT"),
    case("star-headers-auth", A, "PUT", "/star-headers/simple")
        .headers(AUTHORIZATION)
        .title("Allow-Headers * does not cover Authorization"),
    case("star-headers-custom", A, "PUT", "/star-headers/simple")
        .headers(X_CUSTOM)
        .title("Allow-Headers * covers a custom header"),
    case("star-auth", A, "PUT", "/star-auth/simple")
        .headers(AUTHORIZATION)
        .title("Allow-Headers *,authorization"),
    case("raw-star-auth", A, "PUT", "/raw/star")
        .headers(AUTHORIZATION)
        .title("no layer: the handler answers Allow-Headers * itself"),
    case("pattern-patch", A, "PATCH", "/pattern/simple")
        .headers(X_CUSTOM)
        .title("port pattern http://localhost:*"),
    // Actual responses (A).
    case("exact-get", A, "GET", "/exact/simple").title("exact list: simple GET"),
    case("exact-500", A, "GET", "/exact/status500").title("error status keeps CORS headers"),
    case("exact-stream", A, "GET", "/exact/stream").title("streamed body"),
    case("pattern-get", A, "GET", "/pattern/simple")
        .title("pattern: nothing exposed, X-Request-Id hidden"),
    case("expose-any", A, "GET", "/expose-any/simple").title("Expose-Headers *"),
    case("cred-login", A, "POST", "/cred/login")
        .credentials()
        .title("credentialed: the response sets a cookie"),
    case("cred-me", A, "GET", "/cred/me")
        .credentials()
        .title("credentialed: the cookie is sent"),
    case("cred-me-omit", A, "GET", "/cred/me").title("without credentials: no cookie"),
    case("cred-put", A, "PUT", "/cred/me")
        .credentials()
        .headers(AUTHORIZATION)
        .title("credentialed PUT with Authorization"),
    case("cred-echo-headers", A, "PUT", "/cred-any/simple")
        .credentials()
        .headers(TWO_CUSTOM)
        .title("credentialed, any header: the requested names are echoed"),
    case("cred-gateway", A, "GET", "/gateway/simple")
        .credentials()
        .title("credentials with Allow-Origin *"),
    case("cred-exact", A, "GET", "/exact/simple")
        .credentials()
        .title("credentials without Allow-Credentials"),
    case("upstream-a", A, "GET", "/gateway/upstream-a")
        .title("handler's own Allow-Origin (A) kept"),
    case("blocking-a", A, "GET", "/blocking/simple").title("blocking policy, allowed origin"),
    // The disallowed origin C.
    case("c-exact-get", C, "GET", "/exact/simple").title("disallowed origin: simple GET"),
    case("c-exact-put", C, "PUT", "/exact/simple").title("disallowed origin: preflight refused"),
    case("c-pattern", C, "GET", "/pattern/simple").title("127.0.0.1 is not localhost:*"),
    case("c-blocking", C, "GET", "/blocking/simple").title("blocking policy: handler never called"),
    case("c-gateway", C, "GET", "/gateway/simple").title("gateway allows any origin"),
    case("c-upstream-a", C, "GET", "/gateway/upstream-a")
        .title("handler's own Allow-Origin (A) is not overwritten"),
    // Request bodies without a Content-Type of the script's: the browser
    // adds the body's own, which decides the preflight.
    case("body-text", A, "POST", "/exact/simple")
        .body_of(Body::Text("hello"))
        .title("string body: text/plain;charset=UTF-8, simple"),
    case("body-form-data", A, "POST", "/exact/simple")
        .body_of(Body::FormData(&[("name", "cat"), ("age", "3")]))
        .title("FormData body: multipart/form-data, simple"),
    case("body-url-search-params", A, "POST", "/exact/simple")
        .body_of(Body::Params(&[("q", "cats & dogs")]))
        .title("URLSearchParams body: form-urlencoded, simple"),
    case("body-blob-json", A, "POST", "/exact/simple")
        .body_of(Body::Blob("{}", "application/json"))
        .title("Blob of type application/json: preflighted"),
    case("body-blob-untyped", A, "POST", "/exact/simple")
        .body_of(Body::Blob("raw", ""))
        .title("Blob without a type: no Content-Type, simple"),
    // Debug mode (the second API): a refused preflight of an allowed
    // origin is answered with the lists, so the console names the method.
    // Redirects of the actual request (the browser follows them).
    case("redirect-same-origin", A, "GET", "/gateway/redirect")
        .title("307 within the API, through the layer: followed"),
    case("redirect-outside-layer", A, "GET", "/raw/redirect")
        .title("307 without CORS headers (no policy on /raw): blocked"),
    case("redirect-tainted", A, "GET", "/exact/redirect-away")
        .title("307 to another origin: Origin null there, which the list refuses"),
    case("redirect-tainted-any", A, "GET", "/gateway/redirect-away")
        .title("307 to another origin, any-origin policy: followed"),
    case("redirect-preflighted", A, "PUT", "/gateway/redirect")
        .headers(X_SDK_DATE)
        .title("preflighted PUT redirected: a new preflight for the new URL"),
    case("debug-exact-patch", A, "PATCH", "/exact/simple")
        .to(Api::Debug)
        .title("debug mode: PATCH not allowed, the answer lists the methods"),
    case("debug-c-get", C, "GET", "/exact/simple")
        .to(Api::Debug)
        .title("debug mode: disallowed origin, the refusal on the wire"),
    // The opaque origin of a sandboxed frame: `Origin: null`.
    case("null-gateway", Sandboxed, "GET", "/gateway/simple")
        .title("sandboxed frame (Origin: null), any-origin policy"),
    case("null-gateway-put", Sandboxed, "PUT", "/gateway/simple")
        .headers(X_SDK_DATE)
        .title("sandboxed frame, preflighted PUT, any-origin policy"),
    case("null-exact", Sandboxed, "GET", "/exact/simple")
        .title("sandboxed frame: null is not an allowed origin"),
];

/// What reached the API server for one request of a case.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
    pub preflight: bool,
    /// The request's method.
    pub method: String,
    /// Its `Origin`, if any.
    pub origin: Option<String>,
    /// Whether it carried a cookie.
    pub cookie: bool,
    /// The request headers that say what the browser sent on the script's
    /// behalf ([`SENT_HEADERS`]), as sent, in that order.
    pub sent: Vec<(String, String)>,
    /// The status of the answer.
    pub status: u16,
    /// The CORS headers of the answer (and `vary`, and debug mode's
    /// `x-cors-refusal`), as sent.
    pub headers: Vec<(String, String)>,
    /// The layer's classification.
    pub kind: Option<String>,
    /// The layer's refusal, with the setting that decided.
    pub refusal: Option<String>,
}

/// The request headers a [`Hit`] records: `Origin`, Fetch Metadata, a
/// preflight's `Access-Control-Request-*`, and `Content-Type`.
pub const SENT_HEADERS: &[&str] = &[
    "origin",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "access-control-request-method",
    "access-control-request-headers",
    "content-type",
];

/// The API server's record of every case: the requests that reached it and
/// how many reached the handler behind the CORS layer.
#[derive(Debug, Clone, Default)]
pub struct Log(Arc<Mutex<HashMap<String, Entry>>>);

/// One case's record.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// Every request, in order.
    pub hits: Vec<Hit>,
    /// Calls of the handler.
    pub handler_calls: usize,
}

impl Entry {
    /// Preflights that reached the server.
    pub fn preflights(&self) -> usize {
        self.hits.iter().filter(|h| h.preflight).count()
    }
    /// Other requests that reached the server.
    pub fn actuals(&self) -> usize {
        self.hits.iter().filter(|h| !h.preflight).count()
    }
    fn to_json(&self) -> Value {
        let hits: Vec<Value> = self
            .hits
            .iter()
            .map(|h| {
                json!({
                    "preflight": h.preflight,
                    "method": h.method,
                    "origin": h.origin,
                    "cookie": h.cookie,
                    "status": h.status,
                    "headers": h.headers,
                    "kind": h.kind,
                    "refusal": h.refusal,
                })
            })
            .collect();
        json!({
            "preflights": self.preflights(),
            "actuals": self.actuals(),
            "handler_calls": self.handler_calls,
            "hits": hits,
        })
    }
}

impl Log {
    /// The record of `key` (`<run>-<case id>`).
    pub fn entry(&self, key: &str) -> Entry {
        self.0
            .lock()
            .map(|log| log.get(key).cloned().unwrap_or_default())
            .unwrap_or_default()
    }
    fn update(&self, key: &str, f: impl FnOnce(&mut Entry)) {
        if let Ok(mut log) = self.0.lock() {
            f(log.entry(key.to_owned()).or_default());
        }
    }
}

/// The running playground.
pub struct Playground {
    /// Origin A, the page (`http://localhost:port`).
    pub origin_a: String,
    /// Origin B, the API.
    pub origin_b: String,
    /// The API by IP address (`http://127.0.0.1:…`): another origin, the
    /// same server.
    pub api_by_address: String,
    /// The API with the layer's debug mode on (`http://localhost:…`).
    pub api_debug: String,
    /// Origin C, not allowed by the restrictive policies.
    pub origin_c: String,
    /// The API server's log.
    pub log: Log,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Playground {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Playground {
    /// The base URL of `api`.
    pub fn api(&self, api: Api) -> &str {
        match api {
            Api::Named => &self.origin_b,
            Api::Address => &self.api_by_address,
            Api::Debug => &self.api_debug,
        }
    }

    /// The page's URL for a run named `run`.
    pub fn page_url(&self, run: &str) -> String {
        format!("{}/?run={run}", self.origin_a)
    }
}

/// Binds 127.0.0.1 on a free port, and `[::1]` on the same port when it can
/// (so that `localhost` answers whichever address the browser tries first).
async fn listeners() -> std::io::Result<Vec<TcpListener>> {
    let v4 = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let port = v4.local_addr()?.port();
    let mut all = vec![v4];
    if let Ok(v6) = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await {
        all.push(v6);
    }
    Ok(all)
}

fn serve(listeners: Vec<TcpListener>, app: Router, tasks: &mut Vec<tokio::task::JoinHandle<()>>) {
    for listener in listeners {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        }));
    }
}

fn port(listeners: &[TcpListener]) -> std::io::Result<u16> {
    match listeners.first() {
        Some(l) => Ok(l.local_addr()?.port()),
        None => Err(std::io::Error::other("no listener")),
    }
}

/// Starts the three servers.
pub async fn start() -> Result<Playground, Box<dyn Error + Send + Sync>> {
    let (a, b, c) = (listeners().await?, listeners().await?, listeners().await?);
    let d = listeners().await?;
    let origin_a = format!("http://localhost:{}", port(&a)?);
    let origin_b = format!("http://localhost:{}", port(&b)?);
    let origin_c = format!("http://127.0.0.1:{}", port(&c)?);
    let api_by_address = format!("http://127.0.0.1:{}", port(&b)?);
    let api_debug = format!("http://localhost:{}", port(&d)?);
    let log = Log::default();
    let mut tasks = Vec::new();
    serve(b, api(&origin_a, log.clone())?, &mut tasks);
    serve(d, debug_api(&origin_a, log.clone())?, &mut tasks);
    let apis = [
        origin_b.as_str(),
        api_by_address.as_str(),
        api_debug.as_str(),
    ];
    serve(a, page_server("A", apis, &origin_c), &mut tasks);
    serve(c, page_server("C", apis, &origin_c), &mut tasks);
    Ok(Playground {
        origin_a,
        origin_b,
        api_by_address,
        api_debug,
        origin_c,
        log,
        tasks,
    })
}

/// The policies of the API server, one per route prefix.
pub fn policies(origin_a: &str) -> Result<CorsLayer, Box<dyn Error + Send + Sync>> {
    let exact = CorsLayer::builder()
        .allow_origins([origin_a])
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .max_age(Duration::from_secs(600))
        .record_decisions(true);
    let nocache = CorsLayer::builder()
        .allow_origins([origin_a])
        .allow_methods(["PUT"])
        .max_age(Duration::ZERO)
        .record_decisions(true);
    let cred_any = CorsLayer::builder()
        .allow_origins([origin_a])
        .allow_methods(["PUT"])
        .allow_any_header()
        .allow_credentials(true)
        .record_decisions(true);
    let cred = CorsLayer::builder()
        .allow_origins([origin_a])
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type", "authorization", "x-custom"])
        .expose_headers(["x-request-id", "x-cookie-seen"])
        .allow_credentials(true)
        .record_decisions(true);
    let pattern = CorsLayer::builder()
        .allow_origins(["http://localhost:*"])
        .allow_methods(["PATCH"])
        .allow_headers(["x-custom"])
        .record_decisions(true);
    let star_headers = CorsLayer::builder()
        .allow_any_origin()
        .allow_methods(["PUT"])
        .allow_any_header()
        .record_decisions(true);
    let star_auth = CorsLayer::builder()
        .allow_any_origin()
        .allow_methods(["PUT"])
        .allow_headers(["*", "authorization"])
        .record_decisions(true);
    let blocking = CorsLayer::builder()
        .allow_origins([origin_a])
        .expose_headers(["x-request-id"])
        .block_disallowed_origins(true)
        .record_decisions(true);
    let expose_any = CorsLayer::builder()
        .allow_any_origin()
        .expose_any_header()
        .record_decisions(true);
    Ok(CorsRoutes::new()
        .policy("gateway", CorsBuilder::gateway().record_decisions(true))
        .policy("exact", exact)
        .policy("nocache", nocache)
        .policy("cred", cred)
        .policy("cred-any", cred_any)
        .policy("pattern", pattern)
        .policy("star-headers", star_headers)
        .policy("star-auth", star_auth)
        .policy("blocking", blocking)
        .policy("expose-any", expose_any)
        .bind_prefix("/gateway", "gateway")
        .bind_prefix("/exact", "exact")
        .bind_prefix("/nocache", "nocache")
        .bind_prefix("/cred", "cred")
        .bind_prefix("/cred-any", "cred-any")
        .bind_prefix("/pattern", "pattern")
        .bind_prefix("/star-headers", "star-headers")
        .bind_prefix("/star-auth", "star-auth")
        .bind_prefix("/blocking", "blocking")
        .bind_prefix("/expose-any", "expose-any")
        .build()?)
}

#[derive(Clone)]
struct ApiState {
    log: Log,
    origin_a: String,
}

/// The API server (origin B): the handler behind the policies, `/__log`
/// beside them (no binding covers it, so the layer leaves it alone), and
/// the request log outside them.
pub fn api(origin_a: &str, log: Log) -> Result<Router, Box<dyn Error + Send + Sync>> {
    Ok(api_behind(origin_a, log, policies(origin_a)?))
}

/// The API with the layer's debug mode on: the same policies and handler.
pub fn debug_api(origin_a: &str, log: Log) -> Result<Router, Box<dyn Error + Send + Sync>> {
    let cors = policies(origin_a)?;
    cors.set_debug_mode(true);
    Ok(api_behind(origin_a, log, cors))
}

fn api_behind(origin_a: &str, log: Log, cors: CorsLayer) -> Router {
    let state = ApiState {
        log,
        origin_a: origin_a.to_owned(),
    };
    Router::new()
        .route("/__log", get(log_endpoint))
        .route("/{policy}/{what}", any(handler))
        .layer(cors)
        .layer(from_fn_with_state(state.clone(), record))
        .with_state(state)
}

fn case_key(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("case="))
        .map(str::to_owned)
}

/// Outside the CORS layer: logs every request of a case, preflights
/// included, with the layer's answer and decision.
async fn record(State(api): State<ApiState>, req: Request, next: Next) -> Response {
    let Some(key) = case_key(req.uri().query()) else {
        return next.run(req).await;
    };
    let headers = req.headers();
    let preflight = req.method() == Method::OPTIONS
        && headers.contains_key("origin")
        && headers.contains_key("access-control-request-method");
    let method = req.method().to_string();
    let origin = text(headers, "origin");
    let cookie = headers.contains_key(COOKIE);
    let sent = SENT_HEADERS
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), text(headers, name)?)))
        .collect();
    let res = next.run(req).await;
    let cors_headers = res
        .headers()
        .iter()
        .filter(|(name, _)| {
            name.as_str().starts_with("access-control-")
                || *name == "vary"
                || *name == "x-cors-refusal"
        })
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let hit = Hit {
        preflight,
        method,
        origin,
        cookie,
        sent,
        status: res.status().as_u16(),
        headers: cors_headers,
        kind: res
            .extensions()
            .get::<RequestKind>()
            .map(|k| format!("{k:?}")),
        refusal: res
            .extensions()
            .get::<Refusal>()
            .map(|why| format!("{why} ({})", why.rule())),
    };
    api.log.update(&key, |entry| entry.hits.push(hit));
    res
}

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// The one handler behind every policy; `what` chooses its answer.
async fn handler(
    State(api): State<ApiState>,
    Path((policy, what)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    if let Some(key) = query.get("case") {
        api.log.update(key, |entry| entry.handler_calls += 1);
    }
    let cookie = text(&headers, "cookie").unwrap_or_default();
    let seen = if cookie.contains("playground=") {
        "yes"
    } else {
        "no"
    };
    let base = [
        (CONTENT_TYPE, "application/json"),
        (CACHE_CONTROL, "no-store"),
    ];
    let ids = [("x-request-id", "req-1"), ("x-secret", "s3cret")];
    let case = query
        .get("case")
        .map_or(String::new(), |key| format!("?case={key}"));
    match what.as_str() {
        // To the same route's `simple`, on this origin.
        "redirect" => (
            StatusCode::TEMPORARY_REDIRECT,
            [(LOCATION, format!("/{policy}/simple{case}"))],
        )
            .into_response(),
        // To the same route's `simple`, on this server by IP address:
        // another origin, so the browser taints the request's origin.
        "redirect-away" => {
            let host = text(&headers, "host").unwrap_or_default();
            let port = host.rsplit_once(':').map_or("80", |(_, port)| port);
            let location = format!("http://127.0.0.1:{port}/{policy}/simple{case}");
            (StatusCode::TEMPORARY_REDIRECT, [(LOCATION, location)]).into_response()
        }
        // No policy covers `/raw`: this handler answers CORS by hand, with
        // `Access-Control-Allow-Headers: *`, as the layer never would next to
        // a requested `Authorization`.
        "star" if method == Method::OPTIONS => (
            StatusCode::NO_CONTENT,
            [
                ("access-control-allow-origin", "*"),
                ("access-control-allow-methods", "PUT"),
                ("access-control-allow-headers", "*"),
            ],
        )
            .into_response(),
        "star" => (
            base,
            ids,
            [(ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
            r#"{"status":"200"}"#,
        )
            .into_response(),
        // The seed's Scenario 2: the backend answers CORS itself.
        "upstream" => (
            base,
            ids,
            [(ACCESS_CONTROL_ALLOW_ORIGIN, "http://www.cors.com")],
            r#"{"status":"200"}"#,
        )
            .into_response(),
        // The backend allows origin A only, under an any-origin policy.
        "upstream-a" => (
            base,
            ids,
            [(ACCESS_CONTROL_ALLOW_ORIGIN, api.origin_a.as_str())],
            r#"{"status":"200"}"#,
        )
            .into_response(),
        "status500" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            base,
            ids,
            r#"{"status":"500"}"#,
        )
            .into_response(),
        "stream" => {
            let chunks = Chunks(vec!["[", "1,", "2,", "3", "]"].into_iter());
            (base, ids, HttpBody::new(chunks)).into_response()
        }
        "login" => (
            base,
            ids,
            [(SET_COOKIE, "playground=1; Path=/; SameSite=Lax")],
            r#"{"login":"ok"}"#,
        )
            .into_response(),
        "me" => (
            base,
            ids,
            [("x-cookie-seen", seen)],
            format!(r#"{{"cookie":"{seen}"}}"#),
        )
            .into_response(),
        _ => (base, ids, r#"{"status":"200"}"#).into_response(),
    }
}

/// A body sent in several frames, one per chunk (`Transfer-Encoding:
/// chunked`): the layer must pass it through without buffering.
struct Chunks(std::vec::IntoIter<&'static str>);

impl http_body::Body for Chunks {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(
            self.0
                .next()
                .map(|chunk| Ok(http_body::Frame::data(axum::body::Bytes::from(chunk)))),
        )
    }
}

async fn log_endpoint(
    State(api): State<ApiState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let entry = api.log.entry(query.get("key").map_or("", String::as_str));
    (
        [
            (ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Json(entry.to_json()),
    )
        .into_response()
}

fn cases_json() -> Value {
    Value::Array(
        CASES
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "title": c.title,
                    "from": c.from.label(),
                    "method": c.method,
                    "path": c.path,
                    "headers": c.headers,
                    "body": c.body.map(Body::to_json),
                    "credentials": c.credentials,
                    "no_cors": c.no_cors,
                    "repeat": c.repeat,
                    "api": c.api.key(),
                })
            })
            .collect(),
    )
}

/// A page server: the page, with its label and the origins filled in (the
/// API by name, by address and in debug mode, and origin C). A's server
/// also serves the page of the sandboxed frame, at `/sandboxed`.
fn page_server(label: &'static str, apis: [&str; 3], origin_c: &str) -> Router {
    let page = |label: &str| {
        let [named, address, debug] = apis;
        let page = PAGE
            .replace("__LABEL__", label)
            .replace("__API_ADDRESS__", address)
            .replace("__API_DEBUG__", debug)
            .replace("__API__", named)
            .replace("__C__", origin_c)
            .replace("__CASES__", &cases_json().to_string());
        move || async move { Html(page) }
    };
    let router = Router::new().route("/", get(page(label)));
    match label {
        "A" => router.route("/sandboxed", get(page(Page::Sandboxed.label()))),
        _ => router,
    }
}

const PAGE: &str = include_str!("playground.html");
