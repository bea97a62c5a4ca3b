//! The `Vary` of a policy's responses beyond the preflight's own request
//! headers: `Origin` when the answer depends on it, and the request headers
//! that the origin predicates read, as
//! [`vary_on`](crate::CorsBuilder::vary_on) declares them. Rendered once,
//! when the policy is built.

use http::header::{self, HeaderName, HeaderValue};

use crate::compile::headers::header_value;
use crate::error::ConfigError;

/// `Vary: Origin`, for a policy that declares no other header.
const ORIGIN: HeaderValue = HeaderValue::from_static("Origin");

/// What joins `Vary` on every response of a policy whose answer depends on
/// the origin.
#[derive(Debug)]
pub(crate) struct OriginVary {
    /// `Origin` and the declared headers, as one value: what a response
    /// without `Vary` gets.
    pub(crate) value: HeaderValue,
    /// The same, one token each: what is merged into a `Vary` that the
    /// inner service set.
    pub(crate) tokens: Box<[HeaderValue]>,
    /// The declared headers alone, joined, to follow the preflight's own
    /// `Vary`; `None` when none is declared.
    pub(crate) declared: Option<Box<str>>,
}

impl Default for OriginVary {
    fn default() -> Self {
        OriginVary {
            value: ORIGIN,
            tokens: Box::new([ORIGIN]),
            declared: None,
        }
    }
}

/// Checks the declared header names (`names`, spelt as given) and renders
/// them after `Origin`, each once (names compare case-insensitively,
/// `Origin` included), reporting each problem to `errors`. `any_origin`:
/// whether the policy allows any origin, whose answer varies on nothing.
pub(crate) fn compile(
    names: &[String],
    any_origin: bool,
    errors: &mut Vec<ConfigError>,
) -> OriginVary {
    if any_origin && !names.is_empty() {
        errors.push(ConfigError::VaryOnWithAnyOrigin);
    }
    let mut seen = vec![header::ORIGIN];
    let mut declared: Vec<&str> = Vec::new();
    for value in names {
        // `*` is a valid field name, but no header a decision reads.
        let name = HeaderName::from_bytes(value.as_bytes())
            .ok()
            .filter(|_| value != "*");
        match name {
            Some(name) if !seen.contains(&name) => {
                seen.push(name);
                declared.push(value);
            }
            Some(_) => {}
            None => errors.push(ConfigError::InvalidVaryHeader {
                value: value.clone(),
            }),
        }
    }
    if declared.is_empty() {
        return OriginVary::default();
    }
    let joined = declared.join(", ");
    let tokens = std::iter::once(ORIGIN)
        .chain(
            declared
                .iter()
                .filter_map(|name| HeaderValue::from_str(name).ok()),
        )
        .collect();
    OriginVary {
        value: shared(&format!("Origin, {joined}")),
        tokens,
        declared: Some(joined.into()),
    }
}

/// `value` (valid: header names and `, `) as a header value whose copies
/// cost no answer anything: rendered as every value of a policy's lists
/// is ([`header_value`]).
pub(crate) fn shared(value: &str) -> HeaderValue {
    header_value(value).unwrap_or(ORIGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|&name| name.to_owned()).collect()
    }

    #[test]
    fn declared_headers_follow_origin_once_each() {
        let mut errors = Vec::new();
        let vary = compile(
            &names(&["X-Tenant", "x-tenant", "origin", "Authorization"]),
            false,
            &mut errors,
        );
        assert_eq!(errors, []);
        assert_eq!(vary.value, "Origin, X-Tenant, Authorization");
        assert_eq!(&*vary.tokens, ["Origin", "X-Tenant", "Authorization"]);
        assert_eq!(vary.declared.as_deref(), Some("X-Tenant, Authorization"));
        let none = compile(&[], false, &mut errors);
        assert_eq!((none.value, none.declared), (ORIGIN, None));
        assert_eq!(errors, []);
    }

    #[test]
    fn invalid_names_and_any_origin_are_refused() {
        let mut errors = Vec::new();
        compile(&names(&["x tenant", "*", "", "x-ok"]), true, &mut errors);
        let invalid = |value: &str| ConfigError::InvalidVaryHeader {
            value: value.to_owned(),
        };
        assert_eq!(
            errors,
            [
                ConfigError::VaryOnWithAnyOrigin,
                invalid("x tenant"),
                invalid("*"),
                invalid("")
            ]
        );
    }
}
