//! `--check` is the truth about the disk: after any sequence of edits, it
//! exits 1 exactly when the writing run that follows (same flags) changes a
//! byte under the output directory or refuses to, and it lists exactly the
//! files that run changes. `--dry-run` lists the same files and exits as the
//! write does.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::common::{codegen, files_under, repo, stderr, stdout};

/// The output directory's files and bytes, without the uncommitted state.
fn tree(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    if !out.exists() {
        return BTreeMap::new();
    }
    files_under(out)
        .into_iter()
        .filter(|p| !p.starts_with(".codegen"))
        .map(|p| {
            let bytes = fs::read(out.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Paths (relative to `out`) whose bytes or existence differ.
fn changed(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> BTreeSet<PathBuf> {
    before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .cloned()
        .collect()
}

/// The paths a `--check` or `--dry-run` list names, relative to `out`.
fn listed(stdout: &str, dry_run: bool) -> BTreeSet<PathBuf> {
    stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            // check: `<reason> out/<path>`; dry run: `<action> out/<path> (<reason>)`.
            let at = line
                .find(" out/")
                .unwrap_or_else(|| panic!("no path in {line:?}"));
            let rest = &line[at + 5..];
            let path = if dry_run {
                rest.rsplit_once(" (").map_or(rest, |(p, _)| p)
            } else {
                rest
            };
            PathBuf::from(path)
        })
        .collect()
}

#[derive(Debug, Clone)]
enum Edit {
    /// A new description: the rendered files change.
    Describe(usize, u32),
    /// A comment at the end: the contract's bytes change, maybe nothing else.
    Comment(usize),
    /// A line appended to a generated file: a hand edit.
    Edited(usize),
    /// A generated file deleted.
    Delete(usize),
    /// The template override: a rendered line, or a comment that renders nothing.
    Template(bool),
    /// A contract renamed: its package's manifest names a contract that is gone.
    Rename(usize),
    /// A contract deleted: its package is orphaned.
    Remove(usize),
    /// The manifest as another build of codegen would have left it.
    OtherBuild(usize),
    /// A fresh clone: no `.codegen/`.
    Clone,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..3usize, any::<u32>()).prop_map(|(i, n)| Edit::Describe(i, n)),
        (0..3usize).prop_map(Edit::Comment),
        (0..8usize).prop_map(Edit::Edited),
        (0..8usize).prop_map(Edit::Delete),
        any::<bool>().prop_map(Edit::Template),
        (0..3usize).prop_map(Edit::Rename),
        (0..3usize).prop_map(Edit::Remove),
        (0..3usize).prop_map(Edit::OtherBuild),
        Just(Edit::Clone),
    ]
}

/// The contracts present, in name order.
fn contracts(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(root.join("c"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    found.sort();
    found
}

/// The generated (not scaffold) Python files of the packages, in name order.
fn generated(out: &Path) -> Vec<PathBuf> {
    tree(out)
        .into_keys()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "py")
                && !p.components().any(|c| c.as_os_str() == "handlers")
        })
        .collect()
}

