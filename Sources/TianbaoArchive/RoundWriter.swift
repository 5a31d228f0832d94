import Dispatch
import Foundation
import TianbaoRound
import TianbaoSupport
import GRDB
import TianbaoCheck
import TianbaoPlan

/// Writes one round into the archive's tables, inside the caller's transaction: the round's
/// earlier record is deleted first (its units, files, rows, problems and figures with it), so
/// merging a round again replaces it.
struct RoundWriter {
    let db: Database
    let result: RoundResult

    func write(reportJSON: String) throws {
        let r = result
        let roundId = r.round.id
        try db.execute(sql: "DELETE FROM rounds WHERE round_id = ?", arguments: [roundId])
        let position = r.plan.rounds.firstIndex { $0.id == roundId } ?? r.plan.rounds.count
        let t = r.totals
        // The round it was compared with: the latest recorded before it (the archive's lock
        // keeps that from changing between the checks across rounds and this transaction).
        let previous = try Row.fetchOne(db, sql: "SELECT round_id, record_digest FROM rounds WHERE position < ? ORDER BY position DESC LIMIT 1",
                                        arguments: [position])
        try db.execute(sql: """
            INSERT INTO rounds (round_id, position, plan_id, plan_version, due, merged_at, expected, accepted, rejected,
                                missing, late, rows_read, rows_merged, rows_rejected, report_json,
                                record_digest, compared_with, compared_digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [roundId, position, r.plan.id, r.plan.version, r.round.due.description, Self.mergedAt(r),
                             t.expected, t.accepted, t.rejected, t.missing, t.late, t.rowsRead, t.rowsMerged, t.rowsRejected,
                             reportJSON, Digest.sha256(Array(reportJSON.utf8)).hex,
                             previous?["round_id"] as String?, previous?["record_digest"] as String?])

        let unitStatement = try db.makeStatement(sql: """
            INSERT INTO units (round_id, position, unit_id, unit_name, status, late, file, sha256, saved_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, u) in r.units.enumerated() {
            try unitStatement.execute(arguments: [roundId, i, u.unit.id, u.unit.name, u.status.rawValue, u.late,
                                                  u.submission?.file, u.submission?.sha256,
                                                  u.submission?.savedAt.map(RoundResult.chinaTime)])
        }

        let lateUnits = Set(r.units.filter(\.late).compactMap { $0.submission?.file })
        let fileStatement = try db.makeStatement(sql: """
            INSERT INTO files (round_id, position, file, unit_id, status, sha256, saved_at, late, superseded, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, f) in r.files.enumerated() {
            let late = f.submission?.savedAt.map { RoundResult.chinaDay($0) > r.round.due } ?? false
            try fileStatement.execute(arguments: [roundId, i, f.file, f.unitId, f.status.rawValue, f.submission?.sha256,
                                                  f.submission?.savedAt.map(RoundResult.chinaTime),
                                                  late || lateUnits.contains(f.file), f.status == .superseded, f.note])
        }

        let problemStatement = try db.makeStatement(sql: """
            INSERT INTO problems (round_id, position, file, unit_id, severity, sheet, cell, rule, value, message, explained)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, p) in r.problems.enumerated() {
            try problemStatement.execute(arguments: [roundId, i, p.file, p.unit, p.severity.rawValue, p.sheet, p.cell, p.rule.rawValue,
                                                     p.value, p.message, p.explained])
        }

        // Rows of each unit's file that counts (accepted, or the rejected one), with their
        // source cells; figures counted on the way over accepted rows of accepted units.
        let sheetStatement = try db.makeStatement(sql: """
            INSERT INTO sheets (round_id, sheet_id, sheet_name, fields_json) VALUES (?, ?, ?, ?)
            """)
        for sheet in r.plan.sheets where r.round.sheets.contains(sheet.id) {
            let ids = "[" + sheet.fields.map { JSONWriter.quote($0.id) }.joined(separator: ",") + "]"
            try sheetStatement.execute(arguments: [roundId, sheet.id, sheet.name, ids])
        }
        // Rows go in `rowsPerInsert` at a time (one statement of that many rows: a fraction of
        // the work per row of one statement per row), the last few one by one; in the same
        // order, so with the same row ids.
        let rowValues = "(?, ?, ?, ?, ?, ?, ?)"
        let rowInsert = "INSERT INTO rows (round_id, unit_id, sheet_id, row, accepted, explanation, values_json) VALUES "
        let rowStatement = try db.makeStatement(sql: rowInsert + rowValues)
        let rowsStatement = try db.makeStatement(sql: rowInsert + Array(repeating: rowValues, count: Self.rowsPerInsert).joined(separator: ", "))
        var pending: [RowEncoding.Encoded] = []
        pending.reserveCapacity(Self.rowsPerInsert)
        func arguments(_ row: RowEncoding.Encoded) -> [(any DatabaseValueConvertible)?] {
            [roundId, row.unit, row.sheet, row.row, row.accepted, row.explanation, row.json]
        }
        // Rows are read back from the row store, encoded and counted on a thread of their own
        // (`RowEncoding`), unit by unit in order, while this one stores them: the two halves
        // of the work take about as long.
        let encoding = RowEncoding(result: r)
        let queue = BoundedQueue<[RowEncoding.Encoded]>(capacity: 16)
        // A thread of its own, not one of Dispatch's pool: this thread waits on it, and a pool
        // busy with the outputs must not be able to leave it unstarted.
        let produced = DispatchGroup()
        produced.enter()
        let producer = Thread {
            encoding.run(into: queue)
            produced.leave()
        }
        producer.name = "tianbao-row-encoding"
        producer.start()
        do {
            while let batch = try queue.take() {
                for row in batch {
                    pending.append(row)
                    if pending.count == Self.rowsPerInsert {
                        try rowsStatement.execute(arguments: StatementArguments(pending.flatMap(arguments)))
                        pending.removeAll(keepingCapacity: true)
                    }
                }
            }
            for row in pending { try rowStatement.execute(arguments: StatementArguments(arguments(row))) }
        } catch {
            queue.cancel()
            produced.wait()
            throw error
        }
        produced.wait()
        let figures = encoding.figures
        let figureStatement = try db.makeStatement(sql: "INSERT INTO figures (round_id, name, value) VALUES (?, ?, ?)")
        for (name, value) in figures.named.sorted(by: { $0.key < $1.key }) {
            try figureStatement.execute(arguments: [roundId, name, value])
        }
        try UnitFigures.store(db, round: roundId, counts: figures.ledgers)
    }

    /// Rows stored by one INSERT (7 values each: well under SQLite's 32,766 parameters).
    static let rowsPerInsert = 64

    /// Pre-filled columns that copy the plan's own text (a task's title and text, its group,
    /// its lead units), by sheet id: the plan has them, the archive does not repeat them in
    /// every row. The task id and the unit's role are kept.
    static func planTextFields(_ plan: Plan) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for sheet in plan.sheets {
            let ids = sheet.fields.filter { [.taskTitleAndText, .taskGroup, .taskLead].contains($0.prefilled) }.map(\.id)
            if !ids.isEmpty { out[sheet.id] = Set(ids) }
        }
        return out
    }

