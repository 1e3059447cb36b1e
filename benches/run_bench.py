#!/usr/bin/env python3
"""`make bench`: codegen against the Python baselines and the floor, one table.

For each N: a seeded workload (benches/gen_contracts.py, a quarter of it real
omnibase-infra contracts under new names), then interleaved runs of
`codegen generate`, the PyYAML + Jinja2 baseline with libyaml (CSafeLoader + CSafeDumper) and
with pure-Python PyYAML (SafeLoader + SafeDumper), and the floor (the same bytes written by a
minimal Rust program). Every run writes into a directory of its own that did
not exist before; trees are removed only at the end, never between timed runs.
Wall time is measured around fork/exec/wait; CPU time (user+sys) and peak RSS
come from wait4's rusage. The medians are reported.

Then `codegen generate --check` on unchanged output, and `codegen validate`
against `ruff check --select E9 --no-cache` on a warmed corpus (the standard
library and site-packages of a Python venv).

Usage: run_bench.py --codegen BIN --floor BIN --python PY --ruff RUFF
                    [--sizes 3,100,1000] [--runs 5] [--corpus DIR ...]
       run_bench.py --only-validate --codegen BIN --ruff RUFF [--runs 5] --corpus DIR ...
                    [--codegen-before BIN]
                    (`make bench-validate`: the validation table alone; with
                    --codegen-before, an older build's rows interleaved with the rest)
Standard library only; timings are ratios from this run on this machine.
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


def measure(argv, cwd):
    """Runs argv once; returns (wall s, cpu s, peak RSS MiB, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def runs_for(n, base):
    if n <= 10:
        return base * 4
    if n <= 100:
        return base * 2
    if n <= 1000:
        return base
    return 1


def fmt_ratio(x):
    return f"{x:.1f}x" if x < 100 else f"{x:.0f}x"


def bench_size(args, work, n):
    contracts = os.path.join(work, f"n{n}", "contracts")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_contracts.py"), str(n), contracts,
                    "--infra", os.path.join(ROOT, "tests", "fixtures", "omnibase_infra")], check=True)
    base = os.path.join(work, f"n{n}")
    # The floor copies a finished tree: one untimed codegen run makes it.
    reference = os.path.join(base, "reference")
    subprocess.run([args.codegen, "generate", contracts, "-o", reference, "-q"], check=True,
                   stdout=subprocess.DEVNULL)
    # ...packed into one file, so that getting the bytes costs the floor one read.
    bundle = os.path.join(base, "reference.bundle")
    subprocess.run([args.floor, "pack", reference, bundle], check=True)
    tools = {
        "codegen generate": lambda out: [args.codegen, "generate", contracts, "-o", out, "-q"],
        "Python, libyaml": lambda out: [args.python, os.path.join(HERE, "baseline.py"), contracts, out],
        "Python, pure PyYAML": lambda out: [args.python, os.path.join(HERE, "baseline.py"), contracts, out,
                                           "--loader", "py"],
        "floor (same bytes)": lambda out: [args.floor, bundle, out],
        # What the instrumentation costs: the same run printing its timings,
        # and writing a Chrome trace of every step.
        "codegen --timings": lambda out: [args.codegen, "generate", contracts, "-o", out, "-q", "--timings"],
        "codegen --trace FILE": lambda out: [args.codegen, "generate", contracts, "-o", out, "-q",
                                             "--trace", out + ".trace.json"],
    }
    results = {name: [] for name in tools}
    runs = runs_for(n, args.runs)
    for run in range(runs):
        # Rotate the order so no tool always follows the same one.
        names = list(tools)
        names = names[run % len(names):] + names[: run % len(names)]
        for name in names:
            out = os.path.join(base, f"out-{list(tools).index(name)}-{run}")
            wall, cpu, rss, code = measure(tools[name](out), base)
            if code != 0:
                print(f"warning: {name} exited {code} (N={n})", file=sys.stderr)
            results[name].append((wall, cpu, rss))
    checks = []
    for run in range(runs):
        target = os.path.join(base, f"out-0-{run}")
        checks.append(measure([args.codegen, "generate", contracts, "-o", target, "--check", "-q"], base))
    rows = {}
    for name, samples in results.items():
        rows[name] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
                      max(s[2] for s in samples))
    rows["codegen --check, unchanged"] = (statistics.median(c[0] for c in checks),
                                          statistics.median(c[1] for c in checks), max(c[2] for c in checks))
    return runs, rows


