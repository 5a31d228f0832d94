import TianbaoSupport
import XCTest

/// The one escaper of markup: HTML (the 简报's page, the portal) and a Word run's text (the
/// 简报's docx).
final class HTMLTextTests: XCTestCase {
    func testHTMLEscapesMarkupAndBothQuotes() {
        XCTAssertEqual(HTMLText.escaped("A&B <i>\"它's\"</i>\t\u{1}"), "A&amp;B &lt;i&gt;&quot;它&#39;s&quot;&lt;/i&gt;\t\u{1}")
    }

    func testAWordRunKeepsApostrophesAndDropsWhatXMLForbids() {
        XCTAssertEqual(HTMLText.wordRunText("A&B <i>\"它's\"</i>\t行\n尾\r\u{1}\u{1F}\u{FFFE}\u{FFFF}完"),
                       "A&amp;B &lt;i&gt;&quot;它's&quot;&lt;/i&gt; 行 尾 完")
    }
}
