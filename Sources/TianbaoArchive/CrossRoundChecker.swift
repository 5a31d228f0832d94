import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoSupport
import XLSX

/// What a check across rounds found: a problem at its cell, and the row it keeps out of the
/// merge when it is an error.
public struct CrossRoundFinding: Sendable {
    public var problem: Problem
    /// The row (sheet id, 1-based row) an error rejects; nil for warnings and file-wide findings.
    public var rejects: (sheet: String, row: Int)?
}

/// The checks one round cannot make alone, made against the unit's earlier rounds in the
/// archive: a ledger status going back (error); a figure that only grows
/// falling, a completion date moved, a jump beyond the plan's `max_change` (warnings); the same
/// community reported by two units, or vanished from a unit's ledger (warnings); text, or a
/// whole workbook, copied unchanged from last round (warnings); the monthly rule judged per
/// month over the rounds (warning). Warnings a unit explained in the row's 说明 are marked
/// explained, as within a round.
///
/// Which sheets and fields these read is in `CrossRoundFields`, nowhere else.
public struct CrossRoundChecker: Sendable {
    public let plan: Plan
    public let round: Round
    /// The latest round recorded before this one.
    public let previous: ArchivedRound
    public let fields: CrossRoundFields

    /// `fields` defaults to what the plan declares.
    public init(previous: ArchivedRound, plan: Plan, round: Round, fields: CrossRoundFields? = nil) {
        self.previous = previous
        self.plan = plan
        self.round = round
        self.fields = fields ?? CrossRoundFields(plan: plan)
    }

    /// The rows of one unit's file this round, as the checker needs them.
    public struct UnitRows: Sendable {
        public var unit: ReportingUnit
        public var submission: Submission
        public var rows: [CheckedRow]
        public init(unit: ReportingUnit, submission: Submission, rows: [CheckedRow]) {
            self.unit = unit
            self.submission = submission
            self.rows = rows
        }
    }

    /// Every finding for the round's accepted files, unit by unit in the order given, then
    /// the findings across units (a community reported by two units).
    public func check(_ units: [UnitRows]) throws -> [String: [CrossRoundFinding]] {
        var out: [String: [CrossRoundFinding]] = [:]
        for u in units { out[u.unit.id, default: []] += try check(u) }
        for (unitId, findings) in try acrossUnits(units.flatMap(ledgerEntries)) { out[unitId, default: []] += findings }
        return out
    }

    /// A community in a unit's ledger this round: what the check across units needs of a row.
    public struct LedgerEntry: Sendable {
        public var unit: ReportingUnit
        public var file: String
        public var row: Int
        public var name: String
        public var explained: Bool
    }

    /// The accepted ledger rows of a unit's file, for `acrossUnits`.
    public func ledgerEntries(_ u: UnitRows) -> [LedgerEntry] {
        u.rows.compactMap { row in
            guard row.sheet == fields.ledgerSheet, row.accepted, let name = row.values[fields.ledgerName]?.text else { return nil }
            return LedgerEntry(unit: u.unit, file: u.submission.file, row: row.row, name: name, explained: row.explanation != nil)
        }
    }

