//! Who wins when the handler sets CORS headers too. Under `LayerWins` every
//! CORS response header of the handler goes, the private network one
//! included; under `UpstreamWins` the layer adds its headers only to a
//! response whose `Access-Control-Allow-Origin` is the one it chose.

use crate::common::*;
use http::StatusCode;
use tower_cors::{CorsLayer, Precedence};

const APP: &str = "https://app.example.com";
const ALLOW_PNA: &str = "access-control-allow-private-network";

// checklist: A7, P9
#[tokio::test]
async fn layer_wins_removes_the_handlers_private_network_header() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_private_network(true)
        .precedence(Precedence::LayerWins)
        .build()
        .unwrap();
    let upstream = [(ALLOW_PNA, "true")];

    let (res, seen) = send_with(&cors, &upstream, get_from(APP)).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header(ALLOW_PNA), None, "{:?}", res.headers);

    // A disallowed origin gets no CORS header at all.
    let (res, _) = send_with(&cors, &upstream, get_from("https://evil.example")).await;
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

fn credentialed() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

// checklist: A7, A2, A3
#[tokio::test]
async fn upstream_wins_adds_nothing_to_another_origins_answer() {
    let upstream = [("access-control-allow-origin", "https://other.example")];
    let (res, _) = send_with(&credentialed(), &upstream, get_from(APP)).await;
    assert_eq!(
        res.all("access-control-allow-origin"),
        ["https://other.example"]
    );
    assert_eq!(res.header("access-control-allow-credentials"), None);
    assert_eq!(
        res.header("access-control-expose-headers"),
        None,
        "{:?}",
        res.headers
    );
}

// checklist: A7, A2, A3
#[tokio::test]
async fn upstream_wins_completes_an_answer_for_the_allowed_origin() {
    let upstream = [("access-control-allow-origin", APP)];
    let (res, _) = send_with(&credentialed(), &upstream, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-origin"), [APP]);
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some("x-request-id")
    );
}
