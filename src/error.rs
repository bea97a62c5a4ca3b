//! Typed configuration errors: every problem of a policy or of routes,
//! returned at once by [`CorsBuilder::build`](crate::CorsBuilder::build),
//! [`CorsRoutes::build`](crate::CorsRoutes::build), a conversion from a
//! configuration, or a reload.

use std::fmt;

use crate::settings::name;

/// Which list of the policy a configuration problem is about.
///
/// # Example
///
/// ```
/// use tower_cors::{ConfigError, CorsLayer, HeaderList};
///
/// let err = CorsLayer::builder()
///     .allow_any_origin()
///     .expose_headers(["bad header"])
///     .build()
///     .unwrap_err();
/// assert!(err.errors().iter().any(|e| matches!(
///     e,
///     ConfigError::InvalidHeaderName { list: HeaderList::Exposed, .. }
/// )));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderList {
    /// The request headers allowed by `allow_headers`.
    Allowed,
    /// The response headers exposed by `expose_headers`.
    Exposed,
}

impl fmt::Display for HeaderList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeaderList::Allowed => "allowed headers",
            HeaderList::Exposed => "exposed headers",
        })
    }
}

/// One problem of a CORS policy, found by [`CorsBuilder::build`](crate::CorsBuilder::build).
///
/// Every variant names the offending value, so that the message alone tells
/// what to change.
///
/// # Example
///
/// ```
/// use tower_cors::{ConfigError, CorsLayer};
///
/// let err = CorsLayer::builder()
///     .allow_origins(["https://app.example.com/"])
///     .build()
///     .unwrap_err();
/// assert!(matches!(&err.errors()[0], ConfigError::InvalidOrigin { value, .. } if value == "https://app.example.com/"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No origin is allowed: the policy would refuse every CORS request.
    NoOrigins,
    /// An allowed origin is not a serialized origin as browsers send it.
    InvalidOrigin {
        /// The value as configured.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// `"null"` or `"file://"` was listed without the opt-in
    /// ([`allow_null_origin`](crate::CorsBuilder::allow_null_origin),
    /// [`allow_file_origin`](crate::CorsBuilder::allow_file_origin)): any
    /// site can produce `null`, and any local file `file://`.
    NullOrFileOrigin {
        /// The value as configured.
        value: String,
    },
    /// A listed `"null"` or `"file://"` together with credentials or
    /// [cross-origin protection](crate::CorsBuilder::cross_origin_protection)
    /// (whose forged requests carry cookies), without
    /// [`dangerously_allow_null_or_file_origin_with_credentials`](crate::CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials):
    /// any site or local file could then act as the user.
    NullOrFileOriginWithCredentials {
        /// The value as configured.
        value: String,
    },
    /// A plain `http://` origin that is not a loopback one, together with
    /// credentials or cross-origin protection, without
    /// [`dangerously_allow_insecure_origins_with_credentials`](crate::CorsBuilder::dangerously_allow_insecure_origins_with_credentials):
    /// whoever is on the network path can inject a script into it.
    InsecureOriginWithCredentials {
        /// The value as configured.
        value: String,
    },
    /// A subdomain pattern on a public suffix (`https://*.co.uk`,
    /// `https://*.github.io`, `https://*.myshopify.com`) together with
    /// credentials or cross-origin protection: it would give credentialed
    /// access to sites of unrelated owners. With the default `psl` feature every suffix of the Public
    /// Suffix List counts; without it, only single-label ones (`*.com`).
    PublicSuffixPattern {
        /// The value as configured.
        value: String,
    },
    /// A name of [`vary_on`](crate::CorsBuilder::vary_on) is not a valid
    /// HTTP field name (`*` included: it is no header the decision reads).
    InvalidVaryHeader {
        /// The value as configured.
        value: String,
    },
    /// [`vary_on`](crate::CorsBuilder::vary_on) together with any origin
    /// (`*`): the answer is the same for every request, so nothing varies.
    VaryOnWithAnyOrigin,
    /// A method is not a valid HTTP method token.
    InvalidMethod {
        /// The value as configured.
        value: String,
    },
    /// A method that browsers never send cross-origin (`CONNECT`, `TRACE`, `TRACK`).
    ForbiddenMethod {
        /// The value as configured.
        value: String,
    },
    /// A header name is not a valid HTTP field name.
    InvalidHeaderName {
        /// The value as configured.
        value: String,
        /// The list it was given in.
        list: HeaderList,
    },
    /// A header name that cannot usefully appear in this list: a name that
    /// browsers control themselves (`Cookie`, `Host`, `Set-Cookie`, ...) or a
    /// CORS protocol header.
    ForbiddenHeaderName {
        /// The value as configured.
        value: String,
        /// The list it was given in.
        list: HeaderList,
    },
    /// Any origin (`*`) together with `allow_credentials(true)`: browsers
    /// reject `*` on credentialed requests, and allowing every origin with
    /// credentials would let every site read users' data.
    AnyOriginWithCredentials,
    /// Exposing every response header (`*`) together with
    /// `allow_credentials(true)`: browsers read `*` literally on
    /// credentialed requests, so it would expose no header at all.
    ExposeAnyHeaderWithCredentials,
    /// An origin predicate (synchronous or asynchronous) together with any
    /// origin (`*`): `*` already allows every origin, so the predicate would
    /// never decide anything. To narrow an any-origin preset, replace its
    /// origins: `CorsBuilder::gateway().allow_origins(["https://app.example.com"])`,
    /// or `.allow_origins(Vec::<String>::new())` to let the predicate alone
    /// decide.
    PredicateWithAnyOrigin,
    /// An asynchronous origin predicate together with
    /// `block_disallowed_origins(true)`: blocking must decide before the
    /// inner service is called, and an asynchronous decision comes later.
    AsyncOriginWithBlocking,
    /// `cross_origin_protection(true)` with any origin allowed, which would
    /// refuse nothing.
    ProtectionWithAnyOrigin,
    /// An asynchronous origin predicate together with
    /// `cross_origin_protection(true)`, which decides before the inner
    /// service is called.
    AsyncOriginWithProtection,
    /// A path of `cross_origin_protection_bypass` that is not one.
    InvalidBypassPath {
        /// The path as configured.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The status of a successful preflight answer must be a 2xx status.
    PreflightStatusNotSuccess {
        /// The status as configured.
        status: u16,
    },
    /// The status of a refused request must be a 4xx or 5xx status.
    RefusalStatusNotError {
        /// The status as configured.
        status: u16,
    },
    /// A policy named in [`CorsRoutes`](crate::CorsRoutes) does not build.
    InvalidPolicy {
        /// The policy's name.
        name: String,
        /// Every problem of the policy.
        error: BuildError,
    },
    /// Two policies of [`CorsRoutes`](crate::CorsRoutes) have the same name.
    DuplicatePolicy {
        /// The name given twice.
        name: String,
    },
    /// A binding or the fallback of [`CorsRoutes`](crate::CorsRoutes) names
    /// a policy that does not exist.
    UnknownPolicy {
        /// The name used.
        name: String,
        /// Who used it: `prefix /path`, `pattern /path` or `fallback`.
        used_by: String,
    },
    /// A prefix or a pattern of [`CorsRoutes`](crate::CorsRoutes) that is
    /// not a valid path to bind.
    InvalidPath {
        /// The prefix or pattern as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoOrigins => f.write_str(
                "no origin is allowed: call allow_origins, allow_any_origin, allow_origin_predicate or allow_origin_async",
            ),
            ConfigError::InvalidOrigin { value, reason } => {
                write!(f, "invalid origin {value:?}: {reason}")
            }
            ConfigError::NullOrFileOrigin { value } => write!(
                f,
                "origin {value:?} can be produced by any site or local file: opt in with allow_null_origin or allow_file_origin"
            ),
            ConfigError::NullOrFileOriginWithCredentials { value } => write!(
                f,
                "origin {value:?} with credentials or cross-origin protection would let any site or local file act as the user: opt in with dangerously_allow_null_or_file_origin_with_credentials"
            ),
            ConfigError::InsecureOriginWithCredentials { value } => write!(
                f,
                "origin {value:?} is plain http: with credentials or cross-origin protection, anyone on the network path could act as the user; use https, or opt in with dangerously_allow_insecure_origins_with_credentials"
            ),
            ConfigError::PublicSuffixPattern { value } => write!(
                f,
                "pattern {value:?} covers a public suffix: with credentials or cross-origin protection, sites of unrelated owners would get access"
            ),
            ConfigError::InvalidVaryHeader { value } => {
                write!(f, "invalid header name {value:?} to vary on")
            }
            ConfigError::VaryOnWithAnyOrigin => f.write_str(
                "vary_on cannot be combined with any origin (`*`): the answer is the same for every request, so it varies on nothing",
            ),
            ConfigError::InvalidMethod { value } => write!(f, "invalid method {value:?}"),
            ConfigError::ForbiddenMethod { value } => {
                write!(f, "method {value:?} is forbidden: browsers never send it cross-origin")
            }
            ConfigError::InvalidHeaderName { value, list } => {
                write!(f, "invalid header name {value:?} in the {list}")
            }
            ConfigError::ForbiddenHeaderName { value, list } => write!(
                f,
                "header name {value:?} cannot be in the {list}: browsers control it or it belongs to the CORS protocol"
            ),
            ConfigError::AnyOriginWithCredentials => f.write_str(
                "any origin cannot be combined with allow_credentials(true): browsers reject a wildcard on credentialed requests, and allowing every origin with credentials would let any site act as the user; list the values explicitly",
            ),
            ConfigError::ExposeAnyHeaderWithCredentials => f.write_str(
                "exposing every response header cannot be combined with allow_credentials(true): browsers reject a wildcard on credentialed requests; list the values explicitly",
            ),
            ConfigError::PredicateWithAnyOrigin => f.write_str(
                "an origin predicate cannot narrow any origin (`*`), which already allows every origin: replace the origins with allow_origins",
            ),
            ConfigError::AsyncOriginWithBlocking => f.write_str(
                "allow_origin_async cannot be combined with block_disallowed_origins(true)",
            ),
            ConfigError::ProtectionWithAnyOrigin => f.write_str(
                "cross-origin protection with any origin allowed would refuse nothing: list the origins",
            ),
            ConfigError::AsyncOriginWithProtection => f.write_str(
                "allow_origin_async cannot be combined with cross_origin_protection(true)",
            ),
            ConfigError::InvalidBypassPath { path, reason } => write!(f, "`{path}`: {reason}"),
            ConfigError::PreflightStatusNotSuccess { status } => {
                write!(f, "preflight status {status} is not a 2xx status")
            }
            ConfigError::RefusalStatusNotError { status } => {
                write!(f, "refusal status {status} is not a 4xx or 5xx status")
            }
            // Each problem of the policy names it, so that a list of
            // problems reads one way whatever the policy's number.
            ConfigError::InvalidPolicy { name, error } => {
                error.write_each(f, |f| write!(f, "policy `{name}`: "))
            }
            ConfigError::DuplicatePolicy { name } => {
                write!(f, "two policies are named `{name}`")
            }
            ConfigError::UnknownPolicy { name, used_by } => {
                write!(
                    f,
                    "{used_by} uses the policy `{name}`, which is not defined"
                )
            }
            ConfigError::InvalidPath { path, reason } => write!(f, "`{path}`: {reason}"),
        }
    }
}

