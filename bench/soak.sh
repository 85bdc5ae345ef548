#!/usr/bin/env bash
# bench/soak.sh N [first-seed]: runs seeds first..first+N-1 of the testkit's SoakTest, split into one slice per
# core (`nproc`, or SOAK_SLICES), each slice in its own plain JVM. Builds once first (offline, test-compile, no
# install), then prints one line per failing seed with its replay command, a summary line
#   soak: N seeds, F failed, T s
# and exits 1 if any seed failed or a slice died, 2 on a usage or build error.
#
# Environment: SOAK_SLICES (default nproc), SOAK_JAVA_OPTS (default -Xmx1g per JVM), FRWR_BUILD_DIR (Maven
# build dir, default target), SOAK_MVN_OPTS (default -o: offline), SOAK_NO_BUILD=1 (reuse the last build),
# SOAK_KEEP_LOGS=1 (print where each slice's log is).
set -euo pipefail

usage() { echo "usage: bench/soak.sh N [first-seed]   (N >= 1 seeds, starting at first-seed, default 1)" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
[[ "$1" =~ ^[1-9][0-9]*$ ]] || usage
N="$1"
FIRST="${2:-1}"
[[ "$FIRST" =~ ^-?[0-9]+$ ]] || usage

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${FRWR_BUILD_DIR:-target}"
OUT="$ROOT/testkit/$BUILD_DIR/soak"
SLICES="${SOAK_SLICES:-$(nproc)}"
[[ "$SLICES" =~ ^[1-9][0-9]*$ ]] || { echo "soak: SOAK_SLICES must be a positive number, was '$SLICES'" >&2; exit 2; }
(( SLICES > N )) && SLICES="$N"
START=$(date +%s)

mkdir -p "$OUT"
if [[ "${SOAK_NO_BUILD:-0}" != 1 ]]; then
    echo "soak: building (mvn test-compile, once) ..." >&2
    # One reactor run: compile everything the testkit's tests need and write their classpath (reactor
    # modules resolve to their class directories, so nothing is installed). The testkit writes last.
    # shellcheck disable=SC2086
    if ! (cd "$ROOT" && mvn -B -q ${SOAK_MVN_OPTS--o} -Dbuild.dir="$BUILD_DIR" -pl testkit -am test-compile \
            dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath.txt" 2>&1 \
            | sed -e 's/\x1b\[[0-9;]*m//g' >&2; exit "${PIPESTATUS[0]}"); then
        echo "soak: the build failed; see the Maven output above (offline by default: SOAK_MVN_OPTS= builds online)" >&2
        exit 2
    fi
    javac -d "$OUT/launcher" -cp "$(cat "$OUT/classpath.txt")" "$ROOT/bench/soak/SoakLauncher.java"
fi
[[ -s "$OUT/classpath.txt" && -f "$OUT/launcher/SoakLauncher.class" ]] \
    || { echo "soak: no build under $OUT (run without SOAK_NO_BUILD)" >&2; exit 2; }
CP="$OUT/launcher:$ROOT/testkit/$BUILD_DIR/test-classes:$ROOT/testkit/$BUILD_DIR/classes:$(cat "$OUT/classpath.txt")"

# Slice i gets seeds [first_i, first_i + count_i): N split as evenly as it goes, the first slices one larger.
pids=()
ranges=()
base=$(( N / SLICES ))
extra=$(( N % SLICES ))
next="$FIRST"
for (( i = 0; i < SLICES; i++ )); do
    count=$(( base + (i < extra ? 1 : 0) ))
    log="$OUT/slice-$i.log"
    # shellcheck disable=SC2086
    java ${SOAK_JAVA_OPTS:--Xmx1g} -Dsoak.first="$next" -Dsoak.seeds="$count" -cp "$CP" SoakLauncher \
        >"$log" 2>&1 &
    pids+=("$!")
    ranges+=("$next..$(( next + count - 1 ))")
    next=$(( next + count ))
done

dead=0
for (( i = 0; i < SLICES; i++ )); do
    rc=0
    wait "${pids[$i]}" || rc=$?
    log="$OUT/slice-$i.log"
    if (( rc != 0 )) && ! grep -qE '^seed -?[0-9]+ ' "$log"; then
        echo "soak: slice $i (seeds ${ranges[$i]}) exited $rc without naming a seed; log: $log"
        grep -m 3 -E 'soak-launcher|Exception|Error' "$log" | sed -e 's/^/    /'
        dead=$(( dead + 1 ))
    fi
    [[ "${SOAK_KEEP_LOGS:-0}" == 1 ]] && echo "soak: slice $i (seeds ${ranges[$i]}): $log" >&2
done

# SoakTest prints, per failing seed: "seed S (what it ran):" or "seed S threw E", then its violations indented,
# then "    replay: <command>". One line each here: the seed, what failed first, the replay command.
failures="$(awk '
    /^seed -?[0-9]+ / { seed = $2; what = $0; sub(/^seed -?[0-9]+ /, "", what); first = ""; next }
    seed != "" && /^    replay: / { r = $0; sub(/^    replay: /, "", r);
        printf "%s\tFAILED seed %s: %s | replay: %s\n", seed, seed, (first != "" ? first : what), r; seed = ""; next }
    seed != "" && /^    / && first == "" { first = $0; sub(/^ +/, "", first) }
' "$OUT"/slice-*.log | sort -n -k1,1 | cut -f2-)"
failed=0
if [[ -n "$failures" ]]; then
    echo "$failures"
    failed=$(printf '%s\n' "$failures" | wc -l)
fi
echo "soak: $N seeds, $failed failed, $(( $(date +%s) - START )) s$( (( dead == 0 )) || echo ", $dead of $SLICES slices died")"
(( failed == 0 && dead == 0 ))
