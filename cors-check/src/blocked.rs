//! Why the browser blocked a request, and what to change.

use std::fmt;

use http::StatusCode;

use super::engine::Engine;

/// The longest value echoed from a response into a message, in characters.
const ECHO_LIMIT: usize = 100;

/// One of the browser's two requests: the preflight or the actual request.
/// It says where a [`Blocked`] request stopped, and which request an
/// [`Exchange`](super::Exchange) is.
///
/// # Example
///
/// ```
/// use cors_check::Stage;
///
/// assert_eq!(Stage::Preflight.to_string(), "the preflight");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The `OPTIONS` request sent before the script's own request.
    Preflight,
    /// The script's own request (and its response).
    Actual,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Preflight => "the preflight",
            Stage::Actual => "the actual request",
        })
    }
}

/// The Fetch Standard rule a response (or the script's request) broke.
///
/// Values echoed from responses are cut to about 100 characters. Each rule
/// has a stable [`name`](Rule::name) to match on.
///
/// # Example
///
/// ```
/// use cors_check::Rule;
///
/// let rule = Rule::MethodNotAllowed { method: "PUT".into() };
/// assert!(matches!(rule, Rule::MethodNotAllowed { .. }));
/// assert_eq!(rule.name(), "method-not-allowed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// The response has no `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// `Access-Control-Allow-Origin` holds more than one value: several
    /// field lines or a comma-separated list (the combined value is kept).
    MultipleAllowOrigin(String),
    /// `Access-Control-Allow-Origin` is neither `*` nor byte-equal to the
    /// page's origin.
    AllowOriginMismatch {
        /// The page's origin, as the browser sent it in `Origin`.
        expected: String,
        /// The value the response sent.
        got: String,
    },
    /// `Access-Control-Allow-Origin: *` on a request with credentials.
    WildcardWithCredentials,
    /// A request with credentials got an `Access-Control-Allow-Credentials`
    /// other than exactly `true` (`None`: the header was absent).
    CredentialsNotTrue {
        /// The value the response sent, if any.
        got: Option<String>,
    },
    /// The preflight's status is not 200-299 (preflights do not follow
    /// redirects, so a 301 fails too).
    PreflightStatusNotOk(StatusCode),
    /// `Access-Control-Allow-Methods` is not a comma-separated list of
    /// tokens (the value is kept).
    InvalidAllowMethods(String),
    /// `Access-Control-Allow-Headers` is not a comma-separated list of
    /// tokens (the value is kept).
    InvalidAllowHeaders(String),
    /// The preflight's answer does not allow the request's method.
    MethodNotAllowed {
        /// The method, as the browser sent it in
        /// `Access-Control-Request-Method`.
        method: String,
    },
    /// The preflight's answer does not allow a request header the script set.
    HeaderNotAllowed {
        /// The header name, lowercase.
        name: String,
    },
    /// `Access-Control-Allow-Headers: *` never covers `Authorization`, by
    /// the Fetch Standard; some engines let it (see
    /// [`Engine::wildcard_covers_authorization`]).
    AuthorizationNotCoveredByWildcard,
    /// The service returned an error: the browser sees a network error.
    NetworkError(String),
    /// The browser does not follow the actual request's redirect: its
    /// `Location` is no http(s) URL, has credentials in it, or this is the
    /// 21st redirect (why, in words).
    RedirectNotFollowed(String),
}

