import Foundation
import XCTest
@testable import TianbaoCLI
@_spi(Fuzzing) @testable import XLSX

/// Reading ahead (a part inflated on one thread and parsed on another, a few chunks ahead of
/// the reader) must be invisible: the same cells, the same errors, no thread left behind, and
/// cells that straddle a chunk boundary decoded exactly as cells that do not.
final class ReadAheadTests: XCTestCase {
    private static let oneThread = ReadLimits.standard.readingOnOneThread

    private static var alwaysAhead: ReadLimits {
        var limits = ReadLimits.standard
        limits.readAheadBytes = 0
        return limits
    }

    /// Every corpus file and every hostile file reads to the same output, or fails with the
    /// same message, whether every part is read ahead or none is.
    func testEveryTestFileReadsTheSameAheadAsOnOneThread() throws {
        let folders = [CorpusTests.corpus.appendingPathComponent("xlsx"), HostileFileTests.folder]
        var compared = 0
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            where [".xlsx", ".xlsm", ".xls", ".et"].contains(where: name.hasSuffix) {
                let path = folder.appendingPathComponent(name).path
                let one = catJSONOutcome(path, limits: Self.oneThread)
                let ahead = catJSONOutcome(path, limits: Self.alwaysAhead)
                XCTAssertEqual(one, ahead, name)
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 140)
    }

    /// A sheet whose cells cover every value the cell decoder keeps, including values that move
    /// (a second `<v>` after an `<f>`) and text that is trimmed.
    private static let quirkySheet: [UInt8] = {
        let cells = """
            <row r="1"><c r="$A$1" s="3"><v>1</v></c><c r="b1" t="s"><v>22</v></c><c r=""><v>3</v></c>\
            <c r="E1"><extLst><ext><v>99</v>junk</ext></extLst><v>4</v></c>\
            <c r="F1"><v>1</v><v>2</v></c><c r="G1" t="inlineStr"><is><t>  trimmed  </t><rPh><t>ふりがな</t></rPh>\
            <t xml:space="preserve"> kept </t><t>   </t></is></c>\
            <c r="H1"><f t="shared" ref="H1:H2" si="0">A1*2</f><v>2</v></c><c r="I1"><v>1</v><f>A1</f><v>2</v></c>\
            <c r="J1" t=""><v>老旧小区改造,第一批 300 个小区全部完工</v></c><c r="ZZZZ1"><v>5</v></c>\
            <c r="K1" t="str"><f>"a&amp;b"&amp;"c"</f><v>a&amp;bc</v></c><c r="L1" t="inlineStr"><is><t><![CDATA[x<y]]></t></is></c></row>\
            <row r="2"><c r="H2"><f t="shared" si="0"/><v>4</v></c><c r="J2"><f t="dataTable" ref="J2:J3">A1</f><v>6</v></c>\
            <c r="K2" s="4294967296"><v>  7  </v></c></row>
            """
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            + "<sheetData>" + cells + "</sheetData></worksheet>"
        return Array(xml.utf8)
    }()

    /// The cell events of the quirky sheet fed in chunks of many sizes (as the fuzz target
    /// compares them) equal those of the sheet fed whole.
    func testCellsAcrossChunkBoundariesDecodeAsWhole() throws {
        let whole = EventStreamInspection.cellModeEvents(Self.quirkySheet, chunk: Self.quirkySheet.count)
        XCTAssertEqual(whole.filter { $0.hasPrefix("cell ") }.count, 15, whole.joined(separator: "\n"))
        XCTAssertFalse(whole.contains { $0.contains("(no NUL)") || $0.hasPrefix("error ") })
        XCTAssert(whole.contains("cell 1,9 s=0 r=∅ t=∅ v=«12» f=«A1» is=«» si=∅ flags=101000 depth=4"),
                  "a <v> after an <f> continues the first <v>: \(whole)")
        XCTAssert(whole.contains("cell 1,7 s=0 r=∅ t=«inlineStr» v=«» f=«» is=«trimmed kept » si=∅ flags=010000 depth=4"))
        XCTAssert(whole.contains("cell -1,-1 s=0 r=«ZZZZ1» t=∅ v=«5» f=«» is=«» si=∅ flags=100000 depth=4"), whole.joined(separator: "\n"))
        XCTAssert(whole.contains("cell 1,10 s=0 r=∅ t=«» v=«老旧小区改造,第一批 300 个小区全部完工» f=«» is=«» si=∅ flags=100000 depth=4"))
        XCTAssert(whole.contains("cell 1,8 s=0 r=∅ t=∅ v=«2» f=«A1*2» is=«» si=«0» flags=101110 depth=4"))
        XCTAssert(whole.contains("cell 2,11 s=-1 r=∅ t=∅ v=«  7  » f=«» is=«» si=∅ flags=100000 depth=4"))
        for chunk in [1, 2, 3, 5, 8, 13, 64, 100] {
            XCTAssertEqual(EventStreamInspection.cellModeEvents(Self.quirkySheet, chunk: chunk), whole, "chunks of \(chunk) bytes")
        }
    }

    /// A workbook with two sheets big enough to fill the read-ahead ring many times over.
    private func twoBigSheets() -> [UInt8] {
        var book = TestWorkbook()
        func sheet(_ tag: String) -> String {
            (1...6000).map { r in
                "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>\(tag)第\(r)行</t></is></c><c r=\"B\(r)\"><v>\(r)</v></c></row>"
            }.joined()
        }
        book.sheets = [("甲", book.worksheet(sheet("甲"))), ("乙", book.worksheet(sheet("乙")))]
        return book.bytes
    }

    /// Two sheets of one archive read ahead at once, a row of each in turn (both threads use
    /// libzip on the same archive), read the same as one after the other.
    func testInterleavedReadersOfOneArchive() throws {
        let bytes = twoBigSheets()
        let workbook = try Workbook(bytes: bytes, fileName: "t.xlsx", limits: Self.alwaysAhead)
        let first = try workbook.rows(of: workbook.sheets[0]), second = try workbook.rows(of: workbook.sheets[1])
        var a: [Row] = [], b: [Row] = []
        while true {
            let x = try first.next(), y = try second.next()
            if let x { a.append(x) }
            if let y { b.append(y) }
            if x == nil && y == nil { break }
        }
        let alone = try Workbook(bytes: bytes, fileName: "t.xlsx", limits: Self.oneThread)
        XCTAssertEqual(a, try alone.read(alone.sheets[0]).rows)
        XCTAssertEqual(b, try alone.read(alone.sheets[1]).rows)
        XCTAssertEqual(a.count, 6000)
        XCTAssertEqual(a.last?.cells.first?.value, .string("甲第6000行"))
    }

    /// Readers dropped after a row (their threads blocked on a full ring) stop and free
    /// everything; the workbook stays usable.
    func testAbandonedReadersStopTheirThreads() throws {
        let workbook = try Workbook(bytes: twoBigSheets(), fileName: "t.xlsx", limits: Self.alwaysAhead)
        for _ in 0..<40 {
            let reader = try workbook.rows(of: workbook.sheets[1])
            XCTAssertEqual(try reader.next()?.cells.first?.value, .string("乙第1行"))
        }
        XCTAssertEqual(try workbook.read(workbook.sheets[0]).rows.count, 6000)
    }
}
