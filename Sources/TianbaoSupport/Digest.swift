import Crypto
import Foundation

/// SHA-256 and HMAC-SHA256, from swift-crypto: file hashes in reports and template
/// signatures. The one home for digests in Tianbao.
public enum Digest {
    /// The SHA-256 of `bytes`.
    public static func sha256<D: DataProtocol>(_ bytes: D) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// The SHA-256 of `bytes` as lowercase hex.
    public static func sha256Hex(_ bytes: UnsafeRawBufferPointer) -> String {
        Array(SHA256.hash(data: bytes)).hex
    }

    /// The SHA-256 of a file as lowercase hex, read 1 MiB at a time; nil when it cannot be read.
    public static func sha256Hex(ofFile path: String) -> String? {
        // Regular files only: a named pipe is not waited on.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            return nil
        }
        return Array(hasher.finalize()).hex
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hexadecimal.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
