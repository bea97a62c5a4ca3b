//! What the script saw: allowed or blocked, and the exchanges on the wire.

use std::fmt;

use http::{HeaderMap, Request, StatusCode};

use super::blocked::{Blocked, Stage};
use super::cors::Readable;
use super::engine::Engine;
use super::request::InvalidRequest;

/// One request the browser sent and the head of the answer it got.
///
/// # Example
///
/// ```
/// use cors_check::Exchange;
///
/// fn describe(exchange: &Exchange) -> String {
///     format!("{} {} -> {}", exchange.stage, exchange.request.method(), exchange.status)
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Exchange {
    /// Preflight or actual request.
    pub stage: Stage,
    /// The request as the browser sent it (no body).
    pub request: Request<()>,
    /// The answer's status.
    pub status: StatusCode,
    /// The answer's headers.
    pub headers: HeaderMap,
}

impl Exchange {
    pub(crate) fn new(
        stage: Stage,
        request: Request<()>,
        status: StatusCode,
        headers: HeaderMap,
    ) -> Exchange {
        Exchange {
            stage,
            request,
            status,
            headers,
        }
    }
}

/// What happened on the wire so far, for an [`Outcome`].
#[derive(Debug, Default)]
pub(crate) struct Journal {
    /// `METHOD URL from ORIGIN`.
    pub(crate) summary: String,
    /// The requests sent, answered or not.
    pub(crate) sent: Vec<Stage>,
    /// The answered requests.
    pub(crate) exchanges: Vec<Exchange>,
    /// Whose rules judged the request.
    pub(crate) engine: Engine,
    /// What the Fetch Standard says where the engine let the request pass.
    pub(crate) standard_blocks: Option<Blocked>,
}

/// What the script got: the response, a block, or a rejection by fetch().
#[derive(Debug)]
enum Verdict {
    /// The script got the response.
    Allowed(StatusCode, Readable),
    /// The browser blocked it: a CORS failure or a network error.
    Blocked(Blocked),
    /// `fetch()` threw before sending anything.
    Rejected(InvalidRequest),
    /// A no-cors request's opaque response.
    Opaque,
}

/// What the script gets from one `fetch()`: the response (its status and
/// readable headers) or a CORS failure, and what went over the wire.
///
/// `Display` says which, in words a user can act on: `allowed: PUT
/// http://api.test/items from https://app.example.com (after a preflight,
/// status 200)` or `blocked at the preflight: ... Fix: ...`.
///
/// # Example
///
/// ```
/// use axum::{routing::get, Router};
/// use cors_check::check;
///
/// // An app that sends no CORS header at all.
/// let app: Router = Router::new().route("/items", get(|| async { "[]" }));
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let outcome = check(&app).from("https://app.example.com").get("/items").run().await;
/// assert!(outcome.is_blocked());
/// assert!(outcome.actual_sent());
/// assert_eq!(outcome.status(), None);
/// assert!(outcome.to_string().starts_with("blocked at the actual request"));
/// # });
/// ```
#[derive(Debug)]
pub struct Outcome {
    summary: String,
    sent: Vec<Stage>,
    /// The actual response's status and readable headers, or why not.
    result: Verdict,
    exchanges: Vec<Exchange>,
    engine: Engine,
    standard_blocks: Option<Blocked>,
}

impl Outcome {
    /// The script got the response, with `status` and `readable` headers.
    pub(crate) fn allowed(journal: Journal, status: StatusCode, readable: Readable) -> Outcome {
        Outcome {
            summary: journal.summary,
            sent: journal.sent,
            result: Verdict::Allowed(status, readable),
            exchanges: journal.exchanges,
            engine: journal.engine,
            standard_blocks: journal.standard_blocks,
        }
    }

    /// The browser blocked the request.
    pub(crate) fn refused(journal: Journal, blocked: Blocked) -> Outcome {
        Outcome {
            summary: journal.summary,
            sent: journal.sent,
            result: Verdict::Blocked(blocked),
            exchanges: journal.exchanges,
            engine: journal.engine,
            standard_blocks: None,
        }
    }

