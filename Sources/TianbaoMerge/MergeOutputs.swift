import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoTemplates

/// Writes every output of a merged round into a folder, each file atomically.
public enum MergeOutputs {
    /// Writes 汇总, 简报 (md, html), 反馈/ and report.json; returns the paths written.
    /// Feedback files left by an earlier run for units that no longer have problems are removed.
    /// `streamed`: the consolidated workbook already written unit by unit during the merge
    /// (see `RoundMerger.merge(folder:round:stream:)`), to be finished here; nil to write it
    /// here from the result.
    @discardableResult
    public static func write(_ result: RoundResult, key: SigningKey, sourceFolder: URL, to out: URL,
                             streamed: ConsolidatedWorkbookWriter? = nil) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        let round = result.round

        // The consolidated workbook: streamed during the merge, or written now from the result
        // (the same writes either way). Finishing it takes longest; briefing, feedback and
        // report are written meanwhile on another thread.
        let writer = try streamed ?? {
            let w = try startWorkbook(plan: result.plan, round: round, sourceFolder: sourceFolder, out: out)
            try w.addAll(result)
            return w
        }()
        let figures = writer.figures.finished(result)
        Timings.mark("figures")
        let workbookError = ErrorBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do {
                try writer.finish(result)
                Timings.mark("consolidated workbook")
            } catch {
                workbookError.error = error
            }
        }
        defer { group.wait() }

        let briefing = Briefing(result: result, figures: figures)
        let md = out.appendingPathComponent("简报-\(round.id).md").path
        try writeText(briefing.markdown, to: md)
        let html = out.appendingPathComponent("简报-\(round.id).html").path
        try writeText(briefing.html, to: html)
        // The briefing as a Word document (issue 14): written atomically by BriefingDocx.
        let docx = out.appendingPathComponent("简报-\(round.id).docx").path
        try BriefingDocx(briefing).write(to: docx)

        let feedbackDir = out.appendingPathComponent("反馈")
        try fm.createDirectory(at: feedbackDir, withIntermediateDirectories: true)
        var feedbackFiles: Set<String> = []
        var feedbackPaths: [String] = []
        let feedback = FeedbackWriter(plan: result.plan, key: key)
        for outcome in result.units where !(outcome.submission?.problems.isEmpty ?? true) {
            let name = FeedbackWriter.fileName(unit: outcome.unit, round: round)
            let path = feedbackDir.appendingPathComponent(name).path
            try feedback.write(outcome, round: round, to: path)
            feedbackFiles.insert(name)
            feedbackPaths.append(path)
        }
        for old in (try? fm.contentsOfDirectory(atPath: feedbackDir.path)) ?? []
        where old.hasSuffix("-\(round.id)-反馈.xlsx") && !feedbackFiles.contains(old) {
            try? fm.removeItem(at: feedbackDir.appendingPathComponent(old))
        }

        let report = out.appendingPathComponent("report.json").path
        try writeText(ReportJSON.render(result), to: report)
        Timings.mark("briefing, feedback, report")
        group.wait()
        if let error = workbookError.error { throw error }
        return [workbookPath(round: round, out: out), md, html, docx] + feedbackPaths + [report]
    }

    /// `汇总-<round>.xlsx` in the output folder.
    static func workbookPath(round: Round, out: URL) -> String {
        out.appendingPathComponent("汇总-\(round.id).xlsx").path
    }

    /// Starts the consolidated workbook of a round in `out`, linking back to `sourceFolder`
    /// (for `merge` to stream units into, and for `write` when nothing was streamed).
    public static func startWorkbook(plan: Plan, round: Round, sourceFolder: URL, out: URL) throws -> ConsolidatedWorkbookWriter {
        try ConsolidatedWorkbookWriter(path: workbookPath(round: round, out: out), plan: plan, round: round,
                                       sourceFolder: relativePath(from: out, to: sourceFolder))
    }

    /// Writes text through a temporary file and a rename, so readers never see half a file.
    public static func writeText(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try Data(text.utf8).write(to: tmp)
        guard rename(tmp.path, path) == 0 else {
            try? FileManager.default.removeItem(at: tmp)
            throw CocoaError(.fileWriteUnknown)
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

/// The first error of a background task.
private final class ErrorBox: @unchecked Sendable {
    var error: Error?
}

/// Phase times on standard error when `TIANBAO_TIMINGS` is set (for bench/: how a merge
/// splits between reading and checking, and writing).
public enum Timings {
    nonisolated(unsafe) private static var start = Date()
    private static let enabled = ProcessInfo.processInfo.environment["TIANBAO_TIMINGS"] != nil
    private static let lock = NSLock()

    /// Starts the clock.
    public static func reset() { lock.lock(); start = Date(); lock.unlock() }

    /// Prints the seconds since `reset()` with a label.
    public static func mark(_ label: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(String(format: "timing %.2f s %@\n", Date().timeIntervalSince(start), label).utf8))
    }
}
