import Foundation
import TestSupport
import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoTemplates

/// The samples' round 2021-06, merged in process once for the suite.
enum ArchiveFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let samples = root.appendingPathComponent("samples/submissions/2021-06").path
    static let plan = PlanLoader.defaultPlan()
    static let round = plan.round("2021-06")!

    static let merged: RoundResult = {
        let key = try! SigningKey.load(path: root.appendingPathComponent("keys/demo-signing.key").path)
        let merger = RoundMerger(checker: SubmissionChecker(plan: plan, key: key, round: round.id))
        return try! merger.merge(folder: samples, round: round)
    }()

    /// report.json of a round, as merge renders it (from the round's report).
    static func reportJSON(_ r: RoundResult) -> String { ReportJSON.render(try! RoundReport(r)) }

    /// A new archive path in a scratch folder (the file does not exist yet).
    static func scratchArchive(_ name: String) -> String {
        temporaryDirectory("archive-\(name)").appendingPathComponent("tianbao-archive.sqlite").path
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
}

/// Another program holding an exclusive lock on an SQLite file (Python's sqlite3 in a
/// `BEGIN EXCLUSIVE` transaction) until released.
final class ArchiveLock {
    private let process = Process()

    init(_ path: String) throws {
        process.executableURL = URL(fileURLWithPath: testPython)
        process.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            print('locked', flush=True)
            time.sleep(60)
            """, path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !String(decoding: line, as: UTF8.self).contains("locked") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
    }

    func release() {
        process.terminate()
        process.waitUntilExit()
    }
}
