//! Actual (non-preflight) responses: the layer's headers and the merge with
//! the inner service's.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::common::*;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use tower::{service_fn, ServiceExt};
use tower_cors::{CorsLayer, Precedence, Refusal};
use tower_layer::Layer;

const APP: &str = "https://app.example.com";

fn credentialed() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .expose_headers(["X-Request-Id", "X-Total"])
        .record_decisions(true)
        .build()
        .unwrap()
}

// checklist: A1, A2, A3, A5
#[tokio::test]
async fn an_allowed_origin_gets_its_own_origin_back() {
    let (res, seen) = send(&credentialed(), get_from(APP)).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.all("access-control-allow-origin"), [APP]);
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some("X-Request-Id,X-Total")
    );
    assert_eq!(res.header("vary"), Some("Origin"));
    // Preflight-only headers stay off actual responses.
    assert_eq!(res.header("access-control-allow-methods"), None);
    assert_eq!(res.header("access-control-max-age"), None);
}

// checklist: A1, A5
#[tokio::test]
async fn an_any_origin_policy_sends_a_wildcard_and_no_vary() {
    let any = CorsLayer::builder().allow_any_origin().build().unwrap();
    let (res, _) = send(&any, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-origin"), ["*"]);
    assert_eq!(res.header("access-control-allow-credentials"), None);
    assert_eq!(res.header("vary"), None);
}

// checklist: A4, A5
#[tokio::test]
async fn a_disallowed_origin_gets_no_cors_headers_but_reaches_the_service() {
    let (res, seen) = send(&credentialed(), get_from("https://evil.example")).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(&res.body[..], b"inner");
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
    assert_eq!(res.header("vary"), Some("Origin"));
    assert_eq!(res.extensions.get(), Some(&Refusal::OriginNotAllowed));
}

// checklist: A4
#[tokio::test]
async fn a_policy_can_block_disallowed_origins() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .block_disallowed_origins(true)
        .record_decisions(true)
        .build()
        .unwrap();
    let (res, seen) = send(&cors, get_from("https://evil.example")).await;
    assert_eq!(seen.calls(), 0);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.cors_headers().is_empty());
    assert!(res.body.is_empty());
    assert_eq!(res.extensions.get(), Some(&Refusal::OriginNotAllowed));
    // Allowed origins and non-CORS requests still go through.
    let (_, seen) = send(&cors, get_from(APP)).await;
    assert_eq!(seen.calls(), 1);
    let (_, seen) = send(&cors, request("GET", &[])).await;
    assert_eq!(seen.calls(), 1);
}

// checklist: A6
#[tokio::test]
async fn vary_tokens_are_merged_not_replaced_or_duplicated() {
    type Headers = &'static [(&'static str, &'static str)];
    let cases: &[(Headers, &[&str])] = &[
        (&[("vary", "accept-encoding")], &["accept-encoding, Origin"]),
        (&[("vary", "ORIGIN")], &["ORIGIN"]),
        (&[("vary", "Accept, origin")], &["Accept, origin"]),
        (&[("vary", "*")], &["*"]),
        (
            &[("vary", "accept"), ("vary", "accept-language")],
            &["accept, accept-language, Origin"],
        ),
    ];
    for (upstream, expected) in cases {
        let (res, _) = send_with(&credentialed(), upstream, get_from(APP)).await;
        assert_eq!(res.all("vary"), *expected, "{upstream:?}");
    }
}

