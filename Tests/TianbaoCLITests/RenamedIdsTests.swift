import Foundation
import TestSupport
import XCTest

/// Ids are only ids: the default plan with every id renamed (plan, units, unit groups, sheets,
/// fields, choice lists, targets — a YAML transformation) gives the same 汇总 cell by cell and the
/// same briefing, from the same filled-in values.
final class RenamedIdsTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key

    /// Renames every id of a plan and every reference to it (shared with the archive tests).
    static let rename = renameEveryPlanIdScript

    /// Copies every value of each sample file into the same unit's template of each plan (same
    /// sheets, same cells), and the time the unit saved it: set before saving where openpyxl
    /// writes it as the sample has it (3.0 keeps a loaded workbook's time), else put back into
    /// the saved package afterwards (a second pass through zipfile, compressing every part again).
    static let refill = #"""
        import datetime, os, re, sys, yaml, zipfile, openpyxl
        samples, plan = sys.argv[1], sys.argv[2]
        pairs = list(zip(sys.argv[3::2], sys.argv[4::2]))
        names = {u["id"]: u["name"] for u in yaml.safe_load(open(plan, encoding="utf-8"))["units"]}
        def modified_of(path):
            return re.search(r"<dcterms:modified[^>]*>([^<]*)<", zipfile.ZipFile(path).read("docProps/core.xml").decode()).group(1)
        for file in sorted(os.listdir(samples)):
            src = os.path.join(samples, file)
            if not file.endswith(".xlsx") or file.startswith("~$"):
                continue
            wb = openpyxl.load_workbook(src)
            unit = names[wb["_tianbao"]["B3"].value]
            modified = modified_of(src)
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
                try:
                    target.properties.modified = datetime.datetime.strptime(modified, "%Y-%m-%dT%H:%M:%SZ")
                except ValueError:
                    pass
                target.save(path)
                if modified_of(path) == modified:
                    continue
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
            var templates = dir.appendingPathComponent("templates-\(name)")
            let inputs = dir.appendingPathComponent("in-\(name)")
            try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
            if name == "a" {
                // The default plan's blank templates are the committed ones (`make templates`;
                // TemplateTests.testCommittedTemplatesAreUpToDate keeps them what the writer makes).
                templates = Self.root.appendingPathComponent("templates/2021-06")
            } else {
                // Blank templates: not carrying May's ledger from an archive `make demo` left in out/.
                let t = try Binary.run(["templates", "--plan", plan, "--key", Self.key, "--round", "2021-06", "--out", templates.path, "--no-carry"])
                XCTAssertEqual(t.status, 0, t.stderr)
            }
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
            XCTAssertTrue(x.contains("各区台账共列小区"), name)
            XCTAssertEqual(x, y, name)
        }
    }
}
