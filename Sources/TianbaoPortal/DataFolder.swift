import Foundation
import TianbaoArchive
import TianbaoPlan
import TianbaoTemplates

/// The portal's data folder, laid out as the CLI reads and writes it, so `tianbao merge
/// DATA/submissions/R --round R --out DATA/out/R --archive DATA/tianbao-archive.sqlite` and the
/// portal's 汇总 work on the same files:
/// - `submissions/<round>/<单位全称>-<round>.xlsx`: each unit's newest stored upload;
/// - `out/<round>/`: the merge's outputs;
/// - `tianbao-archive.sqlite`: the archive, with every upload's record;
/// - `.incoming/`: uploads being received (same file system, so storing one is a rename);
///   whatever is there when the server starts is what a killed server left, and is removed.
public struct DataFolder: Sendable {
    public let root: String

    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    public func submissions(_ round: String) -> String { join("submissions", round) }
    public func out(_ round: String) -> String { join("out", round) }
    public var archive: String { join(RoundArchive.defaultFileName) }
    /// The year's 回头看 (`tianbao review --year Y --out DATA/out/review-Y`).
    public func review(_ year: Int) -> String { join("out", "review-\(year)") }
    public var incoming: String { join(".incoming") }

    /// Where a unit's stored upload lives (the name `tianbao templates` gives its template).
    public func storedFile(unit: ReportingUnit, round: Round) -> String {
        (submissions(round.id) as NSString).appendingPathComponent(TemplateLayout.fileName(unit: unit, round: round))
    }

    private func join(_ parts: String...) -> String {
        parts.reduce(root) { ($0 as NSString).appendingPathComponent($1) }
    }
}
