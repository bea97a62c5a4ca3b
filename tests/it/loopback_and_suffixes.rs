//! Credentials and where an origin lives: loopback origins in every form
//! browsers send them need no opt-in, and subdomain patterns on any suffix
//! of the Public Suffix List (ICANN and PRIVATE sections, wildcard and
//! exception rules) are refused.

use crate::common::*;
use tower_cors::CorsLayer;

/// The values that `build()` refuses with credentials, each with its errors.
fn refused_with_credentials<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    values
        .filter_map(|value| {
            CorsLayer::builder()
                .allow_origins([value])
                .allow_credentials(true)
                .build()
                .err()
                .map(|e| format!("{value}: {:?}", e.errors()))
        })
        .collect()
}

/// Loopback origins and patterns, each with an `Origin` it must allow.
const LOOPBACK: &[(&str, &str)] = &[
    ("http://localhost.:3000", "http://localhost.:3000"),
    ("http://*.localhost.", "http://app.localhost."),
    ("http://*.localhost", "http://app.localhost"),
    ("http://dev-*.localhost:3000", "http://dev-1.localhost:3000"),
    ("http://[::ffff:7f00:1]:8080", "http://[::ffff:7f00:1]:8080"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://[::1]", "http://[::1]"),
];

/// Subdomain patterns on a public suffix.
const ON_PUBLIC_SUFFIXES: &[&str] = &[
    // PRIVATE section.
    "https://*.myshopify.com",
    "https://*.githubusercontent.com",
    "https://*.azureedge.net",
    "https://*.s3.us-east-1.amazonaws.com",
    "https://*.blogspot.com",
    // ICANN section.
    "https://*.com.pl",
    "https://*.gov.sg",
    "https://*.nhs.uk",
    "https://*.co.uk",
    "https://*.com",
    // `foo.sch.uk` is a public suffix by the wildcard rule `*.sch.uk`.
    "https://*.foo.sch.uk",
    // Under a wildcard rule every child is a public suffix, so a pattern
    // on the rule's parent spans unrelated owners too.
    "https://*.sch.uk",
    "https://*.kawasaki.jp",
    "https://*.compute.amazonaws.com",
    // A `*` inside a label: its fixed domain, the labels after the
    // wildcard label, is what counts.
    "https://*-myteam.vercel.app",
    "https://shop-*.myshopify.com",
    "https://pr-*.co.uk",
    "https://pr-*.com",
    "https://api.pr-*.com",
];

/// Subdomain patterns on registrable domains.
const ON_REGISTRABLE_DOMAINS: &[&str] = &[
    "https://*.example.co.uk",
    "https://*.shop.myshopify.com",
    // `www.ck` is registrable by the exception rule `!www.ck`, under `*.ck`.
    "https://*.www.ck",
    "https://pr-*.preview.example.com",
    "https://*-myteam.example.co.uk",
];

// checklist: C5
#[test]
fn loopback_origins_need_no_opt_in_with_credentials() {
    let refused = refused_with_credentials(LOOPBACK.iter().map(|(value, _)| *value));
    assert!(refused.is_empty(), "refused: {refused:#?}");
}

// checklist: C5, O1, A2
#[tokio::test]
async fn loopback_origins_with_credentials_match_what_browsers_send() {
    for (value, origin) in LOOPBACK {
        let cors = CorsLayer::builder()
            .allow_origins([value])
            .allow_credentials(true)
            .build()
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        let (res, _) = send(&cors, get_from(origin)).await;
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some(*origin),
            "{value}"
        );
        assert_eq!(
            res.header("access-control-allow-credentials"),
            Some("true"),
            "{value}"
        );
    }
}

// checklist: C6
#[test]
fn without_credentials_every_subdomain_pattern_builds() {
    for value in ON_PUBLIC_SUFFIXES.iter().chain(ON_REGISTRABLE_DOMAINS) {
        if let Err(e) = CorsLayer::builder().allow_origins([value]).build() {
            panic!("{value}: {e}");
        }
    }
}

/// The checks against the whole Public Suffix List, which the default
/// feature `psl` embeds.
#[cfg(feature = "psl")]
mod public_suffix_list {
    use super::*;
    use tower_cors::ConfigError;

    // checklist: C6, C2
    #[test]
    fn patterns_on_public_suffixes_are_refused_with_credentials() {
        let mut wrong = Vec::new();
        for value in ON_PUBLIC_SUFFIXES {
            let expected = vec![ConfigError::PublicSuffixPattern {
                value: (*value).to_owned(),
            }];
            match CorsLayer::builder()
                .allow_origins([value])
                .allow_credentials(true)
                .build()
            {
                Ok(_) => wrong.push(format!("{value}: accepted")),
                Err(e) if e.errors() != expected.as_slice() => {
                    wrong.push(format!("{value}: {:?}", e.errors()));
                }
                Err(_) => {}
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    // checklist: C6
    #[test]
    fn patterns_on_registrable_domains_build_with_credentials() {
        let refused = refused_with_credentials(ON_REGISTRABLE_DOMAINS.iter().copied());
        assert!(refused.is_empty(), "refused: {refused:#?}");
    }
}

/// Without the `psl` feature the check knows single-label suffixes only, as
/// the guide says: `*.com` is refused, `*.co.uk` is not.
#[cfg(not(feature = "psl"))]
mod single_label_check {
    use tower_cors::{ConfigError, CorsLayer};

    // checklist: C6
    #[test]
    fn only_single_label_suffixes_are_refused() {
        let with_credentials = |pattern: &str| {
            CorsLayer::builder()
                .allow_origins([pattern])
                .allow_credentials(true)
                .build()
        };
        let err = with_credentials("https://*.com").unwrap_err();
        assert_eq!(
            err.errors(),
            [ConfigError::PublicSuffixPattern {
                value: "https://*.com".into()
            }]
        );
        assert!(with_credentials("https://*.co.uk").is_ok());
        assert!(with_credentials("https://*.myshopify.com").is_ok());
        // The same rule for a `*` inside a label.
        let err = with_credentials("https://pr-*.com").unwrap_err();
        assert_eq!(
            err.errors(),
            [ConfigError::PublicSuffixPattern {
                value: "https://pr-*.com".into()
            }]
        );
        assert!(with_credentials("https://*-myteam.vercel.app").is_ok());
    }
}
