import Foundation
import TestSupport
@testable import TianbaoArchive
import TianbaoCheck
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
@testable import TianbaoReview
import XCTest
import XLSX

/// The review built from archived rounds made by hand (no binary, no archive file): the
/// default plan's April, May and June, where 江岸区 reports task 1.1 lagging twice with the same
/// problem and then under way, its community 甲社区 goes 已完工 → 在建 → 已完工, and lists one
/// publicity item in April and again in May; 汉阳区's file is returned in April, it sends
/// nothing in May and a clean file in June.
final class YearReviewTests: XCTestCase {
    static let plan = PlanLoader.defaultPlan()
    static let rounds = ["2021-04", "2021-05", "2021-06"]

    /// One round: every unit of the plan missing, except those given.
    static func round(_ id: String, _ given: [ArchivedUnit]) -> ArchivedRound {
        let byId = Dictionary(uniqueKeysWithValues: given.map { ($0.unitId, $0) })
        let units = plan.units.map { u in
            byId[u.id] ?? ArchivedUnit(unitId: u.id, unitName: u.name, status: .missing, late: false, file: nil, sha256: nil, rows: [])
        }
        return ArchivedRound(round: id, planVersion: plan.version, position: plan.rounds.firstIndex { $0.id == id }!, units: units)
    }

    static func row(_ sheet: String, _ row: Int, _ values: [String: FieldValue], accepted: Bool = true) -> ArchivedRow {
        ArchivedRow(file: "f.xlsx", sheet: sheet, sheetName: plan.sheet(sheet)!.name, row: row, accepted: accepted, explanation: nil,
                    values: values)
    }

    static func jiangan(_ round: String, status: String, community: String, late: Bool = false) -> ArchivedUnit {
        var rows = [row("progress", 4, ["task": .text("1.1"), "status": .text(status), "percent": .number(status == "滞后" ? 20 : 60),
                                         "problems": .text(status == "滞后" ? "部分小区资金不到位。" : ""), "next": .text("加快资金拨付。")]),
                    row("ledger", 4, ["name": .text("甲社区"), "status": .text(community)])]
        if round != "2021-06" {
            rows.append(row("publicity", 4, ["date": .date(Day(year: 2021, month: 4, day: 10)), "title": .text("改造动员"),
                                             "channel": .text("市级媒体")]))
        }
        return ArchivedUnit(unitId: "jiangan", unitName: "江岸区人民政府", status: .accepted, late: late, file: "江岸区人民政府-\(round).xlsx",
                            sha256: round, rows: rows)
    }

    static func hanyang(_ status: UnitStatus) -> ArchivedUnit {
        ArchivedUnit(unitId: "hanyang", unitName: "汉阳区人民政府", status: status, late: false,
                     file: status == .missing ? nil : "汉阳区人民政府.xlsx", sha256: nil, rows: [])
    }

    nonisolated(unsafe) static let review: YearReview = {
        var review = YearReview(plan: plan, year: 2021)
        review.add(round("2021-04", [jiangan("2021-04", status: "滞后", community: "已完工"), hanyang(.rejected)]),
                   problems: [ArchivedProblem(unitId: "hanyang", severity: .error, sheet: nil, cell: nil, rule: "bad-signature", value: "",
                                              message: "不是 Excel 工作簿", explained: false)])
        review.add(round("2021-05", [jiangan("2021-05", status: "滞后", community: "在建", late: true), hanyang(.missing)]))
        review.add(round("2021-06", [jiangan("2021-06", status: "推进中", community: "已完工"), hanyang(.accepted)]))
        review.finish()
        return review
    }()

    func unit(_ id: String) throws -> YearReview.UnitYear { try XCTUnwrap(Self.review.units.first { $0.unit.id == id }, id) }

