//! Nothing outside the package it owns: a manifest, the index and the disk
//! are untrusted, so entries with absolute paths or `..`, and links where a
//! package, a directory of it or a file of it should be, are refused in every
//! mode (`--prune`, a plain run, `--force`, `--check`, `--dry-run`), and every
//! file outside the package keeps its bytes and its inode.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, symlink};
use std::path::{Path, PathBuf};
use std::process::Output;

use codegen::digest::sha256_hex as hex;

use crate::common::{codegen, repo, stderr, stdout};

/// The package the attacks aim at, and a bystander generated beside it.
const TARGET: &str = "node_invoice_total_compute";
const BYSTANDER: &str = "node_session_state_reducer";

/// Every mode a run can be in (and a dry run of `--prune`).
const MODES: [&[&str]; 6] = [
    &["--prune"],
    &[],
    &["--force"],
    &["--check"],
    &["--dry-run"],
    &["--dry-run", "--prune"],
];

/// A working tree: `work/c/` with two contracts, `work/out/` generated from
/// them, and `outside/` holding files no run may touch.
struct Scene {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
    out: PathBuf,
    outside: PathBuf,
}

impl Scene {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let work = root.join("work");
        let out = work.join("out");
        let outside = root.join("outside");
        fs::create_dir_all(work.join("c")).unwrap();
        for name in [TARGET, BYSTANDER] {
            fs::copy(
                repo().join("contracts").join(format!("{name}.yaml")),
                work.join("c").join(format!("{name}.yaml")),
            )
            .unwrap();
        }
        fs::create_dir_all(outside.join("deep/er")).unwrap();
        fs::write(outside.join("victim.txt"), "victim\n").unwrap();
        fs::write(outside.join("deep/er/victim.txt"), "deeper victim\n").unwrap();
        let scene = Self {
            _tmp: tmp,
            root,
            work,
            out,
            outside,
        };
        let first = scene.run(&[]);
        assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
        // A file of the output directory that belongs to no package.
        fs::write(scene.out.join("notes.txt"), "mine\n").unwrap();
        scene
    }

    fn package(&self) -> PathBuf {
        self.out.join(TARGET)
    }

    fn manifest(&self) -> PathBuf {
        self.package().join(".codegen-manifest.json")
    }

    /// `codegen generate c -o out EXTRA...` in `work/`.
    fn run(&self, extra: &[&str]) -> Output {
        let mut args = vec!["generate", "c", "-o", "out"];
        args.extend_from_slice(extra);
        codegen(&self.work, &args)
    }

    /// Makes the target an orphan: its contract is gone.
    fn orphan(&self) {
        fs::remove_file(self.work.join("c").join(format!("{TARGET}.yaml"))).unwrap();
    }

    /// Adds `entries` to the target's manifest, each recorded with the hash
    /// of the bytes it points at, so that a run believing the manifest would
    /// take the file for its own.
    fn plant_entries(&self, entries: &[(&str, &Path)]) {
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(self.manifest()).unwrap()).unwrap();
        for (key, points_at) in entries {
            let hash = hex(&fs::read(points_at).unwrap());
            manifest["files"][*key] = serde_json::json!({"hash": hash, "owner": "generated"});
        }
        fs::write(
            self.manifest(),
            serde_json::to_string_pretty(&manifest).unwrap(),
        )
        .unwrap();
    }

    /// Moves `rel` of the target package to `outside/<as>` and leaves a link to it.
    fn link_out(&self, rel: &str, as_name: &str) -> PathBuf {
        let inside = if rel.is_empty() {
            self.package()
        } else {
            self.package().join(rel)
        };
        let moved = self.outside.join(as_name);
        copy_tree(&inside, &moved);
        if inside.is_dir() {
            fs::remove_dir_all(&inside).unwrap();
        } else {
            fs::remove_file(&inside).unwrap();
        }
        symlink(&moved, &inside).unwrap();
        moved
    }
}

/// `rel` of the target package as the run names it (`-o out` from `work/`).
fn shown(rel: &str) -> String {
    let package = Path::new("out").join(TARGET);
    if rel.is_empty() {
        package.display().to_string()
    } else {
        package.join(rel).display().to_string()
    }
}

/// What a path is, never following a link: a file's inode and bytes, a link's target.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(u64, Vec<u8>),
    Link(PathBuf),
}

