//! Differential: a configured origin that `build()` accepts is matched by
//! exactly the `Origin` values a browser would serialize for it.
//!
//! The input picks a scheme, host labels (letters in either case, digits,
//! `-`, `_`, now and then another byte), an optional port and a pattern
//! shape. The configured string is written from those parts as a user
//! might; the browser's serialization of the same origin is computed here
//! (the URL Standard: special schemes lowercase their host and drop their
//! default port). Then:
//! - if `build()` accepts the configured string, it is the browser's
//!   serialization, and the layer allows that serialization;
//! - if the configured string is already the browser's serialization of a
//!   plain domain, `build()` accepts it;
//! - near misses (another case, a trailing slash, the default port added,
//!   a path, another scheme, a label more or less) are refused, unless
//!   they are themselves the serialization of a matched origin.
#![no_main]

use arbitrary::Arbitrary;
use http::HeaderValue;
use libfuzzer_sys::fuzz_target;
use tower_cors::CorsLayer;
use tower_cors_fuzz::{get_from, send, values, Handler};

#[derive(Arbitrary, Debug)]
struct Input {
    scheme: u8,
    labels: Vec<Vec<u8>>,
    port: Option<u16>,
    /// `*.` before the host.
    subdomains: bool,
    /// `:*` as the port.
    any_port: bool,
    /// A subdomain to try under a pattern, and a port to try with `:*`.
    probe_label: Vec<u8>,
    probe_port: u16,
}

/// (scheme, default port, special).
const SCHEMES: [(&str, Option<u16>, bool); 5] = [
    ("https", Some(443), true),
    ("http", Some(80), true),
    ("wss", Some(443), true),
    ("ftp", Some(21), true),
    ("chrome-extension", None, false),
];

/// A label byte from the fuzzer's byte: mostly the characters of DNS
/// labels, in either case.
fn label_byte(b: u8) -> u8 {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    if b >= 0xf0 {
        // Now and then another printable byte (not a delimiter of an
        // origin, nor the `*` of a pattern, which the input places itself).
        match b"!$&'()+,;=~%".get(usize::from(b & 0x0f)) {
            Some(&other) => other,
            None => b'x',
        }
    } else {
        ALPHABET[usize::from(b) % ALPHABET.len()]
    }
}

fn label(bytes: &[u8]) -> String {
    bytes.iter().take(20).map(|&b| char::from(label_byte(b))).collect()
}

