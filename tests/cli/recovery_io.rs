//! The io recovery class of `generate`, against real faults planted in a
//! private mount namespace (`unshare -rm`): a tmpfs that fills up mid-run,
//! and a package directory made a mount point, whose exchange the kernel
//! refuses with `EBUSY`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;
use sha2::{Digest as _, Sha256};

use crate::common::{contracts, stderr};

const MANIFEST: &str = ".codegen-manifest.json";

/// Whether this machine lets a test make its own mount namespace; when not,
/// the test says why and does nothing.
fn namespaces_work() -> bool {
    match Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        .output()
    {
        Ok(output) if output.status.success() => true,
        Ok(output) => {
            eprintln!(
                "skipped: `unshare -rm` cannot mount a tmpfs here: {}",
                stderr(&output).trim()
            );
            false
        }
        Err(e) => {
            eprintln!("skipped: `unshare` cannot run here: {e}");
            false
        }
    }
}

/// Runs the shell `script` in a new user and mount namespace, in `cwd`, with
/// `$CODEGEN` the binary under test.
fn in_namespace(cwd: &Path, script: &str) -> Output {
    Command::new("unshare")
        .args(["-rm", "sh", "-ec", script])
        .current_dir(cwd)
        .env("CODEGEN", cargo_bin("codegen"))
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("run unshare")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The package directories under `out` (those with a manifest), by name.
fn package_dirs(out: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with(".codegen"))
        .collect();
    dirs.sort();
    dirs
}

/// The package at `dir` is whole: it has a manifest, and every file the
/// manifest names is there with the bytes it records. Returns the SHA-256 of
/// the contract it was made from.
fn assert_whole(dir: &Path) -> String {
    let manifest: serde_json::Value = serde_json::from_str(&read(&dir.join(MANIFEST)))
        .unwrap_or_else(|e| panic!("{}: no readable manifest: {e}", dir.display()));
    let files = manifest["files"].as_object().unwrap();
    assert!(files.len() > 3, "{}: {files:?}", dir.display());
    for (rel, entry) in files {
        let bytes = fs::read(dir.join(rel))
            .unwrap_or_else(|e| panic!("{}/{rel}: named by the manifest: {e}", dir.display()));
        assert_eq!(
            sha256(&bytes),
            entry["hash"].as_str().unwrap(),
            "{}/{rel}: not the bytes its manifest records",
            dir.display()
        );
    }
    manifest["contract_hash"].as_str().unwrap().to_owned()
}

/// No file is left in the staging area.
fn assert_no_staging(out: &Path) {
    let staging = out.join(".codegen/staging");
    if staging.is_dir() {
        let left = crate::common::files_under(&staging);
        assert!(left.is_empty(), "left in staging: {left:?}");
    }
}

/// Copies of the example contracts, each with a long description added: its
/// packages grow by several pages a file where the description is written.
fn grown_copies(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    let paragraph = "This node was described again at length for the test. ".repeat(120);
    for entry in fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let text = read(&entry.path());
        // The node's own description, folded or plain, made a folded one
        // that starts with the paragraph.
        let grown: Vec<String> = text
            .lines()
            .map(|line| match line.strip_prefix("description:") {
                Some(rest) if rest.trim() == ">" => format!("description: >\n  {paragraph}"),
                Some(rest) => format!("description: >\n  {paragraph}{}", rest.trim()),
                None => line.to_owned(),
            })
            .collect();
        let grown = grown.join("\n") + "\n";
        assert_ne!(grown, text, "{}: no description", entry.path().display());
        fs::write(to.join(entry.file_name()), grown).unwrap();
    }
}

