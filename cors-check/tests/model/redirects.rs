//! Redirects of the actual request, followed as Fetch's "HTTP-redirect
//! fetch" does: the CORS check on the redirect itself, a new preflight for
//! a new URL, `Origin: null` once a cross-origin request moves on to
//! another origin, method and header changes, and the limit of 20.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use cors_check::{check, Rule, Stage};

use crate::support::EVERY_ENGINE;

const APP: &str = "https://app.example.com";
const API: &str = "https://api.example.com";

/// An API that allows any origin everywhere but `/bare/...`; `/to/<code>/<rest>`
/// answers `<code>` with `Location: <rest>` (`~` standing for `/`), and
/// `/loop` redirects to itself, `/jump/here` to the request's
/// `x-location`. Every answer echoes the request's `Origin`,
/// method and `Content-Type` in `x-seen-*` headers, exposed.
fn api() -> Router {
    Router::new().route("/{*path}", any(answer))
}

async fn answer(request: Request) -> impl IntoResponse {
    let path = request.uri().path().to_owned();
    let seen = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned()
    };
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    };
    if !path.starts_with("/bare") {
        put("access-control-allow-origin", "*".into());
        put("access-control-allow-methods", "PUT, DELETE".into());
        put("access-control-allow-headers", "*".into());
        put("access-control-max-age", "600".into());
        put("access-control-expose-headers", "*".into());
    }
    put("x-seen-origin", seen("origin"));
    put("x-seen-method", request.method().to_string());
    put("x-seen-type", seen("content-type"));
    put("x-seen-authorization", seen("authorization"));
    if request.method() == "OPTIONS" {
        return (StatusCode::NO_CONTENT, headers).into_response();
    }
    let redirect = path
        .strip_prefix("/to/")
        .or_else(|| path.strip_prefix("/bare/to/"))
        .and_then(|rest| rest.split_once('/'));
    if let Some((code, location)) = redirect {
        put("location", location.replace('~', "/"));
        let status = code.parse().ok().and_then(|c| StatusCode::from_u16(c).ok());
        return (status.unwrap_or(StatusCode::FOUND), headers).into_response();
    }
    if path == "/jump/here" {
        put("location", seen("x-location"));
        return (StatusCode::FOUND, headers).into_response();
    }
    if path == "/loop" {
        put("location", "/loop".into());
        return (StatusCode::FOUND, headers).into_response();
    }
    (StatusCode::OK, headers, "done").into_response()
}

#[tokio::test]
async fn a_redirect_the_cors_check_passes_is_followed() {
    let api = api();
    let outcome = check(&api)
        .from(APP)
        .get(&format!("{API}/to/307/~items"))
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let urls: Vec<String> = outcome
        .exchanges()
        .iter()
        .map(|e| e.request.uri().to_string())
        .collect();
    assert_eq!(
        urls,
        [format!("{API}/to/307/~items"), format!("{API}/items")]
    );
    assert_eq!(outcome.exchanges()[1].status, StatusCode::OK);
    assert!(outcome.can_read("x-seen-origin"));
}

#[tokio::test]
async fn a_redirect_without_cors_headers_blocks_the_request() {
    let api = api();
    let outcome = check(&api)
        .from(APP)
        .get(&format!("{API}/bare/to/302/~items"))
        .run()
        .await;
    let blocked = outcome.blocked().expect("blocked");
    assert_eq!(blocked.stage(), Stage::Actual);
    assert_eq!(blocked.rule(), &Rule::MissingAllowOrigin);
    assert_eq!(outcome.exchanges().len(), 1, "the redirect is not followed");
}

#[tokio::test]
async fn moving_on_to_another_origin_taints_the_origin() {
    let api = api();
    // app -> api (cross-origin) -> other: the second hop says Origin: null.
    let outcome = check(&api)
        .from(APP)
        .get(&format!("{API}/to/302/https:~~other.example.com~items"))
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let origins: Vec<_> = outcome
        .exchanges()
        .iter()
        .map(|e| e.request.headers()["origin"].clone())
        .collect();
    assert_eq!(origins, [APP, "null"]);

    // Within the API's origin, the origin stays the page's.
    let outcome = check(&api)
        .from(APP)
        .get(&format!("{API}/to/301/~items"))
        .run()
        .await;
    assert_eq!(outcome.exchanges()[1].request.headers()["origin"], APP);
}

