//! Decoding the Punycode of an internationalized label (`xn--...`, RFC
//! 3492), to refuse configured hosts that browsers cannot parse: the URL
//! Standard maps every label of a special URL's host through UTS #46,
//! which fails on an `xn--` label that does not decode, or that decodes to
//! nothing or to ASCII only; such a host never appears in an `Origin`.
//! (UTS #46 refuses more: decoded labels with disallowed code points, or
//! not in normalization form C. Those are not checked here.)

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 0x80;
/// The longest encoded label decoded: no host a browser sends is longer
/// (253 bytes), and decoding costs the square of the length.
const MAX_ENCODED_LEN: usize = 253;

/// Whether `label` (after its `xn--` prefix) is Punycode that decodes to a
/// label with at least one non-ASCII character.
pub(crate) fn is_valid(encoded: &str) -> bool {
    decode(encoded).is_some_and(|label| label.iter().any(|c| !c.is_ascii()))
}

/// The digit value of a Punycode character; lowercase only, as the hosts
/// it reads are (an uppercase host is refused before).
fn digit(byte: u8) -> Option<u32> {
    match byte {
        b'a'..=b'z' => Some(u32::from(byte - b'a')),
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
    // The last delimiter ends the basic code points, when there are any:
    // a delimiter at the very start is no delimiter, and not a digit.
    let (basic, extended) = match encoded.rfind('-') {
        Some(at) if at > 0 => (encoded.get(..at)?, encoded.get(at + 1..)?),
        _ => ("", encoded),
    };
    if encoded.len() > MAX_ENCODED_LEN {
        return None;
    }
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

    /// The sample strings of RFC 3492, section 7.1, long enough that every
    /// step of the bias adaptation runs.
    #[test]
    fn decodes_the_rfc_samples() {
        for (encoded, text) in [
            (
                "egbpdaj6bu4bxfgehfvwxn",
                "\u{644}\u{64a}\u{647}\u{645}\u{627}\u{628}\u{62a}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64a}\u{61f}",
            ),
            (
                "ihqwcrb4cv8a8dqg056pqjye",
                "\u{4ed6}\u{4eec}\u{4e3a}\u{4ec0}\u{4e48}\u{4e0d}\u{8bf4}\u{4e2d}\u{6587}",
            ),
            ("Proprostnemluvesky-uyb24dma41a", "Pro\u{10d}prost\u{11b}nemluv\u{ed}\u{10d}esky"),
            (
                "4dbcagdahymbxekheh6e0a7fei0b",
                "\u{5dc}\u{5de}\u{5d4}\u{5d4}\u{5dd}\u{5e4}\u{5e9}\u{5d5}\u{5d8}\u{5dc}\u{5d0}\u{5de}\u{5d3}\u{5d1}\u{5e8}\u{5d9}\u{5dd}\u{5e2}\u{5d1}\u{5e8}\u{5d9}\u{5ea}",
            ),
            (
                "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa",
                "\u{306a}\u{305c}\u{307f}\u{3093}\u{306a}\u{65e5}\u{672c}\u{8a9e}\u{3092}\u{8a71}\u{3057}\u{3066}\u{304f}\u{308c}\u{306a}\u{3044}\u{306e}\u{304b}",
            ),
            (
                "b1abfaaepdrnnbgefbadotcwatmq2g4l",
                "\u{43f}\u{43e}\u{447}\u{435}\u{43c}\u{443}\u{436}\u{435}\u{43e}\u{43d}\u{438}\u{43d}\u{435}\u{433}\u{43e}\u{432}\u{43e}\u{440}\u{44f}\u{442}\u{43f}\u{43e}\u{440}\u{443}\u{441}\u{441}\u{43a}\u{438}",
            ),
            (
                "PorqunopuedensimplementehablarenEspaol-fmd56a",
                "Porqu\u{e9}nopuedensimplementehablarenEspa\u{f1}ol",
            ),
            (
                "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g",
                "T\u{1ea1}isaoh\u{1ecd}kh\u{f4}ngth\u{1ec3}ch\u{1ec9}n\u{f3}iti\u{1ebf}ngVi\u{1ec7}t",
            ),
            ("3B-ww4c5e180e575a65lsy2b", "3\u{5e74}B\u{7d44}\u{91d1}\u{516b}\u{5148}\u{751f}"),
            (
                "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
                "\u{5b89}\u{5ba4}\u{5948}\u{7f8e}\u{6075}-with-SUPER-MONKEYS",
            ),
            (
                "Hello-Another-Way--fc4qua05auwb3674vfr0b",
                "Hello-Another-Way-\u{305d}\u{308c}\u{305e}\u{308c}\u{306e}\u{5834}\u{6240}",
            ),
            ("2-u9tlzr9756bt3uc0v", "\u{3072}\u{3068}\u{3064}\u{5c4b}\u{6839}\u{306e}\u{4e0b}2"),
            ("MajiKoi5-783gue6qz075azm5e", "Maji\u{3067}Koi\u{3059}\u{308b}5\u{79d2}\u{524d}"),
            ("de-jg4avhby1noc0d", "\u{30d1}\u{30d5}\u{30a3}\u{30fc}de\u{30eb}\u{30f3}\u{30d0}"),
            ("d9juau41awczczp", "\u{305d}\u{306e}\u{30b9}\u{30d4}\u{30fc}\u{30c9}\u{3067}"),
            // Labels whose decoding depends on the exact threshold of the
            // bias adaptation (a delta of 455, and deltas up to 481).
            ("a-tfar4a1a49e", "\u{e7}\u{f4}\u{176}\u{e1}a\u{ee}"),
            ("c-sfan5d5a83e", "\u{17f}\u{e5}c\u{f4}\u{e0}\u{fa}"),
            ("a-ufakt4bz5d", "\u{ea}\u{f2}\u{e5}a\u{17a}\u{e1}"),
            (
                "baaab-ci1hva0d4a24fqf50b",
                "b\u{4e7c}\u{4e0b}\u{4e0e}\u{4e15}aa\u{4e6b}a\u{4ec9}\u{4e18}b",
            ),
            ("b-io6a2a6af53fnbp", "\u{4e09}b\u{4e12}\u{4e1a}\u{4ead}\u{4eab}\u{4ea4}\u{4e1b}"),
            (
                "aab-s18dka7cx6c6cznr2aja",
                "aa\u{4e8b}\u{4f00}b\u{4eff}\u{4eac}\u{4e7e}\u{4e00}\u{4e0b}\u{4e02}",
            ),
        ] {
            assert_eq!(decoded(encoded).as_deref(), Some(text), "{encoded}");
        }
    }

    #[test]
    fn refuses_what_does_not_decode_to_unicode() {
        // Too short: the digit needs a successor.
        assert_eq!(decoded("f"), None);
        // Not a Punycode digit.
        assert_eq!(decoded("a-_"), None);
        // A delimiter with no basic code point before it is no delimiter.
        assert_eq!(decoded("-p1ai"), None);
        // Decodes to ASCII only, or to nothing.
        assert!(!is_valid("abc-"));
        assert!(!is_valid(""));
        // Overflows.
        assert_eq!(decoded("99999999999999999999"), None);
        // Longer than any host.
        assert_eq!(decoded(&"a".repeat(MAX_ENCODED_LEN + 1)), None);
        assert!(decoded(&format!("{}-{}", "a".repeat(MAX_ENCODED_LEN - 4), "kva")).is_some());
        // Digits are lowercase, as hosts are.
        assert_eq!(decoded("P1AI"), None);
    }
}
