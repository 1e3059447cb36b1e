//! Planning and committing packages on a real file system.

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use super::*;
use crate::render::{GeneratedFile, Ownership};

fn file(path: &str, contents: &str, ownership: Ownership) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(path),
        contents: contents.to_owned(),
        ownership,
        fallback: None,
    }
}

fn manifest() -> PackageManifest {
    PackageManifest {
        contract: "../c.yaml".into(),
        contract_hash: "c".into(),
        template_hash: "t".into(),
        tool_version: "v".into(),
        files: std::collections::BTreeMap::new(),
    }
}

fn run(out: &Path, files: &[GeneratedFile], options: PlanOptions) -> PackagePlan {
    let p = plan(&out.join("node_x"), files.to_vec(), manifest(), options).unwrap();
    commit(out, &p, &mut super::IoRetries::default()).unwrap();
    p
}

fn actions(p: &PackagePlan) -> Vec<(String, FileAction)> {
    p.files
        .iter()
        .map(|f| (f.path.display().to_string(), f.action))
        .collect()
}

#[test]
fn first_run_creates_then_nothing_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        file("node.py", "a\n", Ownership::Generated),
        file("handlers/h.py", "scaffold\n", Ownership::Scaffold),
    ];
    let first = run(dir.path(), &files, PlanOptions::default());
    assert!(first.files.iter().all(|f| f.action == FileAction::Created));
    let pkg = dir.path().join("node_x");
    let inode = fs::metadata(pkg.join("node.py")).unwrap().ino();
    let second = plan(&pkg, files.to_vec(), manifest(), PlanOptions::default()).unwrap();
    assert_eq!(
        actions(&second),
        [
            ("node.py".into(), FileAction::Unchanged),
            ("handlers/h.py".into(), FileAction::Kept)
        ]
    );
    assert!(!second.changes_disk());
    commit(dir.path(), &second, &mut super::IoRetries::default()).unwrap();
    assert_eq!(fs::metadata(pkg.join("node.py")).unwrap().ino(), inode);
}

#[test]
fn an_update_keeps_unchanged_files_and_user_files_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("node_x");
    run(
        dir.path(),
        &[
            file("a.py", "a\n", Ownership::Generated),
            file("b.py", "b\n", Ownership::Generated),
            file("h.py", "scaffold\n", Ownership::Scaffold),
        ],
        PlanOptions::default(),
    );
    fs::write(pkg.join("h.py"), "implemented\n").unwrap();
    fs::create_dir_all(pkg.join("registry")).unwrap();
    fs::write(pkg.join("registry/mine.py"), "mine\n").unwrap();
    let a_inode = fs::metadata(pkg.join("a.py")).unwrap().ino();
    let p = run(
        dir.path(),
        &[
            file("a.py", "a\n", Ownership::Generated),
            file("b.py", "b2\n", Ownership::Generated),
            file("h.py", "scaffold\n", Ownership::Scaffold),
        ],
        PlanOptions::default(),
    );
    assert_eq!(
        actions(&p),
        [
            ("a.py".into(), FileAction::Unchanged),
            ("b.py".into(), FileAction::Updated),
            ("h.py".into(), FileAction::Kept)
        ]
    );
    assert_eq!(fs::read_to_string(pkg.join("b.py")).unwrap(), "b2\n");
    assert_eq!(
        fs::read_to_string(pkg.join("h.py")).unwrap(),
        "implemented\n"
    );
    assert_eq!(
        fs::read_to_string(pkg.join("registry/mine.py")).unwrap(),
        "mine\n"
    );
    assert_eq!(fs::metadata(pkg.join("a.py")).unwrap().ino(), a_inode);
    // Nothing is left in staging but this run's (empty) directory.
    let staging = dir.path().join(".codegen/staging");
    for entry in staging.read_dir().unwrap() {
        assert!(entry.unwrap().path().read_dir().unwrap().next().is_none());
    }
}

#[test]
fn a_hand_edit_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("node_x");
    run(
        dir.path(),
        &[file("a.py", "a\n", Ownership::Generated)],
        PlanOptions::default(),
    );
    fs::write(pkg.join("a.py"), "edited\n").unwrap();
    let files = [file("a.py", "a2\n", Ownership::Generated)];
    let refused = run(dir.path(), &files, PlanOptions::default());
    assert_eq!(actions(&refused), [("a.py".into(), FileAction::HandEdited)]);
    assert_eq!(fs::read_to_string(pkg.join("a.py")).unwrap(), "edited\n");
    let forced = run(
        dir.path(),
        &files,
        PlanOptions {
            force: true,
            prune: false,
        },
    );
    assert_eq!(actions(&forced), [("a.py".into(), FileAction::Updated)]);
    assert_eq!(fs::read_to_string(pkg.join("a.py")).unwrap(), "a2\n");
}

