/// Which sheets and fields the checks and comparisons across rounds read, and which of their
/// values mean what. Today these are the default plan's ids, assumed here and only here; when
/// plans declare them (the progress sheet and its status/percentage fields, the ledger, which
/// statuses mean done, which figures only grow), build this value from the plan's declarations
/// instead of `standard`, and nothing else changes.
public struct CrossRoundFields: Sendable {
    /// The progress sheet (one row per task) and its fields.
    public var progressSheet = "progress"
    public var progressTask = "task"
    public var progressStatus = "status"
    public var progressPercent = "percent"
    /// Text fields of a progress row that a unit should rewrite each round while the task is open.
    public var progressTexts = ["work", "problems"]
    /// The progress status that means done (text copied from last round is then fine).
    public var progressDone = "已完成"
    /// The progress status that means lagging.
    public var progressLagging = "滞后"

    /// The ledger of communities (one row per community) and its fields.
    public var ledgerSheet = "ledger"
    public var ledgerName = "name"
    public var ledgerStatus = "status"
    public var ledgerFinish = "finish"
    /// Ledger statuses from least to most advanced: a move to an earlier one goes back.
    public var ledgerStatusOrder = ["未开工", "在建", "已完工"]
    /// The ledger status that means completed.
    public var ledgerCompleted = "已完工"

    /// Sheets whose numeric fields only grow (cumulative), with the fields and the key that
    /// identifies a row across rounds.
    public var cumulative: [(sheet: String, key: String, fields: [String])] = [
        ("progress", "task", ["percent"]),
        ("indicators", "name", ["done"]),
    ]

    /// The sheet with dated items that must come at least `monthlyMinimum` a month, and its date field.
    public var monthlySheet = "publicity"
    public var monthlyDate = "date"
    public var monthlyMinimum = 1

    /// The liaison sheet (one row) and its fields: whom 催报 calls.
    public var liaisonSheet = "liaison"
    public var liaisonName = "name"
    public var liaisonTitle = "title"
    public var liaisonOfficePhone = "office_phone"
    public var liaisonMobile = "mobile"

    public init() {}

    /// The default plan's sheets and fields.
    public static let standard = CrossRoundFields()
}
