//! Where the CORS layer goes in an axum app, one test per rule of the
//! guide's page on it (`tower_cors::guide::layer_order`). Each builds the
//! right stack and the wrong one and sends both the same `fetch()` through
//! the browser model (`cors_check`): the right stack lets the script read
//! the response, and the wrong one is blocked, for the reason the test
//! names.
//! Where the server's own answer matters (a 401 or a 408 that the script
//! never sees), the tests read it from the model's exchanges.

use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::header::{AUTHORIZATION, LOCATION, WWW_AUTHENTICATE};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cors_check::{check, Fetch, Outcome, Rule, Stage};
use http::StatusCode;
use tower::timeout::TimeoutLayer;
use tower::{BoxError, ServiceBuilder};
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
async fn require_token(req: Request, next: Next) -> Response {
    match req.headers().get(AUTHORIZATION) {
        Some(value) if value == TOKEN => next.run(req).await,
        _ => (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, "Bearer")]).into_response(),
    }
}

/// A layer that redirects `/items/` to `/items` with `308`.
async fn trim_slash(req: Request, next: Next) -> Response {
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

/// A script's `PUT path` of JSON from `origin`: a request that needs a
/// preflight.
fn put_json<'a>(app: &'a Router, origin: &str, path: &str) -> Fetch<'a, Router> {
    check(app)
        .from(origin)
        .put(path)
        .header("content-type", "application/json")
}

/// Asserts that the browser blocked the request at `stage` for `rule`.
fn assert_blocked(outcome: &Outcome, stage: Stage, rule: Rule) {
    let Some(blocked) = outcome.blocked() else {
        panic!("the browser allowed it: {outcome}");
    };
    assert_eq!(blocked.stage(), stage, "{outcome}");
    assert_eq!(blocked.rule(), &rule, "{outcome}");
}

/// Asserts that the script got the response, with `status`.
fn assert_allowed(outcome: &Outcome, status: StatusCode) {
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(status), "{outcome}");
}

/// The status of the server's answer to the `stage` request, whether or not
/// the script may see it.
fn answered(outcome: &Outcome, stage: Stage) -> StatusCode {
    let exchange = outcome.exchanges().iter().find(|e| e.stage == stage);
    exchange.expect("the request was answered").status
}

/// Rule 1: CORS outside authentication.
// checklist: M1, P1, A8
#[tokio::test]
async fn cors_goes_outside_authentication() {
    let right = items()
        .layer(middleware::from_fn(require_token))
        .layer(spa_cors());
    let wrong = items()
        .layer(spa_cors())
        .layer(middleware::from_fn(require_token));

    // The app saves with its token; the preflight carries none.
    let outcome = check(&right)
        .from(APP)
        .put("/items")
        .header("authorization", TOKEN)
        .run()
        .await;
    assert_allowed(&outcome, StatusCode::OK);
    assert!(outcome.preflight_sent());
    let outcome = check(&wrong)
        .from(APP)
        .put("/items")
        .header("authorization", TOKEN)
        .run()
        .await;
    let unauthorized = Rule::PreflightStatusNotOk(StatusCode::UNAUTHORIZED);
    assert_blocked(&outcome, Stage::Preflight, unauthorized);
    let preflight = &outcome.exchanges()[0];
    assert_eq!(preflight.request.headers().get(AUTHORIZATION), None);
    assert!(!outcome.actual_sent(), "the PUT is never sent: {outcome}");

    // The session is over: the right stack lets the script read the 401
    // (and send the user to the login page); the wrong one hides it.
    let outcome = check(&right)
        .from(APP)
        .get("/items")
        .credentials()
        .run()
        .await;
    assert_allowed(&outcome, StatusCode::UNAUTHORIZED);
    let outcome = check(&wrong)
        .from(APP)
        .get("/items")
        .credentials()
        .run()
        .await;
    assert_blocked(&outcome, Stage::Actual, Rule::MissingAllowOrigin);
    assert_eq!(answered(&outcome, Stage::Actual), StatusCode::UNAUTHORIZED);
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

    let outcome = check(&right).from(APP).get("/slow").run().await;
    assert_allowed(&outcome, StatusCode::REQUEST_TIMEOUT);
    let outcome = check(&wrong).from(APP).get("/slow").run().await;
    assert_blocked(&outcome, Stage::Actual, Rule::MissingAllowOrigin);
    assert_eq!(
        answered(&outcome, Stage::Actual),
        StatusCode::REQUEST_TIMEOUT
    );
}

