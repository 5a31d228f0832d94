import Foundation

/// A file name that is not UTF-8, made readable: Windows writes names in zip files in the
/// system's code page (GBK, GB18030 on Chinese Windows), and unpacked here they stay bytes no
/// UTF-8 reader can show. Such a name is decoded as GB18030 (a superset of GBK) for messages and
/// for telling which unit it names; it still cannot be opened by that text.
public enum FileNameText {
    /// The name as text: UTF-8 as it is; else GB18030 when the bytes are valid GB18030; else
    /// UTF-8 with replacement characters.
    public static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return gb18030(bytes) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes decoded as GB18030 (nil when they are not valid GB18030), through iconv.
    public static func gb18030(_ bytes: [UInt8]) -> String? {
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 4)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        return String(validating: output[..<produced].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
