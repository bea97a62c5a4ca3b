//! Any `Origin` bytes against exact origins and patterns: no panic, and
//! the layer allows exactly what the guide's matching rules allow (byte
//! for byte for exact origins; whole lowercase labels for `*.`; a port as
//! browsers write it for `:*`), the same with a few patterns (compared
//! one by one) as with many (looked up by suffix).
#![no_main]

use http::HeaderValue;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower_cors::CorsLayer;
use tower_cors_fuzz::{assert_answer, get_from, send, Handler};
// The oracle `tests/it/policy_properties.rs` uses too.
use tower_cors_test_support::origin_matching::{localhost_any_port, subdomain_of};

const EXACT: [&str; 5] = [
    "https://app.example.com",
    "http://localhost:3000",
    "chrome-extension://abcdefghijklmnop",
    "http://[::1]:8080",
    "https://example.com.",
];

struct Policies {
    exact: CorsLayer,
    few_patterns: CorsLayer,
    many_patterns: CorsLayer,
}

fn policies() -> &'static Policies {
    static POLICIES: OnceLock<Policies> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let many: Vec<String> = (0..12)
            .map(|i| format!("https://*.d{i}.test"))
            .chain(["https://*.example.com".to_owned(), "http://localhost:*".to_owned()])
            .collect();
        Policies {
            exact: CorsLayer::builder().allow_origins(EXACT).build().unwrap(),
            few_patterns: CorsLayer::builder()
                .allow_origins(["https://*.example.com", "http://localhost:*", "https://*.example.org:8443"])
                .build()
                .unwrap(),
            many_patterns: CorsLayer::builder().allow_origins(many).build().unwrap(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(origin) = HeaderValue::from_bytes(data) else {
        return;
    };
    let handler = Handler::new(http::StatusCode::OK, http::HeaderMap::new());
    let p = policies();

    let (_, headers) = send(&p.exact, &handler, get_from(origin.clone()));
    let allowed = EXACT.iter().any(|e| e.as_bytes() == data);
    assert_answer(data, allowed, false, &headers);

    let (_, headers) = send(&p.few_patterns, &handler, get_from(origin.clone()));
    let example_com = subdomain_of(data, b"https://", b"example.com").is_some_and(|p| p.is_empty());
    let allowed = example_com
        || localhost_any_port(data)
        || subdomain_of(data, b"https://", b"example.org").is_some_and(|p| p == b":8443");
    assert_answer(data, allowed, false, &headers);

    let (_, headers) = send(&p.many_patterns, &handler, get_from(origin));
    let allowed = example_com
        || localhost_any_port(data)
        || (0..12).any(|i| {
            subdomain_of(data, b"https://", format!("d{i}.test").as_bytes()).is_some_and(|p| p.is_empty())
        });
    assert_answer(data, allowed, false, &headers);
});
