//! Error recovery for model calls: every failure is put in one class, and each
//! class has one strategy.
//!
//! | class | what | strategy |
//! |---|---|---|
//! | network | refused, reset or dropped connections; 5xx | retry with exponential backoff and full jitter |
//! | timeout | no complete answer within the call's timeout, or the quorum's deadline | leave the model out (the deadline is shared, waiting again would spend it) |
//! | rate-limit | 429 | wait as `Retry-After` asks (seconds or HTTP-date; backoff without one), then retry |
//! | auth | 401, 403 | leave the model out at once, naming the key variable |
//! | invalid response | other 4xx; malformed, truncated or empty bodies; unusable votes | record an invalid vote, not retried |
//!
//! Retries stop at the model's `retries` and never wait past the deadline.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::Serialize;

/// What kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    Network,
    Timeout,
    RateLimit,
    Auth,
    InvalidResponse,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Network => "network",
            ErrorClass::Timeout => "timeout",
            ErrorClass::RateLimit => "rate-limit",
            ErrorClass::Auth => "auth",
            ErrorClass::InvalidResponse => "invalid-response",
        }
    }

    /// The class's one strategy.
    pub fn strategy(self) -> Strategy {
        match self {
            ErrorClass::Network => Strategy::RetryWithBackoff,
            ErrorClass::Timeout => Strategy::LeaveOut,
            ErrorClass::RateLimit => Strategy::WaitThenRetry,
            ErrorClass::Auth => Strategy::Abort,
            ErrorClass::InvalidResponse => Strategy::RecordInvalid,
        }
    }

    pub fn is_retried(self) -> bool {
        matches!(
            self.strategy(),
            Strategy::RetryWithBackoff | Strategy::WaitThenRetry
        )
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a class of failure is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    RetryWithBackoff,
    WaitThenRetry,
    LeaveOut,
    Abort,
    RecordInvalid,
}

impl Strategy {
    pub fn describe(self) -> &'static str {
        match self {
            Strategy::RetryWithBackoff => "exponential backoff with full jitter",
            Strategy::WaitThenRetry => "as Retry-After asked, or the backoff without one",
            Strategy::LeaveOut => "left out of the vote, not retried: the deadline is shared",
            Strategy::Abort => "left out of the vote at once, not retried: check the key",
            Strategy::RecordInvalid => "recorded as an invalid vote, not retried",
        }
    }
}

/// One failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct CallError {
    pub class: ErrorClass,
    pub message: String,
    /// From a 429's `Retry-After`.
    pub retry_after: Option<Duration>,
}

impl CallError {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
            retry_after: None,
        }
    }
}

/// One recovery step, for the report: what failed and what was done about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recovery {
    /// The attempt that failed (1-based).
    pub attempt: u32,
    pub class: ErrorClass,
    pub strategy: Strategy,
    pub error: String,
    /// How long it waited before the next attempt; `None` when it gave up.
    pub waited_ms: Option<u64>,
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "attempt {} failed ({}: {})",
            self.attempt, self.class, self.error
        )?;
        match self.waited_ms {
            Some(ms) => write!(
                f,
                "; waited {ms} ms ({}), then retried",
                self.strategy.describe()
            ),
            None if self.class.is_retried() => f.write_str("; no retry left: given up"),
            None => write!(f, "; {}", self.strategy.describe()),
        }
    }
}

/// A non-2xx answer. `body` is the start of what the server said.
pub fn classify_status(status: u16, retry_after: Option<&str>, body: &str) -> CallError {
    let reason = http_reason(status);
    let said = body.trim();
    let said: String = said.chars().take(200).collect();
    let message = if said.is_empty() {
        format!("HTTP {status} {reason}")
    } else {
        format!("HTTP {status} {reason}: {said}")
    };
    let class = match status {
        429 => ErrorClass::RateLimit,
        401 | 403 => ErrorClass::Auth,
        500..=599 => ErrorClass::Network,
        _ => ErrorClass::InvalidResponse,
    };
    CallError {
        class,
        message,
        retry_after: if class == ErrorClass::RateLimit {
            retry_after.and_then(|v| parse_retry_after(v, SystemTime::now()))
        } else {
            None
        },
    }
}

fn http_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// A transport failure. `reading_body`: the status line had arrived, so a
/// broken connection now means a truncated answer, not an unreachable server.
/// The URL is dropped from the message: errors never carry request details.
pub fn classify_transport(error: reqwest::Error, reading_body: bool) -> CallError {
    let timeout = error.is_timeout();
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    let class = if timeout {
        ErrorClass::Timeout
    } else if reading_body {
        ErrorClass::InvalidResponse
    } else {
        ErrorClass::Network
    };
    let message = if reading_body && !timeout {
        format!("truncated answer: {message}")
    } else {
        message
    };
    CallError::new(class, message)
}

/// `Retry-After`: whole seconds, or an HTTP-date (a date in the past means now).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_hours(401_503) + Duration::from_mins(28);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_mins(2))
        );
        // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn statuses_fall_into_their_classes() {
        let class = |s| classify_status(s, None, "").class;
        assert_eq!(class(429), ErrorClass::RateLimit);
        assert_eq!(class(401), ErrorClass::Auth);
        assert_eq!(class(403), ErrorClass::Auth);
        assert_eq!(class(404), ErrorClass::InvalidResponse);
        assert_eq!(class(500), ErrorClass::Network);
        assert_eq!(class(503), ErrorClass::Network);
        assert!(ErrorClass::Network.is_retried());
        assert!(ErrorClass::RateLimit.is_retried());
        assert!(!ErrorClass::Auth.is_retried());
        assert!(!ErrorClass::InvalidResponse.is_retried());
        assert!(!ErrorClass::Timeout.is_retried());
        let limited = classify_status(429, Some("3"), "slow down");
        assert_eq!(limited.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(limited.message, "HTTP 429 Too Many Requests: slow down");
    }
}
