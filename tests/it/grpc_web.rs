//! The layer around a real tonic gRPC service, as `examples/grpc_web.rs`
//! sets it up: tonic's server with HTTP/1.1 accepted, this crate's layer
//! (the `grpc_web` preset) outside `tonic-web`'s gRPC-web translation, and
//! tonic's ready-made health service. Each test serves it on 127.0.0.1 on a
//! port the system picks and talks to it over real TCP with hyper-util's
//! HTTP/1.1 client, as a browser at another origin would: a preflight, then
//! the gRPC-web call. Every test is bounded by a timeout and stops its
//! server at the end.
//!
//! That it compiles is part of checklist M1: the layer asks nothing of the
//! inner response body (no `ResBody: Default`). tonic 0.14's body happens to
//! implement `Default`; the layer would not need it to.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::{
    bounded, client, fetch, local_listener, request_to, vary_tokens, Answer, HttpClient, TestServer,
};
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::HealthService;
use tonic_web::GrpcWebLayer;
use tower::util::MapRequestLayer;
use tower_cors::CorsBuilder;

/// The web app allowed to call the service.
const APP: &str = "http://localhost:8080";
/// An origin the policy does not allow.
const EVIL: &str = "https://evil.example";

const CHECK: &str = "/grpc.health.v1.Health/Check";
const GRPC_WEB_PROTO: &str = "application/grpc-web+proto";
/// The request headers a gRPC-web client sends, as a browser lists them in
/// `Access-Control-Request-Headers`: lowercase, sorted, comma-separated.
const REQUESTED_HEADERS: &str = "content-type,x-grpc-web,x-user-agent";
/// A gRPC message frame header (flag 0, length 0): an empty
/// `HealthCheckRequest`, which asks about the whole server.
const EMPTY_REQUEST: [u8; 5] = [0; 5];
/// A `HealthCheckResponse` with field 1 (`status`, a varint) = 1, SERVING.
const SERVING: [u8; 2] = [0x08, 0x01];

/// A running server and the count of requests that reached the gRPC
/// services.
struct GrpcServer {
    server: TestServer,
    calls: Arc<AtomicUsize>,
}

impl GrpcServer {
    /// The example's setup, plus a counter between gRPC-web and the
    /// services, to tell whether a request got past the CORS layer.
    async fn start() -> GrpcServer {
        let cors = CorsBuilder::grpc_web()
            .allow_origins([APP])
            .build()
            .expect("the policy is valid");
        let (reporter, health) = tonic_health::server::health_reporter();
        reporter.set_serving::<HealthServer<HealthService>>().await;

        let calls = Arc::new(AtomicUsize::new(0));
        let counter = {
            let calls = Arc::clone(&calls);
            MapRequestLayer::new(move |req: Request<tonic::body::Body>| {
                calls.fetch_add(1, Ordering::SeqCst);
                req
            })
        };

        let (listener, addr) = local_listener().await;
        let router = Server::builder()
            .accept_http1(true)
            .layer(cors)
            .layer(GrpcWebLayer::new())
            .layer(counter)
            .add_service(health);
        let server = TestServer::spawn(addr, |stopped| async move {
            router
                .serve_with_incoming_shutdown(TcpIncoming::from(listener), async move {
                    let _ = stopped.await;
                })
                .await
                .expect("the server ended without error");
        });
        GrpcServer { server, calls }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Stops accepting, lets open connections finish, and waits for the
    /// server to end.
    async fn stop(self, client: HttpClient) {
        // The client's pooled keep-alive connections would hold the
        // graceful shutdown open.
        drop(client);
        self.server.stop().await;
    }
}

/// What a browser at `origin` sends before a gRPC-web call.
fn preflight(server: &GrpcServer, origin: &str) -> Request<Full<Bytes>> {
    request_to(
        "OPTIONS",
        &server.url(CHECK),
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", REQUESTED_HEADERS),
            ("accept", "*/*"),
            ("sec-fetch-mode", "cors"),
            ("sec-fetch-site", "cross-site"),
            ("user-agent", "Mozilla/5.0 (tower-cors test)"),
        ],
    )
}

/// The gRPC-web call `Health/Check` with an empty request, from `origin`
/// (or without an `Origin` header).
fn check_call(server: &GrpcServer, origin: Option<&str>) -> Request<Full<Bytes>> {
    let mut headers = vec![
        ("content-type", GRPC_WEB_PROTO),
        ("x-grpc-web", "1"),
        ("x-user-agent", "grpc-web-javascript/0.1"),
        ("accept", GRPC_WEB_PROTO),
    ];
    if let Some(origin) = origin {
        headers.push(("origin", origin));
    }
    let mut req = request_to("POST", &server.url(CHECK), &headers);
    *req.body_mut() = Full::new(Bytes::from_static(&EMPTY_REQUEST));
    req
}

fn assert_no_cors_headers(res: &Answer) {
    assert!(
        res.cors_headers().is_empty(),
        "unexpected CORS headers {:?} in {:?}",
        res.cors_headers(),
        res.headers
    );
}

fn assert_varies_on_origin(res: &Answer) {
    assert!(
        vary_tokens(res).contains(&"origin".to_owned()),
        "no `Vary: Origin` in {:?}",
        res.headers
    );
}

/// A decoded gRPC-web response body: the messages and the trailers.
struct GrpcWebBody {
    messages: Vec<Bytes>,
    trailers: Vec<(String, String)>,
}

