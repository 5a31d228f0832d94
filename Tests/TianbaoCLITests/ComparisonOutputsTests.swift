import Foundation
import TestSupport
import XCTest

/// The comparison with last round (环比, 进度趋势), whom 催报 calls, and where a row came from:
/// the sample round merged into an archive, recorded as 2021-05 with changes (two of 江岸区's
/// communities 在建 then, 硚口区's 汉水桥东风新村 未开工 and 汉水桥商业小区 not listed, 市国资委's and
/// 市市场监管局's task 1.1 推进中, 市经济和信息化局's 2.2 滞后, 江汉区 missing, 新洲区 on time), then June
/// merged without 市文化和旅游局's file, with a plan that gives 蔡甸区 a contact. Everything is read
/// back from what `tianbao merge` wrote.
final class ComparisonOutputsTests: XCTestCase {
    static let samples = MergeEndToEndTests.samples
    static let key = MergeEndToEndTests.key

    /// The folder with `first/` (the first merge), `out/2021-06` (the second), `sub/2021-06`,
    /// `plan.yaml` and `a.sqlite`.
    static let dir: URL = {
        let dir = temporaryDirectory("comparison")
        let plan = dir.appendingPathComponent("plan.yaml").path
        let archive = dir.appendingPathComponent("a.sqlite").path
        let text = try! String(contentsOf: MergeEndToEndTests.root.appendingPathComponent("plans/default.yaml"), encoding: .utf8)
        let caidian = "  - {id: caidian, name: 蔡甸区人民政府, kind: 区, members: [{name: 吕文飞, title: 副区长}]}"
        precondition(text.contains(caidian))
        try! text.replacingOccurrences(of: caidian, with: String(caidian.dropLast()) + ", contact: {name: 周敏, phone: 027-84941234}}")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let first = try! Binary.run(["merge", samples, "--round", "2021-06", "--out", dir.appendingPathComponent("first").path,
                                     "--key", key, "--archive", archive, "--plan", plan])
        precondition(first.status == 1, first.stderr)
        _ = try! runPython("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); c.isolation_level = None
            c.execute('PRAGMA foreign_keys = OFF')
            for t in ['rounds', 'units', 'files', 'sheets', 'rows', 'problems', 'figures']:
                c.execute("UPDATE %s SET round_id = '2021-05'" % t)
            c.execute('UPDATE rounds SET position = 2')
            # Rows edited by hand below: the round's stored figures go, so they are counted from
            # the rows (as for a round recorded by archive schema version 1).
            c.execute('DELETE FROM unit_figures'); c.execute('UPDATE rounds SET unit_figures = 0')
            def status(unit, sheet, row, value):
                index = 19 if sheet == 'ledger' else 5
                n = c.execute("UPDATE rows SET values_json = json_set(values_json, '$[%d]', ?) WHERE unit_id = ? AND sheet_id = ? AND row = ?"
                              % index, (value, unit, sheet, row)).rowcount
                assert n == 1, (unit, sheet, row)
            status('jiangan', 'ledger', 4, '在建'); status('jiangan', 'ledger', 13, '在建')
            status('qiaokou', 'ledger', 8, '未开工')
            c.execute("DELETE FROM rows WHERE unit_id = 'qiaokou' AND sheet_id = 'ledger' AND row = 4")
            status('gzw', 'progress', 4, '推进中'); status('scjgj', 'progress', 4, '推进中'); status('jxj', 'progress', 5, '滞后')
            c.execute("UPDATE units SET status = 'missing' WHERE unit_id = 'jianghan'")
            c.execute("UPDATE units SET late = 0 WHERE unit_id = 'xinzhou'")
            print('{}')
            """, [archive])
        let sub = dir.appendingPathComponent("sub/2021-06")
        try! FileManager.default.createDirectory(at: sub.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! FileManager.default.copyItem(at: URL(fileURLWithPath: samples), to: sub)
        try! FileManager.default.removeItem(at: sub.appendingPathComponent("市文化和旅游局-2021-06.xlsx"))
        let second = try! Binary.run(["merge", sub.path, "--round", "2021-06", "--out", dir.appendingPathComponent("out/2021-06").path,
                                      "--key", key, "--archive", archive, "--plan", plan])
        precondition(second.status == 1, second.stderr)
        return dir
    }()

    static var out: URL { dir.appendingPathComponent("out/2021-06") }
    static var workbook: String { out.appendingPathComponent("汇总-2021-06.xlsx").path }

    func python(_ script: String, _ path: String = workbook) throws -> Any {
        let text = try runPython("import json, sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1], data_only=True)\n" + script, [path])
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Rows of a sheet as lists of values (None as NSNull), from the row whose first cell starts with `from`.
    func rows(_ sheet: String, from: String) throws -> [[Any]] {
        try python("""
            rows, on = [], False
            for row in wb['\(sheet)'].iter_rows(values_only=True):
                if row[0] is not None and str(row[0]).startswith('\(from)'): on = True
                if on: rows.append(list(row))
            print(json.dumps(rows, ensure_ascii=False, default=str))
            """) as! [[Any]]
    }

    func testOverviewComparesWithLastRound() throws {
        let rows = try self.rows("总览", from: "与上期比较")
        XCTAssertEqual(rows[0][0] as? String, "与上期比较（环比；上期：5月工作调度）")
        var table: [String: [String]] = [:]
        for row in rows.dropFirst(2).prefix(13) {
            table[row[0] as? String ?? ""] = [row[1], row[2]].map { v in (v as? NSNumber).map { "\($0.intValue)" } ?? (v as? String ?? "") }
        }
        XCTAssertEqual(table["按时报送单位"], ["33", "32"])
        XCTAssertEqual(table["迟报单位"], ["0", "1"])
        XCTAssertEqual(table["未报送或被退回单位"], ["8", "8"])
        // The done count reconciled row by row: 60 − 0 + 3 + 4 + 0 − 0 = 67 (江汉区 missing in May).
        XCTAssertEqual(table["已完工小区（个）"], ["60", "67"])
        XCTAssertEqual(table["  减：本期未计入单位的上期已完工"], ["—", "0"])
        XCTAssertEqual(table["  加：本期新计入单位的已完工"], ["—", "3"])
        XCTAssertEqual(table["  加：首次报已完工"], ["—", "4"])
        XCTAssertEqual(table["  加：此前报过已完工、本期再次报已完工"], ["—", "0"])
        XCTAssertEqual(table["  减：上期已完工、本期不再计入"], ["—", "0"])
        XCTAssertEqual(table["任务进展状态变化（条）"], ["—", "3"])
        XCTAssertEqual(table["新出现滞后的单位"], ["—", "2"])
        XCTAssertEqual(table["滞后全部消除的单位"], ["—", "1"])
        let notes = rows.compactMap { $0[0] as? String }
        XCTAssertTrue(notes.contains { $0.hasSuffix("本期新计入：江汉区人民政府（上期未报送，本期 3）。") }, "\(notes)")
        // Newly completed per district, with last round's status.
        let byDistrict = rows.filter { ($0[0] as? String)?.hasSuffix("区人民政府") ?? false }
        XCTAssertEqual(byDistrict.map { $0[0] as? String }, ["江岸区人民政府", "硚口区人民政府"])
        XCTAssertEqual(byDistrict.map { ($0[1] as? NSNumber)?.intValue }, [2, 2])
        XCTAssertEqual(byDistrict[0][2] as? String, "永清红旗社区（上期在建）、车站东风新村（上期在建）")
        XCTAssertEqual(byDistrict[1][2] as? String, "汉水桥商业小区（上期未列）、汉水桥东风新村（上期未开工）")
        // The tasks whose status moved.
        let moves = rows.filter { ($0[2] as? String)?.contains(" → ") ?? false && $0[0] as? String != "单位" }.map { "\($0[0] as? String ?? "") \($0[1] as? String ?? "") \($0[2] as? String ?? "")" }
        XCTAssertEqual(moves, ["市经济和信息化局 2.2 滞后 → 推进中", "市国资委 1.1 推进中 → 滞后", "市市场监管局 1.1 推进中 → 滞后"])
        XCTAssertTrue(notes.contains("新出现滞后事项的单位：市国资委、市市场监管局。"), "\(notes)")
        XCTAssertTrue(notes.contains("滞后事项全部消除的单位：市经济和信息化局。"), "\(notes)")
    }

    func testTrendSheetWithItsChart() throws {
        let city = try rows("进度趋势", from: "轮次")
        // 2021-05 (due 25 May: 145 of 365 days) and this round (due 15 June: 166 days).
        XCTAssertEqual(city[1].prefix(2).map { $0 as? String }, ["2021-05", "5月工作调度"])
        XCTAssertEqual((city[1][3] as? NSNumber)?.doubleValue ?? 0, 145.0 / 365, accuracy: 1e-9)
        XCTAssertEqual(city[1][4...6].map { ($0 as? NSNumber)?.intValue }, [60, 300, 119])
        XCTAssertEqual(city[1][8] as? String, "落后于时间进度，尚差 59 个")
        XCTAssertEqual(city[1][9] as? String, "未计入 3 个：江汉区、洪山区、蔡甸区")
        XCTAssertEqual(city[2][0] as? String, "2021-06（本期）")
        XCTAssertEqual((city[2][3] as? NSNumber)?.doubleValue ?? 0, 166.0 / 365, accuracy: 1e-9)
        XCTAssertEqual(city[2][4...6].map { ($0 as? NSNumber)?.intValue }, [67, 300, 136])
        XCTAssertEqual((city[2][7] as? NSNumber)?.doubleValue ?? 0, 67.0 / 300, accuracy: 1e-9)
        // 136 − 67: the same shortfall as the briefing's.
        XCTAssertEqual(city[2][8] as? String, "落后于时间进度，尚差 69 个")
        let units = try rows("进度趋势", from: "区")
        XCTAssertEqual(units[0].prefix(4).map { $0 as? String }, ["区", "2021-05", "2021-06（本期）", "本期所列小区"])
        let jiangan = try XCTUnwrap(units.first { $0[0] as? String == "江岸区人民政府" })
        XCTAssertEqual(jiangan[1...3].map { ($0 as? NSNumber)?.intValue }, [2, 4, 10])
        // The plan splits the 300 among no district: no district is judged, and the sheet says so.
        XCTAssertNil(jiangan[4] as? String)
        XCTAssertTrue(units.contains { $0[0] as? String == "工作方案未将年度目标分解到各区，不判断各区进度快慢。" }, "\(units)")
        let jianghan = try XCTUnwrap(units.first { $0[0] as? String == "江汉区人民政府" })
        XCTAssertEqual(jianghan[1] as? String, "未报送")
        // The line chart over the table.
        let (status, listing) = try runCommand("unzip", ["-l", Self.workbook])
        XCTAssertEqual(status, 0)
        let charts = listing.split(separator: "\n").compactMap { $0.split(separator: " ").last }.filter { $0.hasPrefix("xl/charts/chart") }
        XCTAssertTrue(charts.contains("xl/charts/chart1.xml"), "\(charts)")
        var line = ""
        for chart in charts {
            let (_, xml) = try runCommand("unzip", ["-p", Self.workbook, String(chart)])
            if xml.contains("<c:lineChart>") { line = xml }
        }
        // Rows 6 and 7: title, section, explanation, header, then the two rounds.
        XCTAssertTrue(line.contains("'进度趋势'!$E$6:$E$7") && line.contains("'进度趋势'!$G$6:$G$7"), line)
        XCTAssertTrue(line.contains("按时间进度应完成") && line.contains("prstDash val=\"dash\""), line)
    }

    func testBriefingComparesWithLastRound() throws {
        let md = try String(contentsOf: Self.out.appendingPathComponent("简报-2021-06.md"), encoding: .utf8)
        for paragraph in [
            "## 三、与上期比较",
            "与上期（5月工作调度）相比：按时报送 32 个单位（上期 33 个），迟报 1 个（上期 0 个），未报送或被退回 8 个（上期 8 个）。",
            // 上期 + 新增 − 移出 = 本期, with the unit new to the count named.
            "已完工小区由上期的 60 个变为本期的 67 个，净增 7 个：本期新计入的江汉区人民政府（上期未报送）已完工 3 个；"
                + "两期均计入的单位中，首次报已完工的小区 4 个（名单见附件3）。核算：60 + 3 + 4 = 67。",
            "任务进展中，状态较上期变化的 3 条：转为“推进中”1 条、转为“滞后”2 条（逐条见附件4）。"
                + "新出现滞后事项的单位 2 个（市国资委、市市场监管局），滞后事项全部消除的单位 1 个（市经济和信息化局）。",
            "截至2021年6月15日，全市已完工小区 67 个，占年度目标 300 个的 22.3%；时间进度 45.5%，按时间进度应完成 136 个，尚差 69 个，落后于时间进度。",
            "各轮已完工数：5月工作调度 60 个、半年工作小结 67 个。",
            "## 附件3　本期首次报已完工的小区",
            "| 江岸区人民政府 | 永清红旗社区 | 在建 |",
            "| 硚口区人民政府 | 汉水桥商业小区 | 未列 |",
            "| 市经济和信息化局 | 2.2 完善技术导则 | 滞后 | 推进中 |",
        ] {
            XCTAssertTrue(md.contains(paragraph), "\(paragraph)\n in \(md)")
        }
        let html = try String(contentsOf: Self.out.appendingPathComponent("简报-2021-06.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<h2>三、与上期比较</h2>") && html.contains("首次报已完工的小区 4 个"))
        let (_, document) = try runCommand("unzip", ["-p", Self.out.appendingPathComponent("简报-2021-06.docx").path, "word/document.xml"])
        XCTAssertTrue(document.contains("与上期比较") && document.contains("首次报已完工的小区 4 个"))
    }

    func testFirstRoundSaysSoInOneLine() throws {
        let first = Self.dir.appendingPathComponent("first")
        let md = try String(contentsOf: first.appendingPathComponent("简报-2021-06.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("## 三、与上期比较\n\n本期为首期，无上期数据可比。\n\n"), md)
        let rows = try python("""
            ws = wb['总览']
            out = [r[0] for r in ws.iter_rows(values_only=True) if r[0] and ('上期' in str(r[0]) or '首次' in str(r[0]))]
            print(json.dumps(out, ensure_ascii=False))
            """, first.appendingPathComponent("汇总-2021-06.xlsx").path) as! [String]
        XCTAssertEqual(rows, ["与上期比较（环比）", "本期为首期，无上期数据可比。"])
    }

    /// 催报: a unit that sent nothing is called on its last round's liaison, else on the plan's contact.
    func testStatusSheetAndStatusCommandGiveEveryMissingUnitAPhone() throws {
        let source = try python("""
            ws = wb['联络员']
            print(json.dumps([ws['A4'].value, ws['C4'].value, ws['D4'].value], ensure_ascii=False))
            """, URL(fileURLWithPath: Self.samples).appendingPathComponent("市文化和旅游局-2021-06.xlsx").path) as! [String]
        let status = try rows("报送情况", from: "序号")
        let whlyj = try XCTUnwrap(status.first { $0[1] as? String == "市文化和旅游局" })
        XCTAssertEqual(whlyj[3] as? String, "未报送")
        XCTAssertEqual(whlyj[9] as? String, "\(source[0])（2021-05 轮所报）")
        XCTAssertEqual([whlyj[11] as? String, whlyj[12] as? String], [source[1], source[2]])
        let caidian = try XCTUnwrap(status.first { $0[1] as? String == "蔡甸区人民政府" })
        XCTAssertEqual(caidian[9] as? String, "周敏（方案所列联系人）")
        XCTAssertEqual(caidian[11] as? String, "027-84941234")

        let r = try Binary.run(["status", Self.dir.appendingPathComponent("sub/2021-06").path, "--round", "2021-06", "--key", Self.key,
                                "--archive", Self.dir.appendingPathComponent("a.sqlite").path,
                                "--plan", Self.dir.appendingPathComponent("plan.yaml").path, "--format", "json"])
        let units = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["units"] as! [[String: Any]]
        let c = try XCTUnwrap(units.first { $0["unit_id"] as? String == "caidian" })
        XCTAssertEqual(c["plan_contact"] as? [String: String], ["name": "周敏", "phone": "027-84941234"])
        let w = try XCTUnwrap(units.first { $0["unit_id"] as? String == "whlyj" })
        XCTAssertEqual((w["last_liaison"] as? [String: Any])?["name"] as? String, source[0])
        let text = try Binary.run(["status", Self.dir.appendingPathComponent("sub/2021-06").path, "--round", "2021-06", "--key", Self.key,
                                   "--archive", Self.dir.appendingPathComponent("a.sqlite").path,
                                   "--plan", Self.dir.appendingPathComponent("plan.yaml").path])
        XCTAssertTrue(text.stdout.contains("周敏（方案所列联系人）") && text.stdout.contains("027-84941234"), text.stdout)
    }

    /// The place of a detail row names the file; its link is relative, so it works when the
    /// output folder travels with the submissions folder.
    func testPlaceNamesTheFileAndLinksRelatively() throws {
        let found = try python("""
            ws = wb['任务进展']
            head = [c.value for c in ws[1]]
            c = head.index('来源位置') + 1
            cell = ws.cell(row=2, column=c)
            print(json.dumps([ws.cell(row=2, column=c - 1).value, cell.value, cell.hyperlink.target if cell.hyperlink else None], ensure_ascii=False))
            """) as! [String]
        XCTAssertEqual(found[1], "\(found[0]) 任务进展!A4")
        // libxlsxwriter writes a relative external link with Windows separators, as Excel does.
        XCTAssertEqual(found[2].replacingOccurrences(of: "\\", with: "/"), "../../sub/2021-06/\(found[0])")
    }

    func testPlanContactIsCheckedAtItsPlace() throws {
        let dir = temporaryDirectory("contact-check")
        let plan = dir.appendingPathComponent("plan.yaml").path
        let text = try String(contentsOf: Self.dir.appendingPathComponent("plan.yaml"), encoding: .utf8)
        try text.replacingOccurrences(of: "phone: 027-84941234", with: "phone: 电话待定").write(toFile: plan, atomically: true, encoding: .utf8)
        let r = try Binary.run(["plan", "check", plan])
        XCTAssertEqual(r.status, 2)
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("027-84941234") }! + 1
        let column = Array(text.components(separatedBy: "\n")[line - 1]).firstIndex(of: "0")! + 1  // the phone's first character
        XCTAssertTrue((r.stdout + r.stderr).contains("单位 caidian 的联系人电话“电话待定”无效"), r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("第 \(line) 行第 \(column) 列：单位 caidian"), r.stdout + r.stderr)
    }
}
