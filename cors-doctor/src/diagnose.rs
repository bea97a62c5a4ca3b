//! One script's `fetch()`, sent to the live server through the browser
//! model: the exchanges, the verdict, and what each browser engine would
//! make of the same answers.

use std::sync::Arc;

use bytes::Bytes;
use cors_check::{Browser, Engine, Outcome, RequestBody, Rule};

use crate::client::{Client, Wire, NOT_SENT};

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
}

impl Judgement {
    /// Whether the engine would have sent a request that the doctor did
    /// not send again (a `PUT` after a preflight only this engine lets
    /// pass): its verdict on the actual request is unknown.
    pub fn unsent(&self) -> bool {
        matches!(
            self.outcome.blocked().map(|blocked| blocked.rule()),
            Some(Rule::NetworkError(error)) if error == NOT_SENT
        )
    }
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

/// Sends `script` through `client` as `engine` would, then, with
/// `compare`, judges the same answers as each other engine.
pub async fn diagnose(
    client: &Client,
    script: &Script,
    engine: Engine,
    compare: bool,
) -> Diagnosis {
    let outcome = script.run(client, engine).await;
    let wire = client.take_wire();
    let mut diagnosis = Diagnosis {
        engine,
        wire,
        outcome,
        others: Vec::new(),
    };
    if !compare || diagnosis.outcome.rejected().is_some() || diagnosis.network_error().is_some() {
        return diagnosis;
    }
    let record = Arc::new(std::mem::take(&mut diagnosis.wire));
    let replaying = client.replay(Arc::clone(&record));
    for other in [Engine::Standard]
        .into_iter()
        .chain(Engine::BROWSERS)
        .filter(|&other| other != engine)
    {
        let outcome = script.run(&replaying, other).await;
        diagnosis.others.push(Judgement {
            engine: other,
            outcome,
        });
    }
    drop(replaying);
    diagnosis.wire = Arc::try_unwrap(record).unwrap_or_else(|shared| {
        shared
            .iter()
            .map(|wire| Wire {
                request: wire.request.clone(),
                body_length: wire.body_length,
                answer: wire.answer.clone(),
            })
            .collect()
    });
    diagnosis
}
