//! Policies per route: [`CorsRoutes`] names policies and binds them to
//! path prefixes, path patterns or a function of the request;
//! [`RoutedCorsLayer`] answers each request with the policy of its route.

mod path;
pub(crate) mod table;

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use http::request::Parts;
use tower_layer::Layer;

use crate::builder::CorsBuilder;
use crate::debug::DebugSwitch;
use crate::error::{write_problems, BuildError};
use crate::layer::CorsLayer;
use crate::policy::Policy;
use crate::service::Cors;
use crate::source::Routed;
use path::PathMatcher;
use table::{BindFn, Bound, Table};

/// A policy given to [`CorsRoutes::policy`]: a built [`CorsLayer`], or a
/// [`CorsBuilder`] that [`CorsRoutes::build`] builds.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, RoutePolicy};
///
/// let built: RoutePolicy = CorsLayer::gateway().into();
/// let to_build: RoutePolicy = CorsLayer::builder().allow_any_origin().into();
/// # let _ = (built, to_build);
/// ```
#[derive(Clone, Debug)]
pub struct RoutePolicy(Input);

#[derive(Clone, Debug)]
enum Input {
    Built(Arc<Policy>),
    Builder(Box<CorsBuilder>),
}

impl From<CorsLayer> for RoutePolicy {
    fn from(layer: CorsLayer) -> Self {
        RoutePolicy(Input::Built(Arc::clone(layer.policy())))
    }
}

impl From<CorsBuilder> for RoutePolicy {
    fn from(builder: CorsBuilder) -> Self {
        RoutePolicy(Input::Builder(Box::new(builder)))
    }
}

impl RoutePolicy {
    /// The compiled policy, and whether it asks for debug mode (turned on
    /// only once the whole table builds). One to build shares debug mode's
    /// `flag` when given; a built one keeps its own.
    fn compile(self, flag: Option<&Arc<AtomicBool>>) -> Result<(Arc<Policy>, bool), BuildError> {
        match self.0 {
            Input::Built(policy) => Ok((policy, false)),
            Input::Builder(builder) => {
                let builder = match flag {
                    Some(flag) => builder.sharing_debug(flag),
                    None => *builder,
                };
                let (layer, debug) = builder.build_with_debug_off()?;
                Ok((Arc::clone(layer.policy()), debug))
            }
        }
    }
}

/// A binding as it was asked for, before it is checked: what it covers,
/// and the policy's name (a function names it per request).
#[derive(Clone)]
enum Target {
    Prefix { path: String, policy: String },
    Pattern { path: String, policy: String },
    Function(BindFn),
}

