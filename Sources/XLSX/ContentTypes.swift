import Foundation

/// The content types of a package's parts, from `[Content_Types].xml` (ECMA-376 Part 2, 10.1.2):
/// a part's `Override`, else the `Default` of its extension. A ZIP entry with neither is not a
/// part of the package (as Microsoft's own OPC reader treats it): Excel does not read it.
struct ContentTypes {
    /// Lower-cased extension → content type.
    private var defaults: [String: String] = [:]
    /// Part name (as `ZipArchive.key` compares names) → content type.
    private var overrides: [String: String] = [:]

    /// The package's content types, or nil when it has no `[Content_Types].xml`.
    static func read(in archive: ZipArchive) throws -> ContentTypes? {
        guard let entry = archive.entry(named: "[Content_Types].xml") else { return nil }
        var types = ContentTypes()
        let xml = try XMLEventStream(archive: archive, entry: entry)
        while try xml.next() {
            guard xml.isStart, let type = xml.attribute("ContentType").map(normalized) else { continue }
            // A name given twice is a conformance error; the first one counts, as for entries.
            if xml.isNamed("Default"), let ext = xml.attribute("Extension") {
                let key = ext.lowercased()
                if types.defaults[key] == nil { types.defaults[key] = type }
            } else if xml.isNamed("Override"), let name = xml.attribute("PartName") {
                let key = ZipArchive.key(PartName.percentDecoded(name))
                if types.overrides[key] == nil { types.overrides[key] = type }
            }
        }
        return types
    }

    /// The content type of a part (lower case, without parameters), or nil when it has none.
    func type(of part: String) -> String? {
        let key = ZipArchive.key(part)
        if let type = overrides[key] { return type }
        let name = key.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return defaults[String(name[name.index(after: dot)...])]
    }

    /// Media types compare case-insensitively; parameters (`; charset=…`) do not name the kind.
    /// (Bytes, not Foundation's trimming: every workbook opened reads a dozen of these.)
    private static func normalized(_ type: String) -> String {
        var bytes = Array(type.utf8)
        if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes.removeSubrange(semicolon...) }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.count
        return String(decoding: bytes[start...].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The content types of a workbook part: workbook, template, macro-enabled workbook, template
    /// and add-in (Transitional and Strict packages use the same ones).
    static let workbook: Set<String> = [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "application/vnd.ms-excel.sheet.macroenabled.main+xml",
        "application/vnd.ms-excel.template.macroenabled.main+xml",
        "application/vnd.ms-excel.addin.macroenabled.main+xml",
    ]
    static let worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
}
