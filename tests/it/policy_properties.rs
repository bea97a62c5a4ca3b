//! Properties over random policies, random requests and random upstream
//! responses (the issue "Hardening"): a refused origin never gets a
//! permission, `*` never goes with credentials, the layer never adds a
//! second `Access-Control-Allow-Origin`, the inner service is called
//! exactly when it must be, and what it answered arrives untouched; and for
//! browser requests, the browser model's outcome through the layer is what
//! the policy says.
//!
//! Every expectation is computed here from the policy's description (an
//! oracle written from the guide's rules, `tower_cors::guide::origins`), never from the layer.
//!
//! No case is discarded: every generated case runs, each test counts them
//! and asserts the count, and prints it
//! (`cargo test --test it policy_properties:: -- --nocapture`). The default
//! number of cases keeps `cargo test` fast; `PROPTEST_CASES=5000` runs more.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::{collect, Answer};
use bytes::Bytes;
use cors_check::{check, Stage};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tower::{service_fn, ServiceExt};
use tower_cors::{ConfigError, CorsLayer, Precedence};
use tower_cors_test_support::origin_matching::{localhost_any_port, subdomain_of};
use tower_layer::Layer;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 256;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        failure_persistence: None,
        // Every case is valid: nothing may be rejected.
        max_global_rejects: 0,
        ..Config::with_cases(cases())
    })
}