/// Named CORS policies and the routes they are bound to; [`build`](CorsRoutes::build)
/// checks them and makes a [`RoutedCorsLayer`].
///
/// - [`bind_prefix`](CorsRoutes::bind_prefix): `/public` covers `/public`
///   and every path below it (`/public/a/b`), never `/publicity`.
/// - [`bind_pattern`](CorsRoutes::bind_pattern): `*` stands for exactly one
///   non-empty path segment (`/api/*/admin` covers `/api/v1/admin`, not
///   `/api/admin` nor `/api/v1/admin/users`); a final `**` stands for the
///   rest of the path, none or many segments (`/api/*/admin/**`).
/// - [`bind_fn`](CorsRoutes::bind_fn): a function of the request's head
///   names the policy, or declines with `None`.
///
/// Paths are compared as the layer sees them in `req.uri().path()`: raw
/// (percent-encoded, not decoded), case-sensitively, one trailing slash
/// ignored. **The first binding that covers a request wins, in the order
/// they were bound**: bind the narrow routes before the wide ones. A
/// request no binding covers gets the [`fallback`](CorsRoutes::fallback)
/// policy; without a fallback it **passes through untouched**: the layer
/// adds no CORS header, and its preflights reach the inner service (which
/// typically answers `405`, so browsers block them).
///
/// A layer put on a whole axum `Router` sees the full path, nested
/// routers (`Router::nest`) included; a layer put on a nested router sees
/// the path below its nesting point.
///
/// # Example
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::{CorsLayer, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("public", CorsLayer::gateway())
///     .policy(
///         "admin",
///         CorsLayer::builder()
///             .allow_origins(["https://admin.example.com"])
///             .allow_methods(["GET", "PUT", "DELETE"])
///             .allow_credentials(true),
///     )
///     .bind_pattern("/api/*/admin/**", "admin")
///     .bind_prefix("/api", "public")
///     .build()?;
///
/// let app: Router = Router::new()
///     .route("/api/v1/items", get(|| async { "items" }))
///     .route("/api/v1/admin/users", get(|| async { "users" }))
///     .layer(cors);
/// # Ok::<(), tower_cors::RoutesError>(())
/// ```
#[derive(Clone, Default)]
#[must_use = "routes do nothing until `build` is called"]
pub struct CorsRoutes {
    policies: Vec<(String, RoutePolicy)>,
    bindings: Vec<Target>,
    fallback: Option<String>,
}

impl CorsRoutes {
    /// No policy, no binding, no fallback.
    ///
    /// # Example
    ///
    /// ```
    /// let routes = tower_cors::CorsRoutes::new().build()?;
    /// assert_eq!(routes.routing().policies().count(), 0);
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn new() -> Self {
        CorsRoutes::default()
    }

    /// Names a policy, a [`CorsLayer`] or a [`CorsBuilder`], for the
    /// bindings and the fallback to refer to.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .policy("app", CorsLayer::builder().allow_origins(["https://app.example.com"]))
    ///     .fallback("app")
    ///     .build()?;
    /// assert_eq!(routes.routing().policies().collect::<Vec<_>>(), ["public", "app"]);
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn policy(mut self, name: impl Into<String>, policy: impl Into<RoutePolicy>) -> Self {
        self.policies.push((name.into(), policy.into()));
        self
    }

    /// Binds the policy named `policy` to a path prefix: the prefix itself
    /// and every path below it, segment-wise.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{Binding, CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .bind_prefix("/public", "public")
    ///     .build()?;
    /// let routing = routes.routing();
    /// let binding = routing.bindings().next();
    /// assert_eq!(binding, Some(Binding::Prefix { prefix: "/public", policy: "public" }));
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn bind_prefix(mut self, prefix: impl Into<String>, policy: impl Into<String>) -> Self {
        self.bindings.push(Target::Prefix {
            path: prefix.into(),
            policy: policy.into(),
        });
        self
    }

    /// Binds the policy named `policy` to a path pattern: `*` is one
    /// non-empty segment, a final `**` the rest of the path.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("admin", CorsLayer::builder().allow_origins(["https://admin.example.com"]))
    ///     .bind_pattern("/api/*/admin", "admin")
    ///     .build()?;
    /// let request = http::Request::get("/api/v2/admin").body(())?.into_parts().0;
    /// assert_eq!(routes.routing().policy_for(&request), Some("admin"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bind_pattern(mut self, pattern: impl Into<String>, policy: impl Into<String>) -> Self {
        self.bindings.push(Target::Pattern {
            path: pattern.into(),
            policy: policy.into(),
        });
        self
    }

    /// Binds requests to a policy by a function of their head: it returns
    /// the policy's name, or `None` to leave the request to the next
    /// bindings. A name that no policy has counts as `None`.
    ///
    /// The name can be a `&'static str`, a `String` or an `Arc<str>`, so the
    /// function can look it up in a table of its own (an `Arc<str>` clones
    /// without allocating); a name read from the request itself is copied
    /// with `to_owned()`.
    ///
    /// The function sees preflights too, which carry no cookie, no
    /// credentials and none of the script's headers (only their names, in
    /// `Access-Control-Request-Headers`): decide by what every request of a
    /// route carries, such as the path, `Host` or `Origin`, or the
    /// preflight and its request get different policies.
    ///
    /// # Example
    ///
    /// ```
    /// use http::request::Parts;
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// // One API served under two host names, one per audience.
    /// let routes = CorsRoutes::new()
    ///     .policy("partner", CorsLayer::builder().allow_origins(["https://partner.example"]))
    ///     .bind_fn(|parts: &Parts| {
    ///         let host = parts.headers.get("host")?.to_str().ok()?;
    ///         host.starts_with("partners.").then_some("partner")
    ///     })
    ///     .build()?;
    /// let request = http::Request::get("/").header("host", "partners.api.example").body(())?.into_parts().0;
    /// assert_eq!(routes.routing().policy_for(&request), Some("partner"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bind_fn<F, N>(mut self, bind: F) -> Self
    where
        F: Fn(&Parts) -> Option<N> + Send + Sync + 'static,
        N: AsRef<str>,
    {
        let bind: BindFn = Arc::new(move |parts, position| position(bind(parts)?.as_ref()));
        self.bindings.push(Target::Function(bind));
        self
    }

    /// The policy of the requests that no binding covers. Without one,
    /// they pass through the layer untouched.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .fallback("public")
    ///     .build()?;
    /// assert_eq!(routes.routing().fallback(), Some("public"));
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn fallback(mut self, policy: impl Into<String>) -> Self {
        self.fallback = Some(policy.into());
        self
    }

    /// Builds every policy and checks every binding, returning every
    /// problem found.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes, RouteError};
    ///
    /// let err = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .bind_prefix("/admin", "admin")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.errors(),
    ///     &[RouteError::UnknownPolicy { name: "admin".into(), used_by: "prefix /admin".into() }]
    /// );
    /// ```
    pub fn build(self) -> Result<RoutedCorsLayer, RoutesError> {
        self.build_sharing_debug(None)
    }

    /// Builds the routes; the policies to build share debug mode's `flag`
    /// when given.
    pub(crate) fn build_sharing_debug(
        self,
        flag: Option<&Arc<AtomicBool>>,
    ) -> Result<RoutedCorsLayer, RoutesError> {
        let mut errors = Vec::new();
        let mut debug = Vec::new();
        let table = self.compile(&mut errors, &mut debug, flag);
        if errors.is_empty() {
            debug.iter().for_each(DebugSwitch::enable);
            Ok(RoutedCorsLayer {
                table: Arc::new(table),
            })
        } else {
            Err(RoutesError { errors })
        }
    }

    /// The table, with every problem in `errors`, and in `debug` the
    /// switches of the policies that ask for debug mode.
    fn compile(
        self,
        errors: &mut Vec<RouteError>,
        debug: &mut Vec<DebugSwitch>,
        flag: Option<&Arc<AtomicBool>>,
    ) -> Table {
        let mut table = Table {
            policies: Vec::with_capacity(self.policies.len()),
            bindings: Vec::with_capacity(self.bindings.len()),
            fallback: None,
        };
        // Policies that did not build: reported once, not again by every
        // binding that uses them.
        let mut failed: Vec<String> = Vec::new();
        for (name, policy) in self.policies {
            if table.position(&name).is_some() || failed.contains(&name) {
                errors.push(RouteError::DuplicatePolicy { name });
                continue;
            }
            match policy.compile(flag) {
                Ok((policy, wants_debug)) => {
                    if wants_debug {
                        debug.push(DebugSwitch::new(&policy.debug));
                    }
                    table.policies.push((name, policy));
                }
                Err(error) => {
                    failed.push(name.clone());
                    errors.push(RouteError::InvalidPolicy { name, error });
                }
            }
        }
        let known = |name: &str| match table.position(name) {
            Some(index) => Lookup::Found(index),
            None if failed.iter().any(|f| f == name) => Lookup::Failed,
            None => Lookup::Missing,
        };
        let bindings: Vec<Bound> = self
            .bindings
            .into_iter()
            .filter_map(|target| bind(target, &known, errors))
            .collect();
        let fallback = self
            .fallback
            .and_then(|name| resolve(&name, "fallback".to_owned(), &known, errors));
        table.bindings = bindings;
        table.fallback = fallback;
        table
    }
}

