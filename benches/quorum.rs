//! The quorum's own cost: four loopback models (two in Gemini's wire format,
//! two in chat completions') that each answer after 100 ms, one file voted on
//! again and again without the cache. Prints the verdict's wall time and the
//! overhead over the 100 ms the models take, per verdict and per call; exits 1
//! when the median verdict takes 150 ms or more. `make bench-quorum`.

use std::time::{Duration, Instant};

use codegen::config::quorum::{Provider, QuorumSettings, default_models};
use codegen::quorum::{FileInput, Quorum, Verdict};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL_DELAY: Duration = Duration::from_millis(100);
const WARMUP: usize = 3;
const RUNS: usize = 40;
const LIMIT: Duration = Duration::from_millis(150);

fn answer(provider: Provider) -> ResponseTemplate {
    let text = json!({"vote": true, "confidence": 0.9, "reasoning": "fine"}).to_string();
    let body = match provider {
        Provider::Gemini => json!({
            "candidates": [{"content": {"parts": [{"text": text}]}}],
            "usageMetadata": {"promptTokenCount": 400, "candidatesTokenCount": 30},
        }),
        Provider::Openai => json!({
            "choices": [{"message": {"content": text}}],
            "usage": {"prompt_tokens": 400, "completion_tokens": 30},
        }),
    };
    ResponseTemplate::new(200)
        .set_body_json(body)
        .set_delay(MODEL_DELAY)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * p / 100.0).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut models = default_models();
    models[0].provider = Provider::Gemini;
    models[2].provider = Provider::Gemini;
    let mut servers = Vec::new();
    for model in &mut models {
        let server = runtime.block_on(MockServer::start());
        runtime.block_on(
            server.register(Mock::given(method("POST")).respond_with(answer(model.provider))),
        );
        model.endpoint = server.uri();
        model.model = format!("bench-{}", model.id);
        // Local servers need no key; no environment variable is read.
        model.api_key_env = String::new();
        servers.push(server);
    }
    let settings = QuorumSettings {
        models,
        no_cache: true,
        ..QuorumSettings::default()
    };
    let quorum = Quorum::new(&settings).expect("quorum");
    let file = FileInput {
        path: "bench.py".into(),
        code: "def add(a: int, b: int) -> int:\n    return a + b\n".to_owned(),
        node_type: Some("compute".to_owned()),
        contract: None,
    };

    let mut walls = Vec::new();
    let mut calls = Vec::new();
    for run in 0..WARMUP + RUNS {
        let started = Instant::now();
        let verdicts = quorum.vote_files(vec![file.clone()]);
        let wall = started.elapsed();
        let verdict = verdicts.first().expect("a verdict");
        assert_eq!(verdict.verdict, Verdict::Pass, "{verdict:?}");
        if run >= WARMUP {
            walls.push(wall.as_secs_f64() * 1000.0);
            calls.extend(verdict.votes.iter().map(|v| v.duration_ms));
        }
    }
    walls.sort_by(f64::total_cmp);
    calls.sort_by(f64::total_cmp);
    let delay = MODEL_DELAY.as_secs_f64() * 1000.0;
    let median = percentile(&walls, 50.0);
    println!("quorum: one file, 4 models answering after {delay:.0} ms, {RUNS} runs");
    println!(
        "  verdict wall:     median {median:.1} ms, p95 {:.1} ms, max {:.1} ms (limit {} ms)",
        percentile(&walls, 95.0),
        walls[walls.len() - 1],
        LIMIT.as_millis()
    );
    println!(
        "  verdict overhead: median {:.1} ms over the {delay:.0} ms the models take",
        median - delay
    );
    println!(
        "  per call:         median {:.1} ms, p95 {:.1} ms; overhead median {:.1} ms, p95 {:.1} ms",
        percentile(&calls, 50.0),
        percentile(&calls, 95.0),
        percentile(&calls, 50.0) - delay,
        percentile(&calls, 95.0) - delay
    );
    drop(quorum);
    drop(servers);
    if median >= LIMIT.as_secs_f64() * 1000.0 {
        eprintln!("quorum: the median verdict took {median:.1} ms, over the limit");
        std::process::exit(1);
    }
}
