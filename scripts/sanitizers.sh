#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and then ThreadSanitizer (the parallel sweeps,
# the experiment's worker threads), each in its own build folder.
# Usage: scripts/sanitizers.sh [address|thread ...] (default: both).
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
for kind in "${kinds[@]}"; do
  echo "sanitizers: swift test --sanitize=$kind"
  swift test --sanitize="$kind" --scratch-path ".build/sanitize-$kind"
done
