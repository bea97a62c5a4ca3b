//! Where the CORS layer goes in an axum app, one test per rule of the
//! README's "Where the layer goes": each builds the right stack, which the
//! browser allows, and the wrong one, which it blocks.

mod common;

use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::extract::Request as AxumRequest;
use axum::handler::Handler;
use axum::http::header::{AUTHORIZATION, LOCATION, WWW_AUTHENTICATE};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use common::*;
use http::{Request, StatusCode};
use http_body_util::Full;
use tower::timeout::TimeoutLayer;
use tower::{BoxError, ServiceBuilder, ServiceExt};
use tower_cors::{CorsBuilder, CorsLayer};

/// The single-page app that calls the API.
const APP: &str = "https://app.example.com";
/// A third-party site that calls the API's public part.
const PARTNER: &str = "https://partner.example";
/// The token the authentication layer accepts.
const TOKEN: &str = "Bearer good";

/// The app's policy: one origin, with credentials.
fn spa_cors() -> CorsLayer {
    CorsBuilder::single_page_app(APP).build().unwrap()
}

/// `/items`: `GET` lists, `PUT` saves.
fn items() -> Router {
    Router::new().route(
        "/items",
        get(|| async { "items" }).put(|| async { "saved" }),
    )
}

/// An authentication layer as apps write it: no valid bearer token, no
/// entry (`401` with `WWW-Authenticate`).
async fn require_token(req: AxumRequest, next: Next) -> AxumResponse {
    match req.headers().get(AUTHORIZATION) {
        Some(value) if value == TOKEN => next.run(req).await,
        _ => (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, "Bearer")]).into_response(),
    }
}

/// A layer that redirects `/items/` to `/items` with `308`.
async fn trim_slash(req: AxumRequest, next: Next) -> AxumResponse {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let target = path.trim_end_matches('/').to_owned();
        return (StatusCode::PERMANENT_REDIRECT, [(LOCATION, target)]).into_response();
    }
    next.run(req).await
}

