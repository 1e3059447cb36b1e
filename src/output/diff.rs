//! Unified diffs between what is on disk and what a run would write.

use similar::TextDiff;

/// A unified diff of `old` → `new` with `a/` and `b/` headers; empty when equal.
pub fn unified(path: &str, old: Option<&[u8]>, new: Option<&str>) -> String {
    let old_text = old.map(String::from_utf8_lossy).unwrap_or_default();
    let new_text = new.unwrap_or_default();
    if old_text == new_text && old.is_some() == new.is_some() {
        return String::new();
    }
    let path = path.trim_start_matches('/');
    let from = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let to = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_owned()
    };
    TextDiff::from_lines(old_text.as_ref(), new_text)
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_have_git_style_headers() {
        let d = unified("p/a.py", Some(b"x = 1\ny = 2\n"), Some("x = 1\ny = 3\n"));
        assert!(d.starts_with("--- a/p/a.py\n+++ b/p/a.py\n@@"), "{d}");
        assert!(d.contains("-y = 2\n+y = 3\n"), "{d}");
        assert!(unified("a", Some(b"same\n"), Some("same\n")).is_empty());
        assert!(unified("a", None, Some("new\n")).starts_with("--- /dev/null\n+++ b/a\n"));
        assert!(unified("a", Some(b"old\n"), None).contains("+++ /dev/null"));
    }
}
