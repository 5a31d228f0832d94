import Foundation
import TestSupport
import XCTest
@testable import XLSX

/// Dates as LibreOffice writes them (Fixtures/libreoffice, made by LibreOffice itself with
/// make_fixtures.py). LibreOffice counts days from 1899-12-30 without Excel's phantom 1900-02-29
/// and saves every workbook with `dateCompatibility="false"`, ECMA-376's "1900 date base": a
/// day before 1899-12-30 is a negative serial, and serials 1 to 59 are a day earlier than in
/// Excel's 1900 system. Column A of each fixture holds the date its column B stands for.
final class LibreOfficeDateTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/libreoffice")
    static let files = ["libreoffice__date_before_1900.xlsx", "libreoffice__date_1900_january_february.xlsx",
                        "libreoffice__date1904_before_1904.xlsx"]

    /// Column B of a fixture as Tianbao reads it, by row: the ISO text of a date, else the value's text.
    func tianbao(_ file: String) throws -> [(row: Int, expected: String, value: CellValue?)] {
        let wb = try Workbook(path: Self.folder.appendingPathComponent(file).path)
        let ws = try wb.read(wb.sheets[0])
        return ws.rows.dropFirst().map { row in
            (row.index, ws["A\(row.index)"]?.value?.text ?? "", ws["B\(row.index)"]?.value)
        }
    }

    func testEveryCellReadsAsTheDateBesideIt() throws {
        var checked = 0
        for file in Self.files {
            for (row, expected, value) in try tianbao(file) {
                if expected == "number" {
                    guard case .number? = value else { XCTFail("\(file) B\(row): \(String(describing: value))"); continue }
                } else {
                    guard case .date(let d, let serial)? = value else { XCTFail("\(file) B\(row): \(String(describing: value))"); continue }
                    XCTAssertEqual(d.iso8601, expected, "\(file) B\(row)")
                    XCTAssertNotNil(serial, "a number cell keeps its serial")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 22)
    }

    func testTheDateSystemIsTheOneTheWorkbookDeclares() throws {
        func system(_ url: URL) throws -> DateSystem { try Workbook(path: url.path).dateSystem }
        XCTAssertEqual(try system(Self.folder.appendingPathComponent(Self.files[0])), .base1900)
        XCTAssertEqual(try system(Self.folder.appendingPathComponent(Self.files[1])), .base1900)
        XCTAssertEqual(try system(Self.folder.appendingPathComponent(Self.files[2])), .excel1904,
                       "date1904 wins over dateCompatibility, as LibreOffice reads it")
        // Excel writes dateCompatibility="0" into the Strict workbooks it saves.
        let corpus = Self.folder.deletingLastPathComponent().appendingPathComponent("corpus/xlsx")
        XCTAssertEqual(try system(corpus.appendingPathComponent("sheetjs__sheet_visibility_strict.xlsx")), .base1900)
        XCTAssertEqual(try system(corpus.appendingPathComponent("calamine__date.xlsx")), .excel1900,
                       "an older LibreOffice wrote date1904=\"false\" and no dateCompatibility")
    }

    /// openpyxl ignores `dateCompatibility`: it reads every 1900-based workbook with Excel's phantom
    /// day, and any serial in [0, 1) as a time of day. Where that disagrees with the workbook's
    /// declaration, Tianbao follows the declaration; every such cell is listed here with what
    /// openpyxl reads, so a change on either side shows.
    static let openpyxlDiffers: [String: String] = [
        // 1900 date base: serial 0 is 1899-12-30; serials 1–59 are a day earlier than in Excel's system.
        "libreoffice__date_1900_january_february.xlsx B2": "time 00:00:00",
        "libreoffice__date_1900_january_february.xlsx B3": "datetime 1900-01-01T00:00:00",
        "libreoffice__date_1900_january_february.xlsx B4": "datetime 1900-01-02T00:00:00",
        "libreoffice__date_1900_january_february.xlsx B5": "datetime 1900-02-28T00:00:00",
        "libreoffice__date_1900_january_february.xlsx B8": "time 06:00:00",
        // A time-only format shows the time of a negative serial.
        "libreoffice__date_before_1900.xlsx B5": "datetime 1899-12-29T12:00:00",
        // The 1904 system has no day before 1904-01-01 (Excel shows ####); serial 0 is that day.
        "libreoffice__date1904_before_1904.xlsx B2": "datetime 1850-06-15T00:00:00",
        "libreoffice__date1904_before_1904.xlsx B3": "datetime 1903-12-31T00:00:00",
        "libreoffice__date1904_before_1904.xlsx B4": "time 00:00:00",
    ]

    func testOpenpyxlReadsTheSameExceptWhereItIgnoresTheDeclaredDateSystem() throws {
        let script = """
            import sys, openpyxl
            for path in sys.argv[1:]:
                ws = openpyxl.load_workbook(path).worksheets[0]
                for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
                    c = row[0]
                    v = c.value
                    kind = type(v).__name__
                    text = v.isoformat() if hasattr(v, "isoformat") else repr(v)
                    print(path.rsplit("/", 1)[-1], c.coordinate, kind, text, sep="\\t")
            """
        let paths = Self.files.map { Self.folder.appendingPathComponent($0).path }
        let (status, output) = try runProcess(testPython, ["-c", script] + paths)
        XCTAssertEqual(status, 0, output)
        var differing: [String: String] = [:]
        var compared = 0
        for line in output.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4 else { XCTFail("openpyxl printed \(line)"); continue }
            let (file, ref, kind, text) = (f[0], f[1], f[2], f[3])
            let row = Int(ref.dropFirst())!
            let mine = try XCTUnwrap(try tianbao(file).first { $0.row == row }?.value, "\(file) \(ref)")
            let agrees: Bool
            switch (kind, mine) {
            case ("datetime", .date(let d, _)):
                // openpyxl gives a datetime for every date format; a date-only cell is its midnight.
                agrees = d.kind == .date ? text == d.iso8601 + "T00:00:00" : text == d.iso8601
            case ("time", .date(let d, _)):
                agrees = d.kind == .time && text == d.iso8601
            case ("int", .number(let n)), ("float", .number(let n)):
                agrees = Double(text) == n
            default:
                agrees = false
            }
            if !agrees { differing["\(file) \(ref)"] = "\(kind) \(text)" }
            compared += 1
        }
        XCTAssertEqual(compared, 22)
        XCTAssertEqual(differing, Self.openpyxlDiffers)
    }
}
