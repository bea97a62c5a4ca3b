//! Merging the layer's CORS headers into the inner service's response.

use bytes::BytesMut;
use http::header::{self, Entry, HeaderMap, HeaderName, HeaderValue};

use crate::compile::headers::{ALLOW_PRIVATE_NETWORK, TRUE};
use crate::compile::policy::{Access, Policy};
use crate::settings::Precedence;

/// The CORS response headers a handler might set.
const CORS_HEADERS: [HeaderName; 7] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    ALLOW_PRIVATE_NETWORK,
];

/// Merges the layer's headers for `access` into the inner service's
/// response headers, following the policy's precedence.
pub(crate) fn merge(policy: &Policy, access: &Access, headers: &mut HeaderMap) {
    if !headers.keys().any(is_cors_or_vary) {
        add_to_untouched(policy, access, headers);
        return;
    }
    if policy.config.precedence == Precedence::LayerWins {
        for name in &CORS_HEADERS {
            headers.remove(name);
        }
    }
    if let Access::Granted(allow_origin) = access {
        if claims_allow_origin(policy, allow_origin, headers) {
            add_missing(policy, headers);
        }
    }
    if varies_by_origin(policy, headers) {
        merge_vary(headers, &policy.vary.tokens, &policy.vary.value);
    }
}

/// The usual case, where the handler set no CORS header and no `Vary`: the
/// layer's headers go in as they are, with no lookup first. The result is
/// the one the general path gives.
fn add_to_untouched(policy: &Policy, access: &Access, headers: &mut HeaderMap) {
    if let Access::Granted(allow_origin) = access {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
        if policy.config.allow_credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        if let Some(exposed) = &policy.exposed {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, exposed.clone());
        }
    }
    // The layer's own `Access-Control-Allow-Origin` is `*` exactly under an
    // any-origin policy.
    if !policy.same_for_every_origin() {
        headers.insert(header::VARY, policy.vary.value.clone());
    }
}

fn is_cors_or_vary(name: &HeaderName) -> bool {
    name == header::VARY || name.as_str().starts_with("access-control-")
}

/// Whether the response depends on the request's origin, so that a shared
/// cache must key it by `Origin`: under every policy but an any-origin one,
/// and under an any-origin policy when the handler answered with an origin
/// of its own instead of `*`.
fn varies_by_origin(policy: &Policy, headers: &HeaderMap) -> bool {
    !policy.same_for_every_origin()
        || headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_some_and(|value| value != "*")
}

/// Whether the response's `Access-Control-Allow-Origin` is the layer's
/// `allow_origin`, adding it when the response has none: only then does
/// the layer add its other CORS headers, never next to a value the handler
/// chose.
fn claims_allow_origin(
    policy: &Policy,
    allow_origin: &HeaderValue,
    headers: &mut HeaderMap,
) -> bool {
    // The handler grants credentials and the layer would answer `*`, which
    // browsers refuse with credentials; echoing the origin instead would
    // grant them to every site. So the layer adds nothing.
    if policy.same_for_every_origin() && grants_credentials(headers) {
        return false;
    }
    match headers.entry(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        // Several values are no single origin the layer chose.
        Entry::Occupied(upstream) => upstream.iter().count() == 1 && upstream.get() == allow_origin,
        Entry::Vacant(slot) => {
            slot.insert(allow_origin.clone());
            true
        }
    }
}

