@testable import TianbaoPlan
import XCTest

/// A target split among units (分解目标, `shares:`): read in plan order, each mistake reported
/// at its line and column; the default plan declares none.
final class TargetSharesTests: XCTestCase {
    /// The default plan with a split of the 300 among its district-level units (the test's own).
    static func defaultYAML(shares: String) -> String {
        let text = DefaultPlanText.yaml
        let anchor = "    equals: 已完工\n"
        precondition(text.components(separatedBy: anchor).count == 2)
        return text.replacingOccurrences(of: anchor, with: anchor + "    shares: \(shares)\n")
    }

    /// The line (1-based) and column of `token` in `yaml`, on the line that holds `line`.
    func place(_ yaml: String, line: String, token: String) -> (Int, Int) {
        let lines = yaml.components(separatedBy: "\n")
        let row = lines.firstIndex { $0.contains(line) }!
        let start = lines[row].range(of: token)!.lowerBound
        return (row + 1, lines[row].distance(from: lines[row].startIndex, to: start) + 1)
    }

    func testTheDefaultPlanDeclaresNoSplit() {
        let plan = PlanLoader.defaultPlan()
        XCTAssertEqual(plan.targets.map(\.shares), [[]])
    }

    func testSharesAreReadInPlanOrderOfTheUnits() throws {
        let plan = try PlanLoader.load(yaml: Self.defaultYAML(shares: "{hongshan: 30, jiangan: 25, caidian: 12.5}"), file: "t.yaml")
        let target = try XCTUnwrap(plan.targets.first)
        XCTAssertEqual(target.shares, [TargetShare(unit: "jiangan", value: 25), TargetShare(unit: "hongshan", value: 30),
                                       TargetShare(unit: "caidian", value: 12.5)])
        XCTAssertEqual(target.share(of: "hongshan"), 30)
        XCTAssertNil(target.share(of: "qingshan"))
    }

    func testMistakesAreReportedAtTheirPlace() {
        var yaml = Self.defaultYAML(shares: "{jiangan: 25, shicaizheng: 10}")
        var (line, column) = place(yaml, line: "shares:", token: "shicaizheng")
        XCTAssertEqual(issues(yaml), [PlanIssue(line: line, column: column, message: "目标 communities 分解目标中的单位“shicaizheng”不在单位列表中")])

        // A unit that exists but never fills the ledger cannot be given a part of it.
        yaml = Self.defaultYAML(shares: "{jiangan: 25, czj: 10}")
        (line, column) = place(yaml, line: "shares:", token: "czj")
        XCTAssertEqual(issues(yaml), [PlanIssue(line: line, column: column,
                                                message: "目标 communities 分解给了市财政局，但该单位在任何轮次都不填报表单 ledger，无法统计其完成数")])

        yaml = Self.defaultYAML(shares: "{jiangan: 二十五}")
        (line, column) = place(yaml, line: "shares:", token: "二十五")
        XCTAssertEqual(issues(yaml), [PlanIssue(line: line, column: column, message: "目标 communities 分解给江岸区人民政府的目标值应为数字，而不是“二十五”")])

        yaml = Self.defaultYAML(shares: "{jiangan: -5}")
        (line, column) = place(yaml, line: "shares:", token: "-5")
        XCTAssertEqual(issues(yaml), [PlanIssue(line: line, column: column, message: "目标 communities 分解给江岸区人民政府的目标值不能为负数")])

        yaml = Self.defaultYAML(shares: "[jiangan, 25]")
        (line, column) = place(yaml, line: "shares:", token: "[")
        XCTAssertEqual(issues(yaml), [PlanIssue(line: line, column: column, message: "目标 communities 的分解目标“shares”应为“单位编号: 数值”的映射")])
    }
}
