import Foundation
import HTTPTypes
import Hummingbird
import TianbaoArchive
import TianbaoCheck
import TianbaoOutputs
import TianbaoPlan
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

/// The routes under a link (`/:round/:who/:token/`), after `LinkMiddleware` has found the
/// visitor. A unit's link reaches only its own page, template, uploads and 反馈; the office's
/// link the board, 汇总, the outputs and the record. A route of the other kind of link is 404.
struct LinkRoutes {
    let portal: Portal

    func add(to group: RouterGroup<PortalContext>) {
        group.get { request, context in try await page(request, context) }
        group.get("template") { _, context in try await template(context) }
        group.post("upload") { request, context in try await upload(request, context) }
        group.get("upload") { _, _ -> Response in throw PortalRefusal.postOnly }
        group.get("feedback") { _, context in try await feedback(context) }
        group.get("board.json") { _, context in try await board(context) }
        group.post("merge") { request, context in try await merge(request, context) }
        group.get("merge") { _, _ -> Response in throw PortalRefusal.postOnly }
        group.get("out/:name") { _, context in try output(context, folder: nil, file: context.parameters.get("name")) }
        group.get("out/:name/:file") { _, context in
            try output(context, folder: context.parameters.get("name"), file: context.parameters.get("file"))
        }
        group.get("uploads.csv") { _, context in try uploadsCSV(context) }
        group.post("review") { request, context in try await review(request, context) }
        group.get("review") { _, _ -> Response in throw PortalRefusal.postOnly }
        group.get("review/:name") { _, context in try reviewFile(context) }
    }

    // MARK: Pages

    func page(_ request: Request, _ context: PortalContext) async throws -> Response {
        guard let visitor = context.visitor else { throw PortalRefusal.notFound }
        if !request.uri.path.hasSuffix("/") {
            return .redirect(request.uri.path + "/", status: .movedPermanently)
        }
        let query = request.uri.queryParameters
        switch visitor {
        case .unit(let unit, let round):
            let uploads = try portal.log.uploads(round: round.id, unit: unit.id)
            if request.wantsJSON { return .json(unitJSON(unit, round, uploads, visitor)) }
            let page = UnitPage(plan: portal.settings.plan, unit: unit, round: round, uploads: uploads,
                                maxFileBytes: portal.settings.maxFileBytes,
                                formToken: portal.formToken(visitor), justUploaded: query.get("upload").flatMap { Int64($0) },
                                waitedForMerge: query.get("merge") == "1")
            return .html(page.html)
        case .office(let round):
            let board = try Board(round: round, plan: portal.settings.plan, log: portal.log,
                                  merging: await portal.merges.running == round.id)
            let page = OfficePage(plan: portal.settings.plan, board: board, merges: try portal.log.merges(round: round.id),
                                  outputs: Outputs(folder: portal.settings.data.out(round.id)),
                                  review: Outputs(folder: portal.settings.data.review(round.due.year)), formToken: portal.formToken(visitor),
                                  refreshSeconds: portal.settings.boardRefreshSeconds,
                                  justMerged: query.get("merge").flatMap { Int64($0) })
            return .html(page.html)
        }
    }

    private func unitJSON(_ unit: ReportingUnit, _ round: Round, _ uploads: [UploadRecord], _ visitor: Visitor) -> String {
        let o = JSONWriter()
        o.object {
            o.key("round"); o.string(round.id)
            o.key("due"); o.string(round.due.description)
            o.key("unit_id"); o.string(unit.id)
            o.key("unit"); o.string(unit.name)
            o.key("csrf"); o.string(portal.formToken(visitor))
            o.key("uploads"); o.array(uploads) { u in
                o.object {
                    o.key("id"); o.int(Int(u.id))
                    o.key("received"); o.string(u.receivedText)
                    o.key("size"); o.int(u.size)
                    o.key("sha256"); o.string(u.sha256)
                    o.key("verdict"); o.string(u.verdict.rawValue)
                    o.key("late"); o.bool(u.late)
                    o.key("stored"); o.bool(u.stored)
                }
            }
        }
        return o.text + "\n"
    }

    // MARK: A unit's

