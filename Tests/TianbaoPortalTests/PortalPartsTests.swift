import Foundation
@testable import TianbaoPortal
import XCTest

/// The portal's small parts on their own.
final class PortalPartsTests: XCTestCase {
    func testHTMLEscapesTextAndInsertsOnlyMarkupAsIs() {
        let name = "<img src=x onerror=alert(1)> & \"引号\" 'x'"
        let page: HTML = "<td>\(name)</td>\(HTML(markup: "<b>ok</b>"))"
        XCTAssertEqual(page.markup, "<td>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;引号&quot; &#39;x&#39;</td><b>ok</b>")
    }

    func testDownloadNamesFollowRFC6266And5987() {
        XCTAssertEqual(Download.contentDisposition("汇总-2021-06.xlsx"),
                       "attachment; filename=\"__-2021-06.xlsx\"; filename*=UTF-8''%E6%B1%87%E6%80%BB-2021-06.xlsx")
        XCTAssertEqual(Download.contentDisposition("a \"b\";c.csv"),
                       "attachment; filename=\"a _b_;c.csv\"; filename*=UTF-8''a%20%22b%22%3Bc.csv")
    }

    func testTheAccessLogNeverShowsAToken() {
        let tokens = LinkTokens(key: PortalFixture.key, plan: PortalFixture.plan)
        let path = tokens.path(round: "2021-06", who: "wuchang") + "upload"
        XCTAssertEqual(AccessLog.redacted(path), "/2021-06/wuchang/…/upload")
        XCTAssertFalse(AccessLog.redacted(tokens.path(round: "2021-06", who: "office")).contains(tokens.token(round: "2021-06", who: "office")))
    }

    func testTokensAreComparedWholly() {
        let tokens = LinkTokens(key: PortalFixture.key, plan: PortalFixture.plan)
        let good = tokens.token(round: "2021-06", who: "wuchang")
        XCTAssertEqual(good.count, 32)
        XCTAssertTrue(tokens.verify(good, round: "2021-06", who: "wuchang"))
        XCTAssertFalse(tokens.verify(String(good.dropLast()), round: "2021-06", who: "wuchang"))
        XCTAssertFalse(tokens.verify(good.uppercased(), round: "2021-06", who: "wuchang"))
        XCTAssertFalse(tokens.verify(good + "0", round: "2021-06", who: "wuchang"))
        XCTAssertFalse(tokens.verify(good, round: "2021-06", who: "jiangan"))
        XCTAssertFalse(LinkTokens.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        XCTAssertTrue(LinkTokens.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
    }

    func testTheRateLimitIsPerLinkAndRefills() {
        let limiter = RateLimiter(perMinute: 60, burst: 2)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertNil(limiter.admit("a", now: t0))
        XCTAssertNil(limiter.admit("a", now: t0))
        XCTAssertEqual(limiter.admit("a", now: t0), 1)
        XCTAssertNil(limiter.admit("b", now: t0))
        XCTAssertNil(limiter.admit("a", now: t0.addingTimeInterval(1.01)))
        XCTAssertNil(RateLimiter(perMinute: 0, burst: 1).admit("a"))
    }

    func testCSVCellsThatASpreadsheetWouldRunGetAQuote() {
        XCTAssertEqual(CSV.line(["=1+1", "+86", "-1", "@SUM(A1)", "普通", "a,b", "\"q\""]),
                       "'=1+1,'+86,'-1,'@SUM(A1),普通,\"a,b\",\"\"\"q\"\"\"\r\n")
    }

    func testTheCheckingPoolRefusesBeyondItsQueue() async throws {
        let pool = CheckPool(width: 1, queueLimit: 1)
        let gate = DispatchSemaphore(value: 0)
        async let first: Int = pool.run { gate.wait(); return 1 }
        while await pool.load.running == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        async let second: Int = pool.run { 2 }
        while await pool.load.waiting == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        do {
            _ = try await pool.run { 3 }
            XCTFail("a third caller must be refused")
        } catch is CheckPool.Full {}
        gate.signal()
        let (a, b) = try await (first, second)
        XCTAssertEqual([a, b], [1, 2])
        let load = await pool.load
        XCTAssertEqual(load.running, 0)
    }
}
