import Foundation
import TianbaoCheck
import TianbaoPlan

/// The written briefing for leaders (`简报-<round>.md` and `.html`): Chinese prose with figures,
/// built once as blocks and rendered to both formats. Everything units wrote is escaped in
/// the HTML.
public struct Briefing {
    public enum Block {
        case heading(String)
        case paragraph(String)
        case bullets([String])
        case quote(String, source: String)
        case table([String], [[String]])
    }

    public let result: RoundResult
    public let figures: Figures
    public private(set) var title = ""
    public private(set) var blocks: [Block] = []

    public init(result: RoundResult, figures: Figures? = nil) {
        self.result = result
        self.figures = figures ?? Figures(result)
        build()
    }

    static func list(_ names: [String], limit: Int = 8) -> String {
        names.count <= limit ? names.joined(separator: "、") : names.prefix(limit).joined(separator: "、") + " 等 \(names.count) 个单位"
    }

    static func amount(_ v: Double) -> String {
        if v >= 10000 { return String(format: "%.2f 亿元", v / 10000) }
        return String(format: "%.1f 万元", v)
    }

    static func pct(_ v: Double) -> String { String(format: "%.1f%%", v) }

    /// First sentence (up to 。;) of a text, at most `limit` characters.
    static func excerpt(_ s: String, limit: Int = 80) -> String {
        var out = ""
        for ch in s {
            out.append(ch)
            if "。;;!!".contains(ch) || out.count >= limit { break }
        }
        return out.count < s.count && !"。;;!!".contains(out.last ?? " ") ? out + "……" : out
    }

