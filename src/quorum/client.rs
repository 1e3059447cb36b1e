//! One model call with its retries: backon drives the attempts (exponential
//! backoff, full jitter, `Retry-After` honoured), the recovery module decides
//! which failures are retried, and nothing waits past the quorum's deadline.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::{BackoffBuilder as _, ExponentialBuilder, Retryable as _};

use super::prompt::Prompt;
use super::provider::{self, Reply};
use super::recovery::{CallError, ErrorClass, Recovery, classify_status, classify_transport};
use super::secret::ApiKey;
use crate::config::quorum::ModelConfig;

/// The first retry waits up to this long; each later one up to twice the last.
const BASE_DELAY: Duration = Duration::from_millis(200);
const MAX_DELAY: Duration = Duration::from_secs(5);

/// What a call came to, with the attempts it took.
#[derive(Debug)]
pub struct Called {
    pub result: Result<Reply, CallError>,
    pub attempts: u32,
    /// Every failed attempt and what was done about it.
    pub recoveries: Vec<Recovery>,
}

/// Full jitter: each delay drawn uniformly from zero to the exponential step.
struct FullJitter<B> {
    steps: B,
    rng: fastrand::Rng,
}

impl<B: Iterator<Item = Duration>> Iterator for FullJitter<B> {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let step = self.steps.next()?;
        let nanos = u64::try_from(step.as_nanos()).unwrap_or(u64::MAX);
        Some(Duration::from_nanos(self.rng.u64(0..=nanos)))
    }
}

fn backoff(retries: u32) -> impl backon::Backoff {
    FullJitter {
        steps: ExponentialBuilder::default()
            .with_min_delay(BASE_DELAY)
            .with_max_delay(MAX_DELAY)
            .with_max_times(retries as usize)
            .build(),
        rng: fastrand::Rng::new(),
    }
}

/// Calls `model` until it answers, a failure is not worth retrying, the
/// retries are spent, or `deadline` comes.
pub async fn call(
    client: &reqwest::Client,
    model: &ModelConfig,
    key: Option<&ApiKey>,
    prompt: &Prompt,
    deadline: Instant,
) -> Called {
    let _span = crate::profile::concurrent("quorum call", || model.id.clone());
    let attempts = AtomicU32::new(0);
    let recoveries = Mutex::new(Vec::new());
    let gave_up = AtomicBool::new(false);
    let (attempts_ref, recoveries_ref, gave_up_ref) = (&attempts, &recoveries, &gave_up);
    let record = |error: &CallError, waited: Option<Duration>| {
        if let Ok(mut list) = recoveries_ref.lock() {
            list.push(Recovery {
                attempt: attempts_ref.load(Ordering::SeqCst),
                class: error.class,
                strategy: error.class.strategy(),
                error: error.message.clone(),
                waited_ms: waited.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            });
        }
    };
    let attempt = move || async move {
        attempts_ref.fetch_add(1, Ordering::SeqCst);
        once(client, model, key, prompt).await
    };
    let retried = attempt
        .retry(backoff(model.retries))
        .sleep(tokio::time::sleep)
        .when(|error: &CallError| error.class.is_retried())
        .adjust(|error: &CallError, next: Option<Duration>| {
            let next = next?;
            let wait = error.retry_after.unwrap_or(next);
            let left = deadline.saturating_duration_since(Instant::now());
            if wait >= left {
                let mut past = error.clone();
                past.message = format!(
                    "{}; not waiting {} ms: past the quorum's deadline",
                    past.message,
                    wait.as_millis()
                );
                record(&past, None);
                gave_up_ref.store(true, Ordering::SeqCst);
                return None;
            }
            Some(wait)
        })
        .notify(|error: &CallError, wait: Duration| record(error, Some(wait)));
    let result = match tokio::time::timeout_at(deadline.into(), retried).await {
        Ok(result) => result,
        Err(_) => Err(CallError::new(
            ErrorClass::Timeout,
            "no answer before the quorum's deadline",
        )),
    };
    if let Err(error) = &result
        && !gave_up.load(Ordering::SeqCst)
    {
        record(error, None);
    }
    Called {
        result,
        attempts: attempts.load(Ordering::SeqCst),
        recoveries: recoveries.into_inner().unwrap_or_default(),
    }
}

async fn once(
    client: &reqwest::Client,
    model: &ModelConfig,
    key: Option<&ApiKey>,
    prompt: &Prompt,
) -> Result<Reply, CallError> {
    tracing::debug!(model = %model.id, provider = model.provider.as_str(), "quorum: calling");
    let response = provider::request(client, model, key, prompt)
        .timeout(model.timeout)
        .send()
        .await
        .map_err(|e| classify_transport(e, false))?;
    let status = response.status().as_u16();
    tracing::debug!(model = %model.id, status, "quorum: answered");
    if !(200..300).contains(&status) {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        return Err(classify_status(status, retry_after.as_deref(), &body));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| classify_transport(e, true))?;
    provider::decode(model.provider, &body)
        .map_err(|message| CallError::new(ErrorClass::InvalidResponse, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_stays_under_the_exponential_step() {
        let delays: Vec<Duration> = backoff(4).collect();
        assert_eq!(delays.len(), 4);
        for (i, d) in delays.iter().enumerate() {
            assert!(*d <= BASE_DELAY * 2u32.pow(u32::try_from(i).unwrap_or(0)));
        }
        assert_eq!(backoff(0).count(), 0);
    }
}
