//! Preflight answers: checks of origin, method and headers; accepted and
//! refused answers.

use std::time::Duration;

use crate::common::*;
use http::{HeaderName, Method, StatusCode};
use tower_cors::{CorsLayer, Refusal};

const APP: &str = "https://app.example.com";

fn policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP, "https://admin.example.com"])
        .allow_methods(["PUT", "PATCH", "PURGE"])
        .allow_headers(["Content-Type", "X-Custom"])
        .expose_headers(["X-Request-Id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .record_decisions(true)
        .build()
        .unwrap()
}

// checklist: P1, P2, A2
#[tokio::test]
async fn accepted_preflight_is_answered_by_the_layer() {
    let (res, seen) = send(&policy(), preflight(APP, "PUT", Some("content-type"))).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::NO_CONTENT, "the documented default");
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("PUT,PATCH,PURGE")
    );
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("Content-Type,X-Custom")
    );
    assert_eq!(res.header("access-control-max-age"), Some("600"));
    assert_eq!(res.header("vary"), Some(PREFLIGHT_VARY));
    // 204 has no body and therefore no Content-Length.
    assert_eq!(res.header("content-length"), None);
    assert!(res.body.is_empty());
    assert_eq!(res.refusal(), None);
}

// checklist: P2
#[tokio::test]
async fn the_success_status_is_configurable_and_non_204_sends_content_length_zero() {
    let cors = CorsLayer::builder()
        .allow_any_origin()
        .preflight_status(StatusCode::OK)
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "GET", None)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-length"), Some("0"));
    assert!(res.body.is_empty());
}

// checklist: P7, A4
#[tokio::test]
async fn a_disallowed_origin_is_refused_with_403_and_no_cors_headers() {
    for origin in [
        "https://evil.example",
        "https://app.example.com.evil",
        "null",
        "HTTPS://APP.EXAMPLE.COM",
    ] {
        let (res, seen) = send(&policy(), preflight(origin, "PUT", None)).await;
        assert_eq!(seen.calls(), 0);
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin}");
        assert!(res.cors_headers().is_empty(), "{origin}: {:?}", res.headers);
        assert_eq!(res.header("vary"), Some(PREFLIGHT_VARY));
        assert!(
            refuses_origin(res.refusal()),
            "{origin}: {:?}",
            res.refusal()
        );
        assert!(res.body.is_empty());
    }
}

// checklist: P7
#[tokio::test]
async fn the_refusal_status_is_configurable() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .refusal_status(StatusCode::BAD_REQUEST)
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::MethodNotAllowed(Method::DELETE))
    );
}

