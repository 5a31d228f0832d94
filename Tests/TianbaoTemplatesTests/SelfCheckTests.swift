import Foundation
import XCTest
import TestSupport
import TianbaoCheck
import TianbaoPlan
@testable import TianbaoTemplates
@testable import XLSX

/// What the self-check of a workbook shows: the 自查 cell of each row, and every problem its
/// formulas found (the hidden all-problems column), as (sheet, cell, words).
struct SelfCheckReading {
    var shown: [String: [Int: String]] = [:]
    var problems: [(sheet: String, cell: String, text: String)] = []
    var summary = ""

    init(path: String, plan: Plan, unit: ReportingUnit, round: Round) throws {
        let wb = try Workbook(path: path)
        for sheet in plan.sheets(for: unit, in: round) {
            let ws = try wb.read(wb.sheet(named: sheet.name)!)
            let column = TemplateLayout.selfCheckColumn(sheet)
            for row in ws.rows {
                if let text = row.cells.first(where: { $0.reference.column == column })?.value?.text, !text.isEmpty,
                   row.index != TemplateLayout.headerRow {
                    shown[sheet.name, default: [:]][row.index] = text
                }
                guard row.index != TemplateLayout.headerRow, row.index > 1,
                      let all = row.cells.first(where: { $0.reference.column == column + 2 })?.value?.text else { continue }
                for item in all.split(separator: "|") {
                    let parts = item.split(separator: "：", maxSplits: 1)
                    problems.append((sheet.name, String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
                }
            }
        }
        let info = try wb.read(wb.sheet(named: TemplateLayout.instructionsSheet)!)
        summary = info["B3"]?.value?.text ?? ""
    }
}

/// Whether a checker message says what the self-check says (the self-check may stop where the
/// checker goes on to quote the value it found).
func sameWords(_ checker: String, _ selfCheck: String) -> Bool {
    let stem = selfCheck.hasSuffix("。") ? String(selfCheck.dropLast()) : selfCheck
    return checker == selfCheck || checker.hasPrefix(stem)
}

/// The suite's template of a unit for round 2021-06.
func templatePath(_ unitId: String) -> String {
    TemplateTests.folder.appendingPathComponent(TemplateLayout.fileName(unit: TemplateTests.plan.unit(unitId)!, round: TemplateTests.round)).path
}

/// Cells to fill with openpyxl, by sheet and A1 reference: `date:2021-06-15` writes a date, nil
/// clears the cell.
typealias Cells = [String: [String: Any?]]

/// Fills copies of workbooks with openpyxl, in one Python run (each run costs an interpreter
/// and openpyxl's import): each job's `cells` into a copy of `source` saved as `target`.
func fillAll(_ jobs: [(source: String, target: String, cells: Cells)]) throws {
    let script = """
        import sys, json, datetime, openpyxl
        for job in json.load(open(sys.argv[1], encoding="utf-8")):
            wb = openpyxl.load_workbook(job["source"])
            for sheet, cells in job["cells"].items():
                ws = wb[sheet]
                for ref, v in cells.items():
                    if isinstance(v, str) and v.startswith("date:"):
                        y, m, d = map(int, v[5:].split("-")); v = datetime.date(y, m, d)
                    ws[ref] = v
            wb.save(job["target"])
        """
    let list: [[String: Any]] = jobs.map { job in
        ["source": job.source, "target": job.target, "cells": job.cells.mapValues { $0.mapValues { $0 ?? NSNull() } }]
    }
    let file = temporaryDirectory("fill-jobs").appendingPathComponent("jobs.json")
    try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys]).write(to: file)
    let (status, log) = try runProcess(testPython, ["-c", script, file.path], timeout: 900)
    guard status == 0 else { throw FillFailure(status: status, output: log) }
}

/// A Python run of `fillAll` that failed: its status and output.
struct FillFailure: Error, CustomStringConvertible {
    var status: Int32, output: String
    var description: String { "fill: status \(status): \(output)" }
}

/// Every workbook SelfCheckTests reads after LibreOffice recalculated it, made once per process
/// on first use: filled by one Python run (a second fills the corrected feedback, which is
/// written from the first's results) and recalculated by one LibreOffice run, whose start costs
/// as much as several files. File names are distinct: LibreOffice writes into one folder.
struct SelfCheckWorkbooks: Sendable {
    /// The blank templates of 江岸区 and 市教育局.
    var blank: [String]
    /// testEachRuleKindShowsInTheSelfCheckAndClearsWhenFixed: one violation per row; every row right.
    var bad: String, good: String
    /// testTheCheckerIgnoresTheSelfCheckColumn: a value; the same with words typed into 自查.
    var plain: String, typedInSelfCheck: String
    /// testFeedbackWorkbookShowsTheVerdictAndClearsWhenFixed: the returned file, its feedback
    /// (cells marked, by sheet), the feedback corrected.
    var returned: String, feedback: String, feedbackMarks: [String: Int], fixed: String
    /// testNumbersAndDatesTypedAsTextAreFlaggedInTheCheckersWords.
    var typedAsText: String
    /// The recalculated copy of each of blank, bad, good, fixed and typedAsText, by path.
    var recalculated: [String: String]

    private static let result = Result { try SelfCheckWorkbooks() }
    /// The workbooks (made on first use); throws what making them threw.
    static func made() throws -> SelfCheckWorkbooks { try result.get() }

