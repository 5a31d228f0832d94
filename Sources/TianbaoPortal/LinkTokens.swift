import Foundation
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates

/// The secret part of every portal link: HMAC-SHA256 over the plan, its version, the round and
/// the unit (or `office`), keyed by the office's signing key (through a key derived for links
/// alone, so a link never equals a template signature). No accounts, no passwords: whoever
/// holds a link may do what the link is for, and nothing else.
public struct LinkTokens: Sendable {
    /// The `who` of the office's link.
    public static let office = "office"

    private let linkKey: [UInt8]
    private let planId: String
    private let planVersion: String

    public init(key: SigningKey, plan: Plan) {
        linkKey = Digest.hmacSHA256(key: key.bytes, message: Array("tianbao portal links v1".utf8))
        planId = plan.id
        planVersion = plan.version
    }

    /// The token of `who` (a unit id, or `office`) in `round`: 32 lowercase hex digits.
    public func token(round: String, who: String) -> String {
        let message = [planId, planVersion, round, who].joined(separator: "\u{0}")
        let mac = Digest.hmacSHA256(key: linkKey, message: Array(message.utf8))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `token` is the token of `who` in `round`, compared in constant time.
    public func verify(_ token: String, round: String, who: String) -> Bool {
        Self.constantTimeEqual(Array(token.utf8), Array(self.token(round: round, who: who).utf8))
    }

    /// The path of a link, from the server's root: `/<round>/<who>/<token>/`.
    public func path(round: String, who: String) -> String {
        "/\(round)/\(who)/\(token(round: round, who: who))/"
    }

    /// Equal bytes, in a time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
