import Foundation
import TianbaoPlan
import TianbaoSupport

/// The round's row store: checked rows kept outside memory while a round is merged. Each
/// file's rows are encoded compactly and appended to one temporary file (unlinked at once, so
/// nothing is left behind even if the run is killed), and read back when an output pass needs
/// them. Memory then stays flat as the number of files grows. When no temporary file can be
/// made, the encoded rows are kept in memory instead (still about a sixth of the decoded size).
///
/// One owner: the round that made it (`RoundResult.rowStore`); a `Submission` keeps only the
/// handle of its rows, and reads go through the owner. A read never returns fewer rows than
/// were stored: a damaged store (a short read, bytes that do not decode) throws
/// `RowStoreError`.
///
/// Thread-safe: files are checked on several threads.
public final class RowSpill: @unchecked Sendable {
    /// Where one file's rows are, in which store.
    public struct Handle: Sendable {
        let store: ObjectIdentifier
        let offset: Int
        let length: Int
        let count: Int
    }

    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var memory: [UInt8] = []
    private var end = 0
    /// Field ids of each sheet, by sheet id: one array shared by all decoded rows of a sheet.
    private var keys: [String: [String]] = [:]
    private var sheetIds: [String] = []
    private var sheetIndex: [String: Int] = [:]

    /// Creates the spill in `directory` (the system's temporary folder by default).
    public init(directory: String = NSTemporaryDirectory()) {
        var template = Array(((directory as NSString).appendingPathComponent("tianbao-rows-XXXXXX")).utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd >= 0 {
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            descriptor = fd
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// True when rows go to a temporary file (false: kept encoded in memory).
    public var onDisk: Bool { descriptor >= 0 }

    /// Stores rows; returns where they are.
    public func store(_ rows: [CheckedRow]) -> Handle {
        lock.lock()
        let sheets = rows.map { row -> Int in
            if let i = sheetIndex[row.sheet] { return i }
            sheetIndex[row.sheet] = sheetIds.count
            sheetIds.append(row.sheet)
            keys[row.sheet] = row.values.keys
            return sheetIds.count - 1
        }
        lock.unlock()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 160)
        for (row, sheet) in zip(rows, sheets) { Self.encode(row, sheet: sheet, into: &bytes) }

        lock.lock()
        defer { lock.unlock() }
        let handle = Handle(store: ObjectIdentifier(self), offset: end, length: bytes.count, count: rows.count)
        if descriptor >= 0 && Self.writeAll(descriptor, bytes, at: end) {
            if FaultInjection.damagesStoredRows { _ = Self.writeAll(descriptor, Array(repeating: 0xFF, count: min(bytes.count, 2)), at: end) }
            end += bytes.count
            return handle
        }
        // The disk is full or gone: keep everything in memory from now on, losing nothing.
        if descriptor >= 0 {
            memory = (try? Self.readAll(descriptor, offset: 0, length: end)) ?? []
            close(descriptor)
            descriptor = -1
            if memory.count != end { memory += Array(repeating: 0, count: end - memory.count) }
        }
        memory += bytes
        end += bytes.count
        return handle
    }

    /// The rows stored under `handle`, as they were stored. Throws `RowStoreError` when the
    /// handle is another store's, or the stored bytes cannot be read back or decoded (never
    /// fewer rows than were stored).
    public func rows(_ handle: Handle) throws -> [CheckedRow] {
        guard handle.store == ObjectIdentifier(self) else { throw RowStoreError(.otherStore) }
        lock.lock()
        let bytes: [UInt8]
        if descriptor >= 0 {
            do { bytes = try Self.readAll(descriptor, offset: handle.offset, length: handle.length) } catch {
                lock.unlock()
                throw RowStoreError(.unreadable(errno: (error as? POSIXError)?.code.rawValue ?? 0))
            }
        } else {
            bytes = Array(memory[handle.offset..<handle.offset + handle.length])
        }
        let sheetIds = self.sheetIds, keys = self.keys
        lock.unlock()
        var rows: [CheckedRow] = []
        rows.reserveCapacity(handle.count)
        var reader = ByteReader(bytes: bytes)
        while !reader.atEnd {
            guard let row = Self.decode(&reader, sheetIds: sheetIds, keys: keys) else { throw RowStoreError(.damaged) }
            rows.append(row)
        }
        guard rows.count == handle.count else { throw RowStoreError(.damaged) }
        return rows
    }

    /// For tests: overwrites `count` stored bytes from `offset` into the rows of `handle` with
    /// `byte`, in the temporary file (or in memory), as a damaged disk would.
    public func damage(_ handle: Handle, at offset: Int = 0, count: Int = 1, with byte: UInt8 = 0xFF) {
        lock.lock()
        defer { lock.unlock() }
        let n = min(count, handle.length - offset)
        guard n > 0 else { return }
        if descriptor >= 0 {
            _ = Self.writeAll(descriptor, Array(repeating: byte, count: n), at: handle.offset + offset)
        } else {
            for i in 0..<n { memory[handle.offset + offset + i] = byte }
        }
    }

    /// For tests: cuts the temporary file short at `length` bytes (a disk that lost the end
    /// of the file); nothing when rows are kept in memory.
    public func truncate(to length: Int) {
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 { _ = ftruncate(descriptor, off_t(length)) }
    }

    // MARK: Encoding
    //
    // A row: sheet (u16), row (u32), accepted (u8), explanation (text or absent), value count
    // (u16), then each value: 0 absent, 1 text (u32 length, UTF-8), 2 number (8 bytes), 3 date
    // (i32 year, u8 month, u8 day). Little-endian.

    private static func encode(_ row: CheckedRow, sheet: Int, into out: inout [UInt8]) {
        append(UInt16(sheet), &out)
        append(UInt32(truncatingIfNeeded: row.row), &out)
        out.append(row.accepted ? 1 : 0)
        if let e = row.explanation { out.append(1); appendText(e, &out) } else { out.append(0) }
        let values = row.values.slotValues
        append(UInt16(values.count), &out)
        for v in values {
            switch v {
            case nil: out.append(0)
            case .text(let s)?: out.append(1); appendText(s, &out)
            case .number(let n)?: out.append(2); append(n.bitPattern, &out)
            case .date(let d)?:
                out.append(3)
                append(UInt32(bitPattern: Int32(d.year)), &out)
                out.append(UInt8(d.month))
                out.append(UInt8(d.day))
            }
        }
    }

    private static func decode(_ r: inout ByteReader, sheetIds: [String], keys: [String: [String]]) -> CheckedRow? {
        guard let sheet = r.u16(), Int(sheet) < sheetIds.count, let rowNumber = r.u32(), let accepted = r.u8(),
              let hasExplanation = r.u8() else { return nil }
        let sheetId = sheetIds[Int(sheet)]
        var explanation: String?
        if hasExplanation == 1 { guard let e = r.text() else { return nil }; explanation = e }
        guard let count = r.u16() else { return nil }
        var slots: [FieldValue?] = []
        slots.reserveCapacity(Int(count))
        for _ in 0..<count {
            switch r.u8() {
            case 0: slots.append(nil)
            case 1: guard let s = r.text() else { return nil }; slots.append(.text(s))
            case 2: guard let bits = r.u64() else { return nil }; slots.append(.number(Double(bitPattern: bits)))
            case 3:
                guard let y = r.u32(), let m = r.u8(), let d = r.u8() else { return nil }
                slots.append(.date(Day(year: Int(Int32(bitPattern: y)), month: Int(m), day: Int(d))))
            default: return nil
            }
        }
        let values = FieldValues(keys: keys[sheetId] ?? [], slots: slots)
        return CheckedRow(sheet: sheetId, row: Int(rowNumber), values: values, explanation: explanation, accepted: accepted == 1)
    }

    private static func append<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendText(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in
            append(UInt32(utf8.count), &out)
            out.append(contentsOf: utf8)
        }
    }

    // MARK: File access

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int) -> Bool {
        bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = pwrite(fd, buf.baseAddress! + done, buf.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }

    private static func readAll(_ fd: Int32, offset: Int, length: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: length) { buf, count in
            var done = 0
            while done < length {
                let n = pread(fd, buf.baseAddress! + done, length - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { count = done; throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                if n == 0 { count = done; throw POSIXError(.EIO) }
                done += n
            }
            count = length
        }
    }
}

/// A round's row store could not give back the rows it was given: the merge's own fault (a
/// damaged or vanished temporary file), never the unit's. Its outputs are not written (exit 3).
public struct RowStoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The temporary file could not be read (`errno`, 0 when unknown or a short read).
        case unreadable(errno: Int32)
        /// The bytes read back do not decode into the rows stored.
        case damaged
        /// A handle given to a store that did not make it.
        case otherStore
    }
    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// The Chinese message a user reads.
    public var message: String {
        switch kind {
        case .unreadable(let code):
            let cause = code == 0 || code == EIO ? "读取出错或文件不完整" : String(cString: strerror(code))
            return "汇总过程中暂存已校验数据行的临时文件无法读回（\(cause)），请检查临时文件夹所在的磁盘后重新汇总"
        case .damaged: return "汇总过程中暂存已校验数据行的临时文件已损坏，读回的数据与写入的不一致，请检查临时文件夹所在的磁盘后重新汇总"
        case .otherStore: return "汇总程序内部错误：数据行不在本轮的暂存文件中"
        }
    }

    public var description: String { message }
}

/// Reads little-endian values from bytes; nil past the end.
private struct ByteReader {
    let bytes: [UInt8]
    var at = 0

    var atEnd: Bool { at >= bytes.count }

    mutating func u8() -> UInt8? {
        guard at < bytes.count else { return nil }
        defer { at += 1 }
        return bytes[at]
    }

    mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard at + size <= bytes.count else { return nil }
        var v: T = 0
        withUnsafeMutableBytes(of: &v) { dst in
            bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[at..<at + size])) }
        }
        at += size
        return T(littleEndian: v)
    }

    mutating func u16() -> UInt16? { fixed(UInt16.self) }
    mutating func u32() -> UInt32? { fixed(UInt32.self) }
    mutating func u64() -> UInt64? { fixed(UInt64.self) }

    mutating func text() -> String? {
        guard let n = u32(), at + Int(n) <= bytes.count else { return nil }
        defer { at += Int(n) }
        return String(decoding: bytes[at..<at + Int(n)], as: UTF8.self)
    }
}
