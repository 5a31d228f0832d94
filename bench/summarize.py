#!/usr/bin/env python3
"""Turns bench/work/times (one line per run: name wall cpu rss checksum) into the Markdown table
of best runs and ratios that make bench writes to bench/RESULTS.md, with the targets of issues
#6, #11 and #15.

  summarize.py WORK_DIR ROWS M1_FILES HAVE_REVIEW

The best run (least wall time, least CPU) stands for each program: on a machine other work
loads, a run can only be slowed, never sped up, so the best of several alternated runs is the
steadiest figure. Peak RSS is the median."""
import os, statistics, sys, platform, subprocess
work, rows, files, have_review = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
times = os.path.join(work, "times")
data = {}
for line in open(times, encoding="utf-8", errors="replace"):
    # A run's line is `name wall cpu rss checksum`; a checksum that ran over several lines (the
    # first lines of a converted file) leaves continuation lines, which are not runs.
    name, wall, cpu, rss, checksum = (line.split(" ", 4) + ["", "", "", ""])[:5]
    try:
        float(wall); float(cpu); int(rss)
    except ValueError:
        continue
    d = data.setdefault(name, {"wall": [], "cpu": [], "rss": [], "sum": checksum.strip()})
    d["wall"].append(float(wall)); d["cpu"].append(float(cpu)); d["rss"].append(int(rss))
med = {k: {"wall": min(v["wall"]), "cpu": min(v["cpu"]), "rss": statistics.median(v["rss"]), "sum": v["sum"]}
       for k, v in data.items()}
cells = rows * 12 + 12
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
out = [f"Machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
       f"{platform.system()} {platform.release()}. Best of {len(data.get('R1:tianbao', {'wall': []})['wall'])} runs for R1, F, "
       f"W1 and C and of {len(data.get('M1:tianbao', {'wall': []})['wall'])} for H, M1, A and V, programs alternated "
       f"(peak RSS: the median)."]
load = open(os.path.join(work, "load"), encoding="utf-8").read().split("\n") if os.path.exists(os.path.join(work, "load")) else []
if load:
    out.append("Load on the machine (other engineers' builds and tests share its two cores), `uptime` at the "
               "start and end of the measured runs: " + "; ".join(f"`{l.strip()}`" for l in load if l.strip()) + ".")
out.append("")
out.append("| workload | program | wall s | CPU s | peak RSS MB | cells/s | Tianbao ÷ this (wall) | checksum |")
out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
def row(w, name, ref, ncells=None):
    """One table row for a program that ran; its ratio is Tianbao's (`ref`) wall time to its own."""
    if name not in med:
        return
    m = med[name]
    tianbao_to_this = med[ref]["wall"] / m["wall"] if ref in med and ref != name else 1.0
    rate = f"{ncells / m['wall'] / 1e6:.2f} M" if ncells else ""
    out.append(f"| {w} | {name.split(':')[1]} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['rss'] / 1024:.0f} | {rate} | "
               f"{tianbao_to_this:.2f} | `{m['sum'][:90]}` |")
for p in ("R1:tianbao", "R1:tianbao-1-thread", "R1:calamine", "R1:openpyxl", "R1:pandas", "F:floor"):
    row("R1 read", p, "R1:tianbao", cells)
for p in ("W1:tianbao", "W1:libxlsxwriter", "W1:xlsxwriter"):
    row("W1 write", p, "W1:tianbao", cells)
for p in ("C:tianbao-tsv", "C:tianbao-json", "C:tianbao-csv", "C:calamine-to_python"):
    row("C cat", p, "C:tianbao-tsv", cells)
for p in ("H:swift-crypto", "H:hand-written", "H:sha256sum"):
    row("H hash M1 files", p, "H:swift-crypto")
for p in ("M1:tianbao", "M1:tianbao-300", "M1:pandas", "M1:read-only", "M1:read-fields", "M1:read+check"):
    row("M1 merge", p, "M1:tianbao", files * 60 * 19)
for p in ("A:no-archive", "A:eleventh-empty-archive", "A:eleventh-ten-rounds"):
    row("A archive", p, "M1:tianbao", files * 60 * 19)
for p in ("V:review-11-rounds", "V:review-1-round"):
    row("V review", p, "M1:tianbao")
out.append("")
out.append("M1:tianbao records the round into a fresh archive; A:no-archive is the same merge with `--no-archive`. "
           "The eleventh round (2021-11) is merged into an empty archive and into a copy of the archive of ten rounds "
           "(its checks across rounds compare with 2021-10).")
out.append("")
if "M1:read-only" in med and "M1:read+check" in med and "M1:tianbao" in med:
    total = med["M1:tianbao"]["wall"]
    read, check = med["M1:read-only"]["wall"], med["M1:read+check"]["wall"]
    out.append(f"M1 time split (best of separate runs, both cores): reading every cell of every file {read:.2f} s "
               f"({read / total:.0%} of the merge), reading and checking (`tianbao status`) {check:.2f} s ({check / total:.0%}), "
               f"the whole merge {total:.2f} s. The merge writes the consolidated workbook while files are still being "
               f"checked (the rows of its largest sheet deflated as they are written), and records the round in the "
               f"archive after: together {total - check:.2f} s ({(total - check) / total:.0%}) more than reading and "
               f"checking (the phases below say where, after the last file).")
    if "M1:read-fields" in med:
        out.append(f"Reading only the cells the checker reads (the 19 fields and 说明, not the templates' 自查 column and its "
                   f"25 hidden working columns, all formulas): {med['M1:read-fields']['wall']:.2f} s against {read:.2f} s for every cell "
                   f"({med['M1:read-fields']['cpu']:.2f} s of CPU against {med['M1:read-only']['cpu']:.2f} s): the content of the "
                   f"cells right of the fields is dropped before libxml2 parses it (tb_cell_filter.c), as the checker reads.")