impl ConfigError {
    /// The setting this problem is about, named as the builder method that
    /// sets it and as the field of a [`CorsConfig`](crate::CorsConfig):
    /// `"allow_origins"`, `"vary_on"`, `"allow_methods"`, `"allow_headers"`,
    /// `"expose_headers"`, `"preflight_status"`, `"refusal_status"`,
    /// `"block_disallowed_origins"`, `"cross_origin_protection"` or
    /// `"cross_origin_protection_bypass"`; `"routes"` for a problem of
    /// [`CorsRoutes`](crate::CorsRoutes) itself.
    ///
    /// A wildcard with credentials is about the list that holds the
    /// wildcard (`allow_origins` or `expose_headers`); an origin refused
    /// only together with credentials, and a predicate next to any origin,
    /// are about `allow_origins`; an asynchronous predicate with blocking is
    /// about `block_disallowed_origins`. A [`BuildError`] names each
    /// problem's field in its message, as the configuration was written: in
    /// the API gateway's plug-in shape (`GatewayPluginConfig`) the field
    /// `allow_origins` is called `allow_origin`.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let err = CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["TRACE"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.errors()[0].field(), "allow_methods");
    /// ```
    pub fn field(&self) -> &'static str {
        match self {
            ConfigError::NoOrigins
            | ConfigError::InvalidOrigin { .. }
            | ConfigError::NullOrFileOrigin { .. }
            | ConfigError::NullOrFileOriginWithCredentials { .. }
            | ConfigError::InsecureOriginWithCredentials { .. }
            | ConfigError::PublicSuffixPattern { .. }
            | ConfigError::AnyOriginWithCredentials
            | ConfigError::PredicateWithAnyOrigin => name::ALLOW_ORIGINS,
            ConfigError::InvalidVaryHeader { .. } | ConfigError::VaryOnWithAnyOrigin => {
                name::VARY_ON
            }
            ConfigError::InvalidMethod { .. } | ConfigError::ForbiddenMethod { .. } => {
                name::ALLOW_METHODS
            }
            ConfigError::InvalidHeaderName { list, .. }
            | ConfigError::ForbiddenHeaderName { list, .. } => match list {
                HeaderList::Allowed => name::ALLOW_HEADERS,
                HeaderList::Exposed => name::EXPOSE_HEADERS,
            },
            ConfigError::ExposeAnyHeaderWithCredentials => name::EXPOSE_HEADERS,
            ConfigError::AsyncOriginWithBlocking => name::BLOCK_DISALLOWED_ORIGINS,
            ConfigError::ProtectionWithAnyOrigin | ConfigError::AsyncOriginWithProtection => {
                name::CROSS_ORIGIN_PROTECTION
            }
            ConfigError::InvalidBypassPath { .. } => name::CROSS_ORIGIN_PROTECTION_BYPASS,
            ConfigError::PreflightStatusNotSuccess { .. } => name::PREFLIGHT_STATUS,
            ConfigError::RefusalStatusNotError { .. } => name::REFUSAL_STATUS,
            ConfigError::InvalidPolicy { .. }
            | ConfigError::DuplicatePolicy { .. }
            | ConfigError::UnknownPolicy { .. }
            | ConfigError::InvalidPath { .. } => "routes",
        }
    }

    /// Whether the problem is one of routes, whose message needs no field.
    fn is_about_routes(&self) -> bool {
        self.field() == "routes"
    }
}

