import XCTest
@testable import TianbaoCheck
@testable import TianbaoPlan

/// Rules as data (`kind: compare`): every operator, every missing-value strategy, within a sheet
/// and across sheets, each finding at the cell that should change; and `plan check` on broken
/// rules, each message at its place.
final class CompareRulesTests: XCTestCase {
    static func yaml(_ rules: String, ledgerRules: String = "") -> String {
        """
        plan: compare-test
        version: "1"
        title: 审核规则
        units:
          - {id: a, name: 甲区人民政府, kind: 区}
        task_groups:
          - {id: "一", title: 改造}
        tasks:
          - {id: "1.1", group: "一", title: 改造, lead: [a]}
        choices:
          st: [未开工, 在建, 已完工]
        sheets:
          - id: indicators
            name: 量化指标
            kind: rows
            rows: 10
            fields:
              - {id: name, name: 指标名称, type: text}
              - {id: target, name: 年度目标值, type: decimal}
              - {id: done, name: 累计完成值, type: decimal}
            rules:
        \(rules.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
          - id: ledger
            name: 小区台账
            kind: rows
            rows: 10
            fields:
              - {id: community, name: 小区名称, type: text}
              - {id: invest, name: 计划投资(万元), type: decimal}
              - {id: status, name: 状态, type: choice, choices: st}
            rules:\(ledgerRules.isEmpty ? " []" : "")
        \(ledgerRules.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
          - id: notes
            name: 工作小结
            kind: text
            fields:
              - {id: practice, name: 主要做法, type: text}
        rounds:
          - {id: "2024-05", kind: 月调度, start: 2024-05-01, due: 2024-05-28, sheets: [indicators, ledger, notes]}
        """
    }

    func row(_ sheet: String, _ row: Int, _ values: [String: FieldValue], accepted: Bool = true, explanation: String? = nil) -> CheckedRow {
        let keys = ["indicators": ["name", "target", "done"], "ledger": ["community", "invest", "status"], "notes": ["practice"]][sheet]!
        var v = FieldValues(keys: keys)
        for (k, x) in values { v[k] = x }
        return CheckedRow(sheet: sheet, row: row, values: v, explanation: explanation, accepted: accepted)
    }

    /// Indicator rows (name, target, done) and ledger rows (invest, status).
    lazy var rows: [CheckedRow] = [
        row("indicators", 4, ["name": .text("改造小区"), "target": .number(10), "done": .number(3)]),
        row("indicators", 5, ["name": .text("加装电梯"), "target": .number(5), "done": .number(5)]),
        row("indicators", 6, ["name": .text("新增停车位"), "target": .number(20), "done": .number(25)]),
        row("indicators", 7, ["name": .text("居民议事会"), "target": .number(4)]),  // done missing
        row("ledger", 4, ["community": .text("和平小区"), "invest": .number(100), "status": .text("已完工")]),
        row("ledger", 5, ["community": .text("幸福小区"), "invest": .number(50.5), "status": .text("在建")]),
        row("ledger", 6, ["community": .text("解放小区"), "invest": .number(80), "status": .text("已完工")]),
        row("ledger", 7, ["community": .text("有误小区"), "invest": .number(999), "status": .text("已完工")], accepted: false),
    ]

    func findings(_ rules: String, ledgerRules: String = "", present: Set<String> = ["indicators", "ledger", "notes"],
                  file: StaticString = #filePath, line: UInt = #line) throws -> [CompareFinding] {
        let plan = try PlanLoader.load(yaml: Self.yaml(rules, ledgerRules: ledgerRules), file: "t.yaml")
        let compare = plan.sheets.flatMap { $0.rules }.compactMap { r -> CompareRule? in
            if case .compare(let c) = r { return c }
            return nil
        }
        XCTAssertFalse(compare.isEmpty, "no compare rule loaded", file: file, line: line)
        return CompareRules.evaluate(compare, plan: plan, present: present, rows: rows)
    }

    func cells(_ f: [CompareFinding]) -> [String] { f.map { "\($0.sheet)!\($0.cell)" } }

