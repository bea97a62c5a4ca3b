//! Origin matching, row by row: configured origins and patterns against
//! request `Origin` values, through a real `CorsLayer` and an actual GET.

use crate::common::*;
use tower_cors::{CorsBuilder, CorsLayer};

/// One row: the policy's origins, the request's `Origin`, and whether it must
/// be allowed.
struct Row {
    config: &'static [&'static str],
    origin: &'static str,
    allowed: bool,
}

const fn yes(config: &'static [&'static str], origin: &'static str) -> Row {
    Row {
        config,
        origin,
        allowed: true,
    }
}

const fn no(config: &'static [&'static str], origin: &'static str) -> Row {
    Row {
        config,
        origin,
        allowed: false,
    }
}

const EXAMPLE: &[&str] = &["https://example.com"];
const SUBDOMAINS: &[&str] = &["https://*.example.com"];
const SUBDOMAINS_ANY_PORT: &[&str] = &["https://*.example.com:*"];
const SUBDOMAINS_8443: &[&str] = &["https://*.example.com:8443"];
const LOCALHOST_ANY_PORT: &[&str] = &["http://localhost:*"];
const IPV6: &[&str] = &["http://[::1]:8080"];
const IPV6_ANY_PORT: &[&str] = &["http://[::1]:*"];
const IPV4: &[&str] = &["http://127.0.0.1:3000"];
const PUNYCODE: &[&str] = &["https://xn--bcher-kva.example"];
const TRAILING_DOT: &[&str] = &["https://example.com."];
const FOO_AND_BAR: &[&str] = &["https://foo.com", "https://bar.com"];
const EXTENSION: &[&str] = &["chrome-extension://abc"];
const PREVIEWS: &[&str] = &["https://pr-*.preview.example.com"];
const VERCEL: &[&str] = &["https://*-myteam.vercel.app"];
const BAR: &[&str] = &["http://*.bar.com"];
const INFIX: &[&str] = &["https://api-*-eu.example.com:*"];
const TRAILING_DOT_PREVIEWS: &[&str] = &["https://pr-*.example.com."];

