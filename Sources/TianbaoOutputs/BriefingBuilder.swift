/// Builds the body of a briefing (the round's 简报, the year's 回头看) section by section: headings
/// numbered 一、二、… as they come, paragraphs, tables, quotes and bullets in the order added,
/// and 附件 tables numbered in the order the text first refers to them, placed after the body.
/// `Briefing` and `BriefingPage` then render the blocks as Markdown, HTML and .docx.
public struct BriefingBuilder {
    /// The body so far, without the attachments.
    public private(set) var body: [Briefing.Block] = []
    private var annexes: [(key: String?, title: String, header: [String], rows: [[String]])] = []
    private var sections = 0

    public init() {}

    /// Starts a section: `三、任务推进情况`.
    public mutating func heading(_ text: String) {
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
        body.append(.heading("\(numerals[min(sections, numerals.count - 1)])、\(text)"))
        sections += 1
    }

    public mutating func paragraph(_ text: String) { body.append(.paragraph(text)) }

    public mutating func bullets(_ items: [String]) { body.append(.bullets(items)) }

    public mutating func table(_ header: [String], _ rows: [[String]]) { body.append(.table(header, rows)) }

    /// Blocks made elsewhere (a section another type writes), in order.
    public mutating func append(_ blocks: [Briefing.Block]) { body += blocks }

    /// Quotes of what units wrote: identical texts once, each with the units that gave it
    /// (`Briefing.grouped`), sources joined with ；.
    public mutating func quotes(_ items: [(text: String, source: String)]) {
        for group in Briefing.grouped(items) {
            body.append(.quote(group.text, source: group.sources.joined(separator: "\u{FF1B}")))
        }
    }

    /// Registers an attachment and returns its label, `附件2`. With a `key`, an attachment
    /// registered earlier under the same key is referred to again instead of added twice.
    public mutating func annex(_ title: String, _ header: [String], _ rows: [[String]], key: String? = nil) -> String {
        if let key, let i = annexes.firstIndex(where: { $0.key == key }) { return "附件\(i + 1)" }
        annexes.append((key, title, header, rows))
        return "附件\(annexes.count)"
    }

    /// The blocks of the briefing: `leading` (the 要情 and a page break, say), the body, then
    /// each attachment on a new page with its table.
    public func blocks(leading: [Briefing.Block] = []) -> [Briefing.Block] {
        var out = leading + body
        for (i, a) in annexes.enumerated() {
            out.append(.annex("附件\(i + 1)", a.title))
            out.append(.table(a.header, a.rows))
        }
        return out
    }
}
