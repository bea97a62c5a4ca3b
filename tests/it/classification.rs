//! Request classification: not CORS, simple, not-so-simple, preflight.

use crate::common::*;
use http::{Method, StatusCode};
use tower_cors::{CorsBuilder, CorsLayer, Refusal, RequestKind};

const ORIGIN: (&str, &str) = ("origin", "https://app.example.com");

fn kind(method: &str, headers: &[(&str, &str)]) -> RequestKind {
    RequestKind::of(&request(method, headers))
}

/// The rules of [`policy`], without `record_decisions`.
fn rules() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
}

fn policy() -> CorsLayer {
    rules().record_decisions(true).build().unwrap()
}

// checklist: K1
#[tokio::test]
async fn no_origin_is_not_cors_and_gets_only_vary() {
    assert_eq!(kind("GET", &[]), RequestKind::NotCors);
    assert_eq!(kind("PUT", &[("x-custom", "1")]), RequestKind::NotCors);
    let (res, seen) = send(&policy(), request("GET", &[])).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(seen.kind(), Some(RequestKind::NotCors));
    assert!(res.cors_headers().is_empty());
    assert_eq!(res.header("vary"), Some("Origin"));
    assert_eq!(&res.body[..], b"inner");
}

// checklist: K1, A5
#[tokio::test]
async fn no_origin_with_an_any_origin_policy_gets_what_every_origin_gets() {
    let (res, _) = send(&CorsLayer::gateway(), request("GET", &[])).await;
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some(GATEWAY_EXPOSE_HEADERS)
    );
    assert_eq!(res.header("vary"), None);
}

// checklist: K2
#[tokio::test]
async fn only_options_with_origin_and_acrm_is_a_preflight() {
    let acrm = ("access-control-request-method", "PUT");
    assert_eq!(kind("OPTIONS", &[ORIGIN, acrm]), RequestKind::Preflight);
    assert_eq!(kind("OPTIONS", &[ORIGIN]), RequestKind::NotSoSimple);
    assert_eq!(kind("OPTIONS", &[acrm]), RequestKind::NotCors);
    assert_eq!(kind("OPTIONS", &[]), RequestKind::NotCors);
    assert_eq!(kind("PUT", &[ORIGIN, acrm]), RequestKind::NotSoSimple);
    // The method is case-sensitive: `options` is another method.
    assert_eq!(kind("options", &[ORIGIN, acrm]), RequestKind::NotSoSimple);
}

// checklist: K2, P1
#[tokio::test]
async fn other_options_requests_reach_the_inner_service() {
    for headers in [
        vec![ORIGIN],
        vec![],
        vec![("access-control-request-method", "PUT")],
    ] {
        let (res, seen) = send(&policy(), request("OPTIONS", &headers)).await;
        assert_eq!(seen.calls(), 1, "{headers:?}");
        assert_eq!(&res.body[..], b"inner");
    }
    let (_, seen) = send(&policy(), preflight("https://app.example.com", "PUT", None)).await;
    assert_eq!(seen.calls(), 0);
}