/// Every entry under `root` except the run's own `.codegen`, without following links.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == ".codegen") {
                continue;
            }
            let meta = fs::symlink_metadata(&path).unwrap();
            let seen = if meta.file_type().is_symlink() {
                Entry::Link(fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Entry::Dir
            } else {
                Entry::File(meta.ino(), fs::read(&path).unwrap())
            };
            found.insert(path.strip_prefix(root).unwrap().to_path_buf(), seen);
        }
    }
    found
}

fn without_bystander(mut entries: BTreeMap<PathBuf, Entry>) -> BTreeMap<PathBuf, Entry> {
    let bystander = Path::new("work/out").join(BYSTANDER);
    entries.retain(|path, _| !path.starts_with(&bystander));
    entries
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap().map(Result::unwrap) {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

/// Whether a run in `mode` has to look inside the attacked package: always
/// when a contract still produces it, and only to prune it when it is an
/// orphan (otherwise it is listed or warned about, and never opened).
fn looks_inside(orphan: bool, mode: &[&str]) -> bool {
    !orphan || mode.contains(&"--prune")
}

/// Runs every mode on a fresh scene made by `attack`, and checks that each
/// run that meets the attack (every run when `always`, else those that
/// [`looks_inside`] the package) exits 2 with `expected` in its errors, and
/// that every run leaves every entry of the whole tree (the attacked package
/// included) as it was.
fn in_every_mode(orphan: bool, always: bool, attack: impl Fn(&Scene), expected: &str) {
    for mode in MODES {
        let scene = Scene::new();
        attack(&scene);
        if orphan {
            scene.orphan();
        }
        let before = snapshot(&scene.root);
        let output = scene.run(mode);
        let shown = format!("mode {mode:?}:\n{}{}", stdout(&output), stderr(&output));
        if always || looks_inside(orphan, mode) {
            assert_eq!(output.status.code(), Some(2), "{shown}");
            assert!(stderr(&output).contains(expected), "{shown}");
            // Nor does a dry run promise what the real run would refuse.
            assert!(!stdout(&output).contains("delete "), "{shown}");
        } else {
            assert!(!stderr(&output).contains("error"), "{shown}");
        }
        let after = snapshot(&scene.root);
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        assert!(changed.is_empty(), "{shown}\nchanged: {changed:?}");
    }
}

/// Entries at several depths out of the package, and one absolute.
fn plant_escapes(scene: &Scene) {
    let victim = scene.outside.join("victim.txt");
    let deeper = scene.outside.join("deep/er/victim.txt");
    let notes = scene.out.join("notes.txt");
    let absolute = victim.display().to_string();
    scene.plant_entries(&[
        ("../notes.txt", &notes),
        ("../../../outside/victim.txt", &victim),
        ("models/../../../../outside/deep/er/victim.txt", &deeper),
        (absolute.as_str(), &victim),
    ]);
}

#[test]
fn manifest_entries_outside_the_package_are_refused_and_touch_nothing() {
    for orphan in [false, true] {
        // Located: the manifest, then the line and column of the first bad key.
        let located = format!("{}:", shown(".codegen-manifest.json"));
        in_every_mode(orphan, true, plant_escapes, &located);
    }
}

#[test]
fn each_kind_of_escaping_entry_is_named_with_its_key() {
    // `{outside}` stands for the absolute path of `outside/`.
    let cases = [
        ("absolute", "{outside}/victim.txt"),
        ("dotdot", "../../../outside/victim.txt"),
        ("inner dotdot", "models/../../../../outside/victim.txt"),
        ("dot", "./node.py"),
    ];
    for (what, key) in cases {
        let scene = Scene::new();
        let key = key.replace("{outside}", &scene.outside.display().to_string());
        scene.plant_entries(&[(key.as_str(), &scene.outside.join("victim.txt"))]);
        // The bystander lost a file: it is regenerated while the target is refused.
        let restored = scene.out.join(BYSTANDER).join("entry_points.toml");
        fs::remove_file(&restored).unwrap();
        let before = without_bystander(snapshot(&scene.root));
        let output = scene.run(&["--prune"]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains(&format!("the `files` entry {key:?} is")),
            "{what}: {err}"
        );
        assert!(
            err.contains("leaves this package untouched"),
            "{what}: {err}"
        );
        assert!(
            err.contains(&format!("{}:", shown(".codegen-manifest.json"))),
            "{what}: {err}"
        );
        assert!(restored.is_file(), "{what}: other packages proceed\n{err}");
        assert_eq!(without_bystander(snapshot(&scene.root)), before, "{what}");
    }
}

#[test]
fn a_package_directory_that_is_a_link_is_refused() {
    for orphan in [false, true] {
        in_every_mode(
            orphan,
            true,
            |scene| {
                scene.link_out("", "package_copy");
            },
            &format!("{}: error: is a symbolic link", shown("")),
        );
    }
}

#[test]
fn a_subdirectory_that_is_a_link_is_refused() {
    for orphan in [false, true] {
        in_every_mode(
            orphan,
            false,
            |scene| {
                scene.link_out("models", "models_copy");
            },
            &format!("{}: error: is a symbolic link", shown("models")),
        );
    }
}

#[test]
fn a_file_that_is_a_link_is_refused() {
    for orphan in [false, true] {
        in_every_mode(
            orphan,
            false,
            |scene| {
                scene.link_out("node.py", "node_copy.py");
            },
            &format!("{}: error: is a symbolic link", shown("node.py")),
        );
    }
}

#[test]
fn a_manifest_that_is_a_link_is_refused() {
    for orphan in [false, true] {
        in_every_mode(
            orphan,
            true,
            |scene| {
                scene.link_out(".codegen-manifest.json", "manifest_copy.json");
            },
            &format!(
                "{}: error: is a symbolic link",
                shown(".codegen-manifest.json")
            ),
        );
    }
}

#[test]
fn the_state_directory_that_is_a_link_stops_a_writing_run() {
    for mode in MODES {
        let scene = Scene::new();
        let state = scene.out.join(".codegen");
        let elsewhere = scene.outside.join("state");
        fs::create_dir_all(elsewhere.join("staging/keep")).unwrap();
        fs::write(elsewhere.join("staging/keep/file"), "keep\n").unwrap();
        fs::write(elsewhere.join("index.json"), "{}\n").unwrap();
        fs::remove_dir_all(&state).unwrap();
        symlink(&elsewhere, &state).unwrap();
        let before = snapshot(&scene.root);
        let outside_before = snapshot(&elsewhere);
        let output = scene.run(mode);
        let err = stderr(&output);
        if mode.contains(&"--check") || mode.contains(&"--dry-run") {
            // Nothing is written; the index behind the link is not read.
            assert!(err.contains("is a symbolic link"), "{mode:?}: {err}");
        } else {
            assert_eq!(output.status.code(), Some(2), "{mode:?}: {err}");
            assert!(
                err.contains("out/.codegen: error: is a symbolic link"),
                "{mode:?}: {err}"
            );
        }
        assert_eq!(snapshot(&scene.root), before, "{mode:?}");
        assert_eq!(snapshot(&elsewhere), outside_before, "{mode:?}");
    }
}

#[test]
fn an_index_entry_that_is_no_package_name_is_ignored_with_a_warning() {
    let scene = Scene::new();
    let index = scene.out.join(".codegen/index.json");
    let mut entries: BTreeMap<String, String> =
        serde_json::from_slice(&fs::read(&index).unwrap()).unwrap();
    let reference = format!("../c/{TARGET}.yaml");
    assert!(entries.contains_key(&reference), "{entries:?}");
    entries.insert(reference, "../../outside".to_owned());
    fs::write(&index, serde_json::to_string(&entries).unwrap()).unwrap();
    let before = snapshot(&scene.root);
    let output = scene.run(&["--check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("names \"../../outside\", which is not a single directory name"),
        "{err}"
    );
    assert_eq!(snapshot(&scene.root), before);
    // A writing run replaces the index with one that holds only package names.
    let output = scene.run(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rewritten = fs::read_to_string(&index).unwrap();
    assert!(!rewritten.contains("outside"), "{rewritten}");
    assert_eq!(
        snapshot(&scene.outside),
        before
            .into_iter()
            .filter_map(|(k, v)| k.strip_prefix("outside").ok().map(|k| (k.to_path_buf(), v)))
            .filter(|(k, _)| !k.as_os_str().is_empty())
            .collect()
    );
}

#[test]
fn a_fifo_where_a_generated_file_belongs_is_refused_not_read() {
    let scene = Scene::new();
    let node = scene.package().join("node.py");
    fs::remove_file(&node).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&node)
        .status()
        .unwrap();
    assert!(made.success());
    for mode in MODES {
        let output = scene.run(mode);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{mode:?}: {err}");
        assert!(
            err.contains(&format!("{}: error: is a FIFO", shown("node.py"))),
            "{mode:?}: {err}"
        );
        assert!(fs::symlink_metadata(&node).unwrap().file_type().is_fifo());
    }
}
