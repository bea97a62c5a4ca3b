//! Cross-origin protection per request
//! ([`cross_origin_protection`](crate::CorsBuilder::cross_origin_protection)):
//! which state-changing requests and WebSocket upgrades the layer refuses
//! before the inner service sees them. The origin question is the CORS
//! policy's, decided by the caller.

use http::header::{self, HeaderValue};
use http::request::Parts;
use http::Method;

use crate::classify::fetch_site;
use crate::compile::protection::Protection;
use crate::refusal::Refusal;

/// Why `protection` refuses the request of `parts`, or `None` when it
/// passes. `origin_allowed`: whether the policy allows the request's
/// `Origin` (`None` without one). Preflights never come here.
pub(crate) fn refusal(
    protection: &Protection,
    parts: &Parts,
    origin_allowed: Option<bool>,
) -> Option<Refusal> {
    let upgrade = is_websocket_upgrade(parts);
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if safe && !upgrade {
        return None;
    }
    let origin = parts.headers.get(header::ORIGIN).filter(|o| !o.is_empty());
    match fetch_site(&parts.headers) {
        // The page's own origin, or the user's action (a bookmark, the
        // address bar).
        Some(site) if site == "same-origin" || site == "none" => return None,
        Some(_) => {}
        // An older browser, or no browser at all.
        None => match origin {
            None => return None,
            Some(origin) if is_same_as_host(origin, parts) => return None,
            Some(_) => {}
        },
    }
    if origin_allowed == Some(true) {
        return None;
    }
    // Browsers always send `Origin` on a WebSocket handshake: one without
    // it comes from no browser. Bypass paths last, as Go checks them:
    // only for what would be refused.
    if (upgrade && origin.is_none()) || protection.bypasses(parts.uri.path()) {
        return None;
    }
    Some(match upgrade {
        true => Refusal::CrossOriginWebSocket,
        false => Refusal::CrossOriginRequest(parts.method.clone()),
    })
}

/// A `GET` that asks to become a WebSocket (`Upgrade: websocket`, the
/// token in any case, among others), which browsers send with cookies and
/// without CORS.
fn is_websocket_upgrade(parts: &Parts) -> bool {
    parts.method == Method::GET
        && parts.headers.get_all(header::UPGRADE).iter().any(|value| {
            value
                .as_bytes()
                .split(|&b| b == b',')
                .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"websocket"))
        })
}

/// Whether `origin` names the request's own host and port (byte for byte,
/// as Go's `CrossOriginProtection` compares them) and, where the request
/// says it, its scheme. The request's host is its URI's authority (HTTP/2,
/// or an absolute URI), else its `Host` header.
fn is_same_as_host(origin: &HeaderValue, parts: &Parts) -> bool {
    let Some((scheme, host)) = origin.to_str().ok().and_then(|o| o.split_once("://")) else {
        return false;
    };
    let request_host = match parts.uri.authority() {
        Some(authority) => Some(authority.as_str()),
        None => parts
            .headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok()),
    };
    let same_scheme = parts.uri.scheme_str().map_or(true, |request_scheme| {
        request_scheme.eq_ignore_ascii_case(scheme)
    });
    request_host == Some(host) && same_scheme
}
