#!/usr/bin/env python3
"""Runs the XCTest bundle's test classes in parallel processes, longest first.

    run_tests.py BUNDLE [--jobs N] [--times FILE] [--record FILE] [--filter REGEX]

BUNDLE is the test bundle `swift build --build-tests` makes (.build/debug/TianbaoPackageTests.xctest).
Each work item is one process of the bundle running some test classes: a class runs whole in
one process, so a class's static fixtures are made once, as under a serial `swift test`. Small
classes are packed together (fewer process starts); items are handed out longest first to N
workers (the Makefile starts one more than the cores; two when run by hand), each taking the
next item when it is done, so the shards balance themselves even when the recorded times are
stale. Each item's wall and CPU seconds are printed (CPU: the process and every program it ran).

Fixtures that several classes read (the sample year merged in order) are made once per run
in the folder $TIANBAO_TEST_FIXTURES, which this script creates and removes (TestSupport's
SharedFixture builds each one under a lock; tests only read them).

The recorded times (--times, `class<TAB>seconds` lines) only order the work; a class missing
from them counts as short. --record writes the times of this run in that format. The exit
status is 0 when every test passed (or was skipped), 1 otherwise (a failure, or a process that
crashed or did not finish: its last test started is named).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

# Classes that read another class's static fixture (made once per process) run in one process,
# so the fixture is made once as under `swift test`. A fixture several processes need is a
# SharedFixture instead (Tests/TestSupport/SharedFixture.swift).
TOGETHER = [
    # ArchiveFixture.merged (June merged in-process) and CrossRoundCheckerTests.archived.
    {"ArchiveBackupsTests", "ArchiveMigrationTests", "CrossRoundCheckerTests", "CrossRoundRenamedIdsTests",
     "LastLiaisonTests", "RoundArchiveTests", "RoundComparisonTests"},
    # MergeEndToEndTests.merged.
    {"MergeEndToEndTests", "LeadersSeeEverythingTests"},
    # SecondCampaignTests.merged.
    {"SecondCampaignTests", "ReviewOtherPlanTests"},
    # FiguresAgreeTests.year (ReaderFindingsTests also adds its December review to it).
    {"FiguresAgreeTests", "ReaderFindingsTests"},
]

CASE = re.compile(r"^Test Case '([^']+)' (started|passed|failed|skipped)(?: \(([0-9.]+) seconds\))?")
PACK_SECONDS = 8.0  # classes shorter than this share a process with others up to this total
DEFAULT_SECONDS = 0.5


def list_tests(bundle):
    out = subprocess.run([bundle, "--list-tests"], capture_output=True, text=True, check=True).stdout
    tests = [line.strip() for line in out.splitlines() if "/" in line and "." in line.split("/")[0]]
    classes = {}
    for t in tests:
        classes.setdefault(t.split("/")[0], []).append(t)
    return classes


def read_times(path):
    times = {}
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.startswith("#") or "\t" not in line:
                continue
            name, seconds = line.rstrip("\n").split("\t")[:2]
            times[name] = float(seconds)
    return times


def work_items(classes, times):
    """Lists of classes, each with its estimated seconds, longest first: classes listed
    together in TOGETHER form one item; classes shorter than PACK_SECONDS are packed."""
    def seconds(c):
        return times.get(c.split(".")[-1], DEFAULT_SECONDS)
    groups = {}
    for c in classes:
        short = c.split(".")[-1]
        key = next((i for i, g in enumerate(TOGETHER) if short in g), c)
        groups.setdefault(key, []).append(c)
    estimated = sorted(((sum(seconds(c) for c in g), sorted(g)) for g in groups.values()), reverse=True)
    items, pack, pack_seconds = [], [], 0.0
    for total, group in estimated:
        if total >= PACK_SECONDS:
            items.append((total, group))
            continue
        if pack_seconds + total > PACK_SECONDS and pack:
            items.append((pack_seconds, pack))
            pack, pack_seconds = [], 0.0
        pack += group
        pack_seconds += total
    if pack:
        items.append((pack_seconds, pack))
    return sorted(items, key=lambda x: -x[0])


class Run:
    def __init__(self, bundle, env, scratch):
        self.bundle, self.env, self.scratch = bundle, env, scratch
        self.lock = threading.Lock()
        self.passed = self.failed = self.skipped = 0
        self.failures, self.crashes = [], []
        self.class_seconds = {}
        self.cpu = 0.0

    def run_item(self, index, classes):
        log_path = os.path.join(self.scratch, "item-%03d.log" % index)
        started = time.monotonic()
        with open(log_path, "wb") as log:
            child = subprocess.Popen([self.bundle, ",".join(classes)], stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env)
            _, wait_status, usage = os.wait4(child.pid, 0)
            child.returncode = status = os.waitstatus_to_exitcode(wait_status)
        wall = time.monotonic() - started
        cpu = usage.ru_utime + usage.ru_stime  # the process and the programs it ran and waited for
        text = open(log_path, encoding="utf-8", errors="replace").read()
        passed = failed = skipped = 0
        running, failures = None, []
        for line in text.splitlines():
            m = CASE.match(line)
            if not m:
                continue
            name, what, seconds = m.groups()
            if what == "started":
                running = name
                continue
            running = None
            key = name.rsplit(".", 1)[0]  # XCTest on Linux names a case "Class.testMethod"
            if seconds:
                self.class_seconds[key] = self.class_seconds.get(key, 0.0) + float(seconds)
            if what == "passed":
                passed += 1
            elif what == "skipped":
                skipped += 1
            else:
                failed += 1
                failures.append(name)
        with self.lock:
            sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
            sys.stdout.write("=== %s: %d passed, %d skipped, %d failed, status %d, %.1f s wall, %.1f s CPU\n\n"
                             % (", ".join(c.split(".")[-1] for c in classes), passed, skipped, failed, status, wall, cpu))
            sys.stdout.flush()
            self.cpu += cpu
            self.passed += passed
            self.failed += failed
            self.skipped += skipped
            self.failures += failures
            if status != 0 and not failures:
                self.crashes.append("%s: status %d%s" % (", ".join(classes), status,
                                                         "; last test started: " + running if running else ""))
            elif running:
                self.crashes.append("%s: ended during %s (status %d)" % (", ".join(classes), running, status))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("TIANBAO_TEST_JOBS", "2")))
    parser.add_argument("--times")
    parser.add_argument("--record")
    parser.add_argument("--filter", default="", help="only the classes whose Module.Class matches this regex")
    args = parser.parse_args()

    classes = list_tests(args.bundle)
    if args.filter:
        classes = {c: t for c, t in classes.items() if re.search(args.filter, c)}
    items = work_items(classes, read_times(args.times))
    scratch = tempfile.mkdtemp(prefix="tianbao-tests-")
    fixtures = os.path.join(scratch, "fixtures")
    os.mkdir(fixtures)
    env = dict(os.environ, TIANBAO_TEST_FIXTURES=fixtures)
    run = Run(os.path.abspath(args.bundle), env, scratch)
    queue = list(enumerate(items))
    queue_lock = threading.Lock()

    def worker():
        while True:
            with queue_lock:
                if not queue:
                    return
                index, (_, item) = queue.pop(0)
            run.run_item(index, item)

    started = time.monotonic()
    print("%d tests in %d classes, %d processes, %d at once" % (sum(len(t) for t in classes.values()), len(classes),
                                                                 len(items), args.jobs), flush=True)
    threads = [threading.Thread(target=worker) for _ in range(max(1, args.jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    shutil.rmtree(scratch, ignore_errors=True)

    if args.record:
        with open(args.record, "w", encoding="utf-8") as f:
            f.write("# class<TAB>seconds of its tests (Tests/run_tests.py --record); orders the parallel run\n")
            for c, s in sorted(run.class_seconds.items(), key=lambda x: -x[1]):
                f.write("%s\t%.2f\n" % (c, s))
    print("Executed %d tests: %d passed, %d skipped, %d failed, in %.1f s wall (%.1f s CPU)"
          % (run.passed + run.skipped + run.failed, run.passed, run.skipped, run.failed, wall, run.cpu))
    for name in run.failures:
        print("FAILED: " + name)
    for crash in run.crashes:
        print("CRASHED: " + crash)
    expected = sum(len(t) for t in classes.values())
    if run.passed + run.skipped + run.failed != expected and not run.crashes:
        print("MISSING: %d tests listed, %d reported" % (expected, run.passed + run.skipped + run.failed))
        return 1
    return 1 if run.failures or run.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
