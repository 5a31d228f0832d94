import Foundation
import TianbaoArchive
import TianbaoMerge
import TianbaoPlan

/// What `tianbao merge` does with the archive, in three calls: `prepare` before anything is
/// written (a bad archive ends the merge with status 2 and nothing written), `checkAcrossRounds`
/// on the merged round before its outputs are written, `record` once they are.
struct MergeArchiving {
    let archive: RoundArchive
    let plan: Plan

    /// Opens and checks the archive: `--archive`, else `tianbao-archive.sqlite` next to the
    /// output folder.
    static func prepare(_ options: ArchiveOptions, out: String, plan: Plan) throws -> MergeArchiving {
        let path = options.path ?? RoundArchive.defaultPath(outputFolder: out)
        return MergeArchiving(archive: try ArchiveOptions.run { try RoundArchive.openForRecording(path: path, plan: plan) }, plan: plan)
    }

    /// The round with the problems found against the archive's previous round; `rowsRejected`
    /// when rows left the merge (the streamed workbook must be written again).
    func checkAcrossRounds(_ result: RoundResult) throws -> (result: RoundResult, rowsRejected: Bool) {
        guard let checker = try ArchiveOptions.run({ try CrossRoundPass.checker(archive: archive, plan: plan, round: result.round) })
        else { return (result, false) }
        defer { Timings.mark("checks across rounds") }
        return try CrossRoundPass.apply(checker, to: result)
    }

    /// What the outputs show of the rounds recorded before this one (环比, 进度趋势, last
    /// liaisons); `RoundHistory.firstRound` when none is.
    func history(_ result: RoundResult) throws -> RoundHistory {
        defer { Timings.mark("history read") }
        return try ArchiveOptions.run { try archive.history(for: result) }
    }

    /// Records the round (replacing an earlier record of it) in one transaction; `switchOutputs`
    /// runs inside it, just before the commit, so the outputs and the archive change together
    /// (a switch that throws rolls the record back).
    func record(_ report: RoundReport, switchOutputs: () throws -> Void) throws {
        var switched = false
        do {
            try archive.record(report.result, reportJSON: ReportJSON.render(report)) {
                try switchOutputs()
                switched = true
            }
        } catch let error as ArchiveError {
            // Before the switch nothing has changed; after it (the commit failed), the outputs
            // are in place but the round is not recorded: say which.
            printError(switched
                ? error.description.replacingOccurrences(
                    of: "本次未写入任何内容", with: "汇总输出已经写入，但本轮未能记入汇总档案，请排除问题后重新运行 merge")
                : error.description)
            throw CommandExit(.usage)
        }
        Timings.mark("archive recorded")
    }
}
