//! Allocations per request: in every scenario of the benchmarks, tower-cors
//! allocates no more than the floor, a hand-written layer that only inserts
//! precomputed header values (see the `bench` module of
//! `tower-cors-test-support`).
//!
//! Per request is (allocations over N + 1 requests - allocations over the
//! first request) / N, so that what the first request does once (warming
//! up) is left out.
//!
//! Every count is printed; see them with
//! `cargo test --test allocations per_request -- --nocapture --test-threads=1`.

use tower_cors_test_support::bench::{self, AllocationCount, CountAllocations, Implementation};

/// N + 1: the requests sent per count.
const REQUESTS: u64 = 17;

fn count(scenario: &bench::Scenario, implementation: Implementation) -> AllocationCount {
    scenario.with_service(implementation, CountAllocations(REQUESTS))
}

/// Counts the allocations of every implementation on scenario `id`, prints
/// them, and asserts that tower-cors allocates no more per request than
/// the floor.
fn no_more_than_the_floor(id: &str) {
    let scenario = bench::scenario(id).expect("a known scenario");
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
fn acrh_at_limit() {
    no_more_than_the_floor("acrh_at_limit");
}

#[test]
fn clone_then_call() {
    no_more_than_the_floor("clone_then_call");
}

#[test]
fn acrh_one_name_repeated() {
    no_more_than_the_floor("acrh_one_name_repeated");
}

#[test]
fn acrh_whitespace() {
    no_more_than_the_floor("acrh_whitespace");
}

#[test]
fn acrh_1024_empty_lines() {
    no_more_than_the_floor("acrh_1024_empty_lines");
}

#[test]
fn long_origins_allowed() {
    no_more_than_the_floor("long_origins_allowed");
}

#[test]
fn long_origins_refused() {
    no_more_than_the_floor("long_origins_refused");
}

#[test]
fn outer_vary() {
    no_more_than_the_floor("outer_vary");
}

/// A report-only candidate that decides as the enforcing policy does adds
/// no allocation, in any scenario: deciding a request again allocates
/// nothing unless a refusal is read.
// checklist: R1
#[test]
fn a_candidate_that_agrees_allocates_nothing_more() {
    for scenario in bench::scenarios() {
        let alone = count(&scenario, Implementation::TowerCors);
        let with_candidate = count(&scenario, Implementation::Candidate);
        println!(
            "{}: allocations per request: alone {}, with a candidate {}",
            scenario.id,
            alone.per_request(),
            with_candidate.per_request()
        );
        assert_eq!(
            with_candidate.rest.count, alone.rest.count,
            "{}: a candidate that agrees allocates",
            scenario.id
        );
    }
}

/// Finding a request's policy allocates nothing: the variants of the
/// layer (policies per route; a reloadable layer when the benchmarks' build
/// has it) allocate per request what the layer of the same one policy
/// does, in every scenario they are measured on.
#[test]
fn routed_and_reloadable_layers_allocate_as_one_policy_does() {
    for id in bench::VARIANT_SCENARIOS {
        let scenario = bench::scenario(id).expect("a known scenario");
        let alone = count(&scenario, Implementation::TowerCors);
        for &variant in bench::VARIANTS {
            let counted = count(&scenario, variant);
            println!(
                "{id}: allocations per request: one policy {}, {variant} {}",
                alone.per_request(),
                counted.per_request()
            );
            assert_eq!(
                counted.rest.count, alone.rest.count,
                "{id}: {variant} allocates more than the layer of one policy"
            );
        }
    }
}

/// The same, for a reloadable layer, a reloadable layer of policies per
/// route and a layer of policies per route bound by a function, built here
/// (the benchmarks measure the reloadable layer only with their own
/// `reload` feature): a simple request, a preflight, and a request no
/// binding covers.
#[cfg(feature = "reload")]
#[test]
fn finding_the_policy_allocates_nothing() {
    use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    const APP: &str = "https://app.example.com";
    let policy = || {
        CorsLayer::builder()
            .allow_origins([APP])
            .allow_methods(["PUT"])
    };
    let one = policy().build().unwrap();
    let routes = || {
        CorsRoutes::new()
            .policy("public", CorsBuilder::gateway())
            .policy("api", policy())
            .bind_prefix("/public", "public")
            .bind_pattern("/api/*/admin", "public")
            .bind_prefix("/api", "api")
    };
    let by_function = CorsRoutes::new()
        .policy("api", policy())
        .bind_fn(|parts: &http::request::Parts| {
            parts.uri.path().starts_with("/api").then_some("api")
        })
        .build()
        .unwrap();
    let request = |method: &str, path: &str| {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("origin", APP);
        let req = match method {
            "OPTIONS" => req.header("access-control-request-method", "PUT"),
            _ => req,
        };
        req.body(bench::Body::default()).unwrap()
    };
    for req in [
        request("GET", "/api/items"),
        request("OPTIONS", "/api/items"),
    ] {
        let alone = per_request(&one, &req);
        let layers = [
            ("reloadable", one.clone().reloadable().0),
            ("routed", routes().build().unwrap()),
            (
                "routed, reloadable",
                routes().build().unwrap().reloadable().0,
            ),
            ("bound by a function", by_function.clone()),
        ];
        for (what, layer) in &layers {
            assert_eq!(
                per_request(layer, &req),
                alone,
                "{what}, {} {}: more allocations than one policy",
                req.method(),
                req.uri()
            );
        }
    }
    // A request that no binding covers passes through, as every request
    // does through a layer that binds nothing.
    let unbound = request("GET", "/private");
    let binds_nothing = per_request(&CorsRoutes::new().build().unwrap(), &unbound);
    assert_eq!(
        per_request(&routes().build().unwrap(), &unbound),
        binds_nothing
    );
}

/// Every scenario has its test above.
#[test]
fn every_scenario_is_tested() {
    let source = include_str!("per_request.rs");
    for id in bench::SCENARIOS {
        assert!(
            source.contains(&format!("fn {id}()")),
            "no test for scenario {id}"
        );
    }
}

/// The allocations per request of `req` sent through `cors` around the
/// benchmarks' handler, the first request left out.
fn per_request(cors: &tower_cors::CorsLayer, req: &http::Request<bench::Body>) -> u64 {
    use tower_layer::Layer;
    let mut service = cors.layer(bench::Hello);
    let waker = bench::noop_waker();
    let mut send = || drop(bench::send(&mut service, req.clone(), &waker));
    send();
    let before = bench::allocations();
    for _ in 1..REQUESTS {
        send();
    }
    (bench::allocations() - before).count / (REQUESTS - 1)
}

// checklist: P2
#[test]
fn an_accepted_preflight_allocates_only_its_answer_whatever_the_policy() {
    use tower_cors::{CorsBuilder, CorsLayer};
    const APP: &str = "https://app.example.com";
    let preflight = |headers: &[(&str, &str)]| {
        let mut req = http::Request::builder()
            .method("OPTIONS")
            .uri("/r")
            .header("origin", APP)
            .header("access-control-request-method", "PUT");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.body(bench::Body::default()).unwrap()
    };
    let plain = preflight(&[("access-control-request-headers", "content-type")]);
    let private = preflight(&[("access-control-request-private-network", "true")]);
    let cases: Vec<(&str, CorsLayer, http::Request<bench::Body>)> = vec![
        (
            "few headers",
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_methods(["PUT"])
                .allow_headers(["content-type"])
                .build()
                .unwrap(),
            plain.clone(),
        ),
        (
            "single-page app preset",
            CorsBuilder::single_page_app(APP).build().unwrap(),
            plain.clone(),
        ),
        (
            "listed headers, exposed headers, max-age",
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_methods(["PUT"])
                .allow_headers(["content-type", "x-a"])
                .expose_headers(["x-b"])
                .max_age(std::time::Duration::from_secs(60))
                .build()
                .unwrap(),
            plain.clone(),
        ),
        (
            "echoed method and headers, with credentials",
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_any_method()
                .allow_any_header()
                .allow_credentials(true)
                .build()
                .unwrap(),
            plain.clone(),
        ),
        (
            "private network, asked",
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_methods(["PUT"])
                .allow_private_network(true)
                .build()
                .unwrap(),
            private.clone(),
        ),
        (
            "private network, not asked",
            CorsLayer::builder()
                .allow_origins([APP])
                .allow_methods(["PUT"])
                .allow_private_network(true)
                .build()
                .unwrap(),
            plain.clone(),
        ),
    ];
    // The harness's own clone of the request costs 2 allocations; the
    // answer's header map (its table and its entries) 2 more.
    let mut counts = Vec::new();
    for (what, cors, req) in &cases {
        counts.push((*what, per_request(cors, req)));
    }
    println!("accepted preflights, allocations per request: {counts:?}");
    assert!(counts.iter().all(|(_, n)| *n == 4), "{counts:?}");
}