    /// The time the round's material stands at (材料截至): the newest save time of the accepted
    /// files (UTC+8, the workbooks' own record), taken from the inputs rather than the clock so
    /// the same inputs record the same content; nil when no file was accepted.
    static func mergedAt(_ r: RoundResult) -> String? {
        r.units.filter { $0.status == .accepted }.compactMap { $0.submission?.savedAt }.max().map(RoundResult.chinaTime)
    }
}

/// Rows of each unit's file that counts (accepted, or the rejected one) read back from the row
/// store, in unit order, as the archive stores them; the round's figures counted on the way over
/// accepted rows of accepted units. Runs on one thread (`run`), handing batches to the one that
/// stores them; `figures` is read after `run` returned.
final class RowEncoding: @unchecked Sendable {
    struct Encoded {
        let unit: String
        let sheet: String
        let row: Int
        let accepted: Bool
        let explanation: String?
        let json: String
    }
    private let result: RoundResult
    private(set) var figures: FigureCounter

    init(result: RoundResult) {
        self.result = result
        figures = FigureCounter(plan: result.plan)
        // Every accepted unit asked for a declared ledger counts in its figures, with no rows too.
        for u in result.units where u.status == .accepted && u.submission?.fileAccepted == true {
            figures.expect(unit: u.unit, round: result.round)
        }
    }

    /// Encodes every unit's rows into `queue`, one batch per unit, and finishes it (with the
    /// error that stopped it, if one did); stops early when the consumer cancels.
    func run(into queue: BoundedQueue<[Encoded]>) {
        let planText = RoundWriter.planTextFields(result.plan)
        do {
            for u in result.units {
                guard let s = u.submission else { continue }
                let counts = u.status == .accepted && s.fileAccepted
                var batch: [Encoded] = []
                for row in try result.rows(of: s) {
                    let accepted = row.accepted && s.fileAccepted
                    batch.append(Encoded(unit: u.unit.id, sheet: row.sheet, row: row.row, accepted: accepted,
                                         explanation: row.explanation,
                                         json: RowValuesCoding.encode(row.values, skipping: planText[row.sheet] ?? [])))
                    if counts && accepted { figures.add(unit: u.unit.id, row: row) }
                }
                guard queue.put(batch) else { return queue.finish() }
            }
            queue.finish()
        } catch {
            queue.finish(throwing: error)
        }
    }
}

