import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoRound

/// The office's page: the live 催报 board, the 汇总 button, the outputs and the upload record.
struct OfficePage {
    var plan: Plan
    var board: Board
    var merges: [MergeRecord]
    var outputs: Outputs
    /// The year's 回头看, if written.
    var review: Outputs
    var formToken: String
    var refreshSeconds: Int
    /// The merge the page was opened after (`?merge=`).
    var justMerged: Int64?

    var html: HTML {
        let round = board.round
        return Page.layout(title: "\(round.id) 催报看板", heading: "\(plan.office.name)：\(round.title)",
                           subheading: "轮次 \(round.id)（\(round.kind.rawValue)），截止日期 \(round.due.description)",
                           body: "\(boardSection)\(mergeSection)\(outputSection)\(reviewSection)\(recordSection)")
    }

    private var boardSection: HTML {
        let t = board.totals
        let rows: [HTML] = board.rows.map { r in
            let refused = r.refusedSince ? "（最近一次上传未接收）" : ""
            let counts = r.stored.map { "\($0.errors) / \($0.warnings)" } ?? ""
            return """
            <tr><td>\(r.unit.name)</td><td class="\(r.stateClass)">\(r.state + refused)</td><td>\(r.stored.map(Page.time) ?? "")</td>\
            <td>\(r.stored?.late == true ? "迟报" : "")</td><td class="num">\(counts)</td><td>\(r.contact?.name ?? "")</td>\
            <td>\(r.contact?.phone ?? "")</td><td class="num">\(r.uploads)</td></tr>

            """
        }
        return """
        <section>
        <h2>催报看板</h2>
        <p class="totals" id="totals">应报 \(t.expected)，通过 \(t.accepted)，有错误 \(t.withErrors)，退回 \(t.rejected)，未报送 \(t.missing)，迟报 \(t.late)。</p>
        <p class="note">迟报按服务器收到文件的时间（北京时间）判断：晚于截止日期 \(board.round.due.description) 当天即为迟报。“错误 / 提示”为该单位当前文件的问题数。<span id="board-updated"></span></p>
        <table id="board" data-refresh="\(refreshSeconds)">
        <thead><tr><th>单位</th><th>状态</th><th>接收时间</th><th>迟报</th><th>错误 / 提示</th><th>联络员</th><th>电话</th><th>上传次数</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table>
        </section>

        """
    }

    private var mergeSection: HTML {
        let last = merges.first
        var status: HTML = "<p>本轮还没有从平台汇总过。</p>"
        if let last {
            let when = last.finishedAt.map { String($0.replacingOccurrences(of: "T", with: " ").prefix(19)) } ?? "（进行中）"
            let word: String
            switch last.outcome {
            case .done?: word = "完成（全部通过）"
            case .partial?: word = "完成（有退回或未报送的单位）"
            case .failed?: word = "未完成（输出保持为上一次完整汇总的结果）"
            case nil: word = "进行中"
            }
            let cls = last.outcome == .failed ? "bad" : last.outcome == nil ? "warn" : "ok"
            let message: [HTML] = (last.message ?? "").split(separator: "\n").prefix(12).map { "\(String($0))<br>\n" }
            status = """
            <p\(last.id == justMerged ? " class=\"notice\"" : "" as HTML)>最近一次汇总：<span class="\(cls)">\(word)</span>，结束于 \(when)，汇总了 \(last.uploads.count) 个单位的文件。</p>
            <p class="note">\(message)</p>
            """
        }
        let disabled: HTML = board.merging ? " disabled" : ""
        return """
        <section>
        <h2>汇总</h2>
        \(status)
        <form method="post" action="merge">
        <input type="hidden" name="csrf" value="\(formToken)">
        <button type="submit"\(disabled)>\(board.merging ? "汇总正在进行……" : "汇总本轮已报送的文件")</button>
        </form>
        <p class="note">汇总与命令行 tianbao merge 完全相同，生成汇总表、简报、各单位反馈表和 report.json。汇总时各单位仍可上传：汇总开始后收到的文件在汇总结束后存入，计入下一次汇总。同一时间只运行一次汇总。</p>
        </section>

        """
    }

    private var outputSection: HTML {
        guard !outputs.files.isEmpty || !outputs.feedback.isEmpty else {
            return "<section><h2>汇总结果下载</h2><p>还没有汇总结果。</p></section>\n"
        }
        let files: [HTML] = outputs.files.map { "<li><a href=\"out/\(Self.percentEncoded($0))\" download>\($0)</a></li>\n" }
        let feedback: [HTML] = outputs.feedback.map { "<li><a href=\"out/反馈/\(Self.percentEncoded($0))\" download>\($0)</a></li>\n" }
        return """
        <section>
        <h2>汇总结果下载</h2>
        <ul class="plain">
        \(files)</ul>
        \(feedback.isEmpty ? "" : "<p>各单位反馈表（\(feedback.count) 个）：</p><ul class=\"plain\">\n\(feedback)</ul>" as HTML)
        </section>

        """
    }

    private var reviewSection: HTML {
        let year = board.round.due.year
        let files: [HTML] = review.files.map { "<li><a href=\"review/\(Self.percentEncoded($0))\" download>\($0)</a></li>\n" }
        return """
        <section>
        <h2>\(year) 年回头看</h2>
        \(files.isEmpty ? "<p>还没有生成。</p>" as HTML : "<ul class=\"plain\">\n\(files)</ul>" as HTML)
        <form method="post" action="review">
        <input type="hidden" name="csrf" value="\(formToken)">
        <button type="submit">按汇总档案生成 \(year) 年回头看</button>
        </form>
        <p class="note">与命令行 tianbao review 相同：按汇总档案中本年已汇总的各轮次，生成回头看工作簿和简报（md、html、docx）。</p>
        </section>

        """
    }

    private var recordSection: HTML {
        """
        <section>
        <h2>上传记录</h2>
        <p><a class="button secondary" href="uploads.csv" download>下载本轮上传记录（CSV）</a>
        <span class="note">每次上传一行：接收时间、单位、客户端地址、大小、SHA-256、校验结果、是否迟报、是否存入。</span></p>
        </section>

        """
    }

    static func percentEncoded(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? name
    }
}

/// The files of a round's output folder the office may download: its top-level files and the
/// 反馈 workbooks, by name as listed (a requested name is looked up among these, never joined
/// to a path as given).
struct Outputs {
    var folder: String
    var files: [String]
    var feedback: [String]

    init(folder: String) {
        self.folder = folder
        files = Self.list(folder)
        feedback = Self.list((folder as NSString).appendingPathComponent(OutputFiles.feedbackFolder))
    }

    /// The path of a listed file, or nil.
    func path(of name: String, feedback inFeedback: Bool) -> String? {
        let list = inFeedback ? feedback : files
        guard let listed = list.first(where: { $0 == name }) else { return nil }
        let base = inFeedback ? (folder as NSString).appendingPathComponent(OutputFiles.feedbackFolder) : folder
        return (base as NSString).appendingPathComponent(listed)
    }

    private static func list(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            !name.hasPrefix(".") && {
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(name), isDirectory: &isFolder) && !isFolder.boolValue
            }()
        }.sorted()
    }
}
