import Foundation
@testable import TianbaoCLI
import XCTest

/// `cat`'s buffer for a sheet rendered before its head: in memory up to its bound, then in a
/// temporary file; either way the bytes come back in order, whole, and pieces a reader did not
/// use come again.
final class SpillBufferTests: XCTestCase {
    let pieces: [[UInt8]] = (0..<50).map { i in Array("第\(i)行,\(String(repeating: "x", count: i % 7))\r\n".utf8) }

    func testBytesComeBackInOrderFromMemoryAndFromTheFile() throws {
        for limit in [1 << 20, 100, 0] {  // all in memory; spilled part way; spilled from the start
            let buffer = SpillBuffer(memoryLimit: limit)
            for p in pieces { try buffer.append(p) }
            let sink = StringSink()
            try buffer.drain(into: sink)
            XCTAssertEqual(sink.text, String(decoding: pieces.joined(), as: UTF8.self), "limit \(limit)")
        }
    }

    func testUnusedBytesComeAgainWithTheNextPiece() throws {
        for limit in [1 << 20, 0] {
            let buffer = SpillBuffer(memoryLimit: limit)
            for p in pieces { try buffer.append(p) }
            // A reader that takes whole lines only (as the CSV drain takes whole rows).
            var lines: [String] = []
            try buffer.drainBytes { bytes in
                var start = 0
                for i in bytes.indices where bytes[i] == 10 {
                    lines.append(String(decoding: bytes[start...i], as: UTF8.self))
                    start = i + 1
                }
                return bytes.count - start
            }
            XCTAssertEqual(lines, pieces.map { String(decoding: $0, as: UTF8.self) }, "limit \(limit)")
        }
    }
}