impl std::error::Error for ConfigError {}

/// Every problem of a CORS policy, or of routes, in the order they were
/// found: the error of [`CorsBuilder::build`](crate::CorsBuilder::build),
/// [`CorsRoutes::build`](crate::CorsRoutes::build), of building a layer
/// from a configuration (`CorsLayer::try_from`, deserializing a
/// [`CorsLayer`](crate::CorsLayer)) and of a reload.
///
/// The whole policy is checked and every problem reported at once, not
/// only the first. The message names each problem's field as the policy
/// was written (a [`CorsConfig`](crate::CorsConfig) field and builder
/// method, or the API gateway's plug-in field):
/// `invalid CORS policy (1 problem): allow_methods: method "TRACE" is
/// forbidden: browsers never send it cross-origin`.
///
/// # Example
///
/// ```
/// use tower_cors::{ConfigError, CorsLayer};
///
/// let err = CorsLayer::builder()
///     .allow_any_origin()
///     .allow_credentials(true)
///     .allow_methods(["TRACE"])
///     .build()
///     .unwrap_err();
/// assert_eq!(err.errors().len(), 2);
/// assert_eq!(err.errors()[0], ConfigError::AnyOriginWithCredentials);
/// assert!(err.to_string().contains("allow_methods: method \"TRACE\" is forbidden"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    errors: Vec<ConfigError>,
    shape: Shape,
}

