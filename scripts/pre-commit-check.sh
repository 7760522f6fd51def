#!/usr/bin/env bash
# Runs this repository's pre-commit hooks with the real `pre-commit` tool (PyPI) on a scratch
# git repository: a clean file passes, a broken one fails, an unformatted one is rewritten.
# Needs network access to PyPI and crates.io (pre-commit builds the hook with cargo).
# Usage: scripts/pre-commit-check.sh   (exit 0 when every expectation holds)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v pre-commit >/dev/null || python3 -m pip install --quiet pre-commit
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
git init -q .
git config user.email ci@example.com
git config user.name ci
# try-repo uses the committed state of the hooks' repository.
rev=$(git -C "$repo" rev-parse HEAD)
fail=0
expect() { # expect <exit-code> <description> <command…>
  local want=$1 what=$2; shift 2
  set +e; "$@" >out.log 2>&1; local got=$?; set -e
  if [ "$got" -eq "$want" ]; then echo "ok   $what (exit $got)"; else echo "FAIL $what: exit $got, wanted $want"; cat out.log; fail=1; fi
}
printf "BACKUP DATABASE bank INTO 'external://backups';\n" > good.sql
printf "BACKUP DATABASE bank TO 'external://backups';\n" > removed.sql
printf "backup database bank into   'external://backups' with revision_history;\n" > ugly.sql
git add good.sql removed.sql ugly.sql
expect 0 "check passes on a clean file" pre-commit try-repo "$repo" backup-lint --ref "$rev" --files good.sql
expect 1 "check fails on removed syntax" pre-commit try-repo "$repo" backup-lint --ref "$rev" --files removed.sql
expect 1 "format rewrites an unformatted file" pre-commit try-repo "$repo" backup-lint-format --ref "$rev" --files ugly.sql
grep -q "BACKUP DATABASE bank INTO 'external://backups' WITH OPTIONS (revision_history = true)" ugly.sql \
  && echo "ok   the file now holds the canonical form" || { echo "FAIL ugly.sql not rewritten"; cat ugly.sql; fail=1; }
expect 0 "format passes once formatted" pre-commit try-repo "$repo" backup-lint-format --ref "$rev" --files ugly.sql
exit $fail
