//! The preflight cache on the virtual clock: max-age, its default and caps,
//! entries per origin, URL, method and header, credentials kept apart, and
//! entries cleared after a failure.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cors_check::{Browser, Engine, Outcome, Rule, Stage};
use http::{HeaderValue, Request, Response, StatusCode};

use crate::support::{
    failing, fetch_with, header_refused, method_refused, no_content, ok, req, scripted, Answer,
    BoxFuture, ANY, EXACT_CRED, O,
};

/// A server answering preflights with `preflight` (which sets the
/// `Access-Control-Max-Age` under test) and other requests with
/// `Access-Control-Allow-Origin: *`.
fn caching_server(
    preflight: Answer,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = BoxFuture<Result<Response<String>, Infallible>>,
> + Clone {
    scripted(preflight, ok(ANY))
}

async fn put(
    browser: &mut Browser,
    server: &(impl tower::Service<Request<String>, Response = Response<String>, Error = Infallible>
          + Clone),
    header: &'static str,
) -> Outcome {
    fetch_with(browser, server, &req("PUT").to("/items").h(header, "1")).await
}

#[tokio::test]
async fn max_age_is_honoured_on_the_virtual_clock() {
    let server = caching_server(pre!(
        "access-control-allow-origin" => "*",
        "access-control-allow-methods" => "PUT",
        "access-control-allow-headers" => "x-a",
        "access-control-max-age" => "600",
    ));
    let mut browser = Browser::new();
    assert!(put(&mut browser, &server, "x-a").await.preflight_sent());
    assert_eq!(browser.cached_entries(), 2);
    let hit = put(&mut browser, &server, "x-a").await;
    assert!(hit.is_allowed() && !hit.preflight_sent(), "{hit}");
    assert_eq!(hit.exchanges().len(), 1);
    browser.advance(Duration::from_secs(599));
    assert!(!put(&mut browser, &server, "x-a").await.preflight_sent());
    browser.advance(Duration::from_secs(1));
    assert!(
        put(&mut browser, &server, "x-a").await.preflight_sent(),
        "expired at 600 s"
    );
    // A header the cache does not cover needs a preflight, which refuses it.
    let other = put(&mut browser, &server, "x-other").await;
    assert!(other.preflight_sent());
    assert_eq!(
        other.blocked().map(|b| b.rule()),
        Some(&header_refused("x-other"))
    );
    // Another origin has its own entries.
    let elsewhere = fetch_with(
        &mut browser,
        &server,
        &req("PUT")
            .to("/items")
            .from("https://b.example")
            .h("x-a", "1"),
    )
    .await;
    assert!(elsewhere.preflight_sent());
    // Another URL too.
    let url = fetch_with(
        &mut browser,
        &server,
        &req("PUT").to("/other").h("x-a", "1"),
    )
    .await;
    assert!(url.preflight_sent());
}

/// Fetch keys the cache by origin: a second page's preflight for the same
/// URL adds entries of its own, beside the first page's.
#[tokio::test]
async fn each_origin_keeps_entries_of_its_own() {
    let server = caching_server(pre!(
        "access-control-allow-origin" => "*",
        "access-control-allow-methods" => "PUT",
        "access-control-allow-headers" => "x-a",
        "access-control-max-age" => "600",
    ));
    let from = |origin: &'static str| req("PUT").to("/items").from(origin).h("x-a", "1");
    let (a, b) = (from(O), from("https://b.example"));
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &server, &a).await.preflight_sent());
    assert!(fetch_with(&mut browser, &server, &b).await.preflight_sent());
    assert_eq!(browser.cached_entries(), 4);
    for page in [&b, &a] {
        let again = fetch_with(&mut browser, &server, page).await;
        assert!(again.is_allowed() && !again.preflight_sent(), "{again}");
    }
}

