import Foundation

/// Streams one worksheet row by row. Memory is bounded by one row (plus the workbook's shared
/// strings); the `<dimension>` element is never trusted, and gaps between cells cost nothing.
///
/// Rows and cells without `r` attributes take the next position after the previous one.
/// Merged ranges are known once `next()` has returned nil.
public final class WorksheetReader {
    private let workbook: Workbook
    private let xml: XMLEventStream?
    private let part: String
    private var inSheetData = false
    private var done = false
    private var lastRow = 0
    /// Shared formulas by `si`: master text and the master cell.
    private var sharedFormulas: [Int: (String, CellReference)] = [:]
    /// Merged ranges (`A1:C1`), complete after the last row.
    public private(set) var mergedRanges: [String] = []

    // Scratch buffers reused for every cell.
    private var valueBytes: [UInt8] = []
    private var formulaBytes: [UInt8] = []
    private var inline = RichTextCollector()

    static func empty(workbook: Workbook) -> WorksheetReader { WorksheetReader(workbook: workbook) }

    private init(workbook: Workbook) {
        self.workbook = workbook
        self.xml = nil
        self.part = ""
        self.done = true
    }

    init(workbook: Workbook, entry: ZipArchive.Entry) throws {
        self.workbook = workbook
        self.part = entry.name
        self.xml = try XMLEventStream(archive: workbook.archive, entry: entry)
    }

