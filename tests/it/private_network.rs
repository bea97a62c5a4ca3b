//! Private Network Access preflights: `Access-Control-Allow-Private-Network`
//! only for an opted-in policy, an allowed origin and a preflight that asks.
//! Without the opt-in the question is ignored, not refused.

use crate::common::*;
use http::{Method, StatusCode};
use tower_cors::{CorsBuilder, CorsLayer, Refusal};

const APP: &str = "https://app.example.com";
const ASK: &str = "access-control-request-private-network";
const ALLOW: &str = "access-control-allow-private-network";

fn builder() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .record_decisions(true)
}

fn opted_in() -> CorsLayer {
    builder().allow_private_network(true).build().unwrap()
}

fn not_opted_in() -> CorsLayer {
    builder().build().unwrap()
}

// checklist: P9, P1
#[tokio::test]
async fn opted_in_allowed_origin_asking_gets_the_header() {
    let (res, seen) = send(&opted_in(), pna_preflight(APP, "PUT", None, Some("true"))).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header(ALLOW), Some("true"));
    assert_eq!(res.refusal(), None);
}

// checklist: P9, A2
#[tokio::test]
async fn the_header_comes_with_credentials_too() {
    let cors = builder()
        .allow_credentials(true)
        .allow_private_network(true)
        .build()
        .unwrap();
    let (res, _) = send(&cors, pna_preflight(APP, "GET", None, Some("true"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(res.header(ALLOW), Some("true"));
}

// checklist: P9
#[tokio::test]
async fn opted_in_but_not_asked_sends_no_header() {
    let (res, _) = send(&opted_in(), pna_preflight(APP, "PUT", None, None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header(ALLOW), None);
}

// checklist: P9, P7
#[tokio::test]
async fn opted_in_but_disallowed_origin_is_refused_without_cors_headers() {
    for origin in ["https://evil.example", "null", "https://app.example.com."] {
        let (res, seen) = send(
            &opted_in(),
            pna_preflight(origin, "PUT", None, Some("true")),
        )
        .await;
        assert_eq!(seen.calls(), 0);
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin}");
        assert!(res.cors_headers().is_empty(), "{origin}: {:?}", res.headers);
        assert!(
            refuses_origin(res.refusal()),
            "{origin}: {:?}",
            res.refusal()
        );
    }
}

// checklist: P9, P7
#[tokio::test]
async fn opted_in_but_disallowed_method_is_refused_without_the_header() {
    let (res, _) = send(
        &opted_in(),
        pna_preflight(APP, "DELETE", None, Some("true")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::MethodNotAllowed(Method::DELETE))
    );
}

// checklist: P9, P1
#[tokio::test]
async fn not_opted_in_the_question_is_ignored() {
    let (res, seen) = send(
        &not_opted_in(),
        pna_preflight(APP, "PUT", None, Some("true")),
    )
    .await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-methods"), Some("PUT"));
    assert_eq!(res.header(ALLOW), None, "{:?}", res.headers);
    // Unanswered, not refused; but the browser will block it, so the
    // decision says why.
    assert_eq!(res.refusal(), Some(&Refusal::PrivateNetworkNotAllowed));
    assert!(res.body.is_empty());

    // The answer is the one the same preflight gets without the question.
    let (plain, _) = send(&not_opted_in(), pna_preflight(APP, "PUT", None, None)).await;
    assert_eq!(plain.status, res.status);
    assert_eq!(plain.cors_headers(), res.cors_headers());

    // Opting in and out again is no opt-in.
    let cors = builder()
        .allow_private_network(true)
        .allow_private_network(false)
        .build()
        .unwrap();
    let (res, _) = send(&cors, pna_preflight(APP, "PUT", None, Some("true"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header(ALLOW), None);
    assert_eq!(res.refusal(), Some(&Refusal::PrivateNetworkNotAllowed));
}

// checklist: P9, P7
#[tokio::test]
async fn not_opted_in_a_disallowed_origin_is_still_refused() {
    let (res, _) = send(
        &not_opted_in(),
        pna_preflight("https://evil.example", "PUT", None, Some("true")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    assert_eq!(res.refusal(), Some(&Refusal::OriginNotAllowed));
}

// checklist: P9
#[tokio::test]
async fn a_value_other_than_true_is_not_asking() {
    for value in ["false", "", "1", "yes"] {
        let (res, _) = send(&opted_in(), pna_preflight(APP, "PUT", None, Some(value))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{value:?}");
        assert_eq!(res.header(ALLOW), None, "{value:?}");

        let (res, _) = send(
            &not_opted_in(),
            pna_preflight(APP, "PUT", None, Some(value)),
        )
        .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{value:?}");
        assert_eq!(res.header(ALLOW), None, "{value:?}");
        assert_eq!(res.refusal(), None, "{value:?}");
    }
}

// checklist: P9, A1
#[tokio::test]
async fn actual_requests_never_get_the_header() {
    let (res, seen) = send(
        &opted_in(),
        request("GET", &[("origin", APP), (ASK, "true")]),
    )
    .await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header(ALLOW), None);
}
