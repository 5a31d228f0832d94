import Foundation
import XCTest
@_spi(Fuzzing) @testable import XLSX
@testable import XLSXFuzzing

/// Reading only a sheet's first columns (`Workbook.rows(of:columns:)`, as the checker reads a
/// template's fields and not its self-check formulas) drops the content of the cells right of
/// them before libxml2 parses it (tb_cell_filter.c). That must be invisible: the same cells as
/// reading every column and keeping the first ones, the same errors and line numbers, whatever
/// the chunk boundaries, and exact positions for cells without an `r` after dropped ones.
final class CellSkipTests: XCTestCase {
    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    /// Reads sheet 1 of a one-sheet workbook around `xml` (its first `columns` columns, or all).
    private func read(_ xml: String, columns: Int? = nil, prefix: String = "") throws -> Worksheet {
        var book = TestWorkbook()
        book.prefix = prefix
        book.sharedStrings = ["<t>共享</t>"]
        book.sheets = [("表", xml)]
        let workbook = try Workbook(bytes: book.bytes, fileName: "t.xlsx")
        return try workbook.read(workbook.sheets[0], columns: columns)
    }

    /// Reading the first `columns` columns gives what reading every column and keeping the
    /// first ones gives: rows, cells (values, formulas, styles) and merged ranges.
    private func assertSameAsFiltered(_ xml: String, columns: [Int], prefix: String = "",
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let all = try read(xml, prefix: prefix)
        XCTAssertFalse(all.rows.isEmpty, file: file, line: line)
        for k in columns {
            let narrow = try read(xml, columns: k, prefix: prefix)
            XCTAssert(narrow.rows == ReaderFuzzing.leftOf(k, all.rows), "first \(k) columns: "
                      + Self.firstDifference(narrow.rows, ReaderFuzzing.leftOf(k, all.rows)), file: file, line: line)
            XCTAssertEqual(narrow.mergedRanges, all.mergedRanges, file: file, line: line)
        }
    }

    /// Where two readings first differ, in a line (rows can be long).
    static func firstDifference(_ a: [Row], _ b: [Row]) -> String {
        func show(_ cell: Cell?) -> String {
            guard let cell else { return "none" }
            return "\(cell.reference) \(String(String(describing: cell.value).prefix(60))) \(cell.formula ?? "")"
        }
        for (i, (x, y)) in zip(a, b).enumerated() where x != y {
            if x.index != y.index { return "row \(i): index \(x.index) against \(y.index)" }
            for j in 0..<max(x.cells.count, y.cells.count) {
                let p = j < x.cells.count ? x.cells[j] : nil, q = j < y.cells.count ? y.cells[j] : nil
                if p != q { return "row \(x.index): \(show(p)) against \(show(q))" }
            }
        }
        return "\(a.count) rows against \(b.count)"
    }

    private func worksheet(_ rows: String, prefix p: String = "", after: String = "") -> String {
        let ns = p.isEmpty ? "xmlns=\"\(Self.main)\"" : "xmlns:\(p.dropLast())=\"\(Self.main)\""
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(p)worksheet \(ns)>\n<\(p)sheetData>"
            + rows + "</\(p)sheetData>\(after)</\(p)worksheet>"
    }

    /// A row shaped like a filled template's: fields, then a self-check column and hidden
    /// working columns whose formulas hold Chinese text, escaped `<`, `>` and `&`, line feeds,
    /// and rich text whose element names start with c (`<charset>`, `<color>`).
    private func templateRow(_ r: Int, prefix p: String = "") -> String {
        let fields = "<\(p)c r=\"A\(r)\" t=\"inlineStr\"><\(p)is><\(p)t>幸福小区\(r)号</\(p)t></\(p)is></\(p)c>"
            + "<\(p)c r=\"B\(r)\" t=\"s\"><\(p)v>0</\(p)v></\(p)c>"
            + "<\(p)c r=\"C\(r)\" s=\"0\"><\(p)v>\(1980 + r)</\(p)v></\(p)c>"
            + "<\(p)c r=\"D\(r)\" t=\"inlineStr\"><\(p)is><\(p)r><\(p)rPr><\(p)charset val=\"134\"/><\(p)color rgb=\"FF000000\"/></\(p)rPr>"
            + "<\(p)t>富</\(p)t></\(p)r><\(p)r><\(p)t>文本</\(p)t></\(p)r></\(p)is></\(p)c>"
        let check = "<\(p)c r=\"E\(r)\" t=\"str\"><\(p)f>IF(F\(r)=0,\"\",IF(G\(r)=\"\",\"✓\",LEFT(G\(r),FIND(\"|\",G\(r))-1)))</\(p)f><\(p)v>✓</\(p)v></\(p)c>"
        let working = (0..<6).map { i in
            "<\(p)c t=\"str\"><\(p)f>IFERROR(IF(ROUND(C\(r),9)&lt;&gt;ROUND(C\(r),0),\n\"C\(r)：“建成年份”应填写整数。|\",\n\"\"),\"\")</\(p)f><\(p)v></\(p)v></\(p)c>"
                + (i == 2 ? "<\(p)c r=\"K\(r)\"><\(p)is><\(p)r><\(p)rPr><\(p)charset val=\"1\"/></\(p)rPr><\(p)t>x</\(p)t></\(p)r></\(p)is></\(p)c>" : "")
        }.joined()
        // A cell after the working columns without r: its position follows the one before it.
        let tail = "<\(p)c><\(p)v>\(r)</\(p)v></\(p)c>"
        return "<\(p)row r=\"\(r)\" spans=\"1:18\">" + fields + check + working + tail + "</\(p)row>\n"
    }

