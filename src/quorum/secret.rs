//! API keys: read from the environment variable a model names, held in a type
//! whose `Debug` and `Display` never show the value, and scrubbed from any text
//! that might echo it (a server's error body, a transport error).

use std::fmt;

/// A key's value. Only the HTTP clients read it, through [`ApiKey::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key in variable `name`: `None` when the variable is unset or empty.
    pub fn from_env(name: &str) -> Option<ApiKey> {
        if name.is_empty() {
            return None;
        }
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .map(ApiKey)
    }

    pub fn new(value: impl Into<String>) -> ApiKey {
        ApiKey(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the key replaced.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.len() < 4 {
            // Scrubbing a one- or two-letter key would mangle everything and hide little.
            return text.to_owned();
        }
        text.replace(&self.0, "[redacted]")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_formats_its_value() {
        let key = ApiKey::new("sk-very-secret-value");
        assert!(!format!("{key:?} {key} {key:#?}").contains("secret"));
        assert_eq!(
            key.scrub("echo sk-very-secret-value back"),
            "echo [redacted] back"
        );
    }
}
