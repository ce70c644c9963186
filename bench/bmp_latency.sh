#!/usr/bin/env bash
# Route latency through real BGP and BMP: partner gobgpd -> edge gobgpd -> BMP -> pfxd, from
# `gobgp global rib add` to the prefix's VERIFIED state, 20 runs (loopback only).
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null
build/bench/bmp_latency --gtest_brief=1 2>/dev/null | grep -E "VERIFIED|FAILED"
