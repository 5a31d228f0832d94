import CZlib

/// Bytes compressed as one piece of a raw deflate stream (RFC 1951), with the CRC-32 and length
/// of what it holds. Pieces are compressed on their own, so several can be compressed at once,
/// and each but the last ends at a byte boundary without ending the stream (zlib's
/// `Z_SYNC_FLUSH`): laid end to end they are one valid stream, as pigz makes them. A piece
/// refers to no byte before it, which costs a little of the ratio at each boundary.
struct DeflatedPiece {
    /// The compressed bytes.
    var bytes: [UInt8]
    /// CRC-32 of the uncompressed bytes.
    var crc: UInt32
    /// The number of uncompressed bytes.
    var length: Int

    /// zlib's level for the rows of a big sheet. libxlsxwriter deflates at 6; at 2 the rows of
    /// M1's ledger (227 MB of XML) take 40 % of the time for 27 % more bytes (27.6 MB against
    /// 21.7 MB): the time is the merge's, paid while files are still being checked.
    static let rowsLevel: Int32 = 2
    /// zlib's level for a sheet's head and tail around its rows: libxlsxwriter's.
    static let partLevel: Int32 = 6

    /// Compresses `input` at zlib's `level`; `last` ends the stream after it. The corresponding
    /// C functions are `deflateInit2_`, `deflate` and `deflateEnd`.
    init(_ input: UnsafeRawBufferPointer, last: Bool, level: Int32) throws {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw DeflateError() }
        defer { deflateEnd(&stream) }
        // Room for the worst case (deflateBound) and the flush marker: one call does it all.
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 16
        var output = [UInt8](repeating: 0, count: bound)
        let produced: Int = try output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(out.count)
            let result = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            guard result == (last ? Z_STREAM_END : Z_OK), stream.avail_in == 0 else { throw DeflateError() }
            return out.count - Int(stream.avail_out)
        }
        self.bytes = Array(output[..<produced])  // not the bound's capacity: pieces are kept until the package is written
        self.crc = UInt32(crc32(0, input.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(input.count)))
        self.length = input.count
    }

    /// The CRC-32 and length of pieces laid end to end. The corresponding C function is
    /// `crc32_combine`.
    static func combined(_ pieces: [DeflatedPiece]) -> (crc: UInt32, length: Int) {
        var crc: uLong = 0
        var length = 0
        for piece in pieces {
            crc = crc32_combine(crc, uLong(piece.crc), off_t(piece.length))
            length += piece.length
        }
        return (UInt32(crc), length)
    }
}

/// zlib refused to compress (out of memory, or a state that cannot happen).
struct DeflateError: Error {}
