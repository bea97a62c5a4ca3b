//! The browser model (`tower_cors::check`) against hand-written services
//! that send right and broken CORS headers, and against this crate's own
//! `CorsLayer`: one table of requests and the outcome a browser gives each,
//! then the readable headers, the preflight cache and the messages.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use cors_check::{check, Browser, BrowserRequest, Outcome, Rule, Stage};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower::service_fn;
use tower_cors::CorsLayer;
use tower_layer::Layer;

/// The page's origin in every row unless said otherwise.
const O: &str = "https://app.example";

/// A response head a hand-written service sends.
#[derive(Clone, Copy, Debug)]
struct Answer {
    status: u16,
    headers: &'static [(&'static str, &'static str)],
}

/// `200 OK` with `headers`.
const fn ok(headers: &'static [(&'static str, &'static str)]) -> Answer {
    Answer {
        status: 200,
        headers,
    }
}

/// `204 No Content` with `headers` (a preflight answer).
const fn no_content(headers: &'static [(&'static str, &'static str)]) -> Answer {
    Answer {
        status: 204,
        headers,
    }
}

/// `status` with `headers`.
const fn answer(status: u16, headers: &'static [(&'static str, &'static str)]) -> Answer {
    Answer { status, headers }
}

/// What must not be reached: a preflight for a simple request.
const UNREACHED: Answer = answer(599, &[]);

/// The service of a row.
#[derive(Clone, Copy, Debug)]
enum Server {
    /// Answers `OPTIONS` with the first answer, anything else with the second.
    Scripted(Answer, Answer),
    /// Fails (a service error) on the preflight or on the actual request;
    /// answers the other with `*` and every method and header.
    FailsOn(Stage),
    /// `CorsLayer::gateway()` around a handler that answers `200` with
    /// `X-Request-Id`.
    Gateway,
    /// An exact-origin credentialed policy (`O`, `PUT`/`PATCH`, `x-custom`,
    /// exposing `x-request-id`) around the same handler.
    Exact,
}

/// A row's server answering only actual requests.
const fn simple(actual: Answer) -> Server {
    Server::Scripted(UNREACHED, actual)
}

/// The script's request of a row.
#[derive(Clone, Debug)]
struct Req {
    from: &'static str,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    credentials: bool,
}

/// `method /r` from [`O`], no header, no credentials.
fn req(method: &'static str) -> Req {
    Req {
        from: O,
        method,
        path: "/r",
        headers: Vec::new(),
        credentials: false,
    }
}

impl Req {
    fn h(mut self, name: &'static str, value: &str) -> Req {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn cred(mut self) -> Req {
        self.credentials = true;
        self
    }

    fn from(mut self, origin: &'static str) -> Req {
        self.from = origin;
        self
    }

    fn to(mut self, path: &'static str) -> Req {
        self.path = path;
        self
    }
}

/// What a browser does with a row's request.
#[derive(Clone, Debug)]
enum Expect {
    /// The script gets the response; `preflight`: whether one was sent.
    Allowed { preflight: bool },
    /// Blocked at `Stage` by `Rule`.
    Blocked(Stage, Rule),
}

fn allowed(preflight: bool) -> Expect {
    Expect::Allowed { preflight }
}

fn at_preflight(rule: Rule) -> Expect {
    Expect::Blocked(Stage::Preflight, rule)
}

fn at_actual(rule: Rule) -> Expect {
    Expect::Blocked(Stage::Actual, rule)
}

fn mismatch(got: &str) -> Rule {
    Rule::AllowOriginMismatch {
        expected: O.to_owned(),
        got: got.to_owned(),
    }
}

fn method_refused(method: &str) -> Rule {
    Rule::MethodNotAllowed {
        method: method.to_owned(),
    }
}

fn header_refused(name: &str) -> Rule {
    Rule::HeaderNotAllowed {
        name: name.to_owned(),
    }
}

fn invalid(rule_text_contains: &str) -> Expect {
    at_actual(Rule::InvalidRequest(rule_text_contains.to_owned()))
}

const ANY: &[(&str, &str)] = &[("access-control-allow-origin", "*")];
const EXACT: &[(&str, &str)] = &[("access-control-allow-origin", O)];
const EXACT_CRED: &[(&str, &str)] = &[
    ("access-control-allow-origin", O),
    ("access-control-allow-credentials", "true"),
];

/// A preflight answer allowing `*` origin and the methods `methods`.
macro_rules! pre {
    ($($name:literal => $value:literal),* $(,)?) => {
        no_content(&[$(($name, $value)),*])
    };
}

/// One row: a name, the server, the request and what the browser does.
struct Case {
    name: &'static str,
    server: Server,
    req: Req,
    expect: Expect,
}

fn case(name: &'static str, server: Server, req: Req, expect: Expect) -> Case {
    Case {
        name,
        server,
        req,
        expect,
    }
}

