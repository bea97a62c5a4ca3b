//! Debug mode: switched at runtime, it names every refusal in
//! `x-cors-refusal`, and answers a preflight whose origin is allowed with
//! enough CORS headers for the browser to name the real cause.

use crate::common::*;
use http::StatusCode;
use tower_cors::CorsLayer;

const APP: &str = "https://app.example.com";
const REFUSAL: &str = "x-cors-refusal";

fn policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["x-custom"])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .unwrap()
}

// checklist: P7
#[tokio::test]
async fn off_by_default_and_switched_at_runtime_for_every_service() {
    let cors = policy();
    let debug = cors.clone();
    assert!(!debug.debug_mode());
    let (res, _) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.header(REFUSAL), None);

    // The same layer, not rebuilt: its services see the switch.
    debug.set_debug_mode(true);
    let (res, _) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(
        res.header(REFUSAL),
        Some("method DELETE not allowed (allow_methods)")
    );

    debug.set_debug_mode(false);
    let (res, _) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.header(REFUSAL), None);
}

// checklist: P3, P7, P8
#[tokio::test]
async fn a_refused_method_is_answered_so_that_the_browser_names_it() {
    let cors = policy();
    cors.set_debug_mode(true);
    let (res, seen) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(seen.calls(), 0);
    // An ok status and an origin that passes the CORS check: the browser
    // goes on to the method, which the policy's list does not name.
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(res.header("access-control-allow-methods"), Some("GET,PUT"));
    assert_eq!(res.header("access-control-max-age"), Some("0"));
}

