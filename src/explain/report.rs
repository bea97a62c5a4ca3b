//! What the layer tells about its decisions with the `tracing` feature, on
//! target `tower_cors`: an `INFO` event when a policy is built, summarising
//! it; a `DEBUG` event for every refusal, with its reason as fields; a
//! `TRACE` event for every allowed CORS request. Without the feature every
//! function here is empty.

use http::HeaderValue;

use crate::classify::RequestKind;
use crate::compile::policy::Policy;
use crate::refusal::Refusal;
use crate::settings::CorsConfig;

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

/// Whether anyone listens to the `INFO` events of a candidate policy's
/// differences.
pub(crate) fn traces_differences() -> bool {
    #[cfg(feature = "tracing")]
    {
        tracing::enabled!(target: "tower_cors", tracing::Level::INFO)
    }
    #[cfg(not(feature = "tracing"))]
    {
        false
    }
}

/// Reports a policy that was built, summarising its settings, when anyone
/// listens to the `INFO` event.
#[cfg(feature = "tracing")]
pub(crate) fn built(config: &CorsConfig) {
    if !tracing::enabled!(target: "tower_cors", tracing::Level::INFO) {
        return;
    }
    let or = |list: &[String], none: &str| {
        if list.is_empty() {
            none.to_owned()
        } else {
            list.join(", ")
        }
    };
    let mut origins = or(&config.allow_origins, "none listed");
    if config.origin_predicate {
        origins.push_str(" + predicate");
    }
    if config.async_origin_predicate {
        origins.push_str(" + async predicate");
    }
    let max_age = config.max_age.map_or_else(
        || "not sent (browsers cache a preflight for 5 s)".to_owned(),
        |age| format!("{age} s"),
    );
    tracing::info!(
        target: "tower_cors",
        origins = %origins,
        methods = %or(&config.allow_methods, "GET, HEAD, POST (the safelisted ones)"),
        headers = %or(&config.allow_headers, "the safelisted ones"),
        exposed = %or(&config.expose_headers, "none"),
        credentials = config.allow_credentials,
        max_age = %max_age,
        private_network = config.allow_private_network,
        precedence = ?config.precedence,
        block_disallowed = config.block_disallowed_origins,
        cross_origin_protection = config.cross_origin_protection,
        "CORS policy built"
    );
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn built(_config: &CorsConfig) {}

/// Whether a refusal under `policy` is seen beyond the response's CORS
/// headers: blocked, recorded, traced, or named in debug mode (`debug`:
/// whether it is on). Finding a refusal's reason costs work (an origin is
/// parsed), done only then.
pub(crate) fn refusals_seen(policy: &Policy, debug: bool) -> bool {
    policy.config.block_disallowed_origins
        || policy.config.record_decisions
        || debug
        || traces_refusals()
}

/// The reason why the policy refused `origin`, reported, when someone will
/// see it (recorded, traced, blocked or named in debug mode); `None`
/// otherwise, since finding it parses the origin.
pub(crate) fn origin_refused(
    policy: &Policy,
    debug: bool,
    stage: Stage,
    origin: &HeaderValue,
) -> Option<Refusal> {
    refusals_seen(policy, debug).then(|| origin_refusal(policy, stage, origin))
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

/// A request on which a report-only candidate policy decides otherwise
/// than the enforcing one (only read with the `tracing` feature).
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) struct Difference<'a> {
    /// The enforcing policy's name.
    pub(crate) policy: &'a str,
    /// The candidate's policy's name (empty: the candidate binds none).
    pub(crate) candidate_policy: &'a str,
    pub(crate) kind: RequestKind,
    /// `would_refuse`, `would_allow`, `would_block`, `would_unblock` or
    /// `not_bound`.
    pub(crate) difference: &'static str,
    /// The candidate's refusal, or the enforcing policy's when the
    /// candidate would let the request through; none when the candidate
    /// binds no policy.
    pub(crate) refusal: Option<Refusal>,
    pub(crate) origin: Option<&'a HeaderValue>,
}

/// Reports a difference between a candidate policy and the enforcing one,
/// an `INFO` event with bounded fields.
#[cfg(feature = "tracing")]
pub(crate) fn difference(difference: &Difference<'_>) {
    let origin = difference
        .origin
        .map_or(&b"(none)"[..], HeaderValue::as_bytes);
    let (reason, rule): (&dyn std::fmt::Display, &str) = match &difference.refusal {
        Some(refusal) => (refusal, refusal.rule()),
        None => (&"no candidate policy bound", "routes"),
    };
    tracing::info!(
        target: "tower_cors",
        policy = difference.policy,
        candidate_policy = difference.candidate_policy,
        request = ?difference.kind,
        difference = difference.difference,
        reason = %reason,
        rule = rule,
        origin = %crate::refusal::Bounded(origin),
        "candidate policy decides otherwise"
    );
}

#[cfg(not(feature = "tracing"))]
pub(crate) fn difference(_difference: &Difference<'_>) {}