/// What a policy's name stands for in a table being built.
enum Lookup {
    Found(usize),
    /// A policy that did not build (already reported).
    Failed,
    Missing,
}

/// Checks one binding and resolves its policy's name.
fn bind(
    target: Target,
    known: &dyn Fn(&str) -> Lookup,
    errors: &mut Vec<RouteError>,
) -> Option<Bound> {
    let (text, name, matcher, used_by) = match target {
        Target::Function(bind) => return Some(Bound::Function(bind)),
        Target::Prefix { path, policy } => {
            let matcher = PathMatcher::prefix(&path);
            let used_by = format!("prefix {path}");
            (path, policy, matcher, used_by)
        }
        Target::Pattern { path, policy } => {
            let matcher = PathMatcher::pattern(&path);
            let used_by = format!("pattern {path}");
            (path, policy, matcher, used_by)
        }
    };
    let policy = resolve(&name, used_by, known, errors);
    let matcher = matcher.map_err(|e| errors.push(e)).ok()?;
    Some(Bound::Path {
        text,
        matcher,
        policy: policy?,
    })
}

/// The index of the policy named `name`, or an error naming who used it
/// (none for a policy that did not build: it is reported already).
fn resolve(
    name: &str,
    used_by: String,
    known: &dyn Fn(&str) -> Lookup,
    errors: &mut Vec<RouteError>,
) -> Option<usize> {
    match known(name) {
        Lookup::Found(index) => Some(index),
        Lookup::Failed => None,
        Lookup::Missing => {
            errors.push(RouteError::UnknownPolicy {
                name: name.to_owned(),
                used_by,
            });
            None
        }
    }
}

