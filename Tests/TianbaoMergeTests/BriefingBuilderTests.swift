import XCTest
@testable import TianbaoOutputs

/// The document builder both briefings (the round's 简报 and the 回头看简报) are built with.
final class BriefingBuilderTests: XCTestCase {
    private func texts(_ blocks: [Briefing.Block]) -> [String] {
        blocks.map { block in
            switch block {
            case .heading(let h): return "H " + h
            case .paragraph(let p): return "P " + p
            case .bullets(let items): return "B " + items.joined(separator: "|")
            case .quote(let q, let source): return "Q " + q + " / " + source
            case .table(let header, let rows): return "T " + header.joined(separator: ",") + " " + rows.map { $0.joined(separator: ",") }.joined(separator: ";")
            case .keyPoints(let title, let items): return "K " + title + " " + items.joined(separator: "|")
            case .annex(let label, let title): return "A " + label + " " + title
            case .pageBreak: return "-"
            }
        }
    }

    func testSectionsAreNumberedAndAttachmentsFollowTheBodyInTheOrderReferredTo() {
        var doc = BriefingBuilder()
        doc.paragraph("引言")
        doc.heading("报送情况")
        let first = doc.annex("迟报单位", ["单位"], [["甲"]])
        doc.paragraph("见\(first)。")
        doc.heading("任务推进情况")
        doc.bullets(["一条", "两条"])
        doc.table(["任务", "状态"], [["1", "完成"]])
        let second = doc.annex("各项任务", ["任务"], [["1"]])
        XCTAssertEqual([first, second], ["附件1", "附件2"])
        XCTAssertEqual(texts(doc.blocks(leading: [.keyPoints("本期要情", ["要点"]), .pageBreak])), [
            "K 本期要情 要点", "-",
            "P 引言", "H 一、报送情况", "P 见附件1。", "H 二、任务推进情况", "B 一条|两条", "T 任务,状态 1,完成",
            "A 附件1 迟报单位", "T 单位 甲", "A 附件2 各项任务", "T 任务 1",
        ])
    }

    func testAnAttachmentWithAKeyIsReferredToAgainNotAddedTwice() {
        var doc = BriefingBuilder()
        XCTAssertEqual(doc.annex("台账", ["小区"], [["A"]], key: "ledger"), "附件1")
        XCTAssertEqual(doc.annex("任务", ["任务"], [["1"]], key: "tasks"), "附件2")
        XCTAssertEqual(doc.annex("台账（又一次）", ["小区"], [["B"]], key: "ledger"), "附件1")
        // Without a key every call adds one.
        XCTAssertEqual(doc.annex("整改清单", ["问题"], [["x"]]), "附件3")
        XCTAssertEqual(doc.annex("整改清单", ["问题"], [["x"]]), "附件4")
        XCTAssertEqual(texts(doc.blocks()).filter { $0.hasPrefix("A ") }, ["A 附件1 台账", "A 附件2 任务", "A 附件3 整改清单", "A 附件4 整改清单"])
    }

    func testIdenticalQuotesAreGivenOnceWithEveryUnitThatWroteThem() {
        var doc = BriefingBuilder()
        doc.quotes([("资金不足", "甲区"), ("拆迁难", "乙区"), (" 资金不足 ", "丙区")])
        XCTAssertEqual(texts(doc.blocks()), ["Q 资金不足 / 甲区；丙区", "Q 拆迁难 / 乙区"])
    }

    func testSectionsPastTheTwelfthKeepTheLastNumeral() {
        var doc = BriefingBuilder()
        for i in 1...13 { doc.heading("第\(i)节") }
        XCTAssertEqual(texts(doc.blocks()).suffix(2), ["H 十二、第12节", "H 十二、第13节"])
    }
}
