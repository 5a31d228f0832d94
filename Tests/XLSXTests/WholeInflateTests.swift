import Foundation
import XCTest
@testable import XLSX

/// Inflating a deflated part in one call (libdeflate) instead of in chunks through libzip must be
/// invisible: the same cells, the same errors after the same bytes. Every part whose directory
/// says something its bytes do not (its CRC, its size, bytes after its deflate stream) is read
/// as libzip reads it, and says what libzip says.
final class WholeInflateTests: XCTestCase {
    private static func limits(wholeInflateBytes: Int64) -> ReadLimits {
        var limits = ReadLimits.standard
        limits.wholeInflateBytes = wholeInflateBytes
        return limits
    }

    /// Every corpus, hostile and LibreOffice file reads to the same output, or fails with the
    /// same message, whether no part, the parts up to the default size or every part is
    /// inflated in one call.
    func testEveryTestFileReadsTheSameInflatedWholeAsInChunks() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let folders = ["corpus/xlsx", "hostile", "libreoffice"].map { fixtures.appendingPathComponent($0) }
        let chunks = Self.limits(wholeInflateBytes: 0), every = Self.limits(wholeInflateBytes: .max)
        var compared = 0
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            where [".xlsx", ".xlsm", ".xls", ".et"].contains(where: name.hasSuffix) {
                let path = folder.appendingPathComponent(name).path
                let streamed = catJSONOutcome(path, limits: chunks)
                XCTAssertEqual(catJSONOutcome(path, limits: .standard), streamed, name)
                XCTAssertEqual(catJSONOutcome(path, limits: every), streamed, name)
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 160)
    }

    /// The parts whose directory does not match their bytes, one by one (Fixtures/hostile,
    /// made by make_hostile.py): each gives libzip's verdict, in Chinese.
    func testAPartNotAsItsDirectorySaysGetsLibzipsVerdict() throws {
        let hostile = HostileFileTests.folder
        func read(_ name: String) -> String { catJSONOutcome(hostile.appendingPathComponent(name).path, limits: .standard) }
        XCTAssertEqual(read("crc_mismatch.xlsx"),
                       "error unreadable-part: 文件“crc_mismatch.xlsx”内部的 xl/worksheets/sheet1.xml 无法解压（CRC 校验失败）。文件可能已损坏，请重新保存后再发送。")
        XCTAssertEqual(read("corrupt_deflate.xlsx"),
                       "error unreadable-part: 文件“corrupt_deflate.xlsx”内部的 xl/worksheets/sheet1.xml 无法解压（压缩数据损坏）。文件可能已损坏，请重新保存后再发送。")
        XCTAssertTrue(read("size_declared_short.xlsx").hasPrefix("error limit-exceeded: "), read("size_declared_short.xlsx"))
        XCTAssertTrue(read("size_declared_short.xlsx").contains("部件实际大小超过其声明的大小"))
        // libzip reads these as they are; so does the reader.
        let cells = #"{"sheets":[{"name":"Sheet1","state":"visible","merged":[],"cells":[{"ref":"A1","t":"s","v":"单位"},{"ref":"B1","t":"n","v":3}]}]}"#
        for name in ["size_declared_long.xlsx", "trailing_bytes_in_entry.xlsx", "stored_sheet.xlsx"] {
            XCTAssertEqual(read(name).trimmingCharacters(in: .whitespacesAndNewlines), cells, name)
        }
    }
}
