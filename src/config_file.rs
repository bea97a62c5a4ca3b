//! Policies from configuration files (the `serde` feature): in this
//! crate's own shape ([`CorsConfig`]) or in the API gateway's CORS plug-in
//! shape ([`GatewayPluginConfig`]), or either of them under a tag
//! ([`AnyCorsConfig`]). Every shape converts into a builder and is checked
//! by [`CorsBuilder::build`]: there is no second set of rules.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::builder::CorsBuilder;
use crate::error::{BuildError, Shape};
use crate::presets::gateway_config;
use crate::serve::layer::CorsLayer;
use crate::settings::CorsConfig;

/// A CORS policy in the shape of the API gateway's CORS plug-in: lists as
/// comma-separated strings, so that a plug-in's policy moves over unchanged.
///
/// | field | type | default (the gateway's, as [`CorsLayer::gateway`]) |
/// | --- | --- | --- |
/// | `allow_origin` | comma-separated origins, or `"*"` | `"*"` |
/// | `allow_methods` | comma-separated methods, or `"*"` | `"GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH"` |
/// | `allow_headers` | comma-separated header names, or `"*"` | [`GATEWAY_ALLOWED_HEADERS`](crate::presets::GATEWAY_ALLOWED_HEADERS), joined with `,` |
/// | `expose_headers` | comma-separated header names, or `"*"` | [`GATEWAY_EXPOSED_HEADERS`](crate::presets::GATEWAY_EXPOSED_HEADERS), joined with `,` |
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
/// `allow_origin = "*"`, say) is refused here too, and the error's message
/// names each field as this shape spells it.
///
/// # Example
///
/// ```
/// use tower_cors::{CorsLayer, GatewayPluginConfig};
///
/// let plugin: GatewayPluginConfig = serde_json::from_str(r#"{
///     "allow_origin": "https://app.example.com,https://admin.example.com",
///     "allow_methods": "GET,POST,PUT",
///     "allow_headers": "Content-Type,Authorization",
///     "expose_headers": "X-Request-Id",
///     "max_age": 600,
///     "allow_credentials": true
/// }"#)?;
/// let cors = CorsLayer::try_from(plugin)?;
/// assert_eq!(cors.config().unwrap().allow_methods, ["GET", "POST", "PUT"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Default for GatewayPluginConfig {
    /// The gateway's defaults, the policy of [`CorsLayer::gateway`].
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsConfig, CorsLayer, GatewayPluginConfig};
    ///
    /// let plugin = GatewayPluginConfig::default();
    /// assert_eq!(plugin.allow_origin, "*");
    /// assert_eq!(plugin.max_age, 172_800);
    /// assert_eq!(Some(CorsConfig::from(plugin)), CorsLayer::gateway().config());
    /// ```
    fn default() -> Self {
        let gateway = gateway_config();
        GatewayPluginConfig {
            allow_origin: gateway.allow_origins.join(","),
            allow_methods: gateway.allow_methods.join(","),
            allow_headers: gateway.allow_headers.join(","),
            expose_headers: gateway.expose_headers.join(","),
            max_age: gateway.max_age.unwrap_or_default(),
            allow_credentials: gateway.allow_credentials,
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

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl GatewayPluginConfig {
    /// The field of this shape that `error` is about:
    /// [`ConfigError::field`](crate::ConfigError::field) with
    /// `allow_origins` spelt `allow_origin`, or `None` for the settings this
    /// shape has no field for (the statuses, blocking), whose errors a
    /// plug-in policy cannot cause.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, GatewayPluginConfig};
    ///
    /// let err = ConfigError::InvalidMethod { value: "GET POST".to_owned() };
    /// assert_eq!(GatewayPluginConfig::field(&err), Some("allow_methods"));
    /// ```
    pub fn field(error: &crate::ConfigError) -> Option<&'static str> {
        match Shape::GatewayPlugin.field(error.field()) {
            field @ ("allow_origin" | "allow_methods" | "allow_headers" | "expose_headers") => {
                Some(field)
            }
            _ => None,
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl From<GatewayPluginConfig> for CorsConfig {
    /// The same policy in this crate's own shape: the lists split, and the
    /// gateway's values for what the plug-in shape has no field for
    /// (preflight status `200`; the others are the defaults).
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsConfig, CorsLayer, GatewayPluginConfig};
    ///
    /// let config = CorsConfig::from(GatewayPluginConfig::default());
    /// assert_eq!(Some(config), CorsLayer::gateway().config());
    /// ```
    fn from(plugin: GatewayPluginConfig) -> Self {
        CorsConfig {
            allow_origins: items(&plugin.allow_origin),
            allow_methods: items(&plugin.allow_methods),
            allow_headers: items(&plugin.allow_headers),
            expose_headers: items(&plugin.expose_headers),
            max_age: Some(plugin.max_age),
            allow_credentials: plugin.allow_credentials,
            ..gateway_config()
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl From<GatewayPluginConfig> for CorsBuilder {
    /// A builder holding the plug-in's policy, to adjust before building;
    /// its errors name the fields as the plug-in shape spells them.
    ///
    /// # Example
    ///
    /// ```
    /// let plugin: tower_cors::GatewayPluginConfig =
    ///     toml::from_str(r#"allow_origin = "https://app.example.com""#)?;
    /// let cors = tower_cors::CorsBuilder::from(plugin).record_decisions(true).build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from(plugin: GatewayPluginConfig) -> Self {
        CorsBuilder::from(CorsConfig::from(plugin)).in_shape(Shape::GatewayPlugin)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl TryFrom<GatewayPluginConfig> for CorsLayer {
    type Error = BuildError;

    /// Checks the plug-in's policy and compiles it, as
    /// [`CorsBuilder::build`] does; the error names the fields as the
    /// plug-in shape spells them.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsLayer, GatewayPluginConfig};
    ///
    /// let plugin: GatewayPluginConfig = toml::from_str("allow_credentials = true")?;
    /// let err = CorsLayer::try_from(plugin).unwrap_err();
    /// assert_eq!(err.errors(), &[ConfigError::AnyOriginWithCredentials]);
    /// assert!(err.to_string().contains("allow_origin: any origin cannot be combined"));
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    fn try_from(plugin: GatewayPluginConfig) -> Result<Self, Self::Error> {
        CorsBuilder::from(plugin).build()
    }
}

/// A policy in either shape, told apart by a tag: the key `tower_cors`
/// holds a [`CorsConfig`], the key `gateway_plugin` a
/// [`GatewayPluginConfig`].
///
/// A tag rather than guessing the shape from the fields: a file with a
/// mistake in it would match neither shape, and the error could then only
/// say so, not which field of which shape is wrong. With the tag, the error
/// is the shape's own (an unknown field, a value of the wrong type).
///
/// # Example
///
/// ```
/// use serde::Deserialize;
/// use tower_cors::{AnyCorsConfig, CorsLayer};
///
/// #[derive(Deserialize)]
/// struct Settings {
///     cors: AnyCorsConfig,
/// }
///
/// let settings: Settings = toml::from_str(r#"
///     [cors.gateway_plugin]
///     allow_origin = "https://app.example.com"
///     allow_methods = "GET,PUT"
/// "#)?;
/// let cors = CorsLayer::try_from(settings.cors)?;
///
/// let settings: Settings = toml::from_str(r#"
///     [cors.tower_cors]
///     allow_origins = ["https://app.example.com"]
///     allow_methods = ["GET", "PUT"]
/// "#)?;
/// let cors = CorsLayer::try_from(settings.cors)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnyCorsConfig {
    /// This crate's own shape, under the key `tower_cors`.
    TowerCors(CorsConfig),
    /// The API gateway's CORS plug-in shape, under the key `gateway_plugin`.
    GatewayPlugin(GatewayPluginConfig),
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl From<AnyCorsConfig> for CorsBuilder {
    /// A builder holding the policy, to adjust before building; its errors
    /// name the fields as the shape spells them.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, CorsBuilder, GatewayPluginConfig};
    ///
    /// let any = AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default());
    /// let cors = CorsBuilder::from(any).allow_methods(["GET"]).build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    fn from(any: AnyCorsConfig) -> Self {
        match any {
            AnyCorsConfig::TowerCors(config) => CorsBuilder::from(config),
            AnyCorsConfig::GatewayPlugin(plugin) => CorsBuilder::from(plugin),
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl From<AnyCorsConfig> for CorsConfig {
    /// The policy in this crate's own shape.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, CorsConfig, GatewayPluginConfig};
    ///
    /// let any = AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default());
    /// assert_eq!(CorsConfig::from(any).max_age, Some(172_800));
    /// ```
    fn from(any: AnyCorsConfig) -> Self {
        match any {
            AnyCorsConfig::TowerCors(config) => config,
            AnyCorsConfig::GatewayPlugin(plugin) => CorsConfig::from(plugin),
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl TryFrom<AnyCorsConfig> for CorsLayer {
    type Error = BuildError;

    /// Checks the policy and compiles it, as [`CorsBuilder::build`] does;
    /// the error names the fields as the shape spells them.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, CorsLayer, GatewayPluginConfig};
    ///
    /// let cors = CorsLayer::try_from(AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default()))?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    fn try_from(any: AnyCorsConfig) -> Result<Self, Self::Error> {
        CorsBuilder::from(any).build()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Serialize for CorsLayer {
    /// Serializes [`CorsLayer::config`]; a layer with policies per route
    /// has no one configuration, and fails to serialize.
    ///
    /// # Example
    ///
    /// ```
    /// let text = toml::to_string(&tower_cors::CorsLayer::gateway())?;
    /// assert!(text.contains("max_age = 172800"));
    /// # Ok::<(), toml::ser::Error>(())
    /// ```
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.config() {
            Some(config) => config.serialize(serializer),
            None => Err(serde::ser::Error::custom(
                "a layer with policies per route has no one configuration: serialize each policy's, from CorsLayer::route_table",
            )),
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for CorsLayer {
    /// Reads a [`CorsConfig`] and builds it: a policy that the builder
    /// refuses fails with the message of its [`BuildError`], which names
    /// each problem's field and value.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::CorsLayer;
    ///
    /// let cors: CorsLayer = toml::from_str(r#"allow_origins = ["https://app.example.com"]"#)?;
    /// assert_eq!(cors.config().unwrap().allow_origins, ["https://app.example.com"]);
    ///
    /// let err = toml::from_str::<CorsLayer>(r#"allow_methods = ["TRACE"]"#).unwrap_err();
    /// assert!(err.to_string().contains(r#"allow_methods: method "TRACE" is forbidden"#));
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let config = CorsConfig::deserialize(deserializer)?;
        CorsLayer::try_from(config).map_err(serde::de::Error::custom)
    }
}
