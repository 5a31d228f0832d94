import Foundation
import XCTest
@testable import TianbaoPlan

/// The default plan against the seed document.
final class DefaultPlanTests: XCTestCase {
    let plan = PlanLoader.defaultPlan()

    func testEmbeddedTextIsThePlanFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../plans/default.yaml").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertEqual(DefaultPlanText.yaml + "\n", text, "run `make embed-plan`")
    }

    func testUnitsOfTheSeed() {
        XCTAssertEqual(plan.units.count, 41)
        XCTAssertEqual(plan.units.filter { $0.kind.isDistrictLevel }.count, 15)
        XCTAssertEqual(plan.units.filter { $0.kind == .district }.count, 11)
        XCTAssertEqual(plan.units.filter { $0.kind == .zone }.count, 4)
        XCTAssertEqual(plan.units.filter { $0.kind == .enterprise }.map(\.name), ["武汉供电公司"])
        XCTAssertEqual(plan.unit("fgj")?.members.map(\.name), ["汪普查", "邓绪海"])
        XCTAssertEqual(plan.unit("qingshan")?.members.first?.title, "区委常委、统战部部长")
        XCTAssertEqual(plan.unit(named: "武汉经济技术开发区管委会（汉南区人民政府）")?.kind, .zone)
        XCTAssertEqual(plan.unit("zfw")?.members, [], "市委政法委 has no member on the roster")
        XCTAssertEqual(plan.unitGroups.first?.units.count, 15)
        XCTAssertEqual(plan.leadingGroup.map(\.name), ["张文彤", "张卫国", "汪普查"])
        XCTAssertEqual(plan.office.hostUnit, "fgj")
    }

    func testTaskAssignmentsOfTheSeed() {
        XCTAssertEqual(plan.tasks.map(\.id), ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"])
        // (lead count, responsible count) per task, counted from the seed with 各区人民政府 = 15.
        let counts: [String: (Int, Int)] = [
            "1.1": (1, 40), "1.2": (1, 16), "1.3": (15, 4), "2.1": (1, 17), "2.2": (1, 39), "2.3": (1, 15),
            "3.1": (1, 23), "3.2": (1, 28), "3.3": (15, 8), "4.1": (15, 3), "4.2": (15, 2),
        ]
        for task in plan.tasks {
            XCTAssertEqual(task.lead.count, counts[task.id]?.0, "lead of \(task.id)")
            XCTAssertEqual(task.responsible.count, counts[task.id]?.1, "responsible of \(task.id)")
        }
        func names(_ id: String, _ keyPath: KeyPath<PlanTask, [String]>) -> Set<String> {
            Set(plan.task(id)![keyPath: keyPath].compactMap { plan.unit($0)?.name })
        }
        XCTAssertEqual(names("1.1", \.lead), ["市住房保障房管局"])
        XCTAssertTrue(names("1.1", \.responsible).isSuperset(of: ["市委政法委", "市消防救援支队", "武汉供电公司", "新洲区人民政府"]))
        XCTAssertFalse(names("2.2", \.responsible).contains("市委政法委"), "2.2 does not name 市委政法委")
        XCTAssertEqual(names("1.2", \.lead), ["市民政局"])
        XCTAssertEqual(names("1.3", \.responsible), ["市民政局", "市自然资源和规划局", "市城乡建设局", "市住房保障房管局"])
        XCTAssertEqual(names("3.1", \.lead), ["市财政局"])
        XCTAssertTrue(names("3.2", \.responsible).contains("武汉供电公司"))
        XCTAssertFalse(names("3.1", \.responsible).contains("武汉供电公司"))
        XCTAssertEqual(names("3.3", \.responsible), ["市发展改革委", "市国资委", "市政务服务和大数据管理局", "市城乡建设局",
                                                      "市住房保障房管局", "市经济和信息化局", "市财政局", "市地方金融工作局"])
        XCTAssertEqual(names("4.1", \.responsible), ["市住房保障房管局", "市民政局", "市财政局"])
        XCTAssertEqual(names("4.2", \.responsible), ["市住房保障房管局", "市民政局"])
        XCTAssertTrue(names("4.2", \.lead).contains("武汉东湖新技术开发区管委会"))
        XCTAssertEqual(plan.task("2.1")?.deadline, Day("2021-12-31"))
    }

    func testPhasesTargetsAndRounds() {
        XCTAssertEqual(plan.phases.map(\.name), ["部署阶段", "办理阶段", "检查汇报阶段", "“回头看”阶段"])
        XCTAssertEqual(plan.phases[1].start, Day("2021-04-01"))
        XCTAssertEqual(plan.phases[1].end, Day("2021-10-31"))
        XCTAssertEqual(plan.targets.first?.value, 300)
        XCTAssertEqual(plan.targets.first?.due, Day("2021-12-31"))
        XCTAssertEqual(plan.rounds.map(\.id), ["2021-03", "2021-04", "2021-05", "2021-06", "2021-07", "2021-08",
                                               "2021-09", "2021-10", "2021-11", "2021-12"])
        XCTAssertEqual(plan.round("2021-03")?.due, Day("2021-03-31"))
        XCTAssertEqual(plan.round("2021-03")?.kind, .workPlan)
        XCTAssertEqual(plan.round("2021-06")?.due, Day("2021-06-15"))
        XCTAssertEqual(plan.round("2021-06")?.kind, .halfYear)
        XCTAssertEqual(plan.round("2021-11")?.kind, .yearEnd)
        XCTAssertTrue(plan.round("2021-06")!.sheets.contains("summary"))
        XCTAssertTrue(plan.round("2021-03")!.sheets.contains("liaison"))
    }

    func testSheetsPerUnitKind() {
        let round = plan.round("2021-06")!
        let district = plan.unit("jiangan")!, department = plan.unit("jyj")!
        XCTAssertEqual(plan.sheets(for: district, in: round).map(\.name), ["任务进展", "量化指标", "小区台账", "宣传信息", "联络员", "工作小结"])
        XCTAssertEqual(plan.sheets(for: department, in: round).map(\.name), ["任务进展", "量化指标", "宣传信息", "联络员", "工作小结"])
        XCTAssertEqual(plan.tasks(for: "jyj").map(\.task.id), ["1.1", "2.2", "3.2"])
        XCTAssertEqual(plan.tasks(for: "fgj").filter { $0.role == .lead }.map(\.task.id), ["1.1", "2.1", "2.2", "2.3", "3.2"])
    }
}

