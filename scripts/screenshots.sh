#!/usr/bin/env bash
# Regenerates the README's report screenshots (docs/images/report-{train,compare,sweep}.png)
# from fresh runs on the embedded data, rendered by headless Chromium. INSITU names the
# executable (default: a release build in .build).
set -euo pipefail
cd "$(dirname "$0")/.."
insitu=${INSITU:-}
if [ -z "$insitu" ]; then
  swift build -c release --static-swift-stdlib >/dev/null
  insitu=.build/release/insitu
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$insitu" train arch/li2018.yaml --out "$tmp/train" --quiet >/dev/null 2>&1
"$insitu" compare arch/li2018.yaml arch/digital-32nm.yaml --out "$tmp/compare" >/dev/null 2>&1
"$insitu" sweep arch/li2018.yaml --vary chip.adc.bits=5..8 --seeds 3 --min-accuracy 90% --minimize training_energy \
  --out "$tmp/sweep" --quiet >/dev/null 2>&1
for report in train compare sweep; do
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,1600 \
    --screenshot="docs/images/report-$report.png" "file://$tmp/$report/report.html" >/dev/null 2>&1
  echo "screenshots: docs/images/report-$report.png"
done
