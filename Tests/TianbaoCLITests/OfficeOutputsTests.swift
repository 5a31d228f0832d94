import Foundation
import TestSupport
import XCTest
@testable import XLSX

/// What the office gets from the sample year (2021-03 to 2021-06 merged in order into one
/// archive, then the year's review): a 汇总 that prints, 反馈 whose problem list and 自查 agree,
/// and workbooks Excel opens without repair.
final class OfficeOutputsTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key

    /// The sample year (`SampleYear`, made once per run and only read here): a folder holding
    /// `2021-03` … `2021-06` and `review-2021`.
    static let year: URL = try! SampleYear.folder().appendingPathComponent("out")

    static var june: URL { year.appendingPathComponent("2021-06") }
    static var workbook: String { june.appendingPathComponent("汇总-2021-06.xlsx").path }

    /// Every workbook of the sample year: templates/2021-06, each round's 汇总 and 反馈, the 回头看.
    static func everyWorkbook() throws -> [String] {
        let fm = FileManager.default
        var files: [String] = []
        let templates = root.appendingPathComponent("templates/2021-06")
        files += try fm.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".xlsx") }.sorted()
            .map { templates.appendingPathComponent($0).path }
        for round in SampleYear.rounds {
            let out = year.appendingPathComponent(round)
            files.append(out.appendingPathComponent("汇总-\(round).xlsx").path)
            let feedback = out.appendingPathComponent("反馈")
            files += ((try? fm.contentsOfDirectory(atPath: feedback.path)) ?? []).filter { $0.hasSuffix(".xlsx") }.sorted()
                .map { feedback.appendingPathComponent($0).path }
        }
        files.append(year.appendingPathComponent("review-2021/回头看-2021.xlsx").path)
        return files
    }

    /// A part of a package as text.
    static func part(_ path: String, _ name: String) throws -> String {
        let archive = try ZipArchive(path: path, displayName: (path as NSString).lastPathComponent, limits: .standard)
        guard let entry = archive.entry(named: name) else { return "" }
        return String(decoding: try archive.readAll(entry), as: UTF8.self)
    }

    /// A sheet's part as text.
    static func sheetXML(_ path: String, _ sheet: String) throws -> String {
        let wb = try Workbook(path: path)
        return try part(path, wb.sheet(named: sheet)!.part!)
    }

    /// The text of a workbook's defined name for a sheet (`_xlnm.Print_Area`), "" when none.
    static func definedName(_ path: String, _ name: String, sheet: String) throws -> String {
        let xml = try part(path, "xl/workbook.xml")
        let wb = try Workbook(path: path)
        let index = wb.sheets.firstIndex { $0.name == sheet }!
        guard let start = xml.range(of: "<definedName name=\"\(name)\" localSheetId=\"\(index)\"") else { return "" }
        let rest = xml[start.upperBound...]
        guard let open = rest.firstIndex(of: ">"), let close = rest.range(of: "</definedName>") else { return "" }
        return String(rest[rest.index(after: open)..<close.lowerBound]).replacingOccurrences(of: "&apos;", with: "'")
    }

    /// The first row of a sheet: column letter by header text.
    static func headerColumns(_ path: String, _ sheet: String) throws -> [String: String] {
        let wb = try Workbook(path: path)
        let ws = try wb.read(wb.sheet(named: sheet)!)
        var out: [String: String] = [:]
        for cell in ws.rows.first { $0.index == 1 }?.cells ?? [] {
            if let t = cell.value?.text { out[t] = CellReference.columnName(cell.reference.column) }
        }
        return out
    }

    // MARK: A 汇总 that prints

    /// Detail sheets print without their source columns; sheets that fit one page wide at a
    /// readable scale are fitted, the ledger and the matrix (too wide) print at 65 % over pages
    /// across with their identifying columns repeated.
    func testThe汇总PrintsOnePageWideWhereItCanWithoutTheSourceColumns() throws {
        let path = Self.workbook
        for sheet in ["任务进展", "量化指标", "小区台账", "宣传信息", "联络员"] {
            let columns = try Self.headerColumns(path, sheet)
            let source = try XCTUnwrap(columns["来源文件"], sheet)
            let area = try Self.definedName(path, "_xlnm.Print_Area", sheet: sheet)
            let last = CellReference.columnName(try XCTUnwrap(CellReference("\(source)1")).column - 1)
            XCTAssertEqual(area, "'\(sheet)'!$A:$\(last)", "\(sheet): the print area ends before 来源文件 (\(source))")
        }
        for sheet in ["总览", "报送情况", "任务进展", "量化指标", "宣传信息", "联络员", "校验问题"] {
            let xml = try Self.sheetXML(path, sheet)
            XCTAssertTrue(xml.contains("<pageSetUpPr fitToPage=\"1\"/>") && xml.contains("fitToHeight=\"0\""), "\(sheet) fits one page wide")
            XCTAssertFalse(xml.contains("scale=\""), sheet)
            XCTAssertTrue(xml.contains("paperSize=\"9\"") && xml.contains("orientation=\"landscape\""), sheet)
        }
        for (sheet, titles) in [("小区台账", "'小区台账'!$A:$B,'小区台账'!$1:$1"), ("任务矩阵", "'任务矩阵'!$A:$B,'任务矩阵'!$1:$1")] {
            let xml = try Self.sheetXML(path, sheet)
            XCTAssertTrue(xml.contains("scale=\"65\"") && xml.contains("pageOrder=\"overThenDown\""), "\(sheet): \(xml.suffix(600))")
            XCTAssertFalse(xml.contains("fitToPage"), sheet)
            XCTAssertEqual(try Self.definedName(path, "_xlnm.Print_Titles", sheet: sheet), titles)
        }
        // The 回头看 prints the same way: fitted where its text stays readable.
        let review = Self.year.appendingPathComponent("review-2021/回头看-2021.xlsx").path
        for sheet in try Workbook(path: review).sheets.map(\.name) {
            let xml = try Self.sheetXML(review, sheet)
            XCTAssertTrue(xml.contains("fitToPage=\"1\"") || xml.contains("scale=\"65\""), sheet)
            XCTAssertTrue(xml.contains("<oddFooter>"), sheet)
        }
    }

    /// LibreOffice prints the June 汇总 on far fewer pages than at a fixed 60 % with the source
    /// columns (71 with Carlito, Calibri's metric twin, 任务进展 alone 24; 84 without it), every
    /// page of 报送情况 with the units' names beside their liaisons' phones.
    func testThePrinted汇总IsShortAndEveryPageNamesItsUnits() throws {
        let dir = temporaryDirectory("print")
        let copy = dir.appendingPathComponent("workbook.xlsx")
        try FileManager.default.copyItem(atPath: Self.workbook, toPath: copy.path)
        // The fonts `make docs` renders with: Carlito for Calibri, Noto CJK for the workbook's
        // East Asian font (宋体), as on an office's machine (without them, digits fall back to a
        // wider font and fill columns Excel leaves room in with ###).
        let fonts = Self.root.appendingPathComponent("scripts/render/fonts.conf").path
        let (status, log) = try runCommand("env", ["FONTCONFIG_FILE=\(fonts)", "soffice", "--headless",
                                                    "-env:UserInstallation=file://\(dir.path)/lo",
                                                    "--convert-to", "pdf", "--outdir", dir.path, copy.path])
        XCTAssertEqual(status, 0, log)
        let pdf = dir.appendingPathComponent("workbook.pdf").path
        let (_, info) = try runCommand("pdfinfo", [pdf])
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
        var bySheet: [String: [Int]] = [:]
        var texts: [Int: String] = [:]
        for p in 1...pages {
            let (_, text) = try runCommand("pdftotext", ["-layout", "-f", "\(p)", "-l", "\(p)", pdf, "-"])
            texts[p] = text
            // The page header names the sheet (&A) between the plan's title and the round.
            let head = text.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            let words = head.split(separator: " ").map(String.init)
            bySheet[words.count > 1 ? words[1] : "?", default: []].append(p)
        }
        print("汇总-2021-06 printed: \(pages) pages; " + bySheet.sorted { $0.value[0] < $1.value[0] }.map { "\($0.key) \($0.value.count)" }.joined(separator: "、"))
        XCTAssertLessThanOrEqual(pages, 60)
        XCTAssertLessThanOrEqual(bySheet["任务进展"]?.count ?? 99, 14)
        XCTAssertLessThanOrEqual(bySheet["报送情况"]?.count ?? 99, 3)
        for p in bySheet["报送情况"] ?? [] {
            // Each line with a mobile number starts with its unit: 序号, then the unit's name.
            for line in texts[p]!.split(separator: "\n") where line.range(of: "1[3-9][0-9]{9}", options: .regularExpression) != nil {
                XCTAssertNotNil(line.range(of: "^\\s*[0-9]+\\s+\\p{Han}{2,}", options: .regularExpression), "page \(p): \(line)")
            }
            XCTAssertFalse(texts[p]!.contains("###"), "page \(p): a column too narrow for its values")
        }
        for p in 1...pages {
            XCTAssertFalse(texts[p]!.contains("###"), "page \(p): a column too narrow for its values")
        }
        for p in bySheet["任务进展"] ?? [] {
            XCTAssertFalse(texts[p]!.contains("来源位置") || texts[p]!.contains(".xlsx 任务进展!"), "page \(p): no source columns printed")
        }
    }

    /// Subtotals of counts are integers; a unit whose file did not count says why where its
    /// count would be, not 0.
    func testLedgerSubtotalsSayWhyAUnitHasNoCount() throws {
        let wb = try Workbook(path: Self.workbook)
        let ws = try wb.read(wb.sheet(named: "小区台账")!)
        let columns = try Self.headerColumns(Self.workbook, "小区台账")
        func row(_ unit: String) -> Row? {
            ws.rows.last { $0.cells.first?.value?.text == unit }
        }
        let hongshan = try XCTUnwrap(row("洪山区人民政府"))
        XCTAssertEqual(hongshan.cells.first { $0.reference.column == 2 }?.value, .string("被退回"))
        let note = hongshan.cells.compactMap { $0.value?.text }.first { $0.hasPrefix("文件被退回") } ?? ""
        XCTAssertTrue(note.contains("12 个小区"), note)
        let caidian = try XCTUnwrap(row("蔡甸区人民政府"))
        XCTAssertEqual(caidian.cells.first { $0.reference.column == 2 }?.value, .string("未报送"))
        // 户数 (an integer field) sums as an integer, 建筑面积 (a decimal) with one decimal.
        let jiangan = try XCTUnwrap(row("江岸区人民政府"))
        func format(_ header: String) -> String? {
            let letter = columns[header]!
            let cell = jiangan.cells.first { CellReference.columnName($0.reference.column) == letter }
            return cell.flatMap { wb.numberFormatCode(ofStyle: $0.styleIndex) }
        }
        XCTAssertEqual(format("户数"), "#,##0")
        XCTAssertEqual(format("建筑面积（㎡）"), "#,##0.0")
    }

    /// 报送情况 names leading-group members in Chinese typography; 校验问题 names every rule and
    /// what it found in Chinese (a file that is not a workbook by its kind, not its code).
    func testStatusAndProblemsSpeakChinese() throws {
        let wb = try Workbook(path: Self.workbook)
        let status = try wb.read(wb.sheet(named: "报送情况")!)
        let members = status.rows.compactMap { row in row.cells.first { $0.reference.column == 14 }?.value?.text }.dropFirst()
        XCTAssertTrue(members.contains { $0.contains("（") }, "\(members)")
        XCTAssertFalse(members.contains { $0.contains("(") || $0.contains(")") }, "\(members)")
        let problems = try wb.read(wb.sheet(named: "校验问题")!)
        let rows = problems.rows.filter { $0.index > 1 }
        for row in rows {
            let rule = row.cells.first { $0.reference.column == 7 }?.value?.text ?? ""
            XCTAssertNotNil(rule.range(of: "\\p{Han}", options: .regularExpression), "row \(row.index): rule “\(rule)”")
        }
        let water = try XCTUnwrap(rows.first { $0.cells.first { $0.reference.column == 2 }?.value?.text == "市水务局" })
        XCTAssertEqual(water.cells.first { $0.reference.column == 8 }?.value?.text, "旧版 Excel 工作簿（.xls）")
    }

    /// No half-width punctuation next to Chinese text in any workbook of the sample year (file
    /// names as units sent them and `sheet!cell` places aside).
    func testEveryWorkbookWritesChinesePunctuationFullWidth() throws {
        let pattern = try NSRegularExpression(pattern: "[\\p{Han}“”、，。][(),:;?]|[\\p{Han}“”、，。]!(?![A-Z$])|[(),:;!?][\\p{Han}“”]")
        var found: [String] = []
        for path in try Self.everyWorkbook() {
            let wb = try Workbook(path: path)
            for info in wb.sheets {
                for row in try wb.read(info).rows {
                    for cell in row.cells {
                        guard case .string(let s)? = cell.value, !s.contains(".xls") else { continue }
                        if pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil {
                            found.append("\((path as NSString).lastPathComponent) \(info.name)!\(cell.reference): \(s.prefix(80))")
                        }
                    }
                }
            }
        }
        XCTAssertEqual(found, [], "\(found.count) texts")
    }

    // MARK: 反馈 a clerk acts on

    /// One line of a problem list: level, sheet, cell, row key, message.
    typealias Item = (level: String, sheet: String, cell: String, key: String, message: String)

    static func problemList(_ path: String) throws -> (summary: String, items: [Item]) {
        let wb = try Workbook(path: path)
        let ws = try wb.read(wb.sheet(named: "问题清单")!)
        func text(_ row: Row, _ c: Int) -> String { row.cells.first { $0.reference.column == c }?.value?.text ?? "" }
        let summary = ws.rows.first { $0.index == 2 }.map { text($0, 1) } ?? ""
        let items: [Item] = ws.rows.filter { $0.index > 4 }.map { row in
            (text(row, 2), text(row, 3), text(row, 4), text(row, 5), text(row, 6))
        }
        return (summary, items)
    }

    /// The 自查 total on 填报说明 (C3).
    static func selfCheckTotal(_ path: String) throws -> Int {
        let wb = try Workbook(path: path)
        let ws = try wb.read(wb.sheet(named: "填报说明")!)
        guard case .number(let n)? = ws["C3"]?.value else { return -1 }
        return Int(n)
    }

    /// 武昌区 in June: two errors, one warning and one explained warning; each names its
    /// community; the list says 3 places to handle and the deadline, and the 自查 counts 3.
    /// 洪山区 (its task text altered): the feedback restores it, so nothing is to change and the
    /// 自查 shows ✓, and the list says so instead of asking for changes.
    func testTheProblemListNamesRowsAndAgreesWithTheSelfCheck() throws {
        let wuchang = Self.june.appendingPathComponent("反馈/武昌区人民政府-2021-06-反馈.xlsx").path
        let list = try Self.problemList(wuchang)
        XCTAssertEqual(list.items.map(\.level), ["错误", "错误", "提示", "已说明"])
        XCTAssertEqual(list.items.map(\.cell), ["S4", "S5", "J6", "C7"])
        XCTAssertEqual(list.items.map(\.key), ["小区：徐家棚邮电家属院", "小区：中华路建设小区", "小区：杨园光明宿舍区", "小区：徐家棚商业小区"])
        XCTAssertTrue(list.summary.contains("本表共 3 处需处理（错误 2 处、提示 1 处）"), list.summary)
        XCTAssertTrue(list.summary.contains("已在“说明”列说明的提示 1 处"), list.summary)
        XCTAssertTrue(list.summary.contains("于 2021年6月22日前重新报送"), list.summary)
        XCTAssertEqual(try Self.selfCheckTotal(wuchang), 3)

        let hongshan = Self.june.appendingPathComponent("反馈/洪山区人民政府-2021-06-反馈.xlsx").path
        let h = try Self.problemList(hongshan)
        XCTAssertEqual(h.items.map(\.level), ["已更正"])
        XCTAssertEqual(h.items.first?.key, "任务 1.3 搭建议事平台")
        XCTAssertTrue(h.items.first?.message.contains("通过召开社区听证会……”") ?? false, "cut after a word: \(h.items)")
        XCTAssertTrue(h.summary.contains("退回的原因已在本反馈表中更正") && h.summary.contains("表内没有需修改之处"), h.summary)
        XCTAssertFalse(h.summary.contains("请按本表逐项修改"), h.summary)
        XCTAssertEqual(try Self.selfCheckTotal(hongshan), 0)

        // The task sheet's rows are named by their task.
        let civil = try Self.problemList(Self.june.appendingPathComponent("反馈/市民政局-2021-06-反馈.xlsx").path)
        XCTAssertTrue(civil.items.first?.key.hasPrefix("任务 ") ?? false, "\(civil.items)")
        // The deadline is also on 填报说明.
        let info = try Workbook(path: wuchang)
        let rows = try info.read(info.sheet(named: "填报说明")!).rows
        XCTAssertTrue(rows.contains { $0.cells.first?.value?.text == "重新报送截止" && $0.cells.last?.value?.text.hasPrefix("2021年6月22日") == true })
    }

    /// Every feedback of the sample year: the 自查 total as written (what a viewer that does
    /// not recalculate shows) and as LibreOffice recalculates it equals the problems the list
    /// asks the unit to handle; a feedback that could not carry the unit's values is the blank
    /// template and says so.
    func testEveryFeedbackCountsInItsSelfCheckWhatItsListAsksFor() throws {
        var paths: [String] = []
        for round in SampleYear.rounds {
            let dir = Self.year.appendingPathComponent("\(round)/反馈")
            paths += ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".xlsx") }.sorted()
                .map { dir.appendingPathComponent($0).path }
        }
        XCTAssertGreaterThanOrEqual(paths.count, 15)
        // Copies with distinct names, recalculated on loading.
        let dir = temporaryDirectory("feedback-recalc")
        var copies: [String: String] = [:]
        for (i, path) in paths.enumerated() {
            let copy = dir.appendingPathComponent("f\(i).xlsx").path
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            copies[path] = copy
        }
        let recalculated = try recalculateWithLibreOffice(Array(copies.values))
        var compared = 0
        for path in paths {
            let list = try Self.problemList(path)
            let open = list.items.filter { $0.level == "错误" || $0.level == "提示" }.count
            let name = (path as NSString).lastPathComponent
            if list.summary.contains("空白模板") {
                XCTAssertTrue(name.hasPrefix("市教育局") || name.hasPrefix("市水务局"), name)
                continue
            }
            XCTAssertEqual(try Self.selfCheckTotal(path), open, "\(name) as written: \(list.items)")
            XCTAssertEqual(try Self.selfCheckTotal(recalculated[copies[path]!]!), open, "\(name) recalculated: \(list.items)")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 13)
    }

    /// `merge --resubmit-by` sets the deadline the 反馈 give; a date that is not one, or is
    /// before the round's due date, stops the merge with status 2 and nothing written.
    func testResubmitByOnTheCommandLine() throws {
        let dir = temporaryDirectory("resubmit")
        let out = dir.appendingPathComponent("out/2021-06")
        let samples = Self.root.appendingPathComponent("samples/submissions/2021-06").path
        let r = try Binary.run(["merge", samples, "--round", "2021-06", "--out", out.path, "--key", Self.key, "--no-archive",
                                "--resubmit-by", "2021-06-25"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let list = try Self.problemList(out.appendingPathComponent("反馈/武昌区人民政府-2021-06-反馈.xlsx").path)
        XCTAssertTrue(list.summary.contains("于 2021年6月25日前重新报送"), list.summary)
        for (date, message) in [("2021-06-10", "重新报送截止日期 2021-06-10 早于本轮截止日期 2021-06-15"), ("6月25日", "--resubmit-by 的日期“6月25日”无效")] {
            let bad = dir.appendingPathComponent("bad")
            let r = try Binary.run(["merge", samples, "--round", "2021-06", "--out", bad.path, "--key", Self.key, "--no-archive",
                                    "--resubmit-by", date])
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
        }
    }

    // MARK: Excel strictness

    /// The strict OOXML validator (ECMA-376 schemas and the rules Excel enforces beyond them)
    /// finds no error and no warning in any template, 反馈, 汇总 or 回头看 of the sample year.
    /// Skipped when the validator is not beside the repository (`../shared/tools/ooxml`, or
    /// `$TIANBAO_OOXML_TOOLS`).
    func testEveryWorkbookOfTheSampleYearIsCleanUnderTheStrictValidator() throws {
        let tools = ProcessInfo.processInfo.environment["TIANBAO_OOXML_TOOLS"]
            ?? Self.root.appendingPathComponent("../shared/tools/ooxml").standardized.path
        let script = URL(fileURLWithPath: tools).appendingPathComponent("validate.sh").path
        guard FileManager.default.fileExists(atPath: script) else {
            throw XCTSkip("the strict OOXML validator is not at \(tools) (set TIANBAO_OOXML_TOOLS): not run")
        }
        let files = try Self.everyWorkbook()
        XCTAssertGreaterThan(files.count, 60)
        // The validator needs Python with lxml: Debian's python3-lxml beside python3-openpyxl.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + files
        process.environment = ProcessInfo.processInfo.environment.merging(["OOXML_PY": testPython]) { $1 }
        let log = temporaryDirectory("ooxml").appendingPathComponent("validate.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = try String(contentsOf: log, encoding: .utf8)
        let results = output.split(separator: "\n").filter { $0.hasPrefix("RESULT ") }
        XCTAssertEqual(results.count, files.count, String(output.suffix(2000)))
        XCTAssertTrue(results.allSatisfy { $0.hasSuffix("PASS (no errors)") }, results.filter { !$0.hasSuffix("PASS (no errors)") }.joined(separator: "\n"))
        let flagged = output.split(separator: "\n").filter { $0.hasPrefix("WARN") || $0.hasPrefix("ERROR") }
        XCTAssertEqual(flagged, [], String(output.suffix(3000)))
        XCTAssertEqual(process.terminationStatus, 0)
    }
}
