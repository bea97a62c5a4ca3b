//! Explaining the layer's decisions: why a request was refused
//! ([`Refusal`](crate::Refusal)), told where someone looks: in `tracing`
//! events ([`report`]), in a response header in debug mode ([`debug`]), and
//! in extensions ([`record`]); and the routes in force, for introspection
//! ([`route_table`]).

pub(crate) mod debug;
#[cfg(feature = "metrics")]
pub(crate) mod metrics;
pub(crate) mod record;
pub(crate) mod report;
pub(crate) mod route_table;
