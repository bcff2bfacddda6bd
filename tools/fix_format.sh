#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' | xargs -r clang-format -i
