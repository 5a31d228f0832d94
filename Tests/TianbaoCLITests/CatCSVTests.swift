import Foundation
import TestSupport
import XCTest
import XLSX

/// `tianbao cat --format csv`: RFC 4180 records, read back by Python's csv module.
final class CatCSVTests: XCTestCase {
    func testOneSheetAsRFC4180() throws {
        let file = Binary.corpus.appendingPathComponent("calamine__any_sheets.xlsx").path
        let r = try Binary.run(["cat", file, "--format", "csv", "--sheet", "Visible"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Row 4 is empty: a record of empty fields; every record has the widest row's two fields.
        XCTAssertEqual(r.stdout, "1,2\r\n3,4\r\n5,6\r\n,\r\n"
                       + "\"This workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart\",\r\n")
        XCTAssertEqual(r.stderr, "")
    }

    func testFirstSheetWithANoteWhenThereAreSeveral() throws {
        let file = Binary.corpus.appendingPathComponent("calamine__any_sheets.xlsx").path
        let r = try Binary.run(["cat", file, "--format", "csv"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("1,2\r\n"), r.stdout)
        XCTAssertTrue(r.stderr.contains("CSV 只输出第一个“Visible”"), r.stderr)
    }

    func testQuotingDatesNumbersAndBOM() throws {
        let dir = temporaryDirectory("cat-csv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("quirks.xlsx").path
        let book = try WorkbookWriter(path: path)
        let ws = try book.addSheet("数据")
        let date = book.prepare(CellFormat().with { $0.numberFormat = "yyyy-mm-dd" })
        try ws.write(0, 0, "逗号,在中间")
        try ws.write(0, 1, "引号\"在中间")
        try ws.write(0, 2, "换行\n在中间")
        try ws.write(0, 3, 1234.5)
        try ws.write(1, 0, 44362.0, date)
        try ws.write(1, 1, -7.0)
        try ws.write(1, 2, true)
        try ws.write(3, 1, "第四行")
        try book.close()

        let r = try Binary.run(["cat", path, "--format", "csv", "--bom"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.utf8.starts(with: [0xEF, 0xBB, 0xBF]))
        let csvFile = dir.appendingPathComponent("out.csv")
        try Data(r.stdout.utf8).write(to: csvFile)
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                print(json.dumps(list(csv.reader(f)), ensure_ascii=False))
            """
        let (status, out) = try runProcess(testPython, ["-c", script, csvFile.path])
        XCTAssertEqual(status, 0, out)
        let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]]
        XCTAssertEqual(rows, [
            ["逗号,在中间", "引号\"在中间", "换行\n在中间", "1234.5"],
            ["2021-06-15", "-7", "TRUE", ""],
            ["", "", "", ""],
            ["", "第四行", "", ""],
        ])
    }
}

/// CSV injection (OWASP; CWE-1236): text a spreadsheet would run as a formula leaves `cat` with
/// a leading `'`, checked by opening the CSV in LibreOffice (which evaluates formulas in CSV
/// as Excel does) and reading back what it made of each cell.
final class CatCSVInjectionTests: XCTestCase {
    static let attacks = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,2)",
                          "\t=1+1", "\r=1+1", "=1+1"]

    /// A workbook with the attacks as text in row 1, and a negative number and plain text in row 2.
    func workbook(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("attacks.xlsx").path
        let book = try WorkbookWriter(path: path)
        let ws = try book.addSheet("数据")
        for (i, text) in Self.attacks.enumerated() { try ws.write(0, i, text) }
        try ws.write(1, 0, -5.0)
        try ws.write(1, 1, "普通文本")
        try ws.write(1, 2, "减号-在中间")
        try book.close()
        return path
    }

    /// The cells LibreOffice makes of a CSV: (reference, formula or nil, value text).
    func libreOfficeCells(_ csv: Data, _ dir: URL, name: String) throws -> [String: (formula: String?, text: String)] {
        let file = dir.appendingPathComponent(name + ".csv")
        try csv.write(to: file)
        // A LibreOffice profile of its own: tests run in parallel processes, and a second
        // soffice on one profile hands its work to the first instead of doing it.
        let (status, log) = try runProcess("libreoffice", ["-env:UserInstallation=file://\(dir.path)/lo-profile", "--headless",
                                                           "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                                                           "--outdir", dir.path, file.path], timeout: 180)
        XCTAssertEqual(status, 0, log)
        let wb = try Workbook(path: dir.appendingPathComponent(name + ".xlsx").path)
        let sheet = try wb.read(wb.sheets[0])
        var out: [String: (String?, String)] = [:]
        for row in sheet.rows { for cell in row.cells { out[cell.reference.description] = (cell.formula, cell.value?.text ?? "") } }
        return out
    }

    func testFormulaTextIsNeutralisedAndLibreOfficeRunsNone() throws {
        let dir = temporaryDirectory("csv-injection")
        let path = try workbook(dir)
        let r = try Binary.run(["cat", path, "--format", "csv", "--bom"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let cells = try libreOfficeCells(Data(r.stdout.utf8), dir, name: "escaped")
        XCTAssertTrue(cells.values.allSatisfy { $0.formula == nil }, "no formula: \(cells)")
        for (i, attack) in Self.attacks.enumerated() {
            let ref = CellReference(row: 1, column: i + 1).description
            // (LibreOffice keeps a carriage return inside a field as a line feed.)
            XCTAssertEqual(cells[ref]?.text, "'" + attack.replacingOccurrences(of: "\r", with: "\n"), ref)
        }
        XCTAssertEqual(cells["A2"]?.text, "-5", "numbers untouched")
        XCTAssertEqual(cells["B2"]?.text, "普通文本")
        XCTAssertEqual(cells["C2"]?.text, "减号-在中间")

        // TSV gets the same rule.
        let tsv = try Binary.run(["cat", path, "--format", "tsv"])
        XCTAssertTrue(tsv.stdout.contains("1\t'=HYPERLINK(\"http://evil.example\",\"点我\")\t'=cmd|' /C calc'!A0\t'+1+1\t'-2+3\t'@SUM(1,2)\t'\\t=1+1\t'\\r=1+1\t'=1+1\n"),
                      tsv.stdout)
        XCTAssertTrue(tsv.stdout.contains("2\t-5\t普通文本\t减号-在中间\n"), tsv.stdout)
    }

    /// `--raw` writes the text as it is: LibreOffice then makes formulas of it (what the escape
    /// prevents).
    func testRawKeepsTheTextAndLibreOfficeRunsIt() throws {
        let dir = temporaryDirectory("csv-raw")
        let path = dir.appendingPathComponent("raw.xlsx").path
        let book = try WorkbookWriter(path: path)
        let ws = try book.addSheet("数据")
        try ws.write(0, 0, "=1+1")
        try ws.write(0, 1, "=HYPERLINK(\"http://evil.example\",\"点我\")")
        try book.close()
        let r = try Binary.run(["cat", path, "--format", "csv", "--raw"])
        XCTAssertEqual(r.stdout, "=1+1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\"\r\n")
        let cells = try libreOfficeCells(Data(r.stdout.utf8), dir, name: "raw")
        XCTAssertEqual(cells["A1"]?.formula, "1+1")
        XCTAssertNotNil(cells["B1"]?.formula)
    }
}
