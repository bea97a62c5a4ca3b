//! [`CorsConfig`]: a policy in this crate's own shape, one field for each
//! builder method.

use std::time::Duration;

use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::builder::CorsBuilder;
use crate::error::BuildError;
use crate::layer::CorsLayer;
use crate::policy::Precedence;

/// A CORS policy as a configuration file writes it, in this crate's own
/// shape: each field is named after the [`CorsBuilder`] method that sets it
/// and holds what that method takes. It deserializes from any serde format
/// and serializes back.
///
/// | field | type | default (as the builder's) |
/// | --- | --- | --- |
/// | `allow_origins` | list of strings (`"*"`: any origin) | `[]` |
/// | `allow_methods` | list of strings (`"*"`: any method) | `[]` |
/// | `allow_headers` | list of strings (`"*"`: any header) | `[]` |
/// | `expose_headers` | list of strings (`"*"`: every header) | `[]` |
/// | `allow_credentials` | bool | `false` |
/// | `max_age` | seconds | absent: not sent |
/// | `preflight_status` | status code | `204` |
/// | `refusal_status` | status code | `403` |
/// | `precedence` | `"upstream_wins"` or `"layer_wins"` | `"upstream_wins"` |
/// | `block_disallowed_origins` | bool | `false` |
/// | `allow_private_network` | bool | `false` |
/// | `allow_null_origin` | bool | `false` |
/// | `allow_file_origin` | bool | `false` |
/// | `dangerously_allow_insecure_origins_with_credentials` | bool | `false` |
/// | `dangerously_allow_null_or_file_origin_with_credentials` | bool | `false` |
/// | `record_decisions` | bool | `false` |
/// | `debug` | bool | `false` |
///
/// An absent field takes the builder's default, and a field the shape does
/// not know is an error, so that a misspelt name is not silently ignored.
/// Deserializing checks only the form of each value (a list, a status code
/// from 100 to 999); the policy is checked by [`build`](CorsConfig::build),
/// which is [`CorsBuilder::build`] itself. To get a checked layer in one step,
/// deserialize a [`CorsLayer`] instead, whose error names the field and the
/// value (see [`ConfigFileError`](crate::ConfigFileError)).
///
/// Origin predicates cannot be written in a file. The configuration of a
/// layer that has one ([`CorsLayer::config`]) says so with
/// `origin_predicate = true` or `async_origin_predicate = true` (absent when
/// false); a file that sets either to `true` is refused when it is read, since
/// the policy it describes cannot be rebuilt from it. Add a predicate to the
/// builder instead: `config.into_builder().allow_origin_predicate(..)`.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsConfig, CorsLayer};
///
/// let config: CorsConfig = toml::from_str(r#"
///     allow_origins = ["https://app.example.com"]
///     allow_methods = ["GET", "PUT"]
///     allow_credentials = true
///     max_age = 600
/// "#)?;
/// let cors: CorsLayer = config.clone().build()?;
/// assert_eq!(cors.config(), config);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsConfig {
    /// See [`CorsBuilder::allow_origins`].
    pub allow_origins: Vec<String>,
    /// See [`CorsBuilder::allow_methods`].
    pub allow_methods: Vec<String>,
    /// See [`CorsBuilder::allow_headers`].
    pub allow_headers: Vec<String>,
    /// See [`CorsBuilder::expose_headers`].
    pub expose_headers: Vec<String>,
    /// See [`CorsBuilder::allow_credentials`].
    pub allow_credentials: bool,
    /// In whole seconds; see [`CorsBuilder::max_age`]. `None`: not sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// See [`CorsBuilder::preflight_status`].
    #[serde(with = "super::status")]
    pub preflight_status: StatusCode,
    /// See [`CorsBuilder::refusal_status`].
    #[serde(with = "super::status")]
    pub refusal_status: StatusCode,
    /// See [`CorsBuilder::precedence`].
    pub precedence: Precedence,
    /// See [`CorsBuilder::block_disallowed_origins`].
    pub block_disallowed_origins: bool,
    /// See [`CorsBuilder::allow_private_network`].
    pub allow_private_network: bool,
    /// See [`CorsBuilder::allow_null_origin`].
    pub allow_null_origin: bool,
    /// See [`CorsBuilder::allow_file_origin`].
    pub allow_file_origin: bool,
    /// See [`CorsBuilder::dangerously_allow_insecure_origins_with_credentials`].
    pub dangerously_allow_insecure_origins_with_credentials: bool,
    /// See [`CorsBuilder::dangerously_allow_null_or_file_origin_with_credentials`].
    pub dangerously_allow_null_or_file_origin_with_credentials: bool,
    /// See [`CorsBuilder::record_decisions`].
    pub record_decisions: bool,
    /// See [`CorsBuilder::debug`]. In [`CorsLayer::config`], whether debug
    /// mode is on now (a [`DebugSwitch`](crate::DebugSwitch) may have
    /// switched it).
    pub debug: bool,
    /// Whether the layer has a synchronous origin predicate: written, never
    /// read as `true`.
    #[serde(
        skip_serializing_if = "is_false",
        deserialize_with = "no_predicate_from_a_file"
    )]
    origin_predicate: bool,
    /// Whether the layer has an asynchronous origin predicate: written,
    /// never read as `true`.
    #[serde(
        skip_serializing_if = "is_false",
        deserialize_with = "no_predicate_from_a_file"
    )]
    async_origin_predicate: bool,
}

