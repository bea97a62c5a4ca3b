//! Typed configuration errors returned by [`CorsBuilder::build`](crate::CorsBuilder::build).

use std::fmt;

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

/// Which part of the policy a wildcard (`*`) that cannot go with credentials
/// was given for. (Any method and any request header can: with credentials
/// the answer names what the preflight asked for.)
///
/// # Example
///
/// ```
/// use tower_cors::{ConfigError, CorsLayer, Wildcard};
///
/// let err = CorsLayer::builder()
///     .allow_origins(["https://app.example.com"])
///     .expose_any_header()
///     .allow_credentials(true)
///     .build()
///     .unwrap_err();
/// assert!(err.errors().contains(&ConfigError::WildcardWithCredentials(Wildcard::ExposedHeaders)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wildcard {
    /// Any origin (`Access-Control-Allow-Origin: *`).
    Origins,
    /// Every response header (`Access-Control-Expose-Headers: *`).
    ExposedHeaders,
}

impl fmt::Display for Wildcard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Wildcard::Origins => "any origin",
            Wildcard::ExposedHeaders => "exposing every response header",
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
    /// A listed `"null"` or `"file://"` together with credentials, without
    /// [`dangerously_allow_null_or_file_origin_with_credentials`](crate::CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials):
    /// any site or local file could then act as the user.
    NullOrFileOriginWithCredentials {
        /// The value as configured.
        value: String,
    },
    /// A plain `http://` origin that is not a loopback one, together with
    /// credentials, without
    /// [`dangerously_allow_insecure_origins_with_credentials`](crate::CorsBuilder::dangerously_allow_insecure_origins_with_credentials):
    /// whoever is on the network path can inject a script into it.
    InsecureOriginWithCredentials {
        /// The value as configured.
        value: String,
    },
    /// A subdomain pattern on a public suffix (`https://*.co.uk`,
    /// `https://*.github.io`, `https://*.myshopify.com`) together with
    /// credentials: it would give credentialed access to sites of unrelated
    /// owners. With the default `psl` feature every suffix of the Public
    /// Suffix List counts; without it, only single-label ones (`*.com`).
    PublicSuffixPattern {
        /// The value as configured.
        value: String,
    },
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
    /// Any origin, or exposing every header, together with
    /// `allow_credentials(true)`: browsers reject `*` on credentialed
    /// requests, and allowing any origin with credentials would let every
    /// site read users' data.
    WildcardWithCredentials(Wildcard),
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
                "origin {value:?} with credentials would let any site or local file act as the user: opt in with dangerously_allow_null_or_file_origin_with_credentials"
            ),
            ConfigError::InsecureOriginWithCredentials { value } => write!(
                f,
                "origin {value:?} is plain http: with credentials, anyone on the network path could act as the user; use https, or opt in with dangerously_allow_insecure_origins_with_credentials"
            ),
            ConfigError::PublicSuffixPattern { value } => write!(
                f,
                "pattern {value:?} covers a public suffix: with credentials, sites of unrelated owners would get access"
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
            ConfigError::WildcardWithCredentials(what) => {
                write!(
                    f,
                    "{what} cannot be combined with allow_credentials(true): browsers reject a wildcard on credentialed requests"
                )?;
                if *what == Wildcard::Origins {
                    f.write_str(", and allowing every origin with credentials would let any site act as the user")?;
                }
                f.write_str("; list the values explicitly")
            }
            ConfigError::PredicateWithAnyOrigin => f.write_str(
                "an origin predicate cannot narrow any origin (`*`), which already allows every origin: replace the origins with allow_origins",
            ),
            ConfigError::AsyncOriginWithBlocking => f.write_str(
                "allow_origin_async cannot be combined with block_disallowed_origins(true)",
            ),
            ConfigError::PreflightStatusNotSuccess { status } => {
                write!(f, "preflight status {status} is not a 2xx status")
            }
            ConfigError::RefusalStatusNotError { status } => {
                write!(f, "refusal status {status} is not a 4xx or 5xx status")
            }
        }
    }
}

impl ConfigError {
    /// The setting this problem is about, named as the builder method that
    /// sets it and as the field of a configuration file in this crate's own
    /// shape (`CorsConfig` with the `serde` feature): `"allow_origins"`,
    /// `"allow_methods"`, `"allow_headers"`, `"expose_headers"`,
    /// `"preflight_status"`, `"refusal_status"` or
    /// `"block_disallowed_origins"`.
    ///
    /// A wildcard with credentials is about the list that holds the
    /// wildcard (`allow_origins` or `expose_headers`); an origin refused
    /// only together with credentials, and a predicate next to any origin,
    /// are about `allow_origins`; an asynchronous predicate with blocking is
    /// about `block_disallowed_origins`. In the API gateway's plug-in shape
    /// (`GatewayPluginConfig`) the field `allow_origins` is called
    /// `allow_origin`, and the others keep their names.
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
            | ConfigError::WildcardWithCredentials(Wildcard::Origins)
            | ConfigError::PredicateWithAnyOrigin => "allow_origins",
            ConfigError::InvalidMethod { .. } | ConfigError::ForbiddenMethod { .. } => {
                "allow_methods"
            }
            ConfigError::InvalidHeaderName { list, .. }
            | ConfigError::ForbiddenHeaderName { list, .. } => match list {
                HeaderList::Allowed => "allow_headers",
                HeaderList::Exposed => "expose_headers",
            },
            ConfigError::WildcardWithCredentials(Wildcard::ExposedHeaders) => "expose_headers",
            ConfigError::AsyncOriginWithBlocking => "block_disallowed_origins",
            ConfigError::PreflightStatusNotSuccess { .. } => "preflight_status",
            ConfigError::RefusalStatusNotError { .. } => "refusal_status",
        }
    }
}

impl std::error::Error for ConfigError {}

/// Every problem of a CORS policy, returned by
/// [`CorsBuilder::build`](crate::CorsBuilder::build).
///
/// `build` checks the whole policy and reports all problems at once, not only
/// the first.
///
/// # Example
///
/// ```
/// use tower_cors::CorsLayer;
///
/// let err = CorsLayer::builder()
///     .allow_any_origin()
///     .allow_credentials(true)
///     .allow_methods(["TRACE"])
///     .build()
///     .unwrap_err();
/// assert_eq!(err.errors().len(), 2);
/// println!("{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    errors: Vec<ConfigError>,
}

impl BuildError {
    pub(crate) fn new(errors: Vec<ConfigError>) -> Self {
        BuildError { errors }
    }

    /// The problems found, in the order the builder met them.
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
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid CORS policy ")?;
        write_problems(f, &self.errors, |f, e| write!(f, "{e}"))
    }
}

/// Writes `(N problem[s]): ` and then each problem with `write_one`,
/// separated by `; `: the one form of every error that lists problems.
pub(crate) fn write_problems<T>(
    f: &mut fmt::Formatter<'_>,
    problems: &[T],
    write_one: impl Fn(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    let n = problems.len();
    write!(f, "({n} problem{}): ", if n == 1 { "" } else { "s" })?;
    for (i, problem) in problems.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write_one(f, problem)?;
    }
    Ok(())
}

impl std::error::Error for BuildError {}

impl IntoIterator for BuildError {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}
