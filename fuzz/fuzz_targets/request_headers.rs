//! `Access-Control-Request-Headers` through the public API: a preflight
//! from an allowed origin whose field lines are the input (split at NUL
//! bytes), under a policy that lists names and one that allows any name
//! with credentials (which echoes them). No panic, and the answer is the
//! one the guide's rules give: accepted iff the lines are at most 4096
//! bytes together and at most 16, and every trimmed, non-empty element is a
//! token that the policy allows (any name but `authorization` for the
//! second).
#![no_main]

use http::header::{HeaderMap, HeaderValue};
use http::Method;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower_cors::CorsLayer;
use tower_cors_fuzz::{request, send, values, Handler};

const ORIGIN: &str = "https://app.example.com";
const LISTED: [&str; 3] = ["content-type", "x-custom", "X-Trace"];

fn listed() -> &'static CorsLayer {
    static POLICY: OnceLock<CorsLayer> = OnceLock::new();
    POLICY.get_or_init(|| {
        CorsLayer::builder()
            .allow_origins([ORIGIN])
            .allow_methods(["PUT"])
            .allow_headers(LISTED)
            .build()
            .unwrap()
    })
}

fn echoing() -> &'static CorsLayer {
    static POLICY: OnceLock<CorsLayer> = OnceLock::new();
    POLICY.get_or_init(|| {
        CorsLayer::builder()
            .allow_origins([ORIGIN])
            .allow_methods(["PUT"])
            .allow_any_header()
            .allow_credentials(true)
            .build()
            .unwrap()
    })
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The trimmed, non-empty elements of every line.
fn names<'a>(lines: &'a [&'a [u8]]) -> impl Iterator<Item = &'a [u8]> + 'a {
    lines
        .iter()
        .flat_map(|line| line.split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|name| !name.is_empty())
}

fuzz_target!(|data: &[u8]| {
    let lines: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let mut headers = HeaderMap::new();
    headers.insert("origin", HeaderValue::from_static(ORIGIN));
    headers.insert("access-control-request-method", HeaderValue::from_static("PUT"));
    for line in &lines {
        let Ok(value) = HeaderValue::from_bytes(line) else {
            return;
        };
        headers.append("access-control-request-headers", value);
    }
    let handler = Handler::new(http::StatusCode::OK, HeaderMap::new());
    let short = lines.iter().map(|l| l.len()).sum::<usize>() <= 4096 && lines.len() <= 16;
    let tokens = names(&lines).all(|n| n.iter().copied().all(is_tchar));

    let (status, _) = send(listed(), &handler, request(Method::OPTIONS, headers.clone()));
    let allowed = short
        && tokens
        && names(&lines).all(|n| LISTED.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(n)));
    assert_eq!(status.is_success(), allowed, "listed: {status}");
    assert_eq!(handler.calls(), 0, "the handler answered a preflight");

    let (status, answer_echo) = send(echoing(), &handler, request(Method::OPTIONS, headers));
    let allowed_echo = short && tokens && names(&lines).all(|n| !n.eq_ignore_ascii_case(b"authorization"));
    assert_eq!(status.is_success(), allowed_echo, "echoing: {status}");
    if allowed_echo {
        // The answer names every requested name, and nothing else.
        let allow = values(&answer_echo, &http::header::ACCESS_CONTROL_ALLOW_HEADERS);
        let answered: Vec<&[u8]> = names(&allow).collect();
        let requested: Vec<&[u8]> = names(&lines).collect();
        for name in &requested {
            assert!(answered.iter().any(|a| a.eq_ignore_ascii_case(name)), "{name:?} not answered");
        }
        for name in &answered {
            assert!(requested.iter().any(|r| r.eq_ignore_ascii_case(name)), "{name:?} not requested");
        }
    }
    assert_eq!(handler.calls(), 0, "the handler answered a preflight");
});
