//! The browser model (`cors_check`) against this crate's own `CorsLayer`:
//! one table of requests to the gateway preset and to an exact-origin
//! credentialed policy, each around the same handler, and the outcome a
//! browser gives each. The model itself, against hand-written services that
//! send right and broken CORS headers (and its requests on the wire, readable
//! headers, preflight cache and messages), is tested in `cors-check`'s own
//! suite, `cors-check/tests/model/`.

use std::convert::Infallible;

use cors_check::{check, Outcome, Rule, Stage};
use http::{HeaderValue, Request, Response, StatusCode};
use tower::service_fn;
use tower_cors::CorsLayer;
use tower_layer::Layer;

/// The page's origin in every row unless said otherwise.
const O: &str = "https://app.example";

/// What a browser did with a request: `Ok(preflight sent)` when the script
/// got the response, `Err((stage, rule))` when it was blocked.
type Seen = Result<bool, (Stage, Rule)>;

/// Allowed without a preflight.
const SIMPLE: Seen = Ok(false);
/// Allowed after a preflight.
const PREFLIGHTED: Seen = Ok(true);

/// What `outcome` says happened.
fn seen(outcome: &Outcome) -> Seen {
    match outcome.blocked() {
        None => Ok(outcome.preflight_sent()),
        Some(blocked) => Err((blocked.stage(), blocked.rule().clone())),
    }
}

/// Whether the rest of `outcome` agrees with what it says happened: an
/// allowed request's actual request went out and its response is visible; a
/// blocked one's response is not, its actual request went out only if it was
/// blocked there, and its message names the stage and a fix.
fn consistent(outcome: &Outcome) -> bool {
    match outcome.blocked() {
        None => outcome.actual_sent() && outcome.status().is_some() && outcome.readable().is_some(),
        Some(blocked) => {
            let text = outcome.to_string();
            text.starts_with(&format!("blocked at {}: ", blocked.stage()))
                && text.contains(". Fix: ")
                && outcome.status().is_none()
                && !outcome.can_read("content-type")
                && outcome.actual_sent() == (blocked.stage() == Stage::Actual)
        }
    }
}

/// The handler behind the layers: `200` with `X-Request-Id`.
async fn handler<B>(_: Request<B>) -> Result<Response<String>, Infallible> {
    let mut response = Response::new(String::new());
    let id = HeaderValue::from_static("7");
    response.headers_mut().insert("x-request-id", id);
    Ok(response)
}

/// An exact-origin credentialed policy: [`O`], `PUT`/`PATCH`, `x-custom`,
/// exposing `x-request-id`.
fn exact_policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([O])
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn table() {
    let gateway = CorsLayer::gateway().layer(service_fn(handler));
    let exact = exact_policy().layer(service_fn(handler));
    let forbidden = || Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN);
    let at_preflight = |rule| Err((Stage::Preflight, rule));
    let at_actual = |rule| Err((Stage::Actual, rule));
    #[rustfmt::skip]
    let rows = [
        // The gateway preset.
        ("gateway: GET", check(&gateway).from(O).get("/r"), SIMPLE),
        ("gateway: PUT with JSON", check(&gateway).from(O).put("/r").header("content-type", "application/json"), PREFLIGHTED),
        ("gateway: DELETE with Authorization", check(&gateway).from(O).delete("/r").header("authorization", "Bearer x"), PREFLIGHTED),
        ("gateway: PATCH with X-Sdk-Date", check(&gateway).from(O).patch("/r").header("x-sdk-date", "20240101T000000Z"), PREFLIGHTED),
        ("gateway: x-custom is not allowed", check(&gateway).from(O).put("/r").header("x-custom", "1"), at_preflight(forbidden())),
        ("gateway: patch (lower case) is not allowed", check(&gateway).from(O).method("patch", "/r"), at_preflight(forbidden())),
        ("gateway: credentials get *", check(&gateway).from(O).get("/r").credentials(), at_actual(Rule::WildcardWithCredentials)),
        ("gateway: PUT with credentials", check(&gateway).from(O).put("/r").credentials(), at_preflight(Rule::WildcardWithCredentials)),
        // The exact-origin credentialed policy.
        ("exact: GET with credentials", check(&exact).from(O).get("/r").credentials(), SIMPLE),
        ("exact: PUT with x-custom and credentials", check(&exact).from(O).put("/r").header("x-custom", "1").credentials(), PREFLIGHTED),
        ("exact: PATCH without credentials", check(&exact).from(O).patch("/r"), PREFLIGHTED),
        ("exact: DELETE is not allowed", check(&exact).from(O).delete("/r").credentials(), at_preflight(forbidden())),
        ("exact: another origin's PUT", check(&exact).from("https://evil.example").put("/r"), at_preflight(forbidden())),
        ("exact: another origin's GET", check(&exact).from("https://evil.example").get("/r"), at_actual(Rule::MissingAllowOrigin)),
        ("exact: the origin with a trailing dot is another origin", check(&exact).from("https://app.example.").get("/r"), at_actual(Rule::MissingAllowOrigin)),
    ];
    let mut failures = Vec::new();
    for (name, fetch, expected) in rows {
        let outcome = fetch.run().await;
        if seen(&outcome) != expected {
            failures.push(format!("{name}: expected {expected:?}, got: {outcome}"));
        } else if !consistent(&outcome) {
            failures.push(format!("{name}: inconsistent: {outcome:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
