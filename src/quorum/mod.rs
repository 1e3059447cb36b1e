//! The AI quorum: several LLMs vote on a Python file and their weighted votes
//! decide pass, fail or inconclusive. This module owns the whole of it: the
//! provider clients ([`provider`]), the versioned prompt ([`prompt`]), reading
//! answers ([`parse`]), the arithmetic ([`consensus`]), failure classes and
//! their strategies ([`recovery`]), retries ([`client`]), the vote cache on
//! disk ([`cache`]), keys that never show ([`secret`]) and the report
//! ([`report`]). Calls run on a runtime of the quorum's own, bounded by its own
//! concurrency setting, so `generate`'s `--jobs` and the network do not share a
//! limit.

pub mod cache;
pub mod client;
pub mod consensus;
pub mod finding;
pub mod parse;
pub mod prompt;
pub mod provider;
pub mod recovery;
pub mod secret;
pub mod validate;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::quorum::{ModelConfig, Provider, QuorumSettings};
use cache::{Cache, CachedVote};
pub use consensus::Verdict;
pub use prompt::FileInput;
use prompt::Prompt;
use provider::Tokens;
use recovery::{ErrorClass, Recovery};
use secret::ApiKey;

/// What became of one model's part in a vote.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ModelOutcome {
    /// A valid vote: it counts.
    Voted {
        vote: bool,
        confidence: f64,
        reasoning: String,
    },
    /// An answer that is no usable vote (malformed, out of range, truncated...): it does not count.
    Invalid { reason: String },
    /// No answer (network, timeout, rate-limit, auth).
    Failed { class: ErrorClass, error: String },
    /// Not asked (its key variable is unset).
    Skipped { reason: String },
}

/// One model's part in one file's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelVote {
    /// The configured id (`gemini`, `glm-4.5`, ...).
    pub model: String,
    /// The model name sent to the API.
    pub name: String,
    pub provider: Provider,
    pub weight: f64,
    #[serde(flatten)]
    pub outcome: ModelOutcome,
    pub duration_ms: f64,
    /// HTTP attempts made (0 for a cached or skipped vote).
    pub attempts: u32,
    pub cached: bool,
    pub tokens: Tokens,
    /// US dollars.
    pub cost: f64,
    /// Failed attempts and what was done about each.
    pub recovery: Vec<Recovery>,
}

impl ModelVote {
    /// (weight, pass, confidence) when the vote counts.
    fn counted(&self) -> Option<(f64, bool, f64)> {
        match &self.outcome {
            ModelOutcome::Voted {
                vote, confidence, ..
            } => Some((self.weight, *vote, *confidence)),
            _ => None,
        }
    }
}

/// The quorum's verdict on one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileVerdict {
    pub file: PathBuf,
    /// The file's outcome: the vote's, except that a static error finding makes it `fail`.
    pub verdict: Verdict,
    /// What the vote alone decided.
    pub vote_verdict: Verdict,
    /// The file has static error findings (it fails whatever the vote).
    pub static_errors: bool,
    pub consensus: f64,
    pub threshold: f64,
    pub participating_weight: f64,
    pub total_weight: f64,
    pub min_participating_weight: f64,
    pub votes: Vec<ModelVote>,
    pub tokens: Tokens,
    pub cost: f64,
    pub duration_ms: f64,
}

impl FileVerdict {
    /// Marks the file as failing its static rules: it fails whatever the vote.
    pub fn set_static_errors(&mut self, errors: bool) {
        self.static_errors = errors;
        self.verdict = if errors {
            Verdict::Fail
        } else {
            self.vote_verdict
        };
    }
}

/// A model that can be asked, with its key.
struct Member {
    config: ModelConfig,
    key: Option<ApiKey>,
}

