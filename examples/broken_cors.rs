//! A deliberately broken CORS server: each route makes one classic mistake
//! by hand (no CORS layer), for the CORS doctor to diagnose.
//!
//! ```text
//! cargo run --example broken_cors            # listens on 127.0.0.1:3000
//! PORT=0 cargo run --example broken_cors     # any free port
//! ```
//!
//! On start-up it prints the `cargo run -p cors-doctor -- ...` command
//! lines to paste into another terminal, one per route.
//!
//! Every route starts from a correct answer (the page's origin echoed,
//! credentials allowed, `GET, POST, PUT, DELETE` and the requested headers
//! allowed in preflights, `x-request-id` exposed) and then breaks one
//! thing:
//!
//! - `/two-origins`: a proxy adds `Access-Control-Allow-Origin: *` next to
//!   the application's echoed origin: two values;
//! - `/star-with-credentials`: `*` with `Access-Control-Allow-Credentials:
//!   true`;
//! - `/credentials-True`: `Access-Control-Allow-Credentials: True` (only the
//!   exact `true` counts);
//! - `/trailing-slash`: the origin with a trailing slash
//!   (`http://localhost:5173/`);
//! - `/redirect`: every request, preflights included, is redirected with a
//!   `301` to `/redirect/` (with all the CORS headers: preflights never
//!   follow redirects anyway);
//! - `/no-put`: the preflight answer lists only `GET, POST`;
//! - `/star-authorization`: `*` for origins, methods and headers, which
//!   never covers `Authorization`;
//! - `/preflight-only`: CORS handled only for `OPTIONS`: the actual response
//!   has no CORS header;
//! - `/correct`: the answer without a mistake, for comparison.

use std::error::Error;
use std::net::SocketAddr;

use axum::body::Body;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, CONTENT_TYPE, LOCATION, ORIGIN,
    VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::routing::any;
use axum::Router;

mod support;

/// The page origin the printed commands use (a Vite dev server's).
const PAGE: &str = "http://localhost:5173";

/// `OPTIONS` with `Access-Control-Request-Method`: a preflight.
fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// The correct answer every route starts from.
fn correct(route: &str, method: &Method, headers: &HeaderMap) -> Response {
    let preflight = is_preflight(method, headers);
    let mut res = if preflight {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(format!("hello from {route}\n")))
    };
    if preflight {
        *res.status_mut() = StatusCode::NO_CONTENT;
        let h = res.headers_mut();
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, DELETE"),
        );
        if let Some(asked) = headers.get(ACCESS_CONTROL_REQUEST_HEADERS) {
            h.insert(ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        h.insert(
            VARY,
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        );
    } else {
        let h = res.headers_mut();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        h.insert("x-request-id", HeaderValue::from_static("42"));
        h.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("x-request-id"),
        );
        h.insert(VARY, HeaderValue::from_static("Origin"));
    }
    let h = res.headers_mut();
    if let Some(origin) = headers.get(ORIGIN) {
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    res
}

/// A proxy in front of the application adds its own `*`.
async fn two_origins(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/two-origins", &method, &headers);
    res.headers_mut()
        .append(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    res
}

/// `*` for the origin, yet credentials allowed.
async fn star_with_credentials(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/star-with-credentials", &method, &headers);
    res.headers_mut()
        .insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    res.headers_mut().insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    res
}

/// `True` is not `true`: the value is compared byte for byte.
async fn credentials_capitalised(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/credentials-True", &method, &headers);
    res.headers_mut().insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("True"),
    );
    res
}