/// Rule 2: CORS outside a layer that redirects.
// checklist: M1, P1, A8
#[tokio::test]
async fn cors_goes_outside_redirects() {
    let right = items()
        .layer(middleware::from_fn(trim_slash))
        .layer(spa_cors());
    let wrong = items()
        .layer(spa_cors())
        .layer(middleware::from_fn(trim_slash));

    // The browser checks the redirect's CORS headers before it follows it.
    let outcome = check(&right).from(APP).get("/items/").run().await;
    assert_allowed(&outcome, StatusCode::OK);
    let statuses: Vec<StatusCode> = outcome.exchanges().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [StatusCode::PERMANENT_REDIRECT, StatusCode::OK]);
    let outcome = check(&wrong).from(APP).get("/items/").run().await;
    assert_blocked(&outcome, Stage::Actual, Rule::MissingAllowOrigin);
    assert_eq!(
        answered(&outcome, Stage::Actual),
        StatusCode::PERMANENT_REDIRECT
    );

    // A preflight is never redirected: its 308 fails it. Outside the
    // redirects, the layer answers it, and the PUT's 308 is followed, with
    // a new preflight for the new URL.
    let outcome = put_json(&right, APP, "/items/").run().await;
    assert_allowed(&outcome, StatusCode::OK);
    let stages: Vec<Stage> = outcome.exchanges().iter().map(|e| e.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Preflight,
            Stage::Actual,
            Stage::Preflight,
            Stage::Actual
        ]
    );
    let outcome = put_json(&wrong, APP, "/items/").run().await;
    let redirected = Rule::PreflightStatusNotOk(StatusCode::PERMANENT_REDIRECT);
    assert_blocked(&outcome, Stage::Preflight, redirected);
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

/// Rule 3: `OPTIONS` must reach the layer: `Router::layer`, not a layer on
/// methods or handlers.
// checklist: M1, P1
#[tokio::test]
async fn options_must_reach_the_layer() {
    let right = items().layer(spa_cors());

    let outcome = put_json(&right, APP, "/items").run().await;
    assert_allowed(&outcome, StatusCode::OK);
    // `/items` has no OPTIONS handler: the method router answers the
    // preflight 405 itself.
    for wrong in [items_with_route_layer(), items_with_handler_layer()] {
        let outcome = put_json(&wrong, APP, "/items").run().await;
        let not_allowed = Rule::PreflightStatusNotOk(StatusCode::METHOD_NOT_ALLOWED);
        assert_blocked(&outcome, Stage::Preflight, not_allowed);
    }

    // What makes it easy to miss: a simple GET is allowed either way.
    for app in [right.clone(), items_with_route_layer()] {
        let outcome = check(&app).from(APP).get("/items").run().await;
        assert_allowed(&outcome, StatusCode::OK);
    }

    // `Router::route_layer` wraps a matched path's whole method router,
    // its 405 included, but not the paths that match no route: the script
    // gets a network error instead of the 404.
    let router_wide = items().route_layer(spa_cors());
    let outcome = put_json(&router_wide, APP, "/items").run().await;
    assert_allowed(&outcome, StatusCode::OK);
    let outcome = check(&router_wide).from(APP).get("/nothing").run().await;
    assert_blocked(&outcome, Stage::Actual, Rule::MissingAllowOrigin);
    assert_eq!(answered(&outcome, Stage::Actual), StatusCode::NOT_FOUND);
    let outcome = check(&right).from(APP).get("/nothing").run().await;
    assert_allowed(&outcome, StatusCode::NOT_FOUND);
}

/// The app under one router-wide policy, with a nested public part under a
/// policy of its own, stacked inside it.
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

    // The partner, whom the public policy allows: its GETs are answered by
    // the inner layer, and allowed either way...
    for app in [&right, &wrong] {
        let outcome = check(app).from(PARTNER).get("/public/items").run().await;
        assert_allowed(&outcome, StatusCode::OK);
    }
    // ... but stacked, its preflights are answered by the outer layer,
    // whose policy does not know the partner.
    let outcome = put_json(&right, PARTNER, "/public/items").run().await;
    assert_allowed(&outcome, StatusCode::OK);
    let outcome = put_json(&wrong, PARTNER, "/public/items").run().await;
    let refused = Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN);
    assert_blocked(&outcome, Stage::Preflight, refused);

    // The app's credentialed PUT to the public part. Stacked, the outer
    // layer accepts the preflight, the PUT runs, and the inner layer's `*`
    // on its response blocks it: the script sees an error for a write
    // that happened.
    let outcome = put_json(&wrong, APP, "/public/items")
        .credentials()
        .run()
        .await;
    assert_blocked(&outcome, Stage::Actual, Rule::WildcardWithCredentials);
    assert_eq!(answered(&outcome, Stage::Preflight), StatusCode::NO_CONTENT);
    assert_eq!(answered(&outcome, Stage::Actual), StatusCode::OK);
    // Side by side, one policy answers both, and refuses at the preflight,
    // before anything runs.
    let outcome = put_json(&right, APP, "/public/items")
        .credentials()
        .run()
        .await;
    assert_blocked(&outcome, Stage::Preflight, Rule::WildcardWithCredentials);
    assert!(!outcome.actual_sent(), "{outcome}");

    // The app's own routes are the outer policy's alone, either way.
    for app in [&right, &wrong] {
        let outcome = put_json(app, APP, "/items").credentials().run().await;
        assert_allowed(&outcome, StatusCode::OK);
    }
}
