//! [`GatewayPluginConfig`]: a policy in the shape of the API gateway's CORS
//! plug-in, so that a gateway policy moves over unchanged.

use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::cors::CorsConfig;
use crate::builder::CorsBuilder;
use crate::error::{BuildError, ConfigError};
use crate::layer::CorsLayer;
use crate::presets::{
    GATEWAY_ALLOWED_HEADERS, GATEWAY_EXPOSED_HEADERS, GATEWAY_MAX_AGE_SECS, GATEWAY_METHODS,
};

/// A CORS policy in the shape of the API gateway's CORS plug-in: lists as
/// comma-separated strings, so that a plug-in's policy moves over unchanged.
///
/// | field | type | default (the gateway's, as [`CorsLayer::gateway`]) |
/// | --- | --- | --- |
/// | `allow_origin` | comma-separated origins, or `"*"` | `"*"` |
/// | `allow_methods` | comma-separated methods, or `"*"` | `"GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH"` |
/// | `allow_headers` | comma-separated header names, or `"*"` | [`GATEWAY_ALLOWED_HEADERS`], joined with `,` |
/// | `expose_headers` | comma-separated header names, or `"*"` | [`GATEWAY_EXPOSED_HEADERS`], joined with `,` |
/// | `max_age` | seconds | `172800` |
/// | `allow_credentials` | bool | `false` |
///
/// An absent field takes the gateway's default, so an empty file is
/// [`CorsLayer::gateway`]; a field the shape does not know is an error.
/// Items are trimmed, and empty items are skipped (`"GET, PUT,"` is `GET`
/// and `PUT`; `""` is an empty list). What the plug-in shape has no field
/// for is the gateway's too: accepted preflights get `200 OK`, refused ones
/// `403 Forbidden`, and the upstream service's CORS headers win.
///
/// The policy is checked by the builder, with the same typed errors: a
/// gateway policy that this crate refuses (credentials with
/// `allow_origin = "*"`, say) is refused here too.
/// [`GatewayPluginConfig::field`] names the field of each problem in this
/// shape.
///
/// # Example
///
/// ```
/// use tower_cors::GatewayPluginConfig;
///
/// let plugin: GatewayPluginConfig = serde_json::from_str(r#"{
///     "allow_origin": "https://app.example.com,https://admin.example.com",
///     "allow_methods": "GET,POST,PUT",
///     "allow_headers": "Content-Type,Authorization",
///     "expose_headers": "X-Request-Id",
///     "max_age": 600,
///     "allow_credentials": true
/// }"#)?;
/// let cors = plugin.build()?;
/// assert_eq!(cors.config().allow_methods, ["GET", "POST", "PUT"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct GatewayPluginConfig {
    /// The allowed origins, comma-separated; `"*"` is any origin.
    pub allow_origin: String,
    /// The allowed methods, comma-separated; `"*"` is any method.
    pub allow_methods: String,
    /// The allowed request headers, comma-separated; `"*"` is any header.
    pub allow_headers: String,
    /// The exposed response headers, comma-separated; `"*"` is every header.
    pub expose_headers: String,
    /// How long browsers may cache a preflight answer, in seconds.
    pub max_age: u64,
    /// Whether credentialed requests are allowed.
    pub allow_credentials: bool,
}

impl Default for GatewayPluginConfig {
    /// The gateway's defaults, the policy of [`CorsLayer::gateway`].
    fn default() -> Self {
        GatewayPluginConfig {
            allow_origin: "*".to_owned(),
            allow_methods: GATEWAY_METHODS.join(","),
            allow_headers: GATEWAY_ALLOWED_HEADERS.join(","),
            expose_headers: GATEWAY_EXPOSED_HEADERS.join(","),
            max_age: GATEWAY_MAX_AGE_SECS,
            allow_credentials: false,
        }
    }
}

/// The items of a comma-separated list, trimmed, empty ones skipped.
fn items(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

impl GatewayPluginConfig {
    /// The same policy in this crate's own shape: the lists split, and the
    /// gateway's values for what the plug-in shape has no field for
    /// (preflight status `200`; the others are the builder's defaults).
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsConfig, CorsLayer, GatewayPluginConfig};
    ///
    /// let config = GatewayPluginConfig::default().into_config();
    /// assert_eq!(config, CorsLayer::gateway().config());
    /// ```
    pub fn into_config(self) -> CorsConfig {
        let mut config = CorsConfig::default();
        config.allow_origins = items(&self.allow_origin);
        config.allow_methods = items(&self.allow_methods);
        config.allow_headers = items(&self.allow_headers);
        config.expose_headers = items(&self.expose_headers);
        config.max_age = Some(self.max_age);
        config.allow_credentials = self.allow_credentials;
        config.preflight_status = StatusCode::OK;
        config
    }

    /// A builder holding this policy, to adjust before building.
    ///
    /// # Example
    ///
    /// ```
    /// let plugin: tower_cors::GatewayPluginConfig =
    ///     toml::from_str(r#"allow_origin = "https://app.example.com""#)?;
    /// let cors = plugin.into_builder().record_decisions(true).build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_builder(self) -> CorsBuilder {
        self.into_config().into_builder()
    }

    /// Checks the policy and compiles it: [`CorsBuilder::build`] of
    /// [`into_builder`](GatewayPluginConfig::into_builder), with the same
    /// typed errors.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, GatewayPluginConfig, Wildcard};
    ///
    /// let plugin: GatewayPluginConfig = toml::from_str("allow_credentials = true")?;
    /// let err = plugin.build().unwrap_err();
    /// assert_eq!(err.errors(), &[ConfigError::WildcardWithCredentials(Wildcard::Origins)]);
    /// assert_eq!(GatewayPluginConfig::field(&err.errors()[0]), Some("allow_origin"));
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    pub fn build(self) -> Result<CorsLayer, BuildError> {
        self.into_builder().build()
    }

    /// The field of this shape that `error` is about:
    /// [`ConfigError::field`] with `allow_origins` spelt `allow_origin`, or
    /// `None` for the settings this shape has no field for (the statuses,
    /// blocking), whose errors a plug-in policy cannot cause.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, GatewayPluginConfig};
    ///
    /// let err = ConfigError::InvalidMethod { value: "GET POST".to_owned() };
    /// assert_eq!(GatewayPluginConfig::field(&err), Some("allow_methods"));
    /// ```
    pub fn field(error: &ConfigError) -> Option<&'static str> {
        match error.field() {
            "allow_origins" => Some("allow_origin"),
            field @ ("allow_methods" | "allow_headers" | "expose_headers") => Some(field),
            _ => None,
        }
    }
}

impl From<GatewayPluginConfig> for CorsConfig {
    /// [`GatewayPluginConfig::into_config`].
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsConfig, GatewayPluginConfig};
    ///
    /// let config = CorsConfig::from(GatewayPluginConfig::default());
    /// assert_eq!(config.allow_origins, ["*"]);
    /// ```
    fn from(plugin: GatewayPluginConfig) -> Self {
        plugin.into_config()
    }
}

impl From<GatewayPluginConfig> for CorsBuilder {
    /// [`GatewayPluginConfig::into_builder`].
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsBuilder, GatewayPluginConfig};
    ///
    /// let cors = CorsBuilder::from(GatewayPluginConfig::default()).build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    fn from(plugin: GatewayPluginConfig) -> Self {
        plugin.into_builder()
    }
}
