import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoTemplates

/// A unit's page: the round, its due date, the unit's tasks and sheets, the template, the upload
/// form, the verdict of its file (every problem with sheet, cell and the checker's wording, the
/// 反馈 workbook) and its uploads this round.
struct UnitPage {
    var plan: Plan
    var unit: ReportingUnit
    var round: Round
    /// Newest first.
    var uploads: [UploadRecord]
    var maxFileBytes: Int
    var formToken: String
    /// The upload the page was opened after (`?upload=`), and whether it waited for a merge.
    var justUploaded: Int64?
    var waitedForMerge: Bool

    var html: HTML {
        let stored = uploads.first(where: \.stored)
        let newest = uploads.first
        var sections: [HTML] = [intro, uploadForm]
        if let newest, !newest.stored {
            sections.append(result(newest, title: newest.id == justUploaded ? "本次上传的结果" : "最近一次上传的结果", current: false))
        }
        if let stored {
            sections.append(result(stored, title: stored.id == justUploaded ? "本次上传的结果" : "本单位本轮报送的文件", current: true))
        } else {
            sections.append("<section><h2>本单位本轮报送的文件</h2><div class=\"verdict missing\">尚未报送。</div></section>")
        }
        sections.append(history)
        return Page.layout(title: "\(unit.name) · \(round.id) 填报", heading: "\(unit.name)：\(round.title)",
                           subheading: "轮次 \(round.id)（\(round.kind.rawValue)），截止日期 \(round.due.description)", body: "\(sections)")
    }

    private var intro: HTML {
        let tasks: [HTML] = plan.tasks(for: unit.id).map { t in
            "<li>\(t.task.id) \(t.task.title)（\(t.role.rawValue)）</li>\n"
        }
        let sheets = plan.sheets(for: unit, in: round).map(\.name).joined(separator: "、")
        return """
        <section>
        <h2>本轮填报</h2>
        <p>截止日期：<strong>\(round.due.description)</strong>。是否迟报以服务器收到文件的时间（北京时间）为准，不看文件本身的保存时间。</p>
        <p>本轮要填的表：\(sheets)。</p>
        \(tasks.isEmpty ? "" : "<p>本单位牵头或负责的任务：</p><ul class=\"plain\">\n\(tasks)</ul>" as HTML)
        <p><a class="button secondary" href="template" download>下载本单位本轮的填报模板</a>
        <span class="note">模板按需生成；上期已通过审核的台账数据会带入模板（浅蓝色），核对后修改即可。</span></p>
        </section>

        """
    }

    private var uploadForm: HTML {
        """
        <section>
        <h2>上传填好的模板</h2>
        \(waitedForMerge ? "<p class=\"notice\">提交时办公室正在汇总：本文件已在那次汇总结束后存入，将计入下一次汇总。</p>" as HTML : "")
        <form class="upload" method="post" action="upload" enctype="multipart/form-data">
        <input type="hidden" name="csrf" value="\(formToken)">
        <input type="file" name="file" accept=".xlsx,.xlsm,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
        <button type="submit">上传并校验</button>
        <progress id="progress" class="hidden" max="1" value="0"></progress>
        <span id="upload-status" class="note"></span>
        </form>
        <p class="note">只接受本单位本轮的填报模板（.xlsx），每次不超过 \(UploadLimits.words(maxFileBytes))。上传后一两秒内给出校验结果；重新上传会替换原来的文件，以最后一次接收的文件为准。</p>
        </section>

        """
    }

    private func result(_ record: UploadRecord, title: String, current: Bool) -> HTML {
        let answer = AnswerView.read(record.answerJSON)
        let hasProblems = record.errors + record.warnings > 0
        let feedback: HTML = current && hasProblems
            ? "<p><a class=\"button secondary\" href=\"feedback\" download>下载反馈表（问题单元格已标出）</a></p>" : ""
        let late: HTML = record.late ? "<span class=\"bad\">（迟报：晚于截止日期 \(round.due.description)）</span>" : ""
        return """
        <section>
        <h2>\(title)</h2>
        \(Page.verdict(record, answer))
        <p class="note">接收时间 \(Page.time(record))\(late)，大小 \(Page.size(record.size))，SHA-256 \(String(record.sha256.prefix(16)))…</p>
        \(answer.map(Page.problems) ?? "")
        \(feedback)
        </section>

        """
    }

    private var history: HTML {
        guard !uploads.isEmpty else { return "" }
        let rows: [HTML] = uploads.map { u in
            "<tr><td>\(Page.time(u))</td><td class=\"num\">\(Page.size(u.size))</td><td>\(u.verdict.word)</td><td>\(u.late ? "迟报" : "")</td><td>\(u.stored ? "是" : "否")</td></tr>\n"
        }
        return """
        <section>
        <h2>本单位本轮的上传记录</h2>
        <table>
        <thead><tr><th>接收时间</th><th>大小</th><th>结果</th><th>迟报</th><th>存入</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table>
        </section>

        """
    }
}