// checklist: P3
#[tokio::test]
async fn methods_are_checked_case_sensitively() {
    let allowed = ["PUT", "PATCH", "PURGE", "GET", "HEAD", "POST"];
    for method in allowed {
        let (res, _) = send(&policy(), preflight(APP, method, None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{method}");
    }
    for method in ["patch", "purge", "DELETE", "Put"] {
        let (res, _) = send(&policy(), preflight(APP, method, None)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{method}");
        assert!(res.cors_headers().is_empty());
        assert_eq!(
            res.refusal(),
            Some(&Refusal::MethodNotAllowed(
                Method::from_bytes(method.as_bytes()).unwrap()
            ))
        );
    }
    let (res, _) = send(&policy(), preflight(APP, "P U T", None)).await;
    assert_eq!(res.refusal(), Some(&Refusal::InvalidRequestMethod));
}

// checklist: P3
#[tokio::test]
async fn configured_standard_methods_are_normalized_like_browsers_do() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["put", "delete", "patch"])
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight(APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("PUT,DELETE,patch")
    );
    // `patch` stays lowercase in browsers, so only `patch` matches it.
    let (res, _) = send(&cors, preflight(APP, "PATCH", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (res, _) = send(&cors, preflight(APP, "patch", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);

    // A method listed twice, in either case of a standard method, is
    // named once.
    let twice = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT", "put", "PURGE", "DELETE", "PURGE", "Put"])
        .build()
        .unwrap();
    let (res, _) = send(&twice, preflight(APP, "PUT", None)).await;
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("PUT,PURGE,DELETE")
    );
}

// checklist: P4
#[tokio::test]
async fn requested_headers_are_checked_case_insensitively_across_field_lines() {
    for list in [
        "content-type",
        "Content-Type",
        "CONTENT-TYPE,x-custom",
        "content-type , X-Custom",
        ",, content-type,,\tx-custom ,",
        "",
        " ",
    ] {
        let (res, _) = send(&policy(), preflight(APP, "PUT", Some(list))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{list:?}");
    }
    // Several field lines are one list.
    let req = request(
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-headers", "x-custom"),
        ],
    );
    let (res, _) = send(&policy(), req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let req = request(
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-headers", "x-other"),
        ],
    );
    let (res, _) = send(&policy(), req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::HeaderNotAllowed(HeaderName::from_static(
            "x-other"
        )))
    );
}

// checklist: P4
#[tokio::test]
async fn a_disallowed_or_malformed_header_is_refused() {
    let (res, _) = send(
        &policy(),
        preflight(APP, "PUT", Some("content-type, X-Secret")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty());
    assert_eq!(
        res.refusal(),
        Some(&Refusal::HeaderNotAllowed(HeaderName::from_static(
            "x-secret"
        )))
    );
    for bad in ["content type", "x-custom;", "a\"b"] {
        let (res, _) = send(&policy(), preflight(APP, "PUT", Some(bad))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{bad:?}");
        assert_eq!(res.refusal(), Some(&Refusal::InvalidRequestHeaders));
    }
}

// checklist: P5
#[tokio::test]
async fn request_header_lists_are_read_up_to_4096_bytes() {
    // Correctness only: speed is measured by the benchmarks.
    // Up to 4096 bytes in all, a list is read.
    let commas = ",".repeat(4096);
    let (res, _) = send(&policy(), preflight(APP, "PUT", Some(&commas))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    // 315 names of 12 bytes and 314 commas: 4094 bytes.
    let names = vec!["content-type"; 315].join(",");
    let (res, _) = send(&policy(), preflight(APP, "PUT", Some(&names))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let refused = format!("x-nope,{}", &names[..4096 - "x-nope,".len()]);
    let (res, _) = send(&policy(), preflight(APP, "PUT", Some(&refused))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::HeaderNotAllowed(HeaderName::from_static(
            "x-nope"
        )))
    );
    // Longer lists, on one field line or several, are refused unread.
    for long in [
        ",".repeat(100_000),
        vec!["content-type"; 10_000].join(","),
        format!("{names},xy"),
    ] {
        let (res, _) = send(&policy(), preflight(APP, "PUT", Some(&long))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{} bytes", long.len());
        assert!(res.cors_headers().is_empty());
        assert_eq!(res.refusal(), Some(&Refusal::RequestHeadersTooLong));
    }
    let req = request(
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", &names),
            ("access-control-request-headers", "x-custom"),
        ],
    );
    let (res, _) = send(&policy(), req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.refusal(), Some(&Refusal::RequestHeadersTooLong));
}

/// Empty field lines have no length, but each is read: more than 16 lines
/// are refused unread, as a list too long is. Browsers send one line.
// checklist: P5
#[tokio::test]
async fn request_header_lists_are_read_in_up_to_16_field_lines() {
    let lines = |count: usize, line: &'static str| {
        let mut headers = vec![("origin", APP), ("access-control-request-method", "PUT")];
        headers.extend(std::iter::repeat(("access-control-request-headers", line)).take(count));
        request("OPTIONS", &headers)
    };
    for line in ["", "x-custom", "content-type,x-custom"] {
        let (res, _) = send(&policy(), lines(16, line)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "16 lines of {line:?}");
        for count in [17, 1024] {
            let (res, _) = send(&policy(), lines(count, line)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{count} lines of {line:?}"
            );
            assert!(res.cors_headers().is_empty());
            assert_eq!(res.refusal(), Some(&Refusal::RequestHeadersTooLong));
        }
    }
}

/// The length is checked before any name is read: a list over the limit
/// whose first name is malformed, or not allowed, is refused for its
/// length, which a reader that parsed first could not say.
// checklist: P5
#[tokio::test]
async fn the_length_is_checked_before_any_name_is_read() {
    let cors = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .allow_headers(["x-allowed"])
        .record_decisions(true)
        .build()
        .unwrap();
    let over = |first: &str| format!("{first},{}", ",".repeat(1 << 20));
    for list in [over("bad name"), over("x-not-allowed"), over("x-allowed")] {
        let req = preflight("https://app.example.com", "PUT", Some(&list));
        let (res, _) = send(&cors, req).await;
        assert_eq!(res.refusal(), Some(&Refusal::RequestHeadersTooLong));
    }
}

// checklist: P6
#[tokio::test]
async fn a_header_wildcard_never_covers_authorization() {
    let any = CorsLayer::builder()
        .allow_any_origin()
        .allow_any_header()
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, _) = send(
        &any,
        preflight(APP, "GET", Some("x-anything, content-type")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-headers"), Some("*"));
    let (res, _) = send(
        &any,
        preflight(APP, "GET", Some("x-anything, Authorization")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.refusal(),
        Some(&Refusal::HeaderNotAllowed(HeaderName::from_static(
            "authorization"
        )))
    );

    let with_auth = CorsLayer::builder()
        .allow_any_origin()
        .allow_headers(["*", "Authorization"])
        .build()
        .unwrap();
    let (res, _) = send(
        &with_auth,
        preflight(APP, "GET", Some("x-anything, authorization")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("*,Authorization")
    );
}

// checklist: P8
#[tokio::test]
async fn max_age_is_sent_only_when_configured() {
    let none = CorsLayer::builder().allow_origins([APP]).build().unwrap();
    let (res, _) = send(&none, preflight(APP, "GET", None)).await;
    assert_eq!(res.header("access-control-max-age"), None);
    let zero = CorsLayer::builder()
        .allow_origins([APP])
        .max_age(Duration::ZERO)
        .build()
        .unwrap();
    let (res, _) = send(&zero, preflight(APP, "GET", None)).await;
    assert_eq!(res.header("access-control-max-age"), Some("0"));
    // Whole seconds: fractions are dropped, as documented.
    for (max_age, sent) in [
        (Duration::from_millis(999), "0"),
        (Duration::from_millis(1500), "1"),
    ] {
        let cors = CorsLayer::builder()
            .allow_origins([APP])
            .max_age(max_age)
            .build()
            .unwrap();
        let (res, _) = send(&cors, preflight(APP, "GET", None)).await;
        assert_eq!(
            res.header("access-control-max-age"),
            Some(sent),
            "{max_age:?}"
        );
    }
}

// checklist: A1, A5
#[tokio::test]
async fn an_any_origin_preflight_answers_with_a_wildcard_and_no_vary_on_origin() {
    let any = CorsLayer::builder()
        .allow_any_origin()
        .allow_any_method()
        .build()
        .unwrap();
    let (res, _) = send(&any, preflight(APP, "PURGE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(res.header("access-control-allow-methods"), Some("*"));
    assert_eq!(res.header("vary"), Some(ANY_ORIGIN_PREFLIGHT_VARY));
}

// checklist: O7
#[tokio::test]
async fn a_predicate_can_decide_by_origin_and_request() {
    let cors = CorsLayer::builder()
        .allow_origin_predicate(|origin, parts| {
            origin.as_bytes().starts_with(b"http://localhost:") && parts.uri.path() == "/r"
        })
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight("http://localhost:5173", "GET", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert_eq!(res.header("vary"), Some(PREFLIGHT_VARY));
    let (res, _) = send(&cors, preflight("https://localhost", "GET", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let mut req = preflight("http://localhost:5173", "GET", None);
    *req.uri_mut() = "http://api.example.com/other".parse().unwrap();
    let (res, _) = send(&cors, req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

/// Any header with credentials names the requested headers back: every
/// field line's names, in order, as one list, the empty lines left out.
// checklist: P4
#[tokio::test]
async fn requested_header_lines_are_echoed_as_one_list() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap();
    let mut req = preflight(APP, "PUT", None);
    for line in ["x-one", "", "x-two, x-three", ""] {
        req.headers_mut()
            .append("access-control-request-headers", line.parse().unwrap());
    }
    let (res, _) = send(&cors, req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("x-one,x-two, x-three")
    );
    // One line is named back as it came.
    let (res, _) = send(&cors, preflight(APP, "PUT", Some("X-Four,x-five"))).await;
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("X-Four,x-five")
    );
}