/// The allowed origin copied from a configuration file with a slash.
async fn trailing_slash(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/trailing-slash", &method, &headers);
    if let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) {
        if let Ok(value) = HeaderValue::from_str(&format!("{origin}/")) {
            res.headers_mut().insert(ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
    }
    res
}

/// A framework that adds the trailing slash with a redirect, even to
/// preflights, and even with the right CORS headers.
async fn redirect(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/redirect", &method, &headers);
    *res.status_mut() = StatusCode::MOVED_PERMANENTLY;
    *res.body_mut() = Body::empty();
    res.headers_mut().remove(CONTENT_TYPE);
    res.headers_mut()
        .insert(LOCATION, HeaderValue::from_static("/redirect/"));
    res
}

/// Where `/redirect` points: a correct answer.
async fn redirected(method: Method, headers: HeaderMap) -> Response {
    correct("/redirect/", &method, &headers)
}

/// A method list written once and never updated.
async fn no_put(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/no-put", &method, &headers);
    if is_preflight(&method, &headers) {
        res.headers_mut().insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
    }
    res
}

/// "Allow everything": `*` everywhere, no credentials; `*` in
/// `Access-Control-Allow-Headers` still does not cover `Authorization`.
async fn star_authorization(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/star-authorization", &method, &headers);
    let h = res.headers_mut();
    h.remove(ACCESS_CONTROL_ALLOW_CREDENTIALS);
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if is_preflight(&method, &headers) {
        h.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("*"));
        h.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("*"));
    }
    res
}

/// CORS written as an `OPTIONS` handler only: the preflight passes, the
/// actual response has no CORS header.
async fn preflight_only(method: Method, headers: HeaderMap) -> Response {
    let mut res = correct("/preflight-only", &method, &headers);
    if !is_preflight(&method, &headers) {
        let h = res.headers_mut();
        h.remove(ACCESS_CONTROL_ALLOW_ORIGIN);
        h.remove(ACCESS_CONTROL_ALLOW_CREDENTIALS);
        h.remove(ACCESS_CONTROL_EXPOSE_HEADERS);
    }
    res
}

/// No mistake.
async fn correct_route(method: Method, headers: HeaderMap) -> Response {
    correct("/correct", &method, &headers)
}

pub fn app() -> Router {
    Router::new()
        .route("/two-origins", any(two_origins))
        .route("/star-with-credentials", any(star_with_credentials))
        .route("/credentials-True", any(credentials_capitalised))
        .route("/trailing-slash", any(trailing_slash))
        .route("/redirect", any(redirect))
        .route("/redirect/", any(redirected))
        .route("/no-put", any(no_put))
        .route("/star-authorization", any(star_authorization))
        .route("/preflight-only", any(preflight_only))
        .route("/correct", any(correct_route))
}

fn print_commands(addr: SocketAddr) {
    let base = format!("http://{addr}");
    let doctor = "cargo run -p cors-doctor --";
    println!("listening on {base}");
    println!();
    let tries = [
        (
            "Two Access-Control-Allow-Origin values: blocked",
            "/two-origins",
            "",
        ),
        (
            "`*` with credentials: blocked (fine without --credentials)",
            "/star-with-credentials",
            " --credentials",
        ),
        (
            "Access-Control-Allow-Credentials: True: blocked, only `true` counts",
            "/credentials-True",
            " --credentials",
        ),
        (
            "The origin with a trailing slash: blocked",
            "/trailing-slash",
            "",
        ),
        (
            "A 301 answer to the preflight: blocked (a GET without preflight would follow it)",
            "/redirect",
            " --method PUT",
        ),
        (
            "A preflight answer without PUT: blocked",
            "/no-put",
            " --method PUT",
        ),
        (
            "`*` in Access-Control-Allow-Headers does not cover Authorization: blocked",
            "/star-authorization",
            " --method PUT --header 'authorization:Bearer abc'",
        ),
        (
            "The preflight passes, the response has no CORS header: blocked",
            "/preflight-only",
            " --method PUT --header content-type:application/json",
        ),
        (
            "The same request answered correctly: allowed",
            "/correct",
            " --method PUT --header content-type:application/json --credentials",
        ),
    ];
    for (comment, path, args) in tries {
        println!("# {comment}");
        println!("{doctor} {base}{path} --origin {PAGE}{args}");
        println!();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let listener = support::listen().await?;
    print_commands(listener.local_addr()?);
    axum::serve(listener, app()).await?;
    Ok(())
}
