#!/usr/bin/env bash
# Runs this repository's pre-commit hooks with the real `pre-commit` (from PyPI) on a scratch
# git repository. The hook's environment is built once (`pre-commit install-hooks`; both hooks
# share it), then every case runs against it: a clean .sql passes; removed syntax in a .sql, a
# .sh, an extension-less bash script, a .md runbook and a .yml workflow fails with the finding
# shown; a YAML file that runs no SQL client passes; .zshrc,
# .envrc, .bats and .zsh files never reach the hook (a batch mixing them with a .sql shows
# that file's findings); `exclude` in backup-lint.toml applies to the files pre-commit passes;
# the format hook rewrites, then passes.
#
# pre-commit builds the hook with `cargo install` from the committed HEAD of this repository
# (uncommitted changes are not seen). To keep that to one quick build, it is unoptimised and
# its target folder is kept in target/pre-commit (the crates stay built between runs).
# Needs PyPI (unless pre-commit is installed) and crates.io.
# Usage: scripts/pre-commit-check.sh   (exit 0 when every expectation holds)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
if command -v pre-commit >/dev/null; then
  precommit=$(command -v pre-commit)
else
  [ -x "$repo/.ci/venv/bin/pre-commit" ] || {
    [ -x "$repo/.ci/venv/bin/pip" ] || python3 -m venv "$repo/.ci/venv"
    "$repo/.ci/venv/bin/pip" install --quiet pre-commit
  }
  precommit=$repo/.ci/venv/bin/pre-commit
fi
echo "pre-commit-check: $("$precommit" --version), hooks from $repo at $(git -C "$repo" rev-parse --short HEAD)"
[ -z "$(git -C "$repo" status --porcelain -- .pre-commit-hooks.yaml src Cargo.toml)" ] \
  || echo "pre-commit-check: note: uncommitted changes are not seen (pre-commit clones HEAD)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# pre-commit's cache beside the scratch repository, not inside it (`git add -A` there).
export PRE_COMMIT_HOME=$scratch/cache
export CARGO_TARGET_DIR=$repo/target/pre-commit
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=0 \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_PROFILE_RELEASE_INCREMENTAL=true
mkdir "$scratch/repo"
cd "$scratch/repo"
git init -q .
git config user.email ci@example.com
git config user.name ci
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $(git -C "$repo" rev-parse HEAD)
    hooks:
      - id: backup-lint
      - id: backup-lint-format
YAML
start=$SECONDS
"$precommit" install-hooks >"$scratch/install.log" 2>&1 || { cat "$scratch/install.log"; exit 1; }
echo "ok   hook environment built once ($((SECONDS - start)) s)"

removed="BACKUP DATABASE bank TO 'external://backups';"
printf "target-version = \"26.1\"\nextend-exclude = [\"fixtures\"]\n" > backup-lint.toml
printf "BACKUP DATABASE bank INTO 'external://backups' AS OF SYSTEM TIME '-10s';\n" > good.sql
printf '%s\n' "$removed" > removed.sql
printf '#!/bin/sh\ncockroach sql --certs-dir=certs -e "%s"\n' "$removed" > backup.sh
printf '#!/usr/bin/env bash\ncockroach sql --certs-dir=certs -e "%s"\n' "$removed" > nightly
chmod +x nightly
printf '# Runbook\n\n```sql\n%s\n```\n' "$removed" > runbook.md
mkdir -p .github/workflows
printf 'jobs:\n  backup:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cockroach sql --certs-dir=certs -e "%s"\n' "$removed" > .github/workflows/backup.yml
printf 'services:\n  web:\n    image: nginx\n' > compose.yaml
# Shell-ish files backup-lint does not read (each would be an error if passed to it).
printf 'export PATH=$HOME/bin:$PATH\n' > .zshrc
printf 'export DATABASE_URL=postgres://x\n' > .envrc
printf '@test "x" { run true; }\n' > t.bats
printf 'setopt extendedglob\n' > x.zsh
mkdir fixtures && printf '%s\n' "$removed" > fixtures/bad.sql
printf "backup database bank into   'external://backups' as of system time '-10s' with revision_history;\n" > ugly.sql
git add -A

fail=0 passed=0 failed=0
expect() { # expect <exit-code> <description> <hook> <files…> [-- <text the output must hold>]
  local want=$1 what=$2 hook=$3; shift 3
  local files=() needle=""
  while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then needle=$2; break; fi
    files+=("$1"); shift
  done
  local log=$scratch/out.log
  set +e; "$precommit" run "$hook" --files "${files[@]}" >"$log" 2>&1; local got=$?; set -e
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $what: exit $got, wanted $want"; cat "$log"; fail=1; failed=$((failed + 1))
  elif [ -n "$needle" ] && ! grep -qF -- "$needle" "$log"; then
    echo "FAIL $what: the output does not hold '$needle'"; cat "$log"; fail=1; failed=$((failed + 1))
  else
    echo "ok   $what (exit $got)"; passed=$((passed + 1))
  fi
}
expect 0 "check passes on a clean .sql" backup-lint good.sql
expect 1 "check fails on removed syntax in a .sql" backup-lint removed.sql -- "removed.sql:1:25"
expect 1 "check fails on removed syntax in a .sh" backup-lint backup.sh -- "V001"
expect 1 "check fails on an extension-less bash script" backup-lint nightly -- "nightly:2:"
expect 1 "check fails on removed syntax in a .md runbook" backup-lint runbook.md -- "runbook.md:4:"
expect 1 "check fails on removed syntax in a .yml workflow" backup-lint .github/workflows/backup.yml -- "backup.yml:5:"
expect 0 "check passes on a YAML file that runs no SQL client" backup-lint compose.yaml
expect 0 ".zshrc, .envrc, .bats and .zsh never reach the hook" backup-lint .zshrc .envrc t.bats x.zsh -- "(no files to check)"
expect 1 "a batch mixing them with a .sql shows its findings" backup-lint .zshrc t.bats removed.sql x.zsh .envrc -- "removed.sql:1:25"
expect 0 "exclude in backup-lint.toml applies to the files pre-commit passes" backup-lint fixtures/bad.sql good.sql
expect 1 "format rewrites an unformatted file" backup-lint-format ugly.sql
if grep -q "BACKUP DATABASE bank INTO 'external://backups' AS OF SYSTEM TIME '-10s' WITH OPTIONS (revision_history = true)" ugly.sql; then
  echo "ok   the file now holds the canonical form"; passed=$((passed + 1))
else
  echo "FAIL ugly.sql not rewritten"; cat ugly.sql; fail=1; failed=$((failed + 1))
fi
expect 0 "format passes once formatted" backup-lint-format ugly.sql
expect 0 "format skips scripts and runbooks" backup-lint-format backup.sh runbook.md -- "(no files to check)"
echo "pre-commit-check took $SECONDS s"
echo "pre-commit-check: $passed passed, $failed failed"
exit $fail
