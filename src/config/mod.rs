//! Policies from configuration files (the `serde` feature), in two shapes:
//! this crate's own ([`CorsConfig`], one field for each builder method) and
//! the API gateway's CORS plug-in ([`GatewayPluginConfig`]). Both are
//! checked by [`CorsBuilder::build`](crate::CorsBuilder::build): there is no
//! second set of rules.

mod cors;
mod gateway;

use crate::policy::Policy;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use cors::CorsConfig;
pub use gateway::GatewayPluginConfig;

use crate::builder::CorsBuilder;
use crate::error::{write_problems, BuildError, ConfigError};
use crate::layer::CorsLayer;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnyCorsConfig {
    /// This crate's own shape, under the key `tower_cors`.
    TowerCors(CorsConfig),
    /// The API gateway's CORS plug-in shape, under the key `gateway_plugin`.
    GatewayPlugin(GatewayPluginConfig),
}

impl AnyCorsConfig {
    /// The policy in this crate's own shape.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, GatewayPluginConfig};
    ///
    /// let any = AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default());
    /// assert_eq!(any.into_config().max_age, Some(172_800));
    /// ```
    pub fn into_config(self) -> CorsConfig {
        match self {
            AnyCorsConfig::TowerCors(config) => config,
            AnyCorsConfig::GatewayPlugin(plugin) => plugin.into_config(),
        }
    }

    /// A builder holding this policy, to adjust before building.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, GatewayPluginConfig};
    ///
    /// let any = AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default());
    /// let cors = any.into_builder().allow_methods(["GET"]).build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn into_builder(self) -> CorsBuilder {
        self.into_config().into_builder()
    }

    /// Checks the policy and compiles it, with the builder's typed errors.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, GatewayPluginConfig};
    ///
    /// let cors = AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default()).build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn build(self) -> Result<CorsLayer, BuildError> {
        self.into_builder().build()
    }
}

impl From<AnyCorsConfig> for CorsBuilder {
    /// [`AnyCorsConfig::into_builder`].
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, CorsBuilder, GatewayPluginConfig};
    ///
    /// let cors = CorsBuilder::from(AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default())).build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    fn from(any: AnyCorsConfig) -> Self {
        any.into_builder()
    }
}

/// Which shape a policy was written in, to name its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    TowerCors,
    GatewayPlugin,
}

/// A policy read from a file that [`CorsBuilder::build`](crate::CorsBuilder::build)
/// refused: the [`BuildError`], shown with the field of the file that each
/// problem is about, in the shape the file was written in.
///
/// It is the error of deserializing a [`CorsLayer`] and of converting a
/// configuration into one with `CorsLayer::try_from`. Its message reads
/// `invalid CORS policy (1 problem): allow_methods: method "TRACE" is
/// forbidden: browsers never send it cross-origin`.
///
/// # Example
///
/// ```
/// use tower_cors::{ConfigError, ConfigFileError, CorsLayer, GatewayPluginConfig};
///
/// let mut plugin = GatewayPluginConfig::default();
/// plugin.allow_methods = "GET,TRACE".to_owned();
/// let err: ConfigFileError = CorsLayer::try_from(plugin).unwrap_err();
/// assert_eq!(err.errors(), &[ConfigError::ForbiddenMethod { value: "TRACE".to_owned() }]);
/// assert!(err.to_string().contains(r#"allow_methods: method "TRACE" is forbidden"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFileError {
    error: BuildError,
    shape: Shape,
}

impl ConfigFileError {
    /// The problems found, in the order the builder met them.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsConfig, CorsLayer};
    ///
    /// let config: CorsConfig = toml::from_str("refusal_status = 200")?;
    /// let err = CorsLayer::try_from(config).unwrap_err();
    /// assert_eq!(
    ///     err.errors(),
    ///     &[ConfigError::NoOrigins, ConfigError::RefusalStatusNotError { status: 200 }],
    /// );
    /// assert!(err.to_string().contains("refusal_status: refusal status 200"));
    /// # Ok::<(), toml::de::Error>(())
    /// ```
    pub fn errors(&self) -> &[ConfigError] {
        self.error.errors()
    }

    /// The builder's error, without the fields' names.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{ConfigError, CorsConfig, CorsLayer};
    ///
    /// let err = CorsLayer::try_from(CorsConfig::default()).unwrap_err();
    /// assert_eq!(err.build_error().errors(), &[ConfigError::NoOrigins]);
    /// ```
    pub fn build_error(&self) -> &BuildError {
        &self.error
    }

    /// The name of the field `error` is about, in the shape of the file.
    fn field(&self, error: &ConfigError) -> &'static str {
        match self.shape {
            Shape::TowerCors => error.field(),
            Shape::GatewayPlugin => {
                GatewayPluginConfig::field(error).unwrap_or_else(|| error.field())
            }
        }
    }
}

