//! The process exit status: 0 success, 1 findings, 2 usage, input or internal errors.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Everything worked and nothing was found.
    Success,
    /// The run worked, and found problems in what it checked (error findings, stale output).
    Failure,
    /// Bad usage, configuration or input, or the tool itself failed.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}
