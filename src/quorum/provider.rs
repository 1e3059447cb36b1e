//! The two wire formats: Gemini's `generateContent` (the key in the
//! `x-goog-api-key` header, never in the URL; JSON output through
//! `responseMimeType` and `responseSchema`) and OpenAI-compatible chat
//! completions (a Bearer key; `response_format` JSON; the endpoint carries its
//! version prefix, e.g. `/api/paas/v4` or `/v1`).

use serde_json::{Value, json};

use super::prompt::Prompt;
use super::secret::ApiKey;
use crate::config::quorum::{ModelConfig, Provider};

/// Token counts from one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
}

impl Tokens {
    /// US dollars at `model`'s prices per million tokens.
    #[allow(clippy::cast_precision_loss)] // token counts are far below 2^52
    pub fn cost(self, model: &ModelConfig) -> f64 {
        (self.input as f64 * model.input_price + self.output as f64 * model.output_price)
            / 1_000_000.0
    }

    pub fn add(&mut self, other: Tokens) {
        self.input += other.input;
        self.output += other.output;
    }
}

/// The text a model answered and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub tokens: Tokens,
}

/// The request for one call.
pub fn request(
    client: &reqwest::Client,
    model: &ModelConfig,
    key: Option<&ApiKey>,
    prompt: &Prompt,
) -> reqwest::RequestBuilder {
    match model.provider {
        Provider::Gemini => {
            let url = format!("{}/models/{}:generateContent", model.endpoint, model.model);
            let body = json!({
                "systemInstruction": {"parts": [{"text": prompt.system}]},
                "contents": [{"role": "user", "parts": [{"text": prompt.user}]}],
                "generationConfig": {
                    "temperature": 0,
                    "responseMimeType": "application/json",
                    "responseSchema": {
                        "type": "OBJECT",
                        "properties": {
                            "vote": {"type": "BOOLEAN"},
                            "confidence": {"type": "NUMBER"},
                            "reasoning": {"type": "STRING"},
                        },
                        "required": ["vote", "confidence", "reasoning"],
                    },
                },
            });
            let builder = client.post(url).json(&body);
            match key.and_then(|k| reqwest::header::HeaderValue::from_str(k.expose()).ok()) {
                Some(mut value) => {
                    value.set_sensitive(true);
                    builder.header("x-goog-api-key", value)
                }
                None => builder,
            }
        }
        Provider::Openai => {
            let url = format!("{}/chat/completions", model.endpoint);
            let body = json!({
                "model": model.model,
                "temperature": 0,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": prompt.system},
                    {"role": "user", "content": prompt.user},
                ],
            });
            let builder = client.post(url).json(&body);
            match key {
                Some(key) => builder.bearer_auth(key.expose()),
                None => builder,
            }
        }
    }
}

/// The answer's text and token usage, from a 2xx body.
pub fn decode(provider: Provider, body: &[u8]) -> Result<Reply, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("empty body".to_owned());
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("malformed JSON body: {e}"))?;
    let count = |v: Option<&Value>| v.and_then(Value::as_u64).unwrap_or(0);
    match provider {
        Provider::Gemini => {
            let candidate = value
                .get("candidates")
                .and_then(|c| c.get(0))
                .ok_or_else(|| match value.pointer("/promptFeedback/blockReason") {
                    Some(reason) => format!("no candidate: blocked ({reason})"),
                    None => "no candidate in the answer".to_owned(),
                })?;
            let parts = candidate
                .pointer("/content/parts")
                .and_then(Value::as_array)
                .ok_or_else(|| "the candidate has no content".to_owned())?;
            let text: String = parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect();
            let usage = value.get("usageMetadata");
            Ok(Reply {
                text,
                tokens: Tokens {
                    input: count(usage.and_then(|u| u.get("promptTokenCount"))),
                    output: count(usage.and_then(|u| u.get("candidatesTokenCount"))),
                },
            })
        }
        Provider::Openai => {
            let text = value
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .ok_or_else(|| "no choices[0].message.content in the answer".to_owned())?;
            let usage = value.get("usage");
            Ok(Reply {
                text: text.to_owned(),
                tokens: Tokens {
                    input: count(usage.and_then(|u| u.get("prompt_tokens"))),
                    output: count(usage.and_then(|u| u.get("completion_tokens"))),
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_decode_text_and_usage() {
        let gemini =
            br#"{"candidates":[{"content":{"parts":[{"text":"{\"vote\":"},{"text":"true}"}]}}],
            "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5}}"#;
        let reply = decode(Provider::Gemini, gemini).unwrap();
        assert_eq!(reply.text, "{\"vote\":true}");
        assert_eq!(
            reply.tokens,
            Tokens {
                input: 10,
                output: 5
            }
        );
        let openai = br#"{"choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":7,"completion_tokens":3}}"#;
        let reply = decode(Provider::Openai, openai).unwrap();
        assert_eq!(reply.text, "hi");
        assert_eq!(
            reply.tokens,
            Tokens {
                input: 7,
                output: 3
            }
        );
    }

    #[test]
    fn broken_bodies_are_errors() {
        assert_eq!(decode(Provider::Openai, b"  ").unwrap_err(), "empty body");
        assert!(
            decode(Provider::Openai, b"{\"choi")
                .unwrap_err()
                .starts_with("malformed")
        );
        assert!(
            decode(Provider::Gemini, b"{}")
                .unwrap_err()
                .contains("no candidate")
        );
    }

    #[test]
    fn cost_uses_prices_per_million() {
        let model = &crate::config::quorum::default_models()[0];
        let tokens = Tokens {
            input: 1_000_000,
            output: 1_000_000,
        };
        assert!((tokens.cost(model) - (model.input_price + model.output_price)).abs() < 1e-9);
    }
}
