#!/usr/bin/env bash
# The step of the GitHub Action (action.yml): install codegen into a venv of its
# own, then run `generate --check` and/or `validate` with GitHub annotations.
# Inputs arrive as INPUT_* variables; exit 0 (clean), 1 (stale output or
# findings) or 2 (bad input, or codegen could not be installed).
set -uo pipefail

fail() {
    echo "::error title=codegen::$1"
    exit 2
}

cd "${INPUT_WORKING_DIRECTORY:-.}" || fail "no working directory ${INPUT_WORKING_DIRECTORY:-.}"
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/onex-codegen-venv"
python="${INPUT_PYTHON:-python3}"
package="${INPUT_PACKAGE:-}"
[ -n "$package" ] || package="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"

"$python" -m venv "$venv" || fail "could not create a venv with $python"
read -ra pip_args <<<"${INPUT_PIP_ARGS:-}"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pip_args[@]}" "$package" ||
    fail "could not install codegen from $package"
codegen="$venv/bin/codegen"
"$codegen" --version || fail "the installed codegen does not run"
# Later steps of the job can call `codegen` too.
[ -n "${GITHUB_PATH:-}" ] && echo "$venv/bin" >>"$GITHUB_PATH"

read -ra args <<<"${INPUT_ARGS:-}"
worst=0
record() {
    local status=$1
    if [ "$status" -gt "$worst" ]; then worst=$status; fi
}

if [ "${INPUT_CHECK:-true}" = true ]; then
    read -ra contracts <<<"${INPUT_CONTRACTS:-}"
    "$codegen" generate --check --output-format github "${args[@]}" "${contracts[@]}"
    record $?
fi
if [ -n "${INPUT_VALIDATE:-}" ]; then
    read -ra paths <<<"$INPUT_VALIDATE"
    "$codegen" validate --output-format github "${args[@]}" "${paths[@]}"
    record $?
fi
# Any status above 2 (a signal) is reported as 2.
[ "$worst" -gt 2 ] && worst=2
exit "$worst"
