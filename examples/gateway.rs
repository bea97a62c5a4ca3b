//! The API gateway documentation's CORS exchanges, served for real.
//!
//! ```text
//! cargo run --example gateway            # listens on 127.0.0.1:3000
//! PORT=8080 cargo run --example gateway  # another port (0: any free one)
//! ```
//!
//! On start-up it prints `curl -i` commands to paste into another terminal:
//!
//! - a simple request to a backend that sets no CORS header (Scenario 1:
//!   the layer adds `Access-Control-Allow-Origin: *`);
//! - the preflight of a `PUT` with `X-Sdk-Date`, answered by the layer with
//!   the gateway's lists and `Access-Control-Max-Age: 172800`;
//! - the `PUT` that follows it;
//! - a simple request to a backend that sets its own
//!   `Access-Control-Allow-Origin` (Scenario 2: the upstream value wins).
//!
//! Every response, preflight answers included, carries an `X-Request-Id`
//! set by a layer outside the CORS layer, as the gateway does.
//!
//! To watch the layer decide, turn on its `tracing` feature and debug mode:
//!
//! ```text
//! CORS_DEBUG=1 cargo run --example gateway --features tracing
//! ```
//!
//! The log (on stderr) then shows the policy when it is built, and every
//! refused request with its reason; debug mode names the reason in an
//! `x-cors-refusal` response header too, for the browser's network panel.

use std::error::Error;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_cors::CorsLayer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

mod support;

const BODY: &str = r#"{"status":"200"}"#;
const ORIGIN: &str = "http://www.cors.com";
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A backend that knows nothing about CORS.
async fn simple() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], BODY)
}

/// A backend that answers CORS itself: its value reaches the browser.
async fn upstream() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "application/json"),
            (ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN),
        ],
        BODY,
    )
}

/// Adds a fresh `X-Request-Id` to every response.
async fn add_request_id(mut res: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&request_id()) {
        res.headers_mut().insert(X_REQUEST_ID, value);
    }
    res
}

/// 32 hex digits from a counter and the clock: unique per process run and
/// random-looking, which is all a request id needs here.
fn request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let high = mix(nanos ^ count.rotate_left(32));
    let low = mix(high ^ count);
    format!("{high:016x}{low:016x}")
}

/// The SplitMix64 finalizer: spreads every input bit over the output.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

pub fn app(cors: CorsLayer) -> Router {
    Router::new()
        .route("/simple", get(simple).put(simple))
        .route("/upstream", get(upstream))
        // Layers added later wrap the earlier ones: the request id is set
        // outside the CORS layer, so the preflight answers get one too.
        .layer(cors)
        .layer(map_response(add_request_id))
}

/// Logs the CORS layer's events (with its `tracing` feature) to stderr:
/// the policy when built, and every refusal with its reason.
fn log_cors_decisions() {
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(Targets::new().with_target("tower_cors", LevelFilter::DEBUG))
        .init();
}

fn print_commands(addr: SocketAddr) {
    let base = format!("http://{addr}");
    let simple_headers = format!(
        "-H 'Origin: {ORIGIN}' \
         -H 'Content-Type: application/x-www-form-urlencoded; charset=utf-8' \
         -H 'Accept: application/json'"
    );
    println!("CORS gateway example listening on {base}");
    println!();
    println!("# Scenario 1: simple request, the backend sets no CORS header");
    println!("curl -i {base}/simple {simple_headers}");
    println!();
    println!("# Not-so-simple request: the preflight, answered by the layer");
    println!(
        "curl -i -X OPTIONS {base}/simple -H 'Origin: {ORIGIN}' \
         -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: X-Sdk-Date'"
    );
    println!();
    println!("# Not-so-simple request: the PUT that follows the preflight");
    println!("curl -i -X PUT {base}/simple {simple_headers} -H 'X-Sdk-Date: 20190115T012552Z'");
    println!();
    println!(
        "# Scenario 2: the backend sets Access-Control-Allow-Origin itself, and its value wins"
    );
    println!("curl -i {base}/upstream {simple_headers}");
    println!();
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    log_cors_decisions();
    let cors = CorsLayer::gateway();
    // Debug mode can be switched at any time; here, once, from the environment.
    cors.set_debug_mode(std::env::var_os("CORS_DEBUG").is_some_and(|v| v == "1"));
    let listener = support::listen().await?;
    print_commands(listener.local_addr()?);
    axum::serve(listener, app(cors)).await?;
    Ok(())
}
