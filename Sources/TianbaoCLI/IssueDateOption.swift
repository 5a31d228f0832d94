import ArgumentParser
import Foundation
import TianbaoPlan

/// `--date 2021-06-17`: the day a briefing is issued (merge's 简报, review's 回头看); without it,
/// the day the command runs, in China Standard Time.
struct IssueDateOption: ParsableArguments {
    @Option(name: .customLong("date"), help: "简报的印发日期，如 2021-06-17；不指定时为当天（北京时间）。")
    var text: String?

    /// The day given, or nil for today; a date that is not one ends the command with status 2
    /// before anything is read or written.
    func day() throws -> Day? {
        guard let text else { return nil }
        guard let day = Day(text.trimmingCharacters(in: .whitespaces)) else {
            printError("错误：--date 的值“\(text)”不是有效日期，请写成 2021-06-17 的形式。未作任何改动。")
            throw CommandExit(.usage)
        }
        return day
    }
}
