import TianbaoPlan
import XCTest

/// `max_change`: the bound on a number's change against last round (checks across rounds).
extension PlanCheckTests {
    func testMaxChangeIsReadOnNumbers() throws {
        let yaml = Self.valid.replacingOccurrences(of: "type: percent, min: 0, max: 100}", with: "type: percent, min: 0, max: 100, max_change: 30}")
        let plan = try PlanLoader.load(yaml: yaml, file: "t.yaml")
        XCTAssertEqual(plan.sheet("progress")?.field("percent")?.maxChangePercent, 30)
        XCTAssertNil(plan.sheet("progress")?.field("status")?.maxChangePercent)
        XCTAssertEqual(PlanLoader.defaultPlan().sheet("ledger")?.field("invest")?.maxChangePercent, 30)
    }

    func testMaxChangeOnTextOrNotPositiveIsAMistake() {
        assertIssue("choices: status, required: true}", with: "choices: status, required: true, max_change: 30}",
                    message: "是choice类型，不能设置 max_change")
        assertIssue("type: percent, min: 0, max: 100}", with: "type: percent, min: 0, max: 100, max_change: 0}",
                    message: "的 max_change 应大于 0")
    }
}
