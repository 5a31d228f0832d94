import CDeflate
import CZip
import Foundation

/// A ZIP archive opened read-only through libzip. The archive handle has one owner (this object)
/// and is closed when it goes away.
///
/// Entry names are looked up the way OPC part names compare: case-insensitively, with
/// backslashes read as slashes and a leading slash ignored.
final class ZipArchive {
    struct Entry {
        let index: UInt64
        /// The name as stored in the archive.
        let name: String
        /// Declared sizes (not trusted for allocation).
        let size: Int64
        let compressedSize: Int64
        /// The stored CRC-32 of the inflated bytes, when the entry is deflated, not encrypted and
        /// its sizes and CRC are known: such an entry may be inflated in one call (see
        /// `ZipEntryFile`); nil otherwise.
        let deflatedCRC: UInt32?
    }

    private let handle: OpaquePointer
    /// Kept alive while libzip reads from it (in-memory archives only).
    private let buffer: UnsafeMutableRawPointer?
    let entries: [Entry]
    private let byKey: [String: Int]
    let file: String
    let limits: ReadLimits
    /// Held around every call into libzip once the archive is open: an entry may be inflated on
    /// a reading-ahead thread while this one opens or closes another.
    private let lock = NSLock()
    /// Bytes inflated so far from all entries, for `maxTotalBytes`.
    private(set) var inflatedTotal: Int64 = 0

    /// Opens the archive at `path`. The corresponding C function is `zip_open`.
    convenience init(path: String, displayName: String, limits: ReadLimits) throws {
        var code: Int32 = 0
        guard let handle = zip_open(path, ZIP_RDONLY, &code) else {
            throw XLSXError(.corruptZip(detail: Self.describe(code: code)), file: displayName)
        }
        try self.init(handle: handle, buffer: nil, displayName: displayName, limits: limits)
    }

    /// Opens an archive held in memory. The corresponding C functions are
    /// `zip_source_buffer_create` and `zip_open_from_source`.
    convenience init(bytes: [UInt8], displayName: String, limits: ReadLimits) throws {
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        try self.init(owning: copy, count: bytes.count, displayName: displayName, limits: limits)
    }

    /// Opens an archive held in `buffer` (`count` bytes), which it owns from then on: it is
    /// deallocated with the archive, or at once when opening fails.
    convenience init(owning copy: UnsafeMutableRawPointer, count: Int, displayName: String, limits: ReadLimits) throws {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(copy, UInt64(count), 0, &error) else {
            copy.deallocate()
            throw XLSXError(.corruptZip(detail: String(cString: zip_error_strerror(&error))), file: displayName)
        }
        guard let handle = zip_open_from_source(source, ZIP_RDONLY, &error) else {
            zip_source_free(source)
            copy.deallocate()
            throw XLSXError(.corruptZip(detail: Self.describe(code: zip_error_code_zip(&error))), file: displayName)
        }
        try self.init(handle: handle, buffer: copy, displayName: displayName, limits: limits)
    }

    private init(handle: OpaquePointer, buffer: UnsafeMutableRawPointer?, displayName: String,
                 limits: ReadLimits) throws {
        self.handle = handle
        self.buffer = buffer
        self.file = displayName
        self.limits = limits
        let count = zip_get_num_entries(handle, 0)
        guard count >= 0, count <= Int64(limits.maxEntries) else {
            zip_discard(handle)
            buffer?.deallocate()
            throw XLSXError(.limitExceeded(limit: "压缩包内文件数超过 \(limits.maxEntries) 个", part: nil),
                            file: displayName)
        }
        var entries: [Entry] = []
        var byKey: [String: Int] = [:]
        entries.reserveCapacity(Int(count))
        for i in 0..<UInt64(count) {
            var st = zip_stat_t()
            zip_stat_init(&st)
            guard zip_stat_index(handle, i, ZIP_FL_ENC_GUESS, &st) == 0, let cName = st.name else { continue }
            let name = String(decoding: UnsafeRawBufferPointer(start: cName, count: strlen(cName)), as: UTF8.self)
            let size = (st.valid & UInt64(ZIP_STAT_SIZE)) != 0 ? Int64(clamping: st.size) : -1
            let csize = (st.valid & UInt64(ZIP_STAT_COMP_SIZE)) != 0 ? Int64(clamping: st.comp_size) : -1
            let known = UInt64(ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD)
            let deflated = (st.valid & known) == known && st.comp_method == ZIP_CM_DEFLATE
                && st.encryption_method == ZIP_EM_NONE && size >= 0 && csize > 0
            entries.append(Entry(index: i, name: name, size: size, compressedSize: csize,
                                 deflatedCRC: deflated ? st.crc : nil))
            let key = Self.key(name)
            // With duplicate names the first entry wins, as in most readers.
            if byKey[key] == nil { byKey[key] = entries.count - 1 }
        }
        self.entries = entries
        self.byKey = byKey
    }

