#!/usr/bin/env bash
# Installs pfxd's build, test and demo dependencies from Debian 12 packages.
# Idempotent: exits quickly when everything is present; runs `apt-get update` at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libabsl-dev librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libbz2-dev libjemalloc-dev
  bgpdump gobgpd bc
  clang libclang-rt-14-dev
  libssl-dev openssl nodejs npm
  prometheus-cpp-dev libcivetweb-dev prometheus curl python3-yaml
  chromium
  librtr-dev stayrtr nlohmann-json3-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# A machine with its own Node.js (npm on PATH) needs no Debian nodejs/npm.
if command -v npm >/dev/null 2>&1; then
  kept=()
  for p in "${missing[@]}"; do
    if [ "$p" != nodejs ] && [ "$p" != npm ]; then kept+=("$p"); fi
  done
  missing=("${kept[@]+"${kept[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# buf (lints the pfx.v1 protos in `make test`) from the npm registry, pinned, into .tools/.
root="$(cd "$(dirname "$0")/.." && pwd)"
buf_version=1.75.0
buf="$root/.tools/buf/node_modules/.bin/buf"
if [ ! -x "$buf" ] || [ "$("$buf" --version 2>/dev/null)" != "$buf_version" ]; then
  echo "install-deps: installing @bufbuild/buf@$buf_version into .tools/buf" >&2
  npm install --silent --no-audit --no-fund --no-save --prefix "$root/.tools/buf" \
    "@bufbuild/buf@$buf_version" >&2
fi
