import Foundation

/// Streams one worksheet row by row. Memory is bounded by one row (plus the workbook's shared
/// strings); the `<dimension>` element is never trusted, and gaps between cells cost nothing.
///
/// Rows and cells without `r` attributes take the next position after the previous one.
/// Merged ranges are known once `next()` has returned nil.
///
/// Confined to one thread: its per-cell state skips exclusivity checks (see XMLEventStream).
public final class WorksheetReader {
    private let workbook: Workbook
    private let xml: XMLEventStream?
    private let part: String
    @exclusivity(unchecked) private var inSheetData = false
    @exclusivity(unchecked) private var done = false
    @exclusivity(unchecked) private var lastRow = 0
    /// Shared formulas by `si`: master text and the master cell.
    @exclusivity(unchecked) private var sharedFormulas: [Int: (String, CellReference)] = [:]
    /// Merged ranges (`A1:C1`), complete after the last row.
    public private(set) var mergedRanges: [String] = []
    /// The workbook's tables, held here so the per-cell path does not go through the workbook.
    private let strings: [String]
    private let styles: CellStyles
    private let dateSystem: DateSystem
    /// Cells in the previous row, to size the next row's array once.
    @exclusivity(unchecked) private var lastRowWidth = 0
    /// Cells right of this column are passed over before their value or formula is decoded.
    private let columnLimit: Int

    static func empty(workbook: Workbook) -> WorksheetReader { WorksheetReader(workbook: workbook) }

    private init(workbook: Workbook) {
        self.workbook = workbook
        self.xml = nil
        self.part = ""
        self.done = true
        self.strings = []
        self.styles = CellStyles()
        self.dateSystem = .excel1900
        self.columnLimit = CellReference.maxColumn
    }

    init(workbook: Workbook, entry: ZipArchive.Entry, columns: Int? = nil) throws {
        self.workbook = workbook
        self.part = entry.name
        self.strings = workbook.sharedStrings.strings
        self.styles = workbook.styles
        self.dateSystem = workbook.dateSystem
        self.columnLimit = columns ?? CellReference.maxColumn
        self.xml = try XMLEventStream(archive: workbook.archive, entry: entry, cellMode: true, columns: columns)
    }

    /// The next row that has at least one non-empty cell, or nil at the end of the sheet.
    public func next() throws -> Row? {
        guard let xml, !done else { return nil }
        while try xml.next() {
            if xml.isCell {
                // A cell outside any <row>: give it a row of its own.
                lastRow += 1
                var column = 0
                if let cell = try readCell(xml, row: lastRow, previousColumn: &column) {
                    return Row(index: cell.reference.row, cells: [cell])
                }
                continue
            }
            guard xml.isStart else {
                if xml.isEnd("sheetData") { inSheetData = false }
                continue
            }
            if inSheetData {
                if xml.isNamed("row") {
                    let index = try rowIndex(xml)
                    lastRow = index
                    let cells = try readRowCells(xml, row: index)
                    if let first = cells.first {
                        lastRow = first.reference.row
                        return Row(index: first.reference.row, cells: cells)
                    }
                }
            } else if xml.isNamed("sheetData") {
                inSheetData = true
            } else if xml.isNamed("mergeCell") {
                if let ref = xml.attribute("ref") { mergedRanges.append(ref) }
            }
        }
        done = true
        return nil
    }

    private func rowIndex(_ xml: XMLEventStream) throws -> Int {
        guard let r = xml.attributeBytes("r"), r.count > 0 else { return lastRow + 1 }
        var n = 0
        for b in r {
            guard b >= 48 && b <= 57 else { throw badReference(r) }
            n = n * 10 + Int(b - 48)
            if n > CellReference.maxRow { throw badReference(r) }
        }
        guard n >= 1 else { throw badReference(r) }
        return n
    }

    private func badReference(_ bytes: UnsafeBufferPointer<UInt8>) -> XLSXError {
        XLSXError(.badCellReference(part: part, reference: String(decoding: bytes.prefix(40), as: UTF8.self)),
                  file: workbook.fileName)
    }

    /// Reads the cells of the row whose start event is current, through its end event.
    private func readRowCells(_ xml: XMLEventStream, row: Int) throws -> [Cell] {
        var cells: [Cell] = []
        cells.reserveCapacity(lastRowWidth)
        var column = 0
        let depth = xml.depth
        while try xml.next() {
            if xml.isCell {
                if let cell = try readCell(xml, row: row, previousColumn: &column) { cells.append(cell) }
            } else if xml.isEnd && xml.depth == depth {
                break
            }
        }
        lastRowWidth = min(cells.count, 256)
        // Writers emit cells in column order; keep row-major order even when one does not.
        if cells.count > 1 {
            for i in 1..<cells.count where !(cells[i - 1].reference < cells[i].reference) {
                cells.sort { $0.reference < $1.reference }
                break
            }
        }
        return cells
    }

