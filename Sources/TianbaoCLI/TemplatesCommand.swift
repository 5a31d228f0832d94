import ArgumentParser
import TianbaoRun
import Foundation
import TianbaoArchive
import TianbaoCheck
import TianbaoPlan
import TianbaoSupport
import TianbaoTemplates
import XLSX

/// `--key FILE`: the office's signing key.
struct KeyOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: "办公室签名密钥文件（默认 $TIANBAO_KEY_FILE 或 ~/.config/tianbao/signing.key）。")
    var path: String?

    /// Where the key is taken from, in words: `--key 指定的“…”`, ….
    var source: String {
        if let path { return "--key 指定的“\(path)”" }
        let env = ProcessInfo.processInfo.environment["TIANBAO_KEY_FILE"] ?? ""
        if !env.isEmpty { return "环境变量 TIANBAO_KEY_FILE 指定的“\(env)”" }
        return "默认位置“\(SigningKey.defaultPath)”"
    }

    /// Which key was used and where one is looked for, as the message says when the key
    /// verified none (or few) of a round's templates.
    var description: String {
        "\(source)（未用 --key 时依次查找环境变量 TIANBAO_KEY_FILE、$XDG_CONFIG_HOME/tianbao/signing.key、"
            + "~/.config/tianbao/signing.key）"
    }

    /// The message when the key verified none (or few) of a round's templates.
    func mismatchMessage(_ signatures: (verified: Int, failed: Int)) -> String {
        RunFailure.keyMismatchMessage(verified: signatures.verified, failed: signatures.failed, keyDescription: description)
    }

    /// Loads the key; `create` makes a new one when the default file does not exist yet.
    func load(create: Bool) throws -> SigningKey {
        do {
            if let problem = SigningKey.problem(at: path ?? SigningKey.defaultPath) { throw problem }
            if let path { return try SigningKey.load(path: path) }
            let path = SigningKey.defaultPath
            if create {
                let (key, created) = try SigningKey.loadOrCreate(path: path)
                if created {
                    printError("已生成新的签名密钥：\(path)\n请妥善保管并备份此文件；校验和汇总时须使用同一密钥。")
                }
                return key
            }
            return try SigningKey.load(path: path)
        } catch let error as KeyError {
            printError(userMessage(for: error)!)
            throw CommandExit(.usage)
        }
    }
}

/// `tianbao templates --round R --out DIR [--unit ID] [--archive FILE] [--no-carry]`.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "为本轮报送的每个单位生成各自的填报模板。")

    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Option(help: "轮次编号，如 2021-06。")
    var round: String

    @Option(help: "输出目录。")
    var out: String

    @Option(help: "只生成这个单位的模板（单位编号或全称）。")
    var unit: String?

    @OptionGroup var archive: ArchiveOptions

    @Flag(name: .customLong("no-carry"), help: "不带入上期数据：即使汇总档案中有上期，也生成空白模板。")
    var noCarry = false

    func run() throws {
        let plan = try self.plan.load()
        let round = try PlanOptions.round(self.round, of: plan)
        var units = plan.units(in: round)
        if let wanted = unit {
            guard let u = plan.unit(wanted) ?? plan.unit(named: wanted), units.contains(u) else {
                printError("错误：单位“\(wanted)”不在轮次 \(round.id) 的报送单位中。")
                throw CommandExit(.usage)
            }
            units = [u]
        }
        let key = try self.key.load(create: true)
        // Last round's rows for the sheets the plan carries (none without an archive), read for
        // every unit before anything is made: an archive that cannot be read ends the command
        // with status 2 and no output folder, never with some templates written.
        let history = noCarry || !plan.sheets.contains(where: \.carry) ? nil : try archive.openForComparing(plan: plan)
        let carried = try units.map { unit in
            try history.flatMap { h in try ArchiveOptions.run { try h.carryOver(unit: unit.id, before: round, plan: plan) } }
        }
        if let history {
            let from = Set(carried.compactMap { $0?.round })
            for p in try ArchiveOptions.run({ try history.unswitched { from.contains($0) } }) { printError(RunNote.readingUnswitched(p)) }
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            printError("错误：无法创建输出目录“\(out)”。")
            throw CommandExit(.usage)
        }
        let writer = TemplateWriter(plan: plan, key: key)
        var carriedFrom: [String: Int] = [:]
        for (unit, carry) in zip(units, carried) {
            let path = (out as NSString).appendingPathComponent(TemplateLayout.fileName(unit: unit, round: round))
            if let carry { carriedFrom[carry.round, default: 0] += 1 }
            try writer.write(unit: unit, round: round, to: path, carried: carry?.templateRows(plan: plan))
        }
        print("已生成 \(units.count) 个模板（轮次 \(round.id)，截止 \(round.due)）：\(out)")
        for (from, count) in carriedFrom.sorted(by: { $0.key > $1.key }) {
            print("其中 \(count) 个模板带入了该单位 \(from) 报送并通过审核的数据（\(plan.sheets.filter(\.carry).map(\.name).joined(separator: "、"))），以浅蓝色标出，单位核对后修改即可。")
        }
    }
}