    /// The findings of one unit's file against the unit's own previous round.
    public func check(_ u: UnitRows) throws -> [CrossRoundFinding] {
        guard previous.head(u.unit.id)?.accepted == true, let before = try previous.unit(u.unit.id) else { return [] }
        var out: [CrossRoundFinding] = []
        let file = u.submission.file
        func warn(_ sheet: String, _ row: CheckedRow?, _ field: String?, _ rule: Rule, _ value: String, _ message: String) {
            out.append(finding(.warning, file: file, unit: u.unit.id, sheet: sheet, row: row, field: field, rule: rule,
                               value: value, message: message))
        }
        let last = "上期（\(previous.round)）"

        // A whole workbook identical to last round's.
        if let sha = before.sha256, sha == u.submission.sha256 {
            out.append(CrossRoundFinding(problem: Problem(severity: .warning, file: file, unit: u.unit.id, sheet: nil, cell: nil,
                                                          rule: .copiedWorkbook, value: String(sha.prefix(12)),
                                                          message: "本期报送的文件与\(last)报送的文件完全相同（SHA-256 一致）。请核实是否误报了上期文件，并按本期实际情况重新填报。"),
                                         rejects: nil))
        } else if sameContent(u.rows, before) {
            out.append(CrossRoundFinding(problem: Problem(severity: .warning, file: file, unit: u.unit.id, sheet: nil, cell: nil,
                                                          rule: .copiedWorkbook, value: "",
                                                          message: "本期填报的全部内容与\(last)完全相同。请核实是否照抄了上期内容，并按本期实际情况填报。"),
                                         rejects: nil))
        }

        // The ledger: status going back, completion date moved, community vanished.
        let ledgerNow = u.rows.filter { $0.sheet == fields.ledgerSheet }
        let previousLedger = before.acceptedRows(fields.ledgerSheet)
        let previousByName = CommunityIndex(previousLedger.compactMap { row in row.values[fields.ledgerName].map { ($0.text, row) } })
        let currentNames = CommunityIndex(ledgerNow.compactMap { row in row.values[fields.ledgerName].map { ($0.text, row.row) } })
        for row in ledgerNow {
            guard let name = row.values[fields.ledgerName]?.text, row.accepted, let old = previousByName.find(name) else { continue }
            if let now = row.values[fields.ledgerStatus]?.text, let was = old.values[fields.ledgerStatus]?.text,
               let i = fields.ledgerStatusOrder.firstIndex(of: now), let j = fields.ledgerStatusOrder.firstIndex(of: was), i < j {
                out.append(finding(.error, file: file, unit: u.unit.id, sheet: fields.ledgerSheet, row: row, field: fields.ledgerStatus,
                                   rule: .statusWentBack, value: "\(was) → \(now)",
                                   message: "小区“\(name)”的状态由\(last)的“\(was)”退回为“\(now)”。状态只能前进；如上期填报有误，请与办公室联系更正上期台账后重新报送。",
                                   rejects: true))
            }
            if let was = old.values[fields.ledgerFinish]?.day, let now = row.values[fields.ledgerFinish]?.day, was != now {
                warn(fields.ledgerSheet, row, fields.ledgerFinish, .finishDateMoved, "\(was) → \(now)",
                     "小区“\(name)”的完工日期由\(last)的 \(was) 改为 \(now)。已填报的完工日期不应变动，如确需更正请在“说明”中写明原因。")
            }
            jumps(row, old, sheet: fields.ledgerSheet, label: "小区“\(name)”", into: &out, file: file, unit: u.unit.id)
        }
        if round.sheets.contains(fields.ledgerSheet) {  // a round without the ledger drops nothing
            for old in previousLedger {
                guard let name = old.values[fields.ledgerName]?.text, currentNames.find(name) == nil else { continue }
                // A community another unit also listed last round (the duplicate found then)
                // is not asked back: the unit it belongs to keeps it.
                let message: String
                if let other = try listedElsewhere(name, except: u.unit.id) {
                    message = "\(last)台账第 \(old.row) 行的小区“\(name)”本期台账中没有了。该小区\(last)也由\(other.unit)填报（“\(other.name)”），"
                        + "如确属该单位辖区，无需补填；否则请补填该小区并在“说明”中写明。"
                } else {
                    message = "\(last)台账第 \(old.row) 行的小区“\(name)”本期台账中没有了。台账应逐期延续，请补填该小区；如已调整出改造计划，请与办公室联系说明。"
                }
                out.append(CrossRoundFinding(problem: Problem(
                    severity: .warning, file: file, unit: u.unit.id, sheet: sheetName(fields.ledgerSheet), cell: nil,
                    rule: .communityVanished, value: name, message: message),
                    rejects: nil))
            }
        }

        // Cumulative figures falling (a task's 完成进度, an indicator's 累计完成值).
        for spec in fields.cumulative {
            var old: [String: ArchivedRow] = [:]
            for row in before.acceptedRows(spec.sheet) { if let k = row.values[spec.key]?.text { old[k] = row } }
            for row in u.rows where row.sheet == spec.sheet && row.accepted {
                guard let k = row.values[spec.key]?.text, let was = old[k] else { continue }
                for f in spec.fields {
                    guard let now = row.values[f]?.number, let then = was.values[f]?.number, now < then - 1e-9 else { continue }
                    let name = plan.sheet(spec.sheet)?.field(f)?.name ?? f
                    warn(spec.sheet, row, f, .figureFell, "\(NumberText.format(then)) → \(NumberText.format(now))",
                         "“\(k)”的“\(name)”由\(last)的 \(NumberText.format(then)) 降为 \(NumberText.format(now))。累计数只增不减，请核实；如确需调减请在“说明”中写明原因。")
                }
                if spec.sheet != fields.ledgerSheet {
                    jumps(row, was, sheet: spec.sheet, label: "“\(k)”", into: &out, file: file, unit: u.unit.id)
                }
            }
        }

        // Text copied unchanged for a task not yet done.
        var oldTasks: [String: ArchivedRow] = [:]
        for row in before.acceptedRows(fields.progressSheet) {
            if let k = row.values[fields.progressTask]?.text { oldTasks[k] = row }
        }
        for row in u.rows where row.sheet == fields.progressSheet && row.accepted {
            guard let task = row.values[fields.progressTask]?.text, let old = oldTasks[task],
                  row.values[fields.progressStatus]?.text != fields.progressDone else { continue }
            for f in fields.progressTexts {
                guard let now = row.values[f]?.text, !now.isEmpty, now == old.values[f]?.text else { continue }
                let name = plan.sheet(fields.progressSheet)?.field(f)?.name ?? f
                warn(fields.progressSheet, row, f, .textCopied, TextExcerpt.clip(now, to: 30),
                     "任务 \(task) 的“\(name)”与\(last)填报的内容完全相同，而任务尚未完成。请填写本期的实际情况。")
            }
        }

        // The monthly rule, judged per month over the rounds.
        out += monthly(u, before: before)
        return out
    }

