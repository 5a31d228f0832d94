import Foundation
import TianbaoSupport
import XLSX

/// Writes the briefing as a Word document (`简报-<round>.docx`) that an office opens in Word or
/// WPS, edits and prints: A4 with the margins of GB/T 9704 (top 37 mm, bottom 35 mm, left
/// 28 mm, right 26 mm; 22 lines a page), a red masthead, 期号, issuing office and date over a
/// red rule, the title in 小标宋, 仿宋 body in 三号 (16 pt), 黑体 headings, 楷体 sources,
/// the 报送/抄送 block between rules at the end, and page numbers (— 1 —) in the footer.
/// Plain WordprocessingML built here and zipped by `ZipPackageWriter`: no office suite runs.
public struct BriefingDocx {
    public let briefing: any BriefingDocument

    public init(_ briefing: any BriefingDocument) { self.briefing = briefing }

    // Fonts as an office names them; Word and WPS substitute what is installed.
    static let titleFont = "方正小标宋简体", bodyFont = "仿宋_GB2312", headingFont = "黑体", sourceFont = "楷体_GB2312"
    /// Alternatives listed in the font table, for systems without the 方正/GB2312 fonts.
    static let altNames = [titleFont: "宋体", bodyFont: "仿宋", sourceFont: "楷体", headingFont: "SimHei"]
    static let red = "FF0000"
    // Page geometry in twips (1 mm = 56.7 twips): A4, GB/T 9704 margins.
    static let pageWidth = 11906, pageHeight = 16838
    static let top = 2098, bottom = 1984, left = 1587, right = 1474
    static var textWidth: Int { pageWidth - left - right }
    /// 22 lines over the 225 mm text height: an exact line pitch of 28.95 pt (579 twentieths).
    static let linePitch = 579

    /// Writes the document to `path` (atomically).
    public func write(to path: String) throws {
        try ZipPackageWriter.write(parts, to: path)
    }

    /// The package's parts, in a fixed order.
    public var parts: [ZipPackageWriter.Part] {
        [
            .init(name: "[Content_Types].xml", text: Self.contentTypes),
            .init(name: "_rels/.rels", text: Self.rootRels),
            .init(name: "docProps/core.xml", text: core),
            .init(name: "word/document.xml", text: document),
            .init(name: "word/_rels/document.xml.rels", text: Self.documentRels),
            .init(name: "word/styles.xml", text: Self.styles),
            .init(name: "word/fontTable.xml", text: Self.fontTable),
            .init(name: "word/settings.xml", text: Self.settings),
            .init(name: "word/footer1.xml", text: Self.footer),
        ]
    }

    // MARK: XML helpers

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let ns = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
        + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

    /// Text escaped for XML; characters XML 1.0 forbids (control characters a unit may have
    /// pasted) are dropped.
    static func escape(_ s: String) -> String { HTMLText.wordRunText(s) }

    /// Run properties: font (East Asian and Latin), size in points, bold, colour.
    static func rPr(font: String, size: Double, bold: Bool = false, color: String? = nil) -> String {
        var p = "<w:rPr><w:rFonts w:ascii=\"\(font)\" w:hAnsi=\"\(font)\" w:eastAsia=\"\(font)\" w:cs=\"\(font)\"/>"
        if bold { p += "<w:b/><w:bCs/>" }
        if let color { p += "<w:color w:val=\"\(color)\"/>" }
        let half = Int((size * 2).rounded())
        p += "<w:sz w:val=\"\(half)\"/><w:szCs w:val=\"\(half)\"/></w:rPr>"
        return p
    }

    static func run(_ text: String, _ rPr: String) -> String {
        "<w:r>\(rPr)<w:t xml:space=\"preserve\">\(escape(text))</w:t></w:r>"
    }

    /// A paragraph: alignment, first-line indent in characters, exact line pitch, borders, tabs.
    static func paragraph(_ runs: String, align: String = "both", indentChars: Int = 0, leftChars: Int = 0, hangingChars: Int = 0,
                          spacing: Int = linePitch, borders: String = "", tabs: String = "", keepNext: Bool = false,
                          before: Int = 0, after: Int = 0, fontSize: Double = 16) -> String {
        var p = "<w:p><w:pPr>"
        if keepNext { p += "<w:keepNext/>" }
        if !borders.isEmpty { p += "<w:pBdr>\(borders)</w:pBdr>" }
        if !tabs.isEmpty { p += "<w:tabs>\(tabs)</w:tabs>" }
        p += "<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"\(before)\" w:after=\"\(after)\" w:line=\"\(spacing)\" w:lineRule=\"exact\"/>"
        let charTwips = Int(fontSize * 20)
        if indentChars > 0 || leftChars > 0 || hangingChars > 0 {
            p += "<w:ind w:left=\"\(leftChars * charTwips)\" w:leftChars=\"\(leftChars * 100)\""
            if hangingChars > 0 {
                p += " w:hanging=\"\(hangingChars * charTwips)\" w:hangingChars=\"\(hangingChars * 100)\""
            } else if indentChars > 0 {
                p += " w:firstLine=\"\(indentChars * charTwips)\" w:firstLineChars=\"\(indentChars * 100)\""
            }
            p += "/>"
        }
        p += "<w:jc w:val=\"\(align)\"/></w:pPr>\(runs)</w:p>"
        return p
    }

