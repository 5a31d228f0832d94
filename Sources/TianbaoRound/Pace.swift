import Foundation
import TianbaoPlan

/// The share of a target's period that has passed on a day: the one place time progress is
/// computed, so the 简报, the 汇总 and the 回头看 print the same figure.
///
/// Days are counted with both ends included: on 15 June 2021, 1 January to 15 June is 166
/// days of the year's 365, so time progress is 166 ÷ 365 = 45.48 %, shown as 45.5 %.
public struct TimeProgress: Sendable, Equatable {
    /// The period's first and last day.
    public let start: Day, end: Day

    public init(start: Day, end: Day) {
        self.start = start
        self.end = end
    }

    /// The period of a target: 1 January of its due date's year to its due date. Without a
    /// target, the calendar year `year`.
    public init(target: Target?, year: Int) {
        let y = target?.due.year ?? year
        self.init(start: Day(year: y, month: 1, day: 1), end: target?.due ?? Day(year: y, month: 12, day: 31))
    }

    /// Days passed on `day` (from `start`, both counted; 0 before it, never more than the
    /// period) and the period's days.
    public func days(at day: Day) -> (passed: Int, total: Int) {
        let total = Int(end.unixDays - start.unixDays + 1)
        let passed = Int(day.unixDays - start.unixDays + 1)
        return (min(max(passed, 0), max(total, 0)), max(total, 0))
    }

    /// The share of the period passed on `day`, between 0 and 1 (1 for an empty period).
    public func share(at day: Day) -> Double {
        let d = days(at: day)
        return d.total > 0 ? Double(d.passed) / Double(d.total) : 1
    }

    /// How the figure is computed, in words, for the notes under a table or in a briefing:
    /// `时间进度按天计：2021年1月1日至6月15日（含当日）166 天，占全年 365 天的 45.5%`.
    public func explained(at day: Day) -> String {
        let d = days(at: day)
        let whole = start.month == 1 && start.day == 1 && end.month == 12 && end.day == 31 && start.year == end.year
            ? "全年" : "\(start.chinese)至\(end.chinese)"
        let to = day.year == start.year ? "\(day.month)月\(day.day)日" : day.chinese
        return "时间进度按天计：\(start.chinese)至\(to)（含当日）\(d.passed) 天，占\(whole) \(d.total) 天的 \(Pace.percent(share(at: day)))"
    }
}

/// A count done against a target at a point in its period: the one place the expected count,
/// the shortfall and the judgement against time are computed.
///
/// - expected by now: target × time progress, rounded to a whole count (halves up):
///   300 × 166 ÷ 365 = 136.4 → 136;
/// - shortfall: expected − done when positive (136 − 67 = 69);
/// - behind time: done below expected. Whole counts are compared, so the judgement never
///   contradicts the printed figures (a unit with 5 of 11 done at 45.5 % is not "on pace"
///   because 45.45 % rounds like 45.48 %).
public struct Pace: Sendable, Equatable {
    /// The target (a plan's target or a unit's share of it).
    public var target: Double
    public var done: Int
    /// Time progress, 0…1 (`TimeProgress.share(at:)`).
    public var timeShare: Double

    public init(target: Double, done: Int, timeShare: Double) {
        self.target = target
        self.done = done
        self.timeShare = timeShare
    }

    /// The count expected by now, rounded to a whole count.
    public var expected: Int { Int((target * timeShare).rounded(.toNearestOrAwayFromZero)) }
    /// How many short of the expected count (0 when not behind).
    public var shortfall: Int { max(0, expected - done) }
    public var behind: Bool { done < expected }
    /// Done against the target, 0…; 0 for a zero target.
    public var doneShare: Double { target > 0 ? Double(done) / target : 0 }

    /// `不慢于时间进度` or `落后于时间进度`, with "时间过半、任务过半" (or 未过半) once half the
    /// time has passed.
    public var verdict: String {
        let pace = behind ? "落后于时间进度" : "不慢于时间进度"
        guard timeShare >= 0.5 else { return pace }
        return pace + (Double(done) * 2 >= target ? "（时间过半、任务过半）" : "（时间过半、任务未过半）")
    }

    /// Whether a share done (of a value that need not be a count) is behind time progress, as
    /// the two percents print: 45.45 % and 45.48 % both print as 45.5 % and are not behind.
    public static func behind(doneShare: Double, timeShare: Double) -> Bool {
        (doneShare * 1000).rounded(.toNearestOrAwayFromZero) < (timeShare * 1000).rounded(.toNearestOrAwayFromZero)
    }

    /// A share as a percent with one decimal: `45.5%` (the one rounding every output uses).
    public static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", (share * 1000).rounded(.toNearestOrAwayFromZero) / 10)
    }

    /// How expected and shortfall are computed, in words.
    public static let convention = "按时间进度应完成数＝目标×时间进度，四舍五入取整；尚差＝应完成数－已完成数"
}
