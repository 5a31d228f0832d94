import Foundation
import TianbaoPlan
import XLSX

/// Reads the rows of a plan workbook with Tianbao's own XLSX reader, so a plan workbook saved
/// by Excel, WPS or LibreOffice reads the same. Reports a missing sheet or a changed header at
/// its place, and nothing else: what the cells say is checked by the plan loader.
enum PlanBookReader {
    static func read(path: String) throws -> PlanBookContent {
        let file = (path as NSString).lastPathComponent
        let workbook: Workbook
        do {
            workbook = try Workbook(path: path)
        } catch let error as XLSXError {
            throw PlanErrors(file: file, issues: [PlanIssue(place: nil, message: error.description)])
        }
        var content = PlanBookContent()
        var issues: [PlanIssue] = []
        let present = PlanBookLayout.all.filter { workbook.sheet(named: $0.name) != nil }
        if present.isEmpty {
            throw PlanErrors(file: file, issues: [PlanIssue(place: nil, message:
                "这不是计划工作簿：没有“\(PlanBookLayout.basics)”“\(PlanBookLayout.units)”“\(PlanBookLayout.tasks)”等工作表。"
                + "可用 tianbao plan template --out 计划.xlsx 生成一份计划工作簿。")])
        }
        for layout in PlanBookLayout.all {
            guard let info = workbook.sheet(named: layout.name) else {
                issues.append(PlanIssue(place: layout.name, message: "缺少工作表“\(layout.name)”（\(layout.purpose)）；没有内容时请保留工作表和表头"))
                continue
            }
            let sheet: Worksheet
            do {
                sheet = try workbook.read(info)
            } catch {
                issues.append(PlanIssue(place: layout.name, message: "无法读取工作表“\(layout.name)”：\(error)"))
                continue
            }
            let header = sheet.rows.first { $0.index == 1 }
            for (i, column) in layout.columns.enumerated() {
                let ref = CellReference(row: 1, column: i + 1)
                let found = header?.cells.first { $0.reference == ref }.flatMap { $0.value?.text }?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                // Either parentheses (a plan workbook written before its headers took Chinese typography).
                if found.isEmpty && column.added { continue }
                if !NameMatching.same(found, column.header) {
                    issues.append(PlanIssue(place: "\(layout.name)!\(ref)", message: found.isEmpty
                        ? "表头“\(column.header)”不见了（第 1 行的表头不要修改、删除或移动）"
                        : "表头应为“\(column.header)”，而不是“\(found)”（第 1 行的表头不要修改、删除或移动）"))
                }
            }
            for row in sheet.rows where row.index >= 2 {
                var cells = [BookValue?](repeating: nil, count: layout.columns.count)
                for cell in row.cells where cell.reference.column <= layout.columns.count {
                    cells[cell.reference.column - 1] = cell.value.flatMap(bookValue)
                }
                if cells.allSatisfy({ $0 == nil || $0 == .text("") }) { continue }
                content[layout.name].append(BookRow(row: row.index, cells: cells))
            }
        }
        if !issues.isEmpty { throw PlanErrors(file: file, issues: issues) }
        return content
    }

    static func bookValue(_ value: CellValue) -> BookValue? {
        switch value {
        case .string(let s): return s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : .text(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .text(b ? "是" : "否")
        case .date(let d, _):
            if d.hour == 0 && d.minute == 0 && d.second == 0 && d.kind != .time { return .date(Day(year: d.year, month: d.month, day: d.day)) }
            return .text(d.iso8601)
        case .error(let e): return .text(e)
        }
    }
}