fn is_dns_label(label: &str) -> bool {
    // An `xn--` label is Punycode, which browsers decode and refuse when it
    // is not valid (`xn--` alone, say): not a plain label.
    !label.is_empty()
        && !label.starts_with("xn--")
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn allowed(cors: &CorsLayer, origin: &str) -> bool {
    let Ok(value) = HeaderValue::from_str(origin) else {
        return false;
    };
    let handler = Handler::new(http::StatusCode::OK, http::HeaderMap::new());
    let (_, headers) = send(cors, &handler, get_from(value));
    let acao = values(&headers, &http::header::ACCESS_CONTROL_ALLOW_ORIGIN);
    match acao.as_slice() {
        [] => false,
        [one] => {
            assert_eq!(*one, origin.as_bytes(), "the layer answered another origin");
            true
        }
        more => panic!("several Access-Control-Allow-Origin: {more:?}"),
    }
}

fuzz_target!(|input: Input| {
    let (scheme, default_port, special) = SCHEMES[usize::from(input.scheme) % SCHEMES.len()];
    let labels: Vec<String> = input.labels.iter().take(5).map(|l| label(l)).collect();
    if labels.is_empty() {
        return;
    }
    // The last label starts with a letter, so that no host is an IPv4
    // address (whose serialization is another story).
    if !labels.last().unwrap().starts_with(|c: char| c.is_ascii_alphabetic()) {
        return;
    }
    let host = labels.join(".");
    let port = match (input.any_port, input.port) {
        (true, _) => ":*".to_owned(),
        (false, Some(port)) => format!(":{port}"),
        (false, None) => String::new(),
    };
    let star = if input.subdomains { "*." } else { "" };
    let configured = format!("{scheme}://{star}{host}{port}");

    // The browser's serialization of the origin (or of the pattern's
    // base): special schemes lowercase the host and drop the default port.
    let browser_host = if special { host.to_ascii_lowercase() } else { host.clone() };
    let browser_port = match (input.any_port, input.port) {
        (true, _) => ":*".to_owned(),
        (false, Some(port)) if Some(port) == default_port => String::new(),
        (false, Some(port)) => format!(":{port}"),
        (false, None) => String::new(),
    };
    let canonical = format!("{scheme}://{star}{browser_host}{browser_port}");
    let plain_labels = labels.iter().all(|l| is_dns_label(l));

    let Ok(cors) = CorsLayer::builder().allow_origins([configured.as_str()]).build() else {
        // A canonical value made of plain labels, on a port other than 0,
        // must be accepted.
        assert!(
            !(configured == canonical && plain_labels && input.port != Some(0)),
            "build() refused {configured:?}, which is how browsers write it"
        );
        return;
    };
    assert_eq!(configured, canonical, "build() accepted a value browsers never send");

    let base = format!("{scheme}://{browser_host}");
    let probe = label(&input.probe_label);
    let probe_port = format!(":{}", input.probe_port);
    let port_ok = |p: &str| match (input.any_port, input.port) {
        (true, _) => {
            let n: u32 = p.trim_start_matches(':').parse().unwrap_or(0);
            !p.is_empty() && n != 0 && Some(n) != default_port.map(u32::from)
        }
        (false, _) => p == browser_port,
    };

    // What matches.
    if input.subdomains {
        if is_dns_label(&probe) {
            let p = if input.any_port { probe_port.clone() } else { browser_port.clone() };
            let sub = format!("{scheme}://{probe}.{browser_host}{p}");
            let expect = port_ok(&p);
            assert_eq!(allowed(&cors, &sub), expect, "{configured} and {sub}");
            // Two labels as well.
            let sub2 = format!("{scheme}://{probe}.{probe}.{browser_host}{p}");
            assert_eq!(allowed(&cors, &sub2), expect, "{configured} and {sub2}");
        }
        // The apex is never matched.
        let p = if input.any_port { probe_port.clone() } else { browser_port.clone() };
        assert!(!allowed(&cors, &format!("{base}{p}")), "{configured} matched its apex");
    } else if input.any_port {
        let with = format!("{base}{probe_port}");
        assert_eq!(allowed(&cors, &with), port_ok(&probe_port), "{configured} and {with}");
        assert!(!allowed(&cors, &base), "{configured} matched no port");
    } else {
        assert!(allowed(&cors, &configured), "{configured} does not match itself");
    }

    // Near misses: none matches (for patterns, probed with a subdomain).
    let example = if input.subdomains {
        format!("{scheme}://a.{browser_host}")
    } else {
        base.clone()
    };
    let example_port = if input.any_port { ":8081".to_owned() } else { browser_port.clone() };
    let example_origin = format!("{example}{example_port}");
    let mut misses = vec![
        format!("{example_origin}/"),
        format!("{example_origin}/path"),
        format!("{}{example_port}", example.to_ascii_uppercase()),
        format!("{example}.evil.test{example_port}"),
        format!("x{}", example_origin),
        format!("{example_origin}:1"),
        example_origin.replacen(scheme, "gopher", 1),
    ];
    if let (Some(default), "") = (default_port, browser_port.as_str()) {
        misses.push(format!("{example}:{default}"));
    }
    if example.bytes().any(|b| b.is_ascii_lowercase()) {
        // One letter in upper case.
        let at = example.rfind(|c: char| c.is_ascii_lowercase()).unwrap();
        let mut upper = example.clone();
        upper.replace_range(at..=at, &example[at..=at].to_ascii_uppercase());
        misses.push(format!("{upper}{example_port}"));
    }
    for miss in misses {
        assert!(!allowed(&cors, &miss), "{configured} matched the near miss {miss}");
    }
});
