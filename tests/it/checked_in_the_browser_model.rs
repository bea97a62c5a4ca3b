//! This crate's policies checked the way a user tests an app: through the
//! browser model (`cors_check`), with the gateway preset, an
//! exact-origin credentialed policy, a handler that sets its own
//! `Access-Control-Allow-Origin`, an axum `Router`, and preflight caching.

use std::convert::Infallible;
use std::time::Duration;

use axum::routing::{get, put};
use axum::Router;
use cors_check::{check, Browser, Engine, Rule, Stage};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use tower::service_fn;
use tower_cors::{CorsLayer, Precedence};
use tower_layer::Layer;

const APP: &str = "https://app.example.com";

/// A handler answering `200` with `X-Request-Id`, `X-Apig-Latency` and
/// `X-Internal`.
fn handler() -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    service_fn(|_: Request<String>| async {
        let mut response = Response::new("ok".to_owned());
        let headers = response.headers_mut();
        headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        headers.insert("x-apig-latency", HeaderValue::from_static("3"));
        headers.insert("x-internal", HeaderValue::from_static("secret"));
        Ok::<_, Infallible>(response)
    })
}

// checklist: P2, P4, A3
#[tokio::test]
async fn gateway_allows_its_listed_headers() {
    let app = CorsLayer::gateway().layer(handler());
    for (method, header, value) in [
        ("PUT", "content-type", "application/json"),
        ("DELETE", "authorization", "Bearer t"),
        ("POST", "x-sdk-date", "20240101T000000Z"),
        ("GET", "x-stage", "RELEASE"),
        ("GET", "range", "bytes=0-1,4-5"),
        ("PATCH", "X-Sdk-Content-Sha256", "abc"),
    ] {
        let outcome = check(&app)
            .body_type::<String>()
            .from(APP)
            .method(method, "/items")
            .header(header, value)
            .run()
            .await;
        assert!(outcome.is_allowed(), "{method} with {header}: {outcome}");
        assert!(outcome.preflight_sent(), "{method} with {header}");
        assert_eq!(outcome.status(), Some(StatusCode::OK));
        assert!(outcome.can_read("x-request-id") && outcome.can_read("X-Apig-Latency"));
        assert!(!outcome.can_read("x-internal"), "not exposed");
    }
}

// checklist: P3, P7, A2
#[tokio::test]
async fn gateway_refuses_other_headers_methods_and_credentials() {
    let app = CorsLayer::gateway().layer(handler());
    for header in ["x-custom", "x-api-key", "if-match"] {
        let outcome = check(&app)
            .body_type::<String>()
            .from(APP)
            .get("/items")
            .header(header, "1")
            .run()
            .await;
        let blocked = outcome.blocked().expect("blocked");
        assert_eq!(blocked.stage(), Stage::Preflight, "{header}");
        assert_eq!(
            blocked.rule(),
            &Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)
        );
        assert!(blocked.fix().contains(header), "{blocked}");
        assert!(!outcome.actual_sent());
    }
    // `patch`: methods are case-sensitive.
    for method in ["patch", "PURGE"] {
        let outcome = check(&app)
            .body_type::<String>()
            .from(APP)
            .method(method, "/items")
            .run()
            .await;
        assert!(outcome.is_blocked(), "{method}: {outcome}");
    }
    let credentials = check(&app)
        .body_type::<String>()
        .from(APP)
        .get("/items")
        .credentials()
        .run()
        .await;
    assert_eq!(
        credentials.blocked().map(|b| b.rule()),
        Some(&Rule::WildcardWithCredentials)
    );
}

/// An exact-origin credentialed policy, as a single-page app uses.
fn exact() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers(["content-type", "authorization"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap()
}

#[tokio::test]
async fn exact_origin_credentialed_policy() {
    let app = exact().layer(handler());
    let outcome = check(&app)
        .body_type::<String>()
        .from(APP)
        .put("/items/1")
        .header("content-type", "application/json")
        .header("authorization", "Bearer t")
        .credentials()
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert!(outcome.can_read("x-request-id"));
    assert!(!outcome.can_read("x-apig-latency"));

    let simple = check(&app)
        .body_type::<String>()
        .from(APP)
        .get("/items")
        .credentials()
        .run()
        .await;
    assert!(simple.is_allowed() && !simple.preflight_sent(), "{simple}");

    for origin in [
        "https://evil.example.com",
        "https://sub.app.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
    ] {
        let put = check(&app)
            .body_type::<String>()
            .from(origin)
            .put("/items/1")
            .credentials()
            .run()
            .await;
        assert_eq!(
            put.blocked().map(|b| (b.stage(), b.rule().clone())),
            Some((
                Stage::Preflight,
                Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)
            )),
            "{origin}"
        );
        let get = check(&app)
            .body_type::<String>()
            .from(origin)
            .get("/items")
            .credentials()
            .run()
            .await;
        assert_eq!(
            get.blocked().map(|b| (b.stage(), b.rule().clone())),
            Some((Stage::Actual, Rule::MissingAllowOrigin)),
            "{origin}"
        );
    }
    let patch = check(&app)
        .body_type::<String>()
        .from(APP)
        .patch("/items/1")
        .credentials()
        .run()
        .await;
    assert!(patch.is_blocked(), "PATCH is not allowed: {patch}");
    let header = check(&app)
        .body_type::<String>()
        .from(APP)
        .put("/items/1")
        .header("x-custom", "1")
        .run()
        .await;
    assert!(header.is_blocked(), "x-custom is not allowed: {header}");
}

