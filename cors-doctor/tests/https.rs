//! How the doctor connects. HTTPS: a server whose certificate a private CA
//! signed is trusted with `--cacert` and refused without it (a network
//! error, exit code 2, with the hint), or accepted with `--insecure`;
//! HTTP/2 and HTTP/1.1 as ALPN negotiates them. Proxies: from the
//! environment's variables.

use super::{doctor, doctor_tls, https_url, tls_server, H1, ORIGIN};

#[test]
fn a_private_ca_is_trusted_with_cacert_and_http2_is_negotiated() {
    let url = https_url("/ok");
    let run = doctor_tls(&url, ORIGIN, &["-X", "PUT", "-H", "x-stage: 1"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("> OPTIONS /ok HTTP/2"), "{run}");
    assert!(run.line_starts("< HTTP/2 204"), "{run}");
    assert!(run.has_line("> PUT /ok HTTP/2"), "{run}");
    assert!(run.line_starts("< HTTP/2 200"), "{run}");
    assert!(
        run.line_starts("ALLOWED: the page reads the 200 OK response of PUT https://localhost:"),
        "{run}"
    );
}

#[test]
fn a_server_offering_only_http1_is_spoken_to_in_http1() {
    let url = format!("https://localhost:{}/ok", tls_server(H1).port());
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("> GET /ok HTTP/1.1"), "{run}");
    assert!(run.line_starts("< HTTP/1.1 200"), "{run}");
}

#[test]
fn the_certificate_names_the_host_an_ip_address_too() {
    let url = format!("https://127.0.0.1:{}/ok", tls_server(H1).port());
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(0), "{run}");
}

#[test]
fn without_cacert_the_unknown_issuer_is_a_network_error_with_the_way_out() {
    let url = https_url("/ok");
    let run = doctor(&[&url, "--origin", ORIGIN]);
    assert_eq!(run.code, Some(2), "{run}");
    let error = run
        .line_after("NETWORK ERROR: ")
        .unwrap_or_else(|| panic!("{run}"));
    assert!(error.starts_with(&format!("cannot reach {url}: ")), "{run}");
    assert!(error.contains("UnknownIssuer"), "{run}");
    assert!(error.contains("--cacert FILE"), "{run}");
    assert!(!run.line_starts("BLOCKED"), "{run}");
}

#[test]
fn insecure_accepts_any_certificate() {
    let url = https_url("/ok");
    let run = doctor(&[&url, "--origin", ORIGIN, "--insecure"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.line_starts("ALLOWED"), "{run}");
}

#[test]
fn an_unreadable_or_empty_cacert_is_a_usage_error() {
    let url = https_url("/ok");
    let missing = std::env::temp_dir().join("cors-doctor-no-such-ca.pem");
    let run = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "--cacert",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(
        run.stderr.contains("--cacert") && run.stderr.contains("cannot read it"),
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");

    let empty = std::env::temp_dir().join(format!("cors-doctor-empty-{}.pem", std::process::id()));
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let run = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "--cacert",
        empty.to_str().unwrap(),
    ]);
    std::fs::remove_file(&empty).unwrap();
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("no certificate in it"), "{run}");
}

#[test]
fn a_proxy_from_the_environment_is_used_unless_no_proxy_names_the_host() {
    // A forward proxy that answers every request itself.
    let proxy = super::serve(
        axum::Router::new().fallback(|| async { ([super::ANY, ("x-via-proxy", "1")], "") }),
        super::Tls::Plain,
    );
    let proxy = format!("http://{proxy}");
    // Port 1: nothing listens there, so only the proxy can answer.
    let args = ["http://127.0.0.1:1/items", "--origin", ORIGIN];
    for variable in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let run = super::doctor_in(None, &[(variable, &proxy)], &args);
        assert_eq!(run.code, Some(0), "{variable}: {run}");
        assert!(run.has_line("< x-via-proxy: 1"), "{variable}: {run}");
    }
    let run = super::doctor_in(
        None,
        &[("HTTP_PROXY", &proxy), ("NO_PROXY", "127.0.0.1")],
        &args,
    );
    assert_eq!(run.code, Some(2), "{run}");
    assert!(
        run.line_starts("NETWORK ERROR: cannot reach http://127.0.0.1:1/items"),
        "{run}"
    );
}
