import Foundation
import TestSupport
import XCTest

/// `tianbao templates --round R` with an archive: each district's 小区台账 starts
/// with its rows accepted last round, editable and marked; the checks across rounds then report
/// what the district changed, and nothing on the rows it left alone.
final class CarryOverTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key
    static let samples = MergeEndToEndTests.samples

    /// Reads back 江岸区's carried ledger and its June file, changes three carried rows (one
    /// completed, one 已完工 put back to 在建, one with its investment doubled) and fills the
    /// other sheets; prints what it found and changed as JSON.
    static let script = #"""
        import datetime, json, sys, openpyxl
        template, june, out = sys.argv[1:4]
        def norm(v):
            if isinstance(v, datetime.datetime):
                v = v.date()
            if isinstance(v, datetime.date):
                return v.isoformat()
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
            return v
        def rows(ws):
            out = []
            r = 4
            while ws.cell(r, 1).value not in (None, ""):
                out.append([norm(ws.cell(r, c).value) for c in range(1, 26)])
                r += 1
            return out
        wb = openpyxl.load_workbook(template)
        ws = wb["小区台账"]
        carried, accepted = rows(ws), rows(openpyxl.load_workbook(june)["小区台账"])
        notes = [str(c.value) for row in wb["填报说明"].iter_rows() for c in row if c.value]
        result = {"carried": carried, "accepted": accepted, "fill": ws["A4"].fill.fgColor.rgb,
                  "empty_fill": ws.cell(4 + len(carried), 1).fill.fgColor.rgb,
                  "comment": ws["A4"].comment.text if ws["A4"].comment else "",
                  "note": [n for n in notes if "上期（2021-06）" in n]}
        status = [r[19] for r in carried]
        done, building = status.index("已完工"), status.index("在建")
        back = 4 + done
        ws.cell(back, 20).value = "在建"; ws.cell(back, 19).value = None; ws.cell(back, 24).value = None
        up = 4 + building
        ws.cell(up, 20).value = "已完工"; ws.cell(up, 19).value = datetime.date(2021, 7, 10); ws.cell(up, 24).value = 96
        jump = 4 + next(i for i in range(len(carried)) if 4 + i not in (back, up))
        for c in range(9, 18):
            if isinstance(ws.cell(jump, c).value, (int, float)):
                ws.cell(jump, c).value = ws.cell(jump, c).value * 2
        p = wb["任务进展"]
        r = 4
        while p.cell(r, 1).value:
            p.cell(r, 6).value = "推进中"; p.cell(r, 7).value = 60; p.cell(r, 8).value = "7月按计划推进第 %d 项工作。" % r
            r += 1
        i = wb["量化指标"]
        for c, v in enumerate(["协调会议", "次", 12, 8, str(p.cell(4, 1).value), datetime.date(2021, 12, 31)], start=1):
            i.cell(4, c).value = v
        g = wb["宣传信息"]
        for c, v in enumerate([datetime.date(2021, 7, 10), "江岸区老旧小区改造进展", "政府网站", "https://www.example.gov.cn/n/1.html"], start=1):
            g.cell(4, c).value = v
        l = wb["联络员"]
        for c, v in enumerate(["王明", "办公室主任", "027-85123456", "13912345678", "wm@example.gov.cn"], start=1):
            l.cell(4, c).value = v
        wb.save(out)
        result.update({"back": back, "up": up, "jump": jump})
        print(json.dumps(result, ensure_ascii=False))
        """#

    func testNextRoundsTemplatesCarryLastRoundsLedgerAndTheCheckReportsWhatChanged() throws {
        let dir = temporaryDirectory("carry")
        let archive = dir.appendingPathComponent("archive.sqlite").path
        let merged = try Binary.run(["merge", Self.samples, "--round", "2021-06", "--out", dir.appendingPathComponent("out/2021-06").path,
                                     "--key", Self.key, "--archive", archive])
        XCTAssertEqual(merged.status, 1, merged.stderr)

        // No earlier round in the archive: the committed template, byte for byte.
        let june = dir.appendingPathComponent("june")
        let t6 = try Binary.run(["templates", "--round", "2021-06", "--unit", "jiangan", "--out", june.path, "--key", Self.key, "--archive", archive])
        XCTAssertEqual(t6.status, 0, t6.stderr)
        XCTAssertEqual(FileManager.default.contents(atPath: june.appendingPathComponent("江岸区人民政府-2021-06.xlsx").path),
                       FileManager.default.contents(atPath: Self.root.appendingPathComponent("templates/2021-06/江岸区人民政府-2021-06.xlsx").path))

        let july = dir.appendingPathComponent("july")
        for unit in ["jiangan", "czj"] {
            let t7 = try Binary.run(["templates", "--round", "2021-07", "--unit", unit, "--out", july.path, "--key", Self.key, "--archive", archive])
            XCTAssertEqual(t7.status, 0, t7.stderr)
            XCTAssertEqual(t7.stdout.contains("其中 1 个模板带入了该单位 2021-06 报送并通过审核的数据（小区台账），以浅蓝色标出"), unit == "jiangan", t7.stdout)
        }
        // A unit without a carried sheet gets the plain template; so does everyone with --no-carry.
        let plain = dir.appendingPathComponent("plain")
        let t7plain = try Binary.run(["templates", "--round", "2021-07", "--unit", "czj", "--out", plain.path, "--key", Self.key,
                                      "--archive", archive, "--no-carry"])
        XCTAssertEqual(t7plain.status, 0, t7plain.stderr)
        XCTAssertEqual(FileManager.default.contents(atPath: plain.appendingPathComponent("市财政局-2021-07.xlsx").path),
                       FileManager.default.contents(atPath: july.appendingPathComponent("市财政局-2021-07.xlsx").path))

        let script = dir.appendingPathComponent("carry.py"), filled = dir.appendingPathComponent("江岸区人民政府-2021-07.xlsx")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try runProcess(testPython, [script.path, july.appendingPathComponent("江岸区人民政府-2021-07.xlsx").path,
                                                           Self.samples + "/江岸区人民政府-2021-06.xlsx", filled.path])
        XCTAssertEqual(status, 0, output)
        let read = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let carried = read["carried"] as! [[Any]], accepted = read["accepted"] as! [[Any]]
        XCTAssertEqual(carried.count, 10)
        XCTAssertEqual(carried.count, accepted.count)
        for (a, b) in zip(carried, accepted) {
            XCTAssertTrue(NSArray(array: a).isEqual(to: b), "\(a) ≠ \(b)")
        }
        XCTAssertEqual(read["fill"] as? String, "FFDCEBFA")
        XCTAssertEqual(read["empty_fill"] as? String, "FFFFF8DC")
        XCTAssertTrue((read["comment"] as! String).contains("小区台账第 4–13 行是本单位上期（2021-06）报送并通过审核的 10 行数据"), "\(read["comment"]!)")
        XCTAssertEqual((read["note"] as! [String]).count, 1)

        let check = try Binary.run(["check", filled.path, "--round", "2021-07", "--key", Self.key, "--archive", archive, "--format", "json"])
        let files = (try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as! [String: Any])["files"] as! [[String: Any]]
        XCTAssertEqual(files[0]["status"] as? String, "accepted", check.stdout)
        let ledger = (files[0]["problems"] as! [[String: Any]]).filter { $0["sheet"] as? String == "小区台账" }
        let back = read["back"] as! Int, jump = read["jump"] as! Int
        XCTAssertEqual(ledger.map { "\($0["cell"] ?? "")|\($0["rule"]!)|\($0["severity"]!)" }.sorted(),
                       ["I\(jump)|jump|warning", "T\(back)|status-went-back|error"].sorted(), check.stdout)
    }
}
