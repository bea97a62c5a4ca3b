//! Ready-made policies.

use std::time::Duration;

use http::StatusCode;

use crate::builder::CorsBuilder;
use crate::serve::layer::CorsLayer;
use crate::settings::CorsConfig;

/// The methods an API gateway allows by default, in the order it lists them.
///
/// # Example
///
/// ```
/// assert_eq!(tower_cors::presets::GATEWAY_METHODS.join(","), "GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH");
/// ```
pub const GATEWAY_METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

/// The request headers an API gateway allows by default.
///
/// # Example
///
/// ```
/// assert!(tower_cors::presets::GATEWAY_ALLOWED_HEADERS.contains(&"X-Sdk-Date"));
/// ```
pub const GATEWAY_ALLOWED_HEADERS: [&str; 12] = [
    "X-Stage",
    "X-Sdk-Date",
    "X-Sdk-Nonce",
    "X-Proxy-Signed-Headers",
    "X-Sdk-Content-Sha256",
    "X-Forwarded-For",
    "Authorization",
    "Content-Type",
    "Accept",
    "Accept-Ranges",
    "Cache-Control",
    "Range",
];

/// The response headers an API gateway exposes by default.
///
/// # Example
///
/// ```
/// assert_eq!(tower_cors::presets::GATEWAY_EXPOSED_HEADERS[0], "X-Request-Id");
/// ```
pub const GATEWAY_EXPOSED_HEADERS: [&str; 8] = [
    "X-Request-Id",
    "X-Apig-Latency",
    "X-Apig-Upstream-Latency",
    "X-Apig-RateLimit-Api",
    "X-Apig-RateLimit-User",
    "X-Apig-RateLimit-App",
    "X-Apig-RateLimit-Ip",
    "X-Apig-RateLimit-Api-Allenv",
];

/// The gateway's preflight cache time: two days.
///
/// # Example
///
/// ```
/// assert_eq!(tower_cors::presets::GATEWAY_MAX_AGE_SECS, 172_800);
/// ```
pub const GATEWAY_MAX_AGE_SECS: u64 = 172_800;

/// The API gateway's defaults, as settings: the policy of
/// [`CorsLayer::gateway`], and what the gateway's CORS plug-in shape
/// starts from.
pub(crate) fn gateway_config() -> CorsConfig {
    let list = |items: &[&str]| items.iter().map(|&item| item.to_owned()).collect();
    CorsConfig {
        allow_origins: list(&["*"]),
        allow_methods: list(&GATEWAY_METHODS),
        allow_headers: list(&GATEWAY_ALLOWED_HEADERS),
        expose_headers: list(&GATEWAY_EXPOSED_HEADERS),
        max_age: Some(GATEWAY_MAX_AGE_SECS),
        preflight_status: StatusCode::OK,
        ..CorsConfig::default()
    }
}

impl CorsBuilder {
    /// A builder holding the API gateway's defaults (see
    /// [`CorsLayer::gateway`]), to adjust before building.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsBuilder::gateway()
    ///     .expose_headers(["X-Trace-Id"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn gateway() -> CorsBuilder {
        CorsBuilder::from(gateway_config())
    }

    /// A starting point for one single-page app on `origin` that sends
    /// cookies or `Authorization`: credentials allowed, methods `GET`,
    /// `POST`, `PUT`, `PATCH`, `DELETE`, request headers `Content-Type` and
    /// `Authorization`, max-age 600 seconds. Adjust it with the other
    /// methods before [`build`](CorsBuilder::build); each replaces the
    /// preset's value (`.allow_methods(["GET"])` allows `GET` only).
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsBuilder::single_page_app("https://app.example.com")
    ///     .expose_headers(["x-request-id"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn single_page_app(origin: impl AsRef<[u8]>) -> Self {
        Self::new()
            .allow_origins([origin])
            .allow_credentials(true)
            .allow_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
            .allow_headers(["Content-Type", "Authorization"])
            .max_age(Duration::from_secs(600))
    }
}

/// The request headers a gRPC-web client sends.
///
/// # Example
///
/// ```
/// assert!(tower_cors::presets::GRPC_WEB_ALLOWED_HEADERS.contains(&"x-grpc-web"));
/// ```
pub const GRPC_WEB_ALLOWED_HEADERS: [&str; 5] = [
    "x-grpc-web",
    "x-user-agent",
    "grpc-timeout",
    "content-type",
    "authorization",
];

/// The response headers a gRPC-web client must read: the call's status.
///
/// # Example
///
/// ```
/// assert!(tower_cors::presets::GRPC_WEB_EXPOSED_HEADERS.contains(&"grpc-status"));
/// ```
pub const GRPC_WEB_EXPOSED_HEADERS: [&str; 3] =
    ["grpc-status", "grpc-message", "grpc-status-details-bin"];

impl CorsBuilder {
    /// A builder for gRPC-web services: the request headers
    /// [`GRPC_WEB_ALLOWED_HEADERS`] and the exposed headers
    /// [`GRPC_WEB_EXPOSED_HEADERS`] (gRPC-web calls are `POST`s, which need
    /// no listing). Add the origins of your web apps before building.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsBuilder::grpc_web()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn grpc_web() -> CorsBuilder {
        CorsBuilder::new()
            .allow_headers(GRPC_WEB_ALLOWED_HEADERS)
            .expose_headers(GRPC_WEB_EXPOSED_HEADERS)
    }
}

impl CorsLayer {
    /// The defaults of an API gateway's CORS support, byte for byte: any
    /// origin (`Access-Control-Allow-Origin: *`), no credentials, the
    /// methods [`GATEWAY_METHODS`], the request headers
    /// [`GATEWAY_ALLOWED_HEADERS`], the exposed headers
    /// [`GATEWAY_EXPOSED_HEADERS`], `Access-Control-Max-Age: 172800`, and
    /// `200 OK` for accepted preflights. The upstream service's CORS headers
    /// win over the layer's.
    ///
    /// To change any of it, start from [`CorsBuilder::gateway`].
    ///
    /// # Example
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use tower_cors::CorsLayer;
    ///
    /// let app: Router = Router::new()
    ///     .route("/simple", get(|| async { "{\"status\":\"200\"}" }))
    ///     .layer(CorsLayer::gateway());
    /// ```
    pub fn gateway() -> CorsLayer {
        // These constants are valid: a test builds them with `build()`.
        CorsBuilder::gateway().build_unchecked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_constants_are_valid() {
        assert!(CorsBuilder::gateway().build().is_ok());
    }

    #[test]
    fn the_presets_values_are_rendered_statically() {
        let joined = [
            GATEWAY_METHODS.join(","),
            GATEWAY_ALLOWED_HEADERS.join(","),
            GATEWAY_EXPOSED_HEADERS.join(","),
            GATEWAY_MAX_AGE_SECS.to_string(),
            GRPC_WEB_ALLOWED_HEADERS.join(","),
            GRPC_WEB_EXPOSED_HEADERS.join(","),
        ];
        // The single-page app preset's lists, as its builder renders them.
        let spa = CorsBuilder::single_page_app("https://app.example.com")
            .build()
            .map(|layer| format!("{layer:?}"))
            .unwrap_or_default();
        for value in [
            "GET,POST,PUT,PATCH,DELETE",
            "Content-Type,Authorization",
            "600",
        ] {
            assert!(spa.contains(value), "{value} in {spa}");
            assert!(
                crate::compile::headers::RENDERED.contains(&value),
                "{value}"
            );
        }
        for value in joined {
            assert!(
                crate::compile::headers::RENDERED.contains(&value.as_str()),
                "{value}"
            );
        }
    }
}