/// A handler that sets its own `Access-Control-Allow-Origin` for a partner.
fn partner_handler() -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    service_fn(|_: Request<String>| async {
        let mut response = Response::new(String::new());
        response.headers_mut().insert(
            "access-control-allow-origin",
            HeaderValue::from_static("https://partner.example.com"),
        );
        Ok::<_, Infallible>(response)
    })
}

// checklist: A7
#[tokio::test]
async fn the_handlers_allow_origin_wins() {
    let app = CorsLayer::gateway().layer(partner_handler());
    let partner = check(&app)
        .body_type::<String>()
        .from("https://partner.example.com")
        .get("/")
        .run()
        .await;
    assert!(partner.is_allowed(), "{partner}");
    let other = check(&app)
        .body_type::<String>()
        .from(APP)
        .get("/")
        .run()
        .await;
    assert_eq!(
        other.blocked().map(|b| b.rule()),
        Some(&Rule::AllowOriginMismatch {
            expected: APP.to_owned(),
            got: "https://partner.example.com".to_owned(),
        })
    );
    // The preflight is the layer's alone, the actual response the handler's.
    let put = check(&app)
        .body_type::<String>()
        .from(APP)
        .put("/")
        .run()
        .await;
    assert!(put.preflight_sent());
    assert_eq!(
        put.blocked().map(|b| b.stage()),
        Some(Stage::Actual),
        "{put}"
    );

    let layer_wins = tower_cors::CorsBuilder::gateway()
        .precedence(Precedence::LayerWins)
        .build()
        .unwrap()
        .layer(partner_handler());
    let outcome = check(&layer_wins)
        .body_type::<String>()
        .from(APP)
        .get("/")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
}

// checklist: M1, A1, A2
#[tokio::test]
async fn an_axum_router_with_the_layer() {
    let app: Router = Router::new()
        .route("/items", get(|| async { "items" }))
        .route("/items/{id}", put(|| async { StatusCode::NO_CONTENT }))
        .layer(exact());
    let outcome = check(&app)
        .from(APP)
        .put("/items/7")
        .header("content-type", "application/json")
        .credentials()
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(StatusCode::NO_CONTENT));

    let missing = check(&app)
        .from(APP)
        .get("/nowhere")
        .credentials()
        .run()
        .await;
    assert!(
        missing.is_allowed(),
        "a 404 with CORS headers is readable: {missing}"
    );
    assert_eq!(missing.status(), Some(StatusCode::NOT_FOUND));
    let evil = check(&app)
        .from("https://evil.example")
        .get("/items")
        .run()
        .await;
    assert!(evil.is_blocked(), "{evil}");
}

/// Whether a `PUT /items` from [`APP`] sends a preflight.
async fn preflight_for_put<S>(browser: &mut Browser, app: &S) -> bool
where
    S: tower::Service<Request<String>, Response = Response<tower_cors::CorsBody<String>>> + Clone,
    S::Error: std::fmt::Display,
{
    browser
        .fetch(app)
        .body_type::<String>()
        .from(APP)
        .put("/items")
        .run()
        .await
        .preflight_sent()
}

// checklist: P8
#[tokio::test]
async fn the_gateways_two_days_are_capped_by_the_browser() {
    let app = CorsLayer::gateway().layer(handler());
    // (engine, its cap in seconds): the gateway's 172800 s stand only
    // where no engine caps them.
    let caps = [
        (Engine::Chromium, 7200),
        (Engine::Firefox, 86_400),
        (Engine::WebKit, 600),
        (Engine::Standard, 172_800),
    ];
    for (engine, cap) in caps {
        let mut browser = Browser::new().engine(engine);
        assert!(preflight_for_put(&mut browser, &app).await);
        browser.advance(Duration::from_secs(cap - 1));
        assert!(
            !preflight_for_put(&mut browser, &app).await,
            "{engine}: cached for {cap} s"
        );
        browser.advance(Duration::from_secs(1));
        assert!(
            preflight_for_put(&mut browser, &app).await,
            "{engine}: 172800 s is capped at {cap} s"
        );
    }
}