    private init() throws {
        let dir = temporaryDirectory("selfcheck")
        func at(_ name: String) -> String { dir.appendingPathComponent(name).path }
        (bad, good) = (at("rules-bad.xlsx"), at("rules-good.xlsx"))
        (plain, typedInSelfCheck) = (at("ignored-plain.xlsx"), at("ignored-typed.xlsx"))
        (returned, feedback, fixed) = (at("feedback-returned.xlsx"), at("feedback.xlsx"), at("feedback-fixed.xlsx"))
        typedAsText = at("typed-as-text.xlsx")
        blank = ["jiangan", "jyj"].map(templatePath)
        let jiangan = templatePath("jiangan")
        let rules = SelfCheckTests.ruleKindCells()
        try fillAll([(jiangan, good, rules.good), (jiangan, bad, rules.bad),
                     (jiangan, plain, SelfCheckTests.ignoredCells.plain), (jiangan, typedInSelfCheck, SelfCheckTests.ignoredCells.typed),
                     (templatePath("jyj"), returned, SelfCheckTests.returnedCells), (jiangan, typedAsText, SelfCheckTests.typedAsTextCells())])
        feedbackMarks = try SelfCheckTests.writeFeedback(of: returned, unit: TemplateTests.plan.unit("jyj")!, to: feedback)
        try fillAll([(feedback, fixed, SelfCheckTests.fixedCells)])
        recalculated = try recalculateWithLibreOffice(blank + [bad, good, fixed, typedAsText])
    }
}

final class SelfCheckTests: XCTestCase {
    static var plan: Plan { TemplateTests.plan }
    static var round: Round { TemplateTests.round }

