import TianbaoCheck
import TianbaoPlan
import TianbaoRound

extension FeedbackWriter {
    /// The 反馈 workbook of one checked file of a unit, as a merge would write it for the unit
    /// if that file counted (the portal: a unit's file, right after it is handed in).
    public func write(file s: Submission, unit: ReportingUnit, round: Round, late: Bool, to path: String) throws {
        let outcome = UnitOutcome(unit: unit, status: s.fileAccepted ? .accepted : .rejected, late: late, submission: s,
                                  superseded: [], otherRejected: [])
        try write(outcome, round: round, to: path)
    }
}
