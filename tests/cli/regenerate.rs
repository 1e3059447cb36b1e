//! Regeneration: the manifest, no-op reruns, hand-edit guard, --check,
//! --diff, --prune, --dry-run, --shard, the lock and kill safety.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use codegen::digest::sha256_hex as hex;

use crate::common::{codegen, contracts, files_under, repo, stderr, stdout};

/// Path → (inode, mtime, bytes) of every file under `root`, the lock file
/// aside (every writing run records its pid there while it holds the lock).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, i64, Vec<u8>)> {
    files_under(root)
        .into_iter()
        .filter(|rel| rel != Path::new(".codegen/lock"))
        .map(|rel| {
            let path = root.join(&rel);
            let meta = fs::metadata(&path).unwrap();
            let mtime = meta.mtime_nsec() + meta.mtime() * 1_000_000_000;
            (rel, (meta.ino(), mtime, fs::read(&path).unwrap()))
        })
        .collect()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = codegen(dir, args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    stderr(&output)
}

#[test]
fn a_no_op_rerun_writes_nothing_and_a_changed_contract_rewrites_only_its_files() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 8);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    let first = snapshot(&dir.path().join("out"));
    let err = ok(dir.path(), &["generate", "c", "-o", "out"]);
    assert!(err.contains("8 packages unchanged"), "{err}");
    // Zero writes: same inodes, same mtimes, same bytes, nothing added.
    assert_eq!(snapshot(&dir.path().join("out")), first);

    let target = dir.path().join("c/c0001.yaml");
    let text = fs::read_to_string(&target).unwrap();
    fs::write(&target, format!("{text}\nchanged: true\n")).unwrap();
    let err = ok(dir.path(), &["generate", "c", "-o", "out"]);
    assert!(err.contains("7 packages unchanged"), "{err}");
    let second = snapshot(&dir.path().join("out"));
    // codegen's own state (`.codegen/`: the package's findings record) aside.
    let changed: Vec<&PathBuf> = second
        .iter()
        .filter(|(path, meta)| first.get(*path) != Some(meta))
        .map(|(path, _)| path)
        .filter(|path| !path.starts_with(".codegen"))
        .collect();
    assert!(!changed.is_empty());
    let package = changed[0]
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_owned();
    assert!(package.to_string_lossy().ends_with("_0001"), "{changed:?}");
    assert!(
        changed.iter().all(|p| p.starts_with(&package)),
        "only its files: {changed:?}"
    );
    // Inside the package, files with the same bytes kept their inode and mtime.
    let same_bytes = second
        .iter()
        .filter(|(p, m)| p.starts_with(&package) && first.get(*p).is_some_and(|f| f.2 == m.2))
        .count();
    let untouched = second
        .iter()
        .filter(|(p, m)| p.starts_with(&package) && first.get(*p) == Some(*m))
        .count();
    assert_eq!(same_bytes, untouched);
    assert!(untouched > 0);
}

#[test]
fn a_hand_edit_is_refused_then_forced() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 2);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    let node = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("node.py").exists())
        .unwrap()
        .join("node.py");
    let edited = format!("{}\n# mine\n", fs::read_to_string(&node).unwrap());
    fs::write(&node, &edited).unwrap();
    // Make the package regenerate: change every contract.
    for entry in fs::read_dir(dir.path().join("c")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{text}\nextra: 1\n")).unwrap();
    }
    let refused = codegen(dir.path(), &["generate", "c", "-o", "out"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains(&format!(
            "{}: error: edited by hand",
            node.strip_prefix(dir.path()).unwrap().display()
        )),
        "{}",
        stderr(&refused)
    );
    assert_eq!(fs::read_to_string(&node).unwrap(), edited);
    ok(dir.path(), &["generate", "c", "-o", "out", "--force", "-q"]);
    assert!(!fs::read_to_string(&node).unwrap().contains("# mine"));
}

