import Foundation
import TestSupport
import XCTest
import XLSX

/// `tianbao merge`, `status` and `check` run as a user would, over samples/.
final class MergeEndToEndTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let samples = root.appendingPathComponent("samples/submissions/2021-06").path
    static let key = root.appendingPathComponent("keys/demo-signing.key").path

    static func tempDir(_ name: String) -> URL { temporaryDirectory(name) }

    /// The merge of the samples, run once for the suite: (status, stdout, output folder).
    static let merged: (Int32, String, URL) = {
        let out = tempDir("merge").appendingPathComponent("2021-06")
        let r = try! Binary.run(["merge", samples, "--round", "2021-06", "--out", out.path, "--key", key, "--date", "2021-06-17"])
        return (r.status, r.stdout + r.stderr, out)
    }()

    static var report: [String: Any] {
        let data = FileManager.default.contents(atPath: merged.2.appendingPathComponent("report.json").path)!
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func units(_ status: String) -> Set<String> {
        Set((Self.report["units"] as! [[String: Any]]).filter { $0["status"] as? String == status }.map { $0["unit"] as! String })
    }

    func problems(of unit: String) -> [(String, String, String, String, Bool)] {
        let u = (Self.report["units"] as! [[String: Any]]).first { $0["unit"] as? String == unit }!
        return (u["problems"] as! [[String: Any]]).map {
            ($0["severity"] as! String, $0["sheet"] as? String ?? "", $0["cell"] as? String ?? "", $0["rule"] as! String,
             $0["explained"] as? Bool ?? false)
        }
    }

    func testExitStatusAndTotals() throws {
        XCTAssertEqual(Self.merged.0, 1, Self.merged.1)
        let t = Self.report["totals"] as! [String: Int]
        XCTAssertEqual(t["expected"], 41)
        XCTAssertEqual(t["accepted"], 34)
        XCTAssertEqual(t["rejected"], 3)
        XCTAssertEqual(t["missing"], 4)
        XCTAssertEqual(t["late"], 1)
        XCTAssertEqual(t["rows_read"]!, t["rows_merged"]! + t["rows_rejected"]!)
        XCTAssertGreaterThan(t["rows_merged"]!, 500)
    }

    func testWhoReportedWhoDidNot() {
        XCTAssertEqual(units("missing"), ["市委政法委", "市体育局", "市统计局", "蔡甸区人民政府"])
        XCTAssertEqual(units("rejected"), ["市教育局", "洪山区人民政府", "市水务局"])
        let late = (Self.report["units"] as! [[String: Any]]).filter { $0["late"] as? Bool == true }.map { $0["unit"] as! String }
        XCTAssertEqual(late, ["新洲区人民政府"])
        let jianghan = (Self.report["units"] as! [[String: Any]]).first { $0["unit"] as? String == "江汉区人民政府" }!
        XCTAssertEqual(jianghan["status"] as? String, "accepted")
        XCTAssertEqual(jianghan["file"] as? String, "江汉区2021年6月报表(更正).xlsx")
        XCTAssertEqual(jianghan["superseded"] as? [String], ["江汉区2021年6月报表.xlsx"])
        let files = Self.report["files"] as! [[String: Any]]
        func status(_ f: String) -> String? { files.first { $0["file"] as? String == f }?["status"] as? String }
        XCTAssertEqual(status("江汉区2021年6月报表.xlsx"), "superseded")
        XCTAssertEqual(status("~$江岸区人民政府-2021-06.xlsx"), "skipped")
        XCTAssertEqual(status("旧版"), "skipped")
        XCTAssertEqual(status("市水务局-2021-06.xls"), "rejected")
        XCTAssertEqual(files.first { $0["file"] as? String == "市水务局-2021-06.xls" }?["unit_id"] as? String, "swj",
                       "attributed by its file name")
    }

    func testPlantedMistakesAtTheirCells() {
        let qiaokou = problems(of: "硚口区人民政府")
        XCTAssertTrue(qiaokou.contains { $0 == ("error", "任务进展", "F5", "type", false) }, "\(qiaokou)")
        XCTAssertTrue(qiaokou.contains { $0 == ("error", "小区台账", "G6", "type", false) }, "\(qiaokou)")
        let wuchang = problems(of: "武昌区人民政府")
        XCTAssertTrue(wuchang.contains { $0 == ("error", "小区台账", "S4", "implies", false) }, "\(wuchang)")
        XCTAssertTrue(wuchang.contains { $0 == ("error", "小区台账", "S5", "not-before", false) }, "\(wuchang)")
        XCTAssertTrue(wuchang.contains { $0 == ("warning", "小区台账", "J6", "sum", false) }, "\(wuchang)")
        XCTAssertTrue(wuchang.contains { $0 == ("warning", "小区台账", "C7", "range", true) }, "explained in 说明：\(wuchang)")
        let finance = problems(of: "市财政局")
        XCTAssertTrue(finance.contains { $0 == ("warning", "任务进展", "G4", "repaired", false) }, "85% as text: \(finance)")
        XCTAssertTrue(finance.contains { $0 == ("warning", "任务进展", "L4", "repaired", false) }, "2021/9/30 as text")
        XCTAssertTrue(finance.contains { $0 == ("error", "联络员", "D4", "type", false) }, "10-digit mobile")
        XCTAssertTrue(problems(of: "市民政局").contains { $0 == ("error", "任务进展", "J4", "implies", false) })
        XCTAssertTrue(problems(of: "市公安局").contains { $0 == ("error", "联络员", "A5", "one-row", false) })
        XCTAssertTrue(problems(of: "黄陂区人民政府").contains { $0 == ("error", "小区台账", "A8", "unique", false) })
        XCTAssertTrue(problems(of: "洪山区人民政府").contains { $0 == ("error", "任务进展", "C6", "prefilled-altered", false) })
        XCTAssertTrue(problems(of: "市教育局").contains { $0.3 == "wrong-round" })
        XCTAssertTrue(problems(of: "市水务局").contains { $0.3 == "file-unreadable" })
        // Saved by LibreOffice on 2021-06-09: clean but for its second publicity item, dated 25 June: the one
        // planted dated-after-save. Every other unit dates its items on or before the day it saved its file.
        XCTAssertEqual(problems(of: "江岸区人民政府").map { "\($0.0) \($0.1)!\($0.2) \($0.3)" },
                       ["warning 宣传信息!A5 dated-after-save"])
        let dated = (Self.report["units"] as! [[String: Any]]).filter { u in
            (u["problems"] as! [[String: Any]]).contains { $0["rule"] as? String == "dated-after-save" }
        }.map { $0["unit"] as! String }
        XCTAssertEqual(dated, ["江岸区人民政府"])
    }

    func testConsolidatedWorkbookMatchesTheInputs() throws {
        let wb = try Workbook(path: Self.merged.2.appendingPathComponent("汇总-2021-06.xlsx").path)
        XCTAssertEqual(wb.sheets.map(\.name), ["总览", "进度趋势", "报送情况", "任务进展", "任务矩阵", "量化指标", "小区台账", "宣传信息", "联络员", "校验问题"])
        let status = try wb.read(wb.sheet(named: "报送情况")!)
        XCTAssertEqual(status.rows.count, 42, "header + every unit, missing ones included")
        let words = status.rows.dropFirst().compactMap { $0.cells.first { $0.reference.column == 4 }?.value?.text }
        XCTAssertEqual(words.filter { $0 == "未报送" }.count, 4)
        XCTAssertEqual(words.filter { $0 == "迟报" }.count, 1)
        XCTAssertEqual(words.filter { $0 == "被退回" }.count, 3)

        // Independent figures from the input files, computed by openpyxl over the files that
        // count, without the rows the report lists with errors.
        let script = #"""
            import json, sys, openpyxl
            report = json.load(open(sys.argv[1])); folder = sys.argv[2]; summary = sys.argv[3]
            done = 0; invest = 0.0; central = 0.0; statuses = {}
            for u in report["units"]:
                if u["status"] != "accepted": continue
                bad = {(p["sheet"], int("".join(c for c in p["cell"] if c.isdigit()))) for p in u["problems"]
                       if p["severity"] == "error" and p["cell"]}
                wb = openpyxl.load_workbook(folder + "/" + u["file"], data_only=True)
                if "小区台账" in wb.sheetnames:
                    ws = wb["小区台账"]
                    for r in range(4, ws.max_row + 1):
                        if not ws.cell(r, 1).value or ("小区台账", r) in bad: continue
                        if ws.cell(r, 20).value == "已完工": done += 1
                        invest += float(ws.cell(r, 9).value or 0); central += float(ws.cell(r, 10).value or 0)
                ws = wb["任务进展"]
                for r in range(4, ws.max_row + 1):
                    if ws.cell(r, 1).value and ("任务进展", r) not in bad and ws.cell(r, 6).value:
                        statuses[ws.cell(r, 6).value] = statuses.get(ws.cell(r, 6).value, 0) + 1
            out = openpyxl.load_workbook(summary, data_only=True)["总览"]
            cells = {str(out.cell(r, 1).value).strip(): out.cell(r, 2).value for r in range(1, 60)}
            print(json.dumps({"done": done, "invest": round(invest, 1), "central": round(central, 1), "statuses": statuses,
                              "sheet": {k: v for k, v in cells.items() if k in ("已完工", "计划投资合计", "中央补助", "未启动", "推进中", "已完成", "滞后")}},
                             ensure_ascii=False))
            """#
        let r = try runPython(script, [Self.merged.2.appendingPathComponent("report.json").path, Self.samples,
                                       Self.merged.2.appendingPathComponent("汇总-2021-06.xlsx").path])
        let figures = try JSONSerialization.jsonObject(with: Data(r.utf8)) as! [String: Any]
        let sheet = figures["sheet"] as! [String: Double]
        XCTAssertEqual(sheet["已完工"], Double(figures["done"] as! Int))
        XCTAssertEqual(sheet["计划投资合计"]!, figures["invest"] as! Double, accuracy: 0.05)
        XCTAssertEqual(sheet["中央补助"]!, figures["central"] as! Double, accuracy: 0.05)
        let statuses = figures["statuses"] as! [String: Int]
        for s in ["未启动", "推进中", "已完成", "滞后"] { XCTAssertEqual(sheet[s], Double(statuses[s] ?? 0), s) }

        // The ledger's grand total (the sum of the units' SUMIFS subtotals below the table,
        // written with its result) agrees.
        let ledger = try wb.read(wb.sheet(named: "小区台账")!)
        let totalRow = try XCTUnwrap(ledger.rows.first { $0.cells.first?.value == .string("合计") })
        let investTotal = try XCTUnwrap(totalRow.cells.first { $0.reference.column == 10 })
        XCTAssertEqual(investTotal.formula, "SUM(J\(totalRow.index - 15):J\(totalRow.index - 1))", "15 units' subtotals")
        if case .number(let n)? = investTotal.value { XCTAssertEqual(n, sheet["计划投资合计"]!, accuracy: 0.05) } else { XCTFail() }

        // Every detail row names its source file and place.
        let progress = try wb.read(wb.sheet(named: "任务进展")!)
        let header = progress.rows[0].cells.map { $0.value?.text ?? "" }
        XCTAssertEqual(header.suffix(2), ["来源文件", "来源位置"])
        let lastColumn = progress.rows[0].cells.count
        for row in progress.rows.dropFirst() {
            // `<file> 任务进展!A7`: the place names the file.
            let file = row.cells.first { $0.reference.column == lastColumn - 1 }?.value?.text ?? "?"
            XCTAssertTrue(row.cells.contains { $0.reference.column == lastColumn && ($0.value?.text.hasPrefix(file + " 任务进展!A") ?? false) })
        }
    }

    func testSecondRunIsByteIdenticalAndInputsUntouched() throws {
        func hashes(_ dir: String) throws -> [String: Data] {
            var out: [String: Data] = [:]
            let e = FileManager.default.enumerator(atPath: dir)!
            while let f = e.nextObject() as? String {
                var isDir: ObjCBool = false
                let p = (dir as NSString).appendingPathComponent(f)
                if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { out[f] = FileManager.default.contents(atPath: p) }
            }
            return out
        }
        let before = try hashes(Self.samples)
        let first = try hashes(Self.merged.2.path)
        let again = Self.tempDir("again").appendingPathComponent("2021-06")
        let r = try Binary.run(["merge", Self.samples, "--round", "2021-06", "--out", again.path, "--key", Self.key, "--date", "2021-06-17"])
        XCTAssertEqual(r.status, 1)
        let second = try hashes(again.path)
        XCTAssertEqual(Set(first.keys), Set(second.keys))
        for (k, v) in first { XCTAssertEqual(v, second[k], "\(k) differs between runs") }
        XCTAssertEqual(try hashes(Self.samples), before, "inputs must never change")
    }

    func testOutputsOpenInLibreOffice() throws {
        let out = Self.tempDir("lo")
        let profile = Self.tempDir("lo-profile")
        let files = [Self.merged.2.appendingPathComponent("汇总-2021-06.xlsx").path,
                     Self.merged.2.appendingPathComponent("反馈/武昌区人民政府-2021-06-反馈.xlsx").path]
        let (status, log) = try runCommand("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless",
                                                       "--convert-to", "pdf", "--outdir", out.path] + files)
        XCTAssertEqual(status, 0, log)
        let pdfs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".pdf") }
        XCTAssertEqual(pdfs.count, 2, log)
    }

    func testFeedbackCarriesTheUnitsValuesAndProblems() throws {
        let wb = try Workbook(path: Self.merged.2.appendingPathComponent("反馈/武昌区人民政府-2021-06-反馈.xlsx").path)
        XCTAssertEqual(wb.sheets.first?.name, "问题清单")
        XCTAssertEqual(wb.properties.custom["tianbao.unit"], "wuchang", "a feedback file can be sent back as is")
        let list = try wb.read(wb.sheets[0])
        let places = list.rows.compactMap { row in row.cells.first { $0.reference.column == 4 }?.value?.text }
        XCTAssertTrue(places.contains("S4") && places.contains("S5") && places.contains("J6"), "\(places)")
        let original = try Workbook(path: Self.samples + "/武昌区人民政府-2021-06.xlsx")
        let a = try original.read(original.sheet(named: "小区台账")!), b = try wb.read(wb.sheet(named: "小区台账")!)
        XCTAssertEqual(a["A4"]?.value, b["A4"]?.value)
        XCTAssertEqual(a["I5"]?.value, b["I5"]?.value)
        XCTAssertEqual(a["Y7"]?.value, b["Y7"]?.value, "the 说明 is kept")
        // The problem cell carries a comment.
        let archive = try String(decoding: unzip(wb: Self.merged.2.appendingPathComponent("反馈/武昌区人民政府-2021-06-反馈.xlsx").path,
                                                 part: "xl/comments1.xml"), as: UTF8.self)
        XCTAssertTrue(archive.contains("ref=\"S4\""), archive.prefix(500).description)
    }

    func testBriefingIsProseAndEscaped() throws {
        let md = try String(contentsOf: Self.merged.2.appendingPathComponent("简报-2021-06.md"), encoding: .utf8)
        let zh = { (s: String) in s.replacingOccurrences(of: ",", with: "\u{FF0C}").replacingOccurrences(of: ":", with: "\u{FF1A}")
            .replacingOccurrences(of: "(", with: "\u{FF08}").replacingOccurrences(of: ")", with: "\u{FF09}") }
        XCTAssertTrue(md.contains(zh("本期应报送单位 41 个，已报送 34 个")), md)
        XCTAssertTrue(md.contains(zh("尚未报送 4 个：市委政法委、市体育局、市统计局、蔡甸区人民政府")))
        XCTAssertTrue(md.contains(zh("迟报 1 个(新洲区人民政府)")))
        XCTAssertTrue(md.contains("全市已完工小区 67 个，占年度目标 300 个的 22.3%"))
        let html = try String(contentsOf: Self.merged.2.appendingPathComponent("简报-2021-06.html"), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("<script"))
    }

    func testStatusListsLiaisons() throws {
        let r = try Binary.run(["status", Self.samples, "--round", "2021-06", "--key", Self.key, "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let units = json["units"] as! [[String: Any]]
        XCTAssertEqual(units.count, 41)
        let jiangan = units.first { $0["unit_id"] as? String == "jiangan" }!
        XCTAssertEqual(jiangan["state"] as? String, "已报送")
        XCTAssertNotNil(jiangan["liaison"] as? String)
        XCTAssertEqual((jiangan["phone"] as? String)?.count, 11)
        XCTAssertEqual(units.first { $0["unit_id"] as? String == "tyj" }?["state"] as? String, "未报送")
        let text = try Binary.run(["status", Self.samples, "--round", "2021-06", "--key", Self.key])
        XCTAssertTrue(text.stdout.contains("未报送"), text.stdout)
    }

    func testExitStatuses() throws {
        // A folder of clean, on-time files for every unit does not exist in samples; a folder
        // with one clean file still misses units: 1. Usage and plan errors: 2, nothing written.
        let dir = Self.tempDir("one")
        try FileManager.default.copyItem(atPath: Self.samples + "/江岸区人民政府-2021-06.xlsx", toPath: dir.path + "/a.xlsx")
        let check = try Binary.run(["check", dir.path + "/a.xlsx", "--key", Self.key])
        XCTAssertEqual(check.status, 0, check.stdout)
        XCTAssertTrue(check.stdout.contains("✔ 通过"), check.stdout)
        let bad = try Binary.run(["check", Self.samples + "/硚口区人民政府-2021-06.xlsx", "--key", Self.key])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("任务进展!F5"), bad.stdout)
        let out = Self.tempDir("x").appendingPathComponent("o")
        XCTAssertEqual(try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", out.path, "--key", Self.key]).status, 1)
        let noRound = try Binary.run(["merge", dir.path, "--round", "2030-01", "--out", out.path + "2", "--key", Self.key])
        XCTAssertEqual(noRound.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path + "2"), "nothing written on a usage error")
        let badPlan = dir.appendingPathComponent("plan.yaml").path
        try "plan: x\nunits: 3\n".write(toFile: badPlan, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", out.path + "3", "--plan", badPlan,
                                       "--key", Self.key]).status, 2)
        let inside = try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", dir.path + "/out", "--key", Self.key])
        XCTAssertEqual(inside.status, 2, "output inside the submissions folder is refused")
        let nowhere = try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", "/proc/tianbao-out", "--key", Self.key, "--no-archive"])
        XCTAssertEqual(nowhere.status, 3, "an output folder that cannot be made: outputs not written")
        XCTAssertTrue(nowhere.stderr.contains("错误：无法创建输出文件夹“/proc/tianbao-out”"), nowhere.stderr)
        XCTAssertFalse(nowhere.stderr.contains("Error"), "no English from Foundation: \(nowhere.stderr)")
        // The archive beside it cannot be written either: said first, before anything is made.
        let noArchive = try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", "/proc/tianbao-out", "--key", Self.key])
        XCTAssertEqual(noArchive.status, 3)
        XCTAssertEqual(noArchive.stderr, "错误：无法在汇总档案“/proc/tianbao-archive.sqlite”所在的文件夹中创建锁文件“/proc/.tianbao-archive.sqlite.tianbao-lock”（不存在）。"
                       + "本次未作任何改动；请确认该文件夹存在且当前用户可以写入后重试。\n")
    }
}

/// The office's signing key where no `--key` is given.
final class SigningKeyTests: XCTestCase {
    func testFirstTemplatesRunCreatesTheKeyAndChecksUseIt() throws {
        let home = MergeEndToEndTests.tempDir("home")
        let env = ["HOME": home.path, "XDG_CONFIG_HOME": "", "TIANBAO_KEY_FILE": ""]
        let noKey = try Binary.run(["check", MergeEndToEndTests.samples + "/江岸区人民政府-2021-06.xlsx"], environment: env)
        XCTAssertEqual(noKey.status, 2, "no key yet: usage error")
        XCTAssertTrue(noKey.stderr.contains("找不到签名密钥文件"), noKey.stderr)
        let out = home.appendingPathComponent("t")
        let made = try Binary.run(["templates", "--round", "2021-06", "--unit", "jyj", "--out", out.path], environment: env)
        XCTAssertEqual(made.status, 0, made.stderr)
        let keyPath = home.appendingPathComponent(".config/tianbao/signing.key").path
        XCTAssertTrue(made.stderr.contains(keyPath), made.stderr)
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let own = try Binary.run(["check", out.appendingPathComponent("市教育局-2021-06.xlsx").path], environment: env)
        XCTAssertEqual(own.status, 1, "an empty template has errors, but its signature is good")
        XCTAssertFalse(own.stdout.contains("签名不符"), own.stdout)
        // A file signed with another key (the demo key) does not pass with this one.
        let other = try Binary.run(["check", MergeEndToEndTests.samples + "/江岸区人民政府-2021-06.xlsx"], environment: env)
        XCTAssertTrue(other.stdout.contains("签名不符"), other.stdout)
    }
}

/// A submissions folder mixing good files with every bad kind, and text crafted to hurt
/// whoever opens the outputs.
final class HostileMergeTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let hostile = root.appendingPathComponent("Tests/XLSXTests/Fixtures/hostile")

    func testGoodFilesMergeAndEveryBadFileIsReported() throws {
        let dir = MergeEndToEndTests.tempDir("mixed")
        let good = ["江岸区人民政府-2021-06.xlsx", "市发展改革委-2021-06.xlsx", "汉阳区人民政府-2021-06.xlsx"]
        for g in good { try FileManager.default.copyItem(atPath: MergeEndToEndTests.samples + "/" + g, toPath: dir.path + "/" + g) }
        let bad = try FileManager.default.contentsOfDirectory(atPath: Self.hostile.path).filter { !$0.hasSuffix(".py") && !$0.hasSuffix(".tsv") }
        for b in bad { try FileManager.default.copyItem(atPath: Self.hostile.path + "/" + b, toPath: dir.path + "/" + b) }
        // A name that is not UTF-8, a link, lock files, a sub-folder.
        let badName = dir.path + "/bad\u{FFFD}.xlsx"
        _ = badName
        var raw = Array(dir.path.utf8) + Array("/gbk_".utf8) + [0xB1, 0xA8, 0xB1, 0xED] + Array(".xlsx".utf8) + [0]
        let fd = raw.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.xlsx", withDestinationPath: "/etc/passwd")
        XCTAssert(FileManager.default.createFile(atPath: dir.path + "/~$江岸区人民政府-2021-06.xlsx", contents: Data([1, 2, 3])))
        XCTAssert(FileManager.default.createFile(atPath: dir.path + "/.~lock.汉阳区人民政府-2021-06.xlsx#", contents: Data()))
        try FileManager.default.createDirectory(atPath: dir.path + "/子文件夹", withIntermediateDirectories: true)

        let out = MergeEndToEndTests.tempDir("mixed-out")
        // No archive: the default one would be the temporary folder's, shared with every other run.
        let r = try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", out.path, "--key", MergeEndToEndTests.key, "--no-archive"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        for name in ["汇总-2021-06.xlsx", "简报-2021-06.md", "简报-2021-06.html", "简报-2021-06.docx", "report.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as! [String: Any]
        let units = report["units"] as! [[String: Any]]
        XCTAssertEqual(Set(units.filter { $0["status"] as? String == "accepted" }.map { $0["file"] as! String }), Set(good))
        let files = report["files"] as! [[String: Any]]
        XCTAssertEqual(files.count, good.count + bad.count + 5)
        for b in bad where !["duplicate_entries.xlsx", "backslash_names.xlsx", "junk_entries.xlsx", "macro.xlsm"].contains(b) {
            let f = files.first { $0["file"] as? String == b }
            XCTAssertEqual(f?["status"] as? String, "rejected", b)
            XCTAssertFalse((f?["problems"] as? [[String: Any]] ?? []).isEmpty, b)
        }
        // A package lacking a part Excel requires: the reader's message, whole, in report.json.
        let damaged = files.first { $0["file"] as? String == "no_content_types.xlsx" }?["problems"] as? [[String: Any]]
        XCTAssertEqual(damaged?.count, 1)
        XCTAssertEqual(damaged?.first?["rule"] as? String, "file-unreadable")
        XCTAssertEqual(damaged?.first?["severity"] as? String, "error")
        XCTAssertEqual(damaged?.first?["message"] as? String,
                       "文件“no_content_types.xlsx”已损坏（缺少内容类型清单 [Content_Types].xml），Excel 也无法打开它。"
                       + "常见的原因是文件被解压后又重新压缩，或传输不完整。请重新发送原来保存的文件；"
                       + "如原文件同样无法打开，请用下发的模板重新填写后报送。")
        let gbk = files.first { ($0["file"] as? String ?? "").hasPrefix("gbk_") }
        XCTAssertEqual(gbk?["status"] as? String, "unreadable", "a name that is not UTF-8 is the office's problem")
        XCTAssertEqual(files.first { $0["file"] as? String == "link.xlsx" }?["status"] as? String, "skipped")
        XCTAssertEqual(files.first { $0["file"] as? String == "子文件夹" }?["status"] as? String, "skipped")
        XCTAssertEqual(files.filter { $0["status"] as? String == "skipped" }.count, 4)
        let totals = report["totals"] as! [String: Int]
        XCTAssertEqual(totals["rows_read"]!, totals["rows_merged"]! + totals["rows_rejected"]!)
    }

    func testTextFromUnitsCannotHurt() throws {
        let dir = MergeEndToEndTests.tempDir("inject")
        let file = dir.appendingPathComponent("江岸区人民政府-2021-06.xlsx").path
        let script = #"""
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb["任务进展"]
            ws["F4"] = "滞后"; ws["G4"] = 20
            ws["J4"] = "<script>alert('x')</script> & [link](http://evil.example)"
            ws["H4"].value = "=HYPERLINK(\"http://evil.example\",\"点我\")"; ws["H4"].data_type = "s"
            ws["K4"] = "@SUM(1+1)"
            # A value that is a string in XML but starts with = (as a pasted value would be).
            ws["I4"].value = "+1+1"; ws["I4"].data_type = "s"
            wb.save(sys.argv[2])
            """#
        let source = MergeEndToEndTests.samples + "/江岸区人民政府-2021-06.xlsx"
        _ = try runPython(script, [source, file])
        let out = MergeEndToEndTests.tempDir("inject-out")
        _ = try Binary.run(["merge", dir.path, "--round", "2021-06", "--out", out.path, "--key", MergeEndToEndTests.key, "--no-archive"])
        let wb = try Workbook(path: out.appendingPathComponent("汇总-2021-06.xlsx").path)
        let ws = try wb.read(wb.sheet(named: "任务进展")!)
        let all = ws.rows.flatMap(\.cells)
        XCTAssertFalse(all.contains { $0.formula != nil }, "no formula is written from unit text")
        XCTAssertTrue(all.contains { $0.value == .string("@SUM(1+1)") })
        XCTAssertTrue(all.contains { $0.value == .string("+1+1") })
        XCTAssertTrue(all.contains { $0.value == .string("=HYPERLINK(\"http://evil.example\",\"点我\")") })
        let html = try String(contentsOf: out.appendingPathComponent("简报-2021-06.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html)
        let md = try String(contentsOf: out.appendingPathComponent("简报-2021-06.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("\\[link\\](http://evil.example)"), "Markdown links from units are neutralised")
    }
}
