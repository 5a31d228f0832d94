import Foundation
import XCTest
@testable import TianbaoCheck
import TianbaoPlan
import TianbaoTemplates
import TestSupport
import XLSX

/// Every rule the checker raises, each on the smallest workbook that breaks it: a valid filled
/// workbook (written with Tianbao's XLSX writer, laid out and signed as a template is), with one
/// change. Each test asserts the rule, severity, sheet, cell and exact message.
final class RuleTests: XCTestCase {
    static let yaml = """
    plan: rule-test
    version: "1"
    title: 规则测试
    units:
      - {id: a, name: 甲区人民政府, kind: 区}
      - {id: b, name: 乙区人民政府, kind: 区}
    task_groups:
      - {id: "一", title: 改造}
    tasks:
      - {id: "1.1", group: "一", title: 改造小区, lead: [a]}
      - {id: "1.2", group: "一", title: 加装电梯, lead: [b]}
    choices:
      st: [未启动, 推进中, 已完成]
    sheets:
      - id: progress
        name: 任务进展
        kind: tasks
        fields:
          - {id: task, name: 任务编号, type: task-ref, prefilled: task.id}
          - {id: status, name: 进展状态, type: choice, choices: st, required: true}
          - {id: percent, name: 完成进度(%), type: percent, min: 0, max: 100, required: true}
        rules:
          - {kind: implies, if: {field: status, equals: 已完成}, then: {field: percent, equals: 100}, message: "进展状态为“已完成”时，完成进度应为 100"}
      - id: items
        name: 项目台账
        kind: rows
        rows: 10
        fields:
          - {id: name, name: 项目名称, type: text, required: true, max_length: 10}
          - {id: code, name: 项目代码, type: text, pattern: "^[A-Z]+$"}
          - {id: count, name: 楼栋数, type: integer, min: 1, max: 100}
          - {id: task, name: 关联任务编号, type: task-ref}
          - {id: start, name: 开工日期, type: date, min: 2020-01-01, max: 2020-12-31}
          - {id: finish, name: 完工日期, type: date}
          - {id: invest, name: 计划投资(万元), type: decimal}
          - {id: src_a, name: 中央补助(万元), type: decimal}
          - {id: src_b, name: 区级(万元), type: decimal}
        rules:
          - {kind: not_after_round_end, field: finish, message: 完工日期不能晚于本期截止日期}
          - {kind: not_before, field: finish, other: start, message: 完工日期不能早于开工日期}
          - {kind: sum, fields: [src_a, src_b], equals: invest, severity: warning, message: 各资金来源之和与计划投资不一致}
          - {kind: range, field: count, max: 50, severity: warning, message: 楼栋数超过 50，请核对}
          - {kind: unique, field: name, message: 同一项目只能填一行}
          - {kind: compare, left: {field: src_a}, op: "<=", right: {field: invest}, message: 中央补助不能超过计划投资}
      - id: publicity
        name: 宣传信息
        kind: rows
        rows: 10
        fields:
          - {id: date, name: 报送日期, type: date, required: true}
          - {id: title, name: 标题, type: text, required: true}
        rules:
          - {kind: min_rows_per_month, field: date, count: 1, severity: warning, message: 每月报送宣传信息不少于 1 篇}
      - id: liaison
        name: 联络员
        kind: single
        fields:
          - {id: name, name: 姓名, type: text, required: true}
          - {id: mobile, name: 手机, type: mobile, required: true}
      - id: notes
        name: 工作小结
        kind: text
        fields:
          - {id: practice, name: 主要做法, type: text, required: true, max_length: 20}
    outputs:
      publicity: {sheet: publicity, date: date, per_month_min: 1}
    rounds:
      - {id: "2020-12", kind: 月调度, title: 12月调度, start: 2020-12-01, due: 2020-12-31, sheets: [progress, items, publicity, liaison, notes]}
      - {id: "2021-01", kind: 月调度, title: 1月调度, start: 2021-01-01, due: 2021-01-25, sheets: [progress]}
    """
    static let plan = try! PlanLoader.load(yaml: yaml, file: "rule-test.yaml")
    static let key = SigningKey(bytes: Array("rule-test-key-rule-test-key-0123".utf8))
    static let round = plan.round("2020-12")!
    static let unit = plan.unit("a")!
    static let folder: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-rule-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func date(_ y: Int, _ m: Int, _ d: Int) -> CellValue {
        .date(ExcelDateTime(kind: .date, year: y, month: m, day: d), serial: nil)
    }

