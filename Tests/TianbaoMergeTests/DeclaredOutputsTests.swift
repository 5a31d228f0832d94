import Foundation
@testable import TianbaoRound
import XCTest
@testable import TianbaoCheck
@testable import TianbaoMerge
@testable import TianbaoOutputs
@testable import TianbaoPlan
@testable import XLSX

/// The outputs follow the plan's `outputs:` declarations: a plan without a ledger gets no ledger
/// section (not a zero), a plan with two ledgers gets both, each counted with its own words.
final class DeclaredOutputsTests: XCTestCase {
    /// Two ledgers (streets and pipes), each with its own status words and target.
    static func plan(outputs: String) -> String {
        """
        plan: two-ledgers
        version: "1"
        title: 背街小巷和管网整治
        units:
          - {id: a, name: 东城街道办事处, kind: 区}
          - {id: b, name: 西城街道办事处, kind: 区}
        task_groups:
          - {id: "一", title: 整治}
        tasks:
          - {id: "1.1", group: "一", title: 整治, lead: [a, b]}
        choices:
          street_state: [待整治, 整治中, 已验收]
          pipe_state: [未开工, 施工中, 已通水]
        targets:
          - {id: streets, name: 完成背街小巷整治, value: 4, unit: 条, due: 2024-12-31, sheet: streets, field: state, equals: 已验收}
        \(outputs)
        sheets:
          - id: streets
            name: 街巷清单
            kind: rows
            rows: 5
            fields:
              - {id: street, name: 街巷名称, type: text, required: true}
              - {id: metres, name: 长度(米), type: decimal}
              - {id: state, name: 整治状态, type: choice, choices: street_state, required: true}
          - id: pipes
            name: 管网清单
            kind: rows
            rows: 5
            fields:
              - {id: pipe, name: 管段, type: text, required: true}
              - {id: cost, name: 投资(万元), type: decimal}
              - {id: phase, name: 施工状态, type: choice, choices: pipe_state, required: true}
        rounds:
          - {id: "2024-05", kind: 月调度, start: 2024-05-01, due: 2024-05-28, sheets: [streets, pipes]}
        """
    }

    static let twoLedgers = """
        outputs:
          words: {whole: 本区, units: 各街道, targets_heading: 整治进度}
          ledgers:
            - {sheet: streets, label: 街巷, counter: 条, called: 街巷清单, unit_label: 街道, status: state, done: 已验收, not_started: 待整治, target: streets, extras: [{field: metres, label: 整治街巷, unit: 米}]}
            - {sheet: pipes, label: 管段, counter: 段, called: 管网清单, unit_label: 街道, status: phase, done: 已通水, not_started: 未开工, money: {total: cost}}
        """

    func result(_ yaml: String) throws -> RoundResult {
        let plan = try PlanLoader.load(yaml: yaml, file: "t.yaml")
        let round = plan.round("2024-05")!
        var s = Submission(file: "东城.xlsx", path: "/nonexistent/东城.xlsx", sha256: "")
        s.unit = plan.unit("a")
        s.roundId = round.id
        func row(_ sheet: String, _ n: Int, _ values: [(String, FieldValue)]) -> CheckedRow {
            var v = FieldValues(keys: values.map(\.0))
            for (k, x) in values { v[k] = x }
            return CheckedRow(sheet: sheet, row: 4 + n, values: v, explanation: nil, accepted: true)
        }
        s.setRows([
            row("streets", 0, [("street", .text("花园巷")), ("metres", .number(120)), ("state", .text("已验收"))]),
            row("streets", 1, [("street", .text("柳树巷")), ("metres", .number(80.5)), ("state", .text("整治中"))]),
            row("streets", 2, [("street", .text("槐树巷")), ("metres", .number(60)), ("state", .text("已验收"))]),
            row("pipes", 0, [("pipe", .text("一号段")), ("cost", .number(35.5)), ("phase", .text("已通水"))]),
        ])
        let units = plan.units.map { u in
            UnitOutcome(unit: u, status: u.id == "a" ? .accepted : .missing, late: false,
                        submission: u.id == "a" ? s : nil, superseded: [], otherRejected: [])
        }
        var totals = Totals()
        totals.expected = 2; totals.accepted = 1; totals.missing = 1
        totals.rowsRead = 4; totals.rowsMerged = 4
        return RoundResult(plan: plan, round: round, units: units,
                           files: [FileOutcome(file: s.file, unitId: "a", status: .accepted, submission: s)], totals: totals)
    }

    func write(_ r: RoundResult) throws -> Workbook {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("declared-\(UUID().uuidString).xlsx").path
        try ConsolidatedWorkbook(report: try RoundReport(r), sourceFolder: "../in").write(to: path)
        return try Workbook(path: path)
    }

