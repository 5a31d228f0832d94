#!/usr/bin/env python3
"""Makes samples/submissions/2021-06: a realistic returned round for the default plan.

Units' templates (templates/2021-06, made by `make templates`) are filled the way clerks fill
them, with openpyxl; some are then saved again by LibreOffice (headless), as a unit using WPS or
LibreOffice would. The time each unit saved its file is written into docProps/core.xml
(`dcterms:modified`), which is what Tianbao reads as the submission time. The 自查 column, its
hidden working columns and the 自查 summary on 填报说明 are taken out of the filled files (the
checker reads none of them; `strip_self_check`, shared with make_year.py), which keeps each file
about 30 KB instead of 0.5 MB.

What the folder holds (see samples/README.md for the expected outcome of each):
  - 33 units' files filled correctly, 4 of them saved by LibreOffice;
  - 江汉区 twice: a first file with a mistake, then a corrected one two days later;
  - 新洲区 late (saved 17 June, due 15 June);
  - 硚口区 with values pasted over the dropdowns (进行中, 综合类);
  - planted mistakes in 武昌区, 市财政局, 市民政局, 市公安局, 黄陂区 (see README);
  - 洪山区 with a pre-filled task cell altered (file rejected);
  - 江岸区 with a 宣传信息 item dated after the day it saved its file (a warning; every other
    file dates its items on or before that day);
  - 市教育局 sending last round's (2021-05) template (file rejected);
  - 市水务局 sending an old-format .xls (file rejected);
  - 市体育局, 市统计局, 蔡甸区, 市委政法委 send nothing;
  - an Excel lock file and a sub-folder, which are skipped.

Run: python3 samples/make_samples.py   (needs openpyxl, LibreOffice, and a built tianbao)
"""
import datetime
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
from openpyxl.formatting.formatting import ConditionalFormattingList

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATES = os.path.join(ROOT, "templates", "2021-06")
OUT = os.path.join(ROOT, "samples", "submissions", "2021-06")
TIANBAO = os.path.join(ROOT, ".build", "debug", "tianbao")
KEY = os.path.join(ROOT, "keys", "demo-signing.key")
R = random.Random(2021)