/// `plan check` on broken plans: each mistake reported with its line.
final class PlanCheckTests: XCTestCase {
    static let valid = """
        plan: test-plan
        version: "1"
        title: 测试计划
        units:
          - {id: a, name: 甲局, kind: 市直部门}
          - {id: b, name: 乙区人民政府, kind: 区}
        unit_groups:
          districts: {label: 各区, units: [b]}
        task_groups:
          - {id: "一", title: 第一类}
        tasks:
          - {id: "1.1", group: "一", title: 任务甲, lead: [a], responsible: [group:districts]}
        choices:
          status: [未启动, 推进中, 已完成]
        sheets:
          - id: progress
            name: 任务进展
            kind: tasks
            fields:
              - {id: task, name: 任务编号, type: task-ref, prefilled: task.id}
              - {id: status, name: 进展状态, type: choice, choices: status, required: true}
              - {id: percent, name: 完成进度, type: percent, min: 0, max: 100}
        rounds:
          - {id: "2021-06", kind: 半年小结, start: 2021-06-01, due: 2021-06-15, sheets: [progress]}
        """

    /// The 1-based line of the first line containing `marker`.
    func line(of marker: String, in yaml: String) -> Int {
        (yaml.components(separatedBy: "\n").firstIndex { $0.contains(marker) } ?? -1) + 1
    }

    /// Applies one mutation to the valid plan and expects `message` at the line of `at` (by
    /// default the last line of the replacement).
    func assertIssue(_ replace: String, with replacement: String, message: String, at: String? = nil,
                     plusLines: Int = 0, file: StaticString = #filePath, lineNo: UInt = #line) {
        XCTAssertTrue(Self.valid.contains(replace), "fixture lacks \(replace)", file: file, line: lineNo)
        let yaml = Self.valid.replacingOccurrences(of: replace, with: replacement)
        let found = issues(yaml)
        let expectedLine = line(of: at ?? replacement.components(separatedBy: "\n").last!, in: yaml) + plusLines
        XCTAssertTrue(found.contains { $0.message.contains(message) && $0.line == expectedLine },
                      "expected “\(message)” at line \(expectedLine), got \(found)", file: file, line: lineNo)
    }

    func testValidPlanHasNoIssues() {
        XCTAssertEqual(issues(Self.valid), [])
    }

