import Foundation
@testable import TianbaoArchive
import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import XCTest

/// 环比: the samples' round against itself recorded as last round, then with changes.
final class RoundComparisonTests: XCTestCase {
    let result = ArchiveFixture.merged

    func testTheSameRoundComparesAsNoChange() {
        let c = try! RoundComparison(result, previous: CrossRoundCheckerTests.archived)
        XCTAssertEqual(c.previousRound, "2021-05")
        XCTAssertEqual(c.newlyCompleted, [])
        XCTAssertEqual(c.statusMoves, [])
        XCTAssertEqual(c.newlyLagging, [])
        XCTAssertEqual(c.recovered, [])
        XCTAssertEqual(c.punctuality.before, c.punctuality.now)
        let t = result.totals
        XCTAssertEqual(c.punctuality.now, .init(onTime: t.accepted - t.late, late: t.late, notAccepted: t.rejected + t.missing))
    }

    func testChangesSinceLastRound() {
        var last = CrossRoundCheckerTests.archived
        let j = last.units.firstIndex { $0.unitId == "jiangan" }!
        for i in last.units[j].rows.indices {
            let row = last.units[j].rows[i]
            // 永清红旗社区 (已完工 now) was 在建; 车站东风新村 (已完工 now) was not listed.
            if row.sheet == "ledger" && row.row == 4 { last.units[j].rows[i].values["status"] = .text("在建") }
            // Task 1.1 (推进中 now) was 滞后.
            if row.sheet == "progress" && row.row == 4 { last.units[j].rows[i].values["status"] = .text("滞后") }
        }
        last.units[j].rows.removeAll { $0.sheet == "ledger" && $0.row == 13 }
        last.units[j].late = true
        let c = try! RoundComparison(result, previous: last)
        XCTAssertEqual(c.newlyCompleted, [.init(unit: "jiangan", community: "永清红旗社区", before: "在建"),
                                          .init(unit: "jiangan", community: "车站东风新村", before: nil)])
        XCTAssertEqual(c.newlyCompletedByUnit.map(\.unit), ["jiangan"])
        XCTAssertEqual(c.newlyCompletedByUnit.map(\.count), [2])
        XCTAssertEqual(c.statusMoves, [.init(unit: "jiangan", task: "1.1", before: "滞后", after: "推进中")])
        let jianganLagsNow = try! result.rows(of: result.units.first { $0.unit.id == "jiangan" }!.submission!)
            .contains { $0.sheet == "progress" && $0.values["status"]?.text == "滞后" }
        XCTAssertEqual(c.recovered, jianganLagsNow ? [] : ["jiangan"])
        XCTAssertEqual(c.punctuality.before.late, c.punctuality.now.late + (result.units.first { $0.unit.id == "jiangan" }!.late ? 0 : 1))
    }
}
