import Foundation
import TestSupport
import XCTest

/// What an independent reader of the sample year's outputs found wrong, each read back from the
/// output it was found in (the 简报 md, the 汇总 and 回头看 workbooks, the 回头看简报, the 反馈,
/// the 工作提示): one resubmission decision per unit, the 整改清单's time limits and 逾期, units
/// that did not report or reported late, new completions counted once, counts that reconcile,
/// communities told apart by their names, no tool vocabulary for leaders. The sample year is
/// `FiguresAgreeTests.year` (merged in order, June issued on 17 June), reviewed again on 20
/// December as `make demo` does.
final class ReaderFindingsTests: XCTestCase {
    static var year: (dir: URL, june: URL, reviewMay: URL, reviewJune: URL) { FiguresAgreeTests.year }

    /// The review of the year made on 2021-12-20.
    static let reviewDecember: URL = {
        let out = year.dir.appendingPathComponent("out/review-december")
        let r = try! Binary.run(["review", "--year", "2021", "--out", out.path, "--archive",
                                 year.dir.appendingPathComponent("out/tianbao-archive.sqlite").path, "--date", "2021-12-20"])
        precondition(r.status == 0, r.stderr)
        return out
    }()

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    static var reviewText: String { text(reviewDecember.appendingPathComponent("回头看简报-2021.md")) }

    /// A sheet's rows as texts (openpyxl, cached values).
    func rows(_ path: URL, _ sheet: String) throws -> [[String]] { try sheetTexts(path, sheet) }

    /// The 整改清单 sheet of the December review, by row (序号 onwards).
    func rectification() throws -> [[String]] {
        try rows(Self.reviewDecember.appendingPathComponent("回头看-2021.xlsx"), "整改清单").filter { $0.count > 9 && Int($0[0]) != nil }
    }

    // MARK: 1. One resubmission decision per unit

    func testEveryOutputTellsTheSameUnitsToResubmitAndByWhen() throws {
        // 市公安局's extra liaison row: an error the 反馈 corrects, its row kept out: it resends.
        let feedback = try rows(Self.year.june.appendingPathComponent("反馈/市公安局-2021-06-反馈.xlsx"), "问题清单")
        let summary = feedback[1][0]
        XCTAssertFalse(summary.contains("无需重新报送"), summary)
        XCTAssertTrue(summary.contains("于 2021年6月22日前重新报送"), summary)
        let notes = Self.text(Self.year.june.appendingPathComponent("工作提示-2021-06.md"))
        XCTAssertTrue(notes.contains("其中须修改后重新报送的 9 份（市教育局、市公安局、市民政局、市财政局、市水务局、硚口区人民政府、武昌区人民政府、洪山区人民政府、黄陂区人民政府，重新报送截止2021年6月22日）"), notes)
        let md = FiguresAgreeTests.briefing
        XCTAssertTrue(md.contains("6 个单位报送的部分数据有误（市公安局、"), md)
        XCTAssertTrue(md.contains("已请其更正后于2021年6月22日前重新报送"), md)
        XCTAssertTrue(md.contains("已请其按要求于2021年6月22日前重新报送"), md)
        // The 整改清单 lists 市公安局 too.
        XCTAssertTrue(try rectification().contains { $0[1] == "报送材料有误" && $0[3] == "市公安局" })
    }

    // MARK: 2. Time limits from the round listed in; 逾期

    func testEachItemsTimeLimitIsItsRoundsAndAnOpenItemPastItIsOverdue() throws {
        let list = try rectification()
        // A June problem: June's resubmission deadline; open on 20 December: 逾期.
        let police = try XCTUnwrap(list.first { $0[1] == "报送材料有误" && $0[3] == "市公安局" })
        XCTAssertEqual([police[5], police[6], police[7]], ["2021年6月22日前（半年工作小结重新报送截止）", "逾期", "半年工作小结"])
        // An April problem closed in May: April's deadline, 已销号.
        let jianghan = try XCTUnwrap(list.first { $0[3] == "江汉区人民政府" && $0[7] == "4月工作调度" })
        XCTAssertEqual([jianghan[5], jianghan[6]], ["2021年4月30日前（4月工作调度重新报送截止）", "已销号"])
        // Only what is judged at the next round (a lagging task, a late report) takes its due date.
        XCTAssertEqual(Set(list.filter { $0[5].contains("7月25日") }.map(\.[1])), ["任务滞后", "迟报"])
        // The same item in the review made on 18 June (before 22 June) is not yet overdue.
        let june = try rows(Self.year.reviewJune.appendingPathComponent("回头看-2021.xlsx"), "整改清单")
        XCTAssertEqual(try XCTUnwrap(june.first { $0.count > 9 && $0[1] == "报送材料有误" && $0[3] == "市公安局" })[6], "未销号")
        // The briefing's 附件 says the same.
        XCTAssertTrue(Self.reviewText.contains("| 市公安局 | 按反馈表更正后重新报送 | 2021年6月22日前 | 逾期 |"), Self.reviewText)
    }

