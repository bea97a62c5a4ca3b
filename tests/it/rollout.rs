//! A report-only candidate policy beside the enforcing one: it never
//! changes an answer, its differences are recorded with the candidate's
//! reason, the policies' names and the request's kind, and (feature
//! `metrics`) every decision is counted by outcome and reason, with label
//! values from a bounded set.

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};

use crate::common::*;

const APP: &str = "https://app.example.com";
const OLD: &str = "https://old.example.com";

/// The policy in force: two origins, PUT, a custom header.
fn enforcing() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([APP, OLD])
        .allow_methods(["PUT"])
        .allow_headers(["x-token"])
}

/// The tighter policy an operator wants to try: the old origin dropped.
fn tighter() -> CorsBuilder {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_headers(["x-token"])
}

/// Requests of every kind: none, simple, not-so-simple, preflights
/// allowed and refused for each reason, protected writes, a WebSocket
/// upgrade.
fn requests() -> Vec<Request<Full<Bytes>>> {
    let mut all = vec![
        request("GET", &[]),
        request("POST", &[("sec-fetch-site", "cross-site")]),
        request(
            "DELETE",
            &[("origin", OLD), ("sec-fetch-site", "cross-site")],
        ),
        request(
            "GET",
            &[("origin", "https://evil.example"), ("upgrade", "websocket")],
        ),
        request("GET", &[("origin", "null")]),
        request("GET", &[("origin", "https://app.example.com/")]),
        request(
            "POST",
            &[("origin", APP), ("sec-fetch-site", "same-origin")],
        ),
        pna_preflight(APP, "PUT", None, Some("true")),
    ];
    for origin in [APP, OLD, "https://evil.example"] {
        all.push(get_from(origin));
        all.push(request("PUT", &[("origin", origin), ("x-token", "1")]));
        for (method, headers) in [
            ("PUT", None),
            ("PUT", Some("x-token")),
            ("DELETE", None),
            ("PUT", Some("x-other")),
            ("PUT", Some("a b")),
            ("bad method", None),
        ] {
            all.push(preflight(origin, method, headers));
        }
    }
    all
}

/// A request as bytes on the wire would show it, for messages.
fn describe(req: &Request<Full<Bytes>>) -> String {
    format!("{} {:?}", req.method(), req.headers())
}

fn copy(req: &Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    let mut copy = Request::new(req.body().clone());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.headers_mut() = req.headers().clone();
    copy
}

// checklist: R1
#[tokio::test]
async fn a_candidate_never_changes_an_answer() {
    let pairs = [
        (enforcing(), tighter()),
        (tighter(), enforcing()),
        (
            enforcing().cross_origin_protection(true),
            CorsLayer::builder().allow_any_origin(),
        ),
        (
            CorsBuilder::gateway(),
            tighter().cross_origin_protection(true),
        ),
        (
            tighter()
                .allow_credentials(true)
                .allow_private_network(true),
            CorsBuilder::gateway(),
        ),
        (
            enforcing().preflight_passthrough(true).debug(true),
            tighter(),
        ),
        (
            enforcing().record_decisions(true).vary_on(["x-tenant"]),
            tighter().block_disallowed_origins(true),
        ),
        (
            tighter().allow_origin_async(|origin, _| async move { origin == OLD }),
            enforcing(),
        ),
        (
            enforcing(),
            tighter().allow_origin_async(|_, _| async { true }),
        ),
    ];
    for (policy, candidate) in pairs {
        let alone = policy.clone().build().unwrap();
        let with = alone.clone().with_candidate(candidate.build().unwrap());
        for req in requests() {
            let what = describe(&req);
            let (expected, seen_alone) = send(&alone, copy(&req)).await;
            let (answer, seen_with) = send(&with, req).await;
            assert_eq!(answer.status, expected.status, "{what}");
            assert_eq!(answer.headers, expected.headers, "{what}");
            assert_eq!(answer.body, expected.body, "{what}");
            assert_eq!(seen_with.calls(), seen_alone.calls(), "{what}");
            assert_eq!(seen_with.kind(), seen_alone.kind(), "{what}");
            assert_eq!(
                answer.extensions.get::<tower_cors::Refusal>(),
                expected.extensions.get::<tower_cors::Refusal>(),
                "{what}"
            );
        }
    }
}