// checklist: K3
#[test]
fn safelisted_methods_and_headers_are_simple() {
    for method in ["GET", "HEAD", "POST"] {
        assert_eq!(kind(method, &[ORIGIN]), RequestKind::Simple, "{method}");
    }
    let simple_headers: &[(&str, &str)] = &[
        ("accept", "application/json, text/plain, */*"),
        ("accept-language", "en-US,en;q=0.9"),
        ("content-language", "de-DE"),
        ("content-type", "text/plain;charset=UTF-8"),
        ("content-type", "multipart/form-data; boundary=xyz"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("range", "bytes=0-"),
        ("range", "bytes=100-200"),
    ];
    for header in simple_headers {
        assert_eq!(
            kind("POST", &[ORIGIN, *header]),
            RequestKind::Simple,
            "{header:?}"
        );
    }
}

// checklist: K3
#[test]
fn browser_and_proxy_headers_do_not_make_a_request_not_so_simple() {
    let headers = [
        ORIGIN,
        ("host", "api.example.com"),
        ("user-agent", "Mozilla/5.0"),
        ("accept-encoding", "gzip, br"),
        ("connection", "keep-alive"),
        ("referer", "https://app.example.com/page"),
        ("cookie", "a=b"),
        ("sec-fetch-mode", "cors"),
        ("sec-ch-ua", "\"Chromium\";v=\"130\""),
        ("cache-control", "no-cache"),
        ("pragma", "no-cache"),
        ("priority", "u=1, i"),
        ("if-none-match", "\"abc\""),
        ("x-forwarded-for", "203.0.113.1"),
        ("forwarded", "for=203.0.113.1"),
    ];
    assert_eq!(kind("GET", &headers), RequestKind::Simple);
}

// checklist: K3
#[test]
fn other_methods_and_headers_are_not_so_simple() {
    for method in ["PUT", "DELETE", "PATCH", "get", "PURGE"] {
        assert_eq!(
            kind(method, &[ORIGIN]),
            RequestKind::NotSoSimple,
            "{method}"
        );
    }
    let unsafe_headers: &[(&str, &str)] = &[
        ("content-type", "application/json"),
        ("content-type", "text/plain; x=\"quoted\""),
        ("accept", "text/html{"),
        ("accept-language", "en_US"),
        ("content-language", "de/DE"),
        ("range", "bytes=0-1,5-6"),
        ("range", "bytes=-500"),
        ("range", "bytes=9-1"),
        // The Fetch Standard's "parse a single range header value": the
        // start is one or more digits, so a range without one fails to
        // parse, and an unparsable `Range` is not safelisted.
        ("range", "bytes=-"),
        ("range", "bytes=x-"),
        ("range", "bytes=1x-"),
        ("range", "bytes=0-x"),
        ("authorization", "Bearer x"),
        ("x-requested-with", "XMLHttpRequest"),
    ];
    for header in unsafe_headers {
        assert_eq!(
            kind("GET", &[ORIGIN, *header]),
            RequestKind::NotSoSimple,
            "{header:?}"
        );
    }
}

// checklist: K3
// The Fetch Standard's "CORS-unsafe request-header byte" is a byte below
// 0x20 other than 0x09 HT, or one of `"():<>?@[\]{}` and DEL: a tab is
// the one control byte that a safelisted `Accept` or `Content-Type` may
// hold (a `Content-Type`'s essence is read with its whitespace, tabs
// included, trimmed).
#[test]
fn a_tab_inside_a_safelisted_value_keeps_a_request_simple() {
    for header in [
        ("content-type", "text/plain;\tcharset=UTF-8"),
        ("content-type", "text/plain\t; charset=UTF-8"),
        ("accept", "text/html,\tapplication/json"),
    ] {
        assert_eq!(
            kind("POST", &[ORIGIN, header]),
            RequestKind::Simple,
            "{header:?}"
        );
    }
    // The other bytes of the list are unsafe, next to a tab or not.
    for header in [
        ("content-type", "text/plain;\tcharset=\"UTF-8\""),
        ("accept", "text/html;\tq=(1)"),
    ] {
        assert_eq!(
            kind("POST", &[ORIGIN, header]),
            RequestKind::NotSoSimple,
            "{header:?}"
        );
    }
}

// checklist: K3
#[test]
fn safelisted_values_are_limited_in_length() {
    let at_limit = "a".repeat(128);
    let over_limit = "a".repeat(129);
    assert_eq!(
        kind("GET", &[ORIGIN, ("accept", &at_limit)]),
        RequestKind::Simple
    );
    assert_eq!(
        kind("GET", &[ORIGIN, ("accept", &over_limit)]),
        RequestKind::NotSoSimple
    );
    // Each value within 128 bytes, but more than 1024 bytes together.
    let many: Vec<(&str, &str)> = std::iter::once(ORIGIN)
        .chain(std::iter::repeat(("accept", at_limit.as_str())).take(9))
        .collect();
    assert_eq!(kind("GET", &many), RequestKind::NotSoSimple);
    let fewer: Vec<(&str, &str)> = std::iter::once(ORIGIN)
        .chain(std::iter::repeat(("accept", at_limit.as_str())).take(8))
        .collect();
    assert_eq!(kind("GET", &fewer), RequestKind::Simple);
}

// checklist: K4
#[tokio::test]
async fn the_kind_reaches_the_inner_service_in_the_extensions() {
    let cases = [
        (request("GET", &[]), RequestKind::NotCors),
        (request("GET", &[ORIGIN]), RequestKind::Simple),
        (
            request("GET", &[ORIGIN, ("content-type", "application/json")]),
            RequestKind::NotSoSimple,
        ),
        (request("PUT", &[ORIGIN]), RequestKind::NotSoSimple),
        // A disallowed origin is classified too.
        (get_from("https://evil.example"), RequestKind::Simple),
    ];
    for (req, expected) in cases {
        let (_, seen) = send(&policy(), req).await;
        assert_eq!(seen.kind(), Some(expected));
    }
    let (res, _) = send(&policy(), preflight("https://app.example.com", "PUT", None)).await;
    assert_eq!(res.extensions.get(), Some(&RequestKind::Preflight));
    assert!(RequestKind::Preflight.is_cors());
    assert!(!RequestKind::NotCors.is_cors());
}

// checklist: K4, P7
#[tokio::test]
async fn decisions_reach_the_extensions_only_when_recorded() {
    const EVIL: &str = "https://evil.example";
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        RequestKind,
    );
    let actual: [Case; 5] = [
        ("GET", &[], RequestKind::NotCors),
        ("GET", &[ORIGIN], RequestKind::Simple),
        (
            "GET",
            &[ORIGIN, ("content-type", "application/json")],
            RequestKind::NotSoSimple,
        ),
        ("PUT", &[ORIGIN], RequestKind::NotSoSimple),
        ("GET", &[("origin", EVIL)], RequestKind::Simple),
    ];
    for record in [false, true] {
        // The default is left alone, not set to `false`.
        let build = |block: bool| {
            let builder = rules().block_disallowed_origins(block);
            let builder = if record {
                builder.record_decisions(true)
            } else {
                builder
            };
            builder.build().unwrap()
        };
        let cors = build(false);
        let recorded = |kind: RequestKind| record.then_some(kind);
        let refused = |why: Refusal| record.then_some(why);

        // The handler finds the kind only when it is recorded; `of`
        // classifies the same request either way.
        for (method, headers, expected) in actual {
            assert_eq!(RequestKind::of(&request(method, headers)), expected);
            let (_, seen) = send(&cors, request(method, headers)).await;
            assert_eq!(seen.calls(), 1, "{method} {headers:?}");
            assert_eq!(
                seen.kind(),
                recorded(expected),
                "record: {record}, {method} {headers:?}"
            );
        }

        // The layer's own answer to a preflight.
        let req = || preflight("https://app.example.com", "PUT", None);
        assert_eq!(RequestKind::of(&req()), RequestKind::Preflight);
        let (res, _) = send(&cors, req()).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(
            res.extensions.get(),
            recorded(RequestKind::Preflight).as_ref()
        );
        assert_eq!(res.refusal(), None);

        // Refused preflights: the refusal's status, no CORS header, the
        // preflight's `Vary`, and the reason only when recorded.
        let preflights = [
            (preflight(EVIL, "PUT", None), Refusal::OriginNotAllowed),
            (
                preflight("https://app.example.com", "DELETE", None),
                Refusal::MethodNotAllowed(Method::DELETE),
            ),
        ];
        for (req, why) in preflights {
            let (res, seen) = send(&cors, req).await;
            assert_eq!(seen.calls(), 0);
            assert_eq!(res.status, StatusCode::FORBIDDEN, "record: {record}");
            assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
            assert_eq!(res.token_set("vary"), names(PREFLIGHT_VARY));
            assert!(res.body.is_empty());
            assert_eq!(res.refusal(), refused(why).as_ref(), "record: {record}");
            assert_eq!(
                res.extensions.get(),
                recorded(RequestKind::Preflight).as_ref()
            );
        }

        // A refused actual request that reaches the handler: no CORS
        // header, `Vary: Origin`, and the reason only when recorded.
        let (res, seen) = send(&cors, get_from(EVIL)).await;
        assert_eq!(seen.calls(), 1);
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.text(), "inner");
        assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
        assert_eq!(res.header("vary"), Some("Origin"));
        assert_eq!(
            res.refusal(),
            refused(Refusal::OriginNotAllowed).as_ref(),
            "record: {record}"
        );

        // A refused actual request that the layer blocks.
        let (res, seen) = send(&build(true), get_from(EVIL)).await;
        assert_eq!(seen.calls(), 0);
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.body.is_empty());
        assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
        assert_eq!(res.header("vary"), Some("Origin"));
        assert_eq!(
            res.refusal(),
            refused(Refusal::OriginNotAllowed).as_ref(),
            "record: {record}"
        );
        assert_eq!(res.extensions.get(), recorded(RequestKind::Simple).as_ref());
    }
}

// checklist: K1, A5
#[tokio::test]
async fn a_same_origin_request_is_answered_as_its_origin_is() {
    let cors = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .record_decisions(true)
        .build()
        .unwrap();
    let same_origin = [
        ("origin", "https://app.example.com"),
        ("sec-fetch-site", "same-origin"),
    ];
    // It is classified as no CORS request, but its headers are those of
    // its origin, so that a cache keyed by `Origin` serves every request
    // alike, whatever `Sec-Fetch-Site` says.
    let (res, seen) = send(&cors, request("POST", &same_origin)).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(seen.kind(), Some(RequestKind::NotCors));
    let (cross, _) = send(&cors, request("POST", &[same_origin[0]])).await;
    assert_eq!(res.headers, cross.headers);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    // An `OPTIONS` that looks like a preflight is answered as one.
    let mut headers = same_origin.to_vec();
    headers.push(("access-control-request-method", "PUT"));
    let (res, seen) = send(&cors, request("OPTIONS", &headers)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::NO_CONTENT);
}
