import TianbaoCheck
import TianbaoPlan
import TianbaoRound

/// A round read back from the archive: what cross-round checks and comparisons compare with.
public struct ArchivedRound: Sendable {
    public var round: String
    public var planVersion: String
    /// The round's place in the plan's list of rounds.
    public var position: Int
    /// Every unit expected in the round, in plan order. Read with `unit(_:)` to get a unit's
    /// rows: a round read lazily leaves them in the archive until a unit is asked for.
    public var units: [ArchivedUnit] {
        didSet { unitIndex = Self.index(units) }
    }
    /// Each unit's position in `units`, by id.
    private var unitIndex: [String: Int]
    /// Reads one unit's rows, for a round read lazily (nil: the rows are in `units`).
    var rowLoader: (@Sendable (String) throws -> [ArchivedRow])?

    public init(round: String, planVersion: String, position: Int, units: [ArchivedUnit]) {
        self.round = round
        self.planVersion = planVersion
        self.position = position
        self.units = units
        self.unitIndex = Self.index(units)
    }

    private static func index(_ units: [ArchivedUnit]) -> [String: Int] {
        Dictionary(units.enumerated().map { ($1.unitId, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A unit with its rows (read from the archive now when the round was read lazily; a read
    /// that fails, damaged pages or a lock held too long, throws the `ArchiveError`).
    public func unit(_ id: String) throws -> ArchivedUnit? {
        guard let i = unitIndex[id] else { return nil }
        var u = units[i]
        if let rowLoader { u.rows = try rowLoader(id) }
        return u
    }

    /// A unit without its rows (its state, file and hash), from what is already read.
    public func head(_ id: String) -> ArchivedUnit? {
        unitIndex[id].map { units[$0] }
    }
}

/// A unit in an archived round.
public struct ArchivedUnit: Sendable {
    public var unitId: String
    public var unitName: String
    /// How the unit stood in the round (as recorded: accepted, rejected or missing).
    public var status: UnitStatus
    public var late: Bool
    public var file: String?
    public var sha256: String?
    /// Every row read from the unit's file that counted (accepted or not).
    public var rows: [ArchivedRow]

    public init(unitId: String, unitName: String, status: UnitStatus, late: Bool, file: String?, sha256: String?, rows: [ArchivedRow]) {
        self.unitId = unitId
        self.unitName = unitName
        self.status = status
        self.late = late
        self.file = file
        self.sha256 = sha256
        self.rows = rows
    }

    public var accepted: Bool { status == .accepted }

    /// Accepted rows of a sheet, in row order.
    public func acceptedRows(_ sheet: String) -> [ArchivedRow] {
        rows.filter { $0.sheet == sheet && $0.accepted }.sorted { $0.row < $1.row }
    }
}

/// A row read back from the archive, with its source cell.
public struct ArchivedRow: Sendable {
    public var file: String
    public var sheet: String
    public var sheetName: String
    public var row: Int
    public var accepted: Bool
    public var explanation: String?
    public var values: [String: FieldValue]

    public init(file: String, sheet: String, sheetName: String, row: Int, accepted: Bool, explanation: String?,
                values: [String: FieldValue]) {
        self.file = file
        self.sheet = sheet
        self.sheetName = sheetName
        self.row = row
        self.accepted = accepted
        self.explanation = explanation
        self.values = values
    }
}