#[test]
fn a_user_scaffold_is_never_overwritten_even_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 1);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    let handlers: Vec<PathBuf> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .flat_map(|e| {
            fs::read_dir(e.unwrap().path().join("handlers"))
                .into_iter()
                .flatten()
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "__init__.py"))
        .collect();
    assert!(!handlers.is_empty());
    fs::write(&handlers[0], "# implemented by me\n").unwrap();
    let contract = dir.path().join("c/c0000.yaml");
    let text = fs::read_to_string(&contract).unwrap();
    fs::write(&contract, format!("{text}\nextra: 1\n")).unwrap();
    ok(dir.path(), &["generate", "c", "-o", "out", "--force", "-q"]);
    assert_eq!(
        fs::read_to_string(&handlers[0]).unwrap(),
        "# implemented by me\n"
    );
}

#[test]
#[expect(clippy::too_many_lines, reason = "one lifecycle, step by step")]
fn check_diff_prune_and_dry_run_around_a_deleted_contract() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 3);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    // Clean: --check exits 0 and prints no change.
    let clean = codegen(dir.path(), &["generate", "c", "-o", "out", "--check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert!(stdout(&clean).is_empty(), "{}", stdout(&clean));

    // A missing file and a modified file, caught without git.
    let pkg = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("node.py").exists())
        .unwrap();
    let init = fs::read_to_string(pkg.join("__init__.py")).unwrap();
    fs::remove_file(pkg.join("__init__.py")).unwrap();
    fs::write(pkg.join("node.py"), "x = 1\n").unwrap();
    let before = snapshot(&dir.path().join("out"));
    let check = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "--check", "--diff"],
    );
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let out = stdout(&check);
    assert!(
        out.contains(&format!(
            "missing out/{}/__init__.py",
            pkg.file_name().unwrap().to_string_lossy()
        )),
        "{out}"
    );
    assert!(out.contains("modified out/"), "{out}");
    assert!(out.contains("-x = 1\n"), "the diff shows the edit: {out}");
    assert!(
        out.contains(&format!(
            "+++ b/out/{}/__init__.py",
            pkg.file_name().unwrap().to_string_lossy()
        )),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with('+') && init.contains(&l[1..])),
        "{out}"
    );
    assert_eq!(
        snapshot(&dir.path().join("out")),
        before,
        "--check writes nothing"
    );

    // Put things back, then delete a contract: its package is orphaned.
    fs::remove_dir_all(&pkg).unwrap();
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    fs::remove_file(dir.path().join("c/c0002.yaml")).unwrap();
    // Without --prune a write keeps the orphan, so --check passes and says
    // so; with --prune the write would delete it, so --check fails.
    let kept = codegen(dir.path(), &["generate", "c", "-o", "out", "--check"]);
    assert_eq!(kept.status.code(), Some(0), "{}", stderr(&kept));
    assert_eq!(stdout(&kept), "");
    assert!(stderr(&kept).contains("--prune"), "{}", stderr(&kept));
    let orphan = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "--check", "--prune"],
    );
    assert_eq!(orphan.status.code(), Some(1));
    assert!(
        stdout(&orphan)
            .lines()
            .all(|l| l.starts_with("orphaned out/")),
        "{}",
        stdout(&orphan)
    );
    assert!(
        stdout(&orphan).contains("_0002/node.py"),
        "{}",
        stdout(&orphan)
    );

    let dry = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "--dry-run", "--prune"],
    );
    assert_eq!(dry.status.code(), Some(0));
    assert!(stdout(&dry).contains("delete out/"), "{}", stdout(&dry));
    assert!(stdout(&dry).contains("unchanged") || stderr(&dry).contains("unchanged"));

    // Without --prune the orphan stays (with a warning); with it, it goes.
    let kept = ok(dir.path(), &["generate", "c", "-o", "out"]);
    assert!(kept.contains("orphaned"), "{kept}");
    let orphan_dir = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_0002"))
        .unwrap();
    fs::write(orphan_dir.join("notes.txt"), "mine\n").unwrap();
    ok(dir.path(), &["generate", "c", "-o", "out", "--prune", "-q"]);
    assert!(!orphan_dir.join("node.py").exists());
    assert_eq!(
        fs::read_to_string(orphan_dir.join("notes.txt")).unwrap(),
        "mine\n",
        "a file of the user's survives --prune"
    );
    let after = codegen(dir.path(), &["generate", "c", "-o", "out", "--check"]);
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}{}",
        stdout(&after),
        stderr(&after)
    );
}

