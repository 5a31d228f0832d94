import Foundation
@testable import TianbaoRound
import XCTest
@testable import TianbaoCheck
@testable import TianbaoMerge
@testable import TianbaoOutputs
import TianbaoPlan
import TianbaoTemplates
import XLSX

/// The merge that writes the consolidated workbook while files are still being checked, and
/// the spill that keeps checked rows out of memory.
final class StreamingMergeTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let samples = root.appendingPathComponent("samples/submissions/2021-06").path

    private func merger() throws -> (RoundMerger, Round) {
        let plan = PlanLoader.defaultPlan()
        let key = try SigningKey.load(path: Self.root.appendingPathComponent("keys/demo-signing.key").path)
        return (RoundMerger(checker: SubmissionChecker(plan: plan, key: key, round: "2021-06")), plan.round("2021-06")!)
    }

    private func scratch(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Streams a folder into a workbook; returns the result, whether the stream held, and the
    /// workbook's bytes when it did.
    private func streamed(_ folder: String, to path: String) throws -> (RoundResult, Bool, Data?) {
        let (merger, round) = try merger()
        var writer: ConsolidatedWorkbookWriter? = try ConsolidatedWorkbookWriter(
            path: path, plan: merger.plan, round: round, sourceFolder: "../in")
        var streamedUnits: [String] = []
        let (result, held) = try merger.merge(folder: folder, round: round) { unit, submission, rows in
            streamedUnits.append(unit.id)
            try writer?.add(unit, submission, rows: rows)
        }
        // Units arrive in plan order.
        let order = result.plan.units.map(\.id)
        XCTAssertEqual(streamedUnits, streamedUnits.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        guard held else {
            writer = nil
            return (result, false, nil)
        }
        try writer!.finish(try RoundReport(result))
        return (result, true, FileManager.default.contents(atPath: path))
    }

    func testTheStreamedWorkbookIsTheBatchWorkbook() throws {
        let dir = try scratch("same")
        let (result, held, bytes) = try streamed(Self.samples, to: dir.appendingPathComponent("streamed.xlsx").path)
        XCTAssertTrue(held, "the sample files are named as their templates (or name their unit)")
        let batch = dir.appendingPathComponent("batch.xlsx").path
        try ConsolidatedWorkbook(report: try RoundReport(result), sourceFolder: "../in").write(to: batch)
        XCTAssertEqual(bytes, FileManager.default.contents(atPath: batch), "the same bytes whichever way it is written")
    }

    func testAFileNamedAfterALaterUnitStillCounts() throws {
        // 江岸区's file saved under 蔡甸区's template name: 江岸区 is decided (as not reported)
        // before that file is checked; the stream no longer holds and the result is right.
        let dir = try scratch("renamed")
        let folder = dir.appendingPathComponent("in")
        try FileManager.default.copyItem(atPath: Self.samples, toPath: folder.path)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("江岸区人民政府-2021-06.xlsx"),
                                         to: folder.appendingPathComponent("蔡甸区人民政府-2021-06.xlsx"))
        let (result, held, _) = try streamed(folder.path, to: dir.appendingPathComponent("streamed.xlsx").path)
        XCTAssertFalse(held)
        let jiangan = result.units.first { $0.unit.id == "jiangan" }!
        XCTAssertEqual(jiangan.status, .accepted)
        XCTAssertEqual(jiangan.submission?.file, "蔡甸区人民政府-2021-06.xlsx")
        XCTAssertEqual(result.units.first { $0.unit.id == "caidian" }?.status, .missing)

        // What merge then does: every output from the complete result.
        let out = dir.appendingPathComponent("out")
        let (merger, _) = try merger()
        try MergeOutputs.write(try RoundReport(result), key: merger.checker.key, sourceFolder: folder, to: out)
        let wb = try Workbook(path: out.appendingPathComponent("汇总-2021-06.xlsx").path)
        let ledger = try wb.read(wb.sheet(named: "小区台账")!)
        XCTAssertTrue(ledger.rows.contains { $0.cells.first?.value == .string("江岸区人民政府") })
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "the abandoned workbook left nothing behind: \(names)")
    }

    /// Merge checks several files at once on all cores, each on one thread: the checker it
    /// uses then differs from the office's only in not reading ahead.
    func testSeveralFilesAreEachReadOnOneThread() throws {
        var limits = ReadLimits.standard
        limits.maxPartBytes = 12 << 20
        let (merger, _) = try merger()
        let checker = SubmissionChecker(plan: merger.plan, key: merger.checker.key, round: "2021-06", limits: limits)
        let oneThread = checker.readingOneThreadPerFile
        XCTAssertEqual(oneThread.limits.readAheadBytes, .max)
        XCTAssertEqual(ReadLimits.standard.readAheadBytes, 1 << 20)
        var rest = oneThread.limits
        rest.readAheadBytes = limits.readAheadBytes
        XCTAssertEqual(rest, limits, "every other limit is kept")
        XCTAssertEqual(oneThread.round, "2021-06")
        XCTAssertEqual(oneThread.plan.units.map(\.id), checker.plan.units.map(\.id))
    }

    func testSpilledRowsReadBackAsStored() throws {
        let keys = ["name", "count", "date", "empty"]
        var rows: [CheckedRow] = []
        for i in 0..<50 {
            var v = FieldValues(keys: keys)
            v["name"] = .text(i % 2 == 0 ? "幸福小区\(i)号 🏠" : "")
            v["count"] = .number(Double(i) * 1.25 - 3)
            if i % 3 == 0 { v["date"] = .date(Day(year: 2021, month: 1 + i % 12, day: 1 + i % 28)) }
            rows.append(CheckedRow(sheet: i < 25 ? "ledger" : "progress", row: 4 + i, values: v,
                                   explanation: i % 5 == 0 ? "说明\(i)" : nil, accepted: i % 7 != 0))
        }
        for spill in [RowSpill(), RowSpill(directory: "/nonexistent-folder")] {
            let a = spill.store(rows), b = spill.store(Array(rows.prefix(3)))
            for (handle, expected) in [(a, rows), (b, Array(rows.prefix(3)))] {
                let back = try spill.rows(handle)
                XCTAssertEqual(back.count, expected.count)
                for (x, y) in zip(back, expected) {
                    XCTAssertEqual(x.sheet, y.sheet)
                    XCTAssertEqual(x.row, y.row)
                    XCTAssertEqual(x.accepted, y.accepted)
                    XCTAssertEqual(x.explanation, y.explanation)
                    XCTAssertEqual(x.values.keys, y.values.keys)
                    for k in keys { XCTAssertEqual(x.values[k], y.values[k], "\(k) of row \(y.row)") }
                }
            }
        }
        XCTAssertFalse(RowSpill(directory: "/nonexistent-folder").onDisk, "no folder: kept in memory, nothing lost")
    }

    func testASubmissionKeepsItsCountsWhenSpilled() throws {
        var s = Submission(file: "f.xlsx", path: "", sha256: "")
        let keys = ["a"]
        s.setRows((0..<10).map { i in
            var v = FieldValues(keys: keys)
            v["a"] = .number(Double(i))
            return CheckedRow(sheet: i < 6 ? "ledger" : "progress", row: i + 4, values: v, explanation: nil, accepted: i != 2)
        })
        let before = try s.rows(in: nil)
        let store = RowSpill()
        s.spill(to: store)
        XCTAssertEqual(s.rowsRead, 10)
        XCTAssertEqual(s.rowsAccepted, 9)
        XCTAssertEqual(s.acceptedRows(in: "ledger"), 5)
        XCTAssertEqual(try s.rows(in: store).map(\.row), before.map(\.row))
    }
}
