#!/usr/bin/env bash
# Checks `backup-lint server` with a real editor: Neovim (0.7 or later, headless) and its
# built-in LSP client open a temporary .sql file with known findings, wait for the
# diagnostics, and ask for code actions, hover and formatting (scripts/nvim-lsp-check.lua).
# Exits non-zero if no diagnostics arrive (or another answer is missing); exits 0 with a
# message when nvim is not installed (Debian/Ubuntu: apt-get install -y neovim).
#
# Usage: scripts/nvim-lsp-check.sh            (uses target/debug/backup-lint, building it
#                                              if it is missing)
#        BACKUP_LINT_BIN=/path/to/backup-lint scripts/nvim-lsp-check.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if ! command -v nvim >/dev/null 2>&1; then
    echo "nvim-lsp-check: skipped: nvim is not installed (apt-get install -y neovim)"
    exit 0
fi

bin="${BACKUP_LINT_BIN:-$root/target/debug/backup-lint}"
if [[ ! -x "$bin" ]]; then
    echo "nvim-lsp-check: building $bin"
    (cd "$root" && cargo build --quiet --bin backup-lint)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Pin the target version, whatever configuration lies above the temporary folder.
printf 'target-version = "26.1"\n' >"$work/backup-lint.toml"
# Line 1: a duplicate option (S003) after a non-ASCII identifier; line 2: removed syntax
# (V001); line 3: a statement `fmt` rewrites.
cat >"$work/check.sql" <<'SQL'
BACKUP TABLE "é€😀" INTO 'x' WITH detached, detached;
BACKUP TO 'x';
BACKUP foo INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
SQL

echo "nvim-lsp-check: $(nvim --version | head -n1), server $bin"
# No user configuration, plugins or shada; the timeout guards against a hang.
BACKUP_LINT_BIN="$bin" BACKUP_LINT_FILE="$work/check.sql" \
    timeout 120 nvim --headless --clean -i NONE -n -u "$here/nvim-lsp-check.lua"