    /// A workbook as a unit returns it: sheets in order, cells by A1 reference, the identity.
    struct Book {
        var sheets: [(name: String, cells: [String: CellValue])] = []
        var identity: [(String, String)]

        subscript(sheet: String, cell: String) -> CellValue? {
            get { sheets.first { $0.name == sheet }?.cells[cell] }
            set {
                guard let i = sheets.firstIndex(where: { $0.name == sheet }) else { return }
                sheets[i].cells[cell] = newValue
            }
        }

        mutating func removeSheet(_ name: String) { sheets.removeAll { $0.name == name } }

        mutating func setIdentity(_ key: String, _ value: String) {
            identity = identity.map { $0.0 == key ? (key, value) : $0 }
        }

        func write(to path: String) throws {
            let book = try WorkbookWriter(path: path)
            for (k, v) in identity { try book.setCustomProperty(TemplateIdentity.propertyPrefix + k, v) }
            let dateFormat = CellFormat().with { $0.numberFormat = "yyyy-mm-dd" }
            for sheet in sheets {
                let ws = try book.addSheet(sheet.name)
                for (ref, value) in sheet.cells {
                    let at = CellReference(ref)!
                    if case .date = value {
                        try ws.write(at.row - 1, at.column - 1, value, dateFormat)
                    } else {
                        try ws.write(at.row - 1, at.column - 1, value)
                    }
                }
            }
            try book.close()
        }
    }

    /// Unit a's workbook, filled in without a problem.
    static func validBook() -> Book {
        var book = Book(identity: TemplateContent.identity(plan: plan, unit: unit, round: round, key: key).values)
        for sheet in plan.sheets(for: unit, in: round) {
            var cells: [String: CellValue] = [:]
            if sheet.kind != .text {
                for (i, field) in sheet.fields.enumerated() {
                    cells[CellReference(row: TemplateLayout.headerRow, column: i + 1).description] = .string(TemplateLayout.header(field))
                }
            }
            book.sheets.append((sheet.name, cells))
        }
        book["任务进展", "A4"] = .string("1.1")
        book["任务进展", "B4"] = .string("推进中")
        book["任务进展", "C4"] = .number(50)
        for (c, v) in ["A": CellValue.string("和平小区"), "B": .string("AB"), "C": .number(10), "D": .string("1.1"),
                       "E": date(2020, 6, 1), "F": date(2020, 12, 10), "G": .number(100), "H": .number(60), "I": .number(40)] {
            book["项目台账", "\(c)5"] = v
        }
        book["项目台账", "A5"] = .string("和平小区")
        book["宣传信息", "A4"] = date(2020, 12, 15)
        book["宣传信息", "B4"] = .string("我区推进老旧小区改造")
        book["联络员", "A4"] = .string("张三")
        book["联络员", "B4"] = .string("13800138000")
        book["工作小结", "B4"] = .string("统筹推进")
        return book
    }

    /// The problems the checker finds in `book` (checked for round 2020-12).
    func problems(_ book: Book, name: String = #function) throws -> [Problem] {
        let path = Self.folder.appendingPathComponent("\(name).xlsx").path
        try book.write(to: path)
        return SubmissionChecker(plan: Self.plan, key: Self.key, round: Self.round.id).check(path: path).problems
    }