#[tokio::test]
async fn default_zero_invalid_and_capped_max_age() {
    let cases: [(Answer, Engine, u64, u64); 7] = [
        // (preflight answer, engine, still cached at, expired at) in seconds
        (any_put_with_age(None), Engine::Standard, 4, 5),
        (any_put_with_age(Some("abc")), Engine::Standard, 4, 5),
        (any_put_with_age(Some("-1")), Engine::Standard, 4, 5),
        // The standard sets no cap; each engine has its own.
        (
            any_put_with_age(Some("172800")),
            Engine::Standard,
            172_799,
            172_800,
        ),
        (
            any_put_with_age(Some("172800")),
            Engine::Chromium,
            7199,
            7200,
        ),
        (
            any_put_with_age(Some("172800")),
            Engine::Firefox,
            86_399,
            86_400,
        ),
        (any_put_with_age(Some("172800")), Engine::WebKit, 599, 600),
    ];
    let put = req("PUT").to("/");
    for (answer, engine, cached, expired) in cases {
        let server = caching_server(answer);
        let mut browser = Browser::new().engine(engine);
        assert!(fetch_with(&mut browser, &server, &put)
            .await
            .preflight_sent());
        browser.advance(Duration::from_secs(cached));
        assert!(
            !fetch_with(&mut browser, &server, &put)
                .await
                .preflight_sent(),
            "{engine}: {answer:?} at {cached}"
        );
        browser.advance(Duration::from_secs(expired - cached));
        assert!(
            fetch_with(&mut browser, &server, &put)
                .await
                .preflight_sent(),
            "{engine}: {answer:?} at {expired}"
        );
    }
    let server = caching_server(any_put_with_age(Some("0")));
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &server, &put)
        .await
        .preflight_sent());
    assert!(
        fetch_with(&mut browser, &server, &put)
            .await
            .preflight_sent(),
        "0 is not cached"
    );
    // A cap of one's own replaces the engine's.
    let server = caching_server(any_put_with_age(Some("172800")));
    let mut cautious = Browser::new()
        .engine(Engine::Firefox)
        .max_age_cap(Duration::from_secs(60));
    assert!(fetch_with(&mut cautious, &server, &put)
        .await
        .preflight_sent());
    cautious.advance(Duration::from_secs(59));
    assert!(!fetch_with(&mut cautious, &server, &put)
        .await
        .preflight_sent());
    cautious.advance(Duration::from_secs(1));
    assert!(fetch_with(&mut cautious, &server, &put)
        .await
        .preflight_sent());
}

fn any_put_with_age(age: Option<&'static str>) -> Answer {
    let headers: &'static [(&'static str, &'static str)] = match age {
        None => &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
        ],
        Some(age) => Box::leak(Box::new([
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", age),
        ])),
    };
    no_content(headers)
}

#[tokio::test]
async fn the_cache_keeps_credentials_apart() {
    let server = caching_server(pre!(
        "access-control-allow-origin" => "https://app.example",
        "access-control-allow-credentials" => "true",
        "access-control-allow-methods" => "PUT, *",
        "access-control-max-age" => "600",
    ));
    let server = {
        let inner = server;
        tower::ServiceBuilder::new()
            .map_response(|mut r: Response<String>| {
                if r.status() == StatusCode::OK {
                    r.headers_mut()
                        .insert("access-control-allow-origin", HeaderValue::from_static(O));
                    r.headers_mut().insert(
                        "access-control-allow-credentials",
                        HeaderValue::from_static("true"),
                    );
                }
                r
            })
            .service(inner)
    };
    let plain_delete = req("DELETE").to("/");
    let cred_put = req("PUT").to("/").cred();
    let cred_delete = req("DELETE").to("/").cred();
    let mut browser = Browser::new();
    // Without credentials, `*` allows DELETE and is cached.
    assert!(fetch_with(&mut browser, &server, &plain_delete)
        .await
        .preflight_sent());
    assert!(!fetch_with(&mut browser, &server, &plain_delete)
        .await
        .preflight_sent());
    // A non-credentialed entry does not serve a credentialed request.
    let first = fetch_with(&mut browser, &server, &cred_put).await;
    assert!(first.is_allowed() && first.preflight_sent(), "{first}");
    // A credentialed entry serves both.
    assert!(!fetch_with(&mut browser, &server, &cred_put)
        .await
        .preflight_sent());
    // `*` is not cached for credentialed requests: DELETE asks again, and is refused.
    let delete = fetch_with(&mut browser, &server, &cred_delete).await;
    assert!(delete.preflight_sent());
    assert_eq!(
        delete.blocked().map(|b| b.rule()),
        Some(&method_refused("DELETE"))
    );
}

