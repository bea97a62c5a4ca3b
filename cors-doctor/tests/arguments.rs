//! The command line: the options of the usage text, the usage errors (exit
//! code 2, nothing on stdout), and the `fetch(...)` line the doctor prints
//! for the script's call.

use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;

use super::{doctor, url, ORIGIN};

/// `/credentialed` answers a credentialed request correctly: the page's
/// origin echoed and `Access-Control-Allow-Credentials: true`, for `GET`
/// and for a preflight that asks for `PUT` and `x-stage`.
pub(super) fn routes() -> Router {
    fn echoed(headers: &HeaderMap) -> [(&'static str, String); 2] {
        let origin = headers
            .get("origin")
            .and_then(|origin| origin.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        [
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true".to_owned()),
        ]
    }
    Router::new().route(
        "/credentialed",
        get(|headers: HeaderMap| async move { (echoed(&headers), "[]") })
            .put(|headers: HeaderMap| async move { (echoed(&headers), "saved") })
            .options(|headers: HeaderMap| async move {
                let allow = [
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-allow-headers", "x-stage"),
                ];
                (StatusCode::NO_CONTENT, echoed(&headers), allow)
            }),
    )
}

/// Runs the doctor with a command line it cannot read: exit code 2,
/// nothing on stdout, clap's `error: ...` first on stderr, then the usage.
/// Returns the error's line.
fn usage_error(args: &[&str]) -> String {
    let run = doctor(args);
    assert_eq!(run.code, Some(2), "{args:?}: {run}");
    assert!(run.stdout.is_empty(), "{args:?}: {run}");
    assert!(run.stderr.contains("Usage: cors-doctor"), "{args:?}: {run}");
    run.stderr.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_fetch_line_of_a_plain_get_has_no_options() {
    let url = url("/ok");
    let run = doctor(&[&url, "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.has_line(&format!("The page at {ORIGIN} runs:")),
        "{run}"
    );
    assert!(run.has_line(&format!("    fetch(\"{url}\")")), "{run}");
}

#[test]
fn the_fetch_line_names_the_method_the_headers_and_the_credentials() {
    let url = url("/credentialed");
    let run = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "--header",
        "x-stage: 1",
        "--credentials",
    ]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.has_line(&format!(
            "    fetch(\"{url}\", {{ method: \"PUT\", headers: {{ \"x-stage\": \"1\" }}, credentials: \"include\" }})"
        )),
        "{run}"
    );
    // Only the method: no empty `headers: {}`.
    let run = doctor(&[&url, "--origin", ORIGIN, "--method", "DELETE"]);
    assert!(
        run.has_line(&format!("    fetch(\"{url}\", {{ method: \"DELETE\" }})")),
        "{run}"
    );
    // Only headers, in the order given: no `method: "GET"`.
    let run = doctor(&[&url, "--origin", ORIGIN, "-H", "x-b:2", "-H", "x-a:1"]);
    assert!(
        run.has_line(&format!(
            "    fetch(\"{url}\", {{ headers: {{ \"x-b\": \"2\", \"x-a\": \"1\" }} }})"
        )),
        "{run}"
    );
}

#[test]
fn credentials_include_is_allowed_only_with_the_origin_echoed() {
    // The origin echoed with `Access-Control-Allow-Credentials: true`.
    let run = doctor(&[&url("/credentialed"), "--origin", ORIGIN, "--credentials"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.line_starts("ALLOWED: the page reads the 200 OK response of GET"),
        "{run}"
    );
    // `*` never serves a request with credentials, which `/ok` serves
    // without them.
    let run = doctor(&[&url("/ok"), "--origin", ORIGIN, "--credentials"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.has_line(
            "BLOCKED at the actual request: the response's Access-Control-Allow-Origin is *, \
             which browsers refuse for a request with credentials."
        ),
        "{run}"
    );
    assert!(run.line_starts("fix: "), "{run}");
    // `--credentials` is a switch.
    let error = usage_error(&[&url("/ok"), "--origin", ORIGIN, "--credentials=yes"]);
    assert!(error.contains("--credentials"), "{error}");
}

#[test]
fn an_unknown_option_is_named_wherever_it_stands() {
    let url = url("/ok");
    for args in [
        &[&url, "--origin", ORIGIN, "--bogus"][..],
        &["--bogus", &url, "--origin", ORIGIN],
    ] {
        assert_eq!(
            usage_error(args),
            "error: unexpected argument '--bogus' found",
            "{args:?}"
        );
    }
}

#[test]
fn a_second_url_is_a_usage_error() {
    let first = url("/ok");
    let second = url("/bare");
    for args in [
        &[&first, &second, "--origin", ORIGIN][..],
        &[&first, "--origin", ORIGIN, &second],
    ] {
        assert_eq!(
            usage_error(args),
            format!("error: unexpected argument '{second}' found"),
            "{args:?}"
        );
    }
}

#[test]
fn a_url_that_is_not_http_or_https_is_a_usage_error() {
    for url in [
        "ftp://127.0.0.1:1/",
        "ws://127.0.0.1:1/",
        "/ok",
        "not a url",
        "http:///ok",
    ] {
        let run = doctor(&[url, "--origin", ORIGIN]);
        assert_eq!(run.code, Some(2), "{url}: {run}");
        assert!(run.stdout.is_empty(), "{url}: nothing sent: {run}");
        assert_eq!(
            run.stderr.trim_end(),
            format!("cors-doctor: {url:?}: give an absolute http:// or https:// URL"),
            "{url}: {run}"
        );
    }
}

#[test]
fn an_https_url_in_any_case_is_fetched_over_tls() {
    let port = super::tls_server(super::H2).port();
    for scheme in ["https", "HTTPS", "Https"] {
        let url = format!("{scheme}://localhost:{port}/ok");
        let run = doctor(&[&url, "--origin", ORIGIN, "--cacert", super::ca_file()]);
        assert_eq!(run.code, Some(0), "{url}: {run}");
        assert!(run.line_starts("< HTTP/2 200"), "{url}: {run}");
    }
}