    /// Asserts that `book` raises exactly one problem, with these properties.
    func assertOnly(_ book: Book, _ rule: Rule, _ severity: Severity, _ sheet: String?, _ cell: String?, _ message: String,
                    explained: Bool = false, name: String = #function, context: String = "",
                    file: StaticString = #filePath, line: UInt = #line) throws {
        let found = try problems(book, name: name)
        XCTAssertEqual(found.count, 1, context + ": " + found.map { "\($0.rule) \($0.place) \($0.message)" }.joined(separator: "\n"),
                       file: file, line: line)
        guard let p = found.first else { return }
        XCTAssertEqual(p.rule, rule, context, file: file, line: line)
        XCTAssertEqual(p.severity, severity, context, file: file, line: line)
        XCTAssertEqual(p.sheet, sheet, context, file: file, line: line)
        XCTAssertEqual(p.cell, cell, context, file: file, line: line)
        XCTAssertEqual(p.message, message, context, file: file, line: line)
        XCTAssertEqual(p.explained, explained, context, file: file, line: line)
        XCTAssertEqual(p.unit, "a", context, file: file, line: line)
        if let fixed = rule.defaultSeverity { XCTAssertEqual(fixed, severity, "\(context): the catalogue's severity", file: file, line: line) }
    }

    // MARK: One change, one problem

    /// A change to the valid workbook and the one problem it must raise: its rule, severity,
    /// sheet, cell and exact message. To test a new rule, add a line here.
    struct RuleCase {
        var name: String
        var rule: Rule
        var severity: Severity
        var sheet: String?
        var cell: String?
        var message: String
        var explained = false
        var change: (inout Book) -> Void

        init(_ name: String, _ rule: Rule, _ severity: Severity, _ sheet: String?, _ cell: String?, _ message: String,
             explained: Bool = false, change: @escaping (inout Book) -> Void) {
            (self.name, self.rule, self.severity, self.sheet, self.cell, self.message, self.explained, self.change) =
                (name, rule, severity, sheet, cell, message, explained, change)
        }
    }