impl fmt::Debug for CorsRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.policies.iter().map(|(n, _)| n.as_str()).collect();
        let bindings: Vec<String> = self
            .bindings
            .iter()
            .map(|target| match target {
                Target::Prefix { path, policy } => format!("prefix {path} -> {policy}"),
                Target::Pattern { path, policy } => format!("pattern {path} -> {policy}"),
                Target::Function(_) => "function".to_owned(),
            })
            .collect();
        f.debug_struct("CorsRoutes")
            .field("policies", &names)
            .field("bindings", &bindings)
            .field("fallback", &self.fallback)
            .finish()
    }
}

/// One problem of a [`CorsRoutes`], found by [`CorsRoutes::build`] (or by a
/// reconfiguration with routes).
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, CorsRoutes, RouteError};
///
/// let err = CorsRoutes::new()
///     .policy("broken", CorsLayer::builder()) // no origin at all
///     .build()
///     .unwrap_err();
/// assert!(matches!(&err.errors()[0], RouteError::InvalidPolicy { name, .. } if name == "broken"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// A policy given as a [`CorsBuilder`] does not build.
    InvalidPolicy {
        /// The policy's name.
        name: String,
        /// Every problem of the policy.
        error: BuildError,
    },
    /// Two policies have the same name.
    DuplicatePolicy {
        /// The name given twice.
        name: String,
    },
    /// A binding or the fallback names a policy that does not exist (or
    /// did not build).
    UnknownPolicy {
        /// The name used.
        name: String,
        /// Who used it: `prefix /path`, `pattern /path` or `fallback`.
        used_by: String,
    },
    /// A prefix or a pattern that is not a valid path to bind.
    InvalidPath {
        /// The prefix or pattern as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::InvalidPolicy { name, error } => {
                // Each problem with the setting it is about, as a
                // configuration file names it.
                write!(f, "policy `{name}`: ")?;
                for (i, problem) in error.errors().iter().enumerate() {
                    let separator = if i == 0 { "" } else { "; " };
                    write!(f, "{separator}{}: {problem}", problem.field())?;
                }
                Ok(())
            }
            RouteError::DuplicatePolicy { name } => {
                write!(f, "two policies are named `{name}`")
            }
            RouteError::UnknownPolicy { name, used_by } => {
                write!(
                    f,
                    "{used_by} uses the policy `{name}`, which is not defined"
                )
            }
            RouteError::InvalidPath { path, reason } => write!(f, "`{path}`: {reason}"),
        }
    }
}

impl std::error::Error for RouteError {}

/// Every problem of a [`CorsRoutes`], in the order they were found.
///
/// # Example
///
/// ```
/// use tower_cors::CorsRoutes;
///
/// let err = CorsRoutes::new().bind_prefix("no-slash", "missing").build().unwrap_err();
/// assert_eq!(err.errors().len(), 2);
/// println!("{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutesError {
    errors: Vec<RouteError>,
}

impl RoutesError {
    /// The problems found.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsRoutes, RouteError};
    ///
    /// let err = CorsRoutes::new().fallback("none").build().unwrap_err();
    /// assert!(matches!(err.errors(), [RouteError::UnknownPolicy { .. }]));
    /// ```
    pub fn errors(&self) -> &[RouteError] {
        &self.errors
    }
}

impl fmt::Display for RoutesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid CORS routes ")?;
        write_problems(f, &self.errors, |f, e| write!(f, "{e}"))
    }
}

impl std::error::Error for RoutesError {}

/// A tower [`Layer`] that applies to each request the policy bound to its
/// route; made by [`CorsRoutes::build`].
///
/// # Example
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::{CorsLayer, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("public", CorsLayer::gateway())
///     .bind_prefix("/public", "public")
///     .build()?;
/// let app: Router = Router::new()
///     .route("/public/items", get(|| async { "items" }))
///     .route("/internal", get(|| async { "no CORS here" }))
///     .layer(cors);
/// # Ok::<(), tower_cors::RoutesError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RoutedCorsLayer {
    table: Arc<Table>,
}

impl RoutedCorsLayer {
    /// The policies and bindings of this layer.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let cors = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .fallback("public")
    ///     .build()?;
    /// assert_eq!(cors.routing().fallback(), Some("public"));
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn routing(&self) -> Routing {
        Routing::new(Arc::clone(&self.table))
    }

