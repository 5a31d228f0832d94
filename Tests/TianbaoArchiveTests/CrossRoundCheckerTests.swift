import Foundation
import TestSupport
@testable import TianbaoArchive
import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import XCTest

/// Every check across rounds at its cell. This round is the samples' 2021-06; last round is
/// the same round read back from an archive, relabelled 2021-05 and changed where a test
/// needs it.
final class CrossRoundCheckerTests: XCTestCase {
    let result = ArchiveFixture.merged
    let plan = ArchiveFixture.plan

    /// The samples' round as recorded, relabelled as the month before.
    static let archived: ArchivedRound = {
        let path = ArchiveFixture.scratchArchive("cross")
        let archive = try! RoundArchive.openForRecording(path: path, plan: ArchiveFixture.plan)
        try! archive.record(ArchiveFixture.merged, reportJSON: ArchiveFixture.reportJSON(ArchiveFixture.merged))
        var round = try! archive.round("2021-06")!
        round.round = "2021-05"
        return round
    }()

    /// The accepted units of this round, as the merge has them.
    var current: [CrossRoundChecker.UnitRows] {
        result.units.filter { $0.status == .accepted }.map { .init(unit: $0.unit, submission: $0.submission!, rows: try! result.rows(of: $0.submission!)) }
    }

    /// Last round with `change` applied to one unit's rows.
    func previous(_ unit: String, _ change: (inout [ArchivedRow]) -> Void) -> ArchivedRound {
        var round = Self.archived
        let i = round.units.firstIndex { $0.unitId == unit }!
        change(&round.units[i].rows)
        return round
    }

    func findings(_ previous: ArchivedRound, units: [CrossRoundChecker.UnitRows]? = nil) -> [String: [CrossRoundFinding]] {
        try! CrossRoundChecker(previous: previous, plan: plan, round: ArchiveFixture.round).check(units ?? current)
    }

    /// (sheet, cell, rule, severity, value) of one unit's findings with a rule.
    func found(_ all: [String: [CrossRoundFinding]], _ unit: String, _ rule: String) -> [[String]] {
        (all[unit] ?? []).map(\.problem).filter { $0.rule.rawValue == rule }
            .map { [$0.sheet ?? "", $0.cell ?? "", $0.severity.rawValue, $0.value] }
    }

    func message(_ all: [String: [CrossRoundFinding]], _ unit: String, _ rule: String) -> String {
        (all[unit] ?? []).map(\.problem).first { $0.rule.rawValue == rule }?.message ?? ""
    }

    func set(_ rows: inout [ArchivedRow], sheet: String, row: Int, _ field: String, _ value: FieldValue?) {
        let i = rows.firstIndex { $0.sheet == sheet && $0.row == row }!
        rows[i].values[field] = value
    }

    func testAStatusGoingBackIsAnErrorThatKeepsTheRowOut() {
        // 永清民主社区 (江岸区, 小区台账 row 6) is 在建 now; say it was 已完工 last round.
        let last = previous("jiangan") { set(&$0, sheet: "ledger", row: 6, "status", .text("已完工")) }
        let all = findings(last)
        XCTAssertEqual(found(all, "jiangan", "status-went-back"), [["小区台账", "T6", "error", "已完工 → 在建"]])
        XCTAssertEqual(message(all, "jiangan", "status-went-back"),
                       "小区“永清民主社区”的状态由上期（2021-05）的“已完工”退回为“在建”。状态只能前进；如上期填报有误，请与办公室联系更正上期台账后重新报送。")
        // 在建 → 未开工 goes back too; 未开工 → 在建 goes forward.
        let last2 = previous("jiangan") {
            set(&$0, sheet: "ledger", row: 11, "status", .text("在建"))
            set(&$0, sheet: "ledger", row: 7, "status", .text("未开工"))
        }
        XCTAssertEqual(found(findings(last2), "jiangan", "status-went-back"), [["小区台账", "T11", "error", "在建 → 未开工"]])

        // In the merge: the row leaves the consolidated rows and the totals.
        let checker = CrossRoundChecker(previous: last, plan: plan, round: ArchiveFixture.round)
        let (after, rejected) = try! CrossRoundPass.apply(checker, to: result)
        XCTAssertTrue(rejected)
        XCTAssertEqual(after.totals.rowsMerged, result.totals.rowsMerged - 1)
        XCTAssertEqual(after.totals.rowsRejected, result.totals.rowsRejected + 1)
        let jiangan = after.units.first { $0.unit.id == "jiangan" }!.submission!
        XCTAssertFalse(try! after.rows(of: jiangan).first { $0.sheet == "ledger" && $0.row == 6 }!.accepted)
        XCTAssertTrue(jiangan.problems.contains { $0.rule == .statusWentBack && $0.cell == "T6" })
        // report.json carries it.
        XCTAssertTrue(ArchiveFixture.reportJSON(after).contains("\"cell\":\"T6\",\"rule\":\"status-went-back\""))
    }

