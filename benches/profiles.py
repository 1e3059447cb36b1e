#!/usr/bin/env python3
"""`make bench-profiles`: the release profile (fat LTO) against the same without LTO.

Builds codegen both ways from scratch, each into a target directory of its own
that did not exist before (`--build`; the build's wall time is the figure users
wait for: `cargo install`, `pip install .` and `make wheel` all build release;
"nolto" is release with `--config profile.release.lto=false`), then times the
two binaries interleaved on the same jobs:

- `generate` of the benchmark contracts (`make bench-data`) into a new directory
  each run, and
- `validate` of what the first run wrote (the parser and every rule over each
  generated file, read from a warm page cache).

Every run writes into a directory that did not exist before; trees are removed
at the end only. Reported: the median wall and CPU time of each, and release's
speed relative to nolto (above 1.0x: LTO is faster).

Usage: profiles.py --contracts DIR [--runs 7] [--build | --release BIN --nolto BIN]
Standard library only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROFILES = ("nolto", "release")
# Cargo arguments of each build; both land in <target>/release/codegen.
BUILDS = {
    "nolto": ["--release", "--config", "profile.release.lto=false"],
    "release": ["--release"],
}


def measure(argv, cwd):
    """Runs argv once; returns (wall s, cpu s, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def build(profile, scratch):
    """A from-scratch build of the binary with `profile`; returns (path, wall s, cpu s)."""
    target = os.path.join(scratch, f"target-{profile}")
    argv = ["cargo", "build", "--locked", "--quiet", *BUILDS[profile], "--bin", "codegen"]
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"cargo build --profile {profile} failed")
    return os.path.join(target, "release", "codegen"), wall, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="build both profiles from scratch")
    parser.add_argument("--release", help="a release-profile binary")
    parser.add_argument("--nolto", help="a release binary built with lto=false")
    args = parser.parse_args()
    if not args.build and not (args.release and args.nolto):
        parser.error("give --build, or both --release and --nolto")
    contracts = os.path.abspath(args.contracts)
    if not os.path.isdir(contracts):
        sys.exit(f"no {contracts}: run `make bench-data` first")

    scratch = tempfile.mkdtemp(prefix="codegen-profiles-", dir=os.environ.get("BENCH_TMP"))
    try:
        binaries = {}
        if args.build:
            for profile in PROFILES:
                binary, wall, cpu = build(profile, scratch)
                size = os.path.getsize(binary) / 2**20
                print(f"build {profile:8} from scratch: {wall:6.1f} s wall, "
                      f"{cpu:6.1f} s CPU; binary {size:.1f} MiB", flush=True)
                binaries[profile] = binary
        else:
            binaries = {"release": os.path.abspath(args.release), "nolto": os.path.abspath(args.nolto)}

        times = {(p, job): [] for p in PROFILES for job in ("generate", "validate")}
        corpus = None
        for run in range(args.runs + 1):  # run 0 warms the page cache and is not counted
            for profile in PROFILES if run % 2 == 0 else reversed(PROFILES):
                out = os.path.join(scratch, f"out-{profile}-{run}")
                wall, cpu, code = measure(
                    [binaries[profile], "generate", contracts, "-o", out, "-q"], scratch)
                if code != 0:
                    sys.exit(f"{profile}: generate exited {code}")
                if corpus is None:
                    corpus = out
                if run:
                    times[(profile, "generate")].append((wall, cpu))
                wall, cpu, code = measure(
                    [binaries[profile], "validate", corpus, "-q"], scratch)
                if code not in (0, 1):
                    sys.exit(f"{profile}: validate exited {code}")
                if run:
                    times[(profile, "validate")].append((wall, cpu))

        files = sum(len(f) for _, _, f in os.walk(corpus))
        print(f"\n{args.runs} interleaved runs each; generate of {contracts} "
              f"({files} files written), validate of that tree")
        print("| job | profile | wall (s) | CPU (s) | release vs nolto (wall) | (CPU) |")
        print("|---|---|---|---|---|---|")
        for job in ("generate", "validate"):
            med = {p: (statistics.median(w for w, _ in times[(p, job)]),
                       statistics.median(c for _, c in times[(p, job)])) for p in PROFILES}
            for p in PROFILES:
                wall, cpu = med[p]
                ratio = ""
                if p == "release":
                    ratio = (f"{med['nolto'][0] / wall:.3f}x | "
                             f"{med['nolto'][1] / cpu:.3f}x")
                else:
                    ratio = "1.000x | 1.000x"
                print(f"| {job} | {p} | {wall:.3f} | {cpu:.3f} | {ratio} |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
