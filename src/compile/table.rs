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
    /// The bindings and the fallback as requests meet them, worked out
    /// when the table is built.
    lookup: Lookup,
}

/// How requests find their policy in a table: what `bindings` and
/// `fallback` say, with each path binding's policy and the fallback's
/// resolved, so that finding a request's policy indexes nothing.
#[derive(Clone)]
struct Lookup {
    /// Whether a function binding reads the whole head; else the path
    /// alone chooses, or nothing does without bindings.
    reads_head: bool,
    routes: Box<[Route]>,
    fallback: Option<Resolved>,
}

/// A binding as requests meet it. With a tag byte of its own (not a niche
/// in a field): a binding's kind is one comparison per request.
#[derive(Clone)]
#[repr(u8)]
enum Route {
    Path {
        matcher: PathMatcher,
        policy: Resolved,
    },
    Function(BindFn),
}

/// One of a table's policies: its index in `policies` (its name, its
/// counters) and the policy.
#[derive(Clone)]
struct Resolved {
    index: usize,
    policy: Arc<Policy>,
}

impl Resolved {
    fn chosen(&self) -> Chosen<'_> {
        Chosen {
            index: self.index,
            policy: &self.policy,
        }
    }
}

/// The policy a request is bound to: its index in the table's policies,
/// and the policy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chosen<'a> {
    pub(crate) index: usize,
    pub(crate) policy: &'a Arc<Policy>,
}

/// A request's policy, as far as its path tells
/// ([`Table::chosen_by_path`]).
#[derive(Debug)]
pub(crate) enum ByPath<'a> {
    /// The request's policy; `None`: the request passes through untouched.
    Found(Option<Chosen<'a>>),
    /// A function binding reads the whole head:
    /// [`chosen_for`](Table::chosen_for) finds the policy.
    Head,
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
        let resolved = |index: usize| {
            let (_, policy) = policies.get(index)?;
            let policy = Arc::clone(policy);
            Some(Resolved { index, policy })
        };
        let lookup = Lookup {
            reads_head: bindings.iter().any(|b| matches!(b, Bound::Function(_))),
            // Every binding's index is one of `policies` (`CorsRoutes`
            // resolved it); were one not, that binding would cover nothing.
            routes: bindings
                .iter()
                .filter_map(|bound| match bound {
                    Bound::Path {
                        matcher, policy, ..
                    } => Some(Route::Path {
                        matcher: matcher.clone(),
                        policy: resolved(*policy)?,
                    }),
                    Bound::Function(bind) => Some(Route::Function(Arc::clone(bind))),
                })
                .collect(),
            fallback: fallback.and_then(resolved),
        };
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
            lookup,
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
        self.chosen_for(parts).map(|chosen| chosen.policy)
    }

    /// The name of the policy for a request, as [`select`](Table::select)
    /// chooses it.
    pub(crate) fn name_for(&self, parts: &Parts) -> Option<&str> {
        self.chosen_for(parts).map(|chosen| self.name(chosen.index))
    }

    /// The policy `parts` is bound to, as [`select`](Table::select)
    /// chooses it.
    pub(crate) fn chosen_for(&self, parts: &Parts) -> Option<Chosen<'_>> {
        self.first_bound(parts.uri.path(), |bind| {
            let index = bind(parts, &|name| self.position(name))?;
            let (_, policy) = self.policies.get(index)?;
            Some(Chosen { index, policy })
        })
    }

    /// The policy of a request whose path `path` gives (read only when a
    /// binding needs it), without the rest of its head: what the request
    /// path asks first, so that the head is lent to a function only when a
    /// function binding needs it.
    #[inline(always)]
    pub(crate) fn chosen_by_path<'a>(&self, path: impl FnOnce() -> &'a str) -> ByPath<'_> {
        let lookup = &self.lookup;
        if lookup.reads_head {
            ByPath::Head
        } else if lookup.routes.is_empty() {
            ByPath::Found(lookup.fallback.as_ref().map(Resolved::chosen))
        } else {
            // No function binding to call.
            ByPath::Found(self.first_bound(path(), |_| None))
        }
    }

    /// The policy of the first binding that covers a request whose path is
    /// `path` (`function` tells what a function binding says), else the
    /// fallback's.
    #[inline(always)]
    fn first_bound<'t>(
        &'t self,
        path: &str,
        mut function: impl FnMut(&'t BindFn) -> Option<Chosen<'t>>,
    ) -> Option<Chosen<'t>> {
        for route in self.lookup.routes.iter() {
            let chosen = match route {
                Route::Path { matcher, policy } => matcher.matches(path).then(|| policy.chosen()),
                Route::Function(bind) => function(bind),
            };
            if chosen.is_some() {
                return chosen;
            }
        }
        self.lookup.fallback.as_ref().map(Resolved::chosen)
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
