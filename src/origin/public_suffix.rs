//! A compact public-suffix check, for refusing `https://*.co.uk` with
//! credentials.
//!
//! The full Public Suffix List has thousands of rules and changes weekly; a
//! crate that embeds it would be this crate's largest dependency, for a
//! check that runs once, when the policy is built. This module embeds
//! instead the rule that catches most mistakes, every single-label domain
//! is a public suffix (`com`, `dev`, `localhost`), plus the multi-label
//! suffixes that subdomain patterns most often meet: country second-level
//! domains and the hosting platforms where every customer gets a subdomain.
//! A suffix missing here is not refused; the README says so.

/// Multi-label public suffixes, each under the label that ends it.
const MULTI_LABEL: &[&str] = &[
    // Country second-level domains.
    "ac.uk",
    "co.uk",
    "gov.uk",
    "ltd.uk",
    "me.uk",
    "net.uk",
    "org.uk",
    "plc.uk",
    "sch.uk",
    "com.au",
    "edu.au",
    "gov.au",
    "net.au",
    "org.au",
    "id.au",
    "co.nz",
    "net.nz",
    "org.nz",
    "govt.nz",
    "ac.nz",
    "ac.jp",
    "co.jp",
    "go.jp",
    "ne.jp",
    "or.jp",
    "co.kr",
    "or.kr",
    "ne.kr",
    "go.kr",
    "com.br",
    "net.br",
    "org.br",
    "gov.br",
    "com.cn",
    "net.cn",
    "org.cn",
    "gov.cn",
    "edu.cn",
    "com.hk",
    "com.tw",
    "com.sg",
    "com.my",
    "com.ph",
    "com.vn",
    "com.pk",
    "com.tr",
    "com.mx",
    "com.ar",
    "com.co",
    "com.pe",
    "com.ua",
    "com.eg",
    "com.sa",
    "com.ng",
    "co.in",
    "net.in",
    "org.in",
    "gov.in",
    "ac.in",
    "co.za",
    "org.za",
    "co.il",
    "org.il",
    "co.id",
    "or.id",
    "co.th",
    "in.th",
    // Hosting platforms that give every customer a subdomain.
    "github.io",
    "gitlab.io",
    "pages.dev",
    "workers.dev",
    "r2.dev",
    "vercel.app",
    "netlify.app",
    "herokuapp.com",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "azurewebsites.net",
    "azurestaticapps.net",
    "cloudfront.net",
    "blogspot.com",
    "fly.dev",
    "onrender.com",
    "glitch.me",
    "deno.dev",
    "surge.sh",
    "ngrok.io",
    "ngrok-free.app",
    "trycloudflare.com",
    "s3.amazonaws.com",
    "duckdns.org",
    "codeberg.page",
    "readthedocs.io",
    "replit.app",
    "up.railway.app",
];

/// Whether `domain` (lowercase, no trailing dot) is a public suffix, so that
/// `*.domain` would match sites of unrelated owners.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    !domain.contains('.') || MULTI_LABEL.contains(&domain)
}

#[cfg(test)]
mod tests {
    use super::is_public_suffix;

    #[test]
    fn known_suffixes() {
        for suffix in ["com", "dev", "co.uk", "github.io", "com.au", "io."] {
            assert!(is_public_suffix(suffix), "{suffix}");
        }
        for domain in ["example.com", "example.co.uk", "user.github.io", "uk.co"] {
            assert!(!is_public_suffix(domain), "{domain}");
        }
    }
}
