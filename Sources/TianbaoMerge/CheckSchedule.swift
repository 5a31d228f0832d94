import TianbaoPlan
import TianbaoTemplates

/// Step 2 of a merge: the order in which a round's files are checked, so that units can be
/// decided (and streamed into the consolidated workbook) in plan order while later files are
/// still being checked.
///
/// Files are ordered by the unit their name names (the template's own name is looked up
/// directly, other names are searched for a unit's name), files that name no unit first, then
/// by their position in the listing. `groupEnd[u]` says how many scheduled files must be
/// checked before unit `u` can be decided: every file that names `u` or an earlier unit (or no
/// unit).
public struct CheckSchedule: Sendable, Equatable {
    /// For each file given, the position (in the round's units) of the unit its name names;
    /// -1 when it names none.
    public let guesses: [Int]
    /// The files given (by position), in the order they are checked.
    public let order: [Int]
    /// For each unit of the round: how many scheduled files come before the first file of a
    /// later unit.
    public let groupEnd: [Int]

    /// The schedule of the files `names` for the units of `round` (in plan order).
    public init(names: [String], units: [ReportingUnit], round: Round) {
        var unitPosition: [String: Int] = [:]
        for (i, u) in units.enumerated() where unitPosition[u.id] == nil { unitPosition[u.id] = i }
        var byTemplateName: [String: Int] = [:]
        for (i, u) in units.enumerated() { byTemplateName[TemplateLayout.fileName(unit: u, round: round)] = i }
        let guesses = names.map { name -> Int in
            if let i = byTemplateName[name] { return i }
            return RoundListing.unitNamed(in: name, units: units).flatMap { unitPosition[$0.id] } ?? -1
        }
        let order = names.indices.sorted { (guesses[$0], $0) < (guesses[$1], $1) }
        var groupEnd = Array(repeating: 0, count: units.count)
        var position = 0
        for u in units.indices {
            while position < order.count && guesses[order[position]] <= u { position += 1 }
            groupEnd[u] = position
        }
        self.guesses = guesses
        self.order = order
        self.groupEnd = groupEnd
    }

    /// The number of files scheduled.
    public var count: Int { order.count }
}
