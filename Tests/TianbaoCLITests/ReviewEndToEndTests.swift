import Foundation
import GRDB
import TestSupport
import XCTest

/// `tianbao review` over an archive of three rounds derived from the June samples: each
/// version of the submissions is edited with openpyxl, merged as 2021-06 and relabelled in the
/// archive (templates are signed for June, so the other months cannot be merged as themselves).
/// Merged in the order 05, 04, 06, so that each merge's previous round accepts what it is
/// meant to (江岸区's 永清红旗社区 goes 已完工 → 在建 → 已完工 across 04, 05, 06).
///
/// The review workbook is read back with openpyxl and its figures recomputed from the input
/// files (and each merge's report.json for which units and rows counted).
final class ReviewEndToEndTests: XCTestCase {
    static let samples = MergeEndToEndTests.samples
    static let key = MergeEndToEndTests.key
    static let jiangan = "江岸区人民政府-2021-06.xlsx"

    /// The folder with the three versions (v04, v05, v06), their merges' report.json and the archive.
    static let fixture: (dir: URL, archive: String) = {
        let dir = temporaryDirectory("review-year")
        let archive = dir.appendingPathComponent("out/tianbao-archive.sqlite").path
        let fm = FileManager.default
        for v in ["v04", "v05", "v06"] {
            let folder = dir.appendingPathComponent(v)
            try! fm.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in try! fm.contentsOfDirectory(atPath: samples) {
                var isDir: ObjCBool = false
                let path = samples + "/" + name
                guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
                if v == "v04" && name.hasPrefix("黄陂区") { continue }  // 黄陂区 sends nothing in April
                try! fm.copyItem(atPath: path, toPath: folder.appendingPathComponent(name).path)
            }
        }
        // April: 球场化工小区 在建, task 1.1 滞后 with a problem, publicity dated April.
        // May: 永清红旗社区 and 球场化工小区 在建, task 1.1 滞后 with the same problem, publicity
        // dated May, the file saved after the due date (late).
        let edit = """
            import openpyxl, sys, datetime
            path, version = sys.argv[1], sys.argv[2]
            wb = openpyxl.load_workbook(path)
            ledger = wb['小区台账']
            rows = [r for r in range(4, ledger.max_row + 1) if ledger.cell(r, 1).value]
            names = {ledger.cell(r, 1).value: r for r in rows}
            def building(name):
                r = names[name]; ledger.cell(r, 20).value = '在建'; ledger.cell(r, 19).value = None
            building('球场化工小区')
            if version == 'v05': building('永清红旗社区')
            progress = wb['任务进展']
            progress.cell(4, 6).value = '滞后'
            progress.cell(4, 7).value = 20 if version == 'v04' else 30
            progress.cell(4, 10).value = '部分小区资金不到位，开工推迟。'
            pub = wb['宣传信息']
            month = 4 if version == 'v04' else 5
            for r in range(4, pub.max_row + 1):
                if isinstance(pub.cell(r, 1).value, datetime.datetime):
                    pub.cell(r, 1).value = pub.cell(r, 1).value.replace(month=month)
            if version == 'v05':
                wb.properties.modified = datetime.datetime(2021, 6, 20, 9, 0)
            wb.save(path)
            """
        for v in ["v04", "v05"] {
            let (status, output) = try! runProcess(testPython, ["-c", edit, dir.appendingPathComponent("\(v)/\(jiangan)").path, v])
            precondition(status == 0, output)
        }
        // 05 first, then 04 (its previous round is then 05), then 06.
        for (v, round, position) in [("v05", "2021-05", 2), ("v04", "2021-04", 1), ("v06", "2021-06", 3)] {
            let out = dir.appendingPathComponent("merged-\(v)")
            let r = try! Binary.run(["merge", dir.appendingPathComponent(v).path, "--round", "2021-06", "--out", out.path,
                                     "--key", key, "--archive", archive, "--quiet"])
            precondition(r.status == 1, r.stderr)
            guard round != "2021-06" else { continue }
            try! DatabaseQueue(path: archive).writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                for table in ["rounds", "units", "files", "sheets", "rows", "problems", "figures", "unit_figures"] {
                    try db.execute(sql: "UPDATE \(table) SET round_id = ? WHERE round_id = '2021-06'", arguments: [round])
                }
                try db.execute(sql: "UPDATE rounds SET position = ? WHERE round_id = ?", arguments: [position, round])
            }
        }
        return (dir, archive)
    }()

    func review(_ out: String, archive: String? = nil, extra: [String] = [], environment: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(["review", "--year", "2021", "--out", out, "--date", "2021-06-28"] + (archive.map { ["--archive", $0] } ?? []) + extra,
                       environment: environment)
    }


    /// Figures recomputed from the input files: per version, per unit (accepted in that merge,
    /// rows without an error in its report.json): communities 已完工, and publicity items (each
    /// distinct item once over the year) per month.
    func expectedFromInputs() throws -> (states: [String: [String]], done: [String: [String]], publicity: [String: [Int: Int]]) {
        let script = """
            import openpyxl, sys, json, os, re, datetime
            base = sys.argv[1]
            states, done, seen, pub = {}, {}, set(), {}
            for v in ['v04', 'v05', 'v06']:
                report = json.load(open(os.path.join(base, 'merged-' + v, 'report.json')))
                for u in report['units']:
                    name = u['unit']
                    state = {'accepted': '迟报' if u['late'] else '按时', 'rejected': '被退回'}.get(u['status'], '未报送')
                    states.setdefault(name, []).append(state)
                    if u['status'] != 'accepted':
                        done.setdefault(name, []).append(None)
                        continue
                    bad = {(p['sheet'], int(re.sub('[A-Z]', '', p['cell']))) for p in u['problems'] if p['severity'] == 'error' and p.get('cell')}
                    wb = openpyxl.load_workbook(os.path.join(base, v, u['file']), read_only=True)
                    if '小区台账' in wb.sheetnames:
                        n = 0
                        for i, row in enumerate(wb['小区台账'].iter_rows(min_row=4, values_only=True), start=4):
                            if row[0] and row[19] == '已完工' and ('小区台账', i) not in bad: n += 1
                        done.setdefault(name, []).append(n)
                    for i, row in enumerate(wb['宣传信息'].iter_rows(min_row=4, values_only=True), start=4):
                        if isinstance(row[0], datetime.datetime) and ('宣传信息', i) not in bad:
                            key = (name,) + tuple(str(x) for x in row[:4])
                            if key in seen: continue
                            seen.add(key)
                            pub.setdefault(name, {})
                            pub[name][row[0].month] = pub[name].get(row[0].month, 0) + 1
            print(json.dumps({'states': states, 'done': done, 'pub': pub}, ensure_ascii=False))
            """
        let (status, output) = try runProcess(testPython, ["-c", script, Self.fixture.dir.path])
        XCTAssertEqual(status, 0, output)
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let done = (json["done"] as! [String: [Any]]).mapValues { $0.map { ($0 as? Int).map(String.init) ?? "" } }
        let pub = (json["pub"] as! [String: [String: Int]]).mapValues { d in
            Dictionary(uniqueKeysWithValues: d.map { (Int($0.key)!, $0.value) })
        }
        return (json["states"] as! [String: [String]], done, pub)
    }

    func testTheReviewWorkbookAgreesWithTheInputFiles() throws {
        let (dir, archive) = Self.fixture
        let out = dir.appendingPathComponent("out/review-2021").path
        let r = try review(out)  // the default archive: out/tianbao-archive.sqlite
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2021 年回头看：3 轮（2021-04、2021-05、2021-06）。"), r.stdout)
        _ = archive
        let book = try workbookTexts(URL(fileURLWithPath: out + "/回头看-2021.xlsx"), formulas: true)
        XCTAssertEqual(Set(book.keys), ["总览", "报送情况", "任务进展历程", "目标完成", "小区台账状态变化", "问题跟踪", "宣传信息月度统计",
                                        "量化指标完成", "整改清单"])
        let expected = try expectedFromInputs()

        // Punctuality: each unit's state per round, its counts, and the ranking order.
        let punctuality = book["报送情况"]!
        XCTAssertEqual(punctuality[2], ["排名", "单位", "2021-04", "2021-05", "2021-06", "应报送", "按时", "迟报", "被退回", "未报送", "按时率", "报送率",
                                        "数据有误的轮次", "与此前各轮对照发现的问题"])
        var ranks: [Int] = []
        for row in punctuality.dropFirst(3) where !row[1].isEmpty {
            let states = try XCTUnwrap(expected.states[row[1]], row[1])
            XCTAssertEqual(Array(row[2...4]), states, row[1])
            XCTAssertEqual(row[6], "\(states.filter { $0 == "按时" }.count)", row[1])
            XCTAssertEqual(row[7], "\(states.filter { $0 == "迟报" }.count)", row[1])
            XCTAssertEqual(row[8], "\(states.filter { $0 == "被退回" }.count)", row[1])
            XCTAssertEqual(row[9], "\(states.filter { $0 == "未报送" }.count)", row[1])
            ranks.append(Int(row[0])!)
        }
        XCTAssertEqual(ranks.count, 41)
        XCTAssertEqual(ranks, ranks.sorted())
        XCTAssertEqual(expected.states["江岸区人民政府"], ["按时", "迟报", "按时"])
        XCTAssertEqual(expected.states["黄陂区人民政府"]?.first, "未报送")

        // Targets: communities done per unit per round, and the city total.
        let targets = book["目标完成"]!
        let unitHeader = try XCTUnwrap(targets.firstIndex { $0.first == "单位" })
        var total = [0, 0, 0]
        for row in targets[(unitHeader + 1)...] where !row[0].isEmpty && expected.done[row[0]] != nil {
            let want = expected.done[row[0]]!
            for k in 0..<3 {
                if want[k].isEmpty { XCTAssertTrue(["被退回", "未报送"].contains(row[1 + k]), "\(row[0]) \(k): \(row[1 + k])") }
                else { XCTAssertEqual(row[1 + k], want[k], "\(row[0]) round \(k)"); total[k] += Int(want[k])! }
            }
        }
        let perRound = targets.filter { $0.first?.hasPrefix("2021-0") == true }
        XCTAssertEqual(perRound.map { $0[2] }, total.map(String.init))
        // A count column holds counts, or why there is none: never a punctuality word.
        for row in targets[(unitHeader + 1)...] where !row[0].isEmpty && expected.done[row[0]] != nil {
            for cell in row[1...3] { XCTAssertTrue(Int(cell) != nil || ["被退回", "未报送", "—"].contains(cell), "\(row[0]): \(cell)") }
        }
        // Time progress at each due date, from the one source (days counted with both ends).
        XCTAssertEqual(perRound.map { $0[5] }.last.flatMap(Double.init) ?? 0, 166.0 / 365, accuracy: 1e-9)
        // June over April: 球场化工小区, and 黄陂区 (which sent nothing in April).
        XCTAssertEqual(total[2] - total[0], 1 + Int(expected.done["黄陂区人民政府"]![2])!)

        // Status changes: 永清红旗社区 went back, 球场化工小区 forward.
        let ledger = book["小区台账状态变化"]!
        let hongqi = try XCTUnwrap(ledger.first { $0.count > 1 && $0[1] == "永清红旗社区" })
        XCTAssertEqual(Array(hongqi[0...6]), ["江岸区人民政府", "永清红旗社区", "已完工", "在建", "已完工",
                                              "已完工（2021-04） → 在建（2021-05） → 已完工（2021-06）", "倒退"])
        let qiuchang = try XCTUnwrap(ledger.first { $0.count > 1 && $0[1] == "球场化工小区" })
        XCTAssertEqual(Array(qiuchang[2...6]), ["在建", "在建", "已完工", "在建（2021-04） → 已完工（2021-06）", "前进"])
        XCTAssertEqual(ledger.filter { $0.count > 6 && ($0[6] == "倒退" || $0[6] == "前进") }.count, 2, "no other community changed")

        // Task course: 江岸区's task 1.1.
        let course = book["任务进展历程"]!
        let task = try XCTUnwrap(course.first { $0.count > 5 && $0[0] == "1.1" && $0[2] == "江岸区人民政府" })
        XCTAssertEqual(Array(task[3...5]), ["滞后", "滞后", "推进中"])
        let missingRound = try XCTUnwrap(course.first { $0.count > 5 && $0[2] == "黄陂区人民政府" })
        XCTAssertEqual(missingRound[3], "未报送")

        // Problems: 江岸区's problem on task 1.1 raised in April, again in May (same words).
        let problems = book["问题跟踪"]!
        let raised = try XCTUnwrap(problems.first { $0.count > 5 && $0[0] == "江岸区人民政府" && $0[1].hasPrefix("1.1 ") })
        XCTAssertEqual(raised[2], "2021-04")
        XCTAssertEqual(raised[3], "部分小区资金不到位，开工推迟。")
        XCTAssertEqual(raised[4], "2021-04、2021-05")
        XCTAssertEqual(raised[5], "是（原文重复）")

        // Publicity per unit per month.
        let publicity = book["宣传信息月度统计"]!
        let header = publicity[2]
        let months = header.dropFirst().prefix { $0.hasSuffix("月") && !$0.hasPrefix("不足") }.map { Int($0.dropLast())! }
        XCTAssertEqual(months.first, 4)
        XCTAssertEqual(months.last, 6)
        var checked = 0
        for row in publicity.dropFirst(3) where expected.states[row[0]] != nil {
            for (k, m) in months.enumerated() {
                XCTAssertEqual(row[1 + k], "\(expected.publicity[row[0]]?[m] ?? 0)", "\(row[0]) \(m)月")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        XCTAssertEqual(expected.publicity["江岸区人民政府"]?[4], expected.publicity["江岸区人民政府"]?[6], "April's items are June's, moved")

        // The 整改清单: 江岸区's lagging task 1.1 (April, May) closed by June's 推进中, its
        // community gone back in May closed by June's 已完工; each with its unit and measure.
        let list = book["整改清单"]!
        XCTAssertEqual(list[2], ["序号", "类型", "问题", "责任单位", "措施", "时限", "状态", "列入", "出现的轮次", "销号"])
        let lagging = try XCTUnwrap(list.first { $0.count > 9 && $0[1] == "任务滞后" && $0[3] == "江岸区人民政府" && $0[2].hasPrefix("任务 1.1 ") })
        XCTAssertEqual(lagging[2], "任务 1.1 报滞后：部分小区资金不到位，开工推迟。")
        XCTAssertEqual([lagging[6], lagging[7], lagging[9]], ["已销号", "4月工作调度", "半年工作小结"])
        XCTAssertEqual(lagging[8], "4月工作调度、5月工作调度")
        let back = try XCTUnwrap(list.first { $0.count > 9 && $0[1] == "台账状态倒退" && $0[2].contains("永清红旗社区") })
        XCTAssertEqual([back[3], back[6], back[7], back[9]], ["江岸区人民政府", "已销号", "5月工作调度", "半年工作小结"])
        XCTAssertEqual(back[4], "核实小区实际状态，更正小区台账或说明原因")
        // Items still open come first, and have a time limit: the next round's due date.
        let open = list.dropFirst(3).filter { $0.count > 9 && $0[6] == "未销号" }
        XCTAssertFalse(open.isEmpty)
        XCTAssertTrue(open.allSatisfy { $0[5] == "2021年7月25日前（7月工作调度报送时）" || $0[5].hasSuffix("（任务完成时限）") }, "\(open)")

        // The briefing's sections, in every format; the same archive gives the same bytes.
        let md = try String(contentsOfFile: out + "/回头看简报-2021.md", encoding: .utf8)
        for heading in ["## 一、报送情况", "## 二、改造目标进度", "## 三、任务推进情况", "## 四、小区台账状态变化",
                        "## 五、量化指标", "## 六、反映问题的跟踪", "## 七、宣传信息报送", "## 八、整改清单", "## 九、下步工作建议"] {
            XCTAssertTrue(md.contains(heading + "\n"), heading)
        }
        // Dated the day it is made (--date), titled with the period it covers, its own 期号.
        XCTAssertTrue(md.hasPrefix("**老旧小区改造工作简报**\n\n回头看第 1 期\n\n2号建议案办理工作领导小组办公室  2021年6月28日"), String(md.prefix(200)))
        XCTAssertTrue(md.contains("# 市政协第十三届五次会议2号建议案办理工作方案2021年4月至6月回头看情况"), md)
        XCTAssertTrue(md.contains("江岸区人民政府 永清红旗社区：已完工（4月工作调度） → 在建（5月工作调度） → 已完工（半年工作小结）"), md)
        XCTAssertTrue(md.contains("| 问题 | 责任单位 | 措施 | 时限 | 状态 |"), md)
        XCTAssertTrue(md.contains("| 任务 1.1 报滞后：部分小区资金不到位，开工推迟。 | 江岸区人民政府 |"), md)
        let html = try String(contentsOfFile: out + "/回头看简报-2021.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<h2>四、小区台账状态变化</h2>"))
        let files = ["回头看-2021.xlsx", "回头看简报-2021.md", "回头看简报-2021.html", "回头看简报-2021.docx"]
        let first = files.map { FileManager.default.contents(atPath: out + "/" + $0) }
        let again = dir.appendingPathComponent("out/review-again").path
        XCTAssertEqual(try review(again, archive: Self.fixture.archive).status, 0)
        XCTAssertEqual(files.map { FileManager.default.contents(atPath: again + "/" + $0) }, first, "byte-identical")
        XCTAssertEqual(try review(out).status, 0, "a second run replaces its own folder")
        XCTAssertEqual(files.map { FileManager.default.contents(atPath: out + "/" + $0) }, first)

        // LibreOffice opens the workbook and converts the .docx.
        for (file, filter) in [("回头看-2021.xlsx", "pdf:calc_pdf_Export"), ("回头看简报-2021.docx", "pdf:writer_pdf_Export")] {
            let pdfDir = temporaryDirectory("review-pdf")
            let (status, output) = try runProcess("/usr/bin/soffice", ["--headless", "-env:UserInstallation=file://\(pdfDir.path)/profile",
                                                                      "--convert-to", filter, "--outdir", pdfDir.path, out + "/" + file])
            XCTAssertEqual(status, 0, output)
            let pdf = pdfDir.appendingPathComponent((file as NSString).deletingPathExtension + ".pdf").path
            XCTAssertGreaterThan((try? FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int) ?? 0, 5000, "\(file): \(output)")
        }
    }

    func testRefusalsWriteNothing() throws {
        let (dir, archive) = Self.fixture
        let out = dir.appendingPathComponent("refused/review").path
        func refused(_ r: Binary.Result, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(r.status, 2, r.stderr, file: file, line: line)
            XCTAssertTrue(r.stderr.contains(message), r.stderr, file: file, line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written", file: file, line: line)
        }
        let none = dir.appendingPathComponent("none.sqlite").path
        refused(try review(out, archive: none), "错误：找不到汇总档案“\(none)”。")
        let r2020 = try Binary.run(["review", "--year", "2020", "--out", out, "--archive", archive])
        refused(r2020, "错误：汇总档案“\(archive)”中没有 2020 年的轮次（已记录的轮次：2021-04、2021-05、2021-06）。")
        let gas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../plans/gas-pipes.yaml").standardized.path
        refused(try review(out, archive: archive, extra: ["--plan", gas]), "属于另一个计划")
        // A folder holding something else is not replaced.
        let foreign = dir.appendingPathComponent("foreign").path
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: foreign + "/notes.txt"))
        let r = try review(foreign, archive: archive)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: foreign), ["notes.txt"])
    }

    func testAReviewKilledOrFailingMidwayLeavesTheFolderAsItWas() throws {
        let (dir, archive) = Self.fixture
        let parent = dir.appendingPathComponent("killed").path
        let out = parent + "/review"
        // A previous content: an empty review folder with one file of its own.
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data("previous".utf8).write(to: URL(fileURLWithPath: out + "/回头看简报-2021.md"))
        func snapshot() -> [String: Data] {
            var s: [String: Data] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] { s[name] = FileManager.default.contents(atPath: out + "/" + name) }
            return s
        }
        let before = snapshot()
        // A full disk after the first output: status 3, DIR as it was.
        let full = try review(out, archive: archive, environment: ["TIANBAO_FAULT_INJECT": "write-after:1"])
        XCTAssertEqual(full.status, 3, full.stderr)
        XCTAssertTrue(full.stderr.contains("磁盘空间不足。本次回头看未完成，输出文件夹“\(out)”未作任何改动。"), full.stderr)
        XCTAssertEqual(snapshot(), before)
        // Killed at several points while writing (each output step slowed).
        for (delay, signal) in [(0.3, SIGKILL), (0.6, SIGKILL), (0.45, SIGINT), (0.8, SIGTERM)] {
            let process = Process()
            process.executableURL = Binary.url
            process.arguments = ["review", "--year", "2021", "--out", out, "--archive", archive]
            process.environment = ProcessInfo.processInfo.environment.merging(["TIANBAO_FAULT_INJECT": "delay-ms:400"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(snapshot(), before, "killed at \(delay) s with \(signal)")
        }
        // The next run completes and leaves nothing beside DIR.
        XCTAssertEqual(try review(out, archive: archive).status, 0)
        XCTAssertEqual(snapshot().count, 4)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["review"])
    }
}

