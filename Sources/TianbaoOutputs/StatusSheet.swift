import Foundation
import TianbaoPlan
import TianbaoRound
import XLSX

/// The 报送情况 sheet of the 汇总: every unit's state, its file and when it was saved, its errors
/// and warnings, whom to call, and why a file was replaced, returned or not read.
struct StatusSheet {
    static let name = "报送情况"
    let report: RoundReport
    let style: HouseStyle

    private typealias H = HouseStyle
    private var result: RoundResult { report.result }

    func write(_ ws: SheetWriter) throws {
        let headers: [(String, Double)] = [("序号", 6), ("单位", 24), ("类型", 8), ("状态", 8), ("报送文件", 24), ("保存时间", 17),
                                           ("错误", 6), ("提示", 6), ("本期无的表", 10), ("联络员", 12), ("职务", 12),
                                           ("办公电话", 14), ("手机", 13), ("领导小组成员", 18), ("说明", 30)]
        try style.table(ws, headers: headers, rows: result.units.count, identifying: 0...1)
        for (i, u) in result.units.enumerated() {
            let r = i + 1
            try ws.write(r, 0, Double(i + 1), H.integer)
            try ws.write(r, 1, u.unit.name, H.cell)
            try ws.write(r, 2, u.unit.kind.rawValue, H.cell)
            try ws.write(r, 3, u.statusWord, H.cell)
            try ws.write(r, 4, u.submission?.file ?? "", H.wrapped)
            // 保存时间: the workbook's own record, as a date-time. An .xls file has none (its
            // file date is only when it was copied), so none is shown.
            let isXls = u.submission?.file.lowercased().hasSuffix(".xls") ?? false
            if let saved = u.submission?.savedAt, !isXls {
                try ws.write(r, 5, Self.excelSerial(saved), H.dateTime)
            } else {
                try ws.write(r, 5, isXls ? "（.xls 无记录）" : "", H.cell)
            }
            try ws.write(r, 6, Double(u.submission?.errorCount ?? 0), H.integer)
            try ws.write(r, 7, Double(u.submission?.warningCount ?? 0), H.integer)
            let nilNames = (u.submission?.nilSheets ?? []).compactMap { result.plan.sheet($0)?.name }
            try ws.write(r, 8, nilNames.joined(separator: "、"), H.cell)
            // Whom to call: this round's liaison; for a unit that named none, the one it named
            // last time, else the plan's contact, each saying where it comes from.
            let l = ContactToCall.find(u, liaison: report.liaison(u.unit), plan: result.plan, history: report.history)
            let contactName = l.map { $0.name + ChineseTypography.apply($0.sourceNote) } ?? ""
            try ws.write(r, 9, contactName, contactName.count > 5 ? H.wrapped : H.cell)
            try ws.write(r, 10, l?.title ?? "", H.wrapped)
            try ws.write(r, 11, l?.officePhone ?? "", H.cell)
            try ws.write(r, 12, l?.mobile ?? "", H.cell)
            let members = u.unit.members.map { "\($0.name)（\($0.title)）" }.joined(separator: "、")
            try ws.write(r, 13, members, H.wrapped)
            var notes: [String] = []
            if !u.superseded.isEmpty { notes.append(ChineseTypography.apply("以最新文件为准，已替代：") + u.superseded.joined(separator: "、")) }
            if !u.otherRejected.isEmpty { notes.append(ChineseTypography.apply("另有被退回文件：") + u.otherRejected.joined(separator: "、")) }
            if isXls { notes.append(ChineseTypography.apply(".xls 文件不记录保存时间，文件日期只是拷贝时间，故不显示")) }
            if !u.unreadFiles.isEmpty { notes.append("办公室无法读取文件“" + u.unreadFiles.joined(separator: "”、“") + "”（不是单位的问题），待处理后重新汇总") }
            if u.status == .rejected, let p = u.submission?.problems.first(where: { $0.severity == .error }) {
                notes.append(ChineseTypography.apply("退回原因：") + p.message)
            }
            let text = notes.joined(separator: "\u{FF1B}")
            try ws.write(r, 14, text, H.wrapped)
            if let h = H.rowHeight([(text, 30), (u.unit.name, 24), (contactName, 12), (u.submission?.file ?? "", 24),
                                     (l?.title ?? "", 12), (members, 18)]) { try ws.row(r, height: h) }
        }
    }

    /// A date as an Excel serial date-time in China Standard Time.
    static func excelSerial(_ date: Date) -> Double {
        (date.timeIntervalSince1970 + 8 * 3600) / 86400 + 25569
    }
}
