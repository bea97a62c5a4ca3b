//! The settings of a policy: every option, its default, and its name, in
//! one place. [`CorsConfig`] is the builder's state, the shape of a
//! configuration file (with the `serde` feature), what
//! [`CorsLayer::config`](crate::CorsLayer::config) returns, and what the
//! `tracing` event of a built policy prints.

use http::StatusCode;

/// The status of an accepted preflight unless set.
pub(crate) const DEFAULT_PREFLIGHT_STATUS: StatusCode = StatusCode::NO_CONTENT;
/// The status of a refused preflight (or a blocked request) unless set.
pub(crate) const DEFAULT_REFUSAL_STATUS: StatusCode = StatusCode::FORBIDDEN;

/// The names of the settings that errors and refusals point at: each is
/// the [`CorsConfig`] field and the [`CorsBuilder`](crate::CorsBuilder)
/// method that sets it.
pub(crate) mod name {
    pub(crate) const ALLOW_ORIGINS: &str = "allow_origins";
    pub(crate) const VARY_ON: &str = "vary_on";
    pub(crate) const ALLOW_METHODS: &str = "allow_methods";
    pub(crate) const ALLOW_HEADERS: &str = "allow_headers";
    pub(crate) const EXPOSE_HEADERS: &str = "expose_headers";
    pub(crate) const PREFLIGHT_STATUS: &str = "preflight_status";
    pub(crate) const REFUSAL_STATUS: &str = "refusal_status";
    pub(crate) const BLOCK_DISALLOWED_ORIGINS: &str = "block_disallowed_origins";
    pub(crate) const ALLOW_NULL_ORIGIN: &str = "allow_null_origin";
    pub(crate) const ALLOW_PRIVATE_NETWORK: &str = "allow_private_network";
    pub(crate) const CROSS_ORIGIN_PROTECTION: &str = "cross_origin_protection";
    pub(crate) const CROSS_ORIGIN_PROTECTION_BYPASS: &str = "cross_origin_protection_bypass";
}

/// Who decides when both the inner service and the layer have a value for
/// the same CORS response header.
///
/// In configuration files (the `serde` feature) it is written
/// `"upstream_wins"` or `"layer_wins"`.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, Precedence};
///
/// // Behave like tower-http's CorsLayer: the layer's headers replace the handler's.
/// let cors = CorsLayer::builder()
///     .allow_any_origin()
///     .precedence(Precedence::LayerWins)
///     .build()?;
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Precedence {
    /// The inner (upstream) service's CORS headers win, as at an API gateway:
    /// a header the handler set reaches the browser unchanged, and the layer
    /// adds only the headers the handler did not set.
    ///
    /// The layer adds `Access-Control-Allow-Credentials` and
    /// `Access-Control-Expose-Headers` only next to its own
    /// `Access-Control-Allow-Origin`: when the handler set that header to
    /// another value, the layer adds neither, so it never grants credentials
    /// or exposes headers to an origin the policy did not choose. When the
    /// handler set only `Access-Control-Allow-Credentials: true` and the
    /// layer would answer `*`, the layer adds no `Access-Control-Allow-Origin`
    /// at all, since browsers refuse `*` with credentials.
    #[default]
    UpstreamWins,
    /// The layer's CORS decision is the whole answer: every CORS header the
    /// handler set is removed (`Access-Control-Allow-Private-Network`
    /// included), then the layer's are added (for an origin that is not
    /// allowed, none). This is how tower-http's `CorsLayer` behaves, for
    /// users migrating from it.
    LayerWins,
}

