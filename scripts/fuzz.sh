#!/usr/bin/env bash
# A cargo-fuzz campaign over every target of fuzz/ (see FUZZING.md).
#   scripts/fuzz.sh [MINUTES_PER_TARGET (default 30)] [TARGET...]
#   FUZZ_SECONDS=20 scripts/fuzz.sh   (a smoke run of 20 s a target, as .ci/run does)
#   FUZZ_TIMEOUT=60 scripts/fuzz.sh   (seconds one input may take; default 10. On a loaded machine the
#     simulate target's bounded seeds, which build 64 MB of values, can pass 10 s without hanging)
#   FUZZ_CPU=1 scripts/fuzz.sh 30   (the minutes are CPU minutes of the fuzzer process: on a shared
#     machine a wall-clock minute can hold a few CPU seconds; the wall-clock limit is then 6x)
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler; on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets it use the nightly flags it needs, and `-s none` leaves out the
# address sanitizer (stable ships no sanitizer runtimes). Crashes land in fuzz/artifacts/<target>/;
# copy each into fuzz/seeds/<target>/ once fixed: the stable smoke run (`cargo test --test suite
# fuzz::`) then replays it as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check_sql fmt redact shell markdown yaml migrate simulate server)
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2; exit 2; }
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
sanitizer=(-s none)
# Seed corpora: the committed seeds, then the shared corpora of each target's kind.
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  cp -n fuzz/seeds/"$t"/* "fuzz/corpus/$t/" 2>/dev/null || true
  case $t in
    shell|simulate) ext=sh ;;
    markdown) ext=md ;;
    yaml) ext='yml yaml' ;;
    server) ext= ;;
    migrate|redact) ext='sql sh md yml yaml' ;;
    *) ext=sql ;;
  esac
  for e in $ext; do
    [ -d ../shared/corpus ] && find ../shared/corpus -name "*.$e" -size -64k -exec cp -n {} "fuzz/corpus/$t/" \; || true
  done
done
status=0
for t in "${targets[@]}"; do
  if [ -n "${FUZZ_SECONDS:-}" ]; then
    echo "== $t: $FUZZ_SECONDS second(s)"
  elif [ "${FUZZ_CPU:-0}" = 1 ]; then
    echo "== $t: $minutes minute(s) of CPU"
  else
    echo "== $t: $minutes minute(s)"
  fi
  log="fuzz/artifacts/$t.log"
  mkdir -p "fuzz/artifacts/$t"
  # -fork would survive a crash and go on; plain runs stop at the first one, which is what a
  # campaign report needs (each crash is fixed, then the campaign is run again).
  seconds=${FUZZ_SECONDS:-$((minutes * 60))}
  wall=$seconds
  [ "${FUZZ_CPU:-0}" = 1 ] && wall=$((seconds * 6))
  (cd fuzz && exec cargo fuzz run "${sanitizer[@]}" "$t" "corpus/$t" -- \
        -max_total_time=$wall -max_len=65536 -timeout=${FUZZ_TIMEOUT:-10} -rss_limit_mb=4096 \
        -print_final_stats=1) >"$log" 2>&1 &
  runner=$!
  cpu=0 interrupted=0
  if [ "${FUZZ_CPU:-0}" = 1 ]; then
    # Interrupt the fuzzer (it prints its final stats and exits 72) once its CPU time reaches
    # the budget; user + system clock ticks are fields 14 and 15 of /proc/PID/stat.
    tick=$(getconf CLK_TCK)
    while kill -0 "$runner" 2>/dev/null; do
      sleep 10
      pid=$(pgrep -n -f "release/$t -" || true)
      [ -n "$pid" ] || continue
      cpu=$(awk -v tick="$tick" '{ print int(($14 + $15) / tick) }' "/proc/$pid/stat" 2>/dev/null || echo 0)
      if [ "$cpu" -ge "$seconds" ]; then
        interrupted=1
        kill -INT "$pid" 2>/dev/null || true
        break
      fi
    done
  fi
  rc=0
  wait "$runner" || rc=$?
  grep -E "^(#[0-9]+.*(DONE|pulse)|==|stat::|SUMMARY|Done)" "$log" || true
  # A run the CPU budget above interrupted ends with libFuzzer's "run interrupted" (status 72,
  # which cargo-fuzz reports as its own failure): not a crash.
  if [ "$rc" -ne 0 ] && ! { [ "$interrupted" = 1 ] && grep -q "libFuzzer: run interrupted" "$log" \
      && ! grep -qE "ERROR: libFuzzer|SUMMARY: libFuzzer" "$log"; }; then
    echo "== $t failed (exit $rc): see $log and fuzz/artifacts/$t/"
    status=1
  fi
  [ "${FUZZ_CPU:-0}" = 1 ] && echo "stat::cpu_seconds_at_last_sample: $cpu" | tee -a "$log"
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
done
exit $status
