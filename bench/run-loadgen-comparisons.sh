#!/usr/bin/env bash
# Per-chunk vs batch MR acquisition under the load generator (pool 256, 64 calls in flight, no faults), at
# 4 KiB, 64 KiB and 1 MiB payloads with 0 and 200us server latency; prints the tables of BENCHMARKS.md.
#   bench/run-loadgen-comparisons.sh      (after: mvn -B -q install -DskipTests at the root)
# Environment: OUT (default bench/results), DURATION per run (default 10s; 12 runs),
#              FRWR (default ./frwr), EXTRA (more loadgen options, e.g. "--fabric-costs none").
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/results}
DURATION=${DURATION:-10s}
FRWR=${FRWR:-./frwr}
read -r -a EXTRA_OPTS <<< "${EXTRA:-}"
if [[ ! -x "$FRWR" ]]; then
  echo "no $FRWR launcher: build the project first (mvn -B -q install -DskipTests)" >&2
  exit 2
fi
mkdir -p "$OUT"
LOG="$OUT/loadgen.log"
: > "$LOG"
for payload in 4k 64k 1m; do
  for latency in 0s 200us; do
    for mode in per-chunk batch; do
      json="$OUT/loadgen-$mode-$payload-$latency.json"
      batch=()
      [[ "$mode" == batch ]] && batch=(--batch-size 64)
      echo "loadgen: $mode, payload $payload, server latency $latency" >&2
      # Exit code 1 means an invariant failed: keep going, the table shows it.
      "$FRWR" loadgen --duration "$DURATION" --concurrency 64 --pool-size 256 --acquire-mode "$mode" \
        "${batch[@]}" --payload "$payload" --server-latency "$latency" --fault-rate 0 --seed 1 \
        "${EXTRA_OPTS[@]}" --json "$json" >> "$LOG" 2>&1 || echo "  exit code $? (see $LOG)" >&2
    done
  done
done
python3 bench/loadgen_tables.py "$OUT"/loadgen-*.json