fn cases() -> Vec<Case> {
    let any_put =
        pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "PUT");
    let cred_put = pre!(
        "access-control-allow-origin" => "https://app.example",
        "access-control-allow-credentials" => "true",
        "access-control-allow-methods" => "PUT",
    );
    vec![
        // The CORS check on simple requests (no preflight).
        case("GET, ACAO *", simple(ok(ANY)), req("GET"), allowed(false)),
        case("GET, ACAO = origin", simple(ok(EXACT)), req("GET"), allowed(false)),
        case("HEAD, ACAO *", simple(ok(ANY)), req("HEAD"), allowed(false)),
        case("GET, no ACAO", simple(ok(&[])), req("GET"), at_actual(Rule::MissingAllowOrigin)),
        case(
            "GET, ACAO on two lines",
            simple(ok(&[("access-control-allow-origin", O), ("access-control-allow-origin", O)])),
            req("GET"),
            at_actual(Rule::MultipleAllowOrigin("https://app.example, https://app.example".into())),
        ),
        case(
            "GET, ACAO * on two lines",
            simple(ok(&[("access-control-allow-origin", "*"), ("access-control-allow-origin", "*")])),
            req("GET"),
            at_actual(Rule::MultipleAllowOrigin("*, *".into())),
        ),
        case(
            "GET, ACAO comma list",
            simple(ok(&[("access-control-allow-origin", "https://app.example,https://b.example")])),
            req("GET"),
            at_actual(Rule::MultipleAllowOrigin("https://app.example,https://b.example".into())),
        ),
        case(
            "GET, ACAO with a trailing slash",
            simple(ok(&[("access-control-allow-origin", "https://app.example/")])),
            req("GET"),
            at_actual(mismatch("https://app.example/")),
        ),
        case(
            "GET, ACAO of another origin",
            simple(ok(&[("access-control-allow-origin", "https://evil.example")])),
            req("GET"),
            at_actual(mismatch("https://evil.example")),
        ),
        case(
            "GET, ACAO in upper case",
            simple(ok(&[("access-control-allow-origin", "HTTPS://APP.EXAMPLE")])),
            req("GET"),
            at_actual(mismatch("HTTPS://APP.EXAMPLE")),
        ),
        case(
            "GET, ACAO with the default port",
            simple(ok(&[("access-control-allow-origin", "https://app.example:443")])),
            req("GET"),
            at_actual(mismatch("https://app.example:443")),
        ),
        case(
            "GET, ACAO null for a real origin",
            simple(ok(&[("access-control-allow-origin", "null")])),
            req("GET"),
            at_actual(mismatch("null")),
        ),
        case(
            "GET from null, ACAO null",
            simple(ok(&[("access-control-allow-origin", "null")])),
            req("GET").from("null"),
            allowed(false),
        ),
        case(
            "GET, ACAO with surrounding spaces (trimmed on the wire)",
            simple(ok(&[("access-control-allow-origin", "  https://app.example ")])),
            req("GET"),
            allowed(false),
        ),
        case("GET, 500 with ACAO *", simple(answer(500, ANY)), req("GET"), allowed(false)),
        // Credentials.
        case("credentials, ACAO *", simple(ok(ANY)), req("GET").cred(), at_actual(Rule::WildcardWithCredentials)),
        case(
            "credentials, no ACAC",
            simple(ok(EXACT)),
            req("GET").cred(),
            at_actual(Rule::CredentialsNotTrue { got: None }),
        ),
        case(
            "credentials, ACAC True",
            simple(ok(&[("access-control-allow-origin", O), ("access-control-allow-credentials", "True")])),
            req("GET").cred(),
            at_actual(Rule::CredentialsNotTrue { got: Some("True".into()) }),
        ),
        case(
            "credentials, ACAC on two lines",
            simple(ok(&[
                ("access-control-allow-origin", O),
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-credentials", "true"),
            ])),
            req("GET").cred(),
            at_actual(Rule::CredentialsNotTrue { got: Some("true, true".into()) }),
        ),
        case("credentials, ACAO origin + ACAC true", simple(ok(EXACT_CRED)), req("GET").cred(), allowed(false)),
        case(
            "no credentials, ACAC True is ignored",
            simple(ok(&[("access-control-allow-origin", O), ("access-control-allow-credentials", "True")])),
            req("GET"),
            allowed(false),
        ),
        // Safelisted request headers.
        case("POST text/plain", simple(ok(ANY)), req("POST").h("content-type", "text/plain"), allowed(false)),
        case(
            "POST text/plain with charset, mixed case",
            simple(ok(ANY)),
            req("POST").h("Content-Type", "Text/Plain; charset=utf-8"),
            allowed(false),
        ),
        case(
            "POST form-urlencoded",
            simple(ok(ANY)),
            req("POST").h("content-type", "application/x-www-form-urlencoded"),
            allowed(false),
        ),
        case(
            "POST multipart",
            simple(ok(ANY)),
            req("POST").h("content-type", "multipart/form-data; boundary=x"),
            allowed(false),
        ),
        case(
            "POST application/json needs a preflight that lists it",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "Content-Type"), ok(ANY)),
            req("POST").h("content-type", "application/json"),
            allowed(true),
        ),
        case(
            "POST application/json, preflight without ACAH",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("POST").h("content-type", "application/json"),
            at_preflight(header_refused("content-type")),
        ),
        case(
            "content-type with a CORS-unsafe byte",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("POST").h("content-type", "text/plain; x=\"a\""),
            at_preflight(header_refused("content-type")),
        ),
        case("Range bytes=0-", simple(ok(ANY)), req("GET").h("range", "bytes=0-"), allowed(false)),
        case("Range bytes=5-10", simple(ok(ANY)), req("GET").h("range", "bytes=5-10"), allowed(false)),
        case(
            "Range with two ranges",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("range", "bytes=0-1,3-4"),
            at_preflight(header_refused("range")),
        ),
        case(
            "Range suffix",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("range", "bytes=-5"),
            at_preflight(header_refused("range")),
        ),
        case("Accept-Language en-US", simple(ok(ANY)), req("GET").h("accept-language", "en-US,en;q=0.9"), allowed(false)),
        case(
            "Content-Language with an underscore",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("content-language", "en_US"),
            at_preflight(header_refused("content-language")),
        ),
        case(
            "Accept of 129 bytes",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("accept", &"a".repeat(129)),
            at_preflight(header_refused("accept")),
        ),
        case("Accept of 128 bytes", simple(ok(ANY)), req("GET").h("accept", &"a".repeat(128)), allowed(false)),
        // Only CORS-unsafe request-header bytes matter: bytes 0x80-0xFF do not.
        case("Accept with a byte above 0x7F", simple(ok(ANY)), req("GET").h("accept", "é"), allowed(false)),
        case(
            "Content-Type text/plain with a byte above 0x7F",
            simple(ok(ANY)),
            req("POST").h("content-type", "text/plain; charset=é"),
            allowed(false),
        ),
        case(
            "Content-Language with a byte above 0x7F",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("content-language", "é"),
            at_preflight(header_refused("content-language")),
        ),
        case(
            "safelisted values over 1024 bytes together",
            Server::Scripted(no_content(ANY), ok(ANY)),
            (0..9).fold(req("GET"), |r, _| r.h("accept-language", &"a".repeat(120))),
            at_preflight(header_refused("accept-language")),
        ),
        // Forbidden request headers are dropped.
        case("Cookie is dropped", simple(ok(ANY)), req("GET").h("cookie", "a=b"), allowed(false)),
        case("Origin set by script is dropped", simple(ok(EXACT)), req("GET").h("Origin", "https://evil.example"), allowed(false)),
        case("Sec-* is dropped", simple(ok(ANY)), req("GET").h("sec-fetch-site", "same-origin"), allowed(false)),
        case("Proxy-* is dropped", simple(ok(ANY)), req("GET").h("proxy-authorization", "x"), allowed(false)),
        case(
            "X-HTTP-Method-Override: TRACE is dropped",
            simple(ok(ANY)),
            req("GET").h("x-http-method-override", "TRACE"),
            allowed(false),
        ),
        case(
            "X-HTTP-Method-Override: PATCH needs a preflight",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("x-http-method-override", "PATCH"),
            at_preflight(header_refused("x-http-method-override")),
        ),
        // Requests fetch() refuses.
        case("TRACE", simple(ok(ANY)), req("TRACE"), invalid("TRACE is a forbidden method")),
        case("connect in lower case", simple(ok(ANY)), req("connect"), invalid("connect is a forbidden method")),
        case("a header name with a space", simple(ok(ANY)), req("GET").h("bad name", "1"), invalid("`bad name` is not a header name")),
        case(
            "a page origin with a trailing slash",
            simple(ok(ANY)),
            req("GET").from("https://app.example/"),
            invalid("the page origin `https://app.example/` is not a serialized origin: it has a path, a trailing slash, a query or userinfo"),
        ),
        // Preflight status.
        case("PUT, preflight 204", Server::Scripted(any_put, ok(ANY)), req("PUT"), allowed(true)),
        case(
            "PUT, preflight 200",
            Server::Scripted(answer(200, &[("access-control-allow-origin", "*"), ("access-control-allow-methods", "PUT")]), ok(ANY)),
            req("PUT"),
            allowed(true),
        ),
        case(
            "PUT, preflight 301 (not followed)",
            Server::Scripted(answer(301, &[("access-control-allow-origin", "*"), ("access-control-allow-methods", "PUT"), ("location", "/elsewhere")]), ok(ANY)),
            req("PUT"),
            at_preflight(Rule::PreflightStatusNotOk(StatusCode::MOVED_PERMANENTLY)),
        ),
        case(
            "PUT, preflight 401",
            Server::Scripted(answer(401, &[]), ok(ANY)),
            req("PUT"),
            at_preflight(Rule::PreflightStatusNotOk(StatusCode::UNAUTHORIZED)),
        ),
        case(
            "PUT, preflight 204 without ACAO",
            Server::Scripted(pre!("access-control-allow-methods" => "PUT"), ok(ANY)),
            req("PUT"),
            at_preflight(Rule::MissingAllowOrigin),
        ),
        // Allowed methods.
        case(
            "PUT, ACAM GET,POST",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "GET,POST"), ok(ANY)),
            req("PUT"),
            at_preflight(method_refused("PUT")),
        ),
        case(
            "PUT, ACAM *",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "*"), ok(ANY)),
            req("PUT"),
            allowed(true),
        ),
        case(
            "PUT with credentials, ACAM * is literal",
            Server::Scripted(
                pre!("access-control-allow-origin" => "https://app.example", "access-control-allow-credentials" => "true", "access-control-allow-methods" => "*"),
                ok(EXACT_CRED),
            ),
            req("PUT").cred(),
            at_preflight(method_refused("PUT")),
        ),
        case("PUT with credentials, ACAM PUT", Server::Scripted(cred_put, ok(EXACT_CRED)), req("PUT").cred(), allowed(true)),
        case(
            "PUT with credentials, preflight without ACAC",
            Server::Scripted(pre!("access-control-allow-origin" => "https://app.example", "access-control-allow-methods" => "PUT"), ok(EXACT_CRED)),
            req("PUT").cred(),
            at_preflight(Rule::CredentialsNotTrue { got: None }),
        ),
        case(
            "patch (lower case) is not PATCH",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "PATCH"), ok(ANY)),
            req("patch"),
            at_preflight(method_refused("patch")),
        ),
        case(
            "PATCH, ACAM PATCH",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "PATCH"), ok(ANY)),
            req("PATCH"),
            allowed(true),
        ),
        case(
            "PATCH, ACAM patch",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "patch"), ok(ANY)),
            req("PATCH"),
            at_preflight(method_refused("PATCH")),
        ),
        case("put (lower case) is normalized to PUT", Server::Scripted(any_put, ok(ANY)), req("put"), allowed(true)),
        case(
            "QUERY, ACAM QUERY",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "QUERY"), ok(ANY)),
            req("QUERY"),
            allowed(true),
        ),
        case(
            "ACAM with a non-token",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "GET PUT"), ok(ANY)),
            req("PUT"),
            at_preflight(Rule::InvalidAllowMethods("GET PUT".into())),
        ),
        case(
            "ACAM with empty elements",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "GET,, PUT ,"), ok(ANY)),
            req("PUT"),
            allowed(true),
        ),
        case(
            "GET with x-custom needs no method in ACAM",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "x-custom"), ok(ANY)),
            req("GET").h("x-custom", "1"),
            allowed(true),
        ),
        // Allowed headers.
        case(
            "ACAH with a non-token",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "x-custom;"), ok(ANY)),
            req("GET").h("x-custom", "1"),
            at_preflight(Rule::InvalidAllowHeaders("x-custom;".into())),
        ),
        case(
            "x-custom, ACAH X-Custom (case-insensitive)",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "X-Custom"), ok(ANY)),
            req("GET").h("x-custom", "1"),
            allowed(true),
        ),
        case(
            "x-custom, ACAH *",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "*"), ok(ANY)),
            req("GET").h("x-custom", "1"),
            allowed(true),
        ),
        case(
            "Authorization, ACAH *",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "*"), ok(ANY)),
            req("GET").h("authorization", "Bearer x"),
            at_preflight(Rule::AuthorizationNotCoveredByWildcard),
        ),
        case(
            "Authorization, ACAH *, Authorization",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "*, Authorization"), ok(ANY)),
            req("GET").h("authorization", "Bearer x").h("x-custom", "1"),
            allowed(true),
        ),
        case(
            "x-custom with credentials, ACAH * is literal",
            Server::Scripted(
                pre!("access-control-allow-origin" => "https://app.example", "access-control-allow-credentials" => "true", "access-control-allow-headers" => "*"),
                ok(EXACT_CRED),
            ),
            req("GET").h("x-custom", "1").cred(),
            at_preflight(header_refused("x-custom")),
        ),
        case(
            "x-a and x-b, ACAH x-a",
            Server::Scripted(pre!("access-control-allow-origin" => "*", "access-control-allow-headers" => "x-a"), ok(ANY)),
            req("GET").h("x-b", "1").h("x-a", "2"),
            at_preflight(header_refused("x-b")),
        ),
        case(
            "ACAH on two lines",
            Server::Scripted(
                no_content(&[("access-control-allow-origin", "*"), ("access-control-allow-headers", "x-a"), ("access-control-allow-headers", "x-b")]),
                ok(ANY),
            ),
            req("GET").h("x-b", "1").h("x-a", "2"),
            allowed(true),
        ),
        // The actual response is checked again.
        case("preflight passes, actual has no ACAO", Server::Scripted(any_put, ok(&[])), req("PUT"), at_actual(Rule::MissingAllowOrigin)),
        case(
            "preflight passes, actual ACAO of another origin",
            Server::Scripted(any_put, ok(&[("access-control-allow-origin", "https://evil.example")])),
            req("PUT"),
            at_actual(mismatch("https://evil.example")),
        ),
        case(
            "credentials: preflight passes, actual ACAC missing",
            Server::Scripted(cred_put, ok(EXACT)),
            req("PUT").cred(),
            at_actual(Rule::CredentialsNotTrue { got: None }),
        ),
        // Same-origin requests need no CORS.
        case("same-origin PUT, no CORS headers", simple(ok(&[])), req("PUT").from("http://api.test").to("/items"), allowed(false)),
        case(
            "same-origin, absolute URL with the default port",
            simple(ok(&[])),
            req("DELETE").from("https://api.example").to("https://API.example:443/items"),
            allowed(false),
        ),
        case(
            "another port is another origin",
            simple(ok(&[])),
            req("GET").from("http://api.test:8080").to("/items"),
            at_actual(Rule::MissingAllowOrigin),
        ),
        // Service errors are network errors.
        case("service fails on the actual request", Server::FailsOn(Stage::Actual), req("GET"), at_actual(Rule::NetworkError("boom".into()))),
        case("service fails on the preflight", Server::FailsOn(Stage::Preflight), req("PUT"), at_preflight(Rule::NetworkError("boom".into()))),
        // This crate's gateway preset.
        case("gateway: GET", Server::Gateway, req("GET"), allowed(false)),
        case("gateway: PUT with JSON", Server::Gateway, req("PUT").h("content-type", "application/json"), allowed(true)),
        case("gateway: DELETE with Authorization", Server::Gateway, req("DELETE").h("authorization", "Bearer x"), allowed(true)),
        case("gateway: PATCH with X-Sdk-Date", Server::Gateway, req("PATCH").h("x-sdk-date", "20240101T000000Z"), allowed(true)),
        case(
            "gateway: x-custom is not allowed",
            Server::Gateway,
            req("PUT").h("x-custom", "1"),
            at_preflight(Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)),
        ),
        case(
            "gateway: patch (lower case) is not allowed",
            Server::Gateway,
            req("patch"),
            at_preflight(Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)),
        ),
        case("gateway: credentials get *", Server::Gateway, req("GET").cred(), at_actual(Rule::WildcardWithCredentials)),
        case("gateway: PUT with credentials", Server::Gateway, req("PUT").cred(), at_preflight(Rule::WildcardWithCredentials)),
        // This crate's exact-origin credentialed policy.
        case("exact: GET with credentials", Server::Exact, req("GET").cred(), allowed(false)),
        case("exact: PUT with x-custom and credentials", Server::Exact, req("PUT").h("x-custom", "1").cred(), allowed(true)),
        case("exact: PATCH without credentials", Server::Exact, req("PATCH"), allowed(true)),
        case(
            "exact: DELETE is not allowed",
            Server::Exact,
            req("DELETE").cred(),
            at_preflight(Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)),
        ),
        case(
            "exact: another origin's PUT",
            Server::Exact,
            req("PUT").from("https://evil.example"),
            at_preflight(Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)),
        ),
        case(
            "exact: another origin's GET",
            Server::Exact,
            req("GET").from("https://evil.example"),
            at_actual(Rule::MissingAllowOrigin),
        ),
        case(
            "exact: the origin with a trailing dot is another origin",
            Server::Exact,
            req("GET").from("https://app.example."),
            at_actual(Rule::MissingAllowOrigin),
        ),
    ]
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A hand-written service answering `OPTIONS` with `preflight` and the
/// rest with `actual`.
fn scripted(
    preflight: Answer,
    actual: Answer,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = BoxFuture<Result<Response<String>, Infallible>>,
> + Clone {
    service_fn(
        move |req: Request<String>| -> BoxFuture<Result<Response<String>, Infallible>> {
            let answer = if req.method() == Method::OPTIONS {
                preflight
            } else {
                actual
            };
            Box::pin(async move { Ok(respond(answer)) })
        },
    )
}

fn respond(answer: Answer) -> Response<String> {
    let mut response = Response::new(String::new());
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap();
    for (name, value) in answer.headers {
        response
            .headers_mut()
            .append(*name, HeaderValue::from_static(value));
    }
    response
}

/// A service that fails on `stage` and allows everything otherwise.
fn failing(
    stage: Stage,
) -> impl tower::Service<Request<String>, Response = Response<String>, Error = &'static str> + Clone
{
    service_fn(move |req: Request<String>| async move {
        let preflight = req.method() == Method::OPTIONS;
        if preflight == (stage == Stage::Preflight) {
            return Err("boom");
        }
        Ok(respond(no_content(&[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*"),
        ])))
    })
}

/// The handler behind this crate's layers: `200` with `X-Request-Id`.
fn handler() -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone
       + Send {
    service_fn(|_: Request<String>| async {
        let mut response = Response::new(String::new());
        response
            .headers_mut()
            .insert("x-request-id", HeaderValue::from_static("7"));
        Ok::<_, Infallible>(response)
    })
}

/// The exact-origin credentialed policy of [`Server::Exact`].
fn exact_policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([O])
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

/// Runs `r` against any service.
async fn fetch_with<S, R>(browser: &mut Browser, service: &S, r: &Req) -> Outcome
where
    S: tower::Service<Request<String>, Response = Response<R>> + Clone,
    S::Error: std::fmt::Display,
{
    let mut fetch = browser
        .fetch(service)
        .body::<String>()
        .from(r.from)
        .method(r.method, r.path);
    for (name, value) in &r.headers {
        fetch = fetch.header(name, value);
    }
    if r.credentials {
        fetch = fetch.credentials();
    }
    fetch.run().await
}

/// Runs `r` against `server` with a fresh browser.
async fn run(server: Server, r: &Req) -> Outcome {
    let mut browser = Browser::new();
    match server {
        Server::Scripted(preflight, actual) => {
            fetch_with(&mut browser, &scripted(preflight, actual), r).await
        }
        Server::FailsOn(stage) => fetch_with(&mut browser, &failing(stage), r).await,
        Server::Gateway => {
            fetch_with(&mut browser, &CorsLayer::gateway().layer(handler()), r).await
        }
        Server::Exact => fetch_with(&mut browser, &exact_policy().layer(handler()), r).await,
    }
}

/// What is wrong with `outcome` for `expect`, if anything.
fn verdict(outcome: &Outcome, expect: &Expect) -> Result<(), String> {
    match expect {
        Expect::Allowed { preflight } => {
            if !outcome.is_allowed() {
                return Err(format!("expected allowed, got: {outcome}"));
            }
            if outcome.preflight_sent() != *preflight {
                return Err(format!(
                    "preflight sent: {}, expected {preflight}",
                    outcome.preflight_sent()
                ));
            }
            if !outcome.actual_sent() || outcome.status().is_none() || outcome.readable().is_none()
            {
                return Err(format!("allowed without a visible response: {outcome:?}"));
            }
            Ok(())
        }
        Expect::Blocked(stage, rule) => {
            let Some(blocked) = outcome.blocked() else {
                return Err(format!("expected blocked by {rule:?}, got: {outcome}"));
            };
            if blocked.stage() != *stage || blocked.rule() != rule {
                return Err(format!(
                    "expected {stage:?} {rule:?}, got {:?} {:?}",
                    blocked.stage(),
                    blocked.rule()
                ));
            }
            let text = outcome.to_string();
            if !text.starts_with(&format!("blocked at {stage}: ")) || !text.contains(". Fix: ") {
                return Err(format!("unexpected message: {text}"));
            }
            if outcome.status().is_some() || outcome.can_read("content-type") {
                return Err("a blocked response is visible".to_owned());
            }
            let refused_by_fetch = matches!(rule, Rule::InvalidRequest(_));
            let actual_expected = *stage == Stage::Actual && !refused_by_fetch;
            if outcome.actual_sent() != actual_expected {
                return Err(format!("actual sent: {}", outcome.actual_sent()));
            }
            if refused_by_fetch && !outcome.exchanges().is_empty() {
                return Err("a refused request reached the service".to_owned());
            }
            Ok(())
        }
    }
}

#[tokio::test]
async fn table() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} rows", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = run(case.server, &case.req).await;
        if let Err(why) = verdict(&outcome, &case.expect) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_requests_on_the_wire() {
    let server = scripted(
        pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "PUT", "access-control-allow-headers" => "x-b, x-a"),
        ok(ANY),
    );
    let outcome = check(&server)
        .body::<String>()
        .from(O)
        .put("/items?x=1")
        .header("X-B", "1")
        .header("x-a", " 2 ")
        .header("accept", "text/html")
        .header("cookie", "a=b")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let [preflight, actual] = outcome.exchanges() else {
        panic!("two exchanges expected: {:?}", outcome.exchanges());
    };
    assert_eq!(preflight.stage, Stage::Preflight);
    assert_eq!(preflight.request.method(), Method::OPTIONS);
    assert_eq!(preflight.request.uri(), "http://api.test/items?x=1");
    let h = preflight.request.headers();
    assert_eq!(h["origin"], O);
    assert_eq!(h["access-control-request-method"], "PUT");
    assert_eq!(h["access-control-request-headers"], "x-a,x-b");
    assert_eq!(h["accept"], "*/*");
    // No fetch metadata to a plain-http host that is not loopback.
    assert!(h.get("sec-fetch-mode").is_none() && h.get("sec-fetch-site").is_none());
    assert!(h.get("x-a").is_none() && h.get("cookie").is_none());
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);

    assert_eq!(actual.stage, Stage::Actual);
    assert_eq!(actual.request.method(), Method::PUT);
    let h = actual.request.headers();
    assert_eq!(h["origin"], O);
    assert_eq!(h["x-a"], "2");
    assert_eq!(h["x-b"], "1");
    assert_eq!(h["accept"], "text/html");
    assert!(h.get("cookie").is_none());
    assert!(h.get("access-control-request-method").is_none());
}

