//! The reloadable layer (feature `reload`): reconfiguration reaches every
//! clone of every service, an invalid configuration keeps the one in
//! force, requests in flight finish under the policy they started with,
//! and under concurrent load no request is lost and no response mixes two
//! policies.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cors_check::check;
use http::{HeaderMap, Request, Response, StatusCode};
use tokio::sync::Notify;
use tower::util::BoxCloneService;
use tower::{service_fn, Service, ServiceExt};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, CorsRoutes};
use tower_layer::Layer;

const A: &str = "https://a.example.com";
const B: &str = "https://b.example.com";

/// Origin `a`, method PUT, exposes `x-a`.
fn policy_a() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([A])
        .allow_methods(["PUT"])
        .expose_headers(["x-a"])
}

/// Origin `b`, method DELETE, exposes `x-b`.
fn policy_b() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([B])
        .allow_methods(["DELETE"])
        .expose_headers(["x-b"])
}

/// A handler that counts its calls and answers `200 OK` at once.
fn counting(
    calls: &Arc<AtomicUsize>,
) -> BoxCloneService<Request<String>, Response<String>, Infallible> {
    let calls = Arc::clone(calls);
    BoxCloneService::new(service_fn(move |_req: Request<String>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(Response::new(String::from("inner"))) }
    }))
}

/// The CORS view of the answer of `service` (a clone of it) to a GET from b.
async fn answer_to_b<S, B>(service: &S) -> String
where
    S: Service<Request<String>, Response = Response<B>> + Clone,
    S::Error: std::fmt::Debug,
{
    let res = service.clone().oneshot(get(B)).await.unwrap();
    cors_view(res.status(), res.headers())
}

fn preflight(origin: &str, method: &str) -> Request<String> {
    Request::options("/items")
        .header("origin", origin)
        .header("access-control-request-method", method)
        .body(String::new())
        .unwrap()
}

fn get(origin: &str) -> Request<String> {
    Request::get("/items")
        .header("origin", origin)
        .body(String::new())
        .unwrap()
}

/// The CORS headers of a response, for comparing whole answers.
fn cors_view(status: StatusCode, headers: &HeaderMap) -> String {
    let mut view = vec![status.as_u16().to_string()];
    for name in [
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-expose-headers",
    ] {
        let value = headers.get(name).map_or("-", |v| v.to_str().unwrap());
        view.push(format!("{name}={value}"));
    }
    view.join(" ")
}

/// The policy that gave an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    A,
    B,
}

/// Which policy gave this answer to this request; panics on an answer that
/// neither policy gives (a mix of both).
fn whose(request: usize, status: StatusCode, headers: &HeaderMap) -> Policy {
    let view = cors_view(status, headers);
    let (a, b) = match request {
        // A preflight from a for PUT: A accepts it, B refuses it.
        0 => (
            "204 access-control-allow-origin=https://a.example.com access-control-allow-methods=PUT access-control-expose-headers=x-a",
            "403 access-control-allow-origin=- access-control-allow-methods=- access-control-expose-headers=-",
        ),
        // A preflight from b for DELETE: the reverse.
        1 => (
            "403 access-control-allow-origin=- access-control-allow-methods=- access-control-expose-headers=-",
            "204 access-control-allow-origin=https://b.example.com access-control-allow-methods=DELETE access-control-expose-headers=x-b",
        ),
        // A GET from a: A grants it and exposes x-a; B adds nothing.
        2 => (
            "200 access-control-allow-origin=https://a.example.com access-control-allow-methods=- access-control-expose-headers=x-a",
            "200 access-control-allow-origin=- access-control-allow-methods=- access-control-expose-headers=-",
        ),
        // A GET from b: the reverse.
        _ => (
            "200 access-control-allow-origin=- access-control-allow-methods=- access-control-expose-headers=-",
            "200 access-control-allow-origin=https://b.example.com access-control-allow-methods=- access-control-expose-headers=x-b",
        ),
    };
    match view {
        v if v == a => Policy::A,
        v if v == b => Policy::B,
        v => panic!("request {request}: an answer of neither policy: {v}"),
    }
}

fn request(kind: usize) -> Request<String> {
    match kind {
        0 => preflight(A, "PUT"),
        1 => preflight(B, "DELETE"),
        2 => get(A),
        _ => get(B),
    }
}

