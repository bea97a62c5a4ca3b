//! The guide's origin-matching rules (`tower_cors::guide::origins`), written from the guide and not
//! from the layer: the oracle that `tests/it/policy_properties.rs` and the
//! fuzz target `fuzz/fuzz_targets/origin.rs` compare the layer with. Both
//! use this module, so that their oracles cannot drift apart.

/// The part after `scheme` + one or more whole labels + `.` + `base`, if
/// `origin` has that shape; the labels are lowercase `[a-z0-9_-]`.
pub fn subdomain_of<'a>(origin: &'a [u8], scheme: &[u8], base: &[u8]) -> Option<&'a [u8]> {
    let rest = origin.strip_prefix(scheme)?;
    let host_end = rest.iter().position(|&b| b == b':').unwrap_or(rest.len());
    let (host, port) = rest.split_at(host_end);
    if host.len() > 254 {
        return None;
    }
    let labels = host.strip_suffix(base)?.strip_suffix(b".")?;
    let whole = !labels.is_empty()
        && labels.split(|&b| b == b'.').all(|label| {
            !label.is_empty()
                && label.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                })
        });
    whole.then_some(port)
}

/// A port browsers write for a scheme whose default port is `default`:
/// decimal, no leading zero, 1-65535, not `default`.
pub fn browser_port(port: &[u8], default: u32) -> bool {
    let digits = !port.is_empty() && port.iter().all(u8::is_ascii_digit);
    let leading_zero = port.len() > 1 && port[0] == b'0';
    let number = std::str::from_utf8(port)
        .ok()
        .and_then(|p| p.parse::<u32>().ok());
    digits && !leading_zero && number.is_some_and(|n| (1..=65535).contains(&n) && n != default)
}

/// Whether `origin` is `http://localhost` with a port browsers write, as
/// `http://localhost:*` allows.
pub fn localhost_any_port(origin: &[u8]) -> bool {
    origin
        .strip_prefix(b"http://localhost:")
        .is_some_and(|port| browser_port(port, 80))
}
