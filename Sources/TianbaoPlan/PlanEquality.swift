/// Two plans are equal when everything they say is equal (the look-up index aside): used to
/// prove that a plan survives its round trips (YAML → workbook → YAML).
extension Plan: Equatable {
    public static func == (a: Plan, b: Plan) -> Bool {
        a.id == b.id && a.version == b.version && a.title == b.title && a.subject == b.subject && a.issued == b.issued
            && a.office == b.office && a.briefing == b.briefing && a.outputs == b.outputs
            && a.leadingGroup == b.leadingGroup && a.units == b.units && a.unitGroups == b.unitGroups
            && a.taskGroups == b.taskGroups && a.tasks == b.tasks && a.phases == b.phases && a.targets == b.targets
            && a.choices == b.choices && a.choiceOrder == b.choiceOrder && a.sheets == b.sheets && a.rounds == b.rounds
    }
}

extension PlanIssue {
    /// A mistake at a place of a plan workbook (`任务!F7`), or of the whole file (nil).
    public init(place: String?, message: String) {
        self.init(line: 0, column: 0, message: message, place: place)
    }
}
