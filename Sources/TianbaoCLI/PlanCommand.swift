import ArgumentParser
import Foundation
import TianbaoPlan

/// `--plan FILE`, shared by every command that works on a plan.
struct PlanOptions: ParsableArguments {
    @Option(name: .customLong("plan"), help: "计划文件（YAML）；不指定时使用内置的默认计划。")
    var path: String?

    /// The plan to work with; plan errors end the command with status 2.
    func load() throws -> Plan {
        guard let path else { return PlanLoader.defaultPlan() }
        do {
            return try PlanLoader.load(path: path)
        } catch let errors as PlanErrors {
            printError(errors.description)
            throw CommandExit(.usage)
        }
    }

    /// The plan's round with this id; an unknown id ends the command with status 2 and a
    /// message listing the plan's rounds.
    static func round(_ id: String, of plan: Plan) throws -> Round {
        guard let round = plan.round(id) else {
            printError("错误：计划中没有轮次“\(id)”。可用的轮次：\(plan.rounds.map(\.id).joined(separator: "、"))")
            throw CommandExit(.usage)
        }
        return round
    }
}

/// `tianbao plan show|check`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "显示或检查计划。",
        subcommands: [Show.self, Check.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "以表格显示计划：单位、任务及其单位、轮次。")
        @OptionGroup var plan: PlanOptions

        func run() throws {
            let plan = try self.plan.load()
            print(PlanReport.render(plan), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "检查计划文件，列出每一处错误及其行号、列号。")
        @Argument(help: "要检查的计划文件。")
        var file: String

        func run() throws {
            do {
                let plan = try PlanLoader.load(path: file)
                print("计划文件“\((file as NSString).lastPathComponent)”检查通过：\(plan.units.count) 个单位、"
                      + "\(plan.tasks.count) 项任务、\(plan.sheets.count) 张表、\(plan.rounds.count) 个轮次。")
            } catch let errors as PlanErrors {
                print(errors.description)
                throw CommandExit(.usage)
            }
        }
    }
}