    deinit {
        zip_discard(handle)
        buffer?.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The comparison key of a part name: slashes normalised, no leading slash, lower case.
    static func key(_ name: String) -> String {
        // Fast path: ASCII names (what nearly every writer stores), byte by byte.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            if name.utf8.allSatisfy({ !($0 >= 65 && $0 <= 90) && $0 != UInt8(ascii: "\\") }),
               name.utf8.first != UInt8(ascii: "/") { return name }
            var bytes = name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }
            let start = bytes.firstIndex { $0 != UInt8(ascii: "/") } ?? bytes.count
            bytes.removeSubrange(..<start)
            return String(decoding: bytes, as: UTF8.self)
        }
        var s = name.replacingOccurrences(of: "\\", with: "/")
        while s.hasPrefix("/") { s.removeFirst() }
        return s.lowercased()
    }

    /// The entry for a part name, compared as OPC does (see `key`).
    func entry(named name: String) -> Entry? {
        byKey[Self.key(name)].map { entries[$0] }
    }

    /// Reads a whole entry into memory (for small parts: relationships, workbook, styles).
    func readAll(_ entry: Entry) throws -> [UInt8] {
        var result: [UInt8] = []
        try stream(entry) { chunk in result.append(contentsOf: chunk) }
        return result
    }

    /// Inflates an entry chunk by chunk.
    func stream(_ entry: Entry, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let file = try ZipEntryFile(archive: self, entry: entry)
        while let chunk = try file.read() {
            try chunk.withUnsafeBytes { try body($0) }
        }
    }

    /// Counts inflated bytes against the limits (declared sizes are never trusted).
    fileprivate func account(entry: Entry, partTotal: Int64, added: Int64) throws {
        inflatedTotal += added
        if entry.size >= 0, partTotal > entry.size {
            throw XLSXError(.limitExceeded(limit: "部件实际大小超过其声明的大小", part: entry.name), file: file)
        }
        if partTotal > limits.maxPartBytes {
            throw XLSXError(.limitExceeded(limit: "单个部件解压后超过 \(Self.megabytes(limits.maxPartBytes))",
                                           part: entry.name), file: file)
        }
        if inflatedTotal > limits.maxTotalBytes {
            throw XLSXError(.limitExceeded(limit: "解压后总大小超过 \(Self.megabytes(limits.maxTotalBytes))",
                                           part: entry.name), file: file)
        }
        if partTotal > limits.ratioFloorBytes, entry.compressedSize >= 0,
           partTotal > max(entry.compressedSize, 1) * limits.maxCompressionRatio {
            throw XLSXError(.limitExceeded(limit: "压缩比超过 \(limits.maxCompressionRatio):1（疑似压缩炸弹）",
                                           part: entry.name), file: file)
        }
    }

    /// Opens an entry for reading, refusing at once an entry whose declared size or ratio is
    /// over the limits (while reading, the actual size is held to the declared one, so a part
    /// that lies about its size is stopped too). The corresponding C function is
    /// `zip_fopen_index`; with `compressed`, the entry's bytes are read as stored (ZIP_FL_COMPRESSED).
    fileprivate func open(_ entry: Entry, compressed: Bool = false) throws -> OpaquePointer {
        if entry.size > limits.maxPartBytes {
            throw XLSXError(.limitExceeded(limit: "单个部件解压后超过 \(Self.megabytes(limits.maxPartBytes))（声明 \(Self.megabytes(entry.size))）",
                                           part: entry.name), file: file)
        }
        if entry.size > limits.ratioFloorBytes, entry.compressedSize >= 0,
           entry.size > max(entry.compressedSize, 1) * limits.maxCompressionRatio {
            throw XLSXError(.limitExceeded(limit: "压缩比超过 \(limits.maxCompressionRatio):1（疑似压缩炸弹）", part: entry.name),
                            file: file)
        }
        let (opened, failure) = openHandle(entry, compressed: compressed)
        guard let opened else { throw XLSXError(.unreadablePart(part: entry.name, detail: failure), file: file) }
        return opened
    }

    /// libzip's handle of `entry` (its stored bytes with `compressed`), or nil and libzip's
    /// reason, without the limits' checks of `open`. The corresponding C function is
    /// `zip_fopen_index`.
    fileprivate func openHandle(_ entry: Entry, compressed: Bool) -> (OpaquePointer?, String) {
        withLock {
            let opened = zip_fopen_index(handle, entry.index, compressed ? ZIP_FL_COMPRESSED : 0)
            return (opened, opened == nil ? lastError() : "")
        }
    }

    private static func megabytes(_ bytes: Int64) -> String { "\(bytes >> 20) MB" }

    private func lastError() -> String {
        Self.describe(code: zip_error_code_zip(zip_get_error(handle)))
    }


    /// Translates a libzip error code into a short Chinese phrase. Every libzip return code the
    /// reader can meet goes through here.
    static func describe(code: Int32) -> String {
        switch code {
        case ZIP_ER_NOZIP: return "不是 ZIP 压缩包"
        case ZIP_ER_INCONS: return "压缩包结构不一致，可能被截断"
        case ZIP_ER_READ, ZIP_ER_SEEK: return "读取失败，文件可能被截断"
        case ZIP_ER_NOENT: return "文件不存在"
        case ZIP_ER_OPEN: return "无法打开文件"
        case ZIP_ER_MEMORY: return "内存不足"
        case ZIP_ER_CRC: return "CRC 校验失败"
        case ZIP_ER_ZLIB, ZIP_ER_COMPRESSED_DATA: return "压缩数据损坏"
        case ZIP_ER_COMPNOTSUPP: return "不支持的压缩方式"
        case ZIP_ER_ENCRNOTSUPP, ZIP_ER_NOPASSWD, ZIP_ER_WRONGPASSWD: return "压缩包已加密"
        default:
            var error = zip_error_t()
            zip_error_init_with_code(&error, code)
            defer { zip_error_fini(&error) }
            return "libzip: " + String(cString: zip_error_strerror(&error))
        }
    }
}

