//! Insecure or impossible configurations: each is refused by `build()` with a
//! typed error whose message names the value and says why; the legitimate
//! neighbours of each are accepted.

use crate::common::*;
use http::StatusCode;
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, HeaderList};

const APP: &str = "https://app.example.com";

/// Asserts that the message of `err` names `value` (quoted as configured)
/// and contains every fragment of `why`.
fn assert_message(err: &ConfigError, value: &str, why: &[&str]) {
    let message = err.to_string();
    assert!(
        message.contains(value),
        "{message:?} does not name {value:?}"
    );
    for fragment in why {
        assert!(
            message.contains(fragment),
            "{message:?} does not say why ({fragment:?})"
        );
    }
}

/// Asserts that `builder` builds and that the layer allows `origin`;
/// returns the answer to a GET from `origin`.
async fn assert_accepted(builder: CorsBuilder, origin: &str) -> Answer {
    let cors = builder
        .build()
        .unwrap_or_else(|e| panic!("{origin}: refused: {e}"));
    let (res, _) = send(&cors, get_from(origin)).await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some(origin),
        "{origin}"
    );
    res
}

fn credentialed(origins: &[&str]) -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins(origins)
        .allow_credentials(true)
}

/// Asserts that the message of a wildcard-with-credentials error names the
/// wildcard, the credentials, and gives a reason: browsers refuse (or read
/// literally) `*` on credentialed requests, or every site could read the
/// users' data.
fn assert_wildcard_message(err: &ConfigError, wildcard: &str) {
    assert_message(err, wildcard, &["allow_credentials(true)"]);
    let message = err.to_string();
    assert!(
        ["browser", "every site", "any site", "users' data"]
            .iter()
            .any(|why| message.contains(why)),
        "{message:?} does not say why {wildcard} cannot go with credentials"
    );
}

// checklist: C2, A2
#[test]
fn any_origin_with_credentials() {
    for builder in [
        CorsLayer::builder().allow_any_origin(),
        CorsLayer::builder().allow_origins(["*"]),
        CorsLayer::builder().allow_origins([APP, "*"]),
    ] {
        let err = only_error(builder.allow_credentials(true));
        assert_eq!(err, ConfigError::AnyOriginWithCredentials);
        assert_wildcard_message(&err, "any origin");
    }
    CorsLayer::builder().allow_any_origin().build().unwrap();
}

// checklist: C2, A3
#[test]
fn exposing_every_header_with_credentials() {
    let err = only_error(credentialed(&[APP]).expose_any_header());
    assert_eq!(err, ConfigError::ExposeAnyHeaderWithCredentials);
    assert_wildcard_message(&err, "every response header");
    let err = only_error(credentialed(&[APP]).expose_headers(["x-request-id", "*"]));
    assert_eq!(err, ConfigError::ExposeAnyHeaderWithCredentials);
    CorsLayer::builder()
        .allow_origins([APP])
        .expose_any_header()
        .build()
        .unwrap();
}

// checklist: C2, O4
#[tokio::test]
async fn public_suffix_patterns_with_credentials() {
    // Single-label suffixes are known with or without the `psl` feature;
    // multi-label ones come from the Public Suffix List.
    let mut patterns = vec![
        ("https://*.com", "https://evil.com"),
        ("https://*.com:*", "https://evil.com:8443"),
    ];
    if cfg!(feature = "psl") {
        patterns.push(("https://*.co.uk", "https://evil.co.uk"));
        patterns.push(("https://*.github.io", "https://evil.github.io"));
    }
    for (pattern, sample) in patterns {
        let err = only_error(credentialed(&[pattern]));
        assert_eq!(
            err,
            ConfigError::PublicSuffixPattern {
                value: pattern.to_owned()
            }
        );
        assert_message(
            &err,
            &format!("{pattern:?}"),
            &["public suffix", "credentials", "unrelated owners"],
        );
        // Without credentials the same pattern is a legitimate choice.
        assert_accepted(CorsLayer::builder().allow_origins([pattern]), sample).await;
    }
}

// checklist: C2, O4
#[tokio::test]
async fn a_pattern_under_a_registrable_domain_is_accepted_with_credentials() {
    assert_accepted(
        credentialed(&["https://*.example.co.uk"]),
        "https://app.example.co.uk",
    )
    .await;
    assert_accepted(
        credentialed(&["https://*.user.github.io"]),
        "https://a.user.github.io",
    )
    .await;
}

