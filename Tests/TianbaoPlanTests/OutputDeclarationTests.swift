@testable import TianbaoPlan
import XCTest

/// The plan's `outputs:` section: the default plan declares today's behaviour, and `plan check`
/// reports a declaration naming a missing sheet, field or choice at its line and column.
final class OutputDeclarationTests: XCTestCase {
    static let valid = """
        plan: test-plan
        version: "1"
        title: 测试计划
        units:
          - {id: a, name: 甲局, kind: 市直部门}
        task_groups:
          - {id: "一", title: 第一类}
        tasks:
          - {id: "1.1", group: "一", title: 任务甲, lead: [a]}
        choices:
          status: [未启动, 推进中, 已完成, 滞后]
          works: [未开工, 施工中, 已通气]
        outputs:
          words: {whole: 本市, units: 各单位}
          progress: {sheet: progress, task: task, status: status, percent: percent, done: 已完成, lagging: 滞后}
          ledgers:
            - {sheet: pipes, label: 管段, counter: 个, status: state, done: 已通气, money: {total: budget, parts: [central]}}
          liaison: {sheet: contact, name: person, mobile: cell}
        sheets:
          - id: progress
            name: 任务进展
            kind: tasks
            fields:
              - {id: task, name: 任务编号, type: task-ref, prefilled: task.id}
              - {id: status, name: 进展状态, type: choice, choices: status, required: true}
              - {id: percent, name: 完成进度, type: percent, min: 0, max: 100}
          - id: pipes
            name: 管道清单
            kind: rows
            rows: 5
            fields:
              - {id: state, name: 施工进度, type: choice, choices: works}
              - {id: budget, name: 总投资(万元), type: decimal}
              - {id: central, name: 中央(万元), type: decimal}
              - {id: road, name: 道路, type: text}
          - id: contact
            name: 信息员
            kind: single
            fields:
              - {id: person, name: 姓名, type: text}
              - {id: cell, name: 手机, type: mobile}
        rounds:
          - {id: "2024-05", kind: 月调度, start: 2024-05-01, due: 2024-05-28, sheets: [progress, pipes, contact]}
        """

    /// Replaces `old` by `new` and expects exactly one issue, `message`, at the line and column
    /// where `token` starts in the replaced text.
    func assertIssue(_ old: String, _ new: String, token: String, message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(Self.valid.contains(old), "fixture lacks \(old)", file: file, line: line)
        let yaml = Self.valid.replacingOccurrences(of: old, with: new)
        let lines = yaml.components(separatedBy: "\n")
        let row = lines.firstIndex { $0.contains(new) }!
        let column = lines[row].distance(from: lines[row].startIndex, to: lines[row].range(of: new)!.lowerBound)
            + new.distance(from: new.startIndex, to: new.range(of: token)!.lowerBound) + 1
        XCTAssertEqual(issues(yaml), [PlanIssue(line: row + 1, column: column, message: message)], file: file, line: line)
    }

    func testValidDeclarationsLoad() throws {
        XCTAssertEqual(issues(Self.valid), [])
        let plan = try PlanLoader.load(yaml: Self.valid, file: "t.yaml")
        XCTAssertEqual(plan.outputs.progress?.statuses, ["未启动", "推进中", "已完成", "滞后"])
        XCTAssertEqual(plan.outputs.progress?.colouredOrder, ["已完成", "未启动", "推进中", "滞后"])
        XCTAssertEqual(plan.outputs.ledgers.map(\.sheet), ["pipes"])
        XCTAssertEqual(plan.outputs.ledgers.first?.shownStatuses, ["已通气", "施工中", "未开工"])
        XCTAssertEqual(plan.outputs.liaison?.mobile, "cell")
        XCTAssertEqual(plan.outputs.words.whole, "本市")
        XCTAssertNil(plan.outputs.publicity)
    }

