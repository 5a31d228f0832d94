import Foundation
import TestSupport
import XCTest

/// The sample year as leaders read it: every figure the 简报, the 汇总 and the 回头看
/// print read back from each output and compared — time progress (166 of 365 days, 45.5 %), the
/// shortfall (136 − 67 = 69), the period comparison that reconciles (34 − 3 + 35 + 1 = 67, with
/// the units out of the count named), an error row's status as its cell says it (硚口区's
/// “进行中”), a community's whole course (汉阳区's 五里墩幸福社区 is completed again, not newly, and
/// its regression is in the review and its 整改清单, kept open while the completion dates disagree). Also: the 要情
/// fits the first A4 page, the office's notes are not in the briefing, no tool vocabulary reaches
/// leaders, and the .docx outputs are clean under the strict OOXML validator.
final class FiguresAgreeTests: XCTestCase {
    static let root = MergeEndToEndTests.root
    static let key = MergeEndToEndTests.key

    /// The sample year merged in order (issue date 17 June), reviewed after May and after June.
    static let year: (dir: URL, june: URL, reviewMay: URL, reviewJune: URL) = {
        let dir = temporaryDirectory("figures-agree")
        let archive = dir.appendingPathComponent("out/tianbao-archive.sqlite").path
        func merge(_ round: String) {
            let r = try! Binary.run(["merge", root.appendingPathComponent("samples/submissions/\(round)").path, "--round", round,
                                     "--out", dir.appendingPathComponent("out/\(round)").path, "--key", key, "--archive", archive,
                                     "--date", round == "2021-06" ? "2021-06-17" : "\(round)-28", "--quiet"])
            precondition(r.status <= 1, r.stderr)
        }
        func review(_ name: String, date: String) -> URL {
            let out = dir.appendingPathComponent("out/\(name)")
            let r = try! Binary.run(["review", "--year", "2021", "--out", out.path, "--archive", archive, "--date", date])
            precondition(r.status == 0, r.stderr)
            return out
        }
        for round in ["2021-03", "2021-04", "2021-05"] { merge(round) }
        let reviewMay = review("review-may", date: "2021-05-30")
        merge("2021-06")
        return (dir, dir.appendingPathComponent("out/2021-06"), reviewMay, review("review-june", date: "2021-06-18"))
    }()

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    static var briefing: String { text(year.june.appendingPathComponent("简报-2021-06.md")) }
    static var review: String { text(year.reviewJune.appendingPathComponent("回头看简报-2021.md")) }

    /// A sheet's rows as texts (openpyxl, cached values).
    func rows(_ path: URL, _ sheet: String) throws -> [[String]] { try sheetTexts(path, sheet) }

    func value(_ rows: [[String]], label: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try XCTUnwrap(rows.first { $0.first == label }, label, file: file, line: line)[1]
    }

    // MARK: Time progress and shortfall

    func testTimeProgressAndShortfallAreTheSameEverywhere() throws {
        let md = Self.briefing, review = Self.review
        // 要情 and 正文 of the 简报.
        XCTAssertTrue(md.contains("全市已完工小区 67 个，占年度目标 300 个的 22.3%；时间进度 45.5%，按时间进度应完成 136 个，尚差 69 个"), md)
        XCTAssertTrue(md.contains("时间进度按天计：2021年1月1日至6月15日（含当日）166 天，占全年 365 天的 45.5%"), md)
        XCTAssertFalse(md.contains("尚差 70"), md)
        // 汇总: 总览 and 进度趋势.
        let workbook = Self.year.june.appendingPathComponent("汇总-2021-06.xlsx")
        let overview = try rows(workbook, "总览")
        XCTAssertEqual(Double(try value(overview, label: "时间进度")) ?? 0, 166.0 / 365, accuracy: 1e-9)
        XCTAssertEqual(try value(overview, label: "按时间进度应完成"), "136")
        XCTAssertEqual(try value(overview, label: "尚差"), "69")
        let trend = try rows(workbook, "进度趋势")
        let june = try XCTUnwrap(trend.first { $0.first == "2021-06（本期）" })
        XCTAssertEqual(Double(june[3]) ?? 0, 166.0 / 365, accuracy: 1e-9)
        XCTAssertEqual([june[4], june[6], june[8]], ["67", "136", "落后于时间进度，尚差 69 个"])
        // 回头看: its briefing and its 目标完成 sheet.
        XCTAssertTrue(review.contains("时间进度 45.5%，按时间进度应完成 136 个，尚差 69 个"), review)
        XCTAssertFalse(review.contains("45.3%"), review)
        let targets = try rows(Self.year.reviewJune.appendingPathComponent("回头看-2021.xlsx"), "目标完成")
        let row = try XCTUnwrap(targets.first { $0.first?.hasPrefix("2021-06 ") ?? false })
        XCTAssertEqual(Double(row[5]) ?? 0, 166.0 / 365, accuracy: 1e-9)
        XCTAssertEqual([row[2], row[7], row[8]], ["67", "136", "69"])
    }