// checklist: C2
#[test]
fn forbidden_methods_in_any_case() {
    for method in [
        "CONNECT", "connect", "Connect", "TRACE", "trace", "tRaCe", "TRACK", "track", "Track",
    ] {
        let err = only_error(
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_methods(["PUT", method]),
        );
        assert_eq!(
            err,
            ConfigError::ForbiddenMethod {
                value: method.to_owned()
            }
        );
        assert_message(
            &err,
            &format!("{method:?}"),
            &["forbidden", "browsers never send it"],
        );
    }
}

// checklist: C2
#[test]
fn forbidden_request_header_names_in_the_allow_list() {
    for name in [
        "cookie",
        "Cookie",
        "host",
        "sec-fetch-mode",
        "Sec-Fetch-Mode",
        "proxy-authorization",
        "access-control-request-method",
        "Access-Control-Request-Headers",
    ] {
        let err = only_error(
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_headers(["content-type", name]),
        );
        assert_eq!(
            err,
            ConfigError::ForbiddenHeaderName {
                value: name.to_owned(),
                list: HeaderList::Allowed
            }
        );
        assert_message(
            &err,
            &format!("{name:?}"),
            &["allowed headers", "browsers control it"],
        );
    }
}

// checklist: C2, A3
#[test]
fn cors_and_set_cookie_names_in_the_expose_list() {
    for name in [
        "access-control-allow-origin",
        "Access-Control-Allow-Credentials",
        "access-control-expose-headers",
        "set-cookie",
        "Set-Cookie",
        "set-cookie2",
    ] {
        let err = only_error(
            CorsLayer::builder()
                .allow_origins([APP])
                .expose_headers(["x-request-id", name]),
        );
        assert_eq!(
            err,
            ConfigError::ForbiddenHeaderName {
                value: name.to_owned(),
                list: HeaderList::Exposed
            }
        );
        assert_message(
            &err,
            &format!("{name:?}"),
            &["exposed headers", "CORS protocol"],
        );
    }
}

// checklist: O2, O3
#[tokio::test]
async fn null_and_file_origins_need_an_opt_in() {
    for value in ["null", "file://"] {
        let err = only_error(CorsLayer::builder().allow_origins([value]));
        assert_eq!(
            err,
            ConfigError::NullOrFileOrigin {
                value: value.to_owned()
            }
        );
        assert_message(
            &err,
            &format!("{value:?}"),
            &["any site or local file", "opt in"],
        );
    }
    // Each opt-in covers its own value only.
    assert_eq!(
        only_error(
            CorsLayer::builder()
                .allow_file_origin(true)
                .allow_origins(["null"])
        ),
        ConfigError::NullOrFileOrigin {
            value: "null".into()
        }
    );
    assert_eq!(
        only_error(
            CorsLayer::builder()
                .allow_null_origin(true)
                .allow_origins(["file://"])
        ),
        ConfigError::NullOrFileOrigin {
            value: "file://".into()
        }
    );
    // An opt-in set back to false is no opt-in.
    assert_eq!(
        only_error(
            CorsLayer::builder()
                .allow_null_origin(true)
                .allow_null_origin(false)
                .allow_origins(["null"])
        ),
        ConfigError::NullOrFileOrigin {
            value: "null".into()
        }
    );

    assert_accepted(
        CorsLayer::builder()
            .allow_null_origin(true)
            .allow_origins(["null"]),
        "null",
    )
    .await;
    assert_accepted(
        CorsLayer::builder()
            .allow_file_origin(true)
            .allow_origins(["file://"]),
        "file://",
    )
    .await;
}

// checklist: O2
#[test]
fn a_file_url_with_a_path_is_never_an_origin() {
    let err = only_error(
        CorsLayer::builder()
            .allow_file_origin(true)
            .allow_origins(["file:///etc/passwd"]),
    );
    assert!(
        matches!(&err, ConfigError::InvalidOrigin { value, .. } if value == "file:///etc/passwd"),
        "{err:?}"
    );
}

// checklist: C5
#[tokio::test]
async fn plain_http_with_credentials_needs_the_dangerous_opt_in() {
    for value in ["http://intranet.example", "http://*.intranet.example"] {
        let err = only_error(credentialed(&[value]));
        assert_eq!(
            err,
            ConfigError::InsecureOriginWithCredentials {
                value: value.to_owned()
            }
        );
        assert_message(
            &err,
            &format!("{value:?}"),
            &[
                "plain http",
                "network path",
                "dangerously_allow_insecure_origins_with_credentials",
            ],
        );
    }
    let origin = "http://intranet.example";
    assert_accepted(
        credentialed(&[origin]).dangerously_allow_insecure_origins_with_credentials(true),
        origin,
    )
    .await;
    assert_accepted(CorsLayer::builder().allow_origins([origin]), origin).await;
    // The opt-in does not weaken the other checks.
    assert_eq!(
        only_error(
            credentialed(&["http://*.com"])
                .dangerously_allow_insecure_origins_with_credentials(true)
        ),
        ConfigError::PublicSuffixPattern {
            value: "http://*.com".into()
        }
    );
}

