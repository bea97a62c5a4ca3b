//! Engine profiles: where Chromium, Firefox and WebKit deviate from the
//! Fetch Standard, the model judges as each does and says what the
//! standard would do.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::put;
use axum::Router;
use cors_check::{check, Browser, BrowserRequest, Engine, Rule};

use crate::support::EVERY_ENGINE;

/// A hand-written API: `PUT /items` and its preflight, both answered
/// with the CORS headers `allow`.
fn put_api<const N: usize>(allow: [(&'static str, &'static str); N]) -> Router {
    let headers = move || {
        let mut headers = HeaderMap::new();
        for (name, value) in allow {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers
    };
    Router::new().route(
        "/items",
        put(move || async move { (headers(), "saved") })
            .options(move || async move { (StatusCode::NO_CONTENT, headers()) }),
    )
}

/// An API that answers every preflight with
/// `Access-Control-Allow-Headers: *` and a day of caching.
fn star_headers_api() -> Router {
    put_api([
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-headers", "*"),
        ("access-control-max-age", "86400"),
    ])
}

const APP: &str = "https://app.example.com";

/// Whether a `PUT /items` from `browser` needs a preflight.
async fn preflighted(browser: &mut Browser, api: &Router) -> bool {
    browser
        .fetch(api)
        .from(APP)
        .put("/items")
        .run()
        .await
        .preflight_sent()
}

#[tokio::test]
async fn star_covers_authorization_in_every_engine_but_not_in_the_standard() {
    let api = star_headers_api();
    for engine in EVERY_ENGINE {
        let outcome = check(&api)
            .engine(engine)
            .from(APP)
            .put("/items")
            .header("Authorization", "Bearer t0ken")
            .run()
            .await;
        assert_eq!(outcome.judged_by(), engine);
        assert_eq!(
            outcome.is_allowed(),
            engine.wildcard_covers_authorization(),
            "{outcome}"
        );
        let text = outcome.to_string();
        assert!(
            text.ends_with(&format!("(as {engine} judges it)")),
            "{text}"
        );
        if outcome.is_allowed() {
            // Allowed, and the standard's verdict comes with it.
            let standard = outcome.standard_blocks().expect("the standard's verdict");
            assert_eq!(standard.rule(), &Rule::AuthorizationNotCoveredByWildcard);
            assert!(text.contains("the Fetch Standard blocks it"), "{text}");
            assert!(text.contains("list authorization by name"), "{text}");
        } else {
            let blocked = outcome.blocked().expect("blocked");
            assert_eq!(blocked.rule(), &Rule::AuthorizationNotCoveredByWildcard);
            // The fix names the engines that allow it today, and what to do.
            let fix = blocked.fix();
            assert!(
                fix.contains("Chromium 156, Firefox 153 and WebKit 2.50 let * cover it today"),
                "{fix}"
            );
            assert!(fix.contains("list authorization by name"), "{fix}");
            assert!(outcome.standard_blocks().is_none());
        }
    }
}

#[tokio::test]
async fn a_header_other_than_authorization_is_no_deviation() {
    let api = star_headers_api();
    let outcome = check(&api)
        .engine(Engine::Chromium)
        .from(APP)
        .put("/items")
        .header("x-custom", "1")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert!(outcome.standard_blocks().is_none());
    assert!(!outcome.to_string().contains("Fetch Standard blocks"));
}

#[tokio::test]
async fn with_credentials_star_covers_nothing_in_any_engine() {
    let api = put_api([
        ("access-control-allow-origin", APP),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-headers", "*"),
    ]);
    for engine in Engine::BROWSERS {
        let outcome = check(&api)
            .engine(engine)
            .from(APP)
            .put("/items")
            .credentials()
            .header("Authorization", "Bearer t0ken")
            .run()
            .await;
        assert_eq!(
            outcome.blocked().map(|b| b.rule()),
            Some(&Rule::HeaderNotAllowed {
                name: "authorization".into()
            }),
            "{outcome}"
        );
    }
}

#[tokio::test]
async fn firefox_does_not_reuse_a_preflight_for_an_ip_address_host() {
    let api = star_headers_api();
    for (url, host_is_ip) in [
        ("http://127.0.0.1:8080/items", true),
        ("http://[::1]:8080/items", true),
        ("http://localhost:8080/items", false),
    ] {
        for engine in Engine::BROWSERS {
            let mut browser = Browser::new().engine(engine);
            let mut preflights = 0;
            for _ in 0..2 {
                let outcome = browser.fetch(&api).from(APP).method("PUT", url).run().await;
                assert!(outcome.is_allowed(), "{outcome}");
                preflights += usize::from(outcome.preflight_sent());
            }
            let want = if host_is_ip && engine == Engine::Firefox {
                2
            } else {
                1
            };
            assert_eq!(preflights, want, "{engine}, {url}");
        }
    }
}

#[test]
fn a_request_checked_by_hand_takes_the_engines_rules_and_cap() {
    use http::{HeaderMap, HeaderValue};
    let mut answer = HeaderMap::new();
    answer.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    answer.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("PUT"),
    );
    answer.insert("access-control-max-age", HeaderValue::from_static("172800"));
    let request = BrowserRequest::new(APP, "PUT", "https://api.example.com/items").unwrap();
    assert_eq!(request.judged_by(), Engine::Standard);
    let caps = [
        (Engine::Standard, 172_800),
        (Engine::Chromium, 7200),
        (Engine::Firefox, 86_400),
        (Engine::WebKit, 600),
    ];
    for (engine, seconds) in caps {
        let result = request
            .clone()
            .engine(engine)
            .check_preflight(StatusCode::NO_CONTENT, &answer)
            .unwrap();
        assert_eq!(result.max_age, Duration::from_secs(seconds), "{engine}");
        assert!(result.standard_blocks.is_none());
    }
}

