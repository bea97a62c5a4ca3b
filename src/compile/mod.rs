//! Compiling a policy: the settings checked and turned, once, into what the
//! service reads per request ([`policy::Policy`]) and, for routes, into a
//! table of named policies ([`table::Table`]).

pub(crate) mod headers;
pub(crate) mod intern;
pub(crate) mod methods;
pub(crate) mod origin;
pub(crate) mod path;
pub(crate) mod policy;
pub(crate) mod protection;
pub(crate) mod table;
pub(crate) mod vary;
