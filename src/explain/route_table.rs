//! [`RouteTable`]: the policies and bindings a layer has in force, for
//! introspection.

use std::fmt;
use std::sync::Arc;

use http::request::Parts;

use crate::compile::path::PathMatcher;
use crate::compile::table::{Bound, Table};
use crate::settings::CorsConfig;

/// The policies and bindings a layer has in force, for introspection:
/// their names, the bindings in order, the fallback, which policy a request
/// would get, and each policy's settings; made by
/// [`CorsLayer::route_table`](crate::CorsLayer::route_table) and
/// `ReloadHandle::current` (feature `reload`). Its
/// [`Display`](fmt::Display) lists them, one binding a line.
///
/// A layer with one policy for every request has a table of that policy
/// alone, named `default`, as its fallback.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsBuilder, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("public", CorsBuilder::gateway())
///     .bind_prefix("/public", "public")
///     .build()?;
/// assert_eq!(
///     cors.route_table().to_string(),
///     "prefix /public -> public\nno fallback: unbound routes pass through\n",
/// );
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RouteTable {
    table: Arc<Table>,
    /// Whether debug mode was on when the table was taken.
    debug: bool,
}

/// One binding, as [`RouteTable::bindings`] lists it.
///
/// # Example
///
/// ```
/// use tower_cors::{Binding, CorsBuilder, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("admin", CorsBuilder::gateway())
///     .bind_pattern("/api/*/admin", "admin")
///     .bind_fn(|_| None::<&str>)
///     .build()?;
/// let table = cors.route_table();
/// let bindings: Vec<Binding> = table.bindings().collect();
/// assert_eq!(
///     bindings,
///     [Binding::Pattern { pattern: "/api/*/admin", policy: "admin" }, Binding::Function]
/// );
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Binding<'a> {
    /// A path prefix.
    Prefix {
        /// The prefix, as bound.
        prefix: &'a str,
        /// The policy's name.
        policy: &'a str,
    },
    /// A path pattern.
    Pattern {
        /// The pattern, as bound.
        pattern: &'a str,
        /// The policy's name.
        policy: &'a str,
    },
    /// A function of the request, which names the policy itself.
    Function,
}

impl RouteTable {
    pub(crate) fn new(table: Arc<Table>, debug: bool) -> Self {
        RouteTable { table, debug }
    }

    /// The name of the policy every request gets, when one does.
    pub(crate) fn single_policy(&self) -> Option<&str> {
        self.table.single_policy()
    }

    /// The names of the policies, in the order they were given.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new()
    ///     .policy("public", tower_cors::CorsBuilder::gateway())
    ///     .build()?;
    /// assert_eq!(cors.route_table().policies().collect::<Vec<_>>(), ["public"]);
    /// assert_eq!(tower_cors::CorsLayer::gateway().route_table().policies().collect::<Vec<_>>(), ["default"]);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn policies(&self) -> impl Iterator<Item = &str> + '_ {
        self.table.policies.iter().map(|(name, _)| name.as_str())
    }

    /// The settings of the policy named `name`, with `debug` as debug
    /// mode was when the table was taken. See
    /// [`CorsLayer::config`](crate::CorsLayer::config).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new()
    ///     .policy("public", tower_cors::CorsBuilder::gateway())
    ///     .build()?;
    /// let config = cors.route_table().config("public").unwrap();
    /// assert_eq!(config.allow_origins, ["*"]);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn config(&self, name: &str) -> Option<CorsConfig> {
        self.table.named(name).map(|policy| {
            let mut config = policy.config.clone();
            config.debug = self.debug;
            config
        })
    }

    /// The bindings, in the order they are tried.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new().bind_fn(|_| None::<&str>).build()?;
    /// assert_eq!(cors.route_table().bindings().count(), 1);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn bindings(&self) -> impl Iterator<Item = Binding<'_>> + '_ {
        self.table.bindings.iter().map(|bound| match bound {
            Bound::Path {
                text,
                matcher: PathMatcher::Prefix(_),
                policy,
            } => Binding::Prefix {
                prefix: text,
                policy: self.table.name(*policy),
            },
            Bound::Path { text, policy, .. } => Binding::Pattern {
                pattern: text,
                policy: self.table.name(*policy),
            },
            Bound::Function(_) => Binding::Function,
        })
    }

    /// The policy of the requests no binding covers, if any.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new().build()?;
    /// assert_eq!(cors.route_table().fallback(), None);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn fallback(&self) -> Option<&str> {
        self.table.fallback.map(|i| self.table.name(i))
    }

    /// The name of the policy the layer applies to a request with this
    /// head; `None`: the request passes through untouched.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, CorsRoutes};
    ///
    /// let cors = CorsRoutes::new()
    ///     .policy("public", CorsBuilder::gateway())
    ///     .bind_prefix("/public", "public")
    ///     .build()?;
    /// let head = |path| http::Request::get(path).body(()).map(|r| r.into_parts().0);
    /// assert_eq!(cors.route_table().policy_for(&head("/public/a")?), Some("public"));
    /// assert_eq!(cors.route_table().policy_for(&head("/private")?), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy_for(&self, request: &Parts) -> Option<&str> {
        self.table.name_for(request)
    }
}

impl fmt::Display for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for binding in self.bindings() {
            match binding {
                Binding::Prefix { prefix, policy } => writeln!(f, "prefix {prefix} -> {policy}")?,
                Binding::Pattern { pattern, policy } => {
                    writeln!(f, "pattern {pattern} -> {policy}")?;
                }
                Binding::Function => writeln!(f, "function -> (named by the function)")?,
            }
        }
        match self.fallback() {
            Some(policy) => writeln!(f, "fallback -> {policy}"),
            None => writeln!(f, "no fallback: unbound routes pass through"),
        }
    }
}
