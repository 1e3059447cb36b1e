//! The AI quorum against real HTTP servers on 127.0.0.1: one wiremock server
//! per model (Gemini's wire format for `gemini`, chat completions for the
//! others), plus a hand-rolled TCP server for what wiremock cannot do (dropped
//! connections, truncated bodies). The real binary runs with a `codegen.toml`
//! pointing every model at those servers, test keys in its environment, the
//! real key variables cleared and its own cache directory, so nothing here
//! leaves the machine.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{first_contract, stderr, stdout};

const GEMINI_KEY: &str = "gk-test-5e1f0c9a7b31";
const GLM_KEY: &str = "glm-test-3d8b2a61f0";
const CODESTRAL_KEY: &str = "cs-test-9a4c7e22d5";
const KEYS: [&str; 3] = [GEMINI_KEY, GLM_KEY, CODESTRAL_KEY];

const GEMINI_PATH: &str = "/v1beta/models/gemini-2.5-flash:generateContent";
const GLM_PATH: &str = "/api/paas/v4/chat/completions";
const CODESTRAL_PATH: &str = "/v1/chat/completions";

/// The models in configuration order, with the path each one's calls arrive on.
const MODELS: [(&str, &str); 4] = [
    ("gemini", GEMINI_PATH),
    ("glm-4.5", GLM_PATH),
    ("glm-air", GLM_PATH),
    ("codestral", CODESTRAL_PATH),
];

const CODE: &str = "\"\"\"A small module.\"\"\"\n\n\ndef add(a: int, b: int) -> int:\n    \"\"\"Add.\"\"\"\n    return a + b\n";

fn ballot(vote: &Value, confidence: &Value, reasoning: &str) -> String {
    json!({"vote": vote, "confidence": confidence, "reasoning": reasoning}).to_string()
}

/// A 200 answer carrying `text`, in the wire format of model `index`.
fn answer(index: usize, text: &str) -> ResponseTemplate {
    let body = if index == 0 {
        json!({
            "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}}],
            "usageMetadata": {"promptTokenCount": 400, "candidatesTokenCount": 30},
        })
    } else {
        json!({
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 400, "completion_tokens": 30},
        })
    };
    ResponseTemplate::new(200).set_body_json(body)
}

fn vote(index: usize, pass: bool, confidence: f64) -> ResponseTemplate {
    answer(
        index,
        &ballot(
            &json!(pass),
            &json!(confidence),
            "checked the node class and models",
        ),
    )
}

/// One wiremock server per model.
struct Servers {
    servers: Vec<MockServer>,
}

impl Servers {
    async fn start() -> Servers {
        let mut servers = Vec::new();
        for _ in MODELS {
            servers.push(MockServer::start().await);
        }
        Servers { servers }
    }

    /// Model `index` answers every call with `response` (only when the key is sent as it should be).
    async fn answer(&self, index: usize, response: ResponseTemplate) {
        self.mock(index, response, None).await;
    }

    /// Model `index` answers its first `times` calls with `response` (before other mocks).
    async fn answer_first(&self, index: usize, response: ResponseTemplate, times: u64) {
        self.mock(index, response, Some(times)).await;
    }

    async fn mock(&self, index: usize, response: ResponseTemplate, times: Option<u64>) {
        let (_, at) = MODELS[index];
        let mock = Mock::given(method("POST")).and(path(at));
        let mock = match index {
            0 => mock.and(header("x-goog-api-key", GEMINI_KEY)),
            3 => mock.and(header(
                "authorization",
                format!("Bearer {CODESTRAL_KEY}").as_str(),
            )),
            _ => mock.and(header(
                "authorization",
                format!("Bearer {GLM_KEY}").as_str(),
            )),
        };
        let mock = mock.respond_with(response);
        let mock = match times {
            Some(n) => mock.up_to_n_times(n).with_priority(1),
            None => mock.with_priority(5),
        };
        self.servers[index].register(mock).await;
    }

    async fn all_vote(&self, pass: [bool; 4], confidence: [f64; 4]) {
        for i in 0..4 {
            self.answer(i, vote(i, pass[i], confidence[i])).await;
        }
    }

    async fn requests(&self, index: usize) -> Vec<wiremock::Request> {
        self.servers[index]
            .received_requests()
            .await
            .unwrap_or_default()
    }

    async fn request_count(&self, index: usize) -> usize {
        self.requests(index).await.len()
    }

    fn endpoints(&self) -> [String; 4] {
        let base = |i: usize| self.servers[i].uri();
        [
            format!("{}/v1beta", base(0)),
            format!("{}/api/paas/v4", base(1)),
            format!("{}/api/paas/v4", base(2)),
            format!("{}/v1", base(3)),
        ]
    }
}

