import ArgumentParser
import Foundation
import Hummingbird
import TianbaoArchive
import TianbaoPlan
import TianbaoPortal
import TianbaoRound
import TianbaoSupport
import TianbaoTemplates

/// `tianbao serve --data DIR [--round R]… [--listen 127.0.0.1:8080]`: the intranet portal.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动填报平台（内网网页）：各单位用各自的链接下载模板、上传并立即看到校验结果，办公室看催报看板、汇总、下载结果。")

    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Option(help: "数据文件夹：submissions/<轮次>/（各单位的文件）、out/<轮次>/（汇总结果）、tianbao-archive.sqlite（汇总档案和上传记录）。")
    var data: String

    @Option(help: "开放报送的轮次（可重复）；不指定时为计划中按日期的当前轮次。")
    var round: [String] = []

    @Option(help: "监听的地址和端口。默认只在本机（127.0.0.1:8080）监听，由反向代理（nginx）对内网提供 HTTPS。")
    var listen = "127.0.0.1:8080"

    @Option(help: "同时校验的文件数（默认为处理器核数）。")
    var checkers: Int?

    @Option(name: .customLong("rate-limit"), help: "每个链接每分钟最多的请求数（0 为不限）。")
    var rateLimit = 120

    @Flag(name: .customLong("access-log"), help: "在标准错误上逐条记录请求（链接中的令牌不记录）。")
    var accessLog = false

    func run() throws {
        let plan = try self.plan.load()
        let rounds = try self.round.isEmpty ? [PortalRounds.current(of: plan)] : self.round.map { try PlanOptions.round($0, of: plan) }
        let key = try self.key.load(create: false)
        guard let (host, port) = Self.address(listen) else {
            printError("错误：--listen 应为“地址:端口”，如 127.0.0.1:8080 或 0.0.0.0:8080。")
            throw CommandExit(.usage)
        }
        var settings = PortalSettings(data: DataFolder(root: data), plan: plan, key: key, rounds: rounds)
        if let checkers { settings.checkers = max(1, checkers) }
        settings.ratePerMinute = max(0, rateLimit)
        settings.accessLog = accessLog
        let portal: Portal
        do {
            portal = try Portal(settings: settings, merging: EngineMerge(key: key))
        } catch let error as ArchiveError {
            printError(error.description)
            throw CommandExit(.usage)
        } catch let error as FileSystemError {
            printError("错误：无法使用数据文件夹“\(data)”：\(error.message)。")
            throw CommandExit(.usage)
        }
        for note in portal.recovery { printError("注意：" + note) }
        let base = "http://\(host == "0.0.0.0" ? ProcessInfo.processInfo.hostName : host):\(port)"
        let root = settings.data.root
        let serving = { @Sendable in try await portal.serve(host: host, port: port) {
            var text = "填报平台已启动：\(base)/\n数据文件夹：\(root)\n"
            for r in rounds {
                // The office's link is a secret: shown on a terminal, never written into a log.
                if isatty(STDOUT_FILENO) == 1 {
                    text += "轮次 \(r.id)（截止 \(r.due)）办公室链接：\(base)\(portal.tokens.path(round: r.id, who: LinkTokens.office))\n"
                } else {
                    text += "轮次 \(r.id)（截止 \(r.due)）：办公室链接和各单位链接用 tianbao links --round \(r.id) --base-url URL 查看。\n"
                }
            }
            text += "各单位的链接：tianbao links --round \(rounds[0].id) --base-url \(base)\n按 Ctrl-C 停止。"
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        } }
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        Task {
            do { try await serving() } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        try? portal.log.close()
        if let error = failure.error {
            printError("错误：填报平台未能启动或异常停止：\(error)。")
            throw CommandExit(.outputFailed)
        }
        printError("填报平台已停止。")
    }

    final class Failure: @unchecked Sendable { var error: Error? }

    /// `127.0.0.1:8080`, `[::1]:8080`, `:8080`.
    static func address(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// `tianbao links --round R --base-url URL [--format text|csv]`: every link of a round.
struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "列出某一轮次各单位的填报链接和办公室的链接（发给各单位，每个单位只能看到和上传本单位的文件）。")

    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Option(help: "轮次编号，如 2021-06。")
    var round: String

    @Option(name: .customLong("base-url"), help: "各单位访问填报平台的地址，如 https://tianbao.example.gov.cn。")
    var baseURL: String

    @Option(help: "输出格式：text 或 csv（列：单位,链接）。")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, csv }

    func run() throws {
        let plan = try self.plan.load()
        let round = try PlanOptions.round(self.round, of: plan)
        let tokens = LinkTokens(key: try key.load(create: false), plan: plan)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let scheme = URL(string: base)?.scheme, scheme == "http" || scheme == "https" else {
            printError("错误：--base-url 应以 http:// 或 https:// 开头，如 https://tianbao.example.gov.cn。")
            throw CommandExit(.usage)
        }
        var rows = plan.units(in: round).map { ($0.name, base + tokens.path(round: round.id, who: $0.id)) }
        rows.append(("办公室", base + tokens.path(round: round.id, who: LinkTokens.office)))
        switch format {
        case .text:
            let width = rows.map { TextTable.width($0.0) }.max() ?? 0
            for (name, link) in rows { print(name + String(repeating: " ", count: width - TextTable.width(name) + 2) + link) }
        case .csv:
            print("单位,链接", terminator: "\r\n")
            for (name, link) in rows { print("\(name),\(link)", terminator: "\r\n") }
        }
    }
}

/// Which round the portal serves when none is named.
enum PortalRounds {
    /// The plan's round whose period holds today (UTC+8); else the next one due; else the last.
    static func current(of plan: Plan, now: Date = Date()) throws -> Round {
        let t = RoundResult.chinaDay(now)
        if let r = plan.rounds.first(where: { $0.start <= t && t <= $0.due }) ?? plan.rounds.first(where: { $0.due >= t }) ?? plan.rounds.last {
            return r
        }
        printError("错误：计划中没有轮次。")
        throw CommandExit(.usage)
    }
}
