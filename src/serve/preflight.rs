//! Preflights: once the origin is decided, check the requested method,
//! headers and private network access, and answer without calling the
//! inner service.

use http::header::{self, HeaderValue};
use http::request::Parts;
use http::Response;

use crate::compile::headers::REQUEST_PRIVATE_NETWORK;
use crate::compile::policy::{Access, Policy};
use crate::explain::report::{self, Stage};
use crate::refusal::Refusal;
use crate::serve::answer::{self, Grant};
use crate::serve::decide::{Decision, Why};
use crate::serve::observe::Watch;

/// Answers the preflight from `origin` whose head is `parts`, asking for
/// `method` (its `Access-Control-Request-Method`, as read when the request
/// was classified), given what its origin was granted (`debug`: whether
/// debug mode is on).
pub(crate) fn answer(
    policy: &Policy,
    debug: bool,
    watch: Option<&Watch<'_>>,
    parts: &Parts,
    method: Option<&HeaderValue>,
    origin: &HeaderValue,
    access: Access,
) -> Response<()> {
    let tell = |decision| {
        if let Some(watch) = watch {
            watch.observe(parts, decision);
        }
    };
    let Access::Granted(allow_origin) = access else {
        tell(Decision::Refused(Why::Origin(&policy.origins, origin)));
        let why = report::origin_refused(policy, debug, Stage::Preflight, origin);
        return answer::refused_preflight(policy, debug, why);
    };
    match check(policy, debug, parts, method, allow_origin) {
        Ok((grant, unanswered)) => {
            if watch.is_some() {
                // A private network question left unanswered fails in the
                // browser: refused, whether or not the refusal is seen.
                let refused = !policy.config.allow_private_network && asks_private_network(parts);
                tell(match refused {
                    true => Decision::Refused(Why::Refusal(Refusal::PrivateNetworkNotAllowed)),
                    false => Decision::Allowed,
                });
            }
            match &unanswered {
                Some(why) => report::refused(Stage::Preflight, why, origin),
                None => report::allowed(Stage::Preflight, origin),
            }
            answer::accepted(policy, debug, grant, unanswered)
        }
        Err((why, allow_origin)) => {
            tell(Decision::Refused(Why::Ref(&why)));
            report::refused(Stage::Preflight, &why, origin);
            // Only a refused method or header can be shown to the browser
            // with the policy's own lists: every other refusal (a request
            // no browser sends) keeps its refused answer.
            let shows_lists = matches!(
                why,
                Refusal::MethodNotAllowed(_) | Refusal::HeaderNotAllowed(_)
            );
            // Never when the handler answers: the lists would come with
            // `Access-Control-Allow-Origin`, and the handler's own lists
            // would then grant what the policy refused.
            if shows_lists && debug && !policy.config.preflight_passthrough {
                return answer::debug_refused_preflight(policy, allow_origin, why);
            }
            answer::refused_preflight(policy, debug, Some(why))
        }
    }
}

/// The Fetch Standard's CORS-preflight checks that follow the origin's, in
/// its order: the method, then the headers. Private network access is
/// granted only when the policy opted in; without the opt-in the question
/// is left unanswered (not refused), and that is returned beside the grant.
fn check(
    policy: &Policy,
    debug: bool,
    parts: &Parts,
    method: Option<&HeaderValue>,
    allow_origin: HeaderValue,
) -> Result<(Grant, Option<Refusal>), (Refusal, HeaderValue)> {
    let headers = &parts.headers;
    let methods = match policy.methods.check(method) {
        Ok(methods) => methods,
        Err(why) => return Err((why, allow_origin)),
    };
    let requested_headers = match policy
        .headers
        .check(headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS))
    {
        Ok(requested) => requested,
        Err(why) => return Err((why, allow_origin)),
    };
    // The question is read only when it is answered, or when leaving it
    // unanswered is reported.
    let asks_private_network = || asks_private_network(parts);
    let private_network = policy.config.allow_private_network && asks_private_network();
    let unanswered = (!policy.config.allow_private_network
        && report::refusals_seen(policy, debug)
        && asks_private_network())
    .then_some(Refusal::PrivateNetworkNotAllowed);
    let grant = Grant {
        allow_origin,
        methods,
        headers: requested_headers,
        private_network,
    };
    Ok((grant, unanswered))
}

/// Whether a preflight asks for private network access.
fn asks_private_network(parts: &Parts) -> bool {
    parts
        .headers
        .get(REQUEST_PRIVATE_NETWORK)
        .is_some_and(|v| v == "true")
}