impl Rule {
    /// A short identifier of the rule, in kebab-case, the same whatever the
    /// values the rule carries: `"missing-allow-origin"`,
    /// `"preflight-status-not-ok"`...
    ///
    /// The names are stable: a name is never changed nor given to another
    /// rule, so that tests, CI reports and dashboards can match on it
    /// rather than on the messages, whose wording may improve. A new rule
    /// gets a new name.
    ///
    /// | Rule | Name |
    /// | --- | --- |
    /// | [`MissingAllowOrigin`](Rule::MissingAllowOrigin) | `missing-allow-origin` |
    /// | [`MultipleAllowOrigin`](Rule::MultipleAllowOrigin) | `multiple-allow-origin` |
    /// | [`AllowOriginMismatch`](Rule::AllowOriginMismatch) | `allow-origin-mismatch` |
    /// | [`WildcardWithCredentials`](Rule::WildcardWithCredentials) | `wildcard-with-credentials` |
    /// | [`CredentialsNotTrue`](Rule::CredentialsNotTrue) | `credentials-not-true` |
    /// | [`PreflightStatusNotOk`](Rule::PreflightStatusNotOk) | `preflight-status-not-ok` |
    /// | [`InvalidAllowMethods`](Rule::InvalidAllowMethods) | `invalid-allow-methods` |
    /// | [`InvalidAllowHeaders`](Rule::InvalidAllowHeaders) | `invalid-allow-headers` |
    /// | [`MethodNotAllowed`](Rule::MethodNotAllowed) | `method-not-allowed` |
    /// | [`HeaderNotAllowed`](Rule::HeaderNotAllowed) | `header-not-allowed` |
    /// | [`AuthorizationNotCoveredByWildcard`](Rule::AuthorizationNotCoveredByWildcard) | `authorization-not-covered-by-wildcard` |
    /// | [`NetworkError`](Rule::NetworkError) | `network-error` |
    /// | [`RedirectNotFollowed`](Rule::RedirectNotFollowed) | `redirect-not-followed` |
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::{BrowserRequest, Rule};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let request = BrowserRequest::new("https://app.example.com", "PUT", "https://api.example.com/items")?;
    /// let blocked = request.check_preflight(StatusCode::FORBIDDEN, &HeaderMap::new()).unwrap_err();
    /// assert_eq!(blocked.rule().name(), "preflight-status-not-ok");
    /// assert_eq!(Rule::PreflightStatusNotOk(StatusCode::NOT_FOUND).name(), "preflight-status-not-ok");
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Rule::MissingAllowOrigin => "missing-allow-origin",
            Rule::MultipleAllowOrigin(_) => "multiple-allow-origin",
            Rule::AllowOriginMismatch { .. } => "allow-origin-mismatch",
            Rule::WildcardWithCredentials => "wildcard-with-credentials",
            Rule::CredentialsNotTrue { .. } => "credentials-not-true",
            Rule::PreflightStatusNotOk(_) => "preflight-status-not-ok",
            Rule::InvalidAllowMethods(_) => "invalid-allow-methods",
            Rule::InvalidAllowHeaders(_) => "invalid-allow-headers",
            Rule::MethodNotAllowed { .. } => "method-not-allowed",
            Rule::HeaderNotAllowed { .. } => "header-not-allowed",
            Rule::AuthorizationNotCoveredByWildcard => "authorization-not-covered-by-wildcard",
            Rule::NetworkError(_) => "network-error",
            Rule::RedirectNotFollowed(_) => "redirect-not-followed",
        }
    }
}

/// A blocked request: the stage, the rule it broke, and how to fix it.
///
/// `Display` gives a sentence a user can act on:
/// "blocked at the preflight: ... Fix: ...".
///
/// # Example
///
/// ```
/// use cors_check::{BrowserRequest, Rule, Stage};
/// use http::{HeaderMap, StatusCode};
///
/// let request = BrowserRequest::new("https://app.example.com", "PUT", "https://api.example.com/items")?;
/// let blocked = request.check_preflight(StatusCode::NO_CONTENT, &HeaderMap::new()).unwrap_err();
/// assert_eq!(blocked.stage(), Stage::Preflight);
/// assert_eq!(blocked.rule(), &Rule::MissingAllowOrigin);
/// assert!(blocked.to_string().contains("Fix:"));
/// # Ok::<(), cors_check::InvalidRequest>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    stage: Stage,
    rule: Rule,
    context: Box<Context>,
}

/// What the messages need besides the rule: the request and, for method and
/// header refusals, the list the response sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Context {
    /// The page's origin.
    pub(crate) origin: String,
    /// Whether the request included credentials.
    pub(crate) credentials: bool,
    /// What the preflight asked for: the method, and the unsafe header
    /// names if any (`PUT with x-custom, content-type`).
    pub(crate) asked: String,
    /// The response's `Access-Control-Allow-Methods` or `-Headers`, bounded
    /// (`None`: absent).
    pub(crate) listed: Option<String>,
    /// What the whole list showed, for the fix.
    pub(crate) hints: Hints,
}