/// The round's figures, by name: accepted rows per sheet (`rows:ledger`, `rows:ledger:jiangan`),
/// the plan's targets (`target:communities`, `target:communities:jiangan`) and task rows by
/// status (`task_status:已完成`); and per declared ledger and unit, its items and done items
/// (`UnitFigures`).
struct FigureCounter {
    let plan: Plan
    let fields: CrossRoundFields
    /// By key: a key's name is made once per figure, not once per row counted.
    var values: [FigureKey: Double] = [:]

    /// The figures by their stored names.
    var named: [String: Double] { Dictionary(values.map { ($0.key.name, $0.value) }, uniquingKeysWith: +) }

    /// Adds `n` to the figure `key` (creating it at zero).
    private mutating func count(_ key: FigureKey, _ n: Double = 1) { values[key, default: 0] += n }
    var ledgers: UnitFigures.Counts = [:]

    init(plan: Plan) {
        self.plan = plan
        self.fields = CrossRoundFields(plan: plan)
        for target in plan.targets { values[FigureKey.target(target.id)] = 0 }
    }

    /// An accepted unit: every declared ledger the round asks of it starts at zero.
    mutating func expect(unit: ReportingUnit, round: Round) {
        for l in plan.outputs.ledgers where plan.asks(unit, for: l.sheet, in: round) {
            ledgers[l.sheet, default: [:]][unit.id] = (0, 0)
        }
    }

    mutating func add(unit: String, row: CheckedRow) {
        if let l = plan.outputs.ledger(row.sheet), ledgers[row.sheet]?[unit] != nil {
            ledgers[row.sheet]![unit]!.items += 1
            if row.values[l.status]?.text == l.done { ledgers[row.sheet]![unit]!.done += 1 }
        }
        count(.rows(row.sheet))
        count(.rows(row.sheet, unit: unit))
        for target in plan.targets where target.sheet == row.sheet && row.values[target.field]?.text == target.equals {
            count(.target(target.id))
            count(.target(target.id, unit: unit))
        }
        if row.sheet == fields.progressSheet, let status = row.values[fields.progressStatus]?.text {
            count(.taskStatus(status))
        }
    }
}

/// A row's values as a JSON array in field order (the sheet's `fields_json`): text as a
/// string, a whole number without a fraction, another number in Swift's shortest round-trip
/// form, a date as `{"d":"2021-06-15"}`, an empty or skipped field as null (trailing nulls
/// left out).
enum RowValuesCoding {
    static func encode(_ values: FieldValues, skipping: Set<String> = []) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(256)
        var nulls = 0  // written only when a value follows: trailing nulls are left out
        for (i, key) in values.keys.enumerated() {
            guard !skipping.contains(key), let value = values.value(at: i) else { nulls += 1; continue }
            if case .number(let n) = value, !n.isFinite { nulls += 1; continue }
            for _ in 0..<nulls {
                if out.count > 1 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "null".utf8)
            }
            nulls = 0
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            switch value {
            case .text(let s): JSONWriter.appendQuoted(s, to: &out)
            case .number(let n):
                if n == n.rounded() && abs(n) < 1e15 { out.append(contentsOf: String(Int64(n)).utf8) } else { out.append(contentsOf: "\(n)".utf8) }
            case .date(let d):
                out.append(contentsOf: #"{"d":""#.utf8)
                out.append(contentsOf: d.description.utf8)
                out.append(contentsOf: #""}"#.utf8)
            }
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A sheet's field ids from its `fields_json`.
    static func fieldList(_ text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String] ?? []
    }

    /// The values of a stored row, by field id. The archive's own format is read directly
    /// (`StoredRowParser`): a year's review reads every stored row of every round, and
    /// JSONSerialization, which turns every value into an NSString or NSNumber first, took two
    /// thirds of its time. Text the parser does not expect goes to JSONSerialization.
    /// The values of `fields` stored in `text`; with `keeping`, only those of the fields whose
    /// position it marks (the others are skipped, not decoded).
    static func decode(_ text: String, fields: [String], keeping: [Bool]? = nil) -> [String: FieldValue] {
        var text = text
        if let values = text.withUTF8({ StoredRowParser.parse($0, fields: fields, keeping: keeping) }) { return values }
        return decodeWithFoundation(text, fields: fields, keeping: keeping)
    }

    static func decodeWithFoundation(_ text: String, fields: [String], keeping: [Bool]? = nil) -> [String: FieldValue] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { return [:] }
        var out: [String: FieldValue] = [:]
        for (k, (key, value)) in zip(fields, array).enumerated() where keeping.map({ k < $0.count && $0[k] }) ?? true {
            if let s = value as? String {
                out[key] = .text(s)
            } else if let n = value as? NSNumber {
                out[key] = .number(n.doubleValue)
            } else if let d = (value as? [String: Any])?["d"] as? String, let day = Day(d) {
                out[key] = .date(day)
            }
        }
        return out
    }
}

