//! The AI quorum's settings: the `[quorum]` table and its `[[quorum.models]]`
//! entries (in `codegen.toml`, or under `[tool.codegen]` in a `pyproject.toml`),
//! merged over the four built-in models. An entry whose `id` is a default's
//! overrides that default key by key; any other id adds a model. Mistakes are
//! reported at their `file:line:col` like the other keys. Only the *name* of the
//! environment variable holding a key is kept here, never its value.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use toml_edit::{Item, Value};

use super::Source;
use super::file::position;
use crate::cli::QuorumArgs;
use crate::diagnostics::{Diagnostic, closest};

/// The wire format a model speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Google's `generateContent` (key in `x-goog-api-key`).
    Gemini,
    /// OpenAI-compatible chat completions (Bearer key): Zhipu GLM, Mistral, Ollama, vLLM, ...
    Openai,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gemini => "gemini",
            Provider::Openai => "openai",
        }
    }
}

/// One model of the quorum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelConfig {
    /// The name votes are reported under (`gemini`, `glm-4.5`, ...).
    pub id: String,
    pub provider: Provider,
    /// The model name the API expects (`gemini-2.5-flash`, `glm-4.5`, ...).
    pub model: String,
    /// The base URL, with its version prefix (`https://api.z.ai/api/paas/v4`).
    pub endpoint: String,
    pub weight: f64,
    /// The environment variable holding the key; empty for a keyless local server.
    pub api_key_env: String,
    /// Per call (each attempt).
    #[serde(serialize_with = "seconds")]
    pub timeout: Duration,
    /// Attempts after the first, for errors worth retrying.
    pub retries: u32,
    /// US dollars per million input (prompt) tokens.
    pub input_price: f64,
    /// US dollars per million output (completion) tokens.
    pub output_price: f64,
    pub enabled: bool,
    /// Built in, or the line of the `[[quorum.models]]` entry that set or changed it.
    #[serde(skip)]
    pub source: Source,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Everything the quorum runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct QuorumSettings {
    /// Consensus needed to pass (0 to 1).
    pub threshold: f64,
    /// Under this participating weight the verdict is inconclusive.
    pub min_participating_weight: f64,
    /// For one file's verdict, every call and retry included.
    pub deadline: Duration,
    /// Calls in flight at once, over every file (separate from `--jobs`).
    pub concurrency: usize,
    /// Where votes are cached; the user's cache directory when not set.
    pub cache_dir: Option<PathBuf>,
    pub models: Vec<ModelConfig>,
    /// Where each `[quorum]` key came from, in the order above.
    pub sources: Vec<(&'static str, Source)>,
    // Flags of one run.
    /// `--require-quorum`: an inconclusive verdict exits 2.
    pub require: bool,
    /// `--no-cache`: neither read nor write the vote cache.
    pub no_cache: bool,
}

pub const DEFAULT_THRESHOLD: f64 = 0.6;
pub const DEFAULT_MIN_PARTICIPATING_WEIGHT: f64 = 3.0;
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(45);
pub const DEFAULT_CONCURRENCY: usize = 16;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_RETRIES: u32 = 2;

/// The four built-in models (total weight 6.5).
pub fn default_models() -> Vec<ModelConfig> {
    let model =
        |id: &str, provider, name: &str, endpoint: &str, weight, key: &str, prices: (f64, f64)| {
            ModelConfig {
                id: id.to_owned(),
                provider,
                model: name.to_owned(),
                endpoint: endpoint.to_owned(),
                weight,
                api_key_env: key.to_owned(),
                timeout: DEFAULT_TIMEOUT,
                retries: DEFAULT_RETRIES,
                input_price: prices.0,
                output_price: prices.1,
                enabled: true,
                source: Source::Default,
            }
        };
    let glm = "https://api.z.ai/api/paas/v4";
    vec![
        model(
            "gemini",
            Provider::Gemini,
            "gemini-2.5-flash",
            "https://generativelanguage.googleapis.com/v1beta",
            2.0,
            "GEMINI_API_KEY",
            (0.30, 2.50),
        ),
        model(
            "glm-4.5",
            Provider::Openai,
            "glm-4.5",
            glm,
            2.0,
            "GLM_API_KEY",
            (0.60, 2.20),
        ),
        model(
            "glm-air",
            Provider::Openai,
            "glm-4.5-air",
            glm,
            1.5,
            "GLM_API_KEY",
            (0.20, 1.10),
        ),
        model(
            "codestral",
            Provider::Openai,
            "codestral-latest",
            "https://codestral.mistral.ai/v1",
            1.0,
            "CODESTRAL_API_KEY",
            (0.30, 0.90),
        ),
    ]
}

impl Default for QuorumSettings {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_THRESHOLD,
            min_participating_weight: DEFAULT_MIN_PARTICIPATING_WEIGHT,
            deadline: DEFAULT_DEADLINE,
            concurrency: DEFAULT_CONCURRENCY,
            cache_dir: None,
            models: default_models(),
            sources: TABLE_KEYS.iter().map(|k| (*k, Source::Default)).collect(),
            require: false,
            no_cache: false,
        }
    }
}

