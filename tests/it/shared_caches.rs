//! What a shared cache needs: a stored response must be right for every
//! later request the cache serves it to. An any-origin policy answers every
//! request alike (no `Origin`, `null` or any other origin), so its answers
//! carry `*` and no `Vary: Origin`; a policy of listed origins varies on
//! `Origin`, even without one; and a preflight answer varies on every
//! request header that decided it.

use crate::common::*;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;
use tower_cors::presets::GATEWAY_EXPOSED_HEADERS;
use tower_cors::{CorsBuilder, CorsLayer, Refusal};

const APP: &str = "https://app.example.com";
const ORIGIN: &str = "origin";
const ACRM: &str = "access-control-request-method";
const ACRH: &str = "access-control-request-headers";
const ACRPN: &str = "access-control-request-private-network";

/// Every `access-control-*` header of `res` with all its values.
fn cors_pairs(res: &Answer) -> Vec<(String, Vec<String>)> {
    res.cors_headers()
        .into_iter()
        .map(|name| {
            let values = res.all(&name).into_iter().map(str::to_owned).collect();
            (name, values)
        })
        .collect()
}

/// The two any-origin policies: a built one and the gateway preset, each
/// with the `Access-Control-Expose-Headers` value it sends.
fn any_origin_policies() -> Vec<(&'static str, CorsLayer, String)> {
    vec![
        (
            "built",
            CorsLayer::builder()
                .allow_any_origin()
                .expose_headers(["x-request-id"])
                .record_decisions(true)
                .build()
                .unwrap(),
            "x-request-id".to_owned(),
        ),
        (
            "gateway",
            CorsBuilder::gateway()
                .record_decisions(true)
                .build()
                .unwrap(),
            GATEWAY_EXPOSED_HEADERS.join(","),
        ),
    ]
}

fn listed() -> CorsLayer {
    CorsLayer::builder().allow_origins([APP]).build().unwrap()
}

// checklist: K1, A5, O3
#[tokio::test]
async fn an_any_origin_policy_answers_a_request_without_origin_like_any_origin() {
    for (name, cors, expose) in any_origin_policies() {
        let (none, seen) = send(&cors, request("GET", &[])).await;
        assert_eq!(seen.calls(), 1, "{name}");
        assert_eq!(
            none.all("access-control-allow-origin"),
            ["*"],
            "{name}: {:?}",
            none.headers
        );
        assert_eq!(
            none.header("access-control-expose-headers"),
            Some(expose.as_str()),
            "{name}"
        );
        assert_eq!(none.header("access-control-allow-credentials"), None);
        assert!(!none.token_set("vary").contains(ORIGIN), "{name}");

        // The same response serves every origin, `null` included.
        for origin in ["https://a.example", "null"] {
            let (res, seen) = send(&cors, get_from(origin)).await;
            assert_eq!(seen.calls(), 1, "{name}, {origin}");
            assert_eq!(
                res.all("access-control-allow-origin"),
                ["*"],
                "{name}, {origin}"
            );
            assert_eq!(cors_pairs(&res), cors_pairs(&none), "{name}, {origin}");
            assert_eq!(
                res.token_set("vary"),
                none.token_set("vary"),
                "{name}, {origin}"
            );
            assert_eq!(res.refusal(), None, "{name}, {origin}");
        }
    }
}

// checklist: O3, P2
#[tokio::test]
async fn an_any_origin_policy_accepts_a_preflight_from_null() {
    // The gateway allows PUT.
    let gateway = CorsBuilder::gateway()
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, seen) = send(&gateway, preflight("null", "PUT", None)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::OK, "{:?}", res.extensions);
    assert_eq!(res.all("access-control-allow-origin"), ["*"]);
    assert!(!res.token_set("vary").contains(ORIGIN));
    assert_eq!(res.refusal(), None);

    // A built any-origin policy, for a method that needs no listing.
    let (_, built, _) = any_origin_policies().swap_remove(0);
    let (res, _) = send(&built, preflight("null", "GET", None)).await;
    assert!(res.status.is_success(), "{}", res.status);
    assert_eq!(res.all("access-control-allow-origin"), ["*"]);
}

// checklist: K1, A7
#[tokio::test]
async fn a_handlers_own_allow_origin_on_a_request_without_origin_is_kept() {
    let upstream = [("access-control-allow-origin", "https://x.example")];
    for (name, cors, _) in any_origin_policies() {
        let (res, seen) = send_with(&cors, &upstream, request("GET", &[])).await;
        assert_eq!(seen.calls(), 1);
        assert_eq!(
            res.all("access-control-allow-origin"),
            ["https://x.example"],
            "{name}"
        );
        assert_eq!(res.header("access-control-allow-credentials"), None);
    }
}

// checklist: A5, A7
#[tokio::test]
async fn a_handlers_own_origin_under_any_origin_varies_by_origin() {
    // The handler chose an origin of its own: a cached copy must not be
    // served to another origin.
    let upstream = [("access-control-allow-origin", APP)];
    for (name, cors, _) in any_origin_policies() {
        let (res, _) = send_with(&cors, &upstream, get_from(APP)).await;
        assert_eq!(res.all("access-control-allow-origin"), [APP], "{name}");
        assert!(res.token_set("vary").contains(ORIGIN), "{name}");
    }
    // Its own `*` needs no `Vary`.
    let upstream = [("access-control-allow-origin", "*")];
    for (name, cors, _) in any_origin_policies() {
        let (res, _) = send_with(&cors, &upstream, get_from(APP)).await;
        assert!(!res.token_set("vary").contains(ORIGIN), "{name}");
    }
}