    /// Every formula of every template (cells and conditional formats) calls only functions of
    /// the documented list; no external links, no macros.
    func testFormulasUseOnlyTheListedFunctions() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TemplateTests.folder.path).filter { $0.hasSuffix(".xlsx") }
        XCTAssertEqual(files.count, 41)
        // The templates repeat most formulas (each unit's sheets have the same columns), so each
        // distinct text is checked once, naming the first place it was found.
        var firstSeen: [String: String] = [:]
        var formulas = 0
        for file in files {
            let archive = try ZipArchive(path: TemplateTests.folder.appendingPathComponent(file).path, displayName: file, limits: .standard)
            XCTAssertFalse(archive.entries.contains { $0.name.contains("externalLink") || $0.name.contains("vbaProject") }, file)
            for entry in archive.entries where entry.name.hasPrefix("xl/worksheets/sheet") {
                for formula in Self.escapedFormulas(in: try archive.readAll(entry)) {
                    formulas += 1
                    if firstSeen[formula] == nil { firstSeen[formula] = "\(file) \(entry.name)" }
                }
            }
        }
        var used = Set<String>()
        for (escaped, place) in firstSeen {
            let formula = Self.unescaped(escaped)
            let functions = Formula.functions(in: formula)
            XCTAssertTrue(functions.isSubset(of: Formula.allowedFunctions),
                          "\(place): \(functions.subtracting(Formula.allowedFunctions)) in \(formula.prefix(200))")
            used.formUnion(functions)
            XCTAssertLessThan(formula.count, 8192, "\(place): Excel's limit on a formula's length")
        }
        XCTAssertGreaterThan(formulas, 10_000)
        XCTAssertEqual(used, Formula.allowedFunctions, "the list in docs/guide/template.md is the list in use")
        XCTAssertEqual(Formula.functions(in: "IF(A1=\"SUM(x)\",TEXTJOIN(\",\",1,B1),_xlfn.LET(1))"), ["IF", "TEXTJOIN", "_XLFN.LET"])
        XCTAssertEqual(Self.formulas(in: Array("<c><f>IF(A1&lt;&quot;x&quot;,1)</f></c><formula>B2&amp;C2</formula><f t=\"shared\"/>".utf8)),
                       ["IF(A1<\"x\",1)", "B2&C2"])
    }

    /// The text of every `<f>` (cell formula) and `<formula>` (conditional format) of a sheet
    /// part, in order.
    static func formulas(in xml: [UInt8]) -> [String] { escapedFormulas(in: xml).map(unescaped) }

    /// The same, as written in the XML (entities not yet replaced), in order: the text from each
    /// `<f>` or `<formula>` to the next `<`. The C library finds each `<` and compares the tag
    /// (memchr, memcmp), not a byte loop or Foundation's search: the tests are built unoptimised.
    static func escapedFormulas(in xml: [UInt8]) -> [String] {
        let tags = [Array("<f>".utf8), Array("<formula>".utf8)]
        var found: [String] = []
        xml.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var from = 0, content: Int? = nil
            while from < bytes.count, let hit = memchr(base + from, Int32(UInt8(ascii: "<")), bytes.count - from) {
                let at = base.distance(to: UnsafeRawPointer(hit))
                if let start = content { found.append(String(decoding: bytes[start..<at], as: UTF8.self)) }
                content = tags.first { $0.count <= bytes.count - at && memcmp(base + at, $0, $0.count) == 0 }.map { at + $0.count }
                from = at + 1
            }
            if let start = content { found.append(String(decoding: bytes[start...], as: UTF8.self)) }
        }
        return found
    }

    static func unescaped(_ xml: String) -> String {
        xml.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The results written into the blank templates are what LibreOffice computes.
    func testCachedResultsOfTheBlankTemplateAreWhatLibreOfficeComputes() throws {
        let units = ["jiangan", "jyj"]
        let paths = units.map { templatePath($0) }
        let recalculated = try SelfCheckWorkbooks.made().recalculated
        for path in paths {
            let cached = try Workbook(path: path), computed = try Workbook(path: recalculated[path]!)
            var compared = 0
            for info in cached.sheets where info.state == .visible {
                let a = try cached.read(info), b = try computed.read(computed.sheet(named: info.name)!)
                for row in a.rows {
                    for cell in row.cells where cell.formula != nil {
                        XCTAssertEqual(cell.value?.text ?? "", b[cell.reference.description]?.value?.text ?? "",
                                       "\(path) \(info.name)!\(cell.reference)")
                        compared += 1
                    }
                }
            }
            XCTAssertGreaterThan(compared, 100)
        }
        let blank = try SelfCheckReading(path: paths[0], plan: Self.plan, unit: Self.plan.unit("jiangan")!, round: Self.round)
        XCTAssertEqual(blank.summary, "本表尚有 40 处需修改（任务进展 33 处、量化指标 1 处、小区台账 1 处、宣传信息 1 处、联络员 1 处、工作小结 3 处）。")
        XCTAssertEqual(blank.shown["任务进展"]?[4], "F4：“进展状态”为必填项，请填写。")
        XCTAssertEqual(blank.shown["联络员"]?[4], "A4：联络员未填写。请填写 1 名联络员的信息。")
        XCTAssertEqual(blank.shown["小区台账"]?[2], "D2：“小区台账”没有填写内容。如本期确无内容，请在第 2 行选择“是”（本期无）。")
        XCTAssertNil(blank.shown["小区台账"]?[4], "empty rows show nothing")
    }

    /// One violation per row for each kind of rule, recalculated by LibreOffice: the 自查 cell
    /// shows the checker's words and the summary counts them; fixed, everything shows ✓. The
    /// checker reports every one of them at the same cell.
    func testEachRuleKindShowsInTheSelfCheckAndClearsWhenFixed() throws {
        let plan = Self.plan, unit = plan.unit("jiangan")!
        let workbooks = try SelfCheckWorkbooks.made()
        let bad = workbooks.bad, good = workbooks.good
        let recalculated = workbooks.recalculated
        let shown = try SelfCheckReading(path: recalculated[bad]!, plan: plan, unit: unit, round: Self.round)
        let expected: [String: [Int: String]] = [
            "任务进展": [
                4: "G4：进展状态为“已完成”时，完成进度应为 100。",
                5: "F5：完成进度为 100 时，进展状态应为“已完成”。",
                6: "J6：进展状态为“滞后”时，请在“存在问题”中说明原因。",
                7: "F7：“进展状态”应从下拉列表中选择：未启动、推进中、已完成、滞后。",
                8: "G8：“完成进度（%）”不能大于 100。",
                9: "G9：“完成进度（%）”应填写数字。",
                10: "H10：“本期工作进展”为必填项，请填写。",
                11: "L11：“预计完成时间”不能晚于 2025-12-31。",
                12: "H12：“本期工作进展”最多 2000 字。",
                13: "✓", 14: "✓",
            ],
            "量化指标": [
                4: "D4：“累计完成值”不能小于 0。",
                5: "A5：同一指标只填一行。",
                6: "E6：任务编号“9.9”不是本单位承担的任务（本单位任务：1.1、1.2、1.3、2.1、2.2、2.3、3.1、3.2、3.3、4.1、4.2）。",
            ],
            "小区台账": [
                4: "S4：状态为“已完工”时须填写完工日期。",
                5: "S5：完工日期不能早于开工日期。",
                6: "S6：完工日期不能晚于本期截止日期（截止日期 2021-06-15）。",
                7: "J7：各资金来源之和与计划投资不一致。",
                8: "C8：建成年份晚于 2000 年，不属于本轮改造范围（2000 年前建成），如属特殊情况请在“说明”中注明。",
                9: "✓",
                10: "D10：“楼栋数”应填写整数。",
            ],
            "宣传信息": [2: "D2：已声明“本期无”，但表中填有 1 行内容；已按所填内容汇总。如确实无内容，请删除这些行。", 4: "✓"],
            "联络员": [4: "D4：“手机”应为 11 位手机号码。"],
            "工作小结": [4: "✓", 5: "✓", 6: "B6：“下步打算”为必填项，请填写。"],
        ]
        for (sheet, rows) in expected {
            XCTAssertEqual(shown.shown[sheet] ?? [:], rows, sheet)
        }
        XCTAssertEqual(shown.summary, "本表尚有 21 处需修改（任务进展 9 处、量化指标 3 处、小区台账 6 处、宣传信息 1 处、联络员 1 处、工作小结 1 处）。")

        // The checker reports each of them at the same cell, in the same words.
        let checker = SubmissionChecker(plan: plan, key: TemplateTests.key, round: Self.round.id)
        let verdict = checker.check(path: bad)
        for p in shown.problems {
            XCTAssertTrue(verdict.problems.contains { $0.sheet == p.sheet && $0.cell == p.cell && sameWords($0.message, p.text) },
                          "\(p) not reported by the checker: \(verdict.problems.map { "\($0.place) \($0.message)" })")
        }
        XCTAssertEqual(shown.problems.count, 21)

        // Fixed: every row ✓, the summary green.
        let fixed = try SelfCheckReading(path: recalculated[good]!, plan: plan, unit: unit, round: Self.round)
        XCTAssertEqual(fixed.summary, "本表自查未发现问题（✓）。报送后以办公室校验结果为准。")
        XCTAssertTrue(fixed.problems.isEmpty, "\(fixed.problems)")
        XCTAssertEqual(fixed.shown["任务进展"]?.values.allSatisfy { $0 == "✓" }, true)
        XCTAssertEqual(fixed.shown["小区台账"]?.count, 7)
        XCTAssertEqual(fixed.shown["小区台账"]?.values.allSatisfy { $0 == "✓" }, true)
        XCTAssertEqual(checker.check(path: good).errorCount, 0)
    }

    /// Typing into the 自查 column (openpyxl ignores the sheet protection) changes nothing in the
    /// checker's verdict.
    func testTheCheckerIgnoresTheSelfCheckColumn() throws {
        let plan = Self.plan
        let workbooks = try SelfCheckWorkbooks.made()
        let plain = workbooks.plain, typed = workbooks.typedInSelfCheck
        let checker = SubmissionChecker(plan: plan, key: TemplateTests.key, round: Self.round.id)
        let a = checker.check(path: plain), b = checker.check(path: typed)
        XCTAssertEqual(a.problems.map { "\($0.place) \($0.message)" }, b.problems.map { "\($0.place) \($0.message)" })
        XCTAssertEqual(try a.rows(in: nil).count, try b.rows(in: nil).count)
    }
}