/// Every setting of a CORS policy, with its default: what
/// [`CorsBuilder`](crate::CorsBuilder) records, what
/// [`CorsLayer::config`](crate::CorsLayer::config) returns, and, with the
/// `serde` feature, the shape of a configuration file in this crate's own
/// terms. Each setting is named after the builder method that sets it and
/// holds what that method takes; the last two fields only report whether
/// the layer has origin predicates, which a configuration cannot hold.
///
/// | field | type | default |
/// | --- | --- | --- |
/// | `allow_origins` | list of strings (`"*"`: any origin) | `[]` |
/// | `vary_on` | list of request header names the origin predicates read | `[]` |
/// | `allow_methods` | list of strings (`"*"`: any method) | `[]` |
/// | `allow_headers` | list of strings (`"*"`: any header) | `[]` |
/// | `expose_headers` | list of strings (`"*"`: every header) | `[]` |
/// | `allow_credentials` | bool | `false` |
/// | `max_age` | seconds | absent: not sent |
/// | `preflight_status` | status code | `204` |
/// | `preflight_passthrough` | bool | `false` |
/// | `refusal_status` | status code | `403` |
/// | `precedence` | `"upstream_wins"` or `"layer_wins"` | `"upstream_wins"` |
/// | `block_disallowed_origins` | bool | `false` |
/// | `cross_origin_protection` | bool | `false` |
/// | `cross_origin_protection_bypass` | list of paths (`/webhooks`, `/api/*/hook`) | `[]` |
/// | `allow_private_network` | bool | `false` |
/// | `allow_null_origin` | bool | `false` |
/// | `allow_file_origin` | bool | `false` |
/// | `dangerously_allow_insecure_origins_with_credentials` | bool | `false` |
/// | `dangerously_allow_null_or_file_origin_with_credentials` | bool | `false` |
/// | `record_decisions` | bool | `false` |
/// | `debug` | bool | `false` |
/// | `origin_predicate`, `async_origin_predicate` | bool, set by [`CorsLayer::config`](crate::CorsLayer::config), ignored when building, refused as `true` in a file | `false` (absent) |
///
/// Write one as a struct literal, from a file, or with the builder, and
/// turn it into a layer with `CorsLayer::try_from`, which checks it as
/// [`CorsBuilder::build`](crate::CorsBuilder::build) does; or into a
/// builder with `CorsBuilder::from`, to add an origin predicate first.
///
/// In a file an absent field takes its default, and a field the shape does
/// not know is an error, so that a misspelt name is not silently ignored.
/// Reading a file checks only the form of each value (a list, a status code
/// from 100 to 999); the policy is checked when it is built. To get a
/// checked layer in one step, deserialize a
/// [`CorsLayer`](crate::CorsLayer) instead, whose error names each
/// problem's field and value.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsConfig, CorsLayer};
///
/// let config = CorsConfig {
///     allow_origins: vec!["https://app.example.com".into()],
///     allow_methods: vec!["GET".into(), "PUT".into()],
///     allow_credentials: true,
///     max_age: Some(600),
///     ..CorsConfig::default()
/// };
/// let cors = CorsLayer::try_from(config.clone())?;
/// assert_eq!(cors.config(), Some(config));
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default, deny_unknown_fields)
)]
pub struct CorsConfig {
    /// See [`CorsBuilder::allow_origins`](crate::CorsBuilder::allow_origins).
    pub allow_origins: Vec<String>,
    /// See [`CorsBuilder::vary_on`](crate::CorsBuilder::vary_on).
    pub vary_on: Vec<String>,
    /// See [`CorsBuilder::allow_methods`](crate::CorsBuilder::allow_methods).
    pub allow_methods: Vec<String>,
    /// See [`CorsBuilder::allow_headers`](crate::CorsBuilder::allow_headers).
    pub allow_headers: Vec<String>,
    /// See [`CorsBuilder::expose_headers`](crate::CorsBuilder::expose_headers).
    pub expose_headers: Vec<String>,
    /// See [`CorsBuilder::allow_credentials`](crate::CorsBuilder::allow_credentials).
    pub allow_credentials: bool,
    /// In whole seconds; see [`CorsBuilder::max_age`](crate::CorsBuilder::max_age).
    /// `None`: not sent.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub max_age: Option<u64>,
    /// See [`CorsBuilder::preflight_status`](crate::CorsBuilder::preflight_status).
    #[cfg_attr(feature = "serde", serde(with = "status"))]
    pub preflight_status: StatusCode,
    /// See [`CorsBuilder::preflight_passthrough`](crate::CorsBuilder::preflight_passthrough).
    pub preflight_passthrough: bool,
    /// See [`CorsBuilder::refusal_status`](crate::CorsBuilder::refusal_status).
    #[cfg_attr(feature = "serde", serde(with = "status"))]
    pub refusal_status: StatusCode,
    /// See [`CorsBuilder::precedence`](crate::CorsBuilder::precedence).
    pub precedence: Precedence,
    /// See [`CorsBuilder::block_disallowed_origins`](crate::CorsBuilder::block_disallowed_origins).
    pub block_disallowed_origins: bool,
    /// See [`CorsBuilder::cross_origin_protection`](crate::CorsBuilder::cross_origin_protection).
    pub cross_origin_protection: bool,
    /// See [`CorsBuilder::cross_origin_protection_bypass`](crate::CorsBuilder::cross_origin_protection_bypass).
    pub cross_origin_protection_bypass: Vec<String>,
    /// See [`CorsBuilder::allow_private_network`](crate::CorsBuilder::allow_private_network).
    pub allow_private_network: bool,
    /// See [`CorsBuilder::allow_null_origin`](crate::CorsBuilder::allow_null_origin).
    pub allow_null_origin: bool,
    /// See [`CorsBuilder::allow_file_origin`](crate::CorsBuilder::allow_file_origin).
    pub allow_file_origin: bool,
    /// See [`CorsBuilder::dangerously_allow_insecure_origins_with_credentials`](crate::CorsBuilder::dangerously_allow_insecure_origins_with_credentials).
    pub dangerously_allow_insecure_origins_with_credentials: bool,
    /// See [`CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials`](crate::CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials).
    pub dangerously_allow_null_or_file_origin_with_credentials: bool,
    /// See [`CorsBuilder::record_decisions`](crate::CorsBuilder::record_decisions).
    pub record_decisions: bool,
    /// See [`CorsBuilder::debug`](crate::CorsBuilder::debug). In
    /// [`CorsLayer::config`](crate::CorsLayer::config), whether debug mode
    /// is on now ([`CorsLayer::set_debug_mode`](crate::CorsLayer::set_debug_mode)
    /// may have switched it).
    pub debug: bool,
    /// Whether the layer has an origin predicate
    /// ([`CorsBuilder::allow_origin_predicate`](crate::CorsBuilder::allow_origin_predicate)),
    /// which a configuration cannot hold: set by
    /// [`CorsLayer::config`](crate::CorsLayer::config), never read when a
    /// policy is built (a builder gets predicates from its own methods, and
    /// the built layer's configuration says whether it has one). A file
    /// that sets it to `true` is refused when it is read, since the policy
    /// it describes cannot be rebuilt from it; in a written file it is
    /// absent when `false`.
    #[cfg_attr(
        feature = "serde",
        serde(
            skip_serializing_if = "is_false",
            deserialize_with = "no_predicate_from_a_file"
        )
    )]
    pub origin_predicate: bool,
    /// Whether the layer has an asynchronous origin predicate
    /// ([`CorsBuilder::allow_origin_async`](crate::CorsBuilder::allow_origin_async)),
    /// as [`origin_predicate`](CorsConfig::origin_predicate).
    #[cfg_attr(
        feature = "serde",
        serde(
            skip_serializing_if = "is_false",
            deserialize_with = "no_predicate_from_a_file"
        )
    )]
    pub async_origin_predicate: bool,
}