    func template(_ context: PortalContext) async throws -> Response {
        guard case .unit(let unit, let round)? = context.visitor else { throw PortalRefusal.notFound }
        let settings = portal.settings
        let data = try await portal.pool.run { () -> Result<Data, Error> in
            Result {
                let archive = try RoundArchive.openForRecording(path: settings.data.archive, plan: settings.plan)
                let carried = try archive.carryOver(unit: unit.id, before: round, plan: settings.plan)
                let path = (settings.data.incoming as NSString).appendingPathComponent(UUID().uuidString.lowercased() + ".template")
                try FileSystem.makeFolder(settings.data.incoming)
                defer { unlink(path) }
                try TemplateWriter(plan: settings.plan, key: settings.key)
                    .write(unit: unit, round: round, to: path, carried: carried?.templateRows(plan: settings.plan))
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }.get()
        return Download.response(data, name: TemplateLayout.fileName(unit: unit, round: round))
    }

    func upload(_ request: Request, _ context: PortalContext) async throws -> Response {
        guard let visitor = context.visitor, case .unit(let unit, let round) = visitor else { throw PortalRefusal.notFound }
        try checkCrossSite(request)
        let headerToken = request.headers[HTTPField.Name("X-Tianbao-CSRF")!]
        if let headerToken, !formTokenValid(headerToken, visitor) { throw PortalRefusal.forged }
        let received = try await MultipartUpload.receive(request, into: portal.settings.data.incoming,
                                                         maxFileBytes: portal.settings.maxFileBytes,
                                                         maxBodyBytes: portal.settings.maxFileBytes + UploadLimits.formBytes)
        let receivedAt = Date()
        guard headerToken != nil || formTokenValid(received.fields["csrf"] ?? "", visitor) else {
            unlink(received.path)
            throw PortalRefusal.forged
        }
        let answer = try await portal.uploads.receive(path: received.path, size: received.size, unit: unit, round: round,
                                                      client: context.clientAddress(request), receivedAt: receivedAt)
        let id = String(answer.record.id)
        if request.wantsJSON {
            var response = Response.json(answer.record.answerJSON, status: answer.record.stored ? .ok : .unprocessableContent)
            response.headers[HTTPField.Name("X-Tianbao-Upload")!] = id
            if answer.waitedForMerge { response.headers[HTTPField.Name("X-Tianbao-Stored-After-Merge")!] = "1" }
            return response
        }
        return .redirect("./?upload=\(id)" + (answer.waitedForMerge ? "&merge=1" : ""))
    }

    func feedback(_ context: PortalContext) async throws -> Response {
        guard case .unit(let unit, let round)? = context.visitor else { throw PortalRefusal.notFound }
        guard let record = try portal.log.uploads(round: round.id, unit: unit.id).first(where: \.stored),
              record.errors + record.warnings > 0 else {
            throw PortalRefusal.nothingToFeedBack(unit: unit.id, round: round.id)
        }
        let (settings, desk) = (portal.settings, portal.uploads)
        let data = try await portal.pool.run { () -> Result<Data, Error> in
            Result {
                let stored = settings.data.storedFile(unit: unit, round: round)
                let checked = try desk.check(path: stored, unit: unit, round: round)
                let path = (settings.data.incoming as NSString).appendingPathComponent(UUID().uuidString.lowercased() + ".feedback")
                try FileSystem.makeFolder(settings.data.incoming)
                defer { unlink(path) }
                try FeedbackWriter(plan: settings.plan, key: settings.key)
                    .write(file: checked.submission, unit: unit, round: round, late: record.late, to: path)
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }.get()
        return Download.response(data, name: FeedbackWriter.fileName(unit: unit, round: round))
    }

    // MARK: The office's

    func board(_ context: PortalContext) async throws -> Response {
        guard case .office(let round)? = context.visitor else { throw PortalRefusal.notFound }
        let board = try Board(round: round, plan: portal.settings.plan, log: portal.log,
                              merging: await portal.merges.running == round.id)
        return .json(board.json)
    }

    func merge(_ request: Request, _ context: PortalContext) async throws -> Response {
        guard let visitor = context.visitor, case .office(let round) = visitor else { throw PortalRefusal.notFound }
        try checkCrossSite(request)
        var token = request.headers[HTTPField.Name("X-Tianbao-CSRF")!]
        if token == nil {
            let body = try await request.body.collect(upTo: 4096)
            token = Self.formField("csrf", in: String(buffer: body))
        }
        guard let token, formTokenValid(token, visitor) else { throw PortalRefusal.forged }
        let result: (outcome: MergeSummary, mergeId: Int64)
        do {
            result = try await portal.merges.run(round)
        } catch is MergeDesk.Busy {
            throw PortalRefusal.mergeBusy
        }
        if request.wantsJSON {
            let o = JSONWriter()
            o.object {
                o.key("merge_id"); o.int(Int(result.mergeId))
                o.key("status"); o.int(Int(result.outcome.status))
                o.key("message"); o.string(result.outcome.message)
            }
            return .json(o.text + "\n", status: result.outcome.wroteOutputs ? .ok : .internalServerError)
        }
        return .redirect("./?merge=\(result.mergeId)")
    }

    /// A file of the round's output folder (or of its 反馈 folder), by a name the folder's listing
    /// holds (the path's segments arrive percent-encoded: `%E6%B1%87…` for 汇总).
    func output(_ context: PortalContext, folder: String?, file: String?) throws -> Response {
        guard case .office(let round)? = context.visitor, let name = file?.removingPercentEncoding else { throw PortalRefusal.notFound }
        let feedback = folder != nil
        if let folder, folder.removingPercentEncoding != OutputFiles.feedbackFolder { throw PortalRefusal.notFound }
        guard let path = Outputs(folder: portal.settings.data.out(round.id)).path(of: name, feedback: feedback) else {
            throw PortalRefusal.noSuchOutput(file: name)
        }
        return try Download.file(path, name: name)
    }

    /// The 回头看 of the round's year, written from the archive.
    func review(_ request: Request, _ context: PortalContext) async throws -> Response {
        guard let visitor = context.visitor, case .office(let round) = visitor else { throw PortalRefusal.notFound }
        try checkCrossSite(request)
        var token = request.headers[HTTPField.Name("X-Tianbao-CSRF")!]
        if token == nil {
            token = Self.formField("csrf", in: String(buffer: try await request.body.collect(upTo: 4096)))
        }
        guard let token, formTokenValid(token, visitor) else { throw PortalRefusal.forged }
        let result: (ok: Bool, message: String)
        do {
            result = try await portal.merges.review(year: round.due.year)
        } catch is MergeDesk.Busy {
            throw PortalRefusal.reviewBusy
        }
        guard result.ok else { throw PortalRefusal.reviewFailed(message: result.message) }
        return .redirect("./?review=\(round.due.year)")
    }

    func reviewFile(_ context: PortalContext) throws -> Response {
        guard case .office(let round)? = context.visitor,
              let name = context.parameters.get("name")?.removingPercentEncoding,
              let path = Outputs(folder: portal.settings.data.review(round.due.year)).path(of: name, feedback: false) else {
            throw PortalRefusal.notFound
        }
        return try Download.file(path, name: name)
    }

    func uploadsCSV(_ context: PortalContext) throws -> Response {
        guard case .office(let round)? = context.visitor else { throw PortalRefusal.notFound }
        let plan = portal.settings.plan
        var text = "\u{FEFF}" + CSV.line(["序号", "单位编号", "单位", "接收时间（北京时间）", "客户端地址", "大小（字节）", "SHA-256",
                                          "校验结果", "迟报", "已存入", "错误", "提示", "文件"])
        for u in try portal.log.uploads(round: round.id) {
            text += CSV.line([String(u.id), u.unitId, plan.unit(u.unitId)?.name ?? "", u.receivedText, u.client, String(u.size),
                              u.sha256, u.verdict.word, u.late ? "是" : "否", u.stored ? "是" : "否", String(u.errors),
                              String(u.warnings), u.file])
        }
        return Download.response(Data(text.utf8), name: "上传记录-\(round.id).csv")
    }

    // MARK: Cross-site requests

    private func formTokenValid(_ token: String, _ visitor: Visitor) -> Bool {
        LinkTokens.constantTimeEqual(Array(token.utf8), Array(portal.formToken(visitor).utf8))
    }

    /// A browser says where a request comes from: `Origin` (and `Sec-Fetch-Site`). One from
    /// another site is refused, whatever else it carries.
    private func checkCrossSite(_ request: Request) throws {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" { throw PortalRefusal.forged }
        guard let origin = request.headers[.origin], origin != "null" else { return }
        let hosts = [request.head.authority, request.headers[HTTPField.Name("Host")!], request.headers[HTTPField.Name("X-Forwarded-Host")!]]
            .compactMap { $0 }
        guard let components = URLComponents(string: origin), let host = components.host else { throw PortalRefusal.forged }
        let originHost = components.port.map { "\(host):\($0)" } ?? host
        guard hosts.contains(originHost) else { throw PortalRefusal.forged }
    }

    /// A field of an `application/x-www-form-urlencoded` body.
    static func formField(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]).removingPercentEncoding }
        }
        return nil
    }
}