    static func border(_ side: String, size: Int, color: String = "000000") -> String {
        "<w:\(side) w:val=\"single\" w:sz=\"\(size)\" w:space=\"1\" w:color=\"\(color)\"/>"
    }

    // MARK: The document

    var body: String { rPrBody }
    let rPrBody = BriefingDocx.rPr(font: BriefingDocx.bodyFont, size: 16)

    var document: String {
        let b = briefing
        var x = Self.header + "<w:document \(Self.ns)><w:body>"
        // Masthead: red, large 小标宋, centred; 期号 below it.
        x += Self.paragraph(Self.run(b.masthead, Self.rPr(font: Self.titleFont, size: Self.mastheadSize(b.masthead), bold: true, color: Self.red)),
                            align: "center", spacing: 1200, before: 240, after: 120)
        x += Self.paragraph(Self.run(b.issue, rPrBody), align: "center", after: 0)
        // Issuing office left, date right, over a red rule.
        x += Self.paragraph(Self.run(b.office, rPrBody) + "<w:r><w:tab/></w:r>" + Self.run(b.date, rPrBody), align: "left",
                            tabs: "<w:tab w:val=\"right\" w:pos=\"\(Self.textWidth)\"/>", after: 0)
        x += Self.paragraph("", spacing: 240, borders: Self.border("top", size: 24, color: Self.red), before: 60, after: 120)
        // Title: 二号小标宋 (22 pt), lines as even as possible.
        let titleRun = Self.rPr(font: Self.titleFont, size: 22)
        let perLine = Int(Double(Self.textWidth) / 20 / 22)
        let lines = Briefing.titleLines(b.title, perLine: perLine)
        x += Self.paragraph(lines.enumerated().map { i, line in (i > 0 ? "<w:r><w:br/></w:r>" : "") + Self.run(line, titleRun) }.joined(),
                            align: "center", spacing: 700, before: 240, after: 240)
        for block in b.blocks { x += render(block) }
        // 报送/抄送 between rules at the end (版记).
        let small = Self.rPr(font: Self.bodyFont, size: 14)
        x += Self.paragraph("", spacing: Self.linePitch)
        x += Self.paragraph(Self.run("报送\u{FF1A}" + b.sendTo, small), align: "left", leftChars: 1, hangingChars: 0, spacing: 480,
                            borders: Self.border("top", size: 12) + Self.border("bottom", size: 4), fontSize: 14)
        x += Self.paragraph(Self.run("抄送\u{FF1A}" + b.copyTo, small), align: "left", leftChars: 1, spacing: 480,
                            borders: Self.border("bottom", size: 4), fontSize: 14)
        x += Self.paragraph(Self.run(b.office, small) + "<w:r><w:tab/></w:r>" + Self.run(b.date + "印发", small), align: "left",
                            leftChars: 1, spacing: 480, borders: Self.border("bottom", size: 12),
                            tabs: "<w:tab w:val=\"right\" w:pos=\"\(Self.textWidth - 300)\"/>", fontSize: 14)
        x += "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
        x += "<w:pgSz w:w=\"\(Self.pageWidth)\" w:h=\"\(Self.pageHeight)\"/>"
        x += "<w:pgMar w:top=\"\(Self.top)\" w:right=\"\(Self.right)\" w:bottom=\"\(Self.bottom)\" w:left=\"\(Self.left)\" "
            + "w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>"
        x += "<w:docGrid w:type=\"lines\" w:linePitch=\"\(Self.linePitch)\"/></w:sectPr>"
        x += "</w:body></w:document>"
        return x
    }

    /// The masthead's size: as large as fits the text width (at most 二号加大, 42 pt).
    static func mastheadSize(_ text: String) -> Double {
        let n = max(text.count, 1)
        let fit = Double(textWidth) / 20 / Double(n) * 0.95
        return min(42, max(22, fit.rounded(.down)))
    }