    func testEveryOperatorWithinARow() throws {
        // done vs target: 3/10, 5/5, 25/20 (and one row without done, skipped).
        let expected: [(String, [String])] = [
            ("=", ["indicators!C4", "indicators!C6"]),
            ("!=", ["indicators!C5"]),
            ("<", ["indicators!C5", "indicators!C6"]),
            ("<=", ["indicators!C6"]),
            (">", ["indicators!C4", "indicators!C5"]),
            (">=", ["indicators!C4"]),
        ]
        for (op, where_) in expected {
            let f = try findings("- {kind: compare, left: {field: done}, op: \"\(op)\", right: {field: target}, message: 不符}")
            XCTAssertEqual(cells(f), where_, "op \(op)")
        }
        let f = try findings("- {kind: compare, left: {field: done}, op: \"<=\", right: {field: target}, severity: warning, message: 完成值大于目标值}")
        XCTAssertEqual(f.first?.message, "完成值大于目标值（“累计完成值” 25，“年度目标值” 20）")
        XCTAssertEqual(f.first?.value, "25 <= 20")
        XCTAssertEqual(f.first?.severity, .warning)
        XCTAssertEqual(f.first?.row, 6)
    }

    func testConstantsAndTheCellOfTheRightSide() throws {
        let f = try findings("- {kind: compare, left: {value: 4}, op: \"<=\", right: {field: done}, message: 至少 4}")
        XCTAssertEqual(cells(f), ["indicators!C4"], "the finding points at the field side, here the right one")
        let g = try findings("- {kind: compare, left: {field: target}, op: \"<\", right: {value: 10}, message: 目标过大}")
        XCTAssertEqual(cells(g), ["indicators!B4", "indicators!B6"])
        XCTAssertEqual(g.first?.message, "目标过大（“年度目标值” 10，应小于 10）")
    }

    func testMissingValues() throws {
        let rule = "- {kind: compare, left: {field: done}, op: \">=\", right: {value: 1}, message: 未完成, missing: %@}"
        XCTAssertEqual(cells(try findings(rule.replacingOccurrences(of: "%@", with: "skip"))), [], "skip: the empty row is left alone")
        let zero = try findings(rule.replacingOccurrences(of: "%@", with: "zero"))
        XCTAssertEqual(cells(zero), ["indicators!C7"], "zero: the empty done counts as 0")
        XCTAssertEqual(zero.first?.message, "未完成（“累计完成值” 0，应不小于 1）")
        let error = try findings(rule.replacingOccurrences(of: "%@", with: "error"))
        XCTAssertEqual(cells(error), ["indicators!C7"])
        XCTAssertEqual(error.first?.message, "未完成（“累计完成值”未填写）")
        // The default is skip.
        XCTAssertEqual(cells(try findings("- {kind: compare, left: {field: done}, op: \">=\", right: {value: 1}, message: x}")), [])
    }

    func testAcrossSheetsWithAFilter() throws {
        // The indicator 改造小区's done (3) against the ledger's rows 已完工 that count (2; the
        // row with an error is left out).
        let f = try findings("""
            - {kind: compare, when: {field: name, equals: 改造小区}, left: {field: done}, op: "=", right: {count: {sheet: ledger, where: {field: status, equals: 已完工}}}, message: 应等于台账已完工数}
            """)
        XCTAssertEqual(cells(f), ["indicators!C4"])
        XCTAssertEqual(f.first?.message, "应等于台账已完工数（“累计完成值” 3，“小区台账”中“状态”为“已完工”的行数 2）")
        // A sum over another sheet: 100 + 50.5 + 80 (the row with an error left out).
        let g = try findings("""
            - {kind: compare, when: {field: name, equals: 加装电梯}, left: {field: target}, op: ">=", right: {sum: {sheet: ledger, field: invest}}, message: 目标不足}
            """)
        XCTAssertEqual(g.first?.message, "目标不足（“年度目标值” 5，“小区台账”中“计划投资(万元)”合计 230.5）")
        XCTAssertEqual(cells(g), ["indicators!B5"])
        // A sheet the file does not have is a missing value.
        XCTAssertEqual(cells(try findings("""
            - {kind: compare, left: {field: done}, op: "<=", right: {count: {sheet: ledger}}, message: x, missing: error}
            """, present: ["indicators", "notes"])), ["indicators!C4", "indicators!C5", "indicators!C6", "indicators!C7"])
    }

