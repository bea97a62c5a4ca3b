//! The layer over real TCP: axum's `Router::layer` and `route_layer`, and a
//! plain hyper 1 server, each listening on 127.0.0.1 on a port the system
//! picks, driven by hyper-util's HTTP/1.1 client. Every test is bounded by a
//! timeout and stops its server at the end.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{
    assert_gateway_preflight_headers, bounded, client, fetch, local_listener, preflight_to,
    request_to, serve_axum, TestServer, ANY_ORIGIN_PREFLIGHT_VARY, PREFLIGHT_VARY, SEED_ORIGIN,
};
use axum::routing::get;
use axum::{Extension, Router};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, Version};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceBuilder;
use tower_cors::{CorsBuilder, CorsLayer, RequestKind};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example.net";

/// The body of every handler, to tell its answers from the layer's.
const HANDLER_BODY: &str = "handler";
/// The response header in which handlers report the `RequestKind` they saw.
const KIND: &str = "x-kind";

/// How many times the handlers ran.
#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

impl Calls {
    fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The policy of the axum tests: one origin, credentials, a few methods and
/// headers, and the default status of accepted preflights (204). It records
/// its decisions, so that the handlers can report the `RequestKind`.
fn app_policy() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT, Method::DELETE])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .record_decisions(true)
}

/// `/items` with `GET`, `PUT` and `OPTIONS` handlers that count their calls
/// and report the `RequestKind` the layer put into the request.
fn items_routes(calls: &Calls) -> Router {
    let calls = calls.clone();
    let handler = move |kind: Option<Extension<RequestKind>>| {
        calls.hit();
        let kind = kind.map_or_else(|| "none".to_owned(), |Extension(k)| format!("{k:?}"));
        async move { ([(KIND, kind)], HANDLER_BODY) }
    };
    Router::new().route(
        "/items",
        get(handler.clone()).put(handler.clone()).options(handler),
    )
}

/// What both axum tests check, whichever way the layer is applied.
async fn check_app_policy(server: &TestServer, calls: &Calls, preflight_status: StatusCode) {
    let client = client();
    let items = server.url("/items");

    // checklist: P1, P2, P4, A2, M1
    let res = fetch(
        &client,
        preflight_to(&items, APP, "PUT", Some("X-Custom, content-type")),
    )
    .await;
    assert_eq!(res.version, Version::HTTP_11);
    assert_eq!(res.status, preflight_status);
    assert_eq!(calls.get(), 0, "the handler ran for a preflight");
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("PUT,DELETE")
    );
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("content-type,x-custom")
    );
    assert_eq!(res.header("access-control-max-age"), Some("600"));
    assert_eq!(res.header("vary"), Some(PREFLIGHT_VARY));
    assert!(res.body.is_empty());
    if preflight_status == StatusCode::NO_CONTENT {
        assert_eq!(res.header("content-length"), None);
    } else {
        assert_eq!(res.header("content-length"), Some("0"));
    }

    // checklist: A1, A2, A3, A5, K4
    let res = fetch(
        &client,
        request_to(
            "PUT",
            &items,
            &[("origin", APP), ("content-type", "application/json")],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(calls.get(), 1);
    assert_eq!(res.text(), HANDLER_BODY);
    assert_eq!(res.header(KIND), Some("NotSoSimple"));
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some("x-request-id")
    );
    assert_eq!(res.header("vary"), Some("Origin"));

    // checklist: K2, K4
    let res = fetch(&client, request_to("OPTIONS", &items, &[("origin", APP)])).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        calls.get(),
        2,
        "an OPTIONS without ACRM must reach the handler"
    );
    assert_eq!(res.text(), HANDLER_BODY);
    assert_eq!(res.header(KIND), Some("NotSoSimple"));
    assert_eq!(res.header("access-control-allow-origin"), Some(APP));

    let res = fetch(&client, request_to("OPTIONS", &items, &[])).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(calls.get(), 3);
    assert_eq!(res.header(KIND), Some("NotCors"));
    assert_eq!(res.cors_headers(), Vec::<String>::new());

    // checklist: P7, P1
    let res = fetch(&client, preflight_to(&items, EVIL, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.cors_headers(), Vec::<String>::new());
    assert!(res.body.is_empty());
    // checklist: P3, P7
    let res = fetch(&client, preflight_to(&items, APP, "PATCH", None)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.cors_headers(), Vec::<String>::new());
    // checklist: P4, P7
    let res = fetch(
        &client,
        preflight_to(&items, APP, "PUT", Some("content-type, x-other")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.cors_headers(), Vec::<String>::new());
    assert_eq!(calls.get(), 3, "the handler ran for a refused preflight");

    // checklist: A4, A5
    let res = fetch(&client, request_to("GET", &items, &[("origin", EVIL)])).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(calls.get(), 4);
    assert_eq!(res.text(), HANDLER_BODY);
    assert_eq!(res.cors_headers(), Vec::<String>::new());
    assert_eq!(res.header("vary"), Some("Origin"));
}

// checklist: M1
#[tokio::test]
async fn axum_router_layer() {
    bounded(async {
        let calls = Calls::default();
        let app = items_routes(&calls).layer(app_policy().build().unwrap());
        let server = serve_axum(app).await;

        check_app_policy(&server, &calls, StatusCode::NO_CONTENT).await;

        server.stop().await;
    })
    .await;
}

// checklist: M1
#[tokio::test]
async fn axum_route_layer() {
    bounded(async {
        let calls = Calls::default();
        let policy = app_policy()
            .preflight_status(StatusCode::OK)
            .build()
            .unwrap();
        let app = items_routes(&calls).route_layer(policy);
        let server = serve_axum(app).await;

        check_app_policy(&server, &calls, StatusCode::OK).await;

        // `route_layer` runs only for requests that match a route: elsewhere
        // axum answers 404 on its own, without CORS headers.
        let res = fetch(
            &client(),
            preflight_to(&server.url("/nowhere"), APP, "PUT", None),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(res.cors_headers(), Vec::<String>::new());

        server.stop().await;
    })
    .await;
}

/// A plain hyper 1 server: a tower handler behind the gateway preset
/// (recording its decisions, so that the handler can report the
/// `RequestKind`), bridged with `TowerToHyperService`, one task per connection; on stop,
/// open connections are shut down gracefully.
async fn serve_hyper(calls: &Calls) -> TestServer {
    let calls = calls.clone();
    let handler = tower::service_fn(move |req: Request<hyper::body::Incoming>| {
        calls.hit();
        let kind = req
            .extensions()
            .get::<RequestKind>()
            .map_or_else(|| "none".to_owned(), |k| format!("{k:?}"));
        async move {
            let res = Response::builder()
                .header(KIND, kind)
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(HANDLER_BODY.as_bytes())))
                .unwrap();
            Ok::<_, Infallible>(res)
        }
    });
    let service = ServiceBuilder::new()
        .layer(
            CorsBuilder::gateway()
                .record_decisions(true)
                .build()
                .unwrap(),
        )
        .service(handler);

    let (listener, addr) = local_listener().await;
    TestServer::spawn(addr, |mut stopped| async move {
        let (closing, closed) = watch::channel(false);
        let mut connections = JoinSet::new();
        loop {
            let stream = tokio::select! {
                accepted = listener.accept() => accepted.unwrap().0,
                _ = &mut stopped => break,
            };
            let service = TowerToHyperService::new(service.clone());
            let mut closed = closed.clone();
            connections.spawn(async move {
                let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                tokio::pin!(conn);
                tokio::select! {
                    res = conn.as_mut() => res.unwrap(),
                    _ = closed.changed() => {
                        conn.as_mut().graceful_shutdown();
                        conn.await.unwrap();
                    }
                }
            });
        }
        let _ = closing.send(true);
        while let Some(done) = connections.join_next().await {
            done.unwrap();
        }
    })
}

