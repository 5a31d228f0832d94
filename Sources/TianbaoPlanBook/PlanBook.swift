import Foundation
import TianbaoPlan
import XLSX

/// Plans written in a workbook (计划工作簿): one sheet each for the basics, the leading group,
/// units, unit groups, task groups, tasks, phases, targets, choice lists, report sheets, their
/// fields and rules, rounds and the output declarations, with dropdowns and hints in Chinese.
///
/// A workbook is read by turning its rows into the YAML plan they stand for and loading that
/// with `PlanLoader`: one validator for both forms, whose findings (line and column of the
/// generated YAML) are reported at the cell each line came from (`任务!F7：…`).
public enum PlanBook {
    /// Reads a plan workbook. Throws `PlanErrors` listing every mistake at its sheet and cell.
    public static func load(path: String) throws -> Plan {
        let file = (path as NSString).lastPathComponent
        let content = try PlanBookReader.read(path: path)
        return try plan(content, file: file)
    }

    static func plan(_ content: PlanBookContent, file: String) throws -> Plan {
        let yaml = PlanBookYAML(content: content)
        var issues = yaml.issues
        var plan: Plan?
        do {
            plan = try PlanLoader.load(yaml: yaml.text, file: file)
        } catch let errors as PlanErrors {
            issues += errors.issues.map { place($0, yaml) }
        }
        if !issues.isEmpty || plan == nil {
            throw PlanErrors(file: file, issues: sorted(issues))
        }
        return plan!
    }

    /// A loader finding at the cell its line came from (or the nearest line before it that came
    /// from a cell).
    private static func place(_ issue: PlanIssue, _ yaml: PlanBookYAML) -> PlanIssue {
        var line = issue.line
        while line > 0 && yaml.origins[line] == nil { line -= 1 }
        guard let origin = yaml.origins[line] else {
            return PlanIssue(place: PlanBookLayout.basics, message: issue.message)
        }
        let message = origin.vocabulary?.message(issue) ?? issue.message
        return PlanIssue(place: origin.place, message: message)
    }

    /// Sheet order, then row, then column; the same finding at the same place once.
    private static func sorted(_ issues: [PlanIssue]) -> [PlanIssue] {
        let order = Dictionary(uniqueKeysWithValues: PlanBookLayout.all.enumerated().map { ($1.name, $0) })
        func key(_ i: PlanIssue) -> (Int, Int, Int) {
            let place = i.place ?? ""
            let parts = place.split(separator: "!", maxSplits: 1)
            let sheet = order[String(parts.first ?? "")] ?? -1
            guard parts.count == 2, let ref = CellReference(String(parts[1])) else { return (sheet, 0, 0) }
            return (sheet, ref.row, ref.column)
        }
        var seen: Set<String> = []
        return issues.enumerated().sorted { a, b in
            let ka = key(a.element), kb = key(b.element)
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element).filter { seen.insert($0.description).inserted }
    }

    /// Writes a plan workbook filled with `plan`.
    public static func write(_ plan: Plan, to path: String) throws {
        try PlanBookWriter.write(PlanBookContent(plan: plan), plan: plan, to: path)
    }

    /// The plan as canonical YAML: the text a plan workbook of this plan stands for. Loading it
    /// gives the same plan.
    public static func yaml(_ plan: Plan) -> String {
        var text = PlanBookYAML(content: PlanBookContent(plan: plan)).text
        text = text.replacingOccurrences(of: "# 由计划工作簿生成\n", with:
            "# Tianbao plan: \(plan.title)\n# Written by `tianbao plan export`; check it with: tianbao plan check FILE\n")
        return text
    }
}

/// Loading a plan from a file of either kind.
public enum PlanFile {
    /// What a plan file is, by its bytes (a ZIP package is a workbook), not only its name.
    public enum Kind: Sendable { case yaml, workbook }

    public static func kind(path: String) -> Kind {
        let ext = (path as NSString).pathExtension.lowercased()
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            if let head = try? handle.read(upToCount: 2), head.starts(with: [0x50, 0x4B]) { return .workbook }
        }
        // Not a ZIP package: a workbook by name only gets the XLSX reader's message (an .xls,
        // an encrypted file), anything else is read as YAML.
        return ["xlsx", "xlsm"].contains(ext) ? .workbook : .yaml
    }

    /// Loads a YAML plan or a plan workbook. Throws `PlanErrors` with every mistake, at its line
    /// and column (YAML) or its sheet and cell (workbook).
    public static func load(path: String) throws -> Plan {
        switch kind(path: path) {
        case .workbook: return try PlanBook.load(path: path)
        case .yaml: return try PlanLoader.load(path: path)
        }
    }
}
