//! Our Python syntax verdict against `CPython` 3.12's own, over every `.py` file
//! of its standard library and of the test venv's site-packages: every file
//! `CPython` compiles is accepted, every file it rejects is rejected, on
//! `CPython`'s line.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{python, repo, run_ok};

#[test]
fn the_syntax_verdict_agrees_with_cpython_on_the_stdlib_and_site_packages() {
    let py = python();
    let roots = run_ok(
        &repo(),
        &py,
        &[
            "-c",
            "import sysconfig; p = sysconfig.get_paths(); print(p['stdlib']); print(p['purelib'])",
        ],
    );
    let mut args = vec![
        repo()
            .join("tests/fixtures/python/corpus_verdicts.py")
            .display()
            .to_string(),
    ];
    args.extend(roots.lines().map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let verdicts = run_ok(&repo(), &py, &args);

    let (mut files, mut valid, mut invalid) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut elapsed = Duration::ZERO;
    for row in verdicts.lines() {
        let (expected_line, path) = match row.split('\t').collect::<Vec<_>>().as_slice() {
            ["ok", path] => (None, *path),
            ["err", line, path] => (Some(line.parse::<usize>().unwrap_or(0)), *path),
            _ => continue,
        };
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        files += 1;
        let started = Instant::now();
        let found = codegen::lint::check_bytes(Path::new(path), &bytes);
        elapsed += started.elapsed();
        let ours = found.iter().find(|d| d.is_error());
        match (expected_line, ours) {
            (None, None) => valid += 1,
            (None, Some(d)) => disagreements.push(format!("valid file rejected: {}", d.headline())),
            (Some(_), None) => disagreements.push(format!("invalid file accepted: {path}")),
            (Some(line), Some(d)) => {
                invalid += 1;
                if line != 0 && d.position.map(|p| p.line) != Some(line) {
                    disagreements.push(format!("CPython says line {line}: {}", d.headline()));
                }
            }
        }
    }
    let per_second =
        f64::from(u32::try_from(files).unwrap_or(u32::MAX)) / elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "{files} files: {valid} valid, {invalid} invalid, {} disagreements; {per_second:.0} files/s (this build)",
        disagreements.len()
    );
    assert!(files > 3_000, "the corpus is too small: {files} files");
    assert!(
        invalid > 0,
        "the corpus has files CPython rejects (lib2to3 and test data)"
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
