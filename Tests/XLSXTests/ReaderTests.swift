import XCTest
@testable import XLSX

/// Reader behaviour pinned on small hand-made packages, one quirk per test.
final class ReaderTests: XCTestCase {
    private func read(_ book: TestWorkbook, sheet: Int = 0) throws -> Worksheet {
        let workbook = try Workbook(bytes: book.bytes, fileName: "test.xlsx")
        return try workbook.read(workbook.sheets[sheet])
    }

    private func book(_ data: String, configure: (inout TestWorkbook) -> Void = { _ in }) -> TestWorkbook {
        var b = TestWorkbook()
        configure(&b)
        b.sheets = [("Sheet1", b.worksheet(data))]
        return b
    }

    func testCellsWithoutReferencesFollowThePreviousOne() throws {
        let ws = try read(book("""
            <row><c><v>1</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row>\
            <row r="5"><c r="C5"><v>3</v></c><c><v>4</v></c></row>
            """))
        XCTAssertEqual(ws.rows.map(\.index), [1, 2, 5])
        XCTAssertEqual(ws["A1"]?.value, .number(1))
        XCTAssertEqual(ws["B1"]?.value, .number(2))
        XCTAssertEqual(ws["A2"]?.value, .string("x"))
        XCTAssertEqual(ws["D5"]?.value, .number(4))
    }