// checklist: M1
#[tokio::test]
async fn plain_hyper_server() {
    bounded(async {
        let calls = Calls::default();
        let server = serve_hyper(&calls).await;
        let client = client();

        // The gateway documentation's preflight.
        // checklist: P1, P2, P4
        let res = fetch(
            &client,
            preflight_to(&server.url("/"), SEED_ORIGIN, "PUT", Some("X-Sdk-Date")),
        )
        .await;
        assert_eq!(res.version, Version::HTTP_11);
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(calls.get(), 0, "the handler ran for a preflight");
        assert_eq!(res.header("content-length"), Some("0"));
        assert!(res.body.is_empty());
        assert_gateway_preflight_headers(&res);
        assert_eq!(res.header("access-control-allow-credentials"), None);
        assert_eq!(res.header("vary"), Some(ANY_ORIGIN_PREFLIGHT_VARY));

        // The documentation's simple request (Scenario 1).
        // checklist: A1, A5, K3, K4
        let res = fetch(
            &client,
            request_to(
                "GET",
                &server.url("/simple"),
                &[
                    ("origin", SEED_ORIGIN),
                    (
                        "content-type",
                        "application/x-www-form-urlencoded; charset=utf-8",
                    ),
                    ("accept", "application/json"),
                ],
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(calls.get(), 1);
        assert_eq!(res.text(), HANDLER_BODY);
        assert_eq!(res.header(KIND), Some("Simple"));
        assert_eq!(res.header("access-control-allow-origin"), Some("*"));
        assert_eq!(res.header("vary"), None);

        // checklist: K2
        let res = fetch(
            &client,
            request_to(
                "OPTIONS",
                &server.url("/simple"),
                &[("origin", SEED_ORIGIN)],
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            calls.get(),
            2,
            "an OPTIONS without ACRM must reach the handler"
        );
        assert_eq!(res.text(), HANDLER_BODY);
        assert_eq!(res.header(KIND), Some("NotSoSimple"));
        assert_eq!(res.header("access-control-allow-origin"), Some("*"));

        // A header the gateway does not allow, and a lowercase `patch`
        // (browsers send it as written; the gateway lists `PATCH`).
        // checklist: P3, P4, P7
        for (method, headers) in [("PUT", Some("X-Sdk-Date, X-Evil")), ("patch", None)] {
            let res = fetch(
                &client,
                preflight_to(&server.url("/simple"), SEED_ORIGIN, method, headers),
            )
            .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} {headers:?}");
            assert_eq!(res.cors_headers(), Vec::<String>::new());
            assert!(res.body.is_empty());
        }
        assert_eq!(calls.get(), 2, "the handler ran for a refused preflight");

        drop(client);
        server.stop().await;
    })
    .await;
}
