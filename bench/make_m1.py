#!/usr/bin/env python3
"""M1, national scale: a plan with N reporting units (every one district-level, every one filing a
60-row 小区台账), its templates made by `tianbao templates`, and N filled submissions.

  make_m1.py PLAN_OUT [UNITS]                 writes the plan YAML (3,000 units unless given)
  make_m1.py fill TEMPLATES_DIR OUT_DIR N [ROUND]
                                              fills the first N templates (60 rows each) of ROUND
                                              (2021-06 unless given)
  make_m1.py clone-rounds ARCHIVE FROM TO...  copies round FROM of a Tianbao archive under the
                                              round ids TO (the archive of ten M1 rounds)

Filling rewrites the cells of the plan's fields in the template's ledger sheet rows 4–63 in the
package directly (the row's other cells, the 自查 column and its hidden working columns, and the
other parts are copied byte for byte), which is what a clerk's save amounts to for this benchmark
(except that Excel would also store the self-check formulas' computed values) and takes
milliseconds per file instead of openpyxl's seconds.
"""
import os
import random
import re
import sys
import zipfile

UNITS = 3000
# A year of monthly rounds: 2021-06 is M1's round; the archive rows of `make bench` merge the
# ten rounds 2021-01 … 2021-10 in order and then 2021-11, the eleventh.
ROUNDS = [f"2021-{m:02d}" for m in range(1, 12)]