#[test]
fn shards_cover_every_contract_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 30);
    let mut seen = BTreeMap::new();
    for shard in 1..=3 {
        let out = format!("out{shard}");
        let spec = format!("{shard}/3");
        let output = codegen(
            dir.path(),
            &[
                "generate",
                "c",
                "-o",
                &out,
                "--shard",
                &spec,
                "--output-format",
                "json",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        for contract in doc["contracts"].as_array().unwrap() {
            if contract["status"] == "generated" {
                *seen
                    .entry(contract["package"].as_str().unwrap().to_owned())
                    .or_insert(0) += 1;
            }
        }
        let written = fs::read_dir(dir.path().join(&out))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("node.py").exists())
            .count();
        assert!(written > 0 && written < 30, "shard {spec} wrote {written}");
    }
    assert_eq!(seen.len(), 30);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
    let bad = codegen(dir.path(), &["generate", "c", "--shard", "4/3"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn json_output_is_one_document_with_per_stage_timings() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 2);
    fs::write(dir.path().join("c/bad.yaml"), "name: [\n").unwrap();
    let output = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "--output-format", "json"],
    );
    assert_eq!(output.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["summary"]["contracts"], 3);
    let contracts = doc["contracts"].as_array().unwrap();
    let bad = contracts
        .iter()
        .find(|c| c["contract"] == "c/bad.yaml")
        .unwrap();
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["failed_stage"], "parse");
    assert!(
        bad["diagnostics"][0]["location"]["row"].as_u64().is_some(),
        "{bad}"
    );
    let good = contracts
        .iter()
        .find(|c| c["status"] == "generated")
        .unwrap();
    for stage in ["parse", "models", "node", "tests", "quality", "package"] {
        assert!(
            good["timings_ms"][stage].as_f64().is_some(),
            "{stage}: {good}"
        );
    }
    assert!(
        good["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "created")
    );
    assert_eq!(doc["stages"].as_array().unwrap().len(), 6);

    let github = codegen(
        dir.path(),
        &["generate", "c", "-o", "out", "--output-format", "github"],
    );
    let text = stdout(&github);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=c/bad.yaml,line=")),
        "{text}"
    );
}

/// Another process holding `path` locked the way codegen locks it (`flock`,
/// exclusive), until [`LockHolder::release`]. It records its own pid in the
/// file, as a writing run does.
struct LockHolder {
    child: std::process::Child,
}

impl LockHolder {
    fn hold(path: &Path) -> Self {
        use std::io::BufRead as _;
        let script = "import fcntl, os, sys\n\
                      f = open(sys.argv[1], 'a+')\n\
                      fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n\
                      f.truncate(0)\n\
                      f.write(f'{os.getpid()}\\n')\n\
                      f.flush()\n\
                      print('held', flush=True)\n\
                      sys.stdin.read()\n";
        let mut child = Command::new(crate::common::python())
            .args(["-c", script])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "held\n", "the helper did not take the lock");
        Self { child }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Closes the helper's stdin: it exits, and the kernel drops its lock.
    fn release(mut self) {
        drop(self.child.stdin.take());
        assert!(self.child.wait().unwrap().success());
    }
}

