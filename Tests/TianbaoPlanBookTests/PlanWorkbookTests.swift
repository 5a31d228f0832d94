import Foundation
import TestSupport
import XCTest
import XLSX
@testable import TianbaoPlan
@testable import TianbaoPlanBook

/// Plans written in a workbook: YAML → workbook → YAML gives the same plan; a workbook saved by
/// LibreOffice reads back; every mistake is reported at its sheet and cell.
final class PlanWorkbookTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let gasPlan = root.appendingPathComponent("plans/gas-pipes.yaml").path

    /// Writes the plan as a workbook, reads it back, and checks the plan and its canonical YAML.
    func assertRoundTrip(_ plan: Plan, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = temporaryDirectory("planbook").appendingPathComponent("计划.xlsx").path
        try PlanBook.write(plan, to: path)
        XCTAssertEqual(PlanFile.kind(path: path), .workbook)
        let back = try PlanFile.load(path: path)
        XCTAssertTrue(back == plan, "workbook → plan differs", file: file, line: line)
        XCTAssertEqual(PlanBook.yaml(back), PlanBook.yaml(plan), file: file, line: line)
        // The canonical YAML loads as the same plan, and exports to itself.
        let yaml = PlanBook.yaml(plan)
        let again = try PlanLoader.load(yaml: yaml, file: "export.yaml")
        XCTAssertTrue(again == plan, "canonical YAML → plan differs", file: file, line: line)
        XCTAssertEqual(PlanBook.yaml(again), yaml, file: file, line: line)
        // Writing is deterministic.
        let second = temporaryDirectory("planbook").appendingPathComponent("计划.xlsx").path
        try PlanBook.write(back, to: second)
        XCTAssertEqual(FileManager.default.contents(atPath: path), FileManager.default.contents(atPath: second), file: file, line: line)
    }

    func testDefaultPlanRoundTrip() throws {
        try assertRoundTrip(PlanLoader.defaultPlan())
    }

    /// A target split among the districts (分解目标) goes through the workbook's 目标 sheet, one
    /// `单位全称：数值` a line; a workbook written before the column existed still reads.
    func testTargetSharesRoundTrip() throws {
        var plan = PlanLoader.defaultPlan()
        plan.targets[0].shares = [TargetShare(unit: "lkg", value: 22.5), TargetShare(unit: "jiangan", value: 25)]  // plan order
        try assertRoundTrip(plan)
        let content = PlanBookContent(plan: plan)
        XCTAssertEqual(content[PlanBookLayout.targets].first?.text(8), "武汉临空港经济技术开发区管委会（东西湖区人民政府）：22.5\n江岸区人民政府：25")

        let dir = temporaryDirectory("planbook-old")
        let path = dir.appendingPathComponent("计划.xlsx").path
        try PlanBook.write(PlanLoader.defaultPlan(), to: path)
        let script = "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nwb['目标']['I1'] = None\nwb.save(sys.argv[1])\n"
        let py = dir.appendingPathComponent("old.py")
        try script.write(to: py, atomically: true, encoding: .utf8)
        let (status, log) = try runProcess(testPython, [py.path, path])
        XCTAssertEqual(status, 0, log)
        XCTAssertTrue(try PlanFile.load(path: path) == PlanLoader.defaultPlan())
    }

    /// A plan workbook written before 轮次 had its 重新报送截止 column reads as before: the same
    /// plan without resubmission deadlines.
    func testAWorkbookWithoutTheAddedColumnStillReads() throws {
        let plan = PlanLoader.defaultPlan()
        let dir = temporaryDirectory("planbook-old")
        let source = dir.appendingPathComponent("计划.xlsx").path, old = dir.appendingPathComponent("old.xlsx").path
        try PlanBook.write(plan, to: source)
        let (status, log) = try runProcess(testPython, ["-c", """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            ws = wb['轮次']
            assert ws['H1'].value == '重新报送截止', ws['H1'].value
            ws.delete_cols(8)
            wb.save(sys.argv[2])
            """, source, old])
        XCTAssertEqual(status, 0, log)
        var expected = plan
        for i in expected.rounds.indices { expected.rounds[i].resubmitBy = nil }
        let back = try PlanFile.load(path: old)
        XCTAssertTrue(back == expected, "\(back.rounds.map(\.resubmitBy))")
    }

    func testGasPipesPlanRoundTrip() throws {
        let plan = try PlanLoader.load(path: Self.gasPlan)
        try assertRoundTrip(plan)
        // The pipes sheet goes to 临江燃气集团 and the owners group: written as one name and the group's.
        let content = PlanBookContent(plan: plan)
        let pipes = content[PlanBookLayout.sheets].first { $0.text(0) == "pipes" }!
        XCTAssertEqual(pipes.text(4), "临江燃气集团有限公司、各辖区政府（管委会）")
    }

    func testWhatTheWorkbookSays() throws {
        let plan = PlanLoader.defaultPlan()
        let path = temporaryDirectory("planbook").appendingPathComponent("计划.xlsx").path
        try PlanBook.write(plan, to: path)
        let wb = try Workbook(path: path)
        XCTAssertEqual(wb.sheets.map(\.name), ["填写说明", "基本信息", "领导小组", "单位", "单位分组", "任务类别", "任务", "阶段", "目标",
                                               "下拉选项", "表单", "字段", "规则", "轮次", "输出声明"])
        func sheet(_ name: String) throws -> Worksheet { try wb.read(wb.sheet(named: name)!) }
        let units = try sheet("单位")
        XCTAssertEqual(units["A1"]?.value?.text, "编号")
        XCTAssertEqual(units["B17"]?.value?.text, "市住房保障房管局")
        XCTAssertEqual(units["C17"]?.value?.text, "市直部门")
        XCTAssertEqual(units["D17"]?.value?.text, "汪普查（局长）\n邓绪海（总工程师）")
        XCTAssertEqual(units["D38"]?.value?.text, "刘震（区委常委、统战部部长）")
        let tasks = try sheet("任务")
        XCTAssertEqual(tasks["A2"]?.value?.text, "1.1")
        XCTAssertEqual(tasks["E2"]?.value?.text, "市住房保障房管局")
        XCTAssertEqual(tasks["E4"]?.value?.text, "各区人民政府", "task 1.3 is led by the group, named as the seed names it")
        XCTAssertTrue(tasks["F2"]?.value?.text.hasSuffix("、武汉供电公司、各区人民政府") ?? false)
        XCTAssertEqual(tasks["H5"]?.value, .date(ExcelDateTime(kind: .date, year: 2021, month: 12, day: 31), serial: 44561))
        let fields = try sheet("字段")
        XCTAssertEqual(fields["D2"]?.value?.text, "任务编号")
        XCTAssertEqual(fields["J2"]?.value?.text, "任务编号")
        let rules = try sheet("规则")
        let compare = rules.rows.first { $0.cells.first { $0.reference.column == 4 }?.value?.text == "name=完成改造小区" }!
        XCTAssertEqual(compare.cells.map { $0.value?.text ?? "" }.prefix(7),
                       ["indicators", "比较", "警告", "name=完成改造小区", "done", "=", "计数（ledger，status=已完工）"])
        let rounds = try sheet("轮次")
        XCTAssertEqual(rounds["F5"]?.value?.text, "progress、indicators、ledger、publicity、liaison、summary")
        let outputs = try sheet("输出声明")
        XCTAssertTrue(outputs.rows.contains { $0.cells.map { $0.value?.text ?? "" }.prefix(3) == ["台账1", "附加统计", "elevators=加装电梯（部）"] })
    }

    /// What openpyxl sees: frozen headers, a hint on every header, dropdowns for fixed words and
    /// references, text-formatted ids and date-formatted dates.
    func testDropdownsHintsAndFormatsAsOpenpyxlSeesThem() throws {
        let dir = temporaryDirectory("planbook-openpyxl")
        let path = dir.appendingPathComponent("计划.xlsx").path
        try PlanBook.write(PlanLoader.defaultPlan(), to: path)
        let script = dir.appendingPathComponent("look.py")
        try """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            for name in ['单位', '字段', '规则', '轮次']:
                ws = wb[name]
                print(name, ws.freeze_panes, all(c.comment is not None for c in ws[1] if c.value), sep='|')
                for dv in ws.data_validations.dataValidation:
                    print(name, str(dv.sqref), dv.formula1, sep='|')
            print('formats', wb['任务']['A2'].number_format, wb['轮次']['A2'].number_format, wb['轮次']['D2'].number_format,
                  wb['字段']['F13'].number_format, sep='|')
            """.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try runProcess(testPython, [script.path, path])
        XCTAssertEqual(status, 0, output)
        let lines = Set(output.split(separator: "\n").map(String.init))
        for expected in [
            "单位|B2|True", "字段|B2|True", "规则|B2|True", "轮次|B2|True",
            "单位|C2:C1000|\"市直部门,区,功能区,企业\"",
            "字段|A2:A1000|'表单'!$A$2:$A$1000",
            "字段|D2:D1000|\"文字,整数,小数,百分比,日期,下拉选择,是否,电话,手机,电子邮箱,任务编号\"",
            "字段|E2:E1000|\"是,否\"",
            "字段|J2:J1000|\"任务编号,任务类别,任务名称和内容,本单位角色,牵头单位\"",
            "规则|B2:B1000|\"条件要求,不晚于本期截止日,不早于另一日期,分项之和,数值范围,不得重复,每月最少行数,比较\"",
            "规则|C2:C1000|\"错误,警告\"",
            "规则|F2:F1000|\"=,!=,<,<=,>,>=,必填\"",
            "规则|J2:J1000|\"跳过,按0计,报错\"",
            "轮次|B2:B1000|\"方案备案,月调度,半年小结,年度总结\"",
            "formats|@|@|yyyy-mm-dd|yyyy-mm-dd",
        ] {
            XCTAssertTrue(lines.contains(expected), "\(expected) not in:\n\(output)")
        }
    }

    // MARK: Broken workbooks

    /// The default plan's workbook with one change each, made with openpyxl: (name, Python statements on `wb`).
    static let breakages: [(String, String)] = [
        ("unknown-unit", "wb['任务']['F3'] = '市财政厅、各区人民政府'"),
        ("share-unknown-unit", "wb['目标']['I2'] = '江岸区人民政府：25\\n市财政厅：10'"),
        ("share-syntax", "wb['目标']['I2'] = '江岸区人民政府 25'"),
        ("duplicate-id", "wb['单位']['A4'] = 'fgw'"),
        ("bad-date", "wb['轮次']['E5'] = '2021-06-31'"),
        ("unknown-type", "wb['字段'][FIELD_TYPE] = '金额'"),
        ("empty-choices", "wb['下拉选项']['B5'] = None"),
        ("rule-missing-field", "wb['规则']['E2'] = 'pct'"),
        ("round-missing-sheet", "wb['轮次']['F2'] = 'progress、indicators、contacts'"),
        ("target-missing-sheet", "wb['目标']['F2'] = 'taizhang'"),
        ("outputs-missing-field", "wb['输出声明'][OUT_STATUS] = 'state'"),
        ("missing-sheet", "del wb['阶段']"),
        ("header-changed", "wb['单位']['B1'] = '名称'"),
        ("bound-not-number", "wb['字段'][BUILT_MAX] = '二〇二一'"),
        ("operand-syntax", "wb['规则'][COUNT_RIGHT] = '计数(ledger，status=已完工'"),
        ("unknown-rule-kind", "wb['规则']['B2'] = '包含'"),
    ]

    func testBrokenWorkbooksAreReportedAtTheirCells() throws {
        let plan = PlanLoader.defaultPlan()
        let dir = temporaryDirectory("planbook-broken")
        let good = dir.appendingPathComponent("计划.xlsx").path
        try PlanBook.write(plan, to: good)
        let content = PlanBookContent(plan: plan)
        func cell(_ sheet: String, _ column: String, where match: (BookRow) -> Bool) -> String {
            "\(column)\(content[sheet].first(where: match)!.row)"
        }
        let fieldType = cell("字段", "D") { $0.text(0) == "ledger" && $0.text(1) == "street" }
        let builtMax = cell("字段", "G") { $0.text(0) == "ledger" && $0.text(1) == "built" }
        let outStatus = cell("输出声明", "C") { $0.text(0) == "进展表" && $0.text(1) == "状态字段" }
        let countRight = cell("规则", "G") { $0.text(3) == "name=完成改造小区" }
        XCTAssertEqual([fieldType, builtMax, outStatus, countRight], ["D21", "G22", "C7", "G8"])
        var script = "import sys, openpyxl\nsrc, out = sys.argv[1], sys.argv[2]\n"
        script += "FIELD_TYPE, BUILT_MAX, OUT_STATUS, COUNT_RIGHT = '\(fieldType)', '\(builtMax)', '\(outStatus)', '\(countRight)'\n"
        for (name, change) in Self.breakages {
            script += "wb = openpyxl.load_workbook(src)\n\(change)\nwb.save(out + '/\(name).xlsx')\n"
        }
        let py = dir.appendingPathComponent("break.py")
        try script.write(to: py, atomically: true, encoding: .utf8)
        let (status, log) = try runProcess(testPython, [py.path, good, dir.path])
        XCTAssertEqual(status, 0, log)

        let expected: [String: [String]] = [
            "unknown-unit": ["任务!F3：任务 1.2 的责任单位中的单位“市财政厅”不在单位列表中"],
            "share-unknown-unit": ["目标!I2：目标 communities 分解目标中的单位“市财政厅”不在单位列表中"],
            "share-syntax": ["目标!I2：分解目标“江岸区人民政府 25”应写成“单位全称：数值”"],
            "duplicate-id": ["单位!A4：单位编号“fgw”重复"],
            "bad-date": ["轮次!E5：轮次 2021-06 的截止日期“2021-06-31”不是有效日期（格式 2021-06-15）"],
            "unknown-type": ["字段!\(fieldType)：表单 ledger 的字段 street 的类型“金额”无效（可用：文字、整数、小数、百分比、日期、下拉选择、是否、电话、手机、电子邮箱、任务编号）"],
            "empty-choices": ["下拉选项!B5：下拉选项 property_mode 没有任何选项"],
            "rule-missing-field": ["规则!E2：表单 progress 的规则 implies 引用了不存在的字段“pct”"],
            "round-missing-sheet": ["轮次!F2：轮次 2021-03 要求的表单“contacts”未定义"],
            // The ledger declared against the target is reported too: the target it names is gone.
            "target-missing-sheet": ["目标!F2：目标 communities 统计的表单“taizhang”未定义", "输出声明!C23：输出声明的台账的目标“communities”未定义"],
            "outputs-missing-field": ["输出声明!\(outStatus)：输出声明的“progress”的“status”字段“state”不在表单 progress 中"],
            "missing-sheet": ["阶段：缺少工作表“阶段”（工作阶段）；没有内容时请保留工作表和表头"],
            "header-changed": ["单位!B1：表头应为“单位全称”，而不是“名称”（第 1 行的表头不要修改、删除或移动）"],
            "bound-not-number": ["字段!\(builtMax)：表单 ledger 的字段 built 的最大值应为数字，而不是“二〇二一”"],
            "operand-syntax": ["规则!\(countRight)：“计数(ledger，status=已完工”的写法无法识别（可写：字段编号、数字、求和（表单.字段）、求和（表单.字段，字段=值）、计数（表单）、计数（表单，字段=值））"],
            "unknown-rule-kind": ["规则!B2：表单 progress 的规则类型“包含”无效（可用：条件要求、不晚于本期截止日、不早于另一日期、分项之和、数值范围、不得重复、每月最少行数、比较）"],
        ]
        XCTAssertEqual(Self.breakages.count, 16)
        for (name, _) in Self.breakages {
            let path = dir.appendingPathComponent("\(name).xlsx").path
            do {
                _ = try PlanFile.load(path: path)
                XCTFail("\(name): loaded")
            } catch let errors as PlanErrors {
                XCTAssertEqual(errors.issues.map(\.description), expected[name], name)
                XCTAssertEqual(errors.file, "\(name).xlsx")
            }
        }
    }

    /// A value outside those a column allows keeps its parts: the YAML plan names the allowed
    /// codes, the workbook its dropdown's words, from the same finding.
    func testAValueOutsideItsChoicesIsNamedInEachPlansOwnWords() throws {
        let yaml = DefaultPlanText.yaml.replacingOccurrences(of: "required: true", with: "required: maybe")
        XCTAssertThrowsError(try PlanLoader.load(yaml: yaml, file: "p.yaml")) { error in
            guard let issue = (error as? PlanErrors)?.issues.first else { return XCTFail("\(error)") }
            XCTAssertEqual(issue.allowed, .yesNo)
            XCTAssertTrue(issue.message.hasSuffix("的 required应为 true 或 false"), issue.message)
            XCTAssertEqual(Vocabulary.yesNo.message(issue), issue.statement + "应填“是”或“否”")
        }
        let kind = PlanIssue(line: 3, column: 5, statement: "表单 ledger 的类型“表格”无效", allowed: .oneOf(["tasks", "rows", "single", "text"]))
        XCTAssertEqual(kind.description, "第 3 行第 5 列：表单 ledger 的类型“表格”无效（可用：tasks、rows、single、text）")
        XCTAssertEqual(Vocabulary.sheetKind.message(kind), "表单 ledger 的类型“表格”无效（可用：按任务逐行、多行明细、单行、文字材料）")
        // A finding without allowed values reads the same in both.
        let plain = PlanIssue(line: 1, column: 1, message: "计划文件是空的")
        XCTAssertEqual(Vocabulary.sheetKind.message(plain), "计划文件是空的")
        XCTAssertEqual(plain, PlanIssue(line: 1, column: 1, statement: "计划文件是空的", allowed: nil))
    }

    // MARK: Edited in LibreOffice

    /// A plan workbook changed with openpyxl and saved by LibreOffice (its own writer, its own
    /// shared strings, styles and date cells) reads back with the change and nothing else.
    func testWorkbookSavedByLibreOfficeReadsBack() throws {
        let plan = PlanLoader.defaultPlan()
        let dir = temporaryDirectory("planbook-lo")
        let source = dir.appendingPathComponent("计划.xlsx").path
        try PlanBook.write(plan, to: source)
        let edited = dir.appendingPathComponent("edited").path
        let script = dir.appendingPathComponent("edit.py")
        try """
            import sys, openpyxl, datetime
            wb = openpyxl.load_workbook(sys.argv[1])
            wb['基本信息']['B4'] = '修改后的计划名称'
            wb['单位'].append(['test_unit', '市测试局', '市直部门', '张三（副局长）'])
            wb['任务']['F3'] = wb['任务']['F3'].value + '、市测试局'
            wb['轮次']['E5'] = datetime.datetime(2021, 6, 20)
            wb.save(sys.argv[2])
            """.write(to: script, atomically: true, encoding: .utf8)
        let (s1, log1) = try runProcess(testPython, [script.path, source, edited + ".xlsx"])
        XCTAssertEqual(s1, 0, log1)
        let out = dir.appendingPathComponent("lo")
        let profile = temporaryDirectory("lo-profile")
        let (s2, log2) = try runProcess("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless",
                                                    "--convert-to", "xlsx", "--outdir", out.path, edited + ".xlsx"])
        XCTAssertEqual(s2, 0, log2)
        let saved = out.appendingPathComponent("edited.xlsx").path
        let back = try PlanFile.load(path: saved)
        var expected = plan
        expected.title = "修改后的计划名称"
        expected.units.append(ReportingUnit(id: "test_unit", name: "市测试局", kind: .department, members: [Member(role: nil, name: "张三", title: "副局长")]))
        var task = expected.tasks[1]
        task.responsible.append("test_unit")
        task.responsibleLabel += "、test_unit"
        expected.tasks[1] = task
        expected.rounds[3].due = Day(year: 2021, month: 6, day: 20)
        XCTAssertTrue(back == expected, "LibreOffice-saved workbook differs")
        XCTAssertEqual(PlanBook.yaml(back), PlanBook.yaml(expected))
    }
}