// checklist: A2, A3, A5, A6
// A handler that sets no CORS header and no `Vary` gets the layer's headers
// as they are; one that sets a `Vary` of its own gets its tokens merged
// (A6). Nothing else the layer adds may depend on which of the two it is.
#[tokio::test]
async fn a_handlers_own_vary_changes_nothing_else_the_layer_adds() {
    let policies = [
        credentialed(),
        CorsLayer::builder().allow_any_origin().build().unwrap(),
        CorsLayer::gateway(),
        CorsLayer::builder()
            .allow_origins(["https://*.example.com"])
            .expose_headers(["X-Total"])
            .build()
            .unwrap(),
    ];
    let requests = || {
        [
            get_from(APP),
            get_from("https://evil.example"),
            request("GET", &[]),
        ]
    };
    let without_vary: &[(&str, &str)] = &[("content-type", "text/plain")];
    let with_vary: &[(&str, &str)] = &[("content-type", "text/plain"), ("vary", "accept-encoding")];
    for (p, policy) in policies.iter().enumerate() {
        for (r, (a, b)) in requests().into_iter().zip(requests()).enumerate() {
            let (plain, _) = send_with(policy, without_vary, a).await;
            let (varied, _) = send_with(policy, with_vary, b).await;
            let cors = |res: &Answer| {
                res.cors_headers()
                    .into_iter()
                    .map(|name| (res.all(&name).join("|"), name))
                    .collect::<Vec<_>>()
            };
            assert_eq!(cors(&varied), cors(&plain), "policy {p}, request {r}");
            let mut expected = vec!["accept-encoding".to_owned()];
            expected.extend(vary_tokens(&plain));
            assert_eq!(vary_tokens(&varied), expected, "policy {p}, request {r}");
            assert_eq!(plain.header("content-type"), Some("text/plain"));
        }
    }
}

// checklist: A6
#[tokio::test]
async fn stacked_layers_do_not_duplicate_vary() {
    let handler = service_fn(|_req: Request<Full<Bytes>>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
    });
    let stacked = credentialed().layer(credentialed().layer(handler));
    let res = collect(stacked.oneshot(get_from(APP)).await.unwrap()).await;
    assert_eq!(res.all("vary"), ["Origin"]);
    assert_eq!(res.all("access-control-allow-origin"), [APP]);
}

// checklist: A7
#[tokio::test]
async fn upstream_cors_headers_win() {
    let upstream = [
        ("access-control-allow-origin", "https://other.example"),
        ("access-control-expose-headers", "X-Upstream"),
    ];
    let (res, _) = send_with(&credentialed(), &upstream, get_from(APP)).await;
    assert_eq!(
        res.all("access-control-allow-origin"),
        ["https://other.example"]
    );
    assert_eq!(res.all("access-control-expose-headers"), ["X-Upstream"]);
    // The layer never grants credentials to an origin it did not choose.
    assert_eq!(res.header("access-control-allow-credentials"), None);
}

// checklist: A7, A2
#[tokio::test]
async fn upstream_wildcard_never_gets_credentials() {
    let upstream = [("access-control-allow-origin", "*")];
    let (res, _) = send_with(&credentialed(), &upstream, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-origin"), ["*"]);
    assert_eq!(res.header("access-control-allow-credentials"), None);
}

// checklist: A7, A2
#[tokio::test]
async fn upstream_credentials_never_meet_the_layers_wildcard() {
    let any = CorsLayer::builder().allow_any_origin().build().unwrap();
    for credentials in ["true", "TRUE", " true "] {
        let upstream = [("access-control-allow-credentials", credentials)];
        let (res, _) = send_with(&any, &upstream, get_from(APP)).await;
        // Neither `*` nor the request's origin: with credentials the
        // browser must deny the response.
        assert_eq!(
            res.header("access-control-allow-origin"),
            None,
            "{credentials:?}"
        );
        assert_eq!(
            res.all("access-control-allow-credentials"),
            [credentials],
            "{credentials:?}"
        );
    }
    // A handler that says no to credentials leaves the wildcard in place.
    let upstream = [("access-control-allow-credentials", "false")];
    let (res, _) = send_with(&any, &upstream, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-origin"), ["*"]);
}

// checklist: A7
#[tokio::test]
async fn upstream_same_origin_keeps_the_layers_credentials() {
    let upstream = [("access-control-allow-origin", APP)];
    let (res, _) = send_with(&credentialed(), &upstream, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-origin"), [APP]);
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
    let upstream = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-credentials", "true"),
    ];
    let (res, _) = send_with(&credentialed(), &upstream, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-credentials"), ["true"]);
}

// checklist: A7
#[tokio::test]
async fn upstream_headers_are_kept_for_disallowed_origins_when_upstream_wins() {
    let upstream = [("access-control-allow-origin", "https://evil.example")];
    let (res, _) = send_with(&credentialed(), &upstream, get_from("https://evil.example")).await;
    assert_eq!(
        res.all("access-control-allow-origin"),
        ["https://evil.example"]
    );
    assert_eq!(res.header("access-control-allow-credentials"), None);
}

// checklist: A7
#[tokio::test]
async fn layer_wins_replaces_upstream_cors_headers() {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_credentials(true)
        .precedence(Precedence::LayerWins)
        .build()
        .unwrap();
    let upstream = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-credentials", "false"),
        ("access-control-expose-headers", "X-Upstream"),
    ];
    let (res, _) = send_with(&cors, &upstream, get_from(APP)).await;
    assert_eq!(res.all("access-control-allow-origin"), [APP]);
    assert_eq!(res.all("access-control-allow-credentials"), ["true"]);
    assert_eq!(res.header("access-control-expose-headers"), None);
    // A disallowed origin gets no CORS headers at all, upstream's included.
    let (res, _) = send_with(&cors, &upstream, get_from("https://evil.example")).await;
    assert!(res.cors_headers().is_empty(), "{:?}", res.headers);
}

#[derive(Debug, Clone, PartialEq)]
struct Boom;

/// A streamed body of two frames that has no `Default` impl.
struct TwoFrames(u8);

impl Body for TwoFrames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.0 == 2 {
            return Poll::Ready(None);
        }
        self.0 += 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(format!(
            "part{} ",
            self.0
        ))))))
    }
}