#[test]
fn each_engine_names_itself_and_its_version() {
    let named: Vec<String> = Engine::BROWSERS
        .iter()
        .map(|engine| format!("{engine} {}", engine.checked_version().unwrap_or("?")))
        .collect();
    assert_eq!(named, ["Chromium 156", "Firefox 153", "WebKit 2.50"]);
    assert_eq!(Engine::Standard.to_string(), "the Fetch Standard");
    assert_eq!(Engine::Standard.checked_version(), None);
}

#[tokio::test]
async fn the_engine_is_named_in_every_outcome_even_one_fetch_refuses() {
    let api = star_headers_api();
    let mut browser = Browser::new().engine(Engine::WebKit);
    assert_eq!(browser.judged_by(), Engine::WebKit);
    assert_eq!(Browser::new().judged_by(), Engine::Standard);
    let refused = browser
        .fetch(&api)
        .from(APP)
        .method("TRACK", "/items")
        .run()
        .await;
    assert_eq!(refused.judged_by(), Engine::WebKit, "{refused}");

    // fetch() refuses TRACE before sending anything; the verdict still
    // says whose rules gave it.
    let refused = check(&api)
        .engine(Engine::Firefox)
        .from(APP)
        .method("TRACE", "/items")
        .run()
        .await;
    assert!(
        refused.rejected().is_some() && !refused.actual_sent(),
        "{refused}"
    );
    assert_eq!(refused.judged_by(), Engine::Firefox);
    assert!(
        refused.to_string().ends_with("(as Firefox judges it)"),
        "{refused}"
    );
}

/// Max-ages just over WebKit's and Chromium's caps: 601 s and 7201 s last
/// 600 s in WebKit, their own length in an engine whose cap is longer.
#[tokio::test]
async fn max_ages_just_over_a_cap_are_cut_to_it() {
    fn api(max_age: &'static str) -> Router {
        put_api([
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", max_age),
        ])
    }
    // (max-age, engine, seconds the answer is cached)
    let rows = [
        ("601", Engine::WebKit, 600),
        ("601", Engine::Chromium, 601),
        ("601", Engine::Firefox, 601),
        ("7201", Engine::WebKit, 600),
        ("7201", Engine::Chromium, 7200),
        ("7201", Engine::Firefox, 7201),
        ("7201", Engine::Standard, 7201),
    ];
    for (max_age, engine, cached) in rows {
        let api = api(max_age);
        let mut browser = Browser::new().engine(engine);
        assert!(preflighted(&mut browser, &api).await);
        browser.advance(Duration::from_secs(cached - 1));
        assert!(
            !preflighted(&mut browser, &api).await,
            "{engine}, {max_age}: cached at {}",
            cached - 1
        );
        browser.advance(Duration::from_secs(1));
        assert!(
            preflighted(&mut browser, &api).await,
            "{engine}, {max_age}: expired at {cached}"
        );
    }
}

/// The standard's verdict stays with the outcome when the engine let `*`
/// cover `Authorization` from its cache, and across a redirect's second
/// preflight.
#[tokio::test]
async fn the_standards_verdict_is_kept_from_the_cache_and_across_hops() {
    async fn put(browser: &mut Browser, api: &Router, header: &str) -> cors_check::Outcome {
        let value = if header == "authorization" {
            "Bearer t0ken"
        } else {
            "1"
        };
        browser
            .fetch(api)
            .from(APP)
            .put("/items")
            .header(header, value)
            .run()
            .await
    }
    let api = star_headers_api();
    // Chromium: a cached `*` lets Authorization through, without a
    // preflight, and the standard's verdict comes with it.
    let mut chromium = Browser::new().engine(Engine::Chromium);
    let first = put(&mut chromium, &api, "x-custom").await;
    assert!(
        first.preflight_sent() && first.standard_blocks().is_none(),
        "{first}"
    );
    let cached = put(&mut chromium, &api, "authorization").await;
    assert!(cached.is_allowed() && !cached.preflight_sent(), "{cached}");
    let standard = cached.standard_blocks().expect("the standard's verdict");
    assert_eq!(standard.rule(), &Rule::AuthorizationNotCoveredByWildcard);
    // The standard's browser needs a preflight, whose answer blocks it.
    let mut by_the_standard = Browser::new();
    let _ = put(&mut by_the_standard, &api, "x-custom").await;
    let second = put(&mut by_the_standard, &api, "authorization").await;
    assert!(second.preflight_sent() && second.is_blocked(), "{second}");
    // Listed by name in the cache: no deviation.
    let listed = put_api([
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-headers", "authorization"),
        ("access-control-max-age", "600"),
    ]);
    let mut firefox = Browser::new().engine(Engine::Firefox);
    for _ in 0..2 {
        let outcome = firefox
            .fetch(&listed)
            .from(APP)
            .put("/items")
            .header("authorization", "Bearer t0ken")
            .run()
            .await;
        assert!(
            outcome.is_allowed() && outcome.standard_blocks().is_none(),
            "{outcome}"
        );
    }
}

#[tokio::test]
async fn ones_own_cap_wins_in_either_order() {
    let api = star_headers_api();
    let minute = Duration::from_secs(60);
    for mut browser in [
        Browser::new().max_age_cap(minute).engine(Engine::Chromium),
        Browser::new().engine(Engine::Chromium).max_age_cap(minute),
    ] {
        assert!(preflighted(&mut browser, &api).await);
        browser.advance(minute);
        assert!(
            preflighted(&mut browser, &api).await,
            "expired at 60 s, not at Chromium's 7200 s"
        );
    }
}