    /// The indicators declaration (量化指标) and the next-steps fields: read, and checked like any.
    func testIndicatorsAndNextStepsDeclarations() throws {
        let plan = PlanLoader.defaultPlan()
        XCTAssertEqual(plan.outputs.indicators?.sheet, "indicators")
        XCTAssertEqual([plan.outputs.indicators?.name, plan.outputs.indicators?.target, plan.outputs.indicators?.done,
                        plan.outputs.indicators?.due], ["name", "target", "done", "deadline"])
        XCTAssertEqual(plan.outputs.progress?.next, "next")
        XCTAssertEqual(plan.outputs.summary?.plans, "plans")
        let yaml = DefaultPlanText.yaml.replacingOccurrences(of: "indicators: {sheet: indicators, name: name, unit: unit, target: target,",
                                                             with: "indicators: {sheet: indicators, name: name, unit: unit, target: task,")
        do {
            _ = try PlanLoader.load(yaml: yaml, file: "t.yaml")
            XCTFail("loaded")
        } catch let e as PlanErrors {
            XCTAssertEqual(e.issues.map(\.message), ["输出声明的“indicators”的“target”字段“task”类型为 task-ref，应为 decimal 或 integer"])
        }
    }

    func testMissingSheet() {
        assertIssue("{sheet: pipes, label", "{sheet: pipez, label", token: "pipez",
                    message: "输出声明的台账的表单“pipez”未定义")
        assertIssue("liaison: {sheet: contact", "liaison: {sheet: contacts", token: "contacts",
                    message: "输出声明的“liaison”的表单“contacts”未定义")
    }

    func testMissingField() {
        assertIssue("status: status, percent", "status: stat, percent", token: "stat,",
                    message: "输出声明的“progress”的“status”字段“stat”不在表单 progress 中")
        assertIssue("name: person, mobile", "name: who, mobile", token: "who",
                    message: "输出声明的“liaison”的“name”字段“who”不在表单 contact 中")
        assertIssue("parts: [central]", "parts: [centre]", token: "centre",
                    message: "输出声明的台账的“money”的字段“centre”不在表单 pipes 中")
    }

    func testFieldOfTheWrongType() {
        assertIssue("status: state, done", "status: road, done", token: "road",
                    message: "输出声明的台账的“status”字段“road”类型为 text，应为 choice")
    }

    func testMissingChoice() {
        assertIssue("done: 已完成, lagging: 滞后", "done: 已完成, lagging: 落后", token: "落后",
                    message: "输出声明的“progress”的“lagging”值“落后”不是字段 status 的选项（可选：未启动、推进中、已完成、滞后）")
        assertIssue("done: 已通气", "done: 已完工", token: "已完工",
                    message: "输出声明的台账的“done”值“已完工”不是字段 state 的选项（可选：未开工、施工中、已通气）")
    }

    func testUnknownKey() {
        assertIssue("words: {whole: 本市", "words: {all: 本市", token: "all",
                    message: "输出声明的“words”中有未知的键“all”（可用：targets_heading、units、whole）")
    }

    func testDefaultPlanDeclaresTodaysBehaviour() {
        let o = PlanLoader.defaultPlan().outputs
        XCTAssertEqual(o.progress?.sheet, "progress")
        XCTAssertEqual([o.progress?.done, o.progress?.lagging, o.progress?.notStarted], ["已完成", "滞后", "未启动"])
        XCTAssertEqual(o.ledgers.map(\.sheet), ["ledger"])
        XCTAssertEqual(o.ledgers.first?.shownStatuses, ["已完工", "在建", "未开工"])
        XCTAssertEqual(o.ledgers.first?.money?.parts.count, 8)
        XCTAssertEqual(o.ledgers.first?.target, "communities")
        XCTAssertEqual(o.liaison?.phone, "office_phone")
        XCTAssertEqual(o.publicity?.perMonthMin, 1)
        XCTAssertEqual(o.summary?.practice, "practice")
        XCTAssertEqual([o.words.whole, o.words.units], ["全市", "各区"])
    }

    func testAPlanWithoutTheSectionDeclaresNothing() throws {
        let lines = Self.valid.components(separatedBy: "\n")
        let start = lines.firstIndex(of: "outputs:")!, end = lines.firstIndex(of: "sheets:")!
        let yaml = (lines[..<start] + lines[end...]).joined(separator: "\n")
        let plan = try PlanLoader.load(yaml: yaml, file: "t.yaml")
        XCTAssertNil(plan.outputs.progress)
        XCTAssertEqual(plan.outputs.ledgers.count, 0)
    }
}

extension OutputDeclarationTests {
    func testASheetCannotTakeTheNameOfASummarySheet() {
        assertIssue("name: 管道清单", "name: 总览", token: "总览", message: "表单名称“总览”是汇总表或模板自用的名称，请换一个")
    }
}
