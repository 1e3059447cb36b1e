//! Whether the user has implemented a handler: compares each handler class of
//! a rendered scaffold with the same class in the file on disk, so the tests
//! stage can render a real handler test once the scaffold has been replaced.

use std::collections::BTreeSet;
use std::path::Path;

use super::{GeneratedFile, Ownership};

/// What the tests stage knows about the package already on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestOptions {
    /// Handler classes whose code on disk is no longer the rendered scaffold.
    /// The others (scaffold unchanged, file or class missing) get a strict
    /// xfail test; these get a test that calls `handle` for real.
    pub implemented: BTreeSet<String>,
}

impl TestOptions {
    /// Compares every handler scaffold among `files` (the rendered files of one
    /// package; other files are ignored) with what `read` returns for the same
    /// package-relative path: `None` when the file does not exist yet.
    pub fn from_disk(
        files: &[GeneratedFile],
        mut read: impl FnMut(&Path) -> Option<Vec<u8>>,
    ) -> Self {
        let mut implemented = BTreeSet::new();
        for f in files.iter().filter(|f| f.ownership == Ownership::Scaffold) {
            let Some(bytes) = read(&f.path) else {
                continue;
            };
            let on_disk = String::from_utf8_lossy(&bytes);
            implemented.extend(changed_classes(&f.contents, &on_disk));
        }
        TestOptions { implemented }
    }
}

/// Classes of the rendered scaffold whose block differs on disk. The header
/// comments and imports may differ (a contract path named another way, models
/// added later) without the handler being touched, so only the class bodies
/// count; a class the user removed or renamed counts as not implemented.
pub fn changed_classes(rendered: &str, on_disk: &str) -> Vec<String> {
    let mut changed = Vec::new();
    for name in class_names(rendered) {
        let (Some(ours), Some(theirs)) =
            (class_block(rendered, &name), class_block(on_disk, &name))
        else {
            continue;
        };
        if ours != theirs {
            changed.push(name);
        }
    }
    changed
}

fn class_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("class "))
        .filter_map(|rest| {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            (end > 0).then(|| rest[..end].to_owned())
        })
        .collect()
}

/// The lines of top-level class `name`, up to the next top-level statement,
/// trailing whitespace and blank lines dropped.
fn class_block(text: &str, name: &str) -> Option<Vec<String>> {
    let mut lines = text.lines();
    lines.find(|l| {
        l.strip_prefix("class ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with([':', '(', ' ']))
    })?;
    let mut block: Vec<String> = lines
        .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']))
        .map(|l| l.trim_end().to_owned())
        .collect();
    while block.last().is_some_and(String::is_empty) {
        block.pop();
    }
    Some(block)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    const SCAFFOLD: &str = "# header\n\"\"\"Doc.\"\"\"\n\nclass HandlerA:\n    \"\"\"A.\"\"\"\n\n    async def handle(self, request: object) -> object:\n        raise NotImplementedError(\"a\")\n\n\nclass HandlerB:\n    async def handle(self, request: object) -> object:\n        raise NotImplementedError(\"b\")\n\n\n__all__ = [\"HandlerA\", \"HandlerB\"]\n";

    fn scaffold() -> Vec<GeneratedFile> {
        vec![
            GeneratedFile {
                path: PathBuf::from("handlers/handler_a.py"),
                contents: SCAFFOLD.into(),
                ownership: Ownership::Scaffold,
            },
            GeneratedFile {
                path: PathBuf::from("node.py"),
                contents: "x = 1\n".into(),
                ownership: Ownership::Generated,
            },
        ]
    }

    #[test]
    fn a_missing_or_untouched_scaffold_is_not_implemented() {
        assert!(
            TestOptions::from_disk(&scaffold(), |_| None)
                .implemented
                .is_empty()
        );
        let same = |_: &Path| Some(SCAFFOLD.as_bytes().to_vec());
        assert!(
            TestOptions::from_disk(&scaffold(), same)
                .implemented
                .is_empty()
        );
        let other_header = SCAFFOLD
            .replace("# header", "# another header\nimport os")
            .replace('\n', "\r\n");
        let read = |_: &Path| Some(other_header.clone().into_bytes());
        assert!(
            TestOptions::from_disk(&scaffold(), read)
                .implemented
                .is_empty()
        );
    }

    #[test]
    fn each_class_counts_on_its_own() {
        let edited = SCAFFOLD.replace("raise NotImplementedError(\"b\")", "return request");
        let mut asked = Vec::new();
        let options = TestOptions::from_disk(&scaffold(), |p| {
            asked.push(p.to_path_buf());
            Some(edited.clone().into_bytes())
        });
        assert_eq!(asked, [PathBuf::from("handlers/handler_a.py")]);
        assert_eq!(
            options.implemented.into_iter().collect::<Vec<_>>(),
            ["HandlerB"]
        );
    }

    #[test]
    fn a_removed_class_and_odd_bytes_do_not_panic() {
        let removed = SCAFFOLD.split("class HandlerB").next().unwrap_or_default();
        assert!(changed_classes(SCAFFOLD, removed).is_empty());
        let bytes = vec![0xff, 0xfe, b'\n', b'c', b'l'];
        let options = TestOptions::from_disk(&scaffold(), |_| Some(bytes.clone()));
        assert!(options.implemented.is_empty());
        assert_eq!(class_names("class :\nclass X(Base):\n"), ["X"]);
    }
}