// checklist: P4, P7
#[tokio::test]
async fn a_refused_header_is_answered_so_that_the_browser_names_it() {
    let cors = policy();
    cors.set_debug_mode(true);
    let (res, _) = send(&cors, preflight(APP, "PUT", Some("x-custom,x-other"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-headers"), Some("x-custom"));
    assert_eq!(
        res.header(REFUSAL),
        Some("request header x-other not allowed (allow_headers)")
    );
}

// checklist: P6
#[tokio::test]
async fn an_echoing_policy_lists_nothing_it_was_not_asked() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .debug(true)
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "PUT", Some("authorization"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-headers"), None);
    assert_eq!(res.header("access-control-allow-methods"), None);
    assert!(res.header(REFUSAL).unwrap().contains("authorization"));
}

// checklist: A4, P7, O3
#[tokio::test]
async fn a_refused_origin_gets_no_cors_header_but_the_reason() {
    let cors = policy();
    cors.set_debug_mode(true);
    let (res, _) = send(&cors, preflight("https://evil.example", "PUT", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    assert_eq!(
        res.header(REFUSAL),
        Some("origin not allowed (allow_origins)")
    );

    let (res, seen) = send(&cors, get_from("null")).await;
    assert_eq!(seen.calls(), 1);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    assert_eq!(
        res.header(REFUSAL),
        Some("origin null not allowed (allow_null_origin)")
    );
}

// checklist: A4, P9
#[tokio::test]
async fn blocked_requests_and_unanswered_questions_are_named() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .block_disallowed_origins(true)
        .debug(true)
        .build()
        .unwrap();
    let (res, seen) = send(&cors, get_from("https://evil.example")).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(
        res.header(REFUSAL),
        Some("origin not allowed (allow_origins)")
    );

    let (res, _) = send(&cors, pna_preflight(APP, "GET", None, Some("true"))).await;
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(
        res.header(REFUSAL),
        Some("private network access not allowed (allow_private_network)")
    );
}

// checklist: K1
#[tokio::test]
async fn allowed_and_same_origin_requests_are_untouched() {
    let cors = policy();
    cors.set_debug_mode(true);
    for req in [
        preflight(APP, "PUT", Some("x-custom")),
        get_from(APP),
        request(
            "POST",
            &[
                ("origin", "https://api.example.com"),
                ("sec-fetch-site", "same-origin"),
            ],
        ),
    ] {
        let (res, _) = send(&cors, req).await;
        assert_eq!(res.header(REFUSAL), None, "{:?}", res.headers);
    }
}

// checklist: P5
#[tokio::test]
async fn hostile_request_bytes_are_escaped_and_bounded() {
    let cors = policy();
    cors.set_debug_mode(true);
    let method = "X".repeat(100_000);
    let (res, _) = send(&cors, preflight(APP, &method, None)).await;
    let value = res.header(REFUSAL).unwrap();
    assert!(value.len() < 150, "{value}");
    assert!(value.contains("(100000 bytes)"), "{value}");
}

/// What the browser tells the developer, before and after switching debug
/// mode on: a refused status, then the real cause.
// checklist: P3, P4
#[tokio::test]
async fn the_browser_names_the_real_cause_in_debug_mode() {
    use axum::routing::put;
    use cors_check::{check, Rule, Stage};

    let cors = policy();
    let debug = cors.clone();
    let app: axum::Router = axum::Router::new()
        .route(
            "/items",
            put(|| async { "saved" }).delete(|| async { "gone" }),
        )
        .layer(cors);

    let delete = || check(&app).from(APP).delete("/items").credentials().run();
    let header = || {
        check(&app)
            .from(APP)
            .put("/items")
            .header("x-other", "1")
            .credentials()
            .run()
    };

    let blocked = delete().await;
    let blocked = blocked.blocked().unwrap();
    assert_eq!(
        blocked.rule(),
        &Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN)
    );

    debug.set_debug_mode(true);
    let outcome = delete().await;
    let blocked = outcome.blocked().unwrap();
    assert_eq!(blocked.stage(), Stage::Preflight);
    assert_eq!(
        blocked.rule(),
        &Rule::MethodNotAllowed {
            method: "DELETE".into()
        }
    );
    assert!(!outcome.actual_sent(), "the browser still refuses it");
    let outcome = header().await;
    assert_eq!(
        outcome.blocked().unwrap().rule(),
        &Rule::HeaderNotAllowed {
            name: "x-other".into()
        }
    );
}

/// Debug mode explains; it never lets through what the policy refuses,
/// whatever the refusal, and leaves nothing in the browser's cache.
// checklist: P6, P7, P8
#[tokio::test]
async fn debug_answers_never_let_a_refused_request_through() {
    use axum::routing::put;
    use cors_check::Browser;

    let policies = [
        (
            false,
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_methods(["PUT"])
                .allow_any_header()
                .debug(true)
                .build()
                .unwrap(),
        ),
        (
            true,
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_any_method()
                .allow_any_header()
                .allow_credentials(true)
                .debug(true)
                .build()
                .unwrap(),
        ),
        (true, policy()),
    ];
    for (credentials, cors) in policies {
        cors.set_debug_mode(true);
        let app: axum::Router = axum::Router::new()
            .route(
                "/items",
                put(|| async { "saved" }).delete(|| async { "gone" }),
            )
            .layer(cors);
        let many: Vec<String> = (0..250)
            .map(|i| format!("x-custom-header-{i:04}"))
            .collect();
        let mut browser = Browser::new();
        let mut blocked = 0;
        for case in 0..5 {
            let fetch = browser.fetch(&app).from(APP);
            let fetch = if credentials {
                fetch.credentials()
            } else {
                fetch
            };
            let fetch = match case {
                0 => many
                    .iter()
                    .fold(fetch.put("/items"), |f, h| f.header(h, "1")),
                1 => fetch.delete("/items").header("x-other", "1"),
                2 => fetch.method("patch", "/items"),
                3 => fetch.put("/items").header("authorization", "Bearer t"),
                _ => fetch.put("/items").header("x-other", "1"),
            };
            let outcome = fetch.run().await;
            let refused_by_layer = outcome
                .exchanges()
                .first()
                .is_some_and(|e| e.headers.contains_key(REFUSAL));
            if refused_by_layer {
                assert!(outcome.is_blocked(), "case {case}: {outcome}");
                let max_age = outcome.exchanges()[0].headers.get("access-control-max-age");
                assert!(max_age.is_none_or(|v| v == "0"), "case {case}: {max_age:?}");
                blocked += 1;
            }
        }
        assert!(blocked >= 2, "the layer refused only {blocked} cases");
    }
}
