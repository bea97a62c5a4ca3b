//! Decisions as values: every refusal has its exact reason and the rule
//! that decided it, readable by outer layers (response extensions) and by
//! handlers (request extensions), and bounded when displayed.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use crate::common::*;
use http::{HeaderName, Method, Request, Response};
use tower::{service_fn, ServiceExt};
use tower_cors::{CorsLayer, Refusal, RequestKind};
use tower_layer::Layer;

const APP: &str = "https://app.example.com";

fn policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_headers(["x-custom"])
        .record_decisions(true)
        .build()
        .unwrap()
}

// checklist: P7, O3, P3, P4, P5, P9
#[tokio::test]
async fn every_refusal_has_its_reason_and_rule() {
    let long_list = "x-a,".repeat(1100);
    let rows: Vec<(Request<_>, Refusal, &str, &str)> = vec![
        (
            preflight("https://evil.example", "PUT", None),
            Refusal::OriginNotAllowed,
            "allow_origins",
            "origin not allowed",
        ),
        (
            preflight("null", "PUT", None),
            Refusal::NullOriginNotAllowed,
            "allow_null_origin",
            "origin null not allowed",
        ),
        (
            preflight("https://app.example.com/", "PUT", None),
            Refusal::MalformedOrigin(
                "an origin has no path, query or fragment (not even a trailing slash)",
            ),
            "Origin syntax",
            "malformed Origin: an origin has no path",
        ),
        (
            preflight("https://APP.example.com", "PUT", None),
            Refusal::MalformedOrigin("the host must be lowercase"),
            "Origin syntax",
            "malformed Origin: the host must be lowercase",
        ),
        (
            preflight(APP, "DELETE", None),
            Refusal::MethodNotAllowed(Method::DELETE),
            "allow_methods",
            "method DELETE not allowed",
        ),
        (
            preflight(APP, "put", None),
            Refusal::MethodNotAllowed(Method::from_bytes(b"put").unwrap()),
            "allow_methods",
            "method put not allowed",
        ),
        (
            preflight(APP, "P U T", None),
            Refusal::InvalidRequestMethod,
            "Access-Control-Request-Method syntax",
            "invalid Access-Control-Request-Method",
        ),
        (
            preflight(APP, "PUT", Some("x-custom,x-foo")),
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-foo")),
            "allow_headers",
            "request header x-foo not allowed",
        ),
        (
            preflight(APP, "PUT", Some("x-custom,,x foo")),
            Refusal::InvalidRequestHeaders,
            "Access-Control-Request-Headers syntax",
            "invalid Access-Control-Request-Headers",
        ),
        (
            preflight(APP, "PUT", Some(&long_list)),
            Refusal::RequestHeadersTooLong,
            "Access-Control-Request-Headers length",
            "longer than 4096 bytes",
        ),
        (
            pna_preflight(APP, "PUT", None, Some("true")),
            Refusal::PrivateNetworkNotAllowed,
            "allow_private_network",
            "private network access not allowed",
        ),
        (
            get_from("https://evil.example"),
            Refusal::OriginNotAllowed,
            "allow_origins",
            "origin not allowed",
        ),
        (
            get_from("null"),
            Refusal::NullOriginNotAllowed,
            "allow_null_origin",
            "origin null not allowed",
        ),
    ];
    let mut failures = Vec::new();
    for (req, expected, rule, words) in rows {
        let what = format!("{} {:?}", req.method(), req.headers());
        let (res, _) = send(&policy(), req).await;
        let Some(why) = res.refusal() else {
            failures.push(format!("{what}: no refusal"));
            continue;
        };
        if *why != expected || why.rule() != rule || !why.to_string().contains(words) {
            failures.push(format!(
                "{what}: {why:?} ({why}; {}), expected {expected:?} ({words}; {rule})",
                why.rule()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// checklist: K4
#[tokio::test]
async fn allowed_requests_carry_no_refusal() {
    for req in [
        preflight(APP, "PUT", Some("x-custom")),
        get_from(APP),
        request("GET", &[]),
    ] {
        let (res, _) = send(&policy(), req).await;
        assert_eq!(res.refusal(), None);
    }
}

// checklist: K4, A4
#[tokio::test]
async fn a_handler_can_read_why_its_request_was_refused() {
    type Seen = Vec<(Option<RequestKind>, Option<Refusal>)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let log = Arc::clone(&seen);
    let handler = service_fn(move |req: Request<String>| {
        let log = Arc::clone(&log);
        async move {
            let ext = req.extensions();
            log.lock()
                .unwrap()
                .push((ext.get().copied(), ext.get::<Refusal>().cloned()));
            Ok::<_, Infallible>(Response::new(String::new()))
        }
    });
    let service = policy().layer(handler);
    for origin in ["https://evil.example", APP] {
        let req = Request::get("/")
            .header("origin", origin)
            .body(String::new())
            .unwrap();
        service.clone().oneshot(req).await.unwrap();
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (Some(RequestKind::Simple), Some(Refusal::OriginNotAllowed)),
            (Some(RequestKind::Simple), None),
        ]
    );
}

// checklist: A4
#[tokio::test]
async fn an_outer_layer_reads_the_refusal_of_a_blocked_request() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .block_disallowed_origins(true)
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, seen) = send(&cors, get_from("file://")).await;
    assert_eq!(seen.calls(), 0);
    let why = res.refusal().unwrap();
    assert!(matches!(why, Refusal::MalformedOrigin(_)), "{why:?}");
    assert!(why.to_string().contains("allow_file_origin"), "{why}");
}

// checklist: P5
#[tokio::test]
async fn displayed_reasons_are_bounded() {
    let name = format!("x-{}", "a".repeat(3000));
    let (res, _) = send(&policy(), preflight(APP, "PUT", Some(&name))).await;
    let why = res.refusal().unwrap();
    assert_eq!(why, &Refusal::HeaderNotAllowed(name.parse().unwrap()));
    let shown = why.to_string();
    assert!(shown.len() < 120, "{shown}");
    assert!(shown.contains("(3002 bytes)"), "{shown}");
}

// checklist: K4
#[tokio::test]
async fn an_outer_layer_reads_the_kind_of_every_response() {
    let rows = [
        (get_from(APP), RequestKind::Simple, None),
        (
            get_from("https://evil.example"),
            RequestKind::Simple,
            Some(Refusal::OriginNotAllowed),
        ),
        (
            request("PUT", &[("origin", APP)]),
            RequestKind::NotSoSimple,
            None,
        ),
        (request("GET", &[]), RequestKind::NotCors, None),
        (preflight(APP, "PUT", None), RequestKind::Preflight, None),
    ];
    for (req, kind, why) in rows {
        let (res, _) = send(&policy(), req).await;
        assert_eq!(res.extensions.get::<RequestKind>(), Some(&kind));
        assert_eq!(res.refusal(), why.as_ref());
    }
}