/// Merges the headers of the layer's answer to a preflight (`answer`) into
/// the inner service's response to it, when the policy passes preflights
/// through: the precedence of the policy decides between the two sets of
/// CORS headers, as for an actual response, and the preflight's `Vary` is
/// merged. Nothing else of the answer is copied (its `Content-Length` is
/// the empty body's).
pub(crate) fn merge_preflight(policy: &Policy, answer: &HeaderMap, headers: &mut HeaderMap) {
    if policy.config.precedence == Precedence::LayerWins {
        for name in &CORS_HEADERS {
            headers.remove(name);
        }
    }
    let granted = answer.get(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    if granted.is_some_and(|allow_origin| claims_allow_origin(policy, allow_origin, headers)) {
        let cors = answer
            .iter()
            .filter(|(name, _)| name.as_str().starts_with("access-control-"));
        for (name, value) in cors {
            insert_if_missing(headers, name.clone(), value);
        }
    }
    if let Some(vary) = answer.get(header::VARY) {
        merge_vary(headers, &policy.answers.preflight_vary, vary);
    }
}

/// Adds the layer's credentials and exposed headers that the response
/// lacks, next to the layer's own `Access-Control-Allow-Origin`.
fn add_missing(policy: &Policy, headers: &mut HeaderMap) {
    if policy.config.allow_credentials {
        insert_if_missing(headers, header::ACCESS_CONTROL_ALLOW_CREDENTIALS, &TRUE);
    }
    if let Some(exposed) = &policy.exposed {
        insert_if_missing(headers, header::ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
    }
}

/// Inserts `value` unless the response has the header already: one lookup.
fn insert_if_missing(headers: &mut HeaderMap, name: HeaderName, value: &HeaderValue) {
    if let Entry::Vacant(slot) = headers.entry(name) {
        slot.insert(value.clone());
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

/// Adds each of `tokens` to `Vary` unless it is already there (compared
/// case-insensitively) or `Vary` is `*`; `all` is the tokens as one value,
/// for a response without `Vary`. Several `Vary` field lines are folded
/// into one.
pub(crate) fn merge_vary(headers: &mut HeaderMap, tokens: &[HeaderValue], all: &HeaderValue) {
    let mut vary = match headers.entry(header::VARY) {
        Entry::Vacant(slot) => {
            slot.insert(all.clone());
            return;
        }
        Entry::Occupied(vary) => vary,
    };
    // One pass over the response's tokens: whether one is `*`, and which of
    // `tokens` are there (a bit each for the first 64; any after them are
    // looked for one by one).
    let mut present = 0u64;
    for line in vary.iter() {
        for element in line.as_bytes().split(|&b| b == b',') {
            let element = element.trim_ascii();
            if element == b"*" {
                return;
            }
            for (bit, token) in tokens.iter().take(64).enumerate() {
                if element.eq_ignore_ascii_case(token.as_bytes()) {
                    present |= 1 << bit;
                }
            }
        }
    }
    let has = |token: &[u8]| {
        vary.iter().any(|line| {
            line.as_bytes()
                .split(|&b| b == b',')
                .map(<[u8]>::trim_ascii)
                .any(|t| t.eq_ignore_ascii_case(token))
        })
    };
    let missing = |(bit, token): &(usize, &HeaderValue)| match bit {
        0..=63 => present & (1 << bit) == 0,
        _ => !has(token.as_bytes()),
    };
    if !tokens.iter().enumerate().any(|token| missing(&token)) {
        return;
    }
    // The response's lines, then the tokens it lacks, joined by `, `.
    let pieces = || {
        let lines = vary.iter().map(|line| line.as_bytes().trim_ascii());
        let added = tokens.iter().enumerate().filter(missing);
        let added = added.map(|(_, token)| token.as_bytes());
        lines.filter(|line| !line.is_empty()).chain(added)
    };
    // Sized exactly: one allocation, and bytes that become a `Bytes`
    // without another (a buffer with room to spare would need a shared
    // header allocated for it).
    let len = pieces().map(|piece| piece.len() + 2).sum::<usize>();
    let mut folded = BytesMut::with_capacity(len.saturating_sub(2));
    for (i, piece) in pieces().enumerate() {
        if i > 0 {
            folded.extend_from_slice(b", ");
        }
        folded.extend_from_slice(piece);
    }
    // Header values joined by `, ` are a header value.
    if let Ok(value) = HeaderValue::from_maybe_shared(folded.freeze()) {
        vary.insert(value);
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
        let origin = HeaderValue::from_static("Origin");
        merge_vary(&mut headers, std::slice::from_ref(&origin), &origin);
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

    /// Past the 64 tokens that one pass marks, tokens are looked for one by
    /// one: found or not, each is there once.
    // checklist: A6
    #[test]
    fn many_tokens_are_merged_each_once() {
        let tokens: Vec<HeaderValue> = (0..70)
            .map(|i| HeaderValue::from_str(&format!("x-{i}")).unwrap())
            .collect();
        let all = HeaderValue::from_static("unused");
        for present in ["x-3", "x-66", "X-69, x-0"] {
            let mut headers = HeaderMap::new();
            headers.insert(header::VARY, HeaderValue::from_static(present));
            merge_vary(&mut headers, &tokens, &all);
            let vary = headers.get(header::VARY).unwrap().to_str().unwrap();
            let merged: Vec<&str> = vary.split(", ").collect();
            assert_eq!(merged.len(), 70, "{present}: {vary}");
            for token in &tokens {
                let token = token.to_str().unwrap();
                let count = merged
                    .iter()
                    .filter(|t| t.eq_ignore_ascii_case(token))
                    .count();
                assert_eq!(count, 1, "{present}: {token} in {vary}");
            }
        }
    }

    #[test]
    fn several_tokens_are_merged_each_once() {
        let tokens = [
            HeaderValue::from_static("Origin"),
            HeaderValue::from_static("X-Tenant"),
        ];
        let all = HeaderValue::from_static("Origin, X-Tenant");
        let after = |lines: &[&'static str]| {
            let mut headers = HeaderMap::new();
            for l in lines {
                headers.append(header::VARY, HeaderValue::from_static(l));
            }
            merge_vary(&mut headers, &tokens, &all);
            let values = headers.get_all(header::VARY).iter();
            values
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(after(&[]), ["Origin, X-Tenant"]);
        assert_eq!(after(&["x-tenant"]), ["x-tenant, Origin"]);
        assert_eq!(after(&["origin"]), ["origin, X-Tenant"]);
        assert_eq!(after(&["a", "b"]), ["a, b, Origin, X-Tenant"]);
        assert_eq!(after(&["ORIGIN", "x-TENANT"]), ["ORIGIN", "x-TENANT"]);
        assert_eq!(after(&["a, *"]), ["a, *"]);
        assert_eq!(after(&["", "a"]), ["a, Origin, X-Tenant"]);
    }
}
