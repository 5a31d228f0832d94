import CXMLShim

/// The XML shim's event stream spelled out as text, for the fuzz target and the reader's tests
/// (`XLSXFuzzing`, `ReadAheadTests`). It lives here because it reads the shim's C records; it is
/// not part of the library's public API (`@_spi(Fuzzing)`).
@_spi(Fuzzing)
public enum EventStreamInspection {
    /// The XML shim's events for `xml` read as a worksheet in cell mode, fed `chunk` bytes at a
    /// time, spelled out: every value of every cell record, adjacent texts joined (a chunk
    /// boundary may split one), a value not followed by its NUL marked, and the error that
    /// ends the part, if any. With `columns`, cells right of it arrive without content (see
    /// `tb_xml_set_column_limit`).
    /// With `liftCells: false`, libxml2 parses every cell (see `tb_xml_set_cell_lifting`).
    public static func cellModeEvents(_ xml: [UInt8], chunk: Int, columns: Int? = nil, liftCells: Bool = true,
                                      limits: ReadLimits = .standard) -> [String] {
        cellModeRead(xml, chunk: chunk, columns: columns, liftCells: liftCells, limits: limits).events
    }

    /// How many of the cells of `xml` (read as `cellModeEvents` reads it) were lifted past libxml2.
    public static func liftedCellCount(_ xml: [UInt8], chunk: Int, columns: Int? = nil) -> Int {
        cellModeRead(xml, chunk: chunk, columns: columns, liftCells: true, limits: .standard).lifted
    }

    private static func cellModeRead(_ xml: [UInt8], chunk: Int, columns: Int?, liftCells: Bool,
                                     limits: ReadLimits) -> (events: [String], lifted: Int) {
        var offset = 0
        var out: [String] = []
        var lifted = 0
        do {
            let stream = try XMLEventStream(part: "sheet.xml", file: "fuzz.xlsx", limits: limits, cellMode: true,
                                           columns: columns, liftCells: liftCells) {
                guard offset < xml.count else { return nil }
                let end = min(offset + chunk, xml.count)
                defer { offset = end }
                return Array(xml[offset..<end])
            }
            func value(_ at: UInt32, _ length: UInt32) -> String {
                guard let bytes = stream.bytes(at, length) else { return "∅" }
                let terminated = length == 0 || bytes.baseAddress![bytes.count] == 0
                return "«" + String(decoding: bytes, as: UTF8.self) + (terminated ? "»" : "» (no NUL)")
            }
            while try stream.next() {
                if stream.isCell {
                    let c = stream.cell
                    out.append("cell \(c.row),\(c.column) s=\(c.style) r=\(value(c.r_offset, c.r_length)) "
                        + "t=\(value(c.t_offset, c.t_length)) v=\(value(c.value_offset, c.value_length)) "
                        + "f=\(value(c.formula_offset, c.formula_length)) is=\(value(c.inline_offset, c.inline_length)) "
                        + "si=\(value(c.si_offset, c.si_length)) "
                        + "flags=\(c.has_value)\(c.has_inline)\(c.has_formula)\(c.shared)\(c.shared_master)\(c.data_table) "
                        + "depth=\(stream.depth)")
                } else if stream.isStart {
                    out.append("<" + stream.localName)
                } else if stream.isEnd {
                    out.append("</" + stream.localName)
                } else if let last = out.last, last.hasPrefix("text ") {
                    out[out.count - 1] = last + stream.text
                } else {
                    out.append("text " + stream.text)
                }
            }
            lifted = stream.liftedCellCount
        } catch {
            out.append("error \(error)")
        }
        return (out, lifted)
    }
}