    /// A round may set the date by which a returned file is due again: a date, not before the
    /// round's due date.
    func testARoundsResubmissionDeadline() throws {
        let plan = try PlanLoader.load(yaml: Self.valid.replacingOccurrences(of: "due: 2021-06-15,", with: "due: 2021-06-15, resubmit_by: 2021-06-22,"),
                                       file: "plan.yaml")
        XCTAssertEqual(plan.rounds.first?.resubmitBy, Day(year: 2021, month: 6, day: 22))
        XCTAssertNil(try PlanLoader.load(yaml: Self.valid, file: "plan.yaml").rounds.first?.resubmitBy)
        assertIssue("due: 2021-06-15,", with: "due: 2021-06-15, resubmit_by: 2021-06-10,",
                    message: "轮次 2021-06 的重新报送截止日期 2021-06-10 早于截止日期 2021-06-15")
        assertIssue("due: 2021-06-15,", with: "due: 2021-06-15, resubmit_by: 6月22日,",
                    message: "轮次 2021-06 的重新报送截止日期“6月22日”不是有效日期")
        XCTAssertEqual(PlanLoader.defaultPlan().round("2021-06")?.resubmitBy, Day(year: 2021, month: 6, day: 22))
    }

    func testUnknownUnitInTask() {
        assertIssue("lead: [a]", with: "lead: [x]", message: "任务 1.1 的牵头单位中的单位“x”不在单位列表中")
    }

    func testUnknownUnitGroup() {
        assertIssue("responsible: [group:districts]", with: "responsible: [group:zones]", message: "单位分组“zones”未定义")
    }

    func testDuplicateUnitId() {
        assertIssue("{id: b, name: 乙区人民政府", with: "{id: a, name: 乙区人民政府", message: "单位编号“a”重复")
    }

    func testDuplicateTaskId() {
        // Reported at the second occurrence.
        assertIssue("  - {id: \"1.1\", group", with: "  - {id: \"1.2\", group: \"一\", title: 乙, lead: [a]}\n  - {id: \"1.2\", group",
                    message: "任务编号“1.2”重复", at: "title: 任务甲")
    }

    func testChoiceFieldWithoutChoices() {
        assertIssue("type: choice, choices: status,", with: "type: choice,", message: "是下拉选择类型，但没有指定 choices")
    }

    func testUnknownChoiceList() {
        assertIssue("choices: status, required", with: "choices: state, required", message: "引用的下拉选项“state”未定义")
    }

    func testRoundAsksForUnknownSheet() {
        assertIssue("sheets: [progress]}", with: "sheets: [progress, ledger]}", message: "轮次 2021-06 要求的表单“ledger”未定义")
    }

    func testBadDate() {
        assertIssue("due: 2021-06-15", with: "due: 2021-06-31", message: "截止日期“2021-06-31”不是有效日期")
    }

    func testDueBeforeStart() {
        assertIssue("due: 2021-06-15", with: "due: 2021-05-15", message: "截止日期 2021-05-15 早于开始日期 2021-06-01")
    }

    func testMaxBelowMin() {
        assertIssue("min: 0, max: 100", with: "min: 100, max: 0", message: "最大值 0.0 小于最小值 100.0")
    }

    func testUnknownFieldType() {
        assertIssue("type: percent", with: "type: percentage", message: "类型“percentage”无效")
    }

    func testUnknownUnitKind() {
        assertIssue("kind: 市直部门}", with: "kind: 局}", message: "单位 a 的类型“局”无效")
    }

    func testUnknownKeyIsATypo() {
        assertIssue("required: true}", with: "requried: true}", message: "未知的键“requried”")
    }

    func testDuplicateKey() {
        // libyaml names the mapping's first occurrence.
        assertIssue("title: 测试计划", with: "title: 测试计划\ntitle: 重复", message: "重复的键：title", at: "title: 测试计划")
    }

    func testYAMLSyntaxError() {
        // libyaml notices the missing brace where the next entry starts.
        assertIssue("  - {id: a, name: 甲局, kind: 市直部门}", with: "  - {id: a, name: 甲局, kind: 市直部门", message: "YAML 语法错误",
                    plusLines: 1)
    }

    func testSeveralMistakesAreAllReported() {
        let yaml = Self.valid.replacingOccurrences(of: "lead: [a]", with: "lead: [x]")
            .replacingOccurrences(of: "due: 2021-06-15", with: "due: 2021-13-01")
        let found = issues(yaml)
        XCTAssertEqual(found.count, 2, "\(found)")
        XCTAssertEqual(found.map(\.line), [line(of: "lead: [x]", in: yaml), line(of: "2021-13-01", in: yaml)])
    }
}

extension XCTestCase {
    /// Loads `yaml` and returns its issues (none for a valid plan); shared by the plan-check tests.
    func issues(_ yaml: String) -> [PlanIssue] {
        do {
            _ = try PlanLoader.load(yaml: yaml, file: "t.yaml")
            return []
        } catch let e as PlanErrors {
            return e.issues
        } catch {
            XCTFail("\(error)")
            return []
        }
    }
}