// checklist: C4
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn flipping_under_load_loses_nothing_and_never_mixes_policies() {
    const TASKS: usize = 16;
    const FLIPS: usize = 400;
    // Far longer than any answer takes, even on a loaded machine.
    const ANSWER_WITHIN: Duration = Duration::from_secs(30);

    let (cors, handle) = policy_a().build().unwrap().reloadable();
    let calls = Arc::new(AtomicUsize::new(0));
    let service = cors.layer(counting(&calls));
    let done = Arc::new(AtomicBool::new(false));
    // Answers seen per policy, to tell that both were in force.
    let seen_a = Arc::new(AtomicUsize::new(0));
    let seen_b = Arc::new(AtomicUsize::new(0));

    let mut workers = Vec::new();
    for task in 0..TASKS {
        let service = service.clone();
        let (done, seen_a, seen_b) = (done.clone(), seen_a.clone(), seen_b.clone());
        workers.push(tokio::spawn(async move {
            // (requests sent, actual requests among them)
            let (mut sent, mut actual) = (0usize, 0usize);
            let mut kind = task % 4;
            while !done.load(Ordering::SeqCst) {
                sent += 1;
                actual += usize::from(kind >= 2);
                // A lost request would never be answered: the time limit
                // turns that into a failure rather than a hang.
                let res =
                    tokio::time::timeout(ANSWER_WITHIN, service.clone().oneshot(request(kind)))
                        .await
                        .unwrap_or_else(|_| panic!("task {task}: request {sent} not answered"))
                        .unwrap();
                let counter = match whose(kind, res.status(), res.headers()) {
                    Policy::A => &seen_a,
                    Policy::B => &seen_b,
                };
                counter.fetch_add(1, Ordering::SeqCst);
                kind = (kind + 1) % 4;
                tokio::task::yield_now().await;
            }
            (sent, actual)
        }));
    }

    let flipper = {
        let (done, seen_a, seen_b) = (done.clone(), seen_a.clone(), seen_b.clone());
        tokio::spawn(async move {
            let mut flips = 0;
            // Flip at least FLIPS times, and until both policies answered
            // requests while flipping.
            while flips < FLIPS
                || seen_a.load(Ordering::SeqCst) == 0
                || seen_b.load(Ordering::SeqCst) == 0
            {
                let next = if flips % 2 == 0 {
                    policy_b()
                } else {
                    policy_a()
                };
                handle.reconfigure(next).unwrap();
                flips += 1;
                tokio::task::yield_now().await;
            }
            done.store(true, Ordering::SeqCst);
            flips
        })
    };

    let flips = flipper.await.unwrap();
    let (mut sent, mut actual) = (0, 0);
    // A worker panics, failing the test, on a request that was not
    // answered in time, or on an answer that mixes the two policies.
    for worker in workers {
        let (worker_sent, worker_actual) = worker.await.expect("no worker panics");
        sent += worker_sent;
        actual += worker_actual;
    }
    assert!(flips >= FLIPS);
    assert!(sent >= TASKS, "every worker sent at least one request");
    // Preflights are answered by the layer; every actual request reached
    // the handler once.
    assert_eq!(calls.load(Ordering::SeqCst), actual);
    println!(
        "{flips} flips, {sent} requests, {} answered by A, {} by B",
        seen_a.load(Ordering::SeqCst),
        seen_b.load(Ordering::SeqCst)
    );
}

// checklist: C4
#[tokio::test]
async fn a_reconfiguration_reaches_every_clone_of_every_service() {
    let (cors, handle) = policy_a().build().unwrap().reloadable();
    let first = cors.layer(counting(&Arc::default()));
    let second = cors.layer(counting(&Arc::default()));
    let clone = first.clone();

    let refused = "200 access-control-allow-origin=- access-control-allow-methods=- access-control-expose-headers=-";
    for service in [&first, &second, &clone] {
        assert_eq!(answer_to_b(service).await, refused);
    }

    handle.reconfigure(policy_b()).unwrap();
    let granted = "200 access-control-allow-origin=https://b.example.com access-control-allow-methods=- access-control-expose-headers=x-b";
    for service in [&first, &second, &clone] {
        assert_eq!(answer_to_b(service).await, granted);
    }
    // A service made after the reconfiguration too.
    assert_eq!(
        answer_to_b(&cors.layer(counting(&Arc::default()))).await,
        granted
    );
}

