//! Request bodies as a script passes them to `fetch()`: the
//! `Content-Type` the browser adds for each kind (which decides the
//! preflight), the script's own `Content-Type` first, and the bytes the
//! service receives.

use std::convert::Infallible;

use axum::extract::Request;
use axum::routing::any;
use axum::Router;
use cors_check::{check, RequestBody, Stage};
use http::Response;

const APP: &str = "https://app.example.com";

/// An API that allows any origin and header, and answers with what it
/// received: `x-got-type` and `x-got-body`, exposed.
fn echo() -> Router {
    Router::new().route(
        "/{*path}",
        any(|request: Request| async move {
            let content_type = request
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_owned();
            let body = axum::body::to_bytes(request.into_body(), 1 << 16)
                .await
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&body).replace(['\r', '\n'], "~");
            let mut response = Response::new(axum::body::Body::empty());
            let headers = response.headers_mut();
            for (name, value) in [
                ("access-control-allow-origin", "*"),
                ("access-control-allow-headers", "*"),
                ("access-control-allow-methods", "*"),
                ("access-control-expose-headers", "*"),
            ] {
                headers.insert(name, value.parse().unwrap());
            }
            headers.insert("x-got-type", content_type.parse().unwrap());
            headers.insert("x-got-body", body.parse().unwrap());
            response
        }),
    )
}

#[tokio::test]
async fn each_kind_of_body_brings_its_content_type() {
    let api = echo();
    let rows: [(RequestBody, &str, &str, bool); 5] = [
        (
            RequestBody::text("hello"),
            "text/plain;charset=UTF-8",
            "hello",
            false,
        ),
        (
            RequestBody::url_search_params([("q", "cats & dogs"), ("page", "2")]),
            "application/x-www-form-urlencoded;charset=UTF-8",
            "q=cats+%26+dogs&page=2",
            false,
        ),
        (
            RequestBody::form_data([("name", "cat")]),
            "multipart/form-data; boundary=",
            "Content-Disposition: form-data; name=\"name\"~~~~cat~~",
            false,
        ),
        (
            RequestBody::blob(b"{}", "application/json"),
            "application/json",
            "{}",
            true,
        ),
        (RequestBody::blob(b"raw", ""), "-", "raw", false),
    ];
    for (body, content_type, received, preflight) in rows {
        let outcome = check(&api)
            .from(APP)
            .post("/items")
            .body(body.clone())
            .run()
            .await;
        assert!(outcome.is_allowed(), "{body:?}: {outcome}");
        assert_eq!(outcome.preflight_sent(), preflight, "{body:?}");
        let got_type = outcome.header("x-got-type").unwrap_or_default();
        assert!(got_type.starts_with(content_type), "{body:?}: {got_type}");
        let got_body = outcome.header("x-got-body").unwrap_or_default();
        assert!(got_body.contains(received), "{body:?}: {got_body}");
    }
}

#[tokio::test]
async fn the_scripts_content_type_comes_first_whenever_it_is_set() {
    let api = echo();
    let json = r#"{"name":"cat"}"#;
    let before = check(&api)
        .from(APP)
        .post("/items")
        .header("Content-Type", "application/json")
        .body(RequestBody::text(json))
        .run()
        .await;
    let after = check(&api)
        .from(APP)
        .post("/items")
        .body(RequestBody::text(json))
        .header("Content-Type", "application/json")
        .run()
        .await;
    for outcome in [before, after] {
        assert!(
            outcome.is_allowed() && outcome.preflight_sent(),
            "{outcome}"
        );
        assert_eq!(outcome.header("x-got-type"), Some("application/json"));
        assert_eq!(outcome.header("x-got-body"), Some(json));
        let sent = &outcome.exchanges()[1].request;
        assert_eq!(sent.headers().get_all("content-type").iter().count(), 1);
    }
    // A second body replaces the first, and its type.
    let outcome = check(&api)
        .from(APP)
        .post("/items")
        .body(RequestBody::blob(b"{}", "application/json"))
        .body(RequestBody::text("plain"))
        .run()
        .await;
    assert!(!outcome.preflight_sent(), "{outcome}");
    assert_eq!(
        outcome.header("x-got-type"),
        Some("text/plain;charset=UTF-8")
    );
}

