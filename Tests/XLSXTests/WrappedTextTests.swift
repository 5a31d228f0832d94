import XCTest
import XLSX

/// Row heights for wrapped text: how many lines a text takes in a column (a wide character
/// counts two columns, a line feed starts a line), and the height of that many lines.
final class WrappedTextTests: XCTestCase {
    /// The rule spelled out the slow way, to compare the reader's shortcut with.
    private func reference(_ text: String, width: Double) -> Int {
        let usable = max(width - 1.5, 2)
        return text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { n, line in
            let columns = line.unicodeScalars.reduce(0.0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
            return n + max(1, Int((columns / usable).rounded(.up)))
        }
    }

    func testLinesFollowTheWidthOfEachCharacter() {
        XCTAssertEqual(WrappedText.lines("", width: 12), 1)
        XCTAssertEqual(WrappedText.lines("abcdefghij", width: 11.5), 1, "ten columns fit in 10")
        XCTAssertEqual(WrappedText.lines("abcdefghijk", width: 11.5), 2)
        XCTAssertEqual(WrappedText.lines("幸福小区改造", width: 13.5), 1, "six wide characters take 12 columns")
        XCTAssertEqual(WrappedText.lines("幸福小区改造完", width: 13.5), 2)
        XCTAssertEqual(WrappedText.lines("a\nb", width: 40), 2, "a line feed starts a line")
        XCTAssertEqual(WrappedText.lines("a\n\n", width: 40), 3, "empty lines count")
        let texts = ["第0001县人民政府", "雨污分流、外立面整治、加装电梯和适老化改造", "abc\n幸福小区4号\n", "é€😀", String(repeating: "改", count: 300)]
        for text in texts {
            for width in [2.0, 8, 12, 13.5, 22, 40] {
                XCTAssertEqual(WrappedText.lines(text, width: width), reference(text, width: width), "\(text) in \(width)")
            }
        }
    }

    func testHeightsGrowWithLinesUpToExcelsMaximum() {
        XCTAssertNil(WrappedText.rowHeight(lines: 1))
        XCTAssertEqual(WrappedText.rowHeight(lines: 2)!, 2 * (11 * 1.3 + 0.6) + 3, accuracy: 1e-9)
        XCTAssertEqual(WrappedText.rowHeight(lines: 100), 409)
        XCTAssertEqual(WrappedText.rowHeight([("短", 12), ("幸福小区改造完", 13.5)]), WrappedText.rowHeight(lines: 2))
    }
}