// checklist: C1
#[tokio::test]
async fn an_invalid_configuration_keeps_the_one_in_force() {
    let (cors, handle) = policy_a().build().unwrap().reloadable();
    let service = cors.layer(counting(&Arc::default()));

    let err = handle
        .reconfigure(
            CorsLayer::builder()
                .allow_origins([B])
                .allow_methods(["TRACE"]),
        )
        .unwrap_err();
    assert!(
        matches!(err.errors(), [ConfigError::ForbiddenMethod { .. }]),
        "{err}"
    );
    let err = handle
        .reconfigure_routes(
            CorsRoutes::new()
                .policy("b", policy_b())
                .bind_prefix("/items", "missing"),
        )
        .unwrap_err();
    assert!(
        matches!(err.errors(), [ConfigError::UnknownPolicy { name, .. }] if name == "missing"),
        "{err}"
    );

    // Policy A still answers.
    let res = service.clone().oneshot(preflight(A, "PUT")).await.unwrap();
    assert_eq!(whose(0, res.status(), res.headers()), Policy::A);
    let current = handle.current();
    assert_eq!(current.policies().collect::<Vec<_>>(), ["default"]);
    assert_eq!(current.fallback(), Some("default"));
    assert_eq!(current.bindings().count(), 0);
}

#[tokio::test]
async fn a_request_in_flight_finishes_under_the_policy_it_started_with() {
    let release = Arc::new(Notify::new());
    let entered = Arc::new(Notify::new());
    let inner = {
        let (release, entered) = (release.clone(), entered.clone());
        service_fn(move |_req: Request<String>| {
            let (release, entered) = (release.clone(), entered.clone());
            async move {
                entered.notify_one();
                release.notified().await;
                Ok::<_, Infallible>(Response::new(String::new()))
            }
        })
    };
    let (cors, handle) = policy_a().build().unwrap().reloadable();
    let mut service = cors.layer(inner);

    let in_flight = service.ready().await.unwrap().call(get(A));
    let in_flight = tokio::spawn(in_flight);
    entered.notified().await;
    handle.reconfigure(policy_b()).unwrap();
    release.notify_one();
    let res = in_flight.await.unwrap().unwrap();
    assert_eq!(whose(2, res.status(), res.headers()), Policy::A);

    // The next request is answered by B.
    let next = service.ready().await.unwrap().call(get(A));
    let next = tokio::spawn(next);
    entered.notified().await;
    release.notify_one();
    let res = next.await.unwrap().unwrap();
    assert_eq!(whose(2, res.status(), res.headers()), Policy::B);
}

#[tokio::test]
async fn routes_are_part_of_the_reloadable_configuration() {
    let (cors, handle) = CorsRoutes::new()
        .policy("a", policy_a())
        .bind_prefix("/a", "a")
        .build()
        .unwrap()
        .reloadable();
    let app = axum::Router::new()
        .route("/a/items", axum::routing::put(|| async { "a" }))
        .route("/b/items", axum::routing::delete(|| async { "b" }))
        .layer(cors.clone());

    assert!(check(&app).from(A).put("/a/items").run().await.is_allowed());
    // `/b` is unbound: its preflight reaches the router, which has no
    // OPTIONS route.
    assert!(check(&app)
        .from(B)
        .delete("/b/items")
        .run()
        .await
        .is_blocked());

    handle
        .reconfigure_routes(
            CorsRoutes::new()
                .policy("a", policy_a())
                .policy("b", policy_b())
                .bind_prefix("/a", "a")
                .bind_prefix("/b", "b"),
        )
        .unwrap();
    let outcome = check(&app).from(B).delete("/b/items").run().await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert!(outcome.can_read("x-b"));
    assert_eq!(
        handle.current().to_string(),
        "prefix /a -> a\nprefix /b -> b\nno fallback: unbound routes pass through\n"
    );

    // Back to one policy for every route.
    handle.reconfigure(policy_b()).unwrap();
    assert!(check(&app).from(A).put("/a/items").run().await.is_blocked());
    let outcome = check(&app).from(B).delete("/b/items").run().await;
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(cors.route_table().fallback(), Some("default"));
}

#[test]
fn the_handle_sets_built_layers_too() {
    let (cors, handle) = CorsLayer::gateway().reloadable();
    let routes = CorsRoutes::new()
        .policy("a", policy_a())
        .fallback("a")
        .build()
        .unwrap();
    handle.set(routes);
    assert_eq!(cors.route_table().policies().collect::<Vec<_>>(), ["a"]);
    handle.set(policy_b().build().unwrap());
    assert_eq!(
        cors.route_table().policies().collect::<Vec<_>>(),
        ["default"]
    );
    assert_eq!(cors.route_table().fallback(), Some("default"));
}