#[tokio::test]
async fn same_origin_sends_origin_only_on_writes() {
    let server = scripted(UNREACHED, ok(&[]));
    for (method, sends_origin) in [
        ("GET", false),
        ("HEAD", false),
        ("POST", true),
        ("PUT", true),
    ] {
        let outcome = check(&server)
            .body::<String>()
            .from("http://api.test")
            .method(method, "/x")
            .run()
            .await;
        assert!(outcome.is_allowed(), "{outcome}");
        let [actual] = outcome.exchanges() else {
            panic!("one exchange expected")
        };
        assert_eq!(
            actual.request.headers().contains_key("origin"),
            sends_origin,
            "{method}"
        );
    }
}

#[test]
fn preflight_needed_iff_method_or_headers_unsafe() {
    let base = || BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    assert!(!base().needs_preflight());
    assert!(!base().header("accept", "*/*").needs_preflight());
    assert!(base().header("x-a", "1").needs_preflight());
    assert!(BrowserRequest::new(O, "DELETE", "https://api.example/")
        .unwrap()
        .needs_preflight());
    assert!(!BrowserRequest::new(O, "DELETE", "https://app.example/")
        .unwrap()
        .needs_preflight());
    assert!(BrowserRequest::new(O, "options", "https://api.example/")
        .unwrap()
        .needs_preflight());
    assert_eq!(
        BrowserRequest::new(O, "options", "/").unwrap().method(),
        "OPTIONS"
    );
    assert_eq!(
        base()
            .header("Content-Type", "application/json")
            .header("X-Z", "1")
            .unsafe_headers(),
        ["content-type", "x-z"]
    );
}