    /// Warnings for numbers that moved by more than the plan's `max_change` since last round.
    private func jumps(_ row: CheckedRow, _ old: ArchivedRow, sheet: String, label: String, into out: inout [CrossRoundFinding],
                       file: String, unit: String) {
        guard let spec = plan.sheet(sheet) else { return }
        for field in spec.fields {
            guard let limit = field.maxChangePercent, let now = row.values[field.id]?.number,
                  let then = old.values[field.id]?.number, then != 0 else { continue }
            let change = (now - then) / abs(then) * 100
            guard abs(change) > limit + 1e-9 else { continue }
            out.append(finding(.warning, file: file, unit: unit, sheet: sheet, row: row, field: field.id, rule: .jump,
                               value: "\(NumberText.format(then)) → \(NumberText.format(now))",
                               message: "\(label)的“\(field.name)”由上期（\(previous.round)）的 \(NumberText.format(then)) 变为 \(NumberText.format(now))，"
                                   + "变化 \(NumberText.format((change * 10).rounded() / 10))%，超过计划规定的 \(NumberText.format(limit))%。请核实；如属实请在“说明”中写明原因。"))
        }
    }

    /// Months since the previous round's start and before this round's start with fewer dated
    /// items than the minimum, counting each month's items from the month's own round (the
    /// previous round) and from this one.
    private func monthly(_ u: UnitRows, before: ArchivedUnit) -> [CrossRoundFinding] {
        guard let sheet = plan.sheet(fields.monthlySheet), round.sheets.contains(sheet.id),
              let prevRound = plan.round(previous.round), prevRound.sheets.contains(sheet.id) else { return [] }
        var counts: [Int: Int] = [:]
        func key(_ d: Day) -> Int { d.year * 12 + d.month - 1 }
        for row in before.acceptedRows(sheet.id) { if let d = row.values[fields.monthlyDate]?.day { counts[key(d), default: 0] += 1 } }
        for row in u.rows where row.sheet == sheet.id && row.accepted {
            if let d = row.values[fields.monthlyDate]?.day { counts[key(d), default: 0] += 1 }
        }
        var out: [CrossRoundFinding] = []
        for month in key(prevRound.start)..<key(round.start) where (counts[month] ?? 0) < fields.monthlyMinimum {
            let (y, m) = (month / 12, month % 12 + 1)
            out.append(CrossRoundFinding(problem: Problem(
                severity: .warning, file: u.submission.file, unit: u.unit.id, sheet: sheet.name, cell: nil, rule: .minRowsPerMonth,
                value: "\(y)年\(m)月 \(counts[month] ?? 0) 篇",
                message: "\(y)年\(m)月报送宣传信息 \(counts[month] ?? 0) 篇（按上期 \(previous.round) 与本期合计），少于每月 \(fields.monthlyMinimum) 篇。"),
                rejects: nil))
        }
        return out
    }