/// How the configuration that failed was written, to name its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Shape {
    /// One policy, in this crate's terms (the builder, `CorsConfig`).
    #[default]
    Policy,
    /// One policy, in the API gateway's CORS plug-in shape.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    GatewayPlugin,
    /// Named policies bound to routes.
    Routes,
}

impl Shape {
    /// The name of `field` (a [`CorsConfig`](crate::CorsConfig) field) in
    /// this shape.
    pub(crate) fn field(self, field: &'static str) -> &'static str {
        match (self, field) {
            (Shape::GatewayPlugin, name::ALLOW_ORIGINS) => "allow_origin",
            _ => field,
        }
    }
}

impl BuildError {
    pub(crate) fn new(errors: Vec<ConfigError>, shape: Shape) -> Self {
        BuildError { errors, shape }
    }

    /// The problems found, in the order they were met.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer};
    ///
    /// let err = CorsLayer::builder().build().unwrap_err();
    /// assert_eq!(err.errors(), &[ConfigError::NoOrigins]);
    /// ```
    pub fn errors(&self) -> &[ConfigError] {
        &self.errors
    }

    /// Writes each problem with its field, separated by `; `, each after
    /// what `prefix` writes.
    fn write_each(
        &self,
        f: &mut fmt::Formatter<'_>,
        prefix: impl Fn(&mut fmt::Formatter<'_>) -> fmt::Result,
    ) -> fmt::Result {
        for (i, problem) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            prefix(f)?;
            if problem.is_about_routes() {
                write!(f, "{problem}")?;
            } else {
                write!(f, "{}: {problem}", self.shape.field(problem.field()))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.shape {
            Shape::Routes => "routes",
            Shape::Policy | Shape::GatewayPlugin => "policy",
        };
        let n = self.errors.len();
        let s = if n == 1 { "" } else { "s" };
        write!(f, "invalid CORS {what} ({n} problem{s}): ")?;
        self.write_each(f, |_| Ok(()))
    }
}

impl std::error::Error for BuildError {}

impl IntoIterator for BuildError {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;

    /// The problems, owned.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer};
    ///
    /// let err = CorsLayer::builder().build().unwrap_err();
    /// let problems: Vec<ConfigError> = err.into_iter().collect();
    /// assert_eq!(problems, [ConfigError::NoOrigins]);
    /// ```
    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}
