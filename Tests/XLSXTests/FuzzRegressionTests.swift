import Foundation
import XCTest
import XLSX
import XLSXFuzzing

/// Replays every input kept in Fixtures/fuzz-regressions through the fuzz target's function,
/// and the corpus seeds in both modes: none may crash or hang.
final class FuzzRegressionTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz-regressions")

    func testRegressionInputs() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".bin") }
        XCTAssertGreaterThanOrEqual(files.count, 6)
        for f in files {
            let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(f)))
            let start = Date()
            ReaderFuzzing.exercise(bytes)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2, f)
        }
    }

    func testTheUnmutatedPackageReads() {
        let sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>2</v></c></row></sheetData></worksheet>"
        XCTAssertEqual(ReaderFuzzing.exercise([1] + Array(sheet.utf8)), 2, "the package around a fuzzed part is valid")
        XCTAssertEqual(ReaderFuzzing.exercise([1] + Array("<worksheet/>".utf8)), 0)
        XCTAssertEqual(ReaderFuzzing.exercise([2] + Array("<sst><si><t>a</t></si></sst>".utf8)), 5, "default sheet: A1 B1 C1 C2 D2")
    }
}