/// A project directory with `module.py` and a `codegen.toml` pointing the four
/// models at `endpoints`; `extra[i]` is added to model `i`'s entry.
fn project(endpoints: &[String; 4], extra: [&str; 4]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::from("[quorum]\ndeadline = 20\n");
    for (i, (id, _)) in MODELS.iter().enumerate() {
        let _ = write!(
            toml,
            "\n[[quorum.models]]\nid = \"{id}\"\nendpoint = \"{}\"\n{}\n",
            endpoints[i], extra[i]
        );
    }
    std::fs::write(dir.path().join("codegen.toml"), toml).unwrap();
    std::fs::write(dir.path().join("module.py"), CODE).unwrap();
    dir
}

/// `codegen args` in `dir`: test keys set, the real ones and proxies cleared,
/// the cache inside `dir`.
async fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(cargo_bin("codegen"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("GEMINI_API_KEY", GEMINI_KEY)
        .env("GLM_API_KEY", GLM_KEY)
        .env("CODESTRAL_API_KEY", CODESTRAL_KEY);
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    for (key, value) in env {
        if value.is_empty() {
            command.env_remove(key);
        } else {
            command.env(key, value);
        }
    }
    command.output().await.expect("run codegen")
}

/// `validate --quorum --no-cache module.py` as JSON: the exit code and the file's verdict.
async fn vote_on(dir: &Path, extra: &[&str]) -> (Option<i32>, Value, Output) {
    let mut args = vec![
        "validate",
        "--quorum",
        "--no-cache",
        "--output-format",
        "json",
        "module.py",
    ];
    args.extend_from_slice(extra);
    let output = run(dir, &args, &[]).await;
    let document: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&output), stderr(&output)));
    (output.status.code(), document["quorum"][0].clone(), output)
}

