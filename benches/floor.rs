//! The floor of `make bench`: the least work that produces codegen's output.
//! It loads a finished output tree into memory, then writes the same bytes into
//! the same layout under a new directory, each package atomically as codegen
//! does (written whole into a staging directory, then renamed into place),
//! spread over every core. Nothing is parsed, rendered or checked,
//! so its time is what the disk and the kernel cost for this many files.
//!
//! Usage: `floor SOURCE_TREE DEST_DIR`

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One package: its directory name and every file as (relative path, bytes).
type Package = (PathBuf, Vec<(PathBuf, Vec<u8>)>);

fn collect(root: &Path, dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, files)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            files.push((rel.to_path_buf(), fs::read(&path)?));
        }
    }
    Ok(())
}

fn write_package(dest: &Path, (name, files): &Package) -> std::io::Result<()> {
    let staging = dest.join(".staging").join(name);
    fs::create_dir_all(&staging)?;
    for (rel, bytes) in files {
        let path = staging.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
    }
    fs::rename(&staging, dest.join(name))
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(source), Some(dest)) = (args.next(), args.next()) else {
        eprintln!("usage: floor SOURCE_TREE DEST_DIR");
        std::process::exit(2);
    };
    let (source, dest) = (PathBuf::from(source), PathBuf::from(dest));
    let mut packages: Vec<Package> = Vec::new();
    for entry in fs::read_dir(&source)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() && !entry.file_name().to_string_lossy().starts_with('.') {
            let mut files = Vec::new();
            collect(&entry.path(), &entry.path(), &mut files)?;
            packages.push((PathBuf::from(entry.file_name()), files));
        }
    }
    fs::create_dir_all(dest.join(".staging"))?;
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> std::io::Result<()> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(package) = packages.get(i) else {
                            return Ok(());
                        };
                        write_package(&dest, package)?;
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("worker panicked")))
        })
    })?;
    fs::remove_dir(dest.join(".staging"))
}
