//! Origins decided by an asynchronous function: a tenant lookup served by a
//! separate tokio task over a channel, as a database client would be.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::*;
use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use tokio::sync::{mpsc, oneshot, Notify};
use tower::{service_fn, ServiceExt};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, Refusal};
use tower_layer::Layer;

/// A lookup request: the origin, and where to send the answer.
type Lookup = (String, oneshot::Sender<bool>);

/// Starts a "tenant database" task and returns its client side and a
/// counter of the lookups it served.
fn tenant_database(tenants: &[&str]) -> (mpsc::Sender<Lookup>, Arc<AtomicUsize>) {
    let tenants: HashSet<String> = tenants.iter().map(|t| (*t).to_owned()).collect();
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    let (tx, mut rx) = mpsc::channel::<Lookup>(16);
    tokio::spawn(async move {
        while let Some((origin, reply)) = rx.recv().await {
            // Answer later than at once, as a real query would.
            tokio::task::yield_now().await;
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = reply.send(tenants.contains(&origin));
        }
    });
    (tx, served)
}

fn policy(db: mpsc::Sender<Lookup>) -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins(["https://static.example"])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .record_decisions(true)
        // The origin comes by value: the future can own it.
        .allow_origin_async(move |origin: HeaderValue, _parts: &Parts| {
            let db = db.clone();
            async move {
                let Ok(origin) = origin.to_str().map(str::to_owned) else {
                    return false;
                };
                let (reply, answer) = oneshot::channel();
                if db.send((origin, reply)).await.is_err() {
                    return false;
                }
                answer.await.unwrap_or(false)
            }
        })
}

// checklist: O7
#[tokio::test]
async fn a_tenant_origin_is_allowed_after_the_lookup() {
    let (db, served) = tenant_database(&["https://acme.example"]);
    let cors = policy(db).build().unwrap();

    let (res, seen) = send(&cors, get_from("https://acme.example")).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://acme.example")
    );
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(res.header("vary"), Some("Origin"));

    let (res, seen) = send(&cors, preflight("https://acme.example", "PUT", None)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://acme.example")
    );
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

// checklist: O7, P7, A4
#[tokio::test]
async fn an_unknown_origin_is_refused_after_the_lookup() {
    let (db, served) = tenant_database(&["https://acme.example"]);
    let cors = policy(db).build().unwrap();

    let (res, seen) = send(&cors, get_from("https://evil.example")).await;
    assert_eq!(
        seen.calls(),
        1,
        "a disallowed origin still reaches the service"
    );
    assert!(res.cors_headers().is_empty());
    assert_eq!(res.extensions.get(), Some(&Refusal::OriginNotAllowed));

    let (res, seen) = send(&cors, preflight("https://evil.example", "PUT", None)).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty());
    assert_eq!(res.extensions.get(), Some(&Refusal::OriginNotAllowed));

    // An allowed tenant asking for a method the policy refuses.
    let (db, _) = tenant_database(&["https://acme.example"]);
    let (res, _) = send(
        &policy(db).build().unwrap(),
        preflight("https://acme.example", "DELETE", None),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(matches!(
        res.extensions.get(),
        Some(Refusal::MethodNotAllowed(_))
    ));
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

// checklist: O7, C4
#[tokio::test]
async fn origins_the_static_rules_allow_need_no_lookup() {
    let (db, served) = tenant_database(&[]);
    let cors = policy(db).build().unwrap();
    let (res, _) = send(&cors, get_from("https://static.example")).await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://static.example")
    );
    let (res, _) = send(&cors, request("GET", &[])).await;
    assert!(res.cors_headers().is_empty());
    assert_eq!(served.load(Ordering::SeqCst), 0);
}

/// Sends a GET from `TENANT` through a policy whose only origin rule is an
/// asynchronous decision that waits until the handler has run, then says
/// `decision`. A layer that awaited the decision before polling the handler
/// would wait forever: `bounded` fails the test then.
async fn decided_after_the_handler_ran(decision: bool) -> (Answer, usize) {
    const TENANT: &str = "https://acme.example";
    let handler_ran = Arc::new(Notify::new());
    let waiter = Arc::clone(&handler_ran);
    let cors = CorsLayer::builder()
        .allow_origin_async(move |origin: HeaderValue, _parts: &Parts| {
            let handler_ran = Arc::clone(&waiter);
            async move {
                handler_ran.notified().await;
                decision && origin == TENANT
            }
        })
        .record_decisions(true)
        .build()
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let handler = service_fn(move |_req: Request<Full<Bytes>>| {
        let handler_ran = Arc::clone(&handler_ran);
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            // Stored as a permit if the decision is not waiting yet.
            handler_ran.notify_one();
            Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from_static(
                b"inner",
            ))))
        }
    });
    let req = get_from(TENANT);
    let mut answer = None;
    bounded(async {
        let res = cors.layer(handler).oneshot(req).await.unwrap();
        answer = Some(collect(res).await);
    })
    .await;
    (answer.unwrap(), calls.load(Ordering::SeqCst))
}

// checklist: A8, O7
#[tokio::test]
async fn the_handler_runs_while_an_allowing_decision_is_pending() {
    let (res, calls) = decided_after_the_handler_ran(true).await;
    assert_eq!(calls, 1);
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.text(), "inner");
    assert_eq!(
        res.all("access-control-allow-origin"),
        ["https://acme.example"]
    );
    assert_eq!(res.header("vary"), Some("Origin"));
    assert_eq!(res.refusal(), None);
}

// checklist: A8, O7, A4
#[tokio::test]
async fn the_handler_runs_while_a_refusing_decision_is_pending() {
    let (res, calls) = decided_after_the_handler_ran(false).await;
    assert_eq!(calls, 1);
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.text(), "inner");
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    assert_eq!(res.header("vary"), Some("Origin"));
    assert_eq!(res.extensions.get(), Some(&Refusal::OriginNotAllowed));
}

/// An error of the inner service needs no decision: it comes back at once,
/// as the inner service gave it, while the origin is still being decided.
// checklist: M2, O7
#[tokio::test]
async fn an_inner_error_passes_through_while_the_decision_is_pending() {
    let cors = CorsLayer::builder()
        .allow_origin_async(|_, _| std::future::pending::<bool>())
        .build()
        .unwrap();
    let failing = service_fn(|_req: Request<Full<Bytes>>| async {
        Err::<Response<Full<Bytes>>, _>("the upstream is down")
    });
    let call = cors
        .layer(failing)
        .oneshot(get_from("https://acme.example"));
    let result = tokio::time::timeout(std::time::Duration::from_secs(5), call)
        .await
        .expect("the error waited for the decision");
    assert_eq!(result.err(), Some("the upstream is down"));
}

// checklist: C1
#[test]
fn async_decisions_cannot_block_before_the_inner_service() {
    let err = CorsLayer::builder()
        .allow_origin_async(|_, _| async { true })
        .block_disallowed_origins(true)
        .build()
        .unwrap_err();
    assert_eq!(err.errors(), &[ConfigError::AsyncOriginWithBlocking]);
    // An asynchronous predicate alone is a policy with origins.
    CorsLayer::builder()
        .allow_origin_async(|_, _| async { false })
        .build()
        .unwrap();
}

#[test]
fn the_response_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    use tower::ServiceExt;
    use tower_layer::Layer;
    let cors = CorsLayer::builder()
        .allow_origin_async(|_, _| async { true })
        .build()
        .unwrap();
    let service = cors.layer(tower::service_fn(|_req: http::Request<()>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    }));
    let future = service.oneshot(http::Request::new(()));
    assert_send(&future);
}
