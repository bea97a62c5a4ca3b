//! Fetch's CORS check, the checks of a preflight's answer, and what script
//! may read of an actual response.

use std::time::Duration;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
};
use http::{HeaderMap, HeaderName, StatusCode};

use super::blocked::{bounded, Blocked, Context, Hints, Rule, Stage};
#[cfg(doc)]
use super::engine::Engine;
use super::request::BrowserRequest;
use super::safelist::{
    is_forbidden_response_header, is_safelisted_method, is_safelisted_response_header, is_token,
};

/// How long a preflight's answer is cached when it sends no valid
/// `Access-Control-Max-Age`: 5 seconds.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5);

/// What an accepted preflight allows, as the browser caches it.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use http::{HeaderMap, HeaderValue, StatusCode};
/// use cors_check::BrowserRequest;
///
/// let request = BrowserRequest::new("https://a.example", "PUT", "https://api.example/")?;
/// let mut headers = HeaderMap::new();
/// headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
/// headers.insert("access-control-allow-methods", HeaderValue::from_static("GET, PUT"));
/// let result = request.check_preflight(StatusCode::NO_CONTENT, &headers).unwrap();
/// assert_eq!(result.methods, ["GET", "PUT"]);
/// assert_eq!(result.max_age, Duration::from_secs(5));
/// # Ok::<(), cors_check::InvalidRequest>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreflightResult {
    /// The methods of `Access-Control-Allow-Methods`, as written.
    pub methods: Vec<String>,
    /// The header names of `Access-Control-Allow-Headers`, lowercase.
    pub headers: Vec<String>,
    /// How long the browser caches the answer: `Access-Control-Max-Age`, 5 s
    /// when absent or invalid, capped by the engine; zero means not cached.
    pub max_age: Duration,
    /// Where the engine accepted an answer that the Fetch Standard refuses
    /// (`*` covering `Authorization`, in every engine): what the
    /// standard says. Always `None` for [`Engine::Standard`].
    pub standard_blocks: Option<Blocked>,
}

/// The response headers a script can read once the CORS check passed: the
/// CORS-safelisted response headers (`Cache-Control`, `Content-Language`,
/// `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`)
/// and those named by `Access-Control-Expose-Headers`. Its `*` exposes every
/// header, but only without credentials. `Set-Cookie` and `Set-Cookie2` are
/// never readable.
///
/// # Example
///
/// ```
/// use http::{HeaderMap, HeaderValue, StatusCode};
/// use cors_check::BrowserRequest;
///
/// let request = BrowserRequest::new("https://a.example", "GET", "https://api.example/")?;
/// let mut headers = HeaderMap::new();
/// headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
/// headers.insert("access-control-expose-headers", HeaderValue::from_static("X-Request-Id"));
/// headers.insert("x-request-id", HeaderValue::from_static("7"));
/// headers.insert("x-other", HeaderValue::from_static("8"));
/// let readable = request.check_response(StatusCode::OK, &headers).unwrap();
/// assert!(readable.contains("x-request-id"));
/// assert!(readable.contains("Content-Type"));
/// assert!(!readable.contains("x-other"));
/// # Ok::<(), cors_check::InvalidRequest>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readable {
    /// Every name but `Set-Cookie` is readable (same-origin, or `*`).
    all: bool,
    /// The exposed names, lowercase.
    exposed: Vec<String>,
    /// The readable names present in the response, lowercase and sorted.
    present: Vec<String>,
    /// Their values as script reads them: field lines joined by `, `,
    /// each byte a character (as `Headers.get` decodes them).
    values: Vec<String>,
}

impl Readable {
    fn new(all: bool, exposed: Vec<String>, headers: &HeaderMap) -> Readable {
        let mut readable = Readable {
            all,
            exposed,
            present: Vec::new(),
            values: Vec::new(),
        };
        let mut present: Vec<String> = headers
            .keys()
            .map(HeaderName::as_str)
            .filter(|name| readable.contains(name))
            .map(str::to_owned)
            .collect();
        present.sort();
        present.dedup();
        readable.values = present
            .iter()
            .map(|name| {
                let lines = headers.get_all(name.as_str()).iter();
                let decoded: Vec<String> = lines
                    .map(|line| line.as_bytes().iter().map(|&b| char::from(b)).collect())
                    .collect();
                decoded.join(", ")
            })
            .collect();
        readable.present = present;
        readable
    }

