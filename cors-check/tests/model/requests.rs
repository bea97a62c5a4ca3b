//! The requests the browser sends, and when: the preflight and the actual
//! request on the wire, `Origin` on same-origin requests, when a preflight
//! is needed, and the requests `fetch()` refuses.

use cors_check::{check, BrowserRequest, Stage};
use http::{Method, StatusCode};

use crate::support::{ok, scripted, ANY, O, UNREACHED};

#[tokio::test]
async fn the_requests_on_the_wire() {
    let server = scripted(
        pre!("access-control-allow-origin" => "*", "access-control-allow-methods" => "PUT", "access-control-allow-headers" => "x-b, x-a"),
        ok(ANY),
    );
    let outcome = check(&server)
        .body_type::<String>()
        .from(O)
        .put("/items?x=1")
        .header("X-B", "1")
        .header("x-a", " 2 ")
        .header("accept", "text/html")
        .header("cookie", "a=b")
        .run()
        .await;
    assert!(outcome.is_allowed(), "{outcome}");
    let [preflight, actual] = outcome.exchanges() else {
        panic!("two exchanges expected: {:?}", outcome.exchanges());
    };
    assert_eq!(preflight.stage, Stage::Preflight);
    assert_eq!(preflight.request.method(), Method::OPTIONS);
    assert_eq!(preflight.request.uri(), "http://api.test/items?x=1");
    let h = preflight.request.headers();
    assert_eq!(h["origin"], O);
    assert_eq!(h["access-control-request-method"], "PUT");
    assert_eq!(h["access-control-request-headers"], "x-a,x-b");
    assert_eq!(h["accept"], "*/*");
    // No fetch metadata to a plain-http host that is not loopback.
    assert!(h.get("sec-fetch-mode").is_none() && h.get("sec-fetch-site").is_none());
    assert!(h.get("x-a").is_none() && h.get("cookie").is_none());
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);

    assert_eq!(actual.stage, Stage::Actual);
    assert_eq!(actual.request.method(), Method::PUT);
    let h = actual.request.headers();
    assert_eq!(h["origin"], O);
    assert_eq!(h["x-a"], "2");
    assert_eq!(h["x-b"], "1");
    assert_eq!(h["accept"], "text/html");
    assert!(h.get("cookie").is_none());
    assert!(h.get("access-control-request-method").is_none());
}

#[tokio::test]
async fn same_origin_sends_origin_only_on_writes() {
    let server = scripted(UNREACHED, ok(&[]));
    for (method, sends_origin) in [
        ("GET", false),
        ("HEAD", false),
        ("POST", true),
        ("PUT", true),
    ] {
        let outcome = check(&server)
            .body_type::<String>()
            .from("http://api.test")
            .method(method, "/x")
            .run()
            .await;
        assert!(outcome.is_allowed(), "{outcome}");
        let [actual] = outcome.exchanges() else {
            panic!("one exchange expected")
        };
        assert_eq!(
            actual.request.headers().contains_key("origin"),
            sends_origin,
            "{method}"
        );
    }
}

#[test]
fn preflight_needed_iff_method_or_headers_unsafe() {
    let base = || BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    assert!(!base().needs_preflight());
    assert!(!base().header("accept", "*/*").needs_preflight());
    assert!(base().header("x-a", "1").needs_preflight());
    assert!(BrowserRequest::new(O, "DELETE", "https://api.example/")
        .unwrap()
        .needs_preflight());
    assert!(!BrowserRequest::new(O, "DELETE", "https://app.example/")
        .unwrap()
        .needs_preflight());
    assert!(BrowserRequest::new(O, "options", "https://api.example/")
        .unwrap()
        .needs_preflight());
    assert_eq!(
        BrowserRequest::new(O, "options", "/").unwrap().method(),
        "OPTIONS"
    );
    assert_eq!(
        base()
            .header("Content-Type", "application/json")
            .header("X-Z", "1")
            .unsafe_headers(),
        ["content-type", "x-z"]
    );
}

/// The headers as the model keeps them from `Headers.append`: forbidden
/// ones dropped, values trimmed of HTTP whitespace, in the script's order,
/// repeated names kept; names in lowercase, as `HeaderName`s are.
#[test]
fn the_script_headers_are_kept_as_the_browser_keeps_them() {
    let request = BrowserRequest::new(O, "GET", "/")
        .unwrap()
        .header("X-B", " 2\t")
        .header("Cookie", "a=b")
        .header("x-a", "1")
        .header("X-B", "3");
    let kept: Vec<(&str, &[u8])> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect();
    assert_eq!(
        kept,
        [("x-b", &b"2"[..]), ("x-a", &b"1"[..]), ("x-b", &b"3"[..])]
    );
}

