#!/usr/bin/env bash
# controller: the real `copycat run` against FakeApiServer holding 2,000 workloads (six kinds, 20
# namespaces) on 200 images with shared base layers, mirroring between two local docker-registry
# processes; then N new Deployments created one at a time for the event -> copy-start latency.
# The peer in the same run: `skopeo copy --all` of the same 200 images one after another into a
# fresh registry. Prints a report with ratios copycat/skopeo. See README.md.
#
#   bench/controller/run.sh [--quick] [--images N] [--workloads N] [--new N] [--workers N]
#                           [--no-skopeo] [--no-build] [--copycat PATH] [--build DIR]
#                           [--out DIR] [--keep]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=1
BUILD_COPYCAT=1
COPYCAT="$ROOT/build/release/bin/copycat"
BUILD_DIR="$ROOT/build/bench"
OUT="$ROOT/build/bench/controller"
ARGS=()

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) ARGS+=(--images 50 --workloads 500 --new 20); shift ;;
    --images|--workloads|--new|--workers|--namespaces|--unique-kib|--base-kib|--timeout)
      ARGS+=("$1" "$2"); shift 2 ;;
    --no-skopeo|--keep) ARGS+=("$1"); shift ;;
    --no-build) BUILD=0; shift ;;
    --copycat) COPYCAT=$2; BUILD_COPYCAT=0; shift 2 ;;
    --build) BUILD_DIR=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage 2 >&2 ;;
  esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

for tool in docker-registry skopeo; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian package: $tool)"
done
/usr/bin/time --version 2>&1 | grep -q GNU || die "/usr/bin/time is not GNU time (Debian package: time)"

# Build: the shipped release binary (unless --copycat), and only the driver in a release-like
# build dir with the test support library.
if [[ $BUILD == 1 ]]; then
  if [[ $BUILD_COPYCAT == 1 ]]; then
    note "building copycat (cmake --workflow --preset release)"
    (cd "$ROOT" && cmake --workflow --preset release) >&2
  fi
  note "building controller_bench in $BUILD_DIR"
  (cd "$ROOT" && cmake --preset bench -B "$BUILD_DIR") >&2
  cmake --build "$BUILD_DIR" -j2 --target controller_bench >&2
fi
DRIVER="$BUILD_DIR/bin/controller_bench"
[[ -x $COPYCAT ]] || die "no copycat binary at $COPYCAT"
[[ -x $DRIVER ]] || die "no driver at $DRIVER"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')
if ! (cd "$ROOT" && git diff --quiet HEAD 2>/dev/null); then REV="$REV+changes"; fi
note "copycat $COPYCAT ($REV); results in $OUT/$STAMP"
# Registries keep their storage on /dev/shm (RegistryProcess): distribution fsyncs every file.
mkdir -p "$OUT/$STAMP"
rc=0
"$DRIVER" --copycat "$COPYCAT" --out "$OUT/$STAMP" "${ARGS[@]}" || rc=$?
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ); copycat revision $REV"
  echo "$(skopeo --version); $(docker-registry --version | awk '{ print $1, $3 }')"
} | tee -a "$OUT/$STAMP/report.txt"
exit $rc
