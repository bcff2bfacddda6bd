#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) over src/ with a configured build directory's
# compile_commands.json. Usage: tools/run_tidy.sh [BUILD_DIR] [FILE_REGEX]
# Prints every diagnostic and exits 1 when there is any. Takes ~15 minutes on 2 cores for the
# whole tree; pass a regex (e.g. 'src/registry/') to check one module.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
filter=${2:-src/}
if [[ ! -f $build/compile_commands.json ]]; then
  echo "run_tidy: $build/compile_commands.json missing; configure first (cmake --preset dev)" >&2
  exit 2
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run-clang-tidy -quiet -p "$build" -j "$(nproc)" "$PWD/$filter" 2>/dev/null |
  sed -E 's/\x1b\[[0-9;]*m//g' >"$out" || true
# Keep our own diagnostics (file:line:col: warning|error), once each.
grep -E "^$PWD/src/.*: (warning|error):" "$out" | sort -u | tee /dev/stderr | grep -q . && exit 1
echo "run_tidy: no diagnostics"
