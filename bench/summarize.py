#!/usr/bin/env python3
"""Turns bench/work/times (one line per run: name wall cpu rss checksum) into the Markdown table
of medians and ratios that make bench writes to bench/RESULTS.md."""
import statistics, sys, platform, subprocess
times, rows, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = {}
for line in open(times, encoding="utf-8", errors="replace"):
    name, wall, cpu, rss, checksum = (line.split(" ", 4) + [""])[:5]
    d = data.setdefault(name, {"wall": [], "cpu": [], "rss": [], "sum": checksum.strip()})
    d["wall"].append(float(wall)); d["cpu"].append(float(cpu)); d["rss"].append(int(rss))
med = {k: {m: statistics.median(v[m]) for m in ("wall", "cpu", "rss")} | {"sum": v["sum"]} for k, v in data.items()}
cells = rows * 12 + 12
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
out = [f"Machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
       f"{platform.system()} {platform.release()}. Medians of {len(data['R1:tianbao']['wall'])} runs for R1, F and W1 and "
       f"{len(data['M1:tianbao']['wall'])} for M1, programs alternated.", ""]
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
for p in ("M1:tianbao", "M1:tianbao-300", "M1:pandas", "M1:read-only", "M1:read+check"):
    row("M1 merge", p, "M1:tianbao", files * 60 * 19)
out.append("")
if "M1:read-only" in med and "M1:read+check" in med:
    total = med["M1:tianbao"]["wall"]
    read, check = med["M1:read-only"]["wall"], med["M1:read+check"]["wall"]
    out.append(f"M1 time split (medians of separate runs, both cores): reading every cell of every file {read:.2f} s "
               f"({read / total:.0%} of the merge), reading and checking (`tianbao status`) {check:.2f} s ({check / total:.0%}), "
               f"the whole merge {total:.2f} s. The merge writes the consolidated workbook while files are still being "
               f"checked, so writing adds {total - check:.2f} s ({(total - check) / total:.0%}) after the last file is "
               f"checked: mostly deflating the workbook's largest sheet, which can only start once it is complete.")
out.append(f"M1 memory growth, 300 → {files} files: {med['M1:tianbao']['rss'] / med['M1:tianbao-300']['rss']:.2f}×; "
           f"Tianbao's peak RSS ÷ pandas': {med['M1:tianbao']['rss'] / med['M1:pandas']['rss']:.2f}.")
print("\n".join(out))

def ratio(a, b, key="wall"):
    return med[a][key] / med[b][key]
targets = [
    ("R1: Tianbao ≤ 0.5 × python-calamine (wall)", ratio("R1:tianbao", "R1:calamine"), 0.5),
    ("R1: Tianbao ≤ 1.5 × the floor F (wall)", ratio("R1:tianbao", "F:floor"), 1.5),
    ("W1: Tianbao ≤ 1.2 × direct libxlsxwriter (wall)", ratio("W1:tianbao", "W1:libxlsxwriter"), 1.2),
    ("C: `cat --format tsv` ≤ 0.5 × calamine's to_python() (wall)", ratio("C:tianbao-tsv", "C:calamine-to_python"), 0.5),
    ("C: `cat --format json` ≤ 0.7 × calamine's to_python() (wall)", ratio("C:tianbao-json", "C:calamine-to_python"), 0.7),
    ("M1: Tianbao ≤ 0.15 × the pandas script (wall)", ratio("M1:tianbao", "M1:pandas"), 0.15),
    ("M1: peak RSS ≤ 0.25 × the pandas script's", ratio("M1:tianbao", "M1:pandas", "rss"), 0.25),
    ("M1: memory growth 300 → %d files < 2 ×" % files, ratio("M1:tianbao", "M1:tianbao-300", "rss"), 2.0),
]
print()
print("## Against the targets (issues #6 and #11)")
print()
print("| target | this run | met |")
print("| --- | --- | --- |")
for name, value, bound in targets:
    print(f"| {name} | {value:.2f} × | {'yes' if value <= bound else '**no**'} |")
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