    private func render(_ block: Briefing.Block) -> String {
        switch block {
        case .heading(let h):
            return Self.paragraph(Self.run(h, Self.rPr(font: Self.headingFont, size: 16)), indentChars: 2, keepNext: true)
        case .paragraph(let p):
            return Self.paragraph(Self.run(p, rPrBody), indentChars: 2)
        case .bullets(let items):
            return items.enumerated().map { i, item in
                Self.paragraph(Self.run("\(i + 1). " + item, rPrBody), indentChars: 2)
            }.joined()
        case .quote(let q, let source):
            let kai = Self.rPr(font: Self.sourceFont, size: 16)
            // Units' words in quotation marks; a note of ours (未说明原因) in parentheses as it is.
            let quoted = q.hasPrefix("\u{FF08}") ? q : "“" + q + "”"
            return Self.paragraph(Self.run(quoted, rPrBody), indentChars: 2, keepNext: true)
                + Self.paragraph(Self.run("——" + source, kai), indentChars: 2)
        case .table(let header, let rows):
            return table(header, rows)
        case .keyPoints(let title, let items):
            return keyPoints(title, items)
        case .annex(let label, let title):
            // 附件 label in 黑体 at the top left of a new page, the title centred in 小标宋.
            return Self.paragraph("<w:r><w:br w:type=\"page\"/></w:r>" + Self.run(label, Self.rPr(font: Self.headingFont, size: 16)),
                                  align: "left", keepNext: true)
                + Self.paragraph(Self.run(title, Self.rPr(font: Self.titleFont, size: 18)), align: "center", spacing: 560, keepNext: true,
                                 before: 120, after: 240)
        case .pageBreak:
            return "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"exact\"/></w:pPr><w:r><w:br w:type=\"page\"/></w:r></w:p>"
        }
    }

    /// 要情: the title in 黑体 and the numbered points in 四号 (14 pt) 仿宋 at a 24 pt pitch, in a
    /// ruled box, so that they fit the first page under the masthead.
    private func keyPoints(_ title: String, _ items: [String]) -> String {
        let box = ["top", "left", "bottom", "right"].map { Self.border($0, size: 8) }.joined()
        var x = Self.paragraph(Self.run(title, Self.rPr(font: Self.headingFont, size: 16)), align: "center", spacing: Self.keyPitch + 60,
                               borders: box, keepNext: true, before: 60, after: 0)
        let body = Self.rPr(font: Self.bodyFont, size: 14)
        for (i, item) in items.enumerated() {
            x += Self.paragraph(Self.run("\(i + 1). " + item, body), indentChars: 2, spacing: Self.keyPitch, borders: box,
                                keepNext: i < items.count - 1, after: i == items.count - 1 ? 60 : 0, fontSize: 14)
        }
        return x
    }

    /// The line pitch of the 要情 points: 24 pt.
    static let keyPitch = 480

    /// A bordered table in 10.5 pt (五号), header row in 黑体, repeated on each page.
    private func table(_ header: [String], _ rows: [[String]]) -> String {
        let cellFont = Self.rPr(font: Self.bodyFont, size: 10.5)
        let headFont = Self.rPr(font: Self.headingFont, size: 10.5)
        let n = header.count
        let widths = Self.columnWidths(header, rows)
        var x = "<w:tbl><w:tblPr><w:tblW w:w=\"\(Self.textWidth)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] { x += Self.border(side, size: 4) }
        x += "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"60\" w:type=\"dxa\"/><w:right w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>"
        for w in widths { x += "<w:gridCol w:w=\"\(w)\"/>" }
        x += "</w:tblGrid>"
        // Rows kept with the next one (keep-with-next on their paragraphs): a short table stays
        // whole, a long one does not leave its last rows alone at the top of a page.
        func row(_ cells: [String], head: Bool, keep: Bool) -> String {
            var r = "<w:tr>" + (head ? "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" : "<w:trPr><w:cantSplit/></w:trPr>")
            for (i, c) in cells.enumerated() {
                let align = head ? "center" : (Self.isFigure(c) ? "right" : "left")
                r += "<w:tc><w:tcPr><w:tcW w:w=\"\(widths[min(i, n - 1)])\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>"
                r += Self.paragraph(Self.run(c, head ? headFont : cellFont), align: align, spacing: 300, keepNext: keep, fontSize: 10.5) + "</w:tc>"
            }
            return r + "</w:tr>"
        }
        x += row(header, head: true, keep: true)
        for (k, cells) in rows.enumerated() {
            x += row(cells, head: false, keep: k < rows.count - 1 && (rows.count <= 8 || k >= rows.count - 3))
        }
        return x + "</w:tbl>" + Self.paragraph("", spacing: 300)
    }

