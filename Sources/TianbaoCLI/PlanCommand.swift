import ArgumentParser
import Foundation
import TianbaoPlan
import TianbaoPlanBook

/// `--plan FILE`, shared by every command that works on a plan.
struct PlanOptions: ParsableArguments {
    @Option(name: .customLong("plan"), help: "计划文件（YAML 或计划工作簿 .xlsx）；不指定时使用内置的默认计划。")
    var path: String?

    /// The plan to work with; plan errors end the command with status 2.
    func load() throws -> Plan {
        guard let path else { return PlanLoader.defaultPlan() }
        do {
            return try PlanFile.load(path: path)
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

/// `tianbao plan show|check|template|export`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "显示、检查、导出计划，或生成计划工作簿。",
        subcommands: [Show.self, Check.self, Template.self, Export.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "以表格显示计划：单位、任务及其单位、轮次。")
        @OptionGroup var plan: PlanOptions

        func run() throws {
            let plan = try self.plan.load()
            print(PlanReport.render(plan), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "检查计划文件，列出每一处错误及其位置（YAML：行号、列号；计划工作簿：工作表和单元格）。")
        @Argument(help: "要检查的计划文件（YAML 或计划工作簿 .xlsx）。")
        var file: String

        func run() throws {
            do {
                let plan = try PlanFile.load(path: file)
                print("计划文件“\((file as NSString).lastPathComponent)”检查通过：\(plan.units.count) 个单位、"
                      + "\(plan.tasks.count) 项任务、\(plan.sheets.count) 张表、\(plan.rounds.count) 个轮次。")
            } catch let errors as PlanErrors {
                print(errors.description)
                throw CommandExit(.usage)
            }
        }
    }

    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成计划工作簿（.xlsx），填好计划的内容，供办公室修改后用作 --plan。")
        @Option(name: .customLong("out"), help: "要写入的计划工作簿（.xlsx）。")
        var out: String
        @OptionGroup var plan: PlanOptions

        func run() throws {
            let plan = try self.plan.load()
            try PlanExporting.writeWorkbook(plan, to: out)
            print("已生成计划工作簿“\(out)”：\(plan.units.count) 个单位、\(plan.tasks.count) 项任务、\(plan.sheets.count) 张表、\(plan.rounds.count) 个轮次。"
                  + "改好后可用 tianbao plan check “\((out as NSString).lastPathComponent)” 检查。")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "转换计划：YAML 转为计划工作簿，或计划工作簿转为 YAML（按 --out 的扩展名）。")
        @OptionGroup var plan: PlanOptions
        @Option(name: .customLong("out"), help: "输出文件：.xlsx 写计划工作簿，.yaml 或 .yml 写 YAML。")
        var out: String

        func run() throws {
            let plan = try self.plan.load()
            switch (out as NSString).pathExtension.lowercased() {
            case "xlsx":
                try PlanExporting.writeWorkbook(plan, to: out)
            case "yaml", "yml":
                do {
                    try Data(PlanBook.yaml(plan).utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    printError("错误：无法写入“\(out)”：\(error.localizedDescription)")
                    throw CommandExit(.outputFailed)
                }
            default:
                printError("错误：--out 的扩展名应为 .xlsx（计划工作簿）或 .yaml、.yml（YAML 计划），而不是“\(out)”。")
                throw CommandExit(.usage)
            }
            print("已将计划“\(plan.title)”导出为“\(out)”。")
        }
    }
}

/// Writing a plan workbook for `plan template` and `plan export` (a write error ends the
/// command with status 3 and its Chinese message).
enum PlanExporting {
    static func writeWorkbook(_ plan: Plan, to path: String) throws {
        try PlanBook.write(plan, to: path)
    }
}