/// Every workbook SelfCheckAgreementTests reads after LibreOffice recalculated it, made once per
/// process on first use: the sample round's files moved into this version's templates and the
/// hostile values, filled by one Python run and recalculated by one LibreOffice run.
struct SelfCheckAgreementWorkbooks: Sendable {
    /// Each sample file's copy (one per unit: a later file of a unit replaces an earlier one)
    /// and its unit's id, by path.
    var units: [String: String]
    /// testOnHostileValuesEveryFormulaProblemIsACheckerProblem's workbook.
    var hostile: String
    /// The recalculated copy of each, by path.
    var recalculated: [String: String]

    private static let result = Result { try SelfCheckAgreementWorkbooks() }
    /// The workbooks (made on first use); throws what making them threw.
    static func made() throws -> SelfCheckAgreementWorkbooks { try result.get() }

    private init() throws {
        let plan = TemplateTests.plan, round = TemplateTests.round
        let dir = temporaryDirectory("selfcheck-samples")
        var jobs: [(source: String, target: String, cells: Cells)] = []
        var units: [String: String] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: SelfCheckAgreementTests.samples.path)
            .filter { $0.hasSuffix(".xlsx") && !$0.hasPrefix("~$") }.sorted()
        for file in files {
            guard let wb = try? Workbook(path: SelfCheckAgreementTests.samples.appendingPathComponent(file).path),
                  wb.properties.custom["tianbao.round"] == round.id,
                  let unitId = wb.properties.custom["tianbao.unit"], let unit = plan.unit(unitId) else { continue }
            var cells: Cells = [:]
            for sheet in plan.sheets(for: unit, in: round) {
                guard let info = wb.sheet(named: sheet.name), let ws = try? wb.read(info) else { continue }
                let columns = TemplateLayout.columnCount(sheet)
                for row in ws.rows where row.index == TemplateLayout.nilRow || row.index >= TemplateLayout.firstDataRow {
                    for cell in row.cells where cell.reference.column <= columns {
                        if row.index == TemplateLayout.nilRow && cell.reference.column != TemplateLayout.nilColumn { continue }
                        let value: Any
                        switch cell.value {
                        case .string(let s)?: value = s
                        case .number(let n)?: value = n
                        case .bool(let b)?: value = b
                        case .date(let d, _)?: value = String(format: "date:%04d-%02d-%02d", d.year, d.month, d.day)
                        default: continue
                        }
                        cells[sheet.name, default: [:]][cell.reference.description] = value
                    }
                }
            }
            let target = dir.appendingPathComponent("\(unit.id).xlsx").path
            jobs.append((templatePath(unit.id), target, cells))
            units[target] = unit.id
        }
        hostile = dir.appendingPathComponent("hostile.xlsx").path
        jobs.append((templatePath("jiangan"), hostile, SelfCheckAgreementTests.hostileCells()))
        self.units = units
        try fillAll(jobs)
        recalculated = try recalculateWithLibreOffice(units.keys.sorted() + [hostile])
    }
}

/// The sample round's files, their values moved into this version's templates (the samples
/// were made from templates without the 自查 column) and recalculated by LibreOffice: every
/// problem the formulas show is one the checker reports at the same cell, in the same words.
final class SelfCheckAgreementTests: XCTestCase {
    static let samples = packageRoot.appendingPathComponent("samples/submissions/2021-06")

    func testOnTheSampleRoundEveryFormulaProblemIsACheckerProblem() throws {
        let plan = TemplateTests.plan, round = TemplateTests.round
        let workbooks = try SelfCheckAgreementWorkbooks.made()
        XCTAssertGreaterThan(workbooks.units.count, 30)
        let units = workbooks.units.mapValues { plan.unit($0)! }
        let recalculated = workbooks.recalculated
        let checker = SubmissionChecker(plan: plan, key: TemplateTests.key, round: round.id)
        var shownCount = 0
        var notShown: [String: Int] = [:]
        for (path, unit) in units.sorted(by: { $0.key < $1.key }) {
            let verdict = checker.check(path: path)
            let reading = try SelfCheckReading(path: recalculated[path]!, plan: plan, unit: unit, round: round)
            for p in reading.problems {
                XCTAssertTrue(verdict.problems.contains { $0.sheet == p.sheet && $0.cell == p.cell && sameWords($0.message, p.text) },
                              "\(unit.name) \(p.sheet)!\(p.cell) \(p.text): not what the checker says: "
                                + verdict.problems.filter { $0.sheet == p.sheet && $0.cell == p.cell }.map(\.message).joined(separator: " / "))
            }
            shownCount += reading.problems.count
            for problem in verdict.problems where !reading.problems.contains(where: {
                $0.sheet == problem.sheet && $0.cell == problem.cell && sameWords(problem.message, $0.text) }) {
                notShown["\(problem.severity.rawValue) \(problem.rule)\(problem.explained ? " (explained)" : "")", default: 0] += 1
            }
        }
        XCTAssertGreaterThanOrEqual(shownCount, 9)
        // The checker's problems the formulas do not show, by rule (docs/guide/template.md: what the template cannot check).
        print("self-check agreement: \(shownCount) problems shown by formulas, all reported by the checker; not shown:")
        for (rule, count) in notShown.sorted(by: { $0.key < $1.key }) { print("  \(rule): \(count)") }
        let beyondFormulas: Set<String> = [
            "error prefilled-altered", "error one-row", "warning repaired", "warning min-rows-per-month",
            "warning range (explained)", "warning sum (explained)", "warning implies (explained)",
            "warning dated-after-save", "warning dated-after-save (explained)",
        ]
        XCTAssertTrue(Set(notShown.keys).isSubset(of: beyondFormulas), "\(notShown)")
    }
}

