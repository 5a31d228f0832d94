import TianbaoCheck
import TianbaoPlan

extension UnitOutcome {
    /// Whether the unit must send its file again this round: its file was returned, or it was
    /// accepted with errors (rows kept out of the figures) it has not explained. The one
    /// decision the 反馈, the 工作提示, the 简报 and the 回头看's 整改清单 all follow.
    public var mustResubmit: Bool {
        switch status {
        case .rejected: return true
        case .accepted: return submission.map(Self.hasErrors) ?? false
        case .missing: return false
        }
    }

    static func hasErrors(_ s: Submission) -> Bool {
        s.problems.contains { $0.severity == .error && !$0.explained } || s.rowsRead > s.rowsAccepted
    }
}
