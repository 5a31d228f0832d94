import TianbaoPlan
import XCTest

/// `carry: true` on a sheet (next round's templates carry last round's rows) and
/// `cumulative: true` on a field (a count that only grows), as `plan check` reads them.
extension PlanCheckTests {
    func testCarryAndCumulativeAreRead() throws {
        let plan = PlanLoader.defaultPlan()
        XCTAssertEqual(plan.sheets.filter(\.carry).map(\.id), ["ledger"])
        XCTAssertEqual(plan.sheets.flatMap { s in s.fields.filter(\.cumulative).map { "\(s.id).\($0.id)" } }, ["indicators.done"])
        let yaml = Self.valid.replacingOccurrences(of: "type: percent, min: 0, max: 100}", with: "type: percent, min: 0, max: 100, cumulative: true}")
        XCTAssertEqual(try PlanLoader.load(yaml: yaml, file: "t.yaml").sheet("progress")?.field("percent")?.cumulative, true)
    }

    func testCarryOnATaskSheetAndCumulativeTextAreMistakes() {
        assertIssue("    kind: tasks\n", with: "    kind: tasks\n    carry: true\n",
                    message: "是tasks类型，不能设置 carry（带入上期数据只适用于 rows 和 single 类型的表单）", at: "carry: true")
        assertIssue("    kind: tasks\n", with: "    kind: tasks\n    carry: maybe\n", message: "的 carry应为 true 或 false", at: "carry: maybe")
        assertIssue("choices: status, required: true}", with: "choices: status, required: true, cumulative: true}",
                    message: "是choice类型，不能设置 cumulative（只增不减的累计数只适用于数字）")
    }
}