    // MARK: 3. Not reported, reported late

    func testUnitsThatDidNotReportOrReportedLateAreInTheList() throws {
        let list = try rectification()
        let missing = list.filter { $0[1] == "未报送" }.map { "\($0[3])|\($0[2])|\($0[6])" }
        XCTAssertTrue(missing.contains("市委政法委|半年工作小结未报送|逾期"), "\(missing)")
        XCTAssertTrue(missing.contains("市民政局|4月工作调度未报送|已销号"), "\(missing)")
        let late = list.filter { $0[1] == "迟报" }.map { "\($0[3])|\($0[2])" }
        XCTAssertEqual(late, ["新洲区人民政府|半年工作小结迟报（截止2021年6月15日）"])
    }

    // MARK: 4. New completions counted once; no 已已

    func testTheOverviewsNewCompletionsAreTheFirstOnes() throws {
        let overview = try rows(Self.year.june.appendingPathComponent("汇总-2021-06.xlsx"), "总览")
        let hanyang = try XCTUnwrap(overview.first { $0.first == "汉阳区人民政府" })
        XCTAssertEqual(hanyang[1], "4")
        XCTAssertFalse(hanyang[2].contains("五里墩幸福社区（"), hanyang[2])
        let table = try XCTUnwrap(overview.firstIndex { $0.first == "本期新增已完工的小区（按区）" })
        XCTAssertEqual(try XCTUnwrap(overview[table...].first { $0.first == "合计" })[1], "35")
        XCTAssertTrue(overview.contains { $0[0].hasPrefix("此前已报已完工、本期再次报已完工的小区 1 个，不计为新增：汉阳区人民政府五里墩幸福社区") })
        for round in ["2021-03", "2021-04", "2021-05", "2021-06"] {
            let md = Self.text(Self.year.dir.appendingPathComponent("out/\(round)/简报-\(round).md"))
            XCTAssertFalse(md.contains("已已"), round)
            XCTAssertFalse(md.contains("其中报已完工的 0 个"), round)
            XCTAssertFalse(overview.joined().contains("已已"))
        }
    }

    // MARK: 5, 7, 8. The ledger's course in the review

    func testTheReviewsLedgerFiguresReconcileAndTellCommunitiesApart() throws {
        let text = Self.reviewText
        // 纱帽钢花社区 and 纱帽钢花小区 are two communities.
        XCTAssertTrue(text.contains("年内台账共出现小区 150 个"), text)
        XCTAssertTrue(text.contains(ReaderFindingsTests.doneSentence), text)
        // A status that never changed is not listed as changed.
        let changes = try rows(Self.reviewDecember.appendingPathComponent("回头看-2021.xlsx"), "小区台账状态变化")
        for row in changes.dropFirst(3) where row.count > 8 && !row[0].isEmpty && !row[1].isEmpty {
            let statuses = Set(row[2...5].map { $0.replacingOccurrences(of: "（有误）", with: "") }.filter { $0 != "—" && !$0.isEmpty })
            XCTAssertGreaterThan(statuses.count, 1, "\(row)")
        }
    }

    /// 18 first listed as done + 52 turned done = 70; 3 of them by units out of June's count
    /// (洪山区, 蔡甸区): June's own 67, the figure the 简报 and 目标进度 give.
    static let doneSentence = "按各单位最近一次计入的台账，报已完工的 70 个：首次列入时即为已完工的 18 个，年内由其他状态转为已完工的 52 个；"
        + "其中 3 个为半年工作小结未计入的单位此前所报，半年工作小结计入的已完工 67 个。"

    // MARK: 6. Indicators judged at their own round

    func testIndicatorsAreJudgedAtTheRoundTheirValueComesFrom() throws {
        let text = Self.reviewText
        XCTAssertTrue(text.contains("年内 41 个单位报量化指标 82 项：半年工作小结 34 个单位报 68 项，其余 14 项（7 个单位半年工作小结未计入或未报）取此前最近一轮的数值"), text)
        // A May value is judged at May's due date (25 May: 145 of 365 days, 39.7 %).
        XCTAssertTrue(text.contains("| 5月工作调度 |"), text)
        let annex = text.components(separatedBy: "落后于时间进度的量化指标")[1]
        for line in annex.split(separator: "\n") where line.contains("| 5月工作调度 |") {
            XCTAssertTrue(line.hasSuffix("| 39.7% |"), String(line))
        }
    }

