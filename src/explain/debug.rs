//! Debug mode: a development aid that makes the browser show why the layer
//! refused a request. It is switched at runtime on the layer
//! ([`CorsLayer::set_debug_mode`](crate::CorsLayer::set_debug_mode)); this
//! module writes what it adds to a refusal.

use http::{HeaderName, HeaderValue};

use crate::refusal::Refusal;

/// The response header in which debug mode names a refusal.
pub(crate) const REFUSAL_HEADER: HeaderName = HeaderName::from_static("x-cors-refusal");

/// The value of `x-cors-refusal` for `refusal`: its reason and the setting
/// that decided. Every byte of it is visible ASCII (request bytes are
/// escaped by the reason's display).
pub(crate) fn refusal_value(refusal: &Refusal) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("{refusal} ({})", refusal.rule())).ok()
}
