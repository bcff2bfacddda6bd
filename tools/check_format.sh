#!/usr/bin/env bash
# Fails when any tracked or new C++ file is not clang-format clean. tools/fix_format.sh fixes.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' 2>/dev/null || find src test bench -name '*.h' -o -name '*.cc')
[ -z "$files" ] && exit 0
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files
