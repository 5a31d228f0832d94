"""Puts the portal's section (bench/portal_load.py's output) into bench/RESULTS.md, replacing
the one there: `make bench` rewrites the rest of the file, `make bench-portal` this section.

Usage: portal_section.py RESULTS.md SECTION.md"""

import sys

results, section = sys.argv[1:3]
begin, end = "<!-- portal: begin -->", "<!-- portal: end -->"
text = open(results, encoding="utf-8").read()
new = open(section, encoding="utf-8").read().strip()
block = begin + "\n" + new + "\n" + end
if begin in text and end in text:
    text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
open(results, "w", encoding="utf-8").write(text)
