import Foundation
import TestSupport
import XCTest

/// A second campaign (plans/gas-pipes.yaml, 城镇燃气管道老化更新改造) runs end to end on its own
/// sample round: templates, check, merge and status; its outputs speak its words only, with its
/// figures cross-checked against its inputs.
final class SecondCampaignTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let plan = root.appendingPathComponent("plans/gas-pipes.yaml").path
    static let samples = root.appendingPathComponent("samples/gas-pipes/submissions/2024-05").path
    static let key = MergeEndToEndTests.key

    /// The merge of the gas sample round, run once: (status, output, folder).
    static let merged: (Int32, String, URL) = {
        let out = temporaryDirectory("gas").appendingPathComponent("2024-05")
        let r = try! Binary.run(["merge", samples, "--plan", plan, "--round", "2024-05", "--out", out.path, "--key", key])
        return (r.status, r.stdout + r.stderr, out)
    }()

    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let file = temporaryDirectory("py").appendingPathComponent("s.py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let (status, output) = try runProcess(testPython, [file.path] + arguments)
        XCTAssertEqual(status, 0, output)
        return output
    }

    func testTemplatesCheckAndStatusRun() throws {
        let dir = temporaryDirectory("gas-templates")
        let t = try Binary.run(["templates", "--plan", Self.plan, "--key", Self.key, "--round", "2024-05", "--out", dir.path])
        XCTAssertEqual(t.status, 0, t.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(files.count, 8, "\(files)")
        XCTAssertTrue(files.contains("临江燃气集团有限公司-2024-05.xlsx"))

        let inputs = try FileManager.default.contentsOfDirectory(atPath: Self.samples).sorted().map { Self.samples + "/" + $0 }
        let c = try Binary.run(["check", "--plan", Self.plan, "--key", Self.key] + inputs)
        XCTAssertEqual(c.status, 1, c.stdout + c.stderr)
        XCTAssertTrue(c.stdout.contains("共 7 个文件：6 个通过，1 个有错误。"), c.stdout)
        XCTAssertTrue(c.stdout.contains("管道改造清单!O6"), c.stdout)

        let s = try Binary.run(["status", Self.samples, "--plan", Self.plan, "--key", Self.key, "--round", "2024-05", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as! [String: Any]
        let units = json["units"] as! [[String: Any]]
        XCTAssertEqual(units.count, 8)
        for u in units where u["status"] as? String == "accepted" {
            XCTAssertNotNil(u["liaison"] as? String, "the liaison comes from the declared sheet: \(u)")
            XCTAssertTrue((u["phone"] as? String ?? "").hasPrefix("13"), "the mobile comes from the declared field: \(u)")
        }
        XCTAssertEqual(units.first { $0["unit"] as? String == "市应急管理局" }?["state"] as? String, "未报送")
        XCTAssertEqual(units.first { $0["unit"] as? String == "市市场监督管理局" }?["state"] as? String, "迟报")
    }

    func testMergedFiguresMatchTheInputs() throws {
        XCTAssertEqual(Self.merged.0, 1, Self.merged.1)
        let workbook = Self.merged.2.appendingPathComponent("汇总-2024-05.xlsx").path
        let out = try Self.python("""
            import json, os, sys, openpyxl
            folder, path = sys.argv[1], sys.argv[2]
            inputs = {"items": 0, "done": 0, "building": 0, "waiting": 0, "budget": 0.0, "km": 0.0, "users": 0, "error_rows": 0,
                      "by_unit": {}, "long": []}
            for name in sorted(os.listdir(folder)):
                wb = openpyxl.load_workbook(os.path.join(folder, name))
                if "管道改造清单" not in wb.sheetnames:
                    continue
                ws = wb["管道改造清单"]
                unit = name[:-len("-2024-05.xlsx")]
                for r in range(4, ws.max_row + 1):
                    if not ws.cell(r, 1).value:
                        continue
                    state, gas_on = ws.cell(r, 16).value, ws.cell(r, 15).value
                    if ws.cell(r, 6).value > 3:
                        inputs["long"].append("%s 管道改造清单!F%d" % (unit, r))
                    if state == "已通气" and gas_on is None:
                        inputs["error_rows"] += 1
                        continue
                    inputs["items"] += 1
                    inputs["by_unit"][unit] = inputs["by_unit"].get(unit, 0) + 1
                    inputs[{"已通气": "done", "施工中": "building", "未开工": "waiting"}[state]] += 1
                    inputs["budget"] += ws.cell(r, 8).value
                    inputs["km"] += ws.cell(r, 6).value
                    inputs["users"] += ws.cell(r, 7).value
            inputs["budget"] = round(inputs["budget"], 1)
            inputs["km"] = round(inputs["km"], 2)
            wb = openpyxl.load_workbook(path)
            overview = {ws_row[0].value: ws_row[1].value for ws_row in wb["总览"].iter_rows(min_row=1, max_row=60) if ws_row[0].value}
            ledger = wb["管道改造清单"]
            header = [c.value for c in ledger[1]]
            totals = {}
            subtotals = {}
            for row in ledger.iter_rows(min_row=2):
                if row[0].value == "合计":
                    totals = {header[i]: c.value for i, c in enumerate(row) if header[i]}
                elif isinstance(row[1].value, str) and row[1].value.startswith("=COUNTIFS"):
                    subtotals[row[0].value] = row[1].value
            print(json.dumps({"inputs": inputs, "overview": overview, "sheets": wb.sheetnames, "header": header,
                              "totals_formula": totals, "subtotal_units": sorted(subtotals)}, ensure_ascii=False))
            """, [Self.samples, workbook])
        let j = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        let inputs = j["inputs"] as! [String: Any], overview = j["overview"] as! [String: Any]
        XCTAssertEqual(j["sheets"] as? [String], ["总览", "进度趋势", "报送情况", "重点任务", "任务矩阵", "管道改造清单", "信息员", "校验问题"])
        XCTAssertEqual((j["header"] as? [Any?])?.first as? String, "责任单位")
        XCTAssertEqual(inputs["error_rows"] as? Int, 1)
        XCTAssertEqual(overview["年度目标（个）"] as? Double, 30)
        XCTAssertEqual(overview["清单管段"] as? Double, Double(inputs["items"] as! Int))
        XCTAssertEqual(overview["已通气"] as? Double, Double(inputs["done"] as! Int))
        XCTAssertEqual(overview["施工中"] as? Double, Double(inputs["building"] as! Int))
        XCTAssertEqual(overview["未开工"] as? Double, Double(inputs["waiting"] as! Int))
        XCTAssertEqual(overview["总投资合计"] as? Double, inputs["budget"] as? Double)
        XCTAssertGreaterThan(inputs["done"] as! Int, 0, "a section with data is not zero")
        XCTAssertNotNil(overview["未开始"], "task statuses are the plan’s own: \(overview)")
        XCTAssertEqual(j["subtotal_units"] as? [String], ["临江燃气集团有限公司", "临江高新区管委会", "江北区人民政府", "江南区人民政府"])
        // The ledger's 合计 row sums the subtotals (formulas), over the declared columns.
        let totals = j["totals_formula"] as! [String: Any]
        XCTAssertTrue((totals["总投资（万元）"] as? String ?? "").hasPrefix("=SUM("), "\(totals)")
        XCTAssertTrue((totals["改造长度（公里）"] as? String ?? "").hasPrefix("=SUM("), "\(totals)")
        XCTAssertTrue(totals["敷设年份"] is NSNull, "a year is not summed: \(totals)")

        // The plan's compare rule (改造长度 <= 3 公里, a warning) finds every longer section, at its cell.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.merged.2.appendingPathComponent("report.json"))) as! [String: Any]
        let found = (report["units"] as! [[String: Any]]).flatMap { u in
            (u["problems"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "compare" }
                .map { "\(u["unit"] as! String) \($0["sheet"] as! String)!\($0["cell"] as! String)" }
        }
        XCTAssertEqual(found.sorted(), (inputs["long"] as! [String]).sorted())
        XCTAssertFalse(found.isEmpty)

        // The briefing says the same figures, in the plan's words.
        let md = try String(contentsOf: Self.merged.2.appendingPathComponent("简报-2024-05.md"), encoding: .utf8)
        let items = inputs["items"] as! Int, done = inputs["done"] as! Int
        XCTAssertTrue(md.contains("## 一、管道更新改造进度"), md)
        XCTAssertTrue(md.contains("本市已通气管段 \(done) 个，占年度目标 30 个的"), md)
        XCTAssertTrue(md.contains("各责任单位改造清单共列管段 \(items) 个：已通气 \(done) 个"), md)
        XCTAssertTrue(md.contains(String(format: "已计划改造管道 %.1f 公里", inputs["km"] as! Double)), md)
        XCTAssertTrue(md.contains("报告进度落后的任务 1 项、1 条"), md)
        XCTAssertTrue(md.contains("- 3.2 燃气具及配件市场整治（牵头：市市场监督管理局）：市市场监督管理局报进度落后。"), md)
        XCTAssertTrue(md.contains("—— 市市场监督管理局（任务 3.2）"), md)
        XCTAssertTrue(md.contains("**燃气管道更新改造工作专报**"), md)
        // 江北区's funds that do not add up: counted (a warning), explained in the plan's words.
        XCTAssertTrue(md.contains("总投资合计与各资金渠道之和相差 5.0 万元，因江北区人民政府“"), md)
    }

    /// Words and sheet names of the default plan that the gas plan does not use.
    static let defaultWords = ["老旧小区", "小区", "各区", "已完工", "台账", "滞后", "未启动", "推进中", "在建", "计划投资", "全市",
                               "建议案", "资金来源", "加装电梯", "停车位", "任务进展", "量化指标", "宣传信息", "工作小结摘录",
                               "领导小组办公室"]

    func testOutputsSpeakOnlyTheirPlansWords() throws {
        XCTAssertEqual(Self.merged.0, 1, Self.merged.1)
        var texts: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(atPath: Self.merged.2.path)!
        while let name = enumerator.nextObject() as? String {
            let path = Self.merged.2.appendingPathComponent(name).path
            if name.hasSuffix(".xlsx") {
                let r = try Binary.run(["cat", path])
                XCTAssertEqual(r.status, 0, r.stderr)
                texts.append((name, r.stdout))
            } else if name.hasSuffix(".md") || name.hasSuffix(".html") || name.hasSuffix(".json") {
                texts.append((name, try String(contentsOfFile: path, encoding: .utf8)))
            } else if name.hasSuffix(".docx") {
                let out = try Self.python("""
                    import re, sys, zipfile
                    print(re.sub(r"<[^>]+>", "", zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode("utf-8")))
                    """, [path])
                XCTAssertTrue(out.contains("管道更新改造进度"), out)
                texts.append((name, out))
            }
        }
        XCTAssertEqual(Set(texts.map { ($0.0 as NSString).pathExtension }), ["xlsx", "md", "html", "json", "docx"])
        for (name, text) in texts {
            for word in Self.defaultWords {
                XCTAssertFalse(text.contains(word), "\(name) says “\(word)”")
            }
        }
    }

    func testPlanCheckReportsADeclarationAtItsPlace() throws {
        let text = try String(contentsOfFile: Self.plan, encoding: .utf8)
        let broken = text.replacingOccurrences(of: "status: progress,", with: "status: progres,")
            .replacingOccurrences(of: "      status: progress\n", with: "      status: progres\n")
        XCTAssertNotEqual(broken, text)
        let file = temporaryDirectory("gas-plan").appendingPathComponent("gas.yaml")
        try broken.write(to: file, atomically: true, encoding: .utf8)
        let r = try Binary.run(["plan", "check", file.path])
        XCTAssertEqual(r.status, 2, r.stdout)
        let line = broken.components(separatedBy: "\n").firstIndex { $0 == "      status: progres" }! + 1
        XCTAssertTrue((r.stdout + r.stderr).contains("第 \(line) 行第 15 列"), r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("输出声明的台账的“status”字段“progres”不在表单 pipes 中"), r.stdout + r.stderr)
    }
}