    /// Keeps a shared formula's text as the master of its `si`: the one with a `ref`, or the
    /// first met.
    private func rememberSharedFormula(_ si: Int, _ text: String, isMaster: Bool, at reference: CellReference) {
        if isMaster || sharedFormulas[si] == nil { sharedFormulas[si] = (text, reference) }
    }

    /// The same for a cell that is otherwise not read.
    private func rememberSharedFormula(_ xml: XMLEventStream, at reference: CellReference) {
        let record = xml.cell
        guard record.data_table == 0, let si = sharedFormulaIndex(xml),
              let bytes = xml.bytes(record.formula_offset, record.formula_length), !bytes.isEmpty else { return }
        rememberSharedFormula(si, String(decoding: bytes, as: UTF8.self), isMaster: record.shared_master != 0, at: reference)
    }

    /// The `si` of the current cell's shared formula; nil when its formula is not shared.
    private func sharedFormulaIndex(_ xml: XMLEventStream) -> Int? {
        let record = xml.cell
        guard record.shared != 0 else { return nil }
        return xml.bytes(record.si_offset, record.si_length).map { Self.parseInt($0) }
    }

    private enum CellType { case number, sharedString, formulaString, inlineString, boolean, error, isoDate }

    /// Reads the cell of the current cell event (decoded by the XML shim: attributes, the
    /// text of `<v>`, `<f>` and `<is>`). Returns nil for an empty cell. Inlined into its two
    /// callers: returned through a call, every cell read costs a copy and a destruction of
    /// itself (85 M instructions of R1's 1.56 G on the caller's thread).
    @inline(__always)
    private func readCell(_ xml: XMLEventStream, row: Int, previousColumn: inout Int) throws -> Cell? {
        let record = xml.cell
        var reference: CellReference
        if record.row > 0 {
            reference = CellReference(row: Int(record.row), column: Int(record.column))
        } else if record.row < 0 {
            throw badReference(xml.bytes(record.r_offset, record.r_length)!)
        } else {
            guard previousColumn < CellReference.maxColumn else {
                throw XLSXError(.badCellReference(part: part, reference: "第 \(row) 行超过 XFD 列"),
                                file: workbook.fileName)
            }
            reference = CellReference(row: row, column: previousColumn + 1)
        }
        previousColumn = reference.column
        if reference.column > columnLimit {
            // A shared formula's text is kept even here: cells left of the limit may share it
            // (Excel can put the master right of cells that use it).
            if record.shared != 0 && record.has_formula != 0 { rememberSharedFormula(xml, at: reference) }
            return nil
        }
        let type = Self.decodeType(xml.bytes(record.t_offset, record.t_length))
        let style = Int(record.style)

        var formula: String?
        if record.has_formula != 0 {
            let sharedIndex = sharedFormulaIndex(xml)
            let formulaBytes = xml.bytes(record.formula_offset, record.formula_length)!
            if record.data_table == 0 && (!formulaBytes.isEmpty || sharedIndex != nil) {
                let text = String(decoding: formulaBytes, as: UTF8.self)
                if let si = sharedIndex {
                    if !text.isEmpty {
                        rememberSharedFormula(si, text, isMaster: record.shared_master != 0, at: reference)
                        formula = text
                    } else if let (master, anchor) = sharedFormulas[si] {
                        formula = FormulaTranslator.translate(master, rows: reference.row - anchor.row,
                                                              columns: reference.column - anchor.column)
                    }
                } else {
                    formula = text
                }
            }
        }

        let value = try resolveValue(type: type, style: style,
                                     value: record.has_value != 0 ? xml.bytes(record.value_offset, record.value_length) : nil,
                                     inline: record.has_inline != 0 ? xml.bytes(record.inline_offset, record.inline_length) : nil)
        if formula == nil {
            guard let value else { return nil }
            if case .string(let s) = value, s.isEmpty { return nil }
        }
        return Cell(reference: reference, value: value, formula: formula, styleIndex: style)
    }

