import XCTest
@testable import TianbaoPlan
@testable import TianbaoCheck
import XLSX

/// Values typed the way clerks type them: understood, and every repair reported.
final class FieldReaderTests: XCTestCase {
    func field(_ type: FieldType, min: Double? = nil, max: Double? = nil, choices: [String] = []) -> FieldSpec {
        FieldSpec(id: "f", name: "字段", type: type, required: true, min: min, max: max, minDay: nil, maxDay: nil,
                  maxLength: nil, pattern: nil, choicesId: nil, choices: choices, prefilled: nil, width: nil)
    }

    func read(_ v: CellValue?, _ f: FieldSpec, format: String? = nil) -> FieldReader.Outcome {
        FieldReader.read(v, format: format, as: f)
    }

    func value(_ o: FieldReader.Outcome) -> FieldValue? {
        if case .value(let v, _) = o { return v }
        return nil
    }

    func repaired(_ o: FieldReader.Outcome) -> Bool {
        if case .value(_, let r) = o { return r != nil }
        return false
    }

    func testNumbersTypedAsText() {
        let f = field(.decimal)
        XCTAssertEqual(value(read(.string("1,234.5"), f)), .number(1234.5))
        XCTAssertTrue(repaired(read(.string("1,234.5"), f)))
        XCTAssertEqual(value(read(.string("１２３"), f)), .number(123), "full-width digits")
        XCTAssertEqual(value(read(.string("56.5万元"), f)), .number(56.5))
        XCTAssertEqual(value(read(.number(12), f)), .number(12))
        XCTAssertFalse(repaired(read(.number(12), f)))
        XCTAssertEqual(read(.string("约五十"), f), .invalid("应填写数字"))
        XCTAssertEqual(read(.string("  "), f), .empty)
    }

    func testPercents() {
        let f = field(.percent, min: 0, max: 100)
        XCTAssertEqual(value(read(.string("85%"), f)), .number(85))
        XCTAssertTrue(repaired(read(.string("85%"), f)))
        XCTAssertEqual(value(read(.number(0.85), f, format: "0%")), .number(85), "85% typed into a General cell")
        XCTAssertTrue(repaired(read(.number(0.85), f, format: "0%")))
        XCTAssertEqual(value(read(.number(0.07), f, format: "0.00%")), .number(7))
        XCTAssertEqual(value(read(.number(60), f)), .number(60))
    }

    func testIntegers() {
        let f = field(.integer)
        XCTAssertEqual(value(read(.number(3), f)), .number(3))
        XCTAssertEqual(read(.number(3.5), f), .invalid("应填写整数"))
    }

    func testDatesTypedAsText() {
        let f = field(.date)
        let june15 = FieldValue.date(Day(year: 2021, month: 6, day: 15))
        for text in ["2021/6/15", "2021年6月15日", "2021-6-15", "2021.6.15", "20210615", "２０２１年６月１５日"] {
            XCTAssertEqual(value(read(.string(text), f)), june15, text)
            XCTAssertTrue(repaired(read(.string(text), f)), text)
        }
        XCTAssertEqual(value(read(.date(ExcelDateTime(kind: .date, year: 2021, month: 6, day: 15), serial: 44362), f)), june15)
        XCTAssertFalse(repaired(read(.date(ExcelDateTime(kind: .date, year: 2021, month: 6, day: 15), serial: 44362), f)))
        XCTAssertEqual(value(read(.number(44362), f)), june15, "a serial in a cell that lost its date format")
        XCTAssertTrue(repaired(read(.number(44362), f)))
        XCTAssertEqual(read(.string("2021年6月31日"), f), .invalid("应填写日期，如 2021-06-15"))
        XCTAssertEqual(read(.string("六月中旬"), f), .invalid("应填写日期，如 2021-06-15"))
    }

    func testChoices() {
        let f = field(.choice, choices: ["未启动", "推进中", "已完成", "滞后"])
        XCTAssertEqual(value(read(.string("推进中"), f)), .text("推进中"))
        XCTAssertFalse(repaired(read(.string("推进中"), f)))
        XCTAssertEqual(value(read(.string(" 推进中 "), f)), .text("推进中"))
        XCTAssertTrue(repaired(read(.string(" 推进中 "), f)))
        XCTAssertEqual(read(.string("进行中"), f), .invalid("应从下拉列表中选择：未启动、推进中、已完成、滞后"))
    }

    func testContacts() {
        XCTAssertEqual(value(read(.string("138 0013 8000"), field(.mobile))), .text("13800138000"))
        XCTAssertTrue(repaired(read(.string("138 0013 8000"), field(.mobile))))
        XCTAssertEqual(value(read(.number(13800138000), field(.mobile))), .text("13800138000"))
        XCTAssertTrue(repaired(read(.number(13800138000), field(.mobile))), "typed as a number")
        XCTAssertEqual(read(.string("1380013800"), field(.mobile)), .invalid("应为 11 位手机号码"))
        XCTAssertEqual(value(read(.string("027-85000000"), field(.phone))), .text("027-85000000"))
        XCTAssertEqual(value(read(.string("027-85000000转123"), field(.phone))), .text("027-85000000转123"))
        XCTAssertEqual(read(.string("无"), field(.phone)), .invalid("应为电话号码，如 027-85000000"))
        XCTAssertEqual(value(read(.string("wang@example.gov.cn"), field(.email))), .text("wang@example.gov.cn"))
        XCTAssertEqual(read(.string("wang@"), field(.email)), .invalid("应为电子邮箱，如 name@example.gov.cn"))
    }

    func testTaskReferencesTypedAsNumbers() {
        XCTAssertEqual(value(read(.number(2.1), field(.taskRef))), .text("2.1"))
        XCTAssertTrue(repaired(read(.number(2.1), field(.taskRef))))
    }

    /// Trimming's quick test for white space agrees with Unicode's White_Space on every scalar.
    func testTrimmingKnowsWhiteSpaceAsUnicodeDoes() {
        for v in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            XCTAssertEqual(String.isSpace(scalar), scalar.properties.isWhitespace, "U+\(String(v, radix: 16))")
        }
        XCTAssertEqual("\u{3000} 已完成\t\u{A0}".trimmedSpace, "已完成")
        XCTAssertEqual(" 12 ".trimmedSpace, "12")
        XCTAssertEqual("\u{2028}".trimmedSpace, "")
    }
}