def plan(path, n=UNITS):
    units = "\n".join(f"  - {{id: u{i:04d}, name: 第{i:04d}县人民政府, kind: 区}}" for i in range(1, n + 1))
    ids = ", ".join(f"u{i:04d}" for i in range(1, n + 1))
    rounds = "\n".join(f'  - {{id: "{r}", kind: {"半年小结" if r == "2021-06" else "月调度"}, start: {r}-01, due: {r}-15, sheets: [ledger]}}'
                       for r in ROUNDS)
    text = f"""plan: m1-national
version: "1"
title: 全国老旧小区改造台账汇总(基准测试)
office: {{name: 基准测试办公室, host_unit: u0001}}
units:
{units}
unit_groups:
  all: {{label: 各县人民政府, units: [{ids}]}}
task_groups:
  - {{id: "一", title: 改造实施}}
tasks:
  - {{id: "1.1", group: "一", title: 实施老旧小区改造, lead: [group:all]}}
choices:
  renovation_type: [基础类, 完善类, 提升类]
  ledger_status: [未开工, 在建, 已完工]
  property_mode: [市场化物业, 公益性物业, 居民自治, 社区代管, 暂无]
sheets:
  - id: ledger
    name: 小区台账
    kind: rows
    rows: 60
    fields:
      - {{id: name, name: 小区名称, type: text, required: true, max_length: 60}}
      - {{id: street, name: 所在街道, type: text, required: true, max_length: 30}}
      - {{id: built, name: 建成年份, type: integer, min: 1949, max: 2021, required: true}}
      - {{id: buildings, name: 楼栋数, type: integer, min: 1, max: 1000, required: true}}
      - {{id: households, name: 户数, type: integer, min: 1, max: 100000, required: true}}
      - {{id: area, name: 建筑面积(㎡), type: decimal, min: 1, max: 10000000, required: true}}
      - {{id: type, name: 改造类型, type: choice, choices: renovation_type, required: true}}
      - {{id: content, name: 改造内容, type: text, max_length: 500}}
      - {{id: invest, name: 计划投资(万元), type: decimal, min: 0, max: 1000000, required: true}}
      - {{id: src_central, name: 中央补助(万元), type: decimal, min: 0, max: 1000000}}
      - {{id: src_city, name: 市级(万元), type: decimal, min: 0, max: 1000000}}
      - {{id: src_district, name: 区级(万元), type: decimal, min: 0, max: 1000000}}
      - {{id: start, name: 开工日期, type: date, min: 2019-01-01, max: 2025-12-31}}
      - {{id: finish, name: 完工日期, type: date, min: 2019-01-01, max: 2025-12-31}}
      - {{id: status, name: 状态, type: choice, choices: ledger_status, required: true}}
      - {{id: elevators, name: 加装电梯(部), type: integer, min: 0, max: 500}}
      - {{id: parking, name: 新增停车位(个), type: integer, min: 0, max: 10000}}
      - {{id: property, name: 物业服务模式, type: choice, choices: property_mode}}
      - {{id: satisfaction, name: 居民满意度(%), type: percent, min: 0, max: 100}}
    rules:
      - {{kind: implies, if: {{field: status, equals: 已完工}}, then: {{field: finish, required: true}}, message: "状态为已完工时须填写完工日期"}}
      - {{kind: not_before, field: finish, other: start, message: "完工日期不能早于开工日期"}}
      - {{kind: sum, fields: [src_central, src_city, src_district], equals: invest, severity: warning, message: "资金来源之和与计划投资不一致"}}
      - {{kind: unique, field: name, message: "同一小区只能出现一次"}}
targets:
  - {{id: communities, name: 完成老旧小区改造, value: 50000, unit: 个, due: 2021-12-31, sheet: ledger, field: status, equals: 已完工}}
rounds:
{rounds}
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;")


CELL = re.compile(r'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', re.S)
ROW = re.compile(r'<row r="(\d+)"([^>]*)>(.*?)</row>', re.S)


def fill(templates, out, n, round_id="2021-06"):
    """Fills the first n templates of `templates` (made for `round_id`). Later rounds move
    communities on, as a real month does: from 2021-10 every community not yet completed is one
    status further than in 2021-06 (the rounds of the ten-round archive are copies of 2021-06),
    so the eleventh round differs from the tenth in a third of its rows and its completion
    dates; a status never goes back."""
    month = int(round_id[5:7])
    step = (month - 6) // 4  # 2021-06 … 2021-09: 0; 2021-10 on: one status further
    os.makedirs(out, exist_ok=True)
    names = sorted(f for f in os.listdir(templates) if f.endswith(".xlsx"))[:n]
    rnd = random.Random(1)
    for u, name in enumerate(names):
        src = os.path.join(templates, name)
        with zipfile.ZipFile(src) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
        sheet = parts["xl/worksheets/sheet2.xml"].decode("utf-8")
        styles = {}
        for m in re.finditer(r'<c r="([A-Z]+)4" s="(\d+)"', sheet):
            styles[m.group(1)] = m.group(2)

        def row_xml(r):
            i = u * 60 + r
            invest = round(100 + (i % 900) * 1.5, 1)
            central, city = round(invest * 0.4, 1), round(invest * 0.3, 1)
            district = round(invest - central - city, 1)
            status = ["未开工", "在建", "已完工"][min(2, i % 3 + step)]
            values = [f"幸福小区{i}号", f"第{i % 20}街道", 1980 + i % 20, 1 + i % 30, 100 + i % 900,
                      round(5000 + (i % 3000) * 10.5, 1), ["基础类", "完善类", "提升类"][i % 3], "雨污分流、外立面整治",
                      invest, central, city, district, 44197 + i % 90, 44300 + i % 60 if status == "已完工" else None,
                      status, i % 3, i % 20, ["市场化物业", "居民自治"][i % 2], 95 if status == "已完工" else None]
            cells = []
            filled = set()
            for c, v in enumerate(values):
                col = chr(ord("A") + c)
                s = styles.get(col, "0")
                ref = f"{col}{r}"
                filled.add(col)
                if v is None:
                    cells.append(f'<c r="{ref}" s="{s}"/>')
                elif isinstance(v, str):
                    cells.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t>{esc(v)}</t></is></c>')
                else:
                    cells.append(f'<c r="{ref}" s="{s}"><v>{v}</v></c>')
            # The template's own cells after the fields (说明, 自查 and its working columns) stay
            # as a clerk's save keeps them.
            kept = [m.group(0) for m in CELL.finditer(template_rows[r][1]) if m.group(1) not in filled]
            return f'<row r="{r}"{template_rows[r][0]}>' + "".join(cells) + "".join(kept) + "</row>"

        template_rows = {int(m.group(1)): (m.group(2), m.group(3)) for m in ROW.finditer(sheet)}
        head, rest = sheet.split('<row r="4"', 1)
        tail = rest[rest.index("</row>", rest.index('<row r="63"')) + len("</row>"):]
        sheet = head + "".join(row_xml(r) for r in range(4, 64)) + tail
        parts["xl/worksheets/sheet2.xml"] = sheet.encode("utf-8")
        core = parts["docProps/core.xml"].decode("utf-8")
        parts["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{round_id}-10T02:00:00Z", core).encode("utf-8")
        with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_DEFLATED) as z:
            for pname, data in parts.items():
                z.writestr(zipfile.ZipInfo(pname, (2021, month, 10, 10, 0, 0)), data, zipfile.ZIP_DEFLATED)


def clone_rounds(archive, source, targets):
    """Copies round `source` of a Tianbao archive (every table that has a round_id) under each
    round id of `targets`, at that round's place in the plan, with its files' SHA-256 changed
    (a round whose workbooks are all identical to last round's would be checked as copied).
    Ten M1 rounds this way take seconds instead of ten sets of 3,000 templates."""
    import hashlib
    import sqlite3
    db = sqlite3.connect(archive)
    db.create_function("resign", 2, lambda r, h: None if h is None else hashlib.sha256((r + h).encode()).hexdigest())
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if any(c[1] == "round_id" for c in db.execute(f"PRAGMA table_info({t})"))]
    tables.sort(key=lambda t: t != "rounds")  # the round first (the other tables refer to it)
    with db:
        for r in targets:
            if r == source:
                continue
            db.execute("DELETE FROM rounds WHERE round_id = ?", (r,))
            for t in tables:
                db.execute(f"DELETE FROM {t} WHERE round_id = ?", (r,))
                cols = [c[1] for c in db.execute(f"PRAGMA table_info({t})")]
                sel = []
                for c in cols:
                    if c == "round_id":
                        sel.append(":r")
                    elif t == "rounds" and c == "position":
                        sel.append(":pos")
                    elif t == "rounds" and c == "due":
                        sel.append(":due")
                    elif c == "sha256":
                        sel.append("resign(:r, sha256)")
                    elif c in ("merged_at", "saved_at"):
                        sel.append(f"replace({c}, :src, :r)")
                    else:
                        sel.append(c)
                db.execute(f"INSERT INTO {t} ({', '.join(cols)}) SELECT {', '.join(sel)} FROM {t} WHERE round_id = :src",
                           {"r": r, "pos": ROUNDS.index(r), "due": f"{r}-15", "src": source})
    db.close()


if __name__ == "__main__":
    if sys.argv[1] == "clone-rounds":
        clone_rounds(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:6])
    else:
        plan(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else UNITS)