    // MARK: 9, 10. The regression stays open on contradictory dates; one item per problem; labels

    func testTheRegressionIsOneItemKeptOpenByContradictoryDates() throws {
        let list = try rectification()
        let hanyang = list.filter { $0[3] == "汉阳区人民政府" }
        XCTAssertEqual(hanyang.map(\.[1]), ["台账状态倒退"], "\(hanyang)")
        XCTAssertTrue(hanyang[0][2].contains("完工日期"), hanyang[0][2])
        XCTAssertEqual(hanyang[0][6], "逾期")
        // 江汉区's 球场化工社区 that 江岸区 also lists: a problem within the round, labelled so.
        let jianghan = list.filter { $0[3] == "江汉区人民政府" }.map(\.[1])
        XCTAssertTrue(jianghan.contains("与其他单位重复填报"), "\(jianghan)")
        XCTAssertTrue(Self.reviewText.contains("江汉区人民政府（与其他单位重复填报 1 次、小区从台账消失 1 次）"), Self.reviewText)
        // Dropping it in May resolves April's duplicate: the 反馈 does not ask it back, and the
        // 整改清单 has no item asking for it.
        let may = try rows(Self.year.dir.appendingPathComponent("out/2021-05/反馈/江汉区人民政府-2021-05-反馈.xlsx"), "问题清单")
        let vanished = try XCTUnwrap(may.first { $0.count > 5 && $0[5].contains("球场化工社区") })[5]
        XCTAssertEqual(vanished, "上期（2021-04）台账第 10 行的小区“球场化工社区”本期台账中没有了。该小区上期（2021-04）也由江岸区人民政府填报（“球场化工小区”），"
                       + "如确属该单位辖区，无需补填；否则请补填该小区并在“说明”中写明。")
        XCTAssertFalse(list.contains { $0[3] == "江汉区人民政府" && $0[2].contains("没有了") }, "\(list)")
    }

    // MARK: 11, 13, 14, 15, 18. Words for leaders

    func testLeadersReadNoToolVocabularyAndCountsOfWhatTheyAre() throws {
        let annex = Self.reviewText.components(separatedBy: "## 附件3")[1]
        for word in ["S4", "S5", "T5", "请核实", "。；", "A5：", "（2021-0"] { XCTAssertFalse(annex.contains(word), "“\(word)” in \(annex)") }
        XCTAssertTrue(annex.contains("任务 1.1 的“本期工作进展”与上期（4月工作调度）填报的内容完全相同，而任务尚未完成"), annex)
        let overview = try rows(Self.year.june.appendingPathComponent("汇总-2021-06.xlsx"), "总览")
        XCTAssertEqual(overview[1][0], "半年工作小结（2021年6月，截止 2021年6月15日）汇总")
        XCTAssertFalse(overview[2][0].contains("文件"), overview[2][0])
        XCTAssertEqual(try XCTUnwrap(overview.first { $0[0].hasPrefix("与上期比较") })[0], "与上期比较（环比；上期：5月工作调度）")
        let march = Self.text(Self.year.dir.appendingPathComponent("out/2021-03/简报-2021-03.md"))
        XCTAssertTrue(march.contains("# 市政协第十三届五次会议2号建议案办理工作方案备案及联络员报送情况"), march)
        XCTAssertTrue(march.contains("本期为首期，无上期数据可比。"), march)
        // Rows kept out named by what they say, not by the check's wording.
        XCTAssertTrue(FiguresAgreeTests.briefing.contains("另有 2 条填报有误、已请更正，未计入以上统计：市民政局任务 1.1 报“滞后”；硚口区人民政府任务 1.2 报“进行中”。"),
                      FiguresAgreeTests.briefing)
        // 3 communities with errors and 1 duplicate row, not "4 个小区".
        XCTAssertTrue(FiguresAgreeTests.briefing.contains("填报有误、待更正的 3 个小区及重复填报的 1 行（硚口区人民政府、武昌区人民政府、黄陂区人民政府"),
                      FiguresAgreeTests.briefing)
        // Problems raised only in the last round: nothing after it could show them again.
        XCTAssertTrue(Self.reviewText.contains("均为半年工作小结首次反映，此后尚无报送轮次可看是否解决。"), Self.reviewText)
        // 宣传信息: units whose file did not count told apart from units that sent too few.
        XCTAssertTrue(Self.reviewText.contains("其中报送了但篇数不足的 2 个：市税务局（6月）、市消防救援支队（6月）"), Self.reviewText)
        XCTAssertTrue(Self.reviewText.contains("该月报送未计入（未报送或被退回）的 8 个：市委政法委（6月未报送）"), Self.reviewText)
    }
}

