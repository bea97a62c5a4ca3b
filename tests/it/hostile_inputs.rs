//! The hostile-input table: requests no browser sends, and upstream
//! responses no careful handler makes, each a row with the outcome the
//! Fetch Standard and the crate's documented behaviour (the guide,
//! `docs/behaviour.md`) call for. Then the cases a table cannot hold: an
//! inner service that fails, a streamed body, and a client that goes away.
//!
//! Every row runs, and every failing row is reported, not just the first.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::common;
use crate::common::{collect, Answer};
use bytes::Bytes;
use cors_check::{BrowserRequest, Rule};
use http::header::{HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use tower::{service_fn, Service, ServiceExt};
use tower_cors::{CorsLayer, Refusal};
use tower_layer::Layer;

const APP: &str = "https://app.example.com";
const LOCAL: &str = "http://localhost:3000";

/// The policy of most rows: two exact origins, credentials.
fn policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP, LOCAL])
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .record_decisions(true)
        .build()
        .unwrap()
}

/// Subdomains of `example.com` by pattern, credentials.
fn pattern_policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .record_decisions(true)
        .build()
        .unwrap()
}

/// Any origin, no credentials.
fn any_origin_policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_any_origin()
        .allow_methods(["PUT"])
        .record_decisions(true)
        .build()
        .unwrap()
}

/// Why the layer refused, as a row expects it.
#[derive(Debug, Clone)]
enum Why {
    Is(Refusal),
    /// `Refusal::MalformedOrigin`, whatever the text.
    MalformedOrigin,
}

impl Why {
    fn matches(&self, refusal: Option<&Refusal>) -> bool {
        match self {
            Why::Is(want) => refusal == Some(want),
            Why::MalformedOrigin => matches!(refusal, Some(Refusal::MalformedOrigin(_))),
        }
    }
}

/// A row's expected outcome.
enum Expect {
    /// A preflight the layer accepts: 2xx, `Access-Control-Allow-Origin`
    /// the request's (first) `Origin`, credentials, handler not called.
    Accepted,
    /// A preflight the layer refuses: 403, no CORS header, handler not
    /// called, this reason.
    Refused(Why),
    /// An actual request from an allowed origin: the handler answers, with
    /// the layer's `Access-Control-Allow-Origin` (the request's `Origin`)
    /// and credentials.
    Allowed,
    /// An actual request from a refused origin: the handler answers, no
    /// CORS header is added, this reason is recorded.
    Denied(Why),
    /// Any other check of the answer and whether the handler ran.
    Check(fn(&Answer, usize) -> Result<(), String>),
}

