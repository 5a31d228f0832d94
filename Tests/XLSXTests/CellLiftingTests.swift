import Foundation
import XCTest
@_spi(Fuzzing) @testable import XLSX
@testable import XLSXFuzzing

/// Plain cells (`<c r="B7" s="3" t="s"><v>12</v></c>`) are decoded by the shim's byte-level
/// filter and never reach libxml2 (tb_cell_filter.c, "lifting"). That must be invisible: the
/// same events, records and depths as when libxml2 parses them, errors on the same lines,
/// whatever the chunk boundaries; and cells of any other shape go to libxml2.
final class CellLiftingTests: XCTestCase {
    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    private func worksheet(_ rows: String, prefix p: String = "") -> [UInt8] {
        let ns = p.isEmpty ? "xmlns" : "xmlns:\(p.dropLast())"
        return Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <\(p)worksheet \(ns)="\(Self.main)"><\(p)dimension ref="A1"/><\(p)sheetData>\(rows)</\(p)sheetData>\
            <\(p)pageMargins left="0.7"/></\(p)worksheet>
            """.utf8)
    }

    /// The events with and without lifting are the same, fed whole and in every chunk size up
    /// to `maxChunk`; returns the events and how many cells were lifted (fed whole).
    @discardableResult
    private func assertLiftingIsInvisible(_ xml: [UInt8], columns: Int? = nil, maxChunk: Int = 40,
                                          file: StaticString = #filePath, line: UInt = #line) -> ([String], Int) {
        let parsed = EventStreamInspection.cellModeEvents(xml, chunk: xml.count, columns: columns, liftCells: false)
        let lifted = EventStreamInspection.cellModeEvents(xml, chunk: xml.count, columns: columns)
        XCTAssertEqual(lifted, parsed, "lifted against parsed", file: file, line: line)
        let count = EventStreamInspection.liftedCellCount(xml, chunk: xml.count, columns: columns)
        for chunk in 1...maxChunk {
            XCTAssertEqual(EventStreamInspection.cellModeEvents(xml, chunk: chunk, columns: columns), parsed,
                           "in chunks of \(chunk)", file: file, line: line)
            XCTAssertEqual(EventStreamInspection.liftedCellCount(xml, chunk: chunk, columns: columns), count,
                           "cells lifted in chunks of \(chunk)", file: file, line: line)
        }
        return (lifted, count)
    }

    func testPlainCellsAreLiftedAndReadTheSame() throws {
        let plain = [
            #"<c r="A1" t="s"><v>0</v></c>"#,            // a shared string (python xlsxwriter, openpyxl)
            #"<c r="B1" s="3" t="s"><v>12</v></c>"#,     // Excel, LibreOffice
            #"<c r="C1"><v>-1.5E-3</v></c>"#,            // a number without t
            #"<c r="D1" s="0" t="n"><v>44000</v></c>"#,  // LibreOffice's t="n"
            #"<c r="E1" t="b"><v>1</v></c>"#,
            #"<c r="F1" t="e"><v>#DIV/0!</v></c>"#,
            #"<c r="G1" t="str"><v>a text, with spaces</v></c>"#,
            #"<c r="H1" s="7"/>"#,                       // styled, empty
            #"<c r="I1" s="2"></c>"#,
            #"<c r="J1"><v></v></c>"#,
            #"<c r="K1"><v/></c>"#,
            #"<c><v>5</v></c>"#,                         // no r: the previous cell's column plus one
            #"<c r="m1" t="s"><v>1</v></c>"#,            // lower-case letters, as the reader allows
            #"<c r="$N$1"><v>2</v></c>"#,
            #"<c t="s" s="2" r="O1"><v>3</v></c>"#,      // another order (sheetjs)
            #"<c r="P1"><f>SUM(A1:B1)/2</f><v>3</v></c>"#,  // a formula
            #"<c r="Q1" t="str"><f>"a"</f><v>a</v></c>"#,
            #"<c r="R1"><f/><v>1</v></c>"#,
            #"<c r="S1" s="4294967296"><v>3</v></c>"#,   // too many digits for s: not plain
        ]
        let xml = worksheet(#"<row r="1" spans="1:15">"# + plain.joined() + "</row>")
        let (events, count) = assertLiftingIsInvisible(xml, maxChunk: 60)
        XCTAssertEqual(count, plain.count - 1, events.joined(separator: "\n"))
        XCTAssert(events.contains("cell 1,2 s=3 r=∅ t=«s» v=«12» f=«» is=«» si=∅ flags=100000 depth=4"),
                  events.joined(separator: "\n"))
        XCTAssert(events.contains("cell 1,8 s=7 r=∅ t=∅ v=«» f=«» is=«» si=∅ flags=000000 depth=4"))
        XCTAssert(events.contains("cell 1,11 s=0 r=∅ t=∅ v=«» f=«» is=«» si=∅ flags=100000 depth=4"))
        XCTAssert(events.contains("cell 0,0 s=0 r=∅ t=∅ v=«5» f=«» is=«» si=∅ flags=100000 depth=4"))
        XCTAssert(events.contains("cell 1,16 s=0 r=∅ t=∅ v=«3» f=«SUM(A1:B1)/2» is=«» si=∅ flags=101000 depth=4"))
    }

    func testCellsOfOtherShapesGoToLibxml2() throws {
        let others = [
            #"<c r="A1"><f aca="false">B1+1</f><v>2</v></c>"#,           // an attribute of <f> (LibreOffice)
            #"<c r="S1"><f t="shared" ref="S1:S2" si="0">B1</f><v>2</v></c>"#,
            #"<c r="T1"><f>IF(B1>0,1,0)</f><v>1</v></c>"#,                // '>' in a formula
            #"<c r="U1"><v>1</v><f>B1</f></c>"#,                         // <f> after <v>
            #"<c r="B1" t="inlineStr"><is><t>文字</t></is></c>"#,         // an inline string
            #"<c r='C1'><v>1</v></c>"#,                                  // single quotes
            #"<c r="D1" s="1" x:s="2" xmlns:x="urn:x"><v>1</v></c>"#,   // another s, prefixed
            #"<c r="E1" cm="1"><v>1</v></c>"#,                           // another attribute
            #"<c r="F1" ><v>1</v></c>"#,                                 // white space before '>'
            #"<c  r="G1"><v>1</v></c>"#,
            #"<c r="H1" t="str"><v>非 ASCII</v></c>"#,
            #"<c r="I1" t="str"><v>a &amp; b</v></c>"#,
            #"<c r="J1" t="str"><v>two&#10;lines</v></c>"#,
            "<c r=\"K1\" t=\"str\"><v>a\nb</v></c>",                     // a line feed
            #"<c r="L1"><v>1</v><v>2</v></c>"#,                          // two values
            #"<c r="M1"><v>1</v><extLst/></c>"#,
            #"<c r="N1"><!-- note --><v>1</v></c>"#,
            #"<c r="O1"><v><![CDATA[1]]></v></c>"#,
            #"<c r="P1" t=""><v>1</v></c>"#,
            #"<c r="Q1" s=""><v>1</v></c>"#,
            #"<c r=""><v>1</v></c>"#,
            #"<c r="R1" t="str"><v>\#(String(repeating: "9", count: 300))</v></c>"#,  // longer than a plain cell
        ]
        let xml = worksheet(#"<row r="1">"# + others.joined() + "</row>")
        let (events, count) = assertLiftingIsInvisible(xml, maxChunk: 50)
        XCTAssertEqual(count, 0, events.joined(separator: "\n"))
        XCTAssert(events.contains { $0.hasPrefix("cell 1,1 ") && $0.contains("f=«B1+1»") }, events.joined(separator: "\n"))
        XCTAssert(events.contains { $0.hasPrefix("cell 1,11 ") && $0.contains("v=«a\nb»") })
        // Not in a row of <sheetData>, or prefixed: not lifted either.
        let prefixed = worksheet(#"<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>"#, prefix: "x:")
        XCTAssertEqual(assertLiftingIsInvisible(prefixed).1, 0)
        let stray = Array(#"<worksheet xmlns="\#(Self.main)"><c r="A1"><v>1</v></c><sheetData/></worksheet>"#.utf8)
        XCTAssertEqual(assertLiftingIsInvisible(stray).1, 0)
    }

    /// Between plain cells, cells of other shapes, cells dropped right of a column limit and
    /// rows keep their order and positions.
    func testPlainCellsAmongOthersAndRightOfALimit() throws {
        var rows = ""
        for r in 1...6 {
            rows += #"<row r="\#(r)">"#
            rows += #"<c r="A\#(r)" t="s"><v>\#(r)</v></c>"#
            rows += #"<c t="str"><f>A\#(r)&amp;"x"</f><v>x</v></c>"#
            rows += #"<c r="C\#(r)" s="2"><v>\#(r * 10)</v></c>"#
            rows += #"<c r="E\#(r)" t="inlineStr"><is><t xml:space="preserve"> 甲 </t></is></c>"#
            rows += #"<c><v>\#(r)</v></c>"#
            rows += r == 1 ? #"<c r="H1"><f t="shared" ref="H1:H6" si="0">F1*2</f><v>2</v></c>"#
                : #"<c r="H\#(r)"><f t="shared" si="0"/><v>2</v></c>"#
            rows += "</row>"
        }
        let xml = worksheet(rows)
        let (events, count) = assertLiftingIsInvisible(xml, maxChunk: 70)
        XCTAssertEqual(count, 18, events.joined(separator: "\n"))
        for k in [1, 2, 3, 5, 6] {
            let (_, narrow) = assertLiftingIsInvisible(xml, columns: k, maxChunk: 20)
            XCTAssertEqual(narrow, [1, 1, 2, 2, 3][[1, 2, 3, 5, 6].firstIndex(of: k)!] * 6, "first \(k) columns")
        }
        // And through the reader, cell by cell.
        var book = TestWorkbook()
        book.sharedStrings = (0...6).map { "<t>s\($0)</t>" }
        book.sheets = [("表", String(decoding: xml, as: UTF8.self))]
        let sheet = try { let w = try Workbook(bytes: book.bytes, fileName: "t.xlsx"); return try w.read(w.sheets[0]) }()
        XCTAssertEqual(sheet.rows.count, 6)
        XCTAssertEqual(sheet.rows[2].cells.map { $0.reference.description },
                       ["A3", "B3", "C3", "E3", "F3", "H3"])
        XCTAssertEqual(sheet.rows[2].cells[0].value, .string("s3"))
        XCTAssertEqual(sheet.rows[2].cells[2].value, .number(30))
        XCTAssertEqual(sheet.rows[2].cells[4].value, .number(3))
        XCTAssertEqual(sheet.rows[2].cells[5].formula, "F3*2")
    }

    /// An error after lifted cells is reported with libxml2's message and the file's line.
    func testErrorsAfterLiftedCellsKeepTheirLines() throws {
        var rows = ""
        for r in 1...40 { rows += #"<row r="\#(r)"><c r="A\#(r)"><v>\#(r)</v></c><c r="B\#(r)" t="s"><v>0</v></c></row>"# + "\n" }
        for broken in ["<row r=\"41\"><c r=\"A41\"><v>1</v></c></rowx>", "<row r=\"41\"><c r=\"A41\"><v>1</v></x></c></row>",
                       "<row r=\"41\"><c r=\"A41\" r=\"A42\"><v>1</v></c></row>", "<row r=\"41\"><c r=\"A41\"><v>\u{1}</v></c></row>"] {
            let xml = worksheet(rows + broken)
            let parsed = EventStreamInspection.cellModeEvents(xml, chunk: xml.count, liftCells: false)
            XCTAssert(parsed.last?.hasPrefix("error ") == true, broken)
            XCTAssert(parsed.last?.contains("42") == true || parsed.last?.contains("第 42 行") == true, parsed.last ?? "")
            for chunk in [xml.count, 1, 7, 64] {
                XCTAssertEqual(EventStreamInspection.cellModeEvents(xml, chunk: chunk).last, parsed.last, "\(broken), chunks of \(chunk)")
            }
        }
    }

    /// The nesting limit holds for lifted cells as for parsed ones.
    func testTheDepthLimitStillHolds() throws {
        let xml = worksheet(#"<row r="1"><c r="A1"><v>1</v></c></row>"#)
        var limits = ReadLimits.standard
        for depth in 3...5 {
            limits.maxXMLDepth = depth
            let parsed = EventStreamInspection.cellModeEvents(xml, chunk: xml.count, liftCells: false, limits: limits)
            XCTAssertEqual(EventStreamInspection.cellModeEvents(xml, chunk: xml.count, limits: limits), parsed, "depth \(depth)")
            XCTAssertEqual(parsed.last?.hasPrefix("error "), depth < 5, "depth \(depth): \(parsed)")
        }
    }

    /// A cell held to be lifted that turns out not to be plain is read as any other: markup
    /// that does not belong in a cell (a row) still switches the filter off, so the cells right
    /// of a column limit after it keep their content, and libxml2 still sees what it refuses.
    func testACellThatIsNotPlainAfterAllIsReadAsAnyOther() throws {
        let rowInCell = worksheet(#"<row r="1"><c r="A1"><row/><v>1</v></c><c r="B1"><v>2</v></c></row>"#)
        let (events, _) = assertLiftingIsInvisible(rowInCell, columns: 1, maxChunk: 20)
        XCTAssert(events.contains { $0.hasPrefix("cell 1,2 ") && $0.contains("v=«2»") }, events.joined(separator: "\n"))
        let broken = worksheet(#"<row r="1"><c r="A1"><row/><v>1</v></c><c r="B1"><f>A1</v></c></row>"#)
        for lift in [true, false] {
            let events = EventStreamInspection.cellModeEvents(broken, chunk: broken.count, columns: 1, liftCells: lift)
            XCTAssert(events.last?.contains("Opening and ending tag mismatch") == true, "lifting \(lift): \(events)")
        }
    }

    /// The text limit applies to a lifted cell's attributes as to a parsed cell's.
    func testTheTextLimitHoldsForAttributes() throws {
        var limits = ReadLimits.standard
        for n in 1...4 {
            limits.maxTextBytes = n
            let xml = worksheet(#"<row r="1"><c r="A10" s="12"/></row>"#)
            let parsed = EventStreamInspection.cellModeEvents(xml, chunk: xml.count, liftCells: false, limits: limits)
            XCTAssertEqual(EventStreamInspection.cellModeEvents(xml, chunk: xml.count, limits: limits), parsed, "limit \(n)")
            XCTAssertEqual(parsed.last?.hasPrefix("error "), n < 3, "limit \(n): \(parsed)")
        }
    }

    /// A part in an encoding that is not ASCII-compatible is never lifted (in UTF-16 a
    /// character's bytes may spell `<c r="A1"/>`).
    func testAPartInUTF16IsNotLifted() throws {
        let text = String(decoding: worksheet(#"<row r="1"><c r="A1"><v>1</v></c></row>"#), as: UTF8.self)
            .replacingOccurrences(of: "UTF-8", with: "UTF-16")
        let utf16 = [0xFF, 0xFE] + Array(text.data(using: .utf16LittleEndian)!)
        let (events, count) = assertLiftingIsInvisible(utf16, maxChunk: 8)
        XCTAssertEqual(count, 0)
        XCTAssert(events.contains { $0.hasPrefix("cell 1,1 ") && $0.contains("v=«1»") }, events.joined(separator: "\n"))
        XCTAssertEqual(assertLiftingIsInvisible(worksheet(#"<row r="1"><c r="A1"><v>1</v></c></row>"#)).1, 1)
    }

    /// Every worksheet of every corpus file (from Excel, WPS, LibreOffice, openpyxl and others)
    /// gives the same events with lifting as without, whole and in chunks; most cells are lifted.
    func testCorpusWorksheetsGiveTheSameEvents() throws {
        let folder = CorpusTests.corpus.appendingPathComponent("xlsx")
        var sheets = 0, cells = 0, lifted = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where name.hasSuffix(".xlsx") || name.hasSuffix(".xlsm") {
            guard let archive = try? ZipArchive(path: folder.appendingPathComponent(name).path, displayName: name,
                                                limits: .standard) else { continue }
            for entry in archive.entries where entry.name.hasPrefix("xl/worksheets/") && entry.name.hasSuffix(".xml") {
                guard let xml = try? archive.readAll(entry) else { continue }
                // (libxml2 refuses a chunk of more than 10 MB: "Huge input lookup".)
                let whole = min(xml.count, 1 << 20)
                let parsed = EventStreamInspection.cellModeEvents(xml, chunk: whole, liftCells: false)
                for chunk in [whole, 65_536, 4_093] {
                    let events = EventStreamInspection.cellModeEvents(xml, chunk: chunk)
                    XCTAssert(events == parsed, "\(name) \(entry.name) in chunks of \(chunk): "
                              + Self.firstDifference(events, parsed))
                }
                sheets += 1
                cells += parsed.filter { $0.hasPrefix("cell ") }.count
                lifted += EventStreamInspection.liftedCellCount(xml, chunk: 65_536)
            }
        }
        XCTAssertGreaterThanOrEqual(sheets, 100)
        // Most corpus cells are of the plain shape; the others are mostly in two files (inline
        // strings written with indentation; formulas on 21,519 cells of long text).
        XCTAssertGreaterThan(Double(lifted), 0.4 * Double(cells), "\(lifted) of \(cells) cells lifted")
    }

    static func firstDifference(_ a: [String], _ b: [String]) -> String {
        for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
            return "#\(i): \(i < a.count ? a[i] : "—") against \(i < b.count ? b[i] : "—")"
        }
        return "none"
    }
}
