import Foundation
import XCTest
@testable import XLSX

/// Hostile and broken files (made by Fixtures/hostile/make_hostile.py): each gives its typed
/// error with a message naming the file, in bounded time and memory, and never reads outside
/// the package.
final class HostileFileTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hostile")

    static func expected() throws -> [(String, String)] {
        let text = try String(contentsOf: folder.appendingPathComponent("expected.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            let f = $0.split(separator: "\t")
            return (String(f[0]), String(f[1]))
        }
    }

    /// Opens a workbook and reads every sheet, as `cat` does.
    func readAll(_ path: String) throws -> Workbook {
        let wb = try Workbook(path: path)
        for sheet in wb.sheets {
            let reader = try wb.rows(of: sheet)
            while try reader.next() != nil {}
        }
        return wb
    }

    func testEachFileGivesItsErrorQuickly() throws {
        let cases = try Self.expected()
        XCTAssertGreaterThanOrEqual(cases.count, 25)
        for (file, code) in cases {
            let path = Self.folder.appendingPathComponent(file).path
            let start = Date()
            do {
                _ = try readAll(path)
                XCTAssertEqual(code, "ok", "\(file) was read but should fail with \(code)")
            } catch let error as XLSXError {
                XCTAssertEqual(error.code, code, "\(file): \(error.message)")
                XCTAssertTrue(error.message.contains(file), "message names the file: \(error.message)")
                XCTAssertFalse(error.message.contains("root:x:0:0"), "no byte of /etc/passwd in a message")
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 3, "\(file) took too long")
        }
    }

    func testFilesThatReadStillReadRight() throws {
        let dup = try Workbook(path: Self.folder.appendingPathComponent("duplicate_entries.xlsx").path)
        XCTAssertEqual(try dup.read(dup.sheets[0])["A1"]?.value, .string("单位"), "the first entry wins")
        let bs = try Workbook(path: Self.folder.appendingPathComponent("backslash_names.xlsx").path)
        XCTAssertEqual(try bs.read(bs.sheets[0])["B1"]?.value, .number(3))
        let macro = try Workbook(path: Self.folder.appendingPathComponent("macro.xlsm").path)
        XCTAssertTrue(macro.hasMacros)
        XCTAssertEqual(try macro.read(macro.sheets[0])["A1"]?.value, .string("单位"))
    }

    /// A package lacking a part Excel requires names what it lacks; where Excel refuses the file
    /// too, the message says so (resending the saved file, or the template, is all that helps).
    func testPackagesLackingAPartExcelRequiresNameIt() throws {
        let cases: [(String, PackageDefect)] = [
            ("no_content_types.xlsx", .noContentTypes),
            ("zipped_folder.xlsx", .noContentTypes),
            ("no_package_rels.xlsx", .noPackageRelationships),
            ("no_workbook_relationship.xlsx", .noWorkbookRelationship),
            ("workbook_part_missing.xlsx", .workbookPartMissing(part: "xl/book.xml")),
            ("workbook_generic_type.xlsx", .workbookContentType(part: "xl/workbook.xml", found: "application/xml")),
            ("sheet_without_content_type.xlsx", .sheetContentType(sheet: "Sheet1", part: "xl/worksheets/sheet1.xml", found: nil)),
            ("content_types_lie.xlsx", .sheetContentType(sheet: "Sheet1", part: "xl/worksheets/sheet1.xml", found: "image/png")),
            ("rels_missing_part.xlsx", .sheetPartMissing(sheet: "Sheet1")),
            ("rels_escape.xlsx", .sheetPartMissing(sheet: "Sheet1")),
        ]
        for (file, defect) in cases {
            XCTAssertThrowsError(try readAll(Self.folder.appendingPathComponent(file).path), file) { error in
                XCTAssertEqual((error as? XLSXError)?.kind, .brokenPackage(defect), file)
            }
        }
        XCTAssertEqual(XLSXError(.brokenPackage(.noContentTypes), file: "甲.xlsx").message,
                       "文件“甲.xlsx”已损坏（缺少内容类型清单 [Content_Types].xml），Excel 也无法打开它。"
                       + "常见的原因是文件被解压后又重新压缩，或传输不完整。请重新发送原来保存的文件；"
                       + "如原文件同样无法打开，请用下发的模板重新填写后报送。")
        XCTAssertEqual(XLSXError(.brokenPackage(.sheetContentType(sheet: "小区台账", part: "xl/worksheets/sheet3.xml", found: nil)),
                                 file: "甲.xlsx").message,
                       "文件“甲.xlsx”已损坏（工作表“小区台账”的内容部件 xl/worksheets/sheet3.xml 没有登记内容类型），"
                       + "其中的数据无法完整读取。请在 Excel 或 WPS 中打开原文件，核对数据后另存为 .xlsx 再报送；"
                       + "如无法打开或数据不全，请用下发的模板重新填写。")
        // Entries that are no parts and that nothing points at are not read, and do no harm.
        let junk = try readAll(Self.folder.appendingPathComponent("junk_entries.xlsx").path)
        XCTAssertEqual(try junk.read(junk.sheets[0])["B1"]?.value, .number(3))
    }

    func testXXENeverReadsTheFile() throws {
        XCTAssertThrowsError(try readAll(Self.folder.appendingPathComponent("xxe_passwd.xlsx").path)) { error in
            let e = error as! XLSXError
            XCTAssertTrue(e.message.contains("DOCTYPE"), e.message)
        }
    }

    func testLimitsCanBeRaisedOrLowered() throws {
        var tight = ReadLimits()
        tight.maxEntries = 3
        XCTAssertThrowsError(try Workbook(path: Self.folder.appendingPathComponent("macro.xlsm").path, limits: tight)) {
            XCTAssertEqual(($0 as? XLSXError)?.code, "limit-exceeded")
        }
        var strings = ReadLimits()
        strings.maxSharedStrings = 2
        var b = TestWorkbook()
        b.sharedStrings = ["<t>a</t>", "<t>b</t>", "<t>c</t>"]
        b.sheets = [("S", b.worksheet(""))]
        XCTAssertThrowsError(try Workbook(bytes: b.bytes, fileName: "s.xlsx", limits: strings)) {
            XCTAssertEqual(($0 as? XLSXError)?.code, "limit-exceeded")
        }
        // A declared count is never used to allocate.
        var liar = TestWorkbook()
        liar.sheets = [("S", liar.worksheet(""))]
        liar.extraParts = []
        let wb = try Workbook(bytes: liar.bytes, fileName: "ok.xlsx")
        XCTAssertEqual(wb.sheets.count, 1)
    }

    /// Peak memory of reading each hostile file in a child process (`tianbao cat`), measured by
    /// GNU time (the `time` package) as the child's largest resident set.
    func testPeakMemoryStaysBounded() throws {
        let bundle = Bundle(for: Self.self).bundleURL
        let exe = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("tianbao") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let exePath = try XCTUnwrap(exe?.path, "tianbao binary not built")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "GNU time not installed")
        var worst = (0, "")
        for (file, _) in try Self.expected() {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("rss-\(UUID().uuidString)")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
            p.arguments = ["-f", "%M", "-o", log.path, exePath, "cat", Self.folder.appendingPathComponent(file).path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            XCTAssertTrue([0, 1].contains(p.terminationStatus), "\(file) crashed with \(p.terminationStatus)")
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: log)
            let kb = Int(text.split(separator: "\n").last(where: { Int($0) != nil }) ?? "") ?? 0
            if kb > worst.0 { worst = (kb, file) }
        }
        XCTAssertGreaterThan(worst.0, 0)
        XCTAssertLessThan(worst.0 / 1024, 100, "peak RSS \(worst.0 / 1024) MB on \(worst.1) (bound: 100 MB)")
    }
}
