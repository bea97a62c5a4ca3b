//! Cross-origin protection, compiled: whether it is on, and the paths it
//! never refuses.

use crate::compile::path::PathMatcher;
use crate::error::ConfigError;
use crate::settings::CorsConfig;

/// What [`cross_origin_protection`](crate::CorsBuilder::cross_origin_protection)
/// reads per request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Protection {
    /// The paths never refused.
    pub(crate) bypass: Vec<PathMatcher>,
}

impl Protection {
    /// The protection of `config`, if it asks for one, reporting every
    /// problem to `errors`: any origin (nothing to refuse), an
    /// asynchronous predicate (no decision in time), a bypass path that is
    /// not one (checked even while the protection is off, so that a typo
    /// does not wait for the day it is turned on). `any_origin`: whether
    /// the policy allows every origin.
    pub(crate) fn compile(
        config: &CorsConfig,
        any_origin: bool,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Protection> {
        let mut bypass = Vec::with_capacity(config.cross_origin_protection_bypass.len());
        for path in &config.cross_origin_protection_bypass {
            let matcher = match path.contains('*') {
                true => PathMatcher::pattern(path),
                false => PathMatcher::prefix(path),
            };
            match matcher {
                Ok(matcher) => bypass.push(matcher),
                Err(ConfigError::InvalidPath { path, reason }) => {
                    errors.push(ConfigError::InvalidBypassPath { path, reason })
                }
                Err(other) => errors.push(other),
            }
        }
        if !config.cross_origin_protection {
            return None;
        }
        if any_origin {
            errors.push(ConfigError::ProtectionWithAnyOrigin);
        }
        if config.async_origin_predicate {
            errors.push(ConfigError::AsyncOriginWithProtection);
        }
        Some(Protection { bypass })
    }

    /// Whether `path` is one the protection never refuses.
    pub(crate) fn bypasses(&self, path: &str) -> bool {
        self.bypass.iter().any(|matcher| matcher.matches(path))
    }
}
