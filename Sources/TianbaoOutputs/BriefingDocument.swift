import Foundation

/// What a written briefing is, whatever it reports on (a round's 简报, the year's 回头看):
/// the 公文 head (masthead, 期号, office, date, title), the body as blocks, and the 报送/抄送
/// lines. The Markdown and HTML renderings below and `BriefingDocx` work on any of them, so
/// every briefing Tianbao writes has one form.
public protocol BriefingDocument {
    /// The red masthead (`老旧小区改造工作简报`).
    var masthead: String { get }
    /// `第 4 期`, or empty.
    var issue: String { get }
    /// The issuing office.
    var office: String { get }
    /// The date, `2021年6月16日`.
    var date: String { get }
    var title: String { get }
    var blocks: [Briefing.Block] { get }
    /// 报送 and 抄送 lines.
    var sendTo: String { get }
    var copyTo: String { get }
}

extension Briefing: BriefingDocument {}

extension Briefing.Block {
    /// The block in Chinese typography (`ChineseTypography`).
    var typeset: Briefing.Block {
        let t = ChineseTypography.apply
        switch self {
        case .heading(let h): return .heading(t(h))
        case .paragraph(let p): return .paragraph(t(p))
        case .bullets(let items): return .bullets(items.map(t))
        case .quote(let q, let source): return .quote(t(q), source: t(source))
        case .table(let header, let rows): return .table(header.map(t), rows.map { $0.map(t) })
        case .keyPoints(let title, let items): return .keyPoints(t(title), items.map(t))
        case .annex(let label, let title): return .annex(t(label), t(title))
        case .pageBreak: return .pageBreak
        }
    }
}

/// A briefing assembled by its caller from blocks (the 回头看 review): set in Chinese
/// typography when made.
public struct BriefingPage: BriefingDocument {
    public var masthead, issue, office, date, title: String
    public var blocks: [Briefing.Block]
    public var sendTo, copyTo: String

    public init(masthead: String, issue: String, office: String, date: String, title: String,
                blocks: [Briefing.Block], sendTo: String, copyTo: String) {
        let t = ChineseTypography.apply
        self.masthead = masthead
        self.issue = issue
        self.office = office
        self.date = date
        self.title = t(title)
        self.blocks = blocks.map(\.typeset)
        self.sendTo = t(sendTo)
        self.copyTo = t(copyTo)
    }
}