#[test]
fn bad_origins_and_urls_are_values_not_panics() {
    for origin in [
        "app.example",
        "https://App.example",
        "https://app.example/x",
        "https://u@app.example",
        "https://app.example:443",
        "",
    ] {
        assert!(BrowserRequest::new(origin, "GET", "/").is_err(), "{origin}");
    }
    for url in ["items", "https://u:p@api.example/", "http://[::1"] {
        assert!(BrowserRequest::new(O, "GET", url).is_err(), "{url}");
    }
    assert!(BrowserRequest::new(O, "GE T", "/").is_err());
    assert!(BrowserRequest::new("http://localhost:3000", "GET", "/").is_ok());
}

/// Headers of a response allowing any origin, with `extra`.
fn response_headers(extra: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in extra {
        headers.append(*name, HeaderValue::from_static(value));
    }
    headers
}

#[test]
fn readable_headers() {
    let request = BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    let listed = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-expose-headers", "X-Request-Id, set-cookie"),
        ("x-request-id", "1"),
        ("x-secret", "2"),
        ("set-cookie", "a=b"),
        ("content-type", "text/plain"),
    ]);
    let readable = request.check_response(StatusCode::OK, &listed).unwrap();
    assert!(readable.contains("x-request-id") && readable.contains("X-REQUEST-ID"));
    assert!(readable.contains("expires"));
    assert!(!readable.contains("x-secret"));
    assert!(!readable.contains("set-cookie"));
    assert_eq!(readable.names(), ["content-type", "x-request-id"]);

    let star = response_headers(&[
        ("access-control-allow-origin", O),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "*"),
        ("x-secret", "2"),
        ("set-cookie", "a=b"),
    ]);
    let readable = request.check_response(StatusCode::OK, &star).unwrap();
    assert!(readable.contains("x-secret"));
    assert!(!readable.contains("set-cookie"));
    assert_eq!(
        readable.names(),
        [
            "access-control-allow-credentials",
            "access-control-allow-origin",
            "access-control-expose-headers",
            "x-secret"
        ]
    );

    let credentialed = request.clone().credentials(true);
    let readable = credentialed.check_response(StatusCode::OK, &star).unwrap();
    assert!(
        !readable.contains("x-secret"),
        "* is literal with credentials"
    );

    let broken = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-expose-headers", "x a"),
        ("x-a", "1"),
    ]);
    let readable = request.check_response(StatusCode::OK, &broken).unwrap();
    assert!(!readable.contains("x-a"));
}

