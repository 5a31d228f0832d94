#!/usr/bin/env python3
"""Makes samples/submissions/2021-03, 2021-04 and 2021-05: the months before the committed June
round (samples/submissions/2021-06, left exactly as it is), so the four rounds are one
consistent year for the archive and the checks across rounds.

Each earlier month is derived backwards from June's data: the same tasks with lower progress
and that month's own texts, the same indicators with smaller cumulative counts, each district's
ledger as a shorter list of the same communities, fewer of them completed, the same liaison.
Units whose June file cannot be read as June's (not sent, an .xls, last month's template) get
a June of their own made with make_samples.py's filling code. Each month's templates are made by
`tianbao templates` into a temporary folder (only templates/2021-06 is committed: a test pins
it, and the others are reproducible), filled with openpyxl, some saved again by LibreOffice,
with the time each unit saved its file in docProps/core.xml.

The 自查 column and its working columns are taken out of the filled files (the checker never
reads them), which keeps each file about 20 KB instead of 0.5 MB.

Planted across rounds (samples/README.md gives the expected outcome of each round):
  - 汉阳区 reports a community 已完工 in April and 在建 in May (status going back: an error);
  - 江汉区 reports in April a community of 江岸区's ledger (as “…社区” for “…小区”), and drops
    it in May (a community reported by two units, then vanished);
  - 市城乡建设局 resends in May its April text for a task not done (text copied);
  - 市民政局 sends nothing in April (a missed month).

Run: python3 samples/make_year.py   (needs openpyxl, LibreOffice, and a built tianbao)
"""
import datetime
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_samples as ms  # noqa: E402  (shares the clerks' filling code and the save helpers)

ROOT = ms.ROOT
JUNE = os.path.join(ROOT, "samples", "submissions", "2021-06")
SUBMISSIONS = os.path.join(ROOT, "samples", "submissions")
MONTHS = ["2021-03", "2021-04", "2021-05"]
DUE = {"2021-03": datetime.date(2021, 3, 31), "2021-04": datetime.date(2021, 4, 25), "2021-05": datetime.date(2021, 5, 25)}
MONTH_END = {"2021-03": datetime.date(2021, 3, 31), "2021-04": datetime.date(2021, 4, 30), "2021-05": datetime.date(2021, 5, 31)}
# The share of June's progress and cumulative counts reached by each month.
SHARE = {"2021-03": 0.3, "2021-04": 0.5, "2021-05": 0.75}
# Units whose June file is not a June workbook of theirs: a June is made for them.
MADE_UP = {"市体育局", "市统计局", "蔡甸区人民政府", "市委政法委", "市水务局", "市教育局"}
LIBREOFFICE = {"江岸区人民政府", "青山区人民政府", "市城乡建设局", "武汉供电公司"}
JUNE_FILE = {"江汉区人民政府": "江汉区2021年6月报表(更正).xlsx"}

# Planted across rounds.
STATUS_BACK = "汉阳区人民政府"       # a community 已完工 in April, 在建 in May
DUPLICATE = ("江汉区人民政府", "江岸区人民政府")   # 江汉区 reports 江岸区's community in April
TEXT_RESENT = "市城乡建设局"          # May's text of one open task = April's
MISSES_APRIL = "市民政局"            # nothing in April

MONTH_WORK = {
    "2021-03": "制定本单位实施方案，明确分管领导、责任处室和联络员，",
    "2021-04": "召开专题推进会，细化任务清单和时间节点，",
    "2021-05": "对照任务清单逐项推进，开展中期自查，",
}
R = random.Random(202103)


def text(v):
    return None if v is None else str(v).strip() or None


