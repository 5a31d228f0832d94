#!/usr/bin/env python3
"""Writes Sources/TianbaoPlan/DefaultPlanText.swift from plans/default.yaml (make embed-plan)."""
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
text = open(os.path.join(root, "plans/default.yaml"), encoding="utf-8").read()
assert '"""#' not in text
with open(os.path.join(root, "Sources/TianbaoPlan/DefaultPlanText.swift"), "w", encoding="utf-8") as f:
    f.write("// Generated from plans/default.yaml by `make embed-plan`; a test keeps the two identical.\n"
            "// Do not edit by hand.\n\n/// The default plan, embedded in the binary.\nenum DefaultPlanText {\n"
            '    static let yaml = #"""\n' + text + '"""#\n}\n')
