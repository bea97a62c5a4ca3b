//! Sends one scenario's request through one implementation a given number
//! of times, for counting instructions under valgrind (`benches/icount.sh`
//! does it for every scenario and implementation).
//!
//! ```text
//! icount <scenario> <implementation> <iterations>
//! ```
//!
//! Before the requests, the scenario and the service are built and the
//! answer is checked once; each of the `<iterations>` requests then costs the
//! same work for every implementation (`Driver::send_one`: clone the
//! prebuilt request, call, drop the response). The instruction count of
//! one request is the difference between two runs with different
//! iteration counts, divided by the difference of the counts, so that
//! building and checking cancel out.
//!
//! The program also counts allocations on its thread (`CountingAllocator`,
//! which adds an increment of a thread-local counter to each allocation)
//! and prints `allocations/request: A bytes/request: B`, the first request
//! left out.
//!
//! `icount scenarios` lists the scenarios, one per line; `icount variants`
//! the variants of tower-cors this build has (routed, and reloadable with
//! the `reload` feature), and `icount variant-scenarios` the scenarios they
//! are measured on. Without arguments
//! (as `cargo bench` runs every bench target, with `--bench` and perhaps
//! `--test` or a filter) it does nothing and exits 0.

use std::fmt::Debug;
use std::process::ExitCode;

use http::{Request, Response};
use tower::Service;
use tower_cors_test_support::bench::{
    self, checked_driver, Body, CountingAllocator, Implementation, Scenario, WithService, SCENARIOS,
};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Runs the requests on the implementation's service.
struct Run {
    iterations: u64,
}

impl WithService for Run {
    type Output = ();

    fn with<S, B>(self, scenario: &Scenario, implementation: Implementation, service: S)
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: Debug,
    {
        let mut driver = checked_driver(scenario, implementation, service);
        let count = driver.count_allocations(self.iterations);
        println!(
            "{} {} iterations: {} allocations/request: {} bytes/request: {}",
            scenario.id,
            implementation,
            self.iterations,
            count.per_request(),
            count.bytes_per_request()
        );
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: icount <scenario> <implementation> <iterations>\n  scenarios: {}\n  implementations: {}\n  iterations: 2 or more",
        SCENARIOS.join(" "),
        Implementation::ALL
            .iter()
            .chain(bench::VARIANTS)
            .map(|i| i.name())
            .collect::<Vec<_>>()
            .join(" ")
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let [scenario, implementation, iterations] = args.as_slice() else {
        match args.as_slice() {
            [list] if list == "scenarios" => println!("{}", SCENARIOS.join("\n")),
            [list] if list == "variants" => {
                for variant in bench::VARIANTS {
                    println!("{variant}");
                }
            }
            [list] if list == "variant-scenarios" => {
                println!("{}", bench::VARIANT_SCENARIOS.join("\n"));
            }
            _ => {}
        }
        // Else `cargo bench` (with `--bench`, `--test`, or a criterion filter).
        return ExitCode::SUCCESS;
    };
    let Some(scenario) = bench::scenario(scenario) else {
        return usage();
    };
    let Some(implementation) = Implementation::from_name(implementation) else {
        return usage();
    };
    let Some(iterations) = iterations.parse::<u64>().ok().filter(|&n| n >= 2) else {
        return usage();
    };
    scenario.with_service(implementation, Run { iterations });
    ExitCode::SUCCESS
}
