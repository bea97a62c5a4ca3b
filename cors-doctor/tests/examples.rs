//! The repository's examples, served over HTTPS (HTTP/2) with the test CA:
//! the gateway preset and each classic mistake of `broken_cors`, checked
//! as their commands check them over plain HTTP.

use std::net::SocketAddr;
use std::sync::OnceLock;

use super::{doctor_tls, each_engine_would_put, only_the_standard_blocks, serve, H2};

// Each example brings its own copy of `examples/support`, as each example
// binary does.
/// The API gateway's CORS defaults (`CorsLayer::gateway()`).
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/gateway.rs"]
mod gateway;

/// One hand-written CORS mistake per route.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/broken_cors.rs"]
mod broken_cors;

fn gateway_url(path: &str) -> String {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    let address = ADDRESS.get_or_init(|| serve(gateway::app(tower_cors::CorsLayer::gateway()), H2));
    format!("https://localhost:{}{path}", address.port())
}

fn broken_url(path: &str) -> String {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    let address = ADDRESS.get_or_init(|| serve(broken_cors::app(), H2));
    format!("https://localhost:{}{path}", address.port())
}

/// The page origin of the gateway example's commands.
const GATEWAY_PAGE: &str = "http://www.cors.com";
/// The page origin of the broken_cors example's commands.
const BROKEN_PAGE: &str = "http://localhost:5173";

#[test]
fn the_gateway_preset_over_https_allows_its_headers_and_refuses_others() {
    let url = gateway_url("/simple");
    let run = doctor_tls(&url, GATEWAY_PAGE, &["-X", "PUT", "-H", "x-stage: 1"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("< access-control-max-age: 172800"), "{run}");
    assert!(
        run.line_starts("preflight accepted (methods: GET, POST, PUT"),
        "{run}"
    );
    assert!(
        run.line_starts("script can read the headers: ") && run.stdout.contains("x-request-id"),
        "{run}"
    );

    let run = doctor_tls(&url, GATEWAY_PAGE, &["-X", "PUT", "-H", "x-custom: 1"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/2 403"), "{run}");
    assert!(
        run.line_starts("BLOCKED at the preflight: the preflight's status is 403"),
        "{run}"
    );
    assert!(
        run.line_starts("fix: ") && run.stdout.contains("x-custom"),
        "{run}"
    );
}

#[test]
fn each_mistake_of_broken_cors_over_https_is_named() {
    let cases: [(&str, &[&str], i32, &str); 9] = [
        ("/two-origins", &[], 1, "BLOCKED at the actual request: the response has several Access-Control-Allow-Origin values (http://localhost:5173, *)"),
        ("/star-with-credentials", &["--credentials"], 1, "BLOCKED at the actual request: the response's Access-Control-Allow-Origin is *"),
        ("/credentials-True", &["--credentials"], 1, "BLOCKED at the actual request: the request includes credentials but the response's Access-Control-Allow-Credentials is (True), not exactly true"),
        ("/trailing-slash", &[], 1, "BLOCKED at the actual request: the response's Access-Control-Allow-Origin (http://localhost:5173/) is not the page's origin"),
        ("/redirect", &["-X", "PUT"], 1, "BLOCKED at the preflight: the preflight's status is 301"),
        ("/no-put", &["-X", "PUT"], 1, "BLOCKED at the preflight: the preflight's Access-Control-Allow-Methods (GET, POST) does not list PUT"),
        ("/star-authorization", &["-X", "PUT", "-H", "authorization: Bearer abc"], 1, "BLOCKED at the preflight: the preflight's Access-Control-Allow-Headers (*) relies on *"),
        ("/preflight-only", &["-X", "PUT", "-H", "content-type: application/json"], 1, "BLOCKED at the actual request: the response has no Access-Control-Allow-Origin"),
        ("/correct", &["-X", "PUT", "-H", "content-type: application/json", "--credentials"], 0, "ALLOWED: the page reads the 200 OK response of PUT"),
    ];
    for (path, options, code, verdict) in cases {
        let url = broken_url(path);
        let run = doctor_tls(&url, BROKEN_PAGE, options);
        assert_eq!(run.code, Some(code), "{path}: {run}");
        assert!(run.line_starts(verdict), "{path}: {run}");
        assert!(run.line_starts("< HTTP/2 "), "{path}: {run}");
    }
}

// checklist: P6
#[test]
fn where_engines_differ_the_doctor_says_so() {
    // `*` covers Authorization in every shipping engine, not in the standard.
    let url = broken_url("/star-authorization");
    let options = ["-X", "PUT", "-H", "authorization: Bearer abc"];
    let run = doctor_tls(&url, BROKEN_PAGE, &options);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.has_line("engines: where they differ on these answers"),
        "{run}"
    );
    each_engine_would_put(&run, &url);

    let mut chromium = options.to_vec();
    chromium.extend(["--engine", "chromium"]);
    let run = doctor_tls(&url, BROKEN_PAGE, &chromium);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("judged by: Chromium 156"), "{run}");
    assert!(run.has_line("> PUT /star-authorization HTTP/2"), "{run}");
    assert!(
        run.line_starts(
            "note: Chromium lets this through, but the Fetch Standard blocks it at the preflight: "
        ),
        "{run}"
    );
    only_the_standard_blocks(&run);
}
