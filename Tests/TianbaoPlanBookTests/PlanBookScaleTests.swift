import Foundation
import TestSupport
import XCTest
import XLSX
@testable import TianbaoPlan
@testable import TianbaoPlanBook

/// Reading a plan workbook takes time in proportion to its rows: each row is appended to its
/// sheet's rows in place (reading 100,000 rows used to copy the rows before each one: 169 s in a
/// debug build, now 17 s for the whole `plan check`).
final class PlanBookScaleTests: XCTestCase {
    /// A plan workbook of the default plan with `extra` more rows on 单位.
    func workbook(extra: Int) throws -> String {
        let plan = PlanLoader.defaultPlan()
        var content = PlanBookContent(plan: plan)
        let kind = content[PlanBookLayout.units][0].cells[2]
        for i in 0..<extra { content.append(PlanBookLayout.units, [.text("u\(i)"), .text("测试单位\(i)"), kind, nil]) }
        let path = temporaryDirectory("plan-scale").appendingPathComponent("计划.xlsx").path
        try PlanBookWriter.write(content, plan: plan, to: path)
        return path
    }

    /// The fastest of three reads, in seconds.
    func readTime(_ path: String) throws -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            let content = try PlanBookReader.read(path: path)
            best = min(best, Date().timeIntervalSince(start))
            XCTAssertGreaterThan(content[PlanBookLayout.units].count, 1000)
        }
        return best
    }

    func testReadingGrowsLinearlyWithTheRows() throws {
        let small = try readTime(try workbook(extra: 4_000))
        let large = try readTime(try workbook(extra: 16_000))
        // Four times the rows: about four times the time (a copy per row made it sixteen).
        XCTAssertLessThan(large / small, 8, "4,000 rows: \(small) s, 16,000 rows: \(large) s")
    }
}