/// Reads the JSON arrays `RowValuesCoding.encode` writes, and nothing else: `[`, values
/// separated by `,`, `]`, each value `null`, a number, a string (with the escapes
/// `JSONWriter.quote` writes) or `{"d":"2021-06-15"}`. Returns nil on anything else, for the
/// caller to read it the general way.
enum StoredRowParser {
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","),
                       close = UInt8(ascii: "]"), dateHead = Array(#"{"d":""#.utf8)

    static func parse(_ b: UnsafeBufferPointer<UInt8>, fields: [String], keeping: [Bool]? = nil) -> [String: FieldValue]? {
        let n = b.count
        guard n >= 2, b[0] == UInt8(ascii: "["), b[n - 1] == close else { return nil }
        var out: [String: FieldValue] = Dictionary(minimumCapacity: keeping.map { $0.count(where: { $0 }) } ?? fields.count)
        if n == 2 { return out }
        var i = 1, k = 0
        while true {
            let value: FieldValue?
            let wanted = keeping.map { k < $0.count && $0[k] } ?? true
            switch b[i] {
            case UInt8(ascii: "n"):
                guard i + 4 <= n, b[i + 1] == UInt8(ascii: "u"), b[i + 2] == UInt8(ascii: "l"), b[i + 3] == UInt8(ascii: "l") else { return nil }
                i += 4
                value = nil
            case quote where !wanted:
                guard let next = stringEnd(b, from: i) else { return nil }
                i = next
                value = nil
            case quote:
                guard let (text, next) = string(b, from: i) else { return nil }
                i = next
                value = .text(text)
            case UInt8(ascii: "{"):
                // {"d":"2021-06-15"}
                guard i + 18 <= n, dateHead.indices.allSatisfy({ b[i + $0] == dateHead[$0] }), b[i + 16] == quote,
                      b[i + 17] == UInt8(ascii: "}"),
                      let day = Day(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 6)..<(i + 16)]), as: UTF8.self)) else { return nil }
                i += 18
                value = wanted ? .date(day) : nil
            default:
                let start = i
                while i < n, b[i] != comma, b[i] != close { i += 1 }
                guard wanted else {
                    guard i > start else { return nil }
                    value = nil
                    break
                }
                guard let number = Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)) else { return nil }
                value = .number(number)
            }
            if let value, k < fields.count { out[fields[k]] = value }
            k += 1
            guard i < n else { return nil }
            if b[i] == comma { i += 1; continue }
            return b[i] == close && i == n - 1 ? out : nil
        }
    }

    /// The index after the closing quote of the string starting at the quote at `start`.
    private static func stringEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start + 1
        while i < b.count {
            if b[i] == quote { return i + 1 }
            i += b[i] == backslash ? 2 : 1
        }
        return nil
    }

    /// The string starting at the quote at `start`, and the index after its closing quote.
    private static func string(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (String, Int)? {
        var i = start + 1
        while i < b.count, b[i] != quote, b[i] != backslash { i += 1 }
        guard i < b.count else { return nil }
        if b[i] == quote {  // no escapes: the bytes as they are
            return (String(decoding: UnsafeBufferPointer(rebasing: b[(start + 1)..<i]), as: UTF8.self), i + 1)
        }
        var bytes = Array(b[(start + 1)..<i])
        while i < b.count {
            let c = b[i]
            if c == quote { return (String(decoding: bytes, as: UTF8.self), i + 1) }
            guard c == backslash else { bytes.append(c); i += 1; continue }
            guard i + 1 < b.count else { return nil }
            switch b[i + 1] {
            case quote: bytes.append(quote)
            case backslash: bytes.append(backslash)
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "/"))
            case UInt8(ascii: "n"): bytes.append(10)
            case UInt8(ascii: "r"): bytes.append(13)
            case UInt8(ascii: "t"): bytes.append(9)
            case UInt8(ascii: "b"): bytes.append(8)
            case UInt8(ascii: "f"): bytes.append(12)
            case UInt8(ascii: "u"):
                // Only the control characters JSONWriter.quote writes this way (\u0000–\u001f).
                guard i + 6 <= b.count, let code = UInt8(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 2)..<(i + 6)]), as: UTF8.self), radix: 16),
                      code < 0x20 else { return nil }
                bytes.append(code)
                i += 6
                continue
            default: return nil
            }
            i += 2
        }
        return nil
    }
}

