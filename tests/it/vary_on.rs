//! Origin predicates that read other request headers declare them with
//! `vary_on`, and those headers join `Vary` wherever `Origin` does, so that
//! a shared cache keys the answers by them too: preflights and actual
//! responses, allowed and refused, and requests without `Origin`; merged
//! with the inner service's `Vary`, each token once.

use std::time::Duration;

use crate::common::*;
use http::StatusCode;
use tower_cors::{ConfigError, CorsBuilder, CorsLayer};

const ACME: &str = "https://acme.example.com";
const GLOBEX: &str = "https://globex.example.com";

/// Each tenant's own front end, named by the `X-Tenant` header; the
/// tenant header is declared.
fn tenants() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origin_predicate(|origin, parts| {
            let tenant = parts.headers.get("x-tenant").and_then(|t| t.to_str().ok());
            tenant
                .is_some_and(|t| origin.as_bytes() == format!("https://{t}.example.com").as_bytes())
        })
        .vary_on(["X-Tenant"])
        .allow_methods(["PUT"])
        .record_decisions(true)
}

fn with_tenant(
    mut req: http::Request<http_body_util::Full<bytes::Bytes>>,
    tenant: &str,
) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    req.headers_mut()
        .insert("x-tenant", tenant.parse().unwrap());
    req
}

// checklist: A5, A6, O7
#[tokio::test]
async fn the_declared_header_joins_vary_on_every_response() {
    let cors = tenants().build().unwrap();
    // An allowed and a refused actual request: the same origin, another
    // tenant. A cache keyed by `Origin` alone would serve one to the other.
    let (allowed, _) = send(&cors, with_tenant(get_from(ACME), "acme")).await;
    assert_eq!(allowed.header("access-control-allow-origin"), Some(ACME));
    assert_eq!(allowed.header("vary"), Some("Origin, X-Tenant"));
    let (refused, seen) = send(&cors, with_tenant(get_from(ACME), "globex")).await;
    assert_eq!(seen.calls(), 1);
    assert!(refused.cors_headers().is_empty());
    assert_eq!(refused.header("vary"), Some("Origin, X-Tenant"));
    // Without `Origin` too, as `Vary: Origin` is (A5).
    let (plain, _) = send(&cors, request("GET", &[])).await;
    assert_eq!(plain.header("vary"), Some("Origin, X-Tenant"));

    // Preflights, accepted and refused, after the preflight's own headers.
    // (`vary_tokens` lowercases.)
    let preflight_vary = [
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
        "x-tenant",
    ];
    let (accepted, seen) = send(&cors, with_tenant(preflight(GLOBEX, "PUT", None), "globex")).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(accepted.status, StatusCode::NO_CONTENT);
    assert_eq!(accepted.header("access-control-allow-origin"), Some(GLOBEX));
    assert_eq!(vary_tokens(&accepted), preflight_vary);
    let (refused, _) = send(&cors, with_tenant(preflight(GLOBEX, "PUT", None), "acme")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.cors_headers().is_empty());
    assert_eq!(vary_tokens(&refused), preflight_vary);
}

// checklist: A6
#[tokio::test]
async fn the_declared_header_is_merged_with_the_handlers_vary_once() {
    let cors = tenants().build().unwrap();
    // The tokens as sent, each field line folded into one.
    for (upstream, expected) in [
        (&[("vary", "x-tenant")][..], "x-tenant, Origin"),
        (
            &[("vary", "Accept-Encoding")],
            "Accept-Encoding, Origin, X-Tenant",
        ),
        (&[("vary", "origin, X-TENANT")], "origin, X-TENANT"),
        (
            &[("vary", "Accept"), ("vary", "Origin")],
            "Accept, Origin, X-Tenant",
        ),
        (&[("vary", "*")], "*"),
    ] {
        let (res, _) = send_with(&cors, upstream, with_tenant(get_from(ACME), "acme")).await;
        assert_eq!(res.all("vary"), [expected], "{upstream:?}");
        assert_eq!(res.header("access-control-allow-origin"), Some(ACME));
    }
}

// checklist: A6
#[tokio::test]
async fn names_are_sent_once_as_given_after_origin() {
    let cors = tenants()
        .vary_on(["X-Tenant", "authorization", "x-tenant", "ORIGIN"])
        .build()
        .unwrap();
    let (res, _) = send(&cors, get_from(ACME)).await;
    assert_eq!(res.header("vary"), Some("Origin, X-Tenant, authorization"));
    // A later call replaces the names.
    let replaced = tenants()
        .vary_on(["X-Other"])
        .vary_on(Vec::<String>::new())
        .build()
        .unwrap();
    let (res, _) = send(&replaced, get_from(ACME)).await;
    assert_eq!(res.header("vary"), Some("Origin"));
}

// rs/cors's `AllowOriginVaryRequestFuncMatch`: an origin allowed only with
// `Authorization: secret`, whose answer varies on `Authorization`. Before
// `vary_on` a predicate could read the header but the answer said
// `Vary: Origin` only, so a shared cache could serve the allowed answer to
// a request without the secret.
// checklist: O7, A5
#[tokio::test]
async fn rs_cors_vary_request_func() {
    let cors = CorsLayer::builder()
        .allow_origin_async(|origin, parts| {
            let secret = parts
                .headers
                .get("authorization")
                .is_some_and(|v| v == "secret");
            async move { origin.as_bytes().starts_with(b"http://foo") && secret }
        })
        .vary_on(["Authorization"])
        .max_age(Duration::from_secs(10))
        .build()
        .unwrap();
    let req = request(
        "GET",
        &[("origin", "http://foobar.com"), ("authorization", "secret")],
    );
    let (res, _) = send(&cors, req).await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("http://foobar.com")
    );
    assert_eq!(res.header("vary"), Some("Origin, Authorization"));
    let req = request(
        "GET",
        &[
            ("origin", "http://foobar.com"),
            ("authorization", "not-secret"),
        ],
    );
    let (res, _) = send(&cors, req).await;
    assert!(res.cors_headers().is_empty());
    assert_eq!(res.header("vary"), Some("Origin, Authorization"));
}

// checklist: C1
#[test]
fn invalid_names_and_any_origin_are_refused() {
    assert_eq!(
        errors(tenants().vary_on(["x tenant", "*", "x-ok"])),
        [
            ConfigError::InvalidVaryHeader {
                value: "x tenant".into()
            },
            ConfigError::InvalidVaryHeader { value: "*".into() },
        ]
    );
    assert_eq!(
        errors(
            CorsLayer::builder()
                .allow_any_origin()
                .vary_on(["x-tenant"])
        ),
        [ConfigError::VaryOnWithAnyOrigin]
    );
    let err = CorsLayer::builder()
        .allow_origins(["https://a.example"])
        .vary_on(["x:bad"])
        .build()
        .unwrap_err();
    assert_eq!(err.errors()[0].field(), "vary_on");
    assert!(
        err.to_string()
            .contains("vary_on: invalid header name \"x:bad\""),
        "{err}"
    );
}
