#!/usr/bin/env bash
# Fuzzes the arch-file decoder (YAML and --set), the IDX/gzip reader, and the files a run
# reads back (checkpoints restored and continued, sweep plans, sweep rows) with libFuzzer and
# AddressSanitizer for SECONDS each (default 60), from the seed corpus in Tests/Fuzz/corpus.
# Usage: scripts/fuzz.sh [SECONDS] [arch|data|runfiles ...]. Exits non-zero on the first crash; the
# crashing input is kept in .build/fuzz-runs/TARGET/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(arch data runfiles)

swift build -c release --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
  --product InsituFuzzArch >/dev/null
swift build -c release --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
  --product InsituFuzzData >/dev/null
swift build -c release --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
  --product InsituFuzzRunFiles >/dev/null

status=0
for target in "${targets[@]}"; do
  case "$target" in
    arch) exe=.build/fuzz/release/InsituFuzzArch; max_len=16384 ;;
    data) exe=.build/fuzz/release/InsituFuzzData; max_len=65536 ;;
    runfiles) exe=.build/fuzz/release/InsituFuzzRunFiles; max_len=131072 ;;
    *) echo "fuzz: unknown target '$target' (arch, data or runfiles)" >&2; exit 2 ;;
  esac
  work=.build/fuzz-runs/$target
  mkdir -p "$work/corpus" "$work/crashes"
  cp -n Tests/Fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null || true
  echo "fuzz: $target for $seconds s"
  if ! "$exe" "$work/corpus" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$work/crashes/" -print_final_stats=1 > "$work/log.txt" 2>&1; then
    echo "fuzz: $target found a crash; see $work/log.txt and $work/crashes/" >&2
    tail -n 40 "$work/log.txt" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log.txt" | sed "s/^/fuzz: $target /"
  fi
done
exit $status
