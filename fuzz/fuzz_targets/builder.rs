//! Builder input: any strings in every list, any flags and statuses.
//! `build()` never panics, and its errors display; a policy it accepts
//! answers a few requests without panicking, never with two
//! `Access-Control-Allow-Origin` values nor `*` beside credentials.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use http::header::{HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use libfuzzer_sys::fuzz_target;
use tower_cors::{CorsLayer, Precedence};
use tower_cors_fuzz::{request, send, values, Handler};

#[derive(Arbitrary, Debug)]
struct Input {
    origins: Vec<String>,
    any_origin: bool,
    methods: Vec<String>,
    any_method: bool,
    headers: Vec<String>,
    any_header: bool,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<u64>,
    preflight_status: u16,
    refusal_status: u16,
    layer_wins: bool,
    block: bool,
    null: bool,
    file: bool,
    insecure_with_credentials: bool,
    null_with_credentials: bool,
    private_network: bool,
    record: bool,
    debug: bool,
    protect: bool,
    bypass: Vec<String>,
    /// The origin of the requests sent through an accepted policy.
    probe_origin: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let mut builder = CorsLayer::builder()
        .allow_origins(input.origins.iter().map(String::as_str))
        .allow_methods(input.methods.iter().map(String::as_str))
        .allow_headers(input.headers.iter().map(String::as_str))
        .expose_headers(input.expose.iter().map(String::as_str))
        .allow_credentials(input.credentials)
        .precedence(if input.layer_wins { Precedence::LayerWins } else { Precedence::UpstreamWins })
        .block_disallowed_origins(input.block)
        .allow_null_origin(input.null)
        .allow_file_origin(input.file)
        .dangerously_allow_insecure_origins_with_credentials(input.insecure_with_credentials)
        .dangerously_allow_null_or_file_origin_with_credentials(input.null_with_credentials)
        .allow_private_network(input.private_network)
        .record_decisions(input.record)
        .cross_origin_protection(input.protect)
        .cross_origin_protection_bypass(input.bypass.iter().map(String::as_str))
        .debug(input.debug);
    if input.any_origin {
        builder = builder.allow_any_origin();
    }
    if input.any_method {
        builder = builder.allow_any_method();
    }
    if input.any_header {
        builder = builder.allow_any_header();
    }
    if let Some(secs) = input.max_age {
        builder = builder.max_age(Duration::from_secs(secs));
    }
    if let Ok(status) = StatusCode::from_u16(input.preflight_status) {
        builder = builder.preflight_status(status);
    }
    if let Ok(status) = StatusCode::from_u16(input.refusal_status) {
        builder = builder.refusal_status(status);
    }
    let cors = match builder.build() {
        Ok(cors) => cors,
        Err(err) => {
            assert!(!err.errors().is_empty());
            let _ = err.to_string();
            for e in err.errors() {
                let _ = e.to_string();
            }
            return;
        }
    };

    let handler = Handler::new(StatusCode::OK, HeaderMap::new());
    let origins: Vec<HeaderValue> = [
        HeaderValue::from_bytes(&input.probe_origin).ok(),
        input.origins.first().and_then(|o| HeaderValue::from_str(o).ok()),
        Some(HeaderValue::from_static("null")),
    ]
    .into_iter()
    .flatten()
    .collect();
    for origin in origins {
        let mut get = HeaderMap::new();
        get.insert("origin", origin.clone());
        let mut preflight = get.clone();
        let method = input.methods.first().map(String::as_str).unwrap_or("PUT");
        if let Ok(method) = HeaderValue::from_str(method) {
            preflight.insert("access-control-request-method", method);
        }
        let names = input.headers.join(",");
        if let Ok(names) = HeaderValue::from_str(&names) {
            preflight.insert("access-control-request-headers", names);
        }
        preflight.insert("access-control-request-private-network", HeaderValue::from_static("true"));
        for (method, headers) in [(Method::GET, get), (Method::OPTIONS, preflight)] {
            let (_, answer) = send(&cors, &handler, request(method, headers));
            let acao = values(&answer, &http::header::ACCESS_CONTROL_ALLOW_ORIGIN);
            assert!(acao.len() <= 1, "{acao:?}");
            let credentials = !values(&answer, &http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_empty();
            assert!(!(credentials && acao == [b"*"]), "* with credentials");
            if let Some(value) = acao.first() {
                assert!(*value == b"*" || *value == origin.as_bytes(), "answered another origin");
            }
        }
    }
});
