//! The opaque origin `null` and `file://`: allowed only by an explicit
//! opt-in, and with credentials only by a second opt-in whose name says it
//! is dangerous (any site can produce `null`, any local file `file://`).

use crate::common::*;
use http::StatusCode;
use tower_cors::{ConfigError, CorsBuilder, CorsLayer};

/// The two origins, each with the builder that lists it behind its plain
/// opt-in.
fn cases() -> [(&'static str, CorsBuilder); 2] {
    [
        (
            "null",
            CorsLayer::builder()
                .allow_null_origin(true)
                .allow_origins(["null"]),
        ),
        (
            "file://",
            CorsLayer::builder()
                .allow_file_origin(true)
                .allow_origins(["file://"]),
        ),
    ]
}

// checklist: O3, C5
#[test]
fn with_credentials_the_plain_opt_in_is_not_enough() {
    for (value, builder) in cases() {
        let err = match builder.allow_credentials(true).build() {
            Ok(_) => panic!("{value}: accepted with credentials"),
            Err(err) => err,
        };
        let expected = ConfigError::NullOrFileOriginWithCredentials {
            value: value.into(),
        };
        assert!(err.errors().contains(&expected), "{value}: {err:?}");
        assert!(expected.to_string().contains(value), "{value}: {expected}");
    }
}

// checklist: O3, C5, A2
#[tokio::test]
async fn the_dangerous_opt_in_allows_them_with_credentials() {
    for (value, builder) in cases() {
        let cors = builder
            .allow_credentials(true)
            .dangerously_allow_null_or_file_origin_with_credentials(true)
            .build()
            .unwrap_or_else(|e| panic!("{value}: {e}"));

        let (res, seen) = send(&cors, get_from(value)).await;
        assert_eq!(seen.calls(), 1);
        assert_eq!(res.all("access-control-allow-origin"), [value]);
        assert_eq!(res.header("access-control-allow-credentials"), Some("true"));

        let (res, _) = send(&cors, preflight(value, "GET", None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{value}");
        assert_eq!(res.all("access-control-allow-origin"), [value]);
        assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    }
}

// checklist: O3, C5
#[tokio::test]
async fn without_credentials_the_plain_opt_in_suffices() {
    for (value, builder) in cases() {
        let cors = builder.build().unwrap_or_else(|e| panic!("{value}: {e}"));
        let (res, _) = send(&cors, get_from(value)).await;
        assert_eq!(res.all("access-control-allow-origin"), [value]);
        assert_eq!(res.header("access-control-allow-credentials"), None);
    }
}
