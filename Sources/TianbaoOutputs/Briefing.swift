import Foundation
import TianbaoRound
import TianbaoSupport
import TianbaoCheck
import TianbaoPlan

/// The written briefing for leaders (`简报-<round>.md` and `.html`): Chinese prose with figures,
/// built once as blocks and rendered to both formats. Everything units wrote is escaped in
/// the HTML.
public struct Briefing {
    public enum Block {
        case heading(String)
        case paragraph(String)
        case bullets([String])
        case quote(String, source: String)
        case table([String], [[String]])
        /// The points a leader reads first (要情): a titled, boxed list that fits the first page.
        case keyPoints(String, [String])
        /// An attachment (附件): its label (`附件1`) and title, on a new page.
        case annex(String, String)
        /// The rest starts on a new page.
        case pageBreak
    }

    public let report: RoundReport
    public var result: RoundResult { report.result }
    public var figures: Figures { report.figures }
    /// The red masthead (`老旧小区改造工作简报`), from the plan.
    public private(set) var masthead = ""
    /// `第 4 期`: the round's position in the plan.
    public private(set) var issue = ""
    /// The issuing office and the date (`2021年6月16日`).
    public private(set) var office = ""
    public private(set) var date = ""
    public private(set) var title = ""
    public private(set) var blocks: [Block] = []
    /// 报送 and 抄送 lines, from the plan.
    public private(set) var sendTo = ""
    public private(set) var copyTo = ""

    /// Earlier rounds from the archive, for the section comparing with last round; nil: no
    /// archive, no such section.
    public var history: RoundHistory? { report.history }

    public init(report: RoundReport) {
        self.report = report
        build()
        typeset()
    }

    /// Every name, joined with 、 (a briefing leaves nobody out).
    static func list(_ names: [String]) -> String { names.joined(separator: "、") }

    /// An amount in 万元 with thousands separators and one decimal: `118,389.4 万元`.
    public static func wan(_ v: Double, unit: Bool = true) -> String {
        let text = Thousands.grouped(String(format: "%.1f", v))
        return unit ? text + " 万元" : text
    }

    static func amount(_ v: Double) -> String { wan(v) }

    /// An amount with thousands separators and one decimal, followed by its unit (none when empty).
    public static func wan(_ v: Double, unit: String) -> String {
        unit.isEmpty ? wan(v, unit: false) : wan(v, unit: false) + " " + unit
    }

    /// A plan's number as written: `300`, `12.5`.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%g", v)
    }

    /// A count with thousands separators.
    static func count(_ n: Int) -> String { Thousands.grouped(n) }

    /// A percent (0–100) with one decimal, rounded as `Pace.percent` rounds.
    static func pct(_ v: Double) -> String { Pace.percent(v / 100) }

    /// A text quoted in at most `limit` characters (`TextExcerpt`): whole when it fits, else
    /// cut where a reader sees a break and marked "……", so a quote never loses its second
    /// sentence silently.
    public static func excerpt(_ s: String, limit: Int = 80) -> String {
        TextExcerpt.clip(s.trimmingCharacters(in: .whitespacesAndNewlines), to: limit)
    }

    /// Identical texts once, each with the units (and tasks) that gave it, in first-seen order.
    public static func grouped(_ items: [(text: String, source: String)]) -> [(text: String, sources: [String])] {
        var order: [String] = []
        var sources: [String: [String]] = [:]
        for item in items {
            let key = item.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if sources[key] == nil { order.append(key) }
            sources[key, default: []].append(item.source)
        }
        return order.map { ($0, sources[$0]!) }
    }

    /// Two parts of a title joined without repeating the words where the first ends as the
    /// second begins (`…工作方案` + `工作方案备案…` → `…工作方案备案…`).
    public static func joined(_ a: String, _ b: String) -> String {
        let x = Array(a), y = Array(b)
        for n in stride(from: min(x.count, y.count), through: 2, by: -1) where Array(x.suffix(n)) == Array(y.prefix(n)) {
            return a + String(y.dropFirst(n))
        }
        return a + b
    }

    /// Today in China Standard Time: the issue date when the merge is given none.
    public static func today() -> Day { RoundResult.chinaDay(Date()) }

    private mutating func build() {
        let r = result, round = r.round
        let form = r.plan.briefing
        masthead = form.masthead
        let position = (r.plan.rounds.firstIndex { $0.id == round.id } ?? 0) + form.firstIssue
        issue = "第 \(position) 期"
        office = r.plan.office.name
        date = (report.issueDate ?? Self.today()).chinese
        title = Self.joined(r.plan.title, round.title) + "情况"
        sendTo = form.sendTo.isEmpty ? "领导小组组长、副组长" : form.sendTo.joined(separator: "、")
        copyTo = form.copyTo.isEmpty ? "领导小组各成员单位" : form.copyTo.joined(separator: "、")
        var writer = BriefingWriter(report: report)
        blocks = writer.blocks()
    }

    /// Names in first-seen order, each once.
    static func uniqued(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// Chinese typography over everything the briefing says.
    private mutating func typeset() {
        let t = ChineseTypography.apply
        title = t(title)
        blocks = blocks.map(\.typeset)
        sendTo = t(sendTo)
        copyTo = t(copyTo)
    }

    /// The title split into lines of at most `perLine` characters, as even as possible, so no
    /// line is left with one character alone.
    public static func titleLines(_ title: String, perLine: Int) -> [String] {
        let chars = Array(title)
        guard chars.count > perLine, perLine > 0 else { return [title] }
        let n = (chars.count + perLine - 1) / perLine
        let size = (chars.count + n - 1) / n
        return stride(from: 0, to: chars.count, by: size).map { String(chars[$0..<min($0 + size, chars.count)]) }
    }

    // Rendering (markdown, html) is shared with other briefings: see BriefingDocument.

    /// Neutralises Markdown that units' text could inject (links, HTML, emphasis).
    static func mdEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_[]<>#!|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out.replacingOccurrences(of: "\n", with: " ")
    }

    /// HTML text escaping (also quotes, for attribute safety).
    public static func escape(_ s: String) -> String { HTMLText.escaped(s) }
}
