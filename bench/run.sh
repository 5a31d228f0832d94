#!/usr/bin/env bash
# make bench: Tianbao against what a user would otherwise pick, on the same workloads, in the
# same run, alternating programs, several runs each; prints one Markdown table of the best run
# of each (wall, CPU; peak RSS as the median; cells per second, ratio) and writes it to
# bench/RESULTS.md. Every target is a ratio of two programs measured side by side in this run,
# so a machine loaded by other work slows both sides alike (the load is printed with the table).
#
# Workloads (made deterministically here):
#   R1  one sheet, 100,000 rows x 12 columns, written by python xlsxwriter with shared strings;
#       Tianbao reads it through the reader API (tianbao-bench read: the sheet is inflated, parsed
#       and turned into cells on three threads) and, for comparison, on one thread (read-1)
#   F   the floor: inflate R1's sheet and shared strings with zlib, one bare libxml2 SAX2 pass
#   W1  the R1 content written by Tianbao's writer, by C calling libxlsxwriter, by python xlsxwriter
#       (and, for the time split, reading only and reading plus checking)
#   C   R1 converted by `tianbao cat` (tsv, json, csv, written to a file) against python-calamine's
#       to_python() of the same sheets
#   H   SHA-256 of every M1 file (as merge hashes them for report.json): swift-crypto, the
#       hand-written SHA-256 Tianbao used before, and sha256sum
#   M1  M1_FILES submissions of a 3,000-unit plan (60 ledger rows each, the templates' 自查
#       columns kept), merged by tianbao merge (all checks on, recorded into a fresh archive) and
#       by a pandas script (read_excel with calamine, concat, to_excel)
#   A   the archive (#15): M1 merged with --no-archive against M1 recorded into a fresh archive;
#       the archive of ten M1 rounds (2021-06 recorded, copied under 2021-01 … 2021-10), its
#       bytes per stored row; the eleventh round (2021-11, its own templates and files) merged
#       with the ten-round archive against an empty one (the checks across rounds); `tianbao
#       review --year 2021` over the eleven rounds against over one (when this build has review)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}              # M1 (a pandas merge takes a minute and a half)
SMALL_RUNS=${SMALL_RUNS:-7}  # R1, F, W1 and C (seconds each): more runs
M1_FILES=${M1_FILES:-3000}
ROWS=${ROWS:-100000}
# A machine too loaded for the whole run: QUICK=1 leaves out the peers no target of #11 or #15
# compares with (openpyxl, pandas reading R1, the writers of W1, one-thread reading, the
# 300-file merge) and callgrind; M1_FILES below 3,000 also shrinks M1's plan to that many units.
QUICK=${QUICK:-0}
# PARTS=reader runs the rows of #6 and #11 only (R1, F, W1, C, H, M1); PARTS=archive the rows
# of #15 only (A, V, with M1:tianbao as review's yardstick); both by default. A machine that
# cannot stay quiet for the whole run can run the two parts at two quiet times.
PARTS=${PARTS:-all}
reader() { [ "$PARTS" != archive ]; }
archive() { [ "$PARTS" != reader ]; }
M1_UNITS=$(( M1_FILES < 3000 ? M1_FILES : 3000 ))
W=bench/work
mkdir -p $W

echo "== setting up peers" >&2
# The Python peers live in a virtual environment `make bench` makes (bench/.venv, from the
# system's python3-venv: never pip into the system Python).
PY=${BENCH_PYTHON:-bench/.venv/bin/python}
$PY -c "import python_calamine, openpyxl, pandas, xlsxwriter" \
  || { echo "bench/run.sh: the peers are missing from $PY; run make bench (it makes bench/.venv)" >&2; exit 2; }
# The builds `make release` makes: the Swift runtime and Foundation linked in (as the office
# gets it), for Tianbao and for the reader's own bench binary alike.
swift build -c release --static-swift-stdlib --product tianbao >&2
swift build -c release --static-swift-stdlib --package-path bench --product tianbao-bench >&2
gcc -O2 -o $W/floor bench/c/floor.c $(pkg-config --cflags --libs libzip libxml-2.0)
gcc -O2 -o $W/lxw_write bench/c/lxw_write.c $(pkg-config --cflags --libs xlsxwriter)
TB=.build/release/tianbao
TBB=bench/.build/release/tianbao-bench

