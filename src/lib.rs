//! codegen: ONEX v2.0 node contracts (YAML) in, Python node packages that the
//! real framework accepts out, through a six-stage parallel pipeline.

pub mod cli;
pub mod commands;
pub mod config;
pub mod contract;
pub mod diagnostics;
pub mod digest;
pub mod discover;
pub mod exit;
pub mod lint;
pub mod output;
pub mod pipeline;
pub mod profile;
pub mod quorum;
pub mod render;
pub mod report;
pub mod select;

use cli::{Cli, Command};
use exit::ExitStatus;
use report::Printer;

/// Runs one command line to completion.
pub fn run(cli: &Cli) -> anyhow::Result<ExitStatus> {
    let settings = match config::Settings::resolve(cli) {
        Ok(settings) => settings,
        Err(error) => {
            let color = cli.global.color.unwrap_or(cli::ColorChoice::Auto);
            let color = report::wants_color(color, &std::io::stderr());
            eprintln!("{}", error.render_styled(color));
            return Ok(ExitStatus::Error);
        }
    };
    let printer = Printer::new(cli.global.quiet, settings.color);
    printer.init_logging(cli.global.verbose);
    match &cli.command {
        Command::Generate(_) => commands::generate::run(&settings.generate, printer),
        Command::Validate(_) => commands::validate::run(&settings.validate, printer),
        Command::Rules(args) => commands::rules::run(args),
        Command::Completions(args) => commands::completions::run(args),
        Command::Templates(command) => commands::templates::run(command, printer),
        Command::Init(args) => commands::init::run_init(args),
        Command::New(args) => commands::init::run_new(args),
        Command::Schema => commands::schema::run(),
        Command::Config(args) => commands::config::run(args, &settings),
        Command::Profile(args) => commands::profile::run(&settings, args, printer),
        Command::Quorum(command) => commands::quorum::run(command, &settings.quorum, printer),
    }
}