impl GrpcWebBody {
    /// Splits a `application/grpc-web+proto` body into its frames: a flag
    /// byte (0x00 a message, 0x80 the trailers), a 4-byte big-endian length,
    /// the payload. The trailers frame is an HTTP/1 header block.
    fn decode(mut body: Bytes) -> GrpcWebBody {
        let mut messages = Vec::new();
        let mut trailers = None;
        while !body.is_empty() {
            assert!(body.len() >= 5, "a truncated frame header: {body:?}");
            let header = body.split_to(5);
            let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]);
            let len = usize::try_from(len).expect("a frame length that fits");
            assert!(body.len() >= len, "a truncated frame: {body:?}");
            let payload = body.split_to(len);
            match header[0] {
                0x00 => {
                    assert!(trailers.is_none(), "a message after the trailers");
                    messages.push(payload);
                }
                0x80 => {
                    assert!(trailers.is_none(), "two trailers frames");
                    let block = std::str::from_utf8(&payload).expect("ASCII trailers");
                    let fields = block
                        .split("\r\n")
                        .filter(|line| !line.is_empty())
                        .map(|line| {
                            let (name, value) = line.split_once(':').expect("`name:value`");
                            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
                        })
                        .collect();
                    trailers = Some(fields);
                }
                flag => panic!("an unexpected frame flag {flag:#04x}"),
            }
        }
        GrpcWebBody {
            messages,
            trailers: trailers.expect("a trailers frame"),
        }
    }

    fn trailer(&self, name: &str) -> Option<&str> {
        self.trailers
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The body of a successful `Health/Check`: one message saying SERVING,
/// then `grpc-status: 0` in the trailers frame.
fn assert_serving(body: Bytes) {
    let body = GrpcWebBody::decode(body);
    assert_eq!(body.messages, [Bytes::from_static(&SERVING)]);
    assert_eq!(
        body.trailer("grpc-status"),
        Some("0"),
        "{:?}",
        body.trailers
    );
}

// checklist: M1, K2, P1, P2, P4
#[tokio::test]
async fn browser_preflight_is_answered_by_the_layer() {
    bounded(async {
        let server = GrpcServer::start().await;
        let client = client();

        let res = fetch(&client, preflight(&server, APP)).await;

        assert_eq!(res.status, StatusCode::NO_CONTENT);
        assert!(res.body.is_empty());
        // `header` also asserts that there is a single line.
        assert_eq!(res.header("access-control-allow-origin"), Some(APP));
        let allowed = res.tokens("access-control-allow-headers");
        for name in REQUESTED_HEADERS.split(',') {
            assert!(
                allowed.contains(&name.to_owned()),
                "{name} not in {allowed:?}"
            );
        }
        assert_eq!(res.header("access-control-allow-credentials"), None);
        assert_varies_on_origin(&res);
        assert_eq!(server.calls(), 0, "the preflight reached the gRPC service");

        server.stop(client).await;
    })
    .await;
}

// checklist: M1, A1, A3, A5, A8
#[tokio::test]
async fn grpc_web_call_from_the_app_gets_cors_headers_and_the_answer() {
    bounded(async {
        let server = GrpcServer::start().await;
        let client = client();

        // What a browser does: the preflight, then the call.
        let preflight_res = fetch(&client, preflight(&server, APP)).await;
        assert_eq!(preflight_res.status, StatusCode::NO_CONTENT);
        let res = fetch(&client, check_call(&server, Some(APP))).await;

        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("content-type"), Some(GRPC_WEB_PROTO));
        assert_eq!(res.header("access-control-allow-origin"), Some(APP));
        let exposed = res.tokens("access-control-expose-headers");
        for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
            assert!(
                exposed.contains(&name.to_owned()),
                "{name} not in {exposed:?}"
            );
        }
        assert_varies_on_origin(&res);
        assert_serving(res.body);
        assert_eq!(server.calls(), 1);

        server.stop(client).await;
    })
    .await;
}

// checklist: M1, A4, A5
#[tokio::test]
async fn grpc_web_call_from_a_disallowed_origin_is_answered_without_cors_headers() {
    bounded(async {
        let server = GrpcServer::start().await;
        let client = client();

        let res = fetch(&client, check_call(&server, Some(EVIL))).await;

        // The service still answers; the browser withholds the answer from
        // the page because no CORS header allows it.
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.header("content-type"), Some(GRPC_WEB_PROTO));
        assert_no_cors_headers(&res);
        assert_varies_on_origin(&res);
        assert_serving(res.body);
        assert_eq!(server.calls(), 1);

        server.stop(client).await;
    })
    .await;
}

// checklist: M1, P1, P7, A5
#[tokio::test]
async fn preflight_from_a_disallowed_origin_is_refused() {
    bounded(async {
        let server = GrpcServer::start().await;
        let client = client();

        let res = fetch(&client, preflight(&server, EVIL)).await;

        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.body.is_empty());
        assert_no_cors_headers(&res);
        assert_varies_on_origin(&res);
        assert_eq!(server.calls(), 0, "the preflight reached the gRPC service");

        server.stop(client).await;
    })
    .await;
}

// checklist: M1, K1, A5
#[tokio::test]
async fn grpc_web_call_without_origin_is_not_cors() {
    bounded(async {
        let server = GrpcServer::start().await;
        let client = client();

        let res = fetch(&client, check_call(&server, None)).await;

        assert_eq!(res.status, StatusCode::OK);
        assert_no_cors_headers(&res);
        assert_varies_on_origin(&res);
        assert_serving(res.body);
        assert_eq!(server.calls(), 1);

        server.stop(client).await;
    })
    .await;
}
