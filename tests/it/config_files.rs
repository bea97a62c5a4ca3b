//! Policies from configuration files (the `serde` feature): both shapes
//! round-trip in JSON and TOML, every `ConfigError` a file can cause names
//! its field and value, unknown fields are refused, and a gateway plug-in
//! file answers as the equivalent builder.

use std::time::Duration;

use crate::common;
use crate::common::{get_from, preflight, send, Answer};
use http::StatusCode;
use tower_cors::{
    AnyCorsConfig, ConfigError, CorsBuilder, CorsConfig, CorsLayer, GatewayPluginConfig,
    HeaderList, Precedence,
};

/// A policy that sets every field to something other than its default.
const FULL_TOML: &str = r#"
allow_origins = ["https://app.example.com", "http://intranet.example", "https://*.example.org", "null", "file://"]
vary_on = ["X-Tenant"]
allow_methods = ["PUT", "PURGE"]
allow_headers = ["content-type", "x-custom"]
expose_headers = ["x-request-id"]
allow_credentials = true
max_age = 600
preflight_status = 200
preflight_passthrough = true
refusal_status = 400
precedence = "layer_wins"
block_disallowed_origins = true
cross_origin_protection = true
cross_origin_protection_bypass = ["/webhooks", "/tenants/*/callback"]
allow_private_network = true
allow_null_origin = true
allow_file_origin = true
dangerously_allow_insecure_origins_with_credentials = true
dangerously_allow_null_or_file_origin_with_credentials = true
record_decisions = true
debug = true
"#;

fn full() -> CorsConfig {
    toml::from_str(FULL_TOML).unwrap()
}

/// A gateway plug-in policy that sets every field to something other than
/// its default.
const PLUGIN_TOML: &str = r#"
allow_origin = "https://app.example.com,https://admin.example.com"
allow_methods = "GET,PUT,DELETE"
allow_headers = "Content-Type,X-Custom"
expose_headers = "X-Request-Id"
max_age = 600
allow_credentials = true
"#;

fn plugin() -> GatewayPluginConfig {
    toml::from_str(PLUGIN_TOML).unwrap()
}

/// The policy of [`PLUGIN_TOML`], written with the builder: the gateway's
/// defaults with the plug-in's values.
fn plugin_builder() -> CorsBuilder {
    CorsBuilder::gateway()
        .allow_origins(["https://app.example.com", "https://admin.example.com"])
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["Content-Type", "X-Custom"])
        .expose_headers(["X-Request-Id"])
        .max_age(Duration::from_secs(600))
        .allow_credentials(true)
}

#[test]
fn the_full_file_sets_every_field() {
    let config = full();
    assert_ne!(config, CorsConfig::default());
    assert_eq!(config.max_age, Some(600));
    assert_eq!(config.preflight_status, StatusCode::OK);
    assert_eq!(config.refusal_status, StatusCode::BAD_REQUEST);
    assert_eq!(config.precedence, Precedence::LayerWins);
    assert!(config.dangerously_allow_null_or_file_origin_with_credentials);
    assert!(config.debug);
    let layer = CorsLayer::try_from(config).unwrap();
    assert_eq!(layer.config().unwrap(), full());
    assert!(layer.debug_mode());
}

#[test]
fn own_shape_round_trips_in_json() {
    let config = full();
    let json = serde_json::to_string(&config).unwrap();
    let back: CorsConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, config);
    // config -> layer -> config
    let layer: CorsLayer = serde_json::from_str(&json).unwrap();
    assert_eq!(layer.config().unwrap(), config);
    assert_eq!(serde_json::to_string(&layer).unwrap(), json);
}

#[test]
fn own_shape_round_trips_in_toml() {
    let config = full();
    let text = toml::to_string(&config).unwrap();
    let back: CorsConfig = toml::from_str(&text).unwrap();
    assert_eq!(back, config);
    let layer: CorsLayer = toml::from_str(&text).unwrap();
    assert_eq!(layer.config().unwrap(), config);
    assert_eq!(toml::to_string(&layer).unwrap(), text);
}