    // MARK: The period comparison reconciles

    func testThePeriodComparisonReconcilesAndNamesTheUnitsOutOfTheCount() throws {
        let md = Self.briefing
        let paragraph = "已完工小区由上期的 34 个变为本期的 67 个，净增 33 个：上期计入、本期未计入的洪山区人民政府（本期被退回）、"
            + "蔡甸区人民政府（本期未报送）上期已完工 3 个，不在本期数内；两期均计入的单位中，首次报已完工的小区 35 个（名单见附件3）；"
            + "此前已报已完工、本期再次报已完工的 1 个（汉阳区人民政府五里墩幸福社区，4月工作调度已报已完工，上期报“在建”有误未计入），不计为新增。"
            + "核算：34 − 3 + 35 + 1 = 67。"
        XCTAssertTrue(md.contains(paragraph), md)
        // The attachment lists the 35 first completions, 五里墩幸福社区 not among them.
        let annex = md.components(separatedBy: "## 附件3")[1].components(separatedBy: "\n---")[0]
        let listed = annex.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| 区 ") && !$0.hasPrefix("| ---") }
        XCTAssertEqual(listed.count, 35, annex)
        XCTAssertFalse(annex.contains("五里墩幸福社区 |"), annex)
        // 汇总's 总览 reconciles row by row, to the same figures.
        let overview = try rows(Self.year.june.appendingPathComponent("汇总-2021-06.xlsx"), "总览")
        func pair(_ label: String) throws -> [String] { Array(try XCTUnwrap(overview.first { $0.first == label }, label)[1...2]) }
        XCTAssertEqual(try pair("已完工小区（个）"), ["34", "67"])
        let terms = try ["  减：本期未计入单位的上期已完工", "  加：本期新计入单位的已完工", "  加：首次报已完工",
                         "  加：此前报过已完工、本期再次报已完工", "  减：上期已完工、本期不再计入"].map { Int(try pair($0)[1])! }
        XCTAssertEqual(terms, [3, 0, 35, 1, 0])
        XCTAssertEqual(34 - terms[0] + terms[1] + terms[2] + terms[3] - terms[4], 67)
    }

    // MARK: Pace against a unit's own share