    /// The value script reads with `response.headers.get(name)` (any case):
    /// the header's field lines joined by `, `; `None` when absent or not
    /// readable.
    ///
    /// # Example
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "https://api.example/")?;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    /// headers.insert("access-control-expose-headers", HeaderValue::from_static("x-tag"));
    /// headers.append("x-tag", HeaderValue::from_static("a"));
    /// headers.append("x-tag", HeaderValue::from_static("b"));
    /// headers.insert("x-other", HeaderValue::from_static("8"));
    /// let readable = request.check_response(StatusCode::OK, &headers).unwrap();
    /// assert_eq!(readable.get("X-Tag"), Some("a, b"));
    /// assert_eq!(readable.get("x-other"), None);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        let index = self
            .present
            .iter()
            .position(|present| present.eq_ignore_ascii_case(name))?;
        self.values.get(index).map(String::as_str)
    }

    /// What a same-origin response lets script read: every header but
    /// `Set-Cookie` and `Set-Cookie2`.
    pub(crate) fn same_origin(headers: &HeaderMap) -> Readable {
        Readable::new(true, Vec::new(), headers)
    }

    /// Whether script can read the response header `name` (any case).
    ///
    /// # Example
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "https://api.example/")?;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    /// headers.insert("access-control-expose-headers", HeaderValue::from_static("*"));
    /// let readable = request.check_response(StatusCode::OK, &headers).unwrap();
    /// assert!(readable.contains("X-Anything"));
    /// assert!(!readable.contains("set-cookie"));
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn contains(&self, name: &str) -> bool {
        !is_forbidden_response_header(name)
            && (self.all
                || is_safelisted_response_header(name)
                || self.exposed.iter().any(|e| e.eq_ignore_ascii_case(name)))
    }

    /// The names of the headers of the response that script can read,
    /// lowercase and sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use cors_check::BrowserRequest;
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "https://api.example/")?;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    /// headers.insert("content-type", HeaderValue::from_static("text/plain"));
    /// headers.insert("x-hidden", HeaderValue::from_static("1"));
    /// let readable = request.check_response(StatusCode::OK, &headers).unwrap();
    /// assert_eq!(readable.names(), ["content-type"]);
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn names(&self) -> &[String] {
        &self.present
    }
}

impl BrowserRequest {
    /// Checks a preflight's answer as Fetch's "CORS-preflight fetch" does,
    /// in its order: an ok status (200-299), the CORS check,
    /// `Access-Control-Allow-Methods` and `-Headers` parsed as lists of
    /// tokens, the method allowed (listed byte for byte, `*` without
    /// credentials, or `GET`/`HEAD`/`POST`), `Authorization` listed by name,
    /// and every other unsafe header listed (case-insensitively) or covered
    /// by `*` without credentials. The request's [`Engine`] decides where
    /// engines deviate: `*` and `Authorization`, and the cap on `max_age`
    /// (none for the standard).
    ///
    /// For example, an answer `Access-Control-Allow-Methods: GET,POST` to a
    /// preflight for `PUT` gives [`Rule::MethodNotAllowed`].
    ///
    /// # Example
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use cors_check::{BrowserRequest, Rule};
    ///
    /// let request = BrowserRequest::new("https://a.example", "PUT", "https://api.example/")?;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("access-control-allow-origin", HeaderValue::from_static("https://a.example"));
    /// headers.insert("access-control-allow-methods", HeaderValue::from_static("GET,POST"));
    /// let blocked = request.check_preflight(StatusCode::NO_CONTENT, &headers).unwrap_err();
    /// assert_eq!(blocked.rule(), &Rule::MethodNotAllowed { method: "PUT".into() });
    /// assert!(blocked.to_string().contains("(GET,POST) does not list PUT"));
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn check_preflight(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Result<PreflightResult, Blocked> {
        self.check_preflight_capped(status, headers, self.judged_by().max_age_cap())
    }

    /// [`check_preflight`](BrowserRequest::check_preflight) with `cap` as
    /// the browser's limit on `Access-Control-Max-Age` (`None`: no limit).
    pub(crate) fn check_preflight_capped(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        cap: Option<Duration>,
    ) -> Result<PreflightResult, Blocked> {
        let block = |rule, listed| self.blocked(Stage::Preflight, rule, listed);
        if !status.is_success() {
            return Err(block(Rule::PreflightStatusNotOk(status), None));
        }
        self.cors_check(headers).map_err(|rule| block(rule, None))?;
        let methods = extract_list(headers, &ACCESS_CONTROL_ALLOW_METHODS)
            .map_err(|raw| block(Rule::InvalidAllowMethods(raw), None))?;
        let allowed_headers = extract_list(headers, &ACCESS_CONTROL_ALLOW_HEADERS)
            .map_err(|raw| block(Rule::InvalidAllowHeaders(raw), None))?;
        self.check_method(&methods).map_err(|(rule, hints)| {
            block(rule, raw(headers, &ACCESS_CONTROL_ALLOW_METHODS)).with_hints(hints)
        })?;
        let headers_block = |(rule, hints)| {
            block(rule, raw(headers, &ACCESS_CONTROL_ALLOW_HEADERS)).with_hints(hints)
        };
        let standard_blocks = self
            .check_headers(&allowed_headers)
            .map_err(headers_block)?;
        let max_age = max_age(headers);
        Ok(PreflightResult {
            methods,
            headers: allowed_headers
                .iter()
                .map(|name| name.to_ascii_lowercase())
                .collect(),
            max_age: cap.map_or(max_age, |cap| max_age.min(cap)),
            standard_blocks: standard_blocks.map(headers_block),
        })
    }

    /// Checks the actual response as Fetch does for a CORS request: the
    /// CORS check again (whatever the preflight said), then the readable
    /// headers from `Access-Control-Expose-Headers`. A same-origin response
    /// passes without any check.
    ///
    /// # Example
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue, StatusCode};
    /// use cors_check::{BrowserRequest, Rule};
    ///
    /// let request = BrowserRequest::new("https://a.example", "GET", "https://api.example/")?.credentials(true);
    /// let mut headers = HeaderMap::new();
    /// headers.insert("access-control-allow-origin", HeaderValue::from_static("https://a.example"));
    /// headers.insert("access-control-allow-credentials", HeaderValue::from_static("True"));
    /// let blocked = request.check_response(StatusCode::OK, &headers).unwrap_err();
    /// assert_eq!(blocked.rule(), &Rule::CredentialsNotTrue { got: Some("True".into()) });
    /// # Ok::<(), cors_check::InvalidRequest>(())
    /// ```
    pub fn check_response(
        &self,
        _status: StatusCode,
        headers: &HeaderMap,
    ) -> Result<Readable, Blocked> {
        if self.is_same_origin() {
            return Ok(Readable::same_origin(headers));
        }
        self.cors_check(headers)
            .map_err(|rule| self.blocked(Stage::Actual, rule, None))?;
        let exposed = extract_list(headers, &ACCESS_CONTROL_EXPOSE_HEADERS).unwrap_or_default();
        let all = !self.includes_credentials() && exposed.iter().any(|name| name == "*");
        Ok(Readable::new(all, exposed, headers))
    }

