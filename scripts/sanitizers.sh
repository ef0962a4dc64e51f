#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and then ThreadSanitizer (the parallel sweeps,
# the experiment's worker threads), each in its own build folder.
# Usage: scripts/sanitizers.sh [address|thread ...] (default: both).
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
# Leak reports come from the toolchain's test libraries (XCTest, Foundation's Process), not
# from the code under test; they are left out so that child processes keep their exit codes.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
for kind in "${kinds[@]}"; do
  echo "sanitizers: swift test --sanitize=$kind"
  swift test --sanitize="$kind" --scratch-path ".build/sanitize-$kind"
done
