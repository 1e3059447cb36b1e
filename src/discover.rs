//! Finding the contract files a command was given: files as named,
//! directories searched recursively for `*.yaml` / `*.yml`, hidden entries skipped.
//! Also reading input files safely: a FIFO, socket or device is refused, never
//! opened for reading (opening a FIFO waits for a writer).

use std::fs;
use std::io::Read as _;
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
            Ok(meta) => match special_kind(&meta) {
                Some(kind) => problems.push(refused(path, kind)),
                None => files.push(tidy(path)),
            },
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
            Ok(_) if is_contract_name(&path) => match fs::metadata(&path) {
                Ok(meta) => match special_kind(&meta) {
                    Some(kind) => problems.push(refused(&path, kind)),
                    None => found.push(path),
                },
                // A dangling link: reading it reports the problem.
                Err(_) => found.push(path),
            },
            _ => {}
        }
    }
}

/// What a file that is neither a regular file nor a directory is: `FIFO`, `socket`,
/// `block device`, `character device`; `None` for regular files and directories.
pub fn special_kind(meta: &fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("FIFO");
        }
        if kind.is_socket() {
            return Some("socket");
        }
        if kind.is_block_device() {
            return Some("block device");
        }
        if kind.is_char_device() {
            return Some("character device");
        }
    }
    Some("special file")
}

/// The error for a special file: it is never opened.
pub fn refused(path: &Path, kind: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        format!("not a regular file (a {kind}): refused, not read"),
    )
    .with_help("name regular files, or directories that hold them")
}

/// Opens `path` for reading if it is a regular file. A special file is an error of kind
/// `InvalidInput` naming what it is; it is opened without blocking, so a FIFO swapped in after
/// the check is refused too, not waited on.
pub fn open_regular(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed());
    }
    #[cfg(not(target_os = "linux"))]
    if let Some(kind) = fs::metadata(path).ok().as_ref().and_then(special_kind) {
        return Err(not_regular(kind));
    }
    let file = options.open(path)?;
    if let Some(kind) = special_kind(&file.metadata()?) {
        return Err(not_regular(kind));
    }
    Ok(file)
}

/// The bytes of `path`, a regular file (see [`open_regular`]).
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn not_regular(kind: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("not a regular file (a {kind}): refused, not read"),
    )
}

fn is_contract_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// `./a/b.yaml` → `a/b.yaml`: paths are shown and recorded as the user would write them.
/// `.` itself stays `.`, never the empty path; `validate`'s walk uses it too.
pub(crate) fn tidy(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_drops_a_leading_dot_but_never_empties_a_path() {
        assert_eq!(tidy(Path::new("./a/b.yaml")), Path::new("a/b.yaml"));
        assert_eq!(tidy(Path::new(".")), Path::new("."));
        assert_eq!(tidy(Path::new("./")), Path::new("./"));
        assert_eq!(tidy(Path::new(".hidden/x")), Path::new(".hidden/x"));
        assert_eq!(tidy(Path::new("/abs/x")), Path::new("/abs/x"));
    }

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
