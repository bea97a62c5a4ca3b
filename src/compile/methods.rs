//! Methods: the list a policy allows, checked and compiled once, and the
//! check of a preflight's `Access-Control-Request-Method`.

use http::{HeaderValue, Method};

use crate::error::ConfigError;
use crate::refusal::Refusal;

/// Browsers upper-case these methods whatever the script wrote; every other
/// method is sent as written.
const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
/// Methods that `fetch()` refuses to send.
const FORBIDDEN: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// The methods a preflight may ask for, compiled.
#[derive(Debug, Default)]
pub(crate) struct AllowedMethods {
    /// `*`: any method.
    any: bool,
    /// Answer with the requested method instead of `*`, which browsers do
    /// not accept on credentialed requests.
    echo: bool,
    list: Vec<Method>,
    /// `Access-Control-Allow-Methods`, when it does not depend on the request.
    value: Option<HeaderValue>,
}

/// Checks the configured methods, reporting each problem to `errors`, and
/// compiles the valid ones. `"*"` allows any method; with credentials the
/// answer then names the requested method.
pub(crate) fn compile(
    methods: &[String],
    credentials: bool,
    errors: &mut Vec<ConfigError>,
) -> AllowedMethods {
    let mut allowed = AllowedMethods::default();
    let mut shown: Vec<&str> = Vec::new();
    for value in methods {
        if value == "*" {
            if !allowed.any {
                allowed.any = true;
                shown.push("*");
            }
            continue;
        }
        if FORBIDDEN.iter().any(|m| m.eq_ignore_ascii_case(value)) {
            errors.push(ConfigError::ForbiddenMethod {
                value: value.clone(),
            });
            continue;
        }
        let normalized = NORMALIZED
            .iter()
            .find(|m| m.eq_ignore_ascii_case(value))
            .map_or(value.as_str(), |m| m);
        match Method::from_bytes(normalized.as_bytes()) {
            Ok(method) if !allowed.list.contains(&method) => {
                allowed.list.push(method);
                shown.push(normalized);
            }
            Ok(_) => {}
            Err(_) => errors.push(ConfigError::InvalidMethod {
                value: value.clone(),
            }),
        }
    }
    allowed.echo = allowed.any && credentials;
    if !allowed.echo {
        allowed.value = crate::compile::headers::joined(&shown);
    }
    allowed
}

impl AllowedMethods {
    /// `Access-Control-Allow-Methods` when it is the same for every
    /// preflight; `None` when there is nothing to list or the policy echoes
    /// the requested method.
    pub(crate) fn fixed_value(&self) -> Option<&HeaderValue> {
        self.value.as_ref()
    }

    /// Whether the answer names the requested method (any method, with
    /// credentials).
    pub(crate) fn echoes(&self) -> bool {
        self.echo
    }

    /// Checks the method a preflight asks for. Returns the requested method
    /// when the policy echoes it in `Access-Control-Allow-Methods`.
    ///
    /// The method is compared byte for byte: browsers upper-case only the
    /// six standard methods, so `patch` is not `PATCH`. GET, HEAD and POST
    /// are always allowed (browsers never check them).
    #[inline]
    pub(crate) fn check(
        &self,
        requested: Option<&HeaderValue>,
    ) -> Result<Option<HeaderValue>, Refusal> {
        let requested = self.allows(requested)?;
        Ok(self.echo.then(|| requested.clone()))
    }

    /// Whether the requested method (the value of
    /// `Access-Control-Request-Method`) is allowed: the value itself, or
    /// why not.
    pub(crate) fn allows<'r>(
        &self,
        requested: Option<&'r HeaderValue>,
    ) -> Result<&'r HeaderValue, Refusal> {
        let requested = requested.ok_or(Refusal::InvalidRequestMethod)?;
        let method =
            Method::from_bytes(requested.as_bytes()).map_err(|_| Refusal::InvalidRequestMethod)?;
        if !(self.any || is_safelisted(&method) || self.list.contains(&method)) {
            return Err(Refusal::MethodNotAllowed(method));
        }
        Ok(requested)
    }
}

/// GET, HEAD and POST: the CORS-safelisted methods (byte-case-sensitive).
pub(crate) fn is_safelisted(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD || *method == Method::POST
}