impl Default for CorsConfig {
    /// The builder's defaults: [`CorsBuilder::new`]'s empty policy, which
    /// allows no origin yet.
    fn default() -> Self {
        CorsConfig {
            allow_origins: Vec::new(),
            allow_methods: Vec::new(),
            allow_headers: Vec::new(),
            expose_headers: Vec::new(),
            allow_credentials: false,
            max_age: None,
            preflight_status: StatusCode::NO_CONTENT,
            refusal_status: StatusCode::FORBIDDEN,
            precedence: Precedence::UpstreamWins,
            block_disallowed_origins: false,
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

fn is_false(value: &bool) -> bool {
    !*value
}

fn no_predicate_from_a_file<'de, D>(deserializer: D) -> Result<bool, D::Error>
where
    D: serde::Deserializer<'de>,
{
    if bool::deserialize(deserializer)? {
        Err(serde::de::Error::custom(
            "an origin predicate cannot be read from a file: remove this field and add the \
             predicate to the builder (CorsConfig::into_builder)",
        ))
    } else {
        Ok(false)
    }
}

impl CorsConfig {
    /// Records which predicates the layer has; for the builder.
    pub(crate) fn set_predicates(&mut self, sync: bool, r#async: bool) {
        self.origin_predicate = sync;
        self.async_origin_predicate = r#async;
    }

    /// Whether the layer this configuration describes has an origin
    /// predicate ([`CorsBuilder::allow_origin_predicate`]), which a file
    /// cannot hold. Always `false` for a configuration that was read.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".example.com"))
    ///     .build()?;
    /// assert!(cors.config().origin_predicate());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn origin_predicate(&self) -> bool {
        self.origin_predicate
    }

    /// Whether the layer this configuration describes has an asynchronous
    /// origin predicate ([`CorsBuilder::allow_origin_async`]), which a file
    /// cannot hold. Always `false` for a configuration that was read.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// assert!(!cors.config().async_origin_predicate());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn async_origin_predicate(&self) -> bool {
        self.async_origin_predicate
    }

    /// A builder holding this policy, to adjust (add a predicate, say)
    /// before building. Unchecked until [`CorsBuilder::build`]. The
    /// predicate flags are not carried over: a builder gets predicates from
    /// its own methods.
    ///
    /// # Example
    ///
    /// ```
    /// let config: tower_cors::CorsConfig = serde_json::from_str(
    ///     r#"{ "allow_origins": ["https://app.example.com"] }"#,
    /// )?;
    /// let cors = config
    ///     .into_builder()
    ///     .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".example.org"))
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_builder(self) -> CorsBuilder {
        let mut builder = CorsBuilder::new()
            .allow_origins(self.allow_origins)
            .allow_methods(self.allow_methods)
            .allow_headers(self.allow_headers)
            .expose_headers(self.expose_headers)
            .allow_credentials(self.allow_credentials)
            .preflight_status(self.preflight_status)
            .refusal_status(self.refusal_status)
            .precedence(self.precedence)
            .block_disallowed_origins(self.block_disallowed_origins)
            .allow_private_network(self.allow_private_network)
            .allow_null_origin(self.allow_null_origin)
            .allow_file_origin(self.allow_file_origin)
            .dangerously_allow_insecure_origins_with_credentials(
                self.dangerously_allow_insecure_origins_with_credentials,
            )
            .dangerously_allow_null_or_file_origin_with_credentials(
                self.dangerously_allow_null_or_file_origin_with_credentials,
            )
            .record_decisions(self.record_decisions)
            .debug(self.debug);
        if let Some(seconds) = self.max_age {
            builder = builder.max_age(Duration::from_secs(seconds));
        }
        builder
    }

    /// Checks the policy and compiles it: [`CorsBuilder::build`] of
    /// [`into_builder`](CorsConfig::into_builder), with the same typed
    /// errors. [`ConfigError::field`](crate::ConfigError::field) names the
    /// field of each problem.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsConfig};
    ///
    /// let config: CorsConfig = serde_json::from_str(r#"{ "allow_origins": ["https://app.example.com/"] }"#)?;
    /// let err = config.build().unwrap_err();
    /// assert!(matches!(&err.errors()[0], ConfigError::InvalidOrigin { value, .. } if value == "https://app.example.com/"));
    /// assert_eq!(err.errors()[0].field(), "allow_origins");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn build(self) -> Result<CorsLayer, BuildError> {
        self.into_builder().build()
    }
}

impl From<CorsConfig> for CorsBuilder {
    /// [`CorsConfig::into_builder`].
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, CorsConfig};
    ///
    /// let mut config = CorsConfig::default();
    /// config.allow_origins = vec!["https://app.example.com".to_owned()];
    /// let cors = CorsBuilder::from(config).build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    fn from(config: CorsConfig) -> Self {
        config.into_builder()
    }
}
