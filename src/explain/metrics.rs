//! Counting decisions through the `metrics` facade (feature `metrics`).
//!
//! Two counters, whose label values come from bounded sets (a policy's
//! name is one the configuration gave; never a request's bytes):
//!
//! - `tower_cors_decisions_total`, labels `policy`, `outcome`
//!   (`not_cors`, `allowed`, `refused`, `undecided`), `reason` (a
//!   [`Refusal::code`](crate::Refusal::code), or empty) and `candidate`
//!   (`true` for a report-only candidate's decision);
//! - `tower_cors_candidate_differences_total`, labels `policy`,
//!   `candidate_policy`, `difference` (`would_refuse`, `would_allow`,
//!   `would_block`, `would_unblock`, `not_bound`) and `reason` (the
//!   candidate's refusal, or the enforcing policy's).
//!
//! The keys of the first are made once per policy, when it is compiled;
//! counting one is the recorder's lookup, and no allocation. The key of a
//! difference is made when it is counted. Without the feature nothing here
//! is compiled in and nothing is counted.

use metrics::{Key, Label, Level, Metadata};

use crate::refusal::CODES;

/// The name of the counter of decisions.
pub(crate) const DECISIONS: &str = "tower_cors_decisions_total";
/// The name of the counter of differences between the enforcing policy
/// and a candidate.
pub(crate) const DIFFERENCES: &str = "tower_cors_candidate_differences_total";

/// An outcome the counters tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    NotCors,
    Allowed,
    Undecided,
    /// Refused, for the reason at this index of [`CODES`].
    Refused(usize),
}

/// How many outcomes there are: three, and one per refusal reason.
const OUTCOMES: usize = 3 + CODES.len();

impl Outcome {
    fn slot(self) -> usize {
        match self {
            Outcome::NotCors => 0,
            Outcome::Allowed => 1,
            Outcome::Undecided => 2,
            Outcome::Refused(reason) => 3 + reason,
        }
    }

    /// The values of the `outcome` and `reason` labels.
    fn labels(slot: usize) -> (&'static str, &'static str) {
        match slot {
            0 => ("not_cors", ""),
            1 => ("allowed", ""),
            2 => ("undecided", ""),
            reason => (
                "refused",
                CODES.get(reason - 3).copied().unwrap_or_default(),
            ),
        }
    }
}

const METADATA: Metadata<'static> = Metadata::new("tower_cors", Level::INFO, Some(module_path!()));

/// The keys of one policy's counter of decisions: one per outcome, the
/// enforcing policy's and a candidate's.
#[derive(Debug, Clone)]
pub(crate) struct Counters {
    name: String,
    keys: Vec<Key>,
}

impl Counters {
    /// The keys of the policy called `name`.
    pub(crate) fn new(name: &str) -> Counters {
        let mut keys = Vec::with_capacity(2 * OUTCOMES);
        for candidate in ["false", "true"] {
            for slot in 0..OUTCOMES {
                let (outcome, reason) = Outcome::labels(slot);
                let labels = vec![
                    Label::new("policy", name.to_owned()),
                    Label::from_static_parts("outcome", outcome),
                    Label::from_static_parts("reason", reason),
                    Label::from_static_parts("candidate", candidate),
                ];
                keys.push(Key::from_parts(DECISIONS, labels));
            }
        }
        Counters {
            name: name.to_owned(),
            keys,
        }
    }

    /// Counts a decision of this policy.
    pub(crate) fn decision(&self, outcome: Outcome, candidate: bool) {
        let index = outcome.slot() + usize::from(candidate) * OUTCOMES;
        if let Some(key) = self.keys.get(index) {
            metrics::with_recorder(|recorder| {
                recorder.register_counter(key, &METADATA).increment(1);
            });
        }
    }

    /// Counts a difference between this (enforcing) policy and the
    /// candidate's policy called `candidate` (empty: none bound), named
    /// `difference`, for the reason at index `reason` of [`CODES`]. Its key
    /// is made when counted: a difference is what a rollout looks for, and
    /// rare once the candidate is right.
    pub(crate) fn difference(
        &self,
        candidate: &str,
        difference: &'static str,
        reason: Option<usize>,
    ) {
        let reason = reason.map_or("", |reason| {
            Outcome::labels(Outcome::Refused(reason).slot()).1
        });
        metrics::counter!(
            DIFFERENCES,
            "policy" => self.name.clone(),
            "candidate_policy" => candidate.to_owned(),
            "difference" => difference,
            "reason" => reason,
        )
        .increment(1);
    }
}