/// A layer's `Debug` shows its candidate's policies.
#[test]
fn a_layers_debug_shows_its_candidate() {
    let alone = enforcing().build().unwrap();
    assert!(
        !format!("{alone:?}").contains("candidate: Some"),
        "{alone:?}"
    );
    let routes = CorsRoutes::new()
        .policy("next", tighter())
        .fallback("next")
        .build()
        .unwrap();
    let with = alone.with_candidate(routes);
    let shown = format!("{with:?}");
    assert!(shown.contains("candidate: Some"), "{shown}");
    assert!(shown.contains("\"next\""), "{shown}");
}

// checklist: R1
#[tokio::test]
async fn routes_with_a_candidate_answer_as_without() {
    let routes = || {
        CorsRoutes::new()
            .policy("api", enforcing())
            .policy("public", CorsBuilder::gateway())
            .bind_prefix("/api", "api")
            .bind_prefix("/public", "public")
    };
    let alone = routes().build().unwrap();
    let with = routes()
        .build()
        .unwrap()
        .with_candidate(tighter().build().unwrap());
    for path in ["/api/x", "/public/y", "/elsewhere"] {
        for req in requests() {
            let mut req = req;
            *req.uri_mut() = format!("http://api.example.com{path}").parse().unwrap();
            let what = format!("{path} {}", describe(&req));
            let (expected, _) = send(&alone, copy(&req)).await;
            let (answer, _) = send(&with, req).await;
            assert_eq!(answer.status, expected.status, "{what}");
            assert_eq!(answer.headers, expected.headers, "{what}");
        }
    }
}

/// The enforcing policy's origin predicate runs once per request with a
/// candidate beside it: the candidate reuses nothing of it, and its own
/// predicate runs once too.
// checklist: R1
#[tokio::test]
async fn each_policys_predicate_runs_once_per_request() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let counting = |calls: &Arc<AtomicUsize>| {
        let calls = Arc::clone(calls);
        CorsLayer::builder()
            .allow_origin_predicate(move |_, _| {
                calls.fetch_add(1, Ordering::SeqCst);
                true
            })
            .build()
            .unwrap()
    };
    let (enforcing_calls, candidate_calls) = (Arc::default(), Arc::default());
    let cors = counting(&enforcing_calls).with_candidate(counting(&candidate_calls));
    send(&cors, get_from(OLD)).await;
    send(&cors, preflight(OLD, "PUT", None)).await;
    assert_eq!(enforcing_calls.load(Ordering::SeqCst), 2);
    assert_eq!(candidate_calls.load(Ordering::SeqCst), 2);
}

/// Each refusal has its own short code, the counters' `reason` label:
/// snake case, stable, never a request's bytes.
// checklist: R3
#[test]
fn every_refusal_has_its_own_stable_code() {
    use http::{HeaderName, Method};
    use tower_cors::Refusal;

    let refusals = [
        (Refusal::OriginNotAllowed, "origin_not_allowed"),
        (Refusal::NullOriginNotAllowed, "null_origin_not_allowed"),
        (Refusal::MalformedOrigin("why"), "malformed_origin"),
        (
            Refusal::MethodNotAllowed(Method::from_bytes(b"SECRET-BYTES").unwrap()),
            "method_not_allowed",
        ),
        (Refusal::InvalidRequestMethod, "invalid_request_method"),
        (
            Refusal::HeaderNotAllowed(HeaderName::from_static("x-secret-bytes")),
            "header_not_allowed",
        ),
        (Refusal::InvalidRequestHeaders, "invalid_request_headers"),
        (Refusal::RequestHeadersTooLong, "request_headers_too_long"),
        (
            Refusal::PrivateNetworkNotAllowed,
            "private_network_not_allowed",
        ),
        (
            Refusal::CrossOriginRequest(Method::PUT),
            "cross_origin_request",
        ),
        (Refusal::CrossOriginWebSocket, "cross_origin_websocket"),
    ];
    for (refusal, code) in &refusals {
        assert_eq!(refusal.code(), *code, "{refusal:?}");
    }
}