/// A counter per outcome, to show that no property held vacuously.
#[derive(Default)]
struct Counts(std::sync::Mutex<std::collections::BTreeMap<&'static str, usize>>);

impl Counts {
    fn add(&self, what: &'static str) {
        *self.0.lock().unwrap().entry(what).or_default() += 1;
    }

    fn get(&self, what: &str) -> usize {
        self.0.lock().unwrap().get(what).copied().unwrap_or(0)
    }

    fn show(&self) -> String {
        format!("{:?}", self.0.lock().unwrap())
    }

    /// Prints the counts after `title`, and checks that every case ran,
    /// that each outcome of `expected` happened, and that at least half
    /// the generated policies built.
    #[track_caller]
    fn assert_covered(&self, title: &str, expected: &[&str]) {
        println!("{title}: {}", self.show());
        let ran = self.get("ran");
        assert_eq!(ran, cases() as usize, "every case must run");
        for what in expected {
            assert!(self.get(what) > 0, "no case of {what:?}: {}", self.show());
        }
        let checked = ran - self.get("policy refused by build()");
        assert!(
            checked * 2 >= ran,
            "too few valid policies: {}",
            self.show()
        );
    }
}

// ----------------------------------------------------------------------------
// Policies
// ----------------------------------------------------------------------------

/// What the policy may list: exact origins and patterns (and `*`, added
/// by [`spec`]).
const ORIGIN_POOL: [&str; 6] = [
    "https://app.example.com",
    "http://localhost:3000",
    "https://*.example.com",
    "http://localhost:*",
    "https://*.example.com:8443",
    "https://partner.test:8443",
];

const METHOD_POOL: [&str; 5] = ["PUT", "PATCH", "DELETE", "PURGE", "patch"];
const HEADER_POOL: [&str; 4] = ["content-type", "x-custom", "X-Trace", "authorization"];
const EXPOSE_POOL: [&str; 2] = ["x-request-id", "x-up"];

#[derive(Debug, Clone)]
enum List {
    Any,
    Names(Vec<&'static str>),
}

/// A policy, described: what the builder is given.
#[derive(Debug, Clone)]
struct Spec {
    origins: Vec<&'static str>,
    methods: List,
    headers: List,
    /// With `List::Any`: `authorization` listed beside `*`.
    any_header_and_authorization: bool,
    expose: Vec<&'static str>,
    credentials: bool,
    precedence: Precedence,
    block: bool,
}

fn subset(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(pool, 0..=pool.len())
}

fn nonempty_subset(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(pool, 1..=pool.len())
}

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = List> {
    prop_oneof![1 => Just(List::Any), 3 => subset(pool).prop_map(List::Names)]
}

/// A subset of `pool` (one name at least) and, with probability `p`, `*`
/// too.
fn subset_and_star(
    pool: &'static [&'static str],
    p: f64,
) -> impl Strategy<Value = Vec<&'static str>> {
    (nonempty_subset(pool), proptest::bool::weighted(p)).prop_map(|(mut names, star)| {
        if star {
            names.push("*");
        }
        names
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        subset_and_star(&ORIGIN_POOL, 0.2),
        list(&METHOD_POOL),
        list(&HEADER_POOL),
        any::<bool>(),
        subset_and_star(&EXPOSE_POOL, 0.1),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(origins, methods, headers, authorization, expose, credentials, layer_wins, block)| {
                Spec {
                    origins,
                    methods,
                    headers,
                    any_header_and_authorization: authorization,
                    expose,
                    credentials,
                    precedence: if layer_wins {
                        Precedence::LayerWins
                    } else {
                        Precedence::UpstreamWins
                    },
                    block,
                }
            },
        )
}

impl Spec {
    fn build(&self) -> Result<CorsLayer, tower_cors::BuildError> {
        let mut builder = CorsLayer::builder()
            .allow_origins(self.origins.iter().copied())
            .expose_headers(self.expose.iter().copied())
            .allow_credentials(self.credentials)
            .precedence(self.precedence)
            .block_disallowed_origins(self.block);
        builder = match &self.methods {
            List::Any => builder.allow_any_method(),
            List::Names(names) => builder.allow_methods(names.iter().copied()),
        };
        builder = match &self.headers {
            List::Any if self.any_header_and_authorization => {
                builder.allow_headers(["*", "authorization"])
            }
            List::Any => builder.allow_any_header(),
            List::Names(names) => builder.allow_headers(names.iter().copied()),
        };
        builder.build()
    }

    /// The errors `build()` must return, in no particular order.
    fn expected_errors(&self) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        if self.origins.is_empty() {
            errors.push(ConfigError::NoOrigins);
        }
        if self.credentials && self.origins.contains(&"*") {
            errors.push(ConfigError::AnyOriginWithCredentials);
        }
        if self.credentials && self.expose.contains(&"*") {
            errors.push(ConfigError::ExposeAnyHeaderWithCredentials);
        }
        errors
    }

    fn any_origin(&self) -> bool {
        self.origins.contains(&"*")
    }

    /// Whether the policy allows the request's `Origin` bytes, by the
    /// guide's rules: `*` allows every value (`null` too); an exact origin
    /// matches byte for byte; `*.base` one or more whole lowercase labels;
    /// `:*` any port as browsers write it.
    fn allows_origin(&self, origin: &[u8]) -> bool {
        self.origins.iter().any(|&rule| match rule {
            "*" => true,
            "https://*.example.com" => {
                subdomain_of(origin, b"https://", b"example.com").is_some_and(|p| p.is_empty())
            }
            "https://*.example.com:8443" => {
                subdomain_of(origin, b"https://", b"example.com").is_some_and(|p| p == b":8443")
            }
            "http://localhost:*" => localhost_any_port(origin),
            exact => origin == exact.as_bytes(),
        })
    }

    fn allows_method(&self, method: &[u8]) -> bool {
        let Ok(method) = Method::from_bytes(method) else {
            return false;
        };
        if matches!(method.as_str(), "GET" | "HEAD" | "POST") {
            return true;
        }
        match &self.methods {
            List::Any => true,
            List::Names(names) => names.iter().any(|name| *name == method.as_str()),
        }
    }

    fn allows_header(&self, name: &[u8]) -> bool {
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return false;
        }
        let listed = |names: &[&str]| {
            names
                .iter()
                .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
        };
        match &self.headers {
            List::Any => {
                !name.eq_ignore_ascii_case(b"authorization") || self.any_header_and_authorization
            }
            List::Names(names) => listed(names),
        }
    }

    /// Whether every name in every `Access-Control-Request-Headers` line
    /// is allowed; a list longer than 4096 bytes, or in more than 16
    /// lines, is refused unread.
    fn allows_header_lines(&self, lines: &[Vec<u8>]) -> bool {
        if lines.iter().map(Vec::len).sum::<usize>() > 4096 || lines.len() > 16 {
            return false;
        }
        lines.iter().all(|line| {
            line.split(|&b| b == b',')
                .map(<[u8]>::trim_ascii)
                .filter(|name| !name.is_empty())
                .all(|name| self.allows_header(name))
        })
    }

    fn exposes(&self, name: &str) -> bool {
        self.expose.contains(&name) || self.expose.contains(&"*")
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

// ----------------------------------------------------------------------------
// Requests as any client may send them
// ----------------------------------------------------------------------------

/// Request origins: allowed ones and their near misses, well-formed and
/// not, and generated subdomains.
const REQUEST_ORIGINS: [&str; 26] = [
    "https://app.example.com",
    "https://APP.example.com",
    "https://app.example.com/",
    "https://app.example.com:443",
    "http://app.example.com",
    "https://user@app.example.com",
    "https://a.example.com",
    "https://a.b.example.com",
    "https://example.com",
    "https://aexample.com",
    "https://a.example.com:8443",
    "https://a.example.com:08443",
    "https://a..example.com",
    "https://.example.com",
    "https://a.example.com.evil.test",
    "http://localhost:3000",
    "http://localhost",
    "http://localhost:80",
    "http://localhost:65536",
    "http://localhost:0",
    "http://localhost:03000",
    "https://partner.test:8443",
    "https://partner.test",
    "null",
    "",
    "*",
];

/// A byte `HeaderValue::from_bytes` accepts: tab, visible ASCII, space and
/// obs-text.
fn value_byte() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b'\t'), 0x20u8..=0x7e, 0x80u8..=0xff]
}

