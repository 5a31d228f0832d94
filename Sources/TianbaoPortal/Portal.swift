import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TianbaoArchive
import TianbaoCheck
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates

/// What `tianbao serve` was started with.
public struct PortalSettings: Sendable {
    public var data: DataFolder
    public var plan: Plan
    public var key: SigningKey
    /// The rounds served, in the plan's order.
    public var rounds: [Round]
    /// Files checked at once (default: the machine's cores).
    public var checkers: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Uploads that may wait for a checker; beyond them, 503 with Retry-After.
    public var checkQueue: Int = 64
    /// Requests a minute per link (0: no limit), and how many at once.
    public var ratePerMinute: Int = 120
    public var rateBurst: Int = 60
    /// One line per request on standard error (tokens never shown).
    public var accessLog: Bool = false
    /// The board's refresh interval on the office page, in seconds.
    public var boardRefreshSeconds: Int = 10
    /// The largest file a unit may upload (`UploadLimits.maxFileBytes`; smaller in tests).
    public var maxFileBytes: Int = UploadLimits.maxFileBytes

    public init(data: DataFolder, plan: Plan, key: SigningKey, rounds: [Round]) {
        self.data = data
        self.plan = plan
        self.key = key
        self.rounds = rounds
    }
}

/// The portal: its settings, tokens, the upload record, the checking pool, and the desks that
/// take uploads and run merges. Shared by every request; safe from any thread.
public final class Portal: Sendable {
    public let settings: PortalSettings
    public let tokens: LinkTokens
    public let log: UploadLog
    let pool: CheckPool
    let rateLimiter: RateLimiter
    let uploads: UploadDesk
    let merges: MergeDesk
    /// What the server found and mended when it started (a killed server's leftovers).
    public let recovery: [String]

    /// Opens the data folder: the archive (created when missing, upgraded, WAL), what a killed
    /// server left in `.incoming/` removed, stored files without a record recorded.
    public init(settings: PortalSettings, merging: any RoundMerging) throws {
        self.settings = settings
        tokens = LinkTokens(key: settings.key, plan: settings.plan)
        try FileSystem.makeFolder(settings.data.root)
        log = try UploadLog(path: settings.data.archive, plan: settings.plan)
        pool = CheckPool(width: settings.checkers, queueLimit: settings.checkQueue)
        rateLimiter = RateLimiter(perMinute: settings.ratePerMinute, burst: settings.rateBurst)
        let gates = Dictionary(uniqueKeysWithValues: settings.rounds.map { ($0.id, FolderGate()) })
        uploads = UploadDesk(settings: settings, log: log, pool: pool, gates: gates)
        merges = MergeDesk(settings: settings, log: log, gates: gates, merging: merging)
        recovery = try Recovery.run(settings: settings, log: log, desk: uploads)
    }

    /// The visitor a link stands for, or nil (a 404) when the round is not served, `who` is
    /// neither a unit of it nor the office, or the token is not theirs.
    public func visitor(round: String, who: String, token: String) -> Visitor? {
        guard let round = settings.rounds.first(where: { $0.id == round }),
              tokens.verify(token, round: round.id, who: who) else { return nil }
        if who == LinkTokens.office { return .office(round) }
        guard let unit = settings.plan.units(in: round).first(where: { $0.id == who }) else { return nil }
        return .unit(unit, round)
    }

    /// The token a link's forms carry (`csrf`): derived from the link, so a page from another
    /// site cannot know it.
    func formToken(_ visitor: Visitor) -> String {
        tokens.token(round: visitor.round.id, who: "form\u{0}" + visitor.who)
    }

    /// The router with every route: assets, the unit's and the office's.
    public func router() -> Router<PortalContext> {
        let router = Router(context: PortalContext.self)
        router.add(middleware: AccessLog(enabled: settings.accessLog))
        router.add(middleware: SecurityHeaders())
        Assets.add(to: router)
        router.get("/") { _, _ -> Response in
            .html(Page.home())
        }
        let link = router.group(":round/:who/:token").add(middleware: LinkMiddleware(portal: self))
        LinkRoutes(portal: self).add(to: link)
        return router
    }

    /// Stops a merge in progress (the server is stopping); it leaves the outputs as they were.
    public func shutDown() async {
        await merges.cancel()
    }
}

/// Stops the portal's own work when the server shuts down (SIGINT, SIGTERM): a merge in
/// progress is stopped, and leaves the outputs and the archive as they were. Uploads in
/// progress finish first (the server waits for the requests it is answering).
public struct PortalShutdown: Service {
    let portal: Portal

    public init(portal: Portal) { self.portal = portal }

    public func run() async throws {
        try? await gracefulShutdown()
        await portal.shutDown()
    }
}

extension Portal {
    /// Serves on `host:port` until SIGINT or SIGTERM, then stops cleanly: first the portal's own
    /// work (a running merge is cancelled and leaves the outputs as they were), then the server
    /// (no new connections; the requests being answered finish). Hummingbird's own log lines
    /// only from warnings up.
    public func serve(host: String, port: Int, onRunning: @escaping @Sendable () -> Void) async throws {
        var logger = Logger(label: "tianbao-serve")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { _ in onRunning() },
            logger: logger)
        // A group shuts its services down last first: the portal's work, then the server.
        let group = ServiceGroup(configuration: .init(
            services: [app, PortalShutdown(portal: self)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
