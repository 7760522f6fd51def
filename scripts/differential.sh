#!/usr/bin/env bash
# Compare the full `check --format json` output of two backup-lint binaries over the inputs of
# tests/suite/differential.rs, at every release it uses: the detail behind a fixture mismatch.
#   scripts/differential.sh OLD_BINARY [NEW_BINARY (default target/release/backup-lint)]
# Run `cargo test --test suite differential::` once first: it writes the generated inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1")
new=$(realpath "${2:-target/release/backup-lint}")
inputs=target/tmp/differential-inputs
[ -d "$inputs" ] || { echo "run 'cargo test --test suite differential::' first" >&2; exit 2; }
status=0
for v in 19.2 20.1 22.2 23.2 24.3 25.2 26.1 26.3; do
  for side in old new; do
    bin=${!side}
    (cd ../shared && "$bin" check --isolated --format json --color never --target-version "$v" \
      corpus/docs corpus/scripts corpus/pages 2>/dev/null || true) > "/tmp/differential-$side-$v.json"
    (cd "$inputs" && "$bin" check --isolated --format json --color never --target-version "$v" . 2>/dev/null \
      || true) >> "/tmp/differential-$side-$v.json"
  done
  if ! diff -q "/tmp/differential-old-$v.json" "/tmp/differential-new-$v.json" >/dev/null; then
    echo "== $v differs:"
    diff "/tmp/differential-old-$v.json" "/tmp/differential-new-$v.json" | head -40
    status=1
  fi
done
[ $status = 0 ] && echo "identical at every release"
exit $status
