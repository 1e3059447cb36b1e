//! The floor of `make bench`: the least work that produces codegen's output.
//! `floor pack TREE BUNDLE` (untimed) packs a finished output tree into one
//! file; `floor BUNDLE DEST_DIR` (timed) reads that one file and writes the
//! same bytes into the same layout under a new directory, each package
//! atomically as codegen does (written whole into a staging directory, then
//! renamed into place), spread over every core. Nothing is parsed, rendered or
//! checked, and getting the bytes costs one read, so its time is what the disk
//! and the kernel cost for this many files.
//!
//! Bundle format: per file, the path's length (u32 LE), the path relative to
//! the tree, the contents' length (u64 LE), the contents; files of one package
//! (the path's first component) are consecutive.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One package: its directory name, its subdirectories, and every file as (relative path, bytes).
struct Package<'a> {
    name: &'a str,
    dirs: Vec<&'a str>,
    files: Vec<(&'a str, &'a [u8])>,
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, files)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            files.push((rel.to_string_lossy().into_owned(), fs::read(&path)?));
        }
    }
    Ok(())
}

fn pack(tree: &Path, bundle: &Path) -> std::io::Result<()> {
    let mut out = Vec::new();
    let mut packages: Vec<_> = fs::read_dir(tree)?.collect::<Result<_, _>>()?;
    packages.sort_by_key(fs::DirEntry::file_name);
    for entry in packages {
        if !entry.file_type()?.is_dir() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let mut files = Vec::new();
        collect(tree, &entry.path(), &mut files)?;
        for (path, bytes) in files {
            let len = u32::try_from(path.len()).map_err(std::io::Error::other)?;
            out.extend(len.to_le_bytes());
            out.extend(path.as_bytes());
            out.extend((bytes.len() as u64).to_le_bytes());
            out.extend(bytes);
        }
    }
    fs::write(bundle, out)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> std::io::Result<&'a [u8]> {
    if bytes.len() < n {
        return Err(std::io::Error::other("truncated bundle"));
    }
    let (head, tail) = bytes.split_at(n);
    *bytes = tail;
    Ok(head)
}

fn unpack(mut bytes: &[u8]) -> std::io::Result<Vec<Package<'_>>> {
    let mut packages: Vec<Package> = Vec::new();
    while !bytes.is_empty() {
        let len = u32::from_le_bytes(
            take(&mut bytes, 4)?
                .try_into()
                .map_err(std::io::Error::other)?,
        );
        let path =
            std::str::from_utf8(take(&mut bytes, len as usize)?).map_err(std::io::Error::other)?;
        let size = u64::from_le_bytes(
            take(&mut bytes, 8)?
                .try_into()
                .map_err(std::io::Error::other)?,
        );
        let contents = take(
            &mut bytes,
            usize::try_from(size).map_err(std::io::Error::other)?,
        )?;
        let (name, rel) = path
            .split_once('/')
            .ok_or_else(|| std::io::Error::other("path outside a package"))?;
        if packages.last().is_none_or(|p| p.name != name) {
            packages.push(Package {
                name,
                dirs: Vec::new(),
                files: Vec::new(),
            });
        }
        let package = packages.last_mut().expect("pushed above");
        if let Some((dir, _)) = rel.rsplit_once('/')
            && !package.dirs.contains(&dir)
        {
            package.dirs.push(dir);
        }
        package.files.push((rel, contents));
    }
    Ok(packages)
}

fn write_package(dest: &Path, package: &Package) -> std::io::Result<()> {
    let staging = dest.join(".staging").join(package.name);
    fs::create_dir(&staging)?;
    for dir in &package.dirs {
        fs::create_dir_all(staging.join(dir))?;
    }
    for (rel, bytes) in &package.files {
        fs::write(staging.join(rel), bytes)?;
    }
    fs::rename(&staging, dest.join(package.name))
}

fn main() -> std::io::Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    match args.as_slice() {
        [command, tree, bundle] if command.as_os_str() == "pack" => return pack(tree, bundle),
        [_, _] => {}
        _ => {
            eprintln!("usage: floor pack TREE BUNDLE | floor BUNDLE DEST_DIR");
            std::process::exit(2);
        }
    }
    let (bundle, dest) = (&args[0], &args[1]);
    let start = std::time::Instant::now();
    let bytes = fs::read(bundle)?;
    let packages = unpack(&bytes)?;
    let loaded = start.elapsed();
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
                        write_package(dest, package)?;
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("worker panicked")))
        })
    })?;
    fs::remove_dir(dest.join(".staging"))?;
    eprintln!(
        "floor: read the bundle in {:.1} ms, wrote {} packages in {:.1} ms",
        loaded.as_secs_f64() * 1e3,
        packages.len(),
        start.elapsed().saturating_sub(loaded).as_secs_f64() * 1e3
    );
    Ok(())
}