#[test]
fn a_writer_is_turned_away_while_another_process_holds_the_lock_and_runs_once_it_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    contracts(&c, 4);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    // Changed contracts: a run that got through would rewrite packages.
    contracts(&c, 6);
    let out = dir.path().join("out");
    let holder = LockHolder::hold(&out.join(".codegen/lock"));
    let before = snapshot(&out);
    let locked = codegen(dir.path(), &["generate", "c", "-o", "out"]);
    assert_eq!(locked.status.code(), Some(2), "{}", stderr(&locked));
    let err = stderr(&locked);
    assert!(
        err.contains(&format!(
            "another codegen run (pid {}) is writing to this output directory; wait for it to \
             finish, then run again",
            holder.pid()
        )),
        "{err}"
    );
    assert_eq!(snapshot(&out), before, "a run turned away wrote something");
    // --check only reads: it does not need the lock (and finds the changes).
    let check = codegen(dir.path(), &["generate", "c", "-o", "out", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    holder.release();

    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    ok(dir.path(), &["generate", "c", "-o", "out", "--check"]);
}

#[test]
fn a_lock_file_left_empty_or_holding_garbage_blocks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 2);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    let lock = dir.path().join("out/.codegen/lock");
    // The lock file stays after a run, unlocked.
    assert!(lock.is_file());
    let this_pid = format!("{}\n", std::process::id());
    let leftovers = [
        &b""[..],
        b"not a pid \xff\0",
        b"4294967295\n",
        this_pid.as_bytes(),
    ];
    for (i, left) in leftovers.into_iter().enumerate() {
        fs::write(&lock, left).unwrap();
        // One more contract each time: the run must write to get through.
        contracts(&dir.path().join("c"), 3 + i);
        ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
        let packages = fs::read_dir(dir.path().join("out"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("node.py").is_file())
            .count();
        assert_eq!(packages, 3 + i, "after a lock file holding {left:?}");
    }
    ok(dir.path(), &["generate", "c", "-o", "out", "--check"]);
}

