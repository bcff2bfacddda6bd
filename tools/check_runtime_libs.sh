#!/usr/bin/env bash
# Checks that the Dockerfile's runtime stage would carry every shared library copycat needs,
# without building the image (no container engine here):
#   1. every library the binary lists as NEEDED (readelf -d) belongs to a Debian package named
#      in the Dockerfile's RUNTIME_PACKAGES;
#   2. every library the loader resolves (ldd, transitively) belongs to a package in the
#      dependency closure of RUNTIME_PACKAGES (what apt installs along with them);
#   3. ca-certificates is listed (TLS towards registries and the API server);
#   4. every package in BUILD_PACKAGES is one that tools/install-deps.sh installs.
# Sanitizer runtimes (libasan, libubsan, ...) are accepted only as what they are: artefacts of
# an instrumented test build, never shipped.
#
# Usage: tools/check_runtime_libs.sh [path/to/copycat] [path/to/Dockerfile]
#   default binary: build/release/bin/copycat; default Dockerfile: ./Dockerfile
# Needs: readelf (binutils), ldd, dpkg-query; the libraries installed (tools/install-deps.sh).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/build/release/bin/copycat}"
dockerfile="${2:-$root/Dockerfile}"
install_deps="$root/tools/install-deps.sh"

die() {
  echo "check_runtime_libs: $*" >&2
  exit 2
}
[ -x "$binary" ] || die "binary not found or not executable: $binary"
[ -r "$dockerfile" ] || die "Dockerfile not readable: $dockerfile"
for tool in readelf ldd dpkg-query; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

# Prints the words of `ARG NAME="..."` (backslash-continued lines joined).
dockerfile_list() {
  sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba}' "$dockerfile" |
    sed -n "s/^ARG $1=\"\\(.*\\)\"[[:space:]]*\$/\\1/p" | tr -s ' \t' '\n' | sed '/^$/d'
}