fn raw_value() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(value_byte(), 0..24)
}

fn request_origin() -> impl Strategy<Value = Vec<u8>> {
    let label = "[a-zA-Z0-9_-]{0,4}";
    prop_oneof![
        3 => proptest::sample::select(&PAGE_ORIGINS[..]).prop_map(|o| o.as_bytes().to_vec()),
        5 => proptest::sample::select(&REQUEST_ORIGINS[..]).prop_map(|o| o.as_bytes().to_vec()),
        3 => (
            proptest::sample::select(&["https://", "http://", "HTTPS://"][..]),
            proptest::collection::vec(label, 1..4),
            proptest::sample::select(&["", ":8443", ":3000", ":443", ":"][..]),
        )
            .prop_map(|(scheme, labels, port)| {
                format!("{scheme}{}.example.com{port}", labels.join(".")).into_bytes()
            }),
        1 => raw_value(),
    ]
}

/// `Access-Control-Request-Method` values.
fn request_method_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::sample::select(
            &["PUT", "put", "PATCH", "patch", "DELETE", "GET", "POST", "PURGE", "", " PUT", "PUT ", "P T"][..]
        )
        .prop_map(|m| m.as_bytes().to_vec()),
        1 => raw_value(),
    ]
}

/// One `Access-Control-Request-Headers` line: names from the pool in any
/// case, with optional whitespace and empty elements, or raw bytes.
fn request_headers_line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        8 => proptest::sample::select(
            &["content-type", "Content-Type", "x-custom", "X-CUSTOM", "x-trace", "authorization", "x-other", "bad name", "x\u{e9}"][..]
        )
        .prop_map(str::to_owned),
        1 => Just(String::new()),
    ];
    let ws = proptest::sample::select(&["", " ", "\t", "  \t"][..]);
    prop_oneof![
        8 => proptest::collection::vec((ws.clone(), name, ws), 0..5).prop_map(|parts| {
            parts
                .into_iter()
                .map(|(a, n, b)| format!("{a}{n}{b}"))
                .collect::<Vec<_>>()
                .join(",")
                .into_bytes()
        }),
        1 => raw_value(),
    ]
}

#[derive(Debug, Clone)]
struct RawRequest {
    method: &'static str,
    origin: Option<Vec<u8>>,
    /// Zero, one or two `Access-Control-Request-Method` lines.
    request_method: Vec<Vec<u8>>,
    request_headers: Vec<Vec<u8>>,
    sec_fetch_site: Option<&'static str>,
}