    /// Another unit whose counted ledger of the previous round lists `name` (by its normalised
    /// name), with the name it gave. Read only when a community vanished.
    private func listedElsewhere(_ name: String, except unit: String) throws -> (unit: String, name: String)? {
        let key = CommunityName.normalised(name)
        for listed in previous.units where listed.unitId != unit && listed.accepted {
            guard let other = try previous.unit(listed.unitId) else { continue }
            for row in other.acceptedRows(fields.ledgerSheet) {
                if let n = row.values[fields.ledgerName]?.text, CommunityName.normalised(n) == key { return (other.unitName, n) }
            }
        }
        return nil
    }

    /// The same community in two units' ledgers this round (or in another unit's ledger last
    /// round, when that unit is not in this merge): a warning at the later one's name. Entries
    /// come in unit order.
    public func acrossUnits(_ entries: [LedgerEntry]) throws -> [String: [CrossRoundFinding]] {
        var owner: [String: LedgerEntry] = [:]
        var out: [String: [CrossRoundFinding]] = [:]
        let current = Set(entries.map(\.unit.id))
        // Last round's ledgers of units not in this merge.
        var earlier: [String: (unit: String, row: Int, name: String)] = [:]
        for listed in previous.units where !current.contains(listed.unitId) && listed.accepted {
            guard let unit = try previous.unit(listed.unitId) else { continue }
            for row in unit.acceptedRows(fields.ledgerSheet) {
                if let name = row.values[fields.ledgerName]?.text { earlier[CommunityName.normalised(name)] = (unit.unitName, row.row, name) }
            }
        }
        for e in entries {
            let key = CommunityName.normalised(e.name)
            var message: String?
            if let first = owner[key], first.unit.id != e.unit.id {
                message = "小区“\(e.name)”也出现在\(first.unit.name)本期台账第 \(first.row) 行（“\(first.name)”）。同一小区只能由所在辖区填报，请核实。"
            } else if let other = earlier[key] {
                message = "小区“\(e.name)”在上期（\(previous.round)）由\(other.unit)填报（台账第 \(other.row) 行，“\(other.name)”）。同一小区只能由所在辖区填报，请核实。"
            }
            if owner[key] == nil { owner[key] = e }
            guard let message else { continue }
            let column = (plan.sheet(fields.ledgerSheet)?.fields.firstIndex { $0.id == fields.ledgerName } ?? 0) + 1
            out[e.unit.id, default: []].append(CrossRoundFinding(
                problem: Problem(severity: .warning, file: e.file, unit: e.unit.id, sheet: sheetName(fields.ledgerSheet),
                                 cell: CellReference(row: e.row, column: column).description, rule: .communityDuplicate,
                                 value: e.name, message: message, explained: e.explained),
                rejects: nil))
        }
        return out
    }