    func testATemplateShapedSheetReadsTheSameForEveryLimit() throws {
        let xml = worksheet((1...5).map { templateRow($0) }.joined(),
                            after: "<mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>")
        try assertSameAsFiltered(xml, columns: Array(1...20))
        // The filter did act: right of column 4, cells arrive without their formulas.
        let events = EventStreamInspection.cellModeEvents(Array(xml.utf8), chunk: xml.utf8.count, columns: 4)
        XCTAssert(events.contains("cell 1,5 s=0 r=∅ t=«str» v=«» f=«» is=«» si=∅ flags=000000 depth=4"), events.joined(separator: "\n"))
        XCTAssert(events.contains { $0.hasPrefix("cell 1,3 ") && $0.contains("v=«1981»") })
        XCTAssertFalse(events.contains { $0.contains("建成年份") }, "working formulas are never parsed")
    }

    func testPrefixedSpreadsheetMLReadsTheSame() throws {
        let xml = worksheet((1...3).map { templateRow($0, prefix: "x:") }.joined(), prefix: "x:")
        try assertSameAsFiltered(xml, columns: [1, 4, 5, 9, 12], prefix: "x:")
        let events = EventStreamInspection.cellModeEvents(Array(xml.utf8), chunk: 7, columns: 4)
        XCTAssertFalse(events.contains { $0.contains("建成年份") })
    }

    /// Markup that looks like a cell's end or start where none is: in comments, CDATA sections,
    /// processing instructions and attribute values of dropped cells, and in kept ones.
    func testLookalikeMarkupInsideCellsIsNotMistakenForCells() throws {
        let rows = """
            <row r="1"><c r="A1"><v>1</v></c><c r="C1" t="str"><!-- </c><c r="A1"><v>9</v></c> --><f>"a&gt;b"</f>\
            <v><![CDATA[</c><c r="B1"><v>8</v></c>]]></v><?pi </c> ?></c><c r="D1" t="str" x="a>b/>"><v>d</v></c>\
            <c><v>5</v></c></row>
            <row r="2"><c r="A2" t="str"><!-- <c r="B2"> --><v><![CDATA[<c>]]></v></c><c r="B2"><v>2</v></c>\
            <c r="E2"><v>1</v><extLst><ext uri="x"><c r="A2"><v>7</v></c></ext></extLst></c><c/><c><v>7</v></c></row>
            """
        try assertSameAsFiltered(worksheet(rows), columns: Array(1...8))
        let narrow = try read(worksheet(rows), columns: 2)
        XCTAssertEqual(narrow.rows.map { $0.cells.map { $0.reference.description } }, [["A1"], ["A2", "B2"]])
    }

    /// Excel may put a shared formula's master right of cells that use it (sheetjs's
    /// large_strings has `ref="I285:K348"` on K285): the master's cell passes whole, so the
    /// cells left of the limit still get their formulas.
    func testASharedFormulaWhoseMasterIsRightOfTheLimitStillReads() throws {
        let rows = """
            <row r="1"><c r="A1"><v>1</v></c><c r="C1" t="str"><f t="shared" ref="A1:C2" si="0">B1&amp;"x"</f><v>x</v></c></row>\
            <row r="2"><c r="A2" t="str"><f t="shared" si="0"/><v>1x</v></c><c r="C2" t="str"><f t="shared" si="0"/><v>x</v></c></row>
            """
        try assertSameAsFiltered(worksheet(rows), columns: [1, 2, 3])
        let narrow = try read(worksheet(rows), columns: 1)
        XCTAssertEqual(narrow.rows.last?.cells.first?.formula, "#REF!&\"x\"")
    }

