#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of every decoder a peer reaches and of the responder end to end.
#
#   bench/fuzz.sh [MINUTES] [TARGET...]     default: 10 minutes for each of the targets below
#   bench/fuzz.sh --list
#
# A TARGET is module:Class#method, e.g. rpc:PeerDecoderFuzzTest#rpcRdmaHeader. Targets run one after the
# other (each uses one core; the build and the fabric are shared). Per target the log goes to
# bench/fuzz-out/<Class>.<method>.log and one summary line is printed: executions, coverage (libFuzzer's
# cov/ft at the end), and whether a finding was written. Jazzer keeps its corpus in <module>/.cifuzz-corpus/
# (ignored by git) and writes a finding as <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-*:
# commit those, so `mvn -B verify` replays them (regression mode) from then on.
#
# Jazzer 0.24 takes a run's length from the target's @FuzzTest(maxDuration = "10m") and ignores
# -Djazzer.max_duration (later releases honour it, so MINUTES is passed on): with 0.24 every target
# runs its 10 minutes whatever MINUTES says. Change the annotations for other lengths.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(
  rpc:PeerDecoderFuzzTest#rpcRdmaHeader
  rpc:PeerDecoderFuzzTest#cmPrivateData
  rpc:PeerDecoderFuzzTest#oncRpcCallHeader
  rpc:PeerDecoderFuzzTest#oncRpcReplyHeader
  rpc:PeerDecoderFuzzTest#nfsArguments
  rpc:PeerDecoderFuzzTest#nfsResults
  rpc:ReplyCheckFuzzTest#replyFromAHostileResponder
  testkit:ResponderFuzzTest#responderFedByAHostileRequester
)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${TARGETS[@]}"
  exit 0
fi
MINUTES="${1:-10}"
[[ $# -gt 0 ]] && shift
if [[ $# -gt 0 ]]; then TARGETS=("$@"); fi
# Seconds as well, so a smoke run can be short: bench/fuzz.sh 0.5 ...
DURATION="$(awk -v m="$MINUTES" 'BEGIN { printf "%ds", m * 60 }')"
mkdir -p bench/fuzz-out
status=0
for t in "${TARGETS[@]}"; do
  module="${t%%:*}"
  test="${t#*:}"
  log="bench/fuzz-out/${test/\#/.}.log"
  before="$(find "$module/src/test/resources" -name 'crash-*' 2>/dev/null | wc -l)"
  set +e
  JAZZER_FUZZ=1 mvn -B -o -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="$DURATION" > "$log" 2>&1
  rc=$?
  set -e
  after="$(find "$module/src/test/resources" -name 'crash-*' 2>/dev/null | wc -l)"
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  runs="$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)"
  if [[ $rc -ne 0 || $after -gt $before ]]; then
    echo "FINDING $t: exit $rc, $((after - before)) new input(s) under $module/src/test/resources; see $log"
    status=1
  else
    echo "ok      $t: ${runs:-no run count} | ${done_line:-no libFuzzer summary}"
  fi
done
exit $status
