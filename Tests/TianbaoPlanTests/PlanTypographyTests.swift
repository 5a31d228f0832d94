import Foundation
import XCTest
@testable import TianbaoPlan

/// The plans' own text is Chinese text in Chinese typography: every string a plan gives the
/// templates, the checker's messages, the outputs and the briefing (task texts, unit names,
/// field names, rule messages, words, briefing lines) has full-width ，：；（） next to Chinese.
final class PlanTypographyTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// True for CJK ideographs, full-width punctuation and Chinese quotation marks.
    static func isChinese(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        return (0x3000...0x303F).contains(v) || (0x3400...0x9FFF).contains(v) || (0xFF00...0xFFEF).contains(v)
            || (0x2018...0x201D).contains(v) || v == 0x2026 || v == 0x2014 || v == 0x33A1
    }

    /// The half-width marks of a text that Chinese typography writes full-width: `,` `;` `:`
    /// or a parenthesis next to a Chinese character, and parentheses around Chinese text. A URL's
    /// `://` and numbers' `1,234` are not Chinese text.
    static func halfWidthMarks(_ text: String) -> [String] {
        let chars = Array(text)
        var found: [String] = []
        func chinese(_ i: Int) -> Bool { i >= 0 && i < chars.count && isChinese(chars[i]) }
        func context(_ i: Int) -> String { String(chars[max(0, i - 6)..<min(chars.count, i + 7)]) }
        var open: [(index: Int, chinese: Bool)] = []
        for (i, c) in chars.enumerated() {
            switch c {
            case ",", ";", ":":
                if c == ":", i + 2 < chars.count, chars[i + 1] == "/", chars[i + 2] == "/" { continue }
                if chinese(i - 1) || chinese(i + 1) { found.append("“\(c)” in …\(context(i))…") }
            case "(":
                let flagged = chinese(i - 1) || chinese(i + 1)
                open.append((i, flagged))
                if flagged { found.append("“(” in …\(context(i))…") }
            case ")":
                // A closing parenthesis next to Chinese, around Chinese, or closing one that was.
                let start = open.popLast()
                let around = start.map { $0.chinese || chars[($0.index + 1)..<i].contains(where: isChinese) } ?? false
                if chinese(i - 1) || chinese(i + 1) || around { found.append("“)” in …\(context(i))…") }
            default: break
            }
        }
        return found
    }

    /// Every string a value holds, with its path (`tasks[3].text`), found by reflection, so a
    /// field added to the plan later is checked too.
    static func strings(in value: Any, path: String = "plan") -> [(String, String)] {
        if let s = value as? String { return [(path, s)] }
        let mirror = Mirror(reflecting: value)
        var out: [(String, String)] = []
        for (i, child) in mirror.children.enumerated() {
            let name: String
            switch mirror.displayStyle {
            case .collection?, .set?: name = "\(path)[\(i)]"
            case .dictionary?: name = "\(path)[\(i)]"
            case .optional?: name = path
            default: name = "\(path).\(child.label ?? String(i))"
            }
            out += strings(in: child.value, path: name)
        }
        return out
    }

    func assertChineseTypography(_ plan: Plan, file: StaticString = #filePath, line: UInt = #line) {
        let texts = Self.strings(in: plan)
        XCTAssertGreaterThan(texts.filter { $0.1.contains(where: Self.isChinese) }.count, 100, "reflection reaches the plan's texts",
                             file: file, line: line)
        let bad = texts.flatMap { path, text in Self.halfWidthMarks(text).map { "\(path): \($0)" } }
        XCTAssertEqual(bad, [], "half-width punctuation in the plan's Chinese text (use ，：；（）)", file: file, line: line)
    }

    func testTheDefaultPlanIsInChineseTypography() {
        let plan = PlanLoader.defaultPlan()
        assertChineseTypography(plan)
        XCTAssertEqual(plan.unit("jkq")?.name, "武汉经济技术开发区管委会（汉南区人民政府）")
        XCTAssertEqual(plan.sheet("ledger")?.field("invest")?.name, "计划投资（万元）")
    }

    func testTheSecondCampaignIsInChineseTypography() throws {
        let plan = try PlanLoader.load(path: Self.repository.appendingPathComponent("plans/gas-pipes.yaml").path)
        assertChineseTypography(plan)
    }

    /// The check itself: it finds what it must and leaves URLs, numbers and ASCII text alone.
    func testTheCheckFindsHalfWidthMarksInChineseTextOnly() {
        XCTAssertEqual(Self.halfWidthMarks("完成进度(%)").count, 2)
        XCTAssertEqual(Self.halfWidthMarks("年度改造目标完成率 {percent},请各区加快").count, 1)
        XCTAssertEqual(Self.halfWidthMarks("请核对;如确有原因").count, 1)
        XCTAssertEqual(Self.halfWidthMarks("坚持改管并重:维护").count, 1)
        XCTAssertEqual(Self.halfWidthMarks("管委会 (汉南区人民政府)").count, 2, "a pair around Chinese text")
        XCTAssertEqual(Self.halfWidthMarks("工程总承包(EPC)、").count, 2, "a pair next to Chinese text")
        XCTAssertEqual(Self.halfWidthMarks("见 https://www.example.gov.cn/a,b (EPC) 1,234.5"), [])
        XCTAssertEqual(Self.halfWidthMarks("完成进度（%），请核对；如：（EPC）"), [])
    }

    /// Unit names compare equal whichever parentheses they use (`NameMatching`), so a name
    /// typed or a file named with half-width parentheses still finds its unit.
    func testUnitNamesMatchWithEitherParentheses() {
        XCTAssertEqual(NameMatching.comparable("武汉经济技术开发区管委会（汉南区人民政府）"), "武汉经济技术开发区管委会(汉南区人民政府)")
        XCTAssertEqual(NameMatching.comparable("市教育局"), "市教育局")
        XCTAssertTrue(NameMatching.same("甲(乙)", "甲（乙）"))
        XCTAssertFalse(NameMatching.same("甲(乙)", "甲乙"))
        let plan = PlanLoader.defaultPlan()
        XCTAssertEqual(plan.unit(named: "武汉经济技术开发区管委会(汉南区人民政府)")?.id, "jkq")
        XCTAssertEqual(plan.unit(named: "武汉经济技术开发区管委会（汉南区人民政府）")?.id, "jkq")
        XCTAssertEqual(plan.unit(named: "武汉临空港经济技术开发区管委会(东西湖区人民政府)")?.id, "lkg")
        XCTAssertNil(plan.unit(named: "武汉经济技术开发区管委会"))
    }
}