/// Facts about a refused method or header list that the fix mentions,
/// found where the list was parsed whole (`listed` is cut to 100
/// characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Hints {
    /// The list names the method in another case.
    pub(crate) other_case: bool,
    /// The list has `*`.
    pub(crate) star: bool,
}

impl Blocked {
    pub(crate) fn new(stage: Stage, rule: Rule, context: Context) -> Blocked {
        Blocked {
            stage,
            rule,
            context: Box::new(context),
        }
    }

    /// The same, with what the whole refused list showed.
    pub(crate) fn with_hints(mut self, hints: Hints) -> Blocked {
        self.context.hints = hints;
        self
    }

    /// Where the browser stopped.
    ///
    /// # Example
    ///
    /// ```
    /// # use cors_check::{BrowserRequest, Stage};
    /// # use http::{HeaderMap, StatusCode};
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "https://api.example.com/")?;
    /// let blocked = request.check_response(StatusCode::OK, &HeaderMap::new()).unwrap_err();
    /// assert_eq!(blocked.stage(), Stage::Actual);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The rule that was broken.
    ///
    /// # Example
    ///
    /// ```
    /// # use cors_check::{BrowserRequest, Rule};
    /// # use http::{HeaderMap, StatusCode};
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "https://api.example.com/")?;
    /// let blocked = request.check_response(StatusCode::OK, &HeaderMap::new()).unwrap_err();
    /// assert_eq!(blocked.rule(), &Rule::MissingAllowOrigin);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// What to change, on the server or in the script, for the request to
    /// pass.
    ///
    /// # Example
    ///
    /// ```
    /// # use cors_check::BrowserRequest;
    /// # use http::{HeaderMap, StatusCode};
    /// let request = BrowserRequest::new("https://app.example.com", "GET", "https://api.example.com/")?;
    /// let blocked = request.check_response(StatusCode::OK, &HeaderMap::new()).unwrap_err();
    /// assert!(blocked.fix().contains("https://app.example.com"));
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn fix(&self) -> String {
        let origin = &self.context.origin;
        match &self.rule {
            Rule::MissingAllowOrigin => format!(
                "allow the origin {origin} in the server's CORS policy, so that {} carries Access-Control-Allow-Origin: {origin}; if the policy allows it already, this response did not pass through the CORS layer (an error, redirect or timeout made outside it, or a route the layer does not wrap)",
                self.answer()
            ),
            Rule::MultipleAllowOrigin(_) => "send exactly one Access-Control-Allow-Origin: check that the handler and the CORS layer do not both add it".to_owned(),
            Rule::AllowOriginMismatch { expected, .. } => format!(
                "answer with Access-Control-Allow-Origin: {expected} byte for byte (same scheme, host and port, no trailing slash), or allow {expected} in the server's CORS policy"
            ),
            Rule::WildcardWithCredentials => format!(
                "echo the origin ({origin}) instead of * when credentials are allowed, or send the request without credentials"
            ),
            Rule::CredentialsNotTrue { .. } => format!(
                "send Access-Control-Allow-Credentials: true (lowercase) to {origin}, or send the request without credentials"
            ),
            Rule::PreflightStatusNotOk(status) if status.is_redirection() => "answer the preflight at this URL with 200 or 204 instead of redirecting: put the CORS layer in front of redirects".to_owned(),
            Rule::PreflightStatusNotOk(_) => format!(
                "make the server answer the preflight with 200 or 204: allow the origin {origin} and {} in its CORS policy, and put the CORS layer outside authentication and routing",
                self.context.asked
            ),
            Rule::InvalidAllowMethods(_) => "list the allowed methods as tokens separated by commas, e.g. GET, PUT".to_owned(),
            Rule::InvalidAllowHeaders(_) => "list the allowed headers as tokens separated by commas, e.g. content-type, x-custom".to_owned(),
            Rule::MethodNotAllowed { method } => self.method_fix(method),
            Rule::HeaderNotAllowed { name } => self.header_fix(name),
            Rule::AuthorizationNotCoveredByWildcard => format!(
                "list authorization by name next to * (Access-Control-Allow-Headers: *, authorization); {} let * cover it today, but the Fetch Standard does not and browsers are expected to follow it",
                Engine::covering_authorization()
            ),
            Rule::NetworkError(_) => "make the service answer the request instead of failing".to_owned(),
            Rule::RedirectNotFollowed(_) => "answer at the URL the script asks for, or redirect to an http(s) URL without credentials in it, in fewer than 20 steps".to_owned(),
        }
    }

    /// "the preflight's answer" or "the response".
    fn answer(&self) -> &'static str {
        match self.stage {
            Stage::Preflight => "the preflight's answer",
            Stage::Actual => "the response",
        }
    }

    fn method_fix(&self, method: &str) -> String {
        let hints = self.context.hints;
        let mut fix = format!("allow {method} in the server's CORS policy");
        if hints.other_case {
            fix.push_str(&format!(
                " (methods are case-sensitive: the script sent {method}; send it uppercase)"
            ));
        }
        if self.context.credentials && hints.star {
            fix.push_str(" by name: with credentials, * is not a wildcard");
        }
        fix
    }

    fn header_fix(&self, name: &str) -> String {
        let mut fix = format!(
            "allow the request header {name} in the server's CORS policy, or stop sending it"
        );
        if self.context.credentials && self.context.hints.star {
            fix.push_str(" (with credentials, * is not a wildcard: list it by name)");
        }
        fix
    }

    /// Why the browser blocked the request, naming the rule and the value seen.
    pub(crate) fn reason(&self) -> String {
        let listed = self.context.listed.as_deref().unwrap_or("absent");
        match &self.rule {
            Rule::MissingAllowOrigin => format!("{} has no Access-Control-Allow-Origin", self.answer()),
            Rule::MultipleAllowOrigin(got) => format!(
                "{} has several Access-Control-Allow-Origin values ({got}); browsers accept exactly one",
                self.answer()
            ),
            Rule::AllowOriginMismatch { expected, got } => format!(
                "{}'s Access-Control-Allow-Origin ({got}) is not the page's origin ({expected})",
                self.answer()
            ),
            Rule::WildcardWithCredentials => format!(
                "{}'s Access-Control-Allow-Origin is *, which browsers refuse for a request with credentials",
                self.answer()
            ),
            Rule::CredentialsNotTrue { got } => format!(
                "the request includes credentials but {}'s Access-Control-Allow-Credentials is {}, not exactly true",
                self.answer(),
                got.as_deref().map_or_else(|| "absent".to_owned(), |v| format!("({v})"))
            ),
            Rule::PreflightStatusNotOk(status) if status.is_redirection() => format!(
                "the preflight's status is {status}, not 200-299 (preflights do not follow redirects)"
            ),
            Rule::PreflightStatusNotOk(status) => {
                format!("the preflight's status is {status}, not 200-299")
            }
            Rule::InvalidAllowMethods(got) => format!(
                "the preflight's Access-Control-Allow-Methods ({got}) is not a comma-separated list of method tokens"
            ),
            Rule::InvalidAllowHeaders(got) => format!(
                "the preflight's Access-Control-Allow-Headers ({got}) is not a comma-separated list of header names"
            ),
            Rule::MethodNotAllowed { method } => format!(
                "the preflight's Access-Control-Allow-Methods ({listed}) does not list {method}"
            ),
            Rule::HeaderNotAllowed { name } => format!(
                "the preflight's Access-Control-Allow-Headers ({listed}) does not list the request header {name}"
            ),
            Rule::AuthorizationNotCoveredByWildcard => format!(
                "the preflight's Access-Control-Allow-Headers ({listed}) relies on *, which by the Fetch Standard never covers authorization"
            ),
            Rule::NetworkError(error) => format!("the service failed ({error}), a network error for the browser"),
            Rule::RedirectNotFollowed(why) => format!("the browser does not follow the redirect: {why}"),
        }
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "blocked at {}: {}. Fix: {}",
            self.stage,
            self.reason(),
            self.fix()
        )
    }
}