// checklist: C5
#[tokio::test]
async fn loopback_origins_need_no_opt_in_with_credentials() {
    for origin in [
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://app.localhost",
        "http://localhost",
    ] {
        let res = assert_accepted(credentialed(&[origin]), origin).await;
        assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    }
    // Names that merely look like loopback are not loopback.
    for value in [
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
    ] {
        assert_eq!(
            only_error(credentialed(&[value])),
            ConfigError::InsecureOriginWithCredentials {
                value: value.to_owned()
            }
        );
    }
}

// checklist: C5, C2, O4
#[tokio::test]
async fn subdomains_of_localhost_need_no_opt_in_with_credentials() {
    for (pattern, origin) in [
        ("http://*.localhost", "http://app.localhost"),
        ("http://*.localhost:*", "http://app.localhost:5173"),
    ] {
        let res = assert_accepted(credentialed(&[pattern]), origin).await;
        assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    }
    // Other single-label suffixes are still refused with credentials (and,
    // over plain http, for that too).
    assert_eq!(
        errors(credentialed(&["https://*.local:*"])),
        [ConfigError::PublicSuffixPattern {
            value: "https://*.local:*".to_owned()
        }]
    );
}

/// `build()` reports every problem at once: a plain-http pattern on a
/// public suffix, with credentials, is both a public-suffix pattern and an
/// insecure origin, and neither hides the other.
// checklist: C1, C2, C5, C6
#[test]
fn a_plain_http_pattern_on_a_public_suffix_is_refused_for_both_reasons() {
    let mut patterns = vec![
        "http://*.alocalhost",
        "http://*.localhosta",
        "http://*.localhosta.",
        "http://*.com",
        "http://*.local:*",
    ];
    if cfg!(feature = "psl") {
        patterns.push("http://*.github.io");
    }
    for pattern in patterns {
        let value = pattern.to_owned();
        assert_eq!(
            errors(credentialed(&[pattern])),
            [
                ConfigError::PublicSuffixPattern {
                    value: value.clone()
                },
                ConfigError::InsecureOriginWithCredentials { value },
            ],
            "{pattern}"
        );
    }
    // With the opt-in for plain http, only the suffix is left.
    let opted_in =
        credentialed(&["http://*.com"]).dangerously_allow_insecure_origins_with_credentials(true);
    assert_eq!(
        errors(opted_in),
        [ConfigError::PublicSuffixPattern {
            value: "http://*.com".to_owned()
        }]
    );
}

/// A host label that starts with `xn--` but is not the Punycode of an
/// internationalized label cannot be parsed by a browser (the URL
/// Standard's domain-to-ASCII fails), so no `Origin` ever carries it.
// checklist: O2
#[test]
fn a_host_that_is_not_valid_punycode_is_refused() {
    for value in [
        "http://xn--f",
        "https://api.xn--f.example",
        "https://*.xn--abc-",
    ] {
        invalid_origin(value, "Punycode");
    }
    // Real internationalized hosts are accepted, as browsers send them.
    for value in ["https://xn--bcher-kva.example", "https://*.xn--p1ai"] {
        assert!(
            CorsLayer::builder().allow_origins([value]).build().is_ok(),
            "{value}"
        );
    }
}

// checklist: O2
#[test]
fn ip_addresses_must_be_written_as_browsers_send_them() {
    for (value, why) in [
        ("http://127.000.000.001", "IPv4"),
        ("http://127.1:3000", "IPv4"),
        ("http://0x7f.0.0.1", "IPv4"),
        ("http://0x7f.1", "IPv4"),
        ("http://256.1.1.1", "IPv4"),
        ("https://example.123", "IPv4"),
        ("http://[0:0:0:0:0:0:0:1]:8080", "IPv6"),
        ("http://[::0001]", "IPv6"),
        ("http://[2001:db8:0:0:1:0:0:1]", "IPv6"),
        ("http://[::ffff:127.0.0.1]", "IPv6"),
    ] {
        invalid_origin(value, why);
    }
    // Their canonical forms, and hosts of other schemes, are accepted.
    for value in [
        "http://127.0.0.1:3000",
        "http://10.0.0.255",
        "http://[::1]:8080",
        "http://[2001:db8::1:0:0:1]",
        "http://[::ffff:7f00:1]",
        "https://1password.example",
        "chrome-extension://127.1",
    ] {
        let built = CorsLayer::builder().allow_origins([value]).build();
        assert!(built.is_ok(), "{value}: {built:?}");
    }
}

