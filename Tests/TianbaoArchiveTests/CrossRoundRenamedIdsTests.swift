import Foundation
import TestSupport
@testable import TianbaoArchive
@testable import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import XCTest

/// The checks across rounds read the sheets and fields the plan declares, never fixed ids: the
/// default plan with every id renamed (the same script as the outputs' test) finds the same
/// problems, at the same cells, with the same words, as the default plan.
final class CrossRoundRenamedIdsTests: XCTestCase {
    func testRenamingEveryIdChangesNoCrossRoundProblem() throws {
        let dir = temporaryDirectory("cross-renamed")
        let script = dir.appendingPathComponent("rename.py"), renamedPath = dir.appendingPathComponent("renamed.yaml")
        try renameEveryPlanIdScript.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try runProcess(testPython, [script.path, ArchiveFixture.root.appendingPathComponent("plans/default.yaml").path,
                                                           renamedPath.path])
        XCTAssertEqual(status, 0, output)
        let renamed = try PlanLoader.load(path: renamedPath.path)
        XCTAssertNotNil(renamed.sheet("s_ledger"))

        // Last round: the sample round relabelled 2021-05, with a community completed, a task
        // further along, an indicator higher and a publicity month short.
        var last = CrossRoundCheckerTests.archived
        func change(_ unit: String, _ body: (inout [ArchivedRow]) -> Void) {
            let i = last.units.firstIndex { $0.unitId == unit }!
            body(&last.units[i].rows)
        }
        func set(_ rows: inout [ArchivedRow], _ sheet: String, _ row: Int, _ field: String, _ value: FieldValue?) {
            let i = rows.firstIndex { $0.sheet == sheet && $0.row == row }!
            rows[i].values[field] = value
        }
        change("jiangan") {
            set(&$0, "ledger", 6, "status", .text("已完工"))
            set(&$0, "ledger", 5, "invest", .number(1))
        }
        change("hanyang") { set(&$0, "progress", 4, "percent", .number(100)) }
        change("fgw") { rows in
            for i in rows.indices where rows[i].sheet == "indicators" { rows[i].values["done"] = .number(1_000_000) }
        }

        let current = ArchiveFixture.merged.units.filter { $0.status == .accepted }
            .map { CrossRoundChecker.UnitRows(unit: $0.unit, submission: $0.submission!, rows: try! ArchiveFixture.merged.rows(of: $0.submission!)) }
        let plan = ArchiveFixture.plan
        let before = try CrossRoundChecker(previous: last, plan: plan, round: ArchiveFixture.round).check(current)

        // The same round and rows under the renamed ids.
        let lastRenamed = ArchivedRound(round: last.round, planVersion: last.planVersion, position: last.position,
                                        units: last.units.map { u in
            ArchivedUnit(unitId: "u_" + u.unitId, unitName: u.unitName, status: u.status, late: u.late, file: u.file, sha256: u.sha256,
                         rows: u.rows.map { r in
                ArchivedRow(file: r.file, sheet: "s_" + r.sheet, sheetName: r.sheetName, row: r.row, accepted: r.accepted,
                            explanation: r.explanation,
                            values: Dictionary(uniqueKeysWithValues: r.values.map { ("f_" + $0.key, $0.value) }))
            })
        })
        let currentRenamed = current.map { u in
            CrossRoundChecker.UnitRows(unit: renamed.unit("u_" + u.unit.id)!, submission: u.submission, rows: u.rows.map { r in
                var values = FieldValues(keys: r.values.keys.map { "f_" + $0 })
                for i in r.values.keys.indices { values.set(i, r.values.value(at: i)) }
                return CheckedRow(sheet: "s_" + r.sheet, row: r.row, values: values, explanation: r.explanation, accepted: r.accepted)
            })
        }
        let after = try CrossRoundChecker(previous: lastRenamed, plan: renamed, round: renamed.round("2021-06")!).check(currentRenamed)

        func listed(_ all: [String: [CrossRoundFinding]], prefix: String) -> [String] {
            all.flatMap { unit, found in
                found.map { f in
                    let p = f.problem
                    return [String(unit.dropFirst(prefix.count)), p.severity.rawValue, p.file, p.sheet ?? "", p.cell ?? "", p.rule.rawValue, p.value,
                            p.message, "\(p.explained)", f.rejects.map { "\(String($0.sheet.dropFirst(prefix.count)))#\($0.row)" } ?? ""]
                        .joined(separator: "|")
                }
            }.sorted()
        }
        let a = listed(before, prefix: ""), b = listed(after, prefix: "u_")
        XCTAssertEqual(a, b.map { $0.replacingOccurrences(of: "|s_", with: "|") })
        // Every kind of finding the changes above make is among them.
        for rule in ["status-went-back", "jump", "figure-fell", "text-copied", "copied-workbook"] {
            XCTAssertTrue(a.contains { $0.contains("|\(rule)|") }, "no \(rule) in \(a.prefix(5))")
        }
    }
}
