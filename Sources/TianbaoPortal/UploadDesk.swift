import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

/// The answer to one upload.
public struct UploadAnswer: Sendable {
    /// The upload's record (for a repeated upload: the first one's).
    public var record: UploadRecord
    /// The same bytes as the unit's latest upload: nothing new was checked, stored or recorded.
    public var repeated: Bool
    /// A merge was running when the file was ready to store: it was stored after that merge,
    /// and counts in the next one.
    public var waitedForMerge: Bool
}

/// Takes a unit's upload: checks it exactly as `tianbao check --archive` does (on the checking
/// pool), stores it as the unit's file when it is the unit's template of the round (written
/// whole: the received file, synced, renamed into place, the folder synced), and records it in
/// the archive; then the unit is answered. Uploads of one unit are taken one at a time, so a
/// client that retries after a timeout gets the first answer again (same SHA-256: one record,
/// one file).
final class UploadDesk: Sendable {
    let settings: PortalSettings
    let log: UploadLog
    let pool: CheckPool
    let gates: [String: FolderGate]
    private let unitLock = KeyedLock()

    init(settings: PortalSettings, log: UploadLog, pool: CheckPool, gates: [String: FolderGate]) {
        self.settings = settings
        self.log = log
        self.pool = pool
        self.gates = gates
    }

    /// Checks, stores and records the file at `path` (in `.incoming/`, removed in every case).
    func receive(path: String, size: Int, unit: ReportingUnit, round: Round, client: String, receivedAt: Date) async throws -> UploadAnswer {
        defer { unlink(path) }
        guard let sha = Digest.sha256Hex(ofFile: path) else {
            throw PortalRefusal.cannotReadUpload
        }
        return try await unitLock.with("\(round.id)/\(unit.id)") {
            if let latest = try self.log.uploads(round: round.id, unit: unit.id).first, latest.sha256 == sha {
                return UploadAnswer(record: latest, repeated: true, waitedForMerge: false)
            }
            let checked: Checked
            do {
                checked = try await self.pool.run { [self] in Result { try self.check(path: path, unit: unit, round: round) } }.get()
            } catch is CheckPool.Full {
                throw PortalRefusal.checksBusy
            }
            let late = RoundResult.chinaDay(receivedAt) > round.due
            let record = UploadRecord(
                round: round.id, unitId: unit.id, receivedAt: receivedAt, client: client, size: size, sha256: sha,
                verdict: checked.verdict, late: late, stored: checked.refusal == nil,
                file: TemplateLayout.fileName(unit: unit, round: round), errors: checked.submission.errorCount,
                warnings: checked.submission.warningCount, liaison: checked.liaison?.name, phone: checked.liaison?.phone,
                answerJSON: Self.answer(checked, received: UploadLog.timestamp(receivedAt), late: late))
            let gate = self.gates[round.id] ?? FolderGate()
            let (stored, waited) = try await gate.store { [self] in
                if checked.refusal == nil {
                    let target = self.settings.data.storedFile(unit: unit, round: round)
                    try FileSystem.makeFolder(self.settings.data.submissions(round.id))
                    try FileSystem.rename(path, to: target)
                    try FileSystem.syncFolder(self.settings.data.submissions(round.id))
                }
                return try self.log.add(record)
            }
            return UploadAnswer(record: stored, repeated: false, waitedForMerge: waited)
        }
    }

    /// A file checked for a unit, and what that means for it.
    struct Checked: Sendable {
        var submission: Submission
        var verdict: UploadVerdict
        /// Why the file is not stored (nil: it is the unit's file now).
        var refusal: String?
        var liaison: (name: String, phone: String)?
    }

    /// Checks the file at `path` as the unit's file of `round` (`check --archive`, named as it
    /// will be stored).
    func check(path: String, unit: ReportingUnit, round: Round) throws -> Checked {
        let plan = settings.plan
        let checker = SubmissionChecker(plan: plan, key: settings.key, round: round.id).readingOneThreadPerFile
        var s = checker.check(path: path, name: TemplateLayout.fileName(unit: unit, round: round))
        do {
            let archive = try RoundArchive.openForRecording(path: settings.data.archive, plan: plan)
            s = try CrossRoundPass.apply(archive: archive, plan: plan, to: [s])[0]
        }
        var refusal: String?
        if s.unit == nil || s.roundId == nil {
            refusal = "文件无法识别为本单位本轮的填报模板，未存入；本单位原来报送的文件（如有）保持不变。"
        } else if let other = s.unit, other.id != unit.id {
            refusal = "这是“\(other.name)”的模板，不是本单位（\(unit.name)）的，未存入。请下载本单位的模板填写后上传。"
        } else if let r = s.roundId, r != round.id {
            refusal = "这是 \(r) 轮的模板，本轮是 \(round.id)，未存入。请下载本轮的模板填写后上传。"
        }
        let verdict: UploadVerdict = refusal != nil ? .refused
            : !s.fileAccepted ? .rejected
            : s.errorCount > 0 ? .errors
            : s.warningCount > 0 ? .warnings : .accepted
        var liaison: (String, String)?
        if refusal == nil, let l = RoundReport.Liaison.named(in: try s.rows(in: nil), plan: plan) {
            liaison = (l.name, l.mobile.isEmpty ? l.phone : l.mobile)
        }
        return Checked(submission: s, verdict: verdict, refusal: refusal, liaison: liaison)
    }

    /// What `tianbao check --format json` prints for the file, then `received` and `late`, then
    /// whether it was stored (and, when not, why).
    static func answer(_ c: Checked, received: String, late: Bool) -> String {
        CheckJSON.render([c.submission]) { o in
            o.key("received"); o.string(received)
            o.key("late"); o.bool(late)
            o.key("stored"); o.bool(c.refusal == nil)
            if let refusal = c.refusal { o.key("refusal"); o.string(refusal) }
        } + "\n"
    }
}