def as_date(v):
    if isinstance(v, datetime.datetime):
        return v.date()
    if isinstance(v, datetime.date):
        return v
    if isinstance(v, str):
        for fmt in ("%Y/%m/%d", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(v, fmt).date()
            except ValueError:
                pass
    return None


def as_number(v):
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return float(v.strip().rstrip("%"))
        except ValueError:
            return None
    return None


def read_june(wb):
    """A unit's June as plain values: progress by task, indicators, ledger rows, liaison."""
    state = {"progress": [], "indicators": [], "ledger": [], "liaison": None}
    ws = wb["任务进展"]
    r = 4
    while ws.cell(r, 1).value:
        state["progress"].append({
            "task": str(ws.cell(r, 1).value), "status": text(ws.cell(r, 6).value),
            "percent": as_number(ws.cell(r, 7).value) or 0, "work": text(ws.cell(r, 8).value),
            "results": text(ws.cell(r, 9).value), "next": text(ws.cell(r, 11).value), "eta": as_date(ws.cell(r, 12).value)})
        r += 1
    if "量化指标" in wb.sheetnames:
        ws = wb["量化指标"]
        for r in range(4, 40):
            if ws.cell(r, 1).value:
                state["indicators"].append([ws.cell(r, c).value for c in range(1, 7)])
    if "小区台账" in wb.sheetnames:
        ws = wb["小区台账"]
        seen = set()
        for r in range(4, 304):
            row = [ws.cell(r, c).value for c in range(1, 26)]
            if not row[0]:
                continue
            if row[0] in seen:      # June's planted duplicate is not carried back
                continue
            seen.add(row[0])
            state["ledger"].append(row)
    ws = wb["联络员"]
    state["liaison"] = [ws.cell(4, c).value for c in range(1, 6)]
    mobile = str(state["liaison"][3] or "")
    if len(mobile) != 11:           # June's planted 10-digit mobile: right in earlier months
        state["liaison"][3] = "13871234567"
    return state


def june_state(unit):
    """June as the unit sent it, or, for a unit without a usable June file, one made with
    make_samples.py's filling code on its June template (not saved)."""
    if unit not in MADE_UP:
        path = os.path.join(JUNE, JUNE_FILE.get(unit, unit + "-2021-06.xlsx"))
        return read_june(openpyxl.load_workbook(path))
    wb = openpyxl.load_workbook(os.path.join(ROOT, "templates", "2021-06", unit + "-2021-06.xlsx"))
    tasks = [str(wb["任务进展"].cell(r, 1).value) for r in range(4, 40) if wb["任务进展"].cell(r, 1).value]
    ms.fill_progress(wb["任务进展"], unit)
    ms.fill_indicators(wb["量化指标"], tasks)
    if "小区台账" in wb.sheetnames:
        ms.fill_ledger(wb["小区台账"], unit, ms.R.randint(7, 12))
    ms.fill_liaison(wb["联络员"])
    return read_june(wb)


def progress_rows(state, month):
    """The unit's task rows in `month`: June's progress scaled down, the month's own text."""
    out = []
    for p in state["progress"]:
        pct = int(math.floor(p["percent"] * SHARE[month] / 10.0)) * 10
        status = "推进中" if pct > 0 else "未启动"
        work = MONTH_WORK[month] + (p["work"] or "按方案推进相关工作。")
        out.append({"task": p["task"], "status": status, "percent": pct, "work": work,
                    "results": p["results"] if pct > 0 and month != "2021-03" else None,
                    "next": p["next"], "eta": p["eta"]})
    return out


def ledger_rows(state, month, unit):
    """The unit's ledger in `month`: the first share of June's communities, each with the
    status it had by the month's end (completed when June's 完工日期 is by then)."""
    rows = state["ledger"]
    keep = math.ceil(len(rows) * {"2021-04": 0.6, "2021-05": 0.85}[month])
    end = MONTH_END[month]
    out = []
    for row in rows[:keep]:
        row = list(row)
        start, finish, status = as_date(row[17]), as_date(row[18]), row[19]
        if row[6] not in ("基础类", "完善类", "提升类"):     # June's pasted 综合类
            row[6] = "完善类"
        sources = [as_number(v) or 0 for v in row[9:17]]
        invest = as_number(row[8]) or 0
        if abs(sum(sources) - invest) > 0.05:            # June's planted sum mismatch
            row[9] = round(invest - sum(sources[1:]), 1)
        done = status == "已完工" and finish is not None and start is not None and start <= finish and finish <= end
        if done:
            row[19] = "已完工"
        elif status != "未开工" and start is not None and start <= end:
            row[19], row[18], row[23] = "在建", None, None
        else:
            row[19], row[17], row[18], row[23] = "未开工", None, None, None
        out.append(row)
    return out


def plain(v):
    """A value as a clerk types it: dates as dates (openpyxl would give a datetime a time format)."""
    return v.date() if isinstance(v, datetime.datetime) else v


def write_month(template, unit, month, state, saved, mutate=None):
    wb = openpyxl.load_workbook(template)
    ws = wb["任务进展"]
    rows = {p["task"]: p for p in progress_rows(state, month)}
    r = 4
    while ws.cell(r, 1).value:
        p = rows[str(ws.cell(r, 1).value)]
        for c, k in [(6, "status"), (7, "percent"), (8, "work"), (9, "results"), (11, "next"), (12, "eta")]:
            ws.cell(r, c).value = plain(p[k])
        r += 1
    ws = wb["量化指标"]
    for i, ind in enumerate(state["indicators"]):
        name, measure, target, done, task, deadline = ind
        for c, v in enumerate([name, measure, target, math.floor((as_number(done) or 0) * SHARE[month]), task, deadline], start=1):
            ws.cell(4 + i, c).value = plain(v)
    if "小区台账" in wb.sheetnames:
        ws = wb["小区台账"]
        for i, row in enumerate(ledger_rows(state, month, unit)):
            for c, v in enumerate(row, start=1):
                ws.cell(4 + i, c).value = plain(v)
    if "宣传信息" in wb.sheetnames:
        ws = wb["宣传信息"]
        day = datetime.date(2021, int(month[5:]), 10)
        for i in range(R.choice([1, 2])):
            ws.cell(4 + i, 1).value = day if i == 0 else day.replace(day=15)
            ws.cell(4 + i, 2).value = unit.replace("人民政府", "") + R.choice(["召开老旧小区改造推进会", "老旧小区改造项目陆续开工", "居民议事会共商改造方案"])
            ws.cell(4 + i, 3).value = R.choice(ms.CHANNELS)
            ws.cell(4 + i, 4).value = "https://www.example.gov.cn/news/%s/%03d.html" % (month, R.randint(1, 999))
    ws = wb["联络员"]
    for c, v in enumerate(state["liaison"], start=1):
        ws.cell(4, c).value = v
    if mutate:
        mutate(wb)
    ms.strip_self_check(wb)
    path = os.path.join(SUBMISSIONS, month, os.path.basename(template))
    wb.save(path)
    if unit in LIBREOFFICE:
        ms.libreoffice_resave(path)
    ms.set_saved_time(path, saved)


def main():
    if not os.path.exists(ms.TIANBAO):
        sys.exit("build tianbao first (swift build)")
    ms.R.seed(2021_0301)
    units = sorted(f[: -len("-2021-06.xlsx")] for f in os.listdir(os.path.join(ROOT, "templates", "2021-06")) if f.endswith(".xlsx"))
    states = {u: june_state(u) for u in units}
    # 江岸区's community that 江汉区 also reports in April (in 江岸区's April ledger too).
    jiangan_name = ledger_rows(states[DUPLICATE[1]], "2021-04", DUPLICATE[1])[1][0]
    for month in MONTHS:
        out = os.path.join(SUBMISSIONS, month)
        if os.path.exists(out):
            shutil.rmtree(out)
        os.makedirs(out)
        tmp = tempfile.mkdtemp()
        subprocess.run([ms.TIANBAO, "templates", "--round", month, "--out", tmp, "--key", ms.KEY, "--no-carry"],
                       check=True, stdout=subprocess.DEVNULL)
        due = DUE[month]
        for unit in units:
            if month == "2021-04" and unit == MISSES_APRIL:
                continue
            template = os.path.join(tmp, f"{unit}-{month}.xlsx")
            saved = datetime.datetime.combine(due - datetime.timedelta(days=R.randint(1, 8)),
                                              datetime.time(R.randint(9, 17), R.randint(0, 59)))
            mutate = None
            if unit == STATUS_BACK and month in ("2021-04", "2021-05"):
                mutate = status_back(states[unit], month)
            elif unit == DUPLICATE[0] and month == "2021-04":
                def mutate(wb, name=jiangan_name):
                    ws = wb["小区台账"]
                    r = 4
                    while ws.cell(r, 1).value:
                        r += 1
                    for c in range(1, 26):
                        ws.cell(r, c).value = ws.cell(r - 1, c).value
                    ws.cell(r, 1).value = name[:-2] + "社区" if name.endswith("小区") else name + "社区"
            elif unit == TEXT_RESENT and month == "2021-05":
                def mutate(wb, state=states[unit]):
                    ws = wb["任务进展"]
                    april = {p["task"]: p for p in progress_rows(state, "2021-04")}
                    ws.cell(4, 8).value = april[str(ws.cell(4, 1).value)]["work"]
            write_month(template, unit, month, states[unit], saved, mutate)
        shutil.rmtree(tmp)
        print("samples written to", out)


def status_back(state, month):
    """汉阳区's community completed by April's report, then under construction in May's."""
    april = math.ceil(len(state["ledger"]) * 0.6)
    row = next(i for i, r in enumerate(state["ledger"][:april]) if r[19] == "已完工")

    def mutate(wb):
        ws = wb["小区台账"]
        r = 4 + row
        if month == "2021-04":
            ws.cell(r, 20).value = "已完工"
            ws.cell(r, 18).value = datetime.date(2021, 3, 15)
            ws.cell(r, 19).value = datetime.date(2021, 4, 20)
            ws.cell(r, 24).value = 95
        else:
            ws.cell(r, 20).value = "在建"
            ws.cell(r, 18).value = datetime.date(2021, 3, 15)
            ws.cell(r, 19).value = None
            ws.cell(r, 24).value = None
    return mutate


if __name__ == "__main__":
    sys.exit(main())