fn raw_request() -> impl Strategy<Value = RawRequest> {
    let any_request = (
        proptest::sample::select(
            &[
                "GET", "HEAD", "POST", "PUT", "DELETE", "patch", "OPTIONS", "OPTIONS",
            ][..],
        ),
        proptest::option::weighted(0.9, request_origin()),
        prop_oneof![
            1 => proptest::collection::vec(request_method_value(), 0..=0),
            6 => proptest::collection::vec(request_method_value(), 1..=1),
            1 => proptest::collection::vec(request_method_value(), 2..=2),
        ],
        proptest::collection::vec(request_headers_line(), 0..=3),
        proptest::option::weighted(
            0.2,
            proptest::sample::select(&["same-origin", "cross-site", "same-site"][..]),
        ),
    )
        .prop_map(
            |(method, origin, request_method, request_headers, sec_fetch_site)| RawRequest {
                method,
                origin,
                request_method,
                request_headers,
                sec_fetch_site,
            },
        );
    // A preflight as a browser sends it, but for the case and spacing of
    // the names, which browsers lowercase and join with `,`.
    let name = proptest::sample::select(
        &[
            "content-type",
            "Content-Type",
            "x-custom",
            "X-Trace",
            "authorization",
        ][..],
    );
    let ws = proptest::sample::select(&["", " ", "\t"][..]);
    let browser_preflight = (
        proptest::sample::select(&PAGE_ORIGINS[..]),
        proptest::sample::select(&["PUT", "PATCH", "patch", "DELETE", "PURGE", "GET"][..]),
        proptest::collection::vec((ws, name), 0..3),
    )
        .prop_map(|(origin, method, names)| RawRequest {
            method: "OPTIONS",
            origin: Some(origin.as_bytes().to_vec()),
            request_method: vec![method.as_bytes().to_vec()],
            request_headers: if names.is_empty() {
                Vec::new()
            } else {
                let line: Vec<String> = names.iter().map(|(ws, n)| format!("{ws}{n}")).collect();
                vec![line.join(",").into_bytes()]
            },
            sec_fetch_site: None,
        });
    prop_oneof![3 => any_request, 1 => browser_preflight]
}

impl RawRequest {
    fn to_request(&self) -> Request<Full<Bytes>> {
        let mut req = Request::new(Full::new(Bytes::from_static(b"request body")));
        *req.method_mut() = Method::from_bytes(self.method.as_bytes()).unwrap();
        *req.uri_mut() = "http://api.example.net/items".parse().unwrap();
        let h = req.headers_mut();
        let value = |bytes: &[u8]| HeaderValue::from_bytes(bytes).unwrap();
        if let Some(origin) = &self.origin {
            h.append("origin", value(origin));
        }
        for line in &self.request_method {
            h.append("access-control-request-method", value(line));
        }
        for line in &self.request_headers {
            h.append("access-control-request-headers", value(line));
        }
        if let Some(site) = self.sec_fetch_site {
            h.append("sec-fetch-site", HeaderValue::from_static(site));
        }
        req
    }

    fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.origin.is_some() && !self.request_method.is_empty()
    }
}

// ----------------------------------------------------------------------------
// Upstream responses
// ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Upstream {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

fn upstream_header() -> impl Strategy<Value = (HeaderName, HeaderValue)> {
    let pick = |name: &'static str, values: &'static [&'static str]| {
        proptest::sample::select(values)
            .prop_map(move |v| (HeaderName::from_static(name), HeaderValue::from_static(v)))
    };
    prop_oneof![
        pick(
            "access-control-allow-origin",
            &["*", "https://app.example.com", "https://evil.test", "null"]
        ),
        pick(
            "access-control-allow-credentials",
            &["true", "TRUE", "false"]
        ),
        pick("access-control-expose-headers", &["x-up", "*"]),
        pick("access-control-allow-methods", &["PUT"]),
        pick(
            "vary",
            &[
                "Accept-Encoding",
                "origin",
                "*",
                "Accept, Cookie",
                "",
                "ORIGIN, accept"
            ]
        ),
        pick("content-type", &["text/plain", "application/json"]),
        pick("cache-control", &["no-store", "max-age=60"]),
        raw_value().prop_map(|v| (
            HeaderName::from_static("x-upstream"),
            HeaderValue::from_bytes(&v).unwrap()
        )),
    ]
}

fn upstream() -> impl Strategy<Value = Upstream> {
    (
        proptest::sample::select(&[200u16, 201, 204, 206, 304, 404, 500][..]),
        proptest::collection::vec(upstream_header(), 0..6),
        proptest::collection::vec(any::<u8>(), 0..32),
    )
        .prop_map(|(status, headers, body)| Upstream {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body,
        })
}

/// The values of `name` in `headers`, in order.
fn values<'h>(headers: &'h HeaderMap, name: &str) -> Vec<&'h [u8]> {
    headers
        .get_all(name)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect()
}

fn upstream_values<'u>(upstream: &'u Upstream, name: &str) -> Vec<&'u [u8]> {
    upstream
        .headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_bytes())
        .collect()
}