    /// Where the plan splits the 300 among districts, each is judged against its share, in whole
    /// counts (the 简报, the 汇总's 进度趋势, the 回头看 and its 整改清单 alike); where it declares
    /// none for a unit, that unit is not judged, and the outputs say so.
    func testPaceIsJudgedAgainstEachUnitsShareWhereThePlanDeclaresOne() throws {
        let dir = temporaryDirectory("shares")
        let plan = dir.appendingPathComponent("plan.yaml").path
        let text = try String(contentsOf: Self.root.appendingPathComponent("plans/default.yaml"), encoding: .utf8)
        let anchor = "    equals: 已完工\n"
        XCTAssertTrue(text.contains(anchor))
        try text.replacingOccurrences(of: anchor, with: anchor + "    shares: {jiangan: 25, lkg: 11, qingshan: 11, hongshan: 30}\n")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out/2021-06"), archive = dir.appendingPathComponent("out/a.sqlite").path
        let r = try Binary.run(["merge", Self.root.appendingPathComponent("samples/submissions/2021-06").path, "--round", "2021-06",
                                "--out", out.path, "--key", Self.key, "--plan", plan, "--archive", archive, "--date", "2021-06-17"])
        XCTAssertEqual(r.status, 1, r.stderr)
        // 166 of 365 days: 江岸区 25 × 45.48 % → 11 expected, 4 done; 临空港 and 青山区 11 → 5 expected, 5 done
        // (on pace: 5/11 = 45.45 % prints as 45.5 %, and whole counts agree); 洪山区's file was returned.
        let md = Self.text(out.appendingPathComponent("简报-2021-06.md"))
        // The verdicts as a table, not a paragraph of names.
        XCTAssertTrue(md.contains("按各区分解目标计，落后于时间进度的 1 个，不慢于时间进度的 2 个，不作判断的 12 个（未分解目标或本期未计入），见下表。"), md)
        XCTAssertTrue(md.contains("| 区 | 分解目标（个） | 应完成 | 已完工 | 差 | 判断 |\n| --- | --- | --- | --- | --- | --- |\n"
                                  + "| 江岸区人民政府 | 25 | 11 | 4 | 7 | 落后于时间进度 |\n"
                                  + "| 武汉临空港经济技术开发区管委会（东西湖区人民政府） | 11 | 5 | 5 | — | 不慢于时间进度 |\n"
                                  + "| 青山区人民政府 | 11 | 5 | 5 | — | 不慢于时间进度 |\n"), md)
        XCTAssertTrue(md.contains("| 洪山区人民政府 | 30 | — | — | — | 本期未计入，不作判断 |"), md)
        XCTAssertTrue(md.contains("| 新洲区人民政府 | — | — | 5 | — | 未分解目标，不作判断 |"), md)
        // 附件1: each district's share, and the total row.
        XCTAssertTrue(md.contains("| 区 | 报送情况 | 分解目标 | 台账小区 | 已完工 | 在建 | 未开工 | 计划投资（万元） | 说明 |"), md)
        XCTAssertTrue(md.contains("| 江岸区人民政府 | 已报送 | 25 | 10 | 4 | 5 | 1 | 7,677.0 |  |"), md)
        XCTAssertTrue(md.contains("| 合计 | 计入 13 个 | 77 | 127 | 67 | 46 | 14 | 118,389.4 |  |"), md)
        XCTAssertTrue(md.contains("落后于分解目标时间进度的区 1 个：江岸区。"), md)
        let trend = try rows(out.appendingPathComponent("汇总-2021-06.xlsx"), "进度趋势")
        let header = try XCTUnwrap(trend.first { $0.first == "区" })
        XCTAssertEqual(Array(header[1...6]), ["2021-06（本期）", "本期所列小区", "分解目标", "按时间进度应完成", "尚差", "判断"])
        let jiangan = try XCTUnwrap(trend.first { $0.first == "江岸区人民政府" })
        XCTAssertEqual(Array(jiangan[1...6]), ["4", "10", "25", "11", "7", "落后于时间进度"])
        let lkg = try XCTUnwrap(trend.first { $0.first == "武汉临空港经济技术开发区管委会（东西湖区人民政府）" })
        XCTAssertEqual(Array(lkg[1...6]), ["5", "11", "11", "5", "0", "不慢于时间进度"])
        let jianghan = try XCTUnwrap(trend.first { $0.first == "江汉区人民政府" })
        XCTAssertEqual(Array(jianghan[3...6]), ["未分解", "—", "—", "未分解目标，不作判断"])
        // The review judges the same way, and puts 江岸区 on its 整改清单.
        let review = dir.appendingPathComponent("out/review")
        let rv = try Binary.run(["review", "--year", "2021", "--out", review.path, "--archive", archive, "--plan", plan, "--date", "2021-06-18"])
        XCTAssertEqual(rv.status, 0, rv.stderr)
        let targets = try rows(review.appendingPathComponent("回头看-2021.xlsx"), "目标完成")
        let unit = try XCTUnwrap(targets.first { $0.first == "江岸区人民政府" })
        XCTAssertEqual(Array(unit[1...5]), ["4", "25", "11", "7", "落后于时间进度"])
        let list = try rows(review.appendingPathComponent("回头看-2021.xlsx"), "整改清单")
        let item = try XCTUnwrap(list.first { $0.count > 6 && $0[1] == "低于分解目标进度" })
        XCTAssertEqual([item[2], item[3], item[6]],
                       ["完成老旧小区改造分解目标 25 个，至半年工作小结完成 4 个，按时间进度应完成 11 个，尚差 7 个", "江岸区人民政府", "未销号"])
        XCTAssertEqual(list.filter { $0.count > 6 && $0[1] == "低于分解目标进度" }.count, 1, "\(list)")
    }