/// A disk that fills up while packages are rewritten: the package that hit
/// `ENOSPC` stays wholly old and says how much space it needed, every later
/// one is not attempted, nothing half-written is left, the exit status is 1;
/// once the space is freed, a second run writes them all.
#[test]
fn a_full_disk_stops_the_writes_and_leaves_every_package_whole() {
    if !namespaces_work() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    contracts(&root.join("v1"), 12);
    grown_copies(&root.join("v1"), &root.join("v2"));
    fs::create_dir(root.join("disk")).unwrap();
    // The first run writes every package on a roomy tmpfs. A trial run of
    // the grown contracts on a copy says how much room one grown package
    // takes (the largest) and how much the disk fills per package on
    // average; the filler then leaves room for the largest and three more
    // packages' growth, so the disk fills up a few packages in.
    let script = r#"
        mount -t tmpfs -o size=8m tmpfs disk
        set +e
        "$CODEGEN" generate v1 -o disk/out -q -j 1 2> first.err; echo $? > first.rc
        set -e
        avail() { stat -f -c '%a %S' disk | awk '{ print $1 * $2 }'; }
        cp -a disk/out disk/trial
        before=$(avail)
        "$CODEGEN" generate v2 -o disk/trial -q -j 1
        grown=$(( (before - $(avail)) / 12 ))
        largest=$(du -s -B1 disk/trial/*/ | sort -n | tail -n 1 | cut -f 1)
        rm -rf disk/trial
        room=$(( largest + 3 * grown ))
        head -c $(( $(avail) - room )) /dev/zero > disk/filler
        echo "$largest $grown $room $(avail)" > sizes
        set +e
        "$CODEGEN" generate v2 -o disk/out -j 1 > full.out 2> full.err; echo $? > full.rc
        set -e
        cp -a disk/out full
        rm disk/filler
        set +e
        "$CODEGEN" generate v2 -o disk/out -j 1 > freed.out 2> freed.err; echo $? > freed.rc
        set -e
        cp -a disk/out freed
    "#;
    let output = in_namespace(root, script);
    assert!(
        output.status.success(),
        "the script failed: {}",
        stderr(&output)
    );
    assert_eq!(
        read(&root.join("first.rc")).trim(),
        "0",
        "{}",
        read(&root.join("first.err"))
    );
    let sizes = read(&root.join("sizes"));

    // The run that met the full disk.
    let err = read(&root.join("full.err"));
    let context = format!("sizes (largest grown, growth, room, avail): {sizes}\n{err}");
    assert_eq!(read(&root.join("full.rc")).trim(), "1", "{context}");
    let mount = root.join("disk").canonicalize().unwrap();
    let hit = err
        .lines()
        .filter(|l| l.contains("error: cannot write: the disk is full (the package needs "))
        .collect::<Vec<_>>();
    assert_eq!(hit.len(), 1, "one package found the disk full: {context}");
    assert!(
        hit[0].contains(&format!(" available on {})", mount.display()))
            && hit[0].contains("no package was left half-written")
            && hit[0].contains(" bytes; "),
        "{context}"
    );
    // The space it needed is more than was left.
    let number = |text: &str| -> u64 { text.replace(',', "").parse().unwrap() };
    let needs = hit[0].split("the package needs ").nth(1).unwrap();
    let (needed, rest) = needs.split_once(" bytes; ").unwrap();
    let available = rest.split_once(" available").unwrap().0;
    assert!(number(needed) > number(available), "{context}");
    let stopped = err
        .matches("error: not written: the disk is full (a package before it needed ")
        .count();
    assert!(stopped >= 1, "later packages are not attempted: {context}");
    assert!(!err.contains("panicked"), "{context}");

    let hash_of = |dir: &str, file: &Path| sha256(&fs::read(root.join(dir).join(file)).unwrap());
    let full = root.join("full");
    let (mut old, mut new) = (0, 0);
    let packages = package_dirs(&full);
    assert_eq!(packages.len(), 12, "{packages:?}");
    for package in &packages {
        let contract_hash = assert_whole(package);
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&package.join(MANIFEST))).unwrap();
        let contract = Path::new(manifest["contract"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_owned();
        if contract_hash == hash_of("v1", Path::new(&contract)) {
            old += 1;
        } else {
            assert_eq!(contract_hash, hash_of("v2", Path::new(&contract)));
            new += 1;
        }
    }
    assert!(
        // The package that found the disk full is old too.
        new >= 1 && old > stopped,
        "{new} new, {old} old: {context}"
    );
    assert_no_staging(&full);

    // Space freed: the same run writes every package.
    let err = read(&root.join("freed.err"));
    assert_eq!(read(&root.join("freed.rc")).trim(), "0", "{err}");
    let freed = root.join("freed");
    for package in package_dirs(&freed) {
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&package.join(MANIFEST))).unwrap();
        let contract = Path::new(manifest["contract"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_owned();
        assert_eq!(assert_whole(&package), hash_of("v2", Path::new(&contract)));
    }
    assert_no_staging(&freed);
}

/// Makes the one package under `out` a mount point (bound onto itself):
/// the kernel refuses to exchange it with `EBUSY` while the mount stays.
const BIND_PACKAGE: &str = r#"pkg=$(ls -d out/*/ | head -n 1); mount --bind "$pkg" "$pkg""#;

/// A write the kernel keeps refusing with `EBUSY` is retried a handful of
/// times, then fails, naming the error and the retries; the package stays
/// as it was.
#[test]
fn a_busy_package_is_retried_then_left_as_it_was() {
    if !namespaces_work() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    contracts(&root.join("v1"), 1);
    grown_copies(&root.join("v1"), &root.join("v2"));
    let script = format!(
        r#"
        "$CODEGEN" generate v1 -o out -q
        {BIND_PACKAGE}
        set +e
        "$CODEGEN" generate v2 -o out -v > busy.out 2> busy.err; echo $? > busy.rc
        "#
    );
    let output = in_namespace(root, &script);
    assert!(
        output.status.success(),
        "the script failed: {}",
        stderr(&output)
    );
    let err = read(&root.join("busy.err"));
    // A failed write is not bad input, but is not the code's either: exit 2.
    assert_eq!(read(&root.join("busy.rc")).trim(), "2", "{err}");
    assert_eq!(
        err.matches("retrying a transient error").count(),
        4,
        "four retries: {err}"
    );
    assert!(err.contains("EBUSY"), "{err}");
    assert!(
        err.contains("cannot swap the package into place")
            && err.contains("still failing after 4 retries (the package is left as it was)"),
        "{err}"
    );
    let out = root.join("out");
    let packages = package_dirs(&out);
    assert_eq!(packages.len(), 1);
    let v1 = fs::read_dir(root.join("v1"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        assert_whole(&packages[0]),
        sha256(&fs::read(v1.path()).unwrap())
    );
    assert_no_staging(&out);
}

/// The syscall numbers of `nanosleep` and `clock_nanosleep`, where known:
/// a thread sleeping in one of them is waiting for its next attempt.
fn sleep_syscalls() -> Option<&'static str> {
    match std::env::consts::ARCH {
        "x86_64" => Some("35|230"),
        "aarch64" => Some("101|115"),
        _ => None,
    }
}

/// A write refused with `EBUSY` while the mount stays goes through on a later
/// attempt once it is gone: the format command leaves a watcher behind that
/// removes the mount as soon as codegen sleeps before its first retry.
#[test]
fn a_busy_package_goes_through_on_a_retry() {
    if !namespaces_work() {
        return;
    }
    let Some(sleeps) = sleep_syscalls() else {
        eprintln!(
            "skipped: the sleep syscalls of {} are not known",
            std::env::consts::ARCH
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    contracts(&root.join("v1"), 1);
    grown_copies(&root.join("v1"), &root.join("v2"));
    // Run by codegen between staging and the swap: its parent is codegen,
    // whose main thread does the swap.
    let watcher = format!(
        r#"#!/bin/sh
codegen=$PPID
pkg=$(ls -d "$(dirname "$0")"/out/*/ | head -n 1)
(
    i=0
    while [ $i -lt 20000 ]; do
        case "$(cut -d ' ' -f 1 /proc/$codegen/syscall 2>/dev/null)" in
            {sleeps}) break ;;
        esac
        i=$((i + 1))
    done
    umount "$pkg"
) > /dev/null 2>&1 &
"#
    );
    let script_path = root.join("fmt.sh");
    fs::write(&script_path, watcher).unwrap();
    let mut permissions = fs::metadata(&script_path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    fs::set_permissions(&script_path, permissions).unwrap();
    let script = format!(
        r#"
        "$CODEGEN" generate v1 -o out -q
        printf '[generate]\nformat-command = ["./fmt.sh"]\n' > codegen.toml
        {BIND_PACKAGE}
        set +e
        "$CODEGEN" generate v2 -o out -v > retried.out 2> retried.err; echo $? > retried.rc
        "#
    );
    let output = in_namespace(root, &script);
    assert!(
        output.status.success(),
        "the script failed: {}",
        stderr(&output)
    );
    let err = read(&root.join("retried.err"));
    assert_eq!(read(&root.join("retried.rc")).trim(), "0", "{err}");
    let retries = err.matches("retrying a transient error").count();
    assert!((1..=4).contains(&retries), "{err}");
    assert!(err.contains("EBUSY"), "{err}");
    let out = root.join("out");
    let packages = package_dirs(&out);
    assert_eq!(packages.len(), 1);
    let v2 = fs::read_dir(root.join("v2"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        assert_whole(&packages[0]),
        sha256(&fs::read(v2.path()).unwrap())
    );
    assert_no_staging(&out);
}

/// With a format command, packages wait in staging for it: a disk that fills
/// up while they are staged leaves every package wholly old, the ones
/// staged before it included, and nothing in staging.
#[test]
fn a_full_disk_while_packages_wait_for_the_format_command_leaves_them_all_old() {
    if !namespaces_work() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    contracts(&root.join("v1"), 8);
    grown_copies(&root.join("v1"), &root.join("v2"));
    fs::create_dir(root.join("disk")).unwrap();
    let script = r#"
        mount -t tmpfs -o size=8m tmpfs disk
        "$CODEGEN" generate v1 -o disk/out -q -j 1
        avail() { stat -f -c '%a %S' disk | awk '{ print $1 * $2 }'; }
        cp -a disk/out disk/trial
        "$CODEGEN" generate v2 -o disk/trial -q -j 1
        largest=$(du -s -B1 disk/trial/*/ | sort -n | tail -n 1 | cut -f 1)
        rm -rf disk/trial
        head -c $(( $(avail) - 2 * largest )) /dev/zero > disk/filler
        printf '#!/bin/sh\nexit 0\n' > fmt.sh
        chmod +x fmt.sh
        printf '[generate]\nformat-command = ["./fmt.sh"]\n' > codegen.toml
        set +e
        "$CODEGEN" generate v2 -o disk/out -j 1 > full.out 2> full.err; echo $? > full.rc
        set -e
        cp -a disk/out full
    "#;
    let output = in_namespace(root, script);
    assert!(
        output.status.success(),
        "the script failed: {}",
        stderr(&output)
    );
    let err = read(&root.join("full.err"));
    assert_eq!(read(&root.join("full.rc")).trim(), "1", "{err}");
    assert_eq!(
        err.matches("error: cannot write: the disk is full (the package needs ")
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("error: not written: the disk is full (a package before it needed "),
        "{err}"
    );
    let full = root.join("full");
    let packages = package_dirs(&full);
    assert_eq!(packages.len(), 8, "{packages:?}");
    for package in &packages {
        let manifest: serde_json::Value =
            serde_json::from_str(&read(&package.join(MANIFEST))).unwrap();
        let contract = Path::new(manifest["contract"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_owned();
        let v1 = sha256(&fs::read(root.join("v1").join(contract)).unwrap());
        assert_eq!(assert_whole(package), v1, "{}: {err}", package.display());
    }
    assert_no_staging(&full);
}