extension BriefingDocument {
    public var markdown: String {
        var out = "**\(Briefing.mdEscape(masthead))**\n\n\(issue)\n\n\(Briefing.mdEscape(office))  \(date)\n\n---\n\n# \(Briefing.mdEscape(title))\n\n"
        for block in blocks {
            switch block {
            case .heading(let h): out += "## \(h)\n\n"
            case .paragraph(let p): out += Briefing.mdEscape(p) + "\n\n"
            case .bullets(let items): out += items.map { "- " + Briefing.mdEscape($0) }.joined(separator: "\n") + "\n\n"
            case .quote(let q, let source): out += "> " + Briefing.mdEscape(q).replacingOccurrences(of: "\n", with: "\n> ") + "\n>\n> —— \(Briefing.mdEscape(source))\n\n"
            case .table(let header, let rows):
                out += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in " --- |" }.joined() + "\n"
                for row in rows { out += "| " + row.map { Briefing.mdEscape($0).replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
                out += "\n"
            case .keyPoints(let title, let items):
                out += "> **\(Briefing.mdEscape(title))**\n>\n" + items.enumerated().map { "> \($0 + 1). " + Briefing.mdEscape($1) }.joined(separator: "\n>\n") + "\n\n"
            case .annex(let label, let title):
                out += "---\n\n## \(Briefing.mdEscape(label))　\(Briefing.mdEscape(title))\n\n"
            case .pageBreak:
                out += "---\n\n"
            }
        }
        out += "---\n\n报送\u{FF1A}\(Briefing.mdEscape(sendTo))\n\n抄送\u{FF1A}\(Briefing.mdEscape(copyTo))\n"
        return out
    }

    public var html: String {
        var out = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>\(Briefing.escape(title))</title>
            <style>
            body{font-family:"FangSong","仿宋","Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.8;color:#222;font-size:16pt}
            .masthead{font-family:"方正小标宋简体","Noto Serif CJK SC","SimSun",serif;font-weight:bold;font-size:2.2em;text-align:center;color:#d00000;letter-spacing:.1em;margin:0}
            .issue{text-align:center;margin:.4em 0}
            .office{display:flex;justify-content:space-between;border-bottom:3px solid #d00000;padding-bottom:.3em}
            h1{font-family:"方正小标宋简体","Noto Serif CJK SC","SimSun",serif;font-size:1.4em;text-align:center;text-wrap:balance;margin:1.2em 0}
            h2{font-family:"黑体","SimHei","Noto Sans CJK SC",sans-serif;font-size:1em;margin-top:1.2em}
            p{text-indent:2em;margin:.3em 0}
            .send{border-top:1px solid #222;border-bottom:1px solid #222;margin-top:2em;padding:.3em 0;font-size:.875em}
            .send p{text-indent:0}
            blockquote{margin:.6em 0;padding:.4em 1em;background:#f6f8fa;border-left:4px solid #9db4cc}
            blockquote cite{display:block;text-align:right;color:#555;font-style:normal}
            table{border-collapse:collapse;margin:.8em auto;font-size:.72em;line-height:1.4}
            td,th{border:1px solid #555;padding:.2em .5em;text-align:right}
            th{background:#f2f2f2;white-space:nowrap}td:first-child,th:first-child,td:last-child{text-align:left}
            .key{border:1px solid #555;padding:.2em 1em;margin:1em 0}
            .key h2{text-align:center;margin:.3em 0}
            .key ol{margin:.2em 0;padding-left:1.6em}
            h2.annex{margin-top:2em}
            h3{font-family:"方正小标宋简体","Noto Serif CJK SC","SimSun",serif;text-align:center;font-size:1.1em}
            hr.page{border:0;border-top:1px dashed #999;margin:1.5em 0}
            @media print{hr.page{break-after:page;border:0}h2.annex{break-before:page}}
            </style></head><body>
            <p class="masthead">\(Briefing.escape(masthead))</p>
            <p class="issue">\(Briefing.escape(issue))</p>
            <div class="office"><span>\(Briefing.escape(office))</span><span>\(Briefing.escape(date))</span></div>
            <h1>\(Briefing.escape(title))</h1>

            """
        for block in blocks {
            switch block {
            case .heading(let h): out += "<h2>\(Briefing.escape(h))</h2>\n"
            case .paragraph(let p): out += "<p>\(Briefing.escape(p))</p>\n"
            case .bullets(let items): out += "<ul>\n" + items.map { "<li>\(Briefing.escape($0))</li>\n" }.joined() + "</ul>\n"
            case .quote(let q, let source): out += "<blockquote>\(Briefing.escape(q))<cite>—— \(Briefing.escape(source))</cite></blockquote>\n"
            case .table(let header, let rows):
                out += "<table><tr>" + header.map { "<th>\(Briefing.escape($0))</th>" }.joined() + "</tr>\n"
                for row in rows { out += "<tr>" + row.map { "<td>\(Briefing.escape($0))</td>" }.joined() + "</tr>\n" }
                out += "</table>\n"
            case .keyPoints(let title, let items):
                out += "<section class=\"key\"><h2>\(Briefing.escape(title))</h2><ol>\n"
                    + items.map { "<li>\(Briefing.escape($0))</li>\n" }.joined() + "</ol></section>\n"
            case .annex(let label, let title):
                out += "<h2 class=\"annex\">\(Briefing.escape(label))</h2><h3>\(Briefing.escape(title))</h3>\n"
            case .pageBreak:
                out += "<hr class=\"page\">\n"
            }
        }
        out += "<div class=\"send\"><p>报送\u{FF1A}\(Briefing.escape(sendTo))</p><p>抄送\u{FF1A}\(Briefing.escape(copyTo))</p></div>\n"
        return out + "</body></html>\n"
    }

}
