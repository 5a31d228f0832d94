import Foundation
import HTTPTypes
@testable import TianbaoPortal
import XCTest

/// The portal's small parts on their own.
final class PortalPartsTests: XCTestCase {
    func testHTMLEscapesTextAndInsertsOnlyMarkupAsIs() {
        let name = "<img src=x onerror=alert(1)> & \"引号\" 'x'"
        let page: HTML = "<td>\(name)</td>\(HTML(markup: "<b>ok</b>"))"
        XCTAssertEqual(page.markup, "<td>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;引号&quot; &#39;x&#39;</td><b>ok</b>")
    }

    /// Every refusal with its status, the headers it adds and the words the visitor reads, as
    /// the portal has always answered them.
    func testEachRefusalHasItsStatusHeadersAndWords() {
        let notFound = "页面不存在。请核对链接是否完整（链接由办公室发给各单位，不要改动其中的任何字符）。"
        let table: [(PortalRefusal, Int, [String: String], String)] = [
            (.notFound, 404, [:], notFound),
            (.tooManyRequests(wait: 7), 429, ["retry-after": "7"], "请求过于频繁，请 7 秒后再试。"),
            (.postOnly, 405, ["allow": "POST"], "这个地址只接受表单提交（POST）。请回到本页面用按钮操作。"),
            (.forged, 403, [:], "表单已过期或不是从本页面提交的，已拒绝。请回到本页面重新操作。"),
            (.downloadGone(file: "汇总-2021-06.xlsx"), 404, [:], "文件不存在（可能正在重新汇总），请刷新页面后再下载。"),
            (.noSuchOutput(file: "x.xlsx"), 404, [:], "没有这个汇总结果文件。请刷新页面，从列表中下载。"),
            (.nothingToFeedBack(unit: "jiangan", round: "2021-06"), 404, [:], "本单位本轮的文件没有需要反馈的问题。"),
            (.notMultipart, 400, [:], "请求格式不对：上传须为 multipart/form-data 表单，文件放在名为 file 的字段中。"),
            (.tooLarge(limit: 20 << 20), 413, [:],
             "文件太大：每次上传不超过 20 MB。填报模板填好后通常不到 1 MB；请确认上传的是本单位的填报模板，而不是其他文件。"),
            (.malformedForm, 400, [:], "上传的表单数据不完整或格式不对，请重新上传。"),
            (.noFile, 400, [:], "没有收到文件：请在表单中选择要上传的 .xlsx 文件（字段名 file）后再提交。"),
            (.cannotStore(errno: ENOSPC), 500, [:], "服务器无法保存上传的文件（\(String(cString: strerror(ENOSPC)))）。"),
            (.cannotStore(cause: nil), 500, [:], "服务器无法保存上传的文件（磁盘写入失败）。"),
            (.cannotReadUpload, 500, [:], "服务器无法读取刚收到的文件，请重新上传。"),
            (.checksBusy, 503, ["retry-after": "5"], "正在校验的文件较多，本次上传未处理，请 5 秒后重新上传。"),
            (.mergeBusy, 409, [:], "另一次汇总正在进行。同一时间只运行一次汇总：请等它结束（看板上的按钮恢复可用）后再点“汇总”。"),
            (.reviewBusy, 409, [:], "回头看正在生成，请等它结束后再点。"),
            (.reviewFailed(message: "回头看未能生成。"), 500, [:], "回头看未能生成。"),
            (.http(.notFound, body: nil), 404, [:], notFound),
            (.http(.methodNotAllowed, body: nil), 405, [:], "不支持这种请求方式。"),
            (.http(.contentTooLarge, body: nil), 413, [:], "上传的文件太大。"),
            (.http(.badRequest, body: nil), 400, [:], "请求未能完成（400）。"),
            (.http(.badRequest, body: "说明"), 400, [:], "说明"),
        ]
        for (refusal, code, headers, message) in table {
            XCTAssertEqual(refusal.status.code, code, "\(refusal)")
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: refusal.headers.map { ($0.name.canonicalName, $0.value) }), headers, "\(refusal)")
            XCTAssertEqual(refusal.message, message, "\(refusal)")
        }
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
