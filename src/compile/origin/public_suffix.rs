//! Whether a subdomain pattern would reach sites of unrelated owners: its
//! base is a public suffix (`com`, `co.uk`, `github.io`, `myshopify.com`).
//!
//! With the default `psl` feature the check knows the whole Public Suffix
//! List, its ICANN and PRIVATE sections, wildcard rules (`*.sch.uk`) and
//! exceptions (`!www.ck`), as published in the release of the `psl` crate
//! that the build resolved. A base counts when it is a suffix itself
//! (`co.uk`, `foo.sch.uk`) or when a wildcard rule makes each of its
//! children one (`sch.uk`, `compute.amazonaws.com`). A base that merely has
//! suffixes somewhere below it (`amazonaws.com`, above `s3.amazonaws.com`)
//! is not refused: the list cannot be searched downwards from a name.
//!
//! Without the feature the check knows one rule only: every single-label
//! domain is a public suffix, which catches `*.com` and `*.dev` but not
//! `*.co.uk` or `*.github.io`. It runs when the policy is built, never per
//! request.

/// Whether `domain` (lowercase, with or without a trailing dot) is a public
/// suffix, so that `*.domain` would match sites of unrelated owners.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    !domain.contains('.') || is_listed_suffix(domain)
}

/// Whether the Public Suffix List makes `domain` a suffix (by a rule of its
/// own or by a wildcard rule), or makes every child of `domain` one (a
/// wildcard rule `*.domain`).
#[cfg(feature = "psl")]
fn is_listed_suffix(domain: &str) -> bool {
    let is_suffix = |name: &str| {
        psl::suffix(name.as_bytes()).is_some_and(|suffix| suffix.as_bytes() == name.as_bytes())
    };
    // No exception rule names this label, so under a wildcard rule the
    // probe is a suffix exactly when every child is.
    is_suffix(domain) || is_suffix(&format!("tower-cors-probe.{domain}"))
}

#[cfg(not(feature = "psl"))]
fn is_listed_suffix(_domain: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::is_public_suffix;

    #[test]
    fn single_labels_are_suffixes() {
        for suffix in ["com", "dev", "io.", "localhost", "internal"] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
    }

    #[cfg(feature = "psl")]
    #[test]
    fn the_whole_list() {
        for suffix in [
            "co.uk",
            "github.io",
            "myshopify.com",
            "githubusercontent.com",
            "azureedge.net",
            "s3.us-east-1.amazonaws.com",
            "blogspot.com",
            "com.pl",
            "gov.sg",
            "nhs.uk",
            "foo.sch.uk",
            "sch.uk",
            "kawasaki.jp",
            "compute.amazonaws.com",
            "co.uk.",
        ] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
        for domain in [
            "example.com",
            "example.co.uk",
            "user.github.io",
            "shop.myshopify.com",
            "www.ck",
            "city.kawasaki.jp",
            "amazonaws.com",
        ] {
            assert!(!is_public_suffix(domain), "{domain}");
        }
    }
}