    /// `fetch()` rejected the request before sending anything.
    pub(crate) fn refused_by_fetch(journal: Journal, why: InvalidRequest) -> Outcome {
        Outcome {
            summary: journal.summary,
            sent: journal.sent,
            result: Verdict::Rejected(why),
            exchanges: journal.exchanges,
            engine: journal.engine,
            standard_blocks: None,
        }
    }

    /// A no-cors request got its opaque response.
    pub(crate) fn opaque(journal: Journal) -> Outcome {
        Outcome {
            summary: journal.summary,
            sent: journal.sent,
            result: Verdict::Opaque,
            exchanges: journal.exchanges,
            engine: journal.engine,
            standard_blocks: None,
        }
    }

    /// Whether the script got the response.
    ///
    /// # Example
    ///
    /// See [`Outcome`].
    pub fn is_allowed(&self) -> bool {
        matches!(self.result, Verdict::Allowed(..))
    }

    /// Whether the browser blocked the request it sent (the script sees a
    /// `TypeError`). A request `fetch()` rejects before sending anything
    /// is not blocked: see [`rejected`](Outcome::rejected).
    ///
    /// # Example
    ///
    /// See [`Outcome`].
    pub fn is_blocked(&self) -> bool {
        matches!(self.result, Verdict::Blocked(_))
    }

    /// Whether a no-cors request got an opaque response: `fetch()`
    /// resolved, but the script sees status 0, no headers and no body.
    ///
    /// # Example
    ///
    /// See [`Fetch::no_cors`](crate::Fetch::no_cors).
    pub fn is_opaque(&self) -> bool {
        matches!(self.result, Verdict::Opaque)
    }

    /// Why `fetch()` threw a `TypeError` before sending anything, if it
    /// did: a forbidden method such as `TRACE`, a malformed origin, URL or
    /// header. Nothing reached the service, and CORS had no say.
    ///
    /// # Example
    ///
    /// ```
    /// use axum::{routing::any, Router};
    /// use cors_check::check;
    ///
    /// let app: Router = Router::new().route("/items", any(|| async { "[]" }));
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let outcome = check(&app).from("https://app.example.com").method("TRACE", "/items").run().await;
    /// assert!(outcome.rejected().is_some_and(|why| why.to_string().contains("forbidden method")));
    /// assert!(!outcome.is_blocked() && !outcome.is_allowed());
    /// assert!(outcome.exchanges().is_empty());
    /// assert!(outcome.to_string().starts_with("rejected by fetch() before sending"), "{outcome}");
    /// # });
    /// ```
    pub fn rejected(&self) -> Option<&InvalidRequest> {
        match &self.result {
            Verdict::Rejected(why) => Some(why),
            _ => None,
        }
    }

    /// Why the browser blocked the request, if it did.
    ///
    /// # Example
    ///
    /// See [`check`](crate::check).
    pub fn blocked(&self) -> Option<&Blocked> {
        match &self.result {
            Verdict::Blocked(blocked) => Some(blocked),
            _ => None,
        }
    }

    /// The actual response's status, when the script sees it.
    ///
    /// # Example
    ///
    /// See [`Outcome`].
    pub fn status(&self) -> Option<StatusCode> {
        match &self.result {
            Verdict::Allowed(status, _) => Some(*status),
            _ => None,
        }
    }

    /// Whether the script can read the response header `name` (false when
    /// blocked).
    ///
    /// # Example
    ///
    /// See [`check`](crate::check).
    pub fn can_read(&self, name: &str) -> bool {
        self.readable()
            .is_some_and(|readable| readable.contains(name))
    }

    /// The response headers the script can read, when allowed.
    ///
    /// # Example
    ///
    /// See [`check`](crate::check).
    pub fn readable(&self) -> Option<&Readable> {
        match &self.result {
            Verdict::Allowed(_, readable) => Some(readable),
            _ => None,
        }
    }

