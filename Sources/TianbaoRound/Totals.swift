import TianbaoCheck

/// Step 4 of a merge: the round's counts of units and rows. Added up here and nowhere else
/// (the merge, and the checks across rounds when they reject rows, both call
/// `init(units:files:)`).
public struct Totals: Sendable, Equatable {
    public var expected = 0, accepted = 0, rejected = 0, missing = 0, late = 0
    public var rowsRead = 0, rowsMerged = 0, rowsRejected = 0
    /// Units counted as missing because the office could not read their file (未处理).
    public var unread = 0

    public init() {}

    /// The counts of resolved units and their files: units by status; rows read in files
    /// accepted or rejected, merged (accepted rows of the accepted files), and not merged.
    public init(units: [UnitOutcome], files: [FileOutcome]) {
        expected = units.count
        accepted = units.filter { $0.status == .accepted }.count
        rejected = units.filter { $0.status == .rejected }.count
        missing = units.filter { $0.status == .missing }.count
        late = units.filter { $0.late && $0.status == .accepted }.count
        unread = units.filter { $0.status == .missing && !$0.unreadFiles.isEmpty }.count
        for f in files where f.status == .accepted || f.status == .rejected {
            guard let s = f.submission else { continue }
            rowsRead += s.rowsRead
            let merged = f.status == .accepted ? s.rowsAccepted : 0
            rowsMerged += merged
            rowsRejected += s.rowsRead - merged
        }
    }
}
