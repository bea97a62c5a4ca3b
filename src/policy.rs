//! The compiled policy: everything the service reads per request, computed
//! once when the policy is built.

use std::collections::HashSet;

use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

use crate::merge::Precedence;
use crate::origin::OriginMatcher;

/// Which methods a preflight may ask for.
#[derive(Debug, Clone)]
pub(crate) enum MethodRule {
    Any,
    List(Vec<Method>),
}

impl MethodRule {
    pub(crate) fn allows(&self, method: &Method) -> bool {
        match self {
            MethodRule::Any => true,
            MethodRule::List(list) => list.contains(method),
        }
    }
}

/// Which request headers a preflight may ask for. `any` never covers
/// `Authorization`, which must be listed in `names` (lowercase).
#[derive(Debug, Clone, Default)]
pub(crate) struct HeaderRule {
    pub(crate) any: bool,
    pub(crate) names: HashSet<Box<[u8]>>,
}

impl HeaderRule {
    /// `name` must be lowercase.
    pub(crate) fn allows(&self, name: &[u8]) -> bool {
        self.names.contains(name) || (self.any && name != b"authorization")
    }
}

/// The validated intent of a policy, with its response values already
/// rendered. The builder produces it from user input; presets write it out
/// directly.
pub(crate) struct Spec {
    pub(crate) origins: OriginMatcher,
    pub(crate) credentials: bool,
    pub(crate) methods: MethodRule,
    pub(crate) allow_methods: Option<HeaderValue>,
    pub(crate) headers: HeaderRule,
    pub(crate) allow_headers: Option<HeaderValue>,
    pub(crate) expose_headers: Option<HeaderValue>,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) preflight_status: StatusCode,
    pub(crate) refusal_status: StatusCode,
    pub(crate) precedence: Precedence,
    pub(crate) block_disallowed: bool,
    pub(crate) private_network: bool,
}

/// The compiled policy, shared by every clone of the service.
#[derive(Debug)]
pub(crate) struct Policy {
    pub(crate) origins: OriginMatcher,
    pub(crate) methods: MethodRule,
    pub(crate) headers: HeaderRule,
    pub(crate) credentials: bool,
    /// `*` for an any-origin policy; otherwise the request's origin is echoed.
    pub(crate) wildcard_origin: Option<HeaderValue>,
    /// `Origin`, when the answer depends on the request's origin.
    pub(crate) vary: Option<HeaderValue>,
    /// Everything an accepted preflight answer carries but the origin.
    pub(crate) preflight_headers: HeaderMap,
    /// What a refused request's answer carries.
    pub(crate) refusal_headers: HeaderMap,
    /// `Access-Control-Expose-Headers` for actual responses.
    pub(crate) expose_headers: Option<HeaderValue>,
    pub(crate) preflight_status: StatusCode,
    pub(crate) refusal_status: StatusCode,
    pub(crate) precedence: Precedence,
    pub(crate) block_disallowed: bool,
    pub(crate) private_network: bool,
}

pub(crate) const TRUE: HeaderValue = HeaderValue::from_static("true");
const WILDCARD: HeaderValue = HeaderValue::from_static("*");
const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");
const ZERO: HeaderValue = HeaderValue::from_static("0");

impl Policy {
    pub(crate) fn new(spec: Spec) -> Policy {
        let vary = (!spec.origins.is_any()).then_some(VARY_ORIGIN);
        let wildcard_origin = spec.origins.is_any().then_some(WILDCARD);

        let mut refusal_headers = HeaderMap::new();
        empty_body_headers(&mut refusal_headers, spec.refusal_status);
        if let Some(vary) = &vary {
            refusal_headers.insert(header::VARY, vary.clone());
        }

        let mut preflight_headers = refusal_headers.clone();
        empty_body_headers(&mut preflight_headers, spec.preflight_status);
        let optional = [
            (header::ACCESS_CONTROL_ALLOW_METHODS, &spec.allow_methods),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, &spec.allow_headers),
            (header::ACCESS_CONTROL_EXPOSE_HEADERS, &spec.expose_headers),
            (header::ACCESS_CONTROL_MAX_AGE, &spec.max_age),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                preflight_headers.insert(name, value.clone());
            }
        }
        if spec.credentials {
            preflight_headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        // A slot for `Access-Control-Allow-Origin`, final for an any-origin
        // policy and overwritten in place otherwise: the answer then never
        // grows its header map.
        preflight_headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            wildcard_origin.clone().unwrap_or(WILDCARD),
        );

        Policy {
            origins: spec.origins,
            methods: spec.methods,
            headers: spec.headers,
            credentials: spec.credentials,
            wildcard_origin,
            vary,
            preflight_headers,
            refusal_headers,
            expose_headers: spec.expose_headers,
            preflight_status: spec.preflight_status,
            refusal_status: spec.refusal_status,
            precedence: spec.precedence,
            block_disallowed: spec.block_disallowed,
            private_network: spec.private_network,
        }
    }
}

/// `Content-Length: 0` where the status allows a body; a 204 has none.
fn empty_body_headers(headers: &mut HeaderMap, status: StatusCode) {
    if status == StatusCode::NO_CONTENT {
        headers.remove(header::CONTENT_LENGTH);
    } else {
        headers.insert(header::CONTENT_LENGTH, ZERO);
    }
}
