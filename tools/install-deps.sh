#!/usr/bin/env bash
# Installs everything copycat needs to build, test and run, from Debian 12's packages only.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates
  # libraries (see README, "Dependencies")
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev libre2-dev libcpp-httplib-dev prometheus-cpp-dev libexpected-dev
  libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  # test peers: the CNCF distribution registry, skopeo, htpasswd, openssl, curl, GNU time
  docker-registry skopeo apache2-utils openssl curl time python3
  # format check
  clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
