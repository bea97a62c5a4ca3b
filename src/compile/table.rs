//! The compiled routing table: named policies, bindings in the order they
//! were bound, and the fallback. Read per request by a layer with policies
//! per route, or a reloadable one.

use std::fmt;
use std::sync::Arc;

use http::request::Parts;

use crate::compile::path::PathMatcher;
use crate::compile::policy::Policy;
#[cfg(feature = "metrics")]
use crate::explain::metrics::Counters;

/// A function binding: given the request's head and the lookup from a
/// policy's name to its index, the index of the request's policy, or `None`.
pub(crate) type BindFn =
    Arc<dyn Fn(&Parts, &dyn Fn(&str) -> Option<usize>) -> Option<usize> + Send + Sync>;

/// One binding, its policy resolved to an index into the table's policies.
#[derive(Clone)]
pub(crate) enum Bound {
    Path {
        /// The prefix or pattern as the user wrote it.
        text: String,
        matcher: PathMatcher,
        policy: usize,
    },
    Function(BindFn),
}

/// Everything the routed service reads per request.
#[derive(Clone)]
pub(crate) struct Table {
    pub(crate) policies: Vec<(String, Arc<Policy>)>,
    pub(crate) bindings: Vec<Bound>,
    pub(crate) fallback: Option<usize>,
    /// A report-only candidate: its decisions are computed beside the
    /// policies above, and the differences recorded; it never answers.
    pub(crate) candidate: Option<Arc<Table>>,
    /// The keys of each policy's counters, in the order of `policies`.
    #[cfg(feature = "metrics")]
    pub(crate) counters: Vec<Counters>,
}

/// The name a single policy gets in its table.
pub(crate) const SINGLE: &str = "default";

impl Table {
    /// A table of one policy that covers every route.
    pub(crate) fn single(policy: Arc<Policy>) -> Table {
        Table::new(vec![(SINGLE.to_owned(), policy)], Vec::new(), Some(0))
    }

    /// A table of `policies`, with `bindings` and a `fallback`, and no
    /// candidate.
    pub(crate) fn new(
        policies: Vec<(String, Arc<Policy>)>,
        bindings: Vec<Bound>,
        fallback: Option<usize>,
    ) -> Table {
        Table {
            #[cfg(feature = "metrics")]
            counters: policies
                .iter()
                .map(|(name, _)| Counters::new(name))
                .collect(),
            policies,
            bindings,
            fallback,
            candidate: None,
        }
    }

    /// This table, with `candidate`'s policies (not its own candidate) as
    /// its report-only candidate, or with none.
    pub(crate) fn with_candidate(&self, candidate: Option<&Table>) -> Table {
        let candidate = candidate.map(|table| {
            Arc::new(Table {
                candidate: None,
                ..table.clone()
            })
        });
        Table {
            candidate,
            ..self.clone()
        }
    }

    /// The policy for a request: that of the first binding that covers it,
    /// else the fallback; `None`: the request passes through untouched.
    pub(crate) fn select(&self, parts: &Parts) -> Option<&Arc<Policy>> {
        self.entry_for(parts).map(|(_, policy)| policy)
    }

    /// The name of the policy for a request, as [`select`](Table::select)
    /// chooses it.
    pub(crate) fn name_for(&self, parts: &Parts) -> Option<&str> {
        self.entry_for(parts).map(|(name, _)| name.as_str())
    }

    /// The index of the policy `parts` is bound to.
    pub(crate) fn index_for(&self, parts: &Parts) -> Option<usize> {
        self.bindings
            .iter()
            .find_map(|bound| match bound {
                Bound::Path {
                    matcher, policy, ..
                } => matcher.matches(parts.uri.path()).then_some(*policy),
                Bound::Function(bind) => bind(parts, &|name| self.position(name)),
            })
            .or(self.fallback)
    }

    fn entry_for(&self, parts: &Parts) -> Option<&(String, Arc<Policy>)> {
        self.policies.get(self.index_for(parts)?)
    }

    /// The index of the policy named `name`. A scan: tables hold a few
    /// policies, and only a function binding looks a name up per request.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.policies.iter().position(|(n, _)| n == name)
    }

    /// The policy named `name`.
    pub(crate) fn named(&self, name: &str) -> Option<&Arc<Policy>> {
        self.position(name)
            .and_then(|i| self.policies.get(i))
            .map(|(_, policy)| policy)
    }

    /// The name of the policy that every request gets, when there is one:
    /// no binding, and a fallback.
    pub(crate) fn single_policy(&self) -> Option<&str> {
        match self.fallback {
            Some(index) if self.bindings.is_empty() => Some(self.name(index)),
            _ => None,
        }
    }

    /// The name of the policy at `index`.
    pub(crate) fn name(&self, index: usize) -> &str {
        self.policies
            .get(index)
            .map_or("", |(name, _)| name.as_str())
    }
}

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Path { text, policy, .. } => f
                .debug_struct("Path")
                .field("path", text)
                .field("policy", policy)
                .finish(),
            Bound::Function(_) => f.write_str("Function"),
        }
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.policies.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Table")
            .field("policies", &names)
            .field("bindings", &self.bindings)
            .field("fallback", &self.fallback.map(|i| self.name(i)))
            .field("candidate", &self.candidate)
            .finish()
    }
}
