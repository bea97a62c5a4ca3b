//! Where a layer's services take a request's policy from, shared by the
//! layer, its clones and every service they make.

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::compile::policy::Policy;
use crate::compile::table::Table;

/// What the layer and every service it makes share.
pub(crate) struct Shared {
    pub(crate) source: Source,
    /// Debug mode: one switch for the layer, whatever its policies.
    pub(crate) debug: Arc<AtomicBool>,
}

/// Where a request's policy comes from.
pub(crate) enum Source {
    /// One policy for every request: nothing is looked up.
    Fixed(Arc<Policy>),
    /// Named policies bound to routes.
    Routed(Arc<Table>),
    /// A table that a `ReloadHandle` replaces.
    #[cfg(feature = "reload")]
    Reloadable(Arc<arc_swap::ArcSwap<Table>>),
}

impl Source {
    /// The table in force: a fixed policy as a table of its own.
    pub(crate) fn table(&self) -> Arc<Table> {
        match self {
            Source::Fixed(policy) => Arc::new(Table::single(Arc::clone(policy))),
            Source::Routed(table) => Arc::clone(table),
            #[cfg(feature = "reload")]
            Source::Reloadable(table) => table.load_full(),
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Fixed(policy) => f.debug_tuple("Fixed").field(policy).finish(),
            Source::Routed(table) => f.debug_tuple("Routed").field(table).finish(),
            #[cfg(feature = "reload")]
            Source::Reloadable(table) => {
                f.debug_tuple("Reloadable").field(&**table.load()).finish()
            }
        }
    }
}