fn model<'a>(verdict: &'a Value, id: &str) -> &'a Value {
    verdict["votes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["model"] == id)
        .unwrap_or_else(|| panic!("no vote of {id} in {verdict:#}"))
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_four_pass_over_both_wire_formats() {
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [0.9; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let (code, verdict, output) = vote_on(dir.path(), &[]).await;
    assert_eq!(code, Some(0), "{}", stderr(&output));
    assert_eq!(verdict["verdict"], "pass", "{verdict:#}");
    assert!(close(&verdict["consensus"], 0.9), "{verdict:#}");
    assert!(close(&verdict["participating_weight"], 6.5));
    assert!(close(&verdict["total_weight"], 6.5));
    assert_eq!(verdict["tokens"], json!({"input": 1600, "output": 120}));
    assert!(verdict["cost"].as_f64().unwrap() > 0.0);
    for (id, _) in MODELS {
        let vote = model(&verdict, id);
        assert_eq!(vote["status"], "voted", "{vote:#}");
        assert_eq!(vote["attempts"], 1);
        assert!(!vote["reasoning"].as_str().unwrap().is_empty());
    }
    // Gemini: the key only in its header; the prompt asks for JSON through the schema.
    let request = &servers.requests(0).await[0];
    assert!(!request.url.as_str().contains(GEMINI_KEY));
    assert!(request.url.query().is_none());
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body["generationConfig"]["responseMimeType"],
        "application/json"
    );
    assert!(
        body["contents"][0]["parts"][0]["text"]
            .as_str()
            .unwrap()
            .contains("def add(a: int, b: int)")
    );
    // Chat completions: the model name, JSON response format, the code in the user message.
    let body: Value = serde_json::from_slice(&servers.requests(2).await[0].body).unwrap();
    assert_eq!(body["model"], "glm-4.5-air");
    assert_eq!(body["response_format"]["type"], "json_object");
    assert!(
        body["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("return a + b")
    );

    // The text report: each model's vote, confidence and time.
    let output = run(
        dir.path(),
        &["validate", "--quorum", "--no-cache", "module.py"],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("quorum module.py: pass: consensus 0.900"),
        "{text}"
    );
    assert!(text.contains("glm-air"), "{text}");
    assert!(text.contains("pass 0.90"), "{text}");
    assert!(stderr(&output).contains("AI quorum: 1 passed, 0 failed, 0 inconclusive"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_vote_on_both_sides_of_the_threshold() {
    // gemini and glm-4.5 pass at 1.0, the others fail: 4.0 / 6.5 = 0.615, a pass.
    let servers = Servers::start().await;
    servers.all_vote([true, true, false, false], [1.0; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    assert_eq!(verdict["verdict"], "pass", "{verdict:#}");
    assert!(close(&verdict["consensus"], 4.0 / 6.5));
    assert_eq!(code, Some(0));

    // Everyone passes at 0.59: a fail, and exit 1 like an error finding.
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [0.59; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let (code, verdict, output) = vote_on(dir.path(), &[]).await;
    assert_eq!(verdict["verdict"], "fail", "{verdict:#}");
    assert!(close(&verdict["consensus"], 0.59));
    assert_eq!(code, Some(1));
    let findings: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "QRM001" && f["severity"] == "error"),
        "{findings:#}"
    );

    // Everyone at 0.6: exactly the threshold, a pass.
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [0.6; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    assert_eq!(verdict["verdict"], "pass", "{verdict:#}");
    assert_eq!(code, Some(0));
}

/// An address nothing listens on.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_heavy_models_down_is_inconclusive_and_exit_2_when_required() {
    let servers = Servers::start().await;
    servers.answer(2, vote(2, true, 1.0)).await;
    servers.answer(3, vote(3, true, 1.0)).await;
    let mut endpoints = servers.endpoints();
    endpoints[0] = format!("{}/v1beta", closed_port().await);
    endpoints[1] = format!("{}/api/paas/v4", closed_port().await);
    let dir = project(&endpoints, ["retries = 1", "retries = 1", "", ""]);
    let (code, verdict, output) = vote_on(dir.path(), &[]).await;
    assert_eq!(verdict["verdict"], "inconclusive", "{verdict:#}");
    assert!(close(&verdict["participating_weight"], 2.5));
    assert_eq!(code, Some(0), "inconclusive is only a warning");
    let gemini = model(&verdict, "gemini");
    assert_eq!(gemini["status"], "failed");
    assert_eq!(gemini["class"], "network");
    assert_eq!(gemini["attempts"], 2, "refused connections are retried");
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "QRM002" && f["severity"] == "warning")
    );

    let (code, verdict, _) = vote_on(dir.path(), &["--require-quorum"]).await;
    assert_eq!(verdict["verdict"], "inconclusive");
    assert_eq!(code, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_wait_for_retry_after_and_persistent_ones_give_up() {
    let servers = Servers::start().await;
    // gemini: 429 asking for 1 s, then an answer; codestral: 429 for ever.
    servers
        .answer_first(
            0,
            ResponseTemplate::new(429).insert_header("retry-after", "1"),
            1,
        )
        .await;
    servers.answer(0, vote(0, true, 1.0)).await;
    // glm-4.5: 429 with an HTTP-date three seconds ahead (whole seconds: a wait of 2 to 3 s,
    // less the time until the call).
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    servers
        .answer_first(
            1,
            ResponseTemplate::new(429).insert_header("retry-after", when.as_str()),
            1,
        )
        .await;
    servers.answer(1, vote(1, true, 1.0)).await;
    servers.answer(2, vote(2, true, 1.0)).await;
    servers
        .answer(
            3,
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_string("quota exceeded"),
        )
        .await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let started = Instant::now();
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After ignored"
    );
    assert_eq!(code, Some(0));
    let gemini = model(&verdict, "gemini");
    assert_eq!(gemini["status"], "voted", "{gemini:#}");
    assert_eq!(gemini["attempts"], 2);
    assert_eq!(gemini["recovery"][0]["class"], "rate-limit");
    assert_eq!(gemini["recovery"][0]["strategy"], "wait-then-retry");
    assert!(gemini["recovery"][0]["waited_ms"].as_u64().unwrap() >= 1000);
    assert!(gemini["duration_ms"].as_f64().unwrap() >= 1000.0);
    assert_eq!(servers.request_count(0).await, 2);
    let glm = model(&verdict, "glm-4.5");
    assert_eq!(glm["status"], "voted", "{glm:#}");
    assert_eq!(glm["recovery"][0]["class"], "rate-limit");
    assert!(
        glm["recovery"][0]["waited_ms"].as_u64().unwrap() >= 1000,
        "{glm:#}"
    );

    let codestral = model(&verdict, "codestral");
    assert_eq!(codestral["status"], "failed", "{codestral:#}");
    assert_eq!(codestral["class"], "rate-limit");
    assert_eq!(codestral["attempts"], 3, "one call and two retries");
    assert!(codestral["error"].as_str().unwrap().contains("429"));
    assert_eq!(servers.request_count(3).await, 3);
    assert_eq!(verdict["verdict"], "pass");
    assert!(close(&verdict["participating_weight"], 5.5));

    // The text report says what was recovered and how.
    servers
        .answer_first(
            0,
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            1,
        )
        .await;
    let output = run(
        dir.path(),
        &["validate", "--quorum", "--no-cache", "module.py"],
        &[],
    )
    .await;
    let text = stdout(&output);
    assert!(
        text.contains("recovered: attempt 1 failed (rate-limit: HTTP 429"),
        "{text}"
    );
    assert!(
        text.contains("(as Retry-After asked, or the backoff without one), then retried"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_and_401_is_not() {
    let servers = Servers::start().await;
    // glm-4.5: 500, then 503, then an answer.
    servers.answer_first(1, ResponseTemplate::new(500), 1).await;
    servers.answer_first(1, ResponseTemplate::new(503), 1).await;
    servers.answer(1, vote(1, true, 0.8)).await;
    servers.answer(0, vote(0, true, 0.8)).await;
    servers.answer(2, vote(2, true, 0.8)).await;
    // codestral: the key is refused.
    servers.servers[3]
        .register(
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(401).set_body_string("bad key")),
        )
        .await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    assert_eq!(code, Some(0));
    let glm = model(&verdict, "glm-4.5");
    assert_eq!(glm["status"], "voted", "{glm:#}");
    assert_eq!(glm["attempts"], 3);
    assert_eq!(glm["recovery"][0]["class"], "network");
    assert_eq!(glm["recovery"][0]["strategy"], "retry-with-backoff");
    assert!(
        glm["recovery"][1]["error"]
            .as_str()
            .unwrap()
            .contains("503")
    );
    assert_eq!(servers.request_count(1).await, 3);

    let codestral = model(&verdict, "codestral");
    assert_eq!(codestral["status"], "failed");
    assert_eq!(codestral["class"], "auth");
    assert_eq!(codestral["attempts"], 1);
    assert_eq!(servers.request_count(3).await, 1, "401 is never retried");
    assert_eq!(verdict["verdict"], "pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_model_times_out_and_is_left_out() {
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [1.0; 4]).await;
    servers
        .answer_first(3, vote(3, true, 1.0).set_delay(Duration::from_secs(3)), 10)
        .await;
    let dir = project(&servers.endpoints(), ["", "", "", "timeout = 0.5"]);
    let started = Instant::now();
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout was not applied"
    );
    assert_eq!(code, Some(0));
    let codestral = model(&verdict, "codestral");
    assert_eq!(codestral["status"], "failed", "{codestral:#}");
    assert_eq!(codestral["class"], "timeout");
    assert_eq!(codestral["attempts"], 1);
    assert_eq!(codestral["recovery"][0]["strategy"], "leave-out");
    assert!(close(&verdict["participating_weight"], 5.5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_read_tolerantly_and_judged_strictly() {
    let servers = Servers::start().await;
    // Prose and a code fence around the JSON: extracted.
    let prose = format!(
        "Here is my review.\n```json\n{}\n```\nLet me know if you need more.",
        ballot(&json!(true), &json!(0.95), "looks right")
    );
    servers.answer(0, answer(0, &prose)).await;
    // Out of range, not a boolean, empty reasoning: invalid votes.
    servers
        .answer(
            1,
            answer(1, &ballot(&json!(true), &json!(1.5), "very sure")),
        )
        .await;
    servers
        .answer(2, answer(2, &ballot(&json!("maybe"), &json!(0.5), "hmm")))
        .await;
    servers
        .answer(3, answer(3, &ballot(&json!(true), &json!(0.9), "")))
        .await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    let gemini = model(&verdict, "gemini");
    assert_eq!(gemini["status"], "voted", "{gemini:#}");
    assert!(close(&gemini["confidence"], 0.95));
    let reasons = [
        ("glm-4.5", "outside [0, 1]"),
        ("glm-air", "`vote` must be true or false"),
        ("codestral", "`reasoning` is empty"),
    ];
    for (id, reason) in reasons {
        let vote = model(&verdict, id);
        assert_eq!(vote["status"], "invalid", "{vote:#}");
        assert!(
            vote["reason"].as_str().unwrap().contains(reason),
            "{vote:#}"
        );
        assert_eq!(vote["attempts"], 1, "invalid answers are not retried");
    }
    // Invalid votes are not participation: 2.0 < 3.0.
    assert!(close(&verdict["participating_weight"], 2.0));
    assert_eq!(verdict["verdict"], "inconclusive");
    assert_eq!(code, Some(0));
}

/// What the hand-rolled server does with one connection.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Read the request, then close without a word.
    Drop,
    /// Promise a long body, send a little, close.
    Truncate,
    /// Answer with a valid chat-completions vote.
    Answer,
}

/// A server on 127.0.0.1 that treats its n-th connection as `plan(n)` says,
/// counting connections.
async fn raw_server(plan: fn(usize) -> Behaviour) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                read_request(&mut socket).await;
                match plan(n) {
                    Behaviour::Drop => {}
                    Behaviour::Truncate => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\nconnection: close\r\n\r\n";
                        let _ = socket.write_all(head.as_bytes()).await;
                        let _ = socket
                            .write_all(b"{\"choices\": [{\"message\": {\"con")
                            .await;
                        let _ = socket.flush().await;
                    }
                    Behaviour::Answer => {
                        let body = json!({
                            "choices": [{"message": {"content": ballot(&json!(true), &json!(1.0), "fine")}}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 5},
                        })
                        .to_string();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = socket.write_all(head.as_bytes()).await;
                        let _ = socket.write_all(body.as_bytes()).await;
                        let _ = socket.flush().await;
                    }
                }
            });
        }
    });
    (format!("http://{address}"), count)
}

/// Reads one request (headers and the body they announce), so closing the
/// socket afterwards is a clean close, not a reset.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                return;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried_and_truncated_bodies_are_invalid() {
    let servers = Servers::start().await;
    servers.answer(0, vote(0, true, 1.0)).await;
    servers.answer(1, vote(1, true, 1.0)).await;
    let (dropping, drops) = raw_server(|n| {
        if n == 0 {
            Behaviour::Drop
        } else {
            Behaviour::Answer
        }
    })
    .await;
    let (truncating, truncations) = raw_server(|_| Behaviour::Truncate).await;
    let mut endpoints = servers.endpoints();
    endpoints[2] = format!("{dropping}/api/paas/v4");
    endpoints[3] = format!("{truncating}/v1");
    let dir = project(&endpoints, [""; 4]);
    let (code, verdict, _) = vote_on(dir.path(), &[]).await;
    assert_eq!(code, Some(0));
    let air = model(&verdict, "glm-air");
    assert_eq!(air["status"], "voted", "{air:#}");
    assert_eq!(air["attempts"], 2);
    assert_eq!(air["recovery"][0]["class"], "network");
    assert_eq!(drops.load(Ordering::SeqCst), 2);

    let codestral = model(&verdict, "codestral");
    assert_eq!(codestral["status"], "invalid", "{codestral:#}");
    assert!(codestral["reason"].as_str().unwrap().contains("truncated"));
    assert_eq!(truncations.load(Ordering::SeqCst), 1);
    assert_eq!(verdict["verdict"], "pass");
    assert!(close(&verdict["participating_weight"], 5.5));

    // A server that always drops: retried, then left out as a network failure.
    let (dropping, drops) = raw_server(|_| Behaviour::Drop).await;
    endpoints[2] = format!("{dropping}/api/paas/v4");
    let dir = project(&endpoints, [""; 4]);
    let (_, verdict, _) = vote_on(dir.path(), &[]).await;
    let air = model(&verdict, "glm-air");
    assert_eq!(air["status"], "failed", "{air:#}");
    assert_eq!(air["class"], "network");
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_over_unchanged_files_is_served_from_the_cache() {
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [0.9; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let args = [
        "validate",
        "--quorum",
        "--output-format",
        "json",
        "module.py",
    ];
    let first = run(dir.path(), &args, &[]).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mut counts = Vec::new();
    for i in 0..4 {
        counts.push(servers.request_count(i).await);
    }
    assert_eq!(counts, vec![1; 4]);
    assert!(dir.path().join("cache/codegen/quorum").is_dir());

    let second = run(dir.path(), &args, &[]).await;
    assert_eq!(second.status.code(), Some(0));
    for i in 0..4 {
        assert_eq!(
            servers.request_count(i).await,
            1,
            "model {i} was called again"
        );
    }
    let document: Value = serde_json::from_str(&stdout(&second)).unwrap();
    let verdict = &document["quorum"][0];
    assert_eq!(verdict["verdict"], "pass");
    assert!(
        verdict["votes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["cached"] == true && v["attempts"] == 0)
    );

    // A changed file is asked about again; --no-cache asks whatever the cache holds.
    std::fs::write(dir.path().join("module.py"), format!("{CODE}\nX = 1\n")).unwrap();
    run(dir.path(), &args, &[]).await;
    assert_eq!(servers.request_count(0).await, 2);
    let mut uncached = args.to_vec();
    uncached.push("--no-cache");
    run(dir.path(), &uncached, &[]).await;
    assert_eq!(servers.request_count(0).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_without_its_key_is_skipped_with_a_warning() {
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [1.0; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let output = run(
        dir.path(),
        &[
            "validate",
            "--quorum",
            "--no-cache",
            "--output-format",
            "json",
            "module.py",
        ],
        &[("CODESTRAL_API_KEY", "")],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("model codestral skipped: CODESTRAL_API_KEY is not set"),
        "{}",
        stderr(&output)
    );
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let codestral = model(&document["quorum"][0], "codestral");
    assert_eq!(codestral["status"], "skipped");
    assert_eq!(servers.request_count(3).await, 0);
    assert!(close(&document["quorum"][0]["participating_weight"], 5.5));
    assert!(close(&document["quorum"][0]["total_weight"], 6.5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quorum_check_reports_who_answers_and_why_not() {
    let servers = Servers::start().await;
    servers.answer(0, vote(0, true, 1.0)).await;
    servers.answer(1, vote(1, true, 1.0)).await;
    servers.answer(2, vote(2, true, 1.0)).await;
    servers.servers[3]
        .register(Mock::given(method("POST")).respond_with(ResponseTemplate::new(403)))
        .await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let output = run(dir.path(), &["quorum", "check"], &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("ok   gemini"), "{text}");
    assert!(text.contains("FAIL codestral"), "{text}");
    assert!(text.contains("auth"), "{text}");
    assert!(text.contains("HTTP 403"), "{text}");
    assert!(text.contains("5.5 of 6.5 weight answered"), "{text}");

    let output = run(
        dir.path(),
        &["quorum", "check", "--output-format", "json"],
        &[("GEMINI_API_KEY", ""), ("GLM_API_KEY", "")],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "only 0 of 3.0 needed answers"
    );
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(document["models"][0]["status"], "skipped");
    assert_eq!(document["enough"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_votes_in_stage_5_and_a_fail_verdict_writes_nothing() {
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [0.9; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let contract = first_contract(&crate::common::repo().join("contracts"));
    std::fs::copy(&contract, dir.path().join("contract.yaml")).unwrap();
    let args = [
        "generate",
        "contract.yaml",
        "-o",
        "out",
        "--quorum",
        "--no-cache",
        "--output-format",
        "json",
    ];
    let output = run(dir.path(), &args, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let verdicts = document["contracts"][0]["quorum"].as_array().unwrap();
    assert!(!verdicts.is_empty());
    assert!(verdicts.iter().all(|v| v["verdict"] == "pass"));
    assert!(
        verdicts
            .iter()
            .any(|v| v["file"].as_str().unwrap().ends_with("node.py"))
    );
    let python_files = verdicts.len();
    assert_eq!(servers.request_count(0).await, python_files);

    // The models now fail everything: the contract fails (exit 1) and is not written.
    let servers = Servers::start().await;
    servers.all_vote([false; 4], [0.9; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    std::fs::copy(&contract, dir.path().join("contract.yaml")).unwrap();
    let output = run(dir.path(), &args, &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(document["contracts"][0]["status"], "failed");
    assert_eq!(document["contracts"][0]["failed_stage"], "quality");
    assert!(
        !dir.path()
            .join("out")
            .join(document["contracts"][0]["package"].as_str().unwrap())
            .exists()
    );

    // Too few models answer and --require-quorum: exit 2.
    let output = run(
        dir.path(),
        &[
            "generate",
            "contract.yaml",
            "-o",
            "out",
            "--require-quorum",
            "--no-cache",
        ],
        &[("GEMINI_API_KEY", ""), ("GLM_API_KEY", "")],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("inconclusive"),
        "{}",
        stderr(&output)
    );
}

/// A command line and the environment it runs with.
type Run = (Vec<&'static str>, Vec<(&'static str, &'static str)>);

/// Every output format at every log level, for `validate`, `generate`, `quorum check` and `config`.
fn secrecy_runs() -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for format in ["text", "json", "github", "junit", "sarif"] {
        for verbosity in ["-q", "", "-v", "-vv", "-vvv"] {
            let mut args = vec![
                "validate",
                "--quorum",
                "--no-cache",
                "--output-format",
                format,
                "module.py",
            ];
            if !verbosity.is_empty() {
                args.push(verbosity);
            }
            runs.push((args, vec![]));
        }
        runs.push((
            vec![
                "validate",
                "--quorum",
                "--no-cache",
                "--output-format",
                format,
                "module.py",
            ],
            vec![("RUST_LOG", "trace")],
        ));
    }
    for format in ["text", "json", "github"] {
        runs.push((
            vec![
                "generate",
                "contract.yaml",
                "-o",
                "out",
                "--quorum",
                "--no-cache",
                "-vvv",
                "--output-format",
                format,
            ],
            vec![],
        ));
    }
    runs.push((vec!["quorum", "check", "-vvv"], vec![("RUST_LOG", "trace")]));
    runs.push((vec!["quorum", "check", "--output-format", "json"], vec![]));
    runs.push((vec!["config"], vec![]));
    runs.push((vec!["config", "--output-format", "json"], vec![]));
    runs
}

/// Every output format and log level, over a run with votes, failures and a
/// server that echoes a key back: no key value appears anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_output_format_or_log_level_shows_a_key() {
    let servers = Servers::start().await;
    servers.answer(0, vote(0, true, 1.0)).await;
    servers
        .answer(
            1,
            answer(
                1,
                &ballot(&json!(true), &json!(0.9), &format!("saw {GLM_KEY}")),
            ),
        )
        .await;
    servers
        .answer(
            2,
            ResponseTemplate::new(500).set_body_string(format!("Bearer {GLM_KEY} failed")),
        )
        .await;
    servers.servers[3]
        .register(Mock::given(method("POST")).respond_with(
            ResponseTemplate::new(401).set_body_string(format!("invalid key {CODESTRAL_KEY}")),
        ))
        .await;
    let dir = project(&servers.endpoints(), ["", "", "retries = 0", ""]);
    let contract = first_contract(&crate::common::repo().join("contracts"));
    std::fs::copy(&contract, dir.path().join("contract.yaml")).unwrap();

    let runs = secrecy_runs();
    for (args, env) in &runs {
        let output = run(dir.path(), args, env).await;
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!all.is_empty());
        for key in KEYS {
            assert!(
                !all.contains(key),
                "`codegen {}` {env:?} printed a key:\n{all}",
                args.join(" ")
            );
        }
    }
    // The echoed key was there to be hidden.
    let output = run(
        dir.path(),
        &[
            "validate",
            "--quorum",
            "--no-cache",
            "--output-format",
            "json",
            "module.py",
        ],
        &[],
    )
    .await;
    assert!(
        stdout(&output).contains("[redacted]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn quorum_settings_are_checked_and_shown_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("codegen.toml"),
        "[quorum]\nthreshold = 2\n\n[[quorum.models]]\nid = \"local\"\nmodel = \"qwen\"\nwieght = 1\n",
    )
    .unwrap();
    let output = crate::common::codegen(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("codegen.toml:2:13: error: `threshold`"),
        "{err}"
    );
    assert!(
        err.contains("codegen.toml:7:1: error: unknown key `wieght`"),
        "{err}"
    );
    assert!(err.contains("did you mean `weight`?"), "{err}");
    assert!(err.contains("needs `provider`, `endpoint`"), "{err}");

    std::fs::write(
        dir.path().join("codegen.toml"),
        "[quorum]\nthreshold = 0.7\n\n[[quorum.models]]\nid = \"local\"\nprovider = \"openai\"\nmodel = \"qwen2.5-coder\"\nendpoint = \"http://127.0.0.1:11434/v1\"\napi_key_env = \"\"\n",
    )
    .unwrap();
    let output = crate::common::codegen(dir.path(), &["config"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("threshold = 0.7  # "), "{text}");
    assert!(text.contains("codegen.toml:2\n"), "{text}");
    assert!(text.contains("id = \"local\""), "{text}");
    assert!(text.contains("api_key_env = \"GEMINI_API_KEY\""), "{text}");
    let output = crate::common::codegen(dir.path(), &["config", "--output-format", "json"]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["quorum"]["models"].as_array().unwrap().len(), 5);
    assert!(close(&json["quorum"]["total_weight"], 7.5));
    assert_eq!(json["quorum"]["sources"]["threshold"]["line"], 2);

    // pyproject.toml's [tool.codegen] works the same way.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.codegen.quorum]\nmin_participating_weight = 2\n\n[[tool.codegen.quorum.models]]\nid = \"codestral\"\nenabled = false\n",
    )
    .unwrap();
    let output = crate::common::codegen(dir.path(), &["config", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(close(&json["quorum"]["min_participating_weight"], 2.0));
    assert!(close(&json["quorum"]["total_weight"], 5.5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_queue_for_their_turn_before_their_deadline_starts() {
    // Six files, four models answering after 200 ms, four calls at a time and a
    // 1 s deadline: all 24 calls take 1.2 s, yet every file has its full second.
    let servers = Servers::start().await;
    for i in 0..4 {
        servers
            .answer(i, vote(i, true, 1.0).set_delay(Duration::from_millis(200)))
            .await;
    }
    let dir = project(&servers.endpoints(), [""; 4]);
    let config = std::fs::read_to_string(dir.path().join("codegen.toml"))
        .unwrap()
        .replace("deadline = 20", "deadline = 1\nconcurrency = 4");
    std::fs::write(dir.path().join("codegen.toml"), config).unwrap();
    let mut files = Vec::new();
    for n in 0..6 {
        let name = format!("module_{n}.py");
        std::fs::write(dir.path().join(&name), format!("{CODE}\nN = {n}\n")).unwrap();
        files.push(name);
    }
    let mut args = vec![
        "validate",
        "--quorum",
        "--no-cache",
        "--output-format",
        "json",
    ];
    args.extend(files.iter().map(String::as_str));
    let started = Instant::now();
    let output = run(dir.path(), &args, &[]).await;
    assert!(started.elapsed() >= Duration::from_millis(1200));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let verdicts = document["quorum"].as_array().unwrap();
    assert_eq!(verdicts.len(), 6);
    assert!(
        verdicts.iter().all(|v| v["verdict"] == "pass"),
        "{document:#}"
    );
}

/// Stage 5's limit grows with the quorum's deadline and the package's files:
/// four models answering after 300 ms, four calls at a time (one file at a
/// time), so a package's votes take several seconds, under a one-second step
/// limit. The votes all arrive and count; a fixed limit would have stopped
/// the step while its calls went on. A model that stalls past its timeout is
/// left out and the report counts it under timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stage_5_waits_for_every_vote_of_a_large_package_past_the_step_limit() {
    let servers = Servers::start().await;
    for i in 0..3 {
        servers
            .answer(i, vote(i, true, 1.0).set_delay(Duration::from_millis(300)))
            .await;
    }
    // The fourth stalls past its per-call timeout on every call.
    servers
        .answer(3, vote(3, true, 1.0).set_delay(Duration::from_secs(30)))
        .await;
    let dir = project(
        &servers.endpoints(),
        ["", "", "", "timeout = 0.5\nretries = 0"],
    );
    let config = std::fs::read_to_string(dir.path().join("codegen.toml"))
        .unwrap()
        .replace(
            "deadline = 20",
            "deadline = 3\nconcurrency = 4\nmin_participating_weight = 1",
        );
    std::fs::write(dir.path().join("codegen.toml"), config).unwrap();
    let contract = first_contract(&crate::common::repo().join("contracts"));
    std::fs::copy(&contract, dir.path().join("contract.yaml")).unwrap();
    let started = Instant::now();
    let output = run(
        dir.path(),
        &[
            "generate",
            "contract.yaml",
            "-o",
            "out",
            "--quorum",
            "--no-cache",
            "--step-timeout",
            "1",
            "--output-format",
            "json",
        ],
        &[],
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let result = &document["contracts"][0];
    assert_eq!(result["status"], "generated", "{document:#}");
    let verdicts = result["quorum"].as_array().unwrap();
    assert!(verdicts.len() >= 4, "{verdicts:?}");
    assert!(
        verdicts.iter().all(|v| v["verdict"] == "pass"),
        "{document:#}"
    );
    // The votes took longer than the step limit: the limit grew for them.
    assert!(elapsed > Duration::from_secs(1), "{elapsed:?}");
    let classes = document["recovery"]["classes"].as_array().unwrap();
    let timeout = classes
        .iter()
        .find(|c| c["class"] == "timeout")
        .unwrap_or_else(|| panic!("no timeout recovery: {document:#}"));
    assert_eq!(timeout["strategy"], "exclude");
    assert_eq!(timeout["times"].as_u64().unwrap(), verdicts.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_prompts_name_the_contract_of_each_file_package() {
    let servers = Servers::start().await;
    servers.all_vote([true; 4], [0.9; 4]).await;
    let dir = project(&servers.endpoints(), [""; 4]);
    let package = dir.path().join("pkg");
    std::fs::create_dir_all(package.join("handlers")).unwrap();
    let contract = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("contracts")
        .join("node_invoice_total_compute.yaml");
    std::fs::copy(contract, package.join("contract.yaml")).unwrap();
    std::fs::write(package.join("node.py"), CODE).unwrap();
    std::fs::write(package.join("handlers").join("handler_total.py"), CODE).unwrap();
    let output = run(
        dir.path(),
        &["validate", "--quorum", "--no-cache", "pkg", "module.py"],
        &[],
    )
    .await;
    assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
    let mut prompts: Vec<String> = servers
        .requests(0)
        .await
        .iter()
        .map(|request| String::from_utf8_lossy(&request.body).into_owned())
        .collect();
    prompts.sort();
    assert_eq!(prompts.len(), 3, "{prompts:#?}");
    for prompt in &prompts {
        let in_package = prompt.contains("pkg/");
        assert_eq!(
            prompt.contains("Node type: compute"),
            in_package,
            "{prompt}"
        );
        assert_eq!(
            prompt.contains("- name: node_invoice_total_compute"),
            in_package,
            "{prompt}"
        );
    }
}