    func testOncePerFileAtTheSummedColumn() throws {
        // No field of a row: checked once; the finding at the column the left side sums.
        let f = try findings("- {kind: compare, left: {field: done}, op: \">=\", right: {value: 0}, message: x}", ledgerRules: """
            - {kind: compare, left: {sum: {field: invest, where: {field: status, equals: 已完工}}}, op: "<=", right: {value: 150}, message: 已完工小区投资过大}
            - {kind: compare, left: {count: {}}, op: ">=", right: {value: 5}, severity: warning, message: 台账不少于 5 个小区}
            """)
        XCTAssertEqual(cells(f), ["ledger!B4", "ledger!A4"])
        XCTAssertEqual(f.map(\.message), ["已完工小区投资过大（“小区台账”中“状态”为“已完工”的“计划投资(万元)”合计 180，应不大于 150）",
                                          "台账不少于 5 个小区（“小区台账”中行数 3，应不小于 5）"])
        XCTAssertEqual(f.map(\.row), [nil, nil])
    }

    func testAnExplainedRowIsMarked() throws {
        rows[2].explanation = "超额完成"
        let f = try findings("- {kind: compare, left: {field: done}, op: \"<=\", right: {field: target}, severity: warning, message: x}")
        XCTAssertEqual(f.map(\.explained), [true])
    }

    // MARK: plan check

    func issues(_ yaml: String) -> [PlanIssue] {
        do {
            _ = try PlanLoader.load(yaml: yaml, file: "t.yaml")
            return []
        } catch let e as PlanErrors {
            return e.issues
        } catch {
            return []
        }
    }

    /// The issue expected at the line of `marker` (the rule's line) and the column of `token`.
    func assertIssue(_ rule: String, token: String, message: String, file: StaticString = #filePath, line: UInt = #line) {
        let yaml = Self.yaml(rule)
        let lines = yaml.components(separatedBy: "\n")
        let row = lines.firstIndex { $0.contains("kind: compare") }!
        let column = lines[row].distance(from: lines[row].startIndex, to: lines[row].range(of: token)!.lowerBound) + 1
        XCTAssertEqual(issues(yaml), [PlanIssue(line: row + 1, column: column, message: message)], file: file, line: line)
    }

    func testPlanCheckReportsBrokenRulesAtTheirPlace() {
        assertIssue("- {kind: compare, left: {field: don}, op: \"=\", right: {value: 1}, message: x}", token: "don}",
                    message: "表单 indicators 的规则 compare 的 left 引用了不存在的字段“don”（表单 indicators）")
        assertIssue("- {kind: compare, left: {field: done}, op: \"=>\", right: {value: 1}, message: x}", token: "\"=>\"",
                    message: "表单 indicators 的规则 compare 的比较符“=>”无效（可用：=、!=、<、<=、>、>=）")
        assertIssue("- {kind: compare, left: {field: done}, op: \"=\", right: {count: {sheet: ledgr}}, message: x}", token: "ledgr",
                    message: "表单 indicators 的规则 compare 的 right 引用的表单“ledgr”未定义")
        assertIssue("- {kind: compare, left: {field: done}, op: \"=\", right: {sum: {sheet: ledger, field: cost}}, message: x}", token: "cost",
                    message: "表单 indicators 的规则 compare 的 right 引用了不存在的字段“cost”（表单 ledger）")
        assertIssue("- {kind: compare, left: {field: done}, op: \"=\", right: {count: {sheet: ledger, where: {field: status, equals: 完工}}}, message: x}",
                    token: "完工}", message: "表单 indicators 的规则 compare 的 right的 where 的值“完工”不是字段 status 的选项（可选：未开工、在建、已完工）")
        assertIssue("- {kind: compare, left: {field: done}, op: \"=\", right: {value: 1}, message: x, missing: ignore}", token: "ignore",
                    message: "表单 indicators 的规则 compare 的缺值处理“ignore”无效（可用：skip、zero、error）")
        assertIssue("- {kind: compare, left: {field: done, value: 2}, op: \"=\", right: {value: 1}, message: x}", token: "{field: done,",
                    message: "表单 indicators 的规则 compare 的 left 应只有 field、value、sum、count 之一")
    }
}
