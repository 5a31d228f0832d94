import TianbaoPlan
import TianbaoTemplates
import XLSX

/// Identity: which plan, unit and round the file is a template of, and whether its signature
/// holds. A file that fails here is rejected as a whole and not read further.
extension SubmissionChecker {
    /// Reads and verifies the identification. Returns false when the file is rejected.
    func identify(_ workbook: Workbook, into s: inout Submission) -> Bool {
        let file = s.file
        func reject(_ rule: Rule, _ value: String, _ message: String) -> Bool {
            s.problems.append(Problem(severity: .error, file: file, unit: s.unit?.id, sheet: nil, cell: nil, rule: rule,
                                      value: value, message: message))
            return false
        }
        var values: [String: String] = [:]
        for key in TemplateIdentity.keys {
            if let v = workbook.properties.custom[TemplateIdentity.propertyPrefix + key] { values[key] = v }
        }
        if TemplateIdentity(values: values) == nil, let info = workbook.sheet(named: TemplateLayout.identitySheet),
           let ws = try? workbook.read(info) {
            for row in ws.rows where row.cells.count >= 2 {
                values[row.cells[0].value?.text ?? ""] = row.cells[1].value?.text
            }
        }
        guard let identity = TemplateIdentity(values: values) else {
            return reject(.notATemplate, "", RuleMessages.notATemplate(file: file))
        }
        s.identity = identity
        guard identity.plan == plan.id else {
            return reject(.wrongPlan, identity.plan, RuleMessages.wrongPlan(file: file, found: identity.plan, planTitle: plan.title))
        }
        guard let unit = plan.unit(identity.unit) else {
            return reject(.unknownUnit, identity.unit, RuleMessages.unknownUnit(file: file, found: identity.unit))
        }
        s.unit = unit
        guard let round = plan.round(identity.round) else {
            return reject(.wrongRound, identity.round, RuleMessages.unknownRound(file: file, found: identity.round))
        }
        s.roundId = round.id
        if let expected = self.round, expected != round.id {
            return reject(.wrongRound, round.id, RuleMessages.wrongRound(file: file, found: round, expected: expected))
        }
        let signature = TemplateContent.identity(plan: plan, unit: unit, round: round, key: key).signature
        guard signature == identity.signature else {
            if identity.planVersion != plan.version {
                return reject(.badSignature, identity.planVersion,
                              RuleMessages.oldPlanVersion(file: file, found: identity.planVersion, current: plan.version))
            }
            return reject(.badSignature, identity.signature.prefix(12) + "…", RuleMessages.badSignature(file: file))
        }
        return true
    }
}
