import Foundation
@testable import XLSX
import XCTest

/// libxlsxwriter's `[ERROR]` lines are dropped per call, on the calling thread only: another
/// thread's stdio stderr and every direct write to descriptor 2 still reach it.
final class LibraryChatterTests: XCTestCase {
    func testOnlyTheCallingThreadsStdioStderrIsMuted() throws {
        let path = NSTemporaryDirectory() + "tianbao-chatter-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = open(path, O_WRONLY)
        let saved = dup(2)
        dup2(file, 2)
        close(file)
        CLibraryChatter.silenced {
            stdioStderr("muted: this thread's library chatter\n")
            FileHandle.standardError.write(Data("kept: a direct write to descriptor 2\n".utf8))
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                stdioStderr("kept: another thread's stdio stderr\n")
                done.signal()
            }
            done.wait()
        }
        stdioStderr("kept: this thread after the call\n")
        dup2(saved, 2)
        close(saved)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(written.split(separator: "\n").sorted(), [
            "kept: a direct write to descriptor 2", "kept: another thread's stdio stderr", "kept: this thread after the call",
        ])
    }
}

/// Writes through stdio's `stderr` stream, as a C library does.
private func stdioStderr(_ text: String) {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "stderr") else { return }
    let stream = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
    fputs(text, stream)
    fflush(stream)
}
