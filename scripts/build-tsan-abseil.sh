#!/usr/bin/env bash
# Builds Debian's own abseil source package with -fsanitize=thread into DEST (default
# .tools/absl-tsan), for `make test-tsan`: TSan only understands absl::Mutex when abseil itself
# is instrumented (docs/testing.md#sanitizers). The shared libraries keep Debian's sonames and
# inline namespace, so putting DEST/lib first on LD_LIBRARY_PATH swaps them in under the same
# pfxd, gRPC and RocksDB binaries. Idempotent: a finished DEST is left alone.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$ROOT/.tools/absl-tsan}
JOBS=${JOBS:-$(nproc)}

if [[ -f $DEST/.complete ]]; then
  echo "build-tsan-abseil: $DEST is built"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi

# apt-get source needs deb-src entries; Debian 12 ships only binary ones by default.
if ! apt-get source --print-uris abseil >/dev/null 2>&1; then
  $SUDO tee /etc/apt/sources.list.d/pfxd-deb-src.sources >/dev/null <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  $SUDO apt-get update -qq
fi

# The source of exactly the installed binary version, so the ABI matches what gRPC links.
VERSION=$(dpkg-query -W -f='${source:Version}' libabsl-dev)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && apt-get source -qq "abseil=$VERSION" >/dev/null)
SRC=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'abseil-*' | head -n1)

# The flags of debian/rules (C++17, shared), plus TSan.
cmake -S "$SRC" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_STANDARD=17 -DBUILD_SHARED_LIBS=ON -DBUILD_TESTING=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
  -DCMAKE_INSTALL_PREFIX="$DEST" -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
cmake --build "$WORK/build" -j "$JOBS"
cmake --install "$WORK/build" >/dev/null
touch "$DEST/.complete"
echo "build-tsan-abseil: installed $VERSION with -fsanitize=thread in $DEST"