/// The review of a second campaign follows its plan's declarations: its sheet names and words,
/// none of the default plan's; without a ledger declared, no ledger sheet or section.
final class ReviewOtherPlanTests: XCTestCase {
    func testTheReviewSpeaksThePlansWordsAndDropsUndeclaredSections() throws {
        let (status, output, out) = SecondCampaignTests.merged
        XCTAssertEqual(status, 1, output)
        let archive = out.deletingLastPathComponent().appendingPathComponent("tianbao-archive.sqlite").path
        let dir = temporaryDirectory("review-gas")
        let r = try Binary.run(["review", "--year", "2024", "--out", dir.appendingPathComponent("review").path,
                                "--archive", archive, "--plan", SecondCampaignTests.plan])
        XCTAssertEqual(r.status, 0, r.stderr)
        let md = try String(contentsOfFile: dir.path + "/review/回头看简报-2024.md", encoding: .utf8)
        for word in SecondCampaignTests.defaultWords { XCTAssertFalse(md.contains(word), "default-plan word \(word) in the briefing") }
        XCTAssertTrue(md.contains("## 二、管道更新改造进度\n"), md)
        XCTAssertTrue(md.contains("状态变化\n"), md)
        let names = try sheetNames(dir.path + "/review/回头看-2024.xlsx")
        XCTAssertTrue(names.contains { $0.hasSuffix("状态变化") }, "\(names)")
        for name in names { for word in SecondCampaignTests.defaultWords { XCTAssertFalse(name.contains(word), name) } }

        // The same plan without its ledger declared (same id and version: the archive is its own).
        let planText = try String(contentsOfFile: SecondCampaignTests.plan, encoding: .utf8)
        let start = try XCTUnwrap(planText.range(of: "  ledgers:\n"))
        var end = start.upperBound
        while end < planText.endIndex, planText[end...].hasPrefix("    ") {
            end = planText[end...].firstIndex(of: "\n").map { planText.index(after: $0) } ?? planText.endIndex
        }
        let noLedger = dir.appendingPathComponent("no-ledger.yaml")
        try (String(planText[..<start.lowerBound]) + String(planText[end...])).write(to: noLedger, atomically: true, encoding: .utf8)
        let r2 = try Binary.run(["review", "--year", "2024", "--out", dir.appendingPathComponent("review2").path,
                                 "--archive", archive, "--plan", noLedger.path])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let md2 = try String(contentsOfFile: dir.path + "/review2/回头看简报-2024.md", encoding: .utf8)
        XCTAssertFalse(md2.contains("状态变化"), md2)
        XCTAssertFalse(try sheetNames(dir.path + "/review2/回头看-2024.xlsx").contains { $0.hasSuffix("状态变化") })
    }

    func sheetNames(_ path: String) throws -> [String] {
        let (status, output) = try runProcess(testPython, ["-c", "import openpyxl,sys\nprint('\\n'.join(openpyxl.load_workbook(sys.argv[1]).sheetnames))", path])
        XCTAssertEqual(status, 0, output)
        return output.split(separator: "\n").map(String.init)
    }
}
