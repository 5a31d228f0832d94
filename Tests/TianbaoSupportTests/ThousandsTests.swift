import TianbaoSupport
import XCTest

final class ThousandsTests: XCTestCase {
    func testGroupsTheWholePartOnly() {
        XCTAssertEqual(Thousands.grouped(0), "0")
        XCTAssertEqual(Thousands.grouped(999), "999")
        XCTAssertEqual(Thousands.grouped(1_234), "1,234")
        XCTAssertEqual(Thousands.grouped(1_234_567), "1,234,567")
        XCTAssertEqual(Thousands.grouped("118389.4"), "118,389.4")
        XCTAssertEqual(Thousands.grouped("-10926.1"), "-10,926.1")
        XCTAssertEqual(Thousands.grouped("50.0"), "50.0")
    }
}