// checklist: A8
#[tokio::test]
async fn headers_are_kept_on_errors_head_and_streamed_bodies() {
    let handler = service_fn(|req: Request<Full<Bytes>>| async move {
        let status = if req.uri().path() == "/missing" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        let mut res = Response::new(TwoFrames(0));
        *res.status_mut() = status;
        Ok::<_, Infallible>(res)
    });
    let service = credentialed().layer(handler);

    let mut missing = get_from(APP);
    *missing.uri_mut() = "http://api.example.com/missing".parse().unwrap();
    let res = service.clone().oneshot(missing).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["access-control-allow-origin"], APP);

    let head = request("HEAD", &[("origin", APP)]);
    let res = service.clone().oneshot(head).await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], APP);

    let res = service.oneshot(get_from(APP)).await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], APP);
    let mut body = res.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(&first[..], b"part1 ");
    let second = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(&second[..], b"part2 ");
    assert!(body.frame().await.is_none());
}

// checklist: M2
#[tokio::test]
async fn inner_errors_and_readiness_pass_through() {
    let failing =
        service_fn(|_req: Request<Full<Bytes>>| async { Err::<Response<Full<Bytes>>, _>(Boom) });
    let err = credentialed()
        .layer(failing)
        .oneshot(get_from(APP))
        .await
        .unwrap_err();
    assert_eq!(err, Boom);

    // Readiness, pending and failed, is the inner service's.
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut pending = credentialed().layer(Readiness::<Boom>(Poll::Pending));
    assert!(tower::Service::<Request<()>>::poll_ready(&mut pending, &mut cx).is_pending());
    let mut failed = credentialed().layer(Readiness(Poll::Ready(Err(Boom))));
    assert_eq!(
        tower::Service::<Request<()>>::poll_ready(&mut failed, &mut cx),
        Poll::Ready(Err(Boom))
    );
    let mut ready = credentialed().layer(Readiness::<Boom>(Poll::Ready(Ok(()))));
    assert_eq!(
        tower::Service::<Request<()>>::poll_ready(&mut ready, &mut cx),
        Poll::Ready(Ok(()))
    );
}

/// A service whose readiness is fixed.
struct Readiness<E>(Poll<Result<(), E>>);

impl<E: Clone> tower::Service<Request<()>> for Readiness<E> {
    type Response = Response<Full<Bytes>>;
    type Error = E;
    type Future = std::future::Ready<Result<Self::Response, E>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.0.clone()
    }

    fn call(&mut self, _req: Request<()>) -> Self::Future {
        std::future::ready(Ok(Response::new(Full::new(Bytes::new()))))
    }
}