    /// Resolves a cell's value from its type, style, `<v>` text (nil without a `<v>`) and
    /// `<is>` text (nil without an `<is>`).
    private func resolveValue(type: CellType, style: Int, value: UnsafeBufferPointer<UInt8>?,
                              inline: UnsafeBufferPointer<UInt8>?) throws -> CellValue? {
        switch type {
        case .inlineString:
            if let inline { return .string(TextDecoding.decodeEscapes(inline)) }
            return nil  // an inline-string cell with only a stray <v> is read as empty
        case .sharedString:
            guard let value, !value.isEmpty else { return nil }
            let index = Self.parseInt(value)
            guard index >= 0 && index < strings.count else {
                throw XLSXError(.malformedPart(part: part, line: 0, detail: "共享字符串编号 \(index) 不存在"),
                                file: workbook.fileName)
            }
            return .string(strings[index])
        case .formulaString:
            guard let value else { return nil }
            return .string(TextDecoding.decodeEscapes(value))
        case .boolean:
            guard let value else { return nil }
            let t = Self.trimmed(value)
            return .bool(t.elementsEqual("1".utf8) || t.elementsEqual("true".utf8) || t.elementsEqual("TRUE".utf8))
        case .error:
            guard let value else { return nil }
            return .error(String(decoding: Self.trimmed(value), as: UTF8.self))
        case .isoDate:
            guard let value else { return nil }
            let text = String(decoding: Self.trimmed(value), as: UTF8.self)
            let kind = styles.kind(ofStyle: style).dateTimeKind
            if let d = ExcelDateTime(iso: text, kind: kind) { return .date(d, serial: nil) }
            return text.isEmpty ? nil : .string(text)
        case .number:
            guard let value else { return nil }
            let trimmed = Self.trimmed(value)
            guard !trimmed.isEmpty else { return nil }
            guard let number = Self.parseDouble(trimmed) else {
                // Not a number after all: keep the text rather than lose it.
                return .string(String(decoding: trimmed, as: UTF8.self))
            }
            if let kind = styles.kind(ofStyle: style).dateTimeKind,
               let d = ExcelDateTime(serial: number, kind: kind, system: dateSystem) {
                return .date(d, serial: number)
            }
            return .number(number)
        }
    }

    /// Trims XML white space from both ends (`TextDecoding.trimmed`), as a buffer.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: TextDecoding.trimmed(bytes))
    }

    /// The one place the `t` attribute is decoded. Unknown types read as numbers.
    private static func decodeType(_ t: UnsafeBufferPointer<UInt8>?) -> CellType {
        guard let t, t.count > 0 else { return .number }
        switch t.count {
        case 1:
            switch t[0] {
            case UInt8(ascii: "s"): return .sharedString
            case UInt8(ascii: "b"): return .boolean
            case UInt8(ascii: "e"): return .error
            case UInt8(ascii: "d"): return .isoDate
            default: return .number
            }
        case 3 where t.elementsEqual("str".utf8): return .formulaString
        case 9 where t.elementsEqual("inlineStr".utf8): return .inlineString
        default: return .number
        }
    }

    static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in bytes {
            guard b >= 48 && b <= 57 else { break }
            n = n &* 10 &+ Int(b - 48)
            if n > Int(Int32.max) { return -1 }
        }
        return n
    }

    /// Powers of ten that are exact as Doubles.
    private static let exactPowersOfTen: [Double] = {
        var powers: [Double] = [1]
        for _ in 1...22 { powers.append(powers.last! * 10) }  // each product is exact
        return powers
    }()

    private static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        // Fast path (Clinger): at most 15 significant digits and at most 22 decimals, no
        // exponent. The digits are exact as a Double, so is the power of ten, and one division
        // is correctly rounded: the same Double strtod gives.
        if bytes.count <= 24 {
            var i = 0
            var negative = false
            if bytes.count > 1 && bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 }
            var mantissa = 0
            var digits = 0
            var decimals = -1  // -1 until the point
            var ok = i < bytes.count
            while i < bytes.count {
                let b = bytes[i]
                if b >= 48 && b <= 57 {
                    mantissa = mantissa &* 10 &+ Int(b &- 48)
                    if mantissa != 0 { digits += 1 }
                    if decimals >= 0 { decimals += 1 }
                } else if b == UInt8(ascii: ".") && decimals < 0 {
                    decimals = 0
                } else {
                    ok = false
                    break
                }
                i += 1
            }
            if ok && digits <= 15 && decimals <= 22 && !(decimals == 0 && bytes.count == (negative ? 2 : 1)) {
                var value = Double(mantissa)
                if decimals > 0 { value /= exactPowersOfTen[decimals] }
                return negative && value != 0 ? -value : value
            }
        }
        guard bytes.count < 64 else { return Double(String(decoding: bytes, as: UTF8.self)) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buf -> Double? in
            var i = 0
            for b in bytes {
                // Reject what strtod would accept but a cell never holds (hex, inf, nan, spaces).
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
                     UInt8(ascii: "+"), UInt8(ascii: "e"), UInt8(ascii: "E"):
                    buf[i] = CChar(bitPattern: b)
                default:
                    return nil
                }
                i += 1
            }
            buf[i] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buf.baseAddress!, &end)
            guard let end, end == buf.baseAddress! + i, value.isFinite else { return nil }
            return value
        }
    }
}