struct Inner {
    settings: QuorumSettings,
    members: Vec<Member>,
    /// Models left out before any call, and why.
    skipped: Vec<(ModelConfig, String)>,
    client: reqwest::Client,
    cache: Option<Cache>,
    /// Calls in flight.
    permits: Semaphore,
    /// Files being voted on: enough to keep the call permits busy, so a file's
    /// deadline starts when its calls can start, not while it waits in line.
    files: Semaphore,
    /// The permits of `files`.
    files_at_once: usize,
}

/// A configured quorum, ready to vote.
pub struct Quorum {
    inner: Arc<Inner>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Quorum {
    /// `--require-quorum` was given.
    pub fn require(&self) -> bool {
        self.inner.settings.require
    }

    /// The longest stage 5 can take over a package of `files` Python files
    /// while `jobs` packages vote at once: each file's verdict has the
    /// quorum's deadline from when its calls can start, and the files of
    /// every package in flight take turns, `files_at_once` at a time.
    pub fn time_for(&self, files: usize, jobs: usize) -> std::time::Duration {
        let turns = files
            .max(1)
            .saturating_mul(jobs.max(1))
            .div_ceil(self.inner.files_at_once.max(1));
        self.inner
            .settings
            .deadline
            .saturating_mul(u32::try_from(turns).unwrap_or(u32::MAX))
    }

    /// Resolves keys from the environment (a model whose variable is unset is
    /// skipped, with a warning) and builds the HTTP client and the runtime.
    pub fn new(settings: &QuorumSettings) -> anyhow::Result<Quorum> {
        let mut members = Vec::new();
        let mut skipped = Vec::new();
        for model in settings.active_models() {
            if model.api_key_env.is_empty() {
                members.push(Member {
                    config: model.clone(),
                    key: None,
                });
                continue;
            }
            if let Some(key) = ApiKey::from_env(&model.api_key_env) {
                members.push(Member {
                    config: model.clone(),
                    key: Some(key),
                });
            } else {
                let reason = format!("{} is not set", model.api_key_env);
                tracing::warn!("quorum: model {} skipped: {reason}", model.id);
                skipped.push((model.clone(), reason));
            }
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("codegen/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        let cache = if settings.no_cache {
            None
        } else {
            Cache::open(settings.cache_dir.as_deref())
        };
        let files_at_once = settings.concurrency.div_ceil(members.len().max(1)).max(1);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("codegen-quorum")
            .enable_all()
            .build()?;
        Ok(Quorum {
            inner: Arc::new(Inner {
                settings: settings.clone(),
                members,
                skipped,
                client,
                cache,
                permits: Semaphore::new(settings.concurrency.max(1)),
                files: Semaphore::new(files_at_once),
                files_at_once,
            }),
            runtime: Some(runtime),
        })
    }

    /// The models left out before any call, with the reason (`GEMINI_API_KEY is not set`).
    pub fn skipped(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inner
            .skipped
            .iter()
            .map(|(m, reason)| (m.id.as_str(), reason.as_str()))
    }

    /// Where votes are cached, when they are.
    pub fn cache_dir(&self) -> Option<&std::path::Path> {
        self.inner.cache.as_ref().map(Cache::dir)
    }

    /// Votes on every file, in parallel; blocks until every verdict is in.
    /// Callable from any thread, inside another runtime's blocking pool too.
    pub fn vote_files(&self, files: Vec<FileInput>) -> Vec<FileVerdict> {
        let inner = Arc::clone(&self.inner);
        self.block(async move {
            let mut set = JoinSet::new();
            for (index, file) in files.into_iter().enumerate() {
                let inner = Arc::clone(&inner);
                set.spawn(async move {
                    let _turn = inner.files.acquire().await;
                    (index, vote(&inner, file).await)
                });
            }
            let mut verdicts = Vec::new();
            while let Some(joined) = set.join_next().await {
                if let Ok(verdict) = joined {
                    verdicts.push(verdict);
                }
            }
            verdicts.sort_by_key(|(index, _)| *index);
            verdicts.into_iter().map(|(_, v)| v).collect()
        })
        .unwrap_or_default()
    }

    /// Asks every model once about a tiny file, without the cache: who answers, how fast, why not.
    pub fn check(&self) -> Vec<ModelVote> {
        let inner = Arc::clone(&self.inner);
        self.block(async move {
            let file = FileInput {
                path: PathBuf::from("check.py"),
                code: "def add(a: int, b: int) -> int:\n    return a + b\n".to_owned(),
                node_type: None,
                contract: None,
            };
            let prompt = Arc::new(prompt::build(&file));
            ask_all(&inner, &prompt, None).await
        })
        .unwrap_or_default()
    }

    fn block<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Option<T> {
        let runtime = self.runtime.as_ref()?;
        let (send, receive) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let _ = send.send(work.await);
        });
        receive.recv().ok()
    }
}