// checklist: O1
#[test]
fn bad_origins_and_urls_are_values_not_panics() {
    for origin in [
        "app.example",
        "https://App.example",
        "https://app.example/x",
        "https://u@app.example",
        "https://app.example:443",
        "http://app.example:80",
        "https://",
        "://app.example",
        "",
    ] {
        assert!(BrowserRequest::new(origin, "GET", "/").is_err(), "{origin}");
    }
    for url in ["items", "https://u:p@api.example/", "http://[::1"] {
        assert!(BrowserRequest::new(O, "GET", url).is_err(), "{url}");
    }
    assert!(BrowserRequest::new(O, "GE T", "/").is_err());
    assert!(BrowserRequest::new("http://localhost:3000", "GET", "/").is_ok());
}

/// `Sec-Fetch-Dest`, `-Mode` and `-Site` go to potentially trustworthy URLs
/// only (`https:`, and loopback or `localhost` over `http:`), on the
/// preflight and on the actual request; `Sec-Fetch-Site` is `same-origin`,
/// `same-site` (same scheme, and the same host or registrable domain) or
/// `cross-site`.
#[test]
fn fetch_metadata_goes_to_trustworthy_urls_only() {
    for (origin, url, site) in [
        (O, "https://api.example/items", Some("cross-site")),
        (O, "http://localhost:3000/items", Some("cross-site")),
        (O, "http://api.localhost/items", Some("cross-site")),
        (O, "http://127.0.0.1:8080/items", Some("cross-site")),
        (O, "http://[::1]:8080/items", Some("cross-site")),
        (
            "https://api.example",
            "https://api.example/items",
            Some("same-origin"),
        ),
        (
            "http://localhost:3000",
            "http://localhost:3000/items",
            Some("same-origin"),
        ),
        (O, "http://api.example/items", None),
        (O, "/items", None),
        // A name that only starts like a loopback address is a name.
        (O, "http://127.evil.example/items", None),
        (O, "http://[0:0:0:0:0:0:0:1]:8080/items", Some("cross-site")),
        (O, "http://127.0.0.2:8080/items", Some("cross-site")),
        // One site: the same scheme and registrable domain...
        (
            "https://app.example.com",
            "https://api.example.com/items",
            Some("same-site"),
        ),
        (
            "https://www.example.co.uk",
            "https://api.example.co.uk/items",
            Some("same-site"),
        ),
        // ... or the same host, on another port.
        (
            "http://127.0.0.1:3000",
            "http://127.0.0.1:8080/items",
            Some("same-site"),
        ),
        (
            "http://localhost:3000",
            "http://localhost:8080/items",
            Some("same-site"),
        ),
        (
            "http://[::1]:3000",
            "http://[::1]:8080/items",
            Some("same-site"),
        ),
        // Two sites: another scheme, a public suffix between them, another
        // name for the same machine, or an opaque origin.
        (
            "http://app.example.com",
            "https://api.example.com/items",
            Some("cross-site"),
        ),
        (
            "https://a.github.io",
            "https://b.github.io/items",
            Some("cross-site"),
        ),
        (
            "https://example.co.uk",
            "https://example.com/items",
            Some("cross-site"),
        ),
        (
            "http://localhost:3000",
            "http://127.0.0.1:8080/items",
            Some("cross-site"),
        ),
        ("null", "https://api.example.com/items", Some("cross-site")),
        // Hosts compare whole: an IPv6 address without a port, and two
        // IPv4 addresses, which have no registrable domain.
        ("http://[::1]", "http://[::1]:8080/items", Some("same-site")),
        (
            "https://192.168.0.1",
            "https://10.0.0.1/items",
            Some("cross-site"),
        ),
    ] {
        let request = BrowserRequest::new(origin, "PUT", url).unwrap();
        let sent = [request.preflight(), request.actual()];
        for sent in &sent {
            let headers = sent.headers();
            assert_eq!(
                headers.get("sec-fetch-site").map(|v| v.to_str().unwrap()),
                site,
                "{origin} {} {url}",
                sent.method()
            );
            assert_eq!(
                headers.get("sec-fetch-mode").map(|v| v.to_str().unwrap()),
                site.map(|_| "cors"),
                "{origin} {} {url}",
                sent.method()
            );
            assert_eq!(
                headers.get("sec-fetch-dest").map(|v| v.to_str().unwrap()),
                site.map(|_| "empty"),
                "{origin} {} {url}",
                sent.method()
            );
        }
    }
}

