import Foundation
import TianbaoSupport
import XLSX

/// Where rendered output goes (standard output, or memory in tests).
public protocol TextSink: AnyObject {
    /// Appends UTF-8 bytes.
    func write(bytes: UnsafeBufferPointer<UInt8>)
}

extension TextSink {
    /// Appends text.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write(bytes: $0) }
    }
}

/// Collects rendered text in memory.
public final class StringSink: TextSink {
    private var bytes: [UInt8] = []
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public init() {}
    public func write(bytes: UnsafeBufferPointer<UInt8>) { self.bytes.append(contentsOf: bytes) }
}

/// Renders workbooks for `tianbao cat` in the JSON shape docs/interfaces.md fixes, and as TSV and CSV.
/// Cells are rendered straight into UTF-8 byte buffers (no String per cell), so rendering costs
/// little next to reading.
public enum CatRenderer {
    /// `{"sheets":[{"name","state","merged","cells":[{"ref","t","v","f"}]}]}`. Sheets that are
    /// not worksheets (chartsheets, dialog and macro sheets) carry an extra `"kind"` key and no
    /// cells. Cells of a sheet are streamed; only that sheet's output is held (in memory, then
    /// in a temporary file), so that `merged` (which the file stores after the cells) can come
    /// first.
    public static func json(_ workbook: Workbook, sheets: [SheetInfo], to out: TextSink) throws {
        out.write("{\"sheets\":[")
        for (n, sheet) in sheets.enumerated() {
            if n > 0 { out.write(",") }
            let reader = try workbook.rows(of: sheet)
            let cells = SpillBuffer()
            var first = true
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 17)
            while let row = try reader.next() {
                for cell in row.cells {
                    if !first { chunk.append(UInt8(ascii: ",")) }
                    first = false
                    appendJSONCell(cell, to: &chunk)
                }
                if chunk.count >= 1 << 16 {
                    try cells.append(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try cells.append(chunk)
            var head = "{\"name\":" + JSONWriter.quote(sheet.name) + ",\"state\":\"" + sheet.state.rawValue + "\""
            if sheet.kind != .worksheet { head += ",\"kind\":\"" + sheet.kind.rawValue + "\"" }
            head += ",\"merged\":[" + reader.mergedRanges.map(JSONWriter.quote).joined(separator: ",") + "]"
            out.write(head + ",\"cells\":[")
            try cells.drain(into: out)
            out.write("]}")
        }
        out.write("]}\n")
    }

    static func appendJSONCell(_ cell: Cell, to s: inout [UInt8]) {
        s.append(contentsOf: #"{"ref":""#.utf8)
        ByteText.appendReference(cell.reference, to: &s)
        s.append(UInt8(ascii: "\""))
        if let value = cell.value {
            switch value {
            case .string(let text):
                s.append(contentsOf: #","t":"s","v":"#.utf8)
                JSONWriter.appendQuoted(text, to: &s)
            case .number(let n):
                s.append(contentsOf: #","t":"n","v":"#.utf8)
                ByteText.appendNumber(n, to: &s)
            case .bool(let b):
                s.append(contentsOf: #","t":"b","v":"#.utf8)
                s.append(contentsOf: (b ? "true" : "false").utf8)
            case .date(let d, _):
                s.append(contentsOf: #","t":"d","v":""#.utf8)
                d.appendISO8601(to: &s)
                s.append(UInt8(ascii: "\""))
            case .error(let e):
                s.append(contentsOf: #","t":"e","v":"#.utf8)
                JSONWriter.appendQuoted(e, to: &s)
            }
        }
        // A formula without a cached value has neither "t" nor "v": its type is unknown.
        if let f = cell.formula {
            s.append(contentsOf: #","f":"#.utf8)
            JSONWriter.appendQuoted(f, to: &s)
        }
        s.append(UInt8(ascii: "}"))
    }

    /// A grid per sheet: a header line of column letters, then one line per non-empty row
    /// starting with the row number, so gaps stay visible without printing empty rows.
    /// Values are shown as text (dates ISO 8601, booleans TRUE/FALSE); tabs, newlines and
    /// backslashes in values are escaped (`\t`, `\n`, `\\`). With more than one sheet, each
    /// block starts with a `# 工作表: name` line and blocks are separated by an empty line.
    /// Text that a spreadsheet would run as a formula gets a leading `'` unless `raw`
    /// (`ByteText.isFormulaTrigger`).
    public static func tsv(_ workbook: Workbook, sheets: [SheetInfo], raw: Bool = false, to out: TextSink) throws {
        for (n, sheet) in sheets.enumerated() {
            if sheets.count > 1 {
                if n > 0 { out.write("\n") }
                out.write("# 工作表：" + sheet.name + "\n")
            }
            let reader = try workbook.rows(of: sheet)
            let body = SpillBuffer()
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 17)
            var width = 0
            while let row = try reader.next() {
                width = max(width, row.cells.last?.reference.column ?? 0)
                ByteText.appendInteger(row.index, to: &chunk)
                var column = 0
                // Cells are looked at in place, not copied out of the row (which costs a
                // retain and a release of each cell's text).
                row.cells.withUnsafeBufferPointer { cells in
                    for i in cells.indices {
                        let at = cells[i].reference.column
                        while column < at {
                            chunk.append(UInt8(ascii: "\t"))
                            column += 1
                        }
                        ByteText.appendValue(of: cells.baseAddress! + i, escape: .tsv, neutralize: !raw, to: &chunk)
                    }
                }
                chunk.append(UInt8(ascii: "\n"))
                if chunk.count >= 1 << 16 {
                    try body.append(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try body.append(chunk)
            guard width > 0 else { continue }
            var header: [UInt8] = []
            for c in 1...width {
                header.append(UInt8(ascii: "\t"))
                header.append(contentsOf: CellReference.columnName(c).utf8)
            }
            header.append(UInt8(ascii: "\n"))
            out.write(header)
            try body.drain(into: out)
        }
    }

    /// One sheet as CSV (RFC 4180): every row from 1 to the last non-empty one, every record
    /// with as many fields as the widest row (from column A), fields with a comma, a double
    /// quote or a line break quoted (quotes doubled), lines ended by CRLF. Values as in TSV.
    /// `bom`: start with a UTF-8 byte-order mark, which Excel needs to read UTF-8 CSV. Text that
    /// Excel would run as a formula gets a leading `'` unless `raw` (`ByteText.isFormulaTrigger`).
    public static func csv(_ workbook: Workbook, sheet: SheetInfo, bom: Bool, raw: Bool = false, to out: TextSink) throws {
        if bom { out.write([0xEF, 0xBB, 0xBF]) }
        let reader = try workbook.rows(of: sheet)
        let body = SpillBuffer()
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 17)
        // Rows are padded to the widest one, known only at the end: each row's field count and
        // byte length are kept (two integers a row) and the commas added while draining.
        var rows: [(index: Int, columns: Int, bytes: Int)] = []
        var width = 0
        while let row = try reader.next() {
            let start = chunk.count
            var column = 1
            for cell in row.cells {
                while column < cell.reference.column {
                    chunk.append(UInt8(ascii: ","))
                    column += 1
                }
                if let value = cell.value { ByteText.appendValue(value, escape: .csv, neutralize: !raw, to: &chunk) }
            }
            let columns = row.cells.last?.reference.column ?? 0
            width = max(width, columns)
            rows.append((row.index, columns, chunk.count - start))
            if chunk.count >= 1 << 16 {
                try body.append(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try body.append(chunk)
        guard width > 0 else { return }
        let commas = [UInt8](repeating: UInt8(ascii: ","), count: width)
        let crlf: [UInt8] = [13, 10]
        var line = 1
        var next = 0
        try body.drainBytes { bytes in
            var bytes = bytes[...]
            while next < rows.count {
                let row = rows[next]
                while line < row.index {  // rows with no cells: empty fields
                    out.write(Array(commas.dropFirst()))
                    out.write(crlf)
                    line += 1
                }
                guard bytes.count >= row.bytes else { return bytes.count }  // wait for the rest
                bytes.withUnsafeBufferPointer { whole in
                    out.write(bytes: UnsafeBufferPointer(rebasing: whole[0..<row.bytes]))
                }
                bytes = bytes.dropFirst(row.bytes)
                out.write(Array(commas.prefix(width - max(row.columns, 1))))
                out.write(crlf)
                line += 1
                next += 1
            }
            return bytes.count
        }
    }
}

/// Appending values to UTF-8 byte buffers: the renderers' one place for escaping and numbers.
enum ByteText {
    enum Escape { case tsv, csv }

    /// Whether a text starting with this byte makes a spreadsheet read it as a formula (OWASP
    /// "CSV injection", CWE-1236): `=`, `+`, `-`, `@`, tab, carriage return.
    @inline(__always)
    static func isFormulaTrigger(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 9 || byte == 13
    }

    /// A cell's value, if any, as `appendValue` writes it (looked at in place).
    static func appendValue(of cell: UnsafePointer<Cell>, escape: Escape, neutralize: Bool = false, to s: inout [UInt8]) {
        switch cell.pointee.value {
        case nil: return
        case .string(let text)?: appendString(text, escape: escape, neutralize: neutralize, to: &s)
        case .number(let n)?: appendNumber(n, to: &s)
        case .date(let d, _)?: d.appendISO8601(to: &s)
        case let value?: appendValue(value, escape: escape, neutralize: neutralize, to: &s)
        }
    }

    /// A value as text (as `CellValue.text`), escaped for TSV or quoted for CSV. `neutralize`:
    /// a text value starting with a formula trigger gets a leading `'`, which Excel, WPS and
    /// LibreOffice read as "this is text" (numbers, booleans and dates are never touched).
    static func appendValue(_ value: CellValue, escape: Escape, neutralize: Bool = false, to s: inout [UInt8]) {
        switch value {
        case .string(let text): appendString(text, escape: escape, neutralize: neutralize, to: &s)
        case .number(let n): appendNumber(n, to: &s)
        case .bool(let b): s.append(contentsOf: (b ? "TRUE" : "FALSE").utf8)
        case .date(let d, _): d.appendISO8601(to: &s)
        case .error(let e): appendText(e, escape: escape, to: &s)
        }
    }

    /// A text value, with a leading `'` when `neutralize` and it starts with a formula trigger.
    @inline(__always)
    static func appendString(_ text: String, escape: Escape, neutralize: Bool, to s: inout [UInt8]) {
        if neutralize, let first = text.utf8.first, isFormulaTrigger(first) {
            appendText("'" + text, escape: escape, to: &s)
        } else {
            appendText(text, escape: escape, to: &s)
        }
    }

    static func appendText(_ text: String, escape: Escape, to s: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            switch escape {
            case .tsv:
                var plain = true
                for b in bytes where b == 9 || b == 10 || b == 13 || b == 92 { plain = false; break }
                if plain { s.append(contentsOf: bytes); return }
                for b in bytes {
                    switch b {
                    case 9: s.append(contentsOf: [92, UInt8(ascii: "t")])
                    case 10: s.append(contentsOf: [92, UInt8(ascii: "n")])
                    case 13: s.append(contentsOf: [92, UInt8(ascii: "r")])
                    case 92: s.append(contentsOf: [92, 92])
                    default: s.append(b)
                    }
                }
            case .csv:
                var plain = true
                for b in bytes where b == 44 || b == 34 || b == 10 || b == 13 { plain = false; break }
                if plain { s.append(contentsOf: bytes); return }
                s.append(34)
                for b in bytes {
                    if b == 34 { s.append(34) }
                    s.append(b)
                }
                s.append(34)
            }
        }
    }

    /// A number as `NumberText.format` writes it.
    static func appendNumber(_ n: Double, to s: inout [UInt8]) { NumberText.append(n, to: &s) }

    static func appendInteger(_ value: Int, to s: inout [UInt8]) { NumberText.appendInteger(Int64(value), to: &s) }

    /// `AB12`.
    static func appendReference(_ r: CellReference, to s: inout [UInt8]) {
        var letters: (UInt8, UInt8, UInt8) = (0, 0, 0)
        var n = r.column
        var count = 0
        withUnsafeMutableBytes(of: &letters) { l in
            while n > 0 && count < 3 {
                n -= 1
                l[count] = UInt8(ascii: "A") + UInt8(n % 26)
                n /= 26
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { s.append(l[i]) }
        }
        appendInteger(r.row, to: &s)
    }
}

/// Bytes held in memory up to a bound, then in an unlinked temporary file, so that rendering a
/// huge sheet (whose merged ranges or width are known only at its end) never holds the whole
/// sheet in memory. In memory the bytes stay in the pieces they came in (no copying as they
/// grow); the bound is large enough that a sheet of a hundred thousand rows never goes through
/// the disk, whose round trip comes after the sheet is read and so adds to the time.
final class SpillBuffer {
    private var pieces: [[UInt8]] = []
    private var held = 0
    private var file: FileHandle?
    /// Bytes held in memory before the rest goes to the temporary file.
    let memoryLimit: Int

    init(memoryLimit: Int = 64 << 20) { self.memoryLimit = memoryLimit }

    func append(_ bytes: [UInt8]) throws {
        if file == nil && held + bytes.count <= memoryLimit {
            pieces.append(bytes)
            held += bytes.count
            return
        }
        if file == nil {
            let p = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-cat-\(getpid())-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: p, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let h = FileHandle(forUpdatingAtPath: p) else { throw CocoaError(.fileWriteUnknown) }
            unlink(p)  // gone from the folder; the open handle keeps the data until closed
            file = h
            for piece in pieces { try h.write(contentsOf: piece) }
            pieces = []
            held = 0
        }
        try file!.write(contentsOf: bytes)
    }

    /// Writes everything held to `out`, in order.
    func drain(into out: TextSink) throws {
        try drainBytes { bytes in
            out.write(bytes)
            return 0
        }
    }

    /// Hands the bytes back in pieces, in order; `body` returns how many bytes at the end of
    /// the piece it did not use, which come again at the start of the next piece.
    func drainBytes(_ body: ([UInt8]) throws -> Int) throws {
        var pending: [UInt8] = []
        func hand(_ piece: [UInt8]) throws {
            if pending.isEmpty {
                let left = try body(piece)
                if left > 0 { pending = Array(piece[(piece.count - left)...]) }
            } else {
                pending += piece
                let left = try body(pending)
                pending.removeFirst(pending.count - left)
            }
        }
        if let file {
            try file.seek(toOffset: 0)
            while let data = try file.read(upToCount: 1 << 20), !data.isEmpty { try hand([UInt8](data)) }
            try? file.close()
            self.file = nil
        } else {
            for piece in pieces { try hand(piece) }
            pieces = []
            held = 0
        }
        if !pending.isEmpty { _ = try body(pending) }
    }
}
