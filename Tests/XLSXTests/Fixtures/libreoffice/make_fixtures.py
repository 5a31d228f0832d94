#!/usr/bin/env python3
"""Makes the LibreOffice fixtures of the reader's tests (LibreOfficeDateTests).

Each workbook is written by LibreOffice itself: this script writes a flat OpenDocument
spreadsheet (.fods) with exact cell values and has `soffice --headless --convert-to xlsx` save it,
as a unit's clerk saving a template in LibreOffice Calc would. Column A holds, as text, the date
each cell of column B stands for (ISO 8601, proleptic Gregorian calendar), or "number" where the
cell has no date to read; the tests compare Tianbao's and openpyxl's reading of B with A.

Run: python3 make_fixtures.py   (needs LibreOffice; the fixtures are committed, so the tests do not)
"""
import os
import shutil
import subprocess
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<number:date-style style:name="Nd"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<number:date-style style:name="Ndt"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:date-style>
<number:time-style style:name="Nt"><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:time-style>
<style:style style:name="d" style:family="table-cell" style:data-style-name="Nd"/>
<style:style style:name="dt" style:family="table-cell" style:data-style-name="Ndt"/>
<style:style style:name="t" style:family="table-cell" style:data-style-name="Nt"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
"""
TAIL = "</table:table></office:spreadsheet></office:body></office:document>\n"


def text_cell(s):
    return f'<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>'


def row(expected, cell):
    return f"<table:table-row>{text_cell(expected)}{cell}</table:table-row>\n"


def date(value, style="d"):
    """A date cell; `value` as ODF writes it (xsd:dateTime, proleptic Gregorian)."""
    return f'<table:table-cell table:style-name="{style}" office:value-type="date" office:date-value="{value}"/>'


def number(value):
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


FIXTURES = {
    # Days before 1899-12-30: negative serials in the 1900 date base (dateCompatibility="false").
    "libreoffice__date_before_1900": (None, [
        ("1899-12-29", date("1899-12-29")),
        ("1850-06-15", date("1850-06-15")),
        ("1850-06-15T12:30:00", date("1850-06-15T12:30:00", "dt")),
        ("12:00:00", date("1899-12-29T12:00:00", "t")),
        ("1582-10-15", date("1582-10-15")),
        ("1582-10-14", date("1582-10-14")),   # LibreOffice shows 1582-10-04 (Julian calendar)
        ("1000-01-01", date("1000-01-01")),   # LibreOffice shows 0999-12-27
        ("0001-01-01", date("0001-01-01")),   # LibreOffice shows 0001-01-03
        ("number", number("-18095")),         # General format: a number
        ("2021-06-15", date("2021-06-15")),
    ]),
    # Serials 0 to 61, where the 1900 date base and Excel's 1900 system differ by a day.
    "libreoffice__date_1900_january_february": (None, [
        ("1899-12-30", date("1899-12-30")),
        ("1899-12-31", date("1899-12-31")),
        ("1900-01-01", date("1900-01-01")),
        ("1900-02-27", date("1900-02-27")),
        ("1900-02-28", date("1900-02-28")),
        ("1900-03-01", date("1900-03-01")),
        ("1899-12-30T06:00:00", date("1899-12-30T06:00:00", "dt")),
        ("06:00:00", date("1899-12-30T06:00:00", "t")),
    ]),
    # A workbook counting from 1904 (LibreOffice: Tools > Options > Calc > Calculate > 1904):
    # days before 1904-01-01 are negative serials, which the 1904 system has no date for.
    "libreoffice__date1904_before_1904": ("1904-01-01", [
        ("number", date("1850-06-15")),
        ("number", date("1903-12-31")),
        ("1904-01-01", date("1904-01-01")),
        ("2021-06-15", date("2021-06-15")),
    ]),
}


def fods(null_date, rows):
    settings = ""
    if null_date:
        settings = f'<table:calculation-settings><table:null-date table:date-value="{null_date}"/></table:calculation-settings>'
    body = "".join(row(e, c) for e, c in [("期望", text_cell("值"))] + rows)
    return HEAD + settings + '<table:table table:name="dates">' + body + TAIL


def main():
    work = tempfile.mkdtemp(prefix="tianbao-lo-fixtures-")
    try:
        for name, (null_date, rows) in FIXTURES.items():
            src = os.path.join(work, name + ".fods")
            with open(src, "w", encoding="utf-8") as f:
                f.write(fods(null_date, rows))
            subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
                            "--convert-to", "xlsx", "--outdir", work, src],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out = os.path.join(work, name + ".xlsx")
            with zipfile.ZipFile(out) as z:
                assert "appName=\"Calc\"" in z.read("xl/workbook.xml").decode(), "not written by LibreOffice"
            shutil.copyfile(out, os.path.join(HERE, name + ".xlsx"))
            print(name + ".xlsx")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
