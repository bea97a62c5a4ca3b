//! The whole layer over arbitrary methods, request header maps and
//! upstream responses, under a few policies: no panic; a preflight never
//! reaches the handler; the handler's headers arrive with their values
//! (upstream wins); the layer never adds a second
//! `Access-Control-Allow-Origin`, never echoes an origin it was not sent,
//! and never sets `*` beside credentials that the handler did not send.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use tower_cors::{CorsBuilder, CorsLayer, Precedence};
use tower_cors_fuzz::{request, send, values, Handler};

/// Names the input picks from (index), or writes itself.
const NAMES: [&str; 14] = [
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "access-control-request-private-network",
    "sec-fetch-site",
    "content-type",
    "authorization",
    "vary",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-expose-headers",
    "x-custom",
    "host",
    "upgrade",
];

/// Where requests go: an absolute URI (its authority is the request's
/// host), and paths, one of them under each of the protected policy's
/// bypasses, whose host is the `host` header.
const URIS: [&str; 4] = ["http://api.example.net/r", "/r", "/webhooks/x", "/tenants/1/callback"];

#[derive(Arbitrary, Debug)]
struct Input {
    policy: u8,
    /// Which of [`URIS`] the request goes to.
    uri: u8,
    method: Vec<u8>,
    request: Vec<(u8, Vec<u8>, Vec<u8>)>,
    status: u16,
    upstream: Vec<(u8, Vec<u8>, Vec<u8>)>,
}

fn policies() -> &'static [CorsLayer] {
    static POLICIES: OnceLock<Vec<CorsLayer>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let listed = || {
            CorsLayer::builder()
                .allow_origins(["https://app.example.com", "https://*.example.com", "http://localhost:*"])
                .allow_methods(["PUT", "PATCH"])
                .allow_headers(["content-type", "x-custom"])
                .expose_headers(["x-request-id"])
                .allow_credentials(true)
        };
        vec![
            CorsLayer::gateway(),
            listed().build().unwrap(),
            listed().precedence(Precedence::LayerWins).build().unwrap(),
            listed().block_disallowed_origins(true).record_decisions(true).build().unwrap(),
            listed().allow_any_method().allow_any_header().allow_private_network(true).build().unwrap(),
            CorsBuilder::grpc_web().allow_origins(["https://app.example.com"]).build().unwrap(),
            CorsLayer::builder()
                .allow_any_origin()
                .allow_headers(["*", "authorization"])
                .expose_any_header()
                .build()
                .unwrap(),
            listed()
                .cross_origin_protection(true)
                .cross_origin_protection_bypass(["/webhooks", "/tenants/*/callback"])
                .record_decisions(true)
                .build()
                .unwrap(),
        ]
    })
}

fn header_map(entries: &[(u8, Vec<u8>, Vec<u8>)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (pick, name, value) in entries.iter().take(32) {
        let name = match NAMES.get(usize::from(*pick)) {
            Some(known) => HeaderName::from_static(known),
            None => match HeaderName::from_bytes(name) {
                Ok(name) => name,
                Err(_) => continue,
            },
        };
        if let Ok(value) = HeaderValue::from_bytes(value) {
            map.append(name, value);
        }
    }
    map
}

fuzz_target!(|input: Input| {
    let policies = policies();
    let index = usize::from(input.policy) % policies.len();
    let cors = &policies[index];
    let Ok(method) = Method::from_bytes(&input.method) else {
        return;
    };
    let req_headers = header_map(&input.request);
    let up_headers = header_map(&input.upstream);
    let status = StatusCode::from_u16(input.status).unwrap_or(StatusCode::OK);
    let handler = Handler::new(status, up_headers.clone());
    let preflight = method == Method::OPTIONS
        && req_headers.contains_key("origin")
        && req_headers.contains_key("access-control-request-method");
    let origin = req_headers.get("origin").cloned();

    let mut req = request(method, req_headers);
    *req.uri_mut() = http::Uri::from_static(URIS[usize::from(input.uri) % URIS.len()]);
    let (res_status, res) = send(cors, &handler, req);
    let acao = values(&res, &http::header::ACCESS_CONTROL_ALLOW_ORIGIN);
    let acac = values(&res, &http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
    if preflight {
        assert_eq!(handler.calls(), 0, "the handler answered a preflight");
        assert!(acao.len() <= 1);
        if let Some(value) = acao.first() {
            assert!(*value == b"*" || Some(*value) == origin.as_ref().map(HeaderValue::as_bytes));
            assert!(!(*value == b"*" && !acac.is_empty()));
        }
        return;
    }
    if handler.calls() == 0 {
        // Blocked by the policy that blocks refused origins, or by the one
        // with cross-origin protection.
        assert!(index == 3 || index == 7, "the handler was not called");
        assert!(res_status.is_client_error());
        assert!(acao.is_empty() && acac.is_empty());
        return;
    }
    assert_eq!(res_status, status);
    let upstream_wins = index != 2;
    let up_acao = values(&up_headers, &http::header::ACCESS_CONTROL_ALLOW_ORIGIN);
    let up_acac = values(&up_headers, &http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
    for name in up_headers.keys() {
        if name == http::header::VARY || (!upstream_wins && name.as_str().starts_with("access-control-")) {
            continue;
        }
        assert_eq!(values(&res, name), values(&up_headers, name), "{name} changed");
    }
    let (up_acao, up_acac) = if upstream_wins { (up_acao, up_acac) } else { (Vec::new(), Vec::new()) };
    if acao != up_acao {
        // The layer's own.
        assert!(up_acao.is_empty());
        assert_eq!(acao.len(), 1);
        assert!(acao[0] == b"*" || Some(acao[0]) == origin.as_ref().map(HeaderValue::as_bytes));
    }
    if acac != up_acac {
        assert!(acao.len() == 1 && acao[0] != b"*", "credentials beside {acao:?}");
    }
    // Vary keeps every token of the handler.
    let tokens = |lines: Vec<&[u8]>| -> Vec<Vec<u8>> {
        lines
            .iter()
            .flat_map(|l| l.split(|&b| b == b','))
            .map(|t| t.trim_ascii().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    };
    let after = tokens(values(&res, &http::header::VARY));
    for token in tokens(values(&up_headers, &http::header::VARY)) {
        assert!(after.contains(&token), "Vary lost {token:?}");
    }
});
