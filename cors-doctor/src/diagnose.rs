//! One script's `fetch()`, sent to the live server through the browser
//! model: the exchanges, the verdict, and what each browser engine would
//! make of the same answers.

use bytes::Bytes;
use cors_check::{Browser, BrowserRequest, Engine, Outcome, RequestBody, Rule};

use crate::client::{Client, Wire};

/// What a page's script asks for: `fetch(url, { method, headers, body,
/// credentials })` from a page of `origin`.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// The URL fetched.
    pub url: String,
    /// The page's origin.
    pub origin: String,
    /// The method, as the script writes it.
    pub method: String,
    /// The headers the script sets, in order.
    pub headers: Vec<(String, String)>,
    /// `credentials: "include"`.
    pub credentials: bool,
    /// A string body (`body: "..."`), which the browser sends as
    /// `text/plain;charset=UTF-8` unless the script sets a `Content-Type`.
    pub body: Option<String>,
}

impl Script {
    /// The script's request as the browser model has it, or why the doctor
    /// cannot send it: not an absolute `http://` or `https://` URL, or a
    /// request `fetch()` itself refuses (a forbidden method, a `GET` with
    /// a body...).
    pub fn request(&self) -> Result<BrowserRequest, String> {
        if !is_http_url(&self.url) {
            return Err(format!(
                "{:?}: give an absolute http:// or https:// URL",
                self.url
            ));
        }
        let refused = |why: &dyn std::fmt::Display| format!("fetch() would refuse it: {why}");
        let mut request = BrowserRequest::new(&self.origin, &self.method, &self.url)
            .map_err(|why| refused(&why))?
            .credentials(self.credentials);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &self.body {
            request = request.body(RequestBody::text(body));
        }
        match request.invalid() {
            Some(why) => Err(refused(why)),
            None => Ok(request),
        }
    }

    /// The script's call, as JavaScript.
    pub fn as_fetch_call(&self) -> String {
        let mut init = Vec::new();
        if self.method != "GET" {
            init.push(format!("method: {:?}", self.method));
        }
        if !self.headers.is_empty() {
            let headers: Vec<String> = self
                .headers
                .iter()
                .map(|(name, value)| format!("{name:?}: {value:?}"))
                .collect();
            init.push(format!("headers: {{ {} }}", headers.join(", ")));
        }
        if let Some(body) = &self.body {
            init.push(format!("body: {body:?}"));
        }
        if self.credentials {
            init.push("credentials: \"include\"".to_owned());
        }
        if init.is_empty() {
            format!("fetch({:?})", self.url)
        } else {
            format!("fetch({:?}, {{ {} }})", self.url, init.join(", "))
        }
    }

    /// Runs the script in a fresh browser judged by `engine`, through
    /// `client`.
    async fn run(&self, client: &Client, engine: Engine) -> Outcome {
        let mut browser = Browser::new().engine(engine);
        let mut fetch = browser
            .fetch(client)
            .body_type::<Bytes>()
            .from(&self.origin)
            .method(&self.method, &self.url);
        for (name, value) in &self.headers {
            fetch = fetch.header(name, value);
        }
        if self.credentials {
            fetch = fetch.credentials();
        }
        if let Some(body) = &self.body {
            fetch = fetch.body(RequestBody::text(body));
        }
        fetch.run().await
    }
}

/// What one browser engine makes of the same answers.
#[derive(Debug)]
pub struct Judgement {
    /// The engine.
    pub engine: Engine,
    /// Its outcome.
    pub outcome: Outcome,
    /// The request this engine would have sent next that the doctor did
    /// not send (its verdict then stops short of it).
    pub unsent: Option<http::Request<()>>,
}

/// The diagnosis of one script: what went over the wire, the verdict of
/// the chosen engine, and those of the others.
#[derive(Debug)]
pub struct Diagnosis {
    /// The engine whose verdict this is.
    pub engine: Engine,
    /// Every exchange, in order, answered or not.
    pub wire: Vec<Wire>,
    /// The verdict.
    pub outcome: Outcome,
    /// The other engines' verdicts on the same answers (the standard's
    /// among them when a browser engine judged), each from the recorded
    /// answers; a `GET`, `HEAD` or preflight that only they would send is
    /// sent, nothing else.
    pub others: Vec<Judgement>,
}

impl Diagnosis {
    /// Whether the run ended on a network error (no connection, a TLS
    /// failure, no answer in time) rather than on a CORS verdict.
    pub fn network_error(&self) -> Option<&str> {
        match (self.wire.last(), self.outcome.blocked().map(|b| b.rule())) {
            (Some(wire), Some(Rule::NetworkError(_))) => wire.answer.as_ref().err().map(|e| &e[..]),
            _ => None,
        }
    }
}

/// Whether `url` is an absolute `http://` or `https://` URL with a host.
fn is_http_url(url: &str) -> bool {
    url.parse::<http::Uri>().is_ok_and(|uri| {
        let http = uri
            .scheme_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"));
        http && uri.host().is_some_and(|host| !host.is_empty())
    })
}

/// Sends `script` through `client` as `engine` would, then judges the
/// same answers as each other engine (sending nothing more), unless the
/// run ended on a network error.
pub async fn diagnose(client: &Client, script: &Script, engine: Engine) -> Diagnosis {
    let outcome = script.run(client, engine).await;
    let wire = client.take_wire();
    let mut diagnosis = Diagnosis {
        engine,
        wire,
        outcome,
        others: Vec::new(),
    };
    if diagnosis.network_error().is_some() {
        return diagnosis;
    }
    for other in [Engine::Standard]
        .into_iter()
        .chain(Engine::BROWSERS)
        .filter(|&other| other != engine)
    {
        let replaying = client.replay(&diagnosis.wire);
        let outcome = script.run(&replaying, other).await;
        // A replaying client fails only the requests it has no record of.
        let unsent = match outcome.blocked().map(|blocked| blocked.rule()) {
            Some(Rule::NetworkError(_)) => replaying.take_wire().pop().map(|wire| wire.request),
            _ => None,
        };
        diagnosis.others.push(Judgement {
            engine: other,
            outcome,
            unsent,
        });
    }
    diagnosis
}