/// Mode `no-cors`: no preflight, only the headers such a request may
/// carry, `Origin` only beyond `GET` and `HEAD`, an opaque response
/// whatever the server answers, and `fetch()` rejects other methods.
#[tokio::test]
async fn a_no_cors_request_gets_an_opaque_response() {
    use axum::http::StatusCode;
    use axum::routing::any;
    use axum::Router;

    // No CORS header at all, and a redirect.
    let app: Router = Router::new()
        .route("/pixel", any(|| async { "GIF89a" }))
        .route(
            "/moved",
            any(|| async { (StatusCode::FOUND, [("location", "/pixel")]) }),
        );
    let get = cors_check::check(&app)
        .from(O)
        .get("https://api.example/pixel")
        .header("x-trace", "1")
        .header("accept", "image/gif")
        .no_cors()
        .run()
        .await;
    assert!(
        get.is_opaque() && !get.is_allowed() && !get.is_blocked(),
        "{get}"
    );
    assert!(!get.preflight_sent() && get.actual_sent());
    assert_eq!(get.status(), None);
    assert!(!get.can_read("content-type"));
    assert!(
        get.to_string()
            .starts_with("opaque: GET https://api.example/pixel"),
        "{get}"
    );
    let sent = get.exchanges()[0].request.headers();
    assert!(sent.get("origin").is_none(), "no Origin on a no-cors GET");
    assert!(
        sent.get("x-trace").is_none(),
        "dropped: not a no-cors header"
    );
    assert_eq!(sent["accept"], "image/gif");
    assert_eq!(sent["sec-fetch-mode"], "no-cors");

    let post = cors_check::check(&app)
        .from(O)
        .post("https://api.example/moved")
        .header("content-type", "application/json")
        .no_cors()
        .run()
        .await;
    assert!(post.is_opaque(), "{post}");
    let first = post.exchanges()[0].request.headers();
    assert_eq!(first["origin"], O);
    assert!(first.get("content-type").is_none(), "not a safelisted type");
    assert_eq!(post.exchanges().len(), 2, "the redirect is followed");

    // The same request in mode cors is blocked, not opaque.
    let cors = cors_check::check(&app)
        .from(O)
        .get("https://api.example/pixel")
        .run()
        .await;
    assert!(cors.is_blocked() && !cors.is_opaque(), "{cors}");

    let put = cors_check::check(&app)
        .from(O)
        .put("https://api.example/pixel")
        .no_cors()
        .run()
        .await;
    assert!(!put.is_opaque());
    let rejected = put.rejected().expect("rejected");
    assert!(rejected.to_string().contains("no-cors"), "{rejected}");
}

/// A no-cors request to the page's own origin gets a readable response.
#[tokio::test]
async fn a_same_origin_no_cors_request_is_readable() {
    use axum::routing::get;
    use axum::Router;
    let app: Router = Router::new().route("/own", get(|| async { ([("x-own", "1")], "mine") }));
    let outcome = cors_check::check(&app)
        .from("https://api.example")
        .get("https://api.example/own")
        .no_cors()
        .run()
        .await;
    assert!(outcome.is_allowed() && !outcome.is_opaque(), "{outcome}");
    assert_eq!(outcome.header("x-own"), Some("1"));
}

/// Local Network Access (Chromium 142+): the user is asked before a page
/// reaches a more private address space than its own.
// checklist: P9
#[test]
fn local_network_access_is_asked_from_a_less_private_page() {
    let cases = [
        // (page, URL, asked)
        ("https://setup.example.com", "http://192.168.1.1/api", true),
        ("https://setup.example.com", "http://10.0.0.2/", true),
        ("https://setup.example.com", "http://172.16.0.1/", true),
        ("https://setup.example.com", "http://172.32.0.1/", false),
        ("https://setup.example.com", "http://169.254.1.1/", true),
        ("https://setup.example.com", "http://printer.local/", true),
        ("https://setup.example.com", "http://localhost:3000/", true),
        ("https://setup.example.com", "http://app.localhost/", true),
        ("https://setup.example.com", "http://127.0.0.1:3000/", true),
        ("https://setup.example.com", "http://0.0.0.0:3000/", true),
        ("https://setup.example.com", "http://[::1]:3000/", true),
        ("https://setup.example.com", "http://[fd00::1]/", true),
        ("https://setup.example.com", "http://[fe80::1]/", true),
        (
            "https://setup.example.com",
            "http://[::ffff:192.168.0.1]/",
            true,
        ),
        ("https://setup.example.com", "http://[2001:db8::1]/", false),
        ("https://setup.example.com", "https://8.8.8.8/", false),
        (
            "https://setup.example.com",
            "https://api.example.com/",
            false,
        ),
        ("null", "http://192.168.1.1/", true),
        // A private page reaching a local address; not the other way.
        ("http://192.168.1.5:8080", "http://127.0.0.1:3000/", true),
        ("http://192.168.1.5:8080", "http://192.168.1.6/", false),
        ("http://127.0.0.1:5173", "http://192.168.1.6/", false),
        ("http://localhost:5173", "http://127.0.0.1:3000/", false),
        ("http://[::1]:5173", "https://api.example.com/", false),
    ];
    for (page, url, asked) in cases {
        let request = cors_check::BrowserRequest::new(page, "GET", url).unwrap();
        assert_eq!(
            request.needs_local_network_permission(),
            asked,
            "{page} -> {url}"
        );
    }
}