    func testFarCellsCostNoGap() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>\
            <row r="1048576"><c r="XFD1048576"><v>3</v></c></row>
            """))
        XCTAssertEqual(ws.rows.count, 2)
        XCTAssertEqual(ws.rows[0].cells.count, 2)
        XCTAssertEqual(ws["XFD1048576"]?.value, .number(3))
    }

    /// A column limit leaves out the cells right of it (values, formulas, even a shared
    /// formula's master) and keeps everything left of it; rows with nothing left are not rows.
    func testColumnLimitLeavesOutCellsRightOfIt() throws {
        let b = book("""
            <row r="1"><c r="A1"><v>1</v></c><c r="B1" t="str"><f>A1&amp;"x"</f><v>1x</v></c>            <c r="C1"><f t="shared" ref="C1:C2" si="0">A1*2</f><v>2</v></c></row>            <row r="2"><c r="C2"><f t="shared" si="0"/><v>4</v></c></row>            <row r="3"><c><v>5</v></c><c><v>6</v></c><c t="inlineStr"><is><t>z</t></is></c></row>
            """)
        let workbook = try Workbook(bytes: b.bytes, fileName: "test.xlsx")
        let ws = try workbook.read(workbook.sheets[0], columns: 2)
        XCTAssertEqual(ws.rows.map(\.index), [1, 3])
        XCTAssertEqual(ws["A1"]?.value, .number(1))
        XCTAssertEqual(ws["B1"]?.formula, "A1&\"x\"")
        XCTAssertNil(ws["C1"])
        XCTAssertNil(ws["C2"])
        XCTAssertEqual(ws["B3"]?.value, .number(6), "cells without references are counted before the limit applies")
        XCTAssertNil(ws["C3"])
        XCTAssertEqual(try workbook.read(workbook.sheets[0])["C2"]?.formula, "A2*2", "no limit: every cell")
    }

    func testReferencesOutsideTheGridAreRefused() {
        XCTAssertThrowsError(try read(book("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"))) {
            XCTAssertEqual(($0 as? XLSXError)?.code, "bad-cell-reference")
        }
        XCTAssertThrowsError(try read(book("<row r=\"1048577\"><c><v>1</v></c></row>"))) {
            XCTAssertEqual(($0 as? XLSXError)?.code, "bad-cell-reference")
        }
    }

    /// The cell decoder in the XML shim: what it keeps and skips inside one `<c>`.
    func testCellDecoderQuirks() throws {
        let ws = try read(book("""
            <row r="1"><c r="$A$1"><v>1</v></c><c r="b1"><v>2</v></c><c r=""><v>3</v></c>            <c r="E1"><extLst><ext><v>99</v>junk</ext></extLst><v>4</v></c>            <c r="F1"><v>1</v><v>2</v></c>            <c r="G1" t="inlineStr"><is><t>  trimmed  </t><rPh><t>ふりがな</t></rPh><t xml:space="preserve"> kept </t></is></c>            <c r="H1"><f t="shared" ref="H1:H2">A1*2</f><v>2</v></c></row>            <row r="2"><c r="H2"><f t="shared" si="0"/><v>4</v></c><c r="I2"><f t="shared"/><v>5</v></c>            <c r="J2"><f t="dataTable" ref="J2:J3">A1</f><v>6</v></c></row>
            """))
        XCTAssertEqual(ws["A1"]?.value, .number(1))
        XCTAssertEqual(ws["B1"]?.value, .number(2))
        XCTAssertEqual(ws["C1"]?.value, .number(3), "an empty r follows the previous cell")
        XCTAssertEqual(ws["E1"]?.value, .number(4), "an unknown child is skipped with its content")
        XCTAssertEqual(ws["F1"]?.value, .number(12), "two <v> are read as one text")
        XCTAssertEqual(ws["G1"]?.value, .string("trimmed kept "))
        XCTAssertEqual(ws["H1"]?.formula, "A1*2")
        XCTAssertNil(ws["H2"]?.formula, "a shared formula without its master (no si on H1) is not invented")
        XCTAssertEqual(ws["H2"]?.value, .number(4))
        XCTAssertNil(ws["I2"]?.formula)
        XCTAssertNil(ws["J2"]?.formula, "data-table formulas are not formulas of the cell")
        XCTAssertEqual(ws["J2"]?.value, .number(6))
    }

    /// The fast decimal path gives the Double strtod gives, digit for digit.
    func testNumbersMatchStrtod() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "5.", ".5", "-.5", "0.1", "0.30000000000000004", "123456789012345", "1234567890123456",
                     "9007199254740993", "1e5", "-1.5E-3", "00012.3400", "3.14159265358979", "0.000000000000000000001"]
        for _ in 0..<300 {
            let digits = Int.random(in: 1...17, using: &generator)
            var t = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let point = Int.random(in: 0...digits, using: &generator)
            if point < digits { t.insert(".", at: t.index(t.startIndex, offsetBy: point)) }
            texts.append(Bool.random(using: &generator) ? "-" + t : t)
        }
        let cells = texts.enumerated().map { "<c r=\"A\($0.offset + 1)\"><v>\($0.element)</v></c>" }
        let ws = try read(book(cells.enumerated().map { "<row r=\"\($0.offset + 1)\">\($0.element)</row>" }.joined()))
        for (i, text) in texts.enumerated() {
            let expected = strtod(text, nil)
            guard case .number(let n)? = ws["A\(i + 1)"]?.value else {
                XCTAssert(text.hasPrefix(".") || text.hasPrefix("-."), "\(text) not read as a number")
                continue
            }
            XCTAssertEqual(n.bitPattern == expected.bitPattern || (n == 0 && expected == 0), true, "\(text): \(n) ≠ \(expected)")
        }
    }

    func testRichSharedStringsConcatenateRunsAndSkipPhonetics() throws {
        let ws = try read(book("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>") {
            $0.sharedStrings = [
                "<r><rPr><b/></rPr><t>老旧</t></r><r><t xml:space=\"preserve\"> 小区</t></r>",
                "<t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh><phoneticPr fontId=\"1\"/>",
            ]
        })
        XCTAssertEqual(ws["A1"]?.value, .string("老旧 小区"))
        XCTAssertEqual(ws["B1"]?.value, .string("東京"))
    }

    func testInlineStringsWithRunsAndAStrayValue() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1" t="inlineStr"><is><r><t>改造</t></r><r><rPr><i/></rPr><t>类型</t></r></is><v>ignored</v></c>\
            <c r="B1" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>
            """))
        XCTAssertEqual(ws["A1"]?.value, .string("改造类型"))
        XCTAssertEqual(ws["B1"]?.value, .string("a<b"))
    }

    func testEscapesAreDecoded() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D__x000A_b</t></is></c>\
            <c r="B1" t="inlineStr"><is><t>_x005F_x0041_</t></is></c>\
            <c r="C1" t="inlineStr"><is><t>_xD83C__xDF63_</t></is></c>\
            <c r="D1" t="str"><f>"x"</f><v>_x0041_</v></c></row>
            """))
        XCTAssertEqual(ws["A1"]?.value, .string("a\r\nb"))
        XCTAssertEqual(ws["B1"]?.value, .string("_x0041_"))
        XCTAssertEqual(ws["C1"]?.value, .string("🍣"))
        XCTAssertEqual(ws["D1"]?.value, .string("A"))
    }

    func testWhiteSpaceIsKeptOnlyWhenPreserved() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>  a  </t></is></c>\
            <c r="B1" t="inlineStr"><is><t xml:space="preserve">  b  </t></is></c>\
            <c r="C1" t="inlineStr"><is><t>   </t></is></c></row>
            """))
        XCTAssertEqual(ws["A1"]?.value, .string("a"))
        XCTAssertEqual(ws["B1"]?.value, .string("  b  "))
        XCTAssertNil(ws["C1"], "a string that trims to nothing is an empty cell")
    }

    func testPrefixedElements() throws {
        let ws = try read(book("<x:row r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>0</x:v></x:c></x:row>") {
            $0.prefix = "x:"
            $0.sharedStrings = ["<x:t>前缀</x:t>"]
        })
        XCTAssertEqual(ws["B2"]?.value, .string("前缀"))
    }

    func testStrictNamespaces() throws {
        let ws = try read(book("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>44362</v></c></row>") {
            $0.mainNamespace = "http://purl.oclc.org/ooxml/spreadsheetml/main"
            $0.relNamespace = "http://purl.oclc.org/ooxml/officeDocument/relationships"
            $0.cellFormats = [0, 14]
        })
        XCTAssertEqual(ws["A1"]?.value, .date(ExcelDateTime(kind: .date, year: 2021, month: 6, day: 15), serial: 44362))
    }

    func testDatesFollowTheCellFormat() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1" s="1"><v>44362</v></c><c r="B1" s="2"><v>44362.354166666664</v></c>\
            <c r="C1" s="3"><v>0.354166666666667</v></c><c r="D1" s="4"><v>1.5</v></c>\
            <c r="E1" s="5"><v>44362</v></c><c r="F1" s="6"><v>44362</v></c><c r="G1" s="1"><v>-1</v></c>\
            <c r="H1" s="7"><v>44362</v></c></row>
            """) {
            $0.numberFormats = [164: "yyyy\"年\"m\"月\"d\"日\"", 165: "[h]:mm", 166: "[$-804]yyyy/m/d;@",
                                167: "0.00\"d\""]
            $0.cellFormats = [0, 14, 22, 20, 165, 164, 166, 167]
        })
        XCTAssertEqual(ws["A1"]?.value?.text, "2021-06-15")
        XCTAssertEqual(ws["B1"]?.value?.text, "2021-06-15T08:30:00")
        XCTAssertEqual(ws["C1"]?.value?.text, "08:30:00")
        XCTAssertEqual(ws["D1"]?.value, .number(1.5), "elapsed time stays a number of days")
        XCTAssertEqual(ws["E1"]?.value?.text, "2021-06-15")
        XCTAssertEqual(ws["F1"]?.value?.text, "2021-06-15")
        XCTAssertEqual(ws["G1"]?.value, .number(-1), "a negative serial is no date")
        XCTAssertEqual(ws["H1"]?.value, .number(44362), "a quoted d is text, not a day")
    }

    func testThe1904DateSystem() throws {
        let ws = try read(book("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>42900</v></c></row>") {
            $0.date1904 = true
            $0.cellFormats = [0, 14]
        })
        XCTAssertEqual(ws["A1"]?.value?.text, "1904-01-01")
        XCTAssertEqual(ws["B1"]?.value?.text, "2021-06-15")
    }

    func testDatesBefore1900InThe1900DateBase() throws {
        // LibreOffice saves dateCompatibility="false": serial 0 is 1899-12-30, no phantom day,
        // and days before it are negative.
        let cells = """
            <row r="1"><c r="A1" s="1"><v>-18095</v></c><c r="B1" s="2"><v>-18094.4791666667</v></c>\
            <c r="C1" s="1"><v>1</v></c><c r="D1" s="1"><v>60</v></c><c r="E1" s="1"><v>44362</v></c>\
            <c r="F1"><v>-18095</v></c><c r="G1" s="1"><v>-693594</v></c></row>
            """
        let ws = try read(book(cells) {
            $0.dateCompatibility = "false"
            $0.cellFormats = [0, 14, 22]
        })
        XCTAssertEqual(ws["A1"]?.value?.text, "1850-06-15")
        XCTAssertEqual(ws["A1"]?.value, .date(ExcelDateTime(kind: .date, year: 1850, month: 6, day: 15), serial: -18095),
                       "the serial is kept for a reader that wants the number")
        XCTAssertEqual(ws["B1"]?.value?.text, "1850-06-15T12:30:00")
        XCTAssertEqual(ws["C1"]?.value?.text, "1899-12-31")
        XCTAssertEqual(ws["D1"]?.value?.text, "1900-02-28")
        XCTAssertEqual(ws["E1"]?.value?.text, "2021-06-15")
        XCTAssertEqual(ws["F1"]?.value, .number(-18095), "without a date format, a number")
        XCTAssertEqual(ws["G1"]?.value, .number(-693_594), "before 0001-01-01: no four-digit year, a number")
        // The same cells in Excel's 1900 system (no dateCompatibility, or "true").
        for declared in [nil, "1", "true"] as [String?] {
            let excel = try read(book(cells) {
                $0.dateCompatibility = declared
                $0.cellFormats = [0, 14, 22]
            })
            XCTAssertEqual(excel["A1"]?.value, .number(-18095), "Excel shows ####: no date")
            XCTAssertEqual(excel["C1"]?.value?.text, "1900-01-01")
            XCTAssertEqual(excel["E1"]?.value?.text, "2021-06-15")
        }
    }

    func testISODateCells() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1" t="d"><v>2021-06-15</v></c><c r="B1" t="d"><v>2021-06-15T08:30:00Z</v></c>\
            <c r="C1" t="d" s="1"><v>2021-06-15T08:30:00</v></c><c r="D1" t="d"><v>not a date</v></c></row>
            """) { $0.cellFormats = [0, 14] })
        XCTAssertEqual(ws["A1"]?.value?.text, "2021-06-15")
        XCTAssertEqual(ws["B1"]?.value?.text, "2021-06-15T08:30:00")
        XCTAssertEqual(ws["C1"]?.value?.text, "2021-06-15", "a date-only format shows the date")
        XCTAssertEqual(ws["D1"]?.value, .string("not a date"), "unparsable text is kept, not lost")
    }

    func testTypesFormulasAndSharedFormulas() throws {
        let ws = try read(book("""
            <row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c>\
            <c r="C1"><f t="shared" ref="C1:C3" si="0">A1*2+$B$1+SUM(A:A)</f><v>2</v></c>\
            <c r="D1"><f>NOW()</f></c></row>\
            <row r="2"><c r="C2"><f t="shared" si="0"/><v>4</v></c></row>\
            <row r="3"><c r="C3"><f t="shared" si="0"/></c></row>
            """))
        XCTAssertEqual(ws["A1"]?.value, .bool(true))
        XCTAssertEqual(ws["B1"]?.value, .error("#N/A"))
        XCTAssertEqual(ws["C1"]?.formula, "A1*2+$B$1+SUM(A:A)")
        XCTAssertEqual(ws["C2"]?.formula, "A2*2+$B$1+SUM(A:A)")
        XCTAssertEqual(ws["C2"]?.value, .number(4))
        XCTAssertEqual(ws["C3"]?.formula, "A3*2+$B$1+SUM(A:A)")
        XCTAssertNil(ws["C3"]?.value, "no cached value was saved")
        XCTAssertEqual(ws["D1"]?.formula, "NOW()")
    }

    func testMergedRangesAndSheetStates() throws {
        var b = TestWorkbook()
        b.sheets = [("A", b.worksheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>",
                                      after: "<mergeCells count=\"1\"><mergeCell ref=\"A1:C1\"/></mergeCells>"))]
        let workbook = try Workbook(bytes: b.bytes, fileName: "m.xlsx")
        let ws = try workbook.read(workbook.sheets[0])
        XCTAssertEqual(ws.mergedRanges, ["A1:C1"])
        XCTAssertEqual(workbook.sheets[0].state, .visible)
    }

    func testDoctypeIsRefused() {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>
            """
        var b = TestWorkbook()
        b.sheets = [("S", xxe)]
        XCTAssertThrowsError(try read(b)) { error in
            let e = error as? XLSXError
            XCTAssertEqual(e?.code, "malformed-xml")
            XCTAssertTrue(e?.message.contains("DOCTYPE") ?? false, e?.message ?? "")
        }
    }

    func testMalformedXMLNamesThePartAndLine() {
        var b = TestWorkbook()
        b.sheets = [("S", "<worksheet><sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</v></row></sheetData></worksheet>")]
        XCTAssertThrowsError(try read(b)) { error in
            guard let e = error as? XLSXError, case .malformedPart(let part, let line, _) = e.kind else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(part, "xl/worksheets/sheet1.xml")
            XCTAssertEqual(line, 2)
            XCTAssertTrue(e.message.contains("test.xlsx"))
        }
    }

    func testWrongKindsOfFileAreNamed() {
        func code(_ bytes: [UInt8], _ name: String) -> String? {
            do { _ = try Workbook(bytes: bytes, fileName: name); return nil } catch { return (error as? XLSXError)?.code }
        }
        let cfb: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        let workbookStream = Array("Workbook".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        XCTAssertEqual(code([], "a.xlsx"), "empty-file")
        XCTAssertEqual(code(Array("单位,数量\n江岸区,3\n".utf8), "a.csv"), "text-file")
        XCTAssertEqual(code(cfb + workbookStream, "a.xls"), "xls")
        XCTAssertEqual(code(cfb + workbookStream, "a.et"), "wps-et")
        XCTAssertEqual(code(Array(TestWorkbook().bytes.prefix(40)), "cut.xlsx"), "corrupt-zip")
        var ods = StoredZip()
        ods.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        XCTAssertEqual(code(ods.bytes, "a.ods"), "ods")
        var docx = StoredZip()
        docx.add("word/document.xml", "<w/>")
        XCTAssertEqual(code(docx.bytes, "a.docx"), "not-a-workbook")
    }

    func testPropertiesAndDefinedNames() throws {
        var b = TestWorkbook()
        b.sheets = [("S", b.worksheet(""))]
        b.extraParts = [
            ("docProps/custom.xml", """
                <?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" \
                xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
                <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="tianbao.unit"><vt:lpwstr>jiangan</vt:lpwstr></property>\
                <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="n"><vt:i4>7</vt:i4></property></Properties>
                """),
            ("docProps/core.xml", """
                <?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
                xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>填报</dc:title><dc:creator>办公室</dc:creator></cp:coreProperties>
                """),
        ]
        let workbook = try Workbook(bytes: b.bytes, fileName: "p.xlsx")
        XCTAssertEqual(workbook.properties.custom["tianbao.unit"], "jiangan")
        XCTAssertEqual(workbook.properties.custom["n"], "7")
        XCTAssertEqual(workbook.properties.core["title"], "填报")
        XCTAssertEqual(workbook.properties.core["creator"], "办公室")
    }
}

final class NumberFormatTests: XCTestCase {
    func testBuiltinIds() {
        XCTAssertEqual(NumberFormat.builtinKind(0), .number)
        XCTAssertEqual(NumberFormat.builtinKind(14), .date)
        XCTAssertEqual(NumberFormat.builtinKind(20), .time)
        XCTAssertEqual(NumberFormat.builtinKind(22), .dateTime)
        XCTAssertEqual(NumberFormat.builtinKind(31), .date)
        XCTAssertEqual(NumberFormat.builtinKind(32), .time)
        XCTAssertEqual(NumberFormat.builtinKind(46), .duration)
        XCTAssertEqual(NumberFormat.builtinKind(57), .date)
        XCTAssertEqual(NumberFormat.builtinKind(10), .number)
    }

    func testCustomCodes() {
        let cases: [(String, NumberFormatKind)] = [
            ("yyyy-mm-dd", .date), ("yyyy/m/d h:mm", .dateTime), ("h:mm:ss", .time), ("mm:ss", .time),
            ("[h]:mm", .duration), ("[mm]:ss", .duration), ("[Red]0.00", .number), ("[$-804]yyyy\"年\"m\"月\"", .date),
            ("[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", .date), ("0.00\"天\"", .number), ("\"day \"0", .number),
            ("General", .number), ("0.00E+00", .number), ("#,##0.00_);[Red](#,##0.00)", .number),
            ("mmm", .date), ("AM/PM h", .time), ("A/P", .time), ("@", .number), ("0%", .number),
            ("YYYY", .date), ("\\d0", .number), ("[>100]0;0.0", .number), ("yyyy-mm-dd;@", .date),
            ("0;[Red]yyyy", .number),
        ]
        for (code, kind) in cases {
            XCTAssertEqual(NumberFormat.kind(ofCode: code), kind, code)
        }
    }
}

final class DateTimeTests: XCTestCase {
    func testSerials1900() {
        func iso(_ s: Double, _ k: ExcelDateTime.Kind = .date) -> String? {
            ExcelDateTime(serial: s, kind: k, date1904: false)?.iso8601
        }
        XCTAssertEqual(iso(1), "1900-01-01")
        XCTAssertEqual(iso(59), "1900-02-28")
        XCTAssertEqual(iso(61), "1900-03-01")
        XCTAssertEqual(iso(44362), "2021-06-15")
        XCTAssertEqual(iso(44362.5, .dateTime), "2021-06-15T12:00:00")
        XCTAssertEqual(iso(44362, .dateTime), "2021-06-15T00:00:00")
        XCTAssertEqual(iso(0.999999999, .dateTime), "1900-01-01T00:00:00", "rounds to the millisecond")
        XCTAssertEqual(iso(0.5 + 0.25 / 86400, .time), "12:00:00.250")
        XCTAssertEqual(iso(2_958_465), "9999-12-31")
        XCTAssertNil(iso(2_958_466))
        XCTAssertNil(iso(-1))
    }

    func testSerialsInThe1900DateBase() {
        func iso(_ s: Double, _ k: ExcelDateTime.Kind = .date) -> String? {
            ExcelDateTime(serial: s, kind: k, system: .base1900)?.iso8601
        }
        XCTAssertEqual(iso(0), "1899-12-30")
        XCTAssertEqual(iso(1), "1899-12-31")
        XCTAssertEqual(iso(2), "1900-01-01")
        XCTAssertEqual(iso(59), "1900-02-27")
        XCTAssertEqual(iso(60), "1900-02-28")
        XCTAssertEqual(iso(61), "1900-03-01")
        XCTAssertEqual(iso(44362), "2021-06-15")
        XCTAssertEqual(iso(-1), "1899-12-29")
        XCTAssertEqual(iso(-0.25, .dateTime), "1899-12-29T18:00:00", "the day is floored, the time counts forward")
        XCTAssertEqual(iso(-0.25, .time), "18:00:00")
        XCTAssertEqual(iso(-18094.4791666667, .dateTime), "1850-06-15T12:30:00")
        XCTAssertEqual(iso(-1.0 / 86_400_000 / 4, .dateTime), "1899-12-30T00:00:00", "rounds to the millisecond first")
        XCTAssertEqual(iso(-115_858), "1582-10-15")
        XCTAssertEqual(iso(-115_859), "1582-10-14", "proleptic Gregorian, as ISO 8601 (LibreOffice shows 1582-10-04)")
        XCTAssertEqual(iso(-693_593), "0001-01-01")
        XCTAssertNil(iso(-693_593.5, .dateTime))
        XCTAssertNil(iso(-693_594))
        XCTAssertNil(iso(.nan))
        XCTAssertEqual(ExcelDateTime(serial: 59, kind: .date, system: .excel1900)?.iso8601, "1900-02-28")
        XCTAssertNil(ExcelDateTime(serial: -1, kind: .date, system: .excel1900))
        XCTAssertNil(ExcelDateTime(serial: -1, kind: .date, system: .excel1904))
    }

    func testTheDateSystemIsWhatWorkbookPrDeclares() {
        XCTAssertEqual(DateSystem(date1904: nil, dateCompatibility: nil), .excel1900)
        XCTAssertEqual(DateSystem(date1904: "0", dateCompatibility: "1"), .excel1900)
        XCTAssertEqual(DateSystem(date1904: "false", dateCompatibility: "true"), .excel1900)
        XCTAssertEqual(DateSystem(date1904: nil, dateCompatibility: "false"), .base1900)
        XCTAssertEqual(DateSystem(date1904: "false", dateCompatibility: "0"), .base1900)
        XCTAssertEqual(DateSystem(date1904: "1", dateCompatibility: nil), .excel1904)
        XCTAssertEqual(DateSystem(date1904: "TRUE", dateCompatibility: nil), .excel1904)
        XCTAssertEqual(DateSystem(date1904: "true", dateCompatibility: "false"), .excel1904, "as LibreOffice reads it")
        XCTAssertEqual(DateSystem(date1904: "yes", dateCompatibility: "no"), .excel1900, "not xsd:boolean: the default")
    }

    func testSerials1904AndBack() {
        let d = ExcelDateTime(serial: 42900, kind: .date, date1904: true)!
        XCTAssertEqual(d.iso8601, "2021-06-15")
        XCTAssertEqual(d.serial(date1904: true), 42900)
        XCTAssertEqual(d.serial(date1904: false), 44362)
    }

    func testISOParsing() {
        XCTAssertEqual(ExcelDateTime(iso: "2021-06-15")?.iso8601, "2021-06-15")
        XCTAssertEqual(ExcelDateTime(iso: "2021-06-15T08:30:00.5Z")?.iso8601, "2021-06-15T08:30:00.500")
        XCTAssertEqual(ExcelDateTime(iso: "08:30:00")?.iso8601, "08:30:00")
        XCTAssertNil(ExcelDateTime(iso: "2021-02-30"))
        XCTAssertNil(ExcelDateTime(iso: "2021年6月15日"))
    }
}

final class NumberTextTests: XCTestCase {
    func testAppendWritesWhatFormatWrites() {
        func check(_ value: Double, file: StaticString = #filePath, line: UInt = #line) {
            var out: [UInt8] = []
            NumberText.append(value, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), NumberText.format(value), "\(value.bitPattern)", file: file, line: line)
        }
        for v in [0, -0.0, 1, -1, 0.5, -0.5, 12.35, 0.1, 0.2, 0.3, 0.7, 0.001, 0.0011, 0.000999, 0.0001, -0.001,
                  123456.789, 2_147_483_647.5, 2_147_483_648.25, 1e15, 1e15 + 0.5, 1.5e-7, .pi, 1.0 / 3, 2.0 / 3,
                  162_994_515.55, 99.99, 100.001, 4_503_599_627_370_496.5, 1e300, .leastNonzeroMagnitude,
                  .greatestFiniteMagnitude, .infinity, .nan, 0.1 + 0.2, 1.005, 2.675, 8.2 - 0.2] as [Double] {
            check(v)
            check(-v)
        }
        // Decimals of up to eight places and any bit pattern, from a fixed sequence.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for _ in 0..<300_000 {
            let places = Int(next() % 9)
            let magnitude = [10.0, 1e4, 1e7, 1e10][Int(next() % 4)]
            let units = Double(Int64(next() % UInt64(magnitude * 1000))) - magnitude * 500
            check(units / [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8][places])
            check(Double(bitPattern: next()))
        }
    }
}

final class FormulaTranslatorTests: XCTestCase {
    func testShifts() {
        XCTAssertEqual(FormulaTranslator.translate("A1+$B1+C$1+$D$1", rows: 2, columns: 1), "B3+$B3+D$1+$D$1")
        XCTAssertEqual(FormulaTranslator.translate("SUM(E:F)+SUM(5:6)+SUM($E:E)", rows: 1, columns: 1),
                       "SUM(F:G)+SUM(6:7)+SUM($E:F)")
        XCTAssertEqual(FormulaTranslator.translate("IF(A1=\"A1\",LOG10(B2),'My A1'!C3)", rows: 1, columns: 0),
                       "IF(A2=\"A1\",LOG10(B3),'My A1'!C4)")
        XCTAssertEqual(FormulaTranslator.translate("Sheet2!A1*1.5E+3", rows: 1, columns: 0), "Sheet2!A2*1.5E+3")
        XCTAssertEqual(FormulaTranslator.translate("A1", rows: -1, columns: 0), "#REF!")
        XCTAssertEqual(FormulaTranslator.translate("Table1[[#This Row],[A1]]", rows: 1, columns: 0),
                       "Table1[[#This Row],[A1]]")
    }
}

final class EscapeTests: XCTestCase {
    func testDecode() {
        func d(_ s: String) -> String { Array(s.utf8).withUnsafeBufferPointer { TextDecoding.decodeEscapes($0) } }
        XCTAssertEqual(d("plain"), "plain")
        XCTAssertEqual(d("_x0009_"), "\t")
        XCTAssertEqual(d("_x005F_x0009_"), "_x0009_")
        XCTAssertEqual(d("_x00zz_"), "_x00zz_")
        XCTAssertEqual(d("图_x0014_图"), "图\u{14}图")
    }
}
