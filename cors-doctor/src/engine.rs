//! The browser engines by name: on the command line and in contract files
//! (`spec`, `chromium`, `firefox`, `webkit`), and in what the doctor
//! prints (`Engine::label`: `Chromium 156`).

use clap::ValueEnum;
use cors_check::Engine;
use serde::Deserialize;

/// An engine on the command line and in contract files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineArg {
    /// The Fetch Standard.
    Spec,
    /// Chromium (Chrome, Edge, Opera).
    Chromium,
    /// Firefox.
    Firefox,
    /// WebKit (Safari).
    Webkit,
}

impl From<EngineArg> for Engine {
    fn from(engine: EngineArg) -> Engine {
        match engine {
            EngineArg::Spec => Engine::Standard,
            EngineArg::Chromium => Engine::Chromium,
            EngineArg::Firefox => Engine::Firefox,
            EngineArg::Webkit => Engine::WebKit,
        }
    }
}

impl EngineArg {
    /// The argument that names `engine`.
    fn of(engine: Engine) -> EngineArg {
        match engine {
            Engine::Chromium => EngineArg::Chromium,
            Engine::Firefox => EngineArg::Firefox,
            Engine::WebKit => EngineArg::Webkit,
            // The standard, and any engine the model learns after this
            // list was written, which judges by the standard's rules
            // until it is named here.
            _ => EngineArg::Spec,
        }
    }
}

/// The engine's name on the command line (`spec`, `chromium`, `firefox`,
/// `webkit`), as `--engine` spells it.
pub fn engine_id(engine: Engine) -> String {
    EngineArg::of(engine)
        .to_possible_value()
        .map(|value| value.get_name().to_owned())
        .unwrap_or_default()
}