impl std::error::Error for Blocked {}

/// `value` as text fit for a message: invalid UTF-8 replaced, control
/// characters escaped, cut to about 100 characters.
///
/// For example `b"https://a.example\r\n"` gives `https://a.example\r\n`
/// (escaped), and a 300-byte value gives its first 100 characters and `…`.
pub(crate) fn bounded(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count >= ECHO_LIMIT {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value of every rule. The match below has no wildcard arm, so a
    /// new rule does not compile until it is added here too.
    fn every_rule() -> Vec<Rule> {
        let all = vec![
            Rule::MissingAllowOrigin,
            Rule::MultipleAllowOrigin("*, *".to_owned()),
            Rule::AllowOriginMismatch {
                expected: "https://a.example".to_owned(),
                got: "https://b.example".to_owned(),
            },
            Rule::WildcardWithCredentials,
            Rule::CredentialsNotTrue { got: None },
            Rule::PreflightStatusNotOk(StatusCode::FORBIDDEN),
            Rule::InvalidAllowMethods("GET PUT".to_owned()),
            Rule::InvalidAllowHeaders("x-a;".to_owned()),
            Rule::MethodNotAllowed {
                method: "PUT".to_owned(),
            },
            Rule::HeaderNotAllowed {
                name: "x-a".to_owned(),
            },
            Rule::AuthorizationNotCoveredByWildcard,
            Rule::NetworkError("boom".to_owned()),
            Rule::RedirectNotFollowed("its Location is not a URL".to_owned()),
        ];
        let position = |rule: &Rule| match rule {
            Rule::MissingAllowOrigin => 0,
            Rule::MultipleAllowOrigin(_) => 1,
            Rule::AllowOriginMismatch { .. } => 2,
            Rule::WildcardWithCredentials => 3,
            Rule::CredentialsNotTrue { .. } => 4,
            Rule::PreflightStatusNotOk(_) => 5,
            Rule::InvalidAllowMethods(_) => 6,
            Rule::InvalidAllowHeaders(_) => 7,
            Rule::MethodNotAllowed { .. } => 8,
            Rule::HeaderNotAllowed { .. } => 9,
            Rule::AuthorizationNotCoveredByWildcard => 10,
            Rule::NetworkError(_) => 11,
            Rule::RedirectNotFollowed(_) => 12,
        };
        let positions: Vec<usize> = all.iter().map(position).collect();
        assert_eq!(positions, (0..all.len()).collect::<Vec<_>>());
        all
    }

    #[test]
    fn every_rule_has_its_own_kebab_case_name() {
        let rules = every_rule();
        let mut names: Vec<&str> = rules.iter().map(Rule::name).collect();
        for name in &names {
            assert!(
                !name.is_empty()
                    && !name.starts_with('-')
                    && !name.ends_with('-')
                    && !name.contains("--")
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name:?} is not kebab-case"
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), rules.len(), "two rules share a name");
    }

    #[test]
    fn a_name_does_not_depend_on_the_values() {
        assert_eq!(
            Rule::PreflightStatusNotOk(StatusCode::MOVED_PERMANENTLY).name(),
            Rule::PreflightStatusNotOk(StatusCode::UNAUTHORIZED).name()
        );
        assert_eq!(
            Rule::CredentialsNotTrue { got: None }.name(),
            Rule::CredentialsNotTrue {
                got: Some("True".to_owned())
            }
            .name()
        );
    }

    #[test]
    fn the_names_are_the_documented_ones() {
        let names: Vec<&str> = every_rule().iter().map(Rule::name).collect();
        assert_eq!(
            names,
            [
                "missing-allow-origin",
                "multiple-allow-origin",
                "allow-origin-mismatch",
                "wildcard-with-credentials",
                "credentials-not-true",
                "preflight-status-not-ok",
                "invalid-allow-methods",
                "invalid-allow-headers",
                "method-not-allowed",
                "header-not-allowed",
                "authorization-not-covered-by-wildcard",
                "network-error",
                "redirect-not-followed",
            ]
        );
    }
}
