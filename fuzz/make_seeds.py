#!/usr/bin/env python3
"""Seeds for the fuzz target: every corpus workbook as a whole file (mode byte 0), and the
XML parts of every corpus workbook as part inputs (mode bytes 1-5). See ReaderFuzzing."""
import glob, os, sys, zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build-fuzz", "seeds")
os.makedirs(out, exist_ok=True)
modes = [("worksheets/sheet", 1), ("sharedstrings", 2), ("styles", 3), ("workbook.xml.rels", 5), ("workbook.xml", 4)]
n = 0
for f in sorted(glob.glob(os.path.join(root, "Tests/XLSXTests/Fixtures/corpus/xlsx/*"))):
    data = open(f, "rb").read()
    if len(data) < 200000:
        open(os.path.join(out, f"whole_{n}"), "wb").write(b"\x00" + data)
        n += 1
    try:
        z = zipfile.ZipFile(f)
    except Exception:
        continue
    for info in z.infolist():
        name = info.filename.lower().replace("\\", "/")
        for key, mode in modes:
            if key in name and info.file_size < 100000:
                open(os.path.join(out, f"part_{n}"), "wb").write(bytes([mode]) + z.read(info))
                n += 1
                break
print(n, "seeds in", out)
