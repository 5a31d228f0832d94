#!/usr/bin/env python3
"""What a user would otherwise pick, for the same workloads as Tianbao.

  peers.py make-r1 OUT ROWS                 R1: the workload, written by python xlsxwriter
  peers.py read-calamine FILE               python-calamine, every sheet
  peers.py calamine-to-python FILE          python-calamine's to_python() of every sheet (C: cat)
  peers.py read-openpyxl FILE               openpyxl read-only, every sheet
  peers.py read-pandas FILE                 pandas.read_excel (calamine engine), every sheet
  peers.py write-xlsxwriter OUT ROWS        W1: the R1 content written by python xlsxwriter
  peers.py merge-pandas DIR OUT             M1: read each file's 小区台账, concat, to_excel
  peers.py ledger-checksum FILE             M1's checksum: the merged ledger read back from a workbook

Every reader prints the same checksum as tianbao-bench: cells (non-empty values), the sum of
numbers (not dates or booleans), the count of dates, the total length of strings.
"""
import datetime
import json
import os
import sys

DISTRICTS = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "洪山区", "青山区", "蔡甸区", "江夏区", "黄陂区",
             "新洲区", "东湖高新区", "经开区", "临空港", "东湖风景区"]
STATUSES = ["未开工", "在建", "已完工"]
HEADERS = ["小区名称", "所在区", "开工日期", "户数", "计划投资", "状态", "备注", "完成率", "加装电梯", "楼栋数", "完工日期", "合计"]


class Checksum:
    def __init__(self):
        self.cells = self.dates = self.chars = 0
        self.numbers = 0.0

    def add(self, v):
        if v is None or v == "":
            return
        self.cells += 1
        if isinstance(v, bool):
            return
        if isinstance(v, (int, float)):
            self.numbers += v
        elif isinstance(v, (datetime.date, datetime.datetime, datetime.time)):
            self.dates += 1
        elif isinstance(v, str):
            self.chars += len(v)

    def __str__(self):
        return json.dumps({"cells": self.cells, "numbers": "%.2f" % self.numbers, "dates": self.dates, "chars": self.chars})


def write_r1(path, rows, workbook_options=None):
    import xlsxwriter
    wb = xlsxwriter.Workbook(path, workbook_options or {})
    ws = wb.add_worksheet("小区台账")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    pct = wb.add_format({"num_format": "0.0%"})
    money = wb.add_format({"num_format": "0.00"})
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h)
    for i in range(1, rows + 1):
        households, buildings = 100 + i % 900, 1 + i % 30
        ws.write_string(i, 0, "和平社区%d号" % (i % 5000))
        ws.write_string(i, 1, DISTRICTS[i % 15])
        ws.write_number(i, 2, 43831 + i % 700, date)
        ws.write_number(i, 3, households)
        ws.write_number(i, 4, (i % 100000) / 100 + 0.25, money)
        ws.write_string(i, 5, STATUSES[i % 3])
        ws.write_string(i, 6, "第%d批改造项目,含雨污分流" % (i % 200))
        ws.write_number(i, 7, (i % 101) / 100, pct)
        ws.write_boolean(i, 8, i % 2 == 0)
        ws.write_number(i, 9, buildings)
        ws.write_number(i, 10, 44197 + i % 365, date)
        ws.write_formula(i, 11, "=D%d+J%d" % (i + 1, i + 1), None, households + buildings)
    wb.close()


def read_calamine(path):
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    s = Checksum()
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).iter_rows():
            for v in row:
                s.add(v)
    print(s)


def calamine_to_python(path):
    """What a user of python-calamine runs to get a sheet's values: to_python() per sheet."""
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    rows = 0
    for name in wb.sheet_names:
        rows += len(wb.get_sheet_by_name(name).to_python())
    print(f"rows={rows}")


def read_openpyxl(path):
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    s = Checksum()
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                s.add(v)
    print(s)


def read_pandas(path):
    import pandas as pd
    s = Checksum()
    for df in pd.read_excel(path, sheet_name=None, header=None, engine="calamine").values():
        for col in df.columns:
            for v in df[col].tolist():
                if isinstance(v, float) and v != v:
                    continue
                if hasattr(v, "to_pydatetime"):
                    v = v.to_pydatetime()
                s.add(v)
    print(s)


def merge_pandas(folder, out):
    import pandas as pd
    frames = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".xlsx"):
            continue
        df = pd.read_excel(os.path.join(folder, name), sheet_name="小区台账", header=2, engine="calamine")
        df = df.dropna(how="all")
        df.insert(0, "来源文件", name)
        frames.append(df)
    merged = pd.concat(frames, ignore_index=True)
    merged.to_excel(out, engine="xlsxwriter", index=False)
    print(json.dumps({"rows": len(merged), "columns": len(merged.columns)}))


def ledger_checksum(path):
    """A checksum of a merged ledger read back from the written workbook, the same for Tianbao's
    汇总 and the pandas script's output: the 小区台账 sheet (or the only sheet), the header row
    that names 小区名称, then every row up to the first empty one: rows, the sum of 户数 and of
    计划投资, and the length of the names."""
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(path)
    name = "小区台账" if "小区台账" in wb.sheet_names else wb.sheet_names[0]
    rows = wb.get_sheet_by_name(name).to_python()
    def label(v):
        return str(v).replace("*", "").replace("＊", "").strip()
    head = next(i for i, r in enumerate(rows) if any(label(v) == "小区名称" for v in r))
    # The first column of each name: a naive merge keeps the templates' hidden working
    # columns, which repeat the field names (without the required mark) right of 自查.
    cols = {}
    for j, v in enumerate(rows[head]):
        cols.setdefault(label(v), j)
    def col(prefix):
        return next(j for k, j in cols.items() if k.startswith(prefix))
    c_name, c_households, c_money = col("小区名称"), col("户数"), col("计划投资")
    n, households, money, chars = 0, 0.0, 0.0, 0
    for r in rows[head + 1:]:
        if all(v in ("", None) for v in r):
            break
        n += 1
        households += float(r[c_households] or 0)
        money += float(r[c_money] or 0)
        chars += len(str(r[c_name]))
    print(json.dumps({"rows": n, "households": round(households), "investment": round(money, 1), "name_chars": chars},
                     ensure_ascii=False))


def main():
    cmd = sys.argv[1]
    if cmd == "make-r1":
        write_r1(sys.argv[2], int(sys.argv[3]))
    elif cmd == "read-calamine":
        read_calamine(sys.argv[2])
    elif cmd == "calamine-to-python":
        calamine_to_python(sys.argv[2])
    elif cmd == "ledger-checksum":
        ledger_checksum(sys.argv[2])
    elif cmd == "read-openpyxl":
        read_openpyxl(sys.argv[2])
    elif cmd == "read-pandas":
        read_pandas(sys.argv[2])
    elif cmd == "write-xlsxwriter":
        write_r1(sys.argv[2], int(sys.argv[3]))
    elif cmd == "merge-pandas":
        merge_pandas(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