    /// Column A and B of a sheet, as label → value.
    func labels(_ sheet: Worksheet) -> [String: CellValue] {
        var out: [String: CellValue] = [:]
        for r in 1...80 {
            if case .string(let label)? = sheet["A\(r)"]?.value, let v = sheet["B\(r)"]?.value { out[label] = v }
        }
        return out
    }

    func testTwoLedgersGetBoth() throws {
        let r = try result(Self.plan(outputs: Self.twoLedgers))
        let wb = try write(r)
        XCTAssertEqual(wb.sheets.map(\.name), ["总览", "报送情况", "街巷清单", "管网清单", "校验问题"])
        let overview = try wb.read(wb.sheet(named: "总览")!)
        let texts = (1...80).compactMap { r -> String? in if case .string(let s)? = overview["A\(r)"]?.value { return s }; return nil }
        XCTAssertTrue(texts.contains("目标进度：街巷清单"), "\(texts)")
        XCTAssertTrue(texts.contains("目标进度：管网清单"), "\(texts)")
        XCTAssertTrue(texts.contains("投资（万元）"), "\(texts)")
        XCTAssertFalse(texts.contains("任务进展（条）"), "no progress sheet declared, no task section")
        let v = labels(overview)
        XCTAssertEqual(v["年度目标（条）"], .number(4))
        XCTAssertEqual(v["街巷"], .number(3))
        XCTAssertEqual(v["已验收"], .number(2))
        XCTAssertEqual(v["整治中"], .number(1))
        XCTAssertEqual(v["已通水"], .number(1))
        XCTAssertEqual(v["投资合计"], .number(35.5))
        // Each ledger's subtotals, with its own words.
        let streets = try wb.read(wb.sheet(named: "街巷清单")!)
        XCTAssertEqual(streets["A1"]?.value, .string("街道"))
        let pipes = try wb.read(wb.sheet(named: "管网清单")!)
        XCTAssertEqual(pipes["A5"]?.value, .string("东城街道办事处"))
        XCTAssertEqual(pipes["B5"]?.value, .number(1))

        let md = Briefing(report: try RoundReport(r)).markdown
        XCTAssertTrue(md.contains("## 一、整治进度"), md)
        XCTAssertTrue(md.contains(ChineseTypography.apply("截至2024年5月28日,本区已验收街巷 2 条,占年度目标 4 条的 50.0%;时间进度 40.7%,按时间进度应完成 2 条,不慢于时间进度。")), md)
        XCTAssertTrue(md.contains(ChineseTypography.apply("各街道街巷清单共列街巷 3 条:已验收 2 条、整治中 1 条、待整治 0 条;距年度目标 4 条尚缺 1 条未列入街巷清单")), md)
        XCTAssertTrue(md.contains(ChineseTypography.apply("已计划整治街巷 260.5 米。")), md)
        XCTAssertTrue(md.contains(ChineseTypography.apply("各街道管网清单共列管段 1 段:已通水 1 段、施工中 0 段、未开工 0 段。")), md)
        XCTAssertTrue(md.contains(ChineseTypography.apply("投资合计 35.5 万元。")), md)
        XCTAssertTrue(md.contains("| 街道 | 报送情况 | 管段 | 已通水 | 施工中 | 未开工 | 投资（万元） | 说明 |"), md)
        XCTAssertFalse(md.contains("任务推进情况"), "no progress sheet declared")
        XCTAssertTrue(md.contains("## 三、下步工作建议"), "sections numbered as they come: \(md)")
    }

    func testNoLedgerDeclaredGetsNoLedgerSection() throws {
        let r = try result(Self.plan(outputs: ""))
        let wb = try write(r)
        // Plain detail sheets, without subtotals or a target block.
        XCTAssertEqual(wb.sheets.map(\.name), ["总览", "报送情况", "街巷清单", "管网清单", "校验问题"])
        let overview = try wb.read(wb.sheet(named: "总览")!)
        let texts = (1...80).compactMap { r -> String? in if case .string(let s)? = overview["A\(r)"]?.value { return s }; return nil }
        XCTAssertFalse(texts.contains { $0.hasPrefix("目标进度") || $0.contains("年度目标") || $0.contains("投资") }, "\(texts)")
        let streets = try wb.read(wb.sheet(named: "街巷清单")!)
        XCTAssertEqual(streets["A1"]?.value, .string("单位"))
        XCTAssertEqual(streets["B2"]?.value, .string("花园巷"))
        XCTAssertNil(streets["A6"]?.value, "no subtotals under a plain sheet")
        let md = Briefing(report: try RoundReport(r)).markdown
        XCTAssertFalse(md.contains("目标"), md)
        XCTAssertFalse(md.contains("共列"), "no ledger figures, not even zeros: \(md)")
        XCTAssertTrue(md.contains("## 二、下步工作建议"), md)
    }
}