// checklist: O1, O2
#[test]
fn port_zero_is_refused() {
    invalid_origin("https://a.example:0", "");
    invalid_origin("http://a.example:0", "");
}

// checklist: O1, O2
#[tokio::test]
async fn ftps_default_port_is_refused_and_another_port_builds() {
    // Browsers drop a scheme's default port, and 21 is ftp's.
    invalid_origin("ftp://host.example:21", "");

    let cors = CorsLayer::builder()
        .allow_origins(["ftp://host.example:2121"])
        .build()
        .unwrap();
    let (res, _) = send(&cors, get_from("ftp://host.example:2121")).await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("ftp://host.example:2121")
    );
}

// checklist: C3
#[tokio::test]
async fn custom_methods_and_extension_origins_are_accepted() {
    let cors = credentialed(&["chrome-extension://abc"])
        .allow_methods(["PURGE"])
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, _) = send(&cors, preflight("chrome-extension://abc", "PURGE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("chrome-extension://abc")
    );
    assert_eq!(res.header("access-control-allow-methods"), Some("PURGE"));
    assert_eq!(res.refusal(), None);
}

// checklist: O2, O4
#[test]
fn invalid_patterns_are_refused() {
    for (value, why) in [
        ("https://a.*.example.com", "wildcard"),
        ("https://*.*.example.com", "at most one `*`"),
        ("https://*.pr-*.example.com", "at most one `*`"),
        ("https://pr-*", "last label"),
        ("https://example.c*m", "last label"),
        ("https://pr-*.", "fixed domain"),
        ("https://xn--*.example.com", "Punycode"),
        ("http://1*.0.0.1", "IP address"),
        ("http://[::*]", "IP address"),
        ("http://*.127.0.0.1", "IP address"),
        ("http://*.0.1", "IP address"),
        ("https://*.example.0x1f", "IP address"),
        // Brackets are no label characters: any reason will do.
        ("http://*.[::1]", ""),
    ] {
        let (err, reason) = invalid_origin(value, why);
        assert_message(&err, &format!("{value:?}"), &["invalid origin", reason]);
    }
}

// checklist: C1, C2
#[test]
fn many_problems_are_reported_together_in_order() {
    let err = CorsLayer::builder()
        .allow_origins([
            APP,
            "*",
            "https://*.dev",
            "null",
            "http://intranet.example",
            "https://a.*.example.com",
        ])
        .allow_methods(["PUT", "TRACE", "*"])
        .allow_headers(["content-type", "cookie"])
        .expose_headers(["x-request-id", "set-cookie", "*"])
        .allow_credentials(true)
        .build()
        .unwrap_err();
    let errs = err.errors();
    // Each rule reports its own problems, in the order of the rules: the
    // origins (each value in order, then the wildcard), the methods, the
    // request headers, the exposed headers. Any method is accepted with
    // credentials: the answer names the requested method.
    assert!(
        matches!(&errs[3], ConfigError::InvalidOrigin { value, .. } if value == "https://a.*.example.com"),
        "{errs:#?}"
    );
    let mut others = errs.to_vec();
    others.remove(3);
    assert_eq!(
        others,
        [
            ConfigError::PublicSuffixPattern {
                value: "https://*.dev".into()
            },
            ConfigError::NullOrFileOrigin {
                value: "null".into()
            },
            ConfigError::InsecureOriginWithCredentials {
                value: "http://intranet.example".into()
            },
            ConfigError::AnyOriginWithCredentials,
            ConfigError::ForbiddenMethod {
                value: "TRACE".into()
            },
            ConfigError::ForbiddenHeaderName {
                value: "cookie".into(),
                list: HeaderList::Allowed
            },
            ConfigError::ForbiddenHeaderName {
                value: "set-cookie".into(),
                list: HeaderList::Exposed
            },
            ConfigError::ExposeAnyHeaderWithCredentials,
        ]
    );
    // The message lists every problem, in the same order.
    let message = err.to_string();
    assert!(
        message.starts_with("invalid CORS policy (9 problems): "),
        "{message}"
    );
    let mut from = 0;
    for e in errs {
        let text = e.to_string();
        let at = message[from..]
            .find(&text)
            .unwrap_or_else(|| panic!("{text:?} missing or out of order in {message:?}"));
        from += at + text.len();
    }
}
