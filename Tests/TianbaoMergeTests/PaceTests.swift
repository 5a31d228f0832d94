import TianbaoMerge
import TianbaoOutputs
@testable import TianbaoPlan
import TianbaoRound
import XCTest

/// Time progress and pace, the one source the 简报, the 汇总 and the 回头看 print from.
final class PaceTests: XCTestCase {
    let year = TimeProgress(target: nil, year: 2021)

    func testDaysAreCountedWithBothEnds() {
        XCTAssertEqual(year.days(at: Day(year: 2021, month: 6, day: 15)).passed, 166)
        XCTAssertEqual(year.days(at: Day(year: 2021, month: 6, day: 15)).total, 365)
        XCTAssertEqual(year.share(at: Day(year: 2021, month: 1, day: 1)), 1.0 / 365, accuracy: 1e-12)
        XCTAssertEqual(year.share(at: Day(year: 2021, month: 12, day: 31)), 1)
        XCTAssertEqual(year.share(at: Day(year: 2020, month: 12, day: 31)), 0, "before the period")
        XCTAssertEqual(year.share(at: Day(year: 2022, month: 3, day: 1)), 1, "after it")
        // A leap year: 29 February counts.
        let leap = TimeProgress(target: nil, year: 2024)
        XCTAssertEqual(leap.days(at: Day(year: 2024, month: 5, day: 28)).passed, 149)
        XCTAssertEqual(leap.days(at: Day(year: 2024, month: 5, day: 28)).total, 366)
        XCTAssertEqual(year.explained(at: Day(year: 2021, month: 6, day: 15)),
                       "时间进度按天计：2021年1月1日至6月15日（含当日）166 天，占全年 365 天的 45.5%")
    }

    func testATargetsPeriodEndsAtItsDate() {
        let t = Target(id: "t", name: "完成改造", value: 300, unit: "个", due: Day(year: 2021, month: 10, day: 31),
                       sheet: "ledger", field: "status", equals: "已完工")
        let p = TimeProgress(target: t, year: 2021)
        XCTAssertEqual(p.days(at: Day(year: 2021, month: 6, day: 15)).total, 304)
        XCTAssertTrue(p.explained(at: Day(year: 2021, month: 6, day: 15)).contains("占2021年1月1日至2021年10月31日 304 天的"))
    }

    func testExpectedShortfallAndVerdictAgreeWithTheFiguresPrinted() {
        let time = year.share(at: Day(year: 2021, month: 6, day: 15))
        let city = Pace(target: 300, done: 67, timeShare: time)
        XCTAssertEqual(city.expected, 136)
        XCTAssertEqual(city.shortfall, 69, "136 − 67, not the rounding of 136.4 − 67")
        XCTAssertTrue(city.behind)
        XCTAssertEqual(city.verdict, "落后于时间进度")
        XCTAssertEqual(Pace.percent(time), "45.5%")
        XCTAssertEqual(Pace.percent(city.doneShare), "22.3%")
        // 5 of 11 (45.45 %) at 45.48 %: 5 expected, 5 done — on pace, as the whole counts say.
        let unit = Pace(target: 11, done: 5, timeShare: time)
        XCTAssertEqual(unit.expected, 5)
        XCTAssertFalse(unit.behind)
        XCTAssertEqual(unit.shortfall, 0)
        XCTAssertFalse(Pace.behind(doneShare: 5.0 / 11, timeShare: time), "45.5% is not behind 45.5%")
        XCTAssertTrue(Pace.behind(doneShare: 0.454, timeShare: time))
        // Halves round up; past half the time the verdict says whether half the work is done.
        XCTAssertEqual(Pace(target: 5, done: 0, timeShare: 0.5).expected, 3)
        XCTAssertEqual(Pace(target: 10, done: 5, timeShare: 0.5).verdict, "不慢于时间进度（时间过半、任务过半）")
        XCTAssertEqual(Pace(target: 10, done: 4, timeShare: 0.55).verdict, "落后于时间进度（时间过半、任务未过半）")
    }
}