    #[cfg(feature = "reload")]
    pub(crate) fn into_table(self) -> Arc<Table> {
        self.table
    }
}

impl<S> Layer<S> for RoutedCorsLayer {
    type Service = Cors<S, Routed>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors::with_source(inner, Routed::new(Arc::clone(&self.table)))
    }
}

/// The policies and bindings a routed or reloadable layer has in force,
/// for introspection: their names, the bindings in order, the fallback,
/// and which policy a request would get. Its [`Display`](fmt::Display)
/// lists them, one binding a line.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("public", CorsLayer::gateway())
///     .bind_prefix("/public", "public")
///     .build()?;
/// assert_eq!(cors.routing().to_string(), "prefix /public -> public\nno fallback: unbound routes pass through\n");
/// # Ok::<(), tower_cors::RoutesError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Routing {
    table: Arc<Table>,
}

/// One binding, as [`Routing::bindings`] lists it.
///
/// # Example
///
/// ```
/// use tower_cors::{Binding, CorsLayer, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("admin", CorsLayer::gateway())
///     .bind_pattern("/api/*/admin", "admin")
///     .bind_fn(|_| None::<&str>)
///     .build()?;
/// let routing = cors.routing();
/// let bindings: Vec<Binding> = routing.bindings().collect();
/// assert_eq!(
///     bindings,
///     [Binding::Pattern { pattern: "/api/*/admin", policy: "admin" }, Binding::Function]
/// );
/// # Ok::<(), tower_cors::RoutesError>(())
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

impl Routing {
    pub(crate) fn new(table: Arc<Table>) -> Self {
        Routing { table }
    }

    /// The names of the policies, in the order they were given.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new()
    ///     .policy("public", tower_cors::CorsLayer::gateway())
    ///     .build()?;
    /// assert_eq!(cors.routing().policies().collect::<Vec<_>>(), ["public"]);
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn policies(&self) -> impl Iterator<Item = &str> + '_ {
        self.table.policies.iter().map(|(name, _)| name.as_str())
    }

    /// The compiled policy named `name`.
    fn policy(&self, name: &str) -> Option<&Arc<Policy>> {
        self.table.named(name)
    }

    /// The [debug mode](crate::DebugSwitch) switch of the policy named
    /// `name`.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new()
    ///     .policy("public", tower_cors::CorsLayer::gateway())
    ///     .build()?;
    /// cors.routing().debug_switch("public").unwrap().enable();
    /// assert!(cors.routing().debug_switch("other").is_none());
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    pub fn debug_switch(&self, name: &str) -> Option<crate::DebugSwitch> {
        self.policy(name)
            .map(|policy| crate::DebugSwitch::new(&policy.debug))
    }

    /// The settings of the policy named `name`, as a configuration file
    /// would hold them; feature `serde`. See
    /// [`CorsLayer::config`](crate::CorsLayer::config).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new()
    ///     .policy("public", tower_cors::CorsLayer::gateway())
    ///     .build()?;
    /// let config = cors.routing().config("public").unwrap();
    /// assert_eq!(config.allow_origins, ["*"]);
    /// # Ok::<(), tower_cors::RoutesError>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn config(&self, name: &str) -> Option<crate::CorsConfig> {
        self.policy(name).map(|policy| crate::config::of(policy))
    }

    /// The bindings, in the order they are tried.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsRoutes::new().bind_fn(|_| None::<&str>).build()?;
    /// assert_eq!(cors.routing().bindings().count(), 1);
    /// # Ok::<(), tower_cors::RoutesError>(())
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
    /// assert_eq!(cors.routing().fallback(), None);
    /// # Ok::<(), tower_cors::RoutesError>(())
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
    /// use tower_cors::{CorsLayer, CorsRoutes};
    ///
    /// let cors = CorsRoutes::new()
    ///     .policy("public", CorsLayer::gateway())
    ///     .bind_prefix("/public", "public")
    ///     .build()?;
    /// let head = |path| http::Request::get(path).body(()).map(|r| r.into_parts().0);
    /// assert_eq!(cors.routing().policy_for(&head("/public/a")?), Some("public"));
    /// assert_eq!(cors.routing().policy_for(&head("/private")?), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy_for(&self, request: &Parts) -> Option<&str> {
        self.table.name_for(request)
    }
}

impl fmt::Display for Routing {
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
