/// Part names and relationships of an OPC package (ECMA-376 Part 2).
enum PartName {
    /// The folder of a part name, with a trailing slash ("" at the root).
    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    /// The relationships part that belongs to `part` (`xl/workbook.xml` →
    /// `xl/_rels/workbook.xml.rels`; the package itself, "", → `_rels/.rels`).
    static func relationshipsPart(of part: String) -> String {
        let name = part.split(separator: "/").last.map(String.init) ?? ""
        return folder(of: part) + "_rels/" + name + ".rels"
    }

    /// Resolves a relationship target against the part that holds the relationship.
    /// Absolute targets start at the package root; backslashes count as slashes; `.` and `..`
    /// segments are resolved. Returns nil for a target that climbs out of the package.
    static func resolve(_ target: String, from source: String) -> String? {
        let t = percentDecoded(target.utf8.contains(UInt8(ascii: "\\")) ? target.replacingOccurrences(of: "\\", with: "/") : target)
        let joined = Array((t.hasPrefix("/") ? t : folder(of: source) + t).utf8)
        // Segments as byte ranges (UTF-8, not Characters: this runs for every relationship read).
        var segments: [ArraySlice<UInt8>] = []
        for segment in joined.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) {
                if segments.isEmpty { return nil }
                segments.removeLast()
            } else {
                segments.append(segment)
            }
        }
        return String(decoding: Array(segments.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self)
    }

    /// A part name with its %HH escapes decoded (as UTF-8 bytes).
    static func percentDecoded(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.first {
            utf8 = utf8.dropFirst()
            if b == UInt8(ascii: "%"), utf8.count >= 2,
               let hi = hexValue(utf8[utf8.startIndex]), let lo = hexValue(utf8[utf8.startIndex + 1]) {
                bytes.append(hi << 4 | lo)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// One relationship from a `.rels` part.
struct Relationship {
    let id: String
    /// The last path segment of the relationship type URI (`worksheet`, `officeDocument`,
    /// `sharedStrings`, …). Transitional and Strict URIs end the same way.
    let type: String
    /// The resolved part name, or nil for external targets and targets outside the package.
    let target: String?
}

extension Relationship {
    /// Reads the relationships of `source` (an empty list when the `.rels` part is absent).
    static func read(for source: String, in archive: ZipArchive) throws -> [Relationship] {
        guard let entry = archive.entry(named: PartName.relationshipsPart(of: source)) else { return [] }
        let xml = try XMLEventStream(archive: archive, entry: entry)
        var result: [Relationship] = []
        while try xml.next() {
            guard xml.isStart("Relationship") else { continue }
            let typeURI = Array((xml.attribute("Type") ?? "").utf8)
            let type = typeURI.split(separator: UInt8(ascii: "/")).last.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let external = xml.attribute("TargetMode")?.lowercased() == "external"
            let target = external ? nil : xml.attribute("Target").flatMap { PartName.resolve($0, from: source) }
            result.append(Relationship(id: xml.attribute("Id") ?? "", type: type, target: target))
        }
        return result
    }
}
