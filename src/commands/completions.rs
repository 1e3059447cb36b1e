//! `codegen completions SHELL`: the completion script on standard output.

use std::io::Write as _;

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::ExitStatus;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitStatus> {
    let mut command = Cli::command();
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut command, "codegen", &mut buffer);
    std::io::stdout().lock().write_all(&buffer)?;
    Ok(ExitStatus::Success)
}
