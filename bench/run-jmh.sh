#!/usr/bin/env bash
# Runs every JMH benchmark of this module and prints the tables of BENCHMARKS.md.
#   bench/run-jmh.sh                       (after: mvn -B -q install -DskipTests; mvn -B -q -f bench/pom.xml package)
# Environment: JAR (default bench/target/benchmarks.jar), OUT (default bench/results),
#              JMH_OPTS (default "-f 1 -wi 2 -i 5 -w 1s -r 1s": about 4 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-bench/target/benchmarks.jar}
OUT=${OUT:-bench/results}
read -r -a OPTS <<< "${JMH_OPTS:--f 1 -wi 2 -i 5 -w 1s -r 1s}"
if [[ ! -f "$JAR" ]]; then
  echo "no $JAR: build it with: mvn -B -q install -DskipTests && mvn -B -q -f bench/pom.xml package" >&2
  exit 2
fi
mkdir -p "$OUT"
LOG="$OUT/jmh.log"
: > "$LOG"
# Plain-Java models: concurrent callers are JMH threads.
for t in 1 2 16 64; do
  echo "JMH: AcquisitionBenchmark with $t callers" >&2
  java -jar "$JAR" 'io.frwr.bench.AcquisitionBenchmark' -t "$t" "${OPTS[@]}" \
    -rf json -rff "$OUT/acquisition-t$t.json" >> "$LOG" 2>&1
done
# Actor variants: one JMH thread, an async driver keeps 'inflight' calls outstanding.
echo "JMH: PoolActorBenchmark, ActorCycleBenchmark, DirectCycleBenchmark" >&2
java -jar "$JAR" 'io.frwr.bench.(PoolActor|ActorCycle|DirectCycle)Benchmark' -t 1 "${OPTS[@]}" \
  -rf json -rff "$OUT/actors.json" >> "$LOG" 2>&1
python3 bench/jmh_tables.py "$OUT"/acquisition-t*.json "$OUT/actors.json"
