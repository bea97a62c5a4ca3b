//! The compiled policy: every rule in the form the service reads per
//! request, and the answers the layer gives itself, rendered once by
//! [`CorsBuilder::build`](crate::CorsBuilder::build).

use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;

use crate::compile::headers::{self as headers, AllowedHeaders, ALLOW_PRIVATE_NETWORK, TRUE};
use crate::compile::methods::{self, AllowedMethods};
use crate::compile::origin::{AllowedOrigins, Predicates};
use crate::compile::protection::Protection;
use crate::compile::vary::{self, OriginVary};
use crate::error::ConfigError;
use crate::settings::CorsConfig;

/// Everything the service reads per request, shared by every clone of the
/// service behind an `Arc`.
#[derive(Debug)]
pub(crate) struct Policy {
    pub(crate) origins: AllowedOrigins,
    pub(crate) methods: AllowedMethods,
    pub(crate) headers: AllowedHeaders,
    /// `Access-Control-Expose-Headers` for actual responses.
    pub(crate) exposed: Option<HeaderValue>,
    /// What joins `Vary` wherever the answer depends on the origin.
    pub(crate) vary: OriginVary,
    /// The layer's own answers, prebuilt from the rules above.
    pub(crate) answers: Answers,
    /// Cross-origin protection, when the policy asks for it.
    pub(crate) protection: Option<Protection>,
    /// The settings the policy was compiled from: the switches the service
    /// reads as they are (credentials, precedence, blocking, recording,
    /// private network access, the statuses), and what
    /// [`CorsLayer::config`](crate::CorsLayer::config) returns.
    pub(crate) config: CorsConfig,
}

/// What the layer grants a request, once its origin is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Access {
    /// The value of `Access-Control-Allow-Origin` to send.
    Granted(HeaderValue),
    /// No `Origin`, under a policy whose answer depends on it: nothing to
    /// grant, and nothing refused.
    NotCors,
    /// The request's origin is not allowed.
    Refused,
}

const WILDCARD: HeaderValue = HeaderValue::from_static("*");
pub(crate) const ZERO: HeaderValue = HeaderValue::from_static("0");

impl Policy {
    /// Checks the settings and compiles them with the origin predicates,
    /// reporting every problem to `errors`.
    pub(crate) fn compile(
        mut config: CorsConfig,
        predicates: Predicates,
        errors: &mut Vec<ConfigError>,
    ) -> Policy {
        config.origin_predicate = predicates.sync.is_some();
        config.async_origin_predicate = predicates.r#async.is_some();
        let credentials = config.allow_credentials;
        if config.async_origin_predicate && config.block_disallowed_origins {
            errors.push(ConfigError::AsyncOriginWithBlocking);
        }
        let origins = AllowedOrigins::compile(&config, predicates, errors);
        let protection = Protection::compile(&config, origins.is_any(), errors);
        let vary = vary::compile(&config.vary_on, origins.is_any(), errors);
        let mut policy = Policy {
            origins,
            methods: methods::compile(&config.allow_methods, credentials, errors),
            headers: headers::compile_allowed(&config.allow_headers, credentials, errors),
            exposed: headers::compile_exposed(&config.expose_headers, credentials, errors),
            vary,
            answers: Answers::default(),
            protection,
            config,
        };
        check_statuses(&policy.config, errors);
        policy.answers = Answers::compile(&policy);
        policy
    }

    /// Whether the answer is the same for every origin: `*` on every
    /// response, with or without `Origin`, and no `Vary: Origin` (an
    /// any-origin policy). Otherwise the answer depends on the origin, and a
    /// shared cache must key it by `Origin`.
    pub(crate) fn same_for_every_origin(&self) -> bool {
        self.origins.is_any()
    }

    /// What a request from `origin` (`None`: no `Origin` header) gets, given
    /// whether the origin rules allow it. This is the one place that
    /// chooses `Access-Control-Allow-Origin`: `*` under an any-origin policy,
    /// for every request, with or without `Origin`; otherwise the request's
    /// origin, echoed.
    pub(crate) fn access(&self, origin: Option<&HeaderValue>, allowed: bool) -> Access {
        match origin {
            _ if self.same_for_every_origin() => Access::Granted(WILDCARD),
            None => Access::NotCors,
            Some(origin) if allowed => Access::Granted(origin.clone()),
            Some(_) => Access::Refused,
        }
    }
}

/// The prebuilt headers and statuses of the layer's own answers.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    /// Everything an accepted preflight carries that does not depend on the
    /// request.
    pub(crate) accepted: HeaderMap,
    /// A refused preflight: its `Vary`, no CORS header.
    pub(crate) refused_preflight: HeaderMap,
    /// The `Vary` of preflight answers, one token each: what a preflight
    /// passed through to the inner service merges into its `Vary`.
    pub(crate) preflight_vary: Box<[HeaderValue]>,
    /// A blocked actual request: its `Vary`, no CORS header.
    pub(crate) blocked: HeaderMap,
    /// A request cross-origin protection refuses: as a blocked one, and
    /// never stored by a cache (the decision reads `Sec-Fetch-Site` and
    /// `Upgrade` too, which no `Vary` of the blocked answer names).
    pub(crate) protected: HeaderMap,
}

/// Checks the statuses of the layer's answers, reporting each problem to
/// `errors`.
fn check_statuses(config: &CorsConfig, errors: &mut Vec<ConfigError>) {
    let (accepted, refused) = (config.preflight_status, config.refusal_status);
    if !accepted.is_success() {
        errors.push(ConfigError::PreflightStatusNotSuccess {
            status: accepted.as_u16(),
        });
    }
    if !(refused.is_client_error() || refused.is_server_error()) {
        errors.push(ConfigError::RefusalStatusNotError {
            status: refused.as_u16(),
        });
    }
}

