//! The header values a policy renders from its own lists (methods, allowed
//! and exposed headers, max-age, `Vary`) are the process's one copy of
//! their bytes: two policies with the same lists, a policy rebuilt from its
//! configuration, and a policy reloaded with the same lists answer with
//! values at the same address, which answers copy without a reference
//! count. Past the bound on what the process keeps, values are still
//! right.
//!
//! A binary of its own: what the process keeps is shared by every test in
//! it, and the other suites build enough policies to fill the bound (the
//! property tests with many cases), after which no address could be
//! compared.

#[path = "it/common.rs"]
#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::*;
use http::{HeaderMap, StatusCode};
use tower_cors::{CorsBuilder, CorsLayer};

const APP: &str = "https://app.example.com";

/// Lists of names no other test uses, so that the first policy built here
/// renders values nobody rendered before.
fn policy() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origin_predicate(|origin, _| origin.as_bytes() == APP.as_bytes())
        .vary_on(["X-Rendered-Tenant"])
        .allow_methods(["PUT", "X-RENDERED"])
        .allow_headers(["x-rendered-a", "x-rendered-b"])
        .expose_headers(["x-rendered-c"])
        .max_age(Duration::from_secs(5432))
}

/// The names of the values rendered from the policy's lists, in a
/// preflight's answer and in an actual response.
const PREFLIGHT: [&str; 5] = [
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "vary",
];
const ACTUAL: [&str; 2] = ["access-control-expose-headers", "vary"];

/// Where the bytes of each of `names` are, in `headers`.
fn addresses(headers: &HeaderMap, names: &[&str]) -> Vec<*const u8> {
    names
        .iter()
        .map(|name| headers[*name].as_bytes().as_ptr())
        .collect()
}

/// The addresses of the rendered values in `layer`'s answers to a
/// preflight and to an actual request, checking the values.
async fn rendered(layer: &CorsLayer) -> (Vec<*const u8>, Vec<*const u8>) {
    let (answer, _) = send(layer, preflight(APP, "PUT", Some("x-rendered-a"))).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(
        answer.header("access-control-allow-methods"),
        Some("PUT,X-RENDERED")
    );
    assert_eq!(
        answer.header("access-control-allow-headers"),
        Some("x-rendered-a,x-rendered-b")
    );
    assert_eq!(answer.header("access-control-max-age"), Some("5432"));
    let preflight = addresses(&answer.headers, &PREFLIGHT);
    let (answer, _) = send(layer, get_from(APP)).await;
    assert_eq!(
        answer.header("access-control-expose-headers"),
        Some("x-rendered-c")
    );
    assert_eq!(answer.header("vary"), Some("Origin, X-Rendered-Tenant"));
    (preflight, addresses(&answer.headers, &ACTUAL))
}

// checklist: C4
#[tokio::test]
async fn policies_with_the_same_lists_answer_with_the_same_bytes() {
    let first = policy().build().unwrap();
    let second = policy().build().unwrap();
    let from_config = CorsBuilder::from(first.config().unwrap())
        .allow_origin_predicate(|origin, _| origin.as_bytes() == APP.as_bytes())
        .build()
        .unwrap();
    let expected = rendered(&first).await;
    // The layer's answers copy the policy's values: the same bytes, answer
    // after answer.
    assert_eq!(rendered(&first).await, expected);
    assert_eq!(rendered(&second).await, expected);
    assert_eq!(rendered(&from_config).await, expected);
    // The values outlive every policy that rendered them.
    let (answer, _) = send(&first, get_from(APP)).await;
    drop((first, second, from_config));
    assert_eq!(answer.header("vary"), Some("Origin, X-Rendered-Tenant"));
    assert_eq!(addresses(&answer.headers, &ACTUAL), expected.1);
}

#[cfg(feature = "reload")]
// checklist: C4
#[tokio::test]
async fn a_policy_reloaded_with_the_same_lists_answers_with_the_same_bytes() {
    let (layer, handle) = policy().build().unwrap().reloadable();
    let before = rendered(&layer).await;
    for _ in 0..10 {
        handle.reconfigure(policy()).unwrap();
        assert_eq!(rendered(&layer).await, before);
    }
}

/// A policy of one origin that exposes `names`.
fn exposing(names: &[String]) -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .expose_headers(names)
        .build()
        .unwrap()
}

/// A long list is kept as a short one is: 4 KiB of exposed names, two
/// policies, the same bytes.
// checklist: C4
#[tokio::test]
async fn a_long_list_within_the_bound_is_kept_too() {
    let names: Vec<String> = (0..400).map(|i| format!("x-long-{i:04}")).collect();
    let list = names.join(",");
    assert!(list.len() > 4096 && list.len() < 8192);
    let (first, second) = (exposing(&names), exposing(&names));
    let (one, _) = send(&first, get_from(APP)).await;
    let (other, _) = send(&second, get_from(APP)).await;
    let exposed = |answer: &Answer| answer.headers["access-control-expose-headers"].clone();
    assert_eq!(exposed(&one), list.as_str());
    assert_eq!(
        exposed(&one).as_bytes().as_ptr(),
        exposed(&other).as_bytes().as_ptr()
    );
}

/// A list longer than all the process keeps is rendered as before, each
/// policy's value its own: right, and still shared by the policy's answers.
// checklist: C4
#[tokio::test]
async fn a_list_past_the_bound_is_answered_right() {
    let names: Vec<String> = (0..8000).map(|i| format!("x-past-{i}")).collect();
    let list = names.join(",");
    assert!(list.len() > 64 * 1024);
    let (first, second) = (exposing(&names), exposing(&names));
    let exposed = |answer: &Answer| {
        let value = &answer.headers["access-control-expose-headers"];
        assert_eq!(value.to_str().unwrap(), list);
        value.as_bytes().as_ptr()
    };
    let (one, _) = send(&first, get_from(APP)).await;
    let (again, _) = send(&first, get_from(APP)).await;
    let (other, _) = send(&second, get_from(APP)).await;
    assert_eq!(exposed(&one), exposed(&again));
    assert_ne!(exposed(&one), exposed(&other));
}
