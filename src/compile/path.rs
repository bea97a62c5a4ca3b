//! Matching a request's path against a binding's prefix or pattern.

use std::fmt;

use crate::error::ConfigError;

/// A path prefix or pattern, checked and split into segments once. With a
/// tag byte of its own (not a niche in a field): telling the two apart is
/// one comparison per request.
#[derive(Debug, Clone)]
#[repr(u8)]
pub(crate) enum PathMatcher {
    /// Matches the prefix itself and every path below it, segment-wise.
    Prefix(Prefix),
    /// Matches whole paths, segment by segment.
    Pattern(Pattern),
}

/// A compiled prefix: its text without a trailing slash (`/` is empty),
/// and its first eight bytes as one word, so that a prefix of eight bytes
/// or fewer is compared with a path in one comparison, not a call.
#[derive(Clone)]
pub(crate) struct Prefix {
    text: String,
    /// The first eight bytes of `text` (all of it when shorter, the rest
    /// zero) as a little-endian word, and the mask that keeps as many
    /// bytes of a word.
    head: u64,
    mask: u64,
}

/// The prefix as it was written: the word is the same text.
impl fmt::Debug for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

/// A compiled pattern: its segments, and whether a final `**` takes the rest.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    segments: Vec<Segment>,
    rest: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `*`: exactly one non-empty segment.
    Any,
}

/// The segments of `path`, without its leading slash and one trailing
/// slash: `/` has none, `/a/b/` has `a` and `b`.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    path.split('/').filter(move |_| !path.is_empty())
}

/// Checks what every binding path shares: it starts with `/`, carries no
/// query or fragment, no empty segment and only bytes a request's path can
/// hold, and is not written in a router's syntax for parameters.
fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("a path must start with `/`");
    }
    if path.contains(['?', '#']) {
        return Err("a path has no query (`?`) or fragment (`#`)");
    }
    if path.contains("//") {
        return Err("a path has no empty segment (`//`)");
    }
    if path.contains(['{', '}']) || path.split('/').any(|s| s.starts_with(':')) {
        return Err("parameters are written `*` (one segment) or a final `**` (the rest), not `{id}` or `:id`");
    }
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(
            "a request's path holds no space, control or non-ASCII byte: write it percent-encoded",
        );
    }
    Ok(())
}

impl PathMatcher {
    /// A prefix binding: `/public` covers `/public` and `/public/...`,
    /// never `/publicity`.
    pub(crate) fn prefix(prefix: &str) -> Result<PathMatcher, ConfigError> {
        let invalid = |reason| ConfigError::InvalidPath {
            path: prefix.to_owned(),
            reason,
        };
        check_path(prefix).map_err(invalid)?;
        if prefix.contains('*') {
            return Err(invalid("a prefix has no `*`; bind a pattern instead"));
        }
        let text = prefix.trim_end_matches('/');
        let (mut head, mut mask) = ([0; 8], [0; 8]);
        for ((head, mask), byte) in head.iter_mut().zip(&mut mask).zip(text.bytes()) {
            *head = byte;
            *mask = u8::MAX;
        }
        Ok(PathMatcher::Prefix(Prefix {
            text: text.to_owned(),
            head: u64::from_le_bytes(head),
            mask: u64::from_le_bytes(mask),
        }))
    }

    /// A pattern binding: `*` stands for one segment, a final `**` for the
    /// rest of the path.
    pub(crate) fn pattern(pattern: &str) -> Result<PathMatcher, ConfigError> {
        let invalid = |reason| ConfigError::InvalidPath {
            path: pattern.to_owned(),
            reason,
        };
        check_path(pattern).map_err(invalid)?;
        let parts: Vec<&str> = segments(pattern).collect();
        let rest = parts.last() == Some(&"**");
        let fixed: &[&str] = match parts.split_last() {
            Some((_, init)) if rest => init,
            _ => &parts,
        };
        let mut segments = Vec::with_capacity(fixed.len());
        for part in fixed {
            segments.push(match *part {
                "*" => Segment::Any,
                "**" => return Err(invalid("`**` may only end a pattern")),
                "" => return Err(invalid("a pattern has no empty segment (`//`)")),
                literal if literal.contains('*') => {
                    return Err(invalid("`*` stands for a whole segment, as in `/a/*/b`"))
                }
                literal => Segment::Literal(literal.to_owned()),
            });
        }
        Ok(PathMatcher::Pattern(Pattern { segments, rest }))
    }

    /// Whether `path` (a request's path) is covered. Inlined where a
    /// table is searched: a prefix is a few comparisons, a pattern a call.
    #[inline]
    pub(crate) fn matches(&self, path: &str) -> bool {
        match self {
            PathMatcher::Prefix(prefix) => prefix.matches(path),
            PathMatcher::Pattern(pattern) => pattern.matches(path),
        }
    }
}

