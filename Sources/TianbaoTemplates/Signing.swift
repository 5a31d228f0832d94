import Foundation
import TianbaoSupport

/// The office's secret for signing templates. Templates carry an HMAC over their
/// identification and pre-filled content; without the key a unit cannot forge another unit's
/// template or move one to another round.
public struct SigningKey: Sendable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Where the key is looked for when no `--key` is given: `$TIANBAO_KEY_FILE`, else
    /// `$XDG_CONFIG_HOME/tianbao/signing.key`, else `$HOME/.config/tianbao/signing.key`.
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        if let file = env["TIANBAO_KEY_FILE"], !file.isEmpty { return file }
        let config = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return (config as NSString).appendingPathComponent("tianbao/signing.key")
    }

    /// Reads a key file: 64 hexadecimal characters (32 bytes), surrounding white space ignored.
    public static func load(path: String) throws -> SigningKey {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            throw KeyError.notFound(path: path)
        }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard hex.count == 64, let bytes = Self.bytes(fromHex: hex) else {
            throw KeyError.malformed(path: path)
        }
        return SigningKey(bytes: bytes)
    }

    /// Why the key file at `path` cannot be used, said precisely (nil when it looks usable, or
    /// when there is none: `load` then says it is not found).
    public static func problem(at path: String) -> KeyError? {
        switch FileSystem.kind(FileSystem.resolvedPath(path)) {
        case nil: return nil
        case .folder?: return .isFolder(path: path)
        default: break
        }
        do {
            _ = try FileSystem.probeReadable(path)
        } catch let error as FileSystemError {
            return .unreadable(path: path, error: error)
        } catch {}
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text, text.count == 64, text.allSatisfy(\.isHexDigit) { return nil }
        return .notAKey(path: path, content: data.isEmpty ? .empty : text == nil ? .binary(bytes: data.count) : .otherText)
    }

    /// Loads the key at `path`, creating a new random one there (mode 0600) when none exists.
    public static func loadOrCreate(path: String) throws -> (key: SigningKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(path: path), false) }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard let random = FileHandle(forReadingAtPath: "/dev/urandom"),
              let data = try? random.read(upToCount: 32), data.count == 32 else {
            throw KeyError.noRandomness
        }
        bytes = [UInt8](data)
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path, contents: Data((bytes.hex + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KeyError.unwritable(path: path)
        }
        return (SigningKey(bytes: bytes), true)
    }

    static func bytes(fromHex hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            guard let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            chars = chars.dropFirst(2)
        }
        return chars.isEmpty ? out : nil
    }

    /// The signature of a canonical text, as hex.
    public func sign(_ text: String) -> String {
        Digest.hmacSHA256(key: bytes, message: Array(text.utf8)).hex
    }
}

/// A key that cannot be read or made.
public enum KeyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No key file at `path` (or one that is not text).
    case notFound(path: String)
    /// The file at `path` is not 64 hexadecimal characters.
    case malformed(path: String)
    /// No random bytes for a new key.
    case noRandomness
    /// A new key could not be written to `path`.
    case unwritable(path: String)
    /// `path` is a folder.
    case isFolder(path: String)
    /// The file at `path` cannot be read.
    case unreadable(path: String, error: FileSystemError)
    /// The file at `path` is not a key file: what it holds instead.
    case notAKey(path: String, content: Content)

    /// What a file that is not a key file holds.
    public enum Content: Equatable, Sendable {
        case empty
        /// Bytes that are not text.
        case binary(bytes: Int)
        /// Text other than 64 hexadecimal characters.
        case otherText
    }

    /// The Chinese message a user reads.
    public var message: String {
        switch self {
        case .notFound(let path): "找不到签名密钥文件“\(path)”。请用 --key 指定办公室的密钥文件。"
        case .malformed(let path): "签名密钥文件“\(path)”格式不对：应为 64 个十六进制字符。"
        case .noRandomness: "无法生成签名密钥（读取 /dev/urandom 失败）。"
        case .unwritable(let path): "无法写入签名密钥文件“\(path)”。"
        case .isFolder(let path): "签名密钥“\(path)”是一个文件夹，不是密钥文件。请用 --key 指定密钥文件本身。"
        case .unreadable(let path, let error): "无法读取签名密钥文件“\(path)”：\(error.cause)。"
        case .notAKey(let path, let content):
            "“\(path)”不是有效的签名密钥文件（\(content.words)）：密钥文件只含 64 个十六进制字符，由 tianbao templates 首次运行时生成。"
                + "请用 --key 指定办公室的密钥文件。"
        }
    }

    public var description: String { message }
}

extension KeyError.Content {
    /// `是空文件`, `不是文本文件，共 12 字节`, `内容不是 64 个十六进制字符`.
    var words: String {
        switch self {
        case .empty: "是空文件"
        case .binary(let bytes): "不是文本文件，共 \(bytes) 字节"
        case .otherText: "内容不是 64 个十六进制字符"
        }
    }
}