    /// The next row that has at least one non-empty cell, or nil at the end of the sheet.
    public func next() throws -> Row? {
        guard let xml, !done else { return nil }
        while try xml.next() {
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
                } else if xml.isNamed("c") {
                    // A cell outside any <row>: give it a row of its own.
                    lastRow += 1
                    var cells: [Cell] = []
                    var column = 0
                    if let cell = try readCell(xml, row: lastRow, previousColumn: &column) { cells.append(cell) }
                    if !cells.isEmpty { return Row(index: cells[0].reference.row, cells: cells) }
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
        var column = 0
        let depth = xml.depth
        while try xml.next() {
            if xml.isEnd && xml.depth == depth { break }
            if xml.isStart("c") {
                if let cell = try readCell(xml, row: row, previousColumn: &column) { cells.append(cell) }
            }
        }
        // Writers emit cells in column order; keep row-major order even when one does not.
        if !cells.isEmpty && !zip(cells, cells.dropFirst()).allSatisfy({ $0.reference < $1.reference }) {
            cells.sort { $0.reference < $1.reference }
        }
        return cells
    }

    private enum CellType { case number, sharedString, formulaString, inlineString, boolean, error, isoDate }

    /// Reads the cell whose start event is current, through its end event. Returns nil for an
    /// empty cell.
    private func readCell(_ xml: XMLEventStream, row: Int, previousColumn: inout Int) throws -> Cell? {
        var reference: CellReference
        let attributes = xml.cellAttributes()
        if let r = attributes.r, r.count > 0 {
            guard let parsed = CellReference.parse(r) else { throw badReference(r) }
            reference = parsed
        } else {
            guard previousColumn < CellReference.maxColumn else {
                throw XLSXError(.badCellReference(part: part, reference: "第 \(row) 行超过 XFD 列"),
                                file: workbook.fileName)
            }
            reference = CellReference(row: row, column: previousColumn + 1)
        }
        previousColumn = reference.column
        let type = Self.decodeType(attributes.t)
        let style = attributes.s.map { Self.parseInt($0) } ?? 0
        let depth = xml.depth

        valueBytes.removeAll(keepingCapacity: true)
        formulaBytes.removeAll(keepingCapacity: true)
        var hasValue = false
        var hasFormula = false
        var sharedIndex: Int?
        var sharedIsMaster = false
        var hasInline = false
        inline.reset()

        while try xml.next() {
            if xml.isEnd && xml.depth == depth { break }
            guard xml.isStart else { continue }
            if xml.isNamed("v") {
                hasValue = true
                try collectText(xml, into: &valueBytes)
            } else if xml.isNamed("f") {
                let ft = xml.attribute("t")
                if ft == "shared" {
                    sharedIndex = xml.attributeBytes("si").map { Self.parseInt($0) }
                    sharedIsMaster = xml.attributeBytes("ref") != nil
                }
                let isDataTable = ft == "dataTable"
                try collectText(xml, into: &formulaBytes)
                hasFormula = !isDataTable && (!formulaBytes.isEmpty || sharedIndex != nil)
            } else if xml.isNamed("is") {
                hasInline = true
                let isDepth = xml.depth
                while try xml.next() {
                    if xml.isEnd && xml.depth == isDepth { break }
                    inline.feed(xml)
                }
            } else {
                try xml.skipElement()
            }
        }

        var formula: String?
        if hasFormula {
            let text = String(decoding: formulaBytes, as: UTF8.self)
            if let si = sharedIndex {
                if !text.isEmpty {
                    if sharedIsMaster || sharedFormulas[si] == nil { sharedFormulas[si] = (text, reference) }
                    formula = text
                } else if let (master, anchor) = sharedFormulas[si] {
                    formula = FormulaTranslator.translate(master, rows: reference.row - anchor.row,
                                                          columns: reference.column - anchor.column)
                }
            } else {
                formula = text
            }
        }

        let value = try resolveValue(type: type, style: style, hasValue: hasValue, hasInline: hasInline)
        if formula == nil {
            guard let value else { return nil }
            if case .string(let s) = value, s.isEmpty { return nil }
        }
        return Cell(reference: reference, value: value, formula: formula, styleIndex: style)
    }

    private func collectText(_ xml: XMLEventStream, into buffer: inout [UInt8]) throws {
        let depth = xml.depth
        while try xml.next() {
            if xml.isEnd && xml.depth == depth { return }
            if xml.isText { buffer.append(contentsOf: xml.textBytes) }
        }
    }

    private func resolveValue(type: CellType, style: Int, hasValue: Bool, hasInline: Bool) throws -> CellValue? {
        switch type {
        case .inlineString:
            if hasInline { return .string(inline.text) }
            return nil  // an inline-string cell with only a stray <v> is read as empty
        case .sharedString:
            guard hasValue, !valueBytes.isEmpty else { return nil }
            let index = valueBytes.withUnsafeBufferPointer { Self.parseInt($0) }
            guard let s = workbook.sharedStrings[index] else {
                throw XLSXError(.malformedPart(part: part, line: 0, detail: "共享字符串编号 \(index) 不存在"),
                                file: workbook.fileName)
            }
            return .string(s)
        case .formulaString:
            guard hasValue else { return nil }
            return .string(valueBytes.withUnsafeBufferPointer { TextDecoding.decodeEscapes($0) })
        case .boolean:
            guard hasValue else { return nil }
            let t = TextDecoding.trimmed(valueBytes[...])
            return .bool(t.elementsEqual("1".utf8) || t.elementsEqual("true".utf8) || t.elementsEqual("TRUE".utf8))
        case .error:
            guard hasValue else { return nil }
            return .error(String(decoding: TextDecoding.trimmed(valueBytes[...]), as: UTF8.self))
        case .isoDate:
            guard hasValue else { return nil }
            let text = String(decoding: TextDecoding.trimmed(valueBytes[...]), as: UTF8.self)
            let kind = workbook.styles.kind(ofStyle: style).dateTimeKind
            if let d = ExcelDateTime(iso: text, kind: kind) { return .date(d, serial: nil) }
            return text.isEmpty ? nil : .string(text)
        case .number:
            guard hasValue else { return nil }
            let trimmed = TextDecoding.trimmed(valueBytes[...])
            guard !trimmed.isEmpty else { return nil }
            guard let number = Self.parseDouble(trimmed) else {
                // Not a number after all: keep the text rather than lose it.
                return .string(String(decoding: trimmed, as: UTF8.self))
            }
            if let kind = workbook.styles.kind(ofStyle: style).dateTimeKind,
               let d = ExcelDateTime(serial: number, kind: kind, date1904: workbook.date1904) {
                return .date(d, serial: number)
            }
            return .number(number)
        }
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

    private static func parseDouble(_ bytes: ArraySlice<UInt8>) -> Double? {
        // Fast path: a plain integer of up to 15 digits is exact as a Double.
        if bytes.count <= 15 {
            var n = 0
            var negative = false
            var ok = true
            for (i, b) in zip(bytes.indices, bytes) {
                if b == UInt8(ascii: "-") && i == bytes.startIndex && bytes.count > 1 { negative = true; continue }
                guard b >= 48 && b <= 57 else { ok = false; break }
                n = n * 10 + Int(b - 48)
            }
            if ok { return Double(negative ? -n : n) }
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