#[tokio::test]
async fn a_preflighted_request_is_preflighted_again_at_its_new_url() {
    let api = api();
    let outcome = check(&api)
        .from(APP)
        .put(&format!("{API}/to/307/~items"))
        .header("x-custom", "1")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let steps: Vec<(Stage, String)> = outcome
        .exchanges()
        .iter()
        .map(|e| {
            (
                e.stage,
                format!("{} {}", e.request.method(), e.request.uri().path()),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (Stage::Preflight, "OPTIONS /to/307/~items".to_owned()),
            (Stage::Actual, "PUT /to/307/~items".to_owned()),
            (Stage::Preflight, "OPTIONS /items".to_owned()),
            (Stage::Actual, "PUT /items".to_owned()),
        ]
    );
}

#[tokio::test]
async fn see_other_turns_the_request_into_a_get_without_its_content_type() {
    let api = api();
    let outcome = check(&api)
        .from(APP)
        .put(&format!("{API}/to/303/~items"))
        .header("content-type", "application/json")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let last = outcome.exchanges().last().expect("an exchange");
    assert_eq!(last.request.method(), "GET");
    assert!(last.request.headers().get("content-type").is_none());
    assert_eq!(last.headers["x-seen-method"], "GET");

    // 307 keeps the method and the headers.
    let outcome = check(&api)
        .from(APP)
        .put(&format!("{API}/to/307/~items"))
        .header("content-type", "application/json")
        .run()
        .await;
    let last = outcome.exchanges().last().expect("an exchange");
    assert_eq!(last.headers["x-seen-method"], "PUT");
    assert_eq!(last.headers["x-seen-type"], "application/json");
}

#[tokio::test]
async fn authorization_stays_behind_at_another_origin() {
    let api = api();
    let outcome = check(&api)
        .from(APP)
        .get(&format!("{API}/to/307/https:~~other.example.com~items"))
        .header("authorization", "Bearer t0ken")
        .engine(cors_check::Engine::Chromium)
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let seen: Vec<_> = outcome
        .exchanges()
        .iter()
        .filter(|e| e.stage == Stage::Actual)
        .map(|e| e.headers["x-seen-authorization"].clone())
        .collect();
    assert_eq!(seen, ["Bearer t0ken", "-"]);
}

#[tokio::test]
async fn redirects_the_browser_does_not_follow() {
    let api = api();
    for (url, why) in [
        (
            format!("{API}/to/302/ftp:~~files.example.com~x"),
            "not an http(s) URL",
        ),
        (
            format!("{API}/to/302/https:~~user:pw@other.example.com~x"),
            "has credentials in it",
        ),
        (format!("{API}/loop"), "browsers follow 20"),
    ] {
        let outcome = check(&api).from(APP).get(&url).run().await;
        let blocked = outcome.blocked().expect("blocked");
        let Rule::RedirectNotFollowed(reason) = blocked.rule() else {
            panic!("{url}: {blocked}");
        };
        assert!(reason.contains(why), "{url}: {reason}");
    }
    let looped = check(&api)
        .from(APP)
        .get(&format!("{API}/loop"))
        .run()
        .await;
    assert_eq!(
        looped.exchanges().len(),
        21,
        "the first request and 20 redirects"
    );
}

#[tokio::test]
async fn a_redirect_without_location_is_the_scripts_response() {
    let api: Router = Router::new().route(
        "/moved",
        any(|| async { (StatusCode::FOUND, [("access-control-allow-origin", "*")]) }),
    );
    let outcome = check(&api).from(APP).get("/moved").run().await;
    assert_eq!(outcome.status(), Some(StatusCode::FOUND), "{outcome}");
}

#[tokio::test]
async fn found_turns_only_a_post_into_a_get() {
    let api = api();
    let last_method = |outcome: &cors_check::Outcome| {
        let last = outcome.exchanges().last().expect("an exchange");
        last.headers["x-seen-method"].clone()
    };
    for (method, status, then) in [
        ("POST", 302, "GET"),
        ("POST", 301, "GET"),
        ("PUT", 302, "PUT"),
        ("PUT", 301, "PUT"),
        ("DELETE", 303, "GET"),
        ("HEAD", 303, "HEAD"),
    ] {
        let outcome = check(&api)
            .from(APP)
            .method(method, &format!("{API}/to/{status}/~items"))
            .run()
            .await;
        assert!(outcome.is_allowed(), "{outcome}");
        assert_eq!(last_method(&outcome), then, "{method} after {status}");
    }
}

#[tokio::test]
async fn a_get_keeps_every_header_but_those_of_the_body() {
    let api = api();
    let outcome = check(&api)
        .from(APP)
        .put(&format!("{API}/to/303/~items"))
        .header("content-type", "application/json")
        .header("content-language", "de")
        .header("x-custom", "1")
        .run()
        .await;
    let last = outcome.exchanges().last().expect("an exchange");
    let headers = last.request.headers();
    assert!(headers.get("content-type").is_none());
    assert!(headers.get("content-language").is_none());
    assert_eq!(headers["x-custom"], "1");
}

#[tokio::test]
async fn locations_resolve_as_a_url_parser_resolves_them() {
    let api = api();
    // `/jump/here` answers 302 with the script's `x-location` as Location.
    for (location, url) in [
        ("/items:1", format!("{API}/items:1")),
        ("/items?q=1#top", format!("{API}/items?q=1")),
        (
            "//other.example.com/x",
            "https://other.example.com/x".to_owned(),
        ),
        ("sibling", format!("{API}/jump/sibling")),
        ("?page=2", format!("{API}/jump/here?page=2")),
        (
            "http://other.example.com/y",
            "http://other.example.com/y".to_owned(),
        ),
        // What a naive resolver gets wrong.
        ("../items", format!("{API}/items")),
        ("/a/./b/../items", format!("{API}/a/items")),
        ("/\\evil.example/x", "https://evil.example/x".to_owned()),
        ("/a b/c", format!("{API}/a%20b/c")),
        ("", format!("{API}/jump/here")),
    ] {
        let outcome = check(&api)
            .from(APP)
            .get(&format!("{API}/jump/here"))
            .header("x-location", location)
            .run()
            .await;
        let urls: Vec<String> = outcome
            .exchanges()
            .iter()
            .filter(|e| e.stage == Stage::Actual)
            .map(|e| e.request.uri().to_string())
            .collect();
        assert_eq!(urls.get(1), Some(&url), "{location}: {outcome}");
    }
}

/// `Sec-Fetch-Site` is taken over every URL of the chain, against the
/// page's own origin, even where `Origin` says `null`.
#[tokio::test]
async fn the_site_of_a_redirected_request_counts_every_url() {
    let api = api();
    let sent = |outcome: &cors_check::Outcome| -> Vec<(String, String)> {
        outcome
            .exchanges()
            .iter()
            .filter(|e| e.stage == Stage::Actual)
            .map(|e| {
                let header = |name: &str| e.request.headers()[name].to_str().unwrap().to_owned();
                (header("origin"), header("sec-fetch-site"))
            })
            .collect()
    };
    let pair = |origin: &str, site: &str| (origin.to_owned(), site.to_owned());
    // app -> api (same site) -> app: the last URL is the page's origin,
    // but the chain went through another origin.
    let outcome = check(&api)
        .from(APP)
        .get(&format!("{API}/to/302/{}", "https:~~app.example.com~x"))
        .run()
        .await;
    assert_eq!(
        sent(&outcome),
        [pair(APP, "same-site"), pair("null", "same-site")]
    );
    // app -> another site -> api: cross-site from the first URL on.
    let outcome = check(&api)
        .from(APP)
        .get("https://other.test/to/307/https:~~api.example.com~x")
        .run()
        .await;
    assert_eq!(
        sent(&outcome),
        [pair(APP, "cross-site"), pair("null", "cross-site")]
    );
}

/// Where the engines deviate on Fetch Metadata after a redirect: Firefox
/// says `cross-site` on a redirected request (not on its preflight), and
/// WebKit sends none once a redirect went to another origin.
#[tokio::test]
async fn fetch_metadata_after_a_redirect_in_each_engine() {
    use cors_check::Engine;
    let api = api();
    let site_of = |e: &cors_check::Exchange| {
        e.request
            .headers()
            .get("sec-fetch-site")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    // app -> api (same site), redirected within api's origin, preflighted.
    for (engine, preflight_site, actual_site) in [
        (Engine::Standard, "same-site", "same-site"),
        (Engine::Chromium, "same-site", "same-site"),
        (Engine::Firefox, "same-site", "cross-site"),
        (Engine::WebKit, "same-site", "same-site"),
    ] {
        let outcome = check(&api)
            .engine(engine)
            .from(APP)
            .put(&format!("{API}/to/307/~items"))
            .header("x-custom", "1")
            .run()
            .await;
        let exchanges = outcome.exchanges();
        assert_eq!(exchanges.len(), 4, "{engine}: {outcome}");
        assert_eq!(
            site_of(&exchanges[2]).as_deref(),
            Some(preflight_site),
            "{engine}"
        );
        assert_eq!(
            site_of(&exchanges[3]).as_deref(),
            Some(actual_site),
            "{engine}"
        );
    }
    // app -> api -> another origin: WebKit sends no Fetch Metadata there.
    for engine in EVERY_ENGINE {
        let outcome = check(&api)
            .engine(engine)
            .from(APP)
            .get(&format!("{API}/to/302/https:~~other.example.org~x"))
            .run()
            .await;
        let last = outcome.exchanges().last().expect("an exchange");
        let sent = last.request.headers();
        let expected = (engine != Engine::WebKit).then_some("cross-site");
        assert_eq!(site_of(last).as_deref(), expected, "{engine}");
        assert_eq!(
            sent.get("sec-fetch-dest").is_some(),
            expected.is_some(),
            "{engine}"
        );
        assert_eq!(sent["origin"], "null", "{engine}");
    }
}

#[tokio::test]
async fn several_locations_are_not_followed() {
    let api: Router = Router::new().route(
        "/twice",
        any(|| async {
            let mut headers = HeaderMap::new();
            headers.insert("access-control-allow-origin", "*".parse().unwrap());
            headers.append("location", "/a".parse().unwrap());
            headers.append("location", "/b".parse().unwrap());
            (StatusCode::FOUND, headers)
        }),
    );
    let outcome = check(&api).from(APP).get("/twice").run().await;
    let Some(Rule::RedirectNotFollowed(why)) = outcome.blocked().map(|b| b.rule()) else {
        panic!("{outcome}");
    };
    assert!(why.contains("several Location"), "{why}");
}

/// Credentials in a Location are refused only where CORS applies: a
/// same-origin request follows them to its own origin.
#[tokio::test]
async fn credentials_in_a_location_of_the_pages_own_origin_are_followed() {
    let api = api();
    let same_origin = check(&api)
        .from(API)
        .get(&format!(
            "{API}/to/302/https:~~user:pw@api.example.com~items"
        ))
        .run()
        .await;
    assert!(same_origin.is_allowed(), "{same_origin}");
    let last = same_origin.exchanges().last().unwrap();
    assert_eq!(last.request.uri().to_string(), format!("{API}/items"));

    // Refused: a cross-origin request (even back to the page's origin, or
    // with a password alone), and a same-origin one sent to another origin.
    for (page, location) in [
        (APP, "https:~~user:pw@api.example.com~items"),
        (APP, "https:~~:pw@api.example.com~items"),
        (APP, "https:~~user:pw@app.example.com~x"),
        (API, "https:~~user:pw@other.example.com~x"),
    ] {
        let outcome = check(&api)
            .from(page)
            .get(&format!("{API}/to/302/{location}"))
            .run()
            .await;
        assert_eq!(
            outcome.blocked().map(|b| b.rule().name()),
            Some("redirect-not-followed"),
            "{page} {location}: {outcome}"
        );
    }
    // A no-cors request follows them anywhere: no CORS applies.
    let no_cors = check(&api)
        .from(APP)
        .get(&format!("{API}/to/302/https:~~user:pw@other.example.com~x"))
        .no_cors()
        .run()
        .await;
    assert!(
        no_cors.is_opaque() && no_cors.exchanges().len() == 2,
        "{no_cors}"
    );
}

/// A request that needed a preflight and failed after a redirect clears
/// the cache entries of the URL where it failed, not of the first one.
#[tokio::test]
async fn a_failure_after_a_redirect_clears_the_entries_of_the_last_url() {
    let api = api();
    let mut browser = cors_check::Browser::new();
    // Cache entries for /items (a day) by a PUT there.
    let direct = browser
        .fetch(&api)
        .from(APP)
        .put(&format!("{API}/items"))
        .header("x-custom", "1")
        .run()
        .await;
    assert!(direct.is_allowed(), "{direct}");
    let entries = browser.cached_entries();
    assert!(entries > 0);
    // A PUT to /to/307/~bare~x: its own preflight passes, the redirect to
    // /bare/x is preflighted and refused there (no CORS headers).
    let redirected = browser
        .fetch(&api)
        .from(APP)
        .put(&format!("{API}/to/307/~bare~x"))
        .header("x-custom", "1")
        .run()
        .await;
    assert!(redirected.is_blocked(), "{redirected}");
    // /items's entries and the first hop's are still there.
    assert!(
        browser.cached_entries() >= entries + 2,
        "{}",
        browser.cached_entries()
    );
}
