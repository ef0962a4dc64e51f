#!/usr/bin/env bash
# Renders the API documentation of the library modules with docc, from the compiler's symbol
# graphs: .build/docs/MODULE.doccarchive for each (open with `docc preview` or serve the
# archive). InsituTraining has a landing page (Sources/InsituTraining/InsituTraining.docc);
# warnings (a broken symbol link, say) are errors.
set -euo pipefail
cd "$(dirname "$0")/.."

graphs=.build/symbol-graphs
rm -rf "$graphs" .build/docs
mkdir -p "$graphs" .build/docs
for module in InsituArchFile InsituData InsituReport; do
  swift build --target "$module" -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$graphs" >/dev/null
done
for module in InsituEngine InsituHardware InsituTraining InsituArchFile InsituData InsituReport; do
  mkdir -p "$graphs/$module"
  cp "$graphs/$module".symbols.json "$graphs/$module"/ 2>/dev/null || { echo "docs: no symbol graph for $module" >&2; exit 1; }
  cp "$graphs/$module"@*.symbols.json "$graphs/$module"/ 2>/dev/null || true
  catalog=()
  [ -d "Sources/$module/$module.docc" ] && catalog=("Sources/$module/$module.docc")
  docc convert "${catalog[@]}" --additional-symbol-graph-dir "$graphs/$module" --warnings-as-errors \
    --fallback-display-name "$module" --fallback-bundle-identifier "insitu.$module" \
    --output-path ".build/docs/$module.doccarchive" >/dev/null
  echo "docs: .build/docs/$module.doccarchive"
done