    /// A [`Blocked`] at `stage` for this request.
    pub(crate) fn blocked(&self, stage: Stage, rule: Rule, listed: Option<String>) -> Blocked {
        let context = Context {
            origin: self.origin().to_owned(),
            credentials: self.includes_credentials(),
            asked: self.asked(),
            listed,
            hints: Hints::default(),
        };
        Blocked::new(stage, rule, context)
    }

    /// What a preflight for this request asks for, in words: `the method
    /// PUT and the headers x-a, x-b`.
    fn asked(&self) -> String {
        let names = self.unsafe_header_list(", ");
        let method = bounded(self.method().as_bytes());
        match names.is_empty() {
            true => format!("the method {method}"),
            false => format!(
                "the method {method} and the headers {}",
                bounded(names.as_bytes())
            ),
        }
    }

    /// Fetch's "CORS check": exactly one `Access-Control-Allow-Origin`,
    /// `*` (only without credentials) or byte-equal to the origin, and with
    /// credentials `Access-Control-Allow-Credentials` exactly `true`.
    ///
    /// For example `https://a.example/` (a trailing slash) fails for the
    /// origin `https://a.example`, and so does `Access-Control-Allow-Credentials: True`.
    fn cors_check(&self, headers: &HeaderMap) -> Result<(), Rule> {
        let origin = match combined(headers, &ACCESS_CONTROL_ALLOW_ORIGIN) {
            None => return Err(Rule::MissingAllowOrigin),
            // Several values, in one field line or several: lines are
            // joined with `, `, so the comma shows them too.
            Some(value) if value.contains(&b',') => {
                return Err(Rule::MultipleAllowOrigin(bounded(&value)))
            }
            Some(value) => value,
        };
        if origin == b"*" {
            return match self.includes_credentials() {
                false => Ok(()),
                true => Err(Rule::WildcardWithCredentials),
            };
        }
        if origin != self.origin().as_bytes() {
            return Err(Rule::AllowOriginMismatch {
                expected: bounded(self.origin().as_bytes()),
                got: bounded(&origin),
            });
        }
        if !self.includes_credentials() {
            return Ok(());
        }
        match combined(headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS) {
            Some(value) if value == b"true" => Ok(()),
            got => Err(Rule::CredentialsNotTrue {
                got: got.map(|value| bounded(&value)),
            }),
        }
    }