fn vary_tokens<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Vec<String> {
    lines
        .into_iter()
        .flat_map(|line| line.split(|&b| b == b','))
        .map(|t| String::from_utf8_lossy(t.trim_ascii()).to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

// ----------------------------------------------------------------------------
// The properties
// ----------------------------------------------------------------------------

/// Sends `req` through `cors` around a handler that answers `upstream`;
/// returns the whole response and how often the handler ran.
async fn send(cors: &CorsLayer, upstream: &Upstream, req: Request<Full<Bytes>>) -> (Answer, usize) {
    let calls = Arc::new(AtomicUsize::new(0));
    let handler = {
        let calls = Arc::clone(&calls);
        let upstream = upstream.clone();
        service_fn(move |_req: Request<Full<Bytes>>| {
            calls.fetch_add(1, Ordering::SeqCst);
            let mut res = Response::new(Full::new(Bytes::from(upstream.body.clone())));
            *res.status_mut() = upstream.status;
            for (name, value) in &upstream.headers {
                res.headers_mut().append(name.clone(), value.clone());
            }
            async move { Ok::<_, Infallible>(res) }
        })
    };
    let res = cors.layer(handler).oneshot(req).await.unwrap();
    (collect(res).await, calls.load(Ordering::SeqCst))
}

// checklist: C1, P1, P4, P5, P7, A1, A2, A4, A6, A7, A8
#[test]
fn random_policies_requests_and_upstream_responses() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let counts = Counts::default();
    let mut runner = runner();
    let strategy = (spec(), raw_request(), upstream());
    let result = runner.run(&strategy, |(spec, raw, upstream)| {
        counts.add("ran");
        let expected_errors = spec.expected_errors();
        let cors = match spec.build() {
            Ok(cors) => {
                prop_assert!(
                    expected_errors.is_empty(),
                    "built, expected {expected_errors:?}"
                );
                cors
            }
            Err(err) => {
                // Every generated policy is valid but for these errors.
                let mut got = err.errors().to_vec();
                let mut want = expected_errors;
                got.sort_by_key(|e| format!("{e:?}"));
                want.sort_by_key(|e| format!("{e:?}"));
                prop_assert_eq!(got, want);
                counts.add("policy refused by build()");
                return Ok(());
            }
        };
        let (res, calls) = runtime.block_on(send(&cors, &upstream, raw.to_request()));
        let h = &res.headers;
        let origin = raw.origin.as_deref();
        let origin_allowed = origin.is_some_and(|o| spec.allows_origin(o));
        let acao = values(h, "access-control-allow-origin");
        let acac = values(h, "access-control-allow-credentials");
        let upstream_wins = spec.precedence == Precedence::UpstreamWins;

        if raw.is_preflight() {
            counts.add("preflight");
            prop_assert_eq!(calls, 0, "the inner service answered a preflight");
            prop_assert!(res.body.is_empty());
            let accepted = origin_allowed
                && spec.allows_method(&raw.request_method[0])
                && spec.allows_header_lines(&raw.request_headers);
            if accepted {
                counts.add("preflight accepted");
                prop_assert!(res.status.is_success(), "{}", res.status);
                let want: &[u8] = if spec.any_origin() {
                    b"*"
                } else {
                    origin.unwrap()
                };
                prop_assert_eq!(&acao, &vec![want]);
                prop_assert_eq!(acac.len(), usize::from(spec.credentials));
            } else {
                counts.add("preflight refused");
                prop_assert_eq!(res.status, StatusCode::FORBIDDEN);
                let cors_headers: Vec<_> = h
                    .keys()
                    .filter(|k| k.as_str().starts_with("access-control-"))
                    .collect();
                prop_assert!(cors_headers.is_empty(), "{cors_headers:?}");
            }
            return Ok(());
        }

        let same_origin = raw.sec_fetch_site == Some("same-origin");
        let blocked = spec.block && origin.is_some() && !origin_allowed && !same_origin;
        if blocked {
            counts.add("actual blocked");
            prop_assert_eq!(calls, 0);
            prop_assert_eq!(res.status, StatusCode::FORBIDDEN);
            prop_assert!(acao.is_empty() && acac.is_empty());
            return Ok(());
        }
        counts.add("actual forwarded");
        prop_assert_eq!(calls, 1, "the inner service must answer an actual request");
        // Status and body untouched.
        prop_assert_eq!(res.status, upstream.status);
        prop_assert_eq!(&res.body[..], &upstream.body[..]);
        // Every header the inner service set keeps its values, CORS
        // headers too unless the layer wins; `Vary` keeps every token.
        let mut names: Vec<&HeaderName> = upstream.headers.iter().map(|(n, _)| n).collect();
        names.dedup();
        for name in names {
            let is_cors = name.as_str().starts_with("access-control-");
            if name == http::header::VARY || (is_cors && !upstream_wins) {
                continue;
            }
            prop_assert_eq!(
                values(h, name.as_str()),
                upstream_values(&upstream, name.as_str()),
                "{}",
                name
            );
        }
        let before = vary_tokens(upstream_values(&upstream, "vary"));
        let after = vary_tokens(values(h, "vary"));
        for token in &before {
            prop_assert!(after.contains(token), "Vary lost {token}: {after:?}");
        }
        // What the layer added itself.
        let upstream_acao = if upstream_wins {
            upstream_values(&upstream, "access-control-allow-origin")
        } else {
            Vec::new()
        };
        let upstream_acac = if upstream_wins {
            upstream_values(&upstream, "access-control-allow-credentials")
        } else {
            Vec::new()
        };
        if upstream_acao.len() <= 1 {
            prop_assert!(acao.len() <= 1, "two Access-Control-Allow-Origin: {acao:?}");
        }
        let layer_added_acao = acao != upstream_acao;
        let layer_added_acac = acac != upstream_acac;
        if layer_added_acao {
            counts.add("actual: layer's Access-Control-Allow-Origin");
            prop_assert!(upstream_acao.is_empty());
            let value = acao[0];
            if spec.any_origin() {
                prop_assert_eq!(value, b"*");
            } else {
                prop_assert!(origin_allowed, "ACAO {:?} for a refused origin", value);
                prop_assert_eq!(Some(value), origin);
            }
        }
        // A refused origin, or no origin under a policy that is not
        // any-origin: nothing granted.
        if !origin_allowed && (origin.is_some() || !spec.any_origin()) {
            counts.add(if origin.is_some() {
                "actual: refused origin"
            } else {
                "actual: no origin"
            });
            prop_assert!(!layer_added_acao && !layer_added_acac);
        }
        if layer_added_acac {
            counts.add("actual: layer's credentials");
            prop_assert!(spec.credentials && origin_allowed && !spec.any_origin());
            prop_assert_eq!(&acac, &vec![&b"true"[..]]);
        }
        // Credentials and exposed headers go only next to the layer's own
        // Access-Control-Allow-Origin: one value, the request's origin.
        let upstream_aceh = if upstream_wins {
            upstream_values(&upstream, "access-control-expose-headers")
        } else {
            Vec::new()
        };
        let layer_added_aceh = values(h, "access-control-expose-headers") != upstream_aceh;
        if layer_added_acac || layer_added_aceh {
            counts.add("actual: layer's credentials or exposed headers");
            prop_assert!(acao.len() == 1, "beside {:?}", acao);
            let own: &[u8] = if spec.any_origin() {
                b"*"
            } else {
                origin.unwrap_or_default()
            };
            prop_assert_eq!(acao[0], own, "beside a value the layer did not choose");
        }
        // `*` with credentials only if the inner service sent both.
        let star = acao.contains(&&b"*"[..]);
        let credentials = acac.iter().any(|v| v.eq_ignore_ascii_case(b"true"));
        if star && credentials {
            counts.add("actual: upstream sent * with credentials");
            prop_assert!(!layer_added_acao && !layer_added_acac);
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    counts.assert_covered(
        "random policies x requests x upstream",
        &[
            "preflight accepted",
            "preflight refused",
            "actual forwarded",
            "actual: layer's Access-Control-Allow-Origin",
            "actual: refused origin",
            "actual: layer's credentials",
            "actual: layer's credentials or exposed headers",
        ],
    );
}

// ----------------------------------------------------------------------------
// Agreement with the browser model
// ----------------------------------------------------------------------------

/// Pages' origins, as browsers serialize them.
const PAGE_ORIGINS: [&str; 11] = [
    "https://app.example.com",
    "http://app.example.com",
    "https://a.example.com",
    "https://a.b.example.com",
    "https://example.com",
    "https://aexample.com",
    "https://a.example.com:8443",
    "http://localhost:3000",
    "http://localhost:8080",
    "https://partner.test:8443",
    "null",
];

/// Script headers, with whether each one makes the request unsafe (needs
/// a preflight that names it).
const SCRIPT_HEADERS: [(&str, &str, bool); 6] = [
    ("content-type", "text/plain", false),
    ("accept", "*/*", false),
    ("content-type", "application/json", true),
    ("x-custom", "1", true),
    ("X-Trace", "2", true),
    ("authorization", "Bearer t0ken", true),
];

#[derive(Debug, Clone)]
struct Script {
    origin: &'static str,
    method: &'static str,
    headers: Vec<(&'static str, &'static str, bool)>,
    credentials: bool,
}

fn script() -> impl Strategy<Value = Script> {
    (
        proptest::sample::select(&PAGE_ORIGINS[..]),
        proptest::sample::select(
            &[
                "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "PURGE", "patch",
            ][..],
        ),
        proptest::sample::subsequence(&SCRIPT_HEADERS[..], 0..=3),
        any::<bool>(),
    )
        .prop_map(|(origin, method, headers, credentials)| Script {
            origin,
            method,
            headers,
            credentials,
        })
}

impl Script {
    /// The header names the preflight must have allowed, lowercase.
    fn unsafe_names(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(_, _, unsafe_)| *unsafe_)
            .map(|(name, _, _)| name.to_ascii_lowercase())
            .collect()
    }

    fn needs_preflight(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "POST") || !self.unsafe_names().is_empty()
    }
}

/// Whether the policy lets the script read the response, by the guide's
/// rules and the Fetch Standard's: the origin is allowed; a credentialed
/// request needs a credentialed policy; a request that needs a preflight
/// needs its method and every unsafe header allowed.
fn policy_allows(spec: &Spec, script: &Script) -> bool {
    let origin_ok = spec.allows_origin(script.origin.as_bytes());
    let credentials_ok = !script.credentials || spec.credentials;
    let preflight_ok = !script.needs_preflight()
        || (spec.allows_method(script.method.as_bytes())
            && script
                .unsafe_names()
                .iter()
                .all(|name| spec.allows_header(name.as_bytes())));
    origin_ok && credentials_ok && preflight_ok
}

// checklist: P3, P4, P6, A1, A2, A3
#[test]
fn the_browser_model_gets_what_the_policy_allows() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let counts = Counts::default();
    let mut runner = runner();
    let result = runner.run(&(spec(), script()), |(spec, script)| {
        counts.add("ran");
        let Ok(cors) = spec.build() else {
            // `random_policies_requests_and_upstream_responses` checks the
            // errors; here every built policy is what counts.
            prop_assert!(!spec.expected_errors().is_empty());
            counts.add("policy refused by build()");
            return Ok(());
        };
        let app = cors.layer(service_fn(|_req: Request<String>| async {
            let mut res = Response::new(String::from("items"));
            res.headers_mut()
                .insert("x-request-id", HeaderValue::from_static("7"));
            res.headers_mut()
                .insert("x-up", HeaderValue::from_static("u"));
            Ok::<_, Infallible>(res)
        }));
        let mut fetch = check(&app)
            .body_type::<String>()
            .from(script.origin)
            .method(script.method, "https://api.example.net/items");
        for (name, value, _) in &script.headers {
            fetch = fetch.header(name, value);
        }
        if script.credentials {
            fetch = fetch.credentials();
        }
        let outcome = runtime.block_on(fetch.run());
        let expected = policy_allows(&spec, &script);
        prop_assert_eq!(
            outcome.is_allowed(),
            expected,
            "{}\npolicy {:?}\nscript {:?}",
            outcome,
            spec,
            script
        );
        prop_assert_eq!(outcome.preflight_sent(), script.needs_preflight());
        if expected {
            counts.add("allowed");
            if script.needs_preflight() {
                counts.add("allowed after a preflight");
            }
            // Exposed headers are readable; with credentials, `*` exposes
            // nothing (build() refuses it anyway).
            for name in ["x-request-id", "x-up"] {
                prop_assert_eq!(outcome.can_read(name), spec.exposes(name), "{}", name);
            }
        } else {
            counts.add("blocked");
            let blocked = outcome.blocked().unwrap();
            if script.needs_preflight() {
                prop_assert_eq!(blocked.stage(), Stage::Preflight, "{}", outcome);
                counts.add("blocked at the preflight");
            } else {
                prop_assert_eq!(blocked.stage(), Stage::Actual, "{}", outcome);
                counts.add("blocked at the actual request");
            }
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    counts.assert_covered(
        "browser model through random policies",
        &[
            "allowed",
            "allowed after a preflight",
            "blocked at the preflight",
            "blocked at the actual request",
        ],
    );
}