if all(k in med for k in ("M1:tianbao", "M1:tianbao-300", "M1:pandas")):
    out.append(f"M1 memory growth, 300 → {files} files: {med['M1:tianbao']['rss'] / med['M1:tianbao-300']['rss']:.2f}×; "
               f"Tianbao's peak RSS ÷ pandas': {med['M1:tianbao']['rss'] / med['M1:pandas']['rss']:.2f}.")
print("\n".join(out))

def ratio(a, b, key="wall"):
    return med[a][key] / med[b][key]
targets = []
def target(name, num, den, bound, key="wall"):
    """A target as a ratio of two programs of this run; missing when either did not run."""
    if num in med and den in med:
        targets.append((name, ratio(num, den, key), bound, ratio(num, den, "cpu") if key == "wall" else None))
    else:
        targets.append((name, None, bound, None))
target("R1: Tianbao ≤ 0.5 × python-calamine (wall)", "R1:tianbao", "R1:calamine", 0.5)
target("R1: Tianbao ≤ 1.5 × the floor F (wall)", "R1:tianbao", "F:floor", 1.5)
target("W1: Tianbao ≤ 1.2 × direct libxlsxwriter (wall)", "W1:tianbao", "W1:libxlsxwriter", 1.2)
target("C: `cat --format tsv` ≤ 0.25 × calamine's to_python() (wall; #24, was 0.5)", "C:tianbao-tsv", "C:calamine-to_python", 0.25)
target("C: `cat --format json` ≤ 0.7 × calamine's to_python() (wall)", "C:tianbao-json", "C:calamine-to_python", 0.7)
target("M1: Tianbao ≤ 0.10 × the pandas script (wall; #24, was 0.15)", "M1:tianbao", "M1:pandas", 0.10)
target("M1: peak RSS ≤ 0.25 × the pandas script's", "M1:tianbao", "M1:pandas", 0.25, "rss")
target("M1: memory growth 300 → %d files < 2 ×" % files, "M1:tianbao", "M1:tianbao-300", 2.0, "rss")
target("#15: recording the M1 round adds ≤ 15 % (merge into a fresh archive ÷ `--no-archive`, wall)",
       "M1:tianbao", "A:no-archive", 1.15)
archive_note = None
size_file = os.path.join(work, "archive-size")
if os.path.exists(size_file) and open(size_file).read().strip():
    n_rounds, n_rows, size = map(int, open(size_file).read().split())
    targets.append((f"#15: the archive of {n_rounds} M1 rounds < 1 KB per stored row (bytes ÷ 1,024 per row)",
                    size / n_rows / 1024, 1.0, None))
    archive_note = (f"The archive of {n_rounds} M1 rounds: {size / 1e6:.1f} MB for {n_rows:,} stored rows, "
                    f"{size / n_rows:.0f} bytes per row (every table: rounds with their report.json, units, files, "
                    f"sheets, rows, problems, figures).")
target("#15: the checks across rounds on the eleventh round add ≤ 25 % (ten-round archive ÷ empty archive, wall)",
       "A:eleventh-ten-rounds", "A:eleventh-empty-archive", 1.25)
if have_review:
    target("#15: `review` over the eleven rounds ≤ one merge's time (÷ M1:tianbao, wall)", "V:review-11-rounds", "M1:tianbao", 1.0)
    target("#15: `review`'s memory flat: peak RSS over eleven rounds ≤ 2 × over one round", "V:review-11-rounds",
           "V:review-1-round", 2.0, "rss")
print()
print("## Against the targets (issues #6, #11, #15 and #24)")
print()
print("| target | this run | the same as a ratio of CPU seconds | met |")
print("| --- | --- | --- | --- |")
for name, value, bound, cpu in targets:
    cpu_text = f"{cpu:.2f} ×" if cpu is not None else ""
    if value is None:
        print(f"| {name} | not run | | — |")
    else:
        print(f"| {name} | {value:.2f} × | {cpu_text} | {'yes' if value <= bound else '**no**'} |")
if not have_review:
    print("| #15: `review` over ten M1 rounds ≤ one merge's time, memory flat | review: not available in this build | | — |")
if archive_note:
    print()
    print(archive_note)
failed = os.path.join(work, "failed")
if os.path.exists(failed) and os.path.getsize(failed) > 0:
    print()
    print("Runs that failed (not counted):")
    print()
    for line in open(failed, encoding="utf-8", errors="replace"):
        print(f"- `{line.strip()[:300]}`")
if "H:swift-crypto" in med and "H:hand-written" in med:
    print()
    print(f"Hashing the {files} M1 files: swift-crypto {med['H:swift-crypto']['wall']:.2f} s, the hand-written SHA-256 "
          f"used before {med['H:hand-written']['wall']:.2f} s ({ratio('H:swift-crypto', 'H:hand-written'):.2f} ×), "
          f"sha256sum {med['H:sha256sum']['wall']:.2f} s.")
if "R1:tianbao-1-thread" in med:
    print()
    print(f"R1 on one thread (no reading ahead): {ratio('R1:tianbao-1-thread', 'F:floor'):.2f} × the floor's wall time, "
          f"{ratio('R1:tianbao-1-thread', 'R1:calamine'):.2f} × calamine's. Reading ahead, Tianbao uses "
          f"{med['R1:tianbao']['cpu']:.2f} s of CPU against the floor's {med['F:floor']['cpu']:.2f} s (the floor and "
          f"calamine use one thread).")
