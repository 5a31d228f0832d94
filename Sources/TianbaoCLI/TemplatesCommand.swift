import ArgumentParser
import Foundation
import TianbaoPlan
import TianbaoTemplates

/// `--key FILE`: the office's signing key.
struct KeyOptions: ParsableArguments {
    @Option(name: .customLong("key"), help: "办公室签名密钥文件(默认 $TIANBAO_KEY_FILE 或 ~/.config/tianbao/signing.key)。")
    var path: String?

    /// Loads the key; `create` makes a new one when the default file does not exist yet.
    func load(create: Bool) throws -> SigningKey {
        do {
            if let path { return try SigningKey.load(path: path) }
            let path = SigningKey.defaultPath
            if create {
                let (key, created) = try SigningKey.loadOrCreate(path: path)
                if created {
                    printError("已生成新的签名密钥:\(path)\n请妥善保管并备份此文件;校验和汇总时须使用同一密钥。")
                }
                return key
            }
            return try SigningKey.load(path: path)
        } catch let error as KeyError {
            printError("错误:" + error.message)
            throw CommandExit(.usage)
        }
    }
}

/// `tianbao templates --round R --out DIR [--unit ID]`.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "为本轮报送的每个单位生成各自的填报模板。")

    @OptionGroup var plan: PlanOptions
    @OptionGroup var key: KeyOptions

    @Option(help: "轮次编号,如 2021-06。")
    var round: String

    @Option(help: "输出目录。")
    var out: String

    @Option(help: "只生成这个单位的模板(单位编号或全称)。")
    var unit: String?

    func run() throws {
        let plan = try self.plan.load()
        let round = try PlanOptions.round(self.round, of: plan)
        var units = plan.units(in: round)
        if let wanted = unit {
            guard let u = plan.unit(wanted) ?? plan.unit(named: wanted), units.contains(u) else {
                printError("错误:单位“\(wanted)”不在轮次 \(round.id) 的报送单位中。")
                throw CommandExit(.usage)
            }
            units = [u]
        }
        let key = try self.key.load(create: true)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            printError("错误:无法创建输出目录“\(out)”。")
            throw CommandExit(.usage)
        }
        let writer = TemplateWriter(plan: plan, key: key)
        for unit in units {
            let path = (out as NSString).appendingPathComponent(TemplateLayout.fileName(unit: unit, round: round))
            try writer.write(unit: unit, round: round, to: path)
        }
        print("已生成 \(units.count) 个模板(轮次 \(round.id),截止 \(round.due)):\(out)")
    }
}
