import CXlsxWriter
import Foundation

/// The rows of a worksheet written in constant-memory mode, deflated while they are written, so
/// that closing a workbook whose sheet holds hundreds of megabytes of rows does not spend
/// seconds deflating them on one core after the last row.
///
/// libxlsxwriter writes each finished row to a temporary file (the worksheet's
/// `optimize_tmpfile`) and, when the workbook closes, copies that file into the sheet's XML
/// and deflates it. Here the file is read back in pieces of `pieceSize` bytes as it grows, each
/// compressed on a background thread (`DeflatedPiece`); when the workbook closes, the pieces
/// left are compressed on every core, the file is taken from libxlsxwriter (an empty one put in
/// its place, into which it writes the row it still holds in memory), and
/// `SheetDataSplice` lays the pieces into the package right after `<sheetData>`. A piece
/// depends only on its bytes: the same rows give the same package, whatever the timing.
///
/// `grew` and `finish` run on the thread that writes the sheet (`queued` is its alone); the
/// background threads only read the file through their own descriptor and store under `lock`.
final class StreamedSheetData: @unchecked Sendable {
    /// Bytes per piece. A sheet with less never reaches a piece: libxlsxwriter writes it whole,
    /// as before. (Tests lower it.)
    nonisolated(unsafe) static var pieceSize = 4 << 20

    private let worksheet: UnsafeMutablePointer<lxw_worksheet>
    private let pieceSize: Int
    /// A descriptor of the temporary file of its own, for reading it from other threads.
    private let descriptor: Int32
    /// Pieces handed to the background thread so far (pieces 0..<queued).
    private var queued = 0
    /// Compressed pieces by number, and the first failure; guarded by `lock`.
    private var pieces: [Int: DeflatedPiece] = [:]
    private var failure: Error?
    /// Set when the workbook is dropped unwritten: pieces not yet begun are skipped.
    private var abandoned = false
    private let lock = NSLock()
    private let background = DispatchQueue(label: "tianbao.sheet-rows-deflate", qos: .utility)

    /// Follows the rows of `worksheet`; nil when it keeps no temporary file (not constant-memory).
    init?(worksheet: UnsafeMutablePointer<lxw_worksheet>) {
        // In constant-memory mode libxlsxwriter writes rows to `file`, which is `optimize_tmpfile`.
        guard let file = worksheet.pointee.optimize_tmpfile, worksheet.pointee.file == file else { return nil }
        let descriptor = dup(fileno(file))
        guard descriptor >= 0 else { return nil }
        self.worksheet = worksheet
        self.descriptor = descriptor
        self.pieceSize = Self.pieceSize
    }

    /// Pieces queued run to their end and hold this object until then.
    deinit { close(descriptor) }

    /// The workbook is dropped unwritten: pieces not begun yet are skipped.
    func abandon() { lock.withLock { abandoned = true } }

    /// True once a piece has been handed on: the sheet's rows are then the ones `finish` returns.
    var started: Bool { queued > 0 }

    /// Called now and then by the thread that writes the sheet: hands the pieces that the rows
    /// written so far complete to the background thread. The corresponding C functions are
    /// `ftell` and `fflush`.
    func grew() {
        guard let file = worksheet.pointee.optimize_tmpfile else { return }
        let written = ftell(file)
        guard written >= (queued + 1) * pieceSize else { return }
        fflush(file)  // the complete pieces are in the file before the thread reads them
        while (queued + 1) * pieceSize <= written {
            let number = queued
            queued += 1
            background.async { self.compress(number, length: self.pieceSize) }
        }
    }

    /// Takes the rows from libxlsxwriter and returns them compressed, in order. Called once, as
    /// the workbook closes (before libxlsxwriter assembles the sheet). The corresponding C
    /// functions are `fflush`, `lxw_tmpfile` and `fclose`.
    func finish(temporaryFolder: String) throws -> [DeflatedPiece] {
        guard let file = worksheet.pointee.optimize_tmpfile else { throw DeflateError() }
        fflush(file)
        let total = ftell(file)
        guard total >= 0, let empty = temporaryFolder.withCString({ lxw_tmpfile(UnsafeMutablePointer(mutating: $0)) }) else {
            throw DeflateError()
        }
        // Both: libxlsxwriter writes the row it still holds to `file`, then copies `optimize_tmpfile`.
        worksheet.pointee.optimize_tmpfile = empty
        worksheet.pointee.file = empty
        background.sync {}
        // What is left (whole pieces and the last, shorter one) on every core.
        let count = (total + pieceSize - 1) / pieceSize
        let start = queued
        DispatchQueue.concurrentPerform(iterations: max(count - start, 0)) { i in
            let number = start + i
            compress(number, length: min(pieceSize, total - number * pieceSize))
        }
        fclose(file)
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        return (0..<count).map { pieces[$0]! }
    }

    /// Reads piece `number` from the file and compresses it.
    private func compress(_ number: Int, length: Int) {
        if lock.withLock({ abandoned }) { return }
        var bytes = [UInt8](repeating: 0, count: length)
        let result: Result<DeflatedPiece, Error> = Result {
            try bytes.withUnsafeMutableBytes { buffer in
                var done = 0
                while done < length {
                    let n = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(number * pieceSize + done))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw DeflateError() }
                    done += n
                }
                return try DeflatedPiece(UnsafeRawBufferPointer(buffer), last: false, level: DeflatedPiece.rowsLevel)
            }
        }
        lock.lock()
        defer { lock.unlock() }
        switch result {
        case .success(let piece): pieces[number] = piece
        case .failure(let error): if failure == nil { failure = error }
        }
    }
}