def validate_table(args):
    corpus = [c for c in args.corpus if os.path.isdir(c)]
    if not corpus:
        return None
    files = sum(1 for c in corpus for _, _, fs in os.walk(c) for f in fs if f.endswith((".py", ".pyi")))
    tools = {
        "codegen validate --select SYN": [args.codegen, "validate", "-q", "--select", "SYN", *corpus],
        "codegen validate (every rule)": [args.codegen, "validate", "-q", *corpus],
        "ruff check --select E9 --no-cache": [args.ruff, "check", "--select", "E9", "--no-cache", "-q", *corpus],
    }
    if args.codegen_before:
        tools["before: codegen validate --select SYN"] = [args.codegen_before, "validate", "-q", "--select",
                                                          "SYN", *corpus]
        tools["before: codegen validate (every rule)"] = [args.codegen_before, "validate", "-q", *corpus]
    for argv in tools.values():  # warm the page cache
        measure(argv, ROOT)
    samples = {name: [] for name in tools}
    for _ in range(args.runs):
        for name, argv in tools.items():
            samples[name].append(measure(argv, ROOT))
    big = os.path.join(tempfile.mkdtemp(prefix="codegen-bench-big."), "big.py")
    with open(big, "w", encoding="utf-8") as handle:
        i = 0
        while handle.tell() < 100 * 1024:
            handle.write(f"def function_{i}(value: int, other: str = 'x') -> int:\n"
                         f"    \"\"\"Return a number.\"\"\"\n    total = value * {i} + len(other)\n"
                         f"    return total if total > 0 else -total\n\n\n")
            i += 1
    binaries = [args.codegen] + ([args.codegen_before] if args.codegen_before else [])
    one = {binary: [] for binary in binaries}
    for _ in range(20):
        for binary in binaries:
            one[binary].append(measure([binary, "validate", "-q", big], ROOT)[:2])
    shutil.rmtree(os.path.dirname(big), ignore_errors=True)
    return files, {k: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v),
                       max(s[2] for s in v)) for k, v in samples.items()}, [
        (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v)) for v in one.values()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codegen", required=True)
    parser.add_argument("--floor")
    parser.add_argument("--python")
    parser.add_argument("--ruff", required=True)
    parser.add_argument("--sizes", default="3,100,1000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", nargs="*", default=[])
    parser.add_argument("--work", default=None, help="parent of the scratch directory (default: TMPDIR)")
    parser.add_argument("--codegen-before", help="an older codegen build whose validate rows run interleaved")
    parser.add_argument("--only-validate", action="store_true",
                        help="only the validation table (no generate sizes; --floor and --python unused)")
    args = parser.parse_args()
    if args.only_validate:
        args.sizes = ""
    elif args.floor is None or args.python is None:
        parser.error("--floor and --python are required unless --only-validate")
    for key in ("codegen", "codegen_before", "floor", "python", "ruff"):
        value = getattr(args, key)
        if value is not None:
            setattr(args, key, os.path.abspath(value) if os.sep in value else shutil.which(value) or value)
    work = tempfile.mkdtemp(prefix="codegen-bench.", dir=args.work)
    fs = subprocess.run(["df", "-T", work], capture_output=True, text=True).stdout.splitlines()[-1].split()
    print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}; "
          f"scratch {work} on {fs[1]} ({fs[0]})")
    print()
    if not args.only_validate:
        print("| N | run | wall (s) | CPU (s) | peak RSS (MB) | codegen is faster by |")
        print("|---|---|---|---|---|---|")
    per_contract = {}
    try:
        for n in (int(s) for s in args.sizes.split(",") if s):
            runs, rows = bench_size(args, work, n)
            ours = rows["codegen generate"][0]
            for name, (wall, cpu, rss) in rows.items():
                if name == "codegen generate":
                    ratio = "1.0x"
                elif name.startswith("floor"):
                    ratio = f"codegen = {ours / wall:.2f}x the floor"
                elif name.startswith("codegen --check"):
                    ratio = f"{wall / ours:.2f} of the first run"
                elif name.startswith(("codegen --timings", "codegen --trace")):
                    ratio = f"{(cpu / rows['codegen generate'][1] - 1) * 100:+.1f}% CPU, {(wall / ours - 1) * 100:+.1f}% wall"
                else:
                    ratio = fmt_ratio(wall / ours)
                print(f"| {n:,} ({runs} runs) | {name} | {wall:.3f} | {cpu:.3f} | {rss:.1f} | {ratio} |",
                      flush=True)
            per_contract[n] = ours / n
        if 1000 in per_contract and 10000 in per_contract:
            print()
            print(f"Scaling: 10,000 contracts took {per_contract[10000] / per_contract[1000]:.2f}x "
                  "ten times the 1,000-contract run (linear = 1.00x)")
        table = validate_table(args)
        if table:
            files, rows, one = table
            print()
            print(f"Validation of a warmed corpus: {files:,} .py/.pyi files under {' '.join(args.corpus)}")
            print()
            print("| run | wall (s) | CPU (s) | peak RSS (MB) | files/s | vs ruff E9 |")
            print("|---|---|---|---|---|---|")
            ruff = rows["ruff check --select E9 --no-cache"][0]
            for name, (wall, cpu, rss) in rows.items():
                print(f"| {name} | {wall:.3f} | {cpu:.3f} | {rss:.1f} | {files / wall:,.0f} | "
                      f"{ruff / wall:.2f}x |")
            print()
            print(f"One 100 KB file, whole `codegen validate` process: {one[0][0] * 1000:.1f} ms wall, "
                  f"{one[0][1] * 1000:.1f} ms CPU (medians of 20)")
            if args.codegen_before:
                print(f"The same with the build before: {one[1][0] * 1000:.1f} ms wall, "
                      f"{one[1][1] * 1000:.1f} ms CPU (runs interleaved)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
