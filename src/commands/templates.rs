//! `codegen templates list|eject`, and the loading of an override directory
//! (`--templates DIR`) into a [`TemplateManager`] with located diagnostics.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::{EjectArgs, TemplatesCommand, TemplatesListArgs};
use crate::diagnostics::Diagnostic;
use crate::exit::ExitStatus;
use crate::render::templates::{TemplateError, TemplateManager};
use crate::report::Printer;

pub fn run(command: &TemplatesCommand, printer: Printer) -> anyhow::Result<ExitStatus> {
    match command {
        TemplatesCommand::List(args) => list(args, printer),
        TemplatesCommand::Eject(args) => eject(args),
    }
}

/// The built-ins, or the built-ins with `dir`'s overrides; warnings name the
/// files of `dir` that are not templates and so change nothing.
pub fn load(dir: Option<&Path>) -> Result<(TemplateManager, Vec<Diagnostic>), Box<Diagnostic>> {
    let Some(dir) = dir else {
        return Ok((TemplateManager::builtin(), Vec::new()));
    };
    if !dir.is_dir() {
        return Err(Box::new(
            Diagnostic::error(dir, "the templates directory does not exist")
                .with_help("create it with `codegen templates eject DIR`"),
        ));
    }
    let manager =
        TemplateManager::with_overrides(dir).map_err(|e| Box::new(diagnostic(dir, &e)))?;
    let warnings = manager
        .ignored()
        .iter()
        .map(|path| {
            Diagnostic::warning(
                path,
                "ignored: not a template (only `*.tera` files override)",
            )
        })
        .collect();
    Ok((manager, warnings))
}

/// [`load`], with the warnings or the error added to `problems`.
pub fn load_into(dir: Option<&Path>, problems: &mut Vec<Diagnostic>) -> Option<TemplateManager> {
    match load(dir) {
        Ok((manager, warnings)) => {
            problems.extend(warnings);
            Some(manager)
        }
        Err(problem) => {
            problems.push(*problem);
            None
        }
    }
}

/// A template error as a diagnostic on the override file at fault.
pub fn diagnostic(dir: &Path, error: &TemplateError) -> Diagnostic {
    error.diagnostic(dir)
}

fn list(args: &TemplatesListArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let (manager, warnings) = match load(args.templates.as_deref()) {
        Ok(loaded) => loaded,
        Err(problem) => {
            eprintln!("{}", problem.render_styled(printer.color));
            return Ok(ExitStatus::Error);
        }
    };
    let mut out = std::io::stdout().lock();
    let width = manager.names().map(str::len).max().unwrap_or(0);
    for name in manager.names() {
        let origin = match (
            manager.overridden().iter().any(|o| o == name),
            TemplateManager::is_builtin(name),
        ) {
            (true, true) => "overridden",
            (true, false) => "added",
            (false, _) => "built-in",
        };
        writeln!(out, "{name:width$}  {origin}")?;
    }
    if !printer.quiet {
        let mut err = std::io::stderr().lock();
        for warning in &warnings {
            writeln!(err, "{}", warning.render_styled(printer.color))?;
        }
    }
    Ok(ExitStatus::Success)
}

fn eject(args: &EjectArgs) -> anyhow::Result<ExitStatus> {
    let mut written = Vec::new();
    let mut skipped = Vec::new();
    let mut problems = Vec::new();
    for (name, source) in TemplateManager::builtin_sources() {
        let path: PathBuf = args.dir.join(&name);
        if path.exists() && !args.force {
            skipped.push(path);
            continue;
        }
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, source.as_bytes()));
        match result {
            Ok(()) => written.push(path),
            Err(e) => problems.push(Diagnostic::error(&path, format!("cannot write: {e}"))),
        }
    }
    let mut out = std::io::stdout().lock();
    for path in &written {
        writeln!(out, "wrote {}", path.display())?;
    }
    let mut err = std::io::stderr().lock();
    for path in &skipped {
        writeln!(
            err,
            "skipped {}: it exists (use --force to overwrite)",
            path.display()
        )?;
    }
    for problem in &problems {
        writeln!(err, "{}", problem.render())?;
    }
    Ok(if problems.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
