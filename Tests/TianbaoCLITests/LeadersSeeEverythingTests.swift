import Foundation
import TestSupport
import XCTest

/// The sample round as leaders and the office read it: nothing is left out without saying so, the briefing is a
/// 工作简报 (also as .docx), the workbook prints and filters cleanly. Every assertion reads
/// back what `tianbao merge` wrote (openpyxl, the sheet XML, LibreOffice).
final class LeadersSeeEverythingTests: XCTestCase {
    static var out: URL { MergeEndToEndTests.merged.2 }
    static var workbook: String { out.appendingPathComponent("汇总-2021-06.xlsx").path }
    static var markdown: String { try! String(contentsOf: out.appendingPathComponent("简报-2021-06.md"), encoding: .utf8) }

    /// Chinese typography for expected texts: ASCII , : ; ( ) become full-width (the texts
    /// given to it have no numbers with separators).
    func zh(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case ",": out += "\u{FF0C}"
            case ":": out += "\u{FF1A}"
            case ";": out += "\u{FF1B}"
            case "(": out += "\u{FF08}"
            case ")": out += "\u{FF09}"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Runs a Python script with openpyxl on the consolidated workbook; returns its JSON output.
    func python(_ script: String, _ path: String = workbook) throws -> Any {
        let text = try runPython("import json, sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n" + script, [path])
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    // MARK: 1. Nothing left out without saying so

    /// The 总览's reporting rows are coloured by the state they count (迟报 yellow, 被退回
    /// orange, 未报送 red) when the count is not zero, the other rows not at all; a district
    /// without a count in 小区台账 has its state's colour.
    func testTheOverviewColoursEachReportingRowByItsState() throws {
        let rows = try python("""
            def fill(c): return c.fill.fgColor.rgb[-6:] if c.fill.fill_type == 'solid' else None
            ws = wb['总览']
            out = [[ws.cell(r, 1).value, ws.cell(r, 2).value, fill(ws.cell(r, 1)), fill(ws.cell(r, 2)), fill(ws.cell(r, 3))]
                   for r in range(7, 15)]
            led = wb['小区台账']
            out += [[row[0].value, None, fill(row[1]), None, None] for row in led.iter_rows()
                    if row[0].value in ('洪山区人民政府', '蔡甸区人民政府') and row[1].value in ('被退回', '未报送')]
            print(json.dumps(out, ensure_ascii=False))
            """) as! [[Any?]]
        let expected: [String: String?] = [
            "应报单位": nil, zh("已报送(通过)"): nil, "  其中按时": nil, "  其中迟报": "FFEB9C", "被退回": "F8CBAD", "未报送": "FFC7CE",
            "有表声明本期无": nil, "洪山区人民政府": "F8CBAD", "蔡甸区人民政府": "FFC7CE",
        ]
        var seen: Set<String> = []
        for row in rows {
            guard let label = row[0] as? String, let want = expected[label] else { continue }
            seen.insert(label)
            let n = row[1] as? Double ?? 1
            let fills = row[1] is NSNull ? [row[2] as? String] : [row[2] as? String, row[3] as? String, row[4] as? String]
            XCTAssertEqual(fills, Array(repeating: n > 0 ? want : nil, count: fills.count), "\(label): \(row)")
        }
        XCTAssertEqual(seen, Set(expected.keys), "\(rows)")
    }

    func testLedgerTotalsListEveryDistrictWithWhatTheyLeaveOut() throws {
        let rows = try python("""
            ws = wb['小区台账']
            head = [c.value for c in ws[1]]
            check = head.index('校验结果')
            out, on = [], False
            for row in ws.iter_rows(values_only=True):
                if on: out.append([row[0], row[check]])
                if row[0] and str(row[0]).startswith('各单位小计'): on = True
            print(json.dumps(out, ensure_ascii=False))
            """) as! [[Any?]]
        let names = rows.map { $0[0] as? String ?? "" }
        XCTAssertEqual(names.count, 16, "15 districts and 合计: \(names)")
        XCTAssertEqual(names.last, "合计")
        XCTAssertTrue(names.contains("洪山区人民政府") && names.contains("蔡甸区人民政府"), "\(names)")
        let hongshan = rows.first { $0[0] as? String == "洪山区人民政府" }![1] as? String ?? ""
        XCTAssertEqual(hongshan, zh("文件被退回,未计入(文件中报 12 个小区、已完工 6 个、计划投资 10,926.1 万元)")
            .replacingOccurrences(of: "10\u{FF0C}926", with: "10,926"))
        XCTAssertEqual(rows.first { $0[0] as? String == "蔡甸区人民政府" }![1] as? String, zh("未报送,无台账数据"))
        let total = rows.last![1] as? String ?? ""
        XCTAssertTrue(total.contains("被退回的洪山区人民政府") && total.contains("未报送的蔡甸区人民政府") && total.contains("有误的台账行 4 行"), total)
        // The briefing's district table (its 附件1) has the same 15 units, then its 合计.
        let annex = Self.markdown.components(separatedBy: "## 附件1")[1].components(separatedBy: "\n---")[0]
        let table = annex.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| 区 ") && !$0.hasPrefix("| ---") }
        XCTAssertEqual(table.count, 16, table.joined(separator: "\n"))
        XCTAssertEqual(table.last, "| 合计 | 计入 13 个 | 127 | 67 | 46 | 14 | 118,389.4 |  |")
        XCTAssertTrue(table.contains { $0.contains("洪山区人民政府 | 被退回") }, "\(table)")
        XCTAssertTrue(table.contains { $0.contains("蔡甸区人民政府 | 未报送") }, "\(table)")
    }

    func testHeadlineFiguresSayWhatTheyExclude() throws {
        let md = Self.markdown
        XCTAssertTrue(md.contains(zh("各区台账共列小区 127 个:已完工 67 个、在建 46 个、未开工 14 个")), md)
        XCTAssertTrue(md.contains(zh("以上数字不含被退回的洪山区人民政府(文件中报 12 个小区、已完工 6 个)、未报送的蔡甸区人民政府、"
                                     + "填报有误、待更正的 3 个小区及重复填报的 1 行(硚口区人民政府、武昌区人民政府、黄陂区人民政府,其中报已完工的 2 个)")), md)
        let notes = try python("""
            ws = wb['总览']
            print(json.dumps([c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and ('不含' in c.value or '相差' in c.value)], ensure_ascii=False))
            """) as! [String]
        XCTAssertTrue(notes.contains { $0.hasPrefix("以上台账数不含被退回的洪山区人民政府") }, "\(notes)")
        // 计划投资合计 118,389.4 vs 各来源合计 118,439.4: the difference and the row that makes it.
        XCTAssertTrue(notes.contains { $0.contains("相差 50.0 万元") && $0.contains("杨园光明宿舍区") && $0.contains("台账第 6 行") }, "\(notes)")
        XCTAssertTrue(md.contains("相差 50.0 万元"))
    }

    func testRowWithAnErrorIsShownMarkedAndCountedApart() throws {
        let found = try python("""
            ws = wb['任务矩阵']
            head = [c.value for c in ws[1]]
            j = head.index('民政局')
            cell = [r[j] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] and str(r[0]).startswith('1.1 ')][0]
            p = wb['任务进展']
            ph = [c.value for c in p[1]]
            rows = [r for r in p.iter_rows(min_row=2, values_only=True) if r[0] == '市民政局' and r[ph.index('任务编号')] == '1.1']
            print(json.dumps([cell, rows[0][ph.index('进展状态')], rows[0][ph.index('校验结果')]], ensure_ascii=False))
            """) as! [String]
        XCTAssertEqual(found[0], "滞后\n有误")
        XCTAssertEqual(found[1], "滞后", "shown as reported")
        XCTAssertTrue(found[2].hasPrefix(zh("有误:")) && found[2].contains("滞后"), found[2])
        let md = Self.markdown
        XCTAssertTrue(md.contains(zh("滞后 12 条。另有 2 条填报有误、已请更正,未计入以上统计:市民政局任务 1.1 报“滞后”")), md)
        XCTAssertTrue(md.contains(zh("市民政局(任务 1.1),该条有误未计入")), md)
    }

    func testEverySheetFollowsOneRuleForRowsWithErrors() throws {
        let rows = try python("""
            ws = wb['联络员']
            head = [c.value for c in ws[1]]
            print(json.dumps([[r[0], r[head.index('手机')], r[head.index('校验结果')]] for r in ws.iter_rows(min_row=2, values_only=True)
                              if r[0] in ('市公安局', '市财政局')], ensure_ascii=False))
            """) as! [[String]]
        XCTAssertEqual(rows.count, 3, "\(rows)")
        XCTAssertEqual(rows.filter { $0[0] == "市公安局" }.map { $0[2] == "通过" }, [true, false], "the second liaison is marked")
        let finance = rows.first { $0[0] == "市财政局" }!
        XCTAssertEqual(finance[1], "1387123456", "the 10-digit mobile is shown as written")
        XCTAssertTrue(finance[2].contains("11 位手机号码"), finance[2])
        let t = MergeEndToEndTests.report["totals"] as! [String: Int]
        XCTAssertEqual(t["rows_read"]!, t["rows_merged"]! + t["rows_rejected"]!)
    }

    /// The 正文 cuts no list (only 要情 may shorten one, with its number); the same words from
    /// many units are said once, with how many gave them.
    func testBriefingCutsNoListAndGroupsTheSameWords() {
        let md = Self.markdown
        let body = md.components(separatedBy: "## 一、")[1]
        XCTAssertFalse(body.contains("等 "), "no list of the 正文 ends in 等 N 个")
        XCTAssertTrue(body.contains(zh("34 个单位反映问题 34 条,归并为 4 类:")), md)
        XCTAssertTrue(body.contains(zh("> —— 市经济和信息化局、市公安局、市财政局、市文化和旅游局、市国资委、市住房保障房管局、市市场监管局、市园林和林业局、"
                                       + "武汉东湖新技术开发区管委会、市东湖生态旅游风景区管委会、江岸区人民政府(11 个单位)")), md)
        // 34 practices that differ only by the unit's own name: one statement, not 34 paragraphs.
        XCTAssertTrue(body.contains(zh("34 个单位报送了工作小结。各单位均报告:“高度重视2号建议案办理工作,成立工作专班,")), md)
        XCTAssertEqual(md.components(separatedBy: "高度重视").count - 1, 1, md)
    }

    // MARK: 2. A briefing an office can send

    func testBriefingHasTheFormOfAWorkBriefing() {
        let md = Self.markdown
        XCTAssertTrue(md.hasPrefix("**老旧小区改造工作简报**\n\n第 4 期\n\n2号建议案办理工作领导小组办公室  2021年6月17日"), String(md.prefix(200)))
        XCTAssertTrue(md.contains("报送\u{FF1A}市人民政府张文彤副市长、"), md)
        XCTAssertTrue(md.contains("抄送\u{FF1A}领导小组各成员单位"), md)
        XCTAssertFalse(md.contains("已发回"))
        XCTAssertTrue(md.contains("118,389.4 万元") && md.contains("2,175 个"), "amounts in 万元 with separators")
        // The office's own notes are not the leaders' briefing: they are 工作提示.
        let notes = try! String(contentsOf: Self.out.appendingPathComponent("工作提示-2021-06.md"), encoding: .utf8)
        XCTAssertTrue(notes.contains(zh("已生成反馈表 12 份(反馈/ 文件夹),请发回各单位")), notes)
        // One of the 7 warnings is the planted 宣传信息 item dated after its file was saved (江岸区).
        XCTAssertTrue(notes.contains(zh("汇总表“校验问题”逐条列出全部 18 个问题(错误 11 个、提示 7 个)")), notes)
        XCTAssertFalse(md.contains("校验问题"), md)
        // No ASCII punctuation next to Chinese text.
        let bad = md.range(of: "[\\p{Han}][,:;()]|[,:;()][\\p{Han}]", options: .regularExpression)
        XCTAssertNil(bad, bad.map { String(md[$0]) } ?? "")
    }

    func testDocxOpensInLibreOfficeWithItsSections() throws {
        let docx = Self.out.appendingPathComponent("简报-2021-06.docx")
        let dir = temporaryDirectory("docx")
        let copy = dir.appendingPathComponent("briefing.docx")
        try FileManager.default.copyItem(at: docx, to: copy)
        let (status, log) = try runCommand("soffice", ["--headless", "-env:UserInstallation=file://\(dir.path)/lo",
                                                        "--convert-to", "pdf", "--outdir", dir.path, copy.path])
        XCTAssertEqual(status, 0, log)
        let pdf = dir.appendingPathComponent("briefing.pdf").path
        let (_, info) = try runCommand("pdfinfo", [pdf])
        XCTAssertTrue(info.contains("595.3") && info.contains("841.89"), "A4: \(info)")
        let (_, text) = try runCommand("pdftotext", [pdf, "-"])
        let flat = text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
        for expected in ["老旧小区改造工作简报", "第4期", "2号建议案办理工作领导小组办公室", "2021年6月17日", "本期要情",
                         "一、改造目标进度", "二、任务推进情况", "三、与上期比较", "四、量化指标", "五、宣传信息报送", "六、各单位反映的主要问题",
                         "八、报送情况", "九、下步工作建议", "附件1", zh("被退回的洪山区人民政府(文件中报12个小区"), "报送\u{FF1A}", "抄送\u{FF1A}",
                         "—1—", "—2—"] {
            XCTAssertTrue(flat.contains(expected), "\(expected) in \(flat.prefix(400))")
        }
        // The package is deterministic: fixed dates, no extra fields.
        let (_, zipinfo) = try runCommand("zipinfo", ["-v", docx.path])
        XCTAssertFalse(zipinfo.contains("length of extra field:                          2"), zipinfo)
        XCTAssertTrue(zipinfo.contains("1980 Jan 1 00:00:00"))
    }

    func testWarningsOnlyFeedbackAsksForNoResubmission() throws {
        for unit in ["市税务局", "市消防救援支队"] {
            let path = Self.out.appendingPathComponent("反馈/\(unit)-2021-06-反馈.xlsx").path
            let texts = try python("print(json.dumps([c.value for r in wb.worksheets[0].iter_rows(max_row=4) for c in r if isinstance(c.value, str)], ensure_ascii=False))", path) as! [String]
            let summary = texts.first { $0.contains("文件已接收") } ?? ""
            XCTAssertTrue(summary.contains("无需重新报送"), "\(unit): \(summary)")
            XCTAssertFalse(summary.contains("修改后将本文件"), summary)
        }
    }

    // MARK: 3. A workbook a clerk can print, filter and trust

    func testNumberFormatsRowHeightsAndPrintSettings() throws {
        let found = try python("""
            ws = wb['小区台账']
            head = [c.value for c in ws[1]]
            built = ws.cell(row=2, column=head.index('建成年份') + 1)
            invest = ws.cell(row=2, column=head.index('计划投资（万元）') + 1)
            p = wb['任务进展']
            heights = [p.row_dimensions[r].height or 0 for r in range(2, 12)]
            out = {'built': built.number_format, 'invest': invest.number_format, 'filter': ws.auto_filter.ref,
                   'heights': heights}
            for name in ['小区台账', '任务矩阵', '任务进展']:
                s = wb[name]
                fit = bool(s.sheet_properties.pageSetUpPr and s.sheet_properties.pageSetUpPr.fitToPage)
                out[name] = [s.page_setup.scale, s.page_setup.orientation, s.oddHeader.center.text, s.oddFooter.center.text,
                             s.print_title_rows, s.print_title_cols, fit, s.page_setup.fitToWidth]
            print(json.dumps(out, ensure_ascii=False))
            """) as! [String: Any]
        XCTAssertEqual(found["built"] as? String, "0", "建成年份 prints 1999, not 1,999")
        XCTAssertEqual(found["invest"] as? String, "General", "80 prints 80, not 80.")
        XCTAssertEqual(found["filter"] as? String, "A1:AC132", "the filter covers the data rows only, not the subtotals")
        XCTAssertTrue((found["heights"] as! [Double]).allSatisfy { $0 > 15 }, "wrapped 任务进展 texts get taller rows: \(found["heights"]!)")
        for name in ["小区台账", "任务矩阵", "任务进展"] {
            let p = found[name] as! [Any?]
            // Fitted one page wide where the text stays at 65 % or more, else at 65 % over pages across.
            if p[6] as? Bool == true {
                XCTAssertEqual(p[7] as? Int ?? 1, 1, "\(name) fits one page wide (1 is the default, left out)")
            } else {
                XCTAssertEqual(p[0] as? Int, 65, "\(name) prints at a readable size")
            }
            XCTAssertEqual(p[1] as? String, "landscape")
            XCTAssertEqual(p[2] as? String, "&A")
            XCTAssertEqual(p[3] as? String, "第 &P 页\u{FF0C}共 &N 页")
            XCTAssertNotNil(p[4] as? String, "\(name) repeats its header row")
        }
        XCTAssertNotNil((found["任务矩阵"] as! [Any?])[5] as? String, "the matrix repeats its task columns")
        XCTAssertEqual((found["小区台账"] as! [Any?])[5] as? String, "$A:$B", "the ledger repeats its unit and item columns")
        XCTAssertEqual((found["任务进展"] as! [Any?])[6] as? Bool, true, "任务进展 fits one page wide")
    }

    func testProblemsNameRulesInChineseAndLinkToCells() throws {
        let found = try python("""
            ws = wb['校验问题']
            rules = sorted(set(r[6] for r in ws.iter_rows(min_row=2, values_only=True) if r[6]))
            links = [ws.cell(row=r, column=6).hyperlink.target for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=6).hyperlink]
            print(json.dumps({'rules': rules, 'links': links}, ensure_ascii=False))
            """) as! [String: [String]]
        let rules = found["rules"]!
        XCTAssertFalse(rules.contains { $0.range(of: "^[a-z-]+$", options: .regularExpression) != nil }, "\(rules)")
        XCTAssertTrue(rules.contains("只能填 1 行") && rules.contains("关联填写要求"), "\(rules)")
        XCTAssertTrue(found["links"]!.contains { $0.hasSuffix("市民政局-2021-06.xlsx") }, "\(found["links"]!)")
    }

    func testSavedTimeIsADateTimeAndNoneForXls() throws {
        let found = try python("""
            ws = wb['报送情况']
            out = {r[1]: [str(type(r[5]).__name__), r[14]] for r in ws.iter_rows(min_row=2, values_only=True)}
            print(json.dumps({k: out[k] for k in ['江岸区人民政府', '市水务局']}, ensure_ascii=False))
            """) as! [String: [Any]]
        XCTAssertEqual(found["江岸区人民政府"]?[0] as? String, "datetime")
        XCTAssertEqual(found["市水务局"]?[0] as? String, "str")
        XCTAssertTrue((found["市水务局"]?[1] as? String)?.contains(".xls 文件不记录保存时间") ?? false, "\(found)")
    }
}

extension LeadersSeeEverythingTests {
    func testPublicityMonthsAreJudgedByTheirOwnRoundAndEveryUnitIsListed() throws {
        let found = try python("""
            ws = wb['宣传信息']
            on, head, rows = False, None, {}
            for r in ws.iter_rows():
                v = [c.value for c in r]
                if v[0] and str(v[0]).startswith('各单位每月'): on = True
                elif on and v[0] == '单位': head = v
                elif on and head and v[0]:
                    rows[v[0]] = [[c.value, c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None] for c in r[1:len(head)]]
            print(json.dumps({'head': head, 'rows': rows}, ensure_ascii=False))
            """) as! [String: Any]
        let head = found["head"] as! [Any]
        XCTAssertEqual(head.compactMap { $0 as? String }, ["单位", "2021年5月\u{FF08}参考\u{FF09}", "2021年6月", "合计"])
        let rows = found["rows"] as! [String: [[Any]]]
        XCTAssertEqual(rows.count, 41, "every unit")
        let redMay = rows.values.filter { ($0[0][1] as? String)?.hasSuffix("FFC7CE") ?? false && $0[0][0] as? Int == 0 }
        XCTAssertEqual(redMay.count, 0, "May is judged by May's round, not June's files")
        XCTAssertEqual(rows["蔡甸区人民政府"]?[1][0] as? String, "未报送")
        XCTAssertEqual(rows["洪山区人民政府"]?[1][0] as? String, "被退回")
        let matrixHead = (try python("print(json.dumps([c.value for c in wb['任务矩阵'][1]], ensure_ascii=False))") as! [Any]).compactMap { $0 as? String }
        XCTAssertTrue(matrixHead.contains("蔡甸区\n\u{FF08}未报送\u{FF09}"), "\(matrixHead)")
    }
}
