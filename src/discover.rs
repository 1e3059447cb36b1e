//! Finding the contract files a command was given: files as named,
//! directories searched recursively for `*.yaml` / `*.yml`, hidden entries skipped.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The contract files under `paths`, in a stable order, each once; unreadable
/// or missing paths become diagnostics.
pub fn contract_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut found = Vec::new();
                walk(path, &mut found, &mut problems);
                found.sort();
                if found.is_empty() {
                    problems.push(
                        Diagnostic::error(
                            path,
                            "no contract files (*.yaml, *.yml) in this directory",
                        )
                        .with_help("name contract files or a directory that holds them"),
                    );
                }
                files.extend(found);
            }
            Ok(_) => files.push(tidy(path)),
            Err(e) => problems.push(
                Diagnostic::error(path, format!("cannot read: {e}"))
                    .with_help("check the path and its permissions"),
            ),
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    (files, problems)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Diagnostic::error(
                dir,
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = tidy(&entry.path());
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, found, problems),
            Ok(_) if is_contract_name(&path) => found.push(path),
            _ => {}
        }
    }
}

fn is_contract_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// `./a/b.yaml` → `a/b.yaml`: paths are shown and recorded as the user would write them.
fn tidy(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_expand_recursively_in_a_stable_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/nested")).unwrap();
        fs::create_dir_all(root.join(".hidden")).unwrap();
        for f in [
            "b/z.yaml",
            "b/a.yml",
            "b/nested/c.yaml",
            "b/readme.md",
            ".hidden/x.yaml",
        ] {
            fs::write(root.join(f), "").unwrap();
        }
        let (files, problems) = contract_files(&[root.join("b"), root.join("b/z.yaml")]);
        assert!(problems.is_empty());
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            [
                PathBuf::from("b/a.yml"),
                PathBuf::from("b/nested/c.yaml"),
                PathBuf::from("b/z.yaml")
            ]
        );
    }

    #[test]
    fn missing_paths_and_empty_directories_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (files, problems) =
            contract_files(&[dir.path().join("nope.yaml"), dir.path().to_path_buf()]);
        assert!(files.is_empty());
        assert_eq!(problems.len(), 2);
    }
}