#[test]
fn an_unrecorded_existing_file_counts_as_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("node_x");
    fs::create_dir_all(&pkg).unwrap();
    fs::write(pkg.join("a.py"), "someone's\n").unwrap();
    let p = run(
        dir.path(),
        &[file("a.py", "a\n", Ownership::Generated)],
        PlanOptions::default(),
    );
    assert_eq!(actions(&p), [("a.py".into(), FileAction::HandEdited)]);
    assert_eq!(fs::read_to_string(pkg.join("a.py")).unwrap(), "someone's\n");
}

#[test]
fn stale_files_stay_until_pruned_and_edited_ones_stay_always() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("node_x");
    run(
        dir.path(),
        &[
            file("a.py", "a\n", Ownership::Generated),
            file("old.py", "old\n", Ownership::Generated),
            file("edited.py", "e\n", Ownership::Generated),
        ],
        PlanOptions::default(),
    );
    fs::write(pkg.join("edited.py"), "mine now\n").unwrap();
    let now = [file("a.py", "a\n", Ownership::Generated)];
    let p = run(dir.path(), &now, PlanOptions::default());
    assert_eq!(
        actions(&p),
        [
            ("a.py".into(), FileAction::Unchanged),
            ("old.py".into(), FileAction::Stale)
        ]
    );
    assert!(pkg.join("old.py").exists());
    let pruned = run(
        dir.path(),
        &now,
        PlanOptions {
            force: false,
            prune: true,
        },
    );
    assert_eq!(
        actions(&pruned),
        [
            ("a.py".into(), FileAction::Unchanged),
            ("old.py".into(), FileAction::Deleted)
        ]
    );
    assert!(!pkg.join("old.py").exists());
    assert_eq!(
        fs::read_to_string(pkg.join("edited.py")).unwrap(),
        "mine now\n"
    );
}

#[test]
fn two_files_with_one_path_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        file("a.py", "one\n", Ownership::Generated),
        file("a.py", "two\n", Ownership::Generated),
    ];
    assert!(matches!(
        plan(
            &dir.path().join("node_x"),
            files.to_vec(),
            manifest(),
            PlanOptions::default()
        ),
        Err(OutputError::DuplicatePath { .. })
    ));
}

#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::write(&out, "").unwrap();
    assert!(matches!(
        prepare_output_dir(&out),
        Err(OutputError::NotADirectory { .. })
    ));
}

#[test]
fn the_lock_admits_one_writer_and_is_free_once_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join(".codegen/lock");
    let held = OutputLock::acquire(dir.path()).unwrap();
    assert_eq!(
        fs::read_to_string(&lock).unwrap(),
        format!("{}\n", std::process::id())
    );
    // A second open of the file is a second writer, even in this process.
    let refused = OutputLock::acquire(dir.path()).unwrap_err();
    assert!(
        matches!(&refused, OutputError::Locked { pid: Some(pid), .. } if *pid == std::process::id()),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("another codegen run (pid "),
        "{refused}"
    );
    drop(held);
    // The file stays, without the pid of a run that is over; what it holds decides nothing.
    assert_eq!(fs::read(&lock).unwrap(), b"");
    for left in [&b""[..], b"garbage\xff\0", b"4294967295\n", b"1\n"] {
        fs::write(&lock, left).unwrap();
        let taken = OutputLock::acquire(dir.path()).unwrap();
        assert_eq!(
            fs::read_to_string(&lock).unwrap(),
            format!("{}\n", std::process::id())
        );
        drop(taken);
    }
    assert_eq!(
        fs::read_dir(dir.path().join(".codegen")).unwrap().count(),
        1
    );
}

#[test]
fn a_lock_that_is_not_a_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join(".codegen/lock");
    fs::create_dir_all(&lock).unwrap();
    assert!(matches!(
        OutputLock::acquire(dir.path()),
        Err(OutputError::NotAFile {
            what: "a directory",
            ..
        })
    ));
    fs::remove_dir(&lock).unwrap();
    let target = dir.path().join("elsewhere");
    fs::write(&target, "theirs\n").unwrap();
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    assert!(matches!(
        OutputLock::acquire(dir.path()),
        Err(OutputError::Symlink { .. })
    ));
    assert_eq!(fs::read_to_string(&target).unwrap(), "theirs\n");
    fs::remove_file(&lock).unwrap();
    // A dangling link is not created through either.
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &lock).unwrap();
    assert!(matches!(
        OutputLock::acquire(dir.path()),
        Err(OutputError::Symlink { .. })
    ));
    assert!(!dir.path().join("nowhere").exists());
    fs::remove_file(&lock).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&lock)
        .status()
        .unwrap();
    assert!(made.success());
    assert!(matches!(
        OutputLock::acquire(dir.path()),
        Err(OutputError::NotAFile { what: "a FIFO", .. })
    ));
}

#[test]
fn contract_references_are_relative_to_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("contracts")).unwrap();
    fs::create_dir_all(dir.path().join("out")).unwrap();
    fs::write(dir.path().join("contracts/a.yaml"), "").unwrap();
    let r = contract_reference(
        &dir.path().join("out"),
        &dir.path().join("contracts/a.yaml"),
    );
    assert_eq!(r, "../contracts/a.yaml");
    assert!(resolve_contract(&dir.path().join("out"), &r).exists());
}
