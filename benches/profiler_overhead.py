#!/usr/bin/env python3
"""The profiler's own cost: `codegen profile` runs generate with and without
its instrumentation, alternating, the same number of times, and reports the
ratio of the fastest run of each kind, and the ratio of the user-space CPU
time of all the runs of each kind (which a slow shared disk inflates less). This runs it a few times over the same
contracts and prints every figure and their median (goal: under 2%)."""

import argparse
import json
import statistics
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codegen", required=True)
    parser.add_argument("--contracts", required=True)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    figures = []
    cpus = []
    for repeat in range(args.repeats):
        done = subprocess.run(
            [args.codegen, "profile", args.contracts, "--iterations", str(args.iterations),
             "--output-format", "json"],
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            print(f"codegen profile failed with exit {done.returncode}", file=sys.stderr)
            return 1
        profile = json.loads(done.stdout)
        figures.append(profile["overhead"])
        cpu = profile.get("overhead_cpu")
        if cpu is not None:
            cpus.append(cpu)
        print(f"run {repeat + 1}: {profile['contracts']} contracts, "
              f"median generate {profile['median_run_ms']:.0f} ms, "
              f"overhead {profile['overhead'] * 100:+.2f}% of wall time"
              + (f", {cpu * 100:+.2f}% of user CPU time" if cpu is not None else ""))
    median = statistics.median(figures)
    print(f"profiler overhead, median of {len(figures)}: {median * 100:+.2f}% of wall time"
          + (f", {statistics.median(cpus) * 100:+.2f}% of user CPU time" if cpus else "")
          + " (goal under 2%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
