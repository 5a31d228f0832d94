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
