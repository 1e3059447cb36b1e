//! What the user sees: the [`Printer`] decides whether bars are drawn and
//! colour is used, logging is routed through it so logs never tear the bars,
//! and the run summary is rendered here.

pub mod formats;
pub mod quorum;
pub mod summary;
pub mod trace;

use std::io::IsTerminal as _;

use tracing::Span;
use tracing_indicatif::IndicatifLayer;
use tracing_indicatif::span_ext::IndicatifSpanExt as _;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::cli::ColorChoice;
use crate::diagnostics::paint;

/// How much to print, and how.
#[derive(Debug, Clone, Copy)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "four independent switches, each read where it applies"
)]
pub struct Printer {
    /// Only errors.
    pub quiet: bool,
    /// Progress bars on standard error (a terminal, and not quiet).
    pub progress: bool,
    /// ANSI colour on standard error.
    pub color: bool,
    /// ANSI colour on standard output (text formats only: machine formats never carry it).
    pub color_stdout: bool,
}

impl Printer {
    /// Resolves the flags against the environment: bars only on a terminal,
    /// colour as [`wants_color`] decides for each stream.
    pub fn new(quiet: bool, color: ColorChoice) -> Self {
        let stderr = std::io::stderr();
        let terminal = stderr.is_terminal();
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Self {
            quiet,
            progress: terminal && !dumb && !quiet,
            color: wants_color(color, &stderr),
            color_stdout: wants_color(color, &std::io::stdout()),
        }
    }

    /// Installs the global tracing subscriber: `RUST_LOG` wins, else `-v` levels.
    pub fn init_logging(self, verbose: u8) {
        let default = match (self.quiet, verbose) {
            (true, _) => "error",
            (false, 0) => "warn",
            (false, 1) => "info",
            (false, 2) => "debug",
            (false, _) => "trace",
        };
        let filter = EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new(format!("codegen={default},{default}")));
        let fmt = tracing_subscriber::fmt::layer()
            .with_ansi(self.color)
            .with_target(false)
            .without_time();
        if self.progress {
            // Bars are spans: the bar layer sees the stage spans whatever the log filter says.
            let bars = IndicatifLayer::new();
            let fmt = fmt
                .with_writer(bars.get_stderr_writer())
                .with_filter(filter);
            let stages = filter_fn(|meta| meta.is_span() && meta.name() == StageBar::SPAN);
            let _ = tracing_subscriber::registry()
                .with(fmt)
                .with(bars.with_filter(stages))
                .try_init();
        } else {
            let fmt = fmt.with_writer(std::io::stderr).with_filter(filter);
            let _ = tracing_subscriber::registry().with(fmt).try_init();
        }
    }

    /// Wraps `s` in the ANSI style `code` when colour is on for standard error.
    pub fn paint(self, code: &str, s: &str) -> String {
        paint(self.color, code, s)
    }

    /// Wraps `s` in the ANSI style `code` when colour is on for standard output.
    pub fn paint_stdout(self, code: &str, s: &str) -> String {
        paint(self.color_stdout, code, s)
    }
}

/// Whether a stream gets colour, the way cargo and ruff decide: `--color always` and
/// `never` (or the settings file's `color`) are final; under `auto`, a non-empty
/// `NO_COLOR` turns it off, a non-empty `FORCE_COLOR` (other than `0`) or
/// `CLICOLOR_FORCE` turns it on even into a pipe, `CLICOLOR=0` turns it off, and
/// otherwise a terminal whose `TERM` is not `dumb` gets it.
pub fn wants_color<S: anstream::stream::RawStream>(choice: ColorChoice, stream: &S) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if anstyle_query::no_color() {
                return false;
            }
            let forced = std::env::var_os("FORCE_COLOR")
                .is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
            forced || anstream::AutoStream::<S>::choice(stream) != anstream::ColorChoice::Never
        }
    }
}

/// A progress bar for one stage, drawn only when bars are on (the span exists either way).
pub struct StageBar {
    span: Span,
}

impl StageBar {
    const SPAN: &'static str = "stage";

    pub fn start(stage: &'static str, total: u64) -> Self {
        let span = tracing::info_span!("stage", name = stage);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {msg:<8} [{wide_bar}] {pos}/{len} {elapsed}",
        ) {
            span.pb_set_style(&style.progress_chars("=> "));
        }
        span.pb_set_length(total);
        span.pb_set_message(stage);
        span.pb_start();
        // The layer draws a span's bar once the span has been entered.
        span.in_scope(|| {});
        Self { span }
    }

    pub fn inc(&self) {
        self.span.pb_inc(1);
    }
}
