//! The shape of the source tree, as CONTRIBUTING.md draws it: the top-level
//! modules of `src/` import one another in one direction only (tests aside),
//! and no file holds more than 800 lines of code outside its tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its test module, or `None` for a file that is a
/// test module (`tests.rs`, `*_tests.rs`).
fn code_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return None;
    }
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut code = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        // An inline test module runs to the end of the file in this code base.
        if line.trim() == "#[cfg(test)]"
            && lines[index + 1..]
                .iter()
                .find(|l| !l.trim_start().starts_with("#["))
                .is_some_and(|l| l.starts_with("mod ") && l.ends_with('{'))
        {
            break;
        }
        code.push(line);
        index += 1;
    }
    Some(code.join("\n"))
}

/// The top-level module a file belongs to (`None` for lib.rs and main.rs).
fn top_module(path: &Path) -> Option<String> {
    let first = path.strip_prefix(src()).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?;
    let name = name.strip_suffix(".rs").unwrap_or(name);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// Depth-first search from `at` for a path back to `start`, appended to `path`.
fn cycle_from(
    start: &str,
    at: &str,
    edges: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> bool {
    for next in edges.get(at).into_iter().flatten() {
        if next == start {
            path.push(next.clone());
            return true;
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if cycle_from(start, next, edges, path, seen) {
                return true;
            }
            path.pop();
        }
    }
    false
}

#[test]
fn top_level_modules_import_one_another_in_one_direction() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let (Some(from), Some(code)) = (top_module(file), code_of(file)) else {
            continue;
        };
        let targets = edges.entry(from.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name != from && !name.is_empty() {
                targets.insert(name);
            }
        }
    }
    assert!(edges.len() > 10, "found only {:?}", edges.keys());
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        let mut seen = BTreeSet::new();
        assert!(
            !cycle_from(start, start, &edges, &mut path, &mut seen),
            "import cycle between top-level modules: {}",
            path.join(" → ")
        );
    }
}

#[test]
fn no_source_file_holds_more_than_800_lines_of_code() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = code_of(file)?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "split these by noun (CONTRIBUTING.md, Architecture): {long:?}"
    );
    let main = std::fs::read_to_string(src().join("main.rs")).unwrap();
    assert!(main.lines().count() < 60, "main.rs is for wiring only");
}