impl QuorumSettings {
    /// The models that take part: enabled, with a positive weight.
    pub fn active_models(&self) -> impl Iterator<Item = &ModelConfig> {
        self.models.iter().filter(|m| m.enabled && m.weight > 0.0)
    }

    /// The weight of every active model, whether or not it can be reached.
    pub fn total_weight(&self) -> f64 {
        self.active_models().fold(0.0, |sum, m| sum + m.weight)
    }
}

const TABLE_KEYS: &[&str] = &[
    "threshold",
    "min_participating_weight",
    "deadline",
    "concurrency",
    "cache_dir",
];
const MODEL_KEYS: &[&str] = &[
    "id",
    "provider",
    "model",
    "endpoint",
    "weight",
    "api_key_env",
    "timeout",
    "retries",
    "input_price",
    "output_price",
    "enabled",
];

/// The settings one `generate` or `validate` run votes with: `None` without
/// `--quorum` (`--require-quorum` implies it).
pub(crate) fn for_run(args: QuorumArgs, settings: &QuorumSettings) -> Option<QuorumSettings> {
    (args.quorum || args.require_quorum).then(|| QuorumSettings {
        require: args.require_quorum,
        no_cache: args.no_cache,
        ..settings.clone()
    })
}

/// Reads the `quorum` table of a settings file over the built-in defaults.
/// `base` is the directory relative paths start from.
pub(crate) fn read(
    file: &Path,
    text: &str,
    pyproject: bool,
    base: &Path,
) -> Result<QuorumSettings, Vec<Diagnostic>> {
    let mut settings = QuorumSettings::default();
    // The other reader has reported a broken document already.
    let Ok(doc) = toml_edit::Document::parse(text) else {
        return Ok(settings);
    };
    let root = if pyproject {
        doc.get("tool").and_then(|t| t.get("codegen"))
    } else {
        Some(doc.as_item())
    };
    let Some(item) = root.and_then(|r| r.get("quorum")) else {
        return Ok(settings);
    };
    let prefix = if pyproject { "tool.codegen." } else { "" };
    let mut reader = Reader {
        file,
        text,
        prefix,
        problems: Vec::new(),
    };
    let Some(table) = item.as_table_like() else {
        reader.error(item.span(), format!("`{prefix}quorum` must be a table"));
        return Err(reader.problems);
    };
    for (key, value) in table.iter() {
        let span = table.get_key_value(key).and_then(|(k, _)| k.span());
        let line = reader.line(value.span().or(span.clone()));
        let source = Source::File {
            path: file.to_path_buf(),
            line,
        };
        let known = match key {
            "threshold" => reader
                .number(value, key, 0.0, 1.0)
                .map(|v| settings.threshold = v),
            "min_participating_weight" => reader
                .number(value, key, 0.0, f64::MAX)
                .map(|v| settings.min_participating_weight = v),
            "deadline" => reader.duration(value, key).map(|v| settings.deadline = v),
            "concurrency" => reader
                .integer(value, key, 1, 1024)
                .map(|v| settings.concurrency = usize::try_from(v).unwrap_or(1)),
            "cache_dir" => reader
                .string(value, key)
                .map(|v| settings.cache_dir = Some(base.join(v))),
            "models" => {
                reader.models(value, &mut settings.models);
                continue;
            }
            _ => {
                reader.unknown(span, key, "quorum", TABLE_KEYS, &["models"]);
                continue;
            }
        };
        if known.is_some()
            && let Some(slot) = settings.sources.iter_mut().find(|(k, _)| *k == key)
        {
            slot.1 = source;
        }
    }
    if reader.problems.is_empty() {
        Ok(settings)
    } else {
        reader.problems.sort_by_key(|d| d.position);
        Err(reader.problems)
    }
}