impl Drop for Quorum {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which panics inside another runtime; this does not.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn vote(inner: &Arc<Inner>, file: FileInput) -> FileVerdict {
    let started = Instant::now();
    let prompt = Arc::new(prompt::build(&file));
    let hash = prompt.content_hash();
    let votes = ask_all(inner, &prompt, Some(hash)).await;
    let settings = &inner.settings;
    let counted: Vec<(f64, bool, f64)> = votes.iter().filter_map(ModelVote::counted).collect();
    let tally = consensus::tally(
        &counted,
        settings.threshold,
        settings.min_participating_weight,
    );
    let mut tokens = Tokens::default();
    for v in &votes {
        tokens.add(v.tokens);
    }
    let verdict = FileVerdict {
        file: file.path,
        verdict: tally.verdict,
        vote_verdict: tally.verdict,
        static_errors: false,
        consensus: tally.consensus,
        threshold: settings.threshold,
        participating_weight: tally.participating_weight,
        total_weight: settings.total_weight(),
        min_participating_weight: settings.min_participating_weight,
        cost: votes.iter().fold(0.0, |sum, v| sum + v.cost),
        tokens,
        votes,
        duration_ms: millis(started.elapsed()),
    };
    tracing::info!(
        file = %verdict.file.display(),
        verdict = verdict.verdict.as_str(),
        consensus = verdict.consensus,
        participating = verdict.participating_weight,
        "quorum: verdict"
    );
    verdict
}

/// Every model's vote on `prompt` (the skipped ones included), in configuration order.
/// With a content hash, the cache is read and written.
async fn ask_all(inner: &Arc<Inner>, prompt: &Arc<Prompt>, hash: Option<String>) -> Vec<ModelVote> {
    let deadline = Instant::now() + inner.settings.deadline;
    let hash = hash.map(Arc::new);
    let mut set = JoinSet::new();
    for index in 0..inner.members.len() {
        let (inner, prompt, hash) = (Arc::clone(inner), Arc::clone(prompt), hash.clone());
        set.spawn(async move {
            let member = &inner.members[index];
            let vote = ask(
                &inner,
                member,
                &prompt,
                hash.as_deref().map(String::as_str),
                deadline,
            )
            .await;
            (index, vote)
        });
    }
    let mut asked = Vec::with_capacity(inner.members.len());
    while let Some(joined) = set.join_next().await {
        if let Ok(done) = joined {
            asked.push(done);
        }
    }
    asked.sort_by_key(|(index, _)| *index);
    let mut votes: Vec<ModelVote> = asked.into_iter().map(|(_, v)| v).collect();
    votes.extend(inner.skipped.iter().map(|(model, reason)| {
        blank(
            model,
            ModelOutcome::Skipped {
                reason: reason.clone(),
            },
        )
    }));
    let order = |id: &str| {
        inner
            .settings
            .models
            .iter()
            .position(|m| m.id == id)
            .unwrap_or(usize::MAX)
    };
    votes.sort_by_key(|v| order(&v.model));
    votes
}

fn blank(model: &ModelConfig, outcome: ModelOutcome) -> ModelVote {
    ModelVote {
        model: model.id.clone(),
        name: model.model.clone(),
        provider: model.provider,
        weight: model.weight,
        outcome,
        duration_ms: 0.0,
        attempts: 0,
        cached: false,
        tokens: Tokens::default(),
        cost: 0.0,
        recovery: Vec::new(),
    }
}

/// One model's vote: from the cache, or from a call (waiting for a permit first).
async fn ask(
    inner: &Inner,
    member: &Member,
    prompt: &Prompt,
    hash: Option<&str>,
    deadline: Instant,
) -> ModelVote {
    let model = &member.config;
    let started = Instant::now();
    let key = hash.map(|h| Cache::key(model, h));
    if let (Some(cache), Some(key)) = (&inner.cache, &key)
        && let Some(hit) = cache.get(key)
    {
        tracing::debug!(model = %model.id, "quorum: cached vote");
        let mut vote = blank(
            model,
            ModelOutcome::Voted {
                vote: hit.vote,
                confidence: hit.confidence,
                reasoning: hit.reasoning,
            },
        );
        vote.cached = true;
        vote.tokens = Tokens {
            input: hit.input_tokens,
            output: hit.output_tokens,
        };
        return vote;
    }
    let called = match tokio::time::timeout_at(deadline.into(), inner.permits.acquire()).await {
        Ok(Ok(_permit)) => {
            client::call(&inner.client, model, member.key.as_ref(), prompt, deadline).await
        }
        _ => client::Called {
            result: Err(recovery::CallError::new(
                ErrorClass::Timeout,
                "no free slot before the quorum's deadline",
            )),
            attempts: 0,
            recoveries: Vec::new(),
        },
    };
    let mut vote = blank(
        model,
        ModelOutcome::Skipped {
            reason: String::new(),
        },
    );
    vote.attempts = called.attempts;
    vote.recovery = called.recoveries;
    vote.duration_ms = millis(started.elapsed());
    vote.outcome = match called.result {
        Ok(reply) => {
            vote.tokens = reply.tokens;
            vote.cost = reply.tokens.cost(model);
            tracing::trace!(model = %model.id, answer = %scrub(member, &reply.text), "quorum: answer");
            match parse::parse_ballot(&reply.text) {
                Ok(ballot) => {
                    if let (Some(cache), Some(key)) = (&inner.cache, &key) {
                        cache.put(
                            key,
                            &CachedVote {
                                vote: ballot.vote,
                                confidence: ballot.confidence,
                                reasoning: ballot.reasoning.clone(),
                                input_tokens: reply.tokens.input,
                                output_tokens: reply.tokens.output,
                            },
                        );
                    }
                    ModelOutcome::Voted {
                        vote: ballot.vote,
                        confidence: ballot.confidence,
                        reasoning: ballot.reasoning,
                    }
                }
                Err(reason) => ModelOutcome::Invalid { reason },
            }
        }
        Err(error) if error.class == ErrorClass::InvalidResponse => ModelOutcome::Invalid {
            reason: error.message,
        },
        Err(error) => ModelOutcome::Failed {
            class: error.class,
            error: error.message,
        },
    };
    scrub_vote(member, &mut vote);
    vote
}

fn scrub(member: &Member, text: &str) -> String {
    match &member.key {
        Some(key) => key.scrub(text),
        None => text.to_owned(),
    }
}

/// A server may echo what it was sent: no text from it keeps the key.
fn scrub_vote(member: &Member, vote: &mut ModelVote) {
    match &mut vote.outcome {
        ModelOutcome::Voted {
            reasoning: text, ..
        }
        | ModelOutcome::Invalid { reason: text }
        | ModelOutcome::Failed { error: text, .. }
        | ModelOutcome::Skipped { reason: text } => *text = scrub(member, text),
    }
    for step in &mut vote.recovery {
        step.error = scrub(member, &step.error);
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}