MISSING = {"市体育局", "市统计局", "蔡甸区人民政府", "市委政法委"}
LIBREOFFICE = {"江岸区人民政府", "青山区人民政府", "市城乡建设局", "武汉供电公司"}
NIL_PUBLICITY = {"市税务局", "市消防救援支队"}
# The one unit whose publicity item is dated after its file was saved (a warning, planted).
DATED_AFTER_SAVE = "江岸区人民政府"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["明", "华", "军", "红", "伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "超", "霞", "平", "刚", "辉", "玲", "斌", "鹏", "波", "宇", "浩", "婷", "晨"]
TITLES = ["综合处处长", "办公室主任", "规划处处长", "建设管理处处长", "城市更新科科长", "住房保障科科长", "计划财务处副处长"]

STREETS = {
    "江岸区人民政府": ["大智街道", "一元街道", "车站街道", "四唯街道", "永清街道", "西马街道", "球场街道"],
    "江汉区人民政府": ["民族街道", "花楼街道", "水塔街道", "民权街道", "满春街道", "民意街道"],
    "硚口区人民政府": ["古田街道", "韩家墩街道", "宗关街道", "汉水桥街道", "宝丰街道", "荣华街道"],
    "汉阳区人民政府": ["建桥街道", "鹦鹉街道", "洲头街道", "五里墩街道", "琴断口街道", "晴川街道"],
    "武昌区人民政府": ["积玉桥街道", "杨园街道", "徐家棚街道", "粮道街道", "中华路街道", "黄鹤楼街道", "紫阳街道"],
    "洪山区人民政府": ["珞南街道", "关山街道", "狮子山街道", "张家湾街道", "梨园街道", "卓刀泉街道"],
    "青山区人民政府": ["红卫路街道", "冶金街道", "新沟桥街道", "红钢城街道", "工人村街道", "青山镇街道"],
    "蔡甸区人民政府": ["蔡甸街道", "奓山街道", "永安街道"],
    "江夏区人民政府": ["纸坊街道", "金口街道", "乌龙泉街道", "郑店街道"],
    "黄陂区人民政府": ["前川街道", "祁家湾街道", "横店街道", "滠口街道"],
    "新洲区人民政府": ["邾城街道", "阳逻街道", "仓埠街道"],
    "武汉东湖新技术开发区管委会": ["关东街道", "佛祖岭街道", "豹澥街道"],
    "武汉经济技术开发区管委会（汉南区人民政府）": ["沌口街道", "军山街道", "纱帽街道"],
    "武汉临空港经济技术开发区管委会（东西湖区人民政府）": ["吴家山街道", "将军路街道", "金银湖街道"],
    "市东湖生态旅游风景区管委会": ["东湖街道", "磨山街道"],
}
COMMUNITY_WORDS = ["和平", "幸福", "建设", "解放", "友谊", "胜利", "光明", "新华", "民主", "工农", "红旗", "东风",
                   "长青", "铁路", "电力", "纺织", "机械", "钢花", "水厂", "粮食", "邮电", "商业", "化工", "印染"]
COMMUNITY_KINDS = ["小区", "社区", "新村", "宿舍区", "家属院"]
CONTENT = ["雨污分流、管网改造、屋面防水", "外立面整治、楼道粉刷、弱电规整", "加装电梯、增设停车位、无障碍改造",
           "绿化提升、路面硬化、照明改造", "增设养老服务点、社区食堂、快递柜", "消防设施更新、安防监控、充电桩"]
WORK = {
    "1.1": "配合市住房保障房管局完善部门协同机制，梳理本单位涉及老旧小区改造的职责清单，提出实施意见修改建议。",
    "1.2": "开展“美好环境与幸福生活共同缔造”活动，组织居民议事会，宣传改造政策，动员居民参与。",
    "1.3": "通过社区听证会、居民议事会和“武汉微邻里”征集居民意见，改造方案全部公示。",
    "2.1": "完成辖区老旧小区摸底调查，建立改造项目库，按实施一批、谋划一批、储备一批编制计划。",
    "2.2": "按“一小区一方案”编制改造方案，细化基础类、完善类、提升类改造内容，执行新标准。",
    "2.3": "将老旧小区改造纳入年度绩效目标，制定考核细则，将居民满意度纳入评价。",
    "3.1": "申报中央补助资金和中央预算内投资，统筹市区财政资金，推动专项债项目申报。",
    "3.2": "引导水电气和通信专营单位出资参与，推动社会资本参与加装电梯、停车场建设。",
    "3.3": "探索EPC和国企平台作为项目业主的模式，确定试点项目。",
    "4.1": "对完成改造的小区召开业主大会，引入物业服务，探索归集使用维修资金。",
    "4.2": "建立社区党组织领导下的居委会、业委会、物业服务企业联动机制。",
}
PROBLEMS = ["部分小区居民意见不统一，加装电梯推进较慢。", "专营单位管线改造与小区改造时序衔接不够。",
            "社会资本参与积极性不高，资金筹措压力较大。", "部分项目前期手续办理时间较长。"]
NEXT = ["加快在建项目进度，确保按期完工。", "继续做好居民沟通，推动签约加装电梯。", "完善资金保障，推进专项债发行。"]
CHANNELS = ["领导小组办公室简报", "政府网站", "微信公众号", "报纸", "电视广播"]


def person():
    return R.choice(SURNAMES) + "".join(R.choice(GIVEN) for _ in range(R.choice([1, 2])))


def fill_progress(ws, unit):
    """Fills the 任务进展 rows of a unit. Returns the row numbers."""
    rows = []
    r = 4
    while ws.cell(r, 1).value:
        task = str(ws.cell(r, 1).value)
        roll = R.random()
        if roll < 0.12:
            status, pct = "已完成", 100
        elif roll < 0.18 and unit not in ("市民政局",):
            status, pct = "滞后", R.choice([10, 20, 30])
        elif roll < 0.24:
            status, pct = "未启动", 0
        else:
            status, pct = "推进中", R.choice([30, 40, 50, 60, 70, 80])
        ws.cell(r, 6).value = status
        ws.cell(r, 7).value = pct
        ws.cell(r, 8).value = WORK.get(task, "按方案推进相关工作。")
        if status in ("推进中", "已完成"):
            ws.cell(r, 9).value = R.choice(["召开协调会 3 次", "完成调查问卷 1200 份", "出台配套文件 1 个", "完成项目方案评审 5 个"])
        if status == "滞后":
            ws.cell(r, 10).value = R.choice(PROBLEMS)
        ws.cell(r, 11).value = R.choice(NEXT)
        ws.cell(r, 12).value = datetime.date(2021, R.choice([9, 10, 11, 12]), R.choice([15, 30]))
        rows.append(r)
        r += 1
    return rows


def fill_indicators(ws, tasks):
    names = [("协调会议", "次", 12), ("政策宣传活动", "场", 8), ("改造方案审查", "个", 20), ("居民意见征集", "份", 3000)]
    for i, (name, unit, target) in enumerate(R.sample(names, 2)):
        r = 4 + i
        ws.cell(r, 1).value = name
        ws.cell(r, 2).value = unit
        ws.cell(r, 3).value = target
        ws.cell(r, 4).value = round(target * R.choice([0.3, 0.4, 0.5, 0.6]))
        ws.cell(r, 5).value = R.choice(tasks)
        ws.cell(r, 6).value = datetime.date(2021, 12, 31)


def fill_ledger(ws, unit, count):
    streets = STREETS[unit]
    used = set()
    for i in range(count):
        r = 4 + i
        while True:
            name = R.choice(streets)[:-2] + R.choice(COMMUNITY_WORDS) + R.choice(COMMUNITY_KINDS)
            if name not in used:
                used.add(name)
                break
        households = R.randint(120, 900)
        invest = round(households * R.uniform(1.2, 2.6), 1)
        central = round(invest * 0.3, 1)
        city = round(invest * 0.2, 1)
        district = round(invest * 0.3, 1)
        residents = round(invest * 0.05, 1)
        utilities = round(invest - central - city - district - residents, 1)
        status = R.choices(["已完工", "在建", "未开工"], [0.5, 0.35, 0.15])[0]
        start = datetime.date(2021, R.choice([3, 4]), R.randint(1, 28))
        values = [name, R.choice(streets), R.randint(1982, 1999), R.randint(4, 30), households,
                  round(households * R.uniform(55, 80), 1), R.choice(["基础类", "完善类", "提升类"]), R.choice(CONTENT),
                  invest, central, None, city, district, None, None, residents, utilities,
                  start if status != "未开工" else None,
                  datetime.date(2021, R.choice([5, 6]), R.randint(1, 12)) if status == "已完工" else None,
                  status, R.choice([0, 0, 1, 2, 4]), R.choice([0, 10, 20, 35]),
                  R.choice(["市场化物业", "公益性物业", "居民自治", "社区代管"]), R.choice([92, 95, 96.5, 98]) if status == "已完工" else None]
        for c, v in enumerate(values, start=1):
            ws.cell(r, c).value = v


def fill_publicity(ws, unit, saved):
    """One to three items: June's first (10 or 11 June) and second (25 June), and one of 25 May.
    A clerk reports what was published by the time the file is saved: an item's date is never
    after that day, except 江岸区's second item (25 June, the file saved on 9 June), the one
    planted `dated-after-save` warning. The random draws are the same whatever the dates."""
    n = R.choice([1, 2, 3])
    for i in range(n):
        r = 4 + i
        day = datetime.date(2021, 6, R.choice([10, 10, 11]) if i == 0 else 25) if i < 2 else datetime.date(2021, 5, 25)
        if not (unit == DATED_AFTER_SAVE and i == 1):
            day = min(day, saved.date())
        ws.cell(r, 1).value = day
        ws.cell(r, 2).value = unit.replace("人民政府", "") + R.choice(["扎实推进老旧小区改造", "“共同缔造”让老小区焕新颜", "加装电梯惠民生", "改造后居民满意度提升"])
        ws.cell(r, 3).value = R.choice(CHANNELS)
        ws.cell(r, 4).value = "https://www.example.gov.cn/news/2021/%03d.html" % R.randint(1, 999)


def fill_liaison(ws):
    ws.cell(4, 1).value = person()
    ws.cell(4, 2).value = R.choice(TITLES)
    ws.cell(4, 3).value = "027-8%07d" % R.randint(0, 9999999)
    ws.cell(4, 4).value = "1%d%09d" % (R.choice([3, 5, 8]), R.randint(0, 999999999))
    ws.cell(4, 5).value = "liaison%03d@example.gov.cn" % R.randint(1, 999)


def fill_summary(ws, unit):
    ws.cell(4, 2).value = (f"{unit}高度重视2号建议案办理工作，成立工作专班，明确分管领导和联络员，"
                           "建立周督导、月调度机制。上半年按方案推进各项任务，组织召开协调会，完成摸底调查和项目储备，"
                           "改造项目按“一小区一方案”实施，居民参与度明显提高。")
    ws.cell(5, 2).value = R.choice(PROBLEMS) + "部分工作与其他单位的衔接还需加强。"
    ws.cell(6, 2).value = "下半年将加快在建项目进度，加强部门协同，做好宣传引导和长效管理，确保完成年度目标任务。"


def strip_self_check(wb):
    """Removes the 自查 column, its hidden working columns, their conditional formats and the
    summary formulas on 填报说明 (the checker reads none of them)."""
    for ws in wb.worksheets:
        if ws.title == "填报说明":
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.value = None
            ws.conditional_formatting = ConditionalFormattingList()
            continue
        for c in range(1, ws.max_column + 1):
            if ws.cell(3, c).value == "自查":
                ws.delete_cols(c, ws.max_column - c + 1)
                ws.conditional_formatting = ConditionalFormattingList()
                break


def keep_custom_properties(path, template):
    """Puts the template's custom document properties (docProps/custom.xml: the template's
    identity) back into a file openpyxl saved: Debian's openpyxl 3.0.9 drops them, while Excel,
    WPS and LibreOffice keep them when a unit saves its file."""
    with zipfile.ZipFile(template) as t:
        if "docProps/custom.xml" not in t.namelist():
            return
        custom = t.read("docProps/custom.xml")
    with zipfile.ZipFile(path) as src:
        if "docProps/custom.xml" in src.namelist():
            return
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
            elif info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdCustomProperties" '
                                    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
                                    b'Target="docProps/custom.xml"/></Relationships>')
            dst.writestr(info, data)
        dst.writestr(zipfile.ZipInfo("docProps/custom.xml", date_time=(2021, 1, 1, 0, 0, 0)), custom, zipfile.ZIP_DEFLATED)
    os.replace(tmp, path)