struct Reader<'a> {
    file: &'a Path,
    text: &'a str,
    prefix: &'static str,
    problems: Vec<Diagnostic>,
}

type Span = Option<std::ops::Range<usize>>;

impl Reader<'_> {
    fn line(&self, span: Span) -> usize {
        position(self.text, span.map_or(0, |s| s.start)).line
    }

    fn error(&mut self, span: Span, message: String) {
        let at = position(self.text, span.map_or(0, |s| s.start));
        self.problems
            .push(Diagnostic::error(self.file, message).at_in(at, self.text));
    }

    fn expected<T>(&mut self, item: &Item, key: &str, what: &str) -> Option<T> {
        self.error(
            item.span(),
            format!("`{key}` in [{}quorum] must be {what}", self.prefix),
        );
        None
    }

    fn unknown(&mut self, span: Span, key: &str, table: &str, known: &[&str], more: &[&str]) {
        let at = position(self.text, span.map_or(0, |s| s.start));
        let mut d = Diagnostic::error(
            self.file,
            format!("unknown key `{key}` in [{}{table}]", self.prefix),
        )
        .at_in(at, self.text);
        if let Some(best) = closest(key, known.iter().chain(more).copied()) {
            d = d.with_help(format!("did you mean `{best}`?"));
        }
        self.problems.push(d);
    }

    fn number(&mut self, item: &Item, key: &str, low: f64, high: f64) -> Option<f64> {
        // Whole numbers in a config file are small: the cast is exact.
        #[allow(clippy::cast_precision_loss)]
        let value = item
            .as_value()
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|n| n as f64)));
        match value {
            Some(v) if v.is_finite() && v >= low && v <= high => Some(v),
            _ if high >= f64::MAX => self.expected(item, key, &format!("a number >= {low}")),
            _ => self.expected(item, key, &format!("a number from {low} to {high}")),
        }
    }

    fn integer(&mut self, item: &Item, key: &str, low: i64, high: i64) -> Option<i64> {
        match item.as_value().and_then(Value::as_integer) {
            Some(n) if (low..=high).contains(&n) => Some(n),
            _ => self.expected(item, key, &format!("a whole number from {low} to {high}")),
        }
    }

    fn duration(&mut self, item: &Item, key: &str) -> Option<Duration> {
        let seconds = self.number(item, key, 0.0, 86_400.0)?;
        if seconds <= 0.0 {
            return self.expected(item, key, "a number of seconds above 0");
        }
        Some(Duration::from_secs_f64(seconds))
    }

    fn string(&mut self, item: &Item, key: &str) -> Option<String> {
        match item.as_value().and_then(Value::as_str) {
            Some(s) if !s.is_empty() => Some(s.to_owned()),
            _ => self.expected(item, key, "a non-empty string"),
        }
    }

    fn boolean(&mut self, item: &Item, key: &str) -> Option<bool> {
        match item.as_value().and_then(Value::as_bool) {
            Some(b) => Some(b),
            None => self.expected(item, key, "a boolean (true or false)"),
        }
    }

    /// `[[quorum.models]]` (or an inline array of tables): each entry overrides
    /// the default with its id, or adds a model.
    fn models(&mut self, item: &Item, models: &mut Vec<ModelConfig>) {
        let entries: Vec<(&dyn toml_edit::TableLike, Span)> =
            if let Some(array) = item.as_array_of_tables() {
                array
                    .iter()
                    .map(|t| (t as &dyn toml_edit::TableLike, t.span()))
                    .collect()
            } else if let Some(array) = item.as_value().and_then(Value::as_array) {
                let mut entries = Vec::new();
                for value in array {
                    match value.as_inline_table() {
                        Some(t) => entries.push((t as &dyn toml_edit::TableLike, value.span())),
                        None => {
                            self.error(
                                value.span(),
                                format!("each of [{}quorum.models] must be a table", self.prefix),
                            );
                        }
                    }
                }
                entries
            } else {
                self.error(
                    item.span(),
                    format!(
                        "`models` in [{}quorum] must be an array of tables ([[quorum.models]])",
                        self.prefix
                    ),
                );
                return;
            };
        let mut seen: Vec<String> = Vec::new();
        for (table, span) in entries {
            self.model(table, span, models, &mut seen);
        }
    }

    fn model(
        &mut self,
        table: &dyn toml_edit::TableLike,
        span: Span,
        models: &mut Vec<ModelConfig>,
        seen: &mut Vec<String>,
    ) {
        let header = span.or_else(|| {
            table
                .iter()
                .next()
                .and_then(|(k, _)| table.get_key_value(k))
                .and_then(|(k, _)| k.span())
        });
        let Some(id_item) = table.get("id") else {
            self.error(
                header,
                format!("each [[{}quorum.models]] needs an `id`", self.prefix),
            );
            return;
        };
        let Some(id) = self.string(id_item, "id") else {
            return;
        };
        if seen.contains(&id) {
            self.error(
                id_item.span(),
                format!(
                    "model `{id}` is configured twice in [[{}quorum.models]]",
                    self.prefix
                ),
            );
            return;
        }
        seen.push(id.clone());
        let line = self.line(id_item.span());
        let existing = models.iter().position(|m| m.id == id);
        let mut model = match existing {
            Some(index) => models[index].clone(),
            None => ModelConfig {
                id: id.clone(),
                provider: Provider::Openai,
                model: String::new(),
                endpoint: String::new(),
                weight: 1.0,
                api_key_env: String::new(),
                timeout: DEFAULT_TIMEOUT,
                retries: DEFAULT_RETRIES,
                input_price: 0.0,
                output_price: 0.0,
                enabled: true,
                source: Source::Default,
            },
        };
        model.source = Source::File {
            path: self.file.to_path_buf(),
            line,
        };
        let mut has_provider = false;
        for (key, value) in table.iter() {
            let key_span = table.get_key_value(key).and_then(|(k, _)| k.span());
            has_provider |= self.model_key(&mut model, key, value, key_span);
        }
        if let Some(index) = existing {
            models[index] = model;
        } else {
            {
                let mut missing: Vec<&str> = Vec::new();
                if !has_provider {
                    missing.push("provider");
                }
                if model.model.is_empty() {
                    missing.push("model");
                }
                if model.endpoint.is_empty() {
                    missing.push("endpoint");
                }
                if missing.is_empty() {
                    models.push(model);
                } else {
                    self.error(
                        id_item.span(),
                        format!(
                            "model `{id}` is not a built-in one, so it needs {}",
                            missing
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
    }

    /// One key of a `[[quorum.models]]` entry; `true` when it set the provider.
    fn model_key(
        &mut self,
        model: &mut ModelConfig,
        key: &str,
        value: &Item,
        key_span: Span,
    ) -> bool {
        match key {
            "id" => {}
            "provider" => match value.as_value().and_then(Value::as_str) {
                Some("gemini") => {
                    model.provider = Provider::Gemini;
                    return true;
                }
                Some("openai") => {
                    model.provider = Provider::Openai;
                    return true;
                }
                _ => {
                    self.expected::<()>(value, key, "\"gemini\" or \"openai\"");
                }
            },
            "model" => {
                if let Some(v) = self.string(value, key) {
                    model.model = v;
                }
            }
            "endpoint" => {
                if let Some(v) = self.string(value, key) {
                    if v.starts_with("http://") || v.starts_with("https://") {
                        v.trim_end_matches('/').clone_into(&mut model.endpoint);
                    } else {
                        self.expected::<()>(value, key, "an http:// or https:// URL");
                    }
                }
            }
            "weight" => {
                if let Some(v) = self.number(value, key, 0.0, 1000.0) {
                    model.weight = v;
                }
            }
            "api_key_env" => match value.as_value().and_then(Value::as_str) {
                Some(v) => v.clone_into(&mut model.api_key_env),
                None => {
                    self.expected::<()>(
                        value,
                        key,
                        "a string: the name of an environment variable (\"\" for none)",
                    );
                }
            },
            "timeout" => {
                if let Some(v) = self.duration(value, key) {
                    model.timeout = v;
                }
            }
            "retries" => {
                if let Some(v) = self.integer(value, key, 0, 10) {
                    model.retries = u32::try_from(v).unwrap_or(0);
                }
            }
            "input_price" => {
                if let Some(v) = self.number(value, key, 0.0, f64::MAX) {
                    model.input_price = v;
                }
            }
            "output_price" => {
                if let Some(v) = self.number(value, key, 0.0, f64::MAX) {
                    model.output_price = v;
                }
            }
            "enabled" => {
                if let Some(v) = self.boolean(value, key) {
                    model.enabled = v;
                }
            }
            _ => self.unknown(key_span, key, "quorum.models", MODEL_KEYS, &[]),
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<QuorumSettings, Vec<Diagnostic>> {
        read(Path::new("codegen.toml"), text, false, Path::new(""))
    }

    #[test]
    fn defaults_weigh_six_and_a_half() {
        let settings = QuorumSettings::default();
        assert!((settings.total_weight() - 6.5).abs() < 1e-12);
        assert_eq!(settings.models.len(), 4);
    }

    #[test]
    fn an_entry_with_a_default_id_overrides_it() {
        let settings = parse(
            "[quorum]\nthreshold = 0.7\n\n[[quorum.models]]\nid = \"gemini\"\nendpoint = \"http://127.0.0.1:1/v1beta\"\nweight = 3\n",
        )
        .unwrap();
        assert!((settings.threshold - 0.7).abs() < 1e-12);
        let gemini = &settings.models[0];
        assert_eq!(gemini.endpoint, "http://127.0.0.1:1/v1beta");
        assert!((gemini.weight - 3.0).abs() < 1e-12);
        assert_eq!(gemini.api_key_env, "GEMINI_API_KEY");
        assert_eq!(settings.models.len(), 4);
    }

    #[test]
    fn a_new_model_needs_provider_model_and_endpoint() {
        let errors = parse("[[quorum.models]]\nid = \"local\"\nmodel = \"qwen\"\n").unwrap_err();
        assert!(errors[0].message.contains("`provider`, `endpoint`"));
        assert_eq!(errors[0].position.map(|p| p.line), Some(2));
        let ok = parse(
            "[[quorum.models]]\nid = \"local\"\nprovider = \"openai\"\nmodel = \"qwen\"\nendpoint = \"http://127.0.0.1:11434/v1\"\napi_key_env = \"\"\n",
        )
        .unwrap();
        assert_eq!(ok.models.len(), 5);
    }

    #[test]
    fn mistakes_point_at_their_line() {
        let errors =
            parse("[quorum]\nthreshold = 1.5\ndeadlin = 3\n\n[[quorum.models]]\nid = \"gemini\"\nretries = -1\n")
                .unwrap_err();
        let lines: Vec<usize> = errors
            .iter()
            .filter_map(|d| d.position.map(|p| p.line))
            .collect();
        assert_eq!(lines, vec![2, 3, 7]);
        assert_eq!(errors[1].help.as_deref(), Some("did you mean `deadline`?"));
    }

    #[test]
    fn pyproject_reads_tool_codegen() {
        let settings = read(
            Path::new("pyproject.toml"),
            "[tool.codegen.quorum]\ndeadline = 2.5\n",
            true,
            Path::new(""),
        )
        .unwrap();
        assert_eq!(settings.deadline, Duration::from_millis(2500));
    }
}