impl Answers {
    /// Renders the answers of `policy`, from its rules.
    fn compile(policy: &Policy) -> Answers {
        let accepted_status = policy.config.preflight_status;
        let refused_status = policy.config.refusal_status;
        let max_age = policy
            .config
            .max_age
            .and_then(|age| headers::header_value(&age.to_string()));
        let by_origin = !policy.same_for_every_origin();
        let preflight_vary = preflight_vary(
            by_origin,
            policy.config.allow_private_network,
            policy.vary.declared.as_deref(),
        );

        let preflight_vary_tokens = tokens(&preflight_vary);
        let mut refused_preflight = empty_body(refused_status);
        refused_preflight.insert(header::VARY, preflight_vary.clone());

        let mut blocked = empty_body(refused_status);
        if by_origin {
            blocked.insert(header::VARY, policy.vary.value.clone());
        }
        let mut protected = blocked.clone();
        protected.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));

        let credentials = TRUE;
        let mut accepted = empty_body(accepted_status);
        accepted.insert(header::VARY, preflight_vary);
        let fixed = [
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                policy.methods.fixed_value(),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                policy.headers.fixed_value(),
            ),
            (
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                policy.exposed.as_ref(),
            ),
            (header::ACCESS_CONTROL_MAX_AGE, max_age.as_ref()),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                policy.config.allow_credentials.then_some(&credentials),
            ),
        ];
        for (name, value) in fixed {
            if let Some(value) = value {
                accepted.insert(name, value.clone());
            }
        }
        // A slot for each value that the answer may set per request, so
        // that setting it replaces an entry in place (and an unused slot is
        // removed): a clone of this map never grows. `reserve` keeps the
        // table from being full, since even a replacing insert grows a full
        // one.
        accepted.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, WILDCARD);
        if policy.methods.echoes() {
            // Always replaced: an echoing policy names every requested method.
            accepted.insert(header::ACCESS_CONTROL_ALLOW_METHODS, WILDCARD);
        }
        if policy.headers.echoes() {
            accepted.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, WILDCARD);
        }
        if policy.config.allow_private_network {
            accepted.insert(ALLOW_PRIVATE_NETWORK, TRUE);
        }
        accepted.reserve(1);
        Answers {
            accepted,
            refused_preflight,
            preflight_vary: preflight_vary_tokens,
            blocked,
            protected,
        }
    }
}

/// The `Vary` of preflight answers: every request header that decides them.
/// `Origin` only when the answer depends on it, and
/// `Access-Control-Request-Private-Network` only when the policy reads it;
/// then the headers the origin predicates read (`declared`), if any.
fn preflight_vary(by_origin: bool, private_network: bool, declared: Option<&str>) -> HeaderValue {
    let own = match (by_origin, private_network) {
        (true, false) => "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        (false, false) => "Access-Control-Request-Method, Access-Control-Request-Headers",
        (true, true) => "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
        (false, true) => "Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
    };
    match declared {
        None => HeaderValue::from_static(own),
        Some(declared) => vary::shared(&format!("{own}, {declared}")),
    }
}

/// The tokens of a `Vary` value, each a header value of its own.
fn tokens(vary: &HeaderValue) -> Box<[HeaderValue]> {
    let tokens = vary.as_bytes().split(|&b| b == b',');
    let tokens = tokens.map(|token| HeaderValue::from_bytes(token.trim_ascii()));
    tokens.filter_map(Result::ok).collect()
}

/// Headers of an empty body: `Content-Length: 0` where the status allows a
/// body (a 204 has none).
fn empty_body(status: StatusCode) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if status != StatusCode::NO_CONTENT {
        headers.insert(header::CONTENT_LENGTH, ZERO);
    }
    headers
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::compile::intern;

    fn address(value: &HeaderValue) -> *const u8 {
        value.as_bytes().as_ptr()
    }

    #[test]
    fn a_policy_rebuilt_many_times_keeps_nothing_more() {
        let config = || CorsConfig {
            allow_origins: vec!["https://app.example.com".into()],
            allow_methods: vec!["PUT".into(), "X-REBUILT".into()],
            allow_headers: vec!["x-rebuilt-a".into(), "x-rebuilt-b".into()],
            expose_headers: vec!["x-rebuilt-c".into()],
            vary_on: vec!["x-rebuilt-tenant".into()],
            max_age: Some(4321),
            ..CorsConfig::default()
        };
        let build = || {
            let mut errors = Vec::new();
            let policy = Policy::compile(config(), Predicates::default(), &mut errors);
            assert_eq!(errors, []);
            policy
        };
        let kept = || intern::tests::KEPT_HERE.with(Cell::get);
        let before = kept();
        let first = build();
        let kept_by_the_first = kept() - before;
        // Methods, allowed and exposed headers, max-age, `Vary` of actual
        // responses and of preflights.
        assert_eq!(kept_by_the_first, 6);
        let addresses = |policy: &Policy| -> Vec<*const u8> {
            policy.answers.accepted.values().map(address).collect()
        };
        for _ in 0..100 {
            let again = build();
            assert_eq!(addresses(&again), addresses(&first));
            assert_eq!(address(&again.vary.value), address(&first.vary.value));
        }
        assert_eq!(kept() - before, kept_by_the_first);
    }
}