/// `/slow`: a handler that never answers.
fn slow() -> Router {
    Router::new().route("/slow", get(std::future::pending::<&'static str>))
}

/// Sends `req` to `app` and reads the whole answer.
async fn send(app: &Router, req: Request<Full<Bytes>>) -> Answer {
    collect(app.clone().oneshot(req).await.unwrap()).await
}

/// `http://api.test` + `path`.
fn url(path: &str) -> String {
    format!("http://api.test{path}")
}

/// The browser's preflight for a `method` to `path` from `origin`, asking
/// for the request headers `headers`.
fn preflight_for(
    path: &str,
    origin: &str,
    method: &str,
    headers: Option<&str>,
) -> Request<Full<Bytes>> {
    preflight_to(&url(path), origin, method, headers)
}

/// Rule 1: CORS outside authentication.
// checklist: M1, P1
#[tokio::test]
async fn cors_goes_outside_authentication() {
    let right = items()
        .layer(middleware::from_fn(require_token))
        .layer(spa_cors());
    let wrong = items()
        .layer(spa_cors())
        .layer(middleware::from_fn(require_token));

    // The preflight of a PUT with a token carries no token.
    let ask = || preflight_for("/items", APP, "PUT", Some("authorization"));
    let res = send(&right, ask()).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    let res = send(&wrong, ask()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);

    // An actual request without a valid token.
    let get = || request_to("GET", &url("/items"), &[("origin", APP)]);
    let res = send(&right, get()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    let res = send(&wrong, get()).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

/// Rule 2: CORS outside a timeout and the error handler that answers for it.
// checklist: M1, A8
#[tokio::test]
async fn cors_goes_outside_timeouts_and_error_handlers() {
    // A timeout whose error becomes `408 Request Timeout`, as axum's
    // documentation writes it. The handler never answers, so it fires
    // whatever its length.
    let timeout = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: BoxError| async {
            StatusCode::REQUEST_TIMEOUT
        }))
        .layer(TimeoutLayer::new(Duration::from_millis(5)));
    let right = slow().layer(timeout.clone()).layer(spa_cors());
    let wrong = slow().layer(spa_cors()).layer(timeout);

    let get = || request_to("GET", &url("/slow"), &[("origin", APP)]);
    let res = send(&right, get()).await;
    assert_eq!(res.status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    let res = send(&wrong, get()).await;
    assert_eq!(res.status, StatusCode::REQUEST_TIMEOUT);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

/// Rule 2: CORS outside a layer that redirects.
// checklist: M1, A8
#[tokio::test]
async fn cors_goes_outside_redirects() {
    let right = items()
        .layer(middleware::from_fn(trim_slash))
        .layer(spa_cors());
    let wrong = items()
        .layer(spa_cors())
        .layer(middleware::from_fn(trim_slash));

    let get = || request_to("GET", &url("/items/"), &[("origin", APP)]);
    let res = send(&right, get()).await;
    assert_eq!(res.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.header("location"), Some("/items"));
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    let res = send(&wrong, get()).await;
    assert_eq!(res.status, StatusCode::PERMANENT_REDIRECT);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

/// `/items` with the layer on its method router: only `GET` and `PUT`
/// pass through it.
fn items_with_route_layer() -> Router {
    Router::new().route(
        "/items",
        get(|| async { "items" })
            .put(|| async { "saved" })
            .route_layer(spa_cors()),
    )
}

/// `/items` with the layer on its `PUT` handler alone.
fn items_with_handler_layer() -> Router {
    async fn save() -> &'static str {
        "saved"
    }
    Router::new().route(
        "/items",
        get(|| async { "items" }).put(save.layer(spa_cors())),
    )
}

/// Rule 3: `OPTIONS` must reach the layer: `.layer`, not `.route_layer`.
// checklist: M1, P1
#[tokio::test]
async fn options_must_reach_the_layer() {
    let right = items().layer(spa_cors());
    let wrong = items_with_route_layer();

    let ask = || preflight_for("/items", APP, "PUT", Some("content-type"));
    let res = send(&right, ask()).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    // `/items` has no OPTIONS handler: the method router answers 405 itself.
    for app in [&wrong, &items_with_handler_layer()] {
        let res = send(app, ask()).await;
        assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    }

    // What makes it easy to miss: a simple GET reaches the layer either way.
    for app in [&right, &wrong] {
        let res = send(app, request_to("GET", &url("/items"), &[("origin", APP)])).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    }

    // `Router::route_layer` wraps a matched path's whole method router, its
    // 405 included, but not the paths that match no route: there the
    // browser reports a CORS error instead of the 404.
    let router_wide = items().route_layer(spa_cors());
    let res = send(&router_wide, ask()).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let get = || request_to("GET", &url("/nothing"), &[("origin", APP)]);
    let res = send(&router_wide, get()).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    let res = send(&right, get()).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
}

/// The app under one router-wide policy for the app, with a nested public
/// part under a policy of its own, stacked inside it.
fn stacked() -> Router {
    items()
        .nest("/public", items().layer(CorsLayer::gateway()))
        .layer(spa_cors())
}

/// The same two parts, each with its own layer and none around both.
fn side_by_side() -> Router {
    items()
        .layer(spa_cors())
        .nest("/public", items().layer(CorsLayer::gateway()))
}

/// Rule 4: never two CORS layers stacked.
// checklist: M1, P1, A7
#[tokio::test]
async fn never_two_cors_layers_stacked() {
    let right = side_by_side();
    let wrong = stacked();

    // The partner's PUT to the public part: the outer policy answers the
    // preflight and refuses the partner, whom the inner policy allows.
    let ask = || preflight_for("/public/items", PARTNER, "PUT", Some("content-type"));
    let res = send(&right, ask()).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let res = send(&wrong, ask()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    // Yet the partner's GET is answered by the inner policy.
    let get = || request_to("GET", &url("/public/items"), &[("origin", PARTNER)]);
    for app in [&right, &wrong] {
        let res = send(app, get()).await;
        assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    }

    // The app's credentialed PUT to the public part: the outer policy
    // accepts the preflight with credentials, the inner answers the PUT
    // with `*`, which a credentialed request cannot use.
    let ask = || preflight_for("/public/items", APP, "PUT", Some("content-type"));
    let res = send(&wrong, ask()).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    let put = || {
        request_to(
            "PUT",
            &url("/public/items"),
            &[("origin", APP), ("content-type", "application/json")],
        )
    };
    let res = send(&wrong, put()).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(res.header("access-control-allow-credentials"), None);
    // Side by side, the public policy answers its preflight too: `*`.
    let res = send(&right, ask()).await;
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}
