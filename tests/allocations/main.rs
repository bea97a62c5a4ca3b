//! Allocations, counted: per request in every scenario of the benchmarks
//! (`per_request`), and under attack (`attack_cost`).
//!
//! A binary of its own, because it installs a global allocator: the
//! counting allocator of `tower-cors-test-support`, which counts the
//! allocations (and reallocations) made on each thread, and the bytes they
//! ask for. Counting per thread keeps the counts deterministic although
//! tests run in parallel: each test sends its requests on its own thread
//! and reads only that thread's count.

mod attack_cost;
mod per_request;

use tower_cors_test_support::bench::CountingAllocator;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;
