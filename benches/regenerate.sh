#!/usr/bin/env bash
# Whole-run benchmark of incremental regeneration: N contracts (copies of the
# examples under unique names) generated into a fresh directory, then a no-op
# rerun and a --check over the unchanged output, each timed in the same run.
# Usage: benches/regenerate.sh [N] (default 1000). Prints a table with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
cargo build --release --quiet
bin="$PWD/target/release/codegen"
work="$(mktemp -d "${TMPDIR:-/tmp}/codegen-bench-regen.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/contracts"
i=0
for example in contracts/*.yaml; do names+=("$example"); done
while [ "$i" -lt "$n" ]; do
  example="${names[$((i % ${#names[@]}))]}"
  name="$(sed -n 's/^name: *//p' "$example" | head -1)"
  suffix="$(printf '%05d' "$i")"
  sed "s/${name}/${name}_${suffix}/g" "$example" > "$work/contracts/c${suffix}.yaml"
  i=$((i + 1))
done
cd "$work"
now() { date +%s.%N; }
time_run() { local s e; s=$(now); "$@" >/dev/null 2>&1 || true; e=$(now); echo "$e - $s" | bc -l; }
first=$(time_run "$bin" generate contracts -o out -q)
noop=$(time_run "$bin" generate contracts -o out -q)
check=$(time_run "$bin" generate contracts -o out --check -q)
"$bin" generate contracts -o out --check -q >/dev/null 2>&1 || { echo "--check found the fresh output stale"; exit 1; }
printf '%-28s %10s %10s\n' "run ($n contracts)" "seconds" "vs first"
printf '%-28s %10.3f %10s\n' "first run" "$first" "1.00x"
printf '%-28s %10.3f %9.1fx\n' "no-op rerun" "$noop" "$(echo "$first / $noop" | bc -l)"
printf '%-28s %10.3f %9.1fx\n' "--check, unchanged" "$check" "$(echo "$first / $check" | bc -l)"