    nonisolated(unsafe) static let cases: [RuleCase] = [
        RuleCase("MissingSheet", .missingSheet, .error, nil, nil, "缺少工作表“联络员”。请使用下发的模板，不要删除或重命名工作表。") { book in
            book.removeSheet("联络员")
        },
        RuleCase("HeaderChanged", .headerChanged, .error, "项目台账", "C3", "表头“楼栋数”被改成了“栋数”。请使用下发的模板，不要修改表头。") { book in
            book["项目台账", "C3"] = .string("栋数")
        },
        RuleCase("PrefilledAltered", .prefilledAltered, .error, "任务进展", "A4", "预填内容被修改（应为“1.1”）。预填内容已锁定，请勿修改。") { book in
            book["任务进展", "A4"] = .string("1.2")
        },
        RuleCase("TaskRowsAdded", .taskRowsAdded, .error, "任务进展", "A5", "任务行被增加了（应为 1 行，现有 2 行）。任务行由办公室预填，请勿增删。") { book in
            book["任务进展", "A5"] = .string("1.2")
        },
        RuleCase("TaskRowsDeleted", .taskRowsDeleted, .error, "任务进展", "A4", "任务行被删除了（应为 1 行，现有 0 行）。任务行由办公室预填，请勿增删。") { book in
            book["任务进展", "A4"] = nil
        },
        RuleCase("EmptySheet", .emptySheet, .warning, "项目台账", "D2", "“项目台账”没有填写内容。如本期确无内容，请在第 2 行选择“是”（本期无）。") { book in
            for c in ["A", "B", "C", "D", "E", "F", "G", "H", "I"] { book["项目台账", "\(c)5"] = nil }
        },
        RuleCase("NilWithData", .nilWithData, .warning, "项目台账", "D2", "已声明“本期无”，但表中填有 1 行内容；已按所填内容汇总。如确实无内容，请删除这些行。") { book in
            book["项目台账", "D2"] = .string("是")
        },
        RuleCase("OneRow", .oneRow, .error, "联络员", "A5", "联络员只能填写 1 行（1 名联络员），现有 2 行。") { book in
            book["联络员", "A5"] = .string("李四")
            book["联络员", "B5"] = .string("13900139000")
        },
        RuleCase("RequiredOnAnEmptySingleSheet", .required, .error, "联络员", "A4", "联络员未填写。请填写 1 名联络员的信息。") { book in
            book["联络员", "A4"] = nil
            book["联络员", "B4"] = nil
        },
        RuleCase("Required", .required, .error, "任务进展", "B4", "“进展状态”为必填项，请填写。") { book in
            book["任务进展", "B4"] = nil
        },
        RuleCase("RequiredOnATextSheet", .required, .error, "工作小结", "B4", "“主要做法”为必填项，请填写。") { book in
            book["工作小结", "B4"] = nil
        },
        RuleCase("Type", .type, .error, "任务进展", "B4", "“进展状态”应从下拉列表中选择：未启动、推进中、已完成，填写的是“进行中”。") { book in
            book["任务进展", "B4"] = .string("进行中")
        },
        RuleCase("Pattern", .pattern, .error, "项目台账", "B5", "“项目代码”的格式不对：“ab”。") { book in
            book["项目台账", "B5"] = .string("ab")
        },
        RuleCase("TaskRef", .taskRef, .error, "项目台账", "D5", "任务编号“1.2”不是本单位承担的任务（本单位任务：1.1）。") { book in
            book["项目台账", "D5"] = .string("1.2")
        },
        RuleCase("Implies", .implies, .error, "任务进展", "C4", "进展状态为“已完成”时，完成进度应为 100") { book in
            book["任务进展", "B4"] = .string("已完成")
        },
        RuleCase("NotAfterRoundEnd", .notAfterRoundEnd, .error, "项目台账", "F5", "完工日期不能晚于本期截止日期（截止日期 2020-12-31）") { book in
            book["项目台账", "F5"] = RuleTests.date(2021, 1, 5)
        },
        RuleCase("NotBefore", .notBefore, .error, "项目台账", "F5", "完工日期不能早于开工日期") { book in
            book["项目台账", "F5"] = RuleTests.date(2020, 5, 1)
        },
        RuleCase("Sum", .sum, .warning, "项目台账", "H5", "各资金来源之和与计划投资不一致（合计 90，计划投资 100）") { book in
            book["项目台账", "I5"] = .number(30)
        },
        RuleCase("Range", .range, .warning, "项目台账", "C5", "楼栋数超过 50，请核对") { book in
            book["项目台账", "C5"] = .number(60)
        },
        RuleCase("AWarningAnsweredIn说明IsExplained", .range, .warning, "项目台账", "C5", "楼栋数超过 50，请核对", explained: true) { book in
            book["项目台账", "C5"] = .number(60)
            book["项目台账", "J5"] = .string("含附属用房")
        },
        RuleCase("Unique", .unique, .error, "项目台账", "A6", "同一项目只能填一行（“和平小区”已在第 5 行出现）") { book in
            for c in ["A", "B", "C", "D", "E", "F", "G", "H", "I"] { book["项目台账", "\(c)6"] = book["项目台账", "\(c)5"] }
        },
        RuleCase("MinRowsPerMonth", .minRowsPerMonth, .warning, "宣传信息", nil, "每月报送宣传信息不少于 1 篇：2020年12月报送 0 篇。") { book in
            book["宣传信息", "A4"] = RuleTests.date(2020, 11, 30)
        },
        RuleCase("Compare", .compare, .error, "项目台账", "H5", "中央补助不能超过计划投资（“中央补助(万元)” 160，“计划投资(万元)” 100）") { book in
            book["项目台账", "H5"] = .number(160)
            book["项目台账", "I5"] = .number(-60)
        },
        // The writer records every workbook as saved at 2021-01-01T00:00:00Z (08:00 in China).
        RuleCase("DatedAfterSave", .datedAfterSave, .warning, "宣传信息", "A5", "“报送日期”（2021-01-02）晚于文件保存时间（2021-01-01 08:00），请核对。") { book in
            book["宣传信息", "A5"] = RuleTests.date(2021, 1, 2)
            book["宣传信息", "B5"] = .string("提前写好的稿件")
        },
    ]

