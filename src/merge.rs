//! Merging the layer's CORS headers into the inner service's response.

use bytes::BytesMut;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::policy::{Policy, TRUE};

/// Who decides when both the inner service and the layer have a value for
/// the same CORS response header.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, Precedence};
///
/// // Behave like tower-http's CorsLayer: the layer's headers replace the handler's.
/// let cors = CorsLayer::builder()
///     .allow_any_origin()
///     .precedence(Precedence::LayerWins)
///     .build()?;
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Precedence {
    /// The inner (upstream) service's CORS headers win, as at an API gateway:
    /// a header the handler set reaches the browser unchanged, and the layer
    /// adds only the headers the handler did not set. When the handler set
    /// `Access-Control-Allow-Origin` to another value than the layer would,
    /// the layer adds no `Access-Control-Allow-Credentials`, so it never
    /// grants credentials to an origin the policy did not allow, nor pairs
    /// them with `*`. When the handler set only
    /// `Access-Control-Allow-Credentials: true` and the layer would answer
    /// `*`, the layer adds no `Access-Control-Allow-Origin` at all.
    #[default]
    UpstreamWins,
    /// The layer's CORS decision is the whole answer: every CORS header the
    /// handler set is removed, then the layer's are added (for an origin
    /// that is not allowed, none). This is how tower-http's `CorsLayer`
    /// behaves, for users migrating from it.
    LayerWins,
}

/// The layer's decision for an actual (non-preflight) request.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// Not a CORS request: only `Vary`.
    NoCors,
    /// An origin that is not allowed: only `Vary`.
    Refused,
    /// An allowed origin, with the value of `Access-Control-Allow-Origin`.
    Allowed(HeaderValue),
}

/// The CORS response headers a handler might set.
const CORS_HEADERS: [HeaderName; 6] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
];

/// Adds the layer's headers for `outcome` to the inner service's response
/// headers, following the policy's precedence.
pub(crate) fn apply(policy: &Policy, outcome: &Outcome, headers: &mut HeaderMap) {
    if let Some(vary) = &policy.vary {
        merge_vary(headers, vary);
    }
    match policy.precedence {
        Precedence::UpstreamWins => upstream_wins(policy, outcome, headers),
        Precedence::LayerWins => {
            for name in &CORS_HEADERS {
                headers.remove(name);
            }
            upstream_wins(policy, outcome, headers);
        }
    }
}

fn upstream_wins(policy: &Policy, outcome: &Outcome, headers: &mut HeaderMap) {
    let Outcome::Allowed(allow_origin) = outcome else {
        return;
    };
    // Decided when the policy was built: an any-origin policy answers `*`.
    let wildcard = policy.wildcard_origin.is_some();
    let same_origin = match headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        // The handler grants credentials: `*` would pair with them, and
        // reflecting the origin would grant them to every origin, so the
        // layer adds no `Access-Control-Allow-Origin` and the browser denies
        // the response.
        None if wildcard && grants_credentials(headers) => false,
        None => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
            true
        }
        Some(upstream) => upstream == allow_origin,
    };
    if policy.credentials
        && same_origin
        && !wildcard
        && !headers.contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
    }
    if let Some(expose) = &policy.expose_headers {
        if !headers.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS) {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        }
    }
}

/// Whether the inner service set `Access-Control-Allow-Credentials: true`
/// (compared case-insensitively, so that no spelling of it meets `*`).
fn grants_credentials(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .iter()
        .any(|value| value.as_bytes().trim_ascii().eq_ignore_ascii_case(b"true"))
}

/// Adds `token` to `Vary` unless it is already there (compared
/// case-insensitively) or `Vary` is `*`. Several `Vary` field lines are
/// folded into one.
pub(crate) fn merge_vary(headers: &mut HeaderMap, token: &HeaderValue) {
    let mut lines = 0;
    for line in headers.get_all(header::VARY) {
        lines += 1;
        let present = line
            .as_bytes()
            .split(|&b| b == b',')
            .map(<[u8]>::trim_ascii)
            .any(|t| t == b"*" || t.eq_ignore_ascii_case(token.as_bytes()));
        if present {
            return;
        }
    }
    if lines == 0 {
        headers.insert(header::VARY, token.clone());
        return;
    }
    let mut folded = BytesMut::new();
    for line in headers.get_all(header::VARY) {
        let line = line.as_bytes().trim_ascii();
        if !line.is_empty() {
            folded.extend_from_slice(line);
            folded.extend_from_slice(b", ");
        }
    }
    folded.extend_from_slice(token.as_bytes());
    match HeaderValue::from_maybe_shared(folded.freeze()) {
        Ok(value) => {
            headers.insert(header::VARY, value);
        }
        Err(_) => {
            headers.append(header::VARY, token.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(lines: &[&'static str]) -> Vec<String> {
        let mut headers = HeaderMap::new();
        for l in lines {
            headers.append(header::VARY, HeaderValue::from_static(l));
        }
        merge_vary(&mut headers, &HeaderValue::from_static("Origin"));
        headers
            .get_all(header::VARY)
            .iter()
            .map(|v| v.to_str().unwrap_or("<opaque>").to_owned())
            .collect()
    }

    #[test]
    fn vary_is_merged() {
        assert_eq!(vary_after(&[]), ["Origin"]);
        assert_eq!(
            vary_after(&["accept-encoding"]),
            ["accept-encoding, Origin"]
        );
        assert_eq!(vary_after(&["origin"]), ["origin"]);
        assert_eq!(vary_after(&["Accept, ORIGIN"]), ["Accept, ORIGIN"]);
        assert_eq!(vary_after(&["*"]), ["*"]);
        assert_eq!(vary_after(&["a", "b"]), ["a, b, Origin"]);
        assert_eq!(vary_after(&["a", "origin"]), ["a", "origin"]);
    }
}
