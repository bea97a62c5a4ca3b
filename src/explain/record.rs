//! Telling of the layer's decision on one request, in one place for every
//! message it touches: the layer's own answers, the inner service's
//! responses and the request the inner service gets.

use http::{Extensions, Response};

use crate::classify::RequestKind;
use crate::compile::policy::Policy;
use crate::explain::debug;
use crate::refusal::Refusal;

/// With [`record_decisions`](crate::CorsBuilder::record_decisions), puts
/// the request's `kind` and the refusal `why` into `extensions`: a
/// request's, or a response's.
pub(crate) fn record(
    policy: &Policy,
    kind: Option<RequestKind>,
    why: Option<Refusal>,
    extensions: &mut Extensions,
) {
    if policy.config.record_decisions {
        if let Some(kind) = kind {
            extensions.insert(kind);
        }
        if let Some(why) = why {
            extensions.insert(why);
        }
    }
}

/// Tells of the decision on a response (the layer's own answer or the
/// inner service's): in debug mode (`debug`), names the refusal `why` in
/// the `x-cors-refusal` header; and [`record`]s it, taking it.
#[inline]
pub(crate) fn record_on<B>(
    res: &mut Response<B>,
    policy: &Policy,
    debug: bool,
    kind: Option<RequestKind>,
    why: &mut Option<Refusal>,
) {
    if policy.config.record_decisions || (debug && why.is_some()) {
        record_in(res, policy, debug, kind, why.take());
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
    why: Option<Refusal>,
) {
    if let (true, Some(why)) = (debug, &why) {
        if let Some(value) = debug::refusal_value(why) {
            res.headers_mut().insert(debug::REFUSAL_HEADER, value);
        }
    }
    record(policy, kind, why, res.extensions_mut());
}