fn apply(root: &Path, edit: &Edit) {
    let out = root.join("out");
    let pick =
        |items: Vec<PathBuf>, i: usize| (!items.is_empty()).then(|| items[i % items.len()].clone());
    match edit {
        Edit::Describe(i, n) => {
            if let Some(c) = pick(contracts(root), *i) {
                let text = fs::read_to_string(&c).unwrap();
                // The top-level description, with its continuation lines.
                let mut lines: Vec<String> = Vec::new();
                let mut inside = false;
                for line in text.lines() {
                    if line.starts_with("description:") {
                        lines.push(format!("description: Revision {n} of this node."));
                        inside = true;
                    } else if !inside || !(line.starts_with(' ') || line.is_empty()) {
                        inside = false;
                        lines.push(line.to_owned());
                    }
                }
                fs::write(&c, lines.join("\n") + "\n").unwrap();
            }
        }
        Edit::Comment(i) => {
            if let Some(c) = pick(contracts(root), *i) {
                let mut text = fs::read_to_string(&c).unwrap();
                text.push_str("# reviewed\n");
                fs::write(&c, text).unwrap();
            }
        }
        Edit::Edited(i) => {
            if let Some(f) = pick(generated(&out), *i) {
                let mut text = fs::read_to_string(out.join(&f)).unwrap();
                text.push_str("# edited by hand\n");
                fs::write(out.join(&f), text).unwrap();
            }
        }
        Edit::Delete(i) => {
            if let Some(f) = pick(generated(&out), *i) {
                fs::remove_file(out.join(&f)).unwrap();
            }
        }
        Edit::Template(rendered) => {
            let t = root.join("t/package_init.py.tera");
            let mut text = fs::read_to_string(&t).unwrap();
            text.push_str(if *rendered {
                "# a team's line\n"
            } else {
                "{# a note #}\n"
            });
            fs::write(&t, text).unwrap();
        }
        Edit::Rename(i) => {
            if let Some(c) = pick(contracts(root), *i) {
                let name = c.file_stem().unwrap().to_string_lossy().into_owned();
                fs::rename(&c, c.with_file_name(format!("{name}_v2.yaml"))).unwrap();
            }
        }
        Edit::Remove(i) => {
            let found = contracts(root);
            // One contract always stays, so that there is something to generate.
            if found.len() > 1 {
                fs::remove_file(&found[i % found.len()]).unwrap();
            }
        }
        Edit::OtherBuild(i) => {
            let manifests: Vec<PathBuf> = tree(&out)
                .into_keys()
                .filter(|p| p.ends_with(".codegen-manifest.json"))
                .collect();
            if let Some(m) = pick(manifests, *i) {
                let text = fs::read_to_string(out.join(&m)).unwrap();
                let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
                json["tool_version"] = serde_json::Value::from("0.0.1+0123456789ab");
                fs::write(
                    out.join(&m),
                    serde_json::to_string_pretty(&json).unwrap() + "\n",
                )
                .unwrap();
            }
        }
        Edit::Clone => {
            let state = out.join(".codegen");
            if state.exists() {
                fs::remove_dir_all(state).unwrap();
            }
        }
    }
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("c")).unwrap();
    fs::create_dir_all(dir.path().join("t")).unwrap();
    for name in [
        "node_invoice_total_compute.yaml",
        "node_payment_gateway_effect.yaml",
        "node_session_state_reducer.yaml",
    ] {
        fs::copy(
            repo().join("contracts").join(name),
            dir.path().join("c").join(name),
        )
        .unwrap();
    }
    let ejected = tempfile::tempdir().unwrap();
    let run = codegen(ejected.path(), &["templates", "eject", "all", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    fs::copy(
        ejected.path().join("all/package_init.py.tera"),
        dir.path().join("t/package_init.py.tera"),
    )
    .unwrap();
    dir
}

/// One edit's worth of the property: check and dry run first, then the write.
fn check_then_write(root: &Path, prune: bool) -> Result<(), TestCaseError> {
    let mut flags = vec!["generate", "c", "-o", "out", "--templates", "t", "-q"];
    if prune {
        flags.push("--prune");
    }
    let out = root.join("out");
    let before = tree(&out);
    let check = codegen(root, &[flags.as_slice(), &["--check"]].concat());
    let dry = codegen(root, &[flags.as_slice(), &["--dry-run"]].concat());
    prop_assert_eq!(
        tree(&out),
        before.clone(),
        "--check and --dry-run write nothing"
    );
    let write = codegen(root, &flags);
    let after = tree(&out);
    let touched = changed(&before, &after);
    let context = format!(
        "check {:?}:\n{}{}\ndry run {:?}:\n{}{}\nwrite {:?}:\n{}",
        check.status.code(),
        stdout(&check),
        stderr(&check),
        dry.status.code(),
        stdout(&dry),
        stderr(&dry),
        write.status.code(),
        stderr(&write)
    );
    let refused = write.status.code() != Some(0);
    prop_assert_eq!(
        check.status.code() == Some(1) || check.status.code() == Some(2),
        !touched.is_empty() || refused,
        "check's verdict: {}",
        context
    );
    prop_assert_eq!(
        dry.status.code(),
        write.status.code(),
        "dry run's exit: {}",
        context
    );
    let check_list = listed(&stdout(&check), false);
    prop_assert_eq!(
        &check_list,
        &listed(&stdout(&dry), true),
        "the same list: {}",
        context
    );
    if refused {
        // A refused write changes nothing; the list names what blocks it.
        prop_assert!(
            touched.is_empty(),
            "a refused write wrote: {:?}\n{}",
            touched,
            context
        );
        prop_assert!(
            stdout(&check).lines().any(|l| l.starts_with("modified ")),
            "{}",
            context
        );
    } else {
        prop_assert_eq!(
            &check_list,
            &touched,
            "check names what the write changed: {}",
            context
        );
    }
    if refused {
        // Back to a clean tree for the next edit: the hand edit is overwritten.
        let force = codegen(root, &[flags.as_slice(), &["--force"]].concat());
        prop_assert_eq!(force.status.code(), Some(0), "{}", stderr(&force));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn check_and_dry_run_say_exactly_what_the_write_does(
        edits in prop::collection::vec(edit(), 1..4),
        prune in any::<bool>(),
    ) {
        let dir = setup();
        let root = dir.path();
        let first = codegen(root, &["generate", "c", "-o", "out", "--templates", "t", "-q"]);
        prop_assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
        for edit in &edits {
            apply(root, edit);
            check_then_write(root, prune)?;
        }
    }
}

#[test]
fn a_manifest_from_another_build_is_up_to_date_and_left_alone() {
    let dir = setup();
    let root = dir.path();
    let flags = ["generate", "c", "-o", "out", "--templates", "t", "-q"];
    assert_eq!(codegen(root, &flags).status.code(), Some(0));
    apply(root, &Edit::OtherBuild(0));
    apply(root, &Edit::Clone);
    let before = tree(&root.join("out"));
    let check = codegen(root, &[flags.as_slice(), &["--check"]].concat());
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert_eq!(stdout(&check), "");
    assert_eq!(codegen(root, &flags).status.code(), Some(0));
    assert_eq!(tree(&root.join("out")), before, "no churn between builds");
}

#[test]
fn check_names_each_reason() {
    let dir = setup();
    let root = dir.path();
    let flags = ["generate", "c", "-o", "out", "--templates", "t", "-q"];
    assert_eq!(codegen(root, &flags).status.code(), Some(0));
    let check = |extra: &[&str]| {
        let run = codegen(root, &[flags.as_slice(), extra, &["--check"]].concat());
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        stdout(&run)
    };
    apply(root, &Edit::Describe(0, 7));
    let list = check(&[]);
    assert!(
        list.contains("stale: contract changed out/node_invoice_total_compute/"),
        "{list}"
    );
    assert_eq!(codegen(root, &flags).status.code(), Some(0));
    apply(root, &Edit::Template(true));
    let list = check(&[]);
    assert!(list.contains("stale: templates changed out/"), "{list}");
    assert_eq!(codegen(root, &flags).status.code(), Some(0));
    apply(root, &Edit::Delete(0));
    apply(root, &Edit::Edited(1));
    let list = check(&[]);
    assert!(
        list.lines().any(|l| l.starts_with("missing out/")),
        "{list}"
    );
    assert!(
        list.lines().any(|l| l.starts_with("modified out/")),
        "{list}"
    );
    assert_eq!(
        codegen(root, &[flags.as_slice(), &["--force"]].concat())
            .status
            .code(),
        Some(0)
    );
    // A generator that renders otherwise: the manifest's hash of a file is
    // its own, and the file on disk is what an older build wrote.
    let node = root.join("out/node_invoice_total_compute/node.py");
    let older = fs::read_to_string(&node).unwrap().replace("\"\"\"", "'''");
    fs::write(&node, &older).unwrap();
    let manifest_path = root.join("out/node_invoice_total_compute/.codegen-manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["files"]["node.py"]["hash"] =
        serde_json::Value::from(codegen::digest::sha256_hex(older.as_bytes()));
    fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).unwrap() + "\n",
    )
    .unwrap();
    let list = check(&[]);
    assert!(
        list.contains("stale: generator changed out/node_invoice_total_compute/node.py"),
        "{list}"
    );
    assert_eq!(codegen(root, &flags).status.code(), Some(0));
    apply(root, &Edit::Remove(0));
    let kept = codegen(
        root,
        &["generate", "c", "-o", "out", "--templates", "t", "--check"],
    );
    assert_eq!(
        kept.status.code(),
        Some(0),
        "without --prune the write keeps an orphan"
    );
    assert!(stderr(&kept).contains("--prune"), "{}", stderr(&kept));
    let list = check(&["--prune"]);
    assert!(
        list.lines().all(|l| l.starts_with("orphaned out/")),
        "{list}"
    );
}
