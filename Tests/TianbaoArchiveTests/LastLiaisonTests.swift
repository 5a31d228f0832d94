import Foundation
import GRDB
@testable import TianbaoArchive
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import XCTest

/// 催报 for a unit that sent nothing: the liaison it named in its latest earlier file.
final class LastLiaisonTests: XCTestCase {
    func testTheLiaisonOfTheLatestEarlierRound() throws {
        let result = ArchiveFixture.merged
        let path = ArchiveFixture.scratchArchive("liaison")
        let archive = try RoundArchive.openForRecording(path: path, plan: ArchiveFixture.plan)
        try archive.record(result, reportJSON: ArchiveFixture.reportJSON(result))
        // Nothing before June yet.
        XCTAssertEqual(try archive.lastLiaisons(before: ArchiveFixture.round, plan: ArchiveFixture.plan), [:])
        // The samples' round as May's.
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            for table in ["rounds", "units", "files", "sheets", "rows", "problems", "figures", "unit_figures"] {
                try db.execute(sql: "UPDATE \(table) SET round_id = '2021-05'")
            }
            try db.execute(sql: "UPDATE rounds SET position = 2")
        }
        let found = try archive.lastLiaisons(before: ArchiveFixture.round, plan: ArchiveFixture.plan)
        var expected: [String: LastLiaison] = [:]
        let liaisons = try RoundReport(result).liaisons
        for u in result.units {
            guard let l = liaisons[u.unit.id] else { continue }
            expected[u.unit.id] = LastLiaison(round: "2021-05", name: l.name, title: l.title, officePhone: l.phone, mobile: l.mobile)
        }
        XCTAssertGreaterThan(expected.count, 30)
        XCTAssertEqual(found, expected)
        let jiangan = try XCTUnwrap(found["jiangan"])
        XCTAssertEqual(jiangan.phone, jiangan.mobile.isEmpty ? jiangan.officePhone : jiangan.mobile)
        // Units that sent nothing have no liaison to fall back on.
        for u in result.units where u.submission == nil { XCTAssertNil(found[u.unit.id]) }
    }
}
