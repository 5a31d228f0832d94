import TianbaoSupport
import XCTest

final class TextExcerptTests: XCTestCase {
    /// A pre-filled task text quoted in a message: cut after the last punctuation mark within
    /// the limit, never inside the quotation it contains.
    func testCutsAtTheLastBreakWithinTheLimit() {
        let task = "搭建议事平台：运用“互联网+共建共治共享”等线上线下手段，通过召开社区听证会、居民议事会等形式，广泛征求居民意见。"
        XCTAssertEqual(TextExcerpt.clip(task, to: 40), "搭建议事平台：运用“互联网+共建共治共享”等线上线下手段，通过召开社区听证会……")
        XCTAssertEqual(TextExcerpt.clip(task, to: 200), task, "short enough: unchanged")
    }

    /// An open quotation is never left open: cut before it, or closed after the ellipsis.
    func testNeverEndsInsideAQuotation() {
        XCTAssertEqual(TextExcerpt.clip("按要求推进，“一小区一方案”编制改造方案，细化基础类完善类提升类改造内容", to: 12), "按要求推进……")
        XCTAssertEqual(TextExcerpt.clip("“一小区一方案”编制改造方案细化基础类完善类", to: 5), "“一小区一……”")
    }

    /// Without a break in the second half, the cut is at the limit, moved back out of a run of
    /// ASCII letters and digits (a number is never cut in two).
    func testNeverCutsANumber() {
        XCTAssertEqual(TextExcerpt.clip("完成投资额12345678万元以上的项目建设任务", to: 10), "完成投资额……")
        XCTAssertEqual(TextExcerpt.clip("老旧小区改造工程全面推进落实到位", to: 8), "老旧小区改造工程……")
    }
}
