import Foundation
import XCTest
@testable import XLSX

/// A constant-memory sheet whose rows are deflated while they are written (StreamedSheetData,
/// SheetDataSplice) gives the package libxlsxwriter gives alone, part for part once inflated.
final class StreamedSheetDataTests: XCTestCase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-streamed-\(getpid())-\(UUID().uuidString)")

    override func setUp() {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        StreamedSheetData.pieceSize = 4 << 20
        try? FileManager.default.removeItem(at: folder)
    }

    /// A workbook of three sheets, the middle one of `rows` rows (text, Chinese text, numbers,
    /// dates, blanks, formats), written with pieces of `pieceSize` bytes.
    func write(_ name: String, rows: Int, pieceSize: Int) throws -> String {
        StreamedSheetData.pieceSize = pieceSize
        let path = folder.appendingPathComponent(name).path
        let book = try WorkbookWriter(path: path, constantMemory: true)
        let first = try book.addSheet("总览")
        try first.write(0, 0, "小区台账")
        let ledger = try book.addSheet("小区台账")
        let header = CellFormat().with { $0.bold = true }
        let money = book.prepare(CellFormat().with { $0.numberFormat = "#,##0.00" })
        for (c, title) in ["小区名称", "户数", "计划投资", "开工日期", "备注"].enumerated() { try ledger.write(0, c, title, header) }
        ledger.freeze(rows: 1)
        for r in 1...rows {
            try ledger.write(r, 0, "第\(r)号小区")
            try ledger.write(r, 1, Double(r % 500))
            try ledger.write(r, 2, Double(r) * 1.25, money)
            try ledger.write(r, 3, ExcelDateTime(kind: .date, year: 2021, month: 1 + r % 12, day: 1 + r % 28),
                             CellFormat().with { $0.numberFormat = "yyyy-mm-dd" })
            if r % 7 == 0 { try ledger.write(r, 4, "含“引号”与 <尖括号> & 符号") }
        }
        try ledger.autofilter(0, 0, rows, 4)
        let last = try book.addSheet("校验问题")
        try last.write(0, 0, "无")
        try book.close()
        return path
    }

    /// Every entry of a package, by name in order, inflated.
    func parts(_ path: String) throws -> [(String, [UInt8])] {
        let archive = try ZipArchive(path: path, displayName: "t.xlsx", limits: .standard)
        return try archive.entries.map { ($0.name, try archive.readAll($0)) }
    }

    func testThePackageHoldsWhatLibxlsxwriterWritesAlone() throws {
        let alone = try write("alone.xlsx", rows: 20_000, pieceSize: Int.max / 2)
        let streamed = try write("streamed.xlsx", rows: 20_000, pieceSize: 64 << 10)
        let a = try parts(alone), s = try parts(streamed)
        XCTAssertEqual(a.map(\.0), s.map(\.0), "the same entries in the same order")
        for ((name, bytes), (_, other)) in zip(a, s) { XCTAssertTrue(bytes == other, "\(name) differs once inflated") }
        let sheet = try XCTUnwrap(s.first { $0.0 == "xl/worksheets/sheet2.xml" }?.1)
        XCTAssertGreaterThan(sheet.count, 20 * (64 << 10), "the sheet spans many pieces")
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: alone)), try Data(contentsOf: URL(fileURLWithPath: streamed)),
                          "the sheet's entry was compressed in pieces")
        // Read back as any workbook, and written again: the same bytes.
        let wb = try Workbook(path: streamed)
        let ws = try wb.read(wb.sheets[1])
        XCTAssertEqual(ws.rows.count, 20_001)
        XCTAssertEqual(ws["A20001"]?.value, .string("第20000号小区"))
        XCTAssertEqual(ws["C20001"]?.value, .number(25_000))
        XCTAssertEqual(ws["E8"]?.value, .string("含“引号”与 <尖括号> & 符号"))
        let again = try write("again.xlsx", rows: 20_000, pieceSize: 64 << 10)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: again)), try Data(contentsOf: URL(fileURLWithPath: streamed)))
    }

    func testASheetBelowOnePieceIsLeftToLibxlsxwriter() throws {
        let alone = try write("small-alone.xlsx", rows: 50, pieceSize: Int.max / 2)
        let streamed = try write("small.xlsx", rows: 50, pieceSize: 64 << 10)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: alone)), try Data(contentsOf: URL(fileURLWithPath: streamed)),
                       "byte for byte")
    }
}
