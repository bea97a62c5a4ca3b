//! `preflight_passthrough`: the layer decides each preflight and computes
//! its answer's CORS headers, then the inner service answers the `OPTIONS`
//! request and the layer's headers are added to its response, by the
//! policy's precedence, with the preflight's `Vary` merged in. Peers' cases:
//! rs/cors's `OptionsPassthrough`, express's `preflightContinue`.

use std::convert::Infallible;
use std::time::Duration;

use crate::common::*;
use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::Full;
use tower::{service_fn, ServiceExt};
use tower_cors::{CorsBuilder, CorsLayer, Precedence, Refusal, RequestKind};
use tower_layer::Layer;

const APP: &str = "https://app.example.com";

/// The CORS headers and `Vary` of `headers`, sorted, values as sent.
fn cors_and_vary(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-") || *name == "vary")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// The policy of rs/cors's `TestWildcardOriginOptions`: a pattern, an
/// allowed and an exposed header, credentials, private network access,
/// max-age and a preflight status of 202.
fn rs_cors_options(passthrough: bool) -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .allow_headers(["X-Test"])
        .expose_headers(["X-Response"])
        .allow_credentials(true)
        .allow_private_network(true)
        .max_age(Duration::from_secs(60))
        .preflight_status(StatusCode::ACCEPTED)
        .preflight_passthrough(passthrough)
}

fn rs_cors_preflight(origin: &str) -> Request<Full<Bytes>> {
    pna_preflight(origin, "GET", Some("x-test"), Some("true"))
}

// checklist: P1, P2, A6
#[tokio::test]
async fn the_handler_answers_and_the_layers_preflight_headers_are_added() {
    let answered = rs_cors_options(false).build().unwrap();
    let passed = rs_cors_options(true).build().unwrap();
    for (origin, status) in [
        ("https://foo.example.com", StatusCode::ACCEPTED),
        (
            "https://other.com,https://foo.example.com",
            StatusCode::FORBIDDEN,
        ),
    ] {
        // Without pass-through the layer answers and the handler never runs.
        let (own, seen) = send(&answered, rs_cors_preflight(origin)).await;
        assert_eq!(seen.calls(), 0);
        assert_eq!(own.status, status, "{origin}");
        // With it the handler runs, its status and body reach the client,
        // and the CORS headers and `Vary` are the layer's answer's.
        let (res, seen) = send(&passed, rs_cors_preflight(origin)).await;
        assert_eq!(seen.calls(), 1, "{origin}");
        assert_eq!(res.status, StatusCode::OK, "{origin}");
        assert_eq!(res.text(), "inner", "{origin}");
        assert_eq!(
            cors_and_vary(&res.headers),
            cors_and_vary(&own.headers),
            "{origin}"
        );
        // Nothing else of the layer's empty answer.
        assert_eq!(res.header("content-length"), None);
    }
    let (res, _) = send(&passed, rs_cors_preflight("https://foo.example.com")).await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://foo.example.com")
    );
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-allow-private-network"),
        Some("true")
    );
    assert_eq!(res.header("access-control-allow-headers"), Some("X-Test"));
    assert_eq!(res.header("access-control-max-age"), Some("60"));
    // As the layer's own preflight answer (rs/cors leaves it out).
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some("X-Response")
    );
    let (refused, _) = send(&passed, rs_cors_preflight("https://other.com")).await;
    assert!(refused.cors_headers().is_empty());
    assert_eq!(refused.tokens("vary").len(), 4);
}

// rs/cors's `OptionPassthrough` row of `TestSpec`, and express's
// `preflightContinue`: an any-origin policy answers `*`; the handler's
// status and body are kept.
// checklist: P1, A1
#[tokio::test]
async fn any_origin_preflights_pass_through_with_a_star() {
    let cors = CorsLayer::builder()
        .allow_any_origin()
        .allow_methods(["GET", "PUT"])
        .preflight_passthrough(true)
        .build()
        .unwrap();
    let handler = service_fn(|req: Request<Full<Bytes>>| async move {
        assert_eq!(req.method(), "OPTIONS");
        let mut res = Response::new(Full::new(Bytes::from_static(b"options")));
        *res.status_mut() = StatusCode::NO_CONTENT;
        Ok::<_, Infallible>(res)
    });
    let service = cors.layer(handler);
    let res = service
        .oneshot(preflight("http://foobar.com", "PUT", None))
        .await
        .unwrap();
    let res = collect(res).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.text(), "options");
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(res.header("access-control-allow-methods"), Some("GET,PUT"));
    assert_eq!(
        res.tokens("vary"),
        [
            "access-control-request-method",
            "access-control-request-headers"
        ]
    );
}