// checklist: O1, O4, O5
// Peers' cases: rs/cors's `TestSpec` and wildcard tables (`http://*.bar.com`,
// a Vercel-style `*-team` label), where rs/cors also matches an empty
// substitution (`foo*` matching `foo`) and any bytes (dots included); here
// a `*` inside a label stands for one or more label bytes, never a dot.
const ROWS: &[Row] = &[
    // Exact origins compare byte for byte (O1).
    yes(EXAMPLE, "https://example.com"),
    no(EXAMPLE, "https://EXAMPLE.COM"),
    no(EXAMPLE, "HTTPS://example.com"),
    no(EXAMPLE, "https://Example.com"),
    no(EXAMPLE, "https://example.com."),
    no(EXAMPLE, "https://example.com:443"),
    no(EXAMPLE, "https://user@example.com"),
    no(EXAMPLE, "https://user:pass@example.com"),
    no(EXAMPLE, "https://example.com/"),
    no(EXAMPLE, "https://example.com/path"),
    no(EXAMPLE, "https://example.com?q"),
    no(EXAMPLE, "http://example.com"),
    no(EXAMPLE, "https://example.com:8443"),
    no(EXAMPLE, "https://a.example.com"),
    no(EXAMPLE, "https://example.co"),
    no(EXAMPLE, "https://example.comm"),
    no(EXAMPLE, "https://example.com "),
    no(EXAMPLE, "null"),
    // A trailing dot makes a different origin, both ways.
    yes(TRAILING_DOT, "https://example.com."),
    no(TRAILING_DOT, "https://example.com"),
    // IP literals.
    yes(IPV6, "http://[::1]:8080"),
    no(IPV6, "http://[::1]:8081"),
    no(IPV6, "http://[::1]"),
    no(IPV6, "http://[0:0:0:0:0:0:0:1]:8080"),
    no(IPV6, "https://[::1]:8080"),
    yes(IPV6_ANY_PORT, "http://[::1]:5173"),
    no(IPV6_ANY_PORT, "http://[::1]"),
    no(IPV6_ANY_PORT, "http://[::2]:5173"),
    // Only a port may follow an IPv6 host's `]`, and only one written as
    // browsers write it.
    no(IPV6_ANY_PORT, "http://[::1]x"),
    no(IPV6_ANY_PORT, "http://[::1]x:5173"),
    no(IPV6_ANY_PORT, "http://[::1]]:5173"),
    no(IPV6_ANY_PORT, "http://[::1]:x"),
    no(IPV6_ANY_PORT, "http://[::1]:"),
    no(IPV6_ANY_PORT, "http://[::1]:05173"),
    no(IPV6_ANY_PORT, "http://[::1"),
    no(IPV6, "http://[::1]:8080x"),
    yes(IPV4, "http://127.0.0.1:3000"),
    no(IPV4, "http://127.0.0.1:3001"),
    no(IPV4, "http://127.0.0.1"),
    no(IPV4, "http://127.1:3000"),
    no(IPV4, "http://localhost:3000"),
    // Internationalized hosts: only the punycode form browsers send.
    yes(PUNYCODE, "https://xn--bcher-kva.example"),
    no(PUNYCODE, "https://bücher.example"),
    no(PUNYCODE, "https://XN--BCHER-KVA.example"),
    // Subdomain patterns: one or more whole leading labels, never the apex (O4).
    yes(SUBDOMAINS, "https://a.example.com"),
    yes(SUBDOMAINS, "https://a.b.example.com"),
    yes(SUBDOMAINS, "https://x-1.y_2.example.com"),
    no(SUBDOMAINS, "https://example.com"),
    no(SUBDOMAINS, "http://a.example.com"),
    no(SUBDOMAINS, "https://a.example.com.evil.com"),
    no(SUBDOMAINS, "https://example.com.evil.com"),
    no(SUBDOMAINS, "https://aexample.com"),
    no(SUBDOMAINS, "https://evilexample.com"),
    no(SUBDOMAINS, "https://.example.com"),
    no(SUBDOMAINS, "https://a..example.com"),
    no(SUBDOMAINS, "https://A.example.com"),
    no(SUBDOMAINS, "https://a.EXAMPLE.com"),
    no(SUBDOMAINS, "https://a.example.com."),
    no(SUBDOMAINS, "https://a.example.com:8443"),
    no(SUBDOMAINS, "https://a.example.com:443"),
    no(SUBDOMAINS, "https://a.example.com/"),
    no(SUBDOMAINS, "https://user@a.example.com"),
    no(SUBDOMAINS, "https://a.example.co"),
    // Subdomain patterns with a port.
    yes(SUBDOMAINS_ANY_PORT, "https://a.example.com:8443"),
    yes(SUBDOMAINS_ANY_PORT, "https://a.b.example.com:1"),
    no(SUBDOMAINS_ANY_PORT, "https://a.example.com"),
    no(SUBDOMAINS_ANY_PORT, "https://example.com:8443"),
    no(SUBDOMAINS_ANY_PORT, "http://a.example.com:8443"),
    no(SUBDOMAINS_ANY_PORT, "https://a.example.com:8443/"),
    yes(SUBDOMAINS_8443, "https://a.example.com:8443"),
    yes(SUBDOMAINS_8443, "https://a.b.example.com:8443"),
    no(SUBDOMAINS_8443, "https://a.example.com:8444"),
    no(SUBDOMAINS_8443, "https://a.example.com:844"),
    no(SUBDOMAINS_8443, "https://a.example.com"),
    no(SUBDOMAINS_8443, "https://example.com:8443"),
    // Port patterns: any explicit port, never none.
    yes(LOCALHOST_ANY_PORT, "http://localhost:1"),
    yes(LOCALHOST_ANY_PORT, "http://localhost:3000"),
    yes(LOCALHOST_ANY_PORT, "http://localhost:65535"),
    no(LOCALHOST_ANY_PORT, "http://localhost"),
    no(LOCALHOST_ANY_PORT, "https://localhost:3000"),
    no(LOCALHOST_ANY_PORT, "http://app.localhost:3000"),
    no(LOCALHOST_ANY_PORT, "http://localhost.evil.com:3000"),
    no(LOCALHOST_ANY_PORT, "http://127.0.0.1:3000"),
    no(LOCALHOST_ANY_PORT, "http://LOCALHOST:3000"),
    no(LOCALHOST_ANY_PORT, "http://user@localhost:3000"),
    no(LOCALHOST_ANY_PORT, "http://localhost:"),
    no(LOCALHOST_ANY_PORT, "http://localhost:abc"),
    no(LOCALHOST_ANY_PORT, "http://localhost:3000/"),
    no(LOCALHOST_ANY_PORT, "http://localhost:3000@evil.example"),
    // Ports browsers never send: a leading zero, out of range, the default.
    no(LOCALHOST_ANY_PORT, "http://localhost:03000"),
    no(LOCALHOST_ANY_PORT, "http://localhost:99999"),
    no(LOCALHOST_ANY_PORT, "http://localhost:80"),
    // Origins sharing a suffix never allow a concatenation (O5).
    yes(FOO_AND_BAR, "https://foo.com"),
    yes(FOO_AND_BAR, "https://bar.com"),
    no(FOO_AND_BAR, "https://barfoo.com"),
    no(FOO_AND_BAR, "https://foobar.com"),
    no(FOO_AND_BAR, "https://foo.combar.com"),
    no(FOO_AND_BAR, "https://bar.comfoo.com"),
    no(FOO_AND_BAR, "https://foo.com.bar.com"),
    no(FOO_AND_BAR, "https://foo.comhttps://bar.com"),
    no(FOO_AND_BAR, "https://foo.com, https://bar.com"),
    no(FOO_AND_BAR, "https://foo.com https://bar.com"),
    // rs/cors's table: a whole-label pattern, one or more labels.
    yes(BAR, "http://foo.bar.com"),
    yes(BAR, "http://foo.baz.bar.com"),
    no(BAR, "http://foo.baz.com"),
    no(BAR, "http://bar.com"),
    // A `*` inside a label: one or more label bytes of that label only.
    yes(PREVIEWS, "https://pr-1.preview.example.com"),
    yes(PREVIEWS, "https://pr-1234-fix_login.preview.example.com"),
    no(PREVIEWS, "https://pr-.preview.example.com"),
    no(PREVIEWS, "https://pr-1.evil.preview.example.com"),
    no(PREVIEWS, "https://pr-evil.com.preview.example.com"),
    no(PREVIEWS, "https://a.pr-1.preview.example.com"),
    no(PREVIEWS, "https://xpr-1.preview.example.com"),
    no(PREVIEWS, "https://pr-1.preview.example.com.evil.com"),
    no(PREVIEWS, "https://pr-1.preview.example.co"),
    no(PREVIEWS, "https://preview.example.com"),
    no(PREVIEWS, "http://pr-1.preview.example.com"),
    no(PREVIEWS, "https://pr-1.preview.example.com:8443"),
    no(PREVIEWS, "https://pr-1.preview.example.com:443"),
    no(PREVIEWS, "https://pr-1.preview.example.com/"),
    no(PREVIEWS, "https://pr-1.preview.example.com."),
    no(PREVIEWS, "https://user@pr-1.preview.example.com"),
    no(PREVIEWS, "https://pr-1 .preview.example.com"),
    no(PREVIEWS, "https://pr-1,x.preview.example.com"),
    no(PREVIEWS, "https://pr-x:1.preview.example.com"),
    // Hosts compare as browsers send them, lowercase (O1).
    no(PREVIEWS, "https://PR-1.preview.example.com"),
    no(PREVIEWS, "https://pr-A.preview.example.com"),
    no(PREVIEWS, "https://pr-1.Preview.example.com"),
    // A Punycode label is another label's ASCII form.
    no(
        &["https://*-kva.example.com"],
        "https://xn--bcher-kva.example.com",
    ),
    yes(&["https://*-kva.example.com"], "https://b-kva.example.com"),
    // Under a Punycode fixed domain.
    yes(
        &["https://shop-*.xn--bcher-kva.example"],
        "https://shop-1.xn--bcher-kva.example",
    ),
    // rs/cors's Vercel-style suffix pattern.
    yes(VERCEL, "https://app-myteam.vercel.app"),
    yes(VERCEL, "https://app-git-main-myteam.vercel.app"),
    no(VERCEL, "https://-myteam.vercel.app"),
    no(VERCEL, "https://myteam.vercel.app"),
    no(VERCEL, "https://a.b-myteam.vercel.app"),
    no(VERCEL, "https://app-myteam-evil.vercel.app"),
    no(VERCEL, "https://app-myteam.vercel.app.evil.com"),
    // A fixed prefix and suffix, any port.
    yes(INFIX, "https://api-1-eu.example.com:8443"),
    no(INFIX, "https://api-1-eu.example.com"),
    no(INFIX, "https://api--eu.example.com:8443"),
    no(INFIX, "https://api-eu.example.com:8443"),
    // A trailing dot is written as browsers send it.
    yes(TRAILING_DOT_PREVIEWS, "https://pr-1.example.com."),
    no(TRAILING_DOT_PREVIEWS, "https://pr-1.example.com"),
    // Non-HTTP schemes match exactly.
    yes(EXTENSION, "chrome-extension://abc"),
    no(EXTENSION, "chrome-extension://abcd"),
    no(EXTENSION, "chrome-extension://ab"),
    no(EXTENSION, "chrome-extension://ABC"),
    no(EXTENSION, "moz-extension://abc"),
    no(EXTENSION, "chrome-extension://abc/"),
];