    func testAFigureThatOnlyGrowsFallingIsAWarning() {
        let last = previous("jiangan") { rows in
            set(&rows, sheet: "progress", row: 4, "percent", .number(70))      // 1.1 is 60 % now
            set(&rows, sheet: "indicators", row: 5, "done", .number(9))        // 改造方案审查 is 8 now
        }
        let all = findings(last)
        XCTAssertEqual(found(all, "jiangan", "figure-fell"), [["任务进展", "G4", "warning", "70 → 60"], ["量化指标", "D5", "warning", "9 → 8"]])
        XCTAssertEqual(message(all, "jiangan", "figure-fell"),
                       "“1.1”的“完成进度（%）”由上期（2021-05）的 70 降为 60。累计数只增不减，请核实；如确需调减请在“说明”中写明原因。")
    }

    func testACompletionDateMovedIsAWarning() {
        let last = previous("jiangan") { set(&$0, sheet: "ledger", row: 12, "finish", .date(Day(year: 2021, month: 4, day: 30))) }
        XCTAssertEqual(found(findings(last), "jiangan", "finish-date-moved"), [["小区台账", "S12", "warning", "2021-04-30 → 2021-05-08"]])
    }

    func testAJumpBeyondThePlansBoundIsAWarning() {
        // 计划投资 has max_change: 30 in the default plan; 大智友谊社区 is 789.4 now.
        let last = previous("jiangan") { rows in
            set(&rows, sheet: "ledger", row: 7, "invest", .number(500))   // +57.9 %
            set(&rows, sheet: "ledger", row: 8, "invest", .number(600))   // 712.4: +18.7 %, within
        }
        let all = findings(last)
        XCTAssertEqual(found(all, "jiangan", "jump"), [["小区台账", "I7", "warning", "500 → 789.4"]])
        XCTAssertEqual(message(all, "jiangan", "jump"),
                       "小区“大智友谊社区”的“计划投资（万元）”由上期（2021-05）的 500 变为 789.4，变化 57.9%，超过计划规定的 30%。请核实；如属实请在“说明”中写明原因。")
    }

    func testTheSameCommunityReportedByTwoUnitsIsAWarning() {
        // 江汉区 reports 江岸区's 永清红旗社区, written with a full-width space and 小区 for 社区.
        var units = current
        let j = units.firstIndex { $0.unit.id == "jianghan" }!
        let r = units[j].rows.firstIndex { $0.sheet == "ledger" && $0.accepted }!
        units[j].rows[r].values["name"] = .text("永清红旗\u{3000}小区")
        let row = units[j].rows[r].row
        let all = findings(Self.archived, units: units)
        XCTAssertEqual(found(all, "jianghan", "community-duplicate"), [["小区台账", "A\(row)", "warning", "永清红旗\u{3000}小区"]])
        XCTAssertEqual(message(all, "jianghan", "community-duplicate"),
                       "小区“永清红旗\u{3000}小区”也出现在江岸区人民政府本期台账第 4 行（“永清红旗社区”）。同一小区只能由所在辖区填报，请核实。")
        XCTAssertEqual(found(all, "jiangan", "community-duplicate"), [])
    }

    func testACommunityReportedLastRoundByAUnitNotInThisMergeIsAWarning() {
        // 江岸区 sent nothing this round; 江汉区 now reports its 永清红旗社区.
        var units = current.filter { $0.unit.id != "jiangan" }
        let j = units.firstIndex { $0.unit.id == "jianghan" }!
        let r = units[j].rows.firstIndex { $0.sheet == "ledger" && $0.accepted }!
        units[j].rows[r].values["name"] = .text("永清红旗社区")
        XCTAssertEqual(found(findings(Self.archived, units: units), "jianghan", "community-duplicate").count, 1)
    }

