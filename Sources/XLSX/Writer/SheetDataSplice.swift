import CZip
import Foundation

/// Lays a sheet's rows, compressed while they were written (`StreamedSheetData`), into the
/// package libxlsxwriter wrote without them: the sheet's part is read back (its XML up to and
/// after `<sheetData>`, a few kilobytes), and replaced by one deflate stream of that XML's head,
/// the pieces, and its tail. The other parts are copied as libxlsxwriter compressed them; the
/// part's uncompressed bytes are exactly the ones libxlsxwriter would have written.
///
/// libzip writes the package again (to a temporary file beside it, renamed over it): it copies
/// the other entries' compressed bytes, and takes the new entry's as they are because its source
/// says they are deflated, with their CRC-32 and sizes.
enum SheetDataSplice {
    /// Inserts each sheet's rows into the part `xl/worksheets/sheetN.xml` (N: the worksheet's
    /// position, from 1) of the package at `path`.
    static func insert(_ rows: [(worksheet: Int, pieces: [DeflatedPiece])], intoPackage path: String) throws {
        var code: Int32 = 0
        guard let archive = zip_open(path, 0, &code) else { throw SpliceError(detail: "libzip \(code)") }
        func fail(_ what: String) -> SpliceError {
            let detail = "\(what):\(String(cString: zip_strerror(archive)))"
            zip_discard(archive)
            return SpliceError(detail: detail)
        }
        for (worksheet, pieces) in rows {
            let name = "xl/worksheets/sheet\(worksheet).xml"
            let index = zip_name_locate(archive, name, 0)
            guard index >= 0 else { throw fail(name) }
            let xml = try read(archive, UInt64(index), fail: fail)
            let marker = Array("<sheetData>".utf8)
            guard let at = xml.firstRange(of: marker)?.upperBound else { throw fail("\(name) <sheetData>") }
            let head = try xml[..<at].withUnsafeBytes { try DeflatedPiece($0, last: false, level: DeflatedPiece.partLevel) }
            let tail = try xml[at...].withUnsafeBytes { try DeflatedPiece($0, last: true, level: DeflatedPiece.partLevel) }
            var attributes: (system: UInt8, value: UInt32) = (0, 0)
            guard zip_file_get_external_attributes(archive, UInt64(index), 0, &attributes.system, &attributes.value) == 0
            else { throw fail(name) }
            let source = try PiecesSource([head] + pieces + [tail]).makeSource(in: archive, fail: fail)
            guard zip_file_replace(archive, UInt64(index), source, 0) == 0 else {
                zip_source_free(source)
                throw fail(name)
            }
            // As libxlsxwriter dates and marks every entry: 1980-01-01 00:00, its attributes.
            guard zip_file_set_dostime(archive, UInt64(index), 0, (0 << 9) | (1 << 5) | 1, 0) == 0,
                  zip_file_set_external_attributes(archive, UInt64(index), 0, attributes.system, attributes.value) == 0
            else { throw fail(name) }
        }
        guard zip_close(archive) == 0 else { throw fail("关闭") }
    }

    /// An entry's uncompressed bytes.
    private static func read(_ archive: OpaquePointer, _ index: UInt64, fail: (String) -> SpliceError) throws -> [UInt8] {
        guard let file = zip_fopen_index(archive, index, 0) else { throw fail("读取") }
        defer { zip_fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, UInt64($0.count)) }
            guard n >= 0 else { throw fail("读取") }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<Int(n)])
        }
    }

    struct SpliceError: Error { let detail: String }
}

/// A libzip source that hands over deflated bytes as they are, with their CRC-32 and sizes, so
/// libzip writes them without compressing again. Owned by libzip once made (`ZIP_SOURCE_FREE`
/// releases it).
private final class PiecesSource {
    private let pieces: [DeflatedPiece]
    private let crc: UInt32
    private let length: Int
    private let compressedLength: Int
    private var piece = 0
    private var offset = 0

    init(_ pieces: [DeflatedPiece]) {
        self.pieces = pieces
        (crc, length) = DeflatedPiece.combined(pieces)
        compressedLength = pieces.reduce(0) { $0 + $1.bytes.count }
    }

    /// The corresponding C function is `zip_source_function`.
    func makeSource(in archive: OpaquePointer, fail: (String) -> SheetDataSplice.SpliceError) throws -> OpaquePointer {
        let context = Unmanaged.passRetained(self).toOpaque()
        guard let source = zip_source_function(archive, { context, data, length, command in
            PiecesSource.handle(context!, data, length, command)
        }, context) else {
            Unmanaged<PiecesSource>.fromOpaque(context).release()
            throw fail("数据源")
        }
        return source
    }

    private static func handle(_ context: UnsafeMutableRawPointer, _ data: UnsafeMutableRawPointer?, _ length: UInt64,
                               _ command: zip_source_cmd_t) -> Int64 {
        let me = Unmanaged<PiecesSource>.fromOpaque(context).takeUnretainedValue()
        switch command {
        case ZIP_SOURCE_OPEN:
            me.piece = 0
            me.offset = 0
            return 0
        case ZIP_SOURCE_READ:
            guard let data else { return -1 }
            var written = 0
            while written < Int(length) && me.piece < me.pieces.count {
                let bytes = me.pieces[me.piece].bytes
                let n = min(Int(length) - written, bytes.count - me.offset)
                bytes.withUnsafeBytes { data.advanced(by: written).copyMemory(from: $0.baseAddress! + me.offset, byteCount: n) }
                written += n
                me.offset += n
                if me.offset == bytes.count {
                    me.piece += 1
                    me.offset = 0
                }
            }
            return Int64(written)
        case ZIP_SOURCE_CLOSE:
            return 0
        case ZIP_SOURCE_STAT:
            guard let data, length >= UInt64(MemoryLayout<zip_stat_t>.size) else { return -1 }
            let stat = data.assumingMemoryBound(to: zip_stat_t.self)
            zip_stat_init(stat)
            stat.pointee.size = UInt64(me.length)
            stat.pointee.comp_size = UInt64(me.compressedLength)
            stat.pointee.comp_method = UInt16(ZIP_CM_DEFLATE)
            stat.pointee.crc = me.crc
            stat.pointee.valid = UInt64(ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC)
            return Int64(MemoryLayout<zip_stat_t>.size)
        case ZIP_SOURCE_ERROR:
            guard let data, length >= 8 else { return -1 }
            data.storeBytes(of: (Int32(ZIP_ER_INTERNAL), Int32(0)), as: (Int32, Int32).self)
            return 8
        case ZIP_SOURCE_FREE:
            Unmanaged<PiecesSource>.fromOpaque(context).release()
            return 0
        case ZIP_SOURCE_SUPPORTS:
            let commands = [ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
                            ZIP_SOURCE_FREE, ZIP_SOURCE_SUPPORTS]
            return commands.reduce(Int64(0)) { $0 | (Int64(1) << Int64($1.rawValue)) }
        default:
            return -1
        }
    }
}
