//! Watching decisions beside serving them: the enforcing policy's counted
//! (feature `metrics`), and a report-only candidate's computed, counted and
//! compared. Nothing here changes a response.

use http::header;
use http::request::Parts;

use crate::classify::classify;
use crate::compile::policy::Policy;
use crate::compile::table::Table;
use crate::explain::report::{self, Difference};
use crate::serve::decide::{decide, difference, Question};

/// The enforcing policy a request was bound to: its table and index, or
/// the single policy of a layer with one.
pub(crate) enum Enforcing<'a> {
    Single(&'a Policy),
    InTable(&'a Table, usize),
}

impl<'a> Enforcing<'a> {
    fn policy(&self) -> Option<(&'a str, &'a Policy)> {
        match *self {
            Enforcing::Single(policy) => Some((crate::compile::table::SINGLE, policy)),
            Enforcing::InTable(table, index) => table
                .policies
                .get(index)
                .map(|(name, policy)| (name.as_str(), &**policy)),
        }
    }

    #[cfg(feature = "metrics")]
    fn counters(&self) -> Option<&'a crate::explain::metrics::Counters> {
        match *self {
            Enforcing::Single(_) => Some(crate::explain::metrics::Counters::single()),
            Enforcing::InTable(table, index) => table.counters.get(index),
        }
    }
}

/// What to watch on a request: the enforcing policy's decision (counted
/// with `metrics`), and a candidate's.
pub(crate) struct Watch<'a> {
    /// The policy the request is bound to; `None` for a request bound to
    /// no policy, which the inner service answers alone: a candidate's
    /// decision on it is counted, and compared with nothing.
    pub(crate) enforcing: Option<Enforcing<'a>>,
    pub(crate) candidate: Option<&'a Table>,
}

impl Watch<'_> {
    /// Counts the enforcing policy's decision (with `metrics`), and decides
    /// the request by the candidate too when there is one: counts its
    /// decision, and records where the two differ. `origin_allowed` is the
    /// enforcing policy's decision of the request's `Origin`, as the request
    /// path made it (`None`: no `Origin`, or only the asynchronous predicate
    /// can tell).
    #[inline(never)]
    pub(crate) fn observe(&self, parts: &Parts, origin_allowed: Option<bool>) {
        let question = Question::of(parts);
        let decided = self.enforcing.as_ref().and_then(|enforcing| {
            let (name, policy) = enforcing.policy()?;
            let decision = decide(policy, &question, |_| origin_allowed);
            #[cfg(feature = "metrics")]
            if let Some(counters) = enforcing.counters() {
                counters.decision(decision.outcome(), false);
            }
            Some((name, decision))
        });
        let Some(candidate) = self.candidate else {
            return;
        };
        let Some(index) = candidate.index_for(parts) else {
            return;
        };
        let Some((candidate_name, candidate_policy)) = candidate.policies.get(index) else {
            return;
        };
        let would = decide(candidate_policy, &question, |origin| {
            candidate_policy.origins.decide_now(origin, parts)
        });
        #[cfg(feature = "metrics")]
        if let Some(counters) = candidate.counters.get(index) {
            counters.decision(would.outcome(), true);
        }
        let Some((name, decision)) = decided else {
            return;
        };
        let Some((would_refuse, why)) = difference(&decision, &would) else {
            return;
        };
        if report::traces_differences() {
            report::difference(&Difference {
                policy: name,
                candidate_policy: candidate_name,
                kind: classify(&parts.method, &parts.headers),
                would_refuse,
                refusal: why.refusal(),
                origin: parts.headers.get(header::ORIGIN),
            });
        }
        #[cfg(feature = "metrics")]
        {
            let enforcing = self.enforcing.as_ref().and_then(Enforcing::counters);
            if let (Some(enforcing), Some(candidate)) = (enforcing, candidate.counters.get(index)) {
                enforcing.difference(candidate, would_refuse, why.code_index());
            }
        }
    }
}