    func testACommunityVanishedFromAUnitsLedgerIsAWarning() {
        var units = current
        let j = units.firstIndex { $0.unit.id == "jiangan" }!
        units[j].rows.removeAll { $0.sheet == "ledger" && $0.row == 9 }
        let all = findings(Self.archived, units: units)
        XCTAssertEqual(found(all, "jiangan", "community-vanished"), [["小区台账", "", "warning", "车站长青宿舍区"]])
        XCTAssertEqual(message(all, "jiangan", "community-vanished"),
                       "上期（2021-05）台账第 9 行的小区“车站长青宿舍区”本期台账中没有了。台账应逐期延续，请补填该小区；如已调整出改造计划，请与办公室联系说明。")
        // Renamed only by spacing or suffix: not vanished.
        units[j].rows = current[j].rows
        let k = units[j].rows.firstIndex { $0.sheet == "ledger" && $0.row == 9 }!
        units[j].rows[k].values["name"] = .text("车站长青宿舍区 小区")
        XCTAssertEqual(found(findings(Self.archived, units: units), "jiangan", "community-vanished"), [])
    }

    func testTextCopiedForATaskNotDoneAndAWholeWorkbookCopiedAreWarnings() {
        // Last round is this round: every file is the same file.
        let all = findings(Self.archived)
        XCTAssertEqual(found(all, "jiangan", "copied-workbook").count, 1)
        XCTAssertEqual(message(all, "jiangan", "copied-workbook"),
                       "本期报送的文件与上期（2021-05）报送的文件完全相同（SHA-256 一致）。请核实是否误报了上期文件，并按本期实际情况重新填报。")
        // Text copied: 本期工作进展 (H) and 存在问题 (J) of tasks not 已完成.
        let jiangan = current.first { $0.unit.id == "jiangan" }!
        var expected: [[String]] = []
        for row in jiangan.rows where row.sheet == "progress" && row.accepted && row.values["status"]?.text != "已完成" {
            if row.values["work"] != nil { expected.append(["任务进展", "H\(row.row)", "warning"]) }
            if row.values["problems"] != nil { expected.append(["任务进展", "J\(row.row)", "warning"]) }
        }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(found(all, "jiangan", "text-copied").map { Array($0.prefix(3)) }.sorted { $0[1] < $1[1] },
                       expected.sorted { $0[1] < $1[1] })
        // A task done may keep its text.
        let done = jiangan.rows.filter { $0.sheet == "progress" && $0.values["status"]?.text == "已完成" }.map { "H\($0.row)" }
        XCTAssertTrue(found(all, "jiangan", "text-copied").allSatisfy { !done.contains($0[1]) })

        // Same content in a different file (re-saved): still a copied workbook.
        let other = Self.archived.withoutFileHashes
        XCTAssertEqual(message(findings(other), "jiangan", "copied-workbook"),
                       "本期填报的全部内容与上期（2021-05）完全相同。请核实是否照抄了上期内容，并按本期实际情况填报。")
        // Changed text: neither.
        let changed = previous("jiangan") { rows in
            for i in rows.indices where rows[i].sheet == "progress" { rows[i].values["work"] = .text("上月的进展"); rows[i].values["problems"] = nil }
            rows[rows.firstIndex { $0.sheet == "ledger" }!].values["households"] = .number(1)
        }.withoutFileHashes
        XCTAssertEqual(found(findings(changed), "jiangan", "text-copied"), [])
        XCTAssertEqual(found(findings(changed), "jiangan", "copied-workbook"), [])
    }

    func testTheSameDataRaisesNoLedgerOrFigureFinding() {
        // 军山 (jkq) lists 纱帽钢花社区 and 纱帽钢花小区: two communities, matched by exact name.
        let rules = Set(findings(Self.archived.withoutFileHashes).values.flatMap { $0.map(\.problem.rule.rawValue) })
        XCTAssertEqual(rules, ["copied-workbook", "text-copied", "min-rows-per-month"])
    }

