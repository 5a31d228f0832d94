import Foundation
@testable import TianbaoMerge
@testable import TianbaoOutputs
@testable import TianbaoRound
import XCTest
import XLSX

/// Chinese typography, the title split, amounts, and the deterministic package writer.
final class BriefingFormTests: XCTestCase {
    func testTypographyMakesChinesePunctuationFullWidth() {
        XCTAssertEqual(ChineseTypography.apply("本期 41 个,其中(甲)3 个;合计:5"),
                       "本期 41 个\u{FF0C}其中\u{FF08}甲\u{FF09}3 个\u{FF1B}合计\u{FF1A}5")
        XCTAssertEqual(ChineseTypography.apply("计划投资 118,389.4 万元,10:30 保存"), "计划投资 118,389.4 万元\u{FF0C}10:30 保存",
                       "thousands separators and times keep ASCII")
        XCTAssertEqual(ChineseTypography.apply("(轮次 2021-06,2021年6月1日)"), "\u{FF08}轮次 2021-06\u{FF0C}2021年6月1日\u{FF09}")
        XCTAssertEqual(ChineseTypography.apply("see [link](http://evil.example)"), "see [link](http://evil.example)")
    }

    func testTitleLinesLeaveNoCharacterAlone() {
        let title = String(repeating: "字", count: 21)
        let lines = Briefing.titleLines(title, perLine: 20)
        XCTAssertEqual(lines.map(\.count), [11, 10])
        XCTAssertEqual(Briefing.titleLines("短标题", perLine: 20), ["短标题"])
    }

    func testAmountsInWanWithSeparators() {
        XCTAssertEqual(Briefing.wan(118389.4), "118,389.4 万元")
        XCTAssertEqual(Briefing.wan(663.8, unit: false), "663.8")
        XCTAssertEqual(Briefing.wan(1234567.26), "1,234,567.3 万元")
    }

    func testZipPackageWriterIsDeterministicAndReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let parts = [ZipPackageWriter.Part(name: "[Content_Types].xml", text: "<Types/>"),
                     ZipPackageWriter.Part(name: "word/document.xml", text: String(repeating: "简报", count: 500))]
        let a = dir.appendingPathComponent("a.docx").path, b = dir.appendingPathComponent("b.docx").path
        try ZipPackageWriter.write(parts, to: a)
        sleep(1)
        try ZipPackageWriter.write(parts, to: b)
        XCTAssertEqual(FileManager.default.contents(atPath: a), FileManager.default.contents(atPath: b))
        XCTAssertEqual(try unzip(["-Z1", a]), "[Content_Types].xml\nword/document.xml\n", "parts in the order given")
        XCTAssertEqual(try unzip(["-p", a, "word/document.xml"]), String(repeating: "简报", count: 500))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.docx", "b.docx"],
                       "no temporary file left")
    }
}

private func unzip(_ arguments: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

extension BriefingFormTests {
    /// A quote keeps its second sentence when it fits, and a cut is marked …… (never a silent
    /// stop at the first 。).
    func testExcerptsKeepWholeTextsAndMarkCuts() {
        XCTAssertEqual(Briefing.excerpt("部分小区居民意见不统一。加装电梯推进较慢。", limit: 80), "部分小区居民意见不统一。加装电梯推进较慢。")
        let long = String(repeating: "专营单位管线改造与小区改造时序衔接不够，", count: 6)
        let cut = Briefing.excerpt(long, limit: 40)
        XCTAssertTrue(cut.hasSuffix("……"), cut)
        XCTAssertLessThanOrEqual(cut.count, 42)
        XCTAssertEqual(Briefing.joined("市政协第十三届五次会议2号建议案办理工作方案", "工作方案备案及联络员报送"),
                       "市政协第十三届五次会议2号建议案办理工作方案备案及联络员报送")
        XCTAssertEqual(Briefing.joined("工作方案", "4月工作调度"), "工作方案4月工作调度")
    }
}
