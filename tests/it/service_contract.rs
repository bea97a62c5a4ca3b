//! The layer's types as tower and http-body expect them: `CorsBody`'s
//! `Default` without a bound on the inner body, and a `ResponseFuture` that
//! is polled again after it finished.

use std::convert::Infallible;
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};

use crate::common::*;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::Full;
use tower::Service;
use tower_cors::{CorsBody, CorsLayer, ResponseFuture};
use tower_layer::Layer;

const APP: &str = "https://app.example.com";

/// A body type without a `Default` impl.
struct NoDefault;

impl Body for NoDefault {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(None)
    }
}

// checklist: M1
#[test]
fn cors_body_is_default_for_any_inner_body() {
    fn default_of<T: Default>() -> T {
        T::default()
    }
    let body: CorsBody<NoDefault> = default_of();
    assert!(body.is_end_stream());
    assert_eq!(body.size_hint().exact(), Some(0));
    assert!(CorsBody::<NoDefault>::default().into_inner().is_none());
}

/// Polls `future` to its end, then once more; returns the output and what
/// the extra poll gave.
fn poll_after_ready<F: Future>(future: F, cx: &mut Context<'_>) -> (F::Output, Poll<F::Output>) {
    let mut future = pin!(future);
    let output = match future.as_mut().poll(cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future did not complete at once"),
    };
    let again = future.as_mut().poll(cx);
    (output, again)
}

fn service() -> tower_cors::Cors<Handler> {
    let cors = CorsLayer::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .build()
        .unwrap();
    // The handler's future completes at once, and panics if polled after
    // completion.
    cors.layer(handler(&[], &Seen::default()))
}

/// Calls the service on `req` and polls the response future past its end,
/// with the context `cx` (of a no-op waker).
fn call_and_poll_twice(
    req: Request<Full<Bytes>>,
    cx: &mut Context<'_>,
) -> Response<CorsBody<Full<Bytes>>> {
    let mut service = service();
    assert!(service.poll_ready(cx).is_ready());
    let future: ResponseFuture<_> = service.call(req);
    let (output, again) = poll_after_ready(future, cx);
    assert!(again.is_pending(), "polled again after Ready: not Pending");
    output.unwrap()
}

// checklist: P1, M2
#[test]
fn a_finished_preflight_future_stays_pending() {
    let mut cx = Context::from_waker(Waker::noop());
    let res = call_and_poll_twice(preflight(APP, "PUT", None), &mut cx);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-origin"], APP);
}

// checklist: M2
#[test]
fn a_finished_actual_request_future_stays_pending() {
    let mut cx = Context::from_waker(Waker::noop());
    let res = call_and_poll_twice(get_from(APP), &mut cx);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["access-control-allow-origin"], APP);
    // The handler's body is inside the layer's, and can be taken out.
    let inner = res.into_body().into_inner().expect("the handler's body");
    assert_eq!(inner.size_hint().exact(), Some(b"inner".len() as u64));
}

/// The response future's `Debug` names it and hides its state.
#[test]
fn the_response_future_shows_its_name() {
    let future = service().call(get_from(APP));
    assert_eq!(format!("{future:?}"), "ResponseFuture { .. }");
}

/// The service's `Debug` shows its inner service and where its policy
/// comes from, as the layer's does.
#[test]
fn the_service_shows_its_inner_service_and_its_policy() {
    use tower_layer::Layer;

    let shown = format!("{:?}", tower_cors::CorsLayer::gateway().layer(42u8));
    assert!(
        shown.starts_with("Cors { inner: 42, source: Fixed("),
        "{shown}"
    );
    let layer = format!("{:?}", tower_cors::CorsLayer::gateway());
    assert!(layer.starts_with("CorsLayer { source: Fixed("), "{layer}");
    assert!(layer.ends_with("debug: false }"), "{layer}");
}
