import TianbaoPlan
import TianbaoRound
import XLSX

/// Below the publicity sheet's list in the 汇总: items per unit per month, months this round
/// covers judged against the plan's minimum (short months shaded red), earlier months shown for
/// reference only.
struct PublicitySummary {
    let report: RoundReport
    let decl: PublicityOutput
    let style: HouseStyle

    private typealias H = HouseStyle

    /// Writes the table two rows below the list.
    func write(_ ws: SheetWriter) throws {
        let p = decl, result = report.result
        let rows = report.acceptedRows(p.sheet)
        let months = Set(rows.compactMap { $0.row.values[p.date]?.day.map { $0.year * 100 + $0.month } }).sorted()
        var r = rows.count + 3
        try ws.write(r, 0, ChineseTypography.apply("各单位每月报送篇数" + (p.perMonthMin > 0 ? "（每月不少于 \(p.perMonthMin) 篇）" : "")), H.section)
        // A month is judged (0 shaded red) only in the round that covers it: earlier months
        // are judged from their own rounds' files, not from this round's.
        let ownStart = result.round.start.year * 100 + result.round.start.month
        let ownEnd = result.round.due.year * 100 + result.round.due.month
        let judged = { (m: Int) in m >= ownStart && m <= ownEnd }
        if months.contains(where: { !judged($0) }) {
            r += 1
            try ws.write(r, 0, ChineseTypography.apply("本期以前月份的篇数只是本期文件中所列，仅供参考（该月是否达标以该月调度的报送为准），不标红。"), H.note.with { $0.wrap = false })
        }
        r += 1
        try ws.write(r, 0, "单位", H.header)
        for (j, m) in months.enumerated() {
            try ws.write(r, 1 + j, ChineseTypography.apply("\(m / 100)年\(m % 100)月" + (judged(m) ? "" : "（参考）")), H.header)
        }
        try ws.write(r, 1 + months.count, "合计", H.header)
        var perUnitMonth: [String: [Int: Int]] = [:]
        for row in rows {
            if let m = row.row.values[p.date]?.day.map({ $0.year * 100 + $0.month }) { perUnitMonth[row.unit.id, default: [:]][m, default: 0] += 1 }
        }
        for u in result.units {
            r += 1
            try ws.write(r, 0, u.unit.name, H.cell)
            if u.status != .accepted {
                // No file that counts: say so instead of counting zeros.
                let word = u.statusWord
                let fill = H.fill(of: u.state)
                for j in 0...months.count { try ws.write(r, 1 + j, word, H.cell.with { $0.fill = fill; $0.horizontal = .center }) }
                continue
            }
            var total = 0
            for (j, m) in months.enumerated() {
                let n = perUnitMonth[u.unit.id]?[m] ?? 0
                total += n
                try ws.write(r, 1 + j, Double(n), n < p.perMonthMin && judged(m) ? H.integer.with { $0.fill = H.red } : H.integer)
            }
            try ws.write(r, 1 + months.count, Double(total), H.integer.with { $0.bold = true })
        }
    }
}