mapfile -t runtime_pkgs < <(dockerfile_list RUNTIME_PACKAGES)
mapfile -t build_pkgs < <(dockerfile_list BUILD_PACKAGES)
[ ${#runtime_pkgs[@]} -gt 0 ] || die "no ARG RUNTIME_PACKAGES=\"...\" in $dockerfile"
[ ${#build_pkgs[@]} -gt 0 ] || die "no ARG BUILD_PACKAGES=\"...\" in $dockerfile"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Owning package of a library path. Debian 12 is usr-merged but dpkg records each file under
# the path its package ships it at (/lib/... for libc6, /usr/lib/... for most others), so try
# the path as given, its /usr twin, and the resolved symlink target.
owner_of() {
  local path="$1" candidates=() c out
  candidates+=("$path")
  case "$path" in
    /usr/*) candidates+=("${path#/usr}") ;;
    *) candidates+=("/usr$path") ;;
  esac
  local real
  real="$(readlink -f "$path" 2>/dev/null || true)"
  if [ -n "$real" ] && [ "$real" != "$path" ]; then
    candidates+=("$real")
    case "$real" in
      /usr/*) candidates+=("${real#/usr}") ;;
      *) candidates+=("/usr$real") ;;
    esac
  fi
  for c in "${candidates[@]}"; do
    if out="$(dpkg-query -S "$c" 2>/dev/null)"; then
      # "libssl3:amd64: /usr/lib/..." -> libssl3 (diversions print several lines; first wins)
      echo "${out%%:*}" | head -n1 | sed 's/,.*//'
      return 0
    fi
  done
  return 1
}

is_sanitizer_runtime() {
  case "$1" in
    libasan.so* | libubsan.so* | liblsan.so* | libtsan.so* | libhwasan.so*) return 0 ;;
  esac
  return 1
}

# Dependency closure (Depends + Pre-Depends, every alternative that is installed) of the
# runtime packages, over the installed package database.
declare -A closure=()
queue=("${runtime_pkgs[@]}")
while [ ${#queue[@]} -gt 0 ]; do
  pkg="${queue[0]}"
  queue=("${queue[@]:1}")
  [ -n "${closure[$pkg]:-}" ] && continue
  closure[$pkg]=1
  deps="$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$pkg" 2>/dev/null || true)"
  [ -n "$deps" ] || continue
  while read -r dep; do
    dep="${dep%%:*}"
    [ -n "$dep" ] && [ -z "${closure[$dep]:-}" ] && queue+=("$dep")
  done < <(echo "$deps" | tr ',|' '\n' | sed -e 's/([^)]*)//g' -e 's/^[[:space:]]*//' \
    -e 's/[[:space:]].*$//')
done

declare -A listed=()
for pkg in "${runtime_pkgs[@]}"; do
  listed[$pkg]=1
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
    fail "runtime package $pkg is not installed here (tools/install-deps.sh installs it)"
done

echo "binary: $binary"
echo "runtime packages: ${runtime_pkgs[*]}"

# 1. Direct dependencies must be named in the list itself.
declare -A needed_used=()
while read -r soname; do
  if is_sanitizer_runtime "$soname"; then
    echo "note: $soname is a sanitizer runtime (instrumented build only; never shipped)"
    continue
  fi
  path="$(ldd "$binary" | awk -v s="$soname" '$1 == s && $2 == "=>" { print $3 }')"
  if [ -z "$path" ] || [ "$path" = "not" ]; then
    fail "NEEDED $soname is not resolvable by the loader"
    continue
  fi
  if ! pkg="$(owner_of "$path")"; then
    fail "NEEDED $soname ($path) belongs to no Debian package"
    continue
  fi
  needed_used[$pkg]=1
  if [ -n "${listed[$pkg]:-}" ]; then
    echo "ok: $soname <- $pkg"
  else
    fail "NEEDED $soname comes from $pkg, which RUNTIME_PACKAGES does not list"
  fi
done < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

# 2. Everything the loader maps must come with the listed packages.
while read -r name path; do
  base="$(basename "$name")"
  is_sanitizer_runtime "$base" && continue
  [ "$base" = "linux-vdso.so.1" ] && continue
  if [ "$path" = "not" ]; then
    fail "$name is not found by the loader"
    continue
  fi
  if ! pkg="$(owner_of "$path")"; then
    fail "$name ($path) belongs to no Debian package"
    continue
  fi
  if [ -n "${closure[$pkg]:-}" ]; then
    echo "ok: $base <- $pkg (installed with the runtime packages)"
  else
    fail "$base ($path) comes from $pkg, which the runtime packages do not install"
  fi
done < <(ldd "$binary" | awk '$2 == "=>" { print $1, $3; next } $1 ~ /^\// { print $1, $1 }')

# 3. TLS trust store.
[ -n "${listed[ca-certificates]:-}" ] || fail "ca-certificates is missing from RUNTIME_PACKAGES"

# 4. The build stage installs nothing the project's own install script does not know.
install_words="$(sed 's/#.*//' "$install_deps" | tr -s ' \t()"' '\n')"
for pkg in "${build_pkgs[@]}"; do
  grep -qxF -- "$pkg" <<<"$install_words" ||
    fail "build package $pkg is not installed by tools/install-deps.sh"
done

# Listed packages this binary does not link (yet) are fine: the list covers every library the
# project depends on. Say which, so a stale entry is visible.
unused=()
for pkg in "${runtime_pkgs[@]}"; do
  [ "$pkg" = "ca-certificates" ] && continue
  [ -z "${needed_used[$pkg]:-}" ] && unused+=("$pkg")
done
[ ${#unused[@]} -eq 0 ] || echo "note: listed but not linked by this binary: ${unused[*]}"

if [ "$failures" -gt 0 ]; then
  echo "check_runtime_libs: $failures problem(s)"
  exit 1
fi
echo "check_runtime_libs: the runtime stage provides every library copycat needs"
