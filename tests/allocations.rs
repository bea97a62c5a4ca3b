//! Allocations per request: in every scenario of the benchmarks, tower-cors
//! allocates no more than the floor, a hand-written layer that only inserts
//! precomputed header values (see `benches/support/mod.rs`).
//!
//! A counting global allocator counts the allocations (and reallocations)
//! made on each thread, so the counts are deterministic although tests run
//! in parallel: each test sends its requests on its own thread and reads
//! only that thread's count. Per request is (allocations over N + 1
//! requests - allocations over the first request) / N, so that what the
//! first request does once (warming up) is left out.
//!
//! Every count is printed; see them with
//! `cargo test --test allocations -- --nocapture --test-threads=1`.

#[path = "../benches/support/mod.rs"]
mod support;

use support::{AllocationCount, CountAllocations, CountingAllocator, Implementation};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// N + 1: the requests sent per count.
const REQUESTS: u64 = 17;

fn count(scenario: &support::Scenario, implementation: Implementation) -> AllocationCount {
    scenario.with_service(implementation, CountAllocations(REQUESTS))
}

/// Counts the allocations of every implementation on scenario `id`, prints
/// them, and asserts that tower-cors allocates no more per request than
/// the floor.
fn no_more_than_the_floor(id: &str) {
    let scenario = support::scenario(id).expect("a known scenario");
    let counts = Implementation::ALL
        .map(|implementation| (implementation, count(&scenario, implementation)));
    let line = counts
        .iter()
        .map(|(implementation, count)| {
            format!(
                "{implementation} {} ({} B)",
                count.per_request(),
                count.bytes_per_request()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    println!("{id}: allocations per request: {line}");

    let of = |wanted: Implementation| {
        counts
            .iter()
            .find(|(implementation, _)| *implementation == wanted)
            .map(|(_, count)| *count)
            .expect("every implementation is counted")
    };
    let (ours, floor) = (of(Implementation::TowerCors), of(Implementation::Floor));
    assert!(
        ours.rest.count <= floor.rest.count,
        "{id}: tower-cors allocates {} times per request, the floor {} ({line})",
        ours.per_request(),
        floor.per_request(),
    );
}

#[test]
fn no_origin() {
    no_more_than_the_floor("no_origin");
}

#[test]
fn simple_allowed() {
    no_more_than_the_floor("simple_allowed");
}

#[test]
fn simple_refused() {
    no_more_than_the_floor("simple_refused");
}

#[test]
fn preflight_allowed() {
    no_more_than_the_floor("preflight_allowed");
}

#[test]
fn preflight_refused() {
    no_more_than_the_floor("preflight_refused");
}

#[test]
fn origins_100_last() {
    no_more_than_the_floor("origins_100_last");
}

#[test]
fn gateway_preflight() {
    no_more_than_the_floor("gateway_preflight");
}

#[test]
fn gateway_simple() {
    no_more_than_the_floor("gateway_simple");
}

#[test]
fn deep_subdomain() {
    no_more_than_the_floor("deep_subdomain");
}

#[test]
fn origins_1000_last() {
    no_more_than_the_floor("origins_1000_last");
}

#[test]
fn acrh_1mib_commas() {
    no_more_than_the_floor("acrh_1mib_commas");
}

#[test]
fn acrh_100k_names() {
    no_more_than_the_floor("acrh_100k_names");
}

#[test]
fn clone_then_call() {
    no_more_than_the_floor("clone_then_call");
}

/// Every scenario has its test above.
#[test]
fn every_scenario_is_tested() {
    let source = include_str!("allocations.rs");
    for id in support::SCENARIOS {
        assert!(
            source.contains(&format!("fn {id}()")),
            "no test for scenario {id}"
        );
    }
}