/// A server allowing `PUT` and `x-a` from any origin, and `x-b` too, with
/// the given `Access-Control-Max-Age`.
fn caching_server(
    max_age: Answer,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = BoxFuture<Result<Response<String>, Infallible>>,
> + Clone {
    scripted(max_age, ok(ANY))
}

async fn put(
    browser: &mut Browser,
    server: &(impl tower::Service<Request<String>, Response = Response<String>, Error = Infallible>
          + Clone),
    header: &'static str,
) -> Outcome {
    fetch_with(browser, server, &req("PUT").to("/items").h(header, "1")).await
}

#[tokio::test]
async fn max_age_is_honoured_on_the_virtual_clock() {
    let server = caching_server(pre!(
        "access-control-allow-origin" => "*",
        "access-control-allow-methods" => "PUT",
        "access-control-allow-headers" => "x-a",
        "access-control-max-age" => "600",
    ));
    let mut browser = Browser::new();
    assert!(put(&mut browser, &server, "x-a").await.preflight_sent());
    assert_eq!(browser.cached_entries(), 2);
    let hit = put(&mut browser, &server, "x-a").await;
    assert!(hit.is_allowed() && !hit.preflight_sent(), "{hit}");
    assert_eq!(hit.exchanges().len(), 1);
    browser.advance(Duration::from_secs(599));
    assert!(!put(&mut browser, &server, "x-a").await.preflight_sent());
    browser.advance(Duration::from_secs(1));
    assert!(
        put(&mut browser, &server, "x-a").await.preflight_sent(),
        "expired at 600 s"
    );
    // A header the cache does not cover needs a preflight, which refuses it.
    let other = put(&mut browser, &server, "x-other").await;
    assert!(other.preflight_sent());
    assert_eq!(
        other.blocked().map(|b| b.rule()),
        Some(&header_refused("x-other"))
    );
    // Another origin has its own entries.
    let elsewhere = fetch_with(
        &mut browser,
        &server,
        &req("PUT")
            .to("/items")
            .from("https://b.example")
            .h("x-a", "1"),
    )
    .await;
    assert!(elsewhere.preflight_sent());
    // Another URL too.
    let url = fetch_with(
        &mut browser,
        &server,
        &req("PUT").to("/other").h("x-a", "1"),
    )
    .await;
    assert!(url.preflight_sent());
}

#[tokio::test]
async fn default_zero_invalid_and_capped_max_age() {
    let cases: [(Answer, u64, u64); 4] = [
        // (preflight answer, still cached at, expired at) in seconds
        (any_put_with_age(None), 4, 5),
        (any_put_with_age(Some("abc")), 4, 5),
        (any_put_with_age(Some("-1")), 4, 5),
        (any_put_with_age(Some("172800")), 7199, 7200),
    ];
    let put = req("PUT").to("/");
    for (answer, cached, expired) in cases {
        let server = caching_server(answer);
        let mut browser = Browser::new();
        assert!(fetch_with(&mut browser, &server, &put)
            .await
            .preflight_sent());
        browser.advance(Duration::from_secs(cached));
        assert!(
            !fetch_with(&mut browser, &server, &put)
                .await
                .preflight_sent(),
            "{answer:?} at {cached}"
        );
        browser.advance(Duration::from_secs(expired - cached));
        assert!(
            fetch_with(&mut browser, &server, &put)
                .await
                .preflight_sent(),
            "{answer:?} at {expired}"
        );
    }
    let server = caching_server(any_put_with_age(Some("0")));
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &server, &put)
        .await
        .preflight_sent());
    assert!(
        fetch_with(&mut browser, &server, &put)
            .await
            .preflight_sent(),
        "0 is not cached"
    );
    let server = caching_server(any_put_with_age(Some("172800")));
    let mut firefox = Browser::new().max_age_cap(Duration::from_secs(86_400));
    assert!(fetch_with(&mut firefox, &server, &put)
        .await
        .preflight_sent());
    firefox.advance(Duration::from_secs(86_399));
    assert!(!fetch_with(&mut firefox, &server, &put)
        .await
        .preflight_sent());
}

