import Foundation
import TianbaoCheck
import TianbaoPlan
import TianbaoRound

/// The streaming protocol of a merge: decides accepted units in plan order while later files
/// are still being checked, and hands each decided unit with the file that counts to a sink
/// (the consolidated workbook's writer), so the workbook is written meanwhile instead of after.
///
/// Invariants:
/// 1. **One owner.** A `UnitStream` is a value owned and driven by one thread (the merging
///    thread). The threads that check files never touch it: they hand each checked file over
///    as a value (`CheckedFiles`), and the owner feeds it in with `completed(_:_:)`.
/// 2. **Prefix.** Unit `u` is decided only once the first `schedule.groupEnd[u]` scheduled
///    files are all checked, whatever order they finish in: by then every file whose name names
///    `u`, an earlier unit or no unit is known.
/// 3. **Order.** Units are decided in plan order, each once; the sink gets those with an
///    accepted file, with the newest accepted file among those known (`UnitResolver.newer`).
/// 4. **A failed group.** When the sink throws, nothing more is handed to it; the first error
///    is kept and thrown by `finish()`, which the owner calls once every file is checked (no
///    check is left running).
/// 5. **Fallback.** A file named after one unit may turn out to belong to another unit that was
///    already decided. The streamed decisions then no longer match the resolution of the whole
///    round: `held(by:)` is false and the caller writes the workbook again from the result (the
///    same writes, so the same bytes).
public struct UnitStream {
    public typealias Sink = (ReportingUnit, Submission) throws -> Void

    public let schedule: CheckSchedule
    public let units: [ReportingUnit]
    private var finished: [Bool]
    private var checked: [Submission?]
    /// How many scheduled files are checked in a row from the first.
    private var prefix = 0
    /// The next unit to decide.
    private var next = 0
    /// Accepted files of the prefix by unit id, for units not yet decided.
    private var candidates: [String: [Submission]] = [:]
    /// The file streamed for each unit (by unit id).
    public private(set) var streamed: [String: String] = [:]
    private var failure: Error?

    /// A stream over `schedule` for the round's `units` (in plan order).
    public init(schedule: CheckSchedule, units: [ReportingUnit]) {
        self.schedule = schedule
        self.units = units
        finished = Array(repeating: false, count: schedule.count)
        checked = Array(repeating: nil, count: schedule.count)
    }

    /// Takes the file checked at position `k` of the schedule, and hands to `sink` every unit
    /// that can now be decided and has an accepted file (none after a sink error).
    public mutating func completed(_ k: Int, _ submission: Submission, sink: Sink) {
        precondition(!finished[k], "file \(k) of the schedule completed twice")
        finished[k] = true
        checked[k] = submission
        let start = prefix
        while prefix < finished.count && finished[prefix] { prefix += 1 }
        for j in start..<prefix {
            if let s = checked[j], s.fileAccepted, let id = s.unit?.id { candidates[id, default: []].append(s) }
            checked[j] = nil
        }
        decide(sink: sink)
    }

    /// Decides every unit whose files are all known (units with no file at all, at the start).
    public mutating func decide(sink: Sink) {
        while next < units.count && schedule.groupEnd[next] <= prefix {
            let unit = units[next]
            next += 1
            guard let winner = candidates.removeValue(forKey: unit.id)?.sorted(by: UnitResolver.newer).first,
                  failure == nil else { continue }
            do {
                try sink(unit, winner)
                streamed[unit.id] = winner.file
            } catch {
                failure = error
            }
        }
    }

    /// Throws the sink's first error, if any; call once every scheduled file is checked.
    public func finish() throws {
        if let failure { throw failure }
    }

    /// Whether what was streamed is what the whole round resolved: for every unit, the file
    /// that counts when accepted, nothing otherwise.
    public func held(by resolved: [UnitOutcome]) -> Bool {
        resolved.allSatisfy { u in streamed[u.unit.id] == (u.status == .accepted ? u.submission?.file : nil) }
    }
}

/// The hand-off between the threads that check files and the one that owns the merge: each
/// checked file is sent as a value with its position in the schedule, and received in the
/// order the checks finish. Nothing else is shared.
final class CheckedFiles: @unchecked Sendable {
    private var queue: [(Int, Submission)] = []
    private let condition = NSCondition()

    /// Sends a checked file (from a checking thread).
    func send(_ k: Int, _ submission: Submission) {
        condition.lock()
        queue.append((k, submission))
        condition.signal()
        condition.unlock()
    }

    /// Waits for the next checked file (on the owning thread).
    func receive() -> (Int, Submission) {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        return queue.removeFirst()
    }
}
