import TianbaoPlan

/// Which sheets and fields the checks and comparisons across rounds read, and which of their
/// values mean what, built from the plan's declarations (`outputs:` and the field flags), never
/// from fixed ids. An empty id means the plan declares none: the checks that read it find
/// nothing and say nothing.
///
/// Where each comes from:
/// - the progress sheet, its task, status and percentage fields, and the done and lagging
///   statuses: `outputs.progress`; the texts a unit must rewrite while a task is open are the
///   sheet's required free-text fields (not pre-filled) and the declared `problems` field;
/// - the ledger: the first of `outputs.ledgers` (its sheet, `name`, `status`, `done`); the
///   statuses from least to most advanced are its choice list's order; its completion date is
///   the date field the plan requires when the status is the done value (an `implies` rule);
/// - figures that only grow: the progress percentage, and every number field marked
///   `cumulative: true`, each row known across rounds by the task (task sheets), the ledger's
///   name, or the field of the sheet's first `unique` rule;
/// - the monthly rule: `outputs.publicity`; whom 催报 calls: `outputs.liaison`.
public struct CrossRoundFields: Sendable {
    /// The progress sheet (one row per task) and its fields.
    public var progressSheet = ""
    public var progressTask = ""
    public var progressStatus = ""
    public var progressPercent = ""
    /// Text fields of a progress row that a unit should rewrite each round while the task is open.
    public var progressTexts: [String] = []
    /// The progress status that means done (text copied from last round is then fine).
    public var progressDone = ""
    /// The progress status that means lagging.
    public var progressLagging = ""

    /// The ledger of communities (one row per community) and its fields.
    public var ledgerSheet = ""
    public var ledgerName = ""
    public var ledgerStatus = ""
    public var ledgerFinish = ""
    /// Ledger statuses from least to most advanced: a move to an earlier one goes back.
    public var ledgerStatusOrder: [String] = []
    /// The ledger status that means completed.
    public var ledgerCompleted = ""

    /// Sheets whose numeric fields only grow (cumulative), with the fields and the key that
    /// identifies a row across rounds.
    public var cumulative: [(sheet: String, key: String, fields: [String])] = []

    /// The sheet with dated items that must come at least `monthlyMinimum` a month, and its date field.
    public var monthlySheet = ""
    public var monthlyDate = ""
    public var monthlyMinimum = 1

    /// The liaison sheet (one row) and its fields: whom 催报 calls.
    public var liaisonSheet = ""
    public var liaisonName = ""
    public var liaisonTitle = ""
    public var liaisonOfficePhone = ""
    public var liaisonMobile = ""

    /// The sheets and fields `plan` declares (see the type's description); `ledger`: the ledger
    /// to read, when not the first declared (the outputs compare each declared ledger).
    public init(plan: Plan, ledger: LedgerOutput? = nil) {
        let outputs = plan.outputs
        if let p = outputs.progress {
            progressSheet = p.sheet
            progressTask = p.task
            progressStatus = p.status
            progressPercent = p.percent ?? ""
            progressDone = p.done ?? ""
            progressLagging = p.lagging ?? ""
            let free = plan.sheet(p.sheet)?.fields.filter { $0.type == .text && $0.required && $0.prefilled == nil }.map(\.id) ?? []
            progressTexts = free + [p.problems].compactMap { $0 }.filter { !free.contains($0) }
            if let percent = p.percent { cumulative.append((p.sheet, p.task, [percent])) }
        }
        if let l = ledger ?? outputs.ledgers.first {
            ledgerSheet = l.sheet
            // The field naming an item: the declared one, else the sheet's first text field.
            ledgerName = l.name ?? plan.sheet(l.sheet)?.fields.first { $0.type == .text }?.id ?? ""
            ledgerStatus = l.status
            ledgerStatusOrder = l.statuses
            ledgerCompleted = l.done
            let sheet = plan.sheet(l.sheet)
            for rule in sheet?.rules ?? [] {
                guard case .implies(let condition, .required(let field), _, _) = rule, condition.field == l.status,
                      condition.equals == l.done, sheet?.field(field)?.type == .date else { continue }
                ledgerFinish = field
                break
            }
        }
        for sheet in plan.sheets {
            let grows = sheet.fields.filter { $0.cumulative }.map(\.id)
            guard !grows.isEmpty else { continue }
            let key: String?
            if sheet.kind == .tasks {
                key = sheet.fields.first { $0.prefilled == .taskId }?.id
            } else if sheet.id == ledgerSheet, !ledgerName.isEmpty {
                key = ledgerName
            } else {
                key = sheet.rules.lazy.compactMap { rule -> String? in
                    if case .unique(let field, _, _) = rule { return field } else { return nil }
                }.first
            }
            guard let key else { continue }
            if let i = cumulative.firstIndex(where: { $0.sheet == sheet.id && $0.key == key }) {
                cumulative[i].fields += grows.filter { !cumulative[i].fields.contains($0) }
            } else {
                cumulative.append((sheet.id, key, grows))
            }
        }
        if let m = outputs.publicity {
            monthlySheet = m.sheet
            monthlyDate = m.date
            monthlyMinimum = m.perMonthMin
        }
        if let c = outputs.liaison {
            liaisonSheet = c.sheet
            liaisonName = c.name
            liaisonTitle = c.title ?? ""
            liaisonOfficePhone = c.phone ?? ""
            liaisonMobile = c.mobile ?? ""
        }
    }

    /// The sheets the checks and comparisons read of an earlier round: the others stay in the
    /// archive (`RoundArchive.previousRound(before:plan:sheets:)`).
    public var sheetsRead: Set<String> {
        Set([progressSheet, ledgerSheet, monthlySheet] + cumulative.map(\.sheet)).subtracting([""])
    }
}