    private mutating func build() {
        let r = result, t = r.totals, f = figures, round = r.round
        title = "\(r.plan.title)\(round.title)简报"
        blocks.append(.paragraph("(轮次 \(round.id),截止 \(round.due.chinese);由领导小组办公室根据各单位报送材料汇总)"))

        // 一、报送情况
        blocks.append(.heading("一、报送情况"))
        let late = r.units.filter { $0.status == .accepted && $0.late }.map(\.unit.name)
        let rejected = r.units.filter { $0.status == .rejected }
        let missing = r.units.filter { $0.status == .missing }.map(\.unit.name)
        var p = "本期应报送单位 \(t.expected) 个,已报送并通过校验 \(t.accepted) 个,报送率 \(Self.pct(t.expected > 0 ? Double(t.accepted) / Double(t.expected) * 100 : 0))"
        p += late.isEmpty ? ",均按时报送。" : ",其中按时 \(t.accepted - late.count) 个、迟报 \(late.count) 个(\(Self.list(late)))。"
        if !rejected.isEmpty {
            p += "被退回 \(rejected.count) 个(\(Self.list(rejected.map(\.unit.name)))),已发回反馈表,请其按要求修改后重新报送。"
        }
        p += missing.isEmpty ? "所有单位均已报送。" : "尚未报送 \(missing.count) 个:\(Self.list(missing, limit: 20))。"
        blocks.append(.paragraph(p))
        if !f.nilUnits.isEmpty {
            blocks.append(.paragraph("声明部分表单“本期无”的单位 \(f.nilUnits.count) 个:\(Self.list(f.nilUnits.map(\.name)))。"))
        }

        // 二、目标进度
        blocks.append(.heading("二、改造目标进度"))
        if let target = f.target {
            var s = "全市\(target.name)目标为 \(Int(target.value)) \(target.unit)(\(target.due.chinese)前)。"
            s += "各区台账共报 \(f.communities) 个小区,其中已完工 \(f.completed) 个,完成年度目标的 \(Self.pct(f.targetPercent ?? 0));"
            s += "在建 \(f.building) 个,未开工 \(f.notStarted) 个。"
            if f.communities + 0 < Int(target.value) {
                s += "台账小区总数距年度目标尚差 \(Int(target.value) - f.communities) 个,需加快项目储备。"
            }
            blocks.append(.paragraph(s))
        }
        let top = f.districts.sorted { ($0.completed, $0.communities) > ($1.completed, $1.communities) }
        if !top.isEmpty {
            blocks.append(.table(["区", "台账小区", "已完工", "在建", "未开工", "计划投资(万元)"], top.map {
                [$0.unit.name, "\($0.communities)", "\($0.completed)", "\($0.building)", "\($0.notStarted)", String(format: "%.1f", $0.investment)]
            }))
        }
        if f.plannedInvestment > 0 {
            let social = f.investmentBySource.filter { ["src_social", "src_residents", "src_utilities"].contains($0.id) }.map(\.amount).reduce(0, +)
            let parts = f.investmentBySource.filter { $0.amount > 0 }.map { "\($0.name) \(Self.amount($0.amount))" }
            blocks.append(.paragraph("计划投资合计 \(Self.amount(f.plannedInvestment)),其中\(parts.joined(separator: "、"))。"
                + "社会资本、居民出资和专营单位出资合计 \(Self.amount(social)),占 \(Self.pct(social / f.plannedInvestment * 100))。"
                + "已计划加装电梯 \(Int(f.elevators)) 部、新增停车位 \(Int(f.parking)) 个。"))
        }

        // 三、任务推进
        blocks.append(.heading("三、任务推进情况"))
        let counts = Figures.statusOrder.map { "\($0) \(f.taskStatus[$0] ?? 0) 条" }.joined(separator: "、")
        blocks.append(.paragraph("\(r.plan.tasks.count) 项任务共收到进展记录 \(f.taskRows) 条:\(counts)。"))
        var taskLines: [String] = []
        for task in r.plan.tasks {
            let rows = r.rows("progress").filter { $0.row.values["task"]?.text == task.id }
            guard !rows.isEmpty else { continue }
            let avg = rows.compactMap { $0.row.values["percent"]?.number }.reduce(0, +) / Double(rows.count)
            let lag = rows.filter { $0.row.values["status"]?.text == "滞后" }.map(\.unit.name)
            var line = "\(task.id) \(task.title):\(rows.count) 个单位报告,平均完成进度 \(String(format: "%.0f", avg))%"
            if !lag.isEmpty { line += ",滞后 \(lag.count) 个(\(Self.list(lag, limit: 4)))" }
            taskLines.append(line + "。")
        }
        if !taskLines.isEmpty { blocks.append(.bullets(taskLines)) }
        if !f.lagging.isEmpty {
            blocks.append(.paragraph("报告滞后的事项及原因:"))
            for lag in f.lagging.prefix(10) {
                let task = r.plan.task(lag.task)
                blocks.append(.quote(lag.problems.isEmpty ? "(未说明原因)" : Self.excerpt(lag.problems, limit: 120),
                                     source: "\(lag.unit.name),任务 \(lag.task) \(task?.title ?? "")"))
            }
        }

        // 四、存在问题
        let raised = r.rows("progress").compactMap { row -> (ReportingUnit, String)? in
            guard let text = row.row.values["problems"]?.text, !text.isEmpty, row.row.values["status"]?.text != "滞后" else { return nil }
            return (row.unit, text)
        }
        let summaryProblems = r.rows("summary").compactMap { row -> (ReportingUnit, String)? in
            row.row.values["problems"].map { (row.unit, $0.text) }
        }
        if !raised.isEmpty || !summaryProblems.isEmpty {
            blocks.append(.heading("四、各单位反映的主要问题"))
            for (unit, text) in (summaryProblems + raised).prefix(8) {
                blocks.append(.quote(Self.excerpt(text, limit: 120), source: unit.name))
            }
        }

        // 五、工作小结摘录
        let practices = r.rows("summary").compactMap { row -> (ReportingUnit, String)? in
            row.row.values["practice"].map { (row.unit, $0.text) }
        }
        if !practices.isEmpty {
            blocks.append(.heading("五、工作小结摘录"))
            for (unit, text) in practices.prefix(6) { blocks.append(.quote(Self.excerpt(text, limit: 140), source: unit.name)) }
        }

        // 六、下步建议
        blocks.append(.heading(practices.isEmpty && raised.isEmpty && summaryProblems.isEmpty ? "四、下步工作建议" : "六、下步工作建议"))
        var next: [String] = []
        if !missing.isEmpty { next.append("请尚未报送的 \(missing.count) 个单位尽快补报(催报清单见汇总表“报送情况”)。") }
        if !rejected.isEmpty { next.append("请被退回的 \(rejected.count) 个单位按反馈表逐项修改后重新报送。") }
        if !f.lagging.isEmpty {
            let units = Set(f.lagging.map(\.task)).sorted().compactMap { r.plan.task($0) }.map { "\($0.id) \($0.title)" }
            next.append("对报告滞后的任务(\(units.joined(separator: "、")))加强调度,请牵头单位提出解决措施。")
        }
        if let pct = f.targetPercent, pct < 50 { next.append("年度改造目标完成率 \(Self.pct(pct)),请各区加快在建项目进度、尽快开工未开工项目。") }
        if next.isEmpty { next.append("各单位按计划继续推进,按时报送下期进展。") }
        blocks.append(.bullets(next))

        blocks.append(.heading("附:数据说明"))
        blocks.append(.paragraph("报送文件夹共 \(r.files.count) 个文件;读取数据 \(t.rowsRead) 行,汇总 \(t.rowsMerged) 行,"
            + "因错误未汇总 \(t.rowsRejected) 行(逐条列于汇总表“校验问题”)。同一单位报送多份的,以单位最后保存的合格文件为准。"))
    }

