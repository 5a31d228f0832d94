import TianbaoPlan
import XLSX

/// Last round's accepted rows that a template carries into this round, for the sheets the plan
/// marks `carry: true`: written into the input rows, editable, in their own light fill, with a
/// note on the sheet and on 填报说明, so a unit updates what changed instead of retyping.
/// They are the unit's data, not pre-filled task cells: neither signed nor locked.
public struct CarriedRows: Sendable {
    /// The round the rows come from.
    public var round: String
    /// Per sheet id, the rows in their order: each row's values by field position, then the
    /// 说明 (explanation) column last; nil for an empty cell.
    public var sheets: [String: [[CellValue?]]]

    public init(round: String, sheets: [String: [[CellValue?]]]) {
        self.round = round
        self.sheets = sheets
    }

    /// The rows carried into `sheet`, as many as the sheet offers.
    func rows(_ sheet: SheetSpec) -> [[CellValue?]] {
        guard sheet.carry, let rows = sheets[sheet.id] else { return [] }
        let room = sheet.kind == .single ? 1 : sheet.rows
        return Array(rows.prefix(room))
    }

    /// The note on the sheet's first carried cell and on 填报说明.
    func note(_ sheet: SheetSpec, count: Int) -> String {
        let first = TemplateLayout.firstDataRow
        let rows = count == 1 ? "第 \(first) 行" : "第 \(first)–\(first + count - 1) 行"
        return "\(sheet.name)\(rows)是本单位上期（\(round)）报送并通过审核的 \(count) 行数据，已预先带入（浅蓝色），可直接修改："
            + "请逐行核对，只改本期有变化的内容（如状态、完工日期），新增的接着往下填；不要删除上期已报的行，"
            + "确需调出的请联系办公室。办公室收到后会与上期逐项比对。"
    }
}
