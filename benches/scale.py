#!/usr/bin/env python3
"""Cost against contract size: one contract of N chained definitions and one
of 8N, each stage's time for both, and their ratio. A stage linear in the
contract's size shows a ratio near 8; quadratic work shows near 64.

    python3 benches/scale.py --codegen target/release/codegen [--n 5000] [--runs 3]

Runs are `generate --dry-run --timings` (every stage, nothing written, so the
disk's noise stays out); each figure is the fastest of --runs.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ["parse", "models", "node", "tests", "quality", "package"]
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def chain(n: int) -> str:
    """A contract whose input model reaches N definitions, each naming the next."""
    lines = [
        "name: node_chain_compute",
        "contract_version: {major: 1, minor: 0, patch: 0}",
        "node_type: COMPUTE_GENERIC",
        "description: A chain of definitions.",
        "input_model:",
        "  name: ModelChainRequest",
        "  fields:",
        "    head: d0",
        "output_model:",
        "  name: ModelChainResult",
        "  fields:",
        "    ok: bool",
        "definitions:",
    ]
    for i in range(n):
        lines += [f"  d{i}:", "    fields:", "      value: int"]
        if i + 1 < n:
            lines.append(f"      next: optional[d{i + 1}]")
    return "\n".join(lines) + "\n"


def seconds(text: str) -> float:
    m = re.fullmatch(r"([0-9.]+)\s*(ns|µs|us|ms|s)", text.strip())
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def run(codegen: str, contract: Path, out: Path) -> dict:
    start = time.perf_counter()
    done = subprocess.run(
        [codegen, "generate", "--dry-run", "--timings", str(contract), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"codegen failed on {contract}:\n{done.stderr[-2000:]}")
    found = {"whole run": wall}
    for line in (done.stdout + done.stderr).splitlines():
        # stage  wall  steps  p50 ...: the stage's wall time is the first figure.
        m = re.match(r"^(\w+)\s+([0-9.]+\s*(?:ns|µs|us|ms|s))\s", line)
        if m and m.group(1) in STAGES:
            found[m.group(1)] = seconds(m.group(2))
    missing = [s for s in STAGES if s not in found]
    if missing:
        sys.exit(f"no timing for {missing} in:\n{done.stderr[-2000:]}")
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codegen", required=True)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sizes = [args.n, 8 * args.n]
    with tempfile.TemporaryDirectory() as tmp:
        best = {}
        for n in sizes:
            contract = Path(tmp) / f"chain_{n}.yaml"
            contract.write_text(chain(n))
            runs = [run(args.codegen, contract, Path(tmp) / "out") for _ in range(args.runs)]
            best[n] = {k: min(r[k] for r in runs) for k in runs[0]}
    small, large = sizes
    print(f"one contract of N chained definitions, N = {small} and 8N = {large} "
          f"(fastest of {args.runs}; linear = 8.0x, quadratic = 64x)")
    print(f"{'stage':<10} {'N':>10} {'8N':>10} {'ratio':>8}")
    for stage in STAGES + ["whole run"]:
        a, b = best[small][stage], best[large][stage]
        ratio = b / a if a > 0 else float("inf")
        print(f"{stage:<10} {a * 1e3:>8.1f}ms {b * 1e3:>8.1f}ms {ratio:>7.1f}x")


if __name__ == "__main__":
    main()
