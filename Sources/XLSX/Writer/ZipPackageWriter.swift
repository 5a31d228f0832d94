import CZip
import Foundation

/// Writes an OPC package (a .docx, .xlsx …: a ZIP of XML parts) with libzip, deterministically:
/// the parts in the order given, every entry dated 1980-01-01 00:00 (the ZIP epoch), deflated,
/// with fixed attributes and no extra fields, so the same parts give the same bytes. The
/// package is written to a temporary file beside `path` and renamed over it, so a reader never
/// sees half a file.
public enum ZipPackageWriter {
    /// One part: its name inside the package (`word/document.xml`) and its bytes.
    public struct Part: Sendable {
        public var name: String
        public var data: Data
        public init(name: String, data: Data) {
            self.name = name
            self.data = data
        }
        public init(name: String, text: String) {
            self.init(name: name, data: Data(text.utf8))
        }
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes `parts` to `path`, replacing any file there.
    public static func write(_ parts: [Part], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        unlink(tmp)
        var code: Int32 = 0
        guard let archive = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
            throw WriteError(description: "无法创建文件“\(path)”（libzip 错误 \(code)）")
        }
        // libzip reads the buffers when the archive is closed: keep them alive until then.
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { free($0) } }
        func fail(_ what: String) -> WriteError {
            let message = String(cString: zip_strerror(archive))
            zip_discard(archive)
            unlink(tmp)
            return WriteError(description: "写入“\(path)”失败：\(what)(\(message))")
        }
        for part in parts {
            let size = part.data.count
            let buffer = malloc(max(size, 1))!
            buffers.append(buffer)
            part.data.copyBytes(to: buffer.assumingMemoryBound(to: UInt8.self), count: size)
            guard let source = zip_source_buffer(archive, buffer, zip_uint64_t(size), 0) else { throw fail(part.name) }
            let index = zip_file_add(archive, part.name, source, zip_flags_t(ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE))
            guard index >= 0 else {
                zip_source_free(source)
                throw fail(part.name)
            }
            let i = zip_uint64_t(index)
            // 1980-01-01 00:00 in MS-DOS date/time: date (year-1980)<<9 | month<<5 | day.
            guard zip_file_set_dostime(archive, i, 0, (0 << 9) | (1 << 5) | 1, 0) == 0,
                  zip_set_file_compression(archive, i, ZIP_CM_DEFLATE, 9) == 0,
                  zip_file_set_external_attributes(archive, i, 0, UInt8(ZIP_OPSYS_UNIX), zip_uint32_t(0o100644) << 16) == 0
            else { throw fail(part.name) }
        }
        guard zip_close(archive) == 0 else { throw fail("关闭") }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw WriteError(description: "无法写入“\(path)”")
        }
    }
}