#[cfg(feature = "metrics")]
mod counted {
    //! What the counters say, read through a debugging recorder installed
    //! for the current thread while a request is sent: the layer counts in
    //! `call`, before the response future is polled.

    use std::collections::{BTreeMap, BTreeSet};
    use std::convert::Infallible;

    use bytes::Bytes;
    use http::{Request, Response};
    use http_body_util::Full;
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    use tower::{service_fn, Service, ServiceExt};
    use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    use tower_layer::Layer;

    use super::*;

    /// Counter values by name and sorted labels.
    type Counts = BTreeMap<(String, Vec<(String, String)>), u64>;

    /// Sends every request through `layer` (around a handler that answers
    /// `200`), counting with a recorder of their own; returns the answers'
    /// statuses and what was counted.
    async fn counted(layer: &CorsLayer, requests: Vec<Request<Full<Bytes>>>) -> Counts {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let mut service = layer.layer(service_fn(|_req: Request<Full<Bytes>>| async {
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
        }));
        for req in requests {
            service.ready().await.unwrap();
            let future = metrics::with_local_recorder(&recorder, || service.call(req));
            future.await.unwrap();
        }
        let mut counts = Counts::new();
        for (key, _, _, value) in snapshotter.snapshot().into_vec() {
            let key = key.key();
            let mut labels: Vec<(String, String)> = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            labels.sort();
            let DebugValue::Counter(n) = value else {
                panic!("only counters: {key:?}")
            };
            counts.insert((key.name().to_owned(), labels), n);
        }
        counts
    }

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut labels: Vec<_> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        labels.sort();
        labels
    }

    /// How many decisions of `policy` were counted with this outcome and
    /// reason, by the candidate or the enforcing policy.
    fn decided(counts: &Counts, policy: &str, outcome: &str, reason: &str, candidate: bool) -> u64 {
        let candidate = if candidate { "true" } else { "false" };
        let pairs = [
            ("policy", policy),
            ("outcome", outcome),
            ("reason", reason),
            ("candidate", candidate),
        ];
        let key = ("tower_cors_decisions_total".to_owned(), labels(&pairs));
        counts.get(&key).copied().unwrap_or(0)
    }

    /// How many differences of this kind were counted between `policy`
    /// and the candidate's `candidate_policy`.
    fn differed(
        counts: &Counts,
        policy: &str,
        candidate_policy: &str,
        difference: &str,
        reason: &str,
    ) -> u64 {
        let pairs = [
            ("policy", policy),
            ("candidate_policy", candidate_policy),
            ("difference", difference),
            ("reason", reason),
        ];
        let key = (DIFFERENCES.to_owned(), labels(&pairs));
        counts.get(&key).copied().unwrap_or(0)
    }

    /// Every difference counted.
    fn all_differences(counts: &Counts) -> u64 {
        counts
            .iter()
            .filter(|((name, _), _)| name == DIFFERENCES)
            .map(|(_, n)| n)
            .sum()
    }

    const DIFFERENCES: &str = "tower_cors_candidate_differences_total";

    // checklist: R2, R3
    #[tokio::test]
    async fn differences_are_counted_with_the_candidates_reason() {
        let cors = enforcing()
            .build()
            .unwrap()
            .with_candidate(tighter().build().unwrap());
        let counts = counted(
            &cors,
            vec![
                get_from(APP),
                get_from(OLD),
                get_from(OLD),
                preflight(OLD, "PUT", None),
                preflight(APP, "DELETE", None),
                request("GET", &[]),
            ],
        )
        .await;
        // The old origin: allowed now, refused by the candidate, twice as
        // an actual request and once as a preflight.
        assert_eq!(
            differed(
                &counts,
                "default",
                "default",
                "would_refuse",
                "origin_not_allowed"
            ),
            3,
            "{counts:#?}"
        );
        // Nothing else differs: both refuse DELETE, both allow the app.
        assert_eq!(all_differences(&counts), 3, "{counts:#?}");

        let enforced = |outcome, reason| decided(&counts, "default", outcome, reason, false);
        let candidate = |outcome, reason| decided(&counts, "default", outcome, reason, true);
        assert_eq!(enforced("allowed", ""), 4, "{counts:#?}");
        assert_eq!(enforced("refused", "method_not_allowed"), 1);
        assert_eq!(enforced("not_cors", ""), 1);
        assert_eq!(candidate("allowed", ""), 1);
        assert_eq!(candidate("refused", "origin_not_allowed"), 3);
        assert_eq!(candidate("refused", "method_not_allowed"), 1);
        assert_eq!(candidate("not_cors", ""), 1);
    }

    // checklist: R2, R3
    #[tokio::test]
    async fn a_looser_candidate_would_allow_what_is_refused() {
        let cors = tighter().build().unwrap().with_candidate(
            enforcing()
                .allow_methods(["PUT", "DELETE"])
                .build()
                .unwrap(),
        );
        let counts = counted(
            &cors,
            vec![
                get_from(OLD),
                preflight(APP, "DELETE", None),
                preflight(APP, "PATCH", None),
            ],
        )
        .await;
        let would_allow = |reason| differed(&counts, "default", "default", "would_allow", reason);
        // The reason is the enforcing policy's: what the candidate would
        // stop refusing.
        assert_eq!(would_allow("origin_not_allowed"), 1, "{counts:#?}");
        assert_eq!(would_allow("method_not_allowed"), 1, "{counts:#?}");
    }

    // checklist: R2, R3
    #[tokio::test]
    async fn decisions_are_counted_per_route_by_its_policys_name() {
        let routes = CorsRoutes::new()
            .policy("api", enforcing())
            .policy("public", CorsBuilder::gateway())
            .bind_prefix("/api", "api")
            .bind_prefix("/public", "public")
            .build()
            .unwrap();
        let candidate = CorsRoutes::new()
            .policy("api-next", tighter())
            .bind_prefix("/api", "api-next")
            .bind_prefix("/new", "api-next")
            .build()
            .unwrap();
        let cors = routes.with_candidate(candidate);
        let to = |path: &str, origin: &str| {
            request_to(
                "GET",
                &format!("http://api.example.com{path}"),
                &[("origin", origin)],
            )
        };
        let counts = counted(
            &cors,
            vec![
                to("/api/a", OLD),
                to("/public/b", OLD),
                // Bound by the candidate only: counted for it, compared
                // with nothing.
                to("/new/c", "https://evil.example"),
            ],
        )
        .await;
        assert_eq!(
            decided(&counts, "api", "allowed", "", false),
            1,
            "{counts:#?}"
        );
        assert_eq!(decided(&counts, "public", "allowed", "", false), 1);
        assert_eq!(
            decided(&counts, "api-next", "refused", "origin_not_allowed", true),
            2
        );
        assert_eq!(
            differed(
                &counts,
                "api",
                "api-next",
                "would_refuse",
                "origin_not_allowed"
            ),
            1,
            "{counts:#?}"
        );
        // /public is bound by the enforcing layer only: promoted, the
        // candidate would leave its CORS requests to the handler alone.
        assert_eq!(
            differed(&counts, "public", "", "not_bound", ""),
            1,
            "{counts:#?}"
        );
        assert_eq!(
            all_differences(&counts),
            2,
            "/new is bound by the candidate only: {counts:#?}"
        );
    }

    /// A candidate that adds cross-origin protection or blocking answers
    /// itself what the inner service answers now: a cross-site form post
    /// from a refused origin, which runs the handler today, would not.
    // checklist: R2, X1
    #[tokio::test]
    async fn a_candidate_that_would_block_what_the_handler_answers_now() {
        let form_post = || {
            request(
                "POST",
                &[
                    ("origin", "https://partner.example"),
                    ("sec-fetch-site", "cross-site"),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
            )
        };
        let cors = enforcing()
            .build()
            .unwrap()
            .with_candidate(enforcing().cross_origin_protection(true).build().unwrap());
        let counts = counted(
            &cors,
            vec![form_post(), get_from("https://partner.example")],
        )
        .await;
        assert_eq!(
            differed(
                &counts,
                "default",
                "default",
                "would_block",
                "cross_origin_request"
            ),
            1,
            "{counts:#?}"
        );

        // And the other way: blocking now, a candidate without it.
        let cors = enforcing()
            .block_disallowed_origins(true)
            .build()
            .unwrap()
            .with_candidate(enforcing().build().unwrap());
        let counts = counted(&cors, vec![form_post()]).await;
        assert_eq!(
            differed(
                &counts,
                "default",
                "default",
                "would_unblock",
                "origin_not_allowed"
            ),
            1,
            "{counts:#?}"
        );
    }

    /// Without a candidate, routes are counted by their policies' names
    /// too, and a request bound to no policy is not counted.
    // checklist: R3
    #[tokio::test]
    async fn routes_without_a_candidate_are_counted() {
        let cors = CorsRoutes::new()
            .policy("api", enforcing())
            .bind_prefix("/api", "api")
            .build()
            .unwrap();
        let to = |path: &str| {
            request_to(
                "GET",
                &format!("http://api.example.com{path}"),
                &[("origin", OLD)],
            )
        };
        let counts = counted(&cors, vec![to("/api/a"), to("/elsewhere")]).await;
        assert_eq!(
            decided(&counts, "api", "allowed", "", false),
            1,
            "{counts:#?}"
        );
        assert_eq!(counts.len(), 1, "{counts:#?}");
    }

    // checklist: R3
    #[tokio::test]
    async fn label_values_never_come_from_a_request() {
        let cors = enforcing()
            .cross_origin_protection(true)
            .build()
            .unwrap()
            .with_candidate(tighter().build().unwrap());
        let mut requests = Vec::new();
        for i in 0..300 {
            let origin = format!("https://site-{i}.example");
            let method = format!("M{i}");
            let header = format!("x-h{i}");
            requests.push(get_from(&origin));
            requests.push(preflight(APP, &method, None));
            requests.push(preflight(OLD, "PUT", Some(&header)));
            requests.push(request(&method, &[("origin", &origin)]));
            requests.push(get_from(&format!("{origin}/path{i}")));
        }
        let counts = counted(&cors, requests).await;
        let allowed: BTreeSet<&str> = [
            "policy",
            "candidate_policy",
            "outcome",
            "reason",
            "candidate",
            "difference",
        ]
        .into();
        let mut values = BTreeSet::new();
        for (_, labels) in counts.keys() {
            for (key, value) in labels {
                assert!(allowed.contains(key.as_str()), "{key}");
                values.insert(value.clone());
            }
        }
        for value in &values {
            assert!(
                !value.contains("site-") && !value.starts_with('M') && !value.contains("x-h"),
                "{value}"
            );
        }
        // 1,500 distinct requests make a handful of series.
        assert!(counts.len() <= 16, "{counts:#?}");
        assert!(values.contains("malformed_origin"), "{values:?}");
        assert!(values.contains("header_not_allowed"), "{values:?}");
        assert!(values.contains("cross_origin_request"), "{values:?}");
    }

    // checklist: R3
    #[tokio::test]
    async fn an_origin_only_an_async_predicate_decides_is_counted_undecided() {
        let cors = CorsLayer::builder()
            .allow_origin_async(|_origin, _parts| async { true })
            .build()
            .unwrap()
            .with_candidate(tighter().build().unwrap());
        let counts = counted(&cors, vec![get_from(OLD)]).await;
        assert_eq!(
            decided(&counts, "default", "undecided", "", false),
            1,
            "{counts:#?}"
        );
        assert_eq!(
            all_differences(&counts),
            0,
            "an undecided request is compared with nothing: {counts:#?}"
        );
    }

    /// What the browser would make of an answer: whether the layer let the
    /// request through (a CORS request's answer carries
    /// `Access-Control-Allow-Origin`; a private network question needs its
    /// answer too), or whether it was not a CORS request at all.
    fn served(req: &Request<Full<Bytes>>, answer: &Answer) -> &'static str {
        let headers = req.headers();
        let is_preflight = req.method() == "OPTIONS"
            && headers.contains_key("origin")
            && headers.contains_key("access-control-request-method");
        let granted = answer.headers.contains_key("access-control-allow-origin");
        let pna_asked = headers
            .get("access-control-request-private-network")
            .is_some_and(|v| v == "true");
        let pna_granted = answer
            .headers
            .contains_key("access-control-allow-private-network");
        let same_origin = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v == "same-origin");
        match () {
            _ if !answer.status.is_success() => "refused",
            _ if !headers.contains_key("origin") => "not_cors",
            _ if is_preflight && granted && (!pna_asked || pna_granted) => "allowed",
            _ if is_preflight => "refused",
            _ if granted => "allowed",
            // A same-origin request carries `Origin` too: no CORS request.
            _ if same_origin => "not_cors",
            _ => "refused",
        }
    }

    /// The enforcing decision counted for a request is what the answer
    /// shows, and a candidate that is the same policy decides the same, on
    /// many requests and policies: the counted decision is the served one,
    /// and the candidate's rules are the request path's.
    // checklist: R1, R3
    #[tokio::test]
    async fn the_counted_decision_is_the_served_one_and_the_candidates() {
        let policies = [
            enforcing(),
            enforcing()
                .cross_origin_protection(true)
                .block_disallowed_origins(true),
            tighter()
                .allow_credentials(true)
                .allow_private_network(true),
            CorsBuilder::gateway(),
            CorsLayer::builder()
                .allow_origins(["https://*.example.com", "https://pr-*.example.net"])
                .allow_any_header()
                .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".test")),
            enforcing().preflight_passthrough(true),
        ];
        let origins = [
            None,
            Some(APP),
            Some(OLD),
            Some("https://evil.example"),
            Some("https://x.example.com"),
            Some("https://pr-1.example.net"),
            Some("https://a.test"),
            Some("null"),
            Some("https://app.example.com/"),
        ];
        let methods = ["GET", "POST", "PUT", "OPTIONS"];
        let asked_methods = [None, Some("PUT"), Some("DELETE"), Some("bad method")];
        let asked_headers = [None, Some("x-token"), Some("authorization"), Some("a b")];
        let extras: [&[(&str, &str)]; 5] = [
            &[],
            &[("sec-fetch-site", "cross-site")],
            &[("access-control-request-private-network", "true")],
            &[("sec-fetch-site", "same-origin"), ("upgrade", "websocket")],
            &[("sec-fetch-site", "none")],
        ];
        let mut checked = 0;
        for policy in policies {
            let cors = policy.build().unwrap();
            let cors = cors.clone().with_candidate(cors);
            let mut service = cors.layer(service_fn(|_req: Request<Full<Bytes>>| async {
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
            }));
            for origin in origins {
                for method in methods {
                    for asked_method in asked_methods {
                        for asked_header in asked_headers {
                            for extra in extras {
                                let mut headers: Vec<(&str, &str)> = extra.to_vec();
                                headers.extend(origin.map(|o| ("origin", o)));
                                headers.extend(
                                    asked_method.map(|m| ("access-control-request-method", m)),
                                );
                                headers.extend(
                                    asked_header.map(|h| ("access-control-request-headers", h)),
                                );
                                let req = request(method, &headers);
                                let what = describe(&req);
                                let probe = copy(&req);
                                let recorder = DebuggingRecorder::new();
                                let snapshotter = recorder.snapshotter();
                                service.ready().await.unwrap();
                                let future =
                                    metrics::with_local_recorder(&recorder, || service.call(req));
                                let answer = collect(future.await.unwrap()).await;
                                let snapshot = snapshotter.snapshot().into_vec();
                                // The enforcing decision and the candidate's,
                                // each counted once, and no difference.
                                assert_eq!(snapshot.len(), 2, "{what}: {snapshot:?}");
                                let served = served(&probe, &answer);
                                let mut series = Vec::new();
                                for (key, _, _, value) in &snapshot {
                                    assert_eq!(*value, DebugValue::Counter(1), "{what}");
                                    let key = key.key();
                                    assert_eq!(key.name(), "tower_cors_decisions_total", "{what}");
                                    let label = |name: &str| {
                                        key.labels()
                                            .find(|l| l.key() == name)
                                            .map(|l| l.value().to_owned())
                                            .unwrap()
                                    };
                                    assert_eq!(label("outcome"), served, "{what}: {key:?}");
                                    series.push((label("outcome"), label("reason")));
                                }
                                // The same outcome for the same reason.
                                assert_eq!(series[0], series[1], "{what}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 6 * 9 * 4 * 4 * 4 * 5);
    }
}

#[cfg(feature = "reload")]
mod promoted {
    //! Promoting a candidate on a reloadable layer: one atomic step, under
    //! load, and what reconfiguring does to a candidate in force.

    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use tower::ServiceExt;
    use tower_cors::{CorsLayer, CorsRoutes};
    use tower_layer::Layer;

    use super::*;

    /// The answer to a preflight from `origin`, as one of the two policies
    /// gives it: `Some(max_age)` when allowed, `None` when refused.
    async fn preflight_answer(inner: Handler, cors: &CorsLayer, origin: &str) -> Option<String> {
        let service = cors.layer(inner);
        let res = service
            .oneshot(preflight(origin, "PUT", None))
            .await
            .unwrap();
        let allowed = res.headers().get("access-control-allow-origin");
        let max_age = res.headers().get("access-control-max-age");
        match (allowed, max_age) {
            (Some(allowed), Some(max_age)) => {
                assert_eq!(allowed, origin);
                Some(max_age.to_str().unwrap().to_owned())
            }
            (None, None) => None,
            other => panic!("a mix of answers: {other:?}"),
        }
    }

    // checklist: R4
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn promoting_under_load_loses_no_request_and_mixes_no_policies() {
        const TASKS: usize = 8;
        const WITHIN: Duration = Duration::from_secs(30);
        let before = enforcing().max_age(Duration::from_secs(100));
        let after = tighter().max_age(Duration::from_secs(200));
        let (cors, handle) = before.build().unwrap().reloadable();
        handle.set_candidate(after.build().unwrap());
        let inner = handler(&[], &Seen::default());
        // Switched in, the candidate's differences are counted: the old
        // origin, allowed now, it would refuse.
        #[cfg(feature = "metrics")]
        {
            use metrics_util::debugging::{DebugValue, DebuggingRecorder};
            use tower::Service;

            let recorder = DebuggingRecorder::new();
            let snapshotter = recorder.snapshotter();
            let mut service = cors.layer(inner.clone());
            for req in [get_from(OLD), preflight(OLD, "PUT", None), get_from(APP)] {
                service.ready().await.unwrap();
                let future = metrics::with_local_recorder(&recorder, || service.call(req));
                future.await.unwrap();
            }
            let differences: Vec<(String, DebugValue)> = snapshotter
                .snapshot()
                .into_vec()
                .into_iter()
                .filter(|(key, ..)| key.key().name() == "tower_cors_candidate_differences_total")
                .map(|(key, _, _, value)| {
                    let difference = key.key().labels().find(|l| l.key() == "difference");
                    (difference.unwrap().value().to_owned(), value)
                })
                .collect();
            assert_eq!(
                differences,
                [("would_refuse".to_owned(), DebugValue::Counter(2))]
            );
        }
        let done = Arc::new(AtomicBool::new(false));
        let promoted = Arc::new(AtomicBool::new(false));
        let (old_answers, new_answers) =
            (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut workers = Vec::new();
        for task in 0..TASKS {
            let (cors, inner, done, promoted) =
                (cors.clone(), inner.clone(), done.clone(), promoted.clone());
            let (old_answers, new_answers) = (old_answers.clone(), new_answers.clone());
            workers.push(tokio::spawn(async move {
                let mut sent = 0usize;
                while !done.load(Ordering::SeqCst) {
                    let origin = if (task + sent) % 2 == 0 { OLD } else { APP };
                    // Promoted before this request was sent: the new
                    // policy answers.
                    let after_promotion = promoted.load(Ordering::SeqCst);
                    let answer = tokio::time::timeout(
                        WITHIN,
                        preflight_answer(inner.clone(), &cors, origin),
                    )
                    .await
                    .unwrap_or_else(|_| panic!("task {task}: request {sent} not answered"));
                    sent += 1;
                    let new = match (origin, answer.as_deref()) {
                        (_, Some("100")) => false,
                        (APP, Some("200")) | (OLD, None) => true,
                        (origin, other) => panic!("{origin}: {other:?} is neither policy's"),
                    };
                    assert!(
                        new || !after_promotion,
                        "the old policy after the promotion"
                    );
                    let counter = if new { &new_answers } else { &old_answers };
                    counter.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
                sent
            }));
        }
        // Waits until `count` answers came, failing (workers stopped)
        // after the time limit.
        let wait_for = |counter: &Arc<AtomicUsize>, count: usize| {
            let (counter, done) = (counter.clone(), done.clone());
            async move {
                let waited = tokio::time::timeout(WITHIN, async {
                    while counter.load(Ordering::SeqCst) < count {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                })
                .await;
                if waited.is_err() {
                    done.store(true, Ordering::SeqCst);
                    panic!("{count} answers did not come");
                }
            }
        };
        // Let the old policy answer for a while, then promote.
        wait_for(&old_answers, 200).await;
        assert!(handle.promote_candidate());
        promoted.store(true, Ordering::SeqCst);
        wait_for(&new_answers, 200).await;
        done.store(true, Ordering::SeqCst);
        let mut sent = 0;
        for worker in workers {
            sent += worker.await.expect("no worker panics");
        }
        assert_eq!(
            sent,
            old_answers.load(Ordering::SeqCst) + new_answers.load(Ordering::SeqCst),
            "every request answered by one policy"
        );
        assert!(handle.candidate().is_none());
        assert!(!handle.promote_candidate(), "nothing left to promote");
    }

    // checklist: R4
    #[tokio::test]
    async fn reconfiguring_keeps_the_candidate_and_set_replaces_it() {
        let (cors, handle) = enforcing().build().unwrap().reloadable();
        assert!(handle.candidate().is_none());
        handle.set_candidate(tighter().build().unwrap());
        handle.reconfigure(CorsBuilder::gateway()).unwrap();
        let candidate = handle.candidate().expect("kept");
        assert_eq!(
            candidate.config("default").unwrap().allow_origins,
            [APP],
            "the candidate is the tighter policy"
        );
        handle
            .reconfigure_routes(
                CorsRoutes::new()
                    .policy("p", CorsBuilder::gateway())
                    .fallback("p"),
            )
            .unwrap();
        assert!(handle.candidate().is_some(), "kept by new routes too");
        // `set` puts a whole layer in force: its candidate (none here).
        handle.set(enforcing().build().unwrap());
        assert!(handle.candidate().is_none());
        // A layer's own candidate comes with it.
        handle.set(
            enforcing()
                .build()
                .unwrap()
                .with_candidate(CorsBuilder::gateway().build().unwrap()),
        );
        assert!(handle.candidate().is_some());
        handle.clear_candidate();
        assert!(handle.candidate().is_none());
        // A candidate layer's own candidate is not taken: promoted, it
        // leaves none behind.
        let nested = enforcing()
            .build()
            .unwrap()
            .with_candidate(CorsBuilder::gateway().build().unwrap());
        handle.set_candidate(nested);
        assert!(handle.promote_candidate());
        assert!(
            handle.candidate().is_none(),
            "no candidate of the candidate"
        );
        // `with_candidate` on the reloadable layer sets it for every
        // service the layer made.
        let service = cors.layer(handler(&[], &Seen::default()));
        let cors = cors.with_candidate(tighter().build().unwrap());
        assert!(handle.candidate().is_some());
        assert!(handle.promote_candidate());
        let res = service.oneshot(get_from(OLD)).await.unwrap();
        assert!(
            !res.headers().contains_key("access-control-allow-origin"),
            "the promoted policy answers every service the layer made"
        );
        drop(cors);
    }
}
