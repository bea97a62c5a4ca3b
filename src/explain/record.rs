//! Telling of the layer's decision on one request, in one place for every
//! message it touches: the layer's own answers, the inner service's
//! responses and the request the inner service gets.

use http::{Extensions, HeaderMap, Response};

use crate::compile::policy::Policy;
use crate::explain::debug;
use crate::refusal::Refusal;
use crate::serve::classify::RequestKind;

/// Tells of the decision on a message: in debug mode (`debug`), names the
/// refusal `why` in the `x-cors-refusal` header (when `headers` are given:
/// a response's); with
/// [`record_decisions`](crate::CorsBuilder::record_decisions), puts the
/// request's `kind` and the refusal into `extensions`.
pub(crate) fn record(
    policy: &Policy,
    debug: bool,
    kind: Option<RequestKind>,
    why: Option<Refusal>,
    headers: Option<&mut HeaderMap>,
    extensions: &mut Extensions,
) {
    if let (true, Some(why), Some(headers)) = (debug, &why, headers) {
        if let Some(value) = debug::refusal_value(why) {
            headers.insert(debug::REFUSAL_HEADER, value);
        }
    }
    if policy.record_decisions {
        if let Some(kind) = kind {
            extensions.insert(kind);
        }
        if let Some(why) = why {
            extensions.insert(why);
        }
    }
}

/// [`record`] on a response: the layer's own answer or the inner
/// service's. Does nothing when there is nothing to tell.
#[inline]
pub(crate) fn record_on<B>(
    res: &mut Response<B>,
    policy: &Policy,
    debug: bool,
    kind: Option<RequestKind>,
    why: Option<&Refusal>,
) {
    if policy.record_decisions || (debug && why.is_some()) {
        record_in(res, policy, debug, kind, why);
    }
}

/// The work of [`record_on`], out of line: most responses have nothing to
/// tell.
#[inline(never)]
fn record_in<B>(
    res: &mut Response<B>,
    policy: &Policy,
    debug: bool,
    kind: Option<RequestKind>,
    why: Option<&Refusal>,
) {
    // The headers and the extensions, both borrowed at once.
    let mut extensions = std::mem::take(res.extensions_mut());
    let headers = Some(res.headers_mut());
    record(policy, debug, kind, why.cloned(), headers, &mut extensions);
    *res.extensions_mut() = extensions;
}
