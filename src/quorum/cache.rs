//! Votes on disk, so a re-run over unchanged files asks no model again: one
//! small JSON file per (model id, model name, prompt version, content hash),
//! under the user's cache directory (`$XDG_CACHE_HOME/codegen/quorum` or
//! `~/.cache/codegen/quorum` on Linux, `~/Library/Caches/codegen/quorum` on
//! macOS) unless `[quorum] cache_dir` says otherwise. Only valid votes are kept:
//! a failed call is asked again next time.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::prompt::PROMPT_VERSION;
use crate::config::quorum::ModelConfig;
use crate::digest::sha256_hex;

/// One cached vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedVote {
    pub vote: bool,
    pub confidence: f64,
    pub reasoning: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in `dir`, or in the user's cache directory.
    pub fn open(dir: Option<&Path>) -> Option<Cache> {
        let dir = match dir {
            Some(dir) => dir.to_path_buf(),
            None => dirs::cache_dir()?.join("codegen").join("quorum"),
        };
        Some(Cache { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of `model`'s vote on a prompt whose content hashes to `content_hash`.
    pub fn key(model: &ModelConfig, content_hash: &str) -> String {
        let text = format!(
            "{}\0{}\0{PROMPT_VERSION}\0{content_hash}",
            model.id, model.model
        );
        sha256_hex(text.as_bytes())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir
            .join(key.get(..2).unwrap_or("00"))
            .join(format!("{key}.json"))
    }

    pub fn get(&self, key: &str) -> Option<CachedVote> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a vote; a cache that cannot be written only costs a call next time.
    pub fn put(&self, key: &str, vote: &CachedVote) {
        let path = self.path(key);
        let written = (|| -> std::io::Result<()> {
            let dir = path.parent().unwrap_or(&self.dir);
            std::fs::create_dir_all(dir)?;
            let temporary = dir.join(format!(".{key}.{}.tmp", std::process::id()));
            std::fs::write(&temporary, serde_json::to_vec(vote)?)?;
            std::fs::rename(&temporary, &path)
        })();
        if let Err(error) = written {
            tracing::debug!(path = %path.display(), %error, "quorum: vote not cached");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_round_trips_and_the_key_follows_model_and_content() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(Some(dir.path())).unwrap();
        let models = crate::config::quorum::default_models();
        let key = Cache::key(&models[0], "abc");
        assert_ne!(key, Cache::key(&models[1], "abc"));
        assert_ne!(key, Cache::key(&models[0], "abd"));
        assert_eq!(cache.get(&key), None);
        let vote = CachedVote {
            vote: true,
            confidence: 0.5,
            reasoning: "ok".to_owned(),
            input_tokens: 1,
            output_tokens: 2,
        };
        cache.put(&key, &vote);
        assert_eq!(cache.get(&key), Some(vote));
    }
}