/// Debug mode's switch outlives reconfigurations: the policies the handle
/// builds share it, from a single policy to routes and back.
#[tokio::test]
async fn the_debug_switch_survives_a_reconfiguration() {
    let layer = policy_a().build().unwrap();
    let switch = layer.clone();
    let (cors, handle) = layer.reloadable();
    let service = cors.layer(service_fn(|_req: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    }));
    let refusal_of = |origin: &'static str| {
        let service = service.clone();
        async move {
            let res = service.oneshot(preflight(origin, "PATCH")).await.unwrap();
            res.headers().get("x-cors-refusal").cloned()
        }
    };
    assert_eq!(refusal_of(A).await, None);
    handle.reconfigure(policy_b()).unwrap();
    switch.set_debug_mode(true);
    assert!(
        refusal_of(B).await.is_some(),
        "the new policy obeys the old switch"
    );
    handle
        .reconfigure_routes(CorsRoutes::new().policy("a", policy_a()).fallback("a"))
        .unwrap();
    assert!(refusal_of(A).await.is_some());
    assert!(handle.current().config("a").unwrap().debug);
    handle.set_debug_mode(false);
    assert_eq!(refusal_of(A).await, None);
}

/// A refused configuration changes nothing, debug mode included: a policy
/// that asks for it but does not build (or whose routes do not) leaves the
/// shared switch as it was, so production never starts naming refusals.
// checklist: C1
#[tokio::test]
async fn a_refused_configuration_does_not_turn_debug_mode_on() {
    let (_cors, handle) = policy_a().build().unwrap().reloadable();

    let refused = policy_b().allow_methods(["TRACE"]).debug(true);
    assert!(handle.reconfigure(refused).is_err());
    assert!(!handle.debug_mode());

    let refused_routes = CorsRoutes::new()
        .policy("b", policy_b().debug(true))
        .bind_prefix("/items", "missing");
    assert!(handle.reconfigure_routes(refused_routes).is_err());
    assert!(!handle.debug_mode());

    // A configuration that builds does turn it on.
    handle.reconfigure(policy_b().debug(true)).unwrap();
    assert!(handle.debug_mode());
}

/// Making a reloadable layer reloadable again keeps one table: the second
/// handle replaces the policy that the first handle's layer serves too.
#[test]
fn a_reloadable_layer_made_reloadable_again_shares_its_table() {
    let (first, first_handle) = policy_a().build().unwrap().reloadable();
    let (second, second_handle) = first.clone().reloadable();
    second_handle.reconfigure(policy_b()).unwrap();
    assert_eq!(first.config(), second.config());
    assert_eq!(first_handle.current().config("default"), second.config());
    assert_eq!(
        first.config().unwrap().allow_origins,
        policy_b().build().unwrap().config().unwrap().allow_origins
    );
}

/// `set` puts a built layer's policies in force and leaves debug mode as
/// it is, whatever that layer's own switch says.
#[test]
fn set_leaves_debug_mode_alone() {
    let (cors, handle) = policy_a().build().unwrap().reloadable();
    handle.set(policy_b().debug(true).build().unwrap());
    assert!(!cors.debug_mode());
    handle.reconfigure(policy_b().debug(true)).unwrap();
    assert!(cors.debug_mode());
}

/// A reload that does not ask for debug mode leaves it off.
#[test]
fn a_reload_without_debug_mode_leaves_it_off() {
    let (cors, handle) = policy_a().build().unwrap().reloadable();
    handle.reconfigure(policy_b()).unwrap();
    handle
        .reconfigure_routes(CorsRoutes::new().policy("a", policy_a()).fallback("a"))
        .unwrap();
    assert!(!cors.debug_mode());
}

/// A handle's `Debug` shows the policies in force: after a reconfiguration,
/// the new ones.
#[test]
fn a_handle_shows_the_policies_in_force() {
    let (_cors, handle) = CorsLayer::gateway().reloadable();
    let before = format!("{handle:?}");
    assert!(
        before.starts_with("ReloadHandle { table: Table { policies: ["),
        "{before}"
    );
    handle
        .reconfigure_routes(
            CorsRoutes::new()
                .policy("first", policy_a())
                .policy("second", CorsBuilder::gateway())
                .bind_prefix("/first", "first")
                .bind_fn(|_: &http::request::Parts| None::<&str>)
                .fallback("second"),
        )
        .unwrap();
    let after = format!("{handle:?}");
    assert!(
        after.contains("policies: [\"first\", \"second\"]"),
        "{after}"
    );
    assert!(
        after.contains("bindings: [Path { path: \"/first\", policy: 0 }, Function]"),
        "{after}"
    );
    assert!(after.contains("fallback: Some(\"second\")"), "{after}");
    assert_ne!(before, after);
}