    // MARK: Quoted values are the cell's own

    func testARowWithAnErrorIsQuotedAsItsCellSays() throws {
        let md = Self.briefing
        XCTAssertTrue(md.contains("硚口区人民政府任务 1.2 报“进行中”"), md)
        XCTAssertFalse(md.contains("未填"), md)
        XCTAssertTrue(md.contains("市民政局任务 1.1 报“滞后”"), md)
    }

    // MARK: A community's whole course

    func testARegressionIsInTheReviewAndStaysOpenWhileItsCompletionDatesDisagree() throws {
        let review = Self.review
        XCTAssertTrue(review.contains("状态倒退过的 1 个"), review)
        XCTAssertTrue(review.contains("汉阳区人民政府 五里墩幸福社区：已完工（4月工作调度） → 在建（5月工作调度，有误未计入） → 已完工（半年工作小结）"), review)
        XCTAssertFalse(review.contains("没有状态倒退"), review)
        // The 整改清单 after May holds the item open; after June too: June reports it completed
        // again, on another completion date (20 April, then 9 May), which contradicts April's.
        func item(_ folder: URL) throws -> [String] {
            let list = try rows(folder.appendingPathComponent("回头看-2021.xlsx"), "整改清单")
            return try XCTUnwrap(list.first { $0.count > 9 && $0[1] == "台账状态倒退" && $0[2].contains("五里墩幸福社区") }, "\(list)")
        }
        let may = try item(Self.year.reviewMay), june = try item(Self.year.reviewJune)
        XCTAssertEqual([may[3], may[6], may[7], may[9]], ["汉阳区人民政府", "未销号", "5月工作调度", ""])
        XCTAssertEqual(may[5], "2021年5月31日前（5月工作调度重新报送截止）")
        XCTAssertEqual([june[3], june[6], june[7], june[9]], ["汉阳区人民政府", "逾期", "5月工作调度", ""])
        XCTAssertTrue(june[2].hasSuffix("；半年工作小结再报“已完工”，但完工日期（2021年5月9日）与此前所报（2021年4月20日）不一致"), june[2])
        XCTAssertTrue(Self.text(Self.year.reviewJune.appendingPathComponent("回头看简报-2021.md"))
            .contains("| 小区台账中“五里墩幸福社区”4月工作调度报“已完工”，5月工作调度报“在建”（填报有误，未计入统计），状态倒退；"))
        // The 5月 row with the error is that item alone, not a second 报送材料有误 item.
        let list = try rows(Self.year.reviewJune.appendingPathComponent("回头看-2021.xlsx"), "整改清单")
        XCTAssertFalse(list.contains { $0.count > 9 && $0[1] == "报送材料有误" && $0[3] == "汉阳区人民政府" }, "\(list)")
    }

    // MARK: What leaders read

