import Foundation
import HTTPTypes
import Hummingbird
import TianbaoArchive
import TianbaoPlan
import TianbaoSupport

/// Headers on every response, refusals included: a content security policy that allows only
/// the portal's own scripts and styles, no MIME sniffing, no referrer (a link's token must not
/// leave in a Referer header), no framing, and no caching of pages that carry a token.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = PortalContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as PortalRefusal {
            response = error.response(for: request)
        } catch let error as HTTPError {
            response = PortalRefusal.http(error.status, body: error.body).response(for: request)
            for field in error.headers { response.headers.append(field) }
        }
        response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Verifies the link (`/:round/:who/:token/…`): the round is served, `who` is a unit of it or
/// the office, the token is theirs (constant-time). Anything else is 404, the same as a page
/// that does not exist. Then the link's rate limit.
struct LinkMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let portal: Portal

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let round = context.parameters.get("round"), let who = context.parameters.get("who"),
              let token = context.parameters.get("token"),
              let visitor = portal.visitor(round: round, who: who, token: token) else {
            throw PortalRefusal.notFound
        }
        if let wait = portal.rateLimiter.admit("\(round)/\(who)") {
            throw PortalRefusal.tooManyRequests(wait: wait)
        }
        var context = context
        context.visitor = visitor
        return try await next(request, context)
    }
}

/// One line per request on standard error, with the link's token replaced by `…`: tokens never
/// reach a log.
struct AccessLog: RouterMiddleware {
    typealias Context = PortalContext
    let enabled: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = Date()
        let response = try await next(request, context)
        if enabled {
            let ms = Int(Date().timeIntervalSince(start) * 1000)
            let line = "\(UploadLogTime.now()) \(context.clientAddress(request)) \(request.method) \(Self.redacted(request.uri.path)) \(response.status.code) \(ms)ms\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        return response
    }

    /// The path with every segment that could be a token (32 hex digits) replaced by `…`.
    static func redacted(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.count >= 16 && segment.allSatisfy(\.isHexDigit) ? "…" : String(segment)
        }.joined(separator: "/")
    }
}

enum UploadLogTime {
    static func now() -> String { UploadLog.timestamp(Date()) }
}

extension Request {
    /// The client asked for JSON (`Accept: application/json`).
    var wantsJSON: Bool {
        (headers[.accept] ?? "").contains("application/json")
    }
}

extension Response {
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Response(status: status, headers: [.location: location])
    }
}