#[test]
fn concurrent_runs_leave_a_consistent_tree() {
    let dir = tempfile::tempdir().unwrap();
    contracts(&dir.path().join("c"), 4);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);

    // Real concurrency: several runs at once on changed contracts.
    contracts(&dir.path().join("c"), 120);
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(assert_cmd::cargo::cargo_bin("codegen"))
                .args(["generate", "c", "-o", "out", "-q"])
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut succeeded = 0;
    for child in children {
        let output = child.wait_with_output().unwrap();
        match output.status.code() {
            Some(0) => succeeded += 1,
            Some(2) => {
                assert!(String::from_utf8_lossy(&output.stderr).contains("another codegen run"));
            }
            other => panic!("{other:?}: {}", String::from_utf8_lossy(&output.stderr)),
        }
    }
    assert!(succeeded >= 1);
    let check = codegen(dir.path(), &["generate", "c", "-o", "out", "--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

/// Every package under `out` is whole: its manifest's contract hash is one of
/// `allowed`, and every file the manifest records has the recorded bytes.
fn assert_packages_whole(out: &Path, allowed: &BTreeSet<String>) -> (usize, usize) {
    let (mut old, mut new) = (0, 0);
    for entry in fs::read_dir(out).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(text) = fs::read_to_string(dir.join(".codegen-manifest.json")) else {
            continue;
        };
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        let hash = manifest["contract_hash"].as_str().unwrap();
        assert!(
            allowed.contains(hash),
            "{}: unknown contract hash",
            dir.display()
        );
        for (path, file) in manifest["files"].as_object().unwrap() {
            let bytes = fs::read(dir.join(path))
                .unwrap_or_else(|e| panic!("{}/{path}: {e}", dir.display()));
            let digest: String = hex(&bytes);
            if file["owner"] == "generated" {
                assert_eq!(
                    digest,
                    file["hash"].as_str().unwrap(),
                    "{}/{path} is torn",
                    dir.display()
                );
            }
        }
        let body = fs::read_to_string(dir.join("contract.yaml")).unwrap();
        if body.contains("Changed by the kill test") {
            new += 1;
        } else {
            old += 1;
        }
    }
    (old, new)
}

#[test]
fn killing_a_run_leaves_every_package_fully_old_or_fully_new() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("c");
    contracts(&c, 200);
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    let hashes = |c: &Path| -> BTreeSet<String> {
        fs::read_dir(c)
            .unwrap()
            .map(|e| hex(&fs::read(e.unwrap().path()).unwrap()))
            .collect()
    };
    let mut allowed = hashes(&c);
    for entry in fs::read_dir(&c).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            format!("{text}\nkill_test: Changed by the kill test\n"),
        )
        .unwrap();
    }
    allowed.extend(hashes(&c));
    let mut saw_partial_run = false;
    // Packages are written in the last stage only: step the kill through the run until one
    // lands while packages are being swapped in (some old, some new), or the run completes.
    for delay_ms in (0..10_000).step_by(4) {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("codegen"))
            .args(["generate", "c", "-o", "out", "-q", "-j", "2"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no cleanup runs
        let _ = child.wait();
        let (old, new) = assert_packages_whole(&dir.path().join("out"), &allowed);
        assert_eq!(old + new, 200);
        saw_partial_run |= old > 0 && new > 0;
        if saw_partial_run || old == 0 {
            break;
        }
    }
    // The lock went with the killed run; the staging it left does not stop the next run.
    ok(dir.path(), &["generate", "c", "-o", "out", "-q"]);
    let (old, new) = assert_packages_whole(&dir.path().join("out"), &allowed);
    assert_eq!((old, new), (0, 200));
    let check = codegen(dir.path(), &["generate", "c", "-o", "out", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        saw_partial_run,
        "no kill landed while packages were being written"
    );
}

/// A fresh package skips every stage, yet the hundredth run reports what the
/// first did: the same warnings, the same `--strict` verdict, the same
/// GitHub annotations; a lost or tampered record regenerates the package
/// instead of reporting it clean.
#[test]
fn fresh_packages_report_the_findings_of_the_run_that_made_them() {
    let dir = tempfile::tempdir().unwrap();
    // A key that looks like a typo (a warning, an error under --strict).
    let text = fs::read_to_string(
        repo().join("tests/fixtures/omnibase_infra/node_service_discovery_effect/contract.yaml"),
    )
    .unwrap()
    .replacen("description:", "descriptoin: typo\ndescription:", 1);
    let contract = dir.path().join("contract.yaml");
    fs::write(&contract, text).unwrap();
    let out = dir.path().join("out");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "generate".to_owned(),
            contract.to_str().unwrap().to_owned(),
            "-o".to_owned(),
            out.to_str().unwrap().to_owned(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        codegen(dir.path(), &refs)
    };
    let findings = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains(": warning:") || l.contains(": error:"))
            .map(str::to_owned)
            .collect()
    };
    let first = run(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let reported = findings(&stderr(&first));
    assert!(reported.len() >= 2, "{}", stderr(&first));
    for _ in 0..2 {
        let again = run(&[]);
        assert!(
            stderr(&again).contains("1 package unchanged"),
            "{}",
            stderr(&again)
        );
        assert_eq!(findings(&stderr(&again)), reported);
    }
    // The first --strict run refuses the contract; so does every later one.
    let strict = run(&["--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("descriptoin"),
        "{}",
        stderr(&strict)
    );
    let check = run(&["--strict", "--check"]);
    assert_eq!(check.status.code(), Some(2), "{}", stderr(&check));
    let github = run(&["--output-format", "github"]);
    let annotations = stdout(&github)
        .lines()
        .filter(|l| l.starts_with("::warning"))
        .count();
    assert_eq!(annotations, reported.len(), "{}", stdout(&github));

    // A record from elsewhere (a pull request, say) is no record.
    let record = out.join(".codegen/findings/node_service_discovery_effect.json");
    assert!(record.is_file());
    fs::write(&record, "{\"contract_hash\": \"x\"}").unwrap();
    let rebuilt = run(&[]);
    assert!(
        stderr(&rebuilt).contains("generated 1 package of"),
        "{}",
        stderr(&rebuilt)
    );
    assert_eq!(findings(&stderr(&rebuilt)), reported);
    fs::remove_dir_all(out.join(".codegen/findings")).unwrap();
    let rebuilt = run(&[]);
    assert_eq!(findings(&stderr(&rebuilt)), reported);
    assert!(stderr(&run(&[])).contains("1 package unchanged"));
}
