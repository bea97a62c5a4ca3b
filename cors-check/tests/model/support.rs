//! What the tests share: hand-written services that send the CORS headers
//! they are given, the script's request of a test, and how to run it.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use cors_check::{Browser, Outcome, Rule, Stage};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower::service_fn;

/// The page's origin in every row unless said otherwise.
pub(crate) const O: &str = "https://app.example";

/// A response head a hand-written service sends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Answer {
    status: u16,
    headers: &'static [(&'static str, &'static str)],
}

/// `200 OK` with `headers`.
pub(crate) const fn ok(headers: &'static [(&'static str, &'static str)]) -> Answer {
    Answer {
        status: 200,
        headers,
    }
}

/// `204 No Content` with `headers` (a preflight answer).
pub(crate) const fn no_content(headers: &'static [(&'static str, &'static str)]) -> Answer {
    Answer {
        status: 204,
        headers,
    }
}

/// `status` with `headers`.
pub(crate) const fn answer(
    status: u16,
    headers: &'static [(&'static str, &'static str)],
) -> Answer {
    Answer { status, headers }
}

/// What must not be reached: a preflight for a simple request.
pub(crate) const UNREACHED: Answer = answer(599, &[]);

/// The script's request of a row.
#[derive(Clone, Debug)]
pub(crate) struct Req {
    from: &'static str,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
    credentials: bool,
}

/// `method /r` from [`O`], no header, no credentials.
pub(crate) fn req(method: &'static str) -> Req {
    Req {
        from: O,
        method,
        path: "/r",
        headers: Vec::new(),
        credentials: false,
    }
}

impl Req {
    pub(crate) fn h(mut self, name: &'static str, value: &str) -> Req {
        self.headers.push((name, value.to_owned()));
        self
    }

    pub(crate) fn cred(mut self) -> Req {
        self.credentials = true;
        self
    }

    pub(crate) fn from(mut self, origin: &'static str) -> Req {
        self.from = origin;
        self
    }

    pub(crate) fn to(mut self, path: &'static str) -> Req {
        self.path = path;
        self
    }
}

pub(crate) fn mismatch(got: &str) -> Rule {
    Rule::AllowOriginMismatch {
        expected: O.to_owned(),
        got: got.to_owned(),
    }
}

pub(crate) fn method_refused(method: &str) -> Rule {
    Rule::MethodNotAllowed {
        method: method.to_owned(),
    }
}

pub(crate) fn header_refused(name: &str) -> Rule {
    Rule::HeaderNotAllowed {
        name: name.to_owned(),
    }
}

pub(crate) const ANY: &[(&str, &str)] = &[("access-control-allow-origin", "*")];
pub(crate) const EXACT: &[(&str, &str)] = &[("access-control-allow-origin", O)];
pub(crate) const EXACT_CRED: &[(&str, &str)] = &[
    ("access-control-allow-origin", O),
    ("access-control-allow-credentials", "true"),
];

/// A `204 No Content` preflight answer with the headers given as
/// `name => value` pairs.
macro_rules! pre {
    ($($name:literal => $value:literal),* $(,)?) => {
        $crate::support::no_content(&[$(($name, $value)),*])
    };
}

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A hand-written service answering `OPTIONS` with `preflight` and the
/// rest with `actual`.
pub(crate) fn scripted(
    preflight: Answer,
    actual: Answer,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = BoxFuture<Result<Response<String>, Infallible>>,
> + Clone {
    service_fn(
        move |req: Request<String>| -> BoxFuture<Result<Response<String>, Infallible>> {
            let answer = if req.method() == Method::OPTIONS {
                preflight
            } else {
                actual
            };
            Box::pin(async move { Ok(respond(answer)) })
        },
    )
}

pub(crate) fn respond(answer: Answer) -> Response<String> {
    let mut response = Response::new(String::new());
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap();
    for (name, value) in answer.headers {
        response
            .headers_mut()
            .append(*name, HeaderValue::from_static(value));
    }
    response
}

/// A service that fails on `stage` and allows everything otherwise.
pub(crate) fn failing(
    stage: Stage,
) -> impl tower::Service<Request<String>, Response = Response<String>, Error = &'static str> + Clone
{
    service_fn(move |req: Request<String>| async move {
        let preflight = req.method() == Method::OPTIONS;
        if preflight == (stage == Stage::Preflight) {
            return Err("boom");
        }
        Ok(respond(no_content(&[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*"),
        ])))
    })
}

/// Runs `r` against any service.
pub(crate) async fn fetch_with<S, R>(browser: &mut Browser, service: &S, r: &Req) -> Outcome
where
    S: tower::Service<Request<String>, Response = Response<R>> + Clone,
    S::Error: std::fmt::Display,
{
    let mut fetch = browser
        .fetch(service)
        .body_type::<String>()
        .from(r.from)
        .method(r.method, r.path);
    for (name, value) in &r.headers {
        fetch = fetch.header(name, value);
    }
    if r.credentials {
        fetch = fetch.credentials();
    }
    fetch.run().await
}

/// A response's headers: `extra`, in order, repeated names kept.
pub(crate) fn response_headers(extra: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in extra {
        headers.append(*name, HeaderValue::from_static(value));
    }
    headers
}

/// The standard and the three engines, each profile the model has.
pub const EVERY_ENGINE: [cors_check::Engine; 4] = [
    cors_check::Engine::Standard,
    cors_check::Engine::Chromium,
    cors_check::Engine::Firefox,
    cors_check::Engine::WebKit,
];
