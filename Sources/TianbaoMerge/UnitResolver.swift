import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound

/// Step 3 of a merge: which file of a unit counts. Given every file's outcome after checking,
/// attributes the files no content identified to the unit their name names, and decides each
/// unit of the round: the newest accepted file counts (older accepted ones are superseded);
/// with none, the newest rejected file stands for the unit (被退回); with no file at all the unit
/// is missing (未报送, or 未处理 when the office could not read its file).
public enum UnitResolver {
    /// Resolves the units of a round (in plan order) from the files' outcomes, marking
    /// superseded files in `files`.
    public static func resolve(_ files: inout [FileOutcome], units roundUnits: [ReportingUnit], round: Round) -> [UnitOutcome] {
        attributeByName(&files, units: roundUnits)
        var filesByUnit: [String: [Int]] = [:]
        for i in files.indices { if let id = files[i].unitId { filesByUnit[id, default: []].append(i) } }
        var units: [UnitOutcome] = []
        for unit in roundUnits {
            let mine = filesByUnit[unit.id] ?? []
            let snapshot = files
            func newer(_ a: Int, _ b: Int) -> Bool { Self.newer(snapshot[a].submission, snapshot[b].submission, snapshot[a].file, snapshot[b].file) }
            let accepted = mine.filter { files[$0].status == .accepted }.sorted(by: newer)
            let rejected = mine.filter { files[$0].status == .rejected }.sorted(by: newer)
            var outcome = UnitOutcome(unit: unit, status: .missing, late: false, submission: nil, superseded: [], otherRejected: [])
            if let winner = accepted.first {
                outcome.status = .accepted
                outcome.submission = files[winner].submission
                for loser in accepted.dropFirst() {
                    files[loser].status = .superseded
                    outcome.superseded.append(files[loser].file)
                }
                outcome.otherRejected = rejected.map { files[$0].file }
            } else if let latest = rejected.first {
                outcome.status = .rejected
                outcome.submission = files[latest].submission
                outcome.otherRejected = rejected.dropFirst().map { files[$0].file }
            }
            outcome.unreadFiles = mine.filter { files[$0].status == .unreadable }.map { files[$0].file }
            if let saved = outcome.submission?.savedAt, outcome.status == .accepted {
                outcome.late = RoundResult.chinaDay(saved) > round.due
            }
            units.append(outcome)
        }
        return units
    }

    /// A file that could not be identified (not a workbook, not a template) is attributed to
    /// the unit its name names, so the office knows whom to call; the report says so.
    static func attributeByName(_ files: inout [FileOutcome], units: [ReportingUnit]) {
        for i in files.indices where files[i].unitId == nil && files[i].status == .rejected {
            guard let unit = RoundListing.unitNamed(in: files[i].file, units: units) else { continue }
            files[i].unitId = unit.id
            files[i].note = "无法从文件内容识别单位，按文件名判断为“\(unit.name)”的报送"
            if var s = files[i].submission {
                for j in s.problems.indices { s.problems[j].unit = unit.id }
                files[i].submission = s
            }
        }
    }

    /// The newest accepted file wins: by the time the unit saved it (the workbook's own
    /// record), then by file name (the later name).
    public static func newer(_ a: Submission?, _ b: Submission?, _ fileA: String, _ fileB: String) -> Bool {
        let da = a?.savedAt ?? .distantPast, db = b?.savedAt ?? .distantPast
        return da != db ? da > db : Array(fileA.utf8).lexicographicallyPrecedes(Array(fileB.utf8)) == false
    }

    public static func newer(_ a: Submission, _ b: Submission) -> Bool { newer(a, b, a.file, b.file) }
}
