import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import TianbaoArchive
import TianbaoPlan
@testable import TianbaoPortal
import TianbaoTemplates
import XCTest

/// A portal over a fresh data folder, with the default plan, the demo key and round 2021-06.
struct PortalFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let samples = repository.appendingPathComponent("samples/submissions/2021-06")
    static let keyPath = repository.appendingPathComponent("keys/demo-signing.key").path
    static let plan = PlanLoader.defaultPlan()
    static let round = plan.round("2021-06")!
    static let key = try! SigningKey.load(path: keyPath)

    let data: URL
    let portal: Portal
    let merging: FakeMerge

    init(_ name: String, merging: FakeMerge = FakeMerge(), configure: (inout PortalSettings) -> Void = { _ in }) throws {
        data = temporaryDirectory("portal-\(name)")
        var settings = PortalSettings(data: DataFolder(root: data.path), plan: Self.plan, key: Self.key, rounds: [Self.round])
        settings.checkers = 2
        configure(&settings)
        self.merging = merging
        portal = try Portal(settings: settings, merging: merging)
    }

    /// The link path of a unit (by name) or of the office.
    func link(_ unitName: String?) -> String {
        let who = unitName.map { Self.plan.unit(named: $0)!.id } ?? LinkTokens.office
        return portal.tokens.path(round: Self.round.id, who: who)
    }

    func formToken(_ unitName: String?) -> String {
        let visitor: Visitor = unitName.map { .unit(Self.plan.unit(named: $0)!, Self.round) } ?? .office(Self.round)
        return portal.formToken(visitor)
    }

    func sample(_ name: String) -> Data { try! Data(contentsOf: Self.samples.appendingPathComponent(name)) }

    func stored(_ unitName: String) -> String {
        data.appendingPathComponent("submissions/2021-06/\(unitName)-2021-06.xlsx").path
    }

    func test(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: portal.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(setup, body)
    }

    /// A multipart body with the form token (unless nil) and the file.
    static func multipart(_ file: Data, csrf: String?, filename: String = "填报.xlsx") -> (ByteBuffer, HTTPFields) {
        let boundary = "----tianbao\(UUID().uuidString.prefix(8))"
        var body = Data()
        if let csrf {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
        }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: body), [.contentType: "multipart/form-data; boundary=\(boundary)"])
    }

    /// Uploads `file` to a unit's link.
    func upload(_ client: any TestClientProtocol, _ unitName: String, _ file: Data, json: Bool = true,
                csrf: String?? = .none, extra: HTTPFields = [:]) async throws -> TestResponse {
        let token: String? = csrf ?? formToken(unitName)
        let (body, headers) = Self.multipart(file, csrf: token)
        var h = headers
        if json { h[.accept] = "application/json" }
        for f in extra { h.append(f) }
        return try await client.execute(uri: link(unitName) + "upload", method: .post, headers: h, body: body)
    }
}

/// A merge that only records its calls, and can be held until released (to test what happens
/// while a merge runs).
final class FakeMerge: RoundMerging, @unchecked Sendable {
    private let lock = NSLock()
    private var held = false
    private var release: [CheckedContinuation<Void, Never>] = []
    private(set) var calls: [MergeJob] = []
    var outcome = MergeSummary(status: 1, message: "轮次 2021-06：已汇总。")

    func hold() { lock.lock(); held = true; lock.unlock() }

    func letGo() {
        lock.lock()
        held = false
        let waiting = release
        release = []
        lock.unlock()
        for w in waiting { w.resume() }
    }

    var started: Int { lock.lock(); defer { lock.unlock() }; return calls.count }

    func merge(_ request: MergeJob) async -> MergeSummary {
        let mustWait = lock.withLock { () -> Bool in
            calls.append(request)
            return held
        }
        if mustWait {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock { () -> Bool in
                    if held { release.append(c); return false }
                    return true
                }
                if resumeNow { c.resume() }
            }
        }
        return outcome
    }

    func cancel() async { letGo() }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}
