//! Whose rules judge a request: the Fetch Standard's, or those of a
//! browser engine as it ships.

use std::fmt;
use std::time::Duration;

/// Whose CORS rules the model applies: the Fetch Standard's (the default),
/// or a browser engine's, which follows the standard except where this
/// table says otherwise.
///
/// | | Standard | Chromium | Firefox | WebKit |
/// |---|---|---|---|---|
/// | `Access-Control-Max-Age` capped at | no cap | 2 hours | 24 hours | 10 minutes |
/// | `Access-Control-Allow-Headers: *` covers `Authorization` | no | yes | yes | yes |
/// | cached preflights reused for a host that is an IP address | yes | yes | no (mostly) | yes |
/// | `Sec-Fetch-Site` of a redirected request (not its preflight) to another origin | furthest URL | furthest URL | `cross-site` | furthest URL |
/// | Fetch Metadata (`Sec-Fetch-*`) after a redirect to another origin | sent | sent | sent | not sent |
///
/// The engines' columns were checked against Chromium 156, Firefox 153 ESR
/// and WebKitGTK 2.50 by the browser suite of the tower-cors repository,
/// which runs every case in the three engines and in the model and fails
/// where they disagree; the caps alone come from the engines' sources, as
/// observing them would take from 10 minutes to a day.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use cors_check::Engine;
///
/// assert_eq!(Engine::default(), Engine::Standard);
/// assert_eq!(Engine::WebKit.max_age_cap(), Some(Duration::from_secs(600)));
/// assert!(Engine::Chromium.wildcard_covers_authorization());
/// assert!(!Engine::Standard.wildcard_covers_authorization());
/// assert_eq!(Engine::Firefox.to_string(), "Firefox");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// The Fetch Standard's rules, with no engine's deviations.
    #[default]
    Standard,
    /// Chromium's Blink: Chrome, Edge, Opera, Brave.
    Chromium,
    /// Firefox's Gecko.
    Firefox,
    /// WebKit: Safari, and every browser on iOS.
    WebKit,
}

impl Engine {
    /// The three engines, in the order messages name them.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::Engine;
    ///
    /// assert!(!Engine::BROWSERS.contains(&Engine::Standard));
    /// ```
    pub const BROWSERS: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// The engine's name for messages: `the Fetch Standard`, `Chromium`,
    /// `Firefox`, `WebKit` (also its `Display`).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(cors_check::Engine::Standard.name(), "the Fetch Standard");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Engine::Standard => "the Fetch Standard",
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit",
        }
    }

    /// The engine's name with the version its profile records, for
    /// messages: `Chromium 156`, `WebKit 2.50`; the standard's name alone.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::Engine;
    ///
    /// assert_eq!(Engine::Firefox.label(), "Firefox 153");
    /// assert_eq!(Engine::Standard.label(), "the Fetch Standard");
    /// ```
    pub fn label(self) -> String {
        match self.checked_version() {
            Some(version) => format!("{self} {version}"),
            None => self.to_string(),
        }
    }

    /// The version whose behaviour this profile records (`None` for the
    /// standard).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(cors_check::Engine::WebKit.checked_version(), Some("2.50"));
    /// ```
    pub fn checked_version(self) -> Option<&'static str> {
        match self {
            Engine::Standard => None,
            Engine::Chromium => Some("156"),
            Engine::Firefox => Some("153"),
            Engine::WebKit => Some("2.50"),
        }
    }

    /// The longest time the engine caches a preflight's answer, whatever
    /// its `Access-Control-Max-Age` asks (`None`: no cap, as in the
    /// standard, which leaves a cap to each browser).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use cors_check::Engine;
    ///
    /// assert_eq!(Engine::Chromium.max_age_cap(), Some(Duration::from_secs(7200)));
    /// assert_eq!(Engine::Firefox.max_age_cap(), Some(Duration::from_secs(86_400)));
    /// assert_eq!(Engine::Standard.max_age_cap(), None);
    /// ```
    pub fn max_age_cap(self) -> Option<Duration> {
        match self {
            Engine::Standard => None,
            Engine::Chromium => Some(Duration::from_secs(2 * 60 * 60)),
            Engine::Firefox => Some(Duration::from_secs(24 * 60 * 60)),
            Engine::WebKit => Some(Duration::from_secs(10 * 60)),
        }
    }

    /// Whether `Access-Control-Allow-Headers: *` lets a request carry
    /// `Authorization`. The Fetch Standard says it never does (whatwg/fetch
    /// issue 1919 discusses it); all three engines let it today: Chromium
    /// with a deprecation warning in its console, Firefox behind the
    /// preference `network.cors_preflight.authorization_covered_by_wildcard`
    /// (on by default), and WebKit.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::Engine;
    ///
    /// assert!(Engine::Firefox.wildcard_covers_authorization());
    /// ```
    pub fn wildcard_covers_authorization(self) -> bool {
        !matches!(self, Engine::Standard)
    }

    /// Whether a cached preflight answer serves later requests to a URL
    /// whose host is an IP address (`http://127.0.0.1:8080/`). Firefox
    /// mostly does not: it sends a preflight before every such request (in
    /// 8 of 9 runs of the browser suite of the tower-cors repository it
    /// did; once it reused the first), which the model follows.
    ///
    /// # Example
    ///
    /// ```
    /// use cors_check::Engine;
    ///
    /// assert!(!Engine::Firefox.caches_preflights_for_ip_hosts());
    /// assert!(Engine::WebKit.caches_preflights_for_ip_hosts());
    /// ```
    pub fn caches_preflights_for_ip_hosts(self) -> bool {
        !matches!(self, Engine::Firefox)
    }

    /// Whether the engine says `cross-site` for every redirected request
    /// that is not same-origin, whatever its site (Firefox; its preflight
    /// still says the furthest site), rather than the furthest site of
    /// its URLs.
    pub(crate) fn redirected_requests_are_cross_site(self) -> bool {
        matches!(self, Engine::Firefox)
    }

    /// Whether the engine leaves out Fetch Metadata once a redirect has
    /// taken the request to another origin (WebKit).
    pub(crate) fn drops_fetch_metadata_after_cross_origin_redirect(self) -> bool {
        matches!(self, Engine::WebKit)
    }

    /// The engines that let `*` cover `Authorization`, with their
    /// versions, in words: `Chromium 156, Firefox 153 and WebKit 2.50`.
    pub(crate) fn covering_authorization() -> String {
        let names: Vec<String> = Engine::BROWSERS
            .into_iter()
            .filter(|engine| engine.wildcard_covers_authorization())
            .map(Engine::label)
            .collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
