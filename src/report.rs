//! What the layer tells about its decisions with the `tracing` feature, on
//! target `tower_cors`: an `INFO` event when a policy is built, summarising
//! it; a `DEBUG` event for every refusal, with its reason as fields; a
//! `TRACE` event for every allowed CORS request. Without the feature every
//! function here is empty.

use http::HeaderValue;

use crate::policy::Policy;
use crate::refusal::Refusal;

/// A built policy, in words, for the `INFO` event.
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) struct Summary {
    pub(crate) origins: String,
    pub(crate) methods: String,
    pub(crate) headers: String,
    pub(crate) exposed: String,
    pub(crate) credentials: bool,
    pub(crate) max_age: String,
    pub(crate) private_network: bool,
    pub(crate) precedence: String,
    pub(crate) block_disallowed: bool,
}

/// Which request of the protocol a decision is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stage {
    Preflight,
    Actual,
}

impl Stage {
    #[cfg(feature = "tracing")]
    fn name(self) -> &'static str {
        match self {
            Stage::Preflight => "preflight",
            Stage::Actual => "actual",
        }
    }
}

/// Whether anyone listens to the `DEBUG` events of refusals.
pub(crate) fn traces_refusals() -> bool {
    #[cfg(feature = "tracing")]
    {
        tracing::enabled!(target: "tower_cors", tracing::Level::DEBUG)
    }
    #[cfg(not(feature = "tracing"))]
    {
        false
    }
}

/// Whether anyone listens to the `INFO` event of a built policy, so that
/// its summary is worth writing.
pub(crate) fn wants_summary() -> bool {
    #[cfg(feature = "tracing")]
    {
        tracing::enabled!(target: "tower_cors", tracing::Level::INFO)
    }
    #[cfg(not(feature = "tracing"))]
    {
        false
    }
}

/// Reports a policy that was built.
#[cfg(feature = "tracing")]
pub(crate) fn built(summary: &Summary) {
    tracing::info!(
        target: "tower_cors",
        origins = %summary.origins,
        methods = %summary.methods,
        headers = %summary.headers,
        exposed = %summary.exposed,
        credentials = summary.credentials,
        max_age = %summary.max_age,
        private_network = summary.private_network,
        precedence = %summary.precedence,
        block_disallowed = summary.block_disallowed,
        "CORS policy built"
    );
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn built(_summary: &Summary) {}

/// The reason why the policy refused `origin`, reported, when someone will
/// see it (recorded, traced, blocked or named in debug mode); `None`
/// otherwise, since finding it parses the origin.
pub(crate) fn origin_refused(
    policy: &Policy,
    stage: Stage,
    origin: &HeaderValue,
) -> Option<Refusal> {
    policy
        .reports_refusals()
        .then(|| origin_refusal(policy, stage, origin))
}

/// Why `origin` is refused, reported; for callers that know the refusal
/// is seen.
pub(crate) fn origin_refusal(policy: &Policy, stage: Stage, origin: &HeaderValue) -> Refusal {
    let why = policy.origins.refusal(origin);
    refused(stage, &why, origin);
    why
}

/// Reports a refused request from `origin`.
#[cfg(feature = "tracing")]
pub(crate) fn refused(stage: Stage, refusal: &Refusal, origin: &HeaderValue) {
    tracing::debug!(
        target: "tower_cors",
        request = stage.name(),
        reason = %refusal,
        rule = refusal.rule(),
        origin = %crate::refusal::Bounded(origin.as_bytes()),
        "CORS request refused"
    );
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn refused(_stage: Stage, _refusal: &Refusal, _origin: &HeaderValue) {}

/// Reports an allowed CORS request from `origin`; nothing unless `TRACE`
/// is enabled for the target.
#[cfg(feature = "tracing")]
pub(crate) fn allowed(stage: Stage, origin: &HeaderValue) {
    tracing::trace!(
        target: "tower_cors",
        request = stage.name(),
        origin = %crate::refusal::Bounded(origin.as_bytes()),
        "CORS request allowed"
    );
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn allowed(_stage: Stage, _origin: &HeaderValue) {}
