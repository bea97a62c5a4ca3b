//! `cross_origin_protection(true)`: one allow-list for CORS and for
//! refusing cross-origin writes and WebSocket upgrades (checklist X1-X4),
//! decided as Go's `CrossOriginProtection` does, and side by side with
//! tower-http's `CsrfLayer` on one table of requests.

use crate::common::*;
use http::StatusCode;
use tower_cors::{ConfigError, CorsLayer, Refusal, RequestKind};

const APP: &str = "https://app.example.com";
/// An origin the policy allows by pattern, which tower-http cannot list.
const PREVIEW: &str = "https://pr-7.preview.example.org";
const EVIL: &str = "https://evil.example";
const HOST: &str = "api.example.com";

fn protected() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP, "https://*.preview.example.org"])
        .allow_credentials(true)
        .cross_origin_protection(true)
        .cross_origin_protection_bypass(["/webhooks", "/tenants/*/callback"])
        .record_decisions(true)
        .build()
        .unwrap()
}

/// tower-http's layer with the policy's exact origins as trusted origins,
/// and the same bypass paths.
fn tower_http() -> tower_http::csrf::CsrfLayer {
    tower_http::csrf::CsrfLayer::new()
        .add_trusted_origin(APP)
        .unwrap()
        .with_insecure_bypass(|_, uri| {
            let path = uri.path();
            path == "/webhooks"
                || path.starts_with("/webhooks/")
                || (path.starts_with("/tenants/")
                    && path.ends_with("/callback")
                    && path.matches('/').count() == 3)
        })
}

/// One row: a request, and whether each layer lets it reach the handler.
struct Case {
    what: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static str)],
    passes: bool,
    /// Where tower-http decides otherwise: why, where Go's
    /// `CrossOriginProtection` stands, and which rule this layer follows.
    tower_http_differs: Option<&'static str>,
}

const fn case(
    what: &'static str,
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static str)],
    passes: bool,
) -> Case {
    Case {
        what,
        method,
        uri,
        headers,
        passes,
        tower_http_differs: None,
    }
}

