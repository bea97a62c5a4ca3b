//! `block_disallowed_origins(true)` refuses cross-origin requests from
//! origins that are not allowed, and only those: a same-origin request
//! carries `Origin` too (every POST does), and the browser says with
//! `Sec-Fetch-Site: same-origin` that it is one.

use crate::common::*;
use http::StatusCode;
use tower_cors::{CorsLayer, Refusal, RequestKind};

const APP: &str = "https://app.example.com";
/// The API's own origin, which the policy does not list.
const SELF: &str = "https://api.example.com";

fn blocking() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .block_disallowed_origins(true)
        .record_decisions(true)
        .build()
        .unwrap()
}

// checklist: A4
#[tokio::test]
async fn a_same_origin_request_reaches_the_handler() {
    let req = request(
        "POST",
        &[("origin", SELF), ("sec-fetch-site", "same-origin")],
    );
    let (res, seen) = send(&blocking(), req).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.text(), "inner");
    assert_eq!(res.header("access-control-allow-origin"), None);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    // It is no CORS request, so nothing was refused.
    assert_eq!(res.refusal(), None);
    assert_eq!(seen.kind(), Some(RequestKind::NotCors));
}

// checklist: A4, P7
#[tokio::test]
async fn a_cross_origin_request_from_a_disallowed_origin_is_refused() {
    let cases: [&[(&str, &str)]; 2] = [
        &[("origin", SELF), ("sec-fetch-site", "cross-site")],
        &[("origin", SELF)],
    ];
    for headers in cases {
        let (res, seen) = send(&blocking(), request("POST", headers)).await;
        assert_eq!(seen.calls(), 0, "{headers:?}");
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
        assert!(res.body.is_empty());
        assert_eq!(res.refusal(), Some(&Refusal::OriginNotAllowed));
    }
}

// checklist: A4, A1
#[tokio::test]
async fn an_allowed_origin_reaches_the_handler() {
    for headers in [
        &[("origin", APP), ("sec-fetch-site", "cross-site")][..],
        &[("origin", APP)][..],
    ] {
        let (res, seen) = send(&blocking(), request("POST", headers)).await;
        assert_eq!(seen.calls(), 1, "{headers:?}");
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    }
}
