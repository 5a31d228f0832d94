import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// The checker's messages built from what it found, one function per `Rule` (named after it).
/// Words the templates' 自查 formulas show too come from `CheckWording`; a rule with a message
/// that never changes has it in the catalogue (`Rule.fixedMessage`).
public enum RuleMessages {
    // MARK: The whole file

    /// `Rule.fileUnreadable`, when the reader gives no reason of its own.
    public static func fileUnreadable(file: String) -> String { "文件“\(file)”无法读取。" }
    /// `Rule.fileUnreadable` for one sheet.
    public static func sheetUnreadable(_ sheet: String) -> String { "工作表“\(sheet)”无法读取。" }
    /// `Rule.notATemplate`.
    public static func notATemplate(file: String) -> String {
        "文件“\(file)”不是本计划下发的填报模板（找不到模板标识）。请使用领导小组办公室下发的本单位模板填写后报送。"
    }
    /// `Rule.wrongPlan`.
    public static func wrongPlan(file: String, found: String, planTitle: String) -> String {
        "文件“\(file)”是其他计划（\(found)）的模板，不属于“\(planTitle)”。"
    }
    /// `Rule.unknownUnit`.
    public static func unknownUnit(file: String, found: String) -> String {
        "文件“\(file)”标识的单位“\(found)”不在本计划的单位名单中。"
    }
    /// `Rule.wrongRound`: a round the plan does not have.
    public static func unknownRound(file: String, found: String) -> String {
        "文件“\(file)”标识的轮次“\(found)”不在本计划中。"
    }
    /// `Rule.wrongRound`: another round of the plan.
    public static func wrongRound(file: String, found: Round, expected: String) -> String {
        "文件“\(file)”是 \(found.id) 轮次（\(found.title)）的模板，不是本轮 \(expected) 的模板。请使用本轮下发的模板重新填报。"
    }
    /// `Rule.badSignature`: a template of another plan version.
    public static func oldPlanVersion(file: String, found: String, current: String) -> String {
        "文件“\(file)”是按计划版本 \(found) 生成的模板，现行版本为 \(current)。请使用新下发的模板。"
    }
    /// `Rule.badSignature`.
    public static func badSignature(file: String) -> String {
        "文件“\(file)”的模板标识与签名不符（标识被修改，或不是办公室下发的模板）。请使用下发给本单位的模板重新填报。"
            + "（办公室请先确认：校验所用的签名密钥与生成模板时的相同。）"
    }
    /// `Rule.missingSheet`.
    public static func missingSheet(_ sheet: String) -> String {
        "缺少工作表“\(sheet)”。请使用下发的模板，不要删除或重命名工作表。"
    }
    /// `Rule.headerChanged`.
    public static func headerChanged(expected: String, found: String) -> String {
        "表头“\(expected)”被改成了“\(found)”。请使用下发的模板，不要修改表头。"
    }
    /// `Rule.taskRowsAdded`.
    public static func taskRowsAdded(expected: Int, found: Int) -> String {
        "任务行被增加了（应为 \(expected) 行，现有 \(found) 行）。任务行由办公室预填，请勿增删。"
    }
    /// `Rule.taskRowsDeleted`.
    public static func taskRowsDeleted(expected: Int, found: Int) -> String {
        "任务行被删除了（应为 \(expected) 行，现有 \(found) 行）。任务行由办公室预填，请勿增删。"
    }
    /// `Rule.prefilledAltered`: what the cell should hold, up to about 40 characters.
    public static func prefilledAltered(expected: String) -> String {
        "预填内容被修改（应为“\(TextExcerpt.clip(expected, to: 40))”）。预填内容已锁定，请勿修改。"
    }

    // MARK: A sheet

    /// `Rule.oneRow`.
    public static func oneRow(_ sheet: String, found: Int) -> String {
        "\(sheet)只能填写 1 行（1 名联络员），现有 \(found) 行。"
    }
    /// `Rule.minRowsPerMonth`: the plan's message and the month that falls short.
    public static func minRowsPerMonth(_ message: String, year: Int, month: Int, found: Int) -> String {
        "\(message)：\(year)年\(month)月报送 \(found) 篇。"
    }

    // MARK: A cell

    /// `Rule.type`: what the field expects (`CheckWording.invalidStem`) and what was typed.
    public static func type(_ name: String, _ expectation: String, found: String) -> String {
        CheckWording.invalidStem(name, expectation) + "，填写的是“\(found)”。"
    }
    /// `Rule.type` for a number or date typed as text that cannot be read as one:
    /// `“户数”数字以文本形式填写，无法读取（应填写数字），填写的是“12户左右”。`
    public static func unreadableText(_ name: String, date: Bool, _ expectation: String, found: String) -> String {
        CheckWording.typedAsTextStem(name, date: date) + "，无法读取（\(expectation)），填写的是“\(found)”。"
    }
    /// `Rule.repaired`: what the reader changed (`FieldReader`'s repair).
    public static func repaired(_ name: String, _ repair: String) -> String { "“\(name)”\(repair)，请核对。" }
    /// `Rule.min` for a number.
    public static func below(_ name: String, _ bound: Double, found: Double) -> String {
        CheckWording.belowStem(name, NumberText.format(bound)) + "，填写的是 \(NumberText.format(found))。"
    }
    /// `Rule.max` for a number.
    public static func above(_ name: String, _ bound: Double, found: Double) -> String {
        CheckWording.aboveStem(name, NumberText.format(bound)) + "，填写的是 \(NumberText.format(found))。"
    }
    /// `Rule.min` for a date.
    public static func earlier(_ name: String, _ bound: Day, found: Day) -> String {
        CheckWording.earlierStem(name, bound) + "，填写的是 \(found)。"
    }
    /// `Rule.max` for a date.
    public static func later(_ name: String, _ bound: Day, found: Day) -> String {
        CheckWording.laterStem(name, bound) + "，填写的是 \(found)。"
    }
    /// `Rule.pattern`.
    public static func pattern(_ name: String, found: String) -> String { "“\(name)”的格式不对：“\(found)”。" }
    /// `Rule.datedAfterSave`: the item's date and the file's saved time (`2021-06-12 10:30`, China time).
    public static func datedAfterSave(_ name: String, _ date: Day, saved: String) -> String {
        "“\(name)”（\(date)）晚于文件保存时间（\(saved)），请核对。"
    }

    // MARK: The plan's row rules

    /// `Rule.sum`: the plan's message, the sum found and the total (named without its unit).
    public static func sum(_ message: String, sum: Double, totalName: String, total: Double) -> String {
        message + "（合计 \(NumberText.format(sum))，\(totalName) \(NumberText.format(total))）"
    }
    /// `Rule.unique`: the plan's message, the value repeated and the row it first appeared in.
    public static func unique(_ message: String, value: String, firstRow: Int) -> String {
        "\(message)（“\(value)”已在第 \(firstRow) 行出现）"
    }
}
