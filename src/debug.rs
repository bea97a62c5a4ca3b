//! Debug mode: a development aid that makes the browser show why the layer
//! refused a request, switched at runtime through a [`DebugSwitch`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use http::{HeaderName, HeaderValue};

use crate::layer::CorsLayer;
use crate::refusal::Refusal;

/// The response header in which debug mode names a refusal.
pub(crate) const REFUSAL_HEADER: HeaderName = HeaderName::from_static("x-cors-refusal");

/// Turns a layer's debug mode on and off at runtime, for every service the
/// layer made and will make, without building the layer again.
///
/// Debug mode is a development aid, off by default. While it is on:
///
/// - every response to a refused request carries an `x-cors-refusal`
///   header naming the reason and the setting that decided, for example
///   `x-cors-refusal: method PUT not allowed (allow_methods)`, visible in
///   the browser's network panel;
/// - a preflight whose origin is allowed but whose method or headers are
///   not is answered with the status of an accepted preflight and the
///   policy's `Access-Control-Allow-Origin`, `-Methods` and `-Headers` (not
///   the ones asked for), so that the browser's console names the real
///   cause ("Method PUT is not allowed by Access-Control-Allow-Methods")
///   instead of a missing `Access-Control-Allow-Origin`. The browser still
///   refuses the request.
///
/// It tells every visitor how the policy is written: leave it off in
/// production, or switch it on only while you look.
///
/// # Example
///
/// ```
/// use tower_cors::CorsLayer;
///
/// let cors = CorsLayer::builder()
///     .allow_origins(["http://localhost:5173"])
///     .build()?;
/// let debug = cors.debug_switch();
/// assert!(!debug.is_enabled());
/// debug.enable(); // for example from an admin endpoint
/// assert!(debug.is_enabled());
/// debug.disable();
/// # Ok::<(), tower_cors::BuildError>(())
/// ```
#[derive(Clone)]
pub struct DebugSwitch {
    flag: Arc<AtomicBool>,
}

impl CorsLayer {
    /// A switch for this layer's [debug mode](DebugSwitch), shared with
    /// every service the layer makes.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::gateway();
    /// cors.debug_switch().enable();
    /// assert!(cors.debug_switch().is_enabled());
    /// # cors.debug_switch().disable();
    /// ```
    pub fn debug_switch(&self) -> DebugSwitch {
        DebugSwitch::new(&self.policy().debug)
    }
}

impl DebugSwitch {
    pub(crate) fn new(flag: &Arc<AtomicBool>) -> Self {
        DebugSwitch {
            flag: Arc::clone(flag),
        }
    }

    /// Turns debug mode on.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().build()?;
    /// cors.debug_switch().enable();
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn enable(&self) {
        self.set(true);
    }

    /// Turns debug mode off.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().debug(true).build()?;
    /// cors.debug_switch().disable();
    /// assert!(!cors.debug_switch().is_enabled());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn disable(&self) {
        self.set(false);
    }

    /// Turns debug mode on or off.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().build()?;
    /// cors.debug_switch().set(std::env::var_os("CORS_DEBUG").is_some());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn set(&self, on: bool) {
        self.flag.store(on, Ordering::Relaxed);
    }

    /// Whether debug mode is on.
    ///
    /// # Example
    ///
    /// ```
    /// let cors = tower_cors::CorsLayer::builder().allow_any_origin().build()?;
    /// assert!(!cors.debug_switch().is_enabled());
    /// # Ok::<(), tower_cors::BuildError>(())
    /// ```
    pub fn is_enabled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for DebugSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DebugSwitch")
            .field("enabled", &self.is_enabled())
            .finish()
    }
}

/// The value of `x-cors-refusal` for `refusal`: its reason and the setting
/// that decided. Every byte of it is visible ASCII (request bytes are
/// escaped by the reason's display).
pub(crate) fn refusal_value(refusal: &Refusal) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("{refusal} ({})", refusal.rule())).ok()
}
