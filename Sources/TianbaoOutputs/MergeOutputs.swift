import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

/// Writes every output of a merged round into a folder, each file atomically and flushed to
/// disk through `FileSystem` (so a full disk is reported as such). `merge` writes them into a
/// staging folder that is switched in whole (`StagedFolder`).
public enum MergeOutputs {
    /// Writes 汇总, 简报 (md, html, docx), 反馈/ and report.json, every one from `report`;
    /// returns the paths written. Feedback files left by an earlier run for units that no
    /// longer have problems are removed. `streamed`: the consolidated workbook already written
    /// unit by unit during the merge (see `RoundMerger.merge(folder:round:stream:)`), to be
    /// finished here; nil to write it here from the report. `linkFrom`: the folder the outputs
    /// will finally be in, when that is not `out` (a staging folder beside it), for the
    /// consolidated workbook's links back to the submitted files. `reportJSON`: report.json
    /// already rendered from `report` (by a caller that also records it), nil to render it here.
    ///
    /// The consolidated workbook stays with the calling thread, which made it (single owner);
    /// briefing, feedback and report are written meanwhile on another thread, from the report
    /// alone (an immutable value).
    @discardableResult
    public static func write(_ report: RoundReport, key: SigningKey, sourceFolder: URL, to out: URL, linkFrom: URL? = nil,
                             streamed: ConsolidatedWorkbookWriter? = nil, reportJSON: String? = nil) throws -> [String] {
        try FileSystem.makeFolder(out.path)
        let round = report.round

        // The consolidated workbook: streamed during the merge, or written now from the report
        // (the same writes either way).
        let writer = try streamed ?? {
            let w = try startWorkbook(plan: report.plan, round: round, sourceFolder: sourceFolder, out: out, linkFrom: linkFrom,
                                      trendSheet: report.history != nil)
            try w.addAll(report)
            return w
        }()
        Timings.mark("figures")
        let others = OtherOutputs()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do { others.paths = try writeOthers(report, key: key, to: out, reportJSON: reportJSON) } catch { others.error = error }
        }
        var workbookError: Error?
        do {
            try writer.finish(report)
            try FileSystem.syncFile(workbookPath(round: round, out: out))
            Timings.mark("consolidated workbook")
        } catch {
            workbookError = error
        }
        group.wait()
        if let error = others.error { throw error }
        if let workbookError { throw workbookError }
        return [workbookPath(round: round, out: out)] + others.paths
    }

    /// The briefing (md, html, docx), the feedback workbooks and report.json; returns their
    /// paths in that order.
    static func writeOthers(_ report: RoundReport, key: SigningKey, to out: URL, reportJSON: String? = nil) throws -> [String] {
        let fm = FileManager.default
        let round = report.round
        let briefing = Briefing(report: report)
        let md = out.appendingPathComponent(OutputFiles.briefing(round: round.id, extension: ".md")).path
        try writeText(briefing.markdown, to: md)
        let html = out.appendingPathComponent(OutputFiles.briefing(round: round.id, extension: ".html")).path
        try writeText(briefing.html, to: html)
        // The briefing as a Word document: written atomically by BriefingDocx.
        let docx = out.appendingPathComponent(OutputFiles.briefing(round: round.id, extension: ".docx")).path
        try BriefingDocx(briefing).write(to: docx)
        // The office's own notes (files, rows, 反馈), kept out of the briefing for leaders.
        let notes = out.appendingPathComponent(OutputFiles.officeNotes(round: round.id)).path
        try writeText(OfficeNotes(report: report).markdown, to: notes)

        let feedbackDir = out.appendingPathComponent(OutputFiles.feedbackFolder)
        try FileSystem.makeFolder(feedbackDir.path)
        var feedbackFiles: Set<String> = []
        var feedbackPaths: [String] = []
        let feedback = FeedbackWriter(plan: report.plan, key: key)
        for outcome in report.result.units where !(outcome.submission?.problems.isEmpty ?? true) {
            let name = FeedbackWriter.fileName(unit: outcome.unit, round: round)
            let path = feedbackDir.appendingPathComponent(name).path
            try feedback.write(outcome, round: round, to: path)
            try FileSystem.syncFile(path)
            feedbackFiles.insert(name)
            feedbackPaths.append(path)
        }
        for old in (try? fm.contentsOfDirectory(atPath: feedbackDir.path)) ?? []
        where OutputFiles.isFeedback(old, round: round.id) && !feedbackFiles.contains(old) {
            try? fm.removeItem(at: feedbackDir.appendingPathComponent(old))
        }

        let reportPath = out.appendingPathComponent(OutputFiles.report).path
        try writeText(reportJSON ?? ReportJSON.render(report), to: reportPath)
        Timings.mark("briefing, feedback, report")
        return [md, html, docx, notes] + feedbackPaths + [reportPath]
    }

    /// `汇总-<round>.xlsx` in the output folder.
    static func workbookPath(round: Round, out: URL) -> String {
        out.appendingPathComponent(OutputFiles.consolidatedWorkbook(round: round.id)).path
    }

    /// Starts the consolidated workbook of a round in `out`, linking back to `sourceFolder`
    /// (for `merge` to stream units into, and for `write` when nothing was streamed).
    /// `linkFrom`: the folder the workbook will finally be in, when not `out`.
    /// `trendSheet`: with a 进度趋势 sheet (a merge with an archive).
    public static func startWorkbook(plan: Plan, round: Round, sourceFolder: URL, out: URL, linkFrom: URL? = nil,
                                     trendSheet: Bool = false) throws -> ConsolidatedWorkbookWriter {
        try ConsolidatedWorkbookWriter(path: workbookPath(round: round, out: out), plan: plan, round: round,
                                       sourceFolder: relativePath(from: linkFrom ?? out, to: sourceFolder), trendSheet: trendSheet)
    }

    /// Writes text through a temporary file, flushed and renamed, so readers never see half a file.
    public static func writeText(_ text: String, to path: String) throws {
        try FileSystem.writeAtomically(Data(text.utf8), to: path)
    }

    /// What an existing output folder holds, as a merge of `round` that replaces it as a whole
    /// sees it (relative paths).
    public struct ExistingOutputs: Sendable {
        /// This round's outputs and leftovers of earlier versions' temporary files: replaced.
        public var replaced: [String] = []
        /// Other rounds' outputs and system files: carried into the new folder.
        public var kept: [String] = []
        /// Anything else: not Tianbao's, so the folder is not replaced.
        public var foreign: [String] = []
    }

    /// Sorts what is in `out` (which may not exist) for a merge of `round`.
    public static func examine(existing out: String, round: Round) throws -> ExistingOutputs {
        var result = ExistingOutputs()
        guard FileSystem.kind(out) == .folder else { return result }
        func isLeftover(_ name: String) -> Bool {
            // `.汇总-2021-06.xlsx.1234.tmp`, `.….1234.5.tmp` (earlier versions), `.….tianbao-tmp-1234`.
            name.hasPrefix(".") && (name.hasSuffix(".tmp") || name.contains(".tianbao-tmp-"))
        }
        func isSystemFile(_ name: String) -> Bool { [".DS_Store", "Thumbs.db", "desktop.ini"].contains(name) }
        for bytes in try FileSystem.listNames(out) {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                result.foreign.append(String(decoding: bytes, as: UTF8.self))
                continue
            }
            let path = (out as NSString).appendingPathComponent(name)
            let kind = FileSystem.kind(path)
            if name == OutputFiles.feedbackFolder, kind == .folder {
                for inner in try FileSystem.listNames(path) {
                    let innerName = String(decoding: inner, as: UTF8.self)
                    let relative = OutputFiles.feedbackFolder + "/" + innerName
                    let innerKind = FileSystem.kind((path as NSString).appendingPathComponent(innerName))
                    if OutputFiles.isFeedback(innerName, round: round.id) || isLeftover(innerName) { result.replaced.append(relative) }
                    else if innerKind == .file, OutputFiles.isFeedback(innerName) || isSystemFile(innerName) { result.kept.append(relative) }
                    else { result.foreign.append(relative) }
                }
                continue
            }
            let thisRound = OutputFiles.ofRound(round.id)
            if thisRound.contains(name) || isLeftover(name) {
                result.replaced.append(name)
            } else if kind == .file, OutputFiles.isConsolidatedWorkbook(name) || OutputFiles.isBriefing(name) || isSystemFile(name) {
                result.kept.append(name)
            } else {
                result.foreign.append(name)
            }
        }
        return result
    }

    /// Carries the `kept` files of `existing` from `out` into `staging` (hard links: no copy).
    public static func carryOver(_ kept: [String], from out: String, into staging: String) throws {
        for relative in kept {
            let target = (staging as NSString).appendingPathComponent(relative)
            try FileSystem.makeFolder((target as NSString).deletingLastPathComponent)
            try FileSystem.hardLink((out as NSString).appendingPathComponent(relative), to: target)
        }
    }

    /// `../submissions/2021-06` from `out/2021-06` to `submissions/2021-06`.
    static func relativePath(from base: URL, to target: URL) -> String {
        let a = base.standardizedFileURL.pathComponents, b = target.standardizedFileURL.pathComponents
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        let ups = Array(repeating: "..", count: a.count - i)
        let path = (ups + b[i...]).joined(separator: "/")
        return path.isEmpty ? "." : path
    }
}

/// What the background thread of `MergeOutputs.write` hands back: written once by it, read
/// after `DispatchGroup.wait()` (which orders the two).
private final class OtherOutputs: @unchecked Sendable {
    var paths: [String] = []
    var error: Error?
}
