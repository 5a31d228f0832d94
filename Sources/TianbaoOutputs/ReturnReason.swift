import TianbaoCheck
import TianbaoPlan

/// Why a unit's file was returned, in words a leader reads (the briefing, the 回头看), from the
/// file's first error: `报送的是5月工作调度的模板，不是本期模板`, `擅自改写了任务 1.3“搭建议事平台”的内容`.
public enum ReturnReason {
    /// The full reason; `short`: the few words 要情 has room for (`用错模板`, `改写任务 1.3`).
    public static func text(rule: Rule, value: String, sheet: String?, plan: Plan, short: Bool = false) -> String {
        switch rule {
        case .wrongRound:
            return short ? "用错模板" : "报送的是\(plan.round(value)?.title ?? value)的模板，不是本期模板"
        case .fileUnreadable where value == "xls":
            return short ? ".xls 格式" : "文件为旧版 Excel（.xls）格式，无法读取"
        case .prefilledAltered:
            guard let task = rewrittenTask(value: value, sheet: sheet, plan: plan) else { return short ? "改动预填内容" : "改动了模板中预填的内容" }
            if short { return "改写任务 \(task.id)" }
            let text = value.components(separatedBy: "：").dropFirst().joined(separator: "：")
            return "擅自改写了任务 \(task.id)“\(task.title)”的内容" + (text.isEmpty ? "" : "（改为“\(Briefing.excerpt(text, limit: 40))”）")
        default:
            return rule.entry.name
        }
    }

    /// The reason of a file's first error (file-level first); `文件不符合要求` without one.
    public static func text(_ problems: [Problem], plan: Plan, short: Bool = false) -> String {
        guard let p = problems.first(where: { $0.severity == .error && $0.rule.isFileLevel }) ?? problems.first(where: { $0.severity == .error })
        else { return "文件不符合要求" }
        return text(rule: p.rule, value: p.value, sheet: p.sheet, plan: plan, short: short)
    }

    /// The task whose pre-filled text was rewritten: the title before `：` of the value found
    /// in the progress sheet.
    static func rewrittenTask(value: String, sheet: String?, plan: Plan) -> PlanTask? {
        guard let progress = plan.outputs.progress, sheet == plan.sheet(progress.sheet)?.name else { return nil }
        let title = value.components(separatedBy: "：").first ?? ""
        return plan.tasks.first { $0.title == title }
    }
}