extension SelfCheckAgreementTests {
    /// Values chosen to trip the formulas where they and the checker read differently (white
    /// space, full-width characters, text numbers and dates, booleans, wildcards, text that
    /// looks like a formula): whatever the formulas show, the checker reports at the same cell.
    func testOnHostileValuesEveryFormulaProblemIsACheckerProblem() throws {
        let plan = TemplateTests.plan, round = TemplateTests.round, unit = plan.unit("jiangan")!
        let workbooks = try SelfCheckAgreementWorkbooks.made()
        let path = workbooks.hostile
        let recalculated = workbooks.recalculated
        let verdict = SubmissionChecker(plan: plan, key: TemplateTests.key, round: round.id).check(path: path)
        let reading = try SelfCheckReading(path: recalculated[path]!, plan: plan, unit: unit, round: round)
        for p in reading.problems {
            XCTAssertTrue(verdict.problems.contains { $0.sheet == p.sheet && $0.cell == p.cell && sameWords($0.message, p.text) },
                          "\(p.sheet)!\(p.cell) \(p.text): not what the checker says: "
                            + verdict.problems.filter { $0.sheet == p.sheet && $0.cell == p.cell }.map(\.message).joined(separator: " / "))
        }
        XCTAssertGreaterThan(reading.problems.count, 3)
        print("hostile values: formulas show \(reading.problems.count) problems, the checker \(verdict.problems.count)")
    }
}

extension SelfCheckTests {
    /// A feedback workbook (the template with the unit's values and the checker's problems)
    /// opens showing the checker's verdict in 自查 without recalculating; corrected and
    /// recalculated, its marks clear.
    func testFeedbackWorkbookShowsTheVerdictAndClearsWhenFixed() throws {
        let plan = Self.plan, round = Self.round, unit = plan.unit("jyj")!
        let workbooks = try SelfCheckWorkbooks.made()
        let feedback = workbooks.feedback, marks = workbooks.feedbackMarks

        let opened = try SelfCheckReading(path: feedback, plan: plan, unit: unit, round: round)
        XCTAssertEqual(opened.shown["任务进展"], [4: "✓", 5: "F5：“进展状态”应从下拉列表中选择：未启动、推进中、已完成、滞后，填写的是“进行中”。", 6: "✓"])
        XCTAssertEqual(opened.summary, "本表尚有 \(marks.values.reduce(0, +)) 处需修改（"
                       + plan.sheets(for: unit, in: round).compactMap { s in marks[s.name].map { "\(s.name) \($0) 处" } }.joined(separator: "、") + "）。")

        let fixed = workbooks.fixed
        let recalculated = workbooks.recalculated
        let cleared = try SelfCheckReading(path: recalculated[fixed]!, plan: plan, unit: unit, round: round)
        XCTAssertEqual(cleared.shown["任务进展"], [4: "✓", 5: "✓", 6: "✓"])
        XCTAssertEqual(cleared.summary, "本表自查未发现问题（✓）。报送后以办公室校验结果为准。")
        XCTAssertEqual(SubmissionChecker(plan: plan, key: TemplateTests.key, round: round.id).check(path: fixed).errorCount, 0)
    }
}

extension SelfCheckTests {
    /// The formulas follow the plan: another bound, another rule, another choice list give
    /// other formulas (nothing is written for the default plan only).
    func testFormulasFollowThePlan() throws {
        var plan = Self.plan
        let i = plan.sheets.firstIndex { $0.id == "progress" }!
        let percent = plan.sheets[i].fields.firstIndex { $0.id == "percent" }!
        plan.sheets[i].fields[percent].max = 90
        plan.sheets[i].rules.append(.range(field: "percent", min: 10, max: nil, severity: .warning, message: "进度低于 10"))
        let unit = plan.unit("jyj")!
        let sheet = plan.sheets[i]
        var lists = TemplateWriter.ListColumns()
        lists.add("是否", ["是", "否"])
        for id in plan.choiceOrder { lists.add(id, plan.choices[id] ?? []) }
        let check = SheetSelfCheck(sheet: sheet, rows: 3, lists: lists, unitTasks: ["1.1", "2.2", "3.2"], round: Self.round)
        XCTAssertEqual(check.checks.map(\.label), ["进展状态", "完成进度（%）", "本期工作进展", "量化成效", "存在问题", "下步计划",
                                                   "预计完成时间", "文本形式", "文本形式", "若…则", "若…则", "若…则", "若…则必填", "范围"])
        let g4 = try XCTUnwrap(check.cells.first { $0.row == 4 && $0.column == check.firstCheckColumn + 1 }).formula
        XCTAssertTrue(g4.contains("ROUND(G4,9)>90,\"G4：“完成进度（%）”不能大于 90。|\""), g4)
        // A warning: silent when the row's 说明 is filled (the row's hidden 已说明 cell).
        let explained = CellReference.columnName(check.explainedColumn)
        let range = try XCTUnwrap(check.cells.first { $0.row == 5 && $0.column == check.firstCheckColumn + 13 }).formula
        XCTAssertTrue(range.contains("ROUND(G5,9)<10") && range.contains("G5：进度低于 10。|") && range.contains("\(explained)5=0"), range)
        let flag = try XCTUnwrap(check.cells.first { $0.row == 5 && $0.column == check.explainedColumn }).formula
        XCTAssertTrue(flag.contains("M5"), "the 说明 column: \(flag)")
        // Text typed into the percentage: flagged when its own check lets it pass, in words kept once in row 2.
        let typed = try XCTUnwrap(check.cells.first { $0.row == 5 && $0.column == check.firstCheckColumn + 7 }).formula
        let own = CellReference.columnName(check.firstCheckColumn + 1)
        XCTAssertTrue(typed.contains("ISTEXT(G5),\(own)5=\"\"") && typed.contains("$\(CellReference.columnName(check.firstCheckColumn + 7))$2"), typed)
        XCTAssertEqual(check.checks[7].words, "“完成进度（%）”数字以文本形式填写。")
        XCTAssertEqual(check.checks[8].words, "“预计完成时间”日期以文本形式填写。")
        XCTAssertEqual(check.marks.map(\.target), [6, 7, 8, 9, 10, 11, 12])
        XCTAssertEqual(check.marks.first { $0.target == 7 }?.warnings, [check.firstCheckColumn + 7, check.firstCheckColumn + 13])
    }
}

