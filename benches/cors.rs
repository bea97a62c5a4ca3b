//! Per-request time of `tower_cors::CorsLayer`, side by side with
//! `tower_http::cors::CorsLayer` configured for the same policy, the bare
//! handler (no layer), and a hand-written floor layer that only inserts
//! precomputed header values (see the `bench` module of
//! `tower-cors-test-support`).
//!
//! One group per scenario, one benchmark per implementation (`tower-cors`,
//! `tower-http`, `bare`, `floor`; on a few scenarios also the routed layer,
//! `tower-cors-routes`, and with `--features tower-cors-test-support/reload`
//! (which turns on this crate's `reload`) the reloadable one,
//! `tower-cors-reload`). The services are driven directly,
//! without a runtime or a network: each iteration calls `poll_ready` and
//! `call` and polls the response future once with a waker that does
//! nothing (the handler's future is ready at once). The clone of the
//! prebuilt request is made before the timer starts, and the response is
//! dropped after it stops. In `clone_then_call` the service is cloned inside
//! the timed region, as servers such as axum do for every request.
//!
//! Before a benchmark runs, its request is sent once and the answer is
//! checked (status, `Access-Control-Allow-Origin`; the floor must send the
//! header names tower-cors sends). Nothing here looks at times.
//!
//! `cargo bench --bench cors -- --test` runs every benchmark once.
//! Instruction counts, which do not move from run to run as times do on a
//! shared machine: `bash benches/icount.sh`.

use std::fmt::Debug;
use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion};
use http::{Request, Response};
use tower::Service;
use tower_cors_test_support::bench::{
    self, checked_driver, send, Body, Implementation, Scenario, WithService,
};

/// Inputs prepared (and outputs kept) per timed batch. Small, so that the
/// requests and responses of a batch stay in cache: with criterion's
/// `SmallInput` a batch holds a tenth of all iterations, and fresh pages and
/// page faults for thousands of header maps would be timed with the requests.
const BATCH: u64 = 64;

/// Benchmarks one implementation's service in the scenario's group.
struct Bench<'g, 'c> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
}

impl WithService for Bench<'_, '_> {
    type Output = ();

    fn with<S, B>(self, scenario: &Scenario, implementation: Implementation, service: S)
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: Debug,
    {
        // Checks the answer once.
        drop(checked_driver(scenario, implementation, service.clone()));

        let waker = bench::noop_waker();
        let mut service = service;
        let clone_service = scenario.clone_service;
        self.group.bench_function(implementation.name(), |b| {
            b.iter_batched(
                || scenario.request.clone(),
                |req| {
                    let req = black_box(req);
                    if clone_service {
                        let mut clone = service.clone();
                        let res = send(&mut clone, req, &waker);
                        // Dropped after the timer stops.
                        (Some(clone), res)
                    } else {
                        (None, send(&mut service, req, &waker))
                    }
                },
                BatchSize::NumIterations(BATCH),
            );
        });
    }
}

fn scenarios(c: &mut Criterion) {
    for scenario in bench::scenarios() {
        let mut group = c.benchmark_group(scenario.id);
        let variants = match bench::VARIANT_SCENARIOS.contains(&scenario.id) {
            true => bench::VARIANTS,
            false => &[],
        };
        for &implementation in Implementation::ALL.iter().chain(variants) {
            scenario.with_service(implementation, Bench { group: &mut group });
        }
        group.finish();
    }
}

/// Short measurements so that `cargo bench` stays within a few minutes on two
/// cores; command-line options (`--measurement-time`, `--sample-size`, ...)
/// still override these.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = scenarios
}
criterion_main!(benches);
