import Foundation
import TestSupport
import XCTest

/// Ids are only ids: the default plan with every id renamed (plan, units, unit groups, sheets,
/// fields, choice lists, targets — a YAML transformation) gives the same 汇总 cell by cell and the
/// same briefing, from the same filled-in values.
final class RenamedIdsTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key

    /// Renames every id of a plan and every reference to it.
    static let rename = #"""
        import sys, yaml
        src, dst = sys.argv[1:3]
        p = yaml.safe_load(open(src, encoding="utf-8"))
        U = lambda u: "u_" + u
        S = lambda s: "s_" + s
        F = lambda f: "f_" + f
        C = lambda c: "c_" + c
        def unit_ref(x):
            return "group:g_" + x[6:] if x.startswith("group:") else U(x)
        def units(v):
            return unit_ref(v) if isinstance(v, str) else [unit_ref(x) for x in v]
        p["plan"] = "renamed-" + p["plan"]
        p["office"]["host_unit"] = U(p["office"]["host_unit"])
        for u in p["units"]:
            u["id"] = U(u["id"])
        p["unit_groups"] = {"g_" + k: dict(v, units=[U(x) for x in v["units"]]) for k, v in p["unit_groups"].items()}
        for t in p["tasks"]:
            t["lead"] = units(t["lead"])
            if "responsible" in t:
                t["responsible"] = units(t["responsible"])
        p["choices"] = {C(k): v for k, v in p["choices"].items()}
        for sh in p["sheets"]:
            sh["id"] = S(sh["id"])
            if "units" in sh:
                sh["units"] = units(sh["units"])
            for f in sh["fields"]:
                f["id"] = F(f["id"])
                if "choices" in f:
                    f["choices"] = C(f["choices"])
            for r in sh.get("rules", []):
                for k in ("field", "other"):
                    if k in r:
                        r[k] = F(r[k])
                if "fields" in r:
                    r["fields"] = [F(x) for x in r["fields"]]
                if r["kind"] == "sum":
                    r["equals"] = F(r["equals"])
                for k in ("if", "then"):
                    if k in r:
                        r[k]["field"] = F(r[k]["field"])
                if r["kind"] == "compare":
                    for side in (r["left"], r["right"]):
                        if "field" in side:
                            side["field"] = F(side["field"])
                        for k in ("sum", "count"):
                            if k in side:
                                a = side[k]
                                if "sheet" in a:
                                    a["sheet"] = S(a["sheet"])
                                if "field" in a:
                                    a["field"] = F(a["field"])
                                if "where" in a:
                                    a["where"]["field"] = F(a["where"]["field"])
                    if "when" in r:
                        r["when"]["field"] = F(r["when"]["field"])
        for rd in p["rounds"]:
            rd["sheets"] = [S(x) for x in rd["sheets"]]
            if "units" in rd:
                rd["units"] = units(rd["units"])
        for t in p["targets"]:
            t["id"], t["sheet"], t["field"] = "t_" + t["id"], S(t["sheet"]), F(t["field"])
        o = p["outputs"]
        def fields(d, keys):
            for k in keys:
                if k in d:
                    d[k] = F(d[k])
        o["progress"]["sheet"] = S(o["progress"]["sheet"])
        fields(o["progress"], ["task", "status", "percent", "problems"])
        for l in o["ledgers"]:
            l["sheet"], l["target"] = S(l["sheet"]), "t_" + l["target"]
            fields(l, ["status", "name"])
            m = l["money"]
            m["total"], m["parts"] = F(m["total"]), [F(x) for x in m["parts"]]
            m["share"]["parts"] = [F(x) for x in m["share"]["parts"]]
            for e in l["extras"]:
                e["field"] = F(e["field"])
        for k, keys in (("liaison", ["name", "title", "phone", "mobile"]), ("publicity", ["date"]),
                        ("summary", ["problems", "practice"])):
            o[k]["sheet"] = S(o[k]["sheet"])
            fields(o[k], keys)
        yaml.safe_dump(p, open(dst, "w", encoding="utf-8"), allow_unicode=True, sort_keys=False, width=1000)
        """#

    /// Copies every value of each sample file into the same unit's template of each plan (same
    /// sheets, same cells), and the time the unit saved it.
    static let refill = #"""
        import os, re, sys, yaml, zipfile, openpyxl
        samples, plan = sys.argv[1], sys.argv[2]
        pairs = list(zip(sys.argv[3::2], sys.argv[4::2]))
        names = {u["id"]: u["name"] for u in yaml.safe_load(open(plan, encoding="utf-8"))["units"]}
        for file in sorted(os.listdir(samples)):
            src = os.path.join(samples, file)
            if not file.endswith(".xlsx") or file.startswith("~$"):
                continue
            wb = openpyxl.load_workbook(src)
            unit = names[wb["_tianbao"]["B3"].value]
            modified = re.search(r"<dcterms:modified[^>]*>([^<]*)<", zipfile.ZipFile(src).read("docProps/core.xml").decode()).group(1)
            for templates, out in pairs:
                target = openpyxl.load_workbook(os.path.join(templates, unit + "-2021-06.xlsx"))
                for ws in wb.worksheets:
                    if ws.title in ("_tianbao", "字典") or ws.title not in target.sheetnames:
                        continue
                    to = target[ws.title]
                    for row in ws.iter_rows():
                        for c in row:
                            if c.value is not None and type(c).__name__ != "MergedCell":
                                to.cell(c.row, c.column).value = c.value
                path = os.path.join(out, file)
                target.save(path)
                tmp = path + ".tmp"
                with zipfile.ZipFile(path) as a, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as b:
                    for info in a.infolist():
                        data = a.read(info.filename)
                        if info.filename == "docProps/core.xml":
                            data = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", r"\g<1>%s\g<2>" % modified, data.decode()).encode()
                        b.writestr(info, data)
                os.replace(tmp, path)
        """#

    func testRenamingEveryIdChangesNoOutput() throws {
        let dir = temporaryDirectory("renamed")
        let original = Self.root.appendingPathComponent("plans/default.yaml").path
        let renamed = dir.appendingPathComponent("renamed.yaml").path
        let scripts = dir.appendingPathComponent("rename.py"), refill = dir.appendingPathComponent("refill.py")
        try Self.rename.write(to: scripts, atomically: true, encoding: .utf8)
        try Self.refill.write(to: refill, atomically: true, encoding: .utf8)
        var (status, output) = try runProcess(testPython, [scripts.path, original, renamed])
        XCTAssertEqual(status, 0, output)
        let renamedText = try String(contentsOfFile: renamed, encoding: .utf8)
        XCTAssertTrue(renamedText.contains("sheet: s_ledger") && renamedText.contains("id: f_status") && renamedText.contains("id: u_fgj"))
        let check = try Binary.run(["plan", "check", renamed])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)

        var folders: [(plan: String, templates: URL, inputs: URL, out: URL)] = []
        for (name, plan) in [("a", original), ("b", renamed)] {
            let templates = dir.appendingPathComponent("templates-\(name)"), inputs = dir.appendingPathComponent("in-\(name)")
            try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
            let t = try Binary.run(["templates", "--plan", plan, "--key", Self.key, "--round", "2021-06", "--out", templates.path])
            XCTAssertEqual(t.status, 0, t.stderr)
            // Each merge in a folder of its own: the archive beside the output belongs to one plan.
            folders.append((plan, templates, inputs, dir.appendingPathComponent("merged-\(name)/out")))
        }
        let samples = Self.root.appendingPathComponent("samples/submissions/2021-06").path
        (status, output) = try runProcess(testPython, [refill.path, samples, original] + folders.flatMap { [$0.templates.path, $0.inputs.path] },
                                          timeout: 900)
        XCTAssertEqual(status, 0, output)
        for f in folders {
            let m = try Binary.run(["merge", f.inputs.path, "--plan", f.plan, "--key", Self.key, "--round", "2021-06", "--out", f.out.path])
            XCTAssertEqual(m.status, 1, m.stdout + m.stderr)
        }
        let (a, b) = (folders[0].out, folders[1].out)
        for out in [a, b] {
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
            let totals = report["totals"] as! [String: Int]
            XCTAssertGreaterThan(totals["accepted"]!, 30, "the refilled files are accepted: \(totals)")
            XCTAssertGreaterThan(totals["rows_merged"]!, 500, "\(totals)")
        }
        // 汇总, cell by cell through Tianbao's reader.
        let catA = try Binary.run(["cat", a.appendingPathComponent("汇总-2021-06.xlsx").path])
        let catB = try Binary.run(["cat", b.appendingPathComponent("汇总-2021-06.xlsx").path])
        XCTAssertEqual(catA.status, 0)
        XCTAssertGreaterThan(catA.stdout.count, 100_000, "a full workbook")
        XCTAssertTrue(catA.stdout.contains("小区台账") && catA.stdout.contains("已完工"))
        let sheetsA = try JSONSerialization.jsonObject(with: Data(catA.stdout.utf8)) as! [String: Any]
        let sheetsB = try JSONSerialization.jsonObject(with: Data(catB.stdout.utf8)) as! [String: Any]
        let listA = sheetsA["sheets"] as! [[String: Any]], listB = sheetsB["sheets"] as! [[String: Any]]
        XCTAssertEqual(listA.map { $0["name"] as! String }, listB.map { $0["name"] as! String })
        for (x, y) in zip(listA, listB) {
            let cellsA = x["cells"] as! [[String: Any]], cellsB = y["cells"] as! [[String: Any]]
            XCTAssertEqual(cellsA.count, cellsB.count, "\(x["name"]!)")
            for (c, d) in zip(cellsA, cellsB) where !NSDictionary(dictionary: c).isEqual(to: d) {
                XCTFail("\(x["name"]!)!\(c["ref"]!): \(c) ≠ \(d)")
                break
            }
        }
        // The briefing, word for word.
        for name in ["简报-2021-06.md", "简报-2021-06.html"] {
            let x = try String(contentsOf: a.appendingPathComponent(name), encoding: .utf8)
            let y = try String(contentsOf: b.appendingPathComponent(name), encoding: .utf8)
            XCTAssertTrue(x.contains("各区台账共报"), name)
            XCTAssertEqual(x, y, name)
        }
    }
}
