//! Matching a request's path against a binding's prefix or pattern.

use crate::error::ConfigError;

/// A path prefix or pattern, checked and split into segments once.
#[derive(Debug, Clone)]
pub(crate) enum PathMatcher {
    /// Matches the prefix itself and every path below it, segment-wise.
    Prefix(String),
    /// Matches whole paths, segment by segment.
    Pattern(Pattern),
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
        let trimmed = prefix.trim_end_matches('/');
        Ok(PathMatcher::Prefix(trimmed.to_owned()))
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

    /// Whether `path` (a request's path) is covered.
    pub(crate) fn matches(&self, path: &str) -> bool {
        match self {
            PathMatcher::Prefix(prefix) => match path.strip_prefix(prefix.as_str()) {
                Some(rest) => rest.is_empty() || rest.starts_with('/') || prefix.is_empty(),
                None => false,
            },
            PathMatcher::Pattern(pattern) => pattern.matches(path),
        }
    }
}

impl Pattern {
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
