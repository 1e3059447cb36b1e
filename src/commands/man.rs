//! The roff man pages, `codegen.1` and `codegen-<subcommand>.1` for each
//! visible subcommand, from the clap model: `make man` writes them (through
//! the `man` example, so the command has no hidden subcommand to complete).

use std::path::{Path, PathBuf};

use clap::CommandFactory as _;

use crate::cli::Cli;

/// Writes every page into `dir` (created when missing); the files written.
pub fn write_pages(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    write_page(&Cli::command(), &["codegen"], dir, &mut written)?;
    Ok(written)
}

/// Writes the page of `command`, whose words on the command line are `words`
/// (`["codegen", "templates"]`), then those of its visible subcommands.
fn write_page(
    command: &clap::Command,
    words: &[&str],
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    let title = words.join("-");
    let command = command
        .clone()
        .display_name(title.clone())
        .bin_name(words.join(" "));
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    let file = dir.join(format!("{title}.1"));
    std::fs::write(&file, page)?;
    written.push(file);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut longer = words.to_vec();
        longer.push(sub.get_name());
        write_page(sub, &longer, dir, written)?;
    }
    Ok(())
}
