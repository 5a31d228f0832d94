import Foundation
@testable import TianbaoArchive
import TianbaoCheck
import TianbaoPlan
import XCTest

/// A stored row's values read back as they were written, by the direct parser and by
/// JSONSerialization alike; text the parser does not expect falls back to JSONSerialization.
final class RowValuesCodingTests: XCTestCase {
    let keys = ["a", "b", "c", "d", "e", "f", "g", "h"]

    func testEveryKindOfValueComesBackAsWritten() {
        let samples: [[FieldValue?]] = [
            [.text("永清红旗社区"), .number(120), .number(-3.25), .date(Day("2021-06-15")!), nil, .text(""), .number(0), nil],
            [.text("引号\"反斜杠\\换行\n回车\r制表\t退格\u{08}换页\u{0C}控制\u{01}\u{1F}"), .text("a,b]c{\"d\":1}"), nil, nil],
            [.number(1e14), .number(123456789012.5), .number(0.1), .number(-0.0001), .text("null"), .text("1e3")],
            [nil, nil, .text("最后"), nil, nil],
            [],
        ]
        for values in samples {
            var row = FieldValues(keys: keys)
            for (i, v) in values.enumerated() { row.set(i, v) }
            let text = RowValuesCoding.encode(row)
            var expected: [String: FieldValue] = [:]
            for (i, v) in values.enumerated() { if let v { expected[keys[i]] = v } }
            XCTAssertEqual(RowValuesCoding.decode(text, fields: keys), expected, text)
            XCTAssertEqual(RowValuesCoding.decodeWithFoundation(text, fields: keys), expected, text)
            var copy = text
            XCTAssertNotNil(copy.withUTF8 { StoredRowParser.parse($0, fields: keys) }, "the direct parser gave up on \(text)")
        }
    }

    /// Reading only some fields (as the year's review does) gives exactly those of the whole
    /// decode, whatever the values skipped hold (escaped quotes, dates, numbers, nulls).
    func testKeepingSomeFieldsGivesThoseOfTheWholeDecode() {
        var row = FieldValues(keys: keys)
        let values: [FieldValue?] = [.text("引号\"反斜杠\\\""), .number(-3.25), nil, .date(Day("2021-06-15")!), .text("a,b]c"),
                                     .number(1e14), .text(""), .text("末")]
        for (i, v) in values.enumerated() { row.set(i, v) }
        let text = RowValuesCoding.encode(row)
        let whole = RowValuesCoding.decode(text, fields: keys)
        for mask in 0..<(1 << keys.count) {
            let keeping = keys.indices.map { mask & (1 << $0) != 0 }
            let expected = whole.filter { keeping[keys.firstIndex(of: $0.key)!] }
            XCTAssertEqual(RowValuesCoding.decode(text, fields: keys, keeping: keeping), expected, "mask \(mask)")
            XCTAssertEqual(RowValuesCoding.decodeWithFoundation(text, fields: keys, keeping: keeping), expected, "mask \(mask)")
        }
        var copy = text
        XCTAssertNotNil(copy.withUTF8 { StoredRowParser.parse($0, fields: keys, keeping: Array(repeating: false, count: 8)) })
    }

    /// The bytes stored for a row (the archive's content must not change with the writer).
    func testTheStoredTextOfARow() {
        var row = FieldValues(keys: keys)
        let values: [FieldValue?] = [nil, .text("引号\"\\\n\u{01}"), .number(12), .number(-0.5), .date(Day("2021-06-05")!),
                                     .date(Day("0987-12-31")!), .number(.nan), nil]
        for (i, v) in values.enumerated() { row.set(i, v) }
        XCTAssertEqual(RowValuesCoding.encode(row), #"[null,"引号\"\\\n\u0001",12,-0.5,{"d":"2021-06-05"},{"d":"0987-12-31"}]"#)
        XCTAssertEqual(RowValuesCoding.encode(row, skipping: ["b", "c"]), #"[null,null,null,-0.5,{"d":"2021-06-05"},{"d":"0987-12-31"}]"#)
        XCTAssertEqual(RowValuesCoding.encode(FieldValues(keys: keys)), "[]")
    }

    func testTextThisParserDoesNotExpectIsReadTheGeneralWay() {
        for text in [#"[ "a" , 1 ]"#, #"["\u4e2d", 2]"#, #"[true,"x"]"#, #"[{"d":"2021-06-15","x":1}]"#] {
            var copy = text
            XCTAssertNil(copy.withUTF8 { StoredRowParser.parse($0, fields: keys) }, text)
            XCTAssertEqual(RowValuesCoding.decode(text, fields: keys), RowValuesCoding.decodeWithFoundation(text, fields: keys), text)
        }
        XCTAssertEqual(RowValuesCoding.decode(#"["\u4e2d", 2]"#, fields: keys), ["a": .text("中"), "b": .number(2)])
        XCTAssertEqual(RowValuesCoding.decode("not json", fields: keys), [:])
    }
}
