import TianbaoPlan
import XCTest

/// The plan's optional `briefing:` section (masthead, 期号 base, 报送/抄送).
final class BriefingFormPlanTests: XCTestCase {
    static let plan = """
        plan: t
        version: "1"
        title: 测试
        units:
          - {id: a, name: 甲县人民政府, kind: 区}
        task_groups:
          - {id: "一", title: 改造}
        tasks:
          - {id: "1.1", group: "一", title: 改造, lead: [a]}
        sheets:
          - id: ledger
            name: 小区台账
            kind: rows
            rows: 5
            fields:
              - {id: name, name: 小区名称, type: text, required: true}
        rounds:
          - {id: "2021-06", kind: 半年小结, start: 2021-06-01, due: 2021-06-15, sheets: [ledger]}
        """

    func testDefaultsWithoutTheSection() throws {
        let plan = try PlanLoader.load(yaml: Self.plan, file: "t.yaml")
        XCTAssertEqual(plan.briefing.masthead, "工作简报")
        XCTAssertEqual(plan.briefing.firstIssue, 1)
        XCTAssertEqual(plan.briefing.sendTo, [])
    }

    func testSectionIsRead() throws {
        let yaml = Self.plan + """

            briefing:
              masthead: 改造简报
              first_issue: 5
              send_to: [市人民政府]
              copy_to: [各区, 各部门]
            """
        let plan = try PlanLoader.load(yaml: yaml, file: "t.yaml")
        XCTAssertEqual(plan.briefing.masthead, "改造简报")
        XCTAssertEqual(plan.briefing.firstIssue, 5)
        XCTAssertEqual(plan.briefing.sendTo, ["市人民政府"])
        XCTAssertEqual(plan.briefing.copyTo, ["各区", "各部门"])
        XCTAssertEqual(PlanLoader.defaultPlan().briefing.masthead, "老旧小区改造工作简报")
    }

    func testBadIssueNumberIsReported() {
        do {
            _ = try PlanLoader.load(yaml: Self.plan + "\nbriefing: {first_issue: 0}\n", file: "t.yaml")
            XCTFail("accepted")
        } catch let e as PlanErrors {
            XCTAssertTrue(e.issues.contains { $0.message.contains("first_issue") }, "\(e.issues)")
        } catch {
            XCTFail("\(error)")
        }
    }
}
