#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the normal build, then the
# ASan+UBSan build. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The interop test's third-party client, at the version package-lock.json pins.
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)

run_suite() {
  local kind="$1" dir="$2"
  echo "=== build ($kind) ==="
  scripts/build.sh "$kind"
  echo "=== test ($kind) ==="
  ctest --test-dir "$dir" -j "$(nproc)" --output-on-failure --timeout 300
}

run_suite release build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_suite asan build-asan
echo "all tests passed (release and asan)"
