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

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use common::{bounded, client, HttpClient};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    CONTENT_TYPE, ORIGIN, VARY,
};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
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

/// A running server, the count of requests that reached the gRPC services,
/// and the means to stop it.
struct GrpcServer {
    addr: SocketAddr,
    calls: Arc<AtomicUsize>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), tonic::transport::Error>>,
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

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let router = Server::builder()
            .accept_http1(true)
            .layer(cors)
            .layer(GrpcWebLayer::new())
            .layer(counter)
            .add_service(health);
        let task = tokio::spawn(router.serve_with_incoming_shutdown(
            TcpIncoming::from(listener),
            async move {
                let _ = stopped.await;
            },
        ));
        GrpcServer {
            addr,
            calls,
            stop,
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
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
        let _ = self.stop.send(());
        self.task
            .await
            .expect("the server task did not panic")
            .expect("the server ended without error");
    }
}

/// What a browser at `origin` sends before a gRPC-web call.
fn preflight(server: &GrpcServer, origin: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(server.url(CHECK))
        .header(ORIGIN, origin)
        .header(ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(ACCESS_CONTROL_REQUEST_HEADERS, REQUESTED_HEADERS)
        .header("accept", "*/*")
        .header("sec-fetch-mode", "cors")
        .header("sec-fetch-site", "cross-site")
        .header("user-agent", "Mozilla/5.0 (tower-cors test)")
        .body(Full::new(Bytes::new()))
        .expect("valid request")
}

/// The gRPC-web call `Health/Check` with an empty request, from `origin`
/// (or without an `Origin` header).
fn check_call(server: &GrpcServer, origin: Option<&str>) -> Request<Full<Bytes>> {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(server.url(CHECK))
        .header(CONTENT_TYPE, GRPC_WEB_PROTO)
        .header("x-grpc-web", "1")
        .header("x-user-agent", "grpc-web-javascript/0.1")
        .header("accept", GRPC_WEB_PROTO);
    if let Some(origin) = origin {
        req = req.header(ORIGIN, origin);
    }
    req.body(Full::new(Bytes::from_static(&EMPTY_REQUEST)))
        .expect("valid request")
}

async fn send(client: &HttpClient, req: Request<Full<Bytes>>) -> (Response<()>, Bytes) {
    let res: Response<Incoming> = client.request(req).await.expect("the server answers");
    let (parts, body) = res.into_parts();
    let body = body.collect().await.expect("the whole body").to_bytes();
    (Response::from_parts(parts, ()), body)
}

/// The comma-separated elements of every `name` field line, lowercased.
fn list(headers: &HeaderMap, name: http::header::HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|value| value.to_str().expect("a visible ASCII value").split(','))
        .map(|element| element.trim().to_ascii_lowercase())
        .filter(|element| !element.is_empty())
        .collect()
}

fn assert_no_cors_headers(headers: &HeaderMap) {
    let cors: Vec<_> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .collect();
    assert!(
        cors.is_empty(),
        "unexpected CORS headers {cors:?} in {headers:?}"
    );
}

fn assert_varies_on_origin(headers: &HeaderMap) {
    assert!(
        list(headers, VARY).contains(&"origin".to_owned()),
        "no `Vary: Origin` in {headers:?}"
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

        let (res, body) = send(&client, preflight(&server, APP)).await;

        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert!(body.is_empty());
        let headers = res.headers();
        assert_eq!(headers[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert_eq!(
            headers.get_all(ACCESS_CONTROL_ALLOW_ORIGIN).iter().count(),
            1
        );
        let allowed = list(headers, ACCESS_CONTROL_ALLOW_HEADERS);
        for name in REQUESTED_HEADERS.split(',') {
            assert!(
                allowed.contains(&name.to_owned()),
                "{name} not in {allowed:?}"
            );
        }
        assert!(headers.get(ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
        assert_varies_on_origin(headers);
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
        let (preflight_res, _) = send(&client, preflight(&server, APP)).await;
        assert_eq!(preflight_res.status(), StatusCode::NO_CONTENT);
        let (res, body) = send(&client, check_call(&server, Some(APP))).await;

        assert_eq!(res.status(), StatusCode::OK);
        let headers = res.headers();
        assert_eq!(headers[CONTENT_TYPE], GRPC_WEB_PROTO);
        assert_eq!(headers[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
        assert_eq!(
            headers.get_all(ACCESS_CONTROL_ALLOW_ORIGIN).iter().count(),
            1
        );
        let exposed = list(headers, ACCESS_CONTROL_EXPOSE_HEADERS);
        for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
            assert!(
                exposed.contains(&name.to_owned()),
                "{name} not in {exposed:?}"
            );
        }
        assert_varies_on_origin(headers);
        assert_serving(body);
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

        let (res, body) = send(&client, check_call(&server, Some(EVIL))).await;

        // The service still answers; the browser withholds the answer from
        // the page because no CORS header allows it.
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[CONTENT_TYPE], GRPC_WEB_PROTO);
        assert_no_cors_headers(res.headers());
        assert_varies_on_origin(res.headers());
        assert_serving(body);
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

        let (res, body) = send(&client, preflight(&server, EVIL)).await;

        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(body.is_empty());
        assert_no_cors_headers(res.headers());
        assert_varies_on_origin(res.headers());
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

        let (res, body) = send(&client, check_call(&server, None)).await;

        assert_eq!(res.status(), StatusCode::OK);
        assert_no_cors_headers(res.headers());
        assert_varies_on_origin(res.headers());
        assert_serving(body);
        assert_eq!(server.calls(), 1);

        server.stop(client).await;
    })
    .await;
}