    /// Column widths in twips for a table at 10.5 pt: each column as wide as its longest cell
    /// (a Chinese character one em, an ASCII one 0.6) and at least half its header; when
    /// that is wider than the page, the narrow columns (figures, short words) keep their width
    /// and the wide ones (names, lists, notes) share the rest, wrapping.
    static func columnWidths(_ header: [String], _ rows: [[String]]) -> [Int] {
        func ems(_ s: String) -> Double { s.reduce(0) { $0 + ($1.isASCII ? 0.6 : 1) } }
        let n = header.count
        let natural = (0..<n).map { i -> Double in
            let longest = rows.map { i < $0.count ? ems($0[i]) : 0 }.max() ?? 0
            // 1.4 em over the text (digits counted at 0.6 em): the cell margins (120 twips,
            // about 0.6 em) and the fallback fonts' digits, so `12月31日` stays on one line.
            return max(2.2, longest, ems(header[i]) / 2) + 1.4
        }
        let page = Double(textWidth) / 20 / 10.5
        var em = natural
        if natural.reduce(0, +) > page {
            let narrow = natural.map { $0 <= 7 }
            // A wide column's share grows with the square root of its text's length: the longest
            // text gets the most room, yet a long paragraph wraps rather than crowding the
            // other columns into a few characters a line.
            let fixed = zip(natural, narrow).filter { $0.1 }.map(\.0).reduce(0, +)
            let wide = zip(natural, narrow).filter { !$0.1 }.map { $0.0.squareRoot() }.reduce(0, +)
            let room = max(page - fixed, page * 0.3)
            em = zip(natural, narrow).map { $0.1 ? $0.0 : $0.0.squareRoot() / max(wide, 1) * room }
        }
        let total = em.reduce(0, +)
        return em.map { Int(Double(textWidth) * $0 / total) }
    }

    /// A figure in a table cell (right-aligned): digits with separators, a percent, a dash.
    static func isFigure(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isNumber || ",.%—-".contains($0) }
    }

    var core: String {
        Self.header + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
            + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>\(Self.escape(briefing.title))</dc:title>"
            + "<dc:creator>\(Self.escape(briefing.office))</dc:creator></cp:coreProperties>"
    }

    // MARK: Fixed parts

    static let contentTypes = header + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        <Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>\
        <Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>\
        <Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>\
        <Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
        </Types>
        """

    static let rootRels = header + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        </Relationships>
        """

    static let documentRels = header + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        <Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>\
        <Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>\
        <Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>\
        </Relationships>
        """

    static let styles = header + "<w:styles \(ns)><w:docDefaults><w:rPrDefault>"
        // w:lang comes last of these run properties (CT_RPr's order: rFonts … sz, szCs … lang).
        + rPr(font: bodyFont, size: 16).replacingOccurrences(of: "</w:rPr>", with: "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr>")
        + "</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line=\"\(linePitch)\" w:lineRule=\"exact\"/></w:pPr></w:pPrDefault>"
        + "</w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
        + "<w:pPr><w:widowControl/><w:jc w:val=\"both\"/></w:pPr></w:style></w:styles>"

    static var fontTable: String {
        var x = header + "<w:fonts \(ns)>"
        for font in [titleFont, bodyFont, headingFont, sourceFont, "宋体"] {
            x += "<w:font w:name=\"\(font)\">"
            if let alt = altNames[font] { x += "<w:altName w:val=\"\(alt)\"/>" }
            x += "<w:charset w:val=\"86\"/><w:family w:val=\"\(font == headingFont ? "modern" : "roman")\"/><w:pitch w:val=\"variable\"/></w:font>"
        }
        return x + "</w:fonts>"
    }

    static let settings = header + "<w:settings \(ns)><w:defaultTabStop w:val=\"420\"/>"
        + "<w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" "
        + "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>"

    /// Page number as 公文 prints it: — 1 —, 四号 (14 pt) 宋体, centred.
    static let footer: String = {
        let font = rPr(font: "宋体", size: 14)
        return header + "<w:ftr \(ns)><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>"
            + "<w:r>\(font)<w:t xml:space=\"preserve\">— </w:t></w:r>"
            + "<w:r>\(font)<w:fldChar w:fldCharType=\"begin\"/></w:r><w:r>\(font)<w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
            + "<w:r>\(font)<w:fldChar w:fldCharType=\"separate\"/></w:r><w:r>\(font)<w:t>1</w:t></w:r><w:r>\(font)<w:fldChar w:fldCharType=\"end\"/></w:r>"
            + "<w:r>\(font)<w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    }()
}
