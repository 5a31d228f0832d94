/// Text as SpreadsheetML stores it in `<t>` and `<v>` elements.
enum TextDecoding {
    /// Decodes `_xHHHH_` escapes (ECMA-376 Part 1, 22.4.2.4): each stands for one UTF-16 code
    /// unit; surrogate pairs may span two escapes; `_x005F_` is a literal underscore.
    /// Text without escapes is returned as is.
    static func decodeEscapes(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard containsEscape(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count)
        // Work on the UTF-16 form so escaped surrogate halves pair with their neighbours.
        let utf16 = Array(String(decoding: bytes, as: UTF8.self).utf16)
        var i = 0
        while i < utf16.count {
            if utf16[i] == 0x5F, i + 6 < utf16.count, utf16[i + 1] == 0x78, utf16[i + 6] == 0x5F,
               let v = hex4(utf16[(i + 2)...(i + 5)]) {
                units.append(v)
                i += 7
            } else {
                units.append(utf16[i])
                i += 1
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func containsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 7 else { return false }
        for i in 0...(bytes.count - 7) where bytes[i] == 0x5F && bytes[i + 1] == 0x78 && bytes[i + 6] == 0x5F {
            return true
        }
        return false
    }

    private static func hex4(_ s: ArraySlice<UInt16>) -> UInt16? {
        var v: UInt16 = 0
        for u in s {
            let d: UInt16
            switch u {
            case 0x30...0x39: d = u - 0x30
            case 0x41...0x46: d = u - 0x41 + 10
            case 0x61...0x66: d = u - 0x61 + 10
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }

    /// XML white space (space, tab, CR, LF).
    @inline(__always)
    static func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Trims XML white space from both ends, as Excel does with a `<t>` element that has no
    /// `xml:space="preserve"`.
    static func trimmed<C: BidirectionalCollection>(_ bytes: C) -> C.SubSequence where C.Element == UInt8 {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi && isXMLSpace(bytes[lo]) { bytes.formIndex(after: &lo) }
        while hi > lo && isXMLSpace(bytes[bytes.index(before: hi)]) { bytes.formIndex(before: &hi) }
        return bytes[lo..<hi]
    }
}

/// Collects the text of a run of `<t>` elements (a shared string item `<si>` or an inline
/// string `<is>`): plain and rich-text runs are concatenated, phonetic runs (`<rPh>`) and
/// their properties are skipped, and each `<t>` is trimmed unless it says
/// `xml:space="preserve"`.
struct RichTextCollector {
    private var bytes: [UInt8] = []
    private var inT = false
    private var tStart = 0
    private var preserve = false
    private var phoneticDepth = 0

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        inT = false
        phoneticDepth = 0
    }

    /// Feeds one event from inside the string item. Returns nothing; read `text` at the end.
    mutating func feed(_ xml: XMLEventStream) {
        if xml.isStart {
            if xml.isNamed("rPh") { phoneticDepth += 1 }
            else if phoneticDepth == 0 && xml.isNamed("t") {
                inT = true
                tStart = bytes.count
                if let space = xml.attributeBytes("space") {
                    preserve = space.elementsEqual("preserve".utf8)
                } else {
                    preserve = false
                }
            }
        } else if xml.isEnd {
            if xml.isNamed("rPh") { phoneticDepth -= 1 }
            else if inT && xml.isNamed("t") {
                inT = false
                if !preserve {
                    let kept = TextDecoding.trimmed(bytes[tStart...])
                    let copy = Array(kept)
                    bytes.removeSubrange(tStart...)
                    bytes.append(contentsOf: copy)
                }
            }
        } else if inT && phoneticDepth == 0 {
            bytes.append(contentsOf: xml.textBytes)
        }
    }

    /// The collected text with `_xHHHH_` escapes decoded.
    var text: String {
        bytes.withUnsafeBufferPointer { TextDecoding.decodeEscapes($0) }
    }
}
