import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

/// What the server does when it starts, so that a server killed at any moment (SIGKILL, a power
/// cut) comes back right:
/// - files in `.incoming/` are uploads whose answer was never sent: removed (the client was
///   not told they arrived, and sends them again);
/// - a unit's stored file with no record of the same SHA-256 was stored by an upload killed
///   before its record was written (or put there by the office): checked and recorded, so the
///   board shows it;
/// - a merge without an end was stopped with the server: recorded as failed (the merge itself
///   leaves the outputs and the archive as they were).
enum Recovery {
    static func run(settings: PortalSettings, log: UploadLog, desk: UploadDesk) throws -> [String] {
        var notes: [String] = []
        let incoming = settings.data.incoming
        if let leftovers = try? FileManager.default.contentsOfDirectory(atPath: incoming), !leftovers.isEmpty {
            for name in leftovers { unlink((incoming as NSString).appendingPathComponent(name)) }
            notes.append("已清除 \(leftovers.count) 个未完成的上传（服务上次停止时正在接收，未答复单位，单位需重新上传）。")
        }
        let unfinished = try log.closeUnfinishedMerges(
            at: Date(), message: "服务在汇总过程中停止，本次汇总未完成；输出文件夹和汇总档案保持为上一次完整汇总的结果。")
        if unfinished > 0 { notes.append("有 \(unfinished) 次汇总因服务停止而未完成，已记为未完成。") }
        for round in settings.rounds {
            let stored = try log.latest(round: round.id).stored
            for unit in settings.plan.units(in: round) {
                let path = settings.data.storedFile(unit: unit, round: round)
                guard FileSystem.kind(path) == .file, let sha = Digest.sha256Hex(ofFile: path),
                      stored[unit.id]?.sha256 != sha else { continue }
                let checked = try desk.check(path: path, unit: unit, round: round)
                let received = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                let late = RoundResult.chinaDay(received) > round.due
                try log.add(UploadRecord(
                    round: round.id, unitId: unit.id, receivedAt: received, client: "（服务启动时补记）", size: size, sha256: sha,
                    verdict: checked.refusal == nil ? checked.verdict : .rejected, late: late, stored: true,
                    file: TemplateLayout.fileName(unit: unit, round: round), errors: checked.submission.errorCount,
                    warnings: checked.submission.warningCount, liaison: checked.liaison?.name, phone: checked.liaison?.phone,
                    answerJSON: UploadDesk.answer(checked, received: UploadLog.timestamp(received), late: late)))
                notes.append("\(unit.name)（\(round.id)）的报送文件没有上传记录，已补记。")
            }
        }
        return notes
    }
}
