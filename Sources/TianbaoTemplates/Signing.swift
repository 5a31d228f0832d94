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
            throw KeyError(message: "找不到签名密钥文件“\(path)”。请用 --key 指定办公室的密钥文件。")
        }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard hex.count == 64, let bytes = Self.bytes(fromHex: hex) else {
            throw KeyError(message: "签名密钥文件“\(path)”格式不对：应为 64 个十六进制字符。")
        }
        return SigningKey(bytes: bytes)
    }

    /// Loads the key at `path`, creating a new random one there (mode 0600) when none exists.
    public static func loadOrCreate(path: String) throws -> (key: SigningKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(path: path), false) }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard let random = FileHandle(forReadingAtPath: "/dev/urandom"),
              let data = try? random.read(upToCount: 32), data.count == 32 else {
            throw KeyError(message: "无法生成签名密钥（读取 /dev/urandom 失败）。")
        }
        bytes = [UInt8](data)
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path, contents: Data((bytes.hex + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KeyError(message: "无法写入签名密钥文件“\(path)”。")
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
public struct KeyError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