#[tokio::test]
async fn a_service_of_one_body_type_gets_the_bytes_it_can_hold() {
    async fn run<B: Default + Send + 'static>(read: fn(B) -> String) -> Option<String> {
        let service = tower::service_fn(move |request: http::Request<B>| async move {
            let got = read(request.into_body());
            let mut response = Response::new(());
            let headers = response.headers_mut();
            headers.insert("access-control-allow-origin", "*".parse().unwrap());
            headers.insert("access-control-expose-headers", "*".parse().unwrap());
            headers.insert("x-got", got.parse().unwrap());
            Ok::<_, Infallible>(response)
        });
        let outcome = check(&service)
            .body_type::<B>()
            .from(APP)
            .post("/")
            .body(RequestBody::text("hello"))
            .run()
            .await;
        outcome.header("x-got").map(str::to_owned)
    }
    assert_eq!(run::<String>(|s| s).await.as_deref(), Some("hello"));
    assert_eq!(
        run::<Vec<u8>>(|v| String::from_utf8(v).unwrap())
            .await
            .as_deref(),
        Some("hello")
    );
    assert_eq!(
        run::<bytes::Bytes>(|b| String::from_utf8(b.to_vec()).unwrap())
            .await
            .as_deref(),
        Some("hello")
    );
    // A type that cannot hold bytes gets its default.
    assert_eq!(run::<u8>(|n| n.to_string()).await.as_deref(), Some("0"));
}

#[tokio::test]
async fn a_redirect_to_get_leaves_the_body_behind() {
    let api: Router = Router::new()
        .route(
            "/moved",
            any(|| async {
                (
                    http::StatusCode::SEE_OTHER,
                    [("location", "/items"), ("access-control-allow-origin", "*")],
                )
            }),
        )
        .merge(echo());
    let outcome = check(&api)
        .from(APP)
        .post("/moved")
        .body(RequestBody::text("hello"))
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let last = outcome.exchanges().last().unwrap();
    assert_eq!(last.stage, Stage::Actual);
    assert_eq!(last.request.method(), "GET");
    assert_eq!(outcome.header("x-got-body"), Some(""));
    assert_eq!(outcome.header("x-got-type"), Some("-"));
}

#[test]
fn bodies_hold_the_bytes_the_browser_sends() {
    assert_eq!(RequestBody::text("héllo").bytes(), "héllo".as_bytes());
    assert_eq!(RequestBody::blob(b"\x00\x01", "").bytes(), b"\x00\x01");
    // The form-urlencoded serializer keeps `*-._` and alphanumerics, and
    // percent-encodes the rest, space as `+`.
    let params = RequestBody::url_search_params([("a*b-c.d_e", "x y/z~é")]);
    assert_eq!(params.bytes(), b"a*b-c.d_e=x+y%2Fz%7E%C3%A9");
    assert_eq!(
        RequestBody::blob(b"{}", "Application/JSON").content_type(),
        Some("application/json")
    );
}

/// What a service sees of the body: its size and whether it ends at once.
#[tokio::test]
async fn the_service_sees_the_bodys_length() {
    use http_body::Body as _;
    let service = tower::service_fn(
        |request: http::Request<cors_check::ScriptBody>| async move {
            let body = request.body();
            let seen = format!("{} {:?}", body.is_end_stream(), body.size_hint().exact());
            let mut response = Response::new(());
            let headers = response.headers_mut();
            headers.insert("access-control-allow-origin", "*".parse().unwrap());
            headers.insert("access-control-expose-headers", "*".parse().unwrap());
            headers.insert("x-seen", seen.parse().unwrap());
            Ok::<_, Infallible>(response)
        },
    );
    let empty = check(&service).from(APP).post("/").run().await;
    assert_eq!(empty.header("x-seen"), Some("true Some(0)"));
    let text = check(&service)
        .from(APP)
        .post("/")
        .body(RequestBody::text("hello"))
        .run()
        .await;
    assert_eq!(text.header("x-seen"), Some("false Some(5)"));
}

