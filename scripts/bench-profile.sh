#!/usr/bin/env bash
# Where `check`'s time goes (issue 10's report): callgrind instruction profiles of one binary on
# the clean nightly file and on the docs statements (the shapes of benches/support/corpus.rs,
# PROFILE_MB each, default 1), and of start-up on a one-statement CREATE SCHEDULE file.
# Instruction counts do not depend on the machine's load, so before/after compare directly.
#
#   scripts/bench-profile.sh [BIN] [OUT]   # default target/release/backup-lint, /tmp/backup-lint-profile
#
# Writes OUT/<input>.cg (open with callgrind_annotate or kcachegrind), OUT/<input>.self.txt,
# OUT/<input>.by-function.txt and OUT/<input>.inclusive.txt, and prints the totals and the top self-cost symbols. About 1–2 min
# for the baseline binary.
set -eu  # no pipefail: `| head` cuts callgrind_annotate short on purpose
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$root/target/release/backup-lint}")
out=${2:-/tmp/backup-lint-profile}
mb=${PROFILE_MB:-1}
mkdir -p "$out"

python3 - "$out" "$mb" "$root/../shared/corpus/docs" <<'EOF'
import os, sys
out, mb, docs = sys.argv[1], float(sys.argv[2]), sys.argv[3]
target = int(mb * 1_000_000)
# corpus::clean_nightly
full = "BACKUP INTO 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history;\n"
latest = "BACKUP INTO LATEST IN 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history;\n"
parts, n, size = [], 0, 0
while size < target:
    line = full if n % 24 == 0 else latest
    parts.append(line); size += len(line); n += 1
open(f"{out}/clean.sql", "w").write("".join(parts))
# corpus::docs_repeated(&docs_files(false), target)
names = sorted(f for f in os.listdir(docs) if f.endswith(".sql") and not f.endswith(".templates.sql"))
one = "".join(open(os.path.join(docs, f), encoding="utf-8").read() + "\n" for f in names)
copies = -(-target // len(one.encode()))
open(f"{out}/docs.sql", "w", encoding="utf-8").write(one * copies)
open(f"{out}/schedule.sql", "w").write(
    "CREATE SCHEDULE s FOR BACKUP INTO 'external://backups' RECURRING '0 3 * * *' FULL BACKUP ALWAYS;\n")
EOF

# Shorten the paths callgrind_annotate prints before each symbol.
shorten() {
    sed -E -e 's#/rustc/[0-9a-f]+/library/##' -e 's#/root/\.cargo/registry/src/[^/]+/##' \
        -e 's#\./[a-z]+/\.\./sysdeps/[^:]*:##' -e 's# \[[^]]*\]$##' | cut -c1-170
}

echo "binary: $bin"
for name in clean docs schedule; do
    args=(check "$out/$name.sql" --color never)
    [ "$name" = schedule ] || args+=(--format json)
    valgrind --tool=callgrind --callgrind-out-file="$out/$name.cg" "$bin" "${args[@]}" \
        >/dev/null 2>"$out/$name.valgrind.txt" || true
    total=$(grep -m1 -E 'Collected' "$out/$name.valgrind.txt" | awk '{print $NF}')
    size=$(stat -c %s "$out/$name.sql")
    callgrind_annotate "$out/$name.cg" 2>/dev/null | sed -n '/file:function/,/^$/p' | sed 1,2d |
        head -30 | shorten >"$out/$name.self.txt"
    callgrind_annotate --inclusive=yes "$out/$name.cg" 2>/dev/null | sed -n '/file:function/,/^$/p' |
        sed 1,2d | head -80 | shorten >"$out/$name.inclusive.txt"
    # callgrind_annotate splits a function's self cost by the source file of its inlined
    # code; the sum per function is what a profile reader wants.
    callgrind_annotate --threshold=100 --auto=no "$out/$name.cg" 2>/dev/null |
        sed -n -e '/PROGRAM TOTALS/p' -e '/file:function/,/^$/p' |
        python3 -c '
import re, sys, collections
total, per = 0, collections.Counter()
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*?)(?: \[[^]]*\])?$", line)
    if not m:
        continue
    n, where = int(m[1].replace(",", "")), m[2]
    if where == "PROGRAM TOTALS":
        total = n
        continue
    per[where.split(":", 1)[-1]] += n
for f, n in per.most_common(20):
    print(f"{n:>14,} {100 * n / total:5.1f}%  {f[:150]}")
' >"$out/$name.by-function.txt"
    echo
    echo "== $name.sql ($size bytes): $total instructions ($(python3 -c "print(f'{$total/$size:.0f}')") per byte); self cost by function:"
    head -15 "$out/$name.by-function.txt"
done
if perf stat -e page-faults true >/dev/null 2>&1; then
    echo
    echo "== start-up: task clock and page faults (perf stat, 50 runs) of the schedule file vs /bin/true"
    perf stat -r 50 -e task-clock,page-faults "$bin" check "$out/schedule.sql" --color never 2>&1 >/dev/null |
        grep -E 'task-clock|page-faults'
    perf stat -r 50 -e task-clock,page-faults /bin/true 2>&1 | grep -E 'task-clock|page-faults'
fi