const CASES: &[Case] = &[
    case("a safe method from anywhere", "GET", "/r", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site")], true),
    case("HEAD from anywhere", "HEAD", "/r", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site")], true),
    case("a preflight from anywhere", "OPTIONS", "/r", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site"), ("access-control-request-method", "PUT")], true),
    case("a same-origin POST", "POST", "/r", &[("host", HOST), ("origin", "https://api.example.com"), ("sec-fetch-site", "same-origin")], true),
    case("the user's own action", "POST", "/r", &[("host", HOST), ("sec-fetch-site", "none")], true),
    case("a cross-site POST from an allowed origin", "POST", "/r", &[("host", HOST), ("origin", APP), ("sec-fetch-site", "cross-site")], true),
    case("a same-site DELETE from an allowed origin", "DELETE", "/r", &[("host", HOST), ("origin", APP), ("sec-fetch-site", "same-site")], true),
    case("a cross-site POST from another origin", "POST", "/r", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site")], false),
    case("a same-site PUT from another origin", "PUT", "/r", &[("host", HOST), ("origin", "https://blog.example.com"), ("sec-fetch-site", "same-site")], false),
    case("a cross-site POST without Origin", "POST", "/r", &[("host", HOST), ("sec-fetch-site", "cross-site")], false),
    case("an old browser's POST from its own host", "POST", "/r", &[("host", HOST), ("origin", "https://api.example.com")], true),
    case("an old browser's POST from another origin", "POST", "/r", &[("host", HOST), ("origin", EVIL)], false),
    case("an old browser's POST from an allowed origin", "POST", "/r", &[("host", HOST), ("origin", APP)], true),
    case("another port is another origin", "POST", "/r", &[("host", "api.example.com:8443"), ("origin", "https://api.example.com")], false),
    case("no browser at all", "POST", "/r", &[("host", HOST)], true),
    case("empty headers count as none", "POST", "/r", &[("host", HOST), ("origin", ""), ("sec-fetch-site", "")], true),
    case("a bypassed prefix", "POST", "/webhooks/stripe", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site")], true),
    case("a bypassed pattern", "POST", "/tenants/42/callback", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site")], true),
    case("a path beside the bypass", "POST", "/webhooksx", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site")], false),
    case("a safe method upgrading to a WebSocket from an allowed origin", "GET", "/ws", &[("host", HOST), ("origin", APP), ("sec-fetch-site", "cross-site"), ("upgrade", "websocket"), ("connection", "upgrade")], true),
    case("a same-origin WebSocket", "GET", "/ws", &[("host", HOST), ("origin", "https://api.example.com"), ("sec-fetch-site", "same-origin"), ("upgrade", "websocket")], true),
    case("a WebSocket without Origin", "GET", "/ws", &[("host", HOST), ("upgrade", "websocket")], true),
    case("a cross-site WebSocket without Origin comes from no browser", "GET", "/ws", &[("host", HOST), ("sec-fetch-site", "cross-site"), ("upgrade", "websocket")], true),
    Case {
        tower_http_differs: Some("browsers open WebSockets with cookies and without CORS (Fetch applies no CORS to them), so an upgrade is state-changing (X4); Go and tower-http check methods only and let every GET pass"),
        ..case("a cross-site WebSocket from another origin", "GET", "/ws", &[("host", HOST), ("origin", EVIL), ("sec-fetch-site", "cross-site"), ("upgrade", "WebSocket")], false)
    },
    Case {
        tower_http_differs: Some("the same, with websocket among the Upgrade header's tokens"),
        ..case("an upgrade naming websocket among others", "GET", "/ws", &[("host", HOST), ("origin", EVIL), ("upgrade", "foo, websocket")], false)
    },
    Case {
        tower_http_differs: Some("the policy allows https://*.preview.example.org; trusted origins are exact strings in Go and in tower-http, so one list cannot serve both there"),
        ..case("a cross-site POST from an origin allowed by pattern", "POST", "/r", &[("host", HOST), ("origin", PREVIEW), ("sec-fetch-site", "cross-site")], true)
    },
    Case {
        tower_http_differs: Some("a request whose URI carries its scheme (HTTP/2, or this absolute-form URI) is compared by Fetch's same origin, scheme included: http://api.example.com is another origin; Go and tower-http compare host and port only and let it pass, relying on HSTS"),
        ..case("an old browser's POST from the same host over another scheme", "POST", "https://api.example.com/r", &[("origin", "http://api.example.com")], false)
    },
];

// checklist: X1, X2, X3, X4
#[tokio::test]
async fn one_table_side_by_side_with_tower_http() {
    for case in CASES {
        let request = || request_to(case.method, case.uri, case.headers);
        let (ours, seen) = send(&protected(), request()).await;
        let protection_refused = matches!(
            ours.refusal(),
            Some(Refusal::CrossOriginRequest(_) | Refusal::CrossOriginWebSocket)
        );
        assert_eq!(
            !protection_refused, case.passes,
            "{}: {:?}",
            case.what, ours.status
        );
        // The layer answers preflights itself (CORS refuses this one); every
        // other request that passes reaches the handler.
        if case.method != "OPTIONS" {
            assert_eq!(seen.calls() == 1, case.passes, "{}", case.what);
        }
        if !case.passes {
            assert_eq!(ours.status, StatusCode::FORBIDDEN, "{}", case.what);
            assert!(
                ours.cors_headers().is_empty(),
                "{}: {:?}",
                case.what,
                ours.headers
            );
        }
        let (theirs, seen) = send_through(&tower_http(), &[], request()).await;
        let tower_http_passes = seen.calls() == 1;
        match case.tower_http_differs {
            None => assert_eq!(
                tower_http_passes, case.passes,
                "{}: tower-http {}",
                case.what, theirs.status
            ),
            Some(why) => assert_ne!(
                tower_http_passes, case.passes,
                "{}: no longer differs ({why})",
                case.what
            ),
        }
    }
}

// checklist: X1
#[tokio::test]
async fn a_refusal_says_why_and_the_handler_is_not_called() {
    let headers = [
        ("host", HOST),
        ("origin", EVIL),
        ("sec-fetch-site", "cross-site"),
    ];
    let (res, seen) = send(&protected(), request_to("DELETE", "/r", &headers)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::CrossOriginRequest(http::Method::DELETE))
    );
    let why = Refusal::CrossOriginRequest(http::Method::DELETE);
    assert_eq!(
        why.to_string(),
        "cross-origin DELETE from an origin not allowed"
    );
    assert_eq!(why.rule(), "cross_origin_protection");
    let upgrade = [("host", HOST), ("origin", EVIL), ("upgrade", "websocket")];
    let (res, _) = send(&protected(), request_to("GET", "/ws", &upgrade)).await;
    assert_eq!(res.refusal(), Some(&Refusal::CrossOriginWebSocket));
    assert_eq!(
        Refusal::CrossOriginWebSocket.rule(),
        "cross_origin_protection"
    );
    // Its own refusal status, as for blocked origins.
    let layer = CorsLayer::builder()
        .allow_origins([APP])
        .cross_origin_protection(true)
        .refusal_status(StatusCode::UNAUTHORIZED)
        .build()
        .unwrap();
    let (res, _) = send(&layer, request_to("POST", "/r", &headers)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // Debug mode names it.
    layer.set_debug_mode(true);
    let (res, _) = send(&layer, request_to("POST", "/r", &headers)).await;
    assert_eq!(
        res.header("x-cors-refusal"),
        Some("cross-origin POST from an origin not allowed (cross_origin_protection)")
    );
}

#[tokio::test]
async fn an_allowed_cross_origin_write_still_gets_its_cors_headers() {
    let headers = [
        ("host", HOST),
        ("origin", APP),
        ("sec-fetch-site", "cross-site"),
    ];
    let (res, seen) = send(&protected(), request_to("POST", "/r", &headers)).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(seen.kind(), Some(RequestKind::Simple));
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
}

#[tokio::test]
async fn without_the_option_nothing_is_refused() {
    let layer = CorsLayer::builder().allow_origins([APP]).build().unwrap();
    let headers = [
        ("host", HOST),
        ("origin", EVIL),
        ("sec-fetch-site", "cross-site"),
    ];
    let (res, seen) = send(&layer, request_to("POST", "/r", &headers)).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.status, StatusCode::OK);
    let upgrade = [("host", HOST), ("origin", EVIL), ("upgrade", "websocket")];
    let (_, seen) = send(&layer, request_to("GET", "/ws", &upgrade)).await;
    assert_eq!(seen.calls(), 1);
}

// checklist: C1
#[test]
fn policies_it_cannot_serve_are_refused_when_built() {
    let any = CorsLayer::builder()
        .allow_any_origin()
        .cross_origin_protection(true);
    assert_eq!(errors(any), [ConfigError::ProtectionWithAnyOrigin]);
    let gateway = tower_cors::CorsBuilder::gateway().cross_origin_protection(true);
    assert_eq!(errors(gateway), [ConfigError::ProtectionWithAnyOrigin]);
    let async_predicate = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_async(|_, _| async { true })
        .cross_origin_protection(true);
    assert_eq!(
        errors(async_predicate),
        [ConfigError::AsyncOriginWithProtection]
    );
    let bad_paths = CorsLayer::builder()
        .allow_origins([APP])
        .cross_origin_protection(true)
        .cross_origin_protection_bypass(["webhooks", "/a/{id}", "/ok"]);
    let bad = errors(bad_paths);
    assert_eq!(bad.len(), 2, "{bad:?}");
    for error in &bad {
        assert!(
            matches!(error, ConfigError::InvalidBypassPath { .. }),
            "{error:?}"
        );
        assert_eq!(error.field(), "cross_origin_protection_bypass");
    }
    assert_eq!(
        ConfigError::ProtectionWithAnyOrigin.field(),
        "cross_origin_protection"
    );
    assert_eq!(
        ConfigError::AsyncOriginWithProtection.field(),
        "cross_origin_protection"
    );
    // Bypass paths are checked even while the protection is off.
    let off = CorsLayer::builder()
        .allow_origins([APP])
        .cross_origin_protection_bypass(["nope"]);
    assert!(matches!(
        &errors(off)[..],
        [ConfigError::InvalidBypassPath { .. }]
    ));
}

// checklist: X1, O3, C2, C5
#[test]
fn listed_origins_are_checked_as_with_credentials() {
    // Forged requests carry cookies whatever the CORS credentials say:
    // `null`, plain http and public-suffix patterns need their opt-ins.
    let protected = |origin: &str| {
        CorsLayer::builder()
            .allow_origins([origin])
            .allow_null_origin(true)
            .cross_origin_protection(true)
    };
    assert_eq!(
        errors(protected("null")),
        [ConfigError::NullOrFileOriginWithCredentials {
            value: "null".into()
        }]
    );
    assert_eq!(
        errors(protected("http://app.example.com")),
        [ConfigError::InsecureOriginWithCredentials {
            value: "http://app.example.com".into()
        }]
    );
    // `*.com` is a public suffix with or without the `psl` feature.
    assert_eq!(
        errors(protected("https://*.com")),
        [ConfigError::PublicSuffixPattern {
            value: "https://*.com".into()
        }]
    );
    let message = ConfigError::NullOrFileOriginWithCredentials {
        value: "null".into(),
    }
    .to_string();
    assert!(message.contains("cross-origin protection"), "{message}");
    // Loopback and the opt-ins are as with credentials.
    assert!(protected("http://localhost:5173").build().is_ok());
    let opted_in = protected("null").dangerously_allow_null_or_file_origin_with_credentials(true);
    assert!(opted_in.build().is_ok());
    // Without the protection nothing changes.
    let plain =
        CorsLayer::builder().allow_origins(["http://app.example.com", "https://*.github.io"]);
    assert!(plain.build().is_ok());
}

#[test]
fn handlers_can_ask_the_same_origin_question() {
    let head = |origin: Option<&str>, path: &str| {
        let mut builder = http::Request::get(path);
        if let Some(origin) = origin {
            builder = builder.header("origin", origin);
        }
        builder.body(()).unwrap().into_parts().0
    };
    let layer = protected();
    assert!(layer.allows_origin(&head(Some(APP), "/ws")));
    assert!(layer.allows_origin(&head(Some(PREVIEW), "/ws")));
    assert!(!layer.allows_origin(&head(Some(EVIL), "/ws")));
    assert!(!layer.allows_origin(&head(None, "/ws")));
    // A predicate decides too, given the request.
    let predicate = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_predicate(|origin, parts| {
            origin == "https://tenant.example" && parts.uri.path() == "/t"
        })
        .build()
        .unwrap();
    assert!(predicate.allows_origin(&head(Some("https://tenant.example"), "/t")));
    assert!(!predicate.allows_origin(&head(Some("https://tenant.example"), "/u")));
    // Only an asynchronous predicate could tell: not allowed, here and now.
    let later = CorsLayer::builder()
        .allow_origins([APP])
        .allow_origin_async(|_, _| async { true })
        .build()
        .unwrap();
    assert!(!later.allows_origin(&head(Some(EVIL), "/")));
    assert!(later.allows_origin(&head(Some(APP), "/")));
    // Per route: the route's policy answers, and a route without one says no.
    let routed = tower_cors::CorsRoutes::new()
        .policy("app", CorsLayer::builder().allow_origins([APP]))
        .bind_prefix("/api", "app")
        .build()
        .unwrap();
    assert!(routed.allows_origin(&head(Some(APP), "/api/items")));
    assert!(!routed.allows_origin(&head(Some(APP), "/other")));
}

/// The attack the option stops, as a browser makes it: another site's page
/// posts a form to the API (a no-cors request, which no CORS rule stops,
/// sent with the user's cookies). With the option the handler never runs.
#[tokio::test]
async fn a_forged_form_post_from_another_site_never_reaches_the_handler() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use axum::routing::post;
    use cors_check::{check, RequestBody};

    for (protect, reaches) in [(false, true), (true, false)] {
        let posts = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&posts);
        let cors = CorsLayer::builder()
            .allow_origins([APP])
            .allow_credentials(true)
            .cross_origin_protection(protect)
            .build()
            .unwrap();
        let app: axum::Router = axum::Router::new()
            .route(
                "/transfer",
                post(move || async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    "sent"
                }),
            )
            .layer(cors);
        let forged = check(&app)
            .from(EVIL)
            .post("https://api.example.com/transfer")
            .body(RequestBody::url_search_params([
                ("to", "mallory"),
                ("amount", "1000"),
            ]))
            .credentials()
            .no_cors()
            .run()
            .await;
        assert!(forged.actual_sent(), "{forged}");
        assert_eq!(
            posts.load(Ordering::SeqCst) == 1,
            reaches,
            "protect {protect}: {forged}"
        );
        // The app's own page still posts, cross-origin, with CORS.
        let own = check(&app)
            .from(APP)
            .post("https://api.example.com/transfer")
            .body(RequestBody::url_search_params([("to", "alice")]))
            .credentials()
            .run()
            .await;
        assert!(own.is_allowed(), "protect {protect}: {own}");
    }
}