    /// True when every sheet both rounds hold has the same values in the same rows.
    private func sameContent(_ rows: [CheckedRow], _ before: ArchivedUnit) -> Bool {
        let old = before.rows
        guard !rows.isEmpty, !old.isEmpty else { return false }
        let sheets = Set(old.map(\.sheet)).intersection(rows.map(\.sheet))
        guard !sheets.isEmpty else { return false }
        let now = rows.filter { sheets.contains($0.sheet) }
        let then = old.filter { sheets.contains($0.sheet) }
        guard now.count == then.count else { return false }
        var byPlace: [String: [String: FieldValue]] = [:]
        for r in then { byPlace["\(r.sheet)#\(r.row)"] = r.values }
        let planText = RoundWriter.planTextFields(plan)  // not archived: the plan's own text
        for r in now {
            guard let values = byPlace["\(r.sheet)#\(r.row)"] else { return false }
            let skip = planText[r.sheet] ?? []
            var mine: [String: FieldValue] = [:]
            for (k, v) in r.values where !skip.contains(k) { mine[k] = v }
            if mine != values { return false }
        }
        return true
    }

    private func sheetName(_ id: String) -> String { plan.sheet(id)?.name ?? id }

    private func finding(_ severity: Severity, file: String, unit: String, sheet: String, row: CheckedRow?, field: String?,
                         rule: Rule, value: String, message: String, rejects: Bool = false) -> CrossRoundFinding {
        var cell: String?
        if let row, let field, let column = plan.sheet(sheet)?.fields.firstIndex(where: { $0.id == field }) {
            cell = CellReference(row: row.row, column: column + 1).description
        }
        let explained = severity == .warning && row?.explanation != nil
        return CrossRoundFinding(
            problem: Problem(severity: severity, file: file, unit: unit, sheet: sheetName(sheet), cell: cell, rule: rule, value: value,
                             message: message, explained: explained),
            rejects: rejects && row != nil ? (sheet, row!.row) : nil)
    }
}

/// Items looked up by community name: the exact name first, else the normalised name when
/// only one item has it (a unit may list 纱帽钢花社区 and 纱帽钢花小区 as two communities).
struct CommunityIndex<T> {
    private var exact: [String: T] = [:]
    private var normalised: [String: T?] = [:]

    init(_ items: [(name: String, item: T)]) {
        for (name, item) in items {
            if exact[name] == nil { exact[name] = item }
            let key = CommunityName.normalised(name)
            normalised[key] = normalised[key] == nil ? .some(item) : .some(nil)
        }
    }

    func find(_ name: String) -> T? {
        if let item = exact[name] { return item }
        return normalised[CommunityName.normalised(name)] ?? nil
    }
}

/// Community names compared across units and rounds: full-width forms folded (NFKC), spaces
/// removed, and a trailing 小区 or 社区 dropped (幸福里小区 = 幸福里社区 = 幸福里 = 幸福里 小区).
/// Dropping the suffix is safe only as a fallback when the exact name finds nothing and one
/// item alone has the normalised name (`CommunityIndex`): one unit may list 纱帽钢花社区 and
/// 纱帽钢花小区 in one round as two communities.
public enum CommunityName {
    /// The name with only its form folded (NFKC, spaces removed, lower case): two names equal
    /// here are the same community.
    public static func exact(_ name: String) -> String {
        var s = name.precomposedStringWithCompatibilityMapping
        s.removeAll { $0.isWhitespace }
        return s.lowercased()
    }

    public static func normalised(_ name: String) -> String {
        var s = exact(name)
        for suffix in ["小区", "社区"] where s.hasSuffix(suffix) && s.count > suffix.count {
            s.removeLast(suffix.count)
            break
        }
        return s
    }
}