impl Prefix {
    /// Whether `path` is the prefix or below it. The byte after the
    /// prefix first: it rules out most paths that another binding covers
    /// without comparing the prefix.
    #[inline]
    fn matches(&self, path: &str) -> bool {
        let (path, prefix) = (path.as_bytes(), self.text.as_bytes());
        let boundary = match path.get(prefix.len()) {
            None => path.len() == prefix.len(),
            Some(&byte) => byte == b'/' || prefix.is_empty(),
        };
        boundary
            && match path.first_chunk::<8>() {
                Some(head) if prefix.len() <= 8 => {
                    u64::from_le_bytes(*head) & self.mask == self.head
                }
                _ => path.starts_with(prefix),
            }
    }
}

impl Pattern {
    #[inline(never)]
    fn matches(&self, path: &str) -> bool {
        let mut path = segments(path);
        for segment in &self.segments {
            let matched = match (segment, path.next()) {
                (Segment::Any, Some(part)) => !part.is_empty(),
                (Segment::Literal(literal), Some(part)) => literal == part,
                (_, None) => false,
            };
            if !matched {
                return false;
            }
        }
        self.rest || path.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(p: &str) -> PathMatcher {
        PathMatcher::prefix(p).unwrap()
    }

    fn pattern(p: &str) -> PathMatcher {
        PathMatcher::pattern(p).unwrap()
    }

    #[test]
    fn prefixes_cover_whole_segments() {
        let public = prefix("/public");
        assert!(public.matches("/public"));
        assert!(public.matches("/public/"));
        assert!(public.matches("/public/a/b"));
        assert!(!public.matches("/publicity"));
        assert!(!public.matches("/"));
        assert!(prefix("/public/").matches("/public/a"));
        assert!(prefix("/").matches("/anything/at/all"));
        assert!(prefix("/").matches("/"));
    }

    /// Whether `path` is `prefix` or below it, as the prefix's text says:
    /// what the word comparison must agree with.
    fn below(prefix: &str, path: &str) -> bool {
        let prefix = prefix.trim_end_matches('/');
        match path.strip_prefix(prefix) {
            Some(rest) => prefix.is_empty() || rest.is_empty() || rest.starts_with('/'),
            None => false,
        }
    }

    #[test]
    fn prefixes_of_every_length_agree_with_their_text() {
        // Prefixes shorter than, as long as and longer than a word, paths
        // likewise, differing from the prefix in each of its bytes, and
        // continuing it with a segment, a longer segment or nothing.
        let prefixes = [
            "/",
            "/a",
            "/api",
            "/api/v1",
            "/abcdefg",
            "/abcdefgh",
            "/abcdefghij",
            "/a/b/c/d/e",
        ];
        let written = prefixes
            .iter()
            .flat_map(|&p| [p.to_owned(), format!("{p}/")]);
        for written in written.filter(|p| p != "//") {
            let matcher = prefix(&written);
            let text = written.trim_end_matches('/');
            let mut paths = vec![String::new(), "/".to_owned(), "*".to_owned()];
            for stem in (0..=text.len()).map(|n| &text[..n]) {
                for tail in ["", "/", "x", "/x", "/segment", "x/segment", "/ab/cdefghijk"] {
                    paths.push(format!("{stem}{tail}"));
                }
            }
            for i in 0..text.len() {
                let mut bytes = text.as_bytes().to_vec();
                bytes[i] ^= 1;
                let changed = String::from_utf8(bytes).unwrap();
                paths.extend([changed.clone(), format!("{changed}/more/segments")]);
            }
            for path in &paths {
                assert_eq!(
                    matcher.matches(path),
                    below(&written, path),
                    "prefix {written:?}, path {path:?}"
                );
            }
        }
    }

    #[test]
    fn prefixes_show_as_written() {
        assert_eq!(format!("{:?}", prefix("/public/")), r#"Prefix("/public")"#);
    }

    #[test]
    fn patterns_match_segment_by_segment() {
        let admin = pattern("/api/*/admin");
        assert!(admin.matches("/api/v1/admin"));
        assert!(admin.matches("/api/v2/admin/"));
        assert!(!admin.matches("/api/admin"));
        assert!(!admin.matches("/api//admin"));
        assert!(!admin.matches("/api/v1/admin/users"));
        assert!(!admin.matches("/api/v1/v2/admin"));
        let subtree = pattern("/api/*/admin/**");
        assert!(subtree.matches("/api/v1/admin"));
        assert!(subtree.matches("/api/v1/admin/users/7"));
        assert!(!subtree.matches("/api/v1/public"));
        assert!(pattern("/").matches("/"));
        assert!(!pattern("/").matches("/a"));
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in ["public", "/a?b", "/a#b", "/a*"] {
            assert!(PathMatcher::prefix(bad).is_err(), "{bad}");
        }
        for bad in ["api/*", "/a/**/b", "/a//b", "/v*/x", "/a?x"] {
            assert!(PathMatcher::pattern(bad).is_err(), "{bad}");
        }
    }
}
