//! Policies per route: [`CorsRoutes`] names policies and binds them to
//! path prefixes, path patterns or a function of the request, and builds a
//! [`CorsLayer`] that answers each request with the policy of its route.

use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use http::request::Parts;

use crate::builder::CorsBuilder;
use crate::compile::path::PathMatcher;
use crate::compile::policy::Policy;
use crate::compile::table::{BindFn, Bound, Table};
use crate::error::{BuildError, ConfigError, Shape};
use crate::serve::layer::CorsLayer;
use crate::serve::source::Source;

/// A binding as it was asked for, before it is checked: what it covers,
/// and the policy's name (a function names it per request).
#[derive(Clone)]
enum Target {
    Prefix { path: String, policy: String },
    Pattern { path: String, policy: String },
    Function(BindFn),
}

/// Named CORS policies and the routes they are bound to;
/// [`build`](CorsRoutes::build) checks them and makes a [`CorsLayer`] that
/// applies to each request the policy bound to its route.
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
/// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
///
/// let cors = CorsRoutes::new()
///     .policy("public", CorsBuilder::gateway())
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
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Clone, Default)]
#[must_use = "routes do nothing until `build` is called"]
pub struct CorsRoutes {
    policies: Vec<(String, CorsBuilder)>,
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
    /// assert_eq!(routes.route_table().policies().count(), 0);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn new() -> Self {
        CorsRoutes::default()
    }

    /// Names a policy, for the bindings and the fallback to refer to: a
    /// [`CorsBuilder`], or settings that convert into one (a
    /// [`CorsConfig`](crate::CorsConfig); with the `serde` feature, the API
    /// gateway's plug-in shape). [`build`](CorsRoutes::build) builds it.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("public", CorsBuilder::gateway())
    ///     .policy("app", CorsLayer::builder().allow_origins(["https://app.example.com"]))
    ///     .fallback("app")
    ///     .build()?;
    /// assert_eq!(routes.route_table().policies().collect::<Vec<_>>(), ["public", "app"]);
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn policy(mut self, name: impl Into<String>, policy: impl Into<CorsBuilder>) -> Self {
        self.policies.push((name.into(), policy.into()));
        self
    }

    /// Binds the policy named `policy` to a path prefix: the prefix itself
    /// and every path below it, segment-wise.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{Binding, CorsBuilder, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("public", CorsBuilder::gateway())
    ///     .bind_prefix("/public", "public")
    ///     .build()?;
    /// let table = routes.route_table();
    /// let binding = table.bindings().next();
    /// assert_eq!(binding, Some(Binding::Prefix { prefix: "/public", policy: "public" }));
    /// # Ok::<(), tower_cors::BuildError>(())
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
    /// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("admin", CorsLayer::builder().allow_origins(["https://admin.example.com"]))
    ///     .bind_pattern("/api/*/admin", "admin")
    ///     .build()?;
    /// let request = http::Request::get("/api/v2/admin").body(())?.into_parts().0;
    /// assert_eq!(routes.route_table().policy_for(&request), Some("admin"));
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
    /// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
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
    /// assert_eq!(routes.route_table().policy_for(&request), Some("partner"));
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
    /// use tower_cors::{CorsBuilder, CorsLayer, CorsRoutes};
    ///
    /// let routes = CorsRoutes::new()
    ///     .policy("public", CorsBuilder::gateway())
    ///     .fallback("public")
    ///     .build()?;
    /// assert_eq!(routes.route_table().fallback(), Some("public"));
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn fallback(mut self, policy: impl Into<String>) -> Self {
        self.fallback = Some(policy.into());
        self
    }

    /// Builds every policy and checks every binding, returning every
    /// problem found. Debug mode is one switch for the layer: on when a
    /// policy asks for it.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsBuilder, CorsRoutes};
    ///
    /// let err = CorsRoutes::new()
    ///     .policy("public", CorsBuilder::gateway())
    ///     .bind_prefix("/admin", "admin")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.errors(),
    ///     &[ConfigError::UnknownPolicy { name: "admin".into(), used_by: "prefix /admin".into() }]
    /// );
    /// ```
    pub fn build(self) -> Result<CorsLayer, BuildError> {
        let (table, debug) = self.compile()?;
        let debug = Arc::new(AtomicBool::new(debug));
        Ok(CorsLayer::from_source(
            Source::Routed(Arc::new(table)),
            debug,
        ))
    }

    /// The table, and whether a policy asks for debug mode; or every
    /// problem.
    pub(crate) fn compile(self) -> Result<(Table, bool), BuildError> {
        let mut errors = Vec::new();
        let mut debug = false;
        let mut policies: Vec<(String, Arc<Policy>)> = Vec::with_capacity(self.policies.len());
        let position = |policies: &[(String, Arc<Policy>)], name: &str| {
            policies.iter().position(|(n, _)| n == name)
        };
        // Policies that did not build: reported once, not again by every
        // binding that uses them.
        let mut failed: Vec<String> = Vec::new();
        for (name, policy) in self.policies {
            if position(&policies, &name).is_some() || failed.contains(&name) {
                errors.push(ConfigError::DuplicatePolicy { name });
                continue;
            }
            let wants_debug = policy.wants_debug();
            match policy.compile() {
                Ok(policy) => {
                    debug |= wants_debug;
                    policies.push((name, Arc::new(policy)));
                }
                Err(error) => {
                    failed.push(name.clone());
                    errors.push(ConfigError::InvalidPolicy { name, error });
                }
            }
        }
        let known = |name: &str| match position(&policies, name) {
            Some(index) => Lookup::Found(index),
            None if failed.iter().any(|f| f == name) => Lookup::Failed,
            None => Lookup::Missing,
        };
        let bindings: Vec<Bound> = self
            .bindings
            .into_iter()
            .filter_map(|target| bind(target, &known, &mut errors))
            .collect();
        let fallback = self
            .fallback
            .and_then(|name| resolve(&name, "fallback".to_owned(), &known, &mut errors));
        if errors.is_empty() {
            Ok((Table::new(policies, bindings, fallback), debug))
        } else {
            Err(BuildError::new(errors, Shape::Routes))
        }
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
    errors: &mut Vec<ConfigError>,
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
    errors: &mut Vec<ConfigError>,
) -> Option<usize> {
    match known(name) {
        Lookup::Found(index) => Some(index),
        Lookup::Failed => None,
        Lookup::Missing => {
            errors.push(ConfigError::UnknownPolicy {
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