/// The request built by hand: the script's `Content-Type` replaces the
/// body's whenever it comes, other headers leave it, and a second body
/// replaces the first one's type but keeps the script's headers.
#[test]
fn a_hand_built_request_keeps_one_content_type() {
    use cors_check::BrowserRequest;
    let content_types = |request: &BrowserRequest| -> Vec<String> {
        request
            .actual()
            .headers()
            .get_all("content-type")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    let base = || BrowserRequest::new(APP, "POST", "https://api.example.com/items").unwrap();

    let scripted = base()
        .body(RequestBody::text("{}"))
        .header("Content-Type", "application/json");
    assert_eq!(content_types(&scripted), ["application/json"]);

    let other_header = base().body(RequestBody::text("hi")).header("x-trace", "1");
    assert_eq!(content_types(&other_header), ["text/plain;charset=UTF-8"]);
    assert_eq!(other_header.actual().headers()["x-trace"], "1");

    let scripted_first = base()
        .header("Content-Type", "application/json")
        .body(RequestBody::text("{}"))
        .header("Content-Type", "application/json");
    assert_eq!(
        content_types(&scripted_first).len(),
        2,
        "both of the script's"
    );

    let twice = base()
        .header("x-trace", "1")
        .body(RequestBody::blob(b"{}", "application/json"))
        .body(RequestBody::text("hi"));
    assert_eq!(content_types(&twice), ["text/plain;charset=UTF-8"]);
    assert_eq!(twice.actual().headers()["x-trace"], "1");
}

#[tokio::test]
async fn a_rejected_request_says_what_the_script_asked_for() {
    let api = echo();
    let outcome = check(&api).from(APP).method("TRACK", "/items").run().await;
    let text = outcome.to_string();
    assert!(
        text.starts_with(
            "rejected by fetch() before sending: TRACK /items from https://app.example.com: "
        ),
        "{text}"
    );
    let outcome = check(&api).get("/items").run().await;
    assert!(
        outcome
            .to_string()
            .contains("from no origin: no page origin"),
        "{outcome}"
    );
}

#[tokio::test]
async fn a_get_or_head_with_a_body_is_rejected() {
    let api = echo();
    for method in ["GET", "HEAD"] {
        let outcome = check(&api)
            .from(APP)
            .method(method, "/items")
            .body(RequestBody::text("x"))
            .run()
            .await;
        let why = outcome.rejected().expect("rejected");
        assert!(why.to_string().contains("cannot have a body"), "{why}");
    }
}

/// In mode no-cors the script's Content-Type that such a request may not
/// carry is dropped, and the body's own comes in its place if it may.
#[test]
fn a_no_cors_request_sends_the_content_type_it_may() {
    use cors_check::BrowserRequest;
    let content_type = |request: BrowserRequest| {
        request
            .actual()
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let base = || BrowserRequest::new(APP, "POST", "https://api.example.com/items").unwrap();
    let json_text = base()
        .header("Content-Type", "application/json")
        .body(RequestBody::text("{}"))
        .no_cors();
    assert_eq!(
        content_type(json_text).as_deref(),
        Some("text/plain;charset=UTF-8")
    );
    let json_blob = base()
        .body(RequestBody::blob(b"{}", "application/json"))
        .no_cors();
    assert_eq!(content_type(json_blob), None);
    let form = base()
        .header("Content-Type", "text/plain")
        .body(RequestBody::form_data([("a", "1")]))
        .no_cors();
    assert_eq!(content_type(form).as_deref(), Some("text/plain"));
}

#[test]
fn form_data_writes_line_breaks_as_html_does() {
    let body = RequestBody::form_data([("a\rb\nc\"d", "x\ny\rz\r\nw")]);
    let text = String::from_utf8(body.bytes().to_vec()).unwrap();
    assert!(text.contains("name=\"a%0D%0Ab%0D%0Ac%22d\""), "{text:?}");
    assert!(text.contains("\r\n\r\nx\r\ny\r\nz\r\nw\r\n"), "{text:?}");
}

#[test]
fn a_blob_type_outside_printable_ascii_is_dropped() {
    assert_eq!(RequestBody::blob(b"x", "image/png\n").content_type(), None);
    assert_eq!(RequestBody::blob(b"x", "text/é").content_type(), None);
    assert_eq!(
        RequestBody::blob(b"x", "Text/Plain ; x=1").content_type(),
        Some("text/plain ; x=1")
    );
}