/// Sends an actual GET from `origin` and describes what went wrong, if
/// anything.
async fn check(cors: &CorsLayer, origin: &str, allowed: bool) -> Option<String> {
    let (res, seen) = send(cors, get_from(origin)).await;
    if seen.calls() != 1 {
        return Some(format!("the inner service ran {} times", seen.calls()));
    }
    let acao = res
        .headers
        .get_all("access-control-allow-origin")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect::<Vec<_>>();
    if allowed {
        if acao != [origin] {
            return Some(format!(
                "expected allowed, got access-control-allow-origin {acao:?}, refusal {:?}",
                res.refusal()
            ));
        }
        if res.refusal().is_some() {
            return Some(format!("allowed but refusal {:?}", res.refusal()));
        }
    } else {
        if !res.cors_headers().is_empty() {
            return Some(format!(
                "expected refused, got CORS headers {:?} (access-control-allow-origin {acao:?})",
                res.cors_headers()
            ));
        }
        if !refuses_origin(res.refusal()) {
            return Some(format!("refused but the refusal is {:?}", res.refusal()));
        }
    }
    None
}

// checklist: O1, O4, O5, A1, A4
#[tokio::test]
async fn origin_table() {
    let mut failures = Vec::new();
    for row in ROWS {
        let cors = CorsLayer::builder()
            .allow_origins(row.config)
            .record_decisions(true)
            .build()
            .unwrap_or_else(|e| panic!("{:?}: {e}", row.config));
        if let Some(why) = check(&cors, row.origin, row.allowed).await {
            failures.push(format!("{:?} / {:?}: {why}", row.config, row.origin));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

// checklist: O1, O4
#[tokio::test]
async fn exact_origins_and_patterns_combine() {
    let cors = CorsLayer::builder()
        .allow_origins([
            "https://example.com",
            "https://*.example.com",
            "http://localhost:*",
        ])
        .record_decisions(true)
        .build()
        .unwrap();
    for (origin, allowed) in [
        ("https://example.com", true),
        ("https://a.example.com", true),
        ("http://localhost:8080", true),
        ("http://localhost", false),
        ("https://example.com:8443", false),
        ("https://aexample.com", false),
    ] {
        assert_eq!(check(&cors, origin, allowed).await, None, "{origin}");
    }
}

// checklist: O3
#[tokio::test]
async fn null_is_never_allowed_by_an_explicit_list_without_opt_in() {
    let list = CorsLayer::builder()
        .allow_origins(["https://example.com", "https://*.example.com"])
        .record_decisions(true)
        .build()
        .unwrap();
    assert_eq!(check(&list, "null", false).await, None);

    // The opt-in alone allows nothing: "null" must be listed too.
    let opted_in_only = CorsLayer::builder()
        .allow_null_origin(true)
        .allow_origins(["https://example.com"])
        .record_decisions(true)
        .build()
        .unwrap();
    assert_eq!(check(&opted_in_only, "null", false).await, None);
    assert_eq!(
        check(&opted_in_only, "https://example.com", true).await,
        None
    );
}

// checklist: O3
#[tokio::test]
async fn null_is_allowed_when_opted_in_and_listed() {
    let cors = CorsLayer::builder()
        .allow_null_origin(true)
        .allow_origins(["null", "https://example.com"])
        .record_decisions(true)
        .build()
        .unwrap();
    assert_eq!(check(&cors, "null", true).await, None);
    assert_eq!(check(&cors, "https://example.com", true).await, None);
    for other in ["NULL", "Null", "null ", "nul", "https://evil.example"] {
        assert_eq!(check(&cors, other, false).await, None, "{other:?}");
    }
}

// checklist: O3
#[tokio::test]
async fn file_origin_is_allowed_when_opted_in_and_listed() {
    let cors = CorsLayer::builder()
        .allow_file_origin(true)
        .allow_origins(["file://"])
        .record_decisions(true)
        .build()
        .unwrap();
    assert_eq!(check(&cors, "file://", true).await, None);
    assert_eq!(check(&cors, "null", false).await, None);
    assert_eq!(check(&cors, "file:///etc/passwd", false).await, None);
}

// checklist: O3, A1
#[tokio::test]
async fn any_origin_answers_null_like_every_other_origin() {
    for cors in [
        CorsLayer::builder()
            .allow_any_origin()
            .record_decisions(true)
            .build()
            .unwrap(),
        CorsBuilder::gateway()
            .record_decisions(true)
            .build()
            .unwrap(),
    ] {
        // Browsers accept `*` for opaque origins; refusing `null` alone would
        // make the answer depend on the origin.
        for origin in [
            "null",
            "https://example.com",
            "chrome-extension://abc",
            "nul",
        ] {
            let (res, seen) = send(&cors, get_from(origin)).await;
            assert_eq!(seen.calls(), 1);
            assert_eq!(res.all("access-control-allow-origin"), ["*"], "{origin}");
            assert_eq!(res.refusal(), None);
        }
        let (res, seen) = send(&cors, preflight("null", "GET", None)).await;
        assert_eq!(seen.calls(), 0);
        assert!(res.status.is_success());
        assert_eq!(res.all("access-control-allow-origin"), ["*"]);
    }
}

// checklist: O4, O6, C4
#[tokio::test]
async fn hosts_longer_than_a_domain_name_never_match_a_pattern() {
    let cors = CorsLayer::builder()
        .allow_origins(["https://*.example.com"])
        .record_decisions(true)
        .build()
        .unwrap();
    let origin = |labels: usize| format!("https://{}example.com", "a.".repeat(labels));
    // 121 labels make a host of 253 bytes, the longest domain name.
    assert_eq!(check(&cors, &origin(121), true).await, None);
    assert_eq!(check(&cors, &origin(122), false).await, None);
    // Matching walks the labels once, so even a huge origin is refused at
    // once rather than tried against every suffix.
    assert_eq!(check(&cors, &origin(64_000), false).await, None);
    let bad_label = format!("https://{}A.example.com", "a.".repeat(64_000));
    assert_eq!(check(&cors, &bad_label, false).await, None);
}

// checklist: O6
#[tokio::test]
async fn ten_thousand_exact_origins_still_answer_correctly() {
    // Correctness only: speed is measured by the benchmarks.
    const N: usize = 10_000;
    let origins: Vec<String> = (0..N)
        .map(|i| format!("https://app{i}.example.com"))
        .collect();
    let cors = CorsLayer::builder()
        .allow_origins(&origins)
        .record_decisions(true)
        .build()
        .unwrap();
    assert_eq!(check(&cors, &origins[0], true).await, None, "first");
    assert_eq!(check(&cors, &origins[N / 2], true).await, None, "middle");
    assert_eq!(check(&cors, &origins[N - 1], true).await, None, "last");
    for absent in [
        format!("https://app{N}.example.com"),
        "https://app.example.com".to_owned(),
        "https://app1.example.com.".to_owned(),
        "https://app1.example.com/".to_owned(),
        "https://APP1.example.com".to_owned(),
    ] {
        assert_eq!(check(&cors, &absent, false).await, None, "{absent}");
    }
}

// checklist: O4, O6
// O6: patterns cost one map lookup per label of the host, whatever their
// number, so a policy with many subdomain patterns looks each suffix of the
// host up instead of comparing it with every pattern. What a pattern allows
// (O4) must not depend on how many others the policy lists.
#[tokio::test]
async fn many_subdomain_patterns_allow_what_few_allow() {
    const FEW: [&str; 2] = ["https://*.example.com", "http://*.localhost:*"];
    let many: Vec<String> = FEW
        .iter()
        .map(|&pattern| pattern.to_owned())
        .chain((0..30).map(|i| format!("https://*.site{i}.example.org")))
        .collect();
    let layer = |origins: &[String]| {
        CorsLayer::builder()
            .allow_origins(origins)
            .record_decisions(true)
            .build()
            .unwrap()
    };
    let few = layer(&FEW.map(str::to_owned));
    let many = layer(&many);
    let rows = [
        ("https://a.example.com", true),
        ("https://a.b.example.com", true),
        ("https://x-1.y_2.example.com", true),
        ("https://0.example.com", true),
        ("http://app.localhost:5173", true),
        ("http://a.b.localhost:3000", true),
        ("https://example.com", false),
        ("https://A.example.com", false),
        ("https://a.B.example.com", false),
        ("https://a.Example.com", false),
        ("https://a!.example.com", false),
        ("https://a b.example.com", false),
        ("https://.example.com", false),
        ("https://a..example.com", false),
        ("https://a.example.com.", false),
        ("https://aexample.com", false),
        ("https://a.example.com.evil.com", false),
        ("https://a.example.co", false),
        ("http://a.example.com", false),
        ("https://a.example.com:8443", false),
        ("http://app.localhost", false),
        ("http://app.localhost:080", false),
        ("http://localhost:5173", false),
        // Patterns only the larger policy lists.
        ("https://a.site7.example.org", false),
        ("https://a.site29.example.org", false),
    ];
    for (origin, allowed) in rows {
        assert_eq!(check(&few, origin, allowed).await, None, "few: {origin}");
    }
    for (origin, allowed) in rows {
        let allowed = allowed || origin.ends_with(".example.org");
        assert_eq!(check(&many, origin, allowed).await, None, "many: {origin}");
    }
    for (origin, allowed) in [
        ("https://a.b.site0.example.org", true),
        ("https://site7.example.org", false),
        ("https://a.site30.example.org", false),
        ("https://A.site7.example.org", false),
        ("https://a.site7.example.org:8443", false),
    ] {
        assert_eq!(check(&many, origin, allowed).await, None, "many: {origin}");
    }
}
