//! The HTTP client: a tower service that sends the browser model's requests
//! over the network (HTTP/1.1 or HTTP/2, plain or TLS) and keeps a record
//! of each exchange as it went over the wire.
//!
//! It never follows a redirect itself: the browser model does, by the Fetch
//! rules (a new CORS check at each hop, `Origin: null` after a cross-origin
//! one). Each exchange has a time limit, and a response body is read up to
//! a size limit and no further.

use std::fmt::Write as _;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, Version};
use tower_service::Service;

/// The most response body read per exchange; the rest is left unread.
pub const BODY_LIMIT: usize = 1 << 20;

/// How the client connects: the time limit per exchange, the extra trust
/// anchor, whether certificates are checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long one exchange may take, from connecting to the end of its
    /// body.
    pub timeout: Duration,
    /// A PEM file of CA certificates trusted beside the platform's and the
    /// bundled web PKI roots (`--cacert`).
    pub cacert: Option<std::path::PathBuf>,
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
}

/// The client, or why it cannot be built (an unreadable `--cacert`).
pub fn build(settings: &Settings) -> Result<Client, String> {
    let mut builder = reqwest::Client::builder()
        // The browser model follows redirects, by the Fetch rules.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .user_agent(concat!("cors-doctor/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &settings.cacert {
        for certificate in read_certificates(path)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if settings.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    let http = builder.build().map_err(|e| match &settings.cacert {
        // The certificates are parsed when the client is built.
        Some(path) => format!(
            "--cacert {}: a certificate in it cannot be used: {}",
            path.display(),
            with_causes(&e)
        ),
        None => format!("cannot start the HTTP client: {}", with_causes(&e)),
    })?;
    Ok(Client {
        http,
        timeout: settings.timeout,
        wire: Arc::default(),
        replay: None,
    })
}

/// The certificates of a PEM file.
fn read_certificates(path: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("--cacert {}: cannot read it: {e}", path.display()))?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("--cacert {}: not PEM certificates: {e}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!(
            "--cacert {}: no certificate in it (a PEM file with -----BEGIN CERTIFICATE----- blocks)",
            path.display()
        ));
    }
    Ok(certificates)
}

/// How much of a response body was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyRead {
    /// All of it: this many bytes.
    Complete(usize),
    /// The first [`BODY_LIMIT`] bytes; the rest was left unread.
    Cut(usize),
    /// This many bytes, then the time limit ran out.
    Unfinished(usize),
    /// This many bytes, then the connection failed (the error).
    Broken(usize, String),
}

/// The head of an answer as it came over the wire, and how much of its
/// body was read.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The protocol the exchange used (HTTP/1.1 or HTTP/2, by ALPN).
    pub version: Version,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// How much of the body was read.
    pub body: BodyRead,
}

/// One request sent and what came back: an answer, or why none did.
#[derive(Debug, Clone)]
pub struct Wire {
    /// The request as sent (its body: `body_length` bytes).
    pub request: Request<()>,
    /// The length of the request body.
    pub body_length: usize,
    /// The answer, or a network error (no connection, TLS refused, no
    /// answer in time).
    pub answer: Result<Answer, String>,
}

/// The browser model's transport: a tower service over a shared HTTP
/// client, recording every exchange. A client made by [`Client::replay`]
/// answers from a record instead, and never sends anything.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    timeout: Duration,
    wire: Arc<Mutex<Vec<Wire>>>,
    /// For a replaying client: the recorded exchanges not used yet.
    replay: Option<Arc<Mutex<Vec<Wire>>>>,
}

/// The error of a replaying client for a request it has no record of (see
/// [`Client::replay`]).
pub const NOT_SENT: &str = "not sent: no recorded answer";