#[tokio::test]
async fn a_network_error_clears_the_cache_entries() {
    let good = caching_server(any_put_with_age(Some("600")));
    // The actual request fails after a cached preflight: the next `PUT`
    // asks again.
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
    let failed = fetch_with(&mut browser, &failing(Stage::Actual), &req("PUT")).await;
    assert!(!failed.preflight_sent(), "{failed}");
    assert!(matches!(
        failed.blocked().map(|b| b.rule()),
        Some(Rule::NetworkError(_))
    ));
    assert_eq!(browser.cached_entries(), 0);
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
    // The preflight for a header the cache lacks fails: the entry for `PUT`
    // goes too.
    let mut browser = Browser::new();
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
    let failed = fetch_with(
        &mut browser,
        &failing(Stage::Preflight),
        &req("PUT").h("x-a", "1"),
    )
    .await;
    assert!(failed.preflight_sent(), "{failed}");
    assert!(matches!(
        failed.blocked().map(|b| b.rule()),
        Some(Rule::NetworkError(_))
    ));
    assert_eq!(browser.cached_entries(), 0);
    assert!(fetch_with(&mut browser, &good, &req("PUT"))
        .await
        .preflight_sent());
}

/// One answer to a preflight for `PUT` that lists `PUT` and `DELETE` makes an
/// entry per method: a `DELETE` to the same URL needs no preflight of its
/// own until the entries expire. Entries made without credentials do not
/// serve a request with them.
#[tokio::test]
async fn a_preflight_is_cached_with_an_entry_per_method() {
    let server = scripted(
        pre!(
            "access-control-allow-origin" => "https://app.example",
            "access-control-allow-credentials" => "true",
            "access-control-allow-methods" => "PUT, DELETE",
            "access-control-max-age" => "600",
        ),
        ok(EXACT_CRED),
    );
    let mut browser = Browser::new();
    let put = req("PUT").to("/items");
    let delete = req("DELETE").to("/items");
    assert!(fetch_with(&mut browser, &server, &put)
        .await
        .preflight_sent());
    assert_eq!(browser.cached_entries(), 2);
    browser.advance(Duration::from_secs(599));
    let cached = fetch_with(&mut browser, &server, &delete).await;
    assert!(cached.is_allowed(), "{cached}");
    assert!(
        !cached.preflight_sent(),
        "DELETE was cached with PUT: {cached}"
    );
    browser.advance(Duration::from_secs(1));
    assert!(fetch_with(&mut browser, &server, &put)
        .await
        .preflight_sent());

    // Every entry so far was made without credentials.
    let credentialed = fetch_with(&mut browser, &server, &delete.clone().cred()).await;
    assert!(credentialed.is_allowed(), "{credentialed}");
    assert!(credentialed.preflight_sent(), "{credentialed}");
}

/// A request that needed a preflight and then fails the CORS check of its
/// actual response clears the entries for its origin and URL: the next one
/// is preflighted again.
#[tokio::test]
async fn a_cors_failure_clears_the_cache_entries() {
    let strip = Arc::new(AtomicBool::new(false));
    let switch = Arc::clone(&strip);
    let inner = scripted(
        pre!(
            "access-control-allow-origin" => "*",
            "access-control-allow-methods" => "PUT",
            "access-control-max-age" => "600",
        ),
        ok(ANY),
    );
    // Drops `Access-Control-Allow-Origin` from actual responses while
    // `strip` is set, as a proxy or an error page outside the policy would.
    let server = tower::ServiceBuilder::new()
        .map_response(move |mut response: Response<String>| {
            if switch.load(Ordering::Relaxed) && response.status() == StatusCode::OK {
                response.headers_mut().remove("access-control-allow-origin");
            }
            response
        })
        .service(inner);
    let put = req("PUT").to("/items");
    let mut browser = Browser::new();
    let first = fetch_with(&mut browser, &server, &put).await;
    assert!(first.is_allowed() && first.preflight_sent(), "{first}");
    assert_eq!(browser.cached_entries(), 1);

    strip.store(true, Ordering::Relaxed);
    let second = fetch_with(&mut browser, &server, &put).await;
    assert!(!second.preflight_sent(), "{second}");
    assert_eq!(
        second.blocked().map(|b| (b.stage(), b.rule())),
        Some((Stage::Actual, &Rule::MissingAllowOrigin))
    );
    assert_eq!(browser.cached_entries(), 0);

    strip.store(false, Ordering::Relaxed);
    let third = fetch_with(&mut browser, &server, &put).await;
    assert!(third.is_allowed(), "{third}");
    assert!(third.preflight_sent(), "the cache was cleared: {third}");
}