def set_saved_time(path, when):
    """Writes `when` (China time) into docProps/core.xml dcterms:modified, as an office
    program does when it saves."""
    utc = when - datetime.timedelta(hours=8)
    stamp = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                # Keeps the element's own namespace declarations (newer openpyxl writes them there).
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", text)
                data = text.encode("utf-8")
            info.date_time = (when.year, when.month, when.day, when.hour, when.minute, 0)
            dst.writestr(info, data)
    os.replace(tmp, path)


def libreoffice_resave(path):
    out = tempfile.mkdtemp()
    profile = tempfile.mkdtemp()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", out, path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.move(os.path.join(out, os.path.basename(path)), path)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)


def fill(template, unit, saved, out_name=None, mutate=None, ledger_rows=None):
    wb = openpyxl.load_workbook(template)
    tasks = [str(wb["任务进展"].cell(r, 1).value) for r in range(4, 40) if wb["任务进展"].cell(r, 1).value]
    fill_progress(wb["任务进展"], unit)
    fill_indicators(wb["量化指标"], tasks)
    if "小区台账" in wb.sheetnames:
        fill_ledger(wb["小区台账"], unit, ledger_rows or R.randint(7, 12))
    if unit in NIL_PUBLICITY:
        wb["宣传信息"].cell(2, 4).value = "是"
    else:
        fill_publicity(wb["宣传信息"], unit, saved)
    fill_liaison(wb["联络员"])
    fill_summary(wb["工作小结"], unit)
    if mutate:
        mutate(wb)
    strip_self_check(wb)
    path = os.path.join(OUT, out_name or os.path.basename(template))
    wb.save(path)
    keep_custom_properties(path, template)
    if unit in LIBREOFFICE:
        libreoffice_resave(path)
    set_saved_time(path, saved)
    return path


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    templates = sorted(f for f in os.listdir(TEMPLATES) if f.endswith(".xlsx"))
    for name in templates:
        unit = name[: -len("-2021-06.xlsx")]
        template = os.path.join(TEMPLATES, name)
        if unit in MISSING:
            continue
        saved = datetime.datetime(2021, 6, R.randint(8, 15), R.randint(9, 17), R.randint(0, 59))
        if unit == "新洲区人民政府":
            fill(template, unit, datetime.datetime(2021, 6, 17, 10, 5))
        elif unit == "江汉区人民政府":
            def wrong(wb):
                ws = wb["任务进展"]
                ws.cell(4, 6).value = "已完成"   # but 80 %
                ws.cell(4, 7).value = 80
            fill(template, unit, datetime.datetime(2021, 6, 12, 16, 20), out_name="江汉区2021年6月报表.xlsx", mutate=wrong)
            fill(template, unit, datetime.datetime(2021, 6, 14, 9, 40), out_name="江汉区2021年6月报表(更正).xlsx")
        elif unit == "硚口区人民政府":
            def pasted(wb):
                wb["任务进展"].cell(5, 6).value = "进行中"     # pasted text, not a dropdown choice
                wb["小区台账"].cell(6, 7).value = "综合类"
            fill(template, unit, saved, mutate=pasted)
        elif unit == "武昌区人民政府":
            def ledger_mistakes(wb):
                ws = wb["小区台账"]
                ws.cell(4, 20).value = "已完工"; ws.cell(4, 19).value = None          # no completion date
                ws.cell(5, 20).value = "已完工"; ws.cell(5, 18).value = datetime.date(2021, 5, 20)
                ws.cell(5, 19).value = datetime.date(2021, 5, 1)                       # finish before start
                ws.cell(6, 10).value = (ws.cell(6, 10).value or 0) + 50               # sources ≠ planned
                ws.cell(7, 3).value = 2005                                             # built after 2000 …
                ws.cell(7, 25).value = "该小区为2005年建成的安置小区，经市指挥部同意纳入本年度改造计划。"  # … explained
            fill(template, unit, saved, mutate=ledger_mistakes)
        elif unit == "市财政局":
            def clerk(wb):
                ws = wb["任务进展"]
                ws.cell(4, 7).value = "85%"                     # percent typed as text
                ws.cell(4, 6).value = "推进中"
                ws.cell(4, 12).value = "2021/9/30"              # date typed as text
                wb["联络员"].cell(4, 4).value = "1387123456"     # 10 digits
            fill(template, unit, saved, mutate=clerk)
        elif unit == "市民政局":
            def lagging(wb):
                ws = wb["任务进展"]
                ws.cell(4, 6).value = "滞后"; ws.cell(4, 7).value = 20; ws.cell(4, 10).value = None
            fill(template, unit, saved, mutate=lagging)
        elif unit == "市公安局":
            def two_liaisons(wb):
                ws = wb["联络员"]
                ws.cell(5, 1).value = "李强"; ws.cell(5, 2).value = "科长"; ws.cell(5, 3).value = "027-85551234"
                ws.cell(5, 4).value = "13900001111"; ws.cell(5, 5).value = "liqiang@example.gov.cn"
            fill(template, unit, saved, mutate=two_liaisons)
        elif unit == "黄陂区人民政府":
            def duplicate(wb):
                ws = wb["小区台账"]
                ws.cell(8, 1).value = ws.cell(5, 1).value
            fill(template, unit, saved, mutate=duplicate)
        elif unit == "洪山区人民政府":
            def altered(wb):
                ws = wb["任务进展"]
                ws.cell(6, 3).value = "搭建议事平台：（已改为只做线上征集）"
            fill(template, unit, saved, mutate=altered)
        elif unit == "市教育局":
            tmp = tempfile.mkdtemp()
            subprocess.run([TIANBAO, "templates", "--round", "2021-05", "--unit", "jyj", "--out", tmp, "--key", KEY],
                           check=True, stdout=subprocess.DEVNULL)
            old = os.path.join(tmp, "市教育局-2021-05.xlsx")
            wb = openpyxl.load_workbook(old)
            fill_progress(wb["任务进展"], unit)
            fill_liaison(wb["联络员"])
            strip_self_check(wb)
            path = os.path.join(OUT, "市教育局-2021-06.xlsx")   # renamed, but still May's template
            wb.save(path)
            keep_custom_properties(path, old)
            set_saved_time(path, saved)
            shutil.rmtree(tmp)
        elif unit == "市水务局":
            # An Excel 97-2003 workbook: an OLE compound file with a Workbook stream.
            header = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504)
            body = "Workbook".encode("utf-16-le") + bytes(1024)
            with open(os.path.join(OUT, "市水务局-2021-06.xls"), "wb") as f:
                f.write(header + body)
        else:
            fill(template, unit, saved)
    # An Excel lock file and a sub-folder, as e-mail clients and clerks leave them.
    with open(os.path.join(OUT, "~$江岸区人民政府-2021-06.xlsx"), "wb") as f:
        f.write(b"\x0bAdministrator" + bytes(150))
    os.makedirs(os.path.join(OUT, "旧版"), exist_ok=True)
    with open(os.path.join(OUT, "旧版", "说明.txt"), "w", encoding="utf-8") as f:
        f.write("上月的旧文件\n")
    print("samples written to", OUT)


if __name__ == "__main__":
    sys.exit(main())
