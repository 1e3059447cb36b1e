//! The `codegen` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser as _;

/// jemalloc: a run allocates and frees many small strings and syntax trees on every
/// worker thread; against glibc's allocator it cuts the CPU of 1,000 contracts and of
/// `validate` by a fifth, at about the same peak memory (mimalloc held half as much again).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = codegen::cli::Cli::parse();
    match codegen::run(&cli) {
        Ok(status) => status.into(),
        Err(error) => {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("codegen: error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            codegen::exit::ExitStatus::Error.into()
        }
    }
}