extension SelfCheckTests {
    /// Numbers and dates typed as text are flagged by the template (yellow, a warning) in the
    /// words the checker starts its message with, whether the checker can read them (a repair
    /// it reports) or not (an error); explained in the row's 说明, the template says nothing.
    func testNumbersAndDatesTypedAsTextAreFlaggedInTheCheckersWords() throws {
        let plan = Self.plan, round = Self.round, unit = plan.unit("jiangan")!
        let workbooks = try SelfCheckWorkbooks.made()
        let path = workbooks.typedAsText
        let recalculated = workbooks.recalculated
        let reading = try SelfCheckReading(path: recalculated[path]!, plan: plan, unit: unit, round: round)
        XCTAssertEqual(reading.shown["任务进展"]?[4], "G4：“完成进度（%）”数字以文本形式填写。")
        XCTAssertEqual(reading.shown["任务进展"]?[5], "L5：“预计完成时间”日期以文本形式填写。")
        XCTAssertEqual(reading.shown["任务进展"]?[6], "✓")
        XCTAssertEqual(reading.shown["小区台账"]?[4], "E4：“户数”数字以文本形式填写。")
        let verdict = SubmissionChecker(plan: plan, key: TemplateTests.key, round: round.id).check(path: path)
        func message(_ sheet: String, _ cell: String) -> String? {
            verdict.problems.first { $0.sheet == sheet && $0.cell == cell }?.message
        }
        XCTAssertEqual(message("任务进展", "G4"), "“完成进度（%）”数字以文本形式填写，已按 85 读取，请核对。")
        XCTAssertEqual(message("任务进展", "L5"), "“预计完成时间”日期以文本形式填写（“2021/9/30”），已按 2021-09-30 读取，请核对。")
        XCTAssertEqual(message("小区台账", "E4"), "“户数”数字以文本形式填写，无法读取（应填写数字），填写的是“120户左右”。")
        XCTAssertEqual(verdict.problems.first { $0.cell == "G6" }?.explained, true)
        for p in reading.problems {
            XCTAssertTrue(verdict.problems.contains { $0.sheet == p.sheet && $0.cell == p.cell && sameWords($0.message, p.text) }, "\(p)")
        }
    }
}

extension SelfCheckTests {
    /// In a feedback workbook, the checker's problems show in the 办公室校验 column while their
    /// cell holds the value checked and no formula marks it; a problem at no cell shows on the
    /// first row; a long text is recognised by its length and start, so the formula stays
    /// within Excel's 8,192 characters.
    func testOfficeFindingsShowWhileTheCellIsUnchanged() throws {
        let plan = Self.plan
        let sheet = plan.sheets.first { $0.id == "progress" }!
        var lists = TemplateWriter.ListColumns()
        lists.add("是否", ["是", "否"])
        for id in plan.choiceOrder { lists.add(id, plan.choices[id] ?? []) }
        let long = String(repeating: "已完成调研，", count: 1200)
        let known = SheetSelfCheck.Known(
            problems: [CellReference("H4")!: ["与上期相同。"], CellReference("H5")!: ["与上期相同。"]], filledRows: [4, 5],
            values: [CellReference("H4")!: .string("已推进"), CellReference("H5")!: .string(long)],
            sheetProblems: ["本表缺少一项。"])
        let check = SheetSelfCheck(sheet: sheet, rows: 3, lists: lists, unitTasks: ["1.1", "2.2", "3.2"], round: Self.round, known: known)
        XCTAssertEqual(check.checks.last?.label, "办公室校验")
        let office = check.firstCheckColumn + check.checks.count - 1
        let h4 = try XCTUnwrap(check.cells.first { $0.row == 4 && $0.column == office })
        let own = CellReference.columnName(check.firstCheckColumn + 2)  // 本期工作进展's own check
        XCTAssertTrue(h4.formula.contains("EXACT(H4,\"已推进\")") && h4.formula.contains("LEN(\(own)4"), h4.formula)
        XCTAssertTrue(h4.formula.contains("办公室校验：本表缺少一项。|"), "a problem at no cell, on the first row")
        let h5 = try XCTUnwrap(check.cells.first { $0.row == 5 && $0.column == office })
        XCTAssertTrue(h5.formula.contains("LEN(H5)=\(long.utf16.count)"), String(h5.formula.prefix(300)))
        XCTAssertLessThan(h5.formula.count, 8192)
        // As written: each problem at the first check of its cell, the one at no cell in the office's column.
        XCTAssertEqual(check.blankCount, 3)
        guard case .string(let written)? = check.cells.first(where: { $0.row == 4 && $0.column == check.firstCheckColumn + 2 })?.blank else {
            return XCTFail("no cached text")
        }
        XCTAssertEqual(written, "H4：与上期相同。|")
    }