echo "== making workloads" >&2
[ -f $W/r1.xlsx ] || $PY bench/peers.py make-r1 $W/r1.xlsx $ROWS
# M1's files are made again when the script that makes them or the templates' code changed.
stamp=$( (cat bench/make_m1.py Sources/TianbaoTemplates/*.swift; echo $M1_UNITS) | sha256sum | cut -c1-16)
if [ "$(cat $W/m1.stamp 2>/dev/null)" != "$stamp" ]; then rm -rf $W/m1-*; echo "$stamp" > $W/m1.stamp; fi
$PY bench/make_m1.py $W/m1.yaml $M1_UNITS
for r in 2021-06 $(archive && echo 2021-11); do
  if [ ! -d $W/m1-templates-$r ] || [ "$(ls $W/m1-templates-$r | wc -l)" -lt "$M1_FILES" ]; then
    rm -rf $W/m1-templates-$r && $TB templates --plan $W/m1.yaml --round $r --out $W/m1-templates-$r --key keys/demo-signing.key >&2
  fi
done
if [ ! -d $W/m1-$M1_FILES ]; then $PY bench/make_m1.py fill $W/m1-templates-2021-06 $W/m1-$M1_FILES $M1_FILES; fi
if reader && [ "$QUICK" = 0 ] && [ ! -d $W/m1-300 ]; then $PY bench/make_m1.py fill $W/m1-templates-2021-06 $W/m1-300 300; fi
if archive && [ ! -d $W/m1-2021-11-$M1_FILES ]; then
  $PY bench/make_m1.py fill $W/m1-templates-2021-11 $W/m1-2021-11-$M1_FILES $M1_FILES 2021-11
fi
MERGE="$TB merge --plan $W/m1.yaml --key keys/demo-signing.key --quiet"
# The archive of ten M1 rounds: 2021-06 recorded by a merge, copied under nine more round ids.
rm -rf $W/a10-out $W/a10.sqlite
if archive; then
$MERGE $W/m1-$M1_FILES --round 2021-06 --out $W/a10-out --archive $W/a10.sqlite > /dev/null || [ $? -eq 1 ]
$PY bench/make_m1.py clone-rounds $W/a10.sqlite 2021-06 2021-01 2021-02 2021-03 2021-04 2021-05 2021-07 2021-08 2021-09 2021-10
fi
# review is another engineer's command: its rows run when this build has it.
HAVE_REVIEW=0; $TB review --help > /dev/null 2>&1 && HAVE_REVIEW=1

# measure NAME CMD...: one run, appends "NAME wall cpu rss checksum" to $W/times (a failed
# run, other than merge's exit 1 for missing units, is written down as "NAME FAILED status").
measure() {
  local name=$1; shift
  local out
  # merge exits 1 when units are missing (the 300-file run): that is a result, not a failure.
  /usr/bin/time -f "TIME %e %U %S %M %x" "$@" > $W/last.out 2> $W/last.err || true
  out=$(grep '^TIME' $W/last.err | tail -1)
  read -r _ wall user sys rss status <<< "$out"
  if [ "${status:-0}" != 0 ] && [ "$status" != 1 ]; then
    echo "$name FAILED $status $(grep -v '^TIME' $W/last.err | head -c 300 | tr '\n' ' ')" >> $W/failed
    return 0
  fi
  echo "$name $wall $(awk "BEGIN{print $user+$sys}") $rss $(head -c 200 $W/last.out | tr -d ' \n')" >> $W/times
}

: > $W/times; : > $W/failed
echo "start $(uptime)" > $W/load
echo "== running R1, F, W1 ($SMALL_RUNS runs each) and M1 ($RUNS runs each), alternating" >&2
for run in $(seq "$SMALL_RUNS"); do
  reader || break
  # The floor right after Tianbao, so the two compared most closely see the same machine.
  measure R1:tianbao $TBB read $W/r1.xlsx
  measure F:floor $W/floor $W/r1.xlsx
  measure R1:calamine $PY bench/peers.py read-calamine $W/r1.xlsx
  if [ "$QUICK" = 0 ]; then
    measure R1:tianbao-1-thread $TBB read-1 $W/r1.xlsx
    measure R1:openpyxl $PY bench/peers.py read-openpyxl $W/r1.xlsx
    measure R1:pandas $PY bench/peers.py read-pandas $W/r1.xlsx
    measure W1:tianbao $TBB write $W/w1-tianbao.xlsx $ROWS
    measure W1:libxlsxwriter $W/lxw_write $W/w1-lxw.xlsx $ROWS
    measure W1:xlsxwriter $PY bench/peers.py write-xlsxwriter $W/w1-py.xlsx $ROWS
  fi
  measure C:tianbao-tsv $TB cat $W/r1.xlsx --format tsv
  measure C:tianbao-json $TB cat $W/r1.xlsx --format json
  measure C:tianbao-csv $TB cat $W/r1.xlsx --format csv
  measure C:calamine-to_python $PY bench/peers.py calamine-to-python $W/r1.xlsx
done
for run in $(seq "$RUNS"); do
  if reader; then
  measure H:swift-crypto $TBB hash $W/m1-$M1_FILES
  measure H:hand-written $TBB hash-before $W/m1-$M1_FILES
  measure H:sha256sum sh -c "sha256sum $W/m1-$M1_FILES/* | wc -l"
  rm -rf $W/m1-out $W/m1-out300 $W/m1.sqlite $W/m1-300.sqlite
  [ "$QUICK" = 0 ] && measure M1:tianbao-300 $MERGE $W/m1-300 --round 2021-06 --out $W/m1-out300 --archive $W/m1-300.sqlite
  measure M1:read-only $TBB read-folder $W/m1-$M1_FILES
  # The same without the 自查 columns (A–T: the 19 fields and 说明), as the checker reads.
  measure M1:read-fields $TBB read-folder $W/m1-$M1_FILES 20
  measure M1:read+check $TB status $W/m1-$M1_FILES --round 2021-06 --plan $W/m1.yaml --key keys/demo-signing.key --format json --quiet
  fi
  # Recording: the same merge without the archive and into a fresh one, one after the other.
  measure A:no-archive $MERGE $W/m1-$M1_FILES --round 2021-06 --out $W/m1-out --no-archive
  rm -rf $W/m1-out
  measure M1:tianbao $MERGE $W/m1-$M1_FILES --round 2021-06 --out $W/m1-out --archive $W/m1.sqlite
  reader && measure M1:pandas $PY bench/peers.py merge-pandas $W/m1-$M1_FILES $W/m1-pandas.xlsx
  archive || continue
  # The eleventh round: into an empty archive, then into a copy of the ten-round archive.
  rm -rf $W/x-out $W/x1.sqlite $W/x11.sqlite; cp $W/a10.sqlite $W/x11.sqlite
  measure A:eleventh-empty-archive $MERGE $W/m1-2021-11-$M1_FILES --round 2021-11 --out $W/x-out --archive $W/x1.sqlite
  rm -rf $W/x-out
  measure A:eleventh-ten-rounds $MERGE $W/m1-2021-11-$M1_FILES --round 2021-11 --out $W/x-out --archive $W/x11.sqlite
  if [ $HAVE_REVIEW = 1 ]; then
    # The year's review over the eleven rounds, and over the one round of x1 (flat memory).
    rm -rf $W/review-out $W/review1-out
    measure V:review-11-rounds $TB review --year 2021 --plan $W/m1.yaml --archive $W/x11.sqlite --out $W/review-out
    measure V:review-1-round $TB review --year 2021 --plan $W/m1.yaml --archive $W/x1.sqlite --out $W/review1-out
  fi
done
echo "end $(uptime)" >> $W/load
if archive; then
# The archive of ten rounds: its size and the rows it stores.
$PY - $W/a10.sqlite > $W/archive-size <<'PYEOF'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT count(*) FROM rows").fetchone()[0]
rounds = db.execute("SELECT count(*) FROM rounds").fetchone()[0]
print(rounds, rows, os.path.getsize(sys.argv[1]))
PYEOF
else
  : > $W/archive-size
fi

# M1's checksums: the merged ledger read back from what each program wrote (the measured runs
# print only their own first line, which checks nothing).
sed -i "s|^\(M1:tianbao \S* \S* \S*\) .*|\1 $($PY bench/peers.py ledger-checksum "$W/m1-out/汇总-2021-06.xlsx" | tr -d ' ')|; \
        s|^\(M1:pandas \S* \S* \S*\) .*|\1 $( (reader && $PY bench/peers.py ledger-checksum $W/m1-pandas.xlsx || echo -) | tr -d ' ')|" $W/times
$PY bench/summarize.py "$W" "$ROWS" "$M1_FILES" "$HAVE_REVIEW"
if reader; then
  # The two merges must hold the same ledger: say so, or say that they do not.
  sum_tb=$(sed -n 's/^M1:tianbao \S* \S* \S* //p' $W/times | head -1)
  sum_pd=$(sed -n 's/^M1:pandas \S* \S* \S* //p' $W/times | head -1)
  echo
  if [ -n "$sum_tb" ] && [ "$sum_tb" = "$sum_pd" ]; then
    echo "M1's checksums are equal: Tianbao's 汇总 and the pandas script's workbook hold the same ledger rows."
  else
    echo "**M1's checksums differ** (Tianbao \`$sum_tb\`, pandas \`$sum_pd\`): the comparison does not hold."
  fi
fi
echo
echo "Phases of one more tianbao merge of the $M1_FILES files (TIANBAO_TIMINGS=1; seconds since the start):"
echo
rm -rf $W/m1-out
rm -f $W/m1.sqlite
TIANBAO_TIMINGS=1 $MERGE $W/m1-$M1_FILES --round 2021-06 --out $W/m1-out --archive $W/m1.sqlite \
  2>&1 >/dev/null | sed -n 's/^timing \(.*\)/- \1/p' || true
echo
if archive; then
  echo "Phases of one more merge of the eleventh round with the ten-round archive:"
  echo
  rm -rf $W/x-out; cp $W/a10.sqlite $W/x11.sqlite
  TIANBAO_TIMINGS=1 $MERGE $W/m1-2021-11-$M1_FILES --round 2021-11 --out $W/x-out --archive $W/x11.sqlite \
    2>&1 >/dev/null | sed -n 's/^timing \(.*\)/- \1/p' || true
  echo
fi
if reader && [ "$QUICK" = 0 ]; then
  echo "Checksums of what each writer wrote (read back by tianbao-bench; equal means the same cells):"
  echo
  for f in w1-tianbao w1-lxw w1-py; do echo "- $f.xlsx: \`$($TBB read $W/$f.xlsx)\`"; done
fi

# Instruction counts (callgrind counts the same on a noisy machine): Tianbao's threads against
# the floor's one. valgrind cannot read Swift 6's debug information, so a stripped copy runs.
if reader && [ "$QUICK" = 0 ] && command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  objcopy --strip-debug $TBB $W/tianbao-bench-stripped
  rm -f $W/cg.tianbao* $W/cg.floor
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=$W/cg.tianbao \
    $W/tianbao-bench-stripped read $W/r1.xlsx >/dev/null 2>&1
  valgrind --tool=callgrind --callgrind-out-file=$W/cg.floor $W/floor $W/r1.xlsx >/dev/null 2>&1
  total() { sed -n 's/^totals: *//p' "$1" | head -1; }
  floor=$(total $W/cg.floor)
  echo
  echo "R1 by instruction count (callgrind, one run): the floor $(awk "BEGIN{printf \"%.2f\", $floor/1e9}") G instructions on one thread; Tianbao, by thread:"
  echo
  # Threads in the order they start: the caller's, then the entry's inflating thread
  # (tb_prefetch), then its parsing thread (the tb_xml pipeline).
  names=("" "the caller's thread (cells and rows, the small parts)" "inflating the sheet (zlib, CRC)" \
         "parsing the sheet (libxml2 and the cell decoder)")
  for i in 1 2 3; do
    f=$W/cg.tianbao-0$i
    [ -f "$f" ] || continue
    n=$(total "$f")
    echo "- ${names[$i]}: $(awk "BEGIN{printf \"%.2f G, %.2f × the floor\", $n/1e9, $n/$floor}")"
  done
fi
