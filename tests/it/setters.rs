//! Every setter of the builder can narrow as well as widen: a later call of
//! a list setter replaces what an earlier call of the same setter set (a
//! preset adjusted with `allow_methods(["GET"])` allows only GET), while
//! different setters still combine.

use crate::common::*;
use http::request::Parts;
use http::{HeaderValue, Method, StatusCode};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, Refusal};

const APP: &str = "https://app.example.com";
const A: &str = "https://a.example";
const B: &str = "https://b.example";
const C: &str = "https://c.example";

/// Asserts that `cors` allows `origin` on a GET and on a preflight, and
/// refuses it on both when `allowed` is false.
async fn assert_origin(cors: &CorsLayer, origin: &str, allowed: bool) {
    let (res, _) = send(cors, get_from(origin)).await;
    let expected = allowed.then_some(origin);
    assert_eq!(
        res.header("access-control-allow-origin"),
        expected,
        "GET from {origin}"
    );
    let (res, _) = send(cors, preflight(origin, "GET", None)).await;
    if allowed {
        assert!(res.status.is_success(), "preflight from {origin}");
        assert_eq!(res.header("access-control-allow-origin"), Some(origin));
    } else {
        assert_eq!(res.status, StatusCode::FORBIDDEN, "preflight from {origin}");
        assert_eq!(res.refusal(), Some(&Refusal::OriginNotAllowed));
    }
}

// checklist: C7
#[tokio::test]
async fn allow_methods_replaces_the_gateways_methods() {
    let cors = CorsBuilder::gateway()
        .allow_methods(["GET"])
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, seen) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::MethodNotAllowed(Method::DELETE))
    );

    let (res, _) = send(&cors, preflight(APP, "GET", None)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("access-control-allow-methods"), Some("GET"));
}

// checklist: C7
#[tokio::test]
async fn allow_methods_replaces_the_single_page_apps_methods() {
    let cors = CorsBuilder::single_page_app(APP)
        .allow_methods(["GET"])
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.refusal(), Some(&Refusal::MethodNotAllowed(Method::PUT)));

    let (res, _) = send(&cors, preflight(APP, "GET", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-methods"), Some("GET"));
}

// checklist: C7
#[tokio::test]
async fn allow_methods_replaces_an_earlier_call() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_methods(["DELETE"])
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (res, _) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-methods"), Some("DELETE"));
}