    func testStringLiteralsAndColumnLettersKeepTheirFormOnEveryPath() {
        // Short text without a quote takes a shortcut; text with a quote or over 200 characters
        // is escaped and cut into literals the long way.
        XCTAssertEqual(Formula.text(""), "\"\"")
        XCTAssertEqual(Formula.text("已完成"), "\"已完成\"")
        XCTAssertEqual(Formula.text("填\"是\"或\"否\""), "\"填\"\"是\"\"或\"\"否\"\"\"")
        let a200 = String(repeating: "a", count: 200)
        XCTAssertEqual(Formula.text(a200), "\"\(a200)\"")
        XCTAssertEqual(Formula.text(a200 + "a"), "\"\(a200)\"&\"a\"")
        let han200 = String(repeating: "汉", count: 200)
        XCTAssertEqual(Formula.text(han200), "\"\(han200)\"")
        XCTAssertEqual(Formula.text(han200 + "字"), "\"\(han200)\"&\"字\"")
        // Column letters come from a table up to ZZ and are computed beyond it.
        XCTAssertEqual([1, 26, 27, 52, 702, 703, 16384].map(CellReference.columnName),
                       ["A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"])
        XCTAssertEqual(CellReference.columnName(0), "")
    }
}

extension SelfCheckTests {

    /// What testEachRuleKindShowsInTheSelfCheckAndClearsWhenFixed fills into 江岸区's template:
    /// every row right, and one violation per row for each kind of rule.
    static func ruleKindCells() -> (good: Cells, bad: Cells) {
        var progress: [String: Any?] = [:]
        for r in 4...14 { progress["F\(r)"] = "推进中"; progress["G\(r)"] = 50; progress["H\(r)"] = "已推进" }
        var ledger: [String: Any?] = ["D2": nil]
        for r in 4...10 {
            for (c, v) in [("A", "小区\(r)"), ("B", "街道"), ("C", 1990), ("D", 3), ("E", 100), ("F", 1000), ("G", "基础类"),
                           ("I", 100), ("T", "在建")] as [(String, Any)] { ledger["\(c)\(r)"] = v }
        }
        let indicators: [String: Any?] = ["A4": "改造小区数", "B4": "个", "C4": 100, "D4": 50, "E4": "1.3", "F4": "date:2021-12-31",
                                          "A5": "加装电梯数", "B5": "部", "C5": 10, "D5": 5, "E5": "1.3", "F5": "date:2021-12-31",
                                          "A6": "新增停车位", "B6": "个", "C6": 10, "D6": 5, "E6": "1.1", "F6": "date:2021-12-31"]
        let publicity: [String: Any?] = ["A4": "date:2021-06-10", "B4": "江岸区推进老旧小区改造", "C4": "政府网站"]
        let liaison: [String: Any?] = ["A4": "王明", "B4": "处长", "C4": "027-85000000", "D4": "13800000000", "E4": "wang@example.gov.cn"]
        let summary: [String: Any?] = ["B4": "做法", "B5": "问题", "B6": "打算"]
        let good: Cells = ["任务进展": progress, "量化指标": indicators, "小区台账": ledger, "宣传信息": publicity,
                           "联络员": liaison, "工作小结": summary]

        var badProgress = progress
        badProgress["F4"] = "已完成"; badProgress["G4"] = 90               // implies: equals
        badProgress["G5"] = 100                                             // implies (the other way)
        badProgress["F6"] = "滞后"                                          // implies: required
        badProgress["F7"] = "完成"                                          // pasted over the dropdown
        badProgress["G8"] = 120                                             // bound
        badProgress["G9"] = "九十"                                           // not a number
        badProgress["H10"] = nil                                            // required
        badProgress["L11"] = "date:2030-01-01"                              // date bound
        badProgress["H12"] = String(repeating: "长", count: 2001)            // length
        var badIndicators = indicators
        badIndicators["A5"] = "改造小区数"                                    // duplicate
        badIndicators["E6"] = "9.9"                                         // not a task of the unit
        badIndicators["D4"] = -1                                            // lower bound
        var badLedger = ledger
        badLedger["T4"] = "已完工"                                           // implies: required 完工日期
        badLedger["R5"] = "date:2021-05-01"; badLedger["S5"] = "date:2021-04-01"                       // dates in order
        badLedger["T6"] = "已完工"; badLedger["R6"] = "date:2021-01-01"; badLedger["S6"] = "date:2021-07-01"  // after the round's end
        badLedger["J7"] = 50; badLedger["K7"] = 20                          // sources do not add up (warning)
        badLedger["C8"] = 2005                                              // range (warning)
        badLedger["C9"] = 2005; badLedger["Y9"] = "2005 年建成的单位宿舍,经市里同意纳入"  // explained warning
        badLedger["D10"] = 2.5                                              // integer
        var badPublicity = publicity
        badPublicity["D2"] = "是"                                            // nil return with rows (warning)
        var badLiaison = liaison
        badLiaison["D4"] = "1380000000"                                     // 10-digit mobile
        var badSummary = summary
        badSummary["B6"] = nil
        let bad: Cells = ["任务进展": badProgress, "量化指标": badIndicators, "小区台账": badLedger,
                          "宣传信息": badPublicity, "联络员": badLiaison, "工作小结": badSummary]
        return (good, bad)

    }

    /// What testTheCheckerIgnoresTheSelfCheckColumn fills into 江岸区's template: one value, and
    /// the same value with words typed into the 自查 column and the summary.
    static var ignoredCells: (plain: Cells, typed: Cells) { (
        ["任务进展": ["F4": "推进中"]],
        ["任务进展": ["F4": "推进中", "N4": "✓", "N5": "✓", "P4": ""],
         "小区台账": ["Z4": "✓", "Z5": "已核对"], "填报说明": ["B3": "本表自查未发现问题（✓）。"]]) }

