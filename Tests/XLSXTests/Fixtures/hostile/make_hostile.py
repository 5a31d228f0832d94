#!/usr/bin/env python3
"""Writes the hostile and broken files the reader's tests use (HostileFileTests).

Each file is named for what it tries; expected.tsv beside it gives the error code it must
produce. Run: python3 make_hostile.py   (standard library only; deterministic output)
"""
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = (2021, 1, 1, 0, 0, 0)

CT = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""


def wb_rels(target="worksheets/sheet1.xml"):
    return f"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{target}"/></Relationships>"""


def sheet(data):
    return f"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"""


GOOD_SHEET = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>单位</t></is></c><c r="B1"><v>3</v></c></row>')


def package(path, parts, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            z.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))


def standard(sheet_xml=GOOD_SHEET, rels=None, extra=()):
    return [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", rels or wb_rels()), ("xl/worksheets/sheet1.xml", sheet_xml)] + list(extra)


def raw_zip_with_stream(path, name, chunks, total):
    """A ZIP whose one big entry is deflated chunk by chunk (never held in memory)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc = 0
    body = bytearray()
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        body += comp.compress(chunk)
    body += comp.flush()
    return name, bytes(body), crc & 0xFFFFFFFF, total


def write_zip_raw(path, entries):
    """entries: (name, stored_bytes, crc, uncompressed_size, method) — writes a ZIP by hand."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, size, method in entries:
        n = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, method, 0, 0x5221, crc, len(data), size, len(n), 0) + n + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x0800, method, 0, 0x5221, crc, len(data), size,
                               len(n), 0, 0, 0, 0, 0, offset) + n
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    with open(path, "wb") as f:
        f.write(out)


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def main():
    os.makedirs(HERE, exist_ok=True)
    expected = []

    def add(name, code, note):
        expected.append((name, code, note))

    # Zip bomb: a 1.1 GiB sheet in about a megabyte.
    row = b'<row/>' * 16
    chunk = row * (1 << 14)
    n = (1100 << 20) // len(chunk) + 1
    head = sheet("").encode().split(b"</sheetData>")[0]
    tail = b"</sheetData></worksheet>"
    total = len(head) + len(chunk) * n + len(tail)
    name, body, crc, size = raw_zip_with_stream("", "xl/worksheets/sheet1.xml", [head] + [chunk] * n + [tail], total)
    parts = [(p, d.encode()) for p, d in standard()[:4]]
    entries = [(p, deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d), 8) for p, d in parts] + [(name, body, crc, size, 8)]
    write_zip_raw(os.path.join(HERE, "zip_bomb.xlsx"), entries)
    add("zip_bomb.xlsx", "limit-exceeded", f"{size >> 20} MiB inflated from {len(body) >> 10} KiB")
    # The same bomb declaring a 4 KiB sheet: stopped once it inflates past what it declared.
    entries[-1] = (name, body, crc, 4096, 8)
    write_zip_raw(os.path.join(HERE, "zip_bomb_lying_size.xlsx"), entries)
    add("zip_bomb_lying_size.xlsx", "limit-exceeded", "declares 4 KiB, inflates to 1.1 GiB")

    # XXE: an external entity naming /etc/passwd.
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    package(os.path.join(HERE, "xxe_passwd.xlsx"), standard(xxe))
    add("xxe_passwd.xlsx", "malformed-xml", "DOCTYPE with an external entity")

    # Billion laughs in the shared strings.
    lol = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    laughs = (f'<?xml version="1.0"?><!DOCTYPE sst [{lol}]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<si><t>&lol9;</t></si></sst>')
    rels = wb_rels().replace("</Relationships>", '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                             'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    package(os.path.join(HERE, "billion_laughs.xlsx"), standard(rels=rels, extra=[("xl/sharedStrings.xml", laughs)]))
    add("billion_laughs.xlsx", "malformed-xml", "entity expansion")

    # Deep nesting and a huge text node.
    deep = sheet('<row r="1"><c r="A1"><v>1</v></c></row>').replace("<sheetData>", "<sheetData>" + "<x>" * 5000 + "</x>" * 5000)
    package(os.path.join(HERE, "deep_nesting.xlsx"), standard(deep))
    add("deep_nesting.xlsx", "limit-exceeded", "5000 nested elements")
    huge = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "长" * (3 << 20) + "</t></is></c></row>")
    package(os.path.join(HERE, "huge_text.xlsx"), standard(huge))
    add("huge_text.xlsx", "limit-exceeded", "a 9 MiB text node")

    # Relationships that climb out of the package, or point at nothing.
    package(os.path.join(HERE, "rels_escape.xlsx"), standard(rels=wb_rels("../../../../etc/passwd")))
    add("rels_escape.xlsx", "broken-package", "a sheet target outside the package")
    package(os.path.join(HERE, "rels_missing_part.xlsx"), standard(rels=wb_rels("worksheets/nothere.xml")))
    add("rels_missing_part.xlsx", "broken-package", "a sheet target that does not exist")

    # A workbook part that is not XML.
    parts = standard()
    parts[2] = ("xl/workbook.xml", bytes(range(256)) * 4)
    package(os.path.join(HERE, "workbook_not_xml.xlsx"), parts)
    add("workbook_not_xml.xlsx", "malformed-xml", "binary bytes as workbook.xml")

    # Content types saying the sheet is a picture: Excel does not read it as a sheet.
    lying = CT.replace('"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"',
                       '"/xl/worksheets/sheet1.xml" ContentType="image/png"')
    assert lying != CT
    parts = standard()
    parts[0] = ("[Content_Types].xml", lying)
    package(os.path.join(HERE, "content_types_lie.xlsx"), parts)
    add("content_types_lie.xlsx", "broken-package", "the sheet's part has the content type image/png")

    # Packages lacking a part Excel requires (ECMA-376 Part 2; Excel refuses the first six).
    package(os.path.join(HERE, "no_content_types.xlsx"), standard()[1:])
    add("no_content_types.xlsx", "broken-package", "no [Content_Types].xml")
    package(os.path.join(HERE, "zipped_folder.xlsx"), [("报表/" + n, d) for n, d in standard()])
    add("zipped_folder.xlsx", "broken-package", "the parts zipped inside a folder: no [Content_Types].xml at the root")
    package(os.path.join(HERE, "no_package_rels.xlsx"), [p for p in standard() if p[0] != "_rels/.rels"])
    add("no_package_rels.xlsx", "broken-package", "no _rels/.rels")
    parts = standard()
    parts[1] = ("_rels/.rels", RELS.replace("relationships/officeDocument", "relationships/extended-properties"))
    package(os.path.join(HERE, "no_workbook_relationship.xlsx"), parts)
    add("no_workbook_relationship.xlsx", "broken-package", "_rels/.rels names no workbook")
    parts = standard()
    parts[1] = ("_rels/.rels", RELS.replace('Target="xl/workbook.xml"', 'Target="xl/book.xml"'))
    package(os.path.join(HERE, "workbook_part_missing.xlsx"), parts)
    add("workbook_part_missing.xlsx", "broken-package", "_rels/.rels names a workbook part that is not there")
    generic = CT.split("<Override")[0].rstrip() + "</Types>"
    parts = standard()
    parts[0] = ("[Content_Types].xml", generic)
    package(os.path.join(HERE, "workbook_generic_type.xlsx"), parts)
    add("workbook_generic_type.xlsx", "broken-package", "the workbook part has only the generic type application/xml")
    untyped = CT.replace('<Default Extension="xml" ContentType="application/xml"/>\n', "").replace(
        '\n<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>', "")
    assert "sheet1" not in untyped and 'Extension="xml"' not in untyped
    parts = standard()
    parts[0] = ("[Content_Types].xml", untyped)
    package(os.path.join(HERE, "sheet_without_content_type.xlsx"), parts)
    add("sheet_without_content_type.xlsx", "broken-package", "the sheet's part has no content type (so it is no part)")
    # Entries that are no parts (no content type) and that nothing points at: not read, as Excel.
    junk = standard(extra=[("__MACOSX/xl/worksheets/._sheet1.xml", b"\x00\x05\x16\x07" + bytes(60)),
                           (".DS_Store", bytes(32))])
    package(os.path.join(HERE, "junk_entries.xlsx"), junk)
    add("junk_entries.xlsx", "ok", "__MACOSX/ and .DS_Store entries without content types")

    # Duplicate entry names: the first wins.
    dup = standard() + [("xl/worksheets/sheet1.xml", sheet('<row r="1"><c r="A1"><v>666</v></c></row>'))]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package(os.path.join(HERE, "duplicate_entries.xlsx"), dup)
    add("duplicate_entries.xlsx", "ok", "reads the first of two same-named entries")

    # Backslash part names and absolute targets.
    parts = [(n.replace("/", "\\") if n.startswith("xl/") else n, d) for n, d in standard()]
    package(os.path.join(HERE, "backslash_names.xlsx"), parts)
    add("backslash_names.xlsx", "ok", "xl\\workbook.xml")

    # Truncated archives.
    package(os.path.join(HERE, "_good.xlsx"), standard())
    good = open(os.path.join(HERE, "_good.xlsx"), "rb").read()
    os.remove(os.path.join(HERE, "_good.xlsx"))
    for pct in (10, 50, 90):
        name = f"truncated_{pct}.xlsx"
        open(os.path.join(HERE, name), "wb").write(good[: len(good) * pct // 100])
        add(name, "corrupt-zip", f"cut at {pct} %")
    open(os.path.join(HERE, "truncated_end.xlsx"), "wb").write(good[:-10])
    add("truncated_end.xlsx", "corrupt-zip", "end of central directory cut")
    # A corrupted deflate stream inside an intact directory.
    bad = bytearray(good)
    i = bad.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    for j in range(i + 5, i + 40):
        bad[j] ^= 0x5A
    open(os.path.join(HERE, "corrupt_deflate.xlsx"), "wb").write(bytes(bad))
    add("corrupt_deflate.xlsx", "unreadable-part", "damaged compressed data")

    # Entries whose directory says something their bytes do not (a reader that inflates a
    # part in one call must fall back to reading it as libzip does, and say what libzip says).
    parts = [(p, d.encode()) for p, d in standard()]
    def entries_with(sheet_entry):
        out = [(p, deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d), 8) for p, d in parts[:4]]
        return out + [sheet_entry]
    sheet_name, sheet_bytes = parts[4]
    sheet_crc = zlib.crc32(sheet_bytes) & 0xFFFFFFFF
    write_zip_raw(os.path.join(HERE, "crc_mismatch.xlsx"),
                  entries_with((sheet_name, deflate(sheet_bytes), sheet_crc ^ 1, len(sheet_bytes), 8)))
    add("crc_mismatch.xlsx", "unreadable-part", "the sheet's stored CRC-32 is not its bytes'")
    write_zip_raw(os.path.join(HERE, "size_declared_short.xlsx"),
                  entries_with((sheet_name, deflate(sheet_bytes), sheet_crc, len(sheet_bytes) - 1, 8)))
    add("size_declared_short.xlsx", "limit-exceeded", "the sheet inflates to one byte more than declared")
    write_zip_raw(os.path.join(HERE, "size_declared_long.xlsx"),
                  entries_with((sheet_name, deflate(sheet_bytes), sheet_crc, len(sheet_bytes) + 100, 8)))
    add("size_declared_long.xlsx", "ok", "the sheet declares 100 bytes more than it inflates to")
    write_zip_raw(os.path.join(HERE, "trailing_bytes_in_entry.xlsx"),
                  entries_with((sheet_name, deflate(sheet_bytes) + bytes(range(16)), sheet_crc, len(sheet_bytes), 8)))
    add("trailing_bytes_in_entry.xlsx", "ok", "16 bytes after the sheet's deflate stream, inside its stored size")
    write_zip_raw(os.path.join(HERE, "stored_sheet.xlsx"),
                  entries_with((sheet_name, sheet_bytes, sheet_crc, len(sheet_bytes), 0)))
    add("stored_sheet.xlsx", "ok", "the sheet stored, not deflated")

    # Wrong kinds of file.
    open(os.path.join(HERE, "empty.xlsx"), "wb").close()
    add("empty.xlsx", "empty-file", "0 bytes")
    cfb = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504)
    open(os.path.join(HERE, "legacy.xls"), "wb").write(cfb + "Workbook".encode("utf-16-le") + bytes(512))
    add("legacy.xls", "xls", "Excel 97-2003")
    open(os.path.join(HERE, "encrypted.xlsx"), "wb").write(cfb + "EncryptionInfo".encode("utf-16-le") + bytes(64)
                                                             + "EncryptedPackage".encode("utf-16-le") + bytes(512))
    add("encrypted.xlsx", "encrypted", "password-protected")
    open(os.path.join(HERE, "wps.et"), "wb").write(cfb + "Workbook".encode("utf-16-le") + bytes(512))
    add("wps.et", "wps-et", "WPS spreadsheet")
    open(os.path.join(HERE, "data.csv"), "w", encoding="utf-8").write("单位,小区,状态\n江岸区,大智路社区,已完工\n")
    add("data.csv", "text-file", "CSV")
    open(os.path.join(HERE, "renamed_csv.xlsx"), "w", encoding="utf-8").write("单位,小区\n江岸区,大智路社区\n")
    add("renamed_csv.xlsx", "text-file", "CSV renamed .xlsx")
    open(os.path.join(HERE, "random.bin.xlsx"), "wb").write(bytes((i * 7919) % 251 for i in range(4096)))
    add("random.bin.xlsx", "unknown-format", "random bytes")
    macro = standard(extra=[("xl/vbaProject.bin", cfb + bytes(512))])
    package(os.path.join(HERE, "macro.xlsm"), macro)
    add("macro.xlsm", "ok", "reads; hasMacros")

    with open(os.path.join(HERE, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("# file\texpected code (XLSXError.code, or ok)\twhat it tries\n")
        for row in expected:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