impl fmt::Display for ConfigFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid CORS policy ")?;
        write_problems(f, self.errors(), |f, error| {
            write!(f, "{}: {error}", self.field(error))
        })
    }
}

impl std::error::Error for ConfigFileError {}

impl From<ConfigFileError> for BuildError {
    /// [`ConfigFileError::build_error`], owned.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{BuildError, CorsConfig, CorsLayer};
    ///
    /// let err: BuildError = CorsLayer::try_from(CorsConfig::default()).unwrap_err().into();
    /// assert_eq!(err.errors().len(), 1);
    /// ```
    fn from(error: ConfigFileError) -> Self {
        error.error
    }
}

fn build(builder: CorsBuilder, shape: Shape) -> Result<CorsLayer, ConfigFileError> {
    builder
        .build()
        .map_err(|error| ConfigFileError { error, shape })
}

impl TryFrom<CorsConfig> for CorsLayer {
    type Error = ConfigFileError;

    /// [`CorsConfig::build`], with an error that names the fields.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsConfig, CorsLayer};
    ///
    /// let mut config = CorsConfig::default();
    /// config.allow_origins = vec!["https://app.example.com".to_owned()];
    /// let cors = CorsLayer::try_from(config)?;
    /// # Ok::<(), tower_cors::ConfigFileError>(())
    /// ```
    fn try_from(config: CorsConfig) -> Result<Self, Self::Error> {
        build(config.into_builder(), Shape::TowerCors)
    }
}

impl TryFrom<GatewayPluginConfig> for CorsLayer {
    type Error = ConfigFileError;

    /// [`GatewayPluginConfig::build`], with an error that names the fields
    /// as the plug-in shape spells them.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, GatewayPluginConfig};
    ///
    /// let mut plugin = GatewayPluginConfig::default();
    /// plugin.allow_origin = "https://app.example.com/".to_owned();
    /// let err = CorsLayer::try_from(plugin).unwrap_err();
    /// assert!(err.to_string().contains(r#"allow_origin: invalid origin "https://app.example.com/""#));
    /// ```
    fn try_from(plugin: GatewayPluginConfig) -> Result<Self, Self::Error> {
        build(plugin.into_builder(), Shape::GatewayPlugin)
    }
}

impl TryFrom<AnyCorsConfig> for CorsLayer {
    type Error = ConfigFileError;

    /// [`AnyCorsConfig::build`], with an error that names the fields as the
    /// shape spells them.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{AnyCorsConfig, CorsLayer, GatewayPluginConfig};
    ///
    /// let cors = CorsLayer::try_from(AnyCorsConfig::GatewayPlugin(GatewayPluginConfig::default()))?;
    /// # Ok::<(), tower_cors::ConfigFileError>(())
    /// ```
    fn try_from(any: AnyCorsConfig) -> Result<Self, Self::Error> {
        match any {
            AnyCorsConfig::TowerCors(config) => CorsLayer::try_from(config),
            AnyCorsConfig::GatewayPlugin(plugin) => CorsLayer::try_from(plugin),
        }
    }
}

impl CorsLayer {
    /// The policy in force, in this crate's own shape: what the layer was
    /// built with (from a file, a preset or the builder), with `debug` as
    /// a [`DebugSwitch`](crate::DebugSwitch) has left it. Building its
    /// result gives the same policy again, except for origin predicates,
    /// which a configuration cannot hold: it only says that the layer has
    /// one ([`CorsConfig::origin_predicate`]). A max-age is given in whole
    /// seconds, as it is sent.
    ///
    /// The configuration is recorded when the layer is built, and read only
    /// here, never per request.
    ///
    /// # Example
    ///
    /// ```
    /// use tower_cors::{CorsLayer, GatewayPluginConfig};
    ///
    /// let config = CorsLayer::gateway().config();
    /// assert_eq!(config.allow_origins, ["*"]);
    /// assert_eq!(config.max_age, Some(172_800));
    /// assert_eq!(config, GatewayPluginConfig::default().into_config());
    /// println!("{}", toml::to_string(&config).unwrap());
    /// ```
    pub fn config(&self) -> CorsConfig {
        of(self.policy())
    }
}

/// The configuration of a compiled policy, with `debug` as it is now.
pub(crate) fn of(policy: &Policy) -> CorsConfig {
    let mut config = policy.config.clone();
    config.debug = policy.debugging();
    config
}

impl Serialize for CorsLayer {
    /// Serializes [`CorsLayer::config`].
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.config().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CorsLayer {
    /// Reads a [`CorsConfig`] and builds it: a policy that the builder
    /// refuses fails with the message of a [`ConfigFileError`], which names
    /// each problem's field and value.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let config = CorsConfig::deserialize(deserializer)?;
        CorsLayer::try_from(config).map_err(serde::de::Error::custom)
    }
}

/// A status code as its number, from 100 to 999.
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
