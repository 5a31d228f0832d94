@_spi(Fuzzing) import XLSX

/// What the fuzz target (fuzz/, `make fuzz`) runs on each input, kept in this small target of
/// the main package (not in the shipped `XLSX` library) so the regression tests replay every
/// input the fuzzer ever found exactly as the fuzzer ran it.
///
/// The first byte chooses what the rest is: a whole file (zip, or whatever the sniffer makes of
/// it), or the XML of one part of an otherwise valid package (worksheet, shared strings,
/// styles, workbook, relationships), so mutations reach the XML readers instead of dying at the
/// ZIP's checksums. A worksheet input is also read twice more, and the fuzzer stops on any
/// difference: with every part read ahead on threads (against one thread), and, when it parses
/// cleanly, through the cell decoder in small chunks (against the whole part at once), so that
/// a cell split by a chunk boundary or a batch handed between threads is checked on every input.
/// Its cell events are also compared with those of libxml2 parsing every cell (the shim lifts
/// plain cells past libxml2: tb_cell_filter.h).
/// It is also read keeping only its first few columns (the content of the cells right of them
/// dropped before parsing, as the checker reads): when the whole sheet reads cleanly, that must
/// give exactly its cells left of the limit, and the same events in chunks as whole.
public enum ReaderFuzzing {
    /// Reads `input` as the fuzzer does; never throws, returns the number of cells read.
    @discardableResult
    public static func exercise(_ input: [UInt8]) -> Int {
        guard let mode = input.first else { return 0 }
        let bytes = Array(input.dropFirst())
        let file: [UInt8]
        switch mode % 6 {
        case 0: file = bytes
        case 1:
            file = FuzzPackage.build(sheet: bytes)
            compareCellEvents(bytes, columns: nil, chunk: 1 + Int(bytes.count % 7))
            compareCellEvents(bytes, columns: 1 + Int(bytes.count % 4), chunk: 1 + Int(bytes.count % 5))
        case 2: file = FuzzPackage.build(sharedStrings: bytes)
        case 3: file = FuzzPackage.build(styles: bytes)
        case 4: file = FuzzPackage.build(workbook: bytes)
        default: file = FuzzPackage.build(workbookRels: bytes)
        }
        var limits = ReadLimits()
        limits.maxPartBytes = 64 << 20
        let (rows, outcome) = readAll(file, limits: limits)
        if mode % 6 == 1 {
            limits.readAheadBytes = 0
            let (aheadRows, aheadOutcome) = readAll(file, limits: limits)
            precondition(aheadRows == rows && aheadOutcome == outcome, "reading ahead reads differently")
            if outcome == nil {
                let columns = 1 + Int(bytes.count % 4)
                let (narrowRows, narrowOutcome) = readAll(file, limits: limits, columns: columns)
                precondition(narrowOutcome == nil && narrowRows == leftOf(columns, rows),
                             "reading the first columns differs from reading every column")
            }
        }
        return rows.reduce(0) { $0 + $1.cells.count }
    }

    /// The cell events of a worksheet part (its first `columns` columns, or all), compared two
    /// ways. Fed whole and in `chunk`-byte pieces: the same events, when both parse cleanly
    /// (libxml2 may find a syntax error at another point when fed in pieces, and events before
    /// it are delivered or not depending on the chunk). With plain cells lifted past libxml2 and
    /// without: an error (or none) just as libxml2 alone finds it, and the very events libxml2
    /// gives when it parses cleanly.
    static func compareCellEvents(_ bytes: [UInt8], columns: Int?, chunk: Int) {
        func failed(_ events: [String]) -> Bool { events.last?.hasPrefix("error ") == true }
        let limit = columns.map { " (first \($0) columns)" } ?? ""
        let whole = EventStreamInspection.cellModeEvents(bytes, chunk: max(bytes.count, 1), columns: columns)
        let chunked = EventStreamInspection.cellModeEvents(bytes, chunk: chunk, columns: columns)
        if !failed(whole) && !failed(chunked) {
            precondition(whole == chunked, "cell events differ when the part is fed in chunks" + limit)
        }
        let parsed = EventStreamInspection.cellModeEvents(bytes, chunk: max(bytes.count, 1), columns: columns, liftCells: false)
        precondition(failed(whole) == failed(parsed), "lifting plain cells changes whether the part parses" + limit)
        if !failed(parsed) { precondition(whole == parsed, "lifted cells differ from the cells libxml2 parses" + limit) }
    }

