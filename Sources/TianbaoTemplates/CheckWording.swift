import TianbaoPlan

/// The words of the checker's messages about fields and rows, in one place: the checker builds
/// its problems from them, and the templates' 自查 column shows the same words. Functions whose
/// name ends in `Stem` give the start of a message that the checker goes on to complete with
/// the value it found (`,填写的是 …。`), which a formula cannot always spell the same way.
public enum CheckWording {
    /// `“完成进度(%)”为必填项,请填写。`
    public static func required(_ name: String) -> String { "“\(name)”为必填项，请填写。" }

    /// What a field of a type expects (`FieldReader`'s reason for an unreadable value).
    public static let expectNumber = "应填写数字"
    public static let expectNumberNotDate = "应填写数字，不是日期"
    public static let expectInteger = "应填写整数"
    public static let expectDate = "应填写日期，如 2021-06-15"
    public static let expectMobile = "应为 11 位手机号码"
    public static let expectPhone = "应为电话号码，如 027-85000000"
    public static let expectEmail = "应为电子邮箱，如 name@example.gov.cn"
    public static func expectChoice(_ choices: [String]) -> String { "应从下拉列表中选择：\(choices.joined(separator: "、"))" }

    /// `“进展状态”应从下拉列表中选择:…` (the checker adds `,填写的是“…”。`).
    public static func invalidStem(_ name: String, _ expectation: String) -> String { "“\(name)”\(expectation)" }
    /// `“完成进度(%)”不能小于 0` (the checker adds `,填写的是 -5。`).
    public static func belowStem(_ name: String, _ bound: String) -> String { "“\(name)”不能小于 \(bound)" }
    public static func aboveStem(_ name: String, _ bound: String) -> String { "“\(name)”不能大于 \(bound)" }
    public static func earlierStem(_ name: String, _ bound: Day) -> String { "“\(name)”不能早于 \(bound)" }
    public static func laterStem(_ name: String, _ bound: Day) -> String { "“\(name)”不能晚于 \(bound)" }
    /// `“本期工作进展”最多 2000 字` (the checker adds `,现有 2100 字。请精简。`).
    public static func tooLongStem(_ name: String, _ max: Int) -> String { "“\(name)”最多 \(max) 字" }
    public static func tooLong(_ name: String, _ max: Int, found: Int) -> String {
        tooLongStem(name, max) + "，现有 \(found) 字。请精简。"
    }
    /// `任务编号“5.1”不是本单位承担的任务(本单位任务:1.1、2.2)。`
    public static func notUnitTask(_ value: String, unitTasks: [String]) -> String {
        "任务编号“\(value)”不是本单位承担的任务（本单位任务：\(unitTasks.joined(separator: "、"))）。"
    }
    /// A number or a date the checker read from text (`Rule.repaired`): the start of its
    /// message (`“完成进度（%）”数字以文本形式填写`; the checker adds what it read).
    public static let numberAsText = "数字以文本形式填写"
    public static let dateAsText = "日期以文本形式填写"
    public static func typedAsTextStem(_ name: String, date: Bool) -> String { "“\(name)”\(date ? dateAsText : numberAsText)" }

    /// A `not_after_round_end` rule's message with the round's due date.
    public static func afterRoundEnd(_ message: String, due: Day) -> String { message + "（截止日期 \(due)）" }

    /// A `single` sheet left empty.
    public static func singleSheetEmpty(_ sheet: String) -> String { "\(sheet)未填写。请填写 1 名联络员的信息。" }
    /// A `rows` sheet with no rows and no nil return.
    public static func rowsSheetEmpty(_ sheet: String, nilAnswer: String) -> String {
        "“\(sheet)”没有填写内容。如本期确无内容，请在第 2 行选择“\(nilAnswer)”（本期无）。"
    }
    /// A nil return (本期无) on a sheet that has rows.
    public static func nilWithData(rows: String) -> String {
        "已声明“本期无”，但表中填有 \(rows) 行内容；已按所填内容汇总。如确实无内容，请删除这些行。"
    }

    /// A stem as a sentence of its own (for the 自查 column): ends with `。`.
    public static func sentence(_ text: String) -> String {
        text.hasSuffix("。") ? text : text + "。"
    }
}