    /// Attributes the filter cannot be sure to read as libxml2 and the shim do (found by a
    /// review): an empty `x:r` after a real `r`, a second `t` on a shared formula, a character
    /// reference in `t`. It switches off, or keeps the cell whole.
    func testAmbiguousAttributesAreNotGuessed() throws {
        let rows = [
            "<row r=\"1\"><c r=\"C1\"><v>3</v></c><c r=\"A1\" x:r=\"\" xmlns:x=\"urn:x\"><v>7</v></c><c><v>8</v></c></row>",
            "<row r=\"1\"><c r=\"C1\"><f t=\"shared\" x:t=\"\" xmlns:x=\"urn:x\" ref=\"A2:C2\" si=\"0\">1+1</f><v>2</v></c></row>"
                + "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" si=\"0\"/><v>2</v></c></row>",
            "<row r=\"1\"><c r=\"C1\"><f t=\"&#115;hared\" ref=\"A2:C2\" si=\"0\">1+1</f><v>2</v></c></row>"
                + "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" si=\"0\"/><v>2</v></c></row>",
        ]
        for xml in rows { try assertSameAsFiltered(worksheet(xml), columns: [1, 2, 3]) }
        XCTAssertEqual(try read(worksheet(rows[2]), columns: 1).rows.first?.cells.first?.formula, "1+1")
    }

    /// In an encoding other than UTF-8 a byte of a multibyte character may look like markup:
    /// such a part passes whole.
    func testAPartInAnotherEncodingPassesWhole() throws {
        let xml = Array(("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><worksheet xmlns=\"\(Self.main)\"><sheetData>"
            + "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"><v>3</v></c></row></sheetData></worksheet>").utf8)
        let events = EventStreamInspection.cellModeEvents(xml, chunk: 5, columns: 1)
        XCTAssert(events.contains { $0.hasPrefix("cell 1,3 ") && $0.contains("v=«3»") }, events.joined(separator: "\n"))
        let utf8 = Array(String(decoding: xml, as: UTF8.self).replacingOccurrences(of: "ISO-8859-1", with: "UTF-8").utf8)
        let dropped = EventStreamInspection.cellModeEvents(utf8, chunk: 5, columns: 1)
        XCTAssertFalse(dropped.contains { $0.contains("v=«3»") }, dropped.joined(separator: "\n"))
    }

    /// Shapes the filter does not know switch it off for the rest of the sheet: a child of a
    /// row that is not a cell, a reference that is not plain A1, a cell's start tag longer than
    /// it holds, a cell outside any row. Cells before and after still read the same.
    func testUnknownShapesSwitchTheFilterOffAndReadTheSame() throws {
        let long = String(repeating: "x", count: 70_000)
        let shapes = [
            "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"><v>3</v></c><extLst/><c r=\"D1\"><v>4</v></c><c><v>5</v></c></row>",
            "<row r=\"1\"><c r=\"C1\"><v>3</v></c><c r=\"&#65;1\"><v>1</v></c><c><v>2</v></c><c r=\"E1\"><v>5</v></c></row>",
            "<row r=\"1\"><c r=\"C1\"><v>3</v></c><c r=\"D1\" note=\"\(long)\"><v>4</v></c><c r=\"A2\"><v>1</v></c></row>",
            "<c r=\"C1\"><v>3</v></c><row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"D2\"><v>4</v></c><c><v>5</v></c></row>",
            "<row><c><v>1</v></c><c><v>2</v></c><c><f>A1</f><v>3</v></c></row><row><c r=\"B2\"/><c><v>4</v></c></row>",
        ]
        for shape in shapes {
            try assertSameAsFiltered(worksheet(shape), columns: [1, 2, 3])
        }
        // A start tag longer than the filter holds passes whole, wherever chunks end.
        let longTag = Array(worksheet(shapes[2]).utf8)
        let whole = EventStreamInspection.cellModeEvents(longTag, chunk: longTag.count, columns: 2)
        XCTAssert(whole.contains { $0.hasPrefix("cell 1,4 ") && $0.contains("v=«4»") }, whole.joined(separator: "\n"))
        for chunk in [1, 100, 4096] {
            XCTAssertEqual(EventStreamInspection.cellModeEvents(longTag, chunk: chunk, columns: 2), whole)
        }
    }

    /// The content of a dropped cell is not checked beyond being balanced markup: a formula
    /// that is not UTF-8 right of the limit reads as an empty cell, where reading every column
    /// refuses the sheet. Inside the limit it is refused as before.
    func testDroppedContentIsNotDecoded() throws {
        var bytes = Array(worksheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"><f>@@</f></c></row>").utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "@"))!
        bytes[at] = 0xFF
        bytes[at + 1] = 0xFE
        let workbook = try Workbook(bytes: FuzzPackage.build(sheet: bytes), fileName: "t.xlsx")
        XCTAssertThrowsError(try workbook.read(workbook.sheets[0]))
        XCTAssertThrowsError(try workbook.read(workbook.sheets[0], columns: 3))
        let narrow = try workbook.read(workbook.sheets[0], columns: 2)
        XCTAssertEqual(narrow.rows.map { $0.cells.map { $0.reference.description } }, [["A1"]])
    }

