import Foundation
import TianbaoMerge
import XLSX

/// Where rendered text goes (standard output, or a string in tests).
public protocol TextSink: AnyObject {
    func write(_ text: String)
}

/// Collects rendered text in memory.
public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
}

/// Renders workbooks for `tianbao cat` in the shapes SPEC section 6 fixes.
public enum CatRenderer {
    /// `{"sheets":[{"name","state","merged","cells":[{"ref","t","v","f"}]}]}`. Sheets that are
    /// not worksheets (chartsheets, dialog and macro sheets) carry an extra `"kind"` key and no
    /// cells. Cells of a sheet are streamed; only that sheet's output is held in memory, so
    /// that `merged` (which the file stores after the cells) can come first.
    public static func json(_ workbook: Workbook, sheets: [SheetInfo], to out: TextSink) throws {
        out.write("{\"sheets\":[")
        for (n, sheet) in sheets.enumerated() {
            if n > 0 { out.write(",") }
            let reader = try workbook.rows(of: sheet)
            let cells = SpillBuffer()
            var first = true
            var chunk = ""
            while let row = try reader.next() {
                for cell in row.cells {
                    if !first { chunk += "," }
                    first = false
                    appendCell(cell, to: &chunk)
                }
                if chunk.utf8.count >= 1 << 16 {
                    try cells.append(chunk)
                    chunk = ""
                }
            }
            try cells.append(chunk)
            var head = "{\"name\":" + JSONWriter.quote(sheet.name) + ",\"state\":\"" + sheet.state.rawValue + "\""
            if sheet.kind != .worksheet { head += ",\"kind\":\"" + sheet.kind.rawValue + "\"" }
            head += ",\"merged\":[" + reader.mergedRanges.map(JSONWriter.quote).joined(separator: ",") + "]"
            out.write(head + ",\"cells\":[")
            try cells.drain { out.write($0) }
            out.write("]}")
        }
        out.write("]}\n")
    }

    static func appendCell(_ cell: Cell, to s: inout String) {
        s += "{\"ref\":\"" + cell.reference.description + "\""
        if let value = cell.value {
            switch value {
            case .string(let text): s += ",\"t\":\"s\",\"v\":" + JSONWriter.quote(text)
            case .number(let n): s += ",\"t\":\"n\",\"v\":" + NumberText.format(n)
            case .bool(let b): s += ",\"t\":\"b\",\"v\":" + (b ? "true" : "false")
            case .date(let d, _): s += ",\"t\":\"d\",\"v\":\"" + d.iso8601 + "\""
            case .error(let e): s += ",\"t\":\"e\",\"v\":" + JSONWriter.quote(e)
            }
        }
        // A formula without a cached value has neither "t" nor "v": its type is unknown.
        if let f = cell.formula { s += ",\"f\":" + JSONWriter.quote(f) }
        s += "}"
    }

    /// A grid per sheet: a header line of column letters, then one line per non-empty row
    /// starting with the row number, so gaps stay visible without printing empty rows.
    /// Values are shown as text (dates ISO 8601, booleans TRUE/FALSE); tabs, newlines and
    /// backslashes in values are escaped (`\t`, `\n`, `\\`). With more than one sheet, each
    /// block starts with a `# 工作表: name` line and blocks are separated by an empty line.
    public static func tsv(_ workbook: Workbook, sheets: [SheetInfo], to out: TextSink) throws {
        for (n, sheet) in sheets.enumerated() {
            if sheets.count > 1 {
                if n > 0 { out.write("\n") }
                out.write("# 工作表: " + sheet.name + "\n")
            }
            let reader = try workbook.rows(of: sheet)
            var rows: [Row] = []
            var width = 0
            while let row = try reader.next() {
                width = max(width, row.cells.last?.reference.column ?? 0)
                rows.append(row)
            }
            guard width > 0 else { continue }
            var header = ""
            for c in 1...width { header += "\t" + CellReference.columnName(c) }
            out.write(header + "\n")
            for row in rows {
                var line = String(row.index)
                var column = 0
                for cell in row.cells {
                    while column < cell.reference.column {
                        line += "\t"
                        column += 1
                    }
                    line += escapeTSV(cell.value?.text ?? "")
                }
                out.write(line + "\n")
            }
        }
    }

    static func escapeTSV(_ s: String) -> String {
        guard s.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\\" || $0 == "\r\n" })
        else { return s }
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

/// Text held in memory up to a bound, then in a temporary file, so that rendering a huge sheet
/// whose merged ranges come after its cells never holds the whole sheet in memory.
final class SpillBuffer {
    private var memory = ""
    private var file: FileHandle?
    private var path: String?
    static let memoryLimit = 8 << 20

    func append(_ text: String) throws {
        if file == nil && memory.utf8.count + text.utf8.count <= Self.memoryLimit {
            memory += text
            return
        }
        if file == nil {
            let p = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-cat-\(getpid())-\(UUID().uuidString)").path
            guard FileManager.default.createFile(atPath: p, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let h = FileHandle(forUpdatingAtPath: p) else { throw CocoaError(.fileWriteUnknown) }
            unlink(p)  // gone from the folder; the open handle keeps the data until closed
            file = h
            path = p
            h.write(Data(memory.utf8))
            memory = ""
        }
        file!.write(Data(text.utf8))
    }

    /// Hands the text back in pieces, in order.
    func drain(_ body: (String) -> Void) throws {
        if let file {
            try file.seek(toOffset: 0)
            var pending: [UInt8] = []
            while let data = try file.read(upToCount: 1 << 20), !data.isEmpty {
                pending += data
                // Hand back only whole UTF-8 characters; a split one waits for its next bytes.
                var cut = pending.count
                var back = 0
                while back < 4, cut > 0, pending[cut - 1] & 0xC0 == 0x80 { cut -= 1; back += 1 }
                if cut > 0, pending[cut - 1] >= 0xC0 {
                    let lead = pending[cut - 1]
                    let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                    cut = back + 1 >= need ? pending.count : cut - 1
                } else {
                    cut = pending.count
                }
                body(String(decoding: pending[..<cut], as: UTF8.self))
                pending.removeFirst(cut)
            }
            if !pending.isEmpty { body(String(decoding: pending, as: UTF8.self)) }
            try? file.close()
            self.file = nil
        } else {
            body(memory)
            memory = ""
        }
    }
}
