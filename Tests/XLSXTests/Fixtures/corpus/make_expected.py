#!/usr/bin/env python3
"""Writes expected/<file>.json for every readable corpus workbook, in the shape of SPEC section 6
(`tianbao cat`), using readers independent of Tianbao: openpyxl 3.1.5 (formulas, merged ranges,
sheet states, cached values) and python-calamine 0.9.1 (a cross-check of every cached value).

Where the two readers disagree, the disagreement is resolved by reading the part's XML and the
rule that wins is applied here, by name (see RULES below and README.md). Every disagreement is
listed in disagreements.txt so that a change in either reader shows up in review.

Run from anywhere: python3 make_expected.py
"""
import csv
import datetime
import io
import json
import os
import re
import sys
import tempfile
import warnings
import zipfile

import openpyxl
from openpyxl.chartsheet import Chartsheet
from openpyxl.styles.numbers import is_datetime
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
import python_calamine

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "expected")

# Files whose failure is expected; their expected error codes live in expected-errors.tsv.
with open(os.path.join(HERE, "expected-errors.tsv"), encoding="utf-8") as f:
    KNOWN_BAD = {row[0] for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")}


def iso(value, kind):
    """ISO 8601 text of a date/time value as SPEC section 6 prints it (milliseconds only when
    not zero)."""
    if isinstance(value, datetime.datetime):
        if kind == "date":
            return value.date().isoformat()
        if kind == "time":
            return time_text(value.time())
        return value.date().isoformat() + "T" + time_text(value.time())
    if isinstance(value, datetime.date):
        return value.isoformat() if kind != "datetime" else value.isoformat() + "T00:00:00"
    if isinstance(value, datetime.time):
        return time_text(value)
    raise TypeError(value)


def time_text(t):
    ms = round(t.microsecond / 1000)
    s = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    return s + (f".{ms:03d}" if ms else "")


def number(v):
    if isinstance(v, bool):
        raise TypeError
    if isinstance(v, int):
        return v
    if v == int(v) and abs(v) < 1e15:
        return int(v)
    return v


def normalized_copy(path):
    """A copy of the package that openpyxl can open: part names with backslashes or letter
    cases that differ from what the relationships say are renamed. The bytes of every part
    are unchanged."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        wanted = {}
        for n in names:
            if n.endswith(".rels") or n == "[Content_Types].xml":
                text = z.read(n).decode("utf-8", "replace")
                for target in re.findall(r'(?:Target|PartName)="([^"]+)"', text):
                    wanted[target.lstrip("/").lower().replace("\\", "/")] = target.lstrip("/")
        fd, tmp = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        with zipfile.ZipFile(tmp, "w") as out:
            for n in names:
                fixed = n.replace("\\", "/")
                key = fixed.lower()
                for k, v in wanted.items():
                    if key.endswith(k) and "/" not in v.replace(k, "") and v.lower() == k:
                        fixed = fixed[: len(fixed) - len(k)] + v
                out.writestr(fixed, z.read(n))
        return tmp


def load(path):
    try:
        return openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True), None
    except Exception as first:
        tmp = normalized_copy(path)
        try:
            return (openpyxl.load_workbook(tmp), openpyxl.load_workbook(tmp, data_only=True),
                    f"openpyxl needed a normalised copy ({type(first).__name__})")
        except Exception as second:
            return None, None, f"openpyxl cannot read it ({type(second).__name__}: {second})"
        finally:
            os.unlink(tmp)


def cell_entry(fcell, vcell, epoch=datetime.datetime(1899, 12, 30)):
    """The expected JSON object of one cell, from the formula and data-only loads."""
    entry = {"ref": fcell.coordinate}
    formula = None
    fv = fcell.value
    if isinstance(fv, ArrayFormula):
        formula = fv.text[1:] if fv.text and fv.text.startswith("=") else fv.text
    elif isinstance(fv, DataTableFormula):
        formula = None
    elif fcell.data_type == "f" and isinstance(fv, str):
        formula = fv[1:]
    v = vcell.value if vcell is not None else None
    if v is None or (v == "" and formula is None):
        if formula is None:
            return None
    else:
        if isinstance(v, bool):
            entry.update(t="b", v=v)
        elif isinstance(v, (int, float)):
            entry.update(t="n", v=number(v))
        elif isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
            # Format codes are case-insensitive (LibreOffice writes "YYYY"); openpyxl's
            # is_datetime only knows lower case, so it is asked about the lower-cased code.
            kind = is_datetime(vcell.number_format.lower()) or "datetime"
            if isinstance(v, datetime.time) and kind != "time":
                # openpyxl reads serials in [0, 1) as times whatever the format; a date
                # format shows them as the epoch's date (rule "format decides").
                v = datetime.datetime.combine(epoch.date(), v)
            entry.update(t="d", v=iso(v, kind))
        elif isinstance(v, datetime.timedelta):
            # Elapsed-time formats ([h]:mm) keep the number; rule_durations puts back the
            # exact number from the XML (the timedelta round trip loses the last digits).
            entry.update(t="n", v=number(v / datetime.timedelta(days=1)), duration=True)
        elif vcell.data_type == "e":
            entry.update(t="e", v=v)
        else:
            entry.update(t="s", v=str(v))
    if formula is not None:
        entry["f"] = formula
    return entry


def from_openpyxl(wbf, wbv):
    sheets = []
    for wsf, wsv in zip(wbf._sheets, wbv._sheets):
        sheet = {"name": wsf.title, "state": wsf.sheet_state}
        if isinstance(wsf, Chartsheet):
            sheet.update(kind="chartsheet", merged=[], cells=[])
            sheets.append(sheet)
            continue
        sheet["merged"] = sorted(str(r) for r in wsf.merged_cells.ranges)
        cells = []
        for (row, col) in sorted(wsf._cells):
            e = cell_entry(wsf._cells[(row, col)], wsv._cells.get((row, col)), wbf.epoch)
            if e:
                cells.append(e)
        sheet["cells"] = cells
        sheets.append(sheet)
    return {"sheets": sheets}


def calamine_values(path):
    """{sheet name: {ref: python value}} of every non-empty cached value, or None."""
    try:
        wb = python_calamine.CalamineWorkbook.from_path(path)
    except BaseException:
        return None
    out = {}
    for name in wb.sheet_names:
        try:
            sh = wb.get_sheet_by_name(name)
            rows = sh.to_python(skip_empty_area=False)
        except BaseException:  # includes pyo3's PanicException
            continue
        values = {}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v == "" or v is None:
                    continue
                values[openpyxl.utils.get_column_letter(c + 1) + str(r + 1)] = v
        out[name] = values
    return out


def same(expected, cal):
    t, v = expected.get("t"), expected.get("v")
    if t == "n":
        return isinstance(cal, (int, float)) and not isinstance(cal, bool) and float(cal) == float(v) \
            or isinstance(cal, datetime.timedelta)
    if t == "s":
        return cal == v
    if t == "b":
        return cal is v
    if t == "d":
        return isinstance(cal, (datetime.date, datetime.time, datetime.datetime))
    return True  # errors: calamine's Python API returns them in several spellings


# --- Rules that resolve disagreements, each decided by reading the XML (README.md) ---------

ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_escapes(text):
    """ECMA-376 Part 1, 22.4.2.4: `_xHHHH_` is one UTF-16 code unit (openpyxl 3.1.5 leaves the
    escape as text in these files; calamine decodes it)."""
    units = ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return units.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def rule_escapes(doc):
    changed = []
    for sheet in doc["sheets"]:
        for cell in sheet["cells"]:
            if cell.get("t") == "s" and ESCAPE.search(cell["v"]):
                cell["v"] = decode_escapes(cell["v"])
                changed.append(f"{sheet['name']}!{cell['ref']}")
    return changed


def rule_whitespace(doc, cal):
    """A <t> without xml:space="preserve" loses its surrounding XML white space, as in Excel
    (calamine agrees; openpyxl keeps it). Where the two differ only in surrounding white space,
    calamine's text is the one the XML calls for; a string left empty makes the cell empty."""
    changed = []
    for sheet in doc["sheets"]:
        values = (cal or {}).get(sheet["name"], {})
        kept = []
        for cell in sheet["cells"]:
            v = cell.get("v")
            if cell.get("t") == "s" and "f" not in cell and v != v.strip(" \t\r\n"):
                c = values.get(cell["ref"], "")
                if isinstance(c, str) and c != v and c == v.strip(" \t\r\n"):
                    changed.append(f"{sheet['name']}!{cell['ref']}")
                    if c == "":
                        continue
                    cell["v"] = c
            kept.append(cell)
        sheet["cells"] = kept
    return changed


# --- Files openpyxl cannot open: calamine's values, formulas and merges read from the XML ---

NS_RE = re.compile(r"\{[^}]*\}")


def local(tag):
    return NS_RE.sub("", tag)


def sheet_parts(z):
    """[(name, state, part)] following the package relationships."""
    import xml.etree.ElementTree as ET
    names = {n.replace("\\", "/").lower(): n for n in z.namelist()}

    def read(part):
        return z.read(names[part.lower()])

    def rels(part):
        folder, base = os.path.split(part)
        rp = os.path.join(folder, "_rels", base + ".rels").lstrip("/")
        if rp.lower() not in names:
            return {}
        out = {}
        for r in ET.fromstring(read(rp)):
            t = r.get("Target").replace("\\", "/")
            out[r.get("Id")] = (r.get("Type"), os.path.normpath(t.lstrip("/") if t.startswith("/") else os.path.join(folder, t)))
        return out

    wb = [t for (ty, t) in rels("").values() if ty.endswith("officeDocument")][0]
    wrels = rels(wb)
    out = []
    for el in ET.fromstring(read(wb)).iter():
        if local(el.tag) == "sheet":
            rid = [v for k, v in el.attrib.items() if local(k) == "id"][0]
            out.append((el.get("name"), el.get("state", "visible"), wrels[rid][1]))
    return out, read


def xml_cells(path):
    """{sheet name: {ref: (t, number-format kind, <v> text, <f> text)}} read with ElementTree
    from the package, following its relationships."""
    import xml.etree.ElementTree as ET
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    out, merged = {}, {}
    with zipfile.ZipFile(path) as z:
        parts, read = sheet_parts(z)
        wb = [p for p in z.namelist() if p.replace("\\", "/").lower().endswith("styles.xml")]
        codes, xfs = {}, []
        if wb:
            for el in ET.fromstring(z.read(wb[0])).iter():
                if local(el.tag) == "numFmt":
                    codes[int(el.get("numFmtId"))] = el.get("formatCode")
            for el in ET.fromstring(z.read(wb[0])):
                if local(el.tag) == "cellXfs":
                    xfs = [int(x.get("numFmtId", 0)) for x in el]
        def kind(s):
            if s is None or s == "" or int(s) >= len(xfs):
                return None
            fid = xfs[int(s)]
            code = codes.get(fid) or BUILTIN_FORMATS.get(fid, "General")
            return is_datetime(code.lower())
        from openpyxl.formula.translate import Translator
        for (name, state, part) in parts:
            cells, ranges, shared = {}, [], {}
            for el in ET.fromstring(read(part)).iter():
                if local(el.tag) == "c":
                    v = f = None
                    for child in el:
                        if local(child.tag) == "v":
                            v = child.text or ""
                        elif local(child.tag) == "f":
                            f = child.text
                            if child.get("t") == "shared":
                                if f:
                                    shared[child.get("si")] = (f, el.get("r"))
                                elif child.get("si") in shared:
                                    text, origin = shared[child.get("si")]
                                    f = Translator("=" + text, origin=origin).translate_formula(el.get("r"))[1:]
                    cells[el.get("r")] = (el.get("t", "n"), kind(el.get("s")), v, f)
                elif local(el.tag) == "mergeCell":
                    ranges.append(el.get("ref"))
            out[name] = cells
            merged[name] = (state, sorted(ranges))
    return out, merged, [p[0] for p in parts]


def rule_durations(path, doc):
    """Elapsed-time cells keep the number written in the XML."""
    changed = []
    raw = None
    for sheet in doc["sheets"]:
        for cell in sheet["cells"]:
            if cell.pop("duration", False):
                raw = raw or xml_cells(path)[0]
                cell["v"] = number(float(raw[sheet["name"]][cell["ref"]][2]))
                changed.append(f"{sheet['name']}!{cell['ref']}")
    return changed


def rule_negative_dates(path, doc):
    """A negative serial under a date format: Excel cannot show it as a date (it shows ####),
    so the cell stays the number in the XML (openpyxl makes a date before 1900 of it)."""
    changed = []
    raw = None
    for sheet in doc["sheets"]:
        for cell in sheet["cells"]:
            if cell.get("t") == "d":
                raw = raw or xml_cells(path)[0]
                t, kind, vtext, ftext = raw[sheet["name"]].get(cell["ref"], ("n", None, None, None))
                if t == "n" and vtext and float(vtext) < 0:
                    cell.update(t="n", v=number(float(vtext)))
                    changed.append(f"{sheet['name']}!{cell['ref']}")
    return changed


def rule_ampm_only(path, doc):
    """`A/P` alone is an AM/PM marker, a time code like `AM/PM` (ECMA-376 18.8.31); openpyxl
    counts `AM/PM` but not `A/P`. Such cells show a time of day."""
    import xml.etree.ElementTree as ET
    from openpyxl.utils.datetime import from_excel
    changed = []
    raw = None
    with zipfile.ZipFile(path) as z:
        styles = [p for p in z.namelist() if p.lower().endswith("styles.xml")]
        if not styles:
            return changed
        codes = {int(e.get("numFmtId")): e.get("formatCode") for e in ET.fromstring(z.read(styles[0])).iter()
                 if local(e.tag) == "numFmt"}
    ampm = {i for i, c in codes.items() if re.sub(r'"[^"]*"', "", c).lower().strip() == "a/p"}
    if not ampm:
        return changed
    for sheet in doc["sheets"]:
        for cell in sheet["cells"]:
            if cell.get("t") != "n":
                continue
            raw = raw or xml_style_ids(path)
            if raw[sheet["name"]].get(cell["ref"]) in ampm and cell["v"] >= 0:
                t = from_excel(cell["v"] % 1)
                cell.update(t="d", v=time_text(t if isinstance(t, datetime.time) else t.time()))
                changed.append(f"{sheet['name']}!{cell['ref']}")
    return changed


def xml_style_ids(path):
    """{sheet: {ref: numFmtId}} from the XML."""
    import xml.etree.ElementTree as ET
    out = {}
    with zipfile.ZipFile(path) as z:
        parts, read = sheet_parts(z)
        styles = [p for p in z.namelist() if p.lower().endswith("styles.xml")]
        xfs = []
        for el in ET.fromstring(z.read(styles[0])):
            if local(el.tag) == "cellXfs":
                xfs = [int(x.get("numFmtId", 0)) for x in el]
        for (name, state, part) in parts:
            out[name] = {el.get("r"): xfs[int(el.get("s", 0))] for el in ET.fromstring(read(part)).iter()
                         if local(el.tag) == "c" and int(el.get("s", 0)) < len(xfs)}
    return out


def rule_sheet_kinds(path, doc):
    """Dialog sheets and macro sheets are listed with a "kind" and no cells: the workbook's
    relationships type them (openpyxl loads them as worksheets)."""
    import xml.etree.ElementTree as ET
    changed = []
    with zipfile.ZipFile(path) as z:
        rels = [p for p in z.namelist() if p.lower().endswith("workbook.xml.rels")]
        wbs = [p for p in z.namelist() if p.lower().endswith("workbook.xml")]
        if not rels or not wbs:
            return changed
        types = {r.get("Id"): r.get("Type").rsplit("/", 1)[-1].lower() for r in ET.fromstring(z.read(rels[0]))}
        kinds = {}
        for el in ET.fromstring(z.read(wbs[0])).iter():
            if local(el.tag) == "sheet":
                rid = [v for k, v in el.attrib.items() if local(k) == "id"][0]
                t = types.get(rid, "")
                kinds[el.get("name")] = {"dialogsheet": "dialogsheet", "xlmacrosheet": "macrosheet",
                                         "xlintlmacrosheet": "macrosheet"}.get(t)
    for sheet in doc["sheets"]:
        if kinds.get(sheet["name"]) and "kind" not in sheet:
            sheet["kind"] = kinds[sheet["name"]]
            sheet["cells"] = []
            sheet["merged"] = []
            changed.append(sheet["name"])
    return changed


def from_calamine(path):
    """For packages openpyxl cannot open: calamine's cached values; formulas, merged ranges,
    sheet states, number-format kinds and t="d" text read from the XML."""
    cal = calamine_values(path) or {}
    raw, merged, order = xml_cells(path)
    doc = {"sheets": []}
    for name in order:
        state, ranges = merged[name]
        values = cal.get(name, {})
        cells_xml = raw[name]
        refs = sorted(set(values) | {r for r, c in cells_xml.items() if c[3]},
                      key=lambda r: (int(re.sub("[A-Z]", "", r)),
                                     openpyxl.utils.column_index_from_string(re.sub("[0-9]", "", r))))
        cells = []
        for ref in refs:
            e = {"ref": ref}
            t, kind, vtext, ftext = cells_xml.get(ref, ("n", None, None, None))
            v = values.get(ref)
            if t == "d" and vtext:
                v = datetime.datetime.fromisoformat(vtext.replace("Z", "+00:00")).replace(tzinfo=None)
            if isinstance(v, bool):
                e.update(t="b", v=v)
            elif isinstance(v, (int, float)):
                e.update(t="n", v=number(v))
            elif isinstance(v, datetime.timedelta):
                e.update(t="n", v=number(float(vtext)))
            elif isinstance(v, (datetime.date, datetime.time)):
                if not isinstance(v, datetime.datetime) and isinstance(v, datetime.date):
                    v = datetime.datetime.combine(v, datetime.time(0))
                e.update(t="d", v=iso(v, kind or ("datetime" if t == "d" else "date")))
            elif v is not None:
                e.update(t="s", v=v)
            if ftext:
                e["f"] = ftext
            cells.append(e)
        doc["sheets"].append({"name": name, "state": state, "merged": ranges, "cells": cells})
    return doc


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(HERE, "MANIFEST.tsv"), encoding="utf-8") as f:
        manifest = list(csv.DictReader(f, delimiter="\t"))
    report = []
    for row in manifest:
        name = os.path.basename(row["file"])
        path = os.path.join(HERE, row["file"])
        target = os.path.join(OUT, name + ".json")
        if name in KNOWN_BAD:
            continue
        wbf, wbv, how = load(path)
        notes = [how] if how else []
        cal = calamine_values(path)
        if wbf is None or (not wbf._sheets and xml_cells(path)[2]):
            if wbf is not None:
                notes.append("openpyxl found no sheets (Strict OOXML)")
            doc = from_calamine(path)
            notes.append("expected from calamine's values, with formulas and merged ranges read from the XML")
        else:
            doc = from_openpyxl(wbf, wbv)
        for rule, changed in (("decoded _xHHHH_ escapes", rule_escapes(doc)),
                              ("exact numbers of elapsed-time cells from the XML", rule_durations(path, doc)),
                              ("negative serials under date formats stay numbers", rule_negative_dates(path, doc)),
                              ("A/P alone is a time format", rule_ampm_only(path, doc)),
                              ("dialog and macro sheets are not grids", rule_sheet_kinds(path, doc)),
                              ("trimmed unpreserved <t> white space", rule_whitespace(doc, cal))):
            if changed:
                notes.append(rule + ": " + ", ".join(changed))
        if cal is None:
            notes.append("calamine cannot read it")
        else:
            for sheet in doc["sheets"]:
                values = cal.get(sheet["name"], {})
                for cell in sheet["cells"]:
                    if "v" in cell and cell["ref"] in values and not same(cell, values[cell["ref"]]):
                        notes.append(f"disagree {sheet['name']}!{cell['ref']}: openpyxl {cell.get('t')}:{cell.get('v')!r}"
                                     f" calamine {values[cell['ref']]!r}")
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        if len(text.encode("utf-8")) > (4 << 20):
            # Large expectations are kept deflated in a .zip (the tests read it with the
            # reader's own ZipArchive), so the repository holds no file over 4 MiB.
            info = zipfile.ZipInfo(name + ".json", (2021, 1, 1, 0, 0, 0))
            with zipfile.ZipFile(target + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(info, text.encode("utf-8"), zipfile.ZIP_DEFLATED, 9)
            if os.path.exists(target):
                os.remove(target)
        else:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
        if notes:
            report.append((name, notes))
    with open(os.path.join(HERE, "disagreements.txt"), "w", encoding="utf-8") as f:
        for name, notes in report:
            f.write(name + "\n")
            for n in notes:
                f.write("  " + n[:400] + "\n")


if __name__ == "__main__":
    main()