/// One entry of a ZipArchive opened for reading; the libzip file handle has this object as its
/// one owner. Inflated bytes are counted against the archive's limits as they arrive.
///
/// A deflated entry of at most `ReadLimits.wholeInflateBytes` is inflated in one call by libdeflate (about
/// twice zlib's speed, and its CRC-32 several times faster than zlib's), and handed out from that
/// buffer chunk by chunk. Only an entry that inflates to exactly its declared size, from exactly
/// its stored bytes, with its stored CRC, is read this way; for any other the entry is read
/// through libzip from the start, as every entry once was, so what it says about a damaged
/// entry (its error, after the same chunks) is libzip's.
///
/// The entry may be inflated on another thread than the one that reads the events (see
/// `XMLEventStream`): `fill` runs there, `account` and `failure` on the reader's thread, and
/// every call into libzip holds the archive's lock.
final class ZipEntryFile {
    private let archive: ZipArchive
    private let entry: ZipArchive.Entry
    /// libzip's handle of the entry's inflated bytes; nil while the entry may still be inflated
    /// whole, and after that when it was.
    private var handle: OpaquePointer?
    /// libzip's handle of the entry's stored bytes, until the first `fill` inflates them whole.
    private var storedHandle: OpaquePointer?
    /// The entry inflated whole, and how much of it is handed out.
    private var whole: UnsafeMutableRawBufferPointer?
    private var wholeOffset = 0
    private var total: Int64 = 0
    /// libzip's description of the failed read; written by `fill` before it returns -1.
    private var failureDetail = ""
    static let chunkSize = 1 << 16