fn any_put_with_age(age: Option<&'static str>) -> Answer {
    let headers: &'static [(&'static str, &'static str)] = match age {
        None => &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
        ],
        Some(age) => Box::leak(Box::new([
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", age),
        ])),
    };
    no_content(headers)
}

#[tokio::test]
async fn the_cache_keeps_credentials_apart() {
    let server = caching_server(pre!(
        "access-control-allow-origin" => "https://app.example",
        "access-control-allow-credentials" => "true",
        "access-control-allow-methods" => "PUT, *",
        "access-control-max-age" => "600",
    ));
    let server = {
        let inner = server;
        tower::ServiceBuilder::new()
            .map_response(|mut r: Response<String>| {
                if r.status() == StatusCode::OK {
                    r.headers_mut()
                        .insert("access-control-allow-origin", HeaderValue::from_static(O));
                    r.headers_mut().insert(
                        "access-control-allow-credentials",
                        HeaderValue::from_static("true"),
                    );
                }
                r
            })
            .service(inner)
    };
    let plain_delete = req("DELETE").to("/");
    let cred_put = req("PUT").to("/").cred();
    let cred_delete = req("DELETE").to("/").cred();
    let mut browser = Browser::new();
    // Without credentials, `*` allows DELETE and is cached.
    assert!(fetch_with(&mut browser, &server, &plain_delete)
        .await
        .preflight_sent());
    assert!(!fetch_with(&mut browser, &server, &plain_delete)
        .await
        .preflight_sent());
    // A non-credentialed entry does not serve a credentialed request.
    let first = fetch_with(&mut browser, &server, &cred_put).await;
    assert!(first.is_allowed() && first.preflight_sent(), "{first}");
    // A credentialed entry serves both.
    assert!(!fetch_with(&mut browser, &server, &cred_put)
        .await
        .preflight_sent());
    // `*` is not cached for credentialed requests: DELETE asks again, and is refused.
    let delete = fetch_with(&mut browser, &server, &cred_delete).await;
    assert!(delete.preflight_sent());
    assert_eq!(
        delete.blocked().map(|b| b.rule()),
        Some(&method_refused("DELETE"))
    );
}

