//! Request paths → keys of the in-memory site.
//!
//! The dev server never opens a file to answer a request: it looks the path up in the
//! snapshot of the last good build. So traversal cannot reach the disk whatever the path
//! says; this module still refuses every path that *tries* (`..`, encoded dots or slashes,
//! backslashes, NUL), so a mistake elsewhere cannot turn into a leak, and the refusal is
//! visible in tests.

use percent_encoding::percent_decode_str;

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BadPath {
    /// Not valid UTF-8 once decoded.
    Encoding,
    /// A `..` or `.` segment, a backslash or a NUL: an attempt to leave the site.
    Traversal,
}

/// The snapshot key for a raw (still percent-encoded) request path: `/` → `index.html`,
/// `/journeys/` → `journeys/index.html`, `/a%20b.html` → `a b.html`.
pub(crate) fn site_key(raw: &str) -> Result<String, BadPath> {
    let raw = raw.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| BadPath::Encoding)?;
    if decoded.contains(['\\', '\0']) {
        return Err(BadPath::Traversal);
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(BadPath::Traversal),
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Ok(key)
}

/// How a page at this request path links back to the site root (`""`, `"../"`, …), so the
/// live-reload script finds the events endpoint behind a proxy or under a sub-path.
pub(crate) fn root_prefix(raw: &str) -> String {
    let raw = raw.split(['?', '#']).next().unwrap_or_default();
    let depth = raw.trim_start_matches('/').matches('/').count();
    "../".repeat(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_map_to_snapshot_keys() {
        assert_eq!(site_key("/").unwrap(), "index.html");
        assert_eq!(site_key("").unwrap(), "index.html");
        assert_eq!(
            site_key("/journeys/returns.html").unwrap(),
            "journeys/returns.html"
        );
        assert_eq!(site_key("/journeys/").unwrap(), "journeys/index.html");
        assert_eq!(
            site_key("//static//style.css?v=2").unwrap(),
            "static/style.css"
        );
        assert_eq!(site_key("/assets/a%20b.svg").unwrap(), "assets/a b.svg");
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for p in [
            "/../etc/passwd",
            "/journeys/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2fetc/passwd",
            "/..%2Fetc",
            "/.%2e/x",
            "/..%5cetc%5cpasswd",
            "/a\\..\\b",
            "/a%5C..",
            "/index.html%00.png",
            "/./index.html",
        ] {
            assert_eq!(site_key(p), Err(BadPath::Traversal), "{p}");
        }
        assert_eq!(site_key("/%ff%fe"), Err(BadPath::Encoding));
    }

    #[test]
    fn double_encoding_stays_a_literal_name() {
        // Decoded once, `%252e%252e` is the harmless file name `%2e%2e`, which no site has.
        assert_eq!(site_key("/%252e%252e/x").unwrap(), "%2e%2e/x");
    }

    #[test]
    fn root_prefix_follows_the_request_depth() {
        assert_eq!(root_prefix("/"), "");
        assert_eq!(root_prefix("/index.html"), "");
        assert_eq!(root_prefix("/journeys/a.html"), "../");
        assert_eq!(root_prefix("/a/b/missing?x=/y"), "../../");
    }
}
