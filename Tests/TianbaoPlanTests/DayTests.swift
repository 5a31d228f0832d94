import TianbaoPlan
import XCTest

/// `Day("2021-06-15")`: exactly ten characters, ASCII digits, a real date.
final class DayTests: XCTestCase {
    func testADayIsParsedFromItsTenCharacters() {
        XCTAssertEqual(Day("2021-06-15"), Day(year: 2021, month: 6, day: 15))
        XCTAssertEqual(Day("2024-02-29")?.description, "2024-02-29")
        XCTAssertEqual(Day("0001-01-01"), Day(year: 1, month: 1, day: 1))
        XCTAssertEqual(Day(year: 1, month: 1, day: 1).description, "0001-01-01")
        XCTAssertEqual(Day(year: 2021, month: 12, day: 31).description, "2021-12-31")
        XCTAssertEqual(Day(year: 12345, month: 1, day: 2).description, "12345-01-02")
    }

    func testAnythingElseIsNoDay() {
        for text in ["", "2021-6-15", "2021-06-5", "21-06-15", "2021/06/15", "2021-13-01", "2021-00-10", "2021-02-29",
                     "2023-04-31", "2021-06-00", "2021-06-15 ", " 2021-06-15", "２０２１-06-15", "+202-06-15", "2021-06-1x",
                     "20210615", "2021-06-15T00:00"] {
            XCTAssertNil(Day(text), text)
        }
    }
}
