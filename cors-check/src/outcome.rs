//! What the script saw: allowed or blocked, and the exchanges on the wire.

use std::fmt;

use http::{HeaderMap, Request, StatusCode};

use super::blocked::{Blocked, Stage};
use super::cors::Readable;
use super::engine::Engine;

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
    result: Result<(StatusCode, Readable), Blocked>,
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
            result: Ok((status, readable)),
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
            result: Err(blocked),
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
        self.result.is_ok()
    }

    /// Whether the browser blocked the request (the script sees a
    /// `TypeError`).
    ///
    /// # Example
    ///
    /// See [`Outcome`].
    pub fn is_blocked(&self) -> bool {
        self.result.is_err()
    }

    /// Why the browser blocked the request, if it did.
    ///
    /// # Example
    ///
    /// See [`check`](crate::check).
    pub fn blocked(&self) -> Option<&Blocked> {
        self.result.as_ref().err()
    }

    /// The actual response's status, when the script sees it.
    ///
    /// # Example
    ///
    /// See [`Outcome`].
    pub fn status(&self) -> Option<StatusCode> {
        self.result.as_ref().ok().map(|(status, _)| *status)
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
        self.result.as_ref().ok().map(|(_, readable)| readable)
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
    /// # let app = tower::service_fn(|_: http::Request<cors_check::EmptyBody>| async { Ok::<_, std::convert::Infallible>(http::Response::new(())) });
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
            Err(blocked) => blocked.fmt(f)?,
            Ok((status, _)) => {
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