    /// The method is allowed if listed byte for byte, if the list has `*`
    /// and there are no credentials, or if it is `GET`, `HEAD` or `POST`:
    /// `PATCH` does not allow `patch`. A refusal comes with what the list
    /// showed: the method in another case, a `*`.
    fn check_method(&self, methods: &[String]) -> Result<(), (Rule, Hints)> {
        let method = self.method();
        let star = methods.iter().any(|m| m == "*");
        let allowed = methods.iter().any(|m| m == method)
            || is_safelisted_method(method)
            || (!self.includes_credentials() && star);
        let hints = Hints {
            other_case: methods
                .iter()
                .any(|m| m != method && m.eq_ignore_ascii_case(method)),
            star,
        };
        match allowed {
            true => Ok(()),
            false => Err((
                Rule::MethodNotAllowed {
                    method: bounded(method.as_bytes()),
                },
                hints,
            )),
        }
    }

    /// Every unsafe request header must be listed (case-insensitively) or,
    /// without credentials, covered by `*`; `*` never covers
    /// `authorization`, which is checked first. A refusal comes with
    /// whether the list has `*`. Where the engine lets `*` cover
    /// `authorization`, the standard's refusal is returned as `Ok(Some)`.
    fn check_headers(&self, allowed: &[String]) -> Result<Option<(Rule, Hints)>, (Rule, Hints)> {
        let listed = |name: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(name));
        let has_star = allowed.iter().any(|a| a == "*");
        let hints = Hints {
            star: has_star,
            ..Hints::default()
        };
        let star = !self.includes_credentials() && has_star;
        let mut unsafe_names = self.unsafe_headers();
        unsafe_names.sort_by_key(|name| name != http::header::AUTHORIZATION);
        let mut standard_blocks = None;
        for name in unsafe_names {
            let name = name.as_str();
            if listed(name) {
                continue;
            }
            if name == "authorization" && star {
                let refusal = (Rule::AuthorizationNotCoveredByWildcard, hints);
                match self.judged_by().wildcard_covers_authorization() {
                    true => standard_blocks = Some(refusal),
                    false => return Err(refusal),
                }
                continue;
            }
            if !star || name == "authorization" {
                let rule = Rule::HeaderNotAllowed {
                    name: name.to_owned(),
                };
                return Err((rule, hints));
            }
        }
        Ok(standard_blocks)
    }
}

/// The field lines of `name`, each trimmed of spaces and tabs as an HTTP
/// parser does, joined by `, ` as Fetch's "get" does (`None` when absent).
fn combined(headers: &HeaderMap, name: &HeaderName) -> Option<Vec<u8>> {
    let mut lines = headers.get_all(name).into_iter();
    let mut value = lines.next()?.as_bytes().trim_ascii().to_vec();
    for line in lines {
        value.extend_from_slice(b", ");
        value.extend_from_slice(line.as_bytes().trim_ascii());
    }
    Some(value)
}

/// The combined value of `name`, bounded for a message.
fn raw(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    combined(headers, name).map(|value| bounded(&value))
}

/// Fetch's "extract header list values" for a list of tokens: the combined
/// value split on commas, each element trimmed, empty elements skipped. An
/// absent header is an empty list; an element that is not a token is an
/// error carrying the (bounded) value.
///
/// For example `GET, PUT ,,PATCH` gives `GET`, `PUT`, `PATCH`, and
/// `GET PUT` is an error.
fn extract_list(headers: &HeaderMap, name: &HeaderName) -> Result<Vec<String>, String> {
    let Some(value) = combined(headers, name) else {
        return Ok(Vec::new());
    };
    let refuse = || bounded(&value);
    let text = std::str::from_utf8(&value).map_err(|_| refuse())?;
    let mut items = Vec::new();
    for item in text.split(',').map(|item| item.trim_matches([' ', '\t'])) {
        if item.is_empty() {
            continue;
        }
        if !is_token(item.as_bytes()) {
            return Err(refuse());
        }
        items.push(item.to_owned());
    }
    Ok(items)
}

/// `Access-Control-Max-Age` as a duration: a non-negative integer of
/// seconds (a huge one saturates); anything else, or no header, is the
/// default 5 seconds.
fn max_age(headers: &HeaderMap) -> Duration {
    let Some(value) = combined(headers, &ACCESS_CONTROL_MAX_AGE) else {
        return DEFAULT_MAX_AGE;
    };
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return DEFAULT_MAX_AGE;
    }
    let seconds = std::str::from_utf8(&value)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(u64::MAX);
    Duration::from_secs(seconds)
}
