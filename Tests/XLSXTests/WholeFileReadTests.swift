import Foundation
import XCTest
@testable import XLSX

/// `Workbook(path:limits:whole:)` reads a file once and hands its bytes to the caller (the merge
/// hashes them): it must read every file exactly as `Workbook(path:limits:)` does, refuse every
/// file with the same message, and hand over the file's exact bytes.
final class WholeFileReadTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// What a reader makes of a file: every sheet's cells, or the error's message.
    private func outcome(_ open: () throws -> Workbook) -> String {
        do {
            let workbook = try open()
            var out = ""
            for sheet in workbook.sheets {
                out += "# \(sheet.name) \(sheet.kind)\n"
                guard sheet.kind == .worksheet else { continue }
                do {
                    let reader = try workbook.rows(of: sheet)
                    while let row = try reader.next() {
                        for cell in row.cells { out += "\(cell.reference) \(String(describing: cell.value)) \(cell.formula ?? "")\n" }
                    }
                } catch {
                    out += "sheet error: \(error)\n"
                }
            }
            return out
        } catch let error as XLSXError {
            return "error: \(error.message)"
        } catch {
            return "error: \(error)"
        }
    }

    func testEveryFixtureReadsAndFailsAsFromDisk() throws {
        let folders = ["corpus/xlsx", "hostile", "libreoffice"].map { Self.fixtures.appendingPathComponent($0) }
        var files: [URL] = []
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            files += names.sorted().map { folder.appendingPathComponent($0) }
                .filter { ["xlsx", "xlsm", "xls", "bin", "csv"].contains($0.pathExtension) }
        }
        XCTAssertGreaterThan(files.count, 100)
        var refused = 0
        for url in files {
            var handed: [UInt8]?
            let once = outcome { try Workbook(path: url.path) { handed = Array($0) } }
            let fromDisk = outcome { try Workbook(path: url.path) }
            XCTAssertEqual(once, fromDisk, url.lastPathComponent)
            XCTAssertEqual(handed, [UInt8](try Data(contentsOf: url)), "\(url.lastPathComponent): the bytes handed over are the file's")
            if once.hasPrefix("error:") { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 10, "refused files are compared too")
    }

    func testNothingIsHandedOverForAFileThatCannotBeRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("whole-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for path in [folder.appendingPathComponent("absent.xlsx").path, folder.path] {
            var called = false
            let once = outcome { try Workbook(path: path) { _ in called = true } }
            XCTAssertFalse(called, path)
            XCTAssertEqual(once, outcome { try Workbook(path: path) }, path)
            XCTAssertTrue(once.hasPrefix("error:"), once)
        }
    }
}