    /// Each case of `cases`, on a workbook of its own (named after the case).
    func testEachChangeToTheValidWorkbookRaisesExactlyItsProblem() throws {
        XCTAssertEqual(Set(Self.cases.map(\.name)).count, Self.cases.count, "case names are unique")
        for c in Self.cases {
            var book = Self.validBook()
            c.change(&book)
            try assertOnly(book, c.rule, c.severity, c.sheet, c.cell, c.message, explained: c.explained, name: c.name, context: c.name)
        }
    }

    // MARK: The catalogue

    func testEveryRuleHasAChineseName() {
        var names: Set<String> = []
        for rule in Rule.allCases {
            XCTAssertFalse(rule.name.isEmpty, "\(rule)")
            XCTAssertNotEqual(rule.name, rule.rawValue, "\(rule)")
            XCTAssertNil(rule.name.range(of: "[A-Za-z]", options: .regularExpression), "\(rule): \(rule.name)")
            XCTAssertEqual(Rule(rawValue: rule.rawValue), rule)
            XCTAssertEqual("\(rule)", rule.rawValue, "a rule reads as its stable id")
            names.insert(rule.name)
        }
        // `type` and `pattern` both read 格式不符; every other name is its rule's own.
        XCTAssertEqual(names.count, Rule.allCases.count - 1)
    }

    func testTheFileLevelRulesAreTheOnesThatRejectTheFile() {
        XCTAssertEqual(Set(Rule.allCases.filter(\.isFileLevel).map(\.rawValue)), [
            "file-unreadable", "not-a-template", "wrong-plan", "wrong-round", "unknown-unit", "bad-signature",
            "missing-sheet", "header-changed", "prefilled-altered", "task-rows-added", "task-rows-deleted",
        ])
        for rule in Rule.allCases where rule.isFileLevel { XCTAssertEqual(rule.defaultSeverity, .error, "\(rule)") }
    }

    func testTheValidWorkbookHasNoProblem() throws {
        let path = Self.folder.appendingPathComponent("valid.xlsx").path
        try Self.validBook().write(to: path)
        let s = SubmissionChecker(plan: Self.plan, key: Self.key, round: Self.round.id).check(path: path)
        XCTAssertEqual(s.problems.map { "\($0.rule) \($0.place) \($0.message)" }, [])
        XCTAssertTrue(s.fileAccepted)
        XCTAssertEqual(s.rowsAccepted, 5)
    }

    // MARK: Identity

    func testFileUnreadable() throws {
        let path = Self.folder.appendingPathComponent("broken.xlsx").path
        try Data("这不是工作簿".utf8).write(to: URL(fileURLWithPath: path))
        let s = SubmissionChecker(plan: Self.plan, key: Self.key, round: Self.round.id).check(path: path)
        XCTAssertEqual(s.problems.count, 1)
        XCTAssertEqual(s.problems.first?.rule, .fileUnreadable)
        XCTAssertEqual(s.problems.first?.severity, .error)
        XCTAssertNil(s.problems.first?.sheet)
        XCTAssertNil(s.problems.first?.cell)
        XCTAssertEqual(s.problems.first?.message, "文件“broken.xlsx”是文本或 CSV 文件，不是 Excel 工作簿。请使用下发的模板填写，保存为 .xlsx 后再报送。")
        XCTAssertFalse(s.fileAccepted)
    }