    /// The rows' cells in the first `columns` columns, rows left empty dropped (as the reader does).
    static func leftOf(_ columns: Int, _ rows: [Row]) -> [Row] {
        rows.compactMap { row in
            var kept = row
            kept.cells = row.cells.filter { $0.reference.column <= columns }
            guard let first = kept.cells.first else { return nil }
            kept.index = first.reference.row
            return kept
        }
    }

    /// Every row of every sheet (of its first `columns` columns), and how reading ended (nil,
    /// or the first error's message).
    static func readAll(_ file: [UInt8], limits: ReadLimits, columns: Int? = nil) -> ([Row], String?) {
        let wb: Workbook
        do { wb = try Workbook(bytes: file, fileName: "fuzz.xlsx", limits: limits) } catch {
            return ([], "\(error)")
        }
        var rows: [Row] = []
        for sheet in wb.sheets {
            do {
                let reader = try wb.rows(of: sheet, columns: columns)
                while let row = try reader.next() {
                    for cell in row.cells { _ = cell.value?.text }
                    rows.append(row)
                }
                _ = reader.mergedRanges
            } catch {
                return (rows, "\(error)")
            }
        }
        return (rows, nil)
    }
}

/// A minimal stored (uncompressed) package with one part replaced by fuzz bytes.
enum FuzzPackage {
    static let contentTypes = Array("""
        <?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
        """.utf8)
    static let rels = Array("""
        <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """.utf8)
    static let workbook = Array("""
        <?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="0"/>\
        <sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="x">S!$A$1</definedName></definedNames></workbook>
        """.utf8)
    static let workbookRels = Array("""
        <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
        """.utf8)
    static let sheet = Array("""
        <?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>44362</v></c><c r="C1"><f t="shared" ref="C1:C2" si="0">A1+1</f><v>1</v></c></row>\
        <row r="2"><c r="C2"><f t="shared" si="0"/></c><c r="D2" t="inlineStr"><is><r><t>x</t></r></is></c></row></sheetData>\
        <mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>
        """.utf8)
    static let sharedStrings = Array("""
        <?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a_x000D_b</t><rPh><t>p</t></rPh></si></sst>
        """.utf8)
    static let styles = Array("""
        <?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>\
        <numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>
        """.utf8)

    static func build(sheet s: [UInt8]? = nil, sharedStrings ss: [UInt8]? = nil, styles st: [UInt8]? = nil,
                      workbook wb: [UInt8]? = nil, workbookRels wr: [UInt8]? = nil) -> [UInt8] {
        stored([("[Content_Types].xml", contentTypes), ("_rels/.rels", rels), ("xl/workbook.xml", wb ?? workbook), ("xl/_rels/workbook.xml.rels", wr ?? workbookRels),
                ("xl/worksheets/sheet1.xml", s ?? sheet), ("xl/sharedStrings.xml", ss ?? sharedStrings),
                ("xl/styles.xml", st ?? styles)])
    }

    static func stored(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [], central: [UInt8] = []
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        for (name, data) in entries {
            let n = Array(name.utf8), crc = crc32(data), offset = UInt32(out.count), size = UInt32(data.count)
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) + le32(size) + le32(size)
            out += le16(n.count) + le16(0) + n + data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
            central += le32(size) + le32(size) + le16(n.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + n
        }
        let cd = UInt32(out.count)
        out += central + le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
        out += le32(UInt32(central.count)) + le32(cd) + le16(0)
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}

