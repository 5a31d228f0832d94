import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TianbaoPlan

/// Who a link belongs to, once its token is verified.
public enum Visitor: Sendable {
    /// A reporting unit's link for a round: its own page, template, uploads and 反馈.
    case unit(ReportingUnit, Round)
    /// The office's link for a round: the board, 汇总, the outputs, the upload record.
    case office(Round)

    public var round: Round {
        switch self {
        case .unit(_, let r), .office(let r): return r
        }
    }

    /// The `who` of the link: a unit id, or `office`.
    public var who: String {
        switch self {
        case .unit(let u, _): return u.id
        case .office: return LinkTokens.office
        }
    }
}

/// The request context: Hummingbird's, the client's address, and the visitor the link
/// middleware found (nil outside links: the assets).
public struct PortalContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `LinkMiddleware` for requests under a valid link.
    public var visitor: Visitor?
    /// The peer's address (the reverse proxy's, when there is one).
    public let peer: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// Hummingbird's own body limit (2 MB by default) is raised to the portal's upload limit;
    /// uploads are streamed to disk and counted by `MultipartUpload` against the same number.
    public var maxUploadSize: Int { UploadLimits.maxBodyBytes }

    /// The client's address: the peer's, or, when the peer is this machine (the reverse
    /// proxy), the `X-Real-IP` it set.
    public func clientAddress(_ request: Request) -> String {
        if peer == "127.0.0.1" || peer == "::1" || peer.isEmpty,
           let real = request.headers[HTTPField.Name("X-Real-IP")!], !real.isEmpty, real.count <= 64 {
            return real
        }
        return peer
    }
}

/// How big an upload may be.
public enum UploadLimits {
    /// The largest workbook a unit may upload: 20 MiB (a filled template is well under 1 MiB; a
    /// ledger of 10,000 communities about 2 MiB). The reader's own limits (inflated size, ratio,
    /// entries, XML depth) then apply to what arrived, before anything is stored.
    public static let maxFileBytes = 20 << 20
    /// The largest request body: the file and the form's few other fields.
    public static let maxBodyBytes = maxFileBytes + formBytes
    /// Room for the form's other fields and the multipart framing.
    static let formBytes = 64 << 10

    /// `20 MB`, `256 KB`: a limit as the pages say it.
    static func words(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes >> 10) KB"
    }
}