    func testEachUnitsStateInEachRoundAndItsRates() throws {
        XCTAssertEqual(Self.review.rounds.map(\.id), Self.rounds)
        let jiangan = try unit("jiangan"), hanyang = try unit("hanyang")
        XCTAssertEqual(jiangan.states, [.onTime, .late, .onTime])
        XCTAssertEqual(hanyang.states, [.rejected, .missing, .onTime])
        XCTAssertEqual(jiangan.expected, 3)
        XCTAssertEqual(jiangan.onTimeRate, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(jiangan.acceptedRate, 1)
        XCTAssertEqual(hanyang.acceptedRate, 1.0 / 3, accuracy: 1e-12)
        // Ranked by punctuality: 江岸区 (every file accepted) before 汉阳区, both before a unit that sent nothing.
        let silent = try unit("zfw")
        XCTAssertEqual(silent.states, [.missing, .missing, .missing])
        XCTAssertLessThan(jiangan.rank, hanyang.rank)
        XCTAssertLessThan(hanyang.rank, silent.rank)
    }

    func testATasksCourseIsItsStatusInEachRound() throws {
        let course = try XCTUnwrap(Self.review.taskCourses.first { $0.task.id == "1.1" && $0.unit.id == "jiangan" })
        XCTAssertEqual(course.cells, ["滞后", "滞后", "推进中"])
        XCTAssertEqual(course.lastPercent, 60)
        // A unit whose file was returned or missing: its state in the task's cell.
        let other = try XCTUnwrap(Self.review.taskCourses.first { $0.unit.id == "hanyang" })
        XCTAssertEqual(Array(other.cells.prefix(2)), [YearReview.UnitState.rejected.rawValue, YearReview.UnitState.missing.rawValue])
        XCTAssertEqual(course.steps, [.status("滞后"), .status("滞后"), .status("推进中")])
        XCTAssertEqual(Array(other.steps.prefix(2)), [.unit(.rejected), .unit(.missing)])
    }

    /// A status value spelt like a unit's state (按时, 迟报) is what the row reported, not a
    /// unit whose accepted file carried no row for the task; a task without a row is 不涉及 (—).
    func testAStatusSpeltLikeAUnitsStateStaysTheRowsStatus() throws {
        var review = YearReview(plan: Self.plan, year: 2021)
        review.add(Self.round("2021-04", [Self.jiangan("2021-04", status: "按时", community: "已完工"), Self.hanyang(.rejected)]))
        review.finish()
        let course = try XCTUnwrap(review.taskCourses.first { $0.task.id == "1.1" && $0.unit.id == "jiangan" })
        XCTAssertEqual(course.steps, [.status("按时")])
        XCTAssertEqual(course.cells, ["按时"])
        let withoutRow = review.taskCourses.filter { $0.unit.id == "jiangan" && $0.task.id != "1.1" }
        XCTAssertFalse(withoutRow.isEmpty)
        XCTAssertEqual(Set(withoutRow.map(\.steps)), [[.notAsked]])
        XCTAssertEqual(Set(withoutRow.flatMap(\.cells)), [YearReview.notAsked])
    }

    func testACommunityThatWentBackIsListedWithItsWholeCourse() throws {
        let ledger = try XCTUnwrap(Self.review.ledgers.first)
        let item = try XCTUnwrap(ledger.changed.first { $0.name == "甲社区" })
        XCTAssertEqual(item.statuses, ["已完工", "在建", "已完工"])
        XCTAssertTrue(item.wentBack)
        XCTAssertEqual(item.path.map(\.status), ["已完工", "在建", "已完工"])
        XCTAssertEqual(item.path.map(\.round), Self.rounds)
    }

    func testAProblemRaisedTwiceInTheSameWordsIsTrackedOnce() throws {
        let mine = Self.review.problems.filter { $0.unit.id == "jiangan" }
        XCTAssertEqual(mine.count, 1)
        let p = try XCTUnwrap(mine.first)
        XCTAssertEqual(p.firstRound, "2021-04")
        XCTAssertEqual(p.rounds, ["2021-04", "2021-05"])
        XCTAssertTrue(p.recurred)
        XCTAssertTrue(p.sameText)
        XCTAssertEqual(p.text, "部分小区资金不到位。")
    }

    /// The 整改清单: the lagging task and the community gone back are closed (销号) by June,
    /// which shows them resolved; 汉阳区's returned file by its clean June file; each open or
    /// closed item names its unit and a measure.
    func testTheRectificationListOpensAndClosesItems() throws {
        let items = Self.review.rectification
        let lagging = try XCTUnwrap(items.first { $0.kind == .lagging && $0.unit.id == "jiangan" })
        XCTAssertEqual(lagging.opened, "2021-04")
        XCTAssertEqual(lagging.seen, ["2021-04", "2021-05"])
        XCTAssertEqual(lagging.closed, "2021-06")
        XCTAssertFalse(lagging.isOpen)
        XCTAssertEqual(lagging.measure, "加快资金拨付。", "the unit's own next steps")
        let back = try XCTUnwrap(items.first { $0.kind == .regression && $0.unit.id == "jiangan" })
        XCTAssertTrue(back.subject.contains("甲社区"), back.subject)
        XCTAssertEqual(back.opened, "2021-05")
        XCTAssertEqual(back.closed, "2021-06")
        let returned = try XCTUnwrap(items.first { $0.kind == .dataQuality && $0.unit.id == "hanyang" })
        XCTAssertEqual(returned.opened, "2021-04")
        XCTAssertTrue(returned.problem.hasPrefix("4月工作调度报送的文件被退回："), returned.problem)
        XCTAssertEqual(returned.measure, "按反馈表修改后重新报送")
        XCTAssertEqual(returned.closed, "2021-06")
        for item in items { XCTAssertFalse(item.measure.isEmpty, "\(item.kind) \(item.subject)") }
    }

    /// An item listed in April and again in May counts once, in its month.
    func testAPublicityItemListedTwiceCountsOnce() throws {
        let publicity = try XCTUnwrap(Self.review.publicity)
        let jiangan = try XCTUnwrap(publicity.counts.first { $0.unit.id == "jiangan" })
        let byMonth = Dictionary(uniqueKeysWithValues: zip(publicity.months, jiangan.perMonth))
        XCTAssertEqual(byMonth[4], 1)
        XCTAssertEqual(byMonth[5], 0)
        XCTAssertEqual(byMonth[6], 0)
    }

    /// The workbook, read back with Tianbao's reader: its sheets, and the 整改清单's rows.
    func testTheWorkbookHoldsEverySectionAndTheRectificationList() throws {
        let path = temporaryDirectory("review-unit").appendingPathComponent(ReviewWorkbook.fileName(year: 2021)).path
        try ReviewWorkbook(Self.review).write(to: path)
        let wb = try Workbook(path: path)
        XCTAssertEqual(wb.sheets.map(\.name), ["总览", "报送情况", "任务进展历程", "目标完成", "小区台账状态变化", "问题跟踪", "宣传信息月度统计",
                                               "量化指标完成", "整改清单"])
        let list = try wb.read(wb.sheet(named: "整改清单")!)
        let texts = list.rows.map { row in row.cells.compactMap { $0.value?.text } }
        XCTAssertTrue(texts.contains { $0.contains("任务滞后") && $0.contains("江岸区人民政府") && $0.contains("已销号") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.contains { $0.contains("甲社区") } && $0.contains("已销号") }, "\(texts)")
        let punctuality = try wb.read(wb.sheet(named: "报送情况")!)
        let jiangan = try XCTUnwrap(punctuality.rows.first { $0.cells.contains { $0.value?.text == "江岸区人民政府" } })
        XCTAssertEqual(jiangan.cells.compactMap { $0.value?.text }.filter { ["按时", "迟报", "被退回", "未报送"].contains($0) }, ["按时", "迟报", "按时"])
    }

    /// The briefing: dated, titled with the period, every section in order, the community's course in words.
    func testTheBriefingNamesThePeriodAndEverySection() throws {
        let page = ReviewBriefing.make(Self.review, date: Day(year: 2021, month: 6, day: 28), issue: 2)
        XCTAssertEqual(ReviewBriefing.period(Self.review), "2021年4月至6月")
        XCTAssertEqual(page.issue, "回头看第 2 期")
        let md = page.markdown
        // Sections numbered as they come (no indicator rows here: no 量化指标 section).
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("## ") }.map(String.init)
        XCTAssertEqual(headings, ["## 一、报送情况", "## 二、改造目标进度", "## 三、任务推进情况", "## 四、小区台账状态变化",
                                  "## 五、反映问题的跟踪", "## 六、宣传信息报送", "## 七、整改清单", "## 八、下步工作建议",
                                  "## 附件1\u{3000}迟报、退回、未报送、数据有误和跨轮次问题的单位", "## 附件2\u{3000}整改清单"])
        XCTAssertTrue(md.contains("江岸区人民政府 甲社区：已完工（4月工作调度） → 在建（5月工作调度） → 已完工（半年工作小结）"), md)
        XCTAssertTrue(md.contains("汉阳区人民政府"), md)
        XCTAssertFalse(md.contains("(") || md.contains(")"), "full-width brackets only")
    }
}