    // MARK: Rendering

    public var markdown: String {
        var out = "# \(title)\n\n"
        for block in blocks {
            switch block {
            case .heading(let h): out += "## \(h)\n\n"
            case .paragraph(let p): out += Self.mdEscape(p) + "\n\n"
            case .bullets(let items): out += items.map { "- " + Self.mdEscape($0) }.joined(separator: "\n") + "\n\n"
            case .quote(let q, let source): out += "> " + Self.mdEscape(q).replacingOccurrences(of: "\n", with: "\n> ") + "\n>\n> —— \(Self.mdEscape(source))\n\n"
            case .table(let header, let rows):
                out += "| " + header.joined(separator: " | ") + " |\n|" + header.map { _ in " --- |" }.joined() + "\n"
                for row in rows { out += "| " + row.map { Self.mdEscape($0).replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
                out += "\n"
            }
        }
        return out
    }

    /// Neutralises Markdown that units' text could inject (links, HTML, emphasis).
    static func mdEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_[]<>#!|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out.replacingOccurrences(of: "\n", with: " ")
    }

    public var html: String {
        var out = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.8;color:#222}
            h1{font-size:1.6em;text-align:center;color:#b00000;border-bottom:2px solid #b00000;padding-bottom:.4em}
            h2{font-size:1.2em;color:#1f4e79;margin-top:1.6em}
            blockquote{margin:.6em 0;padding:.4em 1em;background:#f6f8fa;border-left:4px solid #9db4cc}
            blockquote cite{display:block;text-align:right;color:#555;font-style:normal}
            table{border-collapse:collapse;margin:.8em 0;font-size:.95em}
            td,th{border:1px solid #aaa;padding:.2em .6em;text-align:right}
            th{background:#ddebf7}td:first-child,th:first-child{text-align:left}
            </style></head><body>
            <h1>\(Self.escape(title))</h1>

            """
        for block in blocks {
            switch block {
            case .heading(let h): out += "<h2>\(Self.escape(h))</h2>\n"
            case .paragraph(let p): out += "<p>\(Self.escape(p))</p>\n"
            case .bullets(let items): out += "<ul>\n" + items.map { "<li>\(Self.escape($0))</li>\n" }.joined() + "</ul>\n"
            case .quote(let q, let source): out += "<blockquote>\(Self.escape(q))<cite>—— \(Self.escape(source))</cite></blockquote>\n"
            case .table(let header, let rows):
                out += "<table><tr>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr>\n"
                for row in rows { out += "<tr>" + row.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>\n" }
                out += "</table>\n"
            }
        }
        return out + "</body></html>\n"
    }

    /// HTML text escaping (also quotes, for attribute safety).
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
