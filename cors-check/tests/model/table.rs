//! One table of requests to hand-written services that send right and
//! broken CORS headers, and the outcome a browser gives each.

use cors_check::{Browser, Outcome, Rule, Stage};
use http::StatusCode;

use crate::support::{
    answer, failing, fetch_with, header_refused, method_refused, mismatch, no_content, ok, req,
    scripted, Answer, Req, ANY, EXACT, EXACT_CRED, O, UNREACHED,
};

/// The service of a row.
#[derive(Clone, Copy, Debug)]
enum Server {
    /// Answers `OPTIONS` with the first answer, anything else with the second.
    Scripted(Answer, Answer),
    /// Fails (a service error) on the preflight or on the actual request;
    /// answers the other with `*` and every method and header.
    FailsOn(Stage),
}

/// A row's server answering only actual requests.
const fn simple(actual: Answer) -> Server {
    Server::Scripted(UNREACHED, actual)
}

/// What a browser does with a row's request.
#[derive(Clone, Debug)]
enum Expect {
    /// The script gets the response; `preflight`: whether one was sent.
    Allowed { preflight: bool },
    /// Blocked at `Stage` by `Rule`.
    Blocked(Stage, Rule),
    /// Rejected by `fetch()` before sending, for a reason with this text.
    Rejected(&'static str),
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

fn invalid(why_contains: &'static str) -> Expect {
    Expect::Rejected(why_contains)
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
        // checklist: A1
        case(
            "GET, ACAO and an empty second line",
            simple(ok(&[("access-control-allow-origin", O), ("access-control-allow-origin", "")])),
            req("GET"),
            at_actual(Rule::MultipleAllowOrigin("https://app.example, ".into())),
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
        // checklist: K3
        case(
            "Range with a sign",
            Server::Scripted(no_content(ANY), ok(ANY)),
            req("GET").h("range", "bytes=+5-"),
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
        // checklist: K3
        case("Accept with a tab inside", simple(ok(ANY)), req("GET").h("accept", "text/html,\tapplication/json"), allowed(false)),
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
        // checklist: K3
        case(
            "safelisted values of 1024 bytes together",
            simple(ok(ANY)),
            (0..8).fold(req("GET"), |r, _| r.h("accept-language", &"a".repeat(128))),
            allowed(false),
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
    ]
}

/// Runs `r` against `server` with a fresh browser.
async fn run(server: Server, r: &Req) -> Outcome {
    let mut browser = Browser::new();
    match server {
        Server::Scripted(preflight, actual) => {
            fetch_with(&mut browser, &scripted(preflight, actual), r).await
        }
        Server::FailsOn(stage) => fetch_with(&mut browser, &failing(stage), r).await,
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
            if outcome.actual_sent() != (*stage == Stage::Actual) {
                return Err(format!("actual sent: {}", outcome.actual_sent()));
            }
            Ok(())
        }
        Expect::Rejected(why) => {
            let Some(rejected) = outcome.rejected() else {
                return Err(format!("expected a rejection by fetch(), got: {outcome}"));
            };
            if !rejected.to_string().contains(why) {
                return Err(format!("rejected for {rejected}, expected {why:?}"));
            }
            if outcome.is_blocked() || outcome.is_allowed() || outcome.blocked().is_some() {
                return Err(format!("a rejection counts as another outcome: {outcome}"));
            }
            if !outcome.exchanges().is_empty() || outcome.actual_sent() || outcome.preflight_sent()
            {
                return Err("a rejected request reached the service".to_owned());
            }
            if !outcome
                .to_string()
                .starts_with("rejected by fetch() before sending: ")
            {
                return Err(format!("unexpected message: {outcome}"));
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