impl Default for CorsConfig {
    /// The empty policy of [`CorsBuilder::new`](crate::CorsBuilder::new),
    /// which allows no origin yet.
    ///
    /// # Example
    ///
    /// ```
    /// use http::StatusCode;
    /// use tower_cors::CorsConfig;
    ///
    /// let config = CorsConfig::default();
    /// assert!(config.allow_origins.is_empty());
    /// assert_eq!(config.preflight_status, StatusCode::NO_CONTENT);
    /// assert_eq!(config.refusal_status, StatusCode::FORBIDDEN);
    /// ```
    fn default() -> Self {
        CorsConfig {
            allow_origins: Vec::new(),
            vary_on: Vec::new(),
            allow_methods: Vec::new(),
            allow_headers: Vec::new(),
            expose_headers: Vec::new(),
            allow_credentials: false,
            max_age: None,
            preflight_status: DEFAULT_PREFLIGHT_STATUS,
            preflight_passthrough: false,
            refusal_status: DEFAULT_REFUSAL_STATUS,
            precedence: Precedence::UpstreamWins,
            block_disallowed_origins: false,
            cross_origin_protection: false,
            cross_origin_protection_bypass: Vec::new(),
            allow_private_network: false,
            allow_null_origin: false,
            allow_file_origin: false,
            dangerously_allow_insecure_origins_with_credentials: false,
            dangerously_allow_null_or_file_origin_with_credentials: false,
            record_decisions: false,
            debug: false,
            origin_predicate: false,
            async_origin_predicate: false,
        }
    }
}

#[cfg(feature = "serde")]
fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(feature = "serde")]
fn no_predicate_from_a_file<'de, D>(deserializer: D) -> Result<bool, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;

    if bool::deserialize(deserializer)? {
        Err(serde::de::Error::custom(
            "an origin predicate cannot be read from a file: remove this field and add the \
             predicate to the builder (CorsBuilder::from(config))",
        ))
    } else {
        Ok(false)
    }
}

/// A status code as its number, from 100 to 999.
#[cfg(feature = "serde")]
mod status {
    use http::StatusCode;
    use serde::de::{Error, Unexpected};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        status: &StatusCode,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(status.as_u16())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<StatusCode, D::Error> {
        let code = u16::deserialize(deserializer)?;
        StatusCode::from_u16(code).map_err(|_| {
            D::Error::invalid_value(
                Unexpected::Unsigned(code.into()),
                &"a status code from 100 to 999",
            )
        })
    }
}