    /// What testFeedbackWorkbookShowsTheVerdictAndClearsWhenFixed fills into 市教育局's template
    /// (a status not in the list at F5), and into its feedback to correct everything.
    static var returnedCells: Cells {
        var progress: [String: Any?] = [:]
        for r in 4...6 { progress["F\(r)"] = "推进中"; progress["G\(r)"] = 50; progress["H\(r)"] = "已推进" }
        progress["F5"] = "进行中"
        return ["任务进展": progress]
    }
    static var fixedCells: Cells { ["任务进展": ["F5": "推进中"], "量化指标": ["D2": "是"], "宣传信息": ["D2": "是"],
                                    "联络员": ["A4": "李华", "B4": "处长", "C4": "027-85000001", "D4": "13900000000", "E4": "li@example.gov.cn"],
                                    "工作小结": ["B4": "做法", "B5": "问题", "B6": "打算"]] }

    /// The feedback workbook of a returned file as FeedbackWriter makes it (the template with the
    /// unit's values and the checker's problems by cell); returns how many cells each sheet marks.
    static func writeFeedback(of returned: String, unit: ReportingUnit, to feedback: String) throws -> [String: Int] {
        let plan = Self.plan, round = Self.round
        let verdict = SubmissionChecker(plan: plan, key: TemplateTests.key, round: round.id).check(path: returned)
        // What FeedbackWriter passes: the unit's values and the problems by cell.
        let wb = try Workbook(path: returned)
        var values: [String: [CellReference: CellValue]] = [:]
        for sheet in plan.sheets(for: unit, in: round) {
            let ws = try wb.read(wb.sheet(named: sheet.name)!)
            for row in ws.rows where row.index >= TemplateLayout.firstDataRow {
                for cell in row.cells where cell.reference.column <= TemplateLayout.columnCount(sheet) {
                    if let v = cell.value { values[sheet.name, default: [:]][cell.reference] = v }
                }
            }
        }
        var marks: [String: [CellReference: TemplateOverlay.Mark]] = [:]
        for p in verdict.problems {
            guard let sheet = p.sheet, let cell = p.cell.flatMap(CellReference.init) else { continue }
            marks[sheet, default: [:]][cell] = TemplateOverlay.Mark(isError: p.severity == .error, message: p.message)
        }
        try TemplateWriter(plan: plan, key: TemplateTests.key).write(
            unit: unit, round: round, to: feedback,
            overlay: TemplateOverlay(heading: "反馈", summary: "", values: values, marks: marks, problems: []))

        return marks.mapValues(\.count)
    }

    /// What testNumbersAndDatesTypedAsTextAreFlaggedInTheCheckersWords fills into 江岸区's
    /// template: numbers and dates typed as text, one of them explained.
    static func typedAsTextCells() -> Cells {
        var progress: [String: Any?] = [:]
        for r in 4...14 { progress["F\(r)"] = "推进中"; progress["G\(r)"] = 50; progress["H\(r)"] = "已推进" }
        progress["G4"] = "85"                        // read as 85: a repair
        progress["L5"] = "2021/9/30"                 // read as a date: a repair
        progress["G6"] = "85"; progress["M6"] = "按文本导入，数值无误"   // explained
        let ledger: [String: Any?] = ["D2": nil, "A4": "甲小区", "B4": "街道", "C4": 1990, "D4": 3, "E4": "120户左右", "F4": 1000,
                                      "G4": "基础类", "I4": 100, "T4": "在建"]  // not a number the checker reads
        return ["任务进展": progress, "小区台账": ledger]
    }
}

extension SelfCheckAgreementTests {
    /// What testOnHostileValuesEveryFormulaProblemIsACheckerProblem fills into 江岸区's template.
    static func hostileCells() -> Cells {
        let progress: [String: Any?] = [
            "F4": " 推进中 ", "G4": "85%", "H4": "　", "L4": "2021/6/15",
            "F5": "推进*", "G5": "１００", "H5": "=HYPERLINK(\"http://evil.example\",\"x\")", "L5": "明年",
            "F6": "已完成", "G6": 1, "H6": "@SUM(1+1)", "J6": "\t",
            "F7": "滞后", "G7": "五十", "H7": "ok", "J7": " ", "L7": true,
            "F8": "<>推进中", "G8": true, "H8": String(repeating: "😀", count: 1500),
            "F9": "推进中\n", "G9": 50.0000000001, "H9": "x", "L9": "date:2021-06-15",
            "F10": "未启动", "G10": "0", "H10": "x",
            "F11": "已完成", "G11": "100%", "H11": "x",
        ]
        let indicators: [String: Any?] = [
            "A4": "指标", "B4": "个", "C4": "1,000", "D4": "5万元", "E4": 1.1, "F4": "20211231",
            "A5": "指标 ", "B5": "个", "C5": 10, "D5": 5, "E5": "１.１", "F5": "date:2021-12-31",
            "A6": "指标", "B6": "个", "C6": 10, "D6": 5, "E6": " 1.3", "F6": "date:2021-12-31",
            "A7": "*", "B7": "个", "C7": 10, "D7": 5, "E7": "1.*", "F7": "date:2021-12-31",
        ]
        let ledger: [String: Any?] = [
            "A4": "甲小区", "B4": "街道", "C4": "1990年", "D4": 3, "E4": 100, "F4": 1000, "G4": "基础类", "I4": "100万元",
            "J4": "50", "K4": 60, "T4": "已完工", "S4": "2021年6月1日",
            "A5": "乙小区", "B5": "街道", "C5": 1990, "D5": 3, "E5": 100, "F5": 1000, "G5": "基础类", "I5": 100, "J5": "abc",
            "K5": 20, "T5": "在建", "R5": "date:2021-05-01", "S5": "2021/4/1",
        ]
        let liaison: [String: Any?] = ["A4": "王明", "B4": "处长", "C4": "85000000", "D4": "１３８００００００００", "E4": "wang＠example.gov.cn"]
        return ["任务进展": progress, "量化指标": indicators, "小区台账": ledger, "联络员": liaison, "宣传信息": ["D2": " 是 "]]
    }
}
