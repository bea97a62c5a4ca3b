//! Policy validation: `build()` returns every problem, typed; nothing panics.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use http::StatusCode;
use proptest::prelude::*;
use tower_cors::{ConfigError, CorsLayer, HeaderList};

// checklist: C1
#[test]
fn every_problem_is_reported_at_once() {
    let errs = errors(
        CorsLayer::builder()
            .allow_origins([
                "https://ok.example",
                "https://bad.example/",
                "HTTP://x.example",
            ])
            .allow_methods(["GET", "TRACE", "bad method"])
            .allow_headers(["x-ok", "cookie", "bad header"])
            .expose_headers(["set-cookie"])
            .preflight_status(StatusCode::FOUND)
            .refusal_status(StatusCode::OK),
    );
    assert_eq!(errs.len(), 9, "{errs:#?}");
    assert!(
        matches!(&errs[0], ConfigError::InvalidOrigin { value, .. } if value == "https://bad.example/")
    );
    assert!(
        matches!(&errs[1], ConfigError::InvalidOrigin { value, .. } if value == "HTTP://x.example")
    );
    assert_eq!(
        errs[2],
        ConfigError::ForbiddenMethod {
            value: "TRACE".into()
        }
    );
    assert_eq!(
        errs[3],
        ConfigError::InvalidMethod {
            value: "bad method".into()
        }
    );
    assert_eq!(
        errs[4],
        ConfigError::ForbiddenHeaderName {
            value: "cookie".into(),
            list: HeaderList::Allowed
        }
    );
    assert_eq!(
        errs[5],
        ConfigError::InvalidHeaderName {
            value: "bad header".into(),
            list: HeaderList::Allowed
        }
    );
    assert_eq!(
        errs[6],
        ConfigError::ForbiddenHeaderName {
            value: "set-cookie".into(),
            list: HeaderList::Exposed
        }
    );
    assert_eq!(
        errs[7],
        ConfigError::PreflightStatusNotSuccess { status: 302 }
    );
    assert_eq!(errs[8], ConfigError::RefusalStatusNotError { status: 200 });
}

// checklist: C1
#[test]
fn wildcards_are_refused_with_credentials() {
    let errs = errors(
        CorsLayer::builder()
            .allow_any_origin()
            .allow_any_method()
            .allow_any_header()
            .expose_any_header()
            .allow_credentials(true),
    );
    assert_eq!(
        errs,
        [
            // Any method and any header are answered by naming what the
            // preflight asked for, so credentials do not refuse them.
            ConfigError::AnyOriginWithCredentials,
            ConfigError::ExposeAnyHeaderWithCredentials,
        ]
    );
    // The same wildcards without credentials are fine.
    CorsLayer::builder()
        .allow_any_origin()
        .allow_any_method()
        .allow_any_header()
        .expose_any_header()
        .build()
        .unwrap();
}

/// An IPv6 host is brackets around hexadecimal pieces, then nothing or a
/// port; whatever the scheme (browsers parse `[` as IPv6 in any URL).
// checklist: O2
#[test]
fn ipv6_hosts_are_checked_in_any_scheme() {
    for origin in [
        "http://[::1]",
        "http://[::1]:8080",
        "app://[::1]",
        "app://[2001:db8::a:1]:9",
    ] {
        CorsLayer::builder()
            .allow_origins([origin])
            .build()
            .unwrap_or_else(|e| panic!("{origin}: {e}"));
    }
    for origin in [
        "http://[]",
        "http://[::g]",
        "http://[::1]x",
        "app://[]",
        "app://[::g]",
        "app://[::1]x",
        "app://[::1]]",
        "app://[::1",
    ] {
        invalid_origin(origin, "");
    }
}

/// A port is written as browsers send it: decimal digits only, no sign, no
/// leading zero, from 1 to 65535; each refusal says which rule it broke.
// checklist: O2
#[test]
fn ports_are_decimal_and_in_range() {
    for origin in ["http://localhost:1", "http://localhost:65535"] {
        CorsLayer::builder()
            .allow_origins([origin])
            .build()
            .unwrap_or_else(|e| panic!("{origin}: {e}"));
    }
    for (origin, reason) in [
        ("http://localhost:65536", "out of range"),
        ("http://localhost:+8080", "decimal"),
        ("http://localhost:", "decimal"),
        ("http://localhost:80a", "decimal"),
        ("http://localhost:08080", "leading zero"),
        ("http://localhost:0", "port 0"),
    ] {
        invalid_origin(origin, reason);
    }
}