#[test]
fn a_small_file_round_trips_and_leaves_max_age_out() {
    let text = r#"allow_origins = ["https://app.example.com"]"#;
    let layer: CorsLayer = toml::from_str(text).unwrap();
    let config = layer.config().unwrap();
    assert_eq!(config.max_age, None);
    let written = toml::to_string(&config).unwrap();
    assert!(!written.contains("max_age"), "{written}");
    assert!(!written.contains("predicate"), "{written}");
    assert_eq!(toml::from_str::<CorsConfig>(&written).unwrap(), config);
}

#[test]
fn absent_fields_take_the_builders_defaults() {
    let config: CorsConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(config, CorsConfig::default());
    let config: CorsConfig = toml::from_str(r#"allow_origins = ["https://a.example"]"#).unwrap();
    let from_file = CorsLayer::try_from(config).unwrap().config().unwrap();
    let from_builder = CorsLayer::builder()
        .allow_origins(["https://a.example"])
        .build()
        .unwrap()
        .config()
        .unwrap();
    assert_eq!(from_file, from_builder);
    assert_eq!(from_file.preflight_status, StatusCode::NO_CONTENT);
    assert_eq!(from_file.refusal_status, StatusCode::FORBIDDEN);
    assert_eq!(from_file.precedence, Precedence::UpstreamWins);
}

#[test]
fn the_builders_policy_serializes_back() {
    let layer = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_any_method()
        .allow_headers(["*", "authorization"])
        .max_age(Duration::from_millis(1500))
        .precedence(Precedence::LayerWins)
        .build()
        .unwrap();
    let config = layer.config().unwrap();
    assert_eq!(config.allow_methods, ["*"]);
    assert_eq!(config.allow_headers, ["*", "authorization"]);
    // Whole seconds, as the header sends it.
    assert_eq!(config.max_age, Some(1));
    let json: serde_json::Value = serde_json::to_value(&config).unwrap();
    assert_eq!(json["precedence"], "layer_wins");
    assert_eq!(json["preflight_status"], 204);
    assert_eq!(json["max_age"], 1);
}

#[test]
fn debug_mode_in_force_is_what_the_config_says() {
    let layer: CorsLayer = toml::from_str(r#"allow_origins = ["https://a.example"]"#).unwrap();
    assert!(!layer.config().unwrap().debug);
    layer.set_debug_mode(true);
    assert!(layer.config().unwrap().debug);
    layer.set_debug_mode(false);
    assert!(!layer.config().unwrap().debug);
}

#[test]
fn gateway_shape_round_trips_in_json_and_toml() {
    let plugin = plugin();
    assert_ne!(plugin, GatewayPluginConfig::default());
    let json = serde_json::to_string(&plugin).unwrap();
    assert_eq!(
        serde_json::from_str::<GatewayPluginConfig>(&json).unwrap(),
        plugin
    );
    let text = toml::to_string(&plugin).unwrap();
    assert_eq!(
        toml::from_str::<GatewayPluginConfig>(&text).unwrap(),
        plugin
    );
    // plug-in -> layer -> config: the plug-in's policy in the crate's shape.
    let layer = CorsLayer::try_from(plugin.clone()).unwrap();
    assert_eq!(layer.config().unwrap(), CorsConfig::from(plugin));
    assert_eq!(
        layer.config().unwrap(),
        plugin_builder().build().unwrap().config().unwrap()
    );
}

#[test]
fn gateway_lists_are_trimmed_and_empty_items_skipped() {
    let plugin: GatewayPluginConfig = serde_json::from_str(
        r#"{ "allow_origin": " https://a.example , https://b.example,", "allow_methods": "GET, PUT,,", "allow_headers": "", "expose_headers": "*" }"#,
    )
    .unwrap();
    let config = CorsConfig::from(plugin);
    assert_eq!(
        config.allow_origins,
        ["https://a.example", "https://b.example"]
    );
    assert_eq!(config.allow_methods, ["GET", "PUT"]);
    assert!(config.allow_headers.is_empty());
    assert_eq!(config.expose_headers, ["*"]);
}

#[test]
fn an_empty_gateway_file_is_the_gateway_preset() {
    let plugin: GatewayPluginConfig = toml::from_str("").unwrap();
    assert_eq!(plugin, GatewayPluginConfig::default());
    assert_eq!(
        CorsLayer::try_from(plugin).unwrap().config().unwrap(),
        CorsLayer::gateway().config().unwrap()
    );
}

#[test]
fn the_gateway_presets_config_serializes_to_the_gateway_defaults() {
    let config = CorsLayer::gateway().config().unwrap();
    let json: serde_json::Value = serde_json::to_value(&config).unwrap();
    let joined = |field: &str| {
        json[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(joined("allow_origins"), "*");
    assert_eq!(joined("allow_methods"), common::GATEWAY_ALLOW_METHODS);
    assert_eq!(joined("allow_headers"), common::GATEWAY_ALLOW_HEADERS);
    assert_eq!(joined("expose_headers"), common::GATEWAY_EXPOSE_HEADERS);
    assert_eq!(json["max_age"].to_string(), common::GATEWAY_MAX_AGE);
    assert_eq!(json["preflight_status"], 200);
    assert_eq!(json["allow_credentials"], false);
    assert_eq!(json["precedence"], "upstream_wins");
    // And in the gateway's own shape.
    let plugin = serde_json::to_value(GatewayPluginConfig::default()).unwrap();
    assert_eq!(plugin["allow_origin"], "*");
    assert_eq!(plugin["allow_methods"], common::GATEWAY_ALLOW_METHODS);
    assert_eq!(plugin["allow_headers"], common::GATEWAY_ALLOW_HEADERS);
    assert_eq!(plugin["expose_headers"], common::GATEWAY_EXPOSE_HEADERS);
    assert_eq!(plugin["max_age"].to_string(), common::GATEWAY_MAX_AGE);
}

#[tokio::test]
async fn the_gateway_presets_config_round_trips() {
    let config = CorsLayer::gateway().config().unwrap();
    for text in [
        toml::to_string(&config).unwrap(),
        serde_json::to_string(&config).unwrap(),
    ] {
        let layer: CorsLayer = if text.starts_with('{') {
            serde_json::from_str(&text).unwrap()
        } else {
            toml::from_str(&text).unwrap()
        };
        assert_eq!(layer.config().unwrap(), config);
        let (res, seen) = send(&layer, preflight(common::SEED_ORIGIN, "PUT", None)).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(seen.calls(), 0);
        common::assert_gateway_preflight_headers(&res);
    }
}

/// Status and headers of an answer, to compare two layers.
fn view(answer: &Answer) -> (StatusCode, Vec<(String, String)>) {
    let mut headers: Vec<(String, String)> = answer
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (answer.status, headers)
}

#[tokio::test]
async fn a_gateway_file_answers_as_the_equivalent_builder() {
    let from_file: CorsLayer = CorsLayer::try_from(plugin()).unwrap();
    let from_builder = plugin_builder().build().unwrap();
    let requests = || {
        [
            preflight("https://app.example.com", "PUT", Some("content-type")),
            preflight("https://admin.example.com", "DELETE", Some("x-custom")),
            preflight("https://evil.example", "PUT", None),
            preflight("https://app.example.com", "PATCH", None),
            preflight("https://app.example.com", "PUT", Some("x-other")),
            get_from("https://app.example.com"),
            get_from("https://evil.example"),
        ]
    };
    let mut statuses = Vec::new();
    for (a, b) in requests().into_iter().zip(requests()) {
        let (file_answer, file_seen) = send(&from_file, a).await;
        let (builder_answer, builder_seen) = send(&from_builder, b).await;
        assert_eq!(view(&file_answer), view(&builder_answer));
        assert_eq!(file_seen.calls(), builder_seen.calls());
        statuses.push(file_answer.status.as_u16());
    }
    // The file's values are in force: the gateway's 200 for accepted
    // preflights, 403 for refused ones.
    assert_eq!(statuses, [200, 200, 403, 403, 403, 200, 200]);
    let (res, _) = send(
        &from_file,
        preflight("https://app.example.com", "PUT", Some("content-type")),
    )
    .await;
    assert_eq!(
        res.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("GET,PUT,DELETE")
    );
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("Content-Type,X-Custom")
    );
    assert_eq!(res.header("access-control-max-age"), Some("600"));
    assert_eq!(res.header("access-control-allow-credentials"), Some("true"));
}

/// The files of this crate's shape that each cause one problem, the
/// problem, and the value the message must name.
fn own_shape_cases() -> Vec<(&'static str, ConfigError, &'static str)> {
    let s = str::to_owned;
    vec![
        ("allow_origins = []", ConfigError::NoOrigins, ""),
        (
            r#"allow_origins = ["https://app.example.com/"]"#,
            ConfigError::InvalidOrigin {
                value: s("https://app.example.com/"),
                reason: "",
            },
            "https://app.example.com/",
        ),
        (
            r#"allow_origins = ["null"]"#,
            ConfigError::NullOrFileOrigin { value: s("null") },
            "null",
        ),
        (
            "allow_origins = [\"file://\"]\nallow_file_origin = true\nallow_credentials = true",
            ConfigError::NullOrFileOriginWithCredentials {
                value: s("file://"),
            },
            "file://",
        ),
        (
            "allow_origins = [\"http://intranet.example\"]\nallow_credentials = true",
            ConfigError::InsecureOriginWithCredentials {
                value: s("http://intranet.example"),
            },
            "http://intranet.example",
        ),
        (
            "allow_origins = [\"https://*.com\"]\nallow_credentials = true",
            ConfigError::PublicSuffixPattern {
                value: s("https://*.com"),
            },
            "https://*.com",
        ),
        (
            "allow_origins = [\"*\"]\nallow_methods = [\"GET POST\"]",
            ConfigError::InvalidMethod {
                value: s("GET POST"),
            },
            "GET POST",
        ),
        (
            "allow_origins = [\"*\"]\nallow_methods = [\"TRACE\"]",
            ConfigError::ForbiddenMethod { value: s("TRACE") },
            "TRACE",
        ),
        (
            "allow_origins = [\"*\"]\nallow_headers = [\"x bad\"]",
            ConfigError::InvalidHeaderName {
                value: s("x bad"),
                list: HeaderList::Allowed,
            },
            "x bad",
        ),
        (
            "allow_origins = [\"*\"]\nexpose_headers = [\"x:bad\"]",
            ConfigError::InvalidHeaderName {
                value: s("x:bad"),
                list: HeaderList::Exposed,
            },
            "x:bad",
        ),
        (
            "allow_origins = [\"*\"]\nallow_headers = [\"Cookie\"]",
            ConfigError::ForbiddenHeaderName {
                value: s("Cookie"),
                list: HeaderList::Allowed,
            },
            "Cookie",
        ),
        (
            "allow_origins = [\"*\"]\nexpose_headers = [\"Set-Cookie\"]",
            ConfigError::ForbiddenHeaderName {
                value: s("Set-Cookie"),
                list: HeaderList::Exposed,
            },
            "Set-Cookie",
        ),
        (
            "allow_origins = [\"*\"]\nallow_credentials = true",
            ConfigError::AnyOriginWithCredentials,
            "any origin",
        ),
        (
            "allow_origins = [\"https://a.example\"]\nexpose_headers = [\"*\"]\nallow_credentials = true",
            ConfigError::ExposeAnyHeaderWithCredentials,
            "exposing every response header",
        ),
        (
            "allow_origins = [\"*\"]\npreflight_status = 302",
            ConfigError::PreflightStatusNotSuccess { status: 302 },
            "302",
        ),
        (
            "allow_origins = [\"*\"]\nrefusal_status = 200",
            ConfigError::RefusalStatusNotError { status: 200 },
            "200",
        ),
        (
            "allow_origins = [\"https://a.example\"]\nvary_on = [\"x tenant\"]",
            ConfigError::InvalidVaryHeader {
                value: s("x tenant"),
            },
            "x tenant",
        ),
        (
            "allow_origins = [\"*\"]\nvary_on = [\"X-Tenant\"]",
            ConfigError::VaryOnWithAnyOrigin,
            "varies on nothing",
        ),
    ]
}

/// Whether `actual` is `expected`, ignoring an invalid origin's reason.
fn same_problem(actual: &ConfigError, expected: &ConfigError) -> bool {
    match (actual, expected) {
        (
            ConfigError::InvalidOrigin { value: a, .. },
            ConfigError::InvalidOrigin { value: b, .. },
        ) => a == b,
        _ => actual == expected,
    }
}

// checklist: C1, C2, C5, O2
#[test]
fn every_config_error_of_the_own_shape_names_field_and_value() {
    for (text, expected, value) in own_shape_cases() {
        // The typed error, as the builder gives it.
        let config: CorsConfig = toml::from_str(text).unwrap();
        let errors = CorsLayer::try_from(config).unwrap_err().errors().to_vec();
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        assert!(same_problem(&errors[0], &expected), "{text}: {errors:?}");
        let field = errors[0].field();
        assert!(text.contains(field), "{field} is not in {text}");

        // The message of a file deserialized straight into a layer, in TOML
        // and in JSON.
        let toml_message = toml::from_str::<CorsLayer>(text).unwrap_err().to_string();
        let json = serde_json::to_string(&toml::from_str::<toml::Table>(text).unwrap()).unwrap();
        let json_message = serde_json::from_str::<CorsLayer>(&json)
            .unwrap_err()
            .to_string();
        for message in [toml_message, json_message] {
            assert!(
                message.contains(&format!("{field}: ")),
                "{field} in {message}"
            );
            assert!(message.contains(value), "{value} in {message}");
            assert!(message.contains(&errors[0].to_string()), "{message}");
        }
    }
}

#[test]
fn the_fields_of_the_own_shape_are_the_ones_that_hold_the_value() {
    let fields: Vec<&str> = own_shape_cases()
        .iter()
        .map(|(_, error, _)| error.field())
        .collect();
    assert_eq!(
        fields,
        [
            "allow_origins",
            "allow_origins",
            "allow_origins",
            "allow_origins",
            "allow_origins",
            "allow_origins",
            "allow_methods",
            "allow_methods",
            "allow_headers",
            "expose_headers",
            "allow_headers",
            "expose_headers",
            "allow_origins",
            "expose_headers",
            "preflight_status",
            "refusal_status",
            "vary_on",
            "vary_on",
        ]
    );
}

// checklist: C1
#[test]
fn the_problems_of_a_file_are_the_builders() {
    let text = "allow_origins = [\"*\", \"https://a.example/\"]\nallow_methods = [\"TRACE\"]\nallow_credentials = true\nrefusal_status = 302";
    let config: CorsConfig = toml::from_str(text).unwrap();
    let from_file = CorsLayer::try_from(config).unwrap_err();
    let from_builder = CorsLayer::builder()
        .allow_origins(["*", "https://a.example/"])
        .allow_methods(["TRACE"])
        .allow_credentials(true)
        .refusal_status(StatusCode::FOUND)
        .build()
        .unwrap_err();
    assert_eq!(from_file, from_builder);
    assert_eq!(from_file.errors().len(), 4);
    // Every problem of the file is in the message, each with its field.
    let message = toml::from_str::<CorsLayer>(text).unwrap_err().to_string();
    assert!(message.contains("4 problems"), "{message}");
    for error in from_file.errors() {
        assert!(
            message.contains(&format!("{}: {error}", error.field())),
            "{error} in {message}"
        );
    }
}

/// The plug-in files that each cause one problem, the problem, the plug-in
/// field the message must name, and the value.
fn gateway_cases() -> Vec<(&'static str, ConfigError, &'static str, &'static str)> {
    let s = str::to_owned;
    vec![
        (
            r#"allow_origin = """#,
            ConfigError::NoOrigins,
            "allow_origin",
            "",
        ),
        (
            r#"allow_origin = "https://app.example.com/""#,
            ConfigError::InvalidOrigin {
                value: s("https://app.example.com/"),
                reason: "",
            },
            "allow_origin",
            "https://app.example.com/",
        ),
        (
            r#"allow_origin = "null""#,
            ConfigError::NullOrFileOrigin { value: s("null") },
            "allow_origin",
            "null",
        ),
        (
            "allow_origin = \"http://intranet.example\"\nallow_credentials = true",
            ConfigError::InsecureOriginWithCredentials {
                value: s("http://intranet.example"),
            },
            "allow_origin",
            "http://intranet.example",
        ),
        (
            "allow_origin = \"https://*.com\"\nallow_credentials = true",
            ConfigError::PublicSuffixPattern {
                value: s("https://*.com"),
            },
            "allow_origin",
            "https://*.com",
        ),
        (
            r#"allow_methods = "GET,GET POST""#,
            ConfigError::InvalidMethod {
                value: s("GET POST"),
            },
            "allow_methods",
            "GET POST",
        ),
        (
            r#"allow_methods = "GET,TRACE""#,
            ConfigError::ForbiddenMethod { value: s("TRACE") },
            "allow_methods",
            "TRACE",
        ),
        (
            r#"allow_headers = "Content-Type,x bad""#,
            ConfigError::InvalidHeaderName {
                value: s("x bad"),
                list: HeaderList::Allowed,
            },
            "allow_headers",
            "x bad",
        ),
        (
            r#"expose_headers = "X-Request-Id,x:bad""#,
            ConfigError::InvalidHeaderName {
                value: s("x:bad"),
                list: HeaderList::Exposed,
            },
            "expose_headers",
            "x:bad",
        ),
        (
            r#"allow_headers = "Cookie""#,
            ConfigError::ForbiddenHeaderName {
                value: s("Cookie"),
                list: HeaderList::Allowed,
            },
            "allow_headers",
            "Cookie",
        ),
        (
            r#"expose_headers = "Set-Cookie""#,
            ConfigError::ForbiddenHeaderName {
                value: s("Set-Cookie"),
                list: HeaderList::Exposed,
            },
            "expose_headers",
            "Set-Cookie",
        ),
        (
            "allow_credentials = true",
            ConfigError::AnyOriginWithCredentials,
            "allow_origin",
            "any origin",
        ),
        (
            "allow_origin = \"https://a.example\"\nexpose_headers = \"*\"\nallow_credentials = true",
            ConfigError::ExposeAnyHeaderWithCredentials,
            "expose_headers",
            "exposing every response header",
        ),
    ]
}

// checklist: C1, C2
#[test]
fn every_config_error_of_the_gateway_shape_names_field_and_value() {
    for (text, expected, field, value) in gateway_cases() {
        let plugin: GatewayPluginConfig = toml::from_str(text).unwrap();
        let errors = CorsLayer::try_from(plugin.clone())
            .unwrap_err()
            .errors()
            .to_vec();
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        assert!(same_problem(&errors[0], &expected), "{text}: {errors:?}");
        assert_eq!(GatewayPluginConfig::field(&errors[0]), Some(field));

        // The file, read through the tag of either shape, and the plug-in
        // converted directly.
        let tagged = format!("[cors.gateway_plugin]\n{text}");
        let any: toml::Table = toml::from_str(&tagged).unwrap();
        let any: AnyCorsConfig = any["cors"].clone().try_into().unwrap();
        for message in [
            CorsLayer::try_from(plugin).unwrap_err().to_string(),
            CorsLayer::try_from(any).unwrap_err().to_string(),
        ] {
            assert!(
                message.contains(&format!("{field}: ")),
                "{field} in {message}"
            );
            assert!(message.contains(value), "{value} in {message}");
            assert!(message.contains(&errors[0].to_string()), "{message}");
        }
    }
}

#[test]
fn unknown_fields_are_refused() {
    // The gateway's field name in the crate's shape, a typo, and the other
    // way round.
    let err = toml::from_str::<CorsConfig>(r#"allow_origin = ["https://a.example"]"#).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `allow_origin`"),
        "{err}"
    );
    let err = serde_json::from_str::<CorsLayer>(
        r#"{ "allow_origins": ["https://a.example"], "max_agee": 5 }"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("unknown field `max_agee`"),
        "{err}"
    );
    let err = toml::from_str::<GatewayPluginConfig>(r#"allow_origins = "https://a.example""#)
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown field `allow_origins`"),
        "{err}"
    );
    let err =
        serde_json::from_str::<GatewayPluginConfig>(r#"{ "preflight_status": 200 }"#).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `preflight_status`"),
        "{err}"
    );
    // An unknown tag.
    let err = serde_json::from_str::<AnyCorsConfig>(r#"{ "nginx": {} }"#).unwrap_err();
    assert!(err.to_string().contains("unknown variant `nginx`"), "{err}");
}

#[test]
fn values_of_the_wrong_form_are_refused_when_read() {
    let err = toml::from_str::<CorsConfig>("preflight_status = 42").unwrap_err();
    let message = err.to_string();
    assert!(message.contains("preflight_status"), "{message}");
    assert!(message.contains("42"), "{message}");
    let err = toml::from_str::<CorsConfig>(r#"precedence = "handler_wins""#).unwrap_err();
    assert!(err.to_string().contains("handler_wins"), "{err}");
    let err =
        serde_json::from_str::<GatewayPluginConfig>(r#"{ "allow_origin": ["*"] }"#).unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
}

#[test]
fn predicates_are_shown_but_cannot_be_read_from_a_file() {
    let layer = CorsLayer::builder()
        .allow_origins(["https://app.example.com"])
        .allow_origin_predicate(|origin, _| origin.as_bytes().ends_with(b".example.org"))
        .allow_origin_async(|_, _| async { false })
        .build()
        .unwrap();
    let config = layer.config().unwrap();
    assert!(config.origin_predicate);
    assert!(config.async_origin_predicate);
    let text = toml::to_string(&config).unwrap();
    assert!(text.contains("origin_predicate = true"), "{text}");
    assert!(text.contains("async_origin_predicate = true"), "{text}");
    // Reading it back would silently drop the predicates: refused instead.
    let err = toml::from_str::<CorsConfig>(&text).unwrap_err();
    assert!(
        err.to_string()
            .contains("origin predicate cannot be read from a file"),
        "{err}"
    );
    // Written as false, they are accepted, and a layer without predicates
    // says nothing about them.
    let config: CorsConfig = toml::from_str(
        "allow_origins = [\"https://a.example\"]\norigin_predicate = false\nasync_origin_predicate = false",
    )
    .unwrap();
    assert!(!config.origin_predicate);
    assert!(
        !CorsLayer::try_from(config)
            .unwrap()
            .config()
            .unwrap()
            .async_origin_predicate
    );
    // A configuration's builder gets predicates from its own methods.
    let config = CorsConfig {
        allow_origins: vec!["https://a.example".to_owned()],
        ..CorsConfig::default()
    };
    let layer = CorsBuilder::from(config)
        .allow_origin_predicate(|_, _| true)
        .build()
        .unwrap();
    assert!(layer.config().unwrap().origin_predicate);
}

#[test]
fn either_shape_is_read_by_its_tag() {
    #[derive(serde::Deserialize)]
    struct Settings {
        cors: AnyCorsConfig,
    }
    let gateway: Settings =
        toml::from_str(&format!("[cors.gateway_plugin]\n{PLUGIN_TOML}")).unwrap();
    assert_eq!(gateway.cors, AnyCorsConfig::GatewayPlugin(plugin()));
    let own: Settings = toml::from_str(&format!("[cors.tower_cors]\n{FULL_TOML}")).unwrap();
    assert_eq!(own.cors, AnyCorsConfig::TowerCors(full()));
    assert_eq!(
        CorsLayer::try_from(gateway.cors).unwrap().config().unwrap(),
        CorsConfig::from(plugin())
    );
    assert_eq!(
        CorsLayer::try_from(own.cors).unwrap().config().unwrap(),
        full()
    );
    // Either shape gives this crate's settings.
    assert_eq!(
        CorsConfig::from(AnyCorsConfig::GatewayPlugin(plugin())),
        CorsConfig::from(plugin())
    );
    assert_eq!(CorsConfig::from(AnyCorsConfig::TowerCors(full())), full());
    // Both round-trip with their tag, in JSON and TOML.
    for any in [
        AnyCorsConfig::GatewayPlugin(plugin()),
        AnyCorsConfig::TowerCors(full()),
    ] {
        let json = serde_json::to_string(&any).unwrap();
        assert_eq!(serde_json::from_str::<AnyCorsConfig>(&json).unwrap(), any);
        let text = toml::to_string(&any).unwrap();
        assert_eq!(toml::from_str::<AnyCorsConfig>(&text).unwrap(), any);
    }
}

/// The fenced blocks of `language` in the guide's page on configuration
/// files, in order.
fn guide_blocks(language: &str) -> Vec<String> {
    let section = include_str!("../../docs/guide/config_files.md");
    let fence = format!("```{language}\n");
    section
        .split(fence.as_str())
        .skip(1)
        .map(|block| block[..block.find("```").unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_guides_files_are_the_same_policy_in_both_shapes() {
    let files = guide_blocks("toml");
    assert_eq!(files.len(), 2);
    let own: CorsLayer = toml::from_str(&files[0]).unwrap();
    let plugin: GatewayPluginConfig = toml::from_str(&files[1]).unwrap();
    let gateway = CorsLayer::try_from(plugin).unwrap();
    assert_eq!(own.config().unwrap(), gateway.config().unwrap());
    let (a, _) = send(
        &own,
        preflight("https://admin.example.com", "PUT", Some("authorization")),
    )
    .await;
    let (b, _) = send(
        &gateway,
        preflight("https://admin.example.com", "PUT", Some("authorization")),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(view(&a), view(&b));
}

#[test]
fn the_guide_shows_the_message_of_a_refused_file() {
    let shown = guide_blocks("text");
    let message = toml::from_str::<CorsLayer>(
        "allow_origins = [\"https://app.example.com\"]\nallow_methods = [\"TRACE\"]",
    )
    .unwrap_err()
    .to_string();
    // The TOML error ends its message with a line break.
    assert_eq!(shown, [format!("{}\n", message.trim_end())]);
}

/// Errors name fields as the settings were written: a plug-in policy's
/// origins as `allow_origin`, and origins set afterwards with the builder
/// as `allow_origins`.
#[test]
fn errors_name_the_field_where_it_was_written() {
    let plugin = GatewayPluginConfig {
        allow_origin: "https://app.example.com/".to_owned(),
        ..GatewayPluginConfig::default()
    };
    let err = CorsLayer::try_from(plugin.clone()).unwrap_err();
    assert!(
        err.to_string().contains("allow_origin: invalid origin"),
        "{err}"
    );
    let err = CorsBuilder::from(plugin)
        .allow_origins(["https://other.example/"])
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("allow_origins: invalid origin"),
        "{err}"
    );
}
