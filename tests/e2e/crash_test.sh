#!/usr/bin/env bash
# The full crash test (issue 14 §4): MUTATIONS acknowledged mutations of every kind (default
# 10000) while pfxd is killed with SIGKILL KILLS times (default 25) at random moments and
# restarted on the same data dir; then every acknowledged create and delete is checked and
# `pfxd --check_db` must report clean. ctest runs the same test at 1500 / 5.
# Usage: tests/e2e/crash_test.sh [MUTATIONS [KILLS [SEED]]]   (BUILD_DIR, default build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
make build BUILD_DIR="$BUILD_DIR" >/dev/null
export PFX_CRASH_MUTATIONS=${1:-10000} PFX_CRASH_KILLS=${2:-25}
[ -n "${3:-}" ] && export PFX_CRASH_SEED=$3
"$BUILD_DIR/tests/crash_test" --gtest_filter='CrashTest.*' 2>&1 | grep -E "crash test:|OK|FAILED|Failure|worker"
