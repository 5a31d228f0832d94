import Foundation

/// Recognises what a file is before it is opened as a ZIP archive, so that a .xls, an
/// encrypted workbook, a WPS .et or a CSV gets a message that says what it is.
enum FileSniffer {
    enum Verdict: Equatable {
        case zip
        case rejected(XLSXError.Kind)
    }

    private static let cfbMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// Looks at the bytes of a file. `prefix` is the start of the file (a few KiB is enough for
    /// everything but compound files); `whole` gives the full contents when a compound file
    /// needs its stream names read.
    static func sniff(prefix: [UInt8], fileName: String, whole: () -> [UInt8]) -> Verdict {
        if prefix.isEmpty { return .rejected(.emptyFile) }
        if prefix.starts(with: [0x50, 0x4B]) { return .zip }
        let ext = (fileName as NSString).pathExtension.lowercased()
        if prefix.starts(with: cfbMagic) {
            if ext == "et" || ext == "ett" { return .rejected(.wpsET) }
            let bytes = whole()
            if containsUTF16(bytes, "EncryptionInfo") || containsUTF16(bytes, "EncryptedPackage") {
                return .rejected(.encrypted)
            }
            if containsUTF16(bytes, "Workbook") || containsUTF16(bytes, "Book") { return .rejected(.legacyXLS) }
            return .rejected(.otherCompoundFile)
        }
        if ext == "et" || ext == "ett" { return .rejected(.wpsET) }
        if looksLikeText(prefix) { return .rejected(.textFile) }
        return .rejected(.unknownFormat)
    }

    private static func containsUTF16(_ bytes: [UInt8], _ name: String) -> Bool {
        let needle = name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        guard bytes.count >= needle.count, let first = needle.first else { return false }
        var i = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Text: valid UTF-8 (or GBK-like high bytes) with no NUL bytes and few control characters.
    private static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        var controls = 0
        for b in bytes {
            if b == 0 { return false }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x1B { controls += 1 }
        }
        return controls * 100 <= bytes.count
    }
}
