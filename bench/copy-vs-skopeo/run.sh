#!/usr/bin/env bash
# copy-vs-skopeo: measures `copycat copy` against `skopeo copy --all` between two local
# docker-registry processes in the same run, plus a curl GET|PUT pipe as the loopback ceiling
# for the big blob, and prints a table and ratios against copycat's targets. See README.md.
#
#   bench/copy-vs-skopeo/run.sh [--quick] [--big-mib N] [--repeat N] [--rss-scaling]
#                               [--jobs N] [--no-build] [--copycat PATH] [--fixtures PATH]
#                               [--out DIR] [--keep]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIG_MIB=512
LAYERS=40
REPEAT=5
RSS_SCALING=0
JOBS=""
BUILD=1
KEEP=0
COPYCAT="$ROOT/build/release/bin/copycat"
FIXTURES="$ROOT/build/bench/bin/copycat_bench_fixtures"
OUT="$ROOT/build/bench/copy-vs-skopeo"

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) BIG_MIB=32; REPEAT=1; shift ;;
    --big-mib) BIG_MIB=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --rss-scaling) RSS_SCALING=1; shift ;;
    --jobs) JOBS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --copycat) COPYCAT=$2; BUILD=0; shift 2 ;;
    --fixtures) FIXTURES=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage 2 >&2 ;;
  esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

for tool in docker-registry skopeo curl; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian package: $tool)"
done
/usr/bin/time --version 2>&1 | grep -q GNU || die "/usr/bin/time is not GNU time (Debian package: time)"

# ---------------------------------------------------------------------------------------------
# Build: the shipped release binary, and the fixture pusher in a release-like build/bench.
if [[ $BUILD == 1 ]]; then
  note "building copycat (cmake --workflow --preset release)"
  (cd "$ROOT" && cmake --workflow --preset release) >&2
  note "building copycat_bench_fixtures in build/bench"
  (cd "$ROOT" && cmake --preset bench) >&2
  cmake --build "$ROOT/build/bench" -j2 --target copycat_bench_fixtures >&2
fi
[[ -x $COPYCAT ]] || die "no copycat binary at $COPYCAT"
[[ -x $FIXTURES ]] || die "no fixture pusher at $FIXTURES"

# ---------------------------------------------------------------------------------------------
# Registries: anonymous, plain HTTP, storage on tmpfs (distribution fsyncs every file).
PARENT=/dev/shm
[[ -w $PARENT ]] || PARENT=${TMPDIR:-/tmp}
WORK=$(mktemp -d "$PARENT/copycat-bench-XXXXXX")
declare -A REG_PID REG_DIR REG_HOST USED_PORTS

