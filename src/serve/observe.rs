//! Watching decisions beside serving them: the enforcing policy's counted
//! (feature `metrics`), and a report-only candidate's computed, counted and
//! compared. Nothing here changes a response.

use http::header;
use http::request::Parts;

use crate::classify::classify;
use crate::compile::table::{Table, SINGLE};
use crate::explain::report::{self, Difference};
use crate::serve::decide::{decide, difference, Change, Decision, Question, Why};

/// The enforcing policy a request was bound to: its table and index, or
/// the single policy of a layer with one.
pub(crate) enum Enforcing<'a> {
    Single,
    InTable(&'a Table, usize),
}

impl<'a> Enforcing<'a> {
    fn name(&self) -> &'a str {
        match *self {
            Enforcing::Single => SINGLE,
            Enforcing::InTable(table, index) => table.name(index),
        }
    }

    #[cfg(feature = "metrics")]
    fn counters(&self) -> Option<&'a crate::explain::metrics::Counters> {
        match *self {
            Enforcing::Single => Some(single_counters()),
            Enforcing::InTable(table, index) => table.counters.get(index),
        }
    }
}

/// The keys of the counters of the policy a layer with one policy calls
/// `default`: made once, for every such layer.
#[cfg(feature = "metrics")]
fn single_counters() -> &'static crate::explain::metrics::Counters {
    static SINGLE_COUNTERS: std::sync::OnceLock<crate::explain::metrics::Counters> =
        std::sync::OnceLock::new();
    SINGLE_COUNTERS.get_or_init(|| crate::explain::metrics::Counters::new(SINGLE))
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
    /// Told the enforcing policy's `decision`, as the request path made
    /// it: counts it (with `metrics`), and decides the request by the
    /// candidate too when there is one, counts that, and records where the
    /// two differ.
    #[inline(never)]
    pub(crate) fn observe(&self, parts: &Parts, decision: Decision<'_>) {
        #[cfg(feature = "metrics")]
        if let Some(counters) = self.enforcing.as_ref().and_then(Enforcing::counters) {
            counters.decision(decision.outcome(), false);
        }
        if let Some(candidate) = self.candidate {
            self.compare(candidate, parts, Some(&decision));
        }
    }

    /// A request bound to no policy: only a candidate decides it.
    #[inline(never)]
    pub(crate) fn observe_unbound(&self, parts: &Parts) {
        if let Some(candidate) = self.candidate {
            self.compare(candidate, parts, None);
        }
    }

    /// The candidate's decision, counted, and compared with the enforcing
    /// policy's `decision` when there is one.
    fn compare(&self, candidate: &Table, parts: &Parts, decision: Option<&Decision<'_>>) {
        let bound = candidate
            .chosen_for(parts)
            .map(|chosen| (chosen.index, candidate.name(chosen.index), chosen.policy));
        let Some((index, candidate_name, candidate_policy)) = bound else {
            // Bound by the enforcing policy only: the candidate would let
            // the inner service answer alone, without CORS headers.
            let decided = !matches!(
                decision,
                None | Some(Decision::NotCors | Decision::Undecided)
            );
            if let (Some(enforcing), true) = (&self.enforcing, decided) {
                self.report(enforcing, "", parts, Change::NotBound, None);
                #[cfg(feature = "metrics")]
                if let Some(counters) = enforcing.counters() {
                    counters.difference("", Change::NotBound.name(), None);
                }
            }
            return;
        };
        let question = Question::of(parts);
        let would = decide(candidate_policy, &question);
        #[cfg(feature = "metrics")]
        if let Some(counters) = candidate.counters.get(index) {
            counters.decision(would.outcome(), true);
        }
        #[cfg(not(feature = "metrics"))]
        let _ = index;
        let (Some(enforcing), Some(decision)) = (&self.enforcing, decision) else {
            return;
        };
        let Some((change, why)) = difference(decision, &would) else {
            return;
        };
        self.report(enforcing, candidate_name, parts, change, Some(why));
        #[cfg(feature = "metrics")]
        if let Some(counters) = enforcing.counters() {
            let reason = Some(why.code_index());
            counters.difference(candidate_name, change.name(), reason);
        }
    }

    /// Reports a difference as a `tracing` event, when anyone listens.
    fn report(
        &self,
        enforcing: &Enforcing<'_>,
        candidate_name: &str,
        parts: &Parts,
        change: Change,
        why: Option<&Why<'_>>,
    ) {
        if report::traces_differences() {
            report::difference(&Difference {
                policy: enforcing.name(),
                candidate_policy: candidate_name,
                kind: classify(&parts.method, &parts.headers),
                difference: change.name(),
                refusal: why.map(Why::refusal),
                origin: parts.headers.get(header::ORIGIN),
            });
        }
    }
}
