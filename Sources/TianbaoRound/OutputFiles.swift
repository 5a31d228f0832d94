/// The names of every file Tianbao writes for a round or a year: the one place they are spelled.
/// The writers name their files here, the listing of a submissions folder skips them by these
/// names, and a merge or review that replaces an output folder tells its own files by them.
public enum OutputFiles {
    /// `汇总-2021-06.xlsx`: the consolidated workbook.
    public static func consolidatedWorkbook(round: String) -> String { "汇总-\(round).xlsx" }

    /// The extensions of the briefing's files, in the order they are written.
    public static let briefingExtensions = [".md", ".html", ".docx"]

    /// `简报-2021-06.md` and so on: the leaders' briefing in one format.
    public static func briefing(round: String, extension ext: String) -> String { "简报-\(round)\(ext)" }

    /// `工作提示-2021-06.md`: the office's notes.
    public static func officeNotes(round: String) -> String { "工作提示-\(round).md" }

    /// The round's report for programs.
    public static let report = "report.json"

    /// The folder of the feedback workbooks, inside the output folder.
    public static let feedbackFolder = "反馈"

    /// `江岸区人民政府-2021-06-反馈.xlsx`: one unit's feedback workbook.
    public static func feedback(unit: String, round: String) -> String { "\(unit)-\(round)-反馈.xlsx" }

    /// `回头看-2021.xlsx`: the year review's workbook.
    public static func reviewWorkbook(year: Int) -> String { "回头看-\(year).xlsx" }

    /// `回头看简报-2021`: the year review's briefing, without its extension.
    public static func reviewBriefingBase(year: Int) -> String { "回头看简报-\(year)" }

    /// Every file of a round's output folder that a merge of `round` writes (the feedback
    /// workbooks, inside their folder, aside).
    public static func ofRound(_ round: String) -> [String] {
        [consolidatedWorkbook(round: round), report, officeNotes(round: round)]
            + briefingExtensions.map { briefing(round: round, extension: $0) }
    }

    /// Every file of a year review's output folder.
    public static func ofReview(year: Int) -> [String] {
        [reviewWorkbook(year: year)] + briefingExtensions.map { reviewBriefingBase(year: year) + $0 }
    }

    /// Whether a file name is a consolidated workbook (of any round).
    public static func isConsolidatedWorkbook(_ name: String) -> Bool { name.hasPrefix("汇总-") && name.hasSuffix(".xlsx") }

    /// Whether a file name is one of a briefing's files, or the office's notes (of any round).
    public static func isBriefing(_ name: String) -> Bool {
        (name.hasPrefix("简报-") && briefingExtensions.contains { name.hasSuffix($0) })
            || (name.hasPrefix("工作提示-") && name.hasSuffix(".md"))
    }

    /// Whether a file name is a feedback workbook of `round`, or of any round when nil.
    public static func isFeedback(_ name: String, round: String? = nil) -> Bool {
        name.hasSuffix(round.map { "-\($0)-反馈.xlsx" } ?? "-反馈.xlsx")
    }
}