stop_registry() {
  local name=$1 pid=${REG_PID[$1]:-}
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ -n ${REG_DIR[$name]:-} && $KEEP == 0 ]]; then rm -rf "${REG_DIR[$name]}"; fi
  unset "REG_PID[$name]" "REG_DIR[$name]" "REG_HOST[$name]"
}
cleanup() {
  local name
  for name in "${!REG_PID[@]}"; do stop_registry "$name"; done
  if [[ $KEEP == 0 ]]; then rm -rf "$WORK"; else echo "work dir kept: $WORK" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port nobody answers on and this run has not used (so skopeo's persistent blob-info
# cache, keyed by host:port, has no locations for a fresh target).
pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ -n ${USED_PORTS[$p]:-} ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      USED_PORTS[$p]=1
      PORT=$p
      return 0
    fi
  done
  die "no free port"
}

write_config() {  # DIR PORT
  cat >"$1/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $1/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$2
  secret: copycat-bench-upload-secret
EOF
}

# start_registry NAME: REG_HOST[NAME] answers GET /v2/ when this returns.
start_registry() {
  local name=$1 dir pid deadline var unset_env=()
  dir=$(mktemp -d "$WORK/registry-$name-XXXXXX")
  mkdir -p "$dir/storage"
  # distribution lets REGISTRY_* variables override the file.
  for var in $(compgen -e); do
    if [[ $var == REGISTRY_* ]]; then unset_env+=(-u "$var"); fi
  done
  for _ in 1 2 3 4 5; do
    pick_port
    write_config "$dir" "$PORT"
    # Access log lines go to stdout.
    env "${unset_env[@]}" docker-registry serve "$dir/config.yml" \
      >>"$dir/access.log" 2>>"$dir/registry.log" &
    pid=$!
    deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
      if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/v2/"; then
        REG_PID[$name]=$pid REG_DIR[$name]=$dir REG_HOST[$name]="127.0.0.1:$PORT"
        return 0
      fi
      sleep 0.02
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -q "address already in use" "$dir/registry.log" || break
  done
  tail -n 20 "$dir/registry.log" >&2
  die "registry $name did not start"
}

# mark NAME ID: a request whose access-log line delimits a measurement window. distribution
# writes the line after the response, so wait (bounded) until it is there.
mark() {
  local log="${REG_DIR[$1]}/access.log" needle="/v2/_bench/mark/$2 " deadline=$((SECONDS + 5))
  curl -s -o /dev/null --max-time 5 "http://${REG_HOST[$1]}/v2/_bench/mark/$2"
  until grep -qF "$needle" "$log"; do
    ((SECONDS < deadline)) || die "marker $2 never reached the access log of $1"
    sleep 0.005
  done
}

# window_stats NAME A B: request counts between markers A and B:
# total blob_requests blob_puts_201 mounts_201 blob_gets pings manifest_requests
window_stats() {
  awk -F'"' -v a="/v2/_bench/mark/$2 " -v b="/v2/_bench/mark/$3 " '
    index($0, a) { on = 1; next }
    index($0, b) { on = 0 }
    on {
      split($2, r, " "); m = r[1]; t = r[2]; split($3, s, " "); st = s[1]
      p = t; q = index(t, "?"); if (q) p = substr(t, 1, q - 1)
      n++
      if (p ~ /\/blobs\//) blob++
      if (m == "PUT" && p ~ /\/blobs\/uploads\// && st == 201) put++
      if (m == "POST" && t ~ /mount=/ && st == 201) mnt++
      if (m == "GET" && p ~ /\/blobs\/sha256:/) get++
      if (p == "/v2/") ping++
      if (p ~ /\/manifests\//) man++
    }
    END { printf "%d %d %d %d %d %d %d\n", n, blob, put, mnt, get, ping, man }' \
    "${REG_DIR[$1]}/access.log"
}

MARK=0
RESULTS="$WORK/results.tsv"
printf 'image\ttool\tphase\trep\tok\twall_s\tuser_s\tsys_s\trss_kb\tsrc_req\tsrc_blob_get\tdst_req\tdst_blob_req\tdst_put\tdst_mount\tdst_ping\tdst_manifest\tsrc_ping\n' >"$RESULTS"
FAILURES=0

# measure IMAGE TOOL PHASE REP SRC_REG DST_REG -- COMMAND...: runs COMMAND under GNU time between
# markers on both registries and appends a row to $RESULTS.
measure() {
  local image=$1 tool=$2 phase=$3 rep=$4 src=$5 dst=$6
  shift 7
  local id="$image-$tool-$phase-$rep" a=$((++MARK)) b t0 t1 rc=0 tf
  tf="$WORK/time.$id"
  mark "$src" "$a"
  if [[ $dst != "$src" ]]; then mark "$dst" "$a"; fi
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$tf" "$@" >"$WORK/out.$id" 2>"$WORK/err.$id" || rc=$?
  t1=$EPOCHREALTIME
  b=$((++MARK))
  mark "$src" "$b"
  if [[ $dst != "$src" ]]; then mark "$dst" "$b"; fi
  local wall user sys rss
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  user=$(awk -F': ' '/User time \(seconds\)/ { print $2 }' "$tf")
  sys=$(awk -F': ' '/System time \(seconds\)/ { print $2 }' "$tf")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf")
  read -r s_n _ _ _ s_get s_ping _ < <(window_stats "$src" "$a" "$b")
  read -r d_n d_blob d_put d_mnt _ d_ping d_man < <(window_stats "$dst" "$a" "$b")
  local ok=1
  if [[ $rc != 0 ]]; then
    ok=0
    FAILURES=$((FAILURES + 1))
    {
      echo "FAILED ($rc): $image $tool $phase rep $rep"
      printf '  command:'; printf ' %q' "$@"; echo
      sed 's/^/  stdout: /' "$WORK/out.$id"
      sed 's/^/  stderr: /' "$WORK/err.$id" | tail -n 30
    } | tee -a "$WORK/failures.txt" >&2
  fi
  if [[ $ok == 1 && $tool == copycat ]]; then
    local seen=$((s_n + d_n))
    if [[ $src == "$dst" ]]; then seen=$d_n; fi
    crosscheck "$id" "$seen"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$image" "$tool" "$phase" "$rep" "$ok" "$wall" "$user" "$sys" "$rss" "$s_n" "$s_get" \
    "$d_n" "$d_blob" "$d_put" "$d_mnt" "$d_ping" "$d_man" "$s_ping" >>"$RESULTS"
  printf '   %-12s %-8s %-6s rep %s: %6.3f s wall, %5.2f s cpu, %4d MiB, requests src %3d dst %3d%s\n' \
    "$image" "$tool" "$phase" "$rep" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" \
    $((rss / 1024)) "$s_n" "$d_n" "$([[ $ok == 1 ]] || echo '  FAILED')" >&2
  return 0
}

# copycat -o json reports its own request count per registry: compare with the access logs.
crosscheck() {  # ID REQUESTS_SEEN
  local self
  command -v jq >/dev/null || return 0
  self=$(jq -r '[.requests[]] | add // 0' "$WORK/out.$1" 2>/dev/null || echo "?")
  if [[ $self != "$2" ]]; then
    echo "note: $1: copycat reports $self registry requests, the access logs show $2" |
      tee -a "$WORK/notes.txt" >&2
  fi
}

copycat_cmd() {  # SRC_REF DST_REF SRC_HOST DST_HOST
  local cmd=("$COPYCAT" copy "$1" "$2" --insecure-registry "$3" --insecure-registry "$4" -o json)
  if [[ -n $JOBS ]]; then cmd+=(--jobs "$JOBS"); fi
  printf '%s\n' "${cmd[@]}"
}
skopeo_cmd() {  # SRC_REF DST_REF
  printf '%s\n' skopeo --insecure-policy copy --all --quiet --src-tls-verify=false \
    --dest-tls-verify=false --src-no-creds --dest-no-creds "docker://$1" "docker://$2"
}
tool_cmd() {  # TOOL SRC_REF DST_REF SRC_HOST DST_HOST
  if [[ $1 == copycat ]]; then copycat_cmd "$2" "$3" "$4" "$5"; else skopeo_cmd "$2" "$3"; fi
}

# The digest a registry serves for REPO:TAG (any manifest type), for the copy check.
served_digest() {  # HOST REPO TAG
  curl -s -I --max-time 10 \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$1/v2/$2/manifests/$3" | tr -d '\r' |
    awk 'tolower($1) == "docker-content-digest:" { print $2 }'
}

# ---------------------------------------------------------------------------------------------
# Measurements.
RUN_ID=$(date +%s)
START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START_SECONDS=$SECONDS
note "work dir $WORK"
start_registry src
note "source registry ${REG_HOST[src]}; pushing fixtures (big layer ${BIG_MIB} MiB, ${LAYERS} layers, 4 platforms)"
TMPDIR=$WORK "$FIXTURES" --registry "${REG_HOST[src]}" --big-mib "$BIG_MIB" --layers "$LAYERS" \
  >"$WORK/images.tsv" || die "pushing fixtures failed"
BIG_IMAGE="big-${BIG_MIB}m"

declare -A IMG_REF IMG_BLOBS IMG_BYTES IMG_LARGEST IMG_LARGEST_SIZE IMG_DIGEST
IMAGES=()
load_images() {  # FILE
  local name ref blobs bytes largest size repo
  while IFS=$'\t' read -r name ref blobs bytes _ largest size; do
    IMAGES+=("$name")
    IMG_REF[$name]=$ref IMG_BLOBS[$name]=$blobs IMG_BYTES[$name]=$bytes
    IMG_LARGEST[$name]=$largest IMG_LARGEST_SIZE[$name]=$size
    repo=${ref#*/}
    IMG_DIGEST[$name]=$(served_digest "${ref%%/*}" "${repo%:*}" "${repo##*:}")
  done <"$1"
}
load_images "$WORK/images.tsv"

check_copy() {  # IMAGE TOOL HOST REPO
  local got
  got=$(served_digest "$3" "$4" v1)
  if [[ $got != "${IMG_DIGEST[$1]}" ]]; then
    echo "COPY CHECK FAILED: $2 copy of $1 serves '$got', source ${IMG_DIGEST[$1]}" |
      tee -a "$WORK/failures.txt" >&2
    FAILURES=$((FAILURES + 1))
  fi
}

# One tool, one image, one repetition: cold then warm into a fresh target registry (nothing
# left by the other tool, no skopeo cache hits), and in repetition 1 a same-registry copy that
# can mount every blob.
copy_round() {  # IMAGE TOOL REP
  local image=$1 tool=$2 rep=$3 cmd repo mount_repo
  start_registry dst
  repo="run-$RUN_ID/$image-$tool-r$rep"
  mapfile -t cmd < <(tool_cmd "$tool" "${IMG_REF[$image]}" "${REG_HOST[dst]}/$repo:v1" \
    "${REG_HOST[src]}" "${REG_HOST[dst]}")
  measure "$image" "$tool" cold "$rep" src dst -- "${cmd[@]}"
  check_copy "$image" "$tool" "${REG_HOST[dst]}" "$repo"
  measure "$image" "$tool" warm "$rep" src dst -- "${cmd[@]}"
  if [[ $rep == 1 ]]; then
    mount_repo="run-$RUN_ID/$image-$tool-mount"
    mapfile -t cmd < <(tool_cmd "$tool" "${REG_HOST[dst]}/$repo:v1" \
      "${REG_HOST[dst]}/$mount_repo:v1" "${REG_HOST[dst]}" "${REG_HOST[dst]}")
    measure "$image" "$tool" mount "$rep" dst dst -- "${cmd[@]}"
    check_copy "$image" "$tool" "${REG_HOST[dst]}" "$mount_repo"
  fi
  stop_registry dst
}

# The loopback ceiling: POST an upload session, then GET the blob piped into a monolithic PUT.
cat >"$WORK/pipe.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
src=$1 src_repo=$2 dst=$3 dst_repo=$4 digest=$5 size=$6
loc=$(curl -sS --fail -X POST -D - -o /dev/null "http://$dst/v2/$dst_repo/blobs/uploads/" |
  tr -d '\r' | awk 'tolower($1) == "location:" { print $2 }')
[[ $loc == /* ]] && loc="http://$dst$loc"
sep='?'; [[ $loc == *\?* ]] && sep='&'
curl -sS --fail "http://$src/v2/$src_repo/blobs/$digest" |
  curl -sS --fail -o /dev/null -X PUT -T - -H 'Transfer-Encoding:' -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' -H "Content-Length: $size" \
    "$loc${sep}digest=$digest"
EOF
chmod +x "$WORK/pipe.sh"

pipe_round() {  # IMAGE REP
  local image=$1 rep=$2 src_repo code
  start_registry dst
  src_repo=${IMG_REF[$image]#*/}
  src_repo=${src_repo%:*}
  measure "$image" curl-pipe cold "$rep" src dst -- "$WORK/pipe.sh" "${REG_HOST[src]}" \
    "$src_repo" "${REG_HOST[dst]}" "run-$RUN_ID/pipe-r$rep" "${IMG_LARGEST[$image]}" \
    "${IMG_LARGEST_SIZE[$image]}"
  code=$(curl -s -o /dev/null -w '%{http_code}' -I \
    "http://${REG_HOST[dst]}/v2/run-$RUN_ID/pipe-r$rep/blobs/${IMG_LARGEST[$image]}")
  if [[ $code != 200 ]]; then
    echo "PIPE CHECK FAILED: blob HEAD answered $code" | tee -a "$WORK/failures.txt" >&2
    FAILURES=$((FAILURES + 1))
  fi
  stop_registry dst
}

for image in "${IMAGES[@]}"; do
  note "$image: ${IMG_BLOBS[$image]} blobs, ${IMG_BYTES[$image]} bytes, $REPEAT repetition(s)"
  for rep in $(seq "$REPEAT"); do
    # Alternate the order so neither tool always runs on a warmer page cache.
    if ((rep % 2)); then order=(copycat skopeo); else order=(skopeo copycat); fi
    for tool in "${order[@]}"; do copy_round "$image" "$tool" "$rep"; done
    if [[ $image == "$BIG_IMAGE" ]]; then pipe_round "$image" "$rep"; fi
  done
done

if [[ $RSS_SCALING == 1 ]]; then
  note "rss scaling: pushing 1 GiB and 1 MiB single-layer images"
  TMPDIR=$WORK "$FIXTURES" --registry "${REG_HOST[src]}" --big-mib 1024 --big-mib 1 \
    --layers 0 --no-platforms --seed 101 >"$WORK/images-rss.tsv" || die "pushing rss fixtures failed"
  IMAGES_MAIN=("${IMAGES[@]}")
  load_images "$WORK/images-rss.tsv"
  for image in big-1024m big-1m; do
    start_registry dst
    mapfile -t cmd < <(copycat_cmd "${IMG_REF[$image]}" "${REG_HOST[dst]}/run-$RUN_ID/$image:v1" \
      "${REG_HOST[src]}" "${REG_HOST[dst]}")
    measure "$image" copycat cold 1 src dst -- "${cmd[@]}"
    check_copy "$image" copycat "${REG_HOST[dst]}" "run-$RUN_ID/$image"
    stop_registry dst
  done
  IMAGES=("${IMAGES_MAIN[@]}")
fi
# The floor each process pays before copying anything (shared libraries, runtime).
idle_rss() { /usr/bin/time -f %M -o "$WORK/idle" "$@" >/dev/null 2>&1 || true; tail -n 1 "$WORK/idle"; }
IDLE_RSS_COPYCAT=$(idle_rss "$COPYCAT" --help)
IDLE_RSS_SKOPEO=$(idle_rss skopeo --version)
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$((SECONDS - START_SECONDS))

# ---------------------------------------------------------------------------------------------
# Report: medians over the successful repetitions.
values() {  # IMAGE TOOL PHASE FIELD (cpu_s = user_s + sys_s, rss_mib = rss_kb / 1024), sorted
  awk -F'\t' -v i="$1" -v t="$2" -v p="$3" -v f="$4" '
    NR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
    $1 == i && $2 == t && $3 == p && $5 == 1 {
      if (f == "cpu_s") print $col["user_s"] + $col["sys_s"]
      else if (f == "rss_mib") print $col["rss_kb"] / 1024
      else print $col[f]
    }' "$RESULTS" | sort -g
}
med() {  # IMAGE TOOL PHASE FIELD: the median over successful repetitions, "nan" when none
  values "$@" | awk '{ a[NR] = $1 } END {
      if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]
      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
range() {  # IMAGE TOOL PHASE FIELD: "min-max"
  values "$@" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.2f-%.2f", lo, hi }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b + 0 == 0) print "nan"; else printf "%.2f", a / b }'; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b + 0 == 0) print "nan"; else printf "%.2f", a / b }'; }
verdict() {  # VALUE LIMIT
  awk -v v="$1" -v l="$2" 'BEGIN { if (v == "nan") print "n/a"; else if (v + 0 <= l + 0) print "met"; else print "NOT met" }'
}

report() {
  local image tool phase wall cpu rss sreq dreq blob put mnt
  echo "copy-vs-skopeo $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
  echo "load average at start: $START_LOAD; at end: $END_LOAD; benchmark time ${ELAPSED} s"
  echo "copycat: $COPYCAT ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD 2>/dev/null || echo '+changes'))"
  echo "$(skopeo --version); $(docker-registry --version | awk '{ print $1, $3 }'); $(curl --version | head -1 | cut -d' ' -f1-2)"
  echo "idle peak RSS: copycat --help $((IDLE_RSS_COPYCAT / 1024)) MiB, skopeo --version $((IDLE_RSS_SKOPEO / 1024)) MiB"
  echo "big layer ${BIG_MIB} MiB; ${LAYERS} layers; repetitions $REPEAT (median shown); copycat jobs: ${JOBS:-default}"
  echo
  printf '%-12s %-9s %-5s %8s %11s %6s %8s %7s %7s %12s\n' image tool phase "wall s" "wall range" \
    "cpu s" "rss MiB" "src req" "dst req" "dst req/blob"
  for image in "${IMAGES[@]}" $([[ $RSS_SCALING == 1 ]] && echo big-1024m big-1m); do
    for tool in copycat skopeo curl-pipe; do
      for phase in cold warm mount; do
        wall=$(med "$image" "$tool" "$phase" wall_s)
        [[ $wall == nan ]] && continue
        cpu=$(med "$image" "$tool" "$phase" cpu_s)
        rss=$(med "$image" "$tool" "$phase" rss_mib)
        sreq=$(med "$image" "$tool" "$phase" src_req)
        dreq=$(med "$image" "$tool" "$phase" dst_req)
        blob=$(med "$image" "$tool" "$phase" dst_blob_req)
        put=$(med "$image" "$tool" "$phase" dst_put)
        mnt=$(med "$image" "$tool" "$phase" dst_mount)
        if [[ $phase == mount ]]; then sreq="-"; fi
        blob=$(per "$blob" "$(awk -v a="$put" -v b="$mnt" 'BEGIN { print a + b }')")
        if [[ $blob == nan ]]; then blob="-"; fi
        printf '%-12s %-9s %-5s %8.3f %11s %6.2f %8.1f %7s %7s %12s\n' "$image" "$tool" \
          "$phase" "$wall" "$(range "$image" "$tool" "$phase" wall_s)" "$cpu" "$rss" "$sreq" \
          "$dreq" "$blob"
      done
    done
  done
  echo
  echo "dst req/blob = requests on /blobs/ at the target (HEAD, POST, PATCH, PUT) / blobs uploaded (PUT 201) or mounted (POST ?mount 201)"
  echo
  echo "ratios (copycat against the reference; cold = empty target)"
  row() { printf '  %-56s %8s   %-12s %s\n' "$1" "$2" "$3" "$4"; }
  local r b=$BIG_IMAGE l="layers-$LAYERS" p=platforms-4
  r=$(ratio "$(med "$b" copycat cold wall_s)" "$(med "$b" curl-pipe cold wall_s)")
  row "$b cold wall, copycat / curl pipe" "$r" "target <=1.1" "$(verdict "$r" 1.1)"
  r=$(ratio "$(med "$b" copycat cold wall_s)" "$(med "$b" skopeo cold wall_s)")
  row "$b cold wall, copycat / skopeo" "$r" "(info)" ""
  r=$(ratio "$(med "$b" copycat cold cpu_s)" "$(med "$b" skopeo cold cpu_s)")
  row "$b cold cpu, copycat / skopeo" "$r" "target <=0.5" "$(verdict "$r" 0.5)"
  for image in "$l" "$p"; do
    r=$(ratio "$(med "$image" copycat cold wall_s)" "$(med "$image" skopeo cold wall_s)")
    row "$image cold wall, copycat / skopeo" "$r" "target <=0.5" "$(verdict "$r" 0.5)"
  done
  for image in "${IMAGES[@]}"; do
    r=$(ratio "$(med "$image" copycat cold rss_kb)" "$(med "$image" skopeo cold rss_kb)")
    row "$image cold peak RSS, copycat / skopeo" "$r" "target <=0.75" "$(verdict "$r" 0.75)"
  done
  if [[ $RSS_SCALING == 1 ]]; then
    r=$(ratio "$(med big-1024m copycat cold rss_kb)" "$(med big-1m copycat cold rss_kb)")
    row "copycat peak RSS, 1 GiB layer / 1 MiB layer" "$r" "target ~1 (<=1.1)" "$(verdict "$r" 1.1)"
  fi
  r=$(ratio "$(med "$b" copycat cold rss_kb)" "$(med "$p" copycat cold rss_kb)")
  row "copycat peak RSS, $b / $p" "$r" "(info)" ""
  for image in "${IMAGES[@]}"; do
    r=$(awk -v a="$(med "$image" copycat cold rss_kb)" -v b="$IDLE_RSS_COPYCAT" \
      -v c="$(med "$image" skopeo cold rss_kb)" -v d="$IDLE_RSS_SKOPEO" \
      'BEGIN { printf "%.1f / %.1f", (a - b) / 1024, (c - d) / 1024 }')
    row "$image cold RSS above idle MiB, copycat / skopeo" "$r" "(info)" ""
  done
  for image in "${IMAGES[@]}"; do
    r=$(awk -v a="$(med "$image" copycat warm src_req)" -v b="$(med "$image" copycat warm dst_req)" 'BEGIN { print a + b }')
    row "$image warm requests per tag, copycat" "$r" "target <=2" "$(verdict "$r" 2)"
    r=$(awk -v a="$(med "$image" skopeo warm src_req)" -v b="$(med "$image" skopeo warm dst_req)" 'BEGIN { print a + b }')
    row "$image warm requests per tag, skopeo" "$r" "(info)" ""
  done
  for image in "${IMAGES[@]}"; do
    r=$(per "$(med "$image" copycat cold dst_blob_req)" "$(med "$image" copycat cold dst_put)")
    row "$image target requests per uploaded blob, copycat" "$r" "target <=2" "$(verdict "$r" 2)"
    r=$(per "$(med "$image" copycat mount dst_blob_req)" "$(med "$image" copycat mount dst_mount)")
    row "$image target requests per mounted blob, copycat" "$r" "target <=1" "$(verdict "$r" 1)"
  done
  if [[ -f $WORK/notes.txt ]]; then
    echo
    cat "$WORK/notes.txt"
  fi
  if [[ $FAILURES != 0 ]]; then
    echo
    echo "FAILURES: $FAILURES"
    cat "$WORK/failures.txt"
  fi
}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT/$STAMP"
report | tee "$OUT/$STAMP/report.txt"
cp "$RESULTS" "$OUT/$STAMP/results.tsv"
if [[ -f $WORK/failures.txt ]]; then
  cp "$WORK"/failures.txt "$OUT/$STAMP/"
  for f in "$WORK"/err.* "$WORK"/out.*; do cp "$f" "$OUT/$STAMP/"; done
fi
note "results in $OUT/$STAMP"
[[ $FAILURES == 0 ]]