extension ReaderFindingsTests {
    // MARK: 17. With shares: every unit behind named in 要情 while it fits page 1

    func testWithSharesTheKeyPointsNameEveryUnitBehindAndStayOnPageOne() throws {
        let dir = temporaryDirectory("shares-key-points")
        let plan = dir.appendingPathComponent("plan.yaml")
        let text = try String(contentsOf: FiguresAgreeTests.root.appendingPathComponent("plans/default.yaml"), encoding: .utf8)
        let anchor = "    equals: 已完工\n"
        try text.replacingOccurrences(of: anchor, with: anchor + "    shares: {jiangan: 25, jianghan: 20, qiaokou: 22, hanyang: 22, wuchang: 25, "
                                      + "qingshan: 15, hongshan: 30, lkg: 20, jkq: 15, caidian: 15, jiangxia: 20, huangpi: 20, xinzhou: 20, dhgx: 15, dhfjq: 16}\n")
            .write(to: plan, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out/2021-06")
        let r = try Binary.run(["merge", FiguresAgreeTests.root.appendingPathComponent("samples/submissions/2021-06").path, "--round", "2021-06",
                                "--out", out.path, "--key", FiguresAgreeTests.key, "--plan", plan.path,
                                "--archive", dir.appendingPathComponent("out/a.sqlite").path, "--date", "2021-06-17"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let md = Self.text(out.appendingPathComponent("简报-2021-06.md"))
        let first = try XCTUnwrap(md.split(separator: "\n").first { $0.hasPrefix("> 1. ") })
        XCTAssertTrue(first.hasSuffix("落后于分解目标时间进度的区 12 个：武昌区、江岸区、江汉区、江夏区、硚口区、武汉临空港经济技术开发区、新洲区、汉阳区、"
                                      + "武汉经济技术开发区、青山区、武汉东湖新技术开发区、黄陂区。"), String(first))
        // Rendered: the 要情 is on page 1, the 正文 starts page 2.
        try FileManager.default.copyItem(at: out.appendingPathComponent("简报-2021-06.docx"), to: dir.appendingPathComponent("b.docx"))
        let (status, output) = try runProcess("/usr/bin/env", ["sh", "-c", "cd '\(dir.path)' && libreoffice -env:UserInstallation=file://\(dir.path)/lo-profile --headless --convert-to pdf b.docx >/dev/null 2>&1 "
                                                                 + "&& pdftotext -f 1 -l 1 b.pdf - && echo '=====' && pdftotext -f 2 -l 2 b.pdf -"], timeout: 240)
        XCTAssertEqual(status, 0, output)
        let pages = output.components(separatedBy: "=====")
        XCTAssertTrue(pages[0].contains("4. 请关注"), pages[0])
        XCTAssertTrue(pages[1].trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("一、改造目标进度"), pages[1])
    }

    // MARK: 19. The 汇总's 宣传信息 shows its links and dates whole

    func testPublicityRowsAreTallEnoughForTheirLinksAndDatesFit() throws {
        let script = """
            import openpyxl, sys, json
            ws = openpyxl.load_workbook(sys.argv[1])['宣传信息']
            head = [c.value for c in ws[1]]
            link = head.index('链接或刊期') + 1
            rows = [[ws.cell(r, link).value, ws.row_dimensions[r].height] for r in range(2, ws.max_row + 1)
                    if str(ws.cell(r, link).value or '').startswith('https://')]
            print(json.dumps({'date': ws.column_dimensions['B'].width, 'rows': rows}))
            """
        let (status, output) = try runProcess(testPython, ["-c", script, Self.year.june.appendingPathComponent("汇总-2021-06.xlsx").path])
        XCTAssertEqual(status, 0, output)
        let found = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        XCTAssertGreaterThanOrEqual(found["date"] as! Double, 12, "yyyy-mm-dd needs 12 columns")
        let rows = found["rows"] as! [[Any]]
        XCTAssertFalse(rows.isEmpty)
        // `https://www.example.gov.cn/news/2021/146.html` breaks after its slashes: 4 lines at 11 pt.
        for row in rows { XCTAssertGreaterThanOrEqual(row[1] as? Double ?? 0, 62.6, "\(row)") }
    }
}