// A refused preflight reaches the handler without CORS headers (as in
// rs/cors); its status is the handler's, and the browser refuses the
// request. Blocking disallowed origins keeps the layer's refusal for a
// refused origin, as for an actual request.
// checklist: P7, A4
#[tokio::test]
async fn refused_preflights_pass_through_without_cors_headers_unless_blocked() {
    let cors = |block: bool| {
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods(["PUT"])
            .preflight_passthrough(true)
            .block_disallowed_origins(block)
            .record_decisions(true)
            .build()
            .unwrap()
    };
    let upstream = &[("allow", "GET, PUT")][..];
    for (req, why) in [
        (
            preflight("https://evil.example", "PUT", None),
            Refusal::OriginNotAllowed,
        ),
        (
            preflight(APP, "DELETE", None),
            Refusal::MethodNotAllowed(http::Method::DELETE),
        ),
        (
            preflight(APP, "PUT", Some("x-secret")),
            Refusal::HeaderNotAllowed(http::HeaderName::from_static("x-secret")),
        ),
    ] {
        let (res, seen) = send_with(&cors(false), upstream, req).await;
        assert_eq!(seen.calls(), 1, "{why:?}");
        assert_eq!(seen.kind(), Some(RequestKind::Preflight));
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("allow"), Some("GET, PUT"));
        assert!(
            res.cors_headers().is_empty(),
            "{why:?}: {:?}",
            res.cors_headers()
        );
        assert_eq!(res.tokens("vary")[0], "origin");
        assert_eq!(res.refusal(), Some(&why));
    }
    // Blocked: the layer's refusal, the handler never called.
    let (res, seen) = send(&cors(true), preflight("https://evil.example", "PUT", None)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.refusal(), Some(&Refusal::OriginNotAllowed));
    // Blocking is about origins: a refused method still passes through.
    let (res, seen) = send(&cors(true), preflight(APP, "DELETE", None)).await;
    assert_eq!((seen.calls(), res.status), (1, StatusCode::OK));
    // An accepted one tells the handler its kind too.
    let (res, seen) = send(&cors(false), preflight(APP, "PUT", None)).await;
    assert_eq!(seen.kind(), Some(RequestKind::Preflight));
    assert_eq!(res.refusal(), None);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
}

// checklist: A7, A6
#[tokio::test]
async fn the_handlers_cors_headers_win_unless_the_layer_does() {
    let policy = |precedence| {
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods(["PUT"])
            .allow_credentials(true)
            .precedence(precedence)
            .preflight_passthrough(true)
            .build()
            .unwrap()
    };
    // The handler answers another origin: upstream wins, and the layer adds
    // none of its grants next to it.
    let upstream = &[
        ("access-control-allow-origin", "https://other.example"),
        ("vary", "Accept-Encoding, origin"),
    ][..];
    let (res, _) = send_with(
        &policy(Precedence::UpstreamWins),
        upstream,
        preflight(APP, "PUT", None),
    )
    .await;
    assert_eq!(res.cors_headers(), ["access-control-allow-origin"]);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://other.example")
    );
    assert_eq!(
        res.all("vary"),
        ["Accept-Encoding, origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );
    // The handler's own value for a header the layer also sets is kept
    // next to the layer's origin.
    let upstream = &[("access-control-allow-methods", "PUT, PATCH")][..];
    let (res, _) = send_with(
        &policy(Precedence::UpstreamWins),
        upstream,
        preflight(APP, "PUT", None),
    )
    .await;
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("PUT, PATCH")
    );
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    // Layer wins: the handler's CORS headers go, the layer's answer stays.
    let upstream = &[
        ("access-control-allow-origin", "https://other.example"),
        ("access-control-allow-methods", "PATCH"),
        ("access-control-max-age", "999"),
    ][..];
    let (res, _) = send_with(
        &policy(Precedence::LayerWins),
        upstream,
        preflight(APP, "PUT", None),
    )
    .await;
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-methods"), Some("PUT"));
    assert_eq!(res.header("access-control-max-age"), None);
    let (res, _) = send_with(
        &policy(Precedence::LayerWins),
        upstream,
        preflight("https://evil.example", "PUT", None),
    )
    .await;
    assert!(res.cors_headers().is_empty());
}

// checklist: O7, P1
#[tokio::test]
async fn an_asynchronous_decision_is_made_while_the_handler_runs() {
    let cors = CorsLayer::builder()
        .allow_origin_async(|origin, _| async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            origin == "https://tenant.example"
        })
        .allow_methods(["PUT"])
        .allow_headers(["x-tenant"])
        .preflight_passthrough(true)
        .debug(true)
        .build()
        .unwrap();
    let (res, seen) = send(
        &cors,
        preflight("https://tenant.example", "PUT", Some("x-tenant")),
    )
    .await;
    assert_eq!((seen.calls(), res.status), (1, StatusCode::OK));
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://tenant.example")
    );
    assert_eq!(res.header("access-control-allow-headers"), Some("x-tenant"));
    let (res, seen) = send(&cors, preflight("https://evil.example", "PUT", None)).await;
    assert_eq!((seen.calls(), res.status), (1, StatusCode::OK));
    assert!(res.cors_headers().is_empty());
    // Debug mode names the refusal on the handler's response.
    assert!(res
        .header("x-cors-refusal")
        .is_some_and(|why| why.contains("origin")));
    // A method refused after an allowed origin: the same, and no CORS
    // header either (debug mode's lists would come with
    // `Access-Control-Allow-Origin`, which the handler's own lists would
    // then complete).
    let (res, _) = send(&cors, preflight("https://tenant.example", "DELETE", None)).await;
    assert!(res.header("x-cors-refusal").is_some());
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

// checklist: K2, M2
#[tokio::test]
async fn other_requests_and_inner_errors_are_unchanged() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .preflight_passthrough(true)
        .build()
        .unwrap();
    // An OPTIONS without `Access-Control-Request-Method` is no preflight.
    let (res, seen) = send(&cors, request("OPTIONS", &[("origin", APP)])).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-methods"), None);
    // An error of the inner service passes through.
    let failing =
        service_fn(|_: Request<Full<Bytes>>| async { Err::<Response<Full<Bytes>>, _>("down") });
    let err = cors
        .layer(failing)
        .oneshot(preflight(APP, "GET", None))
        .await
        .unwrap_err();
    assert_eq!(err, "down");
}