    init(archive: ZipArchive, entry: ZipArchive.Entry) throws {
        self.archive = archive
        self.entry = entry
        if entry.deflatedCRC != nil && entry.size <= archive.limits.wholeInflateBytes {
            storedHandle = try archive.open(entry, compressed: true)
        } else {
            handle = try archive.open(entry)
        }
    }

    deinit {
        let handles = [handle, storedHandle].compactMap { $0 }
        archive.withLock { for h in handles { _ = zip_fclose(h) } }
        whole?.deallocate()
    }

    /// Inflates up to `capacity` bytes into `buffer`: returns how many, 0 at the end, or -1 when
    /// libzip fails (`failure()` then says why). Does not count the bytes: see `account`.
    /// The corresponding C function is `zip_fread` (and, for an entry inflated whole,
    /// `libdeflate_deflate_decompress_ex` and `libdeflate_crc32` on the first call).
    func fill(_ buffer: UnsafeMutableRawPointer, capacity: Int) -> Int64 {
        if let stored = storedHandle {
            whole = inflateWhole(stored)
            storedHandle = nil
            archive.withLock { _ = zip_fclose(stored) }
            if whole == nil {
                // Not as declared: read as libzip reads it, from the start.
                let (opened, detail) = archive.openHandle(entry, compressed: false)
                guard let opened else {
                    failureDetail = detail
                    return -1
                }
                handle = opened
            }
        }
        if let whole {
            let n = min(capacity, whole.count - wholeOffset)
            if n > 0 { buffer.copyMemory(from: whole.baseAddress! + wholeOffset, byteCount: n) }
            wholeOffset += n
            return Int64(n)
        }
        guard let handle else { return -1 }
        return archive.withLock {
            let n = zip_fread(handle, buffer, UInt64(capacity))
            if n < 0 { failureDetail = ZipArchive.describe(code: zip_error_code_zip(zip_file_get_error(handle))) }
            return n
        }
    }

    /// The entry inflated in one call from its stored bytes (read through `handle`), or nil
    /// when any of it is not as declared (size, stored length, CRC) or cannot be read.
    private func inflateWhole(_ handle: OpaquePointer) -> UnsafeMutableRawBufferPointer? {
        guard let crc = entry.deflatedCRC else { return nil }  // set only with both sizes known
        let stored = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(entry.compressedSize), alignment: 8)
        defer { stored.deallocate() }
        let read = archive.withLock { zip_fread(handle, stored.baseAddress, UInt64(stored.count)) }
        guard read == Int64(stored.count) else { return nil }
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: max(Int(entry.size), 1), alignment: 8)
        guard let decompressor = libdeflate_alloc_decompressor() else { out.deallocate(); return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0, produced = 0
        let result = libdeflate_deflate_decompress_ex(decompressor, stored.baseAddress, stored.count, out.baseAddress,
                                                      Int(entry.size), &consumed, &produced)
        guard result == LIBDEFLATE_SUCCESS, consumed == stored.count, produced == Int(entry.size),
              UInt32(truncatingIfNeeded: libdeflate_crc32(0, out.baseAddress, produced)) == crc else {
            out.deallocate()
            return nil
        }
        return UnsafeMutableRawBufferPointer(rebasing: out[0..<produced])
    }

    /// The error for a failed `fill`.
    func failure() -> XLSXError {
        XLSXError(.unreadablePart(part: entry.name, detail: failureDetail), file: archive.file)
    }

    /// Counts `count` more inflated bytes against the limits.
    func account(_ count: Int) throws {
        total += Int64(count)
        try archive.account(entry: entry, partTotal: total, added: Int64(count))
    }

    /// The next chunk of inflated bytes, or nil at the end.
    func read() throws -> [UInt8]? {
        var n: Int64 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: Self.chunkSize) { buffer, count in
            n = fill(buffer.baseAddress!, capacity: Self.chunkSize)
            count = Int(max(n, 0))
        }
        if n < 0 { throw failure() }
        if chunk.isEmpty { return nil }
        try account(chunk.count)
        return chunk
    }
}
