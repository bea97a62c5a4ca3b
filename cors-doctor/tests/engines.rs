//! The other engines' verdicts on the same answers: judged from what was
//! recorded, with nothing sent again; where an engine would go on with a
//! request the doctor did not send, it says which, and `--engine` sends it.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use axum::routing::options;
use axum::Router;

use super::json::json;
use super::{doctor, each_engine_would_put, only_the_standard_blocks, url, ANY, ORIGIN};

/// How many `PUT`s `/engines/star` has had.
static PUTS: AtomicUsize = AtomicUsize::new(0);

/// `/engines/star`: a preflight answer of `*` for methods and headers,
/// which covers `Authorization` in every engine but not by the standard;
/// its `PUT`s are counted.
pub(super) fn routes() -> Router {
    Router::new().route(
        "/engines/star",
        options(|| async {
            let allow = [
                ANY,
                ("access-control-allow-methods", "*"),
                ("access-control-allow-headers", "*"),
            ];
            (StatusCode::NO_CONTENT, allow)
        })
        .put(|| async {
            PUTS.fetch_add(1, Ordering::SeqCst);
            ([ANY], "saved")
        }),
    )
}

// checklist: P6
#[test]
fn a_request_only_another_engine_sends_is_named_and_never_sent() {
    let url = url("/engines/star");
    let args = [
        url.as_str(),
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "-H",
        "authorization: Bearer t",
    ];
    let before = PUTS.load(Ordering::SeqCst);
    let run = doctor(&args);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        PUTS.load(Ordering::SeqCst),
        before,
        "the PUT was sent: {run}"
    );
    each_engine_would_put(&run, &url);
    let (_, v) = json(&url, &["-X", "PUT", "-H", "authorization: Bearer t"]);
    assert_eq!(v["engines"][0]["result"], "not-sent", "{v:#}");
    assert_eq!(v["engines"][0]["not_sent"]["method"], "PUT", "{v:#}");
    assert_eq!(v["engines"][0]["not_sent"]["url"], url, "{v:#}");

    // Judged as Chromium, the PUT is sent, once; the standard says no.
    let mut chromium = args.to_vec();
    chromium.extend(["--engine", "chromium"]);
    let before = PUTS.load(Ordering::SeqCst);
    let run = doctor(&chromium);
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(PUTS.load(Ordering::SeqCst), before + 1, "{run}");
    only_the_standard_blocks(&run);
}
