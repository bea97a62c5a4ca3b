//! Any method and any header with credentials: browsers read `*` literally
//! on credentialed requests, so the layer echoes what the preflight asked
//! for instead (after checking it), never `*`. Any origin and exposing every
//! header cannot be echoed and stay refused.

use crate::common::*;
use http::{header, StatusCode};
use tower_cors::{ConfigError, CorsLayer, Refusal};

const APP: &str = "https://app.example.com";
const PATTERN: &str = "https://*.example.com";
const UNDER_PATTERN: &str = "https://a.example.com";

/// The configured origin and an `Origin` it allows: an exact origin and a
/// pattern.
const ORIGINS: [(&str, &str); 2] = [(APP, APP), (PATTERN, UNDER_PATTERN)];

fn echoing(origin: &str, headers: &[&str]) -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([origin])
        .allow_credentials(true)
        .allow_any_method()
        .allow_headers(headers)
        .record_decisions(true)
        .build()
        .unwrap_or_else(|e| panic!("{origin}: {e}"))
}

// checklist: C2, P3, P4, A2
#[tokio::test]
async fn any_method_and_header_with_credentials_echo_the_request() {
    for (configured, origin) in ORIGINS {
        let cors = CorsLayer::builder()
            .allow_origins([configured])
            .allow_credentials(true)
            .allow_any_method()
            .allow_any_header()
            .record_decisions(true)
            .build()
            .unwrap_or_else(|e| panic!("{configured}: {e}"));
        let (res, seen) = send(&cors, preflight(origin, "PURGE", Some("x-a, X-B"))).await;
        assert_eq!(seen.calls(), 0);
        assert_eq!(
            res.status,
            StatusCode::NO_CONTENT,
            "{configured}: {:?}",
            res.refusal()
        );
        assert_eq!(res.header("access-control-allow-origin"), Some(origin));
        assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
        assert_eq!(res.header("access-control-allow-methods"), Some("PURGE"));
        let allow_headers = res.header("access-control-allow-headers").unwrap();
        assert_eq!(names(allow_headers), set(&["x-a", "x-b"]), "{configured}");
        let vary = vary_tokens(&res);
        for token in [
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
        ] {
            assert!(vary.iter().any(|t| t == token), "{configured}: {vary:?}");
        }

        // A method is echoed as sent: browsers upper-case only the six
        // standard methods, and compare the answer case-sensitively.
        let (res, _) = send(&cors, preflight(origin, "patch", None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert_eq!(res.header("access-control-allow-methods"), Some("patch"));
    }
}

// checklist: P6, C2
#[tokio::test]
async fn echoing_never_covers_authorization_unless_it_is_listed() {
    for (configured, origin) in ORIGINS {
        let any = echoing(configured, &["*"]);
        for asked in ["authorization", "x-a, Authorization"] {
            let (res, _) = send(&any, preflight(origin, "GET", Some(asked))).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{configured}: {asked}");
            assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
            assert_eq!(
                res.refusal(),
                Some(&Refusal::HeaderNotAllowed(header::AUTHORIZATION))
            );
            // Displayed, the reason says what to write instead: `*` never
            // covers `Authorization` (the guide's policy page), so it is
            // listed by name.
            let why = res.refusal().map(ToString::to_string);
            assert!(
                why.as_deref()
                    .is_some_and(|why| why.contains("list it by name")),
                "{why:?}"
            );
        }

        let listed = echoing(configured, &["*", "authorization"]);
        let (res, _) = send(
            &listed,
            preflight(origin, "GET", Some("x-a, Authorization")),
        )
        .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{configured}");
        let allow_headers = res.header("access-control-allow-headers").unwrap();
        assert_eq!(
            names(allow_headers),
            set(&["x-a", "authorization"]),
            "{configured}"
        );
    }
}

// checklist: P4
#[tokio::test]
async fn a_preflight_without_requested_headers_gets_no_allow_headers() {
    for (configured, origin) in ORIGINS {
        let cors = echoing(configured, &["*"]);
        let (res, _) = send(&cors, preflight(origin, "PUT", None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{configured}");
        assert_eq!(res.header("access-control-allow-methods"), Some("PUT"));
        assert_eq!(
            res.header("access-control-allow-headers"),
            None,
            "{configured}"
        );
    }
}

// checklist: C2
#[test]
fn wildcards_that_cannot_be_echoed_are_still_refused_with_credentials() {
    let err = CorsLayer::builder()
        .allow_any_origin()
        .allow_credentials(true)
        .allow_any_method()
        .build()
        .unwrap_err();
    assert_eq!(err.errors(), &[ConfigError::AnyOriginWithCredentials]);

    let err = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .expose_any_header()
        .build()
        .unwrap_err();
    assert_eq!(err.errors(), &[ConfigError::ExposeAnyHeaderWithCredentials]);
}