#[tokio::test]
async fn a_network_error_clears_the_cache_entries() {
    let good = caching_server(any_put_with_age(Some("600")));
    // The actual request fails after a cached preflight: the next `PUT`
    // asks again.
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
    let failed = fetch_with(&mut browser, &failing(Stage::Actual), &req("PUT")).await;
    assert!(!failed.preflight_sent(), "{failed}");
    assert!(matches!(
        failed.blocked().map(|b| b.rule()),
        Some(Rule::NetworkError(_))
    ));
    assert_eq!(browser.cached_entries(), 0);
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
    // The preflight for a header the cache lacks fails: the entry for `PUT`
    // goes too.
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
    let failed = fetch_with(
        &mut browser,
        &failing(Stage::Preflight),
        &req("PUT").h("x-a", "1"),
    )
    .await;
    assert!(failed.preflight_sent(), "{failed}");
    assert!(matches!(
        failed.blocked().map(|b| b.rule()),
        Some(Rule::NetworkError(_))
    ));
    assert_eq!(browser.cached_entries(), 0);
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
}

#[test]
fn messages_name_the_rule_the_value_and_a_fix() {
    let request = BrowserRequest::new(O, "PUT", "https://api.example/").unwrap();
    let headers = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "GET,POST"),
    ]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert_eq!(
        blocked.to_string(),
        "blocked at the preflight: the preflight's Access-Control-Allow-Methods (GET,POST) does not list PUT. Fix: allow PUT in the server's CORS policy"
    );

    let lower = BrowserRequest::new(O, "patch", "https://api.example/").unwrap();
    let headers = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "PATCH"),
    ]);
    let blocked = lower
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert!(blocked.fix().contains("case-sensitive"), "{blocked}");

    let long: &'static str =
        Box::leak(format!("https://{}.example", "a".repeat(500)).into_boxed_str());
    let headers = response_headers(&[("access-control-allow-origin", long)]);
    let get = BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    let blocked = get.check_response(StatusCode::OK, &headers).unwrap_err();
    assert!(
        !blocked.to_string().contains(&"a".repeat(101)),
        "echoed values are bounded: {blocked}"
    );
    assert!(blocked.to_string().contains(&"a".repeat(90)), "{blocked}");
    assert!(blocked.fix().contains(O));

    let redirect = request
        .check_preflight(StatusCode::MOVED_PERMANENTLY, &HeaderMap::new())
        .unwrap_err();
    assert!(
        redirect.to_string().contains("do not follow redirects"),
        "{redirect}"
    );

    let wildcard = request
        .clone()
        .credentials(true)
        .check_response(StatusCode::OK, &response_headers(ANY))
        .unwrap_err();
    assert_eq!(wildcard.rule(), &Rule::WildcardWithCredentials);
    assert!(
        wildcard
            .fix()
            .contains("echo the origin (https://app.example)"),
        "{wildcard}"
    );
}

