#!/usr/bin/env bash
# watch-scale: copycat's reflectors + discovery against FakeApiServer holding N realistic pods
# (4-8 KB of JSON each, 5 containers) plus their Deployments and ReplicaSets. The server runs
# in its own process, so the client's peak RSS (VmHWM) is copycat's alone. Prints a table:
# time to initial sync, objects/s, peak RSS, LIST/WATCH requests, demands.
#
#   bench/watch-scale/run.sh [--build DIR] [--no-build] [--pods "10000 50000"] [--churn N]
#                            [--hold-ms MS] [--qps Q] [--burst B]
#
# Targets: < 48 MiB peak RSS at 10,000 pods; initial list >= 20,000 objects/s.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR="$ROOT/build/bench-watch-scale"
BUILD=1
PODS="10000 50000"
CHURN=200
HOLD_MS=3000
QPS=20
BURST=30

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD_DIR=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --pods) PODS=$2; shift 2 ;;
    --churn) CHURN=$2; shift 2 ;;
    --hold-ms) HOLD_MS=$2; shift 2 ;;
    --qps) QPS=$2; shift 2 ;;
    --burst) BURST=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done

if [[ $BUILD == 1 ]]; then
  (cd "$ROOT" && cmake --preset bench -B "$BUILD_DIR") >/dev/null
  cmake --build "$BUILD_DIR" -j2 --target watch_scale_server watch_scale_client >/dev/null
fi
SERVER_BIN="$BUILD_DIR/bench/watch-scale/watch_scale_server"
CLIENT_BIN="$BUILD_DIR/bench/watch-scale/watch_scale_client"

# value KEY LINE: the value of key=value in LINE.
value() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

rows=()
for n in $PODS; do
  coproc SERVER { exec "$SERVER_BIN" --pods "$n" --churn "$CHURN"; }
  server_pid=$SERVER_PID
  read -r ready url pod_bytes <&"${SERVER[0]}"
  if [[ $ready != READY ]]; then
    echo "server for $n pods did not start" >&2
    exit 1
  fi
  result=$("$CLIENT_BIN" --server "$url" --pods "$n" --hold-ms "$HOLD_MS" --qps "$QPS" \
    --burst "$BURST")
  exec {SERVER[1]}>&-  # closing its stdin stops the server
  wait "$server_pid" || true
  echo "# $n pods, $((pod_bytes / n)) bytes of JSON per pod: $result" >&2
  hwm=$(value vmhwm_kib "$result")
  rows+=("$(printf '%7s %8s %8s %10s %9s %8s %6s %7s %8s %7s' "$n" "$(value objects "$result")" \
    "$(value sync_s "$result")" "$(value objects_per_s "$result")" \
    "$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(awk -v k="$(value rss_synced_kib "$result")" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$(value lists "$result")" "$(value watches "$result")" "$(value demands "$result")" \
    "$(value events "$result")")")
done

printf '%7s %8s %8s %10s %9s %8s %6s %7s %8s %7s\n' pods objects sync_s objects/s \
  peak_MiB rss_MiB LISTs WATCHes demands events
for row in "${rows[@]}"; do
  echo "$row"
done