struct Row {
    name: &'static str,
    policy: fn() -> CorsLayer,
    method: &'static str,
    /// Request headers, appended in order (a name may repeat).
    headers: Vec<(&'static str, Vec<u8>)>,
    /// The handler's answer: status and headers (appended).
    upstream: (StatusCode, Vec<(&'static str, Vec<u8>)>),
    expect: Expect,
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn row(
    name: &'static str,
    method: &'static str,
    headers: &[(&'static str, Vec<u8>)],
    expect: Expect,
) -> Row {
    Row {
        name,
        policy,
        method,
        headers: headers.to_vec(),
        upstream: (StatusCode::OK, Vec::new()),
        expect,
    }
}

fn get(name: &'static str, origin: Vec<u8>, expect: Expect) -> Row {
    row(name, "GET", &[("origin", origin)], expect)
}

fn preflight(
    name: &'static str,
    origin: Vec<u8>,
    method: &str,
    headers: Option<Vec<u8>>,
    expect: Expect,
) -> Row {
    let mut h = vec![
        ("origin", origin),
        ("access-control-request-method", b(method)),
    ];
    if let Some(list) = headers {
        h.push(("access-control-request-headers", list));
    }
    row(name, "OPTIONS", &h, expect)
}

/// A preflight from `APP` for `PUT` with these `Access-Control-Request-Headers` lines.
fn preflight_lines(name: &'static str, lines: Vec<Vec<u8>>, expect: Expect) -> Row {
    let mut h = vec![
        ("origin", b(APP)),
        ("access-control-request-method", b("PUT")),
    ];
    for line in lines {
        h.push(("access-control-request-headers", line));
    }
    row(name, "OPTIONS", &h, expect)
}

/// A `GET` from `APP` whose handler answers `status` with `headers`.
fn upstream(
    name: &'static str,
    status: u16,
    headers: &[(&'static str, Vec<u8>)],
    check: fn(&Answer, usize) -> Result<(), String>,
) -> Row {
    Row {
        name,
        policy,
        method: "GET",
        headers: vec![("origin", b(APP))],
        upstream: (StatusCode::from_u16(status).unwrap(), headers.to_vec()),
        expect: Expect::Check(check),
    }
}

use Expect::*;

fn rows() -> Vec<Row> {
    let malformed = || Denied(Why::MalformedOrigin);
    let malformed_preflight = || Refused(Why::MalformedOrigin);
    let not_allowed = || Denied(Why::Is(Refusal::OriginNotAllowed));
    let long_host = format!("https://{}.example.com", "a".repeat(8 * 1024));
    let long_subdomain = format!("https://{}example.com", "a.".repeat(4 * 1024));
    let names_10k = vec!["x-custom"; 10_000].join(",");
    vec![
        // --- Origin -----------------------------------------------------
        get("control: allowed origin", b(APP), Allowed),
        get("control: allowed loopback origin", b(LOCAL), Allowed),
        get(
            "Origin with a non-UTF-8 byte",
            b"https://app.example.com\xff".to_vec(),
            malformed(),
        ),
        get(
            "Origin with obs-text in the host",
            b"https://\xe4pp.example.com".to_vec(),
            malformed(),
        ),
        preflight(
            "preflight, Origin with obs-text",
            b"https://\xe4pp.example.com".to_vec(),
            "PUT",
            None,
            malformed_preflight(),
        ),
        // Browsers send one `Origin`; the first line decides and is the only
        // one echoed, so no other origin gains anything.
        row(
            "two Origin lines, the allowed one first",
            "GET",
            &[("origin", b(APP)), ("origin", b("https://evil.test"))],
            Allowed,
        ),
        row(
            "two Origin lines, the allowed one second",
            "GET",
            &[("origin", b("https://evil.test")), ("origin", b(APP))],
            not_allowed(),
        ),
        row(
            "preflight, two Origin lines, the refused one first",
            "OPTIONS",
            &[
                ("origin", b("https://evil.test")),
                ("origin", b(APP)),
                ("access-control-request-method", b("PUT")),
            ],
            Refused(Why::Is(Refusal::OriginNotAllowed)),
        ),
        get(
            "Origin: null",
            b("null"),
            Denied(Why::Is(Refusal::NullOriginNotAllowed)),
        ),
        preflight(
            "preflight, Origin: null",
            b("null"),
            "PUT",
            None,
            Refused(Why::Is(Refusal::NullOriginNotAllowed)),
        ),
        get("Origin: (empty)", b(""), malformed()),
        get("Origin: *", b("*"), malformed()),
        get(
            "Origin with a path",
            b("https://app.example.com/app"),
            malformed(),
        ),
        get(
            "Origin with a trailing slash",
            b("https://app.example.com/"),
            malformed(),
        ),
        get(
            "Origin with userinfo",
            b("https://user@app.example.com"),
            malformed(),
        ),
        get(
            "Origin in upper case",
            b("https://APP.EXAMPLE.COM"),
            malformed(),
        ),
        get(
            "Origin with an upper-case scheme",
            b("HTTPS://app.example.com"),
            malformed(),
        ),
        get(
            "Origin with the default port",
            b("https://app.example.com:443"),
            malformed(),
        ),
        get(
            "Origin with a leading zero in the port",
            b("http://localhost:03000"),
            malformed(),
        ),
        get(
            "Origin with leading whitespace",
            b(" https://app.example.com"),
            malformed(),
        ),
        get(
            "Origin with a trailing dot (well-formed, not listed)",
            b("https://app.example.com."),
            not_allowed(),
        ),
        get(
            "Origin of another scheme",
            b("http://app.example.com"),
            not_allowed(),
        ),
        get(
            "Origin 8 KiB long",
            long_host.clone().into_bytes(),
            not_allowed(),
        ),
        preflight(
            "preflight, Origin 8 KiB long",
            long_host.into_bytes(),
            "PUT",
            None,
            Refused(Why::Is(Refusal::OriginNotAllowed)),
        ),
        Row {
            policy: pattern_policy,
            ..get(
                "8 KiB of subdomain labels under a pattern",
                long_subdomain.into_bytes(),
                not_allowed(),
            )
        },
        Row {
            policy: pattern_policy,
            ..get(
                "control: a subdomain under a pattern",
                b("https://a.b.example.com"),
                Allowed,
            )
        },
        Row {
            policy: pattern_policy,
            ..get(
                "a subdomain with an empty label",
                b("https://a..example.com"),
                malformed(),
            )
        },
        // --- Access-Control-Request-Method --------------------------------
        preflight("control: preflight for PUT", b(APP), "PUT", None, Accepted),
        row(
            "two Access-Control-Request-Method lines, an allowed one first",
            "OPTIONS",
            &[
                ("origin", b(APP)),
                ("access-control-request-method", b("PUT")),
                ("access-control-request-method", b("DELETE")),
            ],
            Accepted,
        ),
        row(
            "two Access-Control-Request-Method lines, a refused one first",
            "OPTIONS",
            &[
                ("origin", b(APP)),
                ("access-control-request-method", b("DELETE")),
                ("access-control-request-method", b("PUT")),
            ],
            Refused(Why::Is(Refusal::MethodNotAllowed(Method::DELETE))),
        ),
        preflight(
            "Access-Control-Request-Method: (empty)",
            b(APP),
            "",
            None,
            Refused(Why::Is(Refusal::InvalidRequestMethod)),
        ),
        preflight(
            "Access-Control-Request-Method with a leading space",
            b(APP),
            " PUT",
            None,
            Refused(Why::Is(Refusal::InvalidRequestMethod)),
        ),
        preflight(
            "Access-Control-Request-Method with a space inside",
            b(APP),
            "P UT",
            None,
            Refused(Why::Is(Refusal::InvalidRequestMethod)),
        ),
        preflight(
            "Access-Control-Request-Method: put (browsers upper-case it)",
            b(APP),
            "put",
            None,
            Refused(Why::Is(Refusal::MethodNotAllowed(
                Method::from_bytes(b"put").unwrap(),
            ))),
        ),
        preflight(
            "Access-Control-Request-Method: get (not the safelisted GET)",
            b(APP),
            "get",
            None,
            Refused(Why::Is(Refusal::MethodNotAllowed(
                Method::from_bytes(b"get").unwrap(),
            ))),
        ),
        row(
            "Access-Control-Request-Method with a non-token byte",
            "OPTIONS",
            &[
                ("origin", b(APP)),
                ("access-control-request-method", b"PU\xffT".to_vec()),
            ],
            Refused(Why::Is(Refusal::InvalidRequestMethod)),
        ),
        row(
            "OPTIONS without Access-Control-Request-Method reaches the handler",
            "OPTIONS",
            &[("origin", b(APP))],
            Allowed,
        ),
        // --- Access-Control-Request-Headers -------------------------------
        preflight(
            "control: two allowed headers",
            b(APP),
            "PUT",
            Some(b("content-type,x-custom")),
            Accepted,
        ),
        preflight(
            "Access-Control-Request-Headers: 1 MiB of commas",
            b(APP),
            "PUT",
            Some(b(&",".repeat(1 << 20))),
            Refused(Why::Is(Refusal::RequestHeadersTooLong)),
        ),
        preflight(
            "Access-Control-Request-Headers: 4096 commas (the limit)",
            b(APP),
            "PUT",
            Some(b(&",".repeat(4096))),
            Accepted,
        ),
        preflight(
            "Access-Control-Request-Headers: 4097 commas",
            b(APP),
            "PUT",
            Some(b(&",".repeat(4097))),
            Refused(Why::Is(Refusal::RequestHeadersTooLong)),
        ),
        preflight(
            "Access-Control-Request-Headers: 10,000 allowed names",
            b(APP),
            "PUT",
            Some(b(&names_10k)),
            Refused(Why::Is(Refusal::RequestHeadersTooLong)),
        ),
        preflight_lines(
            "Access-Control-Request-Headers: 10,000 field lines",
            vec![b("x-custom"); 10_000],
            Refused(Why::Is(Refusal::RequestHeadersTooLong)),
        ),
        preflight(
            "Access-Control-Request-Headers with empty elements",
            b(APP),
            "PUT",
            Some(b(",, content-type ,,x-custom,")),
            Accepted,
        ),
        preflight(
            "Access-Control-Request-Headers: (empty)",
            b(APP),
            "PUT",
            Some(b("")),
            Accepted,
        ),
        preflight(
            "Access-Control-Request-Headers with tabs",
            b(APP),
            "PUT",
            Some(b("\tcontent-type\t,\tx-custom")),
            Accepted,
        ),
        preflight(
            "Access-Control-Request-Headers in mixed case",
            b(APP),
            "PUT",
            Some(b("Content-Type, X-CUSTOM")),
            Accepted,
        ),
        preflight(
            "Access-Control-Request-Headers with a space inside a name",
            b(APP),
            "PUT",
            Some(b("x custom")),
            Refused(Why::Is(Refusal::InvalidRequestHeaders)),
        ),
        preflight(
            "Access-Control-Request-Headers with a non-token byte",
            b(APP),
            "PUT",
            Some(b"x-cust\xffom".to_vec()),
            Refused(Why::Is(Refusal::InvalidRequestHeaders)),
        ),
        preflight(
            "Access-Control-Request-Headers with a delimiter",
            b(APP),
            "PUT",
            Some(b("content-type;x-custom")),
            Refused(Why::Is(Refusal::InvalidRequestHeaders)),
        ),
        preflight(
            "Access-Control-Request-Headers with a name not allowed",
            b(APP),
            "PUT",
            Some(b("content-type, x-other")),
            Refused(Why::Is(Refusal::HeaderNotAllowed(HeaderName::from_static(
                "x-other",
            )))),
        ),
        preflight_lines(
            "Access-Control-Request-Headers over two lines, the second refused",
            vec![b("content-type"), b("authorization")],
            Refused(Why::Is(Refusal::HeaderNotAllowed(
                http::header::AUTHORIZATION,
            ))),
        ),
        // --- Upstream responses --------------------------------------------
        upstream(
            "upstream Vary: * stays *, nothing appended",
            200,
            &[("vary", b("*"))],
            |a, _| {
                expect_eq(values(a, "vary"), vec![b("*")], "Vary")?;
                expect_eq(
                    values(a, "access-control-allow-origin"),
                    vec![b(APP)],
                    "ACAO",
                )
            },
        ),
        upstream(
            "upstream Vary lines keep their tokens, Origin once",
            200,
            &[("vary", b("Accept-Encoding")), ("vary", b("origin"))],
            |a, _| {
                let tokens = common::vary_tokens(a);
                expect_eq(
                    tokens,
                    vec!["accept-encoding".to_owned(), "origin".to_owned()],
                    "Vary tokens",
                )
            },
        ),
        upstream(
            "upstream sends two Access-Control-Allow-Origin values: kept, and blocked",
            200,
            &[
                ("access-control-allow-origin", b(APP)),
                ("access-control-allow-origin", b("*")),
            ],
            |a, _| {
                expect_eq(
                    values(a, "access-control-allow-origin"),
                    vec![b(APP), b("*")],
                    "ACAO",
                )?;
                // Two values are not the layer's own: no credentials, no
                // exposed headers beside them (a regression: the first value
                // was taken for the whole).
                expect_eq(values(a, "access-control-allow-credentials"), Vec::new(), "ACAC")?;
                expect_eq(values(a, "access-control-expose-headers"), Vec::new(), "ACEH")?;
                browser_blocks(a, |rule| matches!(rule, Rule::MultipleAllowOrigin(_)))
            },
        ),
        upstream(
            "upstream sends an invalid Access-Control-Allow-Origin: kept, nothing added",
            200,
            &[("access-control-allow-origin", b("https://app.example.com/"))],
            |a, _| {
                expect_eq(
                    values(a, "access-control-allow-origin"),
                    vec![b("https://app.example.com/")],
                    "ACAO",
                )?;
                expect_eq(
                    values(a, "access-control-allow-credentials"),
                    Vec::new(),
                    "ACAC",
                )?;
                expect_eq(
                    values(a, "access-control-expose-headers"),
                    Vec::new(),
                    "ACEH",
                )?;
                browser_blocks(a, |rule| matches!(rule, Rule::AllowOriginMismatch { .. }))
            },
        ),
        upstream(
            "upstream sends an obs-text Access-Control-Allow-Origin: kept byte for byte",
            200,
            &[(
                "access-control-allow-origin",
                b"https://\xe4pp.example.com".to_vec(),
            )],
            |a, _| {
                expect_eq(
                    values(a, "access-control-allow-origin"),
                    vec![b"https://\xe4pp.example.com".to_vec()],
                    "ACAO",
                )?;
                expect_eq(
                    values(a, "access-control-allow-credentials"),
                    Vec::new(),
                    "ACAC",
                )
            },
        ),
        upstream(
            "upstream 204: status kept, CORS headers added",
            204,
            &[],
            |a, calls| {
                expect_eq(a.status, StatusCode::NO_CONTENT, "status")?;
                expect_eq(calls, 1, "handler calls")?;
                expect_eq(
                    values(a, "access-control-allow-origin"),
                    vec![b(APP)],
                    "ACAO",
                )
            },
        ),
        upstream(
            "upstream 304: status kept, CORS headers and Vary added",
            304,
            &[("etag", b("\"v1\""))],
            |a, _| {
                expect_eq(a.status, StatusCode::NOT_MODIFIED, "status")?;
                expect_eq(values(a, "etag"), vec![b("\"v1\"")], "ETag")?;
                expect_eq(
                    values(a, "access-control-allow-origin"),
                    vec![b(APP)],
                    "ACAO",
                )?;
                expect_eq(values(a, "vary"), vec![b("Origin")], "Vary")
            },
        ),
        Row {
            method: "HEAD",
            ..upstream(
                "HEAD: the handler's headers and the layer's, its body untouched (the server drops it)",
                200,
                &[("content-length", b("5"))],
                |a, calls| {
                    expect_eq(calls, 1, "handler calls")?;
                    expect_eq(values(a, "content-length"), vec![b("5")], "Content-Length")?;
                    expect_eq(
                        values(a, "access-control-allow-origin"),
                        vec![b(APP)],
                        "ACAO",
                    )?;
                    expect_eq(&a.body[..], b"inner", "body")
                },
            )
        },
        Row {
            policy: any_origin_policy,
            ..upstream(
                "any origin, upstream credentials: no * added beside them",
                200,
                &[("access-control-allow-credentials", b("true"))],
                |a, _| expect_eq(values(a, "access-control-allow-origin"), Vec::new(), "ACAO"),
            )
        },
    ]
}

fn values(a: &Answer, name: &str) -> Vec<Vec<u8>> {
    a.headers
        .get_all(name)
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect()
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(got: T, want: T, what: &str) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// The browser model's check of the answer to a `GET` from `APP` with
/// credentials must block it by a rule that `rule` accepts.
fn browser_blocks(a: &Answer, rule: fn(&Rule) -> bool) -> Result<(), String> {
    let request = BrowserRequest::new(APP, "GET", "https://api.example.net/r")
        .unwrap()
        .credentials(true);
    match request.check_response(a.status, &a.headers) {
        Ok(_) => Err("the browser model lets the script read it".to_owned()),
        Err(blocked) if rule(blocked.rule()) => Ok(()),
        Err(blocked) => Err(format!("blocked by another rule: {blocked}")),
    }
}

/// Runs one row; `Err` says what differs.
async fn run(row: &Row) -> Result<(), String> {
    let calls = Arc::new(AtomicUsize::new(0));
    let handler = {
        let calls = Arc::clone(&calls);
        let (status, headers) = row.upstream.clone();
        service_fn(move |_req: Request<Full<Bytes>>| {
            calls.fetch_add(1, Ordering::SeqCst);
            let mut res = Response::new(Full::new(Bytes::from_static(b"inner")));
            *res.status_mut() = status;
            for (name, value) in &headers {
                res.headers_mut()
                    .append(*name, HeaderValue::from_bytes(value).unwrap());
            }
            async move { Ok::<_, Infallible>(res) }
        })
    };
    let mut req = Request::new(Full::new(Bytes::new()));
    *req.method_mut() = Method::from_bytes(row.method.as_bytes()).unwrap();
    *req.uri_mut() = "http://api.example.net/r".parse().unwrap();
    for (name, value) in &row.headers {
        let value = HeaderValue::from_bytes(value).map_err(|e| format!("bad row: {e}"))?;
        req.headers_mut().append(*name, value);
    }
    let first_origin = req.headers().get("origin").map(|v| v.as_bytes().to_vec());
    let res = (row.policy)().layer(handler).oneshot(req).await.unwrap();
    let answer = collect(res).await;
    let calls = calls.load(Ordering::SeqCst);
    let refusal = answer.refusal();
    match &row.expect {
        Accepted => {
            expect_eq(calls, 0, "handler calls")?;
            if !answer.status.is_success() {
                return Err(format!("refused with {}: {refusal:?}", answer.status));
            }
            expect_eq(
                values(&answer, "access-control-allow-origin"),
                vec![first_origin.unwrap()],
                "ACAO",
            )?;
            expect_eq(
                values(&answer, "access-control-allow-credentials"),
                vec![b("true")],
                "ACAC",
            )
        }
        Refused(why) => {
            expect_eq(calls, 0, "handler calls")?;
            expect_eq(answer.status, StatusCode::FORBIDDEN, "status")?;
            expect_eq(answer.cors_headers(), Vec::new(), "CORS headers")?;
            if why.matches(refusal) {
                Ok(())
            } else {
                Err(format!("refused for {refusal:?}, want {why:?}"))
            }
        }
        Allowed => {
            expect_eq(calls, 1, "handler calls")?;
            expect_eq(answer.status, StatusCode::OK, "status")?;
            expect_eq(&answer.body[..], b"inner", "body")?;
            expect_eq(
                values(&answer, "access-control-allow-origin"),
                vec![first_origin.unwrap()],
                "ACAO",
            )?;
            expect_eq(
                values(&answer, "access-control-allow-credentials"),
                vec![b("true")],
                "ACAC",
            )?;
            expect_eq(refusal, None, "refusal")
        }
        Denied(why) => {
            expect_eq(calls, 1, "handler calls")?;
            expect_eq(&answer.body[..], b"inner", "body")?;
            expect_eq(answer.cors_headers(), Vec::new(), "CORS headers")?;
            if why.matches(refusal) {
                Ok(())
            } else {
                Err(format!("refused for {refusal:?}, want {why:?}"))
            }
        }
        Check(check) => check(&answer, calls),
    }
}

// checklist: O1, O2, O3, O6, P3, P4, P5, P7, A1, A4, A6, A7, A8
#[tokio::test]
async fn the_hostile_input_table() {
    let rows = rows();
    let mut failures = Vec::new();
    for row in &rows {
        if let Err(why) = run(row).await {
            failures.push(format!("{}: {why}", row.name));
        }
    }
    println!(
        "{} rows of hostile input, {} failed",
        rows.len(),
        failures.len()
    );
    assert!(rows.len() >= 40, "the table has {} rows", rows.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ----------------------------------------------------------------------------
// An inner service that fails
// ----------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct Boom(u32);

// checklist: M2
#[tokio::test]
async fn an_inner_error_passes_through_unchanged() {
    let failing =
        service_fn(|_req: Request<Full<Bytes>>| async { Err::<Response<Full<Bytes>>, _>(Boom(7)) });
    for (what, req) in [
        ("allowed origin", common::get_from(APP)),
        ("refused origin", common::get_from("https://evil.test")),
        ("no origin", common::request("GET", &[])),
    ] {
        let result = policy().layer(failing).oneshot(req).await;
        assert_eq!(result.err(), Some(Boom(7)), "{what}");
    }
    // A preflight never reaches the inner service, so its error is never seen.
    let res = policy()
        .layer(failing)
        .oneshot(common::preflight(APP, "PUT", None))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

// ----------------------------------------------------------------------------
// A streamed body is never buffered
// ----------------------------------------------------------------------------

/// A body whose frames the test hands over one by one.
struct Trickle(tokio::sync::mpsc::UnboundedReceiver<Bytes>);

impl Body for Trickle {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|frame| frame.map(|data| Ok(Frame::data(data))))
    }
}

// checklist: A8
#[tokio::test]
async fn a_streamed_body_passes_frame_by_frame() {
    // A layer that buffered the body would wait for the end forever.
    tokio::time::timeout(std::time::Duration::from_secs(10), stream_frame_by_frame())
        .await
        .expect("the response and each frame arrive before the body ends");
}

async fn stream_frame_by_frame() {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let rx = std::sync::Mutex::new(Some(rx));
    let handler = service_fn(move |_req: Request<Full<Bytes>>| {
        let body = Trickle(rx.lock().unwrap().take().unwrap());
        async move { Ok::<_, Infallible>(Response::new(body)) }
    });
    // The response arrives before any frame exists.
    let res = policy()
        .layer(handler)
        .oneshot(common::get_from(APP))
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], APP);
    let mut body = res.into_body();
    for chunk in ["first", "second", "third"] {
        // Nothing to read until the handler sends the next frame.
        let pending =
            std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut body).poll_frame(cx))).await;
        assert!(pending.is_pending(), "a frame before it was sent");
        tx.send(Bytes::from(chunk)).unwrap();
        let frame = body.frame().await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), chunk);
    }
    drop(tx);
    assert!(body.frame().await.is_none());
}

// ----------------------------------------------------------------------------
// A client that goes away
// ----------------------------------------------------------------------------

/// Sets its flag when dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Polls `future` once (it must be pending) and drops it.
// `Waker::noop` is from Rust 1.85, newer than the library's 1.80; the tests
// need 1.88 anyway (their dev-dependencies), and use it in test functions,
// which clippy's MSRV lint leaves alone, but not in helpers like this one.
#[allow(clippy::incompatible_msrv)]
fn poll_once_and_drop<F: Future>(future: F) {
    let mut future = Box::pin(future);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert!(future.as_mut().poll(&mut cx).is_pending());
    drop(future);
}

// checklist: M2, O7
#[tokio::test]
async fn a_client_that_drops_the_response_future_midway() {
    // The handler's future never finishes; the client gives up.
    let dropped = Arc::new(AtomicBool::new(false));
    let handler = {
        let dropped = Arc::clone(&dropped);
        service_fn(move |_req: Request<Full<Bytes>>| {
            let flag = DropFlag(Arc::clone(&dropped));
            async move {
                std::future::pending::<()>().await;
                drop(flag);
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
            }
        })
    };
    let mut service = policy().layer(handler.clone());
    poll_once_and_drop(service.call(common::get_from(APP)));
    assert!(
        dropped.load(Ordering::SeqCst),
        "the handler's future was not dropped"
    );

    // The same while an async origin decision is pending, for an actual
    // request and for a preflight: both futures are dropped.
    let decision_dropped = Arc::new(AtomicBool::new(false));
    let cors = {
        let decision_dropped = Arc::clone(&decision_dropped);
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods(["PUT"])
            .allow_origin_async(move |_, _| {
                let flag = DropFlag(Arc::clone(&decision_dropped));
                async move {
                    std::future::pending::<()>().await;
                    drop(flag);
                    true
                }
            })
            .build()
            .unwrap()
    };
    dropped.store(false, Ordering::SeqCst);
    let mut service = cors.layer(handler);
    poll_once_and_drop(service.call(common::get_from("https://tenant.test")));
    assert!(
        dropped.load(Ordering::SeqCst),
        "the handler's future was not dropped"
    );
    assert!(
        decision_dropped.swap(false, Ordering::SeqCst),
        "the decision was not dropped"
    );
    poll_once_and_drop(service.call(common::preflight("https://tenant.test", "PUT", None)));
    assert!(
        decision_dropped.load(Ordering::SeqCst),
        "the preflight's decision was not dropped"
    );

    // The service still answers the next request.
    let res = service
        .ready()
        .await
        .unwrap()
        .call(common::preflight(APP, "PUT", None))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}
