import Foundation
import TianbaoSupport
import XCTest

final class DigestTests: XCTestCase {
    /// FIPS 180-4 and RFC 4231 test vectors.
    func testSHA256AndHMACVectors() {
        XCTAssertEqual(Digest.sha256(Array("abc".utf8)).hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256(Array("".utf8)).hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Digest.sha256(Array(repeating: UInt8(ascii: "a"), count: 1_000)).hex,
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        XCTAssertEqual(Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hex,
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than the block (RFC 4231 case 6) is hashed first.
        XCTAssertEqual(Digest.hmacSHA256(key: [UInt8](repeating: 0xaa, count: 131),
                                         message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)).hex,
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// A file is hashed in chunks: the digest of 3 MiB + 5 bytes equals the digest of its bytes.
    func testFileDigestAcrossChunks() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tianbao-digest-\(getpid()).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = (0..<(3 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: url)
        XCTAssertEqual(Digest.sha256Hex(ofFile: url.path), Digest.sha256(bytes).hex)
        XCTAssertNil(Digest.sha256Hex(ofFile: url.path + ".missing"))
    }
}