// checklist: C7
#[tokio::test]
async fn allow_any_method_replaces_a_list_and_a_list_replaces_any_method() {
    let any = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_any_method()
        .build()
        .unwrap();
    let (res, _) = send(&any, preflight(APP, "PURGE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-methods"), Some("*"));

    let listed = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_methods(["PUT"])
        .build()
        .unwrap();
    let (res, _) = send(&listed, preflight(APP, "PURGE", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (res, _) = send(&listed, preflight(APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-methods"), Some("PUT"));
}

// checklist: C7
#[tokio::test]
async fn allow_headers_replaces_an_earlier_call_and_a_presets_headers() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_headers(["x-a"])
        .allow_headers(["x-b"])
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "GET", Some("x-a"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (res, _) = send(&cors, preflight(APP, "GET", Some("x-b"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-headers"), Some("x-b"));

    // The gateway allows X-Stage; adjusted, it does not.
    let gateway = CorsBuilder::gateway()
        .allow_headers(["x-b"])
        .build()
        .unwrap();
    let (res, _) = send(&gateway, preflight(APP, "GET", Some("x-stage"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (res, _) = send(&gateway, preflight(APP, "GET", Some("x-b"))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("access-control-allow-headers"), Some("x-b"));

    // A list after `allow_any_header` removes the wildcard.
    let listed = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_header()
        .allow_headers(["x-a"])
        .build()
        .unwrap();
    let (res, _) = send(&listed, preflight(APP, "GET", Some("x-c"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

// checklist: C7, A3
#[tokio::test]
async fn expose_headers_replaces_an_earlier_call_and_a_presets_headers() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .expose_headers(["x-a"])
        .expose_headers(["x-b"])
        .build()
        .unwrap();
    let (res, _) = send(&cors, get_from(APP)).await;
    assert_eq!(res.header("access-control-expose-headers"), Some("x-b"));

    let gateway = CorsBuilder::gateway()
        .expose_headers(["X-Trace-Id"])
        .build()
        .unwrap();
    let (res, _) = send(&gateway, get_from(APP)).await;
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some("X-Trace-Id")
    );

    let listed = CorsLayer::builder()
        .allow_origins([APP])
        .expose_any_header()
        .expose_headers(["x-a"])
        .build()
        .unwrap();
    let (res, _) = send(&listed, get_from(APP)).await;
    assert_eq!(res.header("access-control-expose-headers"), Some("x-a"));
}

// checklist: C7, O1
#[tokio::test]
async fn allow_origins_replaces_an_earlier_call() {
    let cors = CorsLayer::builder()
        .allow_origins([A])
        .allow_origins([B])
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&cors, A, false).await;
    assert_origin(&cors, B, true).await;

    // The gateway's `*`, replaced by one origin: the answer now echoes it.
    let gateway = CorsBuilder::gateway()
        .allow_origins([B])
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&gateway, A, false).await;
    let (res, _) = send(&gateway, get_from(B)).await;
    assert_eq!(res.header("access-control-allow-origin"), Some(B));
    assert_eq!(res.header("vary"), Some("Origin"));

    // And the other way round: `*` replaces a list.
    let any = CorsLayer::builder()
        .allow_origins([A])
        .allow_any_origin()
        .build()
        .unwrap();
    let (res, _) = send(&any, get_from(B)).await;
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}

// checklist: C7, O7
#[tokio::test]
async fn allow_origin_predicate_replaces_an_earlier_call() {
    let cors = CorsLayer::builder()
        .allow_origin_predicate(|origin, _| origin == A)
        .allow_origin_predicate(|origin, _| origin == B)
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&cors, A, false).await;
    assert_origin(&cors, B, true).await;
}

// checklist: C7, O7
#[tokio::test]
async fn allow_origin_async_replaces_an_earlier_call() {
    let cors = CorsLayer::builder()
        .allow_origin_async(|origin: HeaderValue, _: &Parts| async move { origin == A })
        .allow_origin_async(|origin: HeaderValue, _: &Parts| async move { origin == B })
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&cors, A, false).await;
    assert_origin(&cors, B, true).await;
}

// checklist: C7, O7
#[tokio::test]
async fn different_origin_setters_combine() {
    let cors = CorsLayer::builder()
        .allow_origins([A])
        .allow_origin_predicate(|origin, _| origin == B)
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&cors, A, true).await;
    assert_origin(&cors, B, true).await;
    assert_origin(&cors, C, false).await;

    let cors = CorsLayer::builder()
        .allow_origins([A])
        .allow_origin_predicate(|origin, _| origin == B)
        .allow_origin_async(|origin: HeaderValue, _: &Parts| async move { origin == C })
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&cors, A, true).await;
    assert_origin(&cors, B, true).await;
    assert_origin(&cors, C, true).await;
    assert_origin(&cors, "https://d.example", false).await;
}

// checklist: C7, C1
#[tokio::test]
async fn a_predicate_cannot_narrow_any_origin_and_says_how_to() {
    // `*` allows every origin, so the predicate would never be asked.
    let sync = CorsBuilder::gateway().allow_origin_predicate(|origin, _| origin == A);
    let not_sync = CorsBuilder::gateway().allow_origin_async(|_, _| async { true });
    for builder in [sync, not_sync] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.errors(), [ConfigError::PredicateWithAnyOrigin]);
        assert!(err.to_string().contains("allow_origins"), "{err}");
    }
    // Replacing the preset's origins lets the predicate alone decide.
    let narrowed = CorsBuilder::gateway()
        .allow_origins(Vec::<String>::new())
        .allow_origin_predicate(|origin, _| origin == A)
        .record_decisions(true)
        .build()
        .unwrap();
    assert_origin(&narrowed, A, true).await;
    assert_origin(&narrowed, B, false).await;
}

/// A builder's `Debug` shows its settings and whether it has origin
/// predicates, which cannot be shown themselves.
#[test]
fn a_builder_shows_its_settings_and_predicates() {
    let shown = format!(
        "{:?}",
        CorsLayer::builder()
            .allow_origins(["https://app.example.com"])
            .allow_origin_predicate(|_, _| false)
    );
    assert!(shown.contains("https://app.example.com"), "{shown}");
    assert!(shown.contains("sync: true"), "{shown}");
    assert!(shown.contains("async: false"), "{shown}");
}