    func testTheMonthlyRuleIsJudgedPerMonthOverTheRounds() {
        // Last round (2021-05) and this one carry only June items: May had none.
        let all = findings(Self.archived)
        XCTAssertEqual(found(all, "jiangan", "min-rows-per-month"), [["宣传信息", "", "warning", "2021年5月 0 篇"]])
        XCTAssertEqual(message(all, "jiangan", "min-rows-per-month"),
                       "2021年5月报送宣传信息 0 篇（按上期 2021-05 与本期合计），少于每月 1 篇。")
        // A May item in last round's file satisfies May.
        let may = previous("jiangan") { set(&$0, sheet: "publicity", row: 4, "date", .date(Day(year: 2021, month: 5, day: 20))) }
        XCTAssertEqual(found(findings(may), "jiangan", "min-rows-per-month"), [])
    }

    func testNothingToCompareForAUnitWithoutAnAcceptedFileLastRound() {
        var last = Self.archived
        let i = last.units.firstIndex { $0.unitId == "jiangan" }!
        last.units[i].status = .missing
        XCTAssertEqual(findings(last)["jiangan"]?.count ?? 0, 0)
    }

    func testCommunityNamesAreNormalised() {
        XCTAssertEqual(CommunityName.normalised("幸福里小区"), "幸福里")
        XCTAssertEqual(CommunityName.normalised("幸福里社区"), "幸福里")
        XCTAssertEqual(CommunityName.normalised(" 幸福里\u{3000}社区 "), "幸福里")
        XCTAssertEqual(CommunityName.normalised("幸福里（一期）"), CommunityName.normalised("幸福里(一期)"))
        XCTAssertEqual(CommunityName.normalised("ＡＢＣ小区"), "abc")
        XCTAssertEqual(CommunityName.normalised("小区"), "小区")
        XCTAssertNotEqual(CommunityName.normalised("幸福里"), CommunityName.normalised("幸福"))
    }
}

extension ArchivedRound {
    /// The round as if every file had been saved again (other bytes, same content).
    var withoutFileHashes: ArchivedRound {
        var copy = self
        for i in copy.units.indices { copy.units[i].sha256 = "0" }
        return copy
    }
}

extension CrossRoundCheckerTests {
    func testARoundWithoutTheLedgerReportsNoCommunityVanished() throws {
        var round = ArchiveFixture.round
        round.sheets.removeAll { $0 == "ledger" }
        var units = current
        for i in units.indices { units[i].rows.removeAll { $0.sheet == "ledger" } }
        let all = try CrossRoundChecker(previous: Self.archived, plan: plan, round: round).check(units)
        XCTAssertEqual(found(all, "jiangan", "community-vanished"), [])
        // The same round with the ledger: all ten vanished.
        XCTAssertEqual(found(findings(Self.archived, units: units), "jiangan", "community-vanished").count, 10)
    }
}

extension CrossRoundCheckerTests {
    /// The round the merge compares with is read lazily, a unit at a time: the same findings.
    func testALazilyReadRoundGivesTheSameFindings() throws {
        let path = ArchiveFixture.scratchArchive("lazy")
        let archive = try RoundArchive.openForRecording(path: path, plan: plan)
        try archive.record(result, reportJSON: ArchiveFixture.reportJSON(result))
        let eager = try XCTUnwrap(archive.round("2021-06"))
        let lazy = try XCTUnwrap(archive.round("2021-06", lazily: true))
        XCTAssertTrue(lazy.units.allSatisfy { $0.rows.isEmpty })
        XCTAssertEqual(try lazy.unit("jiangan")?.rows.count, try eager.unit("jiangan")?.rows.count)
        func describe(_ round: ArchivedRound, _ units: [CrossRoundChecker.UnitRows]) throws -> [String] {
            try CrossRoundChecker(previous: round, plan: plan, round: ArchiveFixture.round).check(units)
                .sorted { $0.key < $1.key }.flatMap { $0.value.map { "\($0.problem.file) \($0.problem.place) \($0.problem.message)" } }
        }
        XCTAssertEqual(try describe(lazy, current), try describe(eager, current))
        // Units missing from this merge: their last ledgers are read too.
        var units = current.filter { $0.unit.id != "jiangan" }
        let j = units.firstIndex { $0.unit.id == "jianghan" }!
        let r = units[j].rows.firstIndex { $0.sheet == "ledger" && $0.accepted }!
        units[j].rows[r].values["name"] = .text("永清红旗社区")
        XCTAssertEqual(try describe(lazy, units), try describe(eager, units))
        XCTAssertTrue(try describe(lazy, units).contains { $0.contains("在上期（2021-06）由江岸区人民政府填报") })
    }
}