// checklist: K1, A5
#[tokio::test]
async fn a_listed_policy_answers_a_request_without_origin_with_vary_only() {
    let (res, seen) = send(&listed(), request("GET", &[])).await;
    assert_eq!(seen.calls(), 1);
    assert!(res.token_set("vary").contains(ORIGIN), "{:?}", res.headers);
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

// checklist: O3, P7
#[tokio::test]
async fn a_predicate_that_allows_everything_never_allows_null() {
    for credentials in [false, true] {
        let cors = CorsLayer::builder()
            .allow_origin_predicate(|_, _| true)
            .allow_credentials(credentials)
            .record_decisions(true)
            .build()
            .unwrap();

        // The predicate does decide other origins.
        let (res, _) = send(&cors, get_from("https://a.example")).await;
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some("https://a.example"),
            "credentials: {credentials}"
        );

        let (res, seen) = send(&cors, get_from("null")).await;
        assert_eq!(seen.calls(), 1);
        assert_eq!(
            res.header("access-control-allow-origin"),
            None,
            "credentials: {credentials}"
        );
        assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
        assert_eq!(res.refusal(), Some(&Refusal::NullOriginNotAllowed));

        let (res, seen) = send(&cors, preflight("null", "GET", None)).await;
        assert_eq!(seen.calls(), 0);
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "credentials: {credentials}"
        );
        assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
        assert_eq!(res.refusal(), Some(&Refusal::NullOriginNotAllowed));
    }
}

// checklist: O3
#[tokio::test]
async fn a_listed_null_is_echoed_as_null() {
    let with_predicate = CorsLayer::builder()
        .allow_origin_predicate(|_, _| true)
        .allow_null_origin(true)
        .allow_origins(["null"])
        .build()
        .unwrap();
    let alone = CorsLayer::builder()
        .allow_null_origin(true)
        .allow_origins(["null"])
        .build()
        .unwrap();
    for cors in [with_predicate, alone] {
        let (res, _) = send(&cors, get_from("null")).await;
        assert_eq!(res.all("access-control-allow-origin"), ["null"]);
        assert!(res.token_set("vary").contains(ORIGIN));

        let (res, _) = send(&cors, preflight("null", "GET", None)).await;
        assert!(res.status.is_success(), "{}", res.status);
        assert_eq!(res.all("access-control-allow-origin"), ["null"]);
    }
}

/// Sends each preflight of `cases` (the request and whether it must be
/// accepted) through `cors` and checks that the answer varies on exactly
/// `expected`.
async fn assert_preflight_vary(
    name: &str,
    cors: &CorsLayer,
    cases: Vec<(Request<Full<Bytes>>, bool)>,
    expected: &[&str],
) {
    for (i, (req, accepted)) in cases.into_iter().enumerate() {
        let (res, seen) = send(cors, req).await;
        assert_eq!(seen.calls(), 0);
        if accepted {
            assert!(
                res.status.is_success(),
                "{name} #{i}: {} {:?}",
                res.status,
                res.refusal()
            );
        } else {
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{name} #{i}");
        }
        assert_eq!(
            res.token_set("vary"),
            set(expected),
            "{name} #{i}: {:?}",
            res.all("vary")
        );
    }
}

// checklist: A5, P7, P9
#[tokio::test]
async fn preflight_answers_vary_on_every_request_header_that_decides_them() {
    for private_network in [false, true] {
        let listed = CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods(["PUT"])
            .allow_headers(["x-a"])
            .allow_private_network(private_network)
            .record_decisions(true)
            .build()
            .unwrap();
        let any = CorsLayer::builder()
            .allow_any_origin()
            .allow_methods(["PUT"])
            .allow_headers(["x-a"])
            .allow_private_network(private_network)
            .record_decisions(true)
            .build()
            .unwrap();
        let pna = private_network.then_some("true");

        let mut expected = vec![ORIGIN, ACRM, ACRH];
        if private_network {
            expected.push(ACRPN);
        }
        let cases = vec![
            (pna_preflight(APP, "PUT", Some("x-a"), None), true),
            (pna_preflight(APP, "PUT", None, None), true),
            (pna_preflight(APP, "PUT", Some("x-a"), pna), true),
            // Without the opt-in the question is ignored: nothing to vary on.
            (pna_preflight(APP, "PUT", None, Some("true")), true),
            (
                pna_preflight("https://evil.example", "PUT", Some("x-a"), pna),
                false,
            ),
            (pna_preflight(APP, "DELETE", None, pna), false),
            (pna_preflight(APP, "PUT", Some("x-b"), pna), false),
        ];
        let name = format!("listed, private network: {private_network}");
        assert_preflight_vary(&name, &listed, cases, &expected).await;

        expected.retain(|t| *t != ORIGIN);
        let cases = vec![
            (pna_preflight(APP, "PUT", Some("x-a"), None), true),
            (pna_preflight("https://b.example", "PUT", None, pna), true),
            (pna_preflight(APP, "PUT", None, Some("true")), true),
            (pna_preflight(APP, "DELETE", None, pna), false),
            (pna_preflight(APP, "PUT", Some("x-b"), pna), false),
        ];
        let name = format!("any origin, private network: {private_network}");
        assert_preflight_vary(&name, &any, cases, &expected).await;
    }
}