// checklist: P8
#[tokio::test]
async fn without_max_age_browsers_cache_five_seconds() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .build()
        .unwrap();
    let app = cors.layer(handler());
    let mut browser = Browser::new();
    assert!(preflight_for_put(&mut browser, &app).await);
    browser.advance(Duration::from_secs(4));
    assert!(!preflight_for_put(&mut browser, &app).await);
    browser.advance(Duration::from_secs(1));
    assert!(preflight_for_put(&mut browser, &app).await);
}

/// The exact policy's `Max-Age: 600` keeps a preflight for 600 s, with an
/// entry per allowed method: the answer to the preflight for `PUT` also
/// spares a `DELETE` to the same URL its preflight.
// checklist: P8
#[tokio::test]
async fn a_preflight_is_cached_for_its_max_age_with_an_entry_per_method() {
    let app = exact().layer(handler());
    let mut browser = Browser::new();
    assert!(preflight_for_put(&mut browser, &app).await);
    browser.advance(Duration::from_secs(599));
    assert!(!preflight_for_put(&mut browser, &app).await);
    let delete = browser
        .fetch(&app)
        .body_type::<String>()
        .from(APP)
        .delete("/items")
        .run()
        .await;
    assert!(delete.is_allowed(), "{delete}");
    assert!(
        !delete.preflight_sent(),
        "DELETE was cached with PUT: {delete}"
    );
    browser.advance(Duration::from_secs(1));
    assert!(preflight_for_put(&mut browser, &app).await);

    // With credentials the DELETE has no entry (every entry so far was
    // cached without them): it is preflighted, and the credentialed policy allows it.
    let credentialed = browser
        .fetch(&app)
        .body_type::<String>()
        .from(APP)
        .delete("/items")
        .credentials()
        .run()
        .await;
    assert!(credentialed.is_allowed(), "{credentialed}");
    assert!(credentialed.preflight_sent(), "{credentialed}");
}

/// Browsers tell a same-origin write apart by `Sec-Fetch-Site`, sent to
/// https and loopback URLs: the layer never refuses nor blocks it.
// checklist: K1, A4
#[tokio::test]
async fn same_origin_writes_are_never_blocked() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .block_disallowed_origins(true)
        .build()
        .unwrap();
    let app: Router = Router::new()
        .route("/items", axum::routing::post(|| async { "created" }))
        .layer(cors);
    let outcome = check(&app)
        .from("https://api.example.com")
        .post("https://api.example.com/items")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(StatusCode::OK));
    let sent = outcome.exchanges()[0].request.headers();
    assert_eq!(sent["sec-fetch-site"], "same-origin");
    assert_eq!(sent["origin"], "https://api.example.com");

    // Another site's write is blocked.
    let outcome = check(&app)
        .from("https://evil.example")
        .post("https://api.example.com/items")
        .run()
        .await;
    assert!(outcome.is_blocked(), "{outcome}");
    assert_eq!(
        outcome.exchanges()[0].request.headers()["sec-fetch-site"],
        "cross-site"
    );
    assert_eq!(outcome.exchanges()[0].status, StatusCode::FORBIDDEN);
}

/// After a failure, the browser forgets the preflights of that URL and
/// asks again.
#[tokio::test]
async fn a_failure_clears_the_preflight_cache() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let strip = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&strip);
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    let app: Router = Router::new()
        .route("/items", put(|| async { "saved" }))
        .layer(cors)
        .layer(axum::middleware::map_response(
            move |mut res: axum::response::Response| {
                let strip = flag.load(Ordering::Relaxed);
                async move {
                    if strip {
                        res.headers_mut().remove("access-control-allow-origin");
                    }
                    res
                }
            },
        ));
    let mut browser = Browser::new();
    macro_rules! put_items {
        () => {
            browser.fetch(&app).from(APP).put("/items").run().await
        };
    }
    let first = put_items!();
    assert!(first.is_allowed() && first.preflight_sent(), "{first}");
    strip.store(true, Ordering::Relaxed);
    let second = put_items!();
    assert!(second.is_blocked() && !second.preflight_sent(), "{second}");
    strip.store(false, Ordering::Relaxed);
    let third = put_items!();
    assert!(third.is_allowed(), "{third}");
    assert!(third.preflight_sent(), "the cache was cleared: {third}");
}