    func testTheBriefingSaysWhatWasLeftOutAndNothingOfTheTool() throws {
        let md = Self.briefing
        // Zero money sources named, not folded into a sum.
        XCTAssertTrue(md.contains("；省级、专项债、社会资本均为 0。社会资本、居民出资和专营单位出资合计 23,678.1 万元，占 20.0%（其中社会资本为 0）。"), md)
        // 宣传信息 totals, and the units that sent none named.
        XCTAssertTrue(md.contains("本期 32 个单位报送宣传信息 63 篇；没有报送宣传信息的单位 2 个：市税务局（声明本期无）、市消防救援支队（声明本期无）。"), md)
        // 量化指标 in the briefing.
        XCTAssertTrue(md.contains("## 四、量化指标") && md.contains("34 个单位报量化指标 68 项"), md)
        // 洪山区's rewritten task 1.3, in words.
        XCTAssertTrue(md.contains("洪山区人民政府（擅自改写了任务 1.3“搭建议事平台”的内容（改为“（已改为只做线上征集）”））"), md)
        // The issue date given, the masthead from the plan.
        XCTAssertTrue(md.hasPrefix("**老旧小区改造工作简报**\n\n第 4 期\n\n2号建议案办理工作领导小组办公室  2021年6月17日"), String(md.prefix(120)))
        // No tool vocabulary reaches leaders (the office's notes are their own file).
        for output in [md, Self.review] {
            for word in ["轮次 20", "通过校验", "读取数据", "其中 0 个", "按按时率", " 行，", "校验问题", "行有误", "该行有错误"] {
                XCTAssertFalse(output.contains(word), "“\(word)” in \(output)")
            }
        }
        let notes = Self.text(Self.year.june.appendingPathComponent("工作提示-2021-06.md"))
        XCTAssertTrue(notes.contains("读取数据 578 行，计入汇总 551 行，未计入 27 行"), notes)
        XCTAssertTrue(notes.contains("已接收文件中有误、未计入的行：市公安局 1 行、市民政局 1 行、市财政局 1 行、硚口区人民政府 2 行、武昌区人民政府 2 行、黄陂区人民政府 1 行"), notes)
        // The review: 量化指标 against their targets, and units wrong across rounds.
        XCTAssertTrue(Self.review.contains("## 五、量化指标"), Self.review)
        XCTAssertTrue(Self.review.contains("与此前各轮或其他单位对照发现问题的 3 个：市城乡建设局（文字照抄上期 1 次）、江汉区人民政府（与其他单位重复填报 1 次、小区从台账消失 1 次）、汉阳区人民政府（状态倒退 1 次）"), Self.review)
    }

    /// 要情 on page 1 of the rendered .docx, the 正文 from page 2 (LibreOffice → PDF).
    func testTheKeyPointsFitTheFirstA4Page() throws {
        let dir = temporaryDirectory("key-points")
        let copy = dir.appendingPathComponent("briefing.docx")
        try FileManager.default.copyItem(at: Self.year.june.appendingPathComponent("简报-2021-06.docx"), to: copy)
        let (status, log) = try runCommand("soffice", ["--headless", "-env:UserInstallation=file://\(dir.path)/lo",
                                                        "--convert-to", "pdf", "--outdir", dir.path, copy.path])
        XCTAssertEqual(status, 0, log)
        let pdf = dir.appendingPathComponent("briefing.pdf").path
        func page(_ n: Int) throws -> String {
            try runCommand("pdftotext", ["-f", "\(n)", "-l", "\(n)", pdf, "-"]).1
                .replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
        }
        let one = try page(1), two = try page(2)
        XCTAssertTrue(one.contains("本期要情") && one.contains("1.全市已完工小区67个"), one)
        // The last point's end is on page 1, and the 正文 begins page 2.
        XCTAssertTrue(one.contains("新出现滞后事项的单位10个。"), one)
        XCTAssertFalse(one.contains("一、改造目标进度"), one)
        XCTAssertTrue(two.hasPrefix("一、改造目标进度"), two)
    }

    /// The 简报 and 回头看简报 .docx pass the strict OOXML validator (no ERROR, no WARN).
    func testTheDocxOutputsAreCleanUnderTheStrictValidator() throws {
        let validator = ProcessInfo.processInfo.environment["TIANBAO_OOXML_VALIDATOR"]
            ?? Self.root.appendingPathComponent("../shared/tools/ooxml/validate.sh").standardized.path
        guard FileManager.default.isExecutableFile(atPath: validator) else {
            throw XCTSkip("the OOXML validator is not at \(validator) (set TIANBAO_OOXML_VALIDATOR)")
        }
        let files = [Self.year.june.appendingPathComponent("简报-2021-06.docx").path,
                     Self.year.reviewJune.appendingPathComponent("回头看简报-2021.docx").path]
        let (status, output) = try runProcess("OOXML_PY=\(testPython)", [validator] + files, timeout: 600)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output.components(separatedBy: "PASS (no errors)").count - 1, 2, output)
        XCTAssertFalse(output.contains("WARN") || output.contains("ERROR"), output)
    }
}
