import Foundation
import TestSupport
import XCTest

/// `tianbao plan template`, `plan export`, `plan check` on a plan workbook, and `--plan` taking
/// a workbook in every command.
final class PlanWorkbookCommandTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key
    static let samples = MergeEndToEndTests.samples

    func testTemplateThenCheckPasses() throws {
        let dir = temporaryDirectory("plan-template")
        let book = dir.appendingPathComponent("计划.xlsx").path
        let t = try Binary.run(["plan", "template", "--out", book])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertEqual(t.stdout, "已生成计划工作簿“\(book)”：41 个单位、11 项任务、6 张表、10 个轮次。改好后可用 tianbao plan check “计划.xlsx” 检查。\n")
        let c = try Binary.run(["plan", "check", book])
        XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
        XCTAssertEqual(c.stdout, "计划文件“计划.xlsx”检查通过：41 个单位、11 项任务、6 张表、10 个轮次。\n")
        // A workbook named .yaml is still read as a workbook (the bytes decide), and `plan show` takes it.
        let renamed = dir.appendingPathComponent("plan.yaml").path
        try FileManager.default.copyItem(atPath: book, toPath: renamed)
        let show = try Binary.run(["plan", "show", "--plan", renamed])
        XCTAssertEqual(show.status, 0, show.stderr)
        let defaultShow = try Binary.run(["plan", "show"])
        XCTAssertEqual(show.stdout, defaultShow.stdout)
        // A workbook that is not a plan workbook (a unit's template) is told apart.
        let template = Self.root.appendingPathComponent("templates/2021-06/江岸区人民政府-2021-06.xlsx").path
        let notPlan = try Binary.run(["plan", "check", template])
        XCTAssertEqual(notPlan.status, 2)
        XCTAssertEqual(notPlan.stdout, """
            计划文件“江岸区人民政府-2021-06.xlsx”有 1 处错误：
              这不是计划工作簿：没有“基本信息”“单位”“任务”等工作表。可用 tianbao plan template --out 计划.xlsx 生成一份计划工作簿。

            """)
    }

    func testExportEitherWay() throws {
        let dir = temporaryDirectory("plan-export")
        let gas = Self.root.appendingPathComponent("plans/gas-pipes.yaml").path
        let xlsx = dir.appendingPathComponent("gas.xlsx").path
        let yaml = dir.appendingPathComponent("gas.yaml").path
        let yaml2 = dir.appendingPathComponent("gas2.yml").path
        XCTAssertEqual(try Binary.run(["plan", "export", "--plan", gas, "--out", xlsx]).status, 0)
        let e = try Binary.run(["plan", "export", "--plan", xlsx, "--out", yaml])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertEqual(try Binary.run(["plan", "export", "--plan", gas, "--out", yaml2]).status, 0)
        // xlsx → yaml and yaml → yaml give the same canonical text.
        XCTAssertEqual(try String(contentsOfFile: yaml, encoding: .utf8), try String(contentsOfFile: yaml2, encoding: .utf8))
        let c = try Binary.run(["plan", "check", yaml])
        XCTAssertEqual(c.status, 0, c.stdout)
        XCTAssertEqual(try Binary.run(["plan", "show", "--plan", yaml]).stdout, try Binary.run(["plan", "show", "--plan", gas]).stdout)
        let bad = try Binary.run(["plan", "export", "--plan", gas, "--out", dir.appendingPathComponent("gas.txt").path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "错误：--out 的扩展名应为 .xlsx（计划工作簿）或 .yaml、.yml（YAML 计划），而不是“\(dir.appendingPathComponent("gas.txt").path)”。\n")
    }

    func testCheckReportsCellsAndExitsTwo() throws {
        let dir = temporaryDirectory("plan-broken")
        let book = dir.appendingPathComponent("计划.xlsx").path
        XCTAssertEqual(try Binary.run(["plan", "template", "--out", book]).status, 0)
        let script = dir.appendingPathComponent("break.py")
        try """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            wb['任务']['F3'] = '市财政厅、各区人民政府'
            wb['轮次']['E5'] = '2021-06-31'
            wb.save(sys.argv[1])
            """.write(to: script, atomically: true, encoding: .utf8)
        let (s, log) = try runProcess(testPython, [script.path, book])
        XCTAssertEqual(s, 0, log)
        let c = try Binary.run(["plan", "check", book])
        XCTAssertEqual(c.status, 2)
        XCTAssertEqual(c.stdout, """
            计划文件“计划.xlsx”有 2 处错误：
              任务!F3：任务 1.2 的责任单位中的单位“市财政厅”不在单位列表中
              轮次!E5：轮次 2021-06 的截止日期“2021-06-31”不是有效日期（格式 2021-06-15）

            """)
        // Any other command given the broken plan stops with status 2 and the same list.
        let m = try Binary.run(["templates", "--plan", book, "--round", "2021-06", "--out", dir.appendingPathComponent("t").path, "--key", Self.key])
        XCTAssertEqual(m.status, 2)
        XCTAssertTrue(m.stderr.contains("任务!F3：任务 1.2 的责任单位中的单位“市财政厅”不在单位列表中"), m.stderr)
    }

    /// The same plan, from YAML or from its workbook, merges the sample round into the same
    /// report.json: the plan's identity is its id and declared version, not its file's bytes.
    func testMergeWithTheWorkbookPlanGivesTheSameReport() throws {
        let dir = temporaryDirectory("plan-merge")
        let book = dir.appendingPathComponent("计划.xlsx").path
        let yaml = Self.root.appendingPathComponent("plans/default.yaml").path
        XCTAssertEqual(try Binary.run(["plan", "export", "--plan", yaml, "--out", book]).status, 0)
        var reports: [Data] = []
        var briefings: [Data] = []
        for (name, plan) in [("yaml", yaml), ("xlsx", book)] {
            let out = dir.appendingPathComponent(name).appendingPathComponent("2021-06")
            let r = try Binary.run(["merge", Self.samples, "--plan", plan, "--round", "2021-06", "--out", out.path, "--key", Self.key])
            XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
            reports.append(try XCTUnwrap(FileManager.default.contents(atPath: out.appendingPathComponent("report.json").path)))
            let md = try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.hasSuffix(".md") }
            briefings.append(try XCTUnwrap(FileManager.default.contents(atPath: out.appendingPathComponent(try XCTUnwrap(md)).path)))
        }
        XCTAssertEqual(reports[0], reports[1])
        XCTAssertEqual(briefings[0], briefings[1])
        XCTAssertTrue(String(decoding: reports[1], as: UTF8.self).contains("\"plan_version\":\"2021.2\""))
    }
}
