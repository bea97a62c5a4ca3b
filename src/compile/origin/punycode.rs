//! Decoding the Punycode of an internationalized label (`xn--...`, RFC
//! 3492), to refuse configured hosts that browsers cannot parse: the URL
//! Standard maps every label of a special URL's host through UTS #46,
//! which fails on an `xn--` label that does not decode, or that decodes to
//! nothing or to ASCII only; such a host never appears in an `Origin`.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 0x80;

/// Whether `label` (after its `xn--` prefix) is Punycode that decodes to a
/// label with at least one non-ASCII character.
pub(crate) fn is_valid(encoded: &str) -> bool {
    decode(encoded).is_some_and(|label| label.iter().any(|c| !c.is_ascii()))
}

/// The digit value of a Punycode character.
fn digit(byte: u8) -> Option<u32> {
    match byte {
        b'a'..=b'z' => Some(u32::from(byte - b'a')),
        b'A'..=b'Z' => Some(u32::from(byte - b'A')),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 26),
        _ => None,
    }
}

/// The bias after a delta, as RFC 3492 section 6.1 adapts it.
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points.max(1);
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// The decoded characters, or `None` when `encoded` is not Punycode.
fn decode(encoded: &str) -> Option<Vec<char>> {
    let (basic, extended) = match encoded.rfind('-') {
        Some(at) => (encoded.get(..at)?, encoded.get(at + 1..)?),
        None => ("", encoded),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = extended.bytes();
    while digits.len() > 0 {
        let old_i = i;
        let mut weight = 1u32;
        let mut k = BASE;
        loop {
            let d = digit(digits.next()?)?;
            i = i.checked_add(d.checked_mul(weight)?)?;
            let t = if k <= bias {
                T_MIN
            } else if k >= bias + T_MAX {
                T_MAX
            } else {
                k - bias
            };
            if d < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
        }
        let points = u32::try_from(output.len()).ok()? + 1;
        bias = adapt(i - old_i, points, old_i == 0);
        n = n.checked_add(i / points)?;
        i %= points;
        let c = char::from_u32(n).filter(|c| !c.is_ascii())?;
        output.insert(usize::try_from(i).ok()?, c);
        i += 1;
    }
    Some(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(encoded: &str) -> Option<String> {
        decode(encoded).map(|chars| chars.into_iter().collect())
    }

    #[test]
    fn decodes_labels_browsers_send() {
        assert_eq!(decoded("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(decoded("mnchen-3ya").as_deref(), Some("münchen"));
        assert_eq!(decoded("p1ai").as_deref(), Some("рф"));
        assert_eq!(decoded("fiqs8s").as_deref(), Some("中国"));
        assert!(is_valid("bcher-kva"));
    }

    #[test]
    fn refuses_what_does_not_decode_to_unicode() {
        // Too short: the digit needs a successor.
        assert_eq!(decoded("f"), None);
        // Not a Punycode digit.
        assert_eq!(decoded("a-_"), None);
        // Decodes to ASCII only, or to nothing.
        assert!(!is_valid("abc-"));
        assert!(!is_valid(""));
        // Overflows.
        assert_eq!(decoded("99999999999999999999"), None);
    }
}
