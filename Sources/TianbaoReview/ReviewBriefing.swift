import Foundation
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport

/// The 回头看 briefing: the year's review as a 工作简报 (the round briefing's form: masthead,
/// office, date, 报送/抄送), rendered as Markdown, HTML and .docx by the round briefing's
/// renderers. Sections follow the plan's declarations, numbered as they come.
public enum ReviewBriefing {
    /// `回头看简报-2021`, the files' base name.
    public static func baseName(year: Int) -> String { OutputFiles.reviewBriefingBase(year: year) }

    /// The period the review covers, in words: `2021年3月至6月` (from the first reviewed round's
    /// start to the last one's due date).
    public static func period(_ review: YearReview) -> String {
        guard let first = review.rounds.first, let last = review.rounds.last else { return "\(review.year)年" }
        let from = first.start.year == review.year ? first.start : Day(year: review.year, month: 1, day: 1)
        let to = last.due
        if from.month == to.month { return "\(review.year)年\(to.month)月" }
        return "\(review.year)年\(from.month)月至\(to.month)月"
    }

    /// The briefing of `review`, issued on `date` (today in China Standard Time without one)
    /// as 回头看 issue `issue` (the review's own numbering, 1 without one).
    public static func make(_ review: YearReview, date: Day? = nil, issue: Int? = nil) -> BriefingPage {
        var writer = ReviewBriefingWriter(review: review)
        let plan = review.plan
        let form = plan.briefing
        return BriefingPage(
            masthead: form.masthead, issue: "回头看第 \(issue ?? 1) 期", office: plan.office.name,
            date: (date ?? Briefing.today()).chinese,
            title: "\(plan.title)\(period(review))回头看情况", blocks: writer.blocks(),
            sendTo: form.sendTo.isEmpty ? "领导小组组长、副组长" : form.sendTo.joined(separator: "、"),
            copyTo: form.copyTo.isEmpty ? "领导小组各成员单位" : form.copyTo.joined(separator: "、"))
    }

    /// `市水务局（未报送 1 次、被退回 2 次）`.
    static func describeMisses(_ u: YearReview.UnitYear) -> String {
        var parts: [String] = []
        if u.count(.missing) > 0 { parts.append("未报送 \(u.count(.missing)) 次") }
        if u.count(.rejected) > 0 { parts.append("被退回 \(u.count(.rejected)) 次") }
        return "\(u.unit.name)（\(parts.joined(separator: "、"))）"
    }

    static func pct(_ v: Double) -> String { Pace.percent(v / 100) }
}

/// Writes the review's files into a folder: the workbook and the briefing (md, html, docx).
public enum ReviewOutputs {
    /// Writes every file of the review into `folder` (each atomically); returns their paths.
    @discardableResult
    public static func write(_ review: YearReview, to folder: String, date: Day? = nil, issue: Int? = nil) throws -> [String] {
        var review = review
        review.date = date ?? Briefing.today()
        review.issue = issue ?? 1
        try FileSystem.makeFolder(folder)
        let workbook = (folder as NSString).appendingPathComponent(ReviewWorkbook.fileName(year: review.year))
        try ReviewWorkbook(review).write(to: workbook)
        try FileSystem.syncFile(workbook)
        let page = ReviewBriefing.make(review, date: date, issue: issue)
        let base = (folder as NSString).appendingPathComponent(ReviewBriefing.baseName(year: review.year))
        try FileSystem.writeAtomically(Data(page.markdown.utf8), to: base + ".md")
        try FileSystem.writeAtomically(Data(page.html.utf8), to: base + ".html")
        try BriefingDocx(page).write(to: base + ".docx")
        try FileSystem.syncFile(base + ".docx")
        return [workbook, base + ".md", base + ".html", base + ".docx"]
    }
}
