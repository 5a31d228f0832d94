import Foundation

/// Builds small ZIP packages in memory for tests: entries are stored (not compressed), which
/// every ZIP reader accepts. Pure Swift, so tests can make exactly the bytes they need.
struct StoredZip {
    private(set) var entries: [(name: String, data: [UInt8])] = []

    mutating func add(_ name: String, _ text: String) { entries.append((name, Array(text.utf8))) }
    mutating func add(_ name: String, bytes: [UInt8]) { entries.append((name, bytes)) }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in entries {
            let nameBytes = Array(name.utf8)
            let crc = CRC32.checksum(data)
            let offset = UInt32(out.count)
            out += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0)
            out += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            out += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0)
            central += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
            central += le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            central += le32(offset) + nameBytes
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
}

enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// A minimal workbook package: one or more sheets given as `<sheetData>` content, optional
/// shared strings and number formats. Namespaces and prefixes can be changed to test quirks.
struct TestWorkbook {
    var sheets: [(name: String, xml: String)] = []
    var sharedStrings: [String]? = nil      // raw <si> contents
    var numberFormats: [Int: String] = [:]  // custom numFmts
    var cellFormats: [Int] = [0]            // numFmtId per cellXfs entry
    var date1904 = false
    /// `workbookPr`'s `dateCompatibility` as written (nil leaves it out).
    var dateCompatibility: String? = nil
    var mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    var relNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    var prefix = ""  // e.g. "x:" for prefixed SpreadsheetML
    var extraParts: [(String, String)] = []

    /// Wraps `<sheetData>` content in a worksheet part.
    func worksheet(_ data: String, after: String = "") -> String {
        let p = prefix
        let ns = p.isEmpty ? "xmlns=\"\(mainNamespace)\"" : "xmlns:\(p.dropLast())=\"\(mainNamespace)\""
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><\(p)worksheet \(ns)><\(p)sheetData>\(data)</\(p)sheetData>\(after)</\(p)worksheet>"
    }

    /// `[Content_Types].xml`: the workbook and worksheets by name, other XML parts by extension.
    var contentTypes: String {
        let ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        var types = "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(ml).sheet.main+xml\"/>"
        for i in sheets.indices {
            types += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"\(ml).worksheet+xml\"/>"
        }
        return "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\(types)</Types>"
    }

    var bytes: [UInt8] {
        var zip = StoredZip()
        let p = prefix
        let ns = p.isEmpty ? "xmlns=\"\(mainNamespace)\"" : "xmlns:\(p.dropLast())=\"\(mainNamespace)\""
        zip.add("[Content_Types].xml", contentTypes)
        zip.add("_rels/.rels", """
            <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(relNamespace)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """)
        var rels = ""
        var sheetList = ""
        for (i, sheet) in sheets.enumerated() {
            rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(relNamespace)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
            sheetList += "<\(p)sheet name=\"\(sheet.name)\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
            zip.add("xl/worksheets/sheet\(i + 1).xml", sheet.xml)
        }
        rels += "<Relationship Id=\"rIdS\" Type=\"\(relNamespace)/styles\" Target=\"styles.xml\"/>"
        if let sst = sharedStrings {
            rels += "<Relationship Id=\"rIdT\" Type=\"\(relNamespace)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            zip.add("xl/sharedStrings.xml", "<?xml version=\"1.0\"?><\(p)sst \(ns)>" + sst.map { "<\(p)si>\($0)</\(p)si>" }.joined() + "</\(p)sst>")
        }
        zip.add("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>")
        zip.add("xl/workbook.xml", """
            <?xml version="1.0"?><\(p)workbook \(ns) xmlns:r="\(relNamespace)">\
            <\(p)workbookPr\(date1904 ? " date1904=\"1\"" : "")\(dateCompatibility.map { " dateCompatibility=\"\($0)\"" } ?? "")/><\(p)sheets>\(sheetList)</\(p)sheets></\(p)workbook>
            """)
        let fmts = numberFormats.sorted { $0.key < $1.key }.map { "<\(p)numFmt numFmtId=\"\($0.key)\" formatCode=\"\($0.value.replacingOccurrences(of: "\"", with: "&quot;"))\"/>" }.joined()
        let xfs = cellFormats.map { "<\(p)xf numFmtId=\"\($0)\"/>" }.joined()
        zip.add("xl/styles.xml", "<?xml version=\"1.0\"?><\(p)styleSheet \(ns)><\(p)numFmts>\(fmts)</\(p)numFmts><\(p)cellXfs>\(xfs)</\(p)cellXfs></\(p)styleSheet>")
        for (name, text) in extraParts { zip.add(name, text) }
        return zip.bytes
    }
}