    func testMacrosIgnored() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../XLSXTests/Fixtures/hostile/macro.xlsm").standardized.path
        let s = SubmissionChecker(plan: Self.plan, key: Self.key, round: Self.round.id).check(path: path)
        let p = try XCTUnwrap(s.problems.first { $0.rule == .macrosIgnored })
        XCTAssertEqual(p.severity, .warning)
        XCTAssertNil(p.sheet)
        XCTAssertEqual(p.message, "文件含有宏（VBA），宏已被忽略、不会运行。请使用下发的 .xlsx 模板报送。")
        XCTAssertEqual(p.message, Rule.macrosIgnored.fixedMessage)
    }

    func testNotATemplate() throws {
        var book = Self.validBook()
        book.identity = []
        let found = try problems(book)
        XCTAssertEqual(found.map(\.rule), [.notATemplate])
        XCTAssertEqual(found.first?.severity, .error)
        XCTAssertNil(found.first?.unit)
        XCTAssertEqual(found.first?.message,
                       "文件“testNotATemplate().xlsx”不是本计划下发的填报模板（找不到模板标识）。请使用领导小组办公室下发的本单位模板填写后报送。")
    }

    func testWrongPlan() throws {
        var book = Self.validBook()
        book.setIdentity("plan", "other-plan")
        let found = try problems(book)
        XCTAssertEqual(found.map(\.rule), [.wrongPlan])
        XCTAssertEqual(found.first?.value, "other-plan")
        XCTAssertEqual(found.first?.message, "文件“testWrongPlan().xlsx”是其他计划（other-plan）的模板，不属于“规则测试”。")
    }

    func testUnknownUnit() throws {
        var book = Self.validBook()
        book.setIdentity("unit", "zz")
        let found = try problems(book)
        XCTAssertEqual(found.map(\.rule), [.unknownUnit])
        XCTAssertEqual(found.first?.message, "文件“testUnknownUnit().xlsx”标识的单位“zz”不在本计划的单位名单中。")
    }

    func testWrongRound() throws {
        var book = Self.validBook()
        book.setIdentity("round", "2099-01")
        var found = try problems(book, name: "unknown-round")
        XCTAssertEqual(found.map(\.rule), [.wrongRound])
        XCTAssertEqual(found.first?.message, "文件“unknown-round.xlsx”标识的轮次“2099-01”不在本计划中。")
        book.setIdentity("round", "2021-01")
        found = try problems(book, name: "other-round")
        XCTAssertEqual(found.map(\.rule), [.wrongRound])
        XCTAssertEqual(found.first?.severity, .error)
        XCTAssertEqual(found.first?.unit, "a")
        XCTAssertEqual(found.first?.message,
                       "文件“other-round.xlsx”是 2021-01 轮次（1月调度）的模板，不是本轮 2020-12 的模板。请使用本轮下发的模板重新填报。")
    }

    func testBadSignature() throws {
        var book = Self.validBook()
        book.setIdentity("signature", String(repeating: "0", count: 64))
        var found = try problems(book, name: "forged")
        XCTAssertEqual(found.map(\.rule), [.badSignature])
        XCTAssertEqual(found.first?.value, "000000000000…")
        XCTAssertEqual(found.first?.message,
                       "文件“forged.xlsx”的模板标识与签名不符（标识被修改，或不是办公室下发的模板）。请使用下发给本单位的模板重新填报。"
                        + "（办公室请先确认：校验所用的签名密钥与生成模板时的相同。）")
        book.setIdentity("plan_version", "0")
        found = try problems(book, name: "old-version")
        XCTAssertEqual(found.map(\.rule), [.badSignature])
        XCTAssertEqual(found.first?.message, "文件“old-version.xlsx”是按计划版本 0 生成的模板，现行版本为 1。请使用新下发的模板。")
    }

    // MARK: Structure










    // MARK: Fields




    func testRepaired() throws {
        var book = Self.validBook()
        book["项目台账", "G5"] = .string("100万元")
        let found = try problems(book)
        XCTAssertEqual(found.map(\.rule), [.repaired])
        XCTAssertEqual(found.first?.severity, .warning)
        XCTAssertEqual(found.first?.place, "项目台账!G5")
        XCTAssertEqual(found.first?.value, "100万元")
        XCTAssertTrue(found.first?.message.hasPrefix("“计划投资(万元)”") ?? false, found.first?.message ?? "")
        XCTAssertTrue(found.first?.message.hasSuffix("，请核对。") ?? false, found.first?.message ?? "")
    }

    func testMinAndMax() throws {
        var book = Self.validBook()
        book["项目台账", "C5"] = .number(0)
        try assertOnly(book, .min, .error, "项目台账", "C5", "“楼栋数”不能小于 1，填写的是 0。", name: "min-number")
        book["项目台账", "C5"] = .number(101)
        try assertOnly(book, .max, .error, "项目台账", "C5", "“楼栋数”不能大于 100，填写的是 101。", name: "max-number")
        book["项目台账", "C5"] = .number(10)
        book["项目台账", "E5"] = Self.date(2019, 12, 31)
        try assertOnly(book, .min, .error, "项目台账", "E5", "“开工日期”不能早于 2020-01-01，填写的是 2019-12-31。", name: "min-date")
    }

    func testADateBefore1900AsLibreOfficeSavesIt() throws {
        // LibreOffice saves a day before 1899-12-30 as a negative serial and declares
        // dateCompatibility="false"; the checker sees the date and its bound, not a number.
        var book = Self.validBook()
        book["项目台账", "E5"] = Self.date(1850, 6, 15)
        let path = Self.folder.appendingPathComponent("before-1900.xlsx").path
        try book.write(to: path)
        let script = """
            import shutil, sys, zipfile
            src, dst = sys.argv[1], sys.argv[1] + ".lo"
            with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
                for i in a.infolist():
                    data = a.read(i.filename)
                    if i.filename == "xl/workbook.xml":
                        assert b"<workbookPr " in data
                        data = data.replace(b"<workbookPr ", b'<workbookPr dateCompatibility="false" ')
                    b.writestr(i, data)
            shutil.move(dst, src)
            """
        let (status, output) = try runProcess(testPython, ["-c", script, path])
        XCTAssertEqual(status, 0, output)
        let found = SubmissionChecker(plan: Self.plan, key: Self.key, round: Self.round.id).check(path: path).problems
        XCTAssertEqual(found.map { "\($0.rule) \($0.place) \($0.message)" },
                       ["min 项目台账!E5 “开工日期”不能早于 2020-01-01，填写的是 1850-06-15。"])
    }

    func testMaxLength() throws {
        var book = Self.validBook()
        book["项目台账", "A5"] = .string("一二三四五六七八九十甲")
        try assertOnly(book, .maxLength, .error, "项目台账", "A5", "“项目名称”最多 10 字，现有 11 字。请精简。")
        var text = Self.validBook()
        text["工作小结", "B4"] = .string(String(repeating: "做", count: 21))
        try assertOnly(text, .maxLength, .error, "工作小结", "B4", "“主要做法”最多 20 字，现有 21 字。请精简。", name: "text-sheet")
    }



    // MARK: Row rules










    // MARK: Publicity dated after the file was saved


    func testDatedAfterSaveAnsweredIn说明() throws {
        var book = Self.validBook()
        book["宣传信息", "A5"] = Self.date(2021, 1, 2)
        book["宣传信息", "B5"] = .string("提前写好的稿件")
        book["宣传信息", "C5"] = .string("已定于 1 月 2 日刊发")
        try assertOnly(book, .datedAfterSave, .warning, "宣传信息", "A5", "“报送日期”（2021-01-02）晚于文件保存时间（2021-01-01 08:00），请核对。",
                       explained: true)
    }

    func testTheSaveDayItselfIsNotAfterTheSave() throws {
        var book = Self.validBook()
        book["宣传信息", "A5"] = Self.date(2021, 1, 1)
        book["宣传信息", "B5"] = .string("当天的稿件")
        XCTAssertEqual(try problems(book).map(\.rule), [])
    }

    func testWithoutThePublicityDeclarationNothingIsDatedAfterSave() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "outputs:\n  publicity: {sheet: publicity, date: date, per_month_min: 1}\n", with: "")
        XCTAssertNotEqual(yaml, Self.yaml)
        let plan = try PlanLoader.load(yaml: yaml, file: "rule-test.yaml")
        var book = Self.validBook()
        book.identity = TemplateContent.identity(plan: plan, unit: plan.unit("a")!, round: plan.round("2020-12")!, key: Self.key).values
        book["宣传信息", "A5"] = Self.date(2021, 1, 2)
        book["宣传信息", "B5"] = .string("提前写好的稿件")
        let path = Self.folder.appendingPathComponent("undeclared.xlsx").path
        try book.write(to: path)
        XCTAssertEqual(SubmissionChecker(plan: plan, key: Self.key, round: "2020-12").check(path: path).problems.map(\.rule), [])
    }
}
