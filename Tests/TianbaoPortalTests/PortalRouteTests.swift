import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import TianbaoArchive
import TianbaoCheck
import TianbaoMerge
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
@testable import TianbaoPortal
import XCTest
import XLSX

/// Every page and every refusal of the portal, through Hummingbird's router (no network).
/// The headers every response carries.
func assertSecurityHeaders(_ r: TestResponse, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(r.header("Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'; form-action 'self'", file: file, line: line)
    XCTAssertEqual(r.header("X-Content-Type-Options"), "nosniff", file: file, line: line)
    XCTAssertEqual(r.header("Referrer-Policy"), "no-referrer", file: file, line: line)
}

final class PortalRouteTests: XCTestCase {
    static let clean = "市发展改革委-2021-06.xlsx"
    static let wuchang = "武昌区人民政府-2021-06.xlsx"

    func testTheUnitsPageShowsTheRoundItsTasksAndTheForm() async throws {
        let f = try PortalFixture("unit-page")
        try await f.test { client in
            let r = try await client.execute(uri: f.link("武昌区人民政府"), method: .get)
            XCTAssertEqual(r.status, .ok)
            assertSecurityHeaders(r)
            let page = r.text
            XCTAssertTrue(page.contains("武昌区人民政府：6月工作调度") || page.contains("武昌区人民政府："), page)
            XCTAssertTrue(page.contains("截止日期：<strong>2021-06-15</strong>"))
            XCTAssertTrue(page.contains("是否迟报以服务器收到文件的时间（北京时间）为准"))
            XCTAssertTrue(page.contains("小区台账"))
            XCTAssertTrue(page.contains("<input type=\"hidden\" name=\"csrf\" value=\"\(f.formToken("武昌区人民政府"))\">"))
            XCTAssertTrue(page.contains("enctype=\"multipart/form-data\""))
            XCTAssertTrue(page.contains("尚未报送"))
            // No inline script or style: the content security policy allows neither.
            XCTAssertFalse(page.contains("style="))
            XCTAssertEqual(page.components(separatedBy: "<script").count - 1, 1)
            XCTAssertTrue(page.contains("<script src=\"/assets/portal.js\"></script>"))
            // Without the trailing slash: redirected to it (the page's links are relative).
            let bare = try await client.execute(uri: String(f.link("武昌区人民政府").dropLast()), method: .get)
            XCTAssertEqual(bare.status, .movedPermanently)
            XCTAssertEqual(bare.header("Location"), f.link("武昌区人民政府"))
            for asset in ["/assets/portal.css", "/assets/portal.js"] {
                let a = try await client.execute(uri: asset, method: .get)
                XCTAssertEqual(a.status, .ok)
                assertSecurityHeaders(a)
            }
        }
    }

    func testAWrongOrAlteredTokenIs404() async throws {
        let f = try PortalFixture("tokens")
        let good = f.link("武昌区人民政府")
        let parts = good.split(separator: "/").map(String.init)  // [round, unit, token]
        var alteredChars = Array(parts[2])
        alteredChars[5] = alteredChars[5] == "a" ? "b" : "a"
        let altered = String(alteredChars)
        let other = f.link("江岸区人民政府").split(separator: "/").map(String.init)[2]
        let office = f.link(nil).split(separator: "/").map(String.init)[2]
        let wrong = [
            "/\(parts[0])/\(parts[1])/\(String(altered))/",       // one character changed
            "/\(parts[0])/\(parts[1])/\(other)/",                 // another unit's token
            "/\(parts[0])/\(parts[1])/\(parts[2].prefix(31))/",   // cut short
            "/\(parts[0])/office/\(parts[2])/",                   // a unit's token as the office's
            "/\(parts[0])/\(parts[1])/\(office)/",                // the office's token as a unit's
            "/2021-05/\(parts[1])/\(parts[2])/",                  // another round
            "/\(parts[0])/nosuchunit/\(parts[2])/",
            "/\(parts[0])/\(parts[1])/\(String(altered))/upload",
            "/\(parts[0])/\(parts[1])/\(String(altered))/template",
        ]
        try await f.test { client in
            for uri in wrong {
                let r = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, .notFound, uri)
                assertSecurityHeaders(r)
                XCTAssertTrue(r.text.contains("页面不存在"), uri)
            }
            let post = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang), extra: [:])
            XCTAssertEqual(post.status, .ok)  // the right link works
            let forged = try await client.execute(uri: "/\(parts[0])/\(parts[1])/\(String(altered))/upload", method: .post,
                                                  headers: PortalFixture.multipart(f.sample(Self.wuchang), csrf: f.formToken("武昌区人民政府")).1,
                                                  body: PortalFixture.multipart(f.sample(Self.wuchang), csrf: f.formToken("武昌区人民政府")).0)
            XCTAssertEqual(forged.status, .notFound)
        }
        XCTAssertEqual(try f.portal.log.uploads(round: "2021-06").count, 1)
    }

    func testAnAcceptedUploadAnswersWhatCheckPrintsAndIsStoredAndRecorded() async throws {
        let f = try PortalFixture("accepted")
        let bytes = f.sample(Self.clean)
        try await f.test { client in
            let r = try await f.upload(client, "市发展改革委", bytes)
            XCTAssertEqual(r.status, .ok)
            assertSecurityHeaders(r)
            XCTAssertEqual(r.header("Content-Type"), "application/json; charset=utf-8")
            // The answer is `check --format json` of the stored file, then received and late.
            let stored = f.stored("市发展改革委")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: stored)), bytes)
            let checker = SubmissionChecker(plan: PortalFixture.plan, key: PortalFixture.key, round: nil)
            let cli = CheckJSON.render([checker.check(path: stored)])
            let text = r.text
            XCTAssertTrue(text.hasPrefix(String(cli.dropLast())), "\(text)\n\(cli)")
            let tail = text.dropFirst(cli.count - 1)
            XCTAssertTrue(tail.hasPrefix(",\"received\":\"20"), String(tail))
            XCTAssertTrue(tail.hasSuffix(",\"late\":true,\"stored\":true}\n"), String(tail))  // received today: after 2021-06-15
            let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
            let file = (json["files"] as! [[String: Any]])[0]
            XCTAssertEqual(file["status"] as? String, "accepted")
            XCTAssertEqual(file["file"] as? String, "市发展改革委-2021-06.xlsx")
            // The record.
            let records = try f.portal.log.uploads(round: "2021-06")
            XCTAssertEqual(records.count, 1)
            let rec = records[0]
            XCTAssertEqual(rec.unitId, PortalFixture.plan.unit(named: "市发展改革委")!.id)
            XCTAssertEqual(rec.size, bytes.count)
            XCTAssertEqual(rec.sha256, Digest.sha256Hex(ofFile: stored))
            XCTAssertEqual(rec.verdict, .accepted)
            XCTAssertTrue(rec.stored)
            XCTAssertTrue(rec.late)
            XCTAssertEqual(rec.answerJSON, text)
            XCTAssertEqual(r.header("X-Tianbao-Upload"), String(rec.id))
            // Nothing left in .incoming.
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.data.appendingPathComponent(".incoming").path), [])
        }
    }

    func testAFileWithProblemsIsShownCellByCellAndItsFeedbackDownloads() async throws {
        let f = try PortalFixture("problems")
        try await f.test { client in
            // The plain form: answered with a redirect to the page, which shows the verdict.
            let r = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang), json: false)
            XCTAssertEqual(r.status, .seeOther)
            let location = try XCTUnwrap(r.header("Location"))
            XCTAssertTrue(location.hasPrefix("./?upload="), location)
            let page = try await client.execute(uri: f.link("武昌区人民政府") + String(location.dropFirst(2)), method: .get).text
            XCTAssertTrue(page.contains("本次上传的结果"), page)
            XCTAssertTrue(page.contains("已接收，但有 2 处错误"), page)
            let answer = AnswerView.read(try f.portal.log.uploads(round: "2021-06")[0].answerJSON)!
            XCTAssertEqual(Set(answer.problems.compactMap(\.cell)), ["S4", "S5", "J6", "C7"])
            for p in answer.problems {
                XCTAssertTrue(page.contains("<td>\(p.cell ?? "")</td><td class=\"\(p.kindClass)\">\(p.kind)</td><td>\(HTML.escape(p.message))</td>"), p.message)
            }
            XCTAssertTrue(page.contains("href=\"feedback\""))
            // The 反馈 workbook: the unit's own file with its problems.
            let fb = try await client.execute(uri: f.link("武昌区人民政府") + "feedback", method: .get)
            XCTAssertEqual(fb.status, .ok)
            XCTAssertEqual(fb.header("Content-Disposition"),
                           "attachment; filename=\"_______-2021-06-__.xlsx\"; filename*=UTF-8''%E6%AD%A6%E6%98%8C%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C-2021-06-%E5%8F%8D%E9%A6%88.xlsx")
            let path = f.data.appendingPathComponent("fb.xlsx")
            try Data(buffer: fb.body).write(to: path)
            let workbook = try Workbook(path: path.path)
            XCTAssertEqual(workbook.sheets.first?.name, "问题清单")
        }
    }

    func testARepeatedUploadOfTheSameBytesIsOneRecordAndOneFile() async throws {
        let f = try PortalFixture("repeat")
        try await f.test { client in
            let first = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang))
            let second = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang))
            XCTAssertEqual(first.text, second.text)
            XCTAssertEqual(first.header("X-Tianbao-Upload"), second.header("X-Tianbao-Upload"))
        }
        XCTAssertEqual(try f.portal.log.uploads(round: "2021-06").count, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.data.appendingPathComponent("submissions/2021-06").path),
                       ["武昌区人民政府-2021-06.xlsx"])
    }

    func testAnotherUnitsOrAnotherRoundsFileIsRefusedAndNotStored() async throws {
        let f = try PortalFixture("refused")
        try await f.test { client in
            // The unit's own file first: it must stay.
            _ = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang))
            let before = try Data(contentsOf: URL(fileURLWithPath: f.stored("武昌区人民政府")))
            let other = try await f.upload(client, "武昌区人民政府", f.sample(Self.clean))
            XCTAssertEqual(other.status, .unprocessableContent)
            XCTAssertTrue(other.text.contains("\"stored\":false,\"refusal\":\"这是“市发展改革委”的模板，不是本单位（武昌区人民政府）的，未存入。"), other.text)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: f.stored("武昌区人民政府"))), before)
            XCTAssertFalse(FileManager.default.fileExists(atPath: f.stored("市发展改革委")))
            // May's template renamed to June (市教育局's sample).
            let may = try await f.upload(client, "市教育局", f.sample("市教育局-2021-06.xlsx"))
            XCTAssertEqual(may.status, .unprocessableContent)
            XCTAssertTrue(may.text.contains("这是 2021-05 轮的模板，本轮是 2021-06，未存入"), may.text)
            XCTAssertFalse(FileManager.default.fileExists(atPath: f.stored("市教育局")))
            // The page says so, and keeps the unit's file.
            let page = try await client.execute(uri: f.link("武昌区人民政府"), method: .get).text
            XCTAssertTrue(page.contains("最近一次上传的结果"))
            XCTAssertTrue(page.contains("未接收：这是“市发展改革委”的模板"))
            XCTAssertTrue(page.contains("本单位本轮报送的文件"))
        }
        let records = try f.portal.log.uploads(round: "2021-06")
        XCTAssertEqual(records.map(\.verdict), [.errors, .refused, .refused])
        XCTAssertEqual(records.map(\.stored), [true, false, false])
    }

    func testAHostileWorkbookIsRefusedBeforeAnythingIsStored() async throws {
        let f = try PortalFixture("hostile")
        let hostile = PortalFixture.repository.appendingPathComponent("Tests/XLSXTests/Fixtures/hostile")
        let names = try FileManager.default.contentsOfDirectory(atPath: hostile.path).filter { $0.hasSuffix(".xlsx") }.sorted()
        XCTAssertGreaterThan(names.count, 5)
        try await f.test { client in
            for name in names {
                let start = Date()
                let r = try await f.upload(client, "武昌区人民政府", try Data(contentsOf: hostile.appendingPathComponent(name)))
                XCTAssertEqual(r.status, .unprocessableContent, name)
                XCTAssertTrue(r.text.contains("\"stored\":false"), name)
                XCTAssertTrue(r.text.contains("\"status\":\"rejected\""), name)
                XCTAssertLessThan(Date().timeIntervalSince(start), 10, name)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.stored("武昌区人民政府")))
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: f.data.appendingPathComponent("submissions/2021-06").path)) ?? [], [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.data.appendingPathComponent(".incoming").path), [])
        XCTAssertEqual(try f.portal.log.uploads(round: "2021-06").map(\.verdict), Array(repeating: .refused, count: names.count))
    }

    func testAnOversizeUploadIs413AndLeavesNothing() async throws {
        let f = try PortalFixture("oversize") { $0.maxFileBytes = 256 << 10 }
        // Over HTTP: the request's Content-Length says it, and it is refused before its body is read.
        let (big, bigHeaders) = PortalFixture.multipart(Data(count: (256 << 10) + UploadLimits.formBytes), csrf: f.formToken("武昌区人民政府"))
        try await f.test(.live) { client in
            let said = try await client.execute(uri: f.link("武昌区人民政府") + "upload", method: .post, headers: bigHeaders, body: big)
            XCTAssertEqual(said.status, .contentTooLarge)
            assertSecurityHeaders(said)
            XCTAssertTrue(said.text.contains("文件太大：每次上传不超过 256 KB"), said.text)
        }
        // A body within the request limit whose file is over the file limit: found while
        // streaming it to disk, and the part received removed.
        let (over, overHeaders) = PortalFixture.multipart(Data(count: (256 << 10) + 1), csrf: f.formToken("武昌区人民政府"))
        try await f.test { client in
            var headers = overHeaders
            headers[.accept] = "application/json"
            let found = try await client.execute(uri: f.link("武昌区人民政府") + "upload", method: .post, headers: headers, body: over)
            XCTAssertEqual(found.status, .contentTooLarge)
            XCTAssertTrue(found.text.hasPrefix("{\"error\":\"文件太大"), found.text)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.data.appendingPathComponent(".incoming").path), [])
        }
        XCTAssertEqual(try f.portal.log.uploads(round: "2021-06").count, 0)
    }

    func testAPostWithoutTheFormTokenOrFromAnotherSiteIs403() async throws {
        let f = try PortalFixture("csrf")
        try await f.test { client in
            let missing = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang), csrf: .some(nil))
            XCTAssertEqual(missing.status, .forbidden)
            XCTAssertTrue(missing.text.contains("表单已过期或不是从本页面提交的"), missing.text)
            let wrong = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang), csrf: .some(f.formToken("江岸区人民政府")))
            XCTAssertEqual(wrong.status, .forbidden)
            let crossSite = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang),
                                               extra: [.origin: "http://evil.example", HTTPField.Name("Host")!: "tianbao.local"])
            XCTAssertEqual(crossSite.status, .forbidden)
            let fetchSite = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang),
                                               extra: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            XCTAssertEqual(fetchSite.status, .forbidden)
            // The office's 汇总 without its token.
            let merge = try await client.execute(uri: f.link(nil) + "merge", method: .post,
                                                 headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "csrf=0"))
            XCTAssertEqual(merge.status, .forbidden)
            // The same host is fine.
            let same = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang),
                                          extra: [.origin: "http://tianbao.local", HTTPField.Name("Host")!: "tianbao.local"])
            XCTAssertEqual(same.status, .ok)
        }
        XCTAssertEqual(f.merging.started, 0)
        XCTAssertEqual(try f.portal.log.uploads(round: "2021-06").count, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.data.appendingPathComponent(".incoming").path), [])
    }

    func testAGetOnAPostRouteIs405() async throws {
        let f = try PortalFixture("methods")
        try await f.test { client in
            for uri in [f.link("武昌区人民政府") + "upload", f.link(nil) + "merge"] {
                let r = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, .methodNotAllowed, uri)
                XCTAssertEqual(r.header("Allow"), "POST")
                assertSecurityHeaders(r)
            }
        }
    }

    func testAUnitsLinkReachesOnlyItsOwnThingsAndTheOfficesOnlyTheOffices() async throws {
        let f = try PortalFixture("scopes")
        try await f.test { client in
            for path in ["board.json", "uploads.csv", "out/report.json", "merge"] {
                let r = try await client.execute(uri: f.link("武昌区人民政府") + path, method: path == "merge" ? .post : .get,
                                                 headers: [HTTPField.Name("X-Tianbao-CSRF")!: f.formToken("武昌区人民政府")])
                XCTAssertEqual(r.status, .notFound, path)
            }
            for path in ["template", "feedback", "upload"] {
                let r = try await client.execute(uri: f.link(nil) + path, method: path == "upload" ? .post : .get,
                                                 headers: [HTTPField.Name("X-Tianbao-CSRF")!: f.formToken(nil)])
                XCTAssertEqual(r.status, .notFound, path)
            }
            // An output that is not in the listing, or a path that climbs out.
            for path in ["out/..%2F..%2Ftianbao-archive.sqlite", "out/..", "out/%2Fetc%2Fpasswd", "out/反馈/..%2Freport.json"] {
                let r = try await client.execute(uri: f.link(nil) + path, method: .get)
                XCTAssertEqual(r.status, .notFound, path)
            }
        }
    }

    func testTheOutputsDownloadByTheirListedNamesOnly() async throws {
        let f = try PortalFixture("outputs")
        let out = f.data.appendingPathComponent("out/2021-06")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("反馈"), withIntermediateDirectories: true)
        try Data("workbook".utf8).write(to: out.appendingPathComponent("汇总-2021-06.xlsx"))
        try Data("feedback".utf8).write(to: out.appendingPathComponent("反馈/武昌区人民政府-2021-06-反馈.xlsx"))
        try Data("secret".utf8).write(to: f.data.appendingPathComponent("out/secret.txt"))
        try await f.test { client in
            let page = try await client.execute(uri: f.link(nil), method: .get).text
            let workbookHref = "out/\(OfficePage.percentEncoded("汇总-2021-06.xlsx"))"
            let feedbackHref = "out/反馈/\(OfficePage.percentEncoded("武昌区人民政府-2021-06-反馈.xlsx"))"
            XCTAssertTrue(page.contains("href=\"\(workbookHref)\""), page)
            XCTAssertTrue(page.contains("href=\"\(feedbackHref)\""), page)
            let workbook = try await client.execute(uri: f.link(nil) + workbookHref, method: .get)
            XCTAssertEqual(workbook.status, .ok)
            XCTAssertEqual(workbook.text, "workbook")
            XCTAssertEqual(workbook.header("Content-Disposition"),
                           "attachment; filename=\"__-2021-06.xlsx\"; filename*=UTF-8''%E6%B1%87%E6%80%BB-2021-06.xlsx")
            // The browser sends the folder's name percent-encoded too.
            let encoded = f.link(nil) + "out/%E5%8F%8D%E9%A6%88/" + OfficePage.percentEncoded("武昌区人民政府-2021-06-反馈.xlsx")
            let feedback = try await client.execute(uri: encoded, method: .get)
            XCTAssertEqual(feedback.status, .ok)
            XCTAssertEqual(feedback.text, "feedback")
            for path in ["out/..%2Fsecret.txt", "out/%2E%2E/secret.txt", "out/other/汇总-2021-06.xlsx", "out/反馈/..%2F汇总-2021-06.xlsx"] {
                let r = try await client.execute(uri: f.link(nil) + path, method: .get)
                XCTAssertEqual(r.status, .notFound, path)
            }
        }
    }

    func testTheTemplateIsTheUnitsOwnWithAChineseFileName() async throws {
        let f = try PortalFixture("template")
        try await f.test { client in
            let r = try await client.execute(uri: f.link("江岸区人民政府") + "template", method: .get)
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.header("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            XCTAssertEqual(r.header("Content-Disposition"),
                           "attachment; filename=\"_______-2021-06.xlsx\"; filename*=UTF-8''%E6%B1%9F%E5%B2%B8%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C-2021-06.xlsx")
            let path = f.data.appendingPathComponent("t.xlsx").path
            try Data(buffer: r.body).write(to: URL(fileURLWithPath: path))
            // Byte for byte the template `tianbao templates --no-carry` writes (no archive round yet).
            let committed = PortalFixture.repository.appendingPathComponent("templates/2021-06/江岸区人民政府-2021-06.xlsx")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), try Data(contentsOf: committed))
        }
    }

    func testTheBoardTheCSVAndEscaping() async throws {
        let f = try PortalFixture("board")
        try await f.test { client in
            _ = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang))
            _ = try await f.upload(client, "市发展改革委", f.sample(Self.clean))
            _ = try await f.upload(client, "洪山区人民政府", f.sample("洪山区人民政府-2021-06.xlsx"))
            // A liaison name written by a unit, as markup: it must reach the page as text.
            let hostileName = "<script>alert('x')</script>&\"王\""
            var forged = try f.portal.log.uploads(round: "2021-06", unit: "caidian").first
                ?? UploadRecord(round: "2021-06", unitId: PortalFixture.plan.unit(named: "蔡甸区人民政府")!.id, receivedAt: Date(), client: "-1",
                                size: 1, sha256: "00", verdict: .warnings, late: false, stored: true, file: "x", errors: 0, warnings: 1,
                                liaison: hostileName, phone: "=cmd|' /C calc'!A0", answerJSON: "{}")
            forged = try f.portal.log.add(forged)
            let board = try await client.execute(uri: f.link(nil) + "board.json", method: .get)
            XCTAssertEqual(board.status, .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: board.body)) as! [String: Any]
            let units = json["units"] as! [[String: Any]]
            XCTAssertEqual(units.count, PortalFixture.plan.units(in: PortalFixture.round).count)
            func state(_ name: String) -> String { units.first { $0["unit"] as? String == name }!["state"] as! String }
            XCTAssertEqual(state("武昌区人民政府"), "已接收（有错误）")
            XCTAssertEqual(state("市发展改革委"), "通过")
            XCTAssertEqual(state("洪山区人民政府"), "退回")
            XCTAssertEqual(state("江岸区人民政府"), "未报送")
            XCTAssertEqual((json["totals"] as! [String: Int])["missing"], units.count - 4)
            let page = try await client.execute(uri: f.link(nil), method: .get).text
            XCTAssertFalse(page.contains("<script>alert"))
            XCTAssertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;王&quot;"))
            XCTAssertTrue(page.contains("迟报按服务器收到文件的时间（北京时间）判断"))
            XCTAssertTrue(page.contains("<table id=\"board\" data-refresh=\"10\">"))
            let csv = try await client.execute(uri: f.link(nil) + "uploads.csv", method: .get)
            XCTAssertEqual(csv.header("Content-Disposition"),
                           "attachment; filename=\"____-2021-06.csv\"; filename*=UTF-8''%E4%B8%8A%E4%BC%A0%E8%AE%B0%E5%BD%95-2021-06.csv")
            let lines = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            XCTAssertTrue(lines[0].hasPrefix("\u{FEFF}序号,单位编号,单位,接收时间（北京时间）"))
            XCTAssertEqual(lines.count, 5)
            XCTAssertTrue(lines[1].contains(",武昌区人民政府,"), lines[1])
            XCTAssertTrue(lines[4].contains(",'-1,"), lines[4])  // a text a spreadsheet would run as a formula
        }
    }

    func testTheMergeButtonRunsOneMergeAtATimeAndRecordsItsUploads() async throws {
        let merging = FakeMerge()
        let f = try PortalFixture("merge", merging: merging)
        try await f.test { client in
            _ = try await f.upload(client, "武昌区人民政府", f.sample(Self.wuchang))
            _ = try await f.upload(client, "市发展改革委", f.sample(Self.clean))
            merging.hold()
            let form = ByteBuffer(string: "csrf=\(f.formToken(nil))")
            async let first = client.execute(uri: f.link(nil) + "merge", method: .post,
                                             headers: [.contentType: "application/x-www-form-urlencoded"], body: form)
            while merging.started == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
            // A second click while it runs is refused; the board says a merge runs.
            let second = try await client.execute(uri: f.link(nil) + "merge", method: .post,
                                                  headers: [.contentType: "application/x-www-form-urlencoded"], body: form)
            XCTAssertEqual(second.status, .conflict)
            XCTAssertTrue(second.text.contains("另一次汇总正在进行"), second.text)
            let board = try await client.execute(uri: f.link(nil) + "board.json", method: .get).text
            XCTAssertTrue(board.contains("\"merging\":true"))
            // An upload arriving now is checked, then waits for the merge before it is stored.
            async let late = f.upload(client, "江岸区人民政府", f.sample("江岸区人民政府-2021-06.xlsx"))
            try await Task.sleep(nanoseconds: 1_500_000_000)
            XCTAssertFalse(FileManager.default.fileExists(atPath: f.stored("江岸区人民政府")))
            merging.letGo()
            let done = try await first
            XCTAssertEqual(done.status, .seeOther)
            let stored = try await late
            XCTAssertEqual(stored.status, .ok)
            XCTAssertEqual(stored.header("X-Tianbao-Stored-After-Merge"), "1")
            XCTAssertTrue(FileManager.default.fileExists(atPath: f.stored("江岸区人民政府")))
            let page = try await client.execute(uri: f.link(nil) + String(done.header("Location")!.dropFirst(2)), method: .get).text
            XCTAssertTrue(page.contains("最近一次汇总：<span class=\"ok\">完成（有退回或未报送的单位）</span>"), page)
        }
        XCTAssertEqual(merging.calls.count, 1)
        let request = merging.calls[0]
        XCTAssertEqual(request.submissions, f.data.appendingPathComponent("submissions/2021-06").path)
        XCTAssertEqual(request.out, f.data.appendingPathComponent("out/2021-06").path)
        XCTAssertEqual(request.archive, f.data.appendingPathComponent("tianbao-archive.sqlite").path)
        let merges = try f.portal.log.merges(round: "2021-06")
        XCTAssertEqual(merges.count, 1)
        XCTAssertEqual(merges[0].outcome, .partial)
        let ids = try f.portal.log.uploads(round: "2021-06").filter { $0.unitId != "jiangan" }.reduce(into: [String: Int64]()) { $0[$1.unitId] = $1.id }
        XCTAssertEqual(merges[0].uploads, ids)
    }

    func testALinkOverItsRateLimitIsTold429() async throws {
        let f = try PortalFixture("rate") { $0.ratePerMinute = 60; $0.rateBurst = 3 }
        try await f.test { client in
            for _ in 0..<3 {
                let ok = try await client.execute(uri: f.link("武昌区人民政府"), method: .get)
                XCTAssertEqual(ok.status, .ok)
            }
            let limited = try await client.execute(uri: f.link("武昌区人民政府"), method: .get)
            XCTAssertEqual(limited.status, .tooManyRequests)
            XCTAssertEqual(limited.header("Retry-After"), "1")
            assertSecurityHeaders(limited)
            // Another link is not affected.
            let other = try await client.execute(uri: f.link("江岸区人民政府"), method: .get)
            XCTAssertEqual(other.status, .ok)
        }
    }
}