impl Client {
    /// The exchanges so far, taken out of the record.
    pub fn take_wire(&self) -> Vec<Wire> {
        std::mem::take(&mut *self.wire.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A client that answers from `record` alone: each request with the
    /// next unused recorded exchange of the same method, URL and headers
    /// (so a chain that comes back to a URL gets its later answer), and any
    /// other with the error [`NOT_SENT`]. It sends nothing: a server is
    /// never sent a request twice, nor one the doctor did not print.
    pub fn replay(&self, record: &[Wire]) -> Client {
        Client {
            http: self.http.clone(),
            timeout: self.timeout,
            wire: Arc::default(),
            replay: Some(Arc::new(Mutex::new(record.to_vec()))),
        }
    }

    /// The recorded answer for `request`, used up; `None` without one.
    fn recorded(&self, request: &Request<()>) -> Option<Answer> {
        let mut records = self
            .replay
            .as_ref()?
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let at = records.iter().position(|wire| {
            wire.answer.is_ok()
                && wire.request.method() == request.method()
                && wire.request.uri() == request.uri()
                && wire.request.headers() == request.headers()
        })?;
        records.remove(at).answer.ok()
    }

    fn record(&self, wire: Wire) {
        self.wire
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(wire);
    }
}

impl Service<Request<Bytes>> for Client {
    type Response = Response<()>;
    type Error = String;
    type Future = Pin<Box<dyn Future<Output = Result<Response<()>, String>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), String>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let client = self.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let head = Request::from_parts(parts, ());
            let answer = match (client.replay.is_some(), client.recorded(&head)) {
                (true, Some(answer)) => Ok(answer),
                (true, None) => Err(NOT_SENT.to_owned()),
                (false, _) => client.send(&head, body.clone()).await,
            };
            let response = match &answer {
                Ok(answer) => {
                    let mut response = Response::new(());
                    *response.status_mut() = answer.status;
                    *response.headers_mut() = answer.headers.clone();
                    Ok(response)
                }
                Err(error) => Err(error.clone()),
            };
            client.record(Wire {
                request: head,
                body_length: body.len(),
                answer,
            });
            response
        })
    }
}

impl Client {
    /// Sends `head` with `body` and reads the answer, its body up to
    /// [`BODY_LIMIT`].
    async fn send(&self, head: &Request<()>, body: Bytes) -> Result<Answer, String> {
        let url = head.uri().to_string();
        let mut request = self
            .http
            .request(head.method().clone(), &url)
            .headers(head.headers().clone());
        if !body.is_empty() {
            request = request.body(body);
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| self.network_error(&url, &e))?;
        let version = response.version();
        let status = response.status();
        let headers = response.headers().clone();
        let mut read = 0;
        let body = loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    read += chunk.len();
                    if read > BODY_LIMIT {
                        break BodyRead::Cut(BODY_LIMIT);
                    }
                }
                Ok(None) => break BodyRead::Complete(read),
                Err(e) if e.is_timeout() => break BodyRead::Unfinished(read),
                Err(e) => break BodyRead::Broken(read, with_causes(&e)),
            }
        };
        Ok(Answer {
            version,
            status,
            headers,
            body,
        })
    }

    /// A network error in words, with its causes and, where one helps, a
    /// hint.
    fn network_error(&self, url: &str, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            return format!(
                "{url}: no answer within {} s (--timeout)",
                self.timeout.as_secs_f64()
            );
        }
        // reqwest's own message repeats the URL; its causes say what failed.
        let causes = match std::error::Error::source(error) {
            Some(cause) => with_causes(cause),
            None => with_causes(error),
        };
        let mut message = format!("cannot reach {url}: {causes}");
        if message.contains("UnknownIssuer") {
            message.push_str(
                " (a server with a private CA: give the CA's certificate with --cacert FILE; \
                 --insecure skips the check)",
            );
        }
        message
    }
}

/// An error and its causes, which the HTTP and TLS stacks keep apart.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // reqwest repeats its cause in its own message sometimes.
        if !message.contains(&cause_text) {
            let _ = write!(message, ": {cause_text}");
        }
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    /// A recorded `GET https://a.test/x` with `x-a: 1`, answered 200.
    fn record() -> Vec<Wire> {
        let request = Request::get("https://a.test/x")
            .header("x-a", "1")
            .body(())
            .unwrap();
        let answer = Answer {
            version: Version::HTTP_2,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: BodyRead::Complete(0),
        };
        vec![Wire {
            request,
            body_length: 0,
            answer: Ok(answer),
        }]
    }

    fn client() -> Client {
        let settings = Settings {
            timeout: Duration::from_secs(1),
            cacert: None,
            insecure: false,
        };
        build(&settings).unwrap().replay(&record())
    }

    #[test]
    fn a_recorded_answer_serves_only_the_same_method_url_and_headers() {
        let client = client();
        for other in [
            Request::head("https://a.test/x").header("x-a", "1"),
            Request::get("https://a.test/y").header("x-a", "1"),
            Request::get("https://a.test/x").header("x-a", "2"),
            Request::get("https://a.test/x"),
        ] {
            let other = other.body(()).unwrap();
            assert!(client.recorded(&other).is_none(), "{other:?}");
        }
        // The same request, once: a record serves one request.
        let same = || Request::get("https://a.test/x").header("x-a", "1");
        assert!(client.recorded(&same().body(()).unwrap()).is_some());
        assert!(client.recorded(&same().body(()).unwrap()).is_none());
    }
}