#[test]
fn hints_see_the_whole_list_past_the_echo_limit() {
    // Lists longer than the 100 characters echoed in messages.
    let many = (0..30)
        .map(|i| format!("x-{i:02}"))
        .collect::<Vec<_>>()
        .join(", ");
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let credentialed = |extra: &[(&'static str, &'static str)]| {
        let mut headers = response_headers(&[
            ("access-control-allow-origin", O),
            ("access-control-allow-credentials", "true"),
        ]);
        headers.extend(response_headers(extra));
        headers
    };
    let request = BrowserRequest::new(O, "DELETE", "https://api.example/")
        .unwrap()
        .credentials(true);
    let methods = credentialed(&[("access-control-allow-methods", leak(format!("{many}, *")))]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &methods)
        .unwrap_err();
    assert_eq!(blocked.rule(), &method_refused("DELETE"));
    assert!(
        blocked
            .fix()
            .contains("with credentials, * is not a wildcard"),
        "{blocked}"
    );

    let request = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("x-a", "1")
        .credentials(true);
    let headers = credentialed(&[
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-headers", leak(format!("{many}, *"))),
    ]);
    let blocked = request
        .check_preflight(StatusCode::NO_CONTENT, &headers)
        .unwrap_err();
    assert_eq!(blocked.rule(), &header_refused("x-a"));
    assert!(
        blocked
            .fix()
            .contains("with credentials, * is not a wildcard"),
        "{blocked}"
    );

    let lower = BrowserRequest::new(O, "patch", "https://api.example/").unwrap();
    let methods = credentialed(&[(
        "access-control-allow-methods",
        leak(format!("{many}, PATCH")),
    )]);
    let blocked = lower
        .check_preflight(StatusCode::NO_CONTENT, &methods)
        .unwrap_err();
    assert!(blocked.fix().contains("case-sensitive"), "{blocked}");
}

#[test]
fn preflight_result_parses_lists_and_max_age() {
    let request = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("X-A", "1");
    let headers = response_headers(&[
        ("access-control-allow-origin", O),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-allow-methods", "DELETE"),
        ("access-control-allow-headers", "X-A"),
        ("access-control-max-age", "60"),
    ]);
    let result = request.check_preflight(StatusCode::OK, &headers).unwrap();
    assert_eq!(result.methods, ["GET", "PUT", "DELETE"]);
    assert_eq!(result.headers, ["x-a"]);
    assert_eq!(result.max_age, Duration::from_secs(60));
}