    /// A syntax error after dropped content that spans lines is reported at the same line.
    func testErrorLinesCountTheDroppedLines() throws {
        let rows = (1...4).map { templateRow($0) }.joined() + "<row r=\"9\"><c r=\"A9\"><v>1</v></row>"
        let xml = worksheet(rows)
        func message(_ columns: Int?) -> String {
            do {
                _ = try read(xml, columns: columns)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let all = message(nil)
        XCTAssert(all.contains("第 55 行"), all)
        for k in [1, 4, 5] { XCTAssertEqual(message(k), all, "first \(k) columns") }
    }

    /// The events with a limit do not depend on where chunks end (every byte a boundary).
    func testChunkBoundariesDoNotChangeWhatIsDropped() throws {
        let xml = Array(worksheet(templateRow(1) + templateRow(2, prefix: "") + """
            <row r="3"><c r="A3"><v>1</v></c><c r="C3"><!-- </c> --><v><![CDATA[]]]]></v><?p?></c><c/><c><v>7</v></c></row>
            """).utf8)
        for k in [1, 2, 4, 5, 9] {
            let whole = EventStreamInspection.cellModeEvents(xml, chunk: xml.count, columns: k)
            XCTAssertFalse(whole.contains { $0.hasPrefix("error ") }, whole.joined(separator: "\n"))
            for chunk in [1, 2, 3, 5, 8, 13, 64] {
                XCTAssertEqual(EventStreamInspection.cellModeEvents(xml, chunk: chunk, columns: k), whole,
                               "first \(k) columns, chunks of \(chunk) bytes")
            }
        }
    }

    /// Markup libxml2 refuses inside a cell right of the limit (`<<`, a name that is none)
    /// switches the filter off, so libxml2 refuses the sheet as it does when reading every
    /// column; the filter never swallows the rows after it.
    func testMarkupLibxml2RefusesIsLeftToLibxml2() throws {
        for odd in ["<</c>", "<1/></c>", "< x/></c>", "<v <x/></c>"] {
            let xml = worksheet(#"<row r="1"><c r="A1"><v>1</v></c><c r="Z1">"# + odd
                                + #"</row><row r="2"><c r="A2"><v>2</v></c></row>"#)
            XCTAssertThrowsError(try read(xml), odd)
            XCTAssertThrowsError(try read(xml, columns: 1), "\(odd): the filter kept it from libxml2")
        }
    }

    /// Every sheet of every readable corpus file (from Excel, WPS, LibreOffice, openpyxl and
    /// others) reads the same in its first columns either way.
    func testCorpusSheetsReadTheSameInTheirFirstColumns() throws {
        let folder = CorpusTests.corpus.appendingPathComponent("xlsx")
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where name.hasSuffix(".xlsx") || name.hasSuffix(".xlsm") {
            guard let workbook = try? Workbook(path: folder.appendingPathComponent(name).path) else { continue }
            for sheet in workbook.sheets {
                guard let all = try? workbook.read(sheet) else { continue }
                for k in [1, 3, 10, 20] {
                    let narrow = try workbook.read(sheet, columns: k)
                    XCTAssert(narrow.rows == ReaderFuzzing.leftOf(k, all.rows), "\(name) \(sheet.name), first \(k) columns: "
                              + Self.firstDifference(narrow.rows, ReaderFuzzing.leftOf(k, all.rows)))
                    XCTAssertEqual(narrow.mergedRanges, all.mergedRanges, name)
                }
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 100)
    }
}