    /// The value the script reads with `response.headers.get(name)`: the
    /// header's field lines joined by `, `, when the script can read it
    /// (`None` when blocked, absent or not exposed).
    ///
    /// # Example
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use cors_check::check;
    ///
    /// let answer = [
    ///     ("access-control-allow-origin", "*"),
    ///     ("access-control-expose-headers", "x-request-id"),
    ///     ("x-request-id", "7"),
    ///     ("x-hidden", "8"),
    /// ];
    /// let app: Router = Router::new().route("/items", get(move || async move { (answer, "[]") }));
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let outcome = check(&app).from("https://app.example.com").get("/items").run().await;
    /// assert_eq!(outcome.header("X-Request-Id"), Some("7"));
    /// assert_eq!(outcome.header("x-hidden"), None);
    /// # });
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.readable()?.get(name)
    }

    /// Whether the browser sent a preflight (not when its cache covered
    /// the request).
    ///
    /// # Example
    ///
    /// See [`Browser`](super::Browser).
    pub fn preflight_sent(&self) -> bool {
        self.sent(Stage::Preflight)
    }

    /// Whether the browser sent the actual request.
    ///
    /// # Example
    ///
    /// See [`Outcome`].
    pub fn actual_sent(&self) -> bool {
        self.sent(Stage::Actual)
    }

    /// The requests the browser sent and the answers it got, in order.
    ///
    /// # Example
    ///
    /// See [`check`](crate::check).
    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }

    /// Whose rules gave this verdict: the Fetch Standard's, or an engine's
    /// (see [`Fetch::engine`](crate::Fetch::engine)).
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::{check, Engine};
    /// # let app = tower::service_fn(|_: http::Request<cors_check::ScriptBody>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let outcome = check(&app).engine(Engine::WebKit).from("https://app.example.com").run().await;
    /// assert_eq!(outcome.judged_by(), Engine::WebKit);
    /// assert!(outcome.to_string().ends_with("(as WebKit judges it)"), "{outcome}");
    /// # });
    /// ```
    pub fn judged_by(&self) -> Engine {
        self.engine
    }

    /// Where the engine let the request through although the Fetch
    /// Standard blocks it (`Access-Control-Allow-Headers: *` for a request
    /// with `Authorization`, in all three engines): the standard's
    /// verdict, with its fix. A browser that follows the standard will
    /// block this request.
    ///
    /// # Example
    ///
    /// ```
    /// use axum::{http::StatusCode, routing::put, Router};
    /// use cors_check::{check, Engine, Rule};
    ///
    /// let allow = [
    ///     ("access-control-allow-origin", "*"),
    ///     ("access-control-allow-methods", "PUT"),
    ///     ("access-control-allow-headers", "*"),
    /// ];
    /// let app: Router = Router::new().route(
    ///     "/items",
    ///     put(move || async move { (allow, "saved") }).options(move || async move { (StatusCode::NO_CONTENT, allow) }),
    /// );
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let request = || check(&app).from("https://app.example.com").put("/items").header("authorization", "Bearer t0ken");
    /// let chromium = request().engine(Engine::Chromium).run().await;
    /// assert!(chromium.is_allowed(), "{chromium}");
    /// let standard = chromium.standard_blocks().unwrap();
    /// assert_eq!(standard.rule(), &Rule::AuthorizationNotCoveredByWildcard);
    /// assert!(chromium.to_string().contains("the Fetch Standard blocks it"));
    ///
    /// let standard = request().run().await;
    /// assert!(standard.is_blocked(), "{standard}");
    /// # });
    /// ```
    pub fn standard_blocks(&self) -> Option<&Blocked> {
        self.standard_blocks.as_ref()
    }

    fn sent(&self, stage: Stage) -> bool {
        self.sent.contains(&stage)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Verdict::Blocked(blocked) => blocked.fmt(f)?,
            Verdict::Rejected(why) => write!(
                f,
                "rejected by fetch() before sending: {}: {why}; a TypeError, with nothing sent. Fix: change the script's request",
                self.summary
            )?,
            Verdict::Opaque => write!(
                f,
                "opaque: {} (mode no-cors: the script sees status 0, no headers and no body)",
                self.summary
            )?,
            Verdict::Allowed(status, _) => {
                let preflight = match self.preflight_sent() {
                    true => "after a preflight, ",
                    false => "",
                };
                write!(
                    f,
                    "allowed: {} ({preflight}status {})",
                    self.summary,
                    status.as_u16()
                )?;
                if let Some(standard) = &self.standard_blocks {
                    write!(
                        f,
                        "; the Fetch Standard blocks it ({}), and so will a browser that follows it. Fix: {}",
                        standard.reason(),
                        standard.fix()
                    )?;
                }
            }
        }
        write!(f, " (as {} judges it)", self.engine)
    }
}