// checklist: C1
#[test]
fn the_problems_can_be_taken_by_value() {
    let err = CorsLayer::builder()
        .allow_origins(["https://x.example/"])
        .allow_methods(["TRACE"])
        .build()
        .unwrap_err();
    let listed = err.errors().to_vec();
    let owned: Vec<ConfigError> = err.into_iter().collect();
    assert_eq!(owned.len(), 2);
    assert_eq!(owned, listed);
}

// checklist: C1
#[test]
fn a_policy_without_origins_is_refused() {
    assert_eq!(errors(CorsLayer::builder()), [ConfigError::NoOrigins]);
    // An invalid origin is reported as such, not as "no origins".
    let errs = errors(CorsLayer::builder().allow_origins(["https://x.example/"]));
    assert_eq!(errs.len(), 1);
    assert!(matches!(errs[0], ConfigError::InvalidOrigin { .. }));
}

// checklist: C1
#[test]
fn messages_name_the_value_and_the_reason() {
    let err = CorsLayer::builder()
        .allow_origins(["https://app.example.com/"])
        .allow_methods(["CONNECT"])
        .build()
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("invalid CORS policy (2 problems): "),
        "{message}"
    );
    assert!(
        message.contains("\"https://app.example.com/\""),
        "{message}"
    );
    assert!(message.contains("trailing slash"), "{message}");
    assert!(message.contains("\"CONNECT\""), "{message}");
    // A `BuildError` goes wherever an error may: checked when this compiles.
    let _: &(dyn std::error::Error + Send + Sync + 'static) = &err;
}

// checklist: C3
#[test]
fn custom_methods_and_schemes_are_accepted() {
    CorsLayer::builder()
        .allow_origins([
            "chrome-extension://abcdefghijklmnop",
            "http://localhost:8080",
        ])
        .allow_methods(["PURGE", "PROPFIND"])
        .build()
        .unwrap();
}

// checklist: C4
#[tokio::test]
async fn the_policy_is_compiled_once_and_shared() {
    // The origin predicate is the only user code the policy runs per
    // request; count how often cloning and serving run it.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let cors = CorsLayer::builder()
        .allow_origin_predicate(move |_, _| {
            counter.fetch_add(1, Ordering::SeqCst);
            true
        })
        .allow_methods(["PUT", "DELETE"])
        .allow_headers(["x-custom"])
        .expose_headers(["x-request-id"])
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap();
    let clones: Vec<CorsLayer> = (0..100).map(|_| cors.clone()).collect();
    assert_eq!(calls.load(Ordering::SeqCst), 0, "cloning runs nothing");
    let mut actual = Vec::new();
    for layer in [&clones[0], &clones[50], &clones[99], &clones[0]] {
        let (res, _) = send(layer, get_from("https://a.example")).await;
        actual.push(res);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 4, "one decision per request");
    let mut preflights = Vec::new();
    for layer in [&clones[0], &clones[50], &clones[99], &clones[0]] {
        let req = preflight("https://a.example", "PUT", Some("x-custom"));
        let (res, _) = send(layer, req).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        preflights.push(res);
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        8,
        "one decision per preflight"
    );

    // The header values of the answers are the compiled policy's own: the
    // bytes of each are the same allocation in every answer, whichever clone
    // of the layer, whichever service it made (`send` makes a new one each
    // time) and whichever request. A policy copied per clone or service, or
    // a value built again per request, would hand out new bytes.
    let shared = |answers: &[Answer], name: &str| {
        let at: Vec<*const u8> = answers
            .iter()
            .map(|res| {
                let value = res.headers.get(name).unwrap_or_else(|| panic!("no {name}"));
                value.as_bytes().as_ptr()
            })
            .collect();
        assert!(at.iter().all(|p| *p == at[0]), "{name} was built again");
    };
    shared(&actual, "access-control-expose-headers");
    for name in [
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
    ] {
        shared(&preflights, name);
    }
}

proptest! {
    // checklist: C1
    #[test]
    fn build_never_panics(
        origins in proptest::collection::vec(".{0,40}", 0..4),
        methods in proptest::collection::vec("[ -~]{0,12}", 0..4),
        headers in proptest::collection::vec("[ -~]{0,20}", 0..4),
        expose in proptest::collection::vec("[ -~]{0,20}", 0..4),
        credentials in any::<bool>(),
        preflight_status in 100u16..600,
        refusal_status in 100u16..600,
    ) {
        let result = CorsLayer::builder()
            .allow_origins(&origins)
            .allow_methods(&methods)
            .allow_headers(&headers)
            .expose_headers(&expose)
            .allow_credentials(credentials)
            .preflight_status(StatusCode::from_u16(preflight_status).unwrap())
            .refusal_status(StatusCode::from_u16(refusal_status).unwrap())
            .build();
        if let Err(err) = result {
            prop_assert!(!err.errors().is_empty());
        }
    }
}
