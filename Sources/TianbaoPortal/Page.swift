import Foundation
import TianbaoArchive
import TianbaoPlan

/// The frame every page shares, and the small pages (the root, a refusal).
enum Page {
    static func layout(title: String, heading: String, subheading: String, body: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(title)</title>
        <link rel="stylesheet" href="/assets/portal.css">
        </head>
        <body>
        <header><h1>\(heading)</h1><p>\(subheading)</p></header>
        <main>
        \(body)
        </main>
        <script src="/assets/portal.js"></script>
        </body>
        </html>

        """
    }

    static func refusal(status: Int, message: String) -> HTML {
        layout(title: "填报平台", heading: "填报平台", subheading: "请求未能完成（\(status)）",
               body: "<section><p>\(message)</p><p class=\"note\">如有疑问，请联系办公室。</p></section>")
    }

    static func home() -> HTML {
        layout(title: "填报平台", heading: "填报平台", subheading: "各单位报送和办公室汇总",
               body: "<section><p>请使用办公室发给本单位的链接打开本单位的填报页面。</p></section>")
    }

    /// `2021-06-14 10:30:05` from a record's time.
    static func time(_ record: UploadRecord) -> String {
        String(record.receivedText.replacingOccurrences(of: "T", with: " ").prefix(19))
    }

    /// `1.2 MB`, `35 KB`.
    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) : "\(max(1, (bytes + 512) >> 10)) KB"
    }

    /// The problems of an answer as a table: sheet, cell, kind, the checker's wording.
    static func problems(_ answer: AnswerView) -> HTML {
        let list = answer.problems
        guard !list.isEmpty else { return "<p class=\"ok\">没有发现问题。</p>" }
        let rows: [HTML] = list.map { p in
            "<tr><td>\(p.sheet ?? "（整个文件）")</td><td>\(p.cell ?? "")</td><td class=\"\(p.kindClass)\">\(p.kind)</td><td>\(p.message)</td></tr>\n"
        }
        return """
        <table class="problems">
        <thead><tr><th>工作表</th><th>单元格</th><th>类别</th><th>问题和处理办法</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table>
        """
    }

    /// The verdict line of an upload.
    static func verdict(_ record: UploadRecord, _ answer: AnswerView?) -> HTML {
        let cls: String
        let text: String
        switch record.verdict {
        case .accepted: (cls, text) = ("ok", "通过：文件已接收，没有发现问题。")
        case .warnings: (cls, text) = ("warn", "通过（有提示）：文件已接收；有 \(record.warnings) 条提示，请核对，如数据无误可在“说明”列写明理由，无需重报。")
        case .errors: (cls, text) = ("bad", "已接收，但有 \(record.errors) 处错误：有错误的行不计入汇总，请按下表修改后重新上传。")
        case .rejected: (cls, text) = ("bad", "退回：文件未通过校验，不能汇总；请按下表修改后重新上传。")
        case .refused: (cls, text) = ("bad", "未接收：" + (answer?.refusal ?? "文件未存入。"))
        }
        return "<div class=\"verdict \(cls)\">\(text)</div>"
    }
}
