"""Load on the portal (`tianbao serve`), on loopback only, bounded in count and time:

  P1  41 units hand in the sample round at once (every unit of 2021-06: its sample file where
      there is one, else its blank template): time from the start of each upload to its
      verdict; target p95 <= 1 s on 2 cores.
  P2  the 3,000 M1 files handed in by 50 concurrent clients, then 汇总 from the portal: every
      file recorded, stored and merged, nothing lost or duplicated; the uploads' wall time
      against `tianbao check` of the same files; target <= 2 x.

Usage: portal_load.py TIANBAO KEY SAMPLES TEMPLATES M1_PLAN M1_FILES WORK
Prints a Markdown section for bench/RESULTS.md on standard output."""

import concurrent.futures
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "TianbaoPortalTests", "scripts"))
import portal_client as pc  # noqa: E402

binary, key, samples, templates, m1_plan, m1_files, work = sys.argv[1:8]
DEADLINE = time.time() + 1800  # the whole run stops by itself within half an hour
rows = []


def fresh(name):
    path = os.path.join(work, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "data"))
    return os.path.join(path, "data")


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def post(port, link, path, csrf):
    """One upload, retried (at most 20 times) when the server says 503 or 429; returns
    (status, upload id, seconds from the first byte sent to the verdict, retries)."""
    with open(path, "rb") as f:
        data = f.read()
    body, ctype = pc.multipart(data, csrf)
    retries = 0
    start = time.time()
    while True:
        status, headers, _ = pc.request(port, "POST", link + "upload", body, {"Content-Type": ctype, "Accept": "application/json"})
        if status in (429, 503) and retries < 20 and time.time() < DEADLINE:
            retries += 1
            time.sleep(float(headers.get("Retry-After", "1")))
            continue
        return status, headers.get("X-Tianbao-Upload"), time.time() - start, retries


# P1: 41 units at once.
data = fresh("p1")
server = pc.Server(binary, data, key)
try:
    links = pc.links(binary, key, server.base)
    units = [u for u in links if u != "办公室"]
    jobs = []
    for unit in units:
        sample = os.path.join(samples, unit + "-2021-06.xlsx")
        jobs.append((unit, sample if os.path.exists(sample) else os.path.join(templates, unit + "-2021-06.xlsx")))
    tokens = {unit: pc.form_token(server.port, links[unit]) for unit in units}
    barrier = threading.Barrier(len(jobs))

    def one(job):
        unit, path = job
        barrier.wait()
        return post(server.port, links[unit], path, tokens[unit])

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as ex:
        results = list(ex.map(one, jobs))
    wall = time.time() - t0
    latencies = [r[2] for r in results]
    statuses = sorted(set(r[0] for r in results))
    board = pc.board(server.port, links["办公室"])
    answered = sum(1 for r in results if r[0] in (200, 422))
    p95 = percentile(latencies, 95)
    rows.append(("P1", "41 units of the sample round uploading at once", "%d uploads, statuses %s, %d answered, %d retried"
                 % (len(results), statuses, answered, sum(r[3] for r in results)),
                 "p50 %.2f s, p95 %.2f s, max %.2f s; all in %.2f s" % (percentile(latencies, 50), p95, max(latencies), wall),
                 "p95 <= 1 s", "met" if p95 <= 1.0 and answered == len(results) else "NOT met"))
    assert len(board["units"]) == len(units)
finally:
    server.stop()

# P2: 3,000 M1 files by 50 clients, then 汇总.
data = fresh("p2")
files = sorted(f for f in os.listdir(m1_files) if f.endswith(".xlsx"))
server = pc.Server(binary, data, key, extra=("--plan", m1_plan))
try:
    links = pc.links(binary, key, server.base) if False else None
    out = subprocess.run([binary, "links", "--round", "2021-06", "--base-url", server.base, "--key", key, "--plan", m1_plan,
                          "--format", "csv"], check=True, capture_output=True, text=True).stdout
    links = {name: pc.urllib.parse.urlparse(url).path for name, url in (l.split(",", 1) for l in out.strip().splitlines()[1:])}
    work_queue = queue.Queue()
    for name in files:
        work_queue.put(name)
    results = []
    lock = threading.Lock()

    def client():
        while time.time() < DEADLINE:
            try:
                name = work_queue.get_nowait()
            except queue.Empty:
                return
            unit = name[: -len("-2021-06.xlsx")]
            link = links[unit]
            r = post(server.port, link, os.path.join(m1_files, name), pc.form_token(server.port, link))
            with lock:
                results.append((unit,) + r)

    t0 = time.time()
    threads = [threading.Thread(target=client) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    upload_wall = time.time() - t0
    board = pc.board(server.port, links["办公室"])
    stored = os.listdir(os.path.join(data, "submissions", "2021-06"))
    status, csv_headers, csv = pc.request(server.port, "GET", links["办公室"] + "uploads.csv")
    records = [l for l in csv.decode("utf-8-sig").split("\r\n")[1:] if l]
    recorded_units = [l.split(",")[1] for l in records]
    t1 = time.time()
    merge_status, merge = pc.merge(server.port, links["办公室"])
    merge_wall = time.time() - t1
    report = json.loads(pc.request(server.port, "GET", links["办公室"] + "out/report.json")[2])
finally:
    server.stop()
answered = sum(1 for r in results if r[1] in (200, 422))
t = report["totals"]
nothing_lost = (len(results) == len(files) == answered == len(records) == len(set(recorded_units)) == len(stored)
                and board["totals"]["missing"] == 0 and t["accepted"] + t["rejected"] == len(files) and t["missing"] == 0)
# `tianbao check` of the same files, one process, as an office would run it.
t2 = time.time()
subprocess.run([binary, "check", "--plan", m1_plan, "--round", "2021-06", "--key", key, "--format", "json"]
               + [os.path.join(m1_files, f) for f in files], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
check_wall = time.time() - t2
ratio = upload_wall / check_wall
rows.append(("P2", "3,000 M1 files by 50 concurrent clients",
             "%d sent, %d answered, %d records (%d units, once each), %d files stored; 汇总 %s in %.1f s: accepted %d, rejected %d, missing %d, rows merged %d"
             % (len(results), answered, len(records), len(set(recorded_units)), len(stored), merge_status, merge_wall,
                t["accepted"], t["rejected"], t["missing"], t["rows_merged"]),
             "uploads %.1f s (p95 per upload %.2f s, %d retried after 503/429); tianbao check of the same files %.1f s: %.2f x"
             % (upload_wall, percentile([r[3] for r in results], 95), sum(r[4] for r in results), check_wall, ratio),
             "all recorded, stored, merged; <= 2 x check", "met" if nothing_lost and ratio <= 2 else "NOT met"))

load = open("/proc/loadavg").read().split()[:3]
print("## Portal (tianbao serve) under load")
print()
print("Made by `make bench-portal` (bench/portal_load.py) on %s, %d cores, load average %s at the end; the binary: `%s`."
      % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), " ".join(load), os.path.relpath(binary)))
print("Loopback only; every client loop is bounded in count and stops within 30 minutes.")
print()
print("| row | what | counts | times | target | |")
print("| --- | --- | --- | --- | --- | --- |")
for r in rows:
    print("| " + " | ".join(r) + " |")
