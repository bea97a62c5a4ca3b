//! Properties that hold for every request: no panic, and the answer is
//! always well-formed.

mod common;

use bytes::Bytes;
use common::*;
use http::{HeaderValue, Method, Request};
use http_body_util::Full;
use proptest::prelude::*;
use tower_cors::CorsLayer;

fn policy(credentials: bool) -> CorsLayer {
    let builder = CorsLayer::builder()
        .allow_origins(["https://app.example.com", "http://localhost:3000"])
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"]);
    builder.allow_credentials(credentials).build().unwrap()
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        Just(b"https://app.example.com".to_vec()),
        Just(b"PUT".to_vec()),
        Just(b"content-type, X-Custom,,".to_vec()),
    ]
}

fn build_request(
    method: &str,
    origin: Option<Vec<u8>>,
    acrm: Option<Vec<u8>>,
    acrh: Vec<Vec<u8>>,
) -> Option<Request<Full<Bytes>>> {
    let mut req = Request::new(Full::new(Bytes::new()));
    *req.method_mut() = Method::from_bytes(method.as_bytes()).ok()?;
    let headers = req.headers_mut();
    if let Some(origin) = origin {
        headers.insert("origin", HeaderValue::from_bytes(&origin).ok()?);
    }
    if let Some(acrm) = acrm {
        headers.insert(
            "access-control-request-method",
            HeaderValue::from_bytes(&acrm).ok()?,
        );
    }
    for line in acrh {
        headers.append(
            "access-control-request-headers",
            HeaderValue::from_bytes(&line).ok()?,
        );
    }
    Some(req)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    // checklist: C1, P7, A2, A7
    #[test]
    fn every_request_gets_a_well_formed_answer(
        method in prop_oneof![Just("GET"), Just("OPTIONS"), Just("PUT"), Just("patch")],
        origin in proptest::option::of(header_value()),
        acrm in proptest::option::of(header_value()),
        acrh in proptest::collection::vec(header_value(), 0..3),
        credentials in any::<bool>(),
    ) {
        let Some(req) = build_request(method, origin, acrm, acrh) else {
            return Ok(());
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (res, seen) = runtime.block_on(send(&policy(credentials), req));
        let acao = res.all("access-control-allow-origin");
        prop_assert!(acao.len() <= 1);
        if res.status.is_client_error() {
            prop_assert!(res.cors_headers().is_empty());
            prop_assert_eq!(seen.calls(), 0);
        }
        if let Some(origin) = acao.first() {
            prop_assert!(*origin == "https://app.example.com" || *origin == "http://localhost:3000");
        }
        if res.header("access-control-allow-credentials").is_some() {
            prop_assert!(credentials);
            prop_assert_eq!(acao.len(), 1);
        }
        prop_assert_eq!(res.all("vary"), ["Origin"]);
    }
}
