import TianbaoPlan

/// Whom the office calls about a unit (催报), in 报送情况 and `tianbao status`: the liaison
/// named in this round's file; for a unit whose file named none (it sent nothing, or its
/// file was unreadable), the liaison it named in its latest earlier round in the archive;
/// else the plan's `contact:` for the unit.
public struct ContactToCall: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Named in this round's file.
        case thisRound
        /// Named in an earlier round's file (the round id).
        case earlierRound(String)
        /// The plan's contact for the unit.
        case plan
    }

    public var name: String
    public var title: String
    public var officePhone: String
    public var mobile: String
    public var source: Source

    /// The number to call: the mobile, else the office phone.
    public var phone: String { mobile.isEmpty ? officePhone : mobile }

    /// Where the contact comes from, as a note after the name (`（2021-05 轮所报）`); empty for
    /// this round's.
    public var sourceNote: String {
        switch source {
        case .thisRound: return ""
        case .earlierRound(let round): return "（\(round) 轮所报）"
        case .plan: return "（方案所列联系人）"
        }
    }

    /// The contact for `outcome`, or nil when nobody is known. `liaison`: the one named in the
    /// unit's file this round (`RoundReport.liaison(_:)`).
    public static func find(_ outcome: UnitOutcome, liaison: RoundReport.Liaison?, plan: Plan, history: RoundHistory?) -> ContactToCall? {
        if let l = liaison, !(l.name.isEmpty && l.phone.isEmpty && l.mobile.isEmpty) {
            return ContactToCall(name: l.name, title: l.title, officePhone: l.phone, mobile: l.mobile, source: .thisRound)
        }
        if let e = history?.lastLiaisons[outcome.unit.id] {
            return ContactToCall(name: e.name, title: e.title, officePhone: e.officePhone, mobile: e.mobile, source: .earlierRound(e.round))
        }
        if let c = plan.unit(outcome.unit.id)?.contact ?? outcome.unit.contact {
            return ContactToCall(name: c.name, title: "", officePhone: c.phone, mobile: "", source: .plan)
        }
        return nil
    }
}
